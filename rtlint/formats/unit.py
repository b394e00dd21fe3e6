"""systemd unit files and drop-ins: a lossless reader with line-based edits.

configobj and configparser refuse repeated keys, which every real unit has, so
this reader follows systemd 252's own loop (conf-parser) line by line:

* Lines end at LF, CRLF or a lone CR (systemd counts a lone CR as a line end).
* A line whose first non-blank character is `#` or `;` is a comment, also in
  the middle of a continuation (systemd skips it and keeps joining).
* A line ending in an odd number of backslashes continues on the next line; the
  backslash becomes a space and the next line is appended as written. A blank
  line ends a continuation; a backslash on the last line of the file is kept
  as a space (systemd still parses that line).
* The joined line is stripped of spaces, tabs, CR and LF. `[Name]` is a section
  header (the name is not stripped: `[ Service ]` is an unknown section to
  systemd); repeated headers continue the same section. Otherwise it must be
  `Key=Value`, with blanks around `=` ignored; keys are case-sensitive.

`ParseError` is raised where systemd drops or refuses content (checked with
`systemd-analyze verify`, systemd 252):

* `[Service` or `[Service] # x` -- "Invalid section header": systemd refuses
  to load the unit at all;
* control characters, quotes or backslashes in a section name -- "Bad characters
  in section header": also fatal;
* anything before the first section header -- "Assignment outside of section.
  Ignoring.": systemd ignores the line, so the setting silently does not apply
  (the corpus file starting with `Unit]` loses its whole [Unit] section);
* a line without `=` -- "Missing '=', ignoring line." -- or with nothing before
  `=` -- "Missing key name before '='": ignored lines, i.e. lost settings.

Not mirrored: unknown sections and keys, and value checks (systemd warns and
ignores them; those are lint rules); the 1 MB line limit; `\\n\\r` and NUL as
line ends (the loader rejects NUL bytes); with a BOM, systemd does not see a
first-line comment as a comment but only warns, while here it is a comment.
Span line numbers count LF only, so they differ from systemd's in files with
lone CRs. systemd reports an assignment at the last line of its continuation:
`UnitDocument.reported_line` gives that line.

Every assignment is an Entry with `index` counting earlier ones of the same
key; `value_span` runs from the first to the last character of the value, so
it may hold backslash-newlines and comment lines. Edits work on whole lines:
`set_value` replaces that whole span (comment lines inside a continuation go
with it), `delete` removes the lines from the key to the end of the
continuation, `insert` writes a line after the section's last assignment with
its indentation and the file's line ending (after a blank line when that
assignment is a continuation dangling at the end of the file).
"""
from __future__ import annotations

import re
from ..record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..document import Comment, Document, Edit, EditError, Entry, KeyPath, ParseError
from ._fast import doc_children, doc_span

WHITESPACE = " \t\n\r"
_EOL = re.compile(r"\r\n|\r|\n")


@dataclass
class _Line:
    start: int  # offset of the first character
    end: int  # offset of the line break (or end of text)
    next: int  # offset after the line break


@dataclass
class _Piece:
    line: _Line
    continued: bool  # ends in the backslash that joins the next line


@dataclass
class _Header:
    name: str
    entry: Entry
    start: int  # start of its line
    end: int  # after its line break
    indent: str


@dataclass
class _Assignment:
    section: str
    key: str
    value: str
    entry: Entry
    start: int  # start of its first line
    end: int  # after the line break of its last line (a blank line that ended a continuation included)
    indent: str
    last_line: int  # the physical line systemd reports it at
    dangling: bool  # its last line ends in a backslash (only possible at the end of the file)


def _split_lines(text: str) -> List[_Line]:
    lines: List[_Line] = []
    pos = 0
    for m in _EOL.finditer(text):
        lines.append(_Line(pos, m.start(), m.end()))
        pos = m.end()
    if pos < len(text):
        lines.append(_Line(pos, len(text), len(text)))
    return lines


def _ends_escaped(s: str) -> bool:
    """Whether `s` ends in a backslash that is not itself escaped."""
    n = len(s) - len(s.rstrip("\\"))
    return n % 2 == 1


def _unsafe(name: str) -> bool:
    return any(ord(c) < 32 or c in "\"'\\\x7f" for c in name)


class UnitDocument(Document):
    """A unit or drop-in. `data` is {section: {key: [value, ...]}} in file order, resets not applied."""

    span = doc_span  # same results as Document.span/children, cheaper (see formats/_fast.py)
    children = doc_children

    def __post_init__(self) -> None:
        super().__post_init__()
        self.format = "unit"
        self._headers: List[_Header] = []
        self._assignments: List[_Assignment] = []

    # -- reading -------------------------------------------------------------
    def sections(self) -> List[str]:
        """Section names in order of first appearance."""
        return list(self.data)

    def assignments(self, section: str, key: str) -> List[Entry]:
        """Every assignment of section/key in file order (repeated sections merged)."""
        return [a.entry for a in self._assignments if a.section == section and a.key == key]

    def effective(self, section: str, key: str) -> List[Entry]:
        """Assignments after the last empty one: what a list setting ends up with in this file."""
        out: List[Entry] = []
        for e in self.assignments(section, key):
            if e.value == "":
                out = []
            else:
                out.append(e)
        return out

    def reported_line(self, entry: Entry) -> int:
        """The line systemd's own messages give for this assignment (the last line of a continuation)."""
        for a in self._assignments:
            if a.entry is entry:
                return a.last_line
        return entry.span.line

    # -- edits -----------------------------------------------------------------
    def _pick(self, path: KeyPath, index: Optional[int]) -> List[_Assignment]:
        path = tuple(path)
        if len(path) != 2:
            raise EditError(f"a unit key path is (section, key), not {path!r}")
        found = [a for a in self._assignments if (a.section, a.key) == path]
        if not found:
            raise EditError(f"[{path[0]}] has no {path[1]}=")
        if index is None:
            return found
        try:
            return [found[index]]
        except IndexError:
            raise EditError(f"[{path[0]}] has {len(found)} {path[1]}= assignment(s), no index {index}") from None

    def _section_name(self, table: KeyPath) -> str:
        table = tuple(table)
        if len(table) != 1 or not isinstance(table[0], str):
            raise EditError(f"a unit section path is (section,), not {table!r}")
        return table[0]

    def set_value(self, path: KeyPath, value: Any, index: int = -1) -> List[Edit]:
        """Replace one assignment's value text (default the last); key and blanks around `=` stay."""
        text = _value_text(value)
        return [Edit(a.entry.value_span.start, a.entry.value_span.end, text) for a in self._pick(path, index)]

    def insert(self, table: KeyPath, key: str, value: Any,
               before: Optional[Tuple[str, str, int]] = None) -> List[Edit]:
        """A new `Key=Value` line at the end of the section (or before a given assignment)."""
        section = self._section_name(table)
        _check_key(key)
        line = f"{key}={_value_text(value)}"
        if before is not None:
            if len(before) != 3:
                raise EditError("before is (section, key, index)")
            target = self._pick(before[:2], before[2])[0]
            if target.section != section:
                raise EditError(f"{before[1]}= is in [{target.section}], not [{section}]")
            return [Edit(target.start, target.start, target.indent + line + self.newline)]
        return self._append(section, [line])

    def _append(self, section: str, lines: Sequence[str]) -> List[Edit]:
        nl = self.newline
        headers = [h for h in self._headers if h.name == section]
        if headers:
            mine = [a for a in self._assignments if a.section == section]
            if mine:
                pos, indent = mine[-1].end, mine[-1].indent
            else:
                pos, indent = headers[-1].end, headers[-1].indent
            body = "".join(indent + ln + nl for ln in lines)
            if mine and mine[-1].dangling:
                body = nl + body  # a blank line ends the continuation, or the new line would join it
            if pos == len(self.text) and self.text and not self.text.endswith(("\n", "\r")):
                return [Edit(pos, pos, nl + body.rstrip("\r\n"))]
            return [Edit(pos, pos, body)]
        indent = self._headers[-1].indent if self._headers else ""
        block = indent + f"[{section}]" + nl + "".join(indent + ln + nl for ln in lines)
        text = self.text
        ends_with_break = text.endswith(("\n", "\r"))
        lead = "" if ends_with_break or not text else nl
        if text.strip(WHITESPACE) != "":
            if ends_with_break:
                body = text[:-2] if text.endswith("\r\n") else text[:-1]
            else:
                body = text
            if body[_last_line_start(body):].strip(WHITESPACE) != "":
                lead += nl  # keep a blank line between sections
        return [Edit(len(text), len(text), lead + block)]

    def delete(self, path: KeyPath, index: Optional[int] = None) -> List[Edit]:
        """Remove one assignment's lines (with its continuation lines), or all of them; or a whole section."""
        path = tuple(path)
        if len(path) == 1:
            return self._delete_section(self._section_name(path))
        return [Edit(a.start, a.end, "") for a in self._pick(path, index)]

    def _delete_section(self, section: str) -> List[Edit]:
        edits = []
        for i, h in enumerate(self._headers):
            if h.name != section:
                continue
            end = self._headers[i + 1].start if i + 1 < len(self._headers) else len(self.text)
            edits.append(Edit(h.start, end, ""))
        if not edits:
            raise EditError(f"no [{section}] section")
        return edits

    def rename(self, path: KeyPath, new_key: str, index: Optional[int] = None) -> List[Edit]:
        """Rename one assignment's key, or all of them; with a (section,) path, rename the section."""
        path = tuple(path)
        if len(path) == 1:
            name = self._section_name(path)
            if not new_key or _unsafe(new_key) or "]" in new_key or new_key.strip(WHITESPACE) != new_key:
                raise EditError(f"{new_key!r} is not a section name")
            edits = [Edit(h.entry.value_span.start, h.entry.value_span.end, f"[{new_key}]")
                     for h in self._headers if h.name == name]
            if not edits:
                raise EditError(f"no [{name}] section")
            return edits
        _check_key(new_key)
        return [Edit(a.entry.key_span.start, a.entry.key_span.end, new_key)  # type: ignore[union-attr]
                for a in self._pick(path, index)]

    def move(self, path: KeyPath, table: KeyPath, new_key: Optional[str] = None) -> List[Edit]:
        """Move every assignment of path to the end of another section, values as written."""
        found = self._pick(path, None)
        section = self._section_name(table)
        key = new_key if new_key is not None else found[0].key
        _check_key(key)
        if section == found[0].section:
            return [] if key == found[0].key else self.rename(path, key)
        lines = [key + "=" + self.text[a.entry.value_span.start:a.entry.value_span.end] for a in found]
        edits = [Edit(a.start, a.end, "") for a in found]
        return edits + self._append(section, lines)


def _last_line_start(s: str) -> int:
    return max(s.rfind("\n"), s.rfind("\r")) + 1


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (int, str)):
        text = str(value)
    else:
        raise EditError(f"a unit value is a string, not {type(value).__name__}")
    if "\n" in text or "\r" in text:
        raise EditError("a unit value cannot contain a line break")
    if text.strip(WHITESPACE) != text:
        raise EditError(f"systemd strips the blanks around {text!r}; pass the value without them")
    if _ends_escaped(text):
        raise EditError(f"{text!r} ends in a backslash, which would join the next line")
    return text


def _check_key(key: str) -> None:
    if (not isinstance(key, str) or not key or "=" in key or any(c in WHITESPACE for c in key)
            or key[0] in "[#;" or _ends_escaped(key)):
        raise EditError(f"{key!r} is not a unit key")


class _Reader:
    """One pass over the lines, as systemd's config_parse loop does it."""

    def __init__(self, doc: UnitDocument) -> None:
        self.doc = doc
        self.text = doc.text
        self.section: Optional[str] = None
        self.counts: Dict[Tuple[str, ...], int] = {}
        self.data: Dict[str, Dict[str, List[str]]] = {}

    def run(self) -> None:
        text = self.text
        lines = _split_lines(text)
        pending: List[_Piece] = []
        for n, line in enumerate(lines, 1):
            content = text[line.start:line.end]
            lead = len(content) - len(content.lstrip(WHITESPACE))
            if lead < len(content) and content[lead] in "#;":
                at, col = self.doc.index.position(line.start + lead)
                self.doc.comments.append(Comment(at, col, content[lead + 1:]))
                continue
            continued = _ends_escaped(content)
            pending.append(_Piece(line, continued))
            if not continued:
                self.logical(pending, n)
                pending = []
        if pending:
            self.logical(pending, len(lines) + 1)  # systemd parses the leftover after counting one more line
        self.doc.data = self.data

    def error(self, message: str, offset: int) -> ParseError:
        line, col = self.doc.index.position(offset)
        return ParseError(message, line, col)

    def logical(self, pieces: List[_Piece], reported_line: int) -> None:
        text = self.text
        offs: Sequence[int]
        if len(pieces) == 1 and not pieces[0].continued:
            # most lines: the logical line is the physical one, offsets map one to one
            line = pieces[0].line
            joined = text[line.start:line.end]
            offs = range(line.start, line.end)
        else:
            chars: List[str] = []
            offs = []
            for p in pieces:
                for i in range(p.line.start, p.line.end):
                    chars.append(" " if p.continued and i == p.line.end - 1 else text[i])
                    offs.append(i)
            joined = "".join(chars)
        lo = len(joined) - len(joined.lstrip(WHITESPACE))
        hi = len(joined.rstrip(WHITESPACE))
        if lo >= hi:
            return
        body = joined[lo:hi]
        start = pieces[0].line.start
        end = pieces[-1].line.next
        first = text[start:pieces[0].line.end]
        indent = first[:len(first) - len(first.lstrip(WHITESPACE))]
        if body[0] == "[":
            self.header(body, offs[lo], offs[hi - 1] + 1, start, end, indent)
            return
        eq = body.find("=")
        hint = "; a section header needs both '[' and ']'" if eq == -1 and body.endswith("]") else ""
        if self.section is None:
            raise self.error(
                "assignment before any [Section] header: systemd ignores it ('Assignment outside of section')"
                if eq > 0 else
                "line is not a [Section] header, a comment or a Key=Value assignment "
                f"(systemd ignores it: 'Assignment outside of section'){hint}", offs[lo])
        if eq == -1:
            raise self.error("line is not a [Section] header, a comment or a Key=Value assignment "
                             f"(systemd ignores it: \"Missing '='\"){hint}", offs[lo])
        if eq == 0:
            raise self.error("no key name before '=' (systemd ignores the line)", offs[lo])
        key_raw = body[:eq]
        key = key_raw.rstrip(WHITESPACE)
        rest = body[eq + 1:]
        value = rest.lstrip(WHITESPACE)
        k0 = lo
        k1 = lo + len(key)
        eq_at = lo + eq
        if value:
            v0 = eq_at + 1 + (len(rest) - len(value))
            vstart, vend = offs[v0], offs[hi - 1] + 1
        else:
            # after the blanks that follow `=` on its own line, so a new value keeps `Key = value` style
            vstart = offs[eq_at] + 1
            while vstart < len(text) and text[vstart] in " \t":
                vstart += 1
            vend = vstart
        doc = self.doc
        path = (self.section, key)
        idx = self.counts.get(path, 0)
        self.counts[path] = idx + 1
        entry = Entry(path, value, doc.span(offs[k0], offs[k1 - 1] + 1), doc.span(vstart, vend), idx)
        doc.add(entry)
        doc._assignments.append(_Assignment(self.section, key, value, entry, start, end, indent,
                                            reported_line, pieces[-1].continued))
        self.data[self.section].setdefault(key, []).append(value)

    def header(self, body: str, s: int, e: int, start: int, end: int, indent: str) -> None:
        if body[-1] != "]":
            raise self.error(f"invalid section header {body!r}: it must end with ']' "
                             "(systemd refuses to load the unit)", s)
        name = body[1:-1]
        if _unsafe(name):
            raise self.error(f"bad characters in section header {body!r} (systemd refuses to load the unit)", s)
        path = (name,)
        idx = self.counts.get(path, 0)
        self.counts[path] = idx + 1
        span = self.doc.span(s, e)
        entry = Entry(path, None, span, span, idx)
        self.doc.add(entry)
        self.doc._headers.append(_Header(name, entry, start, end, indent))
        self.data.setdefault(name, {})
        self.section = name


def parse(path: str, kind: str, raw: bytes, text: str, bom: bool) -> UnitDocument:
    doc = UnitDocument(path=path, kind=kind, raw=raw, text=text, bom=bom, format="unit")
    _Reader(doc).run()
    return doc
