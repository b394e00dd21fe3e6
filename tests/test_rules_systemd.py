"""systemd family (SYD*): the claims checked with the real `systemd-analyze verify`, and corpus behaviour.

SYD003 and SYD005 mirror a load error of systemd ("Service has more than one
ExecStart= setting ..."): each bad example must make systemd-analyze print it,
each fixed or good example must not. SYD001/SYD002 are not load errors; for
them systemd-analyze only shows that the fixed units still load cleanly.
Units are verified in a temporary folder with every Exec*= program replaced
by /bin/true (systemd checks that programs exist on this host), and a drop-in
gets a minimal unit of its name next to it (systemd reads `<unit>.d/` there).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

from conftest import corpus_files
from rtlint.rule import Context, Example
from rtlint.rules import BY_CODE
from rtlint.rules.systemd import RULES, units
from rtlint.runner import run_file

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")

REFUSAL = "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services"
MINE = [BY_CODE[cls.code] for cls in RULES]
_EXEC = re.compile(r"^([ \t]*Exec(?:Start|StartPre|StartPost|Reload|Stop|StopPost)[ \t]*=[ \t]*[-@:+!]*)([^\s;]+)",
                   re.M)
BASE_UNIT = "[Unit]\nDescription=base unit for a drop-in\n\n[Service]\nType=notify\nExecStart=/bin/true\n"


def _runnable(text: str) -> str:
    """The unit with every program replaced by /bin/true (continuation lines are arguments, left alone)."""
    return _EXEC.sub(lambda m: m.group(1) + "/bin/true", text)


def verify(tmp: Path, filename: str, text: str) -> str:
    """systemd-analyze verify's output for a unit, or for a drop-in placed next to a minimal unit."""
    unit = units.unit_of(filename)
    assert unit is not None, filename
    name, dropin = unit
    tmp.mkdir(parents=True, exist_ok=True)
    if dropin:
        (tmp / name).write_text(BASE_UNIT)
        d = tmp / (name + ".d")
        d.mkdir(exist_ok=True)
        (d / "50-rtlint.conf").write_text(_runnable(text))
    else:
        (tmp / name).write_text(_runnable(text))
    proc = subprocess.run([SYSTEMD_ANALYZE, "verify", "./" + name], cwd=tmp, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SYSTEMD_LOG_LEVEL": "info"})
    return proc.stdout + proc.stderr


def _examples(codes: Tuple[str, ...], which: str) -> List[Tuple[str, Example]]:
    return [pytest.param(c, ex, id=f"{c}-{which}{i}") for c in codes
            for i, ex in enumerate(getattr(BY_CODE[c], which))]


# -- the rules' claims against systemd itself ------------------------------------------------------------
@needs_systemd
@pytest.mark.parametrize("code,ex", _examples(("SYD003", "SYD005"), "bad"))
def test_bad_example_is_refused_by_systemd(tmp_path, code, ex):
    out = verify(tmp_path / "bad", ex.filename, ex.text)
    assert REFUSAL in out, out
    if ex.fixed is not None:
        fixed = verify(tmp_path / "fixed", ex.filename, ex.fixed)
        assert REFUSAL not in fixed, fixed


@needs_systemd
@pytest.mark.parametrize("code,ex", _examples(("SYD003", "SYD005"), "good"))
def test_good_example_is_accepted_by_systemd(tmp_path, code, ex):
    out = verify(tmp_path, ex.filename, ex.text)
    assert REFUSAL not in out, out


@needs_systemd
@pytest.mark.parametrize("code,ex", _examples(("SYD001", "SYD002"), "bad"))
def test_fixed_unit_loads_cleanly(tmp_path, code, ex):
    """Delegate=yes / KillMode=process as written by the fix are accepted without a warning."""
    assert ex.fixed is not None
    out = verify(tmp_path, ex.filename, ex.fixed)
    assert "Delegate" not in out and "KillMode" not in out and "kill mode" not in out, out
    assert "Failed" not in out and "bad unit file" not in out, out


@needs_systemd
def test_systemd_evaluates_delegate_and_killmode_as_the_rules_do(tmp_path):
    """The value forms the rules rely on: an empty KillMode= and a controller list are accepted, a typo is not."""
    text = ("[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\nKillMode=\nKillMode=proces\n"
            "Delegate=cpu memory\nDelegate=\n")
    out = verify(tmp_path, "containerd.service", text)
    assert "Failed to parse kill mode specification, ignoring: proces" in out, out
    assert out.count("\n") == 1, out  # nothing else: the empty assignments and the controller list are valid


@needs_systemd
def test_semicolon_commands_count_as_several(tmp_path):
    out = verify(tmp_path, "docker.service", "[Service]\nExecStart=/usr/bin/dockerd ; /usr/bin/dockerd\n")
    assert REFUSAL in out
    doc_findings = _findings(tmp_path, "docker.service", "[Service]\nExecStart=/usr/bin/dockerd ; /usr/bin/dockerd\n")
    assert "SYD005" in doc_findings


def _findings(tmp: Path, name: str, text: str, ctx: Optional[Context] = None) -> Set[str]:
    path = tmp / "lint" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    result = run_file(str(path), MINE, ctx or Context())
    return {f.code for f in result.findings}


# -- which files are whose -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,expected", [
    ("/etc/systemd/system/containerd.service", ("containerd.service", False)),
    ("/etc/systemd/system/containerd.service.d/override.conf", ("containerd.service", True)),
    ("/etc/systemd/system/cri-o.service.d/10-env.conf", ("cri-o.service", True)),
    ("x/etc_systemd_system_crio.service.d_20-nodenet.conf", ("crio.service", True)),
    ("x/owner__repo__docker_docker.service", ("docker.service", False)),
    ("x/owner__repo__cri-docker.service", None),  # cri-dockerd is the docker family's
    ("x/owner__repo__containerd-fuse-overlayfs.service", None),
    ("x/roles_docker_files_docker_override.conf", None),  # which unit it extends is not in its name
    ("/etc/systemd/system/containerd.service.d/notes.txt", None),
])
def test_unit_of(path, expected):
    assert units.unit_of(path) == expected


# -- corpus ----------------------------------------------------------------------------------------------------
# Reviewed: every containerd.service in the corpus keeps Delegate=yes and KillMode=process (as upstream),
# the drop-ins that set ExecStart (docker: Bengreen, lresende) clear it first, and no unit has two
# commands. So no SYD rule fires on the corpus; the files each rule was read against are listed.
REVIEWED_SILENT: Dict[str, str] = {
    "systemd/Idein__containerd.io-for-raspbian__lib_systemd_system_containerd.service":
        "Delegate=yes, KillMode=process",
    "systemd/ahwhy__myCfgLib__containerd_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/bwangelme__k8s-in-vagrant__containerd_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/fff-rs__concourse-gpgpu-setup__etc_systemd_system_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/fisherxu__edgecore-indocker__files_etc_systemd_system_containerd.service":
        "Delegate=yes, KillMode=process; Restart= twice is allowed",
    "systemd/jessfraz__dotfiles__etc_systemd_system_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/krisnova__kryptid__etc_systemd_system_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/lucheng0127__k8s_setup_guide__systemd_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/patricklaux__kube-install__containerd_containerd.service": "Delegate=yes, KillMode=process",
    "systemd/tarvitz__kubernetes__systemd_containerd.service": "Delegate=yes, KillMode=process; one ExecStart",
    "systemd/DmitriySafronov__raspberry-pi-external-storage__etc_systemd_system_containerd.service.d_override.conf":
        "drop-in: neither Delegate nor KillMode nor ExecStart",
    "systemd/sreep1207__etckeeper__systemd_system_containerd.service.d_10-compat-symlink.conf":
        "drop-in adds ExecStartPre= only (a list that may grow)",
    "systemd/lresende__mesos-cluster-install__etc_systemd_system_docker.service.d_override.conf":
        "ExecStart= reset before the new command",
    "systemd/tthx__devwatt-cluster__etc_systemd_system_docker.service.d_http-proxy.conf": "Environment= only",
    "systemd/sallyom__microshift__hack_all-in-one_crio.service": "one ExecStart over continuation lines",
    "systemd/jessfraz__dotfiles__etc_systemd_system_docker.service": "one ExecStart over continuation lines",
    "systemd/QskytimQ__deploy-k8s__docker_docker.service": "one ExecStart over continuation lines",
    "systemd/5yuefengyang__ansible-k8s__roles_docker_files_docker.service": "one ExecStart",
    "systemd/ahwhy__myCfgLib__docker_aliyun_docker.service": "one ExecStart",
    "systemd/ahwhy__myCfgLib__docker_docker.service": "one ExecStart (whole file indented)",
    "systemd/vrutkovs__sno-etc__etc_systemd_system_crio.service.d_01-kubens.conf": "EnvironmentFile= only",
    "systemd/vrutkovs__sno-etc__etc_systemd_system_crio.service.d_10-mco-default-madv.conf": "Environment= only",
    "systemd/vrutkovs__sno-etc__etc_systemd_system_crio.service.d_20-nodenet.conf": "Environment= only",
}


def _corpus_units():
    return [p for p in corpus_files("systemd") if units.unit_of(str(p)) is not None]


def test_reviewed_list_covers_the_runtime_units(corpus_dir):
    """Every corpus file the SYD rules apply to (and that parses) has been read and is in the list."""
    found = set()
    for p in _corpus_units():
        result = run_file(str(p), MINE, Context())
        if result.doc is not None and p.stat().st_size:
            found.add(str(p.relative_to(corpus_dir)))
    assert found == set(REVIEWED_SILENT)


@pytest.mark.parametrize("path", corpus_files("systemd"), ids=lambda p: p.name)
@pytest.mark.parametrize("driver", [None, "systemd", "cgroupfs"])
def test_corpus_silent(path, driver):
    result = run_file(str(path), MINE, Context(cgroup_driver=driver))
    assert not [f for f in result.findings if f.code.startswith("SYD")], [f.message for f in result.findings]


@needs_systemd
@pytest.mark.parametrize("path", _corpus_units(), ids=lambda p: p.name)
def test_corpus_agrees_with_systemd(tmp_path, path):
    """systemd refuses a corpus unit for its ExecStart= exactly when SYD003/SYD005 report it."""
    text = path.read_text()
    refused = REFUSAL in verify(tmp_path, path.name, text)
    result = run_file(str(path), MINE, Context())
    reported = any(f.code in ("SYD003", "SYD005") for f in result.findings)
    assert refused == reported


@pytest.mark.parametrize("path", corpus_files("systemd"), ids=lambda p: p.name)
def test_fix_twice_is_idempotent(tmp_path, path):
    first = run_file(str(path), MINE, Context(), fixing=True, unsafe=True)
    if first.fixed_text is None:
        return
    again_path = tmp_path / path.name
    again_path.write_text(first.fixed_text)
    again = run_file(str(again_path), MINE, Context(), fixing=True, unsafe=True)
    assert again.fixed_text is None
    assert not [f for f in again.findings if f.code in ("RT001", "RT004")]


# -- systemd's evaluation, file by file ------------------------------------------------------------------------
def test_unknown_kill_mode_keeps_the_previous_value(tmp_path):
    text = "[Service]\nExecStart=/usr/bin/containerd\nDelegate=yes\nKillMode=process\nKillMode=proces\n"
    assert "SYD002" not in _findings(tmp_path, "containerd.service", text)
    text = "[Service]\nExecStart=/usr/bin/containerd\nDelegate=yes\nKillMode=process\nKillMode=\n"
    assert "SYD002" in _findings(tmp_path, "containerd.service", text)


def test_delegate_forms(tmp_path):
    for value, off in (("yes", False), ("cpu memory", False), ("", False), ("no", True), ("False", True)):
        text = f"[Service]\nExecStart=/usr/bin/containerd\nKillMode=process\nDelegate={value}\n"
        assert ("SYD001" in _findings(tmp_path, "containerd.service", text)) == off, value
