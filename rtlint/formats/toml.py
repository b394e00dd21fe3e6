"""TOML documents: containerd `config.toml` (versions 1-4) and CRI-O `crio.conf` / `crio.conf.d/*`.

Why not tomlkit: it round-trips text but gives no line/column for keys or
values (tomlkit issue #55), and building its tree costs ~13 ms for a 250-line
containerd config, against ~0.7 ms for `tomllib`. A linter needs positions for
every finding and runs over whole fleets of files.

How positions are obtained: `tomli` parses the text first and is the sole
authority on validity and on values (`doc.data`). tomli is the code that became
the standard library's tomllib, but its wheels are compiled with mypyc: 0.43 ms
against tomllib's 0.75 ms for a generated config.toml, with equal results and
error messages (tests/test_format_toml.py compares them over the corpus). Only a
TOML 1.0 tomli is used (pyproject pins <2.3): tomli 2.3+ reads TOML 1.1, so it
would accept `\\e` escapes that containerd 1.6 refuses ("invalid escape
sequence"). Without a TOML 1.0 tomli, tomllib is used. A
small scanner then walks the same text with compiled regexes and records where
every header, key and value sits. Most lines of real configs (blank, comment,
`[header]`, `key = "string"`, scalar or short array) are taken whole by one
regex match; anything else goes one token at a time (keys, strings, scalars,
brackets). Since the text is already known to be valid TOML the scanner never
has to diagnose anything; it only has to find token ends, which is why
multi-line strings holding `#`, `[` or `=` cannot confuse it. Values for each
Entry are taken from `doc.data` by path, not re-decoded. A parse makes only the
entries and comments; the records the edit builders need (where each statement,
section, array item and inline table sits) come from a second scan on first use,
since only a fix asks for them (see `_Scanner`).

Paths use unquoted key parts; arrays (of tables or of values) contribute int
indexes. For a table with a header, both spans of its Entry are the header
token (`[a."b"]`). Implicit tables (made by `[a.b.c]` or `a.b.c = 1`) have no
key span; their value span covers the key parts that first created them.

Edits splice text into the original: only the lines that change are touched,
and new keys follow the indentation, quoting and line endings around them.
New keys go after the table's last key line; a missing table gets a `[header]`
at the end of its parent's region (or just above its first sub-table when it
only existed implicitly); tables made by dotted keys get another dotted key and
inline tables another member. Deleting a table removes its header, body and
sub-tables; an implicit parent left with no content disappears with it, since
it has no text of its own. A comment block directly above a key moves with it.

Speed (CPython 3.11, one core): a generated ~250-line containerd config.toml
parses in about 0.82 ms with compiled tomli (0.43 ms of it tomli; tomllib would
add ~0.3 ms); most of the rest is the ~210 Entries and ~370 Spans a file of that
size needs. The first edit builder call on a document adds ~0.65 ms (the full scan).
"""
from __future__ import annotations

import ast
import datetime
import math
import re
from bisect import bisect_right
from ..record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._tomlreader import toml_reader

_toml = toml_reader()

from rtlint.document import (
    Comment,
    Document,
    Edit,
    EditError,
    Entry,
    KeyPath,
    ParseError,
    Span,
)
from rtlint.formats._fast import doc_children, doc_span, span_maker

__all__ = ["TomlDocument", "TomlTable", "parse", "render_key", "render_path", "render_value"]

# -- token patterns ----------------------------------------------------------------
_WS = re.compile(r"[ \t]*")
_WSNL = re.compile(r"[ \t\r\n]*")
_COMMENT = re.compile(r"#[^\r\n]*")
# rest of a line after a statement (or a whole blank/comment line): ws, comment, line break
_EOL = re.compile(r"[ \t]*(#[^\r\n]*)?(?:\r?\n|\Z)")
_SIMPLE_KEY = re.compile(r"([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
_DOT = re.compile(r"[ \t]*\.[ \t]*")
_EQ = re.compile(r"[ \t]*=[ \t]*")
_BASIC = re.compile(r'"(?:[^"\\\n]+|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]+|\\[\s\S]|"(?!""))*"{3,5}')
_ML_LITERAL = re.compile(r"'''[\s\S]*?'{3,5}")
_SCALAR = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
    r"|[A-Za-z0-9_+.:-]+"
)
_KEY_TOKEN = r"""[A-Za-z0-9_-]+|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*'"""  # unrolled: no backtracking blow-up
# a string or scalar on one line (also an array element)
_KEY_PART = re.compile(_KEY_TOKEN)
_ONE_LINE_VALUE = r""""[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*'|""" + _SCALAR.pattern
_ELEMENT = re.compile(_ONE_LINE_VALUE)
# One match per line for the lines real configs are made of: blank or comment-only lines,
# `key = value  # comment` with a one-part key and a string, scalar or one-line array of
# those as its value, and `[a."b".c]  # comment`. Anything else (dotted keys, nested arrays,
# inline tables, multi-line strings or arrays) takes the token scanner.
# Groups: 1-2 blank/comment, 3-5 key/value/comment, 6-9 bracket/key/bracket/comment; a match's
# lastindex (2, 4-5, 8-9) tells which kind of line it is.
_LINE = re.compile(
    r"[ \t]*(?:"
    r"(#[^\r\n]*)?(\r?\n|\Z)"
    r"|([A-Za-z0-9_-]+|\"[^\"\\\n]*\"|'[^'\n]*')[ \t]*=[ \t]*"
    r"(" + _ONE_LINE_VALUE + r"|\[[ \t]*(?:(?:" + _ONE_LINE_VALUE + r")(?:[ \t]*,[ \t]*(?:" + _ONE_LINE_VALUE
    + r"))*[ \t]*,?[ \t]*)?\])"
    r"[ \t]*(#[^\r\n]*)?(?:\r?\n|\Z)"
    r"|(\[\[?)[ \t]*((?:" + _KEY_TOKEN + r")(?:[ \t]*\.[ \t]*(?:" + _KEY_TOKEN + r"))*)[ \t]*(\]\]?)"
    r"[ \t]*(#[^\r\n]*)?(?:\r?\n|\Z)"
    r")"
)
_ELEM_TAIL = re.compile(r"[ \t]*(,?)[ \t]*(?:#[^\r\n]*)?\r?\n")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ERR_POS = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_ERR_TUPLE = re.compile(r"\((?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+)(?:, (?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+))*,?\)")

_MISSING = object()
# Hot loops build Entries as object.__new__(Entry) and set these attributes in this order, as
# Entry.__init__ does, without its frame (~45 ns of ~115 per Entry); tests/test_format_toml.py
# checks the result is the same as Entry(...).
_ENTRY_FIELDS = ("path", "value", "key_span", "value_span", "index")
_new = tuple.__new__  # Span is a tuple subclass: build it without Span.__new__'s frame


def _end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """End of a pattern that always matches (it may match nothing)."""
    m = pattern.match(text, pos)
    assert m is not None
    return m.end()


# -- rendering -----------------------------------------------------------------------

def _escape_table(keep_newline: bool) -> Dict[int, str]:
    table = {c: f"\\u{c:04X}" for c in range(0x20)}
    table[0x7F] = "\\u007F"
    table.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                  ord('"'): '\\"', ord("\\"): "\\\\"})
    if keep_newline:
        del table[0x0A]
    return table


_ESC = _escape_table(False)
_ESC_ML = _escape_table(True)
_LITERAL_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _basic(s: str) -> str:
    return '"' + s.translate(_ESC) + '"'


def render_key(part: str) -> str:
    """A key part as TOML: bare when it can be, else a basic quoted string."""
    return part if _BARE_KEY.match(part) else _basic(part)


def render_path(path: KeyPath) -> str:
    """A table path as it appears in a header (`plugins."io.containerd.grpc.v1.cri"`); ints are skipped."""
    return ".".join(render_key(p) for p in path if isinstance(p, str))


def _render_str(s: str, like: str, newline: str) -> str:
    """Keep the quoting style of the value being replaced (`like`) when the new string allows it."""
    if like.startswith("'''"):
        if ("'''" not in s and not s.endswith("'") and not _LITERAL_BAD.search(s.replace("\n", ""))
                and ("\n" not in s or newline == "\n")):
            return "'''" + ("\n" if s.startswith("\n") else "") + s + "'''"
    elif like.startswith("'"):
        if "'" not in s and not _LITERAL_BAD.search(s):
            return "'" + s + "'"
    elif like.startswith('"""'):
        body = s.translate(_ESC_ML if newline == "\n" else _ESC)
        if body.startswith("\n"):
            body = "\\n" + body[1:]
        return '"""' + body + '"""'
    return _basic(s)


def render_value(value: Any, like: str = "", newline: str = "\n") -> str:
    """A Python value as a TOML value token; `like` is the old token whose string style to keep."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _render_str(value, like, newline)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render_value(v, "", newline) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise EditError("TOML table keys must be strings")
        return "{" + ", ".join(f"{render_key(k)} = {render_value(v, '', newline)}"
                               for k, v in value.items()) + "}"
    raise EditError(f"cannot write {type(value).__name__} as a TOML value")


def _unquote_key(tok: str) -> str:
    c = tok[0]
    if c == '"':
        if "\\" in tok:
            return _toml.loads("k = " + tok)["k"]
        return tok[1:-1]
    if c == "'":
        return tok[1:-1]
    return tok


def _show(path: KeyPath) -> str:
    """A path for messages: plugins."io.containerd.grpc.v1.cri".registry.mirrors[0]."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + render_key(p)
    return out or "(root table)"


# -- scan records (offsets only; Spans are made for Entries) ------------------------------

class _Section:
    """A `[header]` / `[[header]]` and the statements under it; the root section has no header."""

    __slots__ = ("aot", "end", "line_end", "line_start", "part_spans", "path", "start", "stmts")

    def __init__(self, path: KeyPath, part_spans: Sequence[Tuple[int, int]], line_start: int,
                 start: int, end: int, line_end: int, aot: bool) -> None:
        self.path = path
        self.part_spans = part_spans
        self.line_start = line_start
        self.start = start
        self.end = end
        self.line_end = line_end
        self.stmts: List[_KV] = []
        self.aot = aot

    @property
    def body_end(self) -> int:
        return self.stmts[-1].line_end if self.stmts else self.line_end


class _KV:
    """A key/value statement ('kv'), an inline-table member ('member') or an array element ('elem')."""

    __slots__ = (
        "base",
        "comment",
        "kind",
        "line_end",
        "line_start",
        "owner",
        "part_spans",
        "path",
        "value_end",
        "value_start",
    )

    def __init__(self, path: KeyPath, kind: str, owner: Any, base: KeyPath,
                 part_spans: Sequence[Tuple[int, int]], value_start: int, value_end: int,
                 line_start: int, line_end: int, comment: Optional[Tuple[int, int]]) -> None:
        # every field in one call: the scanner's fast path knows them all at once
        self.path = path
        self.kind = kind
        self.owner = owner  # _Section for statements, _Container for members and elements
        self.base = base  # table path the key is relative to
        self.part_spans = part_spans
        self.value_start = value_start
        self.value_end = value_end
        self.line_start = line_start  # statements only (-1 otherwise)
        self.line_end = line_end
        self.comment = comment

    @property
    def key_start(self) -> int:
        return self.part_spans[0][0] if self.part_spans else self.value_start


class _Container:
    """An inline table `{...}` or array `[...]` value: its brackets and items."""

    __slots__ = ("close", "has_comments", "items", "open", "path")

    def __init__(self, path: KeyPath, open_: int) -> None:
        self.path = path
        self.open = open_
        self.close = open_
        self.items: List[_KV] = []
        self.has_comments = False


class _Tab:
    """Everything that defines one table: header sections, dotted keys through it, an inline value."""

    __slots__ = ("aot", "dotted", "in_inline", "inline", "path", "sections")

    def __init__(self, path: KeyPath) -> None:
        self.path = path
        self.sections: List[_Section] = []
        self.dotted: List[_KV] = []  # statements/members whose dotted key passes through this table
        self.inline: Optional[_Container] = None
        self.in_inline = False
        self.aot = False  # the array of an array of tables

    @property
    def kind(self) -> str:
        if not self.path:
            return "root"
        if self.aot:
            return "array"
        if self.sections:
            return "array-item" if self.sections[0].aot else "table"
        if self.inline is not None or self.in_inline:
            return "inline"
        if self.dotted:
            return "dotted"
        return "implicit"


@dataclass(frozen=True)
class TomlTable:
    """A table as other code sees it.

    kind: root, table (has a header), array-item (`[[x]]` item), array (the list
    of an array of tables), inline (`{...}` or inside one), dotted (made by
    `a.b = 1`), implicit (only a parent of headers like `[a.b]`).
    `body_end` is the offset after its last key line (see `table_body_end`).
    """

    path: KeyPath
    kind: str
    header: Optional[Span]
    body_end: Optional[int]


def _span_maker(doc: Document) -> Any:
    """LineIndex.span without the method-call overhead (it is called for every entry)."""
    return span_maker(doc.index.starts)


# -- the scanner -------------------------------------------------------------------------

class _Scanner:
    """Walks valid TOML text once, recording where every header, key and value sits.

    Two modes. The lean one (`full=False`, every parse) makes only what a lint run
    reads: the document's entries and comments. The full one (`full=True`) also
    makes the scan records the edit builders and `tables()` need (sections, tables,
    key/value locations, array and inline-table boxes); TomlDocument runs it on
    first use, over the same text, writing entries into lists of its own that are
    then dropped. Most files never need it: only a fix or `tables()` asks (on the
    real-world corpus, 30 of 83 TOML files during a lint).

    Both modes decide what is a new table from the entries made so far (`by_path`)
    and which tables are arrays of tables from the data. The lean one resolves most
    headers from a remembered parent header; the full one reads every header token
    by token, since its section needs each key part's span. Their entries must be
    the same (tests/test_format_toml.py compares them over the corpus).
    """

    def __init__(self, doc: TomlDocument, full: bool) -> None:
        self.doc = doc
        self.full = full
        self.text = doc.text
        self.data = doc.data
        self.span = _span_maker(doc)
        self.starts = doc.index.starts
        if full:
            self.entries: List[Entry] = []
            self.by_path: Dict[KeyPath, Entry] = {}
            self.comments: List[Comment] = []
        else:
            self.entries = doc.entries
            self.by_path = doc._by_path
            self.comments = doc.comments
        self.tabs: Dict[KeyPath, _Tab] = {}
        self.locs: Dict[KeyPath, _KV] = {}
        self.sections: List[_Section] = []
        self.comment_lines: set = set()  # line-start offsets of comment-only lines outside values
        self.boxes: Dict[KeyPath, _Container] = {}  # array and inline-table values by path
        self.aot_count: Dict[KeyPath, int] = {}

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self.by_path[entry.path] = entry  # Document.add, on this scan's own lists

    def comment(self, start: int, end: int) -> None:
        line, col = self.doc.index.position(start)
        self.comments.append(Comment(line, col, self.text[start + 1:end]))

    def run(self) -> None:
        text, n = self.text, len(self.text)
        full = self.full
        starts = self.starts
        root = _Section((), (), 0, 0, 0, 0, False)
        sections = self.sections
        sections.append(root)
        root_tab = _Tab(())
        root_tab.sections.append(root)
        self.tabs[()] = root_tab
        self.add(Entry((), self.data, None, self.span(0, n)))
        entries = self.entries
        by_path = self.by_path
        comments = self.comments
        comment_lines = self.comment_lines
        locs = self.locs
        boxes = self.boxes
        aot_count = self.aot_count
        section = root
        spath: KeyPath = ()
        stmts = root.stmts
        table = self.data
        pos = 0
        line = 1  # number of the line that starts at pos
        match_line = _LINE.match
        key_parts = _KEY_PART.finditer
        elements = _ELEMENT.finditer
        new = _new
        make = object.__new__
        # header key text -> (its table's path, the table); "" is the root
        root_key = ((), table)
        seen: Dict[str, Tuple[KeyPath, Any]] = {"": root_key}
        while pos < n:
            m = match_line(text, pos)
            if m is not None:
                what = m.lastindex
                if what == 2:  # blank or comment-only line
                    c = m.start(1)
                    if c != -1:
                        comments.append(Comment(line, c - pos + 1, text[c + 1:m.end(1)]))
                        comment_lines.add(pos)
                elif what < 6:  # key = value on one line
                    ks, ke = m.span(3)
                    vs, ve = m.span(4)
                    key = m.group(3)
                    if key[0] in "\"'":
                        key = key[1:-1]  # quoted without escapes
                    path = spath + (key,)
                    if what == 5:  # a comment after the value (group 5, the last one)
                        c, ce = m.span(5)
                        comments.append(Comment(line, c - pos + 1, text[c + 1:ce]))
                    if full:
                        kv = _KV(path, "kv", section, spath, ((ks, ke),), vs, ve, pos, m.end(),
                                 (c, ce) if what == 5 else None)
                        locs[path] = kv
                        stmts.append(kv)
                    # both Spans on this line: Span(s, e, line, s - col0, line, e - col0), built directly
                    col0 = pos - 1
                    value = table[key]
                    e = make(Entry)  # Entry(path, value, key span, value span), see _ENTRY_FIELDS
                    e.path = path
                    e.value = value
                    e.key_span = new(Span, (ks, ke, line, ks - col0, line, ke - col0))
                    e.value_span = new(Span, (vs, ve, line, vs - col0, line, ve - col0))
                    e.index = 0
                    entries.append(e)
                    by_path[path] = e
                    if text[vs] == "[":  # a one-line array of strings/scalars
                        if full:
                            box = boxes[path] = _Container(path, vs)
                            box.close = ve - 1
                        i = 0
                        for t in elements(text, vs + 1, ve - 1):
                            es, ee = t.span()
                            ipath = path + (i,)
                            e = make(Entry)
                            e.path = ipath
                            e.value = value[i]
                            e.key_span = None
                            e.value_span = new(Span, (es, ee, line, es - col0, line, ee - col0))
                            e.index = 0
                            entries.append(e)
                            by_path[ipath] = e
                            if full:
                                ikv = _KV(ipath, "elem", box, path, (), es, ee, -1, -1, None)
                                locs[ipath] = ikv
                                box.items.append(ikv)
                            i += 1
                elif full:  # the header's key parts and their spans, token by token
                    spath, table, section, _ = self.header(pos, m.start(6))
                    sections.append(section)
                    stmts = section.stmts
                else:  # [header] or [[header]]
                    start = m.start(6)
                    ks, ke = m.span(7)
                    end = m.end(8)
                    aot = m.end(6) - start == 2
                    if what == 9:  # a comment after the header
                        c, ce = m.span(9)
                        comments.append(Comment(line, c - pos + 1, text[c + 1:ce]))
                    hspan = new(Span, (start, end, line, start - pos + 1, line, end - pos + 1))
                    # `[a.b.c]` after `[a.b]` (or `[a]` at the root): start from a.b's table instead
                    # of walking from the root; `head` is the key text before the last part, None
                    # when that part is not simply split off (spaces around its dot, escapes)
                    keytext = text[ks:ke]
                    q = keytext[-1]
                    if q == '"' or q == "'":
                        i = keytext.rfind(q, 0, -1)  # its opening quote: no escapes in it, checked below
                        tail = keytext[i + 1:-1]
                        head = "" if i == 0 else keytext[:i - 1] if keytext[i - 1] == "." else None
                        if q == '"' and "\\" in tail:
                            head = None
                    else:
                        head, _, tail = keytext.rpartition(".")
                        if tail[0] in " \t":
                            head = None
                    parent = None if head is None else seen.get(head)
                    if parent is not None:  # the last part's key is `tail` (open_table, one part)
                        spath, table = parent
                        table = table[tail]
                        spath = spath + (tail,)
                        if aot:
                            if spath not in by_path:  # the first item: the array itself appears here
                                e = Entry(spath, table, None, hspan)
                                entries.append(e)
                                by_path[spath] = e
                            i = aot_count.get(spath, 0)
                            aot_count[spath] = i + 1
                            spath = spath + (i,)
                            table = table[i]
                        else:
                            e = by_path.get(spath)
                            if e is not None and e.key_span is None:
                                entries.remove(e)  # declared after its children: the header replaces it
                        e = make(Entry)
                        e.path = spath
                        e.value = table
                        e.key_span = e.value_span = hspan
                        e.index = 0
                        entries.append(e)
                        by_path[spath] = e
                    else:
                        parts = []
                        spans = []
                        for t in key_parts(text, ks, ke):
                            part = t.group()
                            parts.append(_unquote_key(part) if part[0] in "\"'" else part)
                            spans.append(t.span())
                        spath, table = self.open_table(parts, spans, aot, hspan)
                    if aot:  # [[a]] moves a's index on: remembered paths through it are stale
                        seen.clear()
                        seen[""] = root_key
                    seen[keytext] = (spath, table)
                pos = m.end()
                line += 1
                continue
            line_start = pos
            pos = _end(_WS, text, pos)
            if text[pos] == "[":
                spath, table, sec, pos = self.header(line_start, pos)
                seen.clear()  # not kept up to date by this path
                seen[""] = root_key
                if sec is not None:
                    section = sec
                    sections.append(section)
                    stmts = section.stmts
            else:
                kv = self.keyval(pos, table, spath, section, "kv")
                kv.line_start = line_start
                m = _EOL.match(text, kv.value_end)
                if m is None:
                    raise self.lost(kv.value_end)
                if m.group(1) is not None:
                    kv.comment = (m.start(1), m.end(1))
                    self.comment(*kv.comment)
                kv.line_end = m.end()
                stmts.append(kv)
                pos = kv.line_end
            line = bisect_right(starts, pos)

    def lost(self, pos: int) -> ParseError:
        line, col = self.doc.index.position(pos)
        return ParseError("the TOML scanner lost its place here although tomllib accepted the file "
                          "(please report this file)", line, col)

    def implicit(self, path: KeyPath, value: Any, start: int, end: int) -> Optional[_Tab]:
        """A table made by a dotted key; its _Tab (None in the lean scan)."""
        if path not in self.by_path:
            self.add(Entry(path, value, None, self.span(start, end)))
            if self.full:
                tab = self.tabs[path] = _Tab(path)
                return tab
            return None
        return self.tabs.get(path)

    def key(self, pos: int) -> Tuple[List[str], List[Tuple[int, int]], int]:
        text = self.text
        parts: List[str] = []
        spans: List[Tuple[int, int]] = []
        while True:
            m = _KEY_PART.match(text, pos)
            if m is None:
                raise self.lost(pos)
            parts.append(_unquote_key(m.group()))
            spans.append((pos, m.end()))
            pos = m.end()
            d = _DOT.match(text, pos)
            if d is None:
                return parts, spans, pos
            pos = d.end()

    def header(self, line_start: int, start: int) -> Tuple[KeyPath, Any, Optional[_Section], int]:
        """A header line: its table's path and value, its section (full scan only), the next line's start."""
        text = self.text
        aot = text.startswith("[[", start)
        pos = _end(_WS, text, start + (2 if aot else 1))
        parts, spans, pos = self.key(pos)
        end = _end(_WS, text, pos) + (2 if aot else 1)
        m = _EOL.match(text, end)
        if m is None:
            raise self.lost(end)
        if m.group(1) is not None:
            self.comment(m.start(1), m.end(1))
        path, obj = self.open_table(parts, spans, aot, self.span(start, end))
        section = None
        if self.full:
            section = _Section(path, tuple(spans), line_start, start, end, m.end(), aot)
            self.tabs[path].sections.append(section)
        return path, obj, section, m.end()

    def open_table(self, parts: List[str], spans: List[Tuple[int, int]], aot: bool,
                   hspan: Span) -> Tuple[KeyPath, Any]:
        """Record a header whose key parts are known; returns its table's path and value.

        A path with no entry yet is a new table; an array of tables is a list in the
        data (a header cannot reach into a static array), and `[a.b]` after `[[a]]`
        is about a's last item so far.
        """
        by_path = self.by_path
        full = self.full
        tabs = self.tabs
        last = len(parts) - 1
        obj: Any = self.data
        path: KeyPath = ()
        for i in range(last):
            part = parts[i]
            obj = obj[part]
            path = path + (part,)
            if path not in by_path:  # an implicit table (its own header, if any, comes later)
                if full:
                    tabs[path] = _Tab(path)
                self.add(Entry(path, obj, None, self.span(spans[0][0], spans[i][1])))
            elif obj.__class__ is list:
                idx = self.aot_count[path] - 1
                path = path + (idx,)
                obj = obj[idx]
        part = parts[last]
        obj = obj[part]
        path = path + (part,)
        if aot:
            if path not in by_path:  # the first item: the array itself appears here
                if full:
                    tabs[path] = _Tab(path)
                    tabs[path].aot = True
                self.add(Entry(path, obj, None, hspan))
            idx = self.aot_count.get(path, 0)
            self.aot_count[path] = idx + 1
            path = path + (idx,)
            obj = obj[idx]
            if full:
                tabs[path] = _Tab(path)
        else:
            old = by_path.get(path)
            if old is None:
                if full:
                    tabs[path] = _Tab(path)
            elif old.key_span is None:  # declared after its children: the header replaces it
                self.entries.remove(old)
        self.add(Entry(path, obj, hspan, hspan))
        return path, obj

    def keyval(self, pos: int, table: Any, base: KeyPath, owner: Any, kind: str) -> _KV:
        m = _SIMPLE_KEY.match(self.text, pos)
        if m is not None:  # the common `name = value`
            parts, spans, p = [m.group(1)], [(pos, m.end(1))], m.end()
        else:
            parts, spans, p = self.key(pos)
            p = _end(_EQ, self.text, p)
        obj = table
        path = base
        kv = _KV((), kind, owner, base, tuple(spans), p, p, -1, -1, None)
        for i in range(len(parts) - 1):
            obj = obj[parts[i]]
            path = path + (parts[i],)
            tab = self.implicit(path, obj, spans[0][0], spans[i][1])
            if tab is not None:
                tab.dotted.append(kv)
                if kind == "member":
                    tab.in_inline = True
        path = path + (parts[-1],)
        kv.path = path
        value = obj[parts[-1]]
        entry = Entry(path, value, self.span(spans[0][0], spans[-1][1]), None)  # type: ignore[arg-type]
        self.add(entry)
        kv.value_end = self.value(p, value, path)
        entry.value_span = self.span(p, kv.value_end)
        self.locs[path] = kv
        return kv

    def value(self, pos: int, value: Any, path: KeyPath) -> int:
        text = self.text
        c = text[pos]
        if c == '"':
            m = (_ML_BASIC if text.startswith('"""', pos) else _BASIC).match(text, pos)
        elif c == "'":
            m = (_ML_LITERAL if text.startswith("'''", pos) else _LITERAL).match(text, pos)
        elif c == "[":
            return self.array(pos, value, path)
        elif c == "{":
            return self.inline(pos, value, path)
        else:
            m = _SCALAR.match(text, pos)
        if m is None:
            raise self.lost(pos)
        return m.end()

    def skip(self, pos: int, box: _Container) -> int:
        """Whitespace, line breaks and comments inside brackets."""
        text = self.text
        while True:
            pos = _end(_WSNL, text, pos)
            if text.startswith("#", pos):
                end = _end(_COMMENT, text, pos)
                self.comment(pos, end)
                box.has_comments = True
                pos = end
            else:
                return pos

    def array(self, pos: int, value: List[Any], path: KeyPath) -> int:
        text = self.text
        box = self.boxes[path] = _Container(path, pos)
        pos += 1
        i = 0
        while True:
            pos = self.skip(pos, box)
            if text[pos] == "]":
                break
            item = value[i]
            ipath = path + (i,)
            entry = Entry(ipath, item, None, None)  # type: ignore[arg-type]
            self.add(entry)
            kv = _KV(ipath, "elem", box, path, (), pos, pos, -1, -1, None)
            kv.value_end = self.value(pos, item, ipath)
            entry.value_span = self.span(pos, kv.value_end)
            self.locs[ipath] = kv
            box.items.append(kv)
            pos = self.skip(kv.value_end, box)
            if text[pos] == ",":
                pos += 1
            i += 1
        box.close = pos
        return pos + 1

    def inline(self, pos: int, value: Dict[str, Any], path: KeyPath) -> int:
        text = self.text
        box = self.boxes[path] = _Container(path, pos)
        if self.full:
            tab = self.tabs.get(path)
            if tab is None:
                tab = self.tabs[path] = _Tab(path)
            tab.inline = box
            tab.in_inline = True
        pos += 1
        while True:
            pos = self.skip(pos, box)
            if text[pos] == "}":
                break
            kv = self.keyval(pos, value, path, box, "member")
            box.items.append(kv)
            pos = self.skip(kv.value_end, box)
            if text[pos] == ",":
                pos += 1
        box.close = pos
        return pos + 1


_SCAN_RECORDS = frozenset(("_tabs", "_locs", "_sections", "_comment_lines", "_boxes"))


# -- the document --------------------------------------------------------------------------

@dataclass
class TomlDocument(Document):
    """A parsed TOML file with span-preserving edit builders."""

    format: str = "toml"

    span = doc_span  # same results as Document.span/children, cheaper (see formats/_fast.py)
    children = doc_children

    if TYPE_CHECKING:  # made by the full scan on first use (see __getattr__)
        _tabs: Dict[KeyPath, _Tab]
        _locs: Dict[KeyPath, _KV]
        _sections: List[_Section]
        _comment_lines: set  # line-start offsets of comment-only lines outside values
        _boxes: Dict[KeyPath, _Container]  # array and inline-table values by path

    def __getattr__(self, name: str) -> Any:
        """The scan records, made on first use: a lint run without fixes never needs them.

        Only reached for attributes the instance does not have yet.
        """
        if name in _SCAN_RECORDS:
            scan = _Scanner(self, True)
            scan.run()
            self.__dict__.update(_tabs=scan.tabs, _locs=scan.locs, _sections=scan.sections,
                                 _comment_lines=scan.comment_lines, _boxes=scan.boxes)
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- reading helpers ------------------------------------------------------------
    def tables(self) -> List[TomlTable]:
        """Every table (including implicit ones and the root) in order of first appearance."""
        return [self._table(t) for t in self._tabs.values()]

    def table(self, path: KeyPath) -> Optional[TomlTable]:
        t = self._tabs.get(tuple(path))
        return None if t is None else self._table(t)

    def _table(self, t: _Tab) -> TomlTable:
        return TomlTable(t.path, t.kind, self.table_header(t.path), self.table_body_end(t.path))

    def table_header(self, path: KeyPath) -> Optional[Span]:
        """The `[...]` / `[[...]]` token of a table, None for tables without a header."""
        t = self._tabs.get(tuple(path))
        if t is None or not t.path or not t.sections:
            return None
        s = t.sections[0]
        return self.span(s.start, s.end)

    def table_body_end(self, path: KeyPath) -> Optional[int]:
        """Offset just after the last line of the table's own keys (its header line when it has none).

        Blank lines and comments after that line are not counted: they usually
        introduce whatever comes next. For a dotted table this is the end of the
        last dotted key through it; None for implicit, inline and array paths.
        """
        t = self._tabs.get(tuple(path))
        if t is None or t.aot or t.in_inline:
            return None
        if t.sections:
            return t.sections[-1].body_end
        if t.dotted:
            return t.dotted[-1].line_end
        return None

    def key_part_spans(self, path: KeyPath) -> List[Span]:
        """Each part of a key as written (`a`, `"b.c"` in `a."b.c" = 1`); empty for array items."""
        loc = self._locs.get(tuple(path))
        return [] if loc is None else [self.span(s, e) for s, e in loc.part_spans]

    def statement_span(self, path: KeyPath) -> Optional[Span]:
        """Whole lines of a key/value statement including its line break (None if not a statement)."""
        loc = self._locs.get(tuple(path))
        if loc is None or loc.kind != "kv":
            return None
        return self.span(loc.line_start, loc.line_end)

    # -- small text helpers -------------------------------------------------------------
    def _line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def _attached_start(self, line_start: int) -> int:
        """Start of the comment-only lines directly above a line (no blank line between).

        A block that starts the file is its own header (licence, description),
        not the line's, and stays where it is.
        """
        text = self.text
        start = line_start
        while start > 0:
            prev = text.rfind("\n", 0, start - 1) + 1
            if prev not in self._comment_lines:
                break
            start = prev
        return line_start if start == 0 else start

    def _key_like(self, key: str, old_start: int) -> str:
        """A key part token; when it needs quotes, quoted like the token it replaces."""
        if _BARE_KEY.match(key) or self.text[old_start] != "'" or "'" in key or _LITERAL_BAD.search(key):
            return render_key(key)
        return "'" + key + "'"

    def _header_for(self, anc: KeyPath, table: KeyPath) -> str:
        """`[table]`, spelling the `anc` part exactly as an existing header does."""
        n = len(anc)
        k = sum(1 for p in anc if isinstance(p, str))
        for s in self._sections[1:]:
            if k and s.path[:n] == anc:
                prefix = self.text[s.part_spans[0][0]:s.part_spans[k - 1][1]]
                rest = render_path(table[n:])
                return "[" + prefix + ("." + rest if rest else "") + "]"
        return "[" + render_path(table) + "]"

    def _indent(self, line_start: int) -> str:
        return self.text[line_start:_end(_WS, self.text, line_start)]

    def _step(self) -> str:
        """How far keys are indented under their header in this file ('' when they are not)."""
        for s in self._sections[1:]:
            if s.stmts:
                h = self._indent(s.line_start)
                k = self._indent(s.stmts[0].line_start)
                return k[len(h):] if k.startswith(h) else ""
        return ""

    def _lookup(self, path: KeyPath) -> Any:
        obj = self.data
        for p in path:
            try:
                obj = obj[p]
            except (KeyError, IndexError, TypeError):
                return _MISSING
        return obj

    def _lines(self, indent: str, kline: str, lead: List[str], trailing: Optional[str]) -> List[str]:
        out = [indent + c for c in lead]
        out.append(indent + kline + (trailing or ""))
        return out

    def _insert_at(self, pos: int, lines: List[str], blank_before: bool = False,
                   blank_after: bool = False) -> Edit:
        """Insert whole lines at a line boundary, coping with a missing final newline."""
        nl = self.newline
        text = self.text
        body = nl.join(lines)
        if pos >= len(text) and text and not text.endswith("\n"):
            # keep the file's missing final newline missing
            return Edit(len(text), len(text), nl + (nl if blank_before else "") + body)
        pre = ""
        if blank_before and pos > 0 and text[self._line_start(pos - 1):pos].strip():
            pre = nl  # no blank line above yet
        return Edit(pos, pos, pre + body + nl + (nl if blank_after else ""))

    # -- edit builders ------------------------------------------------------------------
    def set_value(self, path: KeyPath, value: Any) -> List[Edit]:
        path = tuple(path)
        loc = self._locs.get(path)
        if loc is None:
            if path in self._tabs:
                raise EditError(f"{_show(path)} is a table; set its keys instead")
            raise EditError(f"{_show(path)} does not exist")
        old = self.text[loc.value_start:loc.value_end]
        return [Edit(loc.value_start, loc.value_end, render_value(value, old, self.newline))]

    def insert(self, table: KeyPath, key: str, value: Any) -> List[Edit]:
        return self._insert(tuple(table), key, render_value(value, "", self.newline), [], None)

    def append(self, array: KeyPath, value: Any) -> List[Edit]:
        """Add an element at the end of an array value (not an array of tables)."""
        array = tuple(array)
        box = self._boxes.get(array)
        if box is None or self.text[box.open] != "[":
            raise EditError(f"{_show(array)} is not an array value")
        text = self.text
        token = render_value(value, "", self.newline)
        if not box.items:
            return [Edit(box.open + 1, box.close, token)]
        last = box.items[-1]
        ls = self._line_start(last.value_start)
        tail = _ELEM_TAIL.match(text, last.value_end)
        if ls > box.open and tail is not None and tail.end() <= box.close \
                and not text[ls:last.value_start].strip():
            # one element per line: add a line below the last one, in the same style
            comma = bool(tail.group(1))
            indent = text[ls:last.value_start]
            edits = [] if comma else [Edit(last.value_end, last.value_end, ",")]
            return edits + [Edit(tail.end(), tail.end(),
                                 indent + token + ("," if comma else "") + self.newline)]
        return [Edit(last.value_end, last.value_end, ", " + token)]

    def _insert(self, table: KeyPath, key: str, vtext: str, lead: List[str],
                trailing: Optional[str]) -> List[Edit]:
        if not isinstance(key, str):
            raise EditError("a TOML key must be a string")
        obj = self._lookup(table)
        if obj is not _MISSING:
            if not isinstance(obj, dict):
                raise EditError(f"{_show(table)} is not a table")
            if key in obj:
                raise EditError(f"{_show(table + (key,))} already exists")
        tab = self._tabs.get(table)
        if tab is not None:
            if tab.inline is not None:
                return [self._insert_inline(tab.inline, render_key(key) + " = " + vtext)]
            if tab.in_inline:
                raise EditError(f"{_show(table)} is defined by dotted keys inside an inline table")
            if tab.aot:
                raise EditError(f"{_show(table)} is an array of tables; give an item index")
            if tab.dotted:
                return [self._insert_dotted(tab, table, key, vtext, lead, trailing)]
            if tab.sections:
                return [self._insert_in_section(tab.sections[-1], render_key(key) + " = " + vtext,
                                                lead, trailing)]
            return [self._insert_new_table(table, table, key, vtext, lead, trailing)]
        # the table does not exist: find the closest ancestor that does
        for k in range(len(table) - 1, -1, -1):
            anc = table[:k]
            atab = self._tabs.get(anc)
            if atab is None:
                if anc in self._locs:
                    raise EditError(f"{_show(anc)} is not a table")
                continue
            if any(not isinstance(p, str) for p in table[k:]):
                raise EditError(f"cannot create array items in {_show(table)}")
            if atab.inline is not None:  # nest the new tables inside the inline table
                inner = render_key(key) + " = " + vtext
                for part in reversed(table[k + 1:]):
                    inner = render_key(str(part)) + " = {" + inner + "}"
                return [self._insert_inline(atab.inline, render_key(str(table[k])) + " = {" + inner + "}")]
            if atab.in_inline:
                raise EditError(f"{_show(anc)} is defined by dotted keys inside an inline table")
            if atab.aot:
                raise EditError(f"{_show(anc)} is an array of tables; give an item index")
            if atab.dotted and not atab.sections:
                return [self._insert_dotted(atab, table, key, vtext, lead, trailing)]
            return [self._insert_new_table(anc, table, key, vtext, lead, trailing)]
        raise EditError(f"cannot insert into {_show(table)}")  # pragma: no cover - root always exists

    def _insert_inline(self, box: _Container, kline: str) -> Edit:
        if not box.items:
            return Edit(box.open + 1, box.close, kline)
        last = box.items[-1]
        return Edit(last.value_end, last.value_end, ", " + kline)

    def _insert_in_section(self, sec: _Section, kline: str, lead: List[str],
                           trailing: Optional[str]) -> Edit:
        if sec.stmts:
            last = sec.stmts[-1]
            indent = self._indent(last.line_start)
            return self._insert_at(last.line_end, self._lines(indent, kline, lead, trailing))
        if sec.path:
            indent = self._indent(sec.line_start) + self._step()
            return self._insert_at(sec.line_end, self._lines(indent, kline, lead, trailing))
        # root table without keys: above the first header and the comments attached to it
        lines = self._lines("", kline, lead, trailing)
        if len(self._sections) > 1:
            return self._insert_at(self._attached_start(self._sections[1].line_start), lines,
                                   blank_after=True)
        return self._insert_at(len(self.text), lines)

    def _insert_dotted(self, tab: _Tab, table: KeyPath, key: str, vtext: str, lead: List[str],
                       trailing: Optional[str]) -> Edit:
        last = tab.dotted[-1]
        rel = table[len(last.base):] + (key,)
        if any(not isinstance(p, str) for p in rel):
            raise EditError(f"cannot write {_show(table)} as a dotted key")
        kline = ".".join(render_key(str(p)) for p in rel) + " = " + vtext
        indent = self._indent(last.line_start)
        return self._insert_at(last.line_end, self._lines(indent, kline, lead, trailing))

    def _insert_new_table(self, anc: KeyPath, table: KeyPath, key: str, vtext: str,
                          lead: List[str], trailing: Optional[str]) -> Edit:
        kline = render_key(key) + " = " + vtext
        step = self._step()
        n = len(table)
        children = [s for s in self._sections[1:] if s.path[:n] == table]
        header = self._header_for(table if children else anc, table)
        if children:  # an implicit table: declare it just above its first sub-table
            first = children[0]
            hindent = self._indent(first.line_start)
            lines = [hindent + header] + self._lines(hindent + step, kline, lead, trailing)
            return self._insert_at(self._attached_start(first.line_start), lines, blank_after=True)
        m = len(anc)
        region = [s for s in self._sections[1:] if s.path[:m] == anc] if anc else []
        if region:
            last = region[-1]
            hindent = self._indent(last.line_start)
            kindent = self._indent(last.stmts[-1].line_start) if last.stmts else hindent + step
            # after everything the last section holds (commented-out keys too), before the
            # comments that introduce the next header
            i = self._sections.index(last)
            if i + 1 < len(self._sections):
                pos = self._attached_start(self._sections[i + 1].line_start)
            else:
                pos = len(self.text)
            pos = self._drop_blank_lines_before(pos)
        elif anc:
            raise EditError(f"cannot find where {_show(anc)} is written")
        else:
            hindent, kindent, pos = "", step, len(self.text)
        lines = [hindent + header] + self._lines(kindent, kline, lead, trailing)
        return self._insert_at(pos, lines, blank_before=True)

    # delete ---------------------------------------------------------------------------
    def delete(self, path: KeyPath) -> List[Edit]:
        path = tuple(path)
        if not path:
            raise EditError("cannot delete the whole document")
        loc = self._locs.get(path)
        if loc is not None:
            return [self._delete_loc(loc, False)]
        tab = self._tabs.get(path)
        if tab is None:
            raise EditError(f"{_show(path)} does not exist")
        if tab.in_inline:
            if len(tab.dotted) == 1:
                return [self._delete_loc(tab.dotted[0], False)]
            raise EditError(f"{_show(path)} is spread over several inline-table members")
        n = len(path)
        ranges: List[Tuple[int, int]] = []
        secs = self._sections
        for i in range(1, len(secs)):
            s = secs[i]
            if s.path[:n] == path:
                # from the blank lines above it to the comments introducing the next header,
                # so the spacing around what is left stays as it was
                start = self._drop_blank_lines_before(self._attached_start(s.line_start))
                if i + 1 < len(secs):
                    end = self._drop_blank_lines_before(self._attached_start(secs[i + 1].line_start))
                else:
                    end = len(self.text)
                if ranges and start <= ranges[-1][1]:
                    ranges[-1] = (ranges[-1][0], end)
                else:
                    ranges.append((start, end))
        edits = [Edit(a, b, "") for a, b in ranges]
        edits.extend(self._delete_loc(kv, False) for kv in tab.dotted)
        return _dedupe(edits)

    def _drop_blank_lines_before(self, pos: int) -> int:
        text = self.text
        while pos > 0:
            prev = text.rfind("\n", 0, pos - 1) + 1
            if text[prev:pos].strip():
                break
            pos = prev
        return pos

    def _delete_loc(self, loc: _KV, with_comments: bool) -> Edit:
        text = self.text
        if loc.kind == "kv":
            start = self._attached_start(loc.line_start) if with_comments else loc.line_start
            end = loc.line_end
            if end == len(text) and not text.endswith("\n") and start > 0:
                start -= 2 if text[start - 2:start] == "\r\n" else 1  # keep "no final newline"
            return Edit(start, end, "")
        box: _Container = loc.owner
        items = box.items
        i = items.index(loc)
        start = loc.key_start
        ls = self._line_start(start)
        tail = _ELEM_TAIL.match(text, loc.value_end)
        if ls > box.open and tail is not None and not text[ls:start].strip() \
                and tail.end() <= box.close and (i + 1 == len(items) or tail.group(1)):
            return Edit(ls, tail.end(), "")  # the item and its comma have their own line(s)
        if len(items) == 1:
            if not box.has_comments:
                return Edit(box.open + 1, box.close, "")
            return Edit(start, loc.value_end, "")
        if i + 1 < len(items):
            return Edit(start, items[i + 1].key_start, "")
        return Edit(items[i - 1].value_end, loc.value_end, "")

    # rename / move ------------------------------------------------------------------------
    def rename(self, path: KeyPath, new_key: str) -> List[Edit]:
        path = tuple(path)
        if not path or not isinstance(path[-1], str):
            raise EditError(f"{_show(path)} has no key to rename")
        if not isinstance(new_key, str):
            raise EditError("a TOML key must be a string")
        if new_key == path[-1]:
            return []
        parent = self._lookup(path[:-1])
        if isinstance(parent, dict) and new_key in parent:
            raise EditError(f"{_show(path[:-1] + (new_key,))} already exists")
        loc = self._locs.get(path)
        if loc is not None:
            a, b = loc.part_spans[-1]
            return [Edit(a, b, self._key_like(new_key, a))]
        tab = self._tabs.get(path)
        if tab is None:
            raise EditError(f"{_show(path)} does not exist")
        n = len(path)
        idx = sum(1 for p in path if isinstance(p, str)) - 1  # header parts have no indexes
        edits = []
        for s in self._sections[1:]:
            if s.path[:n] == path:
                a, b = s.part_spans[idx]
                edits.append(Edit(a, b, self._key_like(new_key, a)))
        for kv in tab.dotted:
            a, b = kv.part_spans[n - len(kv.base) - 1]
            edits.append(Edit(a, b, self._key_like(new_key, a)))
        return _dedupe(edits)

    def move(self, path: KeyPath, table: KeyPath, new_key: Optional[str] = None) -> List[Edit]:
        """Delete a key and insert it (same value text) into `table`; its comments travel with it."""
        path, table = tuple(path), tuple(table)
        loc = self._locs.get(path)
        if loc is None:
            if path in self._tabs:
                raise EditError(f"{_show(path)} is a table; only keys can be moved")
            raise EditError(f"{_show(path)} does not exist")
        key = path[-1] if new_key is None else new_key
        if not isinstance(key, str):
            raise EditError(f"{_show(path)} is an array item; give new_key")
        if table == path[:-1] and key == path[-1]:
            return []
        if table[:len(path)] == path:
            raise EditError(f"cannot move {_show(path)} into itself")
        if loc.kind == "member" and self._tabs.get(table) is not None \
                and self._tabs[table].inline is loc.owner:
            raise EditError("moving within one inline table is a rename")
        text = self.text
        vtext = text[loc.value_start:loc.value_end]
        lead: List[str] = []
        trailing = None
        target = self._tabs.get(table)
        into_inline = target is not None and target.inline is not None
        if loc.kind == "kv" and not into_inline:
            cstart = self._attached_start(loc.line_start)
            lead = [ln.strip() for ln in text[cstart:loc.line_start].splitlines()]
            if loc.comment is not None:
                trailing = text[loc.value_end:loc.comment[1]]  # keeps the spacing before '#'
        ins = self._insert(table, key, vtext, lead, trailing)
        dele = self._delete_loc(loc, loc.kind == "kv")
        for e in ins:
            if dele.start < e.start < dele.end:
                raise EditError(f"cannot move {_show(path)} to {_show(table)}: edits overlap")
        return [dele] + ins


def _dedupe(edits: List[Edit]) -> List[Edit]:
    out: List[Edit] = []
    for e in sorted(set(edits), key=lambda e: (e.start, e.end)):
        if out and e.start < out[-1].end:
            if e.end <= out[-1].end and not e.text:
                continue  # inside a range already removed
            raise EditError("overlapping edits")
        out.append(e)
    return out


# -- entry point ---------------------------------------------------------------------------

_CLEARER = (
    (re.compile(r"Cannot declare (.+) twice"), "table [{0}] is declared twice"),
    (re.compile(r"Cannot mutate immutable namespace (.+)"), "{0} is an inline table; it cannot be extended"),
    (re.compile(r"Cannot redefine namespace (.+)"), "{0} is already a table; dotted keys cannot add to it"),
    (re.compile(r"Invalid value"), "missing or invalid value"),
    (re.compile(r"Invalid initial character for a key part"), "a key cannot start with this character"),
)


def _unclosed_quote(src: str) -> "int | None":
    """Index of the quote that opens a string still open at the end of `src` (single-line strings)."""
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "#":
            return None
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if (c == '"' and src[j] == "\\") else 1
            if j >= n:
                return i
            i = j + 1
            continue
        i += 1
    return None


def _error(exc: Exception, text: str) -> ParseError:
    """tomllib's message without its '(at line L, column C)' suffix, key tuples shown as TOML keys."""
    msg = str(exc)
    line, col = 1, 1
    m = _ERR_POS.search(msg)
    if m is not None:
        msg = msg[:m.start()]
        if m.group(1):
            line, col = int(m.group(1)), int(m.group(2))
        else:
            line = text.count("\n") + 1
            col = len(text) - text.rfind("\n")

    def key(t: re.Match[str]) -> str:
        try:
            parts = ast.literal_eval(t.group())
        except (ValueError, SyntaxError):
            return t.group()
        return render_path(tuple(parts)) if isinstance(parts, tuple) else t.group()

    msg = _ERR_TUPLE.sub(key, msg)
    if msg == "Cannot overwrite a value":  # point at the key and name it
        lines = text.split("\n")
        src = lines[line - 1] if line <= len(lines) else ""
        k = re.match(r"([ \t]*)([^=]+?)[ \t]*=", src)
        if k is not None:
            col = len(k.group(1)) + 1
            msg = f"{k.group(2)} is already defined (each key and table may be defined only once)"
        elif src.strip().startswith("["):
            col = len(src) - len(src.lstrip()) + 1
            msg = f"table {src.strip()} clashes with a key defined earlier"
        else:
            msg = "a value is defined twice (each key and table may be defined only once)"
    elif msg in ("Illegal character '\\n'", "Illegal character '\\r'", "Unterminated string"):
        lines = text.split("\n")
        src = lines[line - 1] if line <= len(lines) else ""
        opening = _unclosed_quote(src[:col - 1])
        if opening is not None:
            col = opening + 1
            msg = f"string starting here is not closed: add the missing {src[opening]} before the end of the line"
        else:
            msg = msg[:1].lower() + msg[1:]
    else:
        for pattern, words in _CLEARER:
            c = pattern.fullmatch(msg)
            if c is not None:
                if words.startswith("table ["):  # point at the header, not at its closing bracket
                    src = text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""
                    col = len(src) - len(src.lstrip()) + 1
                msg = words.format(*c.groups())
                break
        else:
            msg = msg[:1].lower() + msg[1:]
    return ParseError(f"invalid TOML: {msg}", line, col)


def parse(path: str, kind: str, raw: bytes, text: str, bom: bool) -> TomlDocument:
    """Parse TOML text (already decoded, BOM removed) into a TomlDocument."""
    try:
        data = _toml.loads(text)
    except _toml.TOMLDecodeError as e:
        raise _error(e, text) from None
    doc = TomlDocument(path=path, kind=kind, raw=raw, text=text, bom=bom, data=data)
    _Scanner(doc, False).run()
    return doc
