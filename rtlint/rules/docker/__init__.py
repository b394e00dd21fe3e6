"""Rules for Docker's daemon.json and the dockerd / cri-dockerd units, in code order."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (
    dkr001_cgroup_driver_invalid,
    dkr002_cgroup_driver_mismatch,
    dkr003_daemon_json_structure,
    dkr004_socket_listen_dollar_t,
    dkr005_cri_dockerd_fd_endpoint,
    dkr006_cri_dockerd_network_plugin,
    dkr007_cri_dockerd_pause_image,
)

RULES: Tuple[Type[Rule], ...] = (
    dkr001_cgroup_driver_invalid.RULE,
    dkr002_cgroup_driver_mismatch.RULE,
    dkr003_daemon_json_structure.RULE,
    dkr004_socket_listen_dollar_t.RULE,
    dkr005_cri_dockerd_fd_endpoint.RULE,
    dkr006_cri_dockerd_network_plugin.RULE,
    dkr007_cri_dockerd_pause_image.RULE,
)
