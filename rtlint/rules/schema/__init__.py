"""Rules driven by the bundled runtime JSON Schemas: unknown/misplaced keys and wrong types, per runtime."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Tuple, Type

from ...rule import Rule
from . import (
    crio010_crio_unknown_key,
    crio011_crio_wrong_type,
    ctd020_containerd_unknown_key,
    ctd021_containerd_wrong_type,
    dkr010_daemon_json_unknown_key,
    dkr011_daemon_json_wrong_type,
)

RULES: Tuple[Type[Rule], ...] = (
    ctd020_containerd_unknown_key.RULE,
    ctd021_containerd_wrong_type.RULE,
    crio010_crio_unknown_key.RULE,
    crio011_crio_wrong_type.RULE,
    dkr010_daemon_json_unknown_key.RULE,
    dkr011_daemon_json_wrong_type.RULE,
)
