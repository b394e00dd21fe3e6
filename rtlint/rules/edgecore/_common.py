"""Helpers shared by the edgecore rules: schema findings agreed on by every candidate version,
spans for key paths, and edits that give up quietly when the YAML cannot take them."""
from __future__ import annotations

from ...record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence

from ... import kinds
from ...document import Document, Edit, EditError, Entry, KeyPath, Span
from ...edgecore_schema import SchemaError, format_path
from ...kubeedge import Resolution, minor_key, resolve, schema_error_kinds, schema_errors

KINDS = (kinds.EDGECORE,)


@dataclass
class Agreed:
    """A schema finding at `path` that every candidate minor reports (one SchemaError per minor)."""

    path: KeyPath
    by_minor: Dict[str, SchemaError]
    res: Resolution

    @property
    def newest(self) -> SchemaError:
        return self.by_minor[max(self.by_minor, key=minor_key)]

    @property
    def kinds(self) -> FrozenSet[str]:
        return frozenset(e.kind for e in self.by_minor.values())

    def same(self, get: Callable[[SchemaError], object]) -> Optional[object]:
        """The value `get` returns for every minor when they all agree, else None."""
        values = [get(e) for e in self.by_minor.values()]
        first = values[0]
        return first if all(v == first for v in values) else None


def agreed(doc: Document, ctx: object, kinds_: Iterable[str]) -> List[Agreed]:
    """Schema findings of the given kinds that are findings under every candidate minor, in document order."""
    res = resolve(doc, ctx)
    if not res.minors or not isinstance(doc.data, dict):
        return []
    wanted = frozenset(kinds_)
    if wanted.isdisjoint(schema_error_kinds(doc, res.minors[0])):
        return []  # the usual case: nothing of these kinds under the first minor, so none under all
    per_minor: List[Dict[KeyPath, SchemaError]] = []
    order: List[KeyPath] = []
    alive: Optional[set] = None
    for minor in res.minors:
        found: Dict[KeyPath, SchemaError] = {}
        for e in schema_errors(doc, minor):
            if e.kind in wanted and e.path and e.path not in found:
                found[e.path] = e
                if not per_minor:
                    order.append(e.path)
        per_minor.append(found)
        alive = set(found) if alive is None else alive & set(found)
        if not alive:
            return []  # no path is wrong under every minor: the other minors need not be validated
    out = []
    for path in order:
        if all(path in found for found in per_minor):
            out.append(Agreed(path, {m: f[path] for m, f in zip(res.minors, per_minor)}, res))
    return out


def entry_at(doc: Document, path: KeyPath) -> Optional[Entry]:
    """The entry at path, or the nearest existing parent's."""
    p = tuple(path)
    while p:
        e = doc.entry(p)
        if e is not None:
            return e
        p = p[:-1]
    return doc.entry(())


def key_span(doc: Document, path: KeyPath) -> Span:
    e = entry_at(doc, path)
    return e.span if e is not None else doc.span(0, 0)


def value_span(doc: Document, path: KeyPath) -> Span:
    e = entry_at(doc, path)
    return e.value_span if e is not None else doc.span(0, 0)


def try_edit(build: Callable[[], List[Edit]]) -> Optional[List[Edit]]:
    """The builder's edits, or None when the document cannot express them."""
    try:
        return build() or None
    except EditError:
        return None


def where(path: Sequence[object]) -> str:
    """A dotted path for messages; the root is 'the top level'."""
    return format_path(tuple(path)) if path else "the top level"  # type: ignore[arg-type]


def quote(value: object) -> str:
    """A YAML-ish rendering of a scalar for messages."""
    if isinstance(value, str):
        return value if value and value.strip() == value and "'" not in value else repr(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def version_safe(res: Resolution, safe: bool) -> bool:
    """A fix that is right only for the detected versions is never safe when the version was guessed."""
    return safe and not res.guessed


def dl_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, for 'surely a typo' matches."""
    la, lb = len(a), len(b)
    d = [[0] * (lb + 1) for _ in range(la + 1)]
    for i in range(la + 1):
        d[i][0] = i
    for j in range(lb + 1):
        d[0][j] = j
    for i in range(1, la + 1):
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[la][lb]


def close_typo(name: str, candidates: Sequence[str]) -> Optional[str]:
    """The single candidate within a small edit distance of name (case-insensitive), else None."""
    limit = 1 if len(name) < 8 else 2
    hits = [c for c in candidates if dl_distance(name.lower(), c.lower()) <= limit]
    return hits[0] if len(hits) == 1 else None


def set_severity(f, severity: Optional[str]):
    if severity is not None and severity != f.rule.severity:
        f.severity = severity
    return f


__all__ = ["KINDS", "Agreed", "agreed", "entry_at", "key_span", "value_span", "try_edit", "where", "quote",
           "version_safe", "dl_distance", "close_typo", "set_severity"]
