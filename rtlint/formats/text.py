"""Plain line files: shell scripts and other provisioning files that run `keadm join`.

There is no structure to read, so `entries` is empty and rules work on `doc.text`.
`comments` holds `#` comments so inline suppressions work. It is a per-line shell
approximation: `#` starts a comment at the start of a word, outside single and
double quotes, and the bodies of heredocs opened outside quotes (`<<EOF` ... `EOF`)
are skipped. Quotes are not carried across lines (an apostrophe in YAML or Puppet
text must not hide the rest of the file), so a `#` at the start of a word inside a
multi-line quoted string is mistaken for a comment.
"""
from __future__ import annotations

import re
from ..record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from rtlint.document import Comment, Document, Edit, EditError
from rtlint.formats._fast import doc_children, doc_span

__all__ = ["TextDocument", "parse"]

_HEREDOC = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_WORD_BREAK = " \t;&|()<>"


@dataclass
class TextDocument(Document):
    format: str = "text"

    span = doc_span  # same results as Document.span/children, cheaper (see formats/_fast.py)
    children = doc_children

    def replace_span(self, start: int, end: int, text: str) -> List[Edit]:
        """The only edit a line file offers: replace text[start:end]."""
        if not 0 <= start <= end <= len(self.text):
            raise EditError(f"span {start}..{end} is outside the file ({len(self.text)} characters)")
        if self.text[start:end] == text:
            return []
        return [Edit(start, end, text)]


def _scan(line: str) -> Tuple[Optional[int], List[Tuple[str, bool]]]:
    """Where a comment starts, and the heredocs opened outside quotes before it."""
    quote = ""
    heredocs: List[Tuple[str, bool]] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\" and quote != "'":
            i += 2
            continue
        if c in "'\"":
            if not quote:
                quote = c
            elif quote == c:
                quote = ""
        elif not quote:
            if c == "#" and (i == 0 or line[i - 1] in _WORD_BREAK):
                return i, heredocs
            if c == "<" and line.startswith("<<<", i):
                i += 3  # a here-string, not a heredoc
                continue
            if c == "<":
                m = _HEREDOC.match(line, i)
                if m:
                    heredocs.append((m.group(3), m.group(1) == "-"))
                    i = m.end()
                    continue
        i += 1
    return None, heredocs


def comments(text: str) -> List[Comment]:
    out: List[Comment] = []
    pending: List[Tuple[str, bool]] = []  # (delimiter, tabs may indent it) still to close
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if pending:
            delim, dash = pending[0]
            if (line.lstrip("\t") if dash else line) == delim:
                pending.pop(0)
            continue
        col, heredocs = _scan(line)
        pending.extend(heredocs)
        if col is not None:
            out.append(Comment(number, col + 1, line[col + 1:]))
    return out


def parse(path: str, kind: str, raw: bytes, text: str, bom: bool) -> TextDocument:
    doc = TextDocument(path=path, kind=kind, raw=raw, text=text, bom=bom)
    doc.comments = comments(text)
    return doc
