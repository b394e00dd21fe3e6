"""TOML table helpers for migrations: statements by the table they are written under, header renames.

A table header rename is a text edit of the `[a."b".c]` token: the parts that
stay the same keep their spelling (quotes, spacing), the others are written
fresh. The TOML reader gives the header's span; its key parts are read here.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, List, Sequence, Tuple

from ..document import Edit, KeyPath
from ..formats.toml import TomlDocument, render_key
from . import MigrateError

from ..formats._tomlreader import toml_reader

_toml = toml_reader()

_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")
_DOT = re.compile(r"[ \t]*\.[ \t]*")


def fmt(path: Sequence[Any]) -> str:
    """A path as TOML spells it: plugins."io.containerd.grpc.v1.cri".containerd."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + render_key(p)
    return out or "(root table)"


def statements(doc: TomlDocument) -> List[Tuple[KeyPath, KeyPath, KeyPath]]:
    """(path, table the key is written under, key as written) of every `key = value` line, in file order."""
    out = []
    for e in doc.entries:
        if e.key_span is None or doc.statement_span(e.path) is None:
            continue
        n = len(doc.key_part_spans(e.path))
        out.append((e.path, e.path[:-n], e.path[-n:]))
    return out


def free(doc: TomlDocument, path: KeyPath) -> bool:
    """A header for `path` can be written: it exists at most as the implicit parent of other headers."""
    t = doc.table(path)
    if t is None:
        return not doc.has(path)
    return t.kind == "implicit"


def header_edit(doc: TomlDocument, old: KeyPath, new: KeyPath) -> Edit:
    """The edit that turns the header of table `old` into one for `new` (only the key parts change)."""
    span = doc.table_header(old)
    assert span is not None
    text = doc.text
    inner_start = span.start + 1
    tokens: List[Tuple[int, int, str]] = []
    pos = inner_start
    while True:
        while text[pos] in " \t":
            pos += 1
        mt = _KEY_PART.match(text, pos)
        if mt is None:
            raise MigrateError(f"cannot read the header of [{fmt(old)}]")
        tokens.append((mt.start(), mt.end(), _unquote(mt.group())))
        pos = mt.end()
        d = _DOT.match(text, pos)
        if d is None:
            break
        pos = d.end()
    parts = [p for p in old if isinstance(p, str)]
    if [t[2] for t in tokens] != parts:
        raise MigrateError(f"cannot read the header of [{fmt(old)}]")
    want = [p for p in new if isinstance(p, str)]
    n = min(len(parts), len(want))
    a = 0
    while a < n and parts[a] == want[a]:
        a += 1
    b = 0
    while b < n - a and parts[-1 - b] == want[-1 - b]:
        b += 1
    k = len(parts)

    def sep(after: int) -> str:
        """The separator the header has after token `after` (its spacing), or a plain dot."""
        return text[tokens[after][1]:tokens[after + 1][0]] if 0 <= after < k - 1 else "."

    out = text[tokens[0][0]:tokens[a - 1][1]] if a else ""
    middle = ".".join(render_key(p) for p in want[a:len(want) - b])
    if middle:
        out += (sep(a - 1) if a else "") + middle
    if b:
        out += (sep(k - b - 1) if out else "") + text[tokens[k - b][0]:tokens[-1][1]]
    return Edit(tokens[0][0], tokens[-1][1], out)


def _unquote(tok: str) -> str:
    if tok.startswith('"'):
        return _toml.loads("k = " + tok)["k"]
    if tok.startswith("'"):
        return tok[1:-1]
    return tok



__all__ = ["fmt", "statements", "free", "header_edit"]
