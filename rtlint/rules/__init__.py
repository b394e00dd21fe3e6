"""The registry: every rule rtlint runs, listed explicitly (no import-time discovery)."""
from __future__ import annotations

from typing import Dict, List, Tuple, Type

from ..rule import Rule
from . import cni, containerd, crio, docker, edgecore, general, keadm, node, schema, systemd

_MODULES = (general, containerd, crio, docker, cni, systemd, edgecore, keadm, node, schema)


def _collect() -> Tuple[Rule, ...]:
    out: List[Rule] = []
    for module in _MODULES:
        out.extend(cls() for cls in module.RULES)
    return tuple(out)


ALL_RULES: Tuple[Rule, ...] = _collect()
BY_CODE: Dict[str, Rule] = {r.code: r for r in ALL_RULES}
BY_NAME: Dict[str, Rule] = {r.name: r for r in ALL_RULES}

PARSE_ERROR = BY_CODE["RT001"]
READ_ERROR = BY_CODE["RT002"]
UNUSED_SUPPRESSION = BY_CODE["RT003"]
FIX_FAILED = BY_CODE["RT004"]
UNKNOWN_KIND = BY_CODE["RT005"]


def lookup(code_or_name: str) -> Rule:
    key = code_or_name.strip()
    rule = BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
    if rule is None:
        raise KeyError(code_or_name)
    return rule
