"""The document model every format reader produces.

A document keeps the exact bytes it was read from. Values are looked up by key
path; every key and value knows its span in the text, so findings can point at
them and fixes can splice new text into the original instead of re-dumping it.
"""
from __future__ import annotations

import bisect
from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:
    KeyPath = Tuple[Union[str, int], ...]
else:
    KeyPath = tuple  # the precise alias is for type checkers; at run time only the name is imported

_MISSING = object()


try:
    from _collections import _tuplegetter  # what namedtuple's fields use (CPython 3.8+)
except ImportError:  # pragma: no cover - other interpreters
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str) -> Any:  # type: ignore[misc]
        return property(itemgetter(index), doc=doc)

_tuple_new = tuple.__new__


class Span(tuple):
    """A range of the decoded text; lines and columns are 1-based, ends exclusive.

    A tuple with named fields rather than a frozen record: readers build a few hundred Spans
    per file, and a tuple is built 2-5x faster (readers in hot loops call
    `tuple.__new__(Span, (start, end, line, column, end_line, end_column))` directly), while
    staying immutable, hashable and cheap to pickle back from worker processes.
    """

    __slots__ = ()
    start = _tuplegetter(0, "offset of the first character")
    end = _tuplegetter(1, "offset after the last character")
    line = _tuplegetter(2, "1-based line of start")
    column = _tuplegetter(3, "1-based column of start")
    end_line = _tuplegetter(4, "1-based line of end")
    end_column = _tuplegetter(5, "1-based column of end")
    __match_args__ = ("start", "end", "line", "column", "end_line", "end_column")

    def __new__(cls, start: int, end: int, line: int, column: int, end_line: int, end_column: int) -> "Span":
        return _tuple_new(cls, (start, end, line, column, end_line, end_column))

    def __getnewargs__(self) -> Tuple[int, ...]:
        return tuple(self)

    def __repr__(self) -> str:
        return "Span(start=%r, end=%r, line=%r, column=%r, end_line=%r, end_column=%r)" % tuple(self)


class LineIndex:
    """Maps character offsets to 1-based line/column (a CR before LF belongs to its line)."""

    def __init__(self, text: str) -> None:
        self.text = text
        # one split is cheaper than a find() call per line (every document builds this index)
        starts = [0]
        pos = 0
        for line in text.split("\n"):
            pos += len(line) + 1
            starts.append(pos)
        starts.pop()
        self.starts = starts

    def position(self, offset: int) -> Tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(start, end, line, col, end_line, end_col)

    def line_span(self, line: int) -> Tuple[int, int]:
        """Offsets of a whole line including its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return start, end


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text`. Fixes are lists of these, nothing else."""

    start: int
    end: int
    text: str


class ParseError(Exception):
    """The file cannot be read as its format; line/column are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class EditError(Exception):
    """An edit cannot be expressed on this document (missing key, unsupported shape)."""


@dataclass
class Entry:
    """One key (or array item) of a document.

    `key_span` is None for array items and the root. For a TOML table,
    `key_span` is its header (`[a.b]`) when it has one. For systemd units,
    `index` counts repeated assignments of the same key.
    """

    path: KeyPath
    value: Any
    key_span: Optional[Span]
    value_span: Span
    index: int = 0

    @property
    def span(self) -> Span:
        return self.key_span or self.value_span


@dataclass
class Comment:
    line: int
    column: int
    text: str  # without the comment marker


def apply_edits(text: str, edits: Sequence[Edit]) -> Tuple[str, List[Edit], List[Edit]]:
    """Apply non-overlapping edits; overlapping ones are returned to retry on the next pass."""
    applied: List[Edit] = []
    deferred: List[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last_end:
            deferred.append(e)
            continue
        applied.append(e)
        last_end = e.end
    out = []
    pos = 0
    for e in applied:
        out.append(text[pos:e.start])
        out.append(e.text)
        pos = e.end
    out.append(text[pos:])
    return "".join(out), applied, deferred


@dataclass
class Document:
    """Base of every format's document. Subclasses fill `entries` and implement the edit builders."""

    path: str
    kind: str
    raw: bytes
    text: str
    bom: bool = False
    data: Any = None
    entries: List[Entry] = field(default_factory=list)
    comments: List[Comment] = field(default_factory=list)
    format: str = ""

    def __post_init__(self) -> None:
        self.index = LineIndex(self.text)
        self._by_path: dict = {}

    # -- building (used by readers) -----------------------------------------
    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self._by_path[entry.path] = entry  # a repeated key: the last one wins

    # -- reading --------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return self.raw

    @property
    def newline(self) -> str:
        i = self.text.find("\n")
        return "\r\n" if i > 0 and self.text[i - 1] == "\r" else "\n"

    def entry(self, path: KeyPath) -> Optional[Entry]:
        return self._by_path.get(tuple(path))

    def has(self, path: KeyPath) -> bool:
        return tuple(path) in self._by_path

    def get(self, path: KeyPath, default: Any = None) -> Any:
        e = self._by_path.get(tuple(path))
        return default if e is None else e.value

    def children(self, path: KeyPath) -> Iterator[Entry]:
        """Direct children of a table/mapping/array, in document order."""
        path = tuple(path)
        n = len(path)
        for e in self.entries:
            if len(e.path) == n + 1 and e.path[:n] == path:
                yield e

    def span(self, start: int, end: int) -> Span:
        return self.index.span(start, end)

    def line_text(self, line: int) -> str:
        s, e = self.index.line_span(line)
        return self.text[s:e]

    def encode(self, text: str) -> bytes:
        """Turn edited text back into bytes with this document's BOM."""
        return ("\ufeff" if self.bom else "").encode() + text.encode("utf-8")

    # -- edit builders (format-specific) --------------------------------------
    def set_value(self, path: KeyPath, value: Any) -> List[Edit]:
        raise EditError(f"{self.format} documents cannot set values")

    def insert(self, table: KeyPath, key: str, value: Any) -> List[Edit]:
        raise EditError(f"{self.format} documents cannot insert keys")

    def delete(self, path: KeyPath) -> List[Edit]:
        raise EditError(f"{self.format} documents cannot delete keys")

    def rename(self, path: KeyPath, new_key: str) -> List[Edit]:
        raise EditError(f"{self.format} documents cannot rename keys")

    def move(self, path: KeyPath, table: KeyPath, new_key: Optional[str] = None) -> List[Edit]:
        raise EditError(f"{self.format} documents cannot move keys")
