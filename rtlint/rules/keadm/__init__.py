"""Rules for keadm files: one module per rule, listed here in code order."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import kea001_runtimetype_unsupported, kea002_dockershim_endpoint, kea003_endpoint_format, \
    kea004_cgroupdriver_invalid, kea005_cgroupdriver_mismatch, \
    kea006_runtime_endpoint_conflict, kea007_runtime_endpoint_missing, \
    kea008_edgecore_edit_before_join

RULES: Tuple[Type[Rule], ...] = (
    kea001_runtimetype_unsupported.RULE,
    kea002_dockershim_endpoint.RULE,
    kea003_endpoint_format.RULE,
    kea004_cgroupdriver_invalid.RULE,
    kea005_cgroupdriver_mismatch.RULE,
    kea006_runtime_endpoint_conflict.RULE,
    kea007_runtime_endpoint_missing.RULE,
    kea008_edgecore_edit_before_join.RULE,
)
