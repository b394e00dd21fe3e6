"""Rules for containerd files: one module per rule, listed here in code order."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (
    ctd001_cri_plugin_disabled,
    ctd002_missing_config_version,
    ctd003_foreign_version_table,
    ctd004_config_version_unsupported,
    ctd005_systemd_cgroup_mismatch,
    ctd006_misplaced_systemd_cgroup,
    ctd007_runtime_type_missing,
    ctd008_legacy_systemd_cgroup,
    ctd009_sandbox_image_misplaced,
    ctd010_sandbox_image_mismatch,
    ctd011_removed_runtime_type,
    ctd012_legacy_runtime_table,
    ctd013_kata_runtime_type,
    ctd014_default_runtime_missing,
    ctd015_disabled_plugin_uri_invalid,
    ctd016_registry_mirrors_with_config_path,
    ctd017_sandbox_image_reference,
)

RULES: Tuple[Type[Rule], ...] = (
    ctd001_cri_plugin_disabled.RULE,
    ctd002_missing_config_version.RULE,
    ctd003_foreign_version_table.RULE,
    ctd004_config_version_unsupported.RULE,
    ctd005_systemd_cgroup_mismatch.RULE,
    ctd006_misplaced_systemd_cgroup.RULE,
    ctd007_runtime_type_missing.RULE,
    ctd008_legacy_systemd_cgroup.RULE,
    ctd009_sandbox_image_misplaced.RULE,
    ctd010_sandbox_image_mismatch.RULE,
    ctd011_removed_runtime_type.RULE,
    ctd012_legacy_runtime_table.RULE,
    ctd013_kata_runtime_type.RULE,
    ctd014_default_runtime_missing.RULE,
    ctd015_disabled_plugin_uri_invalid.RULE,
    ctd016_registry_mirrors_with_config_path.RULE,
    ctd017_sandbox_image_reference.RULE,
)
