"""Rules for systemd files: one module per rule, listed here in code order."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (syd001_containerd_unit_delegate, syd002_containerd_unit_killmode, syd003_exec_start_not_reset,
               syd005_more_than_one_exec_start)

RULES: Tuple[Type[Rule], ...] = (
    syd001_containerd_unit_delegate.RULE,
    syd002_containerd_unit_killmode.RULE,
    syd003_exec_start_not_reset.RULE,
    syd005_more_than_one_exec_start.RULE,
)
