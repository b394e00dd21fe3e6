"""Hot-path helpers shared by the readers: span lookups and an indexed `children`.

Every reader makes a few hundred Spans per file and rules walk `Document.children`
hundreds of times per file (a linear scan of all entries each time); with the generic
versions these were a measurable share of a run (bench/run.py, "where the time goes").
The results are identical to `LineIndex.span` and `Document.children`; only the cost differs.
"""
from __future__ import annotations

from bisect import bisect_right
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Iterator, List, Sequence

from rtlint.document import Document, Entry, KeyPath, Span

__all__ = ["span_maker", "doc_span", "doc_children"]

# Span is a tuple subclass: tuple.__new__ with the six fields skips Span.__new__'s Python frame.
_new = tuple.__new__


def span_maker(starts: Sequence[int]) -> Callable[[int, int], Span]:
    """LineIndex.span over the given line starts, as a closure (no method lookups per call)."""
    def span(start: int, end: int) -> Span:
        i = bisect_right(starts, start) - 1
        j = i if end == start else bisect_right(starts, end, i if end > start else 0) - 1
        return _new(Span, (start, end, i + 1, start - starts[i] + 1, j + 1, end - starts[j] + 1))
    return span


def doc_span(self: Document, start: int, end: int) -> Span:
    """Document.span, for readers' Document subclasses."""
    starts = self.index.starts
    i = bisect_right(starts, start) - 1
    j = i if end == start else bisect_right(starts, end, i if end > start else 0) - 1
    return _new(Span, (start, end, i + 1, start - starts[i] + 1, j + 1, end - starts[j] + 1))


def doc_children(self: Document, path: KeyPath) -> Iterator[Entry]:
    """Document.children from an index by parent path, built on first use.

    The index is rebuilt if `entries` is replaced or changes length; readers only
    add entries while parsing, before any rule asks for children.
    """
    entries = self.entries
    cache: Any = self.__dict__.get("_children_index")
    if cache is None or cache[0] is not entries or cache[1] != len(entries):
        index: Dict[KeyPath, List[Entry]] = {}
        for e in entries:
            p = e.path
            if p:
                kids = index.get(p[:-1])
                if kids is None:
                    index[p[:-1]] = [e]
                else:
                    kids.append(e)
        cache = (entries, len(entries), index)
        self.__dict__["_children_index"] = cache
    return iter(cache[2].get(tuple(path), ()))
