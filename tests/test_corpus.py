"""Every real file in ../shared/corpus survives a parse and write-back byte for byte,
is recognised as its kind, and the broken ones give a parse-error finding with a line."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SHARED, broken_notes, corpus_files

from rtlint import detect, kinds
from rtlint.document import ParseError
from rtlint.loader import decode, load, read_bytes

FOLDER_KIND = {
    "containerd": kinds.CONTAINERD, "crio": kinds.CRIO, "edgecore": kinds.EDGECORE, "docker": kinds.DOCKER,
    "cni": kinds.CNI, "systemd": kinds.SYSTEMD, "keadm": kinds.KEADM,
}


def _rel(path) -> str:
    return f"{path.parent.name}/{path.name}"


def _is_broken(path) -> bool:
    note = broken_notes().get(_rel(path), "")
    return note.startswith("BROKEN") or "PARSE-ERROR" in note


@pytest.mark.parametrize("path", corpus_files(), ids=_rel)
def test_round_trip(path):
    raw = path.read_bytes()
    kind = FOLDER_KIND[path.parent.name]
    if _is_broken(path):
        with pytest.raises(ParseError) as err:
            load(str(path), kind=kind)
        assert err.value.line >= 1 and err.value.message
        return
    doc = load(str(path), kind=kind)
    assert doc.to_bytes() == raw
    assert doc.kind == kind


def test_corpus_is_all_there(shared):
    assert len(corpus_files()) == 206


def test_detection_by_content_and_name(shared):
    """Corpus files carry flattened names, so this mostly exercises content sniffing."""
    wrong = []
    for path in corpus_files():
        text, _ = decode(read_bytes(str(path)))
        got = detect.detect(path.name, text)
        want = FOLDER_KIND[path.parent.name]
        if got != want:
            wrong.append((_rel(path), got, want))
    # Reviewed: files no tool could classify without their real path.
    allowed = {
        # entirely commented out: no table, nothing to sniff
        "containerd/namitkakkar__dockers__etc_containerd_config.toml",
        # a 0-byte unit drop-in: only its real path (crio.service.d/) says what it is
        "systemd/vrutkovs__sno-etc__etc_systemd_system_crio.service.d_10-mco-default-env.conf",
    }
    unexpected = [w for w in wrong if w[0] not in allowed]
    assert not unexpected, unexpected


def test_check_whole_corpus_never_crashes(shared, tmp_path):
    """The CLI over all 206 files: exit 0/1 only (never 2), valid JSON, every finding positioned."""
    proc = subprocess.run([sys.executable, "-m", "rtlint", "check", "--isolated", "--format", "json",
                           str(SHARED / "corpus")], capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)
    for f in findings:
        assert f["line"] >= 1 and f["column"] >= 1, f
        assert f["path"].startswith(str(SHARED / "corpus")), f


@pytest.mark.parametrize("driver", ["systemd", "cgroupfs"])
def test_all_rules_fix_twice_is_stable_on_the_whole_corpus(shared, driver):
    """Every rule together, unsafe fixes included: the first --fix settles, a second changes nothing,
    and the fixed text still parses (rules of different families must not fight over a file)."""
    from rtlint.engine import fix
    from rtlint.loader import reparse
    from rtlint.rule import Context
    from rtlint.rules import ALL_RULES

    ctx = Context(cgroup_driver=driver, sandbox_image="registry.local:5000/pause:3.9")
    unstable = []
    for path in corpus_files():
        if _is_broken(path):
            continue
        doc = load(str(path), kind=FOLDER_KIND[path.parent.name])
        first = fix(doc, ALL_RULES, ctx, unsafe=True)
        assert first.doc is not None
        reparse(first.doc, first.doc.text)  # still parses
        second = fix(first.doc, ALL_RULES, ctx, unsafe=True)
        if second.fixed_text is not None:
            unstable.append(_rel(path))
    assert not unstable, unstable
