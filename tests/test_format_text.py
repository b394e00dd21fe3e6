"""The plain-text reader for keadm scripts: shell `#` comments and a raw span edit."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_files

from rtlint.document import EditError, apply_edits
from rtlint.formats.text import parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"


def load(path: Path):
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    return parse(str(path), "keadm", raw, (raw[3:] if bom else raw).decode("utf-8"), bom)


def test_shell_comments() -> None:
    doc = load(FIXTURES / "join.sh")
    assert doc.format == "text" and doc.entries == [] and doc.to_bytes() == doc.raw
    assert [(c.line, c.column, c.text) for c in doc.comments] == [
        (1, 1, "!/bin/bash"),
        (2, 1, " Join this node to the cloud."),
        (3, 9, " stop on errors"),
        (4, 19, " token with a hash"),  # not the '#' inside "abc#def"
        # 5-8: '#' in single quotes, ${x#y}, $#, \# are not comments
        # 10-12 and 14-15: heredoc bodies; 16-18: '<<EOF' inside quotes opens no heredoc
        (19, 19, " here-string"),  # '<<<' is a here-string, not a heredoc
        (21, 18, " rtlint: disable=KEA001"),
        (22, 11, " after semicolon"),
    ]


def test_crlf_comment_text_has_no_cr() -> None:
    text = "keadm join \\\r\n  --token=x # note\r\n"
    doc = parse("j.sh", "keadm", text.encode(), text, False)
    assert [(c.line, c.column, c.text) for c in doc.comments] == [(2, 13, " note")]


@pytest.mark.parametrize("path", corpus_files("keadm"), ids=lambda p: p.name)
def test_corpus_comments_point_at_hash(path: Path) -> None:
    doc = load(path)
    assert doc.entries == []
    for c in doc.comments:
        start = doc.index.offset(c.line, c.column)
        assert doc.text[start] == "#"
        assert doc.line_text(c.line)[c.column:].rstrip("\r\n") == c.text


def test_replace_span() -> None:
    doc = load(FIXTURES / "join.sh")
    start = doc.text.index("--token=$TOKEN")
    end = start + len("--token=$TOKEN")
    edits = doc.replace_span(start, end, "--token=${TOKEN}")
    new, _, _ = apply_edits(doc.text, edits)
    assert new.splitlines()[20] == "  --token=${TOKEN} # rtlint: disable=KEA001"
    assert new.replace("${TOKEN}", "$TOKEN") == doc.text
    assert doc.replace_span(start, end, "--token=$TOKEN") == []
    with pytest.raises(EditError):
        doc.replace_span(5, 2, "x")
    with pytest.raises(EditError):
        doc.replace_span(0, len(doc.text) + 1, "x")
    with pytest.raises(EditError):
        doc.insert((), "k", "v")
