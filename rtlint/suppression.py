"""Inline suppression comments, in each file's own comment syntax.

`# rtlint: disable=CODE[,CODE] reason` silences those rules on its own line; a
comment alone on its line silences the next line that is not a comment (systemd
units only allow whole-line comments, so this is the only way there).
`# rtlint: disable-file=CODE[,CODE]` anywhere silences them for the whole file.
Codes may be rule codes, prefixes or names, as on the command line. JSON has no
comments: use per-file ignores in the configuration instead.
"""
from __future__ import annotations

import re
from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Set, Tuple

from .document import Document, Span
from .rule import Finding
from .selection import matches

_DIRECTIVE = re.compile(r"^\s*rtlint:\s*(disable|disable-file)\s*=\s*([A-Za-z0-9_,\- ]+?)(?:\s{2,}|\s+(?=[a-z(])|$)")


@dataclass
class Suppression:
    span: Span
    codes: Tuple[str, ...]
    whole_file: bool
    target_line: int
    used: Set[str] = field(default_factory=set)


def collect(doc: Document) -> List[Suppression]:
    out: List[Suppression] = []
    # Every file is asked, few have a directive: a plain substring test rules the others out
    # before any regex runs (a directive always contains "rtlint:").
    mine = [c for c in doc.comments if "rtlint:" in c.text]
    if not mine:
        return out
    comment_lines = {c.line for c in doc.comments}
    nlines = len(doc.index.starts)
    for c in mine:
        m = _DIRECTIVE.match(c.text)
        if not m:
            continue
        codes = tuple(x.strip() for x in m.group(2).replace(" ", ",").split(",") if x.strip())
        start = doc.index.offset(c.line, c.column)
        line_start, line_end = doc.index.line_span(c.line)
        span = doc.span(start, start + len(doc.text[start:line_end].rstrip("\r\n")))
        alone = doc.text[line_start:start].strip() == ""
        target = c.line
        if alone:
            target = c.line + 1
            while target <= nlines and (target in comment_lines or doc.line_text(target).strip() == ""):
                target += 1
        out.append(Suppression(span, codes, m.group(1) == "disable-file", target))
    return out


def apply(doc: Document, findings: List[Finding]) -> Tuple[List[Finding], List[Suppression]]:
    """Drop suppressed findings; return the rest and every suppression (with what it used)."""
    sups = collect(doc)
    if not sups:
        return findings, sups
    kept: List[Finding] = []
    for f in findings:
        hit = False
        for s in sups:
            if not s.whole_file and s.target_line != f.span.line:
                continue
            for code in s.codes:
                if matches(f.rule, code):
                    s.used.add(code)
                    hit = True
        if not hit:
            kept.append(f)
    return kept, sups
