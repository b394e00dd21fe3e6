"""Node mode on fixture trees: effective values per merge rule, cross-file findings, fixes
checked with real containerd (`config dump`), and the CLI's restart hints."""
from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict

import pytest

from rtlint.node.discover import discover
from rtlint.node.model import Node
from rtlint.node.roots import node_root_of
from rtlint.node.run import run_node
from rtlint.rule import Context
from rtlint.rules import ALL_RULES, BY_CODE
from rtlint.runtimes import containerd as ctd
from rtlint.versions import Version

EDGECORE = """\
apiVersion: edgecore.config.kubeedge.io/v1alpha2
kind: EdgeCore
modules:
  edged:
    tailoredKubeletConfig:
      cgroupDriver: {driver}
      containerRuntimeEndpoint: {endpoint}
      imageServiceEndpoint: {endpoint}
"""


def tree(root: Path, files: Dict[str, str]) -> Path:
    for path, text in files.items():
        p = root / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


def node_of(root: Path, **versions) -> Node:
    return Node.read(discover(str(root)), 1 << 20, **versions)


SYSTEMD_CGROUP = lambda v: ctd.runc_options(v) + ("SystemdCgroup",)  # noqa: E731


def test_containerd_1x_import_replaces_the_whole_plugin_table(tmp_path):
    root = tree(tmp_path, {
        "/etc/containerd/config.toml": """\
            version = 2
            imports = ["conf.d/sandbox.toml"]
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """,
        "/etc/containerd/conf.d/sandbox.toml": """\
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.local/pause:3.9"
            """,
    })
    one = node_of(root, containerd_version=Version(1, 6, 20))
    assert [Path(d.path).name for d in one.containerd_docs] == ["config.toml", "sandbox.toml"]
    assert one.containerd_value(SYSTEMD_CGROUP) is None  # the import's CRI table replaced the whole table
    assert one.containerd_value(ctd.sandbox_image).value == "registry.local/pause:3.9"
    two = node_of(root, containerd_version=Version(2, 1, 0))
    v = two.containerd_value(SYSTEMD_CGROUP)
    assert v.value is True and Path(v.doc.path).name == "config.toml" and v.entry.span.line == 4


needs_containerd = pytest.mark.skipif(shutil.which("containerd") is None, reason="containerd is not installed")


def dump(config: Path) -> str:
    proc = subprocess.run(["containerd", "--config", str(config), "config", "dump"], capture_output=True,
                          text=True, timeout=60, cwd=str(config.parent))
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@needs_containerd
def test_real_containerd_agrees_that_the_import_wins_and_fix_lands_there(tmp_path):
    """containerd 1.6 is the oracle: the import drops SystemdCgroup; rtlint's fix goes into the import."""
    root = tree(tmp_path, {
        "/etc/kubeedge/config/edgecore.yaml": EDGECORE.format(driver="systemd",
                                                              endpoint="unix:///run/containerd/containerd.sock"),
        "/etc/containerd/config.toml": """\
            version = 2
            imports = ["conf.d/cri.toml"]
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = true
            """,
        "/etc/containerd/conf.d/cri.toml": """\
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            """,
    })
    main = root / "etc/containerd/config.toml"
    assert "SystemdCgroup = true" not in dump(main)  # the real daemon lost it, as rtlint's model says
    ctx = Context(kubeedge_version=Version(1, 18), containerd_version=Version(1, 6, 20))
    run = run_node(str(root), ALL_RULES, ctx, probe=False)
    mine = [f for f in run.findings if f.code == "NODE002"]
    assert [Path(f.path).name for f in mine] == ["cri.toml"], [f.message for f in run.findings]
    assert "edgecore.yaml:6 sets cgroupDriver 'systemd'" in mine[0].message
    fixed = run_node(str(root), [BY_CODE["NODE002"]], ctx, fixing=True, probe=False)
    assert list(map(lambda p: Path(p).name, fixed.changed)) == ["cri.toml"]
    for path, doc in fixed.changed.items():
        before = fixed.original[path].splitlines(keepends=True)
        after = doc.text.splitlines(keepends=True)
        added = [l for l in difflib.ndiff(before, after) if l.startswith("+ ")]
        assert len(added) <= 3 and not [l for l in difflib.ndiff(before, after) if l.startswith("- ")]
        Path(path).write_text(doc.text)
    assert "SystemdCgroup = true" in dump(main)
    again = run_node(str(root), [BY_CODE["NODE002"]], ctx, probe=False)
    assert not again.findings


def test_crio_dropins_override_key_by_key_and_replace_handlers(tmp_path):
    root = tree(tmp_path, {
        "/etc/crio/crio.conf": """\
            [crio.runtime]
            cgroup_manager = "systemd"
            [crio.runtime.runtimes.runc]
            runtime_path = "/usr/bin/runc"
            runtime_root = "/run/runc"
            """,
        "/etc/crio/crio.conf.d/10-cgroup.conf": """\
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            """,
        "/etc/crio/crio.conf.d/20-runc": """\
            [crio.runtime.runtimes.runc]
            runtime_path = "/usr/local/bin/runc"
            """,
    })
    node = node_of(root)
    v = node.crio_value(("crio", "runtime", "cgroup_manager"))
    assert v.value == "cgroupfs" and v.doc.path.endswith("10-cgroup.conf")
    assert node.crio_value(("crio", "runtime", "runtimes", "runc", "runtime_path")).value == "/usr/local/bin/runc"
    assert node.crio_value(("crio", "runtime", "runtimes", "runc", "runtime_root")) is None  # handler replaced


def test_systemd_dropins_and_reset(tmp_path):
    root = tree(tmp_path, {
        "/lib/systemd/system/cri-docker.service": """\
            [Service]
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
            """,
        "/etc/systemd/system/cri-docker.service.d/10-path.conf": """\
            [Service]
            ExecStart=
            ExecStart=/usr/local/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni
            """,
        "/etc/systemd/system/cri-docker.socket": """\
            [Socket]
            ListenStream=%t/cri-dockerd.sock
            """,
    })
    node = node_of(root)
    eff = node.unit_effective("cri-docker.service", "Service", "ExecStart")
    assert [e.value for _, e in eff] == ["/usr/local/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni"]
    from rtlint.rules.node.node003_endpoint_socket_mismatch import listen_address
    assert listen_address(node, "cri-dockerd")[0] == "/run/cri-dockerd.sock"


def test_unit_precedence_etc_over_lib(tmp_path):
    root = tree(tmp_path, {
        "/lib/systemd/system/containerd.service": "[Service]\nExecStart=/usr/bin/containerd\n",
        "/etc/systemd/system/containerd.service": "[Service]\nExecStart=/usr/local/bin/containerd\n",
    })
    files = discover(str(root))
    assert files.units["containerd.service"].main.endswith("etc/systemd/system/containerd.service")


def test_node_root_of(tmp_path):
    root = tree(tmp_path / "nodes" / "edge1", {"/etc/crio/crio.conf": "[crio]\n"})
    assert node_root_of(str(root / "etc/crio/crio.conf")) == str(root)
    assert node_root_of("/etc/crio/crio.conf") is None  # the real /etc is never a node by accident


def rtlint(*args, cwd=None):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "rtlint", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


def test_cli_node_fix_prints_restarts_and_writes_one_line(tmp_path):
    root = tree(tmp_path, {
        "/etc/kubeedge/config/edgecore.yaml": EDGECORE.format(driver="cgroupfs",
                                                              endpoint="unix:///var/run/crio/crio.sock"),
        "/etc/crio/crio.conf": """\
            # CRI-O for the edge
            [crio.runtime]
            cgroup_manager = "systemd"
            conmon_cgroup = "system.slice"
            """,
    })
    r = rtlint("node", "--root", str(root), "--isolated", "--no-probe", "--kubeedge-version", "1.18")
    assert r.returncode == 1 and "NODE002" in r.stdout
    conf = root / "etc/crio/crio.conf"
    before = conf.read_text()
    r = rtlint("node", "--root", str(root), "--isolated", "--no-probe", "--kubeedge-version", "1.18", "--fix")
    assert "systemctl restart crio" in r.stderr, r.stderr
    after = conf.read_text()
    assert after == before.replace('"systemd"', '"cgroupfs"').replace('"system.slice"', '"pod"')
    r = rtlint("node", "--root", str(root), "--isolated", "--no-probe", "--kubeedge-version", "1.18",
               "--ignore", "CRIO005")  # conmon_cgroup is deprecated (info), but CRI-O still reads it
    assert r.returncode == 0, r.stdout


def test_examples_each_show_findings():
    examples = Path(__file__).resolve().parent.parent / "examples"
    for ex in sorted(p for p in examples.iterdir() if p.is_dir()):
        r = rtlint("node", "--root", str(ex), "--isolated", "--no-probe", "--format", "json")
        assert r.returncode == 1, (ex.name, r.stdout, r.stderr)


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).resolve().parent.parent / "examples").iterdir()
                                        if p.is_dir()))
def test_example_fixes_settle_and_real_containerd_reads_them(tmp_path, name):
    src = Path(__file__).resolve().parent.parent / "examples" / name
    root = tmp_path / name
    shutil.copytree(src, root, symlinks=True)
    args = ("node", "--root", str(root), "--isolated", "--no-probe", "--unsafe-fixes")
    first = rtlint(*args, "--fix", "--format", "json")
    assert first.returncode in (0, 1), first.stderr
    left = json.loads(first.stdout)
    assert all(not f["fixable"] for f in left), left  # every fix that exists was applied
    again = rtlint(*args, "--diff")
    assert again.returncode == 0 and again.stdout == "", again.stdout  # a second --fix changes nothing
    config = root / "etc/containerd/config.toml"
    if config.exists() and shutil.which("containerd"):
        text = dump(config)
        if "SystemdCgroup" in config.read_text():
            assert "SystemdCgroup = true" in text
