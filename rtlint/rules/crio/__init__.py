"""Rules for crio files: one module per rule, listed here in code order."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (crio001_conmon_cgroup_mismatch, crio002_cgroup_manager_mismatch, crio003_containerd_keys_in_crio,
               crio004_key_in_wrong_table, crio005_deprecated_or_removed_key,
               crio006_default_runtime_table_missing, crio007_pause_image_reference)

RULES: Tuple[Type[Rule], ...] = (
    crio001_conmon_cgroup_mismatch.RULE,
    crio002_cgroup_manager_mismatch.RULE,
    crio003_containerd_keys_in_crio.RULE,
    crio004_key_in_wrong_table.RULE,
    crio005_deprecated_or_removed_key.RULE,
    crio006_default_runtime_table_missing.RULE,
    crio007_pause_image_reference.RULE,
)
