"""Cross-file rules, run by node mode over all files of one node."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (node001_endpoint_runtime_missing, node002_cgroup_driver_mismatch, node003_endpoint_socket_mismatch,
               node004_sandbox_image_disagrees, node005_cri_dockerd_binary_path, node006_kata_handler_missing,
               node007_virtlet_setup, node008_edgecore_missing, node009_cni_config_missing,
               node010_cni_plugin_missing, node011_cri_dockerd_sandbox_image, node012_sandbox_image_registry,
               node013_cri_runtime_ambiguous, node014_crictl_endpoint, node015_docker_flag_and_file,
               node016_package_leftover, node017_endpoint_socket_absent)

RULES: Tuple[Type[Rule], ...] = (
    node001_endpoint_runtime_missing.RULE,
    node002_cgroup_driver_mismatch.RULE,
    node003_endpoint_socket_mismatch.RULE,
    node004_sandbox_image_disagrees.RULE,
    node005_cri_dockerd_binary_path.RULE,
    node006_kata_handler_missing.RULE,
    node007_virtlet_setup.RULE,
    node008_edgecore_missing.RULE,
    node009_cni_config_missing.RULE,
    node010_cni_plugin_missing.RULE,
    node011_cri_dockerd_sandbox_image.RULE,
    node012_sandbox_image_registry.RULE,
    node013_cri_runtime_ambiguous.RULE,
    node014_crictl_endpoint.RULE,
    node015_docker_flag_and_file.RULE,
    node016_package_leftover.RULE,
    node017_endpoint_socket_absent.RULE,
)
