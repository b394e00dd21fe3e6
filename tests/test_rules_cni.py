"""CNI rules on real files, and checked against what a real containerd does when it loads them.

Where containerd is installed (Debian's 1.6.20 here, with libcni 1.1.1) and the
tests run as root, each file is put alone into a private CNI conf dir of a
private containerd (own root, state, socket; stopped as soon as the CRI plugin
has tried to load CNI). A file that containerd fails to load must carry a CNI001
or CNI005 error, and a file that loads must not.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List, Optional

import pytest
from conftest import corpus_files

from rtlint.rule import Context, Finding
from rtlint.rules import BY_CODE
from rtlint.rules.cni import RULES as RULE_CLASSES
from rtlint.rules.cni._shape import installed_name
from rtlint.runner import run_file

RULES = [BY_CODE[cls.code] for cls in RULE_CLASSES]
CODES = [r.code for r in RULES]
FILES = corpus_files("cni")
CONTAINERD = shutil.which("containerd")
LOAD_CODES = ("CNI001", "CNI005")  # rules whose errors mean "the runtime cannot load this file"

# Reviewed: which corpus files each rule fires on, and why. Every other file must stay silent.
EXPECTED = {
    "CNI001": {
        # {"cniVersion": "0.7.4", "type": "loopback"}: no "name" (a warning: containerd still loads it)
        "tarvitz__kubernetes__etc_cni_net.d_99-loopback.conf": "warning",
    },
    "CNI002": {
        # 0.7.4 is a plugins release number, not a spec version
        "tarvitz__kubernetes__etc_cni_net.d_99-loopback.conf": "error",
    },
    "CNI003": {},  # every host-local ipam has ranges or subnet (the dhcp/calico/flannel ones have no host-local)
    "CNI004": {},  # no corpus file uses cniVersion 1.1.0
    "CNI005": {},  # every .conf holds one plugin, every .conflist a list (the .j2 template included)
}


def findings(path: Path, ctx: Context) -> List[Finding]:
    result = run_file(str(path), RULES, ctx, kind="cni")
    return [f for f in result.findings if f.code in CODES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("ctx", [Context(), Context(containerd_version=None),
                                 Context(cgroup_driver="systemd")], ids=["plain", "none", "driver"])
def test_corpus_findings(path, ctx):
    got = findings(path, ctx)
    for code, files in EXPECTED.items():
        mine = [f for f in got if f.code == code]
        if path.name in files:
            assert mine and {f.level for f in mine} == {files[path.name]}, (code, [f.message for f in mine])
        else:
            assert not mine, (code, [f.message for f in mine])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_old_runtimes_only_change_cni004(path):
    """Naming an old containerd/CRI-O only adds CNI004, and only for 1.1.0 configs (none in the corpus)."""
    from rtlint.versions import Version

    plain = findings(path, Context())
    for ctx in (Context(containerd_version=Version.parse("1.7.20")), Context(crio_version=Version.parse("1.29.0"))):
        old = findings(path, ctx)
        assert [(f.code, f.span) for f in old] == [(f.code, f.span) for f in plain]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fix_is_idempotent_and_parses(tmp_path, path):
    target = tmp_path / path.name
    target.write_bytes(path.read_bytes())
    first = run_file(str(target), RULES, Context(), fixing=True, unsafe=True, kind="cni")
    assert first.doc is not None
    if first.fixed_text is None:
        return
    target.write_bytes(first.doc.encode(first.fixed_text))
    again = run_file(str(target), RULES, Context(), fixing=True, unsafe=True, kind="cni")
    assert again.doc is not None and again.fixed_text is None


# -- a real containerd loading the files ---------------------------------------------------------

def _can_run_containerd() -> bool:
    return CONTAINERD is not None and hasattr(os, "geteuid") and os.geteuid() == 0


needs_containerd = pytest.mark.skipif(not _can_run_containerd(),
                                      reason="needs the containerd binary and root (private root/state dirs)")


def containerd_cni_error(name: str, text: str) -> Optional[str]:
    """containerd's error for a conf dir holding only this file, or None when it loads."""
    work = Path(tempfile.mkdtemp(prefix="rtl-ctd-"))  # short: the socket path must fit in 108 bytes
    try:
        conf_dir = work / "net.d"
        conf_dir.mkdir()
        (conf_dir / name).write_text(text)
        config = work / "config.toml"
        config.write_text(
            f'version = 2\nroot = "{work}/root"\nstate = "{work}/state"\n'
            f'[grpc]\n  address = "{work}/c.sock"\n'
            f'[plugins."io.containerd.internal.v1.opt"]\n  path = "{work}/opt"\n'
            f'[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "{conf_dir}"\n  bin_dir = "{work}/bin"\n')
        proc = subprocess.Popen([CONTAINERD, "--config", str(config)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        error = None
        deadline = time.monotonic() + 30
        try:
            for line in proc.stderr:  # type: ignore[union-attr]
                if "failed to load cni during init" in line:
                    error = line.split("error=", 1)[-1].strip()
                if "conf syncer" in line or "failed to load plugin io.containerd.grpc.v1.cri" in line:
                    break
                if time.monotonic() > deadline:
                    raise AssertionError("containerd did not report on CNI within 30 s")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return error
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Crafted shapes beyond the rule examples.
EXTRA = (
    ("10-a.conflist", '[{"type": "bridge"}]'),
    ("10-b.conflist", '{"cniVersion": "1.0.0", "name": 1, "plugins": [{"type": "bridge"}]}'),
    ("10-c.conflist", '{"cniVersion": "1.0.0", "name": "c", "plugins": ["bridge"]}'),
    ("10-d.conflist", '{"cniVersion": "1.0.0", "name": "d", "plugins": {"type": "bridge"}}'),
    ("10-e.conflist", '{"cniVersion": "1.0.0", "name": "e", "plugins": [{"type": 5}]}'),
    ("10-f.json", '{"cniVersion": "1.0.0", "name": "f", "plugins": [{"type": "bridge"}]}'),
    ("10-g.conf", '{"cniVersion": "1.0.0", "name": "g", "type": ""}'),
    ("10-h.conflist", '{"name": "h", "plugins": [{"type": "bridge"}]}'),
)


def _cases():
    out = [pytest.param(name, text, id=name) for name, text in EXTRA]
    for path in FILES:
        out.append(pytest.param(installed_name(path.name), path.read_text(), id=path.name))
    for code in LOAD_CODES:
        for i, ex in enumerate(BY_CODE[code].bad + BY_CODE[code].good):
            out.append(pytest.param(ex.filename, ex.text, id=f"{code}-example{i}"))
    return out


@needs_containerd
@pytest.mark.parametrize("name,text", _cases())
def test_load_errors_match_containerd(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    load_errors = [f for f in findings(path, Context()) if f.code in LOAD_CODES and f.level == "error"]
    error = containerd_cni_error(name, text)
    if error is None:
        assert not load_errors, [f.message for f in load_errors]
    else:
        assert load_errors, f"containerd refused the file ({error}) but rtlint reports no load error"
