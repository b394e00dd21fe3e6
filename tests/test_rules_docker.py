"""Docker / cri-dockerd rules on real files: where they fire in the corpus, --fix, and systemd's own verdict.

The expectations below were reviewed file by file (each entry says why). The
cgroup driver table records what each corpus daemon.json and docker unit sets;
DKR002's expected findings follow from it for each node driver.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from conftest import corpus_files

from rtlint.execline import split_command
from rtlint.loader import load
from rtlint.rule import Context, Finding
from rtlint.rules import BY_CODE
from rtlint.rules.docker import RULES as RULE_CLASSES
from rtlint.rules.docker import _cgroup as cg
from rtlint.rules.docker._units import CRI_DOCKERD, DOCKERD, exec_lines, token_span
from rtlint.runner import run_file

RULES = [BY_CODE[cls.code] for cls in RULE_CLASSES]
CODES = [r.code for r in RULES]
FILES = corpus_files("docker") + corpus_files("systemd")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")

# What the corpus files set as Docker's cgroup driver (None: not set in this file).
_FDN = "docker/Function-Delivery-Ne__KubeEdge-Openstack-Ansible-Automation__ansible_roles_"
DRIVERS: Dict[str, Optional[str]] = {
    "docker/AJMosley345__CSC468-Project__docker_config_daemon.json": "systemd",
    "docker/Bengreen__raspi-cluster-ansible__roles_docker_files_daemon.json": "systemd",
    "docker/BrygoQQ__kube-lab__roles_docker_files_daemon.json": "systemd",
    "docker/DjokerR__ansible-k8s__roles_docker_files_daemon.json": "systemd",
    "docker/DmitriySafronov__raspberry-pi-external-storage__etc_docker_daemon.json": None,
    _FDN + "docker-edge_files_daemon-nvidia.json": "systemd",
    _FDN + "docker-edge_files_daemon.json": "cgroupfs",
    _FDN + "docker_files_daemon.json": "systemd",
    "docker/Gacko__Kubernetes__docker_daemon.json": "systemd",
    "docker/QCDIS__k8s_playbooks__docker_daemon.json": "systemd",
    "docker/QskytimQ__deploy-k8s__docker-ce_daemon.json": "systemd",
    "docker/ahwhy__myCfgLib__docker_daemon.json": None,
    "docker/bigclouds__deployk8s__docker_daemon.json": "systemd",
    "docker/cfzxcn__ansible__roles_docker_files_daemon.json": "systemd",
    "docker/danch__cluster-ansible__roles_docker_files_daemon.json": None,
    "docker/faust64__pi8s__roles_docker_files_daemon.json": "systemd",
    "docker/gogv__ansible-deploy-kubernetes__roles_docker_files_daemon.json": "cgroupfs",
    "docker/gtopit__k8s-ansible__roles_docker_files_daemon.json": "systemd",
    "docker/guslgogo20__proworks-k8s-resources__etc_docker_daemon.json": None,
    "docker/iuxt__ansible__roles_docker_files_daemon.json": "systemd",
    "docker/jusene__ansible-kube__roles_docker_files_daemon.json": None,
    "docker/kain-jiang__proton__proton-cli_pkg_cs_testdata_docker-daemon-exist-crhost.json": "systemd",
    "docker/le-garden-fox__role-antsle-k8s__roles_docker_files_daemon.json": "systemd",
    # docker units that pass --exec-opt to dockerd (other docker units leave it to daemon.json)
    # dockerd-current ... --exec-opt native.cgroupdriver=systemd
    "systemd/QskytimQ__deploy-k8s__docker_docker.service": "systemd",
    # --exec-opt=native.cgroupdriver=cgroupfs
    "systemd/jessfraz__dotfiles__etc_systemd_system_docker.service": "cgroupfs",
}

# Rules other than DKR002 fire on exactly these files, whatever the node's driver.
EXPECTED: Dict[str, Dict[str, str]] = {
    "DKR001": {},  # every corpus exec-opt is an exact native.cgroupdriver=systemd/cgroupfs
    "DKR003": {},  # all daemon.json files are objects without repeated keys
    "DKR004": {
        # upstream 2021 bug: ListenStream=$t/cri-docker.sock
        "systemd/Mirantis__cri-dockerd__f5e8b3d_cri-docker.socket": "$t instead of %t",
    },
    # Both hand-written cri-docker.service files keep Requires=cri-docker.socket; Mrzzzzz's has no fd://,
    # slcnx's has fd:// (with a double space, which the tokenizer handles).
    "DKR005": {},
    "DKR006": {},  # the only --network-plugin in the corpus (Mrzzzzz) is cni
}


def rel(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def kind(path: Path) -> str:
    """The corpus folder is the kind (flattened drop-in names hide their unit folder)."""
    return path.parent.name


def findings(path: Path, ctx: Context) -> List[Finding]:
    result = run_file(str(path), RULES, ctx, kind=kind(path))
    return [f for f in result.findings if f.code in CODES]


def test_driver_table_covers_every_daemon_json(corpus_dir):
    assert {rel(p) for p in corpus_files("docker")} <= set(DRIVERS)
    for name, driver in DRIVERS.items():
        doc = load(str(corpus_dir / name), kind=name.split("/")[0])
        if doc.kind == "docker":
            opts = cg.from_daemon_json(doc)
        else:
            from rtlint.rules.docker.dkr001_cgroup_driver_invalid import unit_options
            opts = unit_options(doc)
        assert cg.effective(opts) == driver, name


@pytest.mark.parametrize("path", FILES, ids=rel)
@pytest.mark.parametrize("driver", [None, "systemd", "cgroupfs"])
def test_corpus_findings(path, driver):
    got = findings(path, Context(cgroup_driver=driver))
    name = rel(path)
    for code, files in EXPECTED.items():
        assert bool([f for f in got if f.code == code]) == (name in files), (code, [f.message for f in got])
    mismatch = [f for f in got if f.code == "DKR002"]
    if driver is None or name not in DRIVERS:
        assert not mismatch
        return
    have = DRIVERS[name]
    if have == driver:
        assert not mismatch
    elif have is None:
        assert len(mismatch) == 1 and mismatch[0].level == "warning" and mismatch[0].fix is not None
    else:
        assert mismatch and all(f.level == "error" for f in mismatch)
        assert all(f.fix is not None for f in mismatch) == (path.suffix == ".json")


@pytest.mark.parametrize("path", FILES, ids=rel)
@pytest.mark.parametrize("driver", [None, "systemd", "cgroupfs"])
def test_fix_is_idempotent_and_parses(tmp_path, path, driver):
    ctx = Context(cgroup_driver=driver)
    target = tmp_path / path.name
    target.write_bytes(path.read_bytes())
    first = run_file(str(target), RULES, ctx, fixing=True, unsafe=True, kind=kind(path))
    if first.fixed_text is None:
        return
    assert first.doc is not None
    target.write_bytes(first.doc.encode(first.fixed_text))
    again = run_file(str(target), RULES, ctx, fixing=True, unsafe=True, kind=kind(path))
    assert again.doc is not None, [f.message for f in again.findings]
    assert again.fixed_text is None
    assert not [f for f in again.findings if f.fix is not None and f.code in CODES]
    if path.suffix == ".json" and driver is not None:
        data = json.loads(first.fixed_text)  # the stdlib agrees the result is JSON
        assert f"native.cgroupdriver={driver}" in data["exec-opts"]


def test_dkr002_fix_keeps_everything_else(tmp_path, corpus_dir):
    src = corpus_dir / "docker/danch__cluster-ansible__roles_docker_files_daemon.json"
    target = tmp_path / "daemon.json"
    target.write_bytes(src.read_bytes())
    fixed = run_file(str(target), RULES, Context(cgroup_driver="systemd"), fixing=True, unsafe=True)
    before = json.loads(src.read_text())
    after = json.loads(fixed.fixed_text)
    assert after.pop("exec-opts") == ["native.cgroupdriver=systemd"]
    assert after == before


# Corpus units whose ExecStart runs dockerd or cri-dockerd (several are backslash-continued).
DAEMON_UNITS = (
    "systemd/5yuefengyang__ansible-k8s__roles_docker_files_docker.service",
    "systemd/Bengreen__raspi-cluster-ansible__roles_docker_files_docker_override.conf",
    "systemd/Mirantis__cri-dockerd__packaging_systemd_cri-docker.service",
    "systemd/Mrzzzzz__devops__cri-docker.service",
    "systemd/QskytimQ__deploy-k8s__docker_docker.service",
    "systemd/ahwhy__myCfgLib__docker_aliyun_docker.service",
    "systemd/ahwhy__myCfgLib__docker_docker.service",
    "systemd/jessfraz__dotfiles__etc_systemd_system_docker.service",
    "systemd/slcnx__install_kubernetes__cri-docker.service",
)


@pytest.mark.parametrize("name", DAEMON_UNITS)
def test_token_spans_point_at_the_words(corpus_dir, name):
    """Every dockerd/cri-dockerd word, read back from its span in the file, is that word."""
    doc = load(str(corpus_dir / name), kind="systemd")
    lines = exec_lines(doc, DOCKERD + (CRI_DOCKERD,))
    assert lines
    for line in lines:
        for token in line.command.tokens:
            span = token_span(doc, line.entry, token.start, token.end)
            words = split_command(doc.text[span.start:span.end])
            assert [w.text for w in words] == [token.text], (name, token)


@pytest.mark.parametrize("text,status,value,intended", [
    ("native.cgroupdriver=systemd", cg.OK, "systemd", "systemd"),
    (" Native.CgroupDriver = cgroupfs ", cg.OK, "cgroupfs", "cgroupfs"),  # moby trims and ignores key case
    ("native.cgroupdriver=Systemd", cg.BAD_VALUE, "Systemd", "systemd"),  # the value is compared exactly
    ("native.cgroupdriver='systemd'", cg.BAD_VALUE, "'systemd'", "systemd"),
    ("native.cgroupdriver=systemd.slice", cg.BAD_VALUE, "systemd.slice", None),
    ("native.cgroupdriver=none", cg.RESERVED, "none", None),
    ("native.cgroupdriver=", cg.EMPTY_VALUE, "", None),
    ("native.cgroup-driver=systemd", cg.MISSPELLED, "systemd", "systemd"),
    ("native.cgroupdriver:cgroupfs", cg.MISSPELLED, "cgroupfs", "cgroupfs"),
    ("native.cgroupdriver", cg.MISSPELLED, "", None),
])
def test_classify_follows_moby(text, status, value, intended):
    assert cg.classify(text) == (status, value, intended)


def test_classify_ignores_other_exec_opts():
    assert cg.classify("isolation=hyperv") is None


# -- systemd's own verdict on the DKR004 fix ----------------------------------------------

def _verify(directory: Path, unit: str) -> subprocess.CompletedProcess:
    return subprocess.run([SYSTEMD_ANALYZE, "verify", f"./{unit}"], cwd=directory, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_dkr004_fix_is_accepted_by_systemd(tmp_path, corpus_dir):
    """systemd refuses the $t socket and accepts the fixed one (the service is only loaded, not run)."""
    shutil.copy(corpus_dir / "systemd/Mirantis__cri-dockerd__packaging_systemd_cri-docker.service",
                tmp_path / "cri-docker.service")
    socket = tmp_path / "cri-docker.socket"
    socket.write_bytes((corpus_dir / "systemd/Mirantis__cri-dockerd__f5e8b3d_cri-docker.socket").read_bytes())
    before = _verify(tmp_path, "cri-docker.socket")
    assert before.returncode != 0
    assert "Failed to parse address value in '$t/cri-docker.sock'" in before.stderr

    fixed = run_file(str(socket), [BY_CODE["DKR004"]], Context(), fixing=True)
    socket.write_text(fixed.fixed_text)
    after = _verify(tmp_path, "cri-docker.socket")
    assert after.returncode == 0, after.stderr
    assert "cri-docker.socket" not in after.stderr


def test_spans_survive_continuations_and_comment_lines(tmp_path):
    """systemd joins continued lines and drops comment lines inside them; the finding still points at the word."""
    unit = tmp_path / "docker.service"
    unit.write_text("[Service]\n"
                    "ExecStart=/usr/bin/dockerd -H fd:// \\\n"
                    "# the cgroup driver\n"
                    "    --exec-opt \"native.cgroupdriver=Systemd\"\n")
    got = [f for f in run_file(str(unit), RULES, Context()).findings if f.code == "DKR001"]
    assert [(f.span.line, f.span.column) for f in got] == [(4, 16)]
    assert unit.read_text()[got[0].span.start:got[0].span.end] == "\"native.cgroupdriver=Systemd\""
