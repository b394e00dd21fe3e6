"""Rules for CNI network configs (.conf / .conflist / .json), in code order."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (
    cni001_required_fields,
    cni002_version_unknown,
    cni003_host_local_without_subnet,
    cni004_version_too_new,
    cni005_conf_vs_conflist,
)

RULES: Tuple[Type[Rule], ...] = (
    cni001_required_fields.RULE,
    cni002_version_unknown.RULE,
    cni003_host_local_without_subnet.RULE,
    cni004_version_too_new.RULE,
    cni005_conf_vs_conflist.RULE,
)
