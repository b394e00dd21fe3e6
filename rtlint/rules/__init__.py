"""The registry: every rule rtlint runs, listed explicitly (no import-time discovery).

Rule families are imported when first needed: a one-file run (the pre-commit case) loads only
the families whose rules apply to that kind of file. `ALL_RULES`, `BY_CODE` and `BY_NAME`
load everything on first use.
"""
from __future__ import annotations

import importlib
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Tuple

from ..rule import Rule
from . import general

# The order of the families is the order of ALL_RULES (and of docs/rules.md).
FAMILIES = ("general", "containerd", "crio", "docker", "cni", "systemd", "edgecore", "keadm", "node", "schema")

# Which families hold rules for each file kind; tests/test_registry.py keeps it true.
FAMILIES_OF_KIND: Dict[str, Tuple[str, ...]] = {
    "containerd": ("general", "containerd", "schema"),
    "crio": ("general", "crio", "schema"),
    "docker": ("general", "docker", "schema"),
    "systemd": ("general", "docker", "systemd"),
    "cni": ("general", "cni"),
    "edgecore": ("general", "edgecore"),
    "keadm": ("general", "keadm"),
    "node": ("node",),
}

_loaded: Dict[str, Tuple[Rule, ...]] = {"general": tuple(cls() for cls in general.RULES)}


def family(name: str) -> Tuple[Rule, ...]:
    """The rule instances of one family (each rule is instantiated once per process)."""
    rules = _loaded.get(name)
    if rules is None:
        module = importlib.import_module(f"{__name__}.{name}")
        rules = _loaded[name] = tuple(cls() for cls in module.RULES)
    return rules


def rules_for_kind(kind: str) -> Tuple[Rule, ...]:
    wanted = FAMILIES_OF_KIND.get(kind, FAMILIES)
    return tuple(r for f in FAMILIES if f in wanted for r in family(f))


def _all() -> Tuple[Rule, ...]:
    return tuple(r for f in FAMILIES for r in family(f))


def __getattr__(name: str) -> Any:
    if name == "ALL_RULES":
        value: Any = _all()
    elif name == "BY_CODE":
        value = {r.code: r for r in _all()}
    elif name == "BY_NAME":
        value = {r.name: r for r in _all()}
    else:
        raise AttributeError(name)
    globals()[name] = value
    return value


_GENERAL = {r.code: r for r in _loaded["general"]}
PARSE_ERROR = _GENERAL["RT001"]
READ_ERROR = _GENERAL["RT002"]
UNUSED_SUPPRESSION = _GENERAL["RT003"]
FIX_FAILED = _GENERAL["RT004"]
UNKNOWN_KIND = _GENERAL["RT005"]


def lookup(code_or_name: str) -> Rule:
    key = code_or_name.strip()
    by_code: Dict[str, Rule] = __getattr__("BY_CODE") if "BY_CODE" not in globals() else globals()["BY_CODE"]
    by_name: Dict[str, Rule] = __getattr__("BY_NAME") if "BY_NAME" not in globals() else globals()["BY_NAME"]
    rule = by_code.get(key.upper()) or by_name.get(key.lower())
    if rule is None:
        raise KeyError(code_or_name)
    return rule


__all__: List[str] = ["ALL_RULES", "BY_CODE", "BY_NAME", "FAMILIES", "FAMILIES_OF_KIND", "family", "lookup",
                      "rules_for_kind"]
