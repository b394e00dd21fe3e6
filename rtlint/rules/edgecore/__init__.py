"""Rules for edgecore files: one module per rule, listed here in code order.

Every rule asks rtlint.kubeedge.resolve() which KubeEdge release(s) the file is
for; when the version was only inferred, a rule reports a problem only if it is
one under every candidate release.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (
    ec001_unknown_key,
    ec002_key_case,
    ec003_value_type,
    ec004_unquoted_scalar,
    ec005_enum_value,
    ec006_other_version_key,
    ec007_v1alpha1_key,
    ec008_cgroup_driver_misplaced,
    ec009_deprecated_endpoint_key,
    ec010_dockershim_removed,
    ec011_container_runtime,
    ec012_api_version_kind,
    ec013_unknown_feature_gate,
    ec014_endpoints_differ,
    ec015_endpoint_format,
    ec016_systemd_cgroup_bug,
    ec017_containerd_too_old,
    ec018_sandbox_image_reference,
    ec019_crio_uid_bug,
)

RULES: Tuple[Type[Rule], ...] = (
    ec001_unknown_key.RULE,
    ec002_key_case.RULE,
    ec003_value_type.RULE,
    ec004_unquoted_scalar.RULE,
    ec005_enum_value.RULE,
    ec006_other_version_key.RULE,
    ec007_v1alpha1_key.RULE,
    ec008_cgroup_driver_misplaced.RULE,
    ec009_deprecated_endpoint_key.RULE,
    ec010_dockershim_removed.RULE,
    ec011_container_runtime.RULE,
    ec012_api_version_kind.RULE,
    ec013_unknown_feature_gate.RULE,
    ec014_endpoints_differ.RULE,
    ec015_endpoint_format.RULE,
    ec016_systemd_cgroup_bug.RULE,
    ec017_containerd_too_old.RULE,
    ec018_sandbox_image_reference.RULE,
    ec019_crio_uid_bug.RULE,
)
