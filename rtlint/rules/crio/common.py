"""Small helpers shared by the CRI-O rules: walking settings by table, and where to point."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Callable, Iterator, List, Optional, Tuple

from ...document import Document, Edit, EditError, Entry, KeyPath, Span
from ...runtimes import crio


def settings(doc: Document) -> Iterator[Tuple[Entry, str, str]]:
    """(entry, table kind, key) for every scalar or array value sitting directly in a table CRI-O knows.

    Sub-tables (and inline tables) are not settings; tables CRI-O does not have
    (`[crio.storage]`) are left to the schema rule.
    """
    for e in doc.entries:
        path = e.path
        if not path or not isinstance(path[-1], str) or isinstance(e.value, dict):
            continue
        kind = crio.table_kind(path[:-1])
        if kind is not None:
            yield e, kind, path[-1]


def anchor(doc: Document, table: KeyPath) -> Span:
    """Where to report something missing from `table`: its header, the closest ancestor's, or line 1."""
    path = tuple(table)
    while path:
        e = doc.entry(path)
        if e is not None:
            return e.span
        path = path[:-1]
    for e in doc.entries:
        if e.path:
            return e.span
    return doc.span(0, 0)


def value_of(doc: Document, path: KeyPath) -> Optional[Entry]:
    """The entry at `path` when it holds a string, else None."""
    e = doc.entry(path)
    return e if e is not None and isinstance(e.value, str) else None


def attempt(build: Callable[[], List[Edit]]) -> Optional[List[Edit]]:
    """The edits, or None when the document cannot express them (the finding then has no fix)."""
    try:
        return build()
    except EditError:
        return None


def disjoint(edits: List[Edit]) -> Optional[List[Edit]]:
    """The edits if none overlaps another (a fix must never overlap itself), else None."""
    spans = sorted((e.start, e.end) for e in edits)
    if any(spans[i + 1][0] < spans[i][1] for i in range(len(spans) - 1)):
        return None
    return edits
