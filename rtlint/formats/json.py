"""JSON documents: Docker's daemon.json and CNI *.conf / *.conflist.

The stdlib `json` module gives no positions, so this is a small recursive-descent
scanner that builds the values and their spans in one pass. It is strict the way
dockerd and libcni (Go's encoding/json) are, but explains the usual hand-editing
mistakes (trailing commas, comments, single quotes, unquoted keys) instead of
saying "Expecting property name".

Duplicate keys are not an error for Go (the last one wins), so they are parsed
like that: `data`, `entries` and path lookups see only the winner, and the shadowed
occurrences are kept on `doc.duplicate_keys` (with `Entry.index` counting
occurrences) for a rule to report. `delete_entry` removes one shadowed occurrence;
`delete(path)` removes them all.

JSON has no comments, so `doc.comments` is always empty and a finding in a JSON
file cannot be suppressed inline: use the rtlint config file instead.

Edits splice text into the original: only the lines that change are touched, and
new members follow the file's own indentation, separators and line endings. A new
object or array is written like the value it replaces or its last sibling (one line
or pretty); without one, objects and arrays holding containers are pretty-printed
and arrays of scalars stay on one line. Minified files stay on one line. `append`
to a missing array creates it, as `insert` creates missing objects.

Speed, measured with timeit on CPython 3.11 (dev container, one core): a 1.9 KB
pretty-printed daemon.json with 75 entries parses in 0.22 ms (json.loads: 0.006 ms);
about 60% of that is building the Span/Entry objects. The 860-byte CRLF nerdctl
conflist takes 0.10 ms. Style detection (indent, separators) runs lazily, only when
an edit needs it: 0.07 ms for the same 1.9 KB file.
"""
from __future__ import annotations

import json as _json
import re
import unicodedata
from collections import Counter
from ..record import dataclass, field
from json.decoder import scanstring as _scanstring
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from rtlint.document import (
    Document,
    Edit,
    EditError,
    Entry,
    KeyPath,
    ParseError,
    apply_edits,
)
from rtlint.formats._fast import doc_children, doc_span

__all__ = ["JsonDocument", "parse"]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")
_NUMBER_TOKEN = re.compile(r"[-+.0-9A-Za-z_]+")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$.\-]*")
_JSON_WS = " \t\n\r"
_MAX_DEPTH = 400  # far beyond any real config; keeps us clear of Python's recursion limit


# -- scanning ------------------------------------------------------------------

class _Scanner:
    """One pass over the text; collects raw entries (offsets only) for speed."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        # (path, value, key_start, key_end, value_start, value_end, occurrence)
        self.raw: List[Any] = []
        self.shadowed: List[Tuple[int, int]] = []  # ranges of self.raw to drop
        self.openers: List[int] = []  # offsets of the currently open brackets

    # errors ----------------------------------------------------------------
    def fail(self, message: str, offset: int) -> ParseError:
        line, col = _position(self.s, offset)
        return ParseError(message, line, col)

    def eof(self) -> ParseError:
        """The file ends early: point just after the last token, name the open bracket."""
        end = len(self.s.rstrip(_JSON_WS))
        if self.openers:
            o = self.openers[-1]
            line, col = _position(self.s, o)
            msg = f"unexpected end of file: '{self.s[o]}' at line {line}, column {col} is never closed"
        else:
            msg = "unexpected end of file; expected a JSON value"
        return self.fail(msg, end)

    def unexpected(self, i: int, expected: str) -> ParseError:
        s = self.s
        if i >= self.n:
            return self.eof()
        c = s[i]
        if c == "#" or (c == "/" and s[i + 1:i + 2] in ("/", "*")):
            return self.fail("JSON does not allow comments", i)
        if c == "'":
            return self.fail("JSON strings need double quotes, not single quotes", i)
        if c.isspace() or c == "\ufeff":
            return self.fail(
                f"{_describe(c)} is not allowed in JSON; only spaces, tabs and line breaks are", i)
        if c in "}]" and self.openers:
            o = self.openers[-1]
            want = "}" if s[o] == "{" else "]"
            if c != want:
                line, col = _position(s, o)
                return self.fail(
                    f"'{c}' does not match '{s[o]}' at line {line}, column {col}; expected {expected}", i)
        return self.fail(f"unexpected {_describe(c)}; expected {expected}", i)

    # grammar -----------------------------------------------------------------
    def ws(self, i: int) -> int:
        if i < self.n and self.s[i] in _JSON_WS:
            return _WS.match(self.s, i).end()
        return i

    def document(self) -> Tuple[Any, int, int]:
        s = self.s
        start = self.ws(1 if s.startswith("\ufeff") else 0)  # a BOM the caller did not strip
        if start >= self.n:
            raise ParseError("file is empty; expected a JSON object", 1, 1)
        slot = len(self.raw)
        self.raw.append(None)
        value, end = self.value(start, (), 0)
        self.raw[slot] = ((), value, -1, -1, start, end, 0)
        after = self.ws(end)
        if after < self.n:
            c = s[after]
            if c == "#" or (c == "/" and s[after + 1:after + 2] in ("/", "*")):
                raise self.fail("JSON does not allow comments", after)
            if c in ",}]":
                raise self.fail(f"unexpected '{c}' after the end of the top-level value", after)
            what = "object" if isinstance(value, dict) else "value"
            raise self.fail(f"unexpected data after the end of the top-level {what}", after)
        return value, start, end

    def value(self, i: int, path: KeyPath, depth: int) -> Tuple[Any, int]:
        s = self.s
        if i >= self.n:
            raise self.eof()
        c = s[i]
        if c == '"':
            return self.string(i)
        if c == "{":
            return self.object(i, path, depth)
        if c == "[":
            return self.array(i, path, depth)
        if c == "-" or "0" <= c <= "9" or c in "+.":
            m = _NUMBER_TOKEN.match(s, i)
            tok = m.group()
            if _NUMBER.match(tok):
                if "." in tok or "e" in tok or "E" in tok:
                    return float(tok), m.end()
                return int(tok), m.end()
            if tok.lstrip("+-") in ("Infinity", "NaN"):
                raise self.fail(f"{tok} is not valid JSON", i)
            raise self.fail(f"invalid number '{tok}'", i)
        m = _WORD.match(s, i)
        if m:
            word = m.group()
            if word == "true":
                return True, m.end()
            if word == "false":
                return False, m.end()
            if word == "null":
                return None, m.end()
            if word in ("NaN", "Infinity"):
                raise self.fail(f"{word} is not valid JSON", i)
            if word.lower() in ("true", "false", "null", "none"):
                raise self.fail(f"JSON literals are lowercase true, false and null (found '{word}')", i)
            raise self.fail(f"unexpected word '{word}'; strings must be in double quotes", i)
        raise self.unexpected(i, "a value")

    def string(self, i: int) -> Tuple[str, int]:
        try:
            return _scanstring(self.s, i + 1, True)
        except ValueError as e:
            raise self.string_error(i, e) from None

    def string_error(self, start: int, e: ValueError) -> ParseError:
        s = self.s
        msg = getattr(e, "msg", str(e))
        pos = getattr(e, "pos", start)
        if msg.startswith("Invalid control character"):
            c = s[pos]
            if c in "\r\n":
                return self.fail("line break inside a string (missing closing quote?)", pos)
            if c == "\t":
                return self.fail("tab character inside a string; write it as \\t", pos)
            return self.fail(f"{_describe(c)} inside a string must be escaped", pos)
        if msg.startswith("Invalid \\u"):
            back = s.rfind("\\", start, pos + 1)
            return self.fail("invalid \\u escape; it needs four hex digits", back if back >= 0 else pos)
        if msg.startswith("Invalid \\escape"):
            esc = s[pos:pos + 2]
            return self.fail(
                f"invalid escape '{esc}' in string (write a backslash as '\\\\')", pos)
        if msg.startswith("Unterminated string"):
            return self.fail("unterminated string: the closing double quote is missing", start)
        return self.fail(f"invalid string: {msg}", pos)

    def object(self, i: int, path: KeyPath, depth: int) -> Tuple[Dict[str, Any], int]:
        if depth >= _MAX_DEPTH:
            raise self.fail(f"nesting is deeper than {_MAX_DEPTH} levels", i)
        s = self.s
        raw = self.raw
        self.openers.append(i)
        obj: Dict[str, Any] = {}
        seen: Dict[str, Tuple[int, int, int]] = {}  # key -> (raw start, raw end, occurrence)
        i = self.ws(i + 1)
        if i < self.n and s[i] == "}":
            self.openers.pop()
            return obj, i + 1
        while True:
            if i >= self.n:
                raise self.eof()
            if s[i] != '"':
                raise self.bad_key(i)
            kstart = i
            key, i = self.string(i)
            kend = i
            i = self.ws(i)
            if i >= self.n or s[i] != ":":
                if i < self.n and s[i] == "=":
                    raise self.fail("expected ':' after the key, found '='", i)
                raise self.unexpected(i, f"':' after the key {_json.dumps(key)}")
            i = self.ws(i + 1)
            child = path + (key,)
            slot = len(raw)
            raw.append(None)
            value, vend = self.value(i, child, depth + 1)
            occurrence = 0
            prev = seen.get(key)
            if prev is not None:
                self.shadowed.append((prev[0], prev[1]))
                occurrence = prev[2] + 1
            raw[slot] = (child, value, kstart, kend, i, vend, occurrence)
            seen[key] = (slot, len(raw), occurrence)
            obj[key] = value
            i = self.ws(vend)
            if i < self.n:
                c = s[i]
                if c == ",":
                    comma = i
                    i = self.ws(i + 1)
                    if i < self.n and s[i] == "}":
                        raise self.fail("trailing comma before '}'", comma)
                    continue
                if c == "}":
                    self.openers.pop()
                    return obj, i + 1
                if c == '"':
                    raise self.fail("missing ',' between object members", i)
            raise self.unexpected(i, "',' or '}' after an object member")

    def bad_key(self, i: int) -> ParseError:
        m = _WORD.match(self.s, i)
        if m:
            return self.fail(f"object keys must be double-quoted strings (found unquoted key '{m.group()}')", i)
        if self.s[i] == "'":
            return self.fail("JSON keys need double quotes, not single quotes", i)
        return self.unexpected(i, "a double-quoted key")

    def array(self, i: int, path: KeyPath, depth: int) -> Tuple[List[Any], int]:
        if depth >= _MAX_DEPTH:
            raise self.fail(f"nesting is deeper than {_MAX_DEPTH} levels", i)
        s = self.s
        raw = self.raw
        self.openers.append(i)
        arr: List[Any] = []
        i = self.ws(i + 1)
        if i < self.n and s[i] == "]":
            self.openers.pop()
            return arr, i + 1
        while True:
            child = path + (len(arr),)
            slot = len(raw)
            raw.append(None)
            value, vend = self.value(i, child, depth + 1)
            raw[slot] = (child, value, -1, -1, i, vend, 0)
            arr.append(value)
            i = self.ws(vend)
            if i < self.n:
                c = s[i]
                if c == ",":
                    comma = i
                    i = self.ws(i + 1)
                    if i < self.n and s[i] == "]":
                        raise self.fail("trailing comma before ']'", comma)
                    continue
                if c == "]":
                    self.openers.pop()
                    return arr, i + 1
                if c in '"{[' or c.isdigit():
                    raise self.fail("missing ',' between array items", i)
            raise self.unexpected(i, "',' or ']' after an array item")


def _position(text: str, offset: int) -> Tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _describe(c: str) -> str:
    if c.isprintable() and not c.isspace():
        return f"'{c}'"
    name = unicodedata.name(c, "")
    return f"character U+{ord(c):04X}" + (f" ({name})" if name else "")


# -- the document -----------------------------------------------------------------

@dataclass
class _Style:
    indent: str
    key_separator: str
    item_separator: str
    one_line: bool


@dataclass
class JsonDocument(Document):
    """A parsed JSON file with span-preserving edit builders."""

    format: str = "json"
    duplicate_keys: List[Entry] = field(default_factory=list)

    span = doc_span  # same results as Document.span/children, cheaper (see formats/_fast.py)
    children = doc_children

    def __post_init__(self) -> None:
        super().__post_init__()
        self._style: Optional[_Style] = None

    # -- style -----------------------------------------------------------------
    @property
    def indent(self) -> str:
        """One indentation step: a tab or N spaces (2 when the file has no indented lines)."""
        return self.style.indent

    @property
    def key_separator(self) -> str:
        return self.style.key_separator

    @property
    def item_separator(self) -> str:
        return self.style.item_separator

    @property
    def one_line(self) -> bool:
        """The whole value is on one line (minified files, `{}`)."""
        return self.style.one_line

    @property
    def style(self) -> _Style:
        if self._style is None:
            self._style = self._detect_style()
        return self._style

    def _detect_style(self) -> _Style:
        text = self.text
        root = self.entries[0].value_span
        one_line = "\n" not in text[root.start:root.end]
        prefixes: Dict[KeyPath, Optional[str]] = {}  # path -> indentation, when it starts its line
        steps: Counter = Counter()
        tabs = spaces = 0
        seps: Counter = Counter()
        items: Counter = Counter()
        last_end: Dict[KeyPath, int] = {}
        for e in self.entries:
            start = _start(e)
            ls = text.rfind("\n", 0, start) + 1
            lead = text[ls:start]
            prefixes[e.path] = lead if lead.strip(" \t") == "" else None
            if e.path and prefixes[e.path] is not None:
                parent = e.path[:-1]
                if len(e.path) == 1:
                    step = len(lead)
                else:
                    plead = prefixes.get(parent)
                    if plead is None:
                        plead = _leading(text, _start(self.entry(parent) or e))
                    step = len(lead) - len(plead)
                if "\t" in lead:
                    tabs += 1
                elif lead:
                    spaces += 1
                if step > 0:
                    steps[step] += 1
            if e.key_span is not None:
                gap = text[e.key_span.end:e.value_span.start]
                if "\n" not in gap and len(gap) <= 3:
                    seps[gap] += 1
            if e.path:
                parent = e.path[:-1]
                prev = last_end.get(parent)
                if prev is not None:
                    gap = text[prev:start]
                    if "\n" not in gap:
                        items[gap[gap.index(","):]] += 1
                last_end[parent] = e.value_span.end
        if tabs > spaces:
            indent = "\t"
        elif steps:
            best = max(steps.values())
            indent = " " * min(k for k, v in steps.items() if v == best)
        else:
            indent = "  "
        key_sep = seps.most_common(1)[0][0] if seps else (":" if one_line and items.get(",") else ": ")
        if items:
            item_sep = items.most_common(1)[0][0]
        else:
            item_sep = "," if one_line and key_sep == ":" else ", "
        return _Style(indent, key_sep, item_sep, one_line)

    # -- text helpers -------------------------------------------------------------
    def _skip_ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def _skip_ws_back(self, i: int) -> int:
        """Offset of the last non-whitespace character before i."""
        t = self.text
        i -= 1
        while i >= 0 and t[i] in _JSON_WS:
            i -= 1
        return i

    def _line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def _next_line(self, i: int) -> int:
        """Start of the line after the one holding offset i (or the end of the text)."""
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def _blank(self, a: int, b: int) -> bool:
        return self.text[a:b].strip(_JSON_WS) == ""

    def _starts_line(self, i: int) -> bool:
        return self._blank(self._line_start(i), i)

    def _ends_line(self, i: int) -> bool:
        return self._blank(i, self._next_line(i))

    # -- rendering ------------------------------------------------------------------
    def _dumps(self, value: Any, pretty: bool, base: str) -> str:
        try:
            if pretty and isinstance(value, (dict, list)) and value:
                out = _json.dumps(value, ensure_ascii=False, allow_nan=False,
                                  indent=self.indent, separators=(",", self.key_separator))
                return out.replace("\n", self.newline + base)
            return _json.dumps(value, ensure_ascii=False, allow_nan=False,
                               separators=(self.item_separator, self.key_separator))
        except (TypeError, ValueError) as e:
            raise EditError(f"cannot write {value!r} as JSON: {e}") from None

    def _pretty(self, value: Any, like: Optional[Entry]) -> bool:
        """Multi-line rendering? Follow the old value or a sibling when it is a non-empty container."""
        if self.one_line or not isinstance(value, (dict, list)) or not value:
            return False
        if like is not None and type(like.value) is type(value) and like.value:
            sp = like.value_span
            return "\n" in self.text[sp.start:sp.end]
        if isinstance(value, dict):
            return True
        return any(isinstance(v, (dict, list)) for v in value)

    def _member(self, key: Optional[str], value: Any, pretty: bool, base: str,
                sibling: Optional[Entry] = None) -> str:
        rendered = self._dumps(value, pretty, base)
        if key is None:
            return rendered
        sep = self.key_separator
        if sibling is not None and sibling.key_span is not None:
            gap = self.text[sibling.key_span.end:sibling.value_span.start]
            if "\n" not in gap and len(gap) <= 3:
                sep = gap  # follow the neighbour when the file is not consistent
        return _json.dumps(key, ensure_ascii=False) + sep + rendered

    # -- lookups ----------------------------------------------------------------------
    def _need(self, path: KeyPath) -> Entry:
        e = self.entry(tuple(path))
        if e is None:
            raise EditError(f"{_show(path)} is not in the document")
        return e

    def _container(self, path: KeyPath, kind: type) -> Entry:
        e = self._need(path)
        if not isinstance(e.value, kind):
            want = "an object" if kind is dict else "an array"
            raise EditError(f"{_show(path)} is not {want}")
        return e

    def _last_child(self, path: KeyPath) -> Optional[Entry]:
        last = None
        for child in self.children(path):
            last = child
        return last

    # -- edit builders ------------------------------------------------------------------
    def set_value(self, path: KeyPath, value: Any) -> List[Edit]:
        """Replace the value token; containers are pretty-printed at the member's indentation."""
        e = self._need(path)
        sp = e.value_span
        new = self._dumps(value, self._pretty(value, e), _leading(self.text, _start(e)))
        if new == self.text[sp.start:sp.end]:
            return []
        return [Edit(sp.start, sp.end, new)]

    def insert(self, table: KeyPath, key: str, value: Any) -> List[Edit]:
        """Add `key` at the end of the object at `table`, creating missing objects on the way."""
        table = tuple(table)
        if not isinstance(key, str):
            raise EditError(f"JSON keys are strings, not {key!r}")
        depth = len(table)
        while depth > 0 and not self.has(table[:depth]):
            depth -= 1
        if depth < len(table):
            if any(not isinstance(k, str) for k in table[depth:]):
                raise EditError(f"{_show(table)} is not in the document")
            value = {key: value}
            for k in reversed(table[depth + 1:]):
                value = {k: value}
            key = table[depth]
            table = table[:depth]
        obj = self._container(table, dict)
        if key in obj.value:
            raise EditError(f"{_show(table + (key,))} already exists")
        return self._add_child(obj, key, value)

    def append(self, array_path: KeyPath, value: Any) -> List[Edit]:
        """Add an item at the end of an array; a missing array is created as `[value]`."""
        array_path = tuple(array_path)
        if not self.has(array_path) and array_path and isinstance(array_path[-1], str):
            return self.insert(array_path[:-1], array_path[-1], [value])
        arr = self._container(array_path, list)
        return self._add_child(arr, None, value)

    def _add_child(self, container: Entry, key: Optional[str], value: Any) -> List[Edit]:
        text = self.text
        sp = container.value_span
        open_, close = sp.start, sp.end - 1
        last = self._last_child(container.path)
        nl = self.newline
        if last is None:
            if self.one_line or (key is None and not self._pretty(value, None)):
                return [Edit(open_ + 1, close, self._member(key, value, False, ""))]
            base = _leading(text, open_)
            inner = base + self.indent
            member = self._member(key, value, self._pretty(value, None), inner)
            return [Edit(open_ + 1, close, nl + inner + member + nl + base)]
        end = last.value_span.end
        start = _start(last)
        if self.one_line or not self._starts_line(start):
            member = self._member(key, value, False, "", last)
            return [Edit(end, end, self.item_separator + member)]
        lead = text[self._line_start(start):start]
        member = self._member(key, value, self._pretty(value, last), lead, last)
        if self._ends_line(end):
            after = self._next_line(end)
            return [Edit(end, after, "," + text[end:after] + lead + member + nl)]
        return [Edit(end, end, "," + nl + lead + member)]

    def delete(self, path: KeyPath) -> List[Edit]:
        """Remove a member or array item, fixing the commas; whole lines go when it had its own,
        and removing the last one leaves `{}` / `[]`. A duplicated key loses every occurrence
        (otherwise a shadowed one would silently take over)."""
        path = tuple(path)
        if not path:
            raise EditError("cannot delete the whole document")
        edits = self.delete_entry(self._need(path))
        if not any(d.path == path for d in self.duplicate_keys):
            return edits
        doc: JsonDocument = self
        text = self.text
        while doc.has(path):
            text, _, _ = apply_edits(text, doc.delete_entry(doc._need(path)))
            doc = parse(self.path, self.kind, self.encode(text), text, self.bom)
        return [_diff_edit(self.text, text)]

    def delete_entry(self, e: Entry) -> List[Edit]:
        """Like delete(), for an entry path lookup cannot reach (a shadowed duplicate key)."""
        if not e.path:
            raise EditError("cannot delete the whole document")
        text = self.text
        start, end = _start(e), e.value_span.end
        before = self._skip_ws_back(start)  # ',' or the opening bracket
        after = self._skip_ws(end)  # ',' or the closing bracket
        if text[after] == ",":
            if self._starts_line(start) and self._ends_line(after + 1):
                return [Edit(self._line_start(start), self._next_line(after), "")]
            return [Edit(start, self._skip_ws(after + 1), "")]
        if text[before] == ",":
            if self._starts_line(start) and self._ends_line(end):
                cut_to = self._next_line(end)
                cut_from = self._line_start(start)
                keep = text[before + 1:cut_from]
                if self._starts_line(before) and self._ends_line(before + 1):
                    # a comma alone on its line goes with its line
                    return [Edit(self._line_start(before), cut_to,
                                 text[self._next_line(before):cut_from])]
                return [Edit(before, cut_to, keep)]
            return [Edit(before, end, "")]
        # the only member: leave an empty {} / []
        return [Edit(before + 1, after, "")]

    def rename(self, path: KeyPath, new_key: str) -> List[Edit]:
        """Replace the key token only."""
        e = self._need(path)
        if e.key_span is None:
            raise EditError(f"{_show(path)} has no key to rename")
        if new_key == e.path[-1]:
            return []
        parent = self.entry(e.path[:-1])
        if parent is not None and new_key in parent.value:
            raise EditError(f"{_show(e.path[:-1] + (new_key,))} already exists")
        return [Edit(e.key_span.start, e.key_span.end, _json.dumps(new_key, ensure_ascii=False))]

    def move(self, path: KeyPath, table: KeyPath, new_key: Optional[str] = None) -> List[Edit]:
        """Delete + insert; when the two touch or overlap (the inserted comma may depend on
        the deleted member), one edit computed by inserting, re-parsing and deleting."""
        path, table = tuple(path), tuple(table)
        e = self._need(path)
        key = new_key if new_key is not None else e.path[-1] if e.path else None
        if not isinstance(key, str):
            raise EditError(f"moving {_show(path)} into an object needs a key")
        if table[:len(path)] == path:
            raise EditError(f"cannot move {_show(path)} into itself")
        if table == path[:-1] and e.key_span is not None:
            return self.rename(path, key)
        ins = self.insert(table, key, e.value)
        dele = self.delete(path)
        spans = sorted((x.start, x.end) for x in ins + dele)
        if all(a[1] < b[0] for a, b in zip(spans, spans[1:])):
            return ins + dele
        # Overlap (target next to the source): insert first, then delete on the result.
        text2, _, _ = apply_edits(self.text, ins)
        doc2 = parse(self.path, self.kind, self.encode(text2), text2, self.bom)
        text3, _, _ = apply_edits(text2, doc2.delete(path))
        return [_diff_edit(self.text, text3)]


def _start(e: Entry) -> int:
    return e.key_span.start if e.key_span is not None else e.value_span.start


def _leading(text: str, i: int) -> str:
    """The indentation of the line holding offset i."""
    ls = text.rfind("\n", 0, i) + 1
    j = ls
    while j < i and text[j] in " \t":
        j += 1
    return text[ls:j]


def _show(path: KeyPath) -> str:
    return "/" + "/".join(str(p) for p in path) if path else "the document"


def _diff_edit(old: str, new: str) -> Edit:
    """One edit turning old into new: the differing middle between common prefix and suffix."""
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    s = 0
    while s < limit - p and old[-1 - s] == new[-1 - s]:
        s += 1
    return Edit(p, len(old) - s, new[p:len(new) - s])


# -- entry point -----------------------------------------------------------------------

def parse(path: str, kind: str, raw: bytes, text: str, bom: bool) -> JsonDocument:
    """Parse JSON text (already decoded, BOM stripped) into a JsonDocument."""
    if kind == "docker" and not text.strip():
        # dockerd reads an empty daemon.json as "no settings" (moby daemon/config, getConflictFreeConfiguration)
        doc = JsonDocument(path=path, kind=kind, raw=raw, text=text, bom=bom, data={})
        doc.add(Entry((), {}, None, doc.index.span(0, len(text))))
        return doc
    sc = _Scanner(text)
    data, _, _ = sc.document()
    doc = JsonDocument(path=path, kind=kind, raw=raw, text=text, bom=bom, data=data)
    raw_entries = sc.raw
    drop: set = set()
    firsts = {a for a, _ in sc.shadowed}
    for a, b in sc.shadowed:
        drop.update(range(a, b))
    span = doc.index.span
    for n, (p, value, ks, ke, vs, ve, occ) in enumerate(raw_entries):
        entry = Entry(p, value, span(ks, ke) if ks >= 0 else None, span(vs, ve), occ)
        if n in drop:
            if n in firsts:
                doc.duplicate_keys.append(entry)
            continue
        doc.add(entry)
    return doc
