"""The systemd unit reader, its edits, and the command line splitter, checked against real files and systemd.

Where `systemd-analyze` is installed, parsed values are compared with what
systemd 252 itself reads: every key is renamed to `Type` in a [Service]
section, so systemd echoes each joined value with its line number ("Failed to
parse service type, ignoring: VALUE"). Command lines are compared through the
program path ("Command X is not executable") and, for arguments, by appending
an unknown escape `\\q` to each word so systemd prints the word it extracted.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

from conftest import broken_notes, corpus_files
from rtlint.document import Edit, EditError, ParseError, apply_edits
from rtlint.execline import CommandLineError, Token, render_command, render_word, split_command, split_commands
from rtlint.formats.unit import UnitDocument, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "unit"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
CORPUS_UNITS = corpus_files("systemd")
NOTES = broken_notes()
VALID_SERVICE_TYPES = {"simple", "exec", "forking", "oneshot", "dbus", "notify", "idle"}


def load_bytes(raw: bytes, path: str = "test.service") -> UnitDocument:
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    return parse(path, "systemd", raw, text, bom)


def load(path: Path) -> UnitDocument:
    return load_bytes(path.read_bytes(), str(path))


def fixture(name: str) -> UnitDocument:
    return load(FIXTURES / name)


def edited(doc: UnitDocument, edits: Sequence[Edit]) -> str:
    text, applied, deferred = apply_edits(doc.text, edits)
    assert not deferred
    return text


def reparse(doc: UnitDocument, text: str) -> UnitDocument:
    return parse(doc.path, doc.kind, doc.encode(text), text, doc.bom)


def is_broken(path: Path) -> bool:
    return NOTES.get(f"systemd/{path.name}", "").startswith("BROKEN")


def rejoin(span_text: str) -> str:
    """The value systemd reads from a value's raw text: comment lines dropped, `\\`+line break -> space."""
    lines = re.split(r"\r\n|\r|\n", span_text)
    kept = [lines[0]] + [ln for ln in lines[1:] if not ln.lstrip(" \t").startswith(("#", ";"))]
    out = []
    for ln in kept[:-1]:
        assert ln.endswith("\\"), (span_text, ln)
        out.append(ln[:-1] + " ")
    out.append(kept[-1])
    return "".join(out)


def run_verify(files: Dict[str, bytes], all_units: bool = False) -> Tuple[str, str]:
    """Write files into a fresh directory and run `systemd-analyze verify` on the first (or all); (output, directory)."""
    assert SYSTEMD_ANALYZE
    d = tempfile.mkdtemp(prefix="rtlint-unit-")
    try:
        for name, data in files.items():
            (Path(d) / name).write_bytes(data)
        names = list(files) if all_units else [next(iter(files))]
        r = subprocess.run([SYSTEMD_ANALYZE, "verify"] + [str(Path(d) / n) for n in names], capture_output=True, timeout=60,
                           env=dict(os.environ, SYSTEMD_LOG_COLOR="0", SYSTEMD_PAGER=""))
        out = (r.stdout + r.stderr).decode("utf-8", "backslashreplace")
        return out.replace(d + "/", ""), d
    finally:
        shutil.rmtree(d, ignore_errors=True)


_TYPE_MSG = re.compile(r"^x\.service:(\d+): Failed to parse service type, ignoring: (.*)$")
_SYNTAX_MSG = re.compile(r"Missing '='|Missing key name|Invalid section header|Bad characters|"
                         r"Assignment outside of section|Unknown key|Unknown section")


def systemd_values(doc: UnitDocument) -> Tuple[Dict[int, str], List[str]]:
    """{line: value} as systemd reads the document with every key renamed to Type in [Service]; other syntax complaints."""
    edits: List[Edit] = []
    for name in doc.sections():
        if name != "Service":
            edits += doc.rename((name,), "Service")
    for e in doc.entries:
        if len(e.path) == 2:
            edits += doc.rename(e.path, "Type", index=e.index)
    out, _ = run_verify({"x.service": doc.encode(edited(doc, edits))})
    values: Dict[int, str] = {}
    other: List[str] = []
    for line in out.splitlines():
        m = _TYPE_MSG.match(line)
        if m:
            values[int(m.group(1))] = m.group(2)
        elif _SYNTAX_MSG.search(line):
            other.append(line)
    return values, other


# -- corpus ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS_UNITS, ids=lambda p: p.name)
def test_corpus_unit_round_trips_with_exact_spans(path: Path) -> None:
    raw = path.read_bytes()
    if is_broken(path):
        with pytest.raises(ParseError) as err:
            load(path)
        assert err.value.line == 1
        assert "not a [Section] header" in err.value.message
        return
    doc = load(path)
    assert doc.format == "unit"
    assert doc.to_bytes() == raw
    text = doc.text
    for e in doc.entries:
        if len(e.path) == 1:
            assert e.value is None
            assert text[e.key_span.start:e.key_span.end] == f"[{e.path[0]}]"
            continue
        section, key = e.path
        assert text[e.key_span.start:e.key_span.end] == key
        assert rejoin(text[e.value_span.start:e.value_span.end]) == e.value
        assert e.value == e.value.strip(" \t\r\n")
        assert e.key_span.line == doc.index.position(e.key_span.start)[0]
    for section, keys in doc.data.items():
        for key, values in keys.items():
            entries = doc.assignments(section, key)
            assert [x.value for x in entries] == values
            assert [x.index for x in entries] == list(range(len(values)))
            assert doc.entry((section, key)) is entries[-1]
    # every line is accounted for: a comment, blank, header or part of an assignment
    covered = {c.line for c in doc.comments}
    for e in doc.entries:
        covered.update(range(e.span.line, max(e.span.end_line, e.value_span.end_line) + 1))
    for n in range(1, len(doc.index.starts) + 1):
        assert n in covered or doc.line_text(n).strip() == "", (n, doc.line_text(n))


def test_corpus_parse_failures_are_exactly_the_noted_ones() -> None:
    if not CORPUS_UNITS:
        pytest.skip("corpus not present")
    failing = set()
    for p in CORPUS_UNITS:
        try:
            load(p)
        except ParseError:
            failing.add(p.name)
    assert failing == {p.name for p in CORPUS_UNITS if is_broken(p)}
    assert failing


@needs_systemd
@pytest.mark.parametrize("path", [p for p in CORPUS_UNITS if not is_broken(p)], ids=lambda p: p.name)
def test_corpus_values_match_systemd(path: Path) -> None:
    doc = load(path)
    got, other = systemd_values(doc)
    assert other == []
    expected = {doc.reported_line(e): e.value for e in doc.entries
                if len(e.path) == 2 and e.value not in VALID_SERVICE_TYPES}
    assert got == expected


@needs_systemd
def test_corpus_broken_unit_is_what_systemd_ignores(corpus_dir: Path) -> None:
    path = corpus_dir / "systemd" / "cynthia-rempel__kubernetes-operator-vm__crio.service"
    out, _ = run_verify({"crio.service": path.read_bytes()})
    assert "crio.service:1: Assignment outside of section. Ignoring." in out
    with pytest.raises(ParseError) as err:
        load(path)
    assert (err.value.line, err.value.column) == (1, 1)


def test_corpus_hard_cases(corpus_dir: Path) -> None:
    d = corpus_dir / "systemd"
    indented = load(d / "ahwhy__myCfgLib__docker_docker.service")
    assert indented.sections() == ["Unit", "Service", "Install"]
    header = indented.entry(("Service",))
    assert (header.span.column, indented.text[header.span.start:header.span.end]) == (4, "[Service]")
    assert indented.entry(("Service", "KillMode")).key_span.column == 4
    assert indented.get(("Install", "WantedBy")) == "multi-user.target"

    empty = load(d / "vrutkovs__sno-etc__etc_systemd_system_crio.service.d_10-mco-default-env.conf")
    assert (empty.data, empty.entries, empty.comments, empty.to_bytes()) == ({}, [], [], b"")

    for name in ("lresende__mesos-cluster-install__etc_systemd_system_docker.service.d_override.conf",
                 "Bengreen__raspi-cluster-ansible__roles_docker_files_docker_override.conf"):
        doc = load(d / name)
        starts = doc.assignments("Service", "ExecStart")
        assert [e.value for e in starts][0] == ""
        assert doc.effective("Service", "ExecStart") == starts[1:]

    tabs = load(d / "jessfraz__dotfiles__etc_systemd_system_docker.service")
    start = tabs.entry(("Service", "ExecStart"))
    assert start.value_span.end_line - start.value_span.line == 7
    assert [t.text for t in split_command(start.value)][:4] == ["/usr/local/bin/dockerd", "-D", "-s", "overlay2"]

    semicolon = load(d / "tarvitz__kubernetes__systemd_containerd.service")
    assert any(c.text.startswith(" ExecStartPre=") for c in semicolon.comments)
    assert not semicolon.has(("Service", "ExecStartPre"))


# -- fixtures ---------------------------------------------------------------------------------------------------------

FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if not p.name.startswith("."))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_round_trips(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    doc = fixture(name)
    assert doc.to_bytes() == raw
    for e in doc.entries:
        if len(e.path) == 2:
            assert doc.text[e.key_span.start:e.key_span.end] == e.path[1]
            assert rejoin(doc.text[e.value_span.start:e.value_span.end]) == e.value


@needs_systemd
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_values_match_systemd(name: str) -> None:
    doc = fixture(name)
    got, other = systemd_values(doc)
    assert other == []
    assert got == {doc.reported_line(e): e.value for e in doc.entries
                   if len(e.path) == 2 and e.value not in VALID_SERVICE_TYPES}


def test_continuations_comments_resets_and_repeated_sections() -> None:
    doc = fixture("continuation.service")
    words = lambda v: " ".join(v.split())  # noqa: E731 - continuation whitespace is kept as written
    assert words(doc.get(("Unit", "After"))) == "network-online.target containerd.service"
    start = doc.entry(("Service", "ExecStart"))
    assert words(start.value) == "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --log-level=warn"
    assert "comment" not in start.value
    assert (start.key_span.line, start.value_span.end_line) == (8, 13)
    assert doc.reported_line(start) == 13
    assert [c.text for c in doc.comments] == [" a comment inside the continuation is skipped", " so is this one"]
    assert [(c.line, c.column) for c in doc.comments] == [(11, 1), (12, 1)]
    assert doc.data["Service"]["Environment"] == ['"A=1"   "B=two words"', "", "C=3"]
    assert [e.value for e in doc.effective("Service", "Environment")] == ["C=3"]
    assert [e.index for e in doc.assignments("Service", "Environment")] == [0, 1, 2]
    assert doc.get(("Service", "ExecStartPre")) == "/bin/echo literal\\\\"  # even backslashes: no continuation
    assert doc.get(("Service", "ExecStartPost")) == "/bin/echo escaped-space\\"  # `\ ` then end: no continuation
    timeout = doc.entry(("Service", "TimeoutStartSec"))
    assert (timeout.value, timeout.key_span.column) == ("0", 3)
    assert doc.get(("Service", "Restart")) == "always"  # from the repeated [Service]
    assert list(doc.data) == ["Unit", "Service", "Install"]
    assert [e.index for e in doc.entries if e.path == ("Service",)] == [0, 1]
    assert [e.path[1] for e in doc.children(("Service",))] == [
        "Type", "ExecStart", "ExecReload", "Environment", "Environment", "Environment",
        "ExecStartPre", "ExecStartPost", "TimeoutStartSec", "Restart"]


def test_crlf_bom_no_final_newline_eof_backslash() -> None:
    crlf = fixture("crlf.service")
    assert crlf.newline == "\r\n"
    assert crlf.get(("Unit", "Description")) == "crlf unit"
    assert " ".join(crlf.get(("Service", "ExecStart")).split()) == "/usr/bin/containerd --log-level debug"
    assert [c.text for c in crlf.comments] == [" inside"]

    bom = fixture("bom.service")
    assert bom.bom and bom.text.startswith("[Unit]")
    assert bom.entry(("Unit",)).span.start == 0

    nofinal = fixture("no-final-newline.conf")
    assert nofinal.data == {"Service": {"Environment": ['"HTTP_PROXY=http://proxy:3128/"',
                                                        '"NO_PROXY=localhost,127.0.0.1"']}}

    eof = fixture("eof-backslash.service")
    value = eof.get(("Service", "ExecStart"))
    assert " ".join(value.split()) == "/usr/bin/containerd --log-level info"
    assert not value.endswith("\\")
    assert eof.reported_line(eof.entry(("Service", "ExecStart"))) == 5  # systemd counts one past the last line


def test_lone_cr_ends_a_line_like_systemd() -> None:
    doc = load_bytes(b"[Service]\nType=aa\rX2=1\nX1=1\n")
    assert doc.data == {"Service": {"Type": ["aa"], "X2": ["1"], "X1": ["1"]}}
    assert doc.to_bytes() == b"[Service]\nType=aa\rX2=1\nX1=1\n"


BROKEN_CASES = [
    # (bytes, our line, systemd's line, what systemd says)
    (b"Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n", 1, 1, "Assignment outside of section"),
    (b"# c\nDescription=x\n[Unit]\n", 2, 2, "Assignment outside of section"),
    (b"[Service]\nType=simple\nFooBar\nExecStart=/bin/true\n", 3, 3, "Missing '='"),
    (b"[Service]\nExecStart=/bin/true\nFoo \\\n  bar\n", 3, 4, "Missing '='"),
    (b"[Service]\n=foo\nExecStart=/bin/true\n", 2, 2, "Missing key name before '='"),
    (b"[Service\nType=simple\nExecStart=/bin/true\n", 1, 1, "Invalid section header"),
    (b"[Service] # x\nExecStart=/bin/true\n", 1, 1, "Invalid section header"),
    (b'[Serv"ice]\nX=1\n', 1, 1, "Bad characters in section header"),
]


@pytest.mark.parametrize("raw,line,sd_line,sd_says", BROKEN_CASES)
def test_structural_errors(raw: bytes, line: int, sd_line: int, sd_says: str) -> None:
    with pytest.raises(ParseError) as err:
        load_bytes(raw)
    assert err.value.line == line
    if SYSTEMD_ANALYZE:
        out, _ = run_verify({"t.service": raw})
        assert f"t.service:{sd_line}: {sd_says}" in out


@needs_systemd
def test_what_systemd_accepts_we_accept() -> None:
    cases = [
        b"[Service]\nExecStart=/bin/true\nType=aa\\\n# c1\n  ; c2\n\tbb \\\n   cc\n",
        b"[Service]\r\nExecStart=/bin/true\r\nType=a \\\r\n# c\r\n b\r\n",
        b"   [Service]\n   # c\n   ExecStart=/bin/true\n   Type  =   zz  \n",
        b"[Service]\nExecStart=/bin/true\nType=a \\\n[Install]\n",
        b"[Service]\nExecStart=/bin/true\nType=a # not a comment\n",
        b"[Service]\nExecStart=/bin/true\nType=aa\\\n\n",
        b"[Service]\nExecStart=/bin/true\nType=aa\rType=bb\n",
    ]
    for raw in cases:
        doc = load_bytes(raw)
        out, _ = run_verify({"t.service": raw})
        assert not _SYNTAX_MSG.search(out), out
        got = re.findall(r"t\.service:(\d+): Failed to parse service type, ignoring: (.*)", out)
        assert {int(n): v for n, v in got} == {doc.reported_line(e): e.value for e in doc.assignments("Service", "Type")}


# -- edits ---------------------------------------------------------------------------------------------------------------


def test_set_value_keeps_key_and_blanks() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.set_value(("Service", "TimeoutStartSec"), "90"))
    assert "\n  TimeoutStartSec = 90\n" in text
    text = edited(doc, doc.set_value(("Service", "Environment"), "D=4", index=1))
    assert "\nEnvironment=   D=4\n" in text
    assert reparse(doc, text).data["Service"]["Environment"] == ['"A=1"   "B=two words"', "D=4", "C=3"]
    # a value with continuation lines is replaced whole, comments inside it included
    text = edited(doc, doc.set_value(("Service", "ExecStart"), "/usr/bin/dockerd -H fd://"))
    assert "\nExecStart=/usr/bin/dockerd -H fd://\n\nExecReload=" in text
    new = reparse(doc, text)
    assert new.get(("Service", "ExecStart")) == "/usr/bin/dockerd -H fd://"
    assert new.comments == []
    assert doc.set_value(("Service", "Environment"), True, index=0) == [
        Edit(doc.assignments("Service", "Environment")[0].value_span.start,
             doc.assignments("Service", "Environment")[0].value_span.end, "yes")]


def test_set_value_default_is_last_and_positional_base_signature() -> None:
    doc = fixture("reset.conf")
    text = edited(doc, doc.set_value(("Service", "ExecStart"), "/usr/bin/containerd"))
    assert text == "[Service]\nExecStart=\nExecStart=/usr/bin/containerd\n"
    text = edited(doc, doc.set_value(("Service", "ExecStart"), "/bin/true", 0))
    assert text == "[Service]\nExecStart=/bin/true\nExecStart=/usr/bin/containerd --config /etc/containerd/config.toml\n"


@pytest.mark.parametrize("bad", ["a\nb", " lead", "trail ", "ends\\", ["x"], None])
def test_set_value_refuses_what_systemd_would_read_differently(bad: object) -> None:
    doc = fixture("reset.conf")
    with pytest.raises(EditError):
        doc.set_value(("Service", "ExecStart"), bad)


def test_edit_errors_for_missing_targets() -> None:
    doc = fixture("reset.conf")
    with pytest.raises(EditError):
        doc.set_value(("Service", "Nope"), "x")
    with pytest.raises(EditError):
        doc.set_value(("Service", "ExecStart"), "x", index=5)
    with pytest.raises(EditError):
        doc.delete(("Install",))
    with pytest.raises(EditError):
        doc.insert(("Service",), "Bad Key", "x")
    with pytest.raises(EditError):
        doc.insert(("Service",), "#Key", "x")
    with pytest.raises(EditError):
        doc.rename(("Service", "ExecStart"), "A=B")
    with pytest.raises(EditError):
        doc.insert(("Service",), "X", "y", before=("Unit", "ExecStart", 0))


def test_insert_after_last_assignment_of_section() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.insert(("Service",), "LimitNOFILE", "1048576"))
    assert text == doc.text + "LimitNOFILE=1048576\n"  # the repeated [Service] at the end holds the last one
    assert reparse(doc, text).get(("Service", "LimitNOFILE")) == "1048576"
    text = edited(doc, doc.insert(("Unit",), "Wants", "network-online.target"))
    assert "      containerd.service\nWants=network-online.target\n\n[Service]\n" in text
    new = reparse(doc, text)
    assert new.get(("Unit", "Wants")) == "network-online.target"
    assert new.data["Service"] == doc.data["Service"]


def test_insert_reset_before_an_assignment() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.insert(("Service",), "ExecStart", "", before=("Service", "ExecStart", 0)))
    assert "Type=notify\nExecStart=\nExecStart=/usr/bin/dockerd \\\n" in text
    new = reparse(doc, text)
    assert [e.value for e in new.assignments("Service", "ExecStart")][0] == ""
    assert [e.value for e in new.effective("Service", "ExecStart")] == [doc.get(("Service", "ExecStart"))]

    dropin = fixture("reset.conf")
    text = edited(dropin, dropin.insert(("Service",), "ExecStartPre", "-/sbin/modprobe overlay",
                                        before=("Service", "ExecStart", -1)))
    assert text == ("[Service]\nExecStart=\nExecStartPre=-/sbin/modprobe overlay\n"
                    "ExecStart=/usr/bin/containerd --config /etc/containerd/config.toml\n")


def test_insert_keeps_indentation_and_line_endings() -> None:
    indented = fixture("indented.service")
    text = edited(indented, indented.insert(("Service",), "Delegate", "yes"))
    assert text == indented.text.replace("   KillMode=process\n", "   KillMode=process\n   Delegate=yes\n")
    text = edited(indented, indented.insert(("Install",), "WantedBy", "multi-user.target"))
    assert text == indented.text + "\n   [Install]\n   WantedBy=multi-user.target\n"
    assert reparse(indented, text).get(("Install", "WantedBy")) == "multi-user.target"

    crlf = fixture("crlf.service")
    text = edited(crlf, crlf.insert(("Service",), "KillMode", "process"))
    assert text == crlf.text + "KillMode=process\r\n"
    text = edited(crlf, crlf.insert(("Install",), "WantedBy", "multi-user.target"))
    assert text == crlf.text + "\r\n[Install]\r\nWantedBy=multi-user.target\r\n"

    nofinal = fixture("no-final-newline.conf")
    text = edited(nofinal, nofinal.insert(("Service",), "Environment", '"HTTPS_PROXY=http://proxy:3128/"'))
    assert text == nofinal.text + '\n  Environment="HTTPS_PROXY=http://proxy:3128/"'
    assert len(reparse(nofinal, text).assignments("Service", "Environment")) == 3

    bom = fixture("bom.service")
    text = edited(bom, bom.insert(("Service",), "Delegate", "yes"))
    new = reparse(bom, text)
    assert new.to_bytes().startswith(b"\xef\xbb\xbf[Unit]\n") and new.get(("Service", "Delegate")) == "yes"


def test_insert_into_empty_dropin_and_new_section() -> None:
    empty = fixture("empty.conf")
    text = edited(empty, empty.insert(("Service",), "Environment", "A=1"))
    assert text == "[Service]\nEnvironment=A=1\n"
    doc = fixture("reset.conf")
    text = edited(doc, doc.insert(("Unit",), "After", "network-online.target"))
    assert text == doc.text + "\n[Unit]\nAfter=network-online.target\n"
    eof = fixture("eof-backslash.service")
    text = edited(eof, eof.insert(("Service",), "Delegate", "yes"))
    assert text == eof.text + "\n\nDelegate=yes"  # a blank line ends the dangling continuation first
    new = reparse(eof, text)
    assert " ".join(new.get(("Service", "ExecStart")).split()) == "/usr/bin/containerd --log-level info"
    assert new.get(("Service", "Delegate")) == "yes"


def test_insert_into_section_without_keys() -> None:
    doc = load_bytes(b"[Unit]\n\n[Service]\nExecStart=/bin/true\n")
    text = edited(doc, doc.insert(("Unit",), "Description", "x"))
    assert text == "[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/true\n"


def test_delete_one_all_and_continuations() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.delete(("Service", "ExecStart")))
    assert "Type=notify\n\nExecReload=" in text
    new = reparse(doc, text)
    assert not new.has(("Service", "ExecStart")) and new.comments == []
    text = edited(doc, doc.delete(("Service", "Environment"), 1))
    assert reparse(doc, text).data["Service"]["Environment"] == ['"A=1"   "B=two words"', "C=3"]
    text = edited(doc, doc.delete(("Service", "Environment")))
    assert "Environment" not in text
    assert "ExecReload=/bin/kill -s HUP $MAINPID\nExecStartPre=" in text

    crlf = fixture("crlf.service")
    text = edited(crlf, crlf.delete(("Service", "ExecStart")))
    assert text == "[Unit]\r\nDescription=crlf unit\r\n\r\n[Service]\r\nDelegate=yes\r\n"

    nofinal = fixture("no-final-newline.conf")
    text = edited(nofinal, nofinal.delete(("Service", "Environment"), -1))
    assert text == '[Service]\n  Environment="HTTP_PROXY=http://proxy:3128/"\n'


def test_delete_section() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.delete(("Install",)))
    assert "[Install]" not in text and "WantedBy" not in text
    assert text.endswith("\n  TimeoutStartSec = 0\n\n[Service]\nRestart=always\n")
    text = edited(doc, doc.delete(("Service",)))
    assert reparse(doc, text).data == {"Unit": doc.data["Unit"], "Install": doc.data["Install"]}


def test_rename_key_and_section() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.rename(("Service", "TimeoutStartSec"), "TimeoutSec"))
    assert "\n  TimeoutSec = 0\n" in text
    text = edited(doc, doc.rename(("Service", "Environment"), "Env", index=2))
    new = reparse(doc, text)
    assert new.data["Service"]["Env"] == ["C=3"] and len(new.assignments("Service", "Environment")) == 2
    text = edited(doc, doc.rename(("Service",), "Socket"))
    assert reparse(doc, text).sections() == ["Unit", "Socket", "Install"]


def test_move_to_another_section() -> None:
    doc = fixture("continuation.service")
    text = edited(doc, doc.move(("Service", "TimeoutStartSec"), ("Unit",), "JobTimeoutSec"))
    new = reparse(doc, text)
    assert new.get(("Unit", "JobTimeoutSec")) == "0" and not new.has(("Service", "TimeoutStartSec"))
    assert "      containerd.service\nJobTimeoutSec=0\n\n[Service]" in text


# -- command lines ---------------------------------------------------------------------------------------------------

SEP = object()

SPLIT_CASES = [
    ("/usr/bin/cri-dockerd --container-runtime-endpoint fd://",
     ["/usr/bin/cri-dockerd", "--container-runtime-endpoint", "fd://"]),
    ("  /bin/a   b\t c  ", ["/bin/a", "b", "c"]),
    ("/bin/sh -c 'echo \"a b\"; exit 1'", ["/bin/sh", "-c", 'echo "a b"; exit 1']),
    ("/bin/echo \"two words\" 'single q' mid\"dle q\"x", ["/bin/echo", "two words", "single q", "middle qx"]),
    ("/bin/echo it''s \"\"", ["/bin/echo", "its", ""]),
    ("/bin/echo a\\tb \"c\\\"d\" 'e\\'f' \"g\\tq\" 'h\\x41'", ["/bin/echo", "a\tb", 'c"d', "e'f", "g\tq", "hA"]),
    ("/bin/echo \\x41\\101\\u00e9\\U0001F600 \\s x\\\\y", ["/bin/echo", "AAé😀", " ", "x\\y"]),
    ("/bin/echo \\xc3\\xa9", ["/bin/echo", "é"]),
    ("/bin/echo one ; /bin/echo two", ["/bin/echo", "one", SEP, "/bin/echo", "two"]),
    ("/bin/echo one ;\t/bin/echo two", ["/bin/echo", "one", SEP, "/bin/echo", "two"]),
    ("/bin/echo a \\; b", ["/bin/echo", "a", ";", "b"]),
    ("/bin/echo a; b ;x", ["/bin/echo", "a;", "b", ";x"]),
    ("/bin/echo \";\" x", ["/bin/echo", ";", "x"]),
    ("; /bin/true", [SEP, "/bin/true"]),
    ("\";\" /bin/true", [SEP, "/bin/true"]),
    ("/bin/true ; ;", ["/bin/true", SEP, SEP]),
    ("/bin/echo / >/dev/null & \\; ls", ["/bin/echo", "/", ">/dev/null", "&", ";", "ls"]),
    ("/bin/echo \\q x\\ y", ["/bin/echo", "\\q", "x\\ y"]),
    ("/bin/echo \\x00 \\400 \\U00110000 \\xZZ \\8", ["/bin/echo", "\\x00", "\\400", "\\U00110000", "\\xZZ", "\\8"]),
    ("/bin/echo tail\\", ["/bin/echo", "tail\\"]),
    ("/bin/echo $OPTS ${A}b $$HOME %t/x %%", ["/bin/echo", "$OPTS", "${A}b", "$$HOME", "%t/x", "%%"]),
    ("", []),
    ("   ", []),
]


def texts(tokens: List[Token]) -> list:
    return [SEP if t.separator else t.text for t in tokens]


@pytest.mark.parametrize("value,expected", SPLIT_CASES, ids=[c[0] or "empty" for c in SPLIT_CASES])
def test_split_command_table(value: str, expected: list) -> None:
    tokens = split_command(value)
    assert texts(tokens) == expected
    last = 0
    for t in tokens:
        assert last <= t.start < t.end <= len(value)
        assert value[t.start:t.end].strip() == value[t.start:t.end]
        last = t.end
        if not t.separator and value[t.start:t.end] != "\\;":
            again = split_command("/bin/x " + value[t.start:t.end])
            assert [a.text for a in again[1:]] == [t.text]


def test_token_offsets_point_at_raw_words() -> None:
    value = "/bin/echo \"two words\" x'y z' \\; ;"
    raws = [value[t.start:t.end] for t in split_command(value)]
    assert raws == ["/bin/echo", '"two words"', "x'y z'", "\\;", ";"]


PREFIX_CASES = [
    ("-/usr/bin/foo", "-", "/usr/bin/foo"),
    ("@/bin/sh sh -c x", "@", "/bin/sh"),
    ("!!/bin/x", "!!", "/bin/x"),
    ("!/bin/x", "!", "/bin/x"),
    ("+/bin/x", "+", "/bin/x"),
    (":/bin/x", ":", "/bin/x"),
    ("-@:+/bin/x", "-@:+", "/bin/x"),
    ("+!/bin/x", "+", "!/bin/x"),
    ("!+/bin/x", "!", "+/bin/x"),
    ("!!!/bin/x", "!!", "!/bin/x"),
    ("--/bin/x", "-", "-/bin/x"),
    ("::/bin/x", ":", ":/bin/x"),
    ('"-/bin/x"', "-", "/bin/x"),
    ("\\x2d/bin/x", "-", "/bin/x"),
    ("/bin/-x", "", "/bin/-x"),
]


@pytest.mark.parametrize("value,prefix,path", PREFIX_CASES)
def test_prefixes(value: str, prefix: str, path: str) -> None:
    cmd = split_commands(value)[0]
    assert (cmd.prefix, cmd.path) == (prefix, path)
    assert cmd.ignore_failure == ("-" in prefix)


def test_each_command_gets_its_own_prefix() -> None:
    cmds = split_commands("-/bin/a x ; +/bin/b y")
    assert [(c.prefix, c.path, [a.text for a in c.args]) for c in cmds] == [("-", "/bin/a", ["x"]), ("+", "/bin/b", ["y"])]


def test_variables_and_specifiers_are_marked_not_expanded() -> None:
    tokens = split_command("${X} $OPTS ${A}b-${B} $$HOME \"$Q\" $ %t/x %%n")
    prog, opts, ab, home, q, dollar, spec, pct = tokens
    assert (prog.env_split, prog.env_refs) == (None, ())  # the program is never expanded
    assert (opts.env_split, opts.env_refs) == ("OPTS", ())
    assert (ab.env_split, ab.env_refs) == (None, ("A", "B"))
    assert (home.env_split, home.env_refs) == (None, ())
    assert q.env_split == "Q"  # quotes are gone before expansion
    assert dollar.env_split == ""
    assert spec.specifiers == ("t",) and pct.specifiers == ()
    quiet = split_command(":/bin/echo $OPTS ${A}")
    assert [(t.env_split, t.env_refs) for t in quiet[1:]] == [(None, ()), (None, ())]


def test_bad_escapes_are_recorded() -> None:
    tokens = split_command("/bin/echo a\\qb\\x \\n")
    assert tokens[1].bad_escapes == (11, 14)
    assert tokens[2].bad_escapes == ()


@pytest.mark.parametrize("value", ['/bin/echo "abc', "/bin/echo 'abc", '"/bin/echo', '/bin/echo "a\\', '/bin/x a"',
                                   "/bin/x \"a'"])
def test_unbalanced_quoting_raises(value: str) -> None:
    with pytest.raises(CommandLineError) as err:
        split_command(value)
    assert 0 <= err.value.offset < len(value)


def test_problems_mirror_systemd_load_errors() -> None:
    def problems(v: str) -> List[str]:
        return split_commands(v)[0].problems()
    assert problems("/usr/bin/containerd") == []
    assert problems("containerd") == []
    assert problems("nx/rel") == ["Neither a valid executable name nor an absolute path"]
    assert problems("/nx/a/") == ["Executable path specifies a directory"]
    assert problems('"/nx/a\\tb"') == ["Executable name contains special characters"]
    assert problems("@/nx/a") == ["Empty executable name or zeroeth argument"]
    assert problems('""') == ["Empty path in command line"]


RENDER_CASES = ["plain", "", "a b", 'q"uote', "it's", "back\\slash", "tab\there", "new\nline", "cr\r", ";",
                "%t", "$X", "é", "\x01ctl", "trail\\", "\\", "'", '"']


@pytest.mark.parametrize("word", RENDER_CASES)
def test_render_word_round_trips(word: str) -> None:
    rendered = render_word(word)
    assert "\n" not in rendered and not rendered.endswith(" ")
    tokens = split_command("/bin/x " + rendered)
    assert [t.text for t in tokens[1:]] == [word] and not tokens[1].separator
    assert tokens[1].bad_escapes == ()
    if word and all(c.isalnum() or c in "%$" for c in word):
        assert rendered == word
    assert [t.text for t in split_command(render_command(["/bin/x", word, "y"]))] == ["/bin/x", word, "y"]


# -- command lines against systemd ---------------------------------------------------------------------------------


def _unit_line(value: str) -> str:
    """An ExecStart= line carrying exactly `value` (a trailing backslash would join the next line)."""
    text = "ExecStart=" + value
    return text + " " if text.endswith("\\") else text


def _arguments(value: str, tokens: List[Token]) -> List[Token]:
    """Argument tokens that take a probe: not programs, separators or the special `\\;`."""
    out = []
    program = True
    for t in tokens:
        if t.separator:
            program = True
        elif program:
            program = False
        elif value[t.start:t.end] != "\\;":
            out.append(t)
    return out


def _probe(value: str) -> Optional[str]:
    """`value` with an unknown escape after each argument, so systemd prints every argument it extracts."""
    try:
        tokens = split_command(value)
    except CommandLineError:
        return None
    marked = _arguments(value, tokens)
    if any(any(ord(c) < 32 for c in t.text) for t in marked):
        return None  # control characters would garble the log line
    if any(value[t.start:t.end].endswith("\\") for t in marked):
        return None  # `\` + `\q` would turn into a valid escape
    probe = value
    for t in reversed(marked):
        probe = probe[:t.end] + "\\q" + probe[t.end:]
    return probe


@dataclass
class SystemdReport:
    oneshot: str  # verify output for Type=oneshot
    simple: str  # verify output for Type=simple (refuses several commands)
    probe: Optional[str]  # verify output for the probed value


def systemd_reports(values: Sequence[str]) -> Dict[str, SystemdReport]:
    """One `systemd-analyze verify` run over three units per value; output lines grouped by unit."""
    units: Dict[str, bytes] = {}
    for i, v in enumerate(values):
        units[f"o{i}.service"] = f"[Service]\nType=oneshot\n{_unit_line(v)}\n".encode()
        units[f"s{i}.service"] = f"[Service]\nType=simple\n{_unit_line(v)}\n".encode()
        probe = _probe(v)
        if probe is not None:
            units[f"p{i}.service"] = f"[Service]\nType=oneshot\n{_unit_line(probe)}\n".encode()
    out, _ = run_verify(units, all_units=True)
    by_unit: Dict[str, List[str]] = {}
    for line in out.splitlines():
        for name in set(re.findall(r"\b([osp]\d+)\.service\b", line)):
            by_unit.setdefault(name, []).append(line)
    return {v: SystemdReport("\n".join(by_unit.get(f"o{i}", [])), "\n".join(by_unit.get(f"s{i}", [])),
                             "\n".join(by_unit.get(f"p{i}", [])) if f"p{i}.service" in units else None)
            for i, v in enumerate(values)}


def check_against_systemd(value: str, report: SystemdReport) -> None:
    try:
        tokens = split_command(value)
    except CommandLineError:
        assert "Unbalanced quoting" in report.oneshot
        return
    assert "Unbalanced quoting" not in report.oneshot
    cmds = split_commands(value)
    if not cmds:
        return
    refused = [c for c in cmds if c.problems()]
    if refused:  # systemd stops at the first refused command and drops the whole setting
        assert refused[0].problems()[0] in report.oneshot
    else:
        assert ("more than one ExecStart= setting" in report.simple) == (len(cmds) > 1)
    first = cmds[0]
    m = re.search(r"Command (.*) is not executable", report.oneshot)
    if "-" in first.prefix or first.problems() or first.program.bad_escapes:
        pass  # systemd skips or refuses the program before the executable check
    elif "%" in first.path:
        assert m is not None  # systemd prints the path with specifiers resolved
        if not first.program.specifiers:
            assert m.group(1) == first.path.replace("%%", "%")
    elif first.path.startswith("/") and os.access(first.path, os.X_OK):
        assert m is None
    else:
        assert m is not None and m.group(1) == first.path
    if report.probe is not None and not refused:
        words = re.findall(r'Ignoring unknown escape sequences: "(.*)"$', report.probe, re.M)
        expected = [t.text + "\\q" for t in _arguments(value, tokens)]
        assert words == expected


SYSTEMD_CASES = [c[0] for c in SPLIT_CASES] + [c[0] for c in PREFIX_CASES] + [
    '/nx/a\\x41b', '"/nx/a b"', "/nx/a'b c'd", '/nx/a"b c"d', '/nx/a\\101\\u00e9\\U0001F600', '/nx/%%a',
    '/nx/a\\s', '/bin/true "unbal', '"/nx/a', "/nx/a\\\\", '/bin/true "a\\', "/bin/true x\\ ",
    "/bin/true a\\;b \\;", "/bin/true 'it''s' \"\" ''", "-/nx/a ; /nx/b x", "/bin/true x ; \\; y",
    "/bin/true ; nx/rel", "/bin/true ; @/bin/true", "/bin/true ; /nx/dir/", "-nx/rel",
]


@pytest.fixture(scope="module")
def table_reports() -> Dict[str, SystemdReport]:
    if SYSTEMD_ANALYZE is None:
        pytest.skip("systemd-analyze is not installed")
    return systemd_reports(SYSTEMD_CASES)


@pytest.mark.parametrize("value", SYSTEMD_CASES)
def test_split_command_agrees_with_systemd(value: str, table_reports: Dict[str, SystemdReport]) -> None:
    check_against_systemd(value, table_reports[value])


@needs_systemd
def test_corpus_command_lines_agree_with_systemd() -> None:
    values: List[str] = []
    for path in CORPUS_UNITS:
        if is_broken(path):
            continue
        doc = load(path)
        values += [e.value for e in doc.entries if len(e.path) == 2 and e.path[1].startswith("Exec") and e.value]
    if not values:
        pytest.skip("corpus not present")
    unique = sorted(set(values))
    reports = systemd_reports(unique)
    for v in unique:
        check_against_systemd(v, reports[v])
    assert len(values) > 30


def test_corpus_cri_docker_exec_lines(corpus_dir: Path) -> None:
    units = sorted((corpus_dir / "systemd").glob("*cri-docker*.service"))
    assert len(units) >= 3
    for path in units:
        doc = load(path)
        value = doc.get(("Service", "ExecStart"))
        tokens = split_command(value)
        # no quotes or escapes in these lines: systemd's words are the whitespace-separated ones
        assert not set("\"'\\") & set(value)
        assert [t.text for t in tokens] == value.split()
        assert [value[t.start:t.end] for t in tokens] == value.split()
        assert tokens[0].word == "/usr/bin/cri-dockerd" and tokens[0].prefix == ""
        reload_cmd = split_commands(doc.get(("Service", "ExecReload")))[0]
        assert reload_cmd.path == "/bin/kill" and reload_cmd.args[-1].env_split == "MAINPID"


@needs_systemd
def test_mirantis_cri_docker_program_as_systemd_sees_it(corpus_dir: Path) -> None:
    path = corpus_dir / "systemd" / "Mirantis__cri-dockerd__packaging_systemd_cri-docker.service"
    doc = load(path)
    value = doc.get(("Service", "ExecStart"))
    cmd = split_commands(value)[0]
    out, _ = run_verify({"cri-docker.service": path.read_bytes()})
    m = re.search(r"Command (.*) is not executable", out)
    if os.access(cmd.path, os.X_OK):
        assert m is None
    else:
        assert m is not None and m.group(1) == cmd.path
    report = systemd_reports([value])[value]
    assert report.probe is not None
    words = re.findall(r'Ignoring unknown escape sequences: "(.*)"$', report.probe, re.M)
    assert words == [a.text + "\\q" for a in cmd.args] == ["--container-runtime-endpoint\\q", "fd://\\q"]

def test_insert_after_continuation_ended_by_blank_line() -> None:
    doc = load_bytes(b"[Service]\nExecStart=/bin/true \\\n\n[Install]\nWantedBy=x.target\n")
    assert doc.get(("Service", "ExecStart")) == "/bin/true"
    text = edited(doc, doc.insert(("Service",), "Delegate", "yes"))
    assert text == "[Service]\nExecStart=/bin/true \\\n\nDelegate=yes\n[Install]\nWantedBy=x.target\n"
    assert reparse(doc, text).data["Service"] == {"ExecStart": ["/bin/true"], "Delegate": ["yes"]}
    text = edited(doc, doc.delete(("Service", "ExecStart")))
    assert text == "[Service]\n[Install]\nWantedBy=x.target\n"
