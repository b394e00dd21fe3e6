"""Which rules run: --select/--ignore take codes, code prefixes (CTD, CTD0) and kebab names."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterable, List, Optional, Sequence

from .rule import Rule


def matches(rule: Rule, selector: str) -> bool:
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    return rule.code.upper().startswith(s.upper()) or rule.name == s.lower()


def unknown_selectors(rules: Sequence[Rule], selectors: Iterable[str]) -> List[str]:
    return [s for s in selectors if s.strip() and not any(matches(r, s) for r in rules)]


def select(rules: Sequence[Rule], select: Optional[Sequence[str]] = None,
           ignore: Optional[Sequence[str]] = None) -> List[Rule]:
    chosen = [r for r in rules if not select or any(matches(r, s) for s in select)]
    if ignore:
        chosen = [r for r in chosen if not any(matches(r, s) for s in ignore)]
    return chosen
