"""The incident-driven rules (NODE009-NODE016, CTD017, CRIO007, DKR007, EC018, EC019) on node trees
built like the reported nodes: `rtlint explain "<the message users saw>"` names the rule AND finds the
cause in the tree. Real programs are the oracle where they run here: Debian's containerd 1.6.20 for how
the CNI folder is read, Debian's dockerd 20.10 for which flag/file pairs stop it; each skips cleanly
when the program is missing or not run as root.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from conftest import corpus_files
from rtlint.node.discover import discover
from rtlint.node.model import Node
from rtlint.node.run import run_node
from rtlint.rule import Context
from rtlint.rules import ALL_RULES, BY_CODE
from rtlint.rules.node.node015_docker_flag_and_file import parse_flags, same_value
from rtlint.runner import run_file
from rtlint.execline import split_command
from rtlint.versions import Version

REPO = Path(__file__).resolve().parent.parent
EDGECORE = "/etc/kubeedge/config/edgecore.yaml"
ID = "3f2a9c0d1e4b5a69780c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6"


def edgecore(endpoint: str, extra: str = "", driver: str = "systemd") -> str:
    return (f"apiVersion: edgecore.config.kubeedge.io/v1alpha2\nkind: EdgeCore\nmodules:\n  edged:\n{extra}"
            f"    tailoredKubeletConfig:\n      cgroupDriver: {driver}\n"
            f"      containerRuntimeEndpoint: {endpoint}\n      imageServiceEndpoint: {endpoint}\n")


CONTAINERD_EP = "unix:///run/containerd/containerd.sock"
CRIO_EP = "unix:///var/run/crio/crio.sock"
CRI_DOCKERD_EP = "unix:///var/run/cri-dockerd.sock"
BRIDGE = ('{"cniVersion": "1.0.0", "name": "containerd-net", "plugins": [{"type": "bridge", "bridge": "cni0", '
          '"ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}, {"type": "portmap", '
          '"capabilities": {"portMappings": true}}]}\n')


def tree(root: Path, files: Dict[str, str]) -> Path:
    for path, text in files.items():
        p = root / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


def explain(root: Path, message: str, *args: str) -> Dict[str, List[dict]]:
    """`rtlint explain` as a user runs it: rule code -> findings on the node (the JSON `found`)."""
    r = subprocess.run([sys.executable, "-m", "rtlint", "explain", "--format", "json", "--no-probe",
                        "--root", str(root), *args, message],
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, NO_COLOR="1", PYTHONPATH=str(REPO)))
    assert r.returncode in (0, 1), r.stderr
    return {m["rule"]: m["found"] or [] for m in json.loads(r.stdout)}


def at(found: List[dict], root: Path, path: str) -> dict:
    mine = [f for f in found if f["path"] == str(root / path.lstrip("/"))]
    assert mine, found
    return mine[0]


# ----------------------------------------------------------------------------------------- CNI (I-10-I-14)

def test_cni_folder_empty_on_a_containerd_node(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CONTAINERD_EP), "/etc/containerd/config.toml": "version = 2\n",
                           "/etc/cni/net.d/README": "configs go here\n"})
    found = explain(root, f'failed to setup network for sandbox "{ID}": cni plugin not initialized')
    f = at(found["NODE009"], root, EDGECORE)
    assert f["line"] == 7 and "/etc/cni/net.d" in f["message"] and "no .conf" in f["message"]


def test_containerd_stops_at_a_broken_first_config(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CONTAINERD_EP), "/etc/containerd/config.toml": "version = 2\n",
                           "/etc/cni/net.d/05-old.conf": '{"cniVersion": "0.4.0", "name": "old", "plugins": []}\n',
                           "/etc/cni/net.d/10-containerd-net.conflist": BRIDGE})
    found = explain(root, 'failed to setup network for sandbox "<id>": cni plugin not initialized')
    f = at(found["NODE009"], root, "/etc/cni/net.d/05-old.conf")
    assert "gives up at 05-old.conf" in f["message"] and "10-containerd-net.conflist" in f["message"]
    # CRI-O skips the broken file instead: no finding
    crio = tree(tmp_path / "crio", {EDGECORE: edgecore(CRIO_EP), "/etc/crio/crio.conf": "[crio.runtime]\n",
                                    "/etc/cni/net.d/05-old.conf": '{"name": "old", "plugins": []}\n',
                                    "/etc/cni/net.d/10-crio.conflist": BRIDGE})
    assert not explain(crio, 'failed to setup network for sandbox "<id>": cni plugin not initialized')["NODE009"]


def test_cri_dockerd_reads_its_own_cni_folder(tmp_path):
    root = tree(tmp_path, {
        EDGECORE: edgecore(CRI_DOCKERD_EP),
        "/etc/systemd/system/cri-docker.service":
            "[Service]\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni "
            "--cni-conf-dir=/etc/cni/edge.d\n",
        "/etc/cni/net.d/10-bridge.conflist": BRIDGE,  # not where cri-dockerd looks
    })
    found = explain(root, f'failed to set up sandbox container "{ID}" network for pod "edgecore": networkPlugin '
                          f'cni failed[…]')
    f = at(found["NODE009"], root, "/etc/systemd/system/cri-docker.service")
    assert "/etc/cni/edge.d" in f["message"] and "does not exist" in f["message"]
    assert not found.get("DKR006")  # --network-plugin=cni is right


def test_plugins_installed_where_debian_containerd_does_not_look(tmp_path):
    root = tree(tmp_path, {
        EDGECORE: edgecore(CONTAINERD_EP),
        "/etc/containerd/config.toml": 'version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n'
                                       '  bin_dir = "/usr/lib/cni"\n  conf_dir = "/etc/cni/net.d"\n',
        "/etc/cni/net.d/10-containerd-net.conflist": BRIDGE,
        **{f"/opt/cni/bin/{p}": "" for p in ("bridge", "host-local", "portmap", "loopback")},
    })
    found = explain(root, 'plugin type="bridge" failed (add): failed to find plugin "bridge" in path [/usr/lib/cni]')
    types = sorted(f["message"].split("`")[1] for f in found["NODE010"])
    assert types == ["bridge", "host-local", "loopback", "portmap"]
    assert all(f["fixable"] for f in found["NODE010"])
    assert not run_node(str(root), [BY_CODE["NODE010"]], Context(), fixing=True, probe=False).changed  # unsafe fix
    run = run_node(str(root), [BY_CODE["NODE010"]], Context(), fixing=True, unsafe=True, probe=False)
    [doc] = run.changed.values()
    assert 'bin_dir = "/opt/cni/bin"' in doc.text
    assert not [f for f in run.findings if f.code == "NODE010"]


def test_cni_choice_follows_each_runtime(tmp_path):
    """containerd uses max_conf_num files; CRI-O cni_default_network by name; missing plugins per choice."""
    common = {"/etc/cni/net.d/10-a.conflist": BRIDGE,
              "/etc/cni/net.d/20-b.conflist": BRIDGE.replace('"bridge", "bridge"', '"macvlan", "master"'),
              **{f"/opt/cni/bin/{p}": "" for p in ("bridge", "host-local", "portmap", "loopback")}}
    ctd = tree(tmp_path / "c", {EDGECORE: edgecore(CONTAINERD_EP), **common,
                                "/etc/containerd/config.toml": 'version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n'
                                                              '  max_conf_num = 2\n'})
    run = run_node(str(ctd), [BY_CODE["NODE010"]], Context(), probe=False)
    assert [f.message.split("`")[1] for f in run.findings] == ["macvlan"]
    crio = tree(tmp_path / "o", {EDGECORE: edgecore(CRIO_EP), **common,
                                 "/etc/crio/crio.conf": '[crio.network]\ncni_default_network = "containerd-net"\n'})
    run = run_node(str(crio), [BY_CODE["NODE010"]], Context(), probe=False)
    assert not run.findings  # the first file named containerd-net has everything


# ------------------------------------------------------------------------------ sandbox image (I-15-I-20)

def test_cri_dockerd_without_pause_flag_uses_its_own_default(tmp_path):
    root = tree(tmp_path, {
        EDGECORE: edgecore(CRI_DOCKERD_EP, "    podSandboxImage: harbor.edge.local/kubeedge/pause:3.6\n"),
        "/etc/systemd/system/cri-docker.service": "[Service]\nExecStart=/usr/bin/cri-dockerd "
                                                  "--container-runtime-endpoint fd://\n",
    })
    found = explain(root, '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded '
                          'desc = context deadline exceeded"')
    f = at(found["NODE011"], root, "/etc/systemd/system/cri-docker.service")
    assert "registry.k8s.io/pause:3.10 in v0.3.17" in f["message"] and f["fixable"]


def test_crio_default_pause_image_on_a_private_registry_node(tmp_path):
    root = tree(tmp_path, {
        EDGECORE: edgecore(CRIO_EP, "    podSandboxImage: harbor.edge.local/kubeedge/pause:3.6\n"),
        "/etc/crio/crio.conf": '[crio.runtime]\ncgroup_manager = "systemd"\n',
    })
    msg = ('Failed create pod sandbox: rpc error: code = Unknown desc = error creating pod sandbox with name '
           '"k8s_POD_x": Error initializing source docker://registry.k8s.io/pause:3.9: error pinging docker '
           'registry registry.k8s.io: Get https://registry.k8s.io/v2/: dial tcp 34.96.108.209:443: i/o timeout')
    found = explain(root, msg, "--crio-version", "1.30.0")
    f = at(found["NODE012"], root, "/etc/crio/crio.conf")
    assert "registry.k8s.io/pause:3.9" in f["message"] and f["fixable"]
    assert not found["NODE004"]  # NODE004 compares only a written pause_image


def test_image_references_on_corpus_files():
    """Every sandbox image in the corpus is a valid reference (reviewed by hand): the syntax rules stay silent."""
    rules = [BY_CODE[c] for c in ("CTD017", "CRIO007", "DKR007", "EC018")]
    for kind in ("containerd", "crio", "systemd", "edgecore"):
        for path in corpus_files(kind):
            result = run_file(str(path), rules, Context(), kind=kind)
            assert not result.findings or all(f.code.startswith("RT") for f in result.findings), \
                (path.name, [f.message for f in result.findings])


# ---------------------------------------------------------------------- endpoints and runtimes (I-27-I-35)

DOCKER_CONTAINERD = '#   Copyright 2018-2022 Docker Inc.\ndisabled_plugins = ["cri"]\n'
CRI_DOCKER_UNIT = "[Service]\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n"


def test_cri_dockerd_node_left_on_dockers_containerd(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CONTAINERD_EP), "/etc/containerd/config.toml": DOCKER_CONTAINERD,
                           "/etc/systemd/system/cri-docker.service": CRI_DOCKER_UNIT, "/usr/bin/cri-dockerd": ""})
    found = explain(root, 'Error: edge node join failed: validate service connection: validate CRI v1 image API for '
                          'endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = '
                          'unknown service runtime.v1.ImageService')
    assert at(found["NODE013"], root, EDGECORE)["line"] == 7
    assert at(found["CTD001"], root, "/etc/containerd/config.toml")["line"] == 2


def test_kubelet_on_dockers_internal_containerd(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore("unix:///var/run/docker/containerd/docker-containerd.sock"),
                           "/usr/bin/dockerd": ""})
    found = explain(root, "failed to run Kubelet: failed to create kubelet: rpc error: code = Unimplemented desc = "
                          "unknown service runtime.v1alpha2.RuntimeService")
    f = at(found["NODE013"], root, EDGECORE)
    assert f["severity"] == "error" and "internal containerd" in f["message"]


def test_crictl_pointing_at_dockershim(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CONTAINERD_EP), "/etc/containerd/config.toml": "version = 2\n",
                           "/etc/crictl.yaml": "runtime-endpoint: unix:///var/run/dockershim.sock\n"})
    found = explain(root, "connect: connect endpoint 'unix:///var/run/dockershim.sock', make sure you are running "
                          "as root and the endpoint has been started: context deadline exceeded")
    f = at(found["NODE014"], root, "/etc/crictl.yaml")
    assert (f["line"], f["column"]) == (1, 19) and CONTAINERD_EP in f["message"]


def test_two_runtimes_and_keadm_reset(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CONTAINERD_EP).replace(
        f"      containerRuntimeEndpoint: {CONTAINERD_EP}\n      imageServiceEndpoint: {CONTAINERD_EP}\n", ""),
        "/etc/containerd/config.toml": "version = 2\n",
        "/etc/systemd/system/cri-docker.service": CRI_DOCKER_UNIT})
    found = explain(root, "Failed to remove containers: Found multiple CRI endpoints on the host. Please define which "
                          "one do you wish to use by setting the 'criSocket' field in the kubeadm configuration file: "
                          "unix:///var/run/containerd/containerd.sock, unix:///var/run/cri-dockerd.sock")
    assert "2 CRI runtimes" in at(found["NODE013"], root, EDGECORE)["message"]
    assert at(found["NODE014"], root, "/etc/crictl.yaml")["line"] == 1


# ------------------------------------------------------------------------------------ Docker (I-42, I-33)

def test_hosts_in_daemon_json_and_in_docker_service(tmp_path):
    root = tree(tmp_path, {
        "/lib/systemd/system/docker.service": "[Service]\nExecStart=/usr/bin/dockerd -H fd:// "
                                              "--containerd=/run/containerd/containerd.sock\n",
        "/etc/docker/daemon.json": '{\n  "hosts": ["fd://", "tcp://0.0.0.0:2376"]\n}\n',
    })
    found = explain(root, "unable to configure the Docker daemon with file /etc/docker/daemon.json: the following "
                          "directives are specified both as a flag and in the configuration file: hosts: (from flag: "
                          "[fd://], from file: [fd:// tcp://0.0.0.0:2376])")
    f = at(found["NODE015"], root, "/etc/docker/daemon.json")
    assert f["line"] == 2 and not f["fixable"] and "/lib/systemd/system/docker.service:2" in f["message"]


def test_dockerd_flag_parsing():
    args = split_command('/usr/bin/dockerd -H fd:// -Hunix:///x.sock --debug --exec-opt=native.cgroupdriver=systemd '
                         '--insecure-registry 10.0.0.1:5000 -D $OPTIONS --log-opt max-size=10m')[1:]
    got = [(n, v) for n, v, _ in parse_flags(args)]
    assert got == [("host", "fd://"), ("host", "unix:///x.sock"), ("debug", None),
                   ("exec-opt", "native.cgroupdriver=systemd"), ("insecure-registry", "10.0.0.1:5000"),
                   ("debug", None), ("log-opt", "max-size=10m")]
    assert same_value(["10.0.0.1:5000"], ["10.0.0.1:5000"]) and same_value(True, [None])
    assert same_value({"max-size": "10m"}, ["max-size=10m"]) and not same_value(["fd://", "tcp://x"], ["fd://"])


def test_package_upgrade_brought_back_disabled_cri(tmp_path):
    root = tree(tmp_path, {
        "/etc/containerd/config.toml": DOCKER_CONTAINERD,
        "/etc/containerd/config.toml.rpmsave": "version = 2\n",
        EDGECORE: edgecore(CONTAINERD_EP),
    })
    found = explain(root, '"Get ImageStatus from image service failed" err="rpc error: code = Unimplemented desc = '
                          'unknown service runtime.v1alpha2.ImageService"')
    assert at(found["CTD001"], root, "/etc/containerd/config.toml")
    assert "replaced /etc/containerd/config.toml" in at(found["NODE016"], root,
                                                        "/etc/containerd/config.toml.rpmsave")["message"]


def test_leftover_in_crio_drop_ins_is_read_by_crio(tmp_path):
    root = tree(tmp_path, {"/etc/crio/crio.conf.d/10-crio.conf": "[crio.runtime]\n",
                           "/etc/crio/crio.conf.d/10-crio.conf.dpkg-dist": "[crio.runtime]\n"})
    node = Node.read(discover(str(root)), 1 << 20)
    assert str(root / "etc/crio/crio.conf.d/10-crio.conf.dpkg-dist") in [d.path for d in node.crio_docs]
    [f] = list(BY_CODE["NODE016"].check_node(node, Context()))
    assert f.level == "error" and "its settings win" in f.message


# ------------------------------------------------------------------------ versions and values (I-08, I-51)

def test_crio_uid_bug_needs_both_versions(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CRIO_EP), "/etc/crio/crio.conf": "[crio.runtime]\n"})
    msg = ('"RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = setting pod sandbox name '
           'and id: cannot generate pod name without uid in metadata"')
    f = at(explain(root, msg, "--kubeedge-version", "1.18.1", "--crio-version", "1.30.4")["EC019"], root, EDGECORE)
    assert "1.18.2" in f["message"]
    assert not explain(root, msg, "--kubeedge-version", "1.18.2", "--crio-version", "1.30.4")["EC019"]
    assert not explain(root, msg, "--kubeedge-version", "1.18.1")["EC019"]  # CRI-O version unknown


def test_crio_uid_bug_on_the_corpus():
    """With KubeEdge 1.19.0 and CRI-O 1.30.4, only the corpus edgecore file that talks to CRI-O is affected."""
    ctx = Context(kubeedge_version=Version.parse("1.19.0"), crio_version=Version.parse("1.30.4"))
    fired = set()
    for path in corpus_files("edgecore"):
        if any(f.code == "EC019" for f in run_file(str(path), [BY_CODE["EC019"]], ctx, kind="edgecore").findings):
            fired.add(path.name)
            assert "crio.sock" in path.read_text()
    if corpus_files("edgecore"):
        assert fired == {"mehmetihsansevinc__decice__edgecore.yaml"}


def test_quoted_cgroup_driver(tmp_path):
    root = tree(tmp_path, {EDGECORE: edgecore(CONTAINERD_EP, driver="\"'systemd'\""),
                           "/etc/containerd/config.toml": "version = 2\n"})
    found = explain(root, 'misconfiguration: kubelet cgroup driver: "\'systemd\'" is different from docker cgroup '
                          'driver: "systemd"', "--kubeedge-version", "1.18")
    assert at(found["EC005"], root, EDGECORE)["fixable"]


# ------------------------------------------------------------------------------------------ real programs

CONTAINERD = shutil.which("containerd")
DOCKERD = shutil.which("dockerd")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _containerd_cni_error(conf_dir: Path) -> Optional[str]:
    """Start containerd (private root/state/socket) with this CNI folder; the CNI load error it logs, if any."""
    with tempfile.TemporaryDirectory(prefix="rtlint-cni-") as d:
        w = Path(d)
        (w / "bin").mkdir()
        conf = w / "config.toml"
        conf.write_text(f'version = 2\nroot = "{w}/root"\nstate = "{w}/state"\n[grpc]\n  address = "{w}/c.sock"\n'
                        f'[plugins."io.containerd.internal.v1.opt"]\n  path = "{w}/opt"\n'
                        f'[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = "{w}/bin"\n  conf_dir = "{conf_dir}"\n')
        log_path = w / "log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen([CONTAINERD, "--config", str(conf)], stdout=log, stderr=subprocess.STDOUT, cwd=d)
            try:
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and proc.poll() is None:
                    if "Start cni network conf syncer" in log_path.read_text():
                        break
                    time.sleep(0.05)
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for line in log_path.read_text().splitlines():
            if "failed to load cni during init" in line:
                return line
        return None


@pytest.mark.skipif(CONTAINERD is None or not ROOT, reason="needs containerd and root")
def test_containerd_reads_the_cni_folder_as_node009_says(tmp_path):
    cases = {
        "empty": {},
        "broken-first": {"05-old.conf": '{"cniVersion": "0.4.0", "name": "old", "plugins": [{"type": "bridge"}]}\n',
                         "10-containerd-net.conflist": BRIDGE},
        "fine": {"10-containerd-net.conflist": BRIDGE},
    }
    for name, files in cases.items():
        node = tree(tmp_path / name, {EDGECORE: edgecore(CONTAINERD_EP), "/etc/containerd/config.toml": "version = 2\n",
                                      "/etc/cni/net.d/README": "", **{f"/etc/cni/net.d/{k}": v for k, v in files.items()}})
        error = _containerd_cni_error(node / "etc/cni/net.d")
        ours = [f for f in run_node(str(node), [BY_CODE["NODE009"]], Context(), probe=False).findings]
        assert bool(error) == bool(ours), (name, error, [f.message for f in ours])
        if name == "empty":
            assert "no network config found" in error and "cni plugin not initialized" in error
        if name == "broken-first":
            assert "05-old.conf" in error and ours[0].path.endswith("05-old.conf")


def _dockerd_conflict(tmp: Path, daemon_json: dict, flags: List[str]) -> bool:
    """Whether dockerd refuses flag + file; `log-level: bogus` makes it exit right after that check either way."""
    conf = tmp / "daemon.json"
    conf.write_text(json.dumps(dict(daemon_json, **{"log-level": "bogus"})))
    p = subprocess.run([DOCKERD, "--config-file", str(conf), "--exec-root", str(tmp / "exec"),
                        "--pidfile", str(tmp / "pid"), *flags],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and ("logging level" in p.stderr or "directives" in p.stderr), p.stderr
    return "specified both as a flag and in the configuration file" in p.stderr


@pytest.mark.skipif(DOCKERD is None or not ROOT, reason="needs dockerd and root")
@pytest.mark.parametrize("daemon_json,flags", [
    ({"hosts": ["fd://"]}, ["-H", "unix:///tmp/rtlint-dockerd-test.sock"]),
    ({"insecure-registries": ["192.168.0.2:5000"]}, ["--insecure-registry", "192.168.0.2:5000"]),
    ({"exec-opts": ["native.cgroupdriver=systemd"]}, ["--exec-opt", "native.cgroupdriver=systemd"]),
    ({"debug": True}, ["-D"]),
    ({"log-opts": {"max-size": "10m"}}, ["--log-opt", "max-size=10m"]),
    ({"data-root": "/tmp/rtlint-dockerd-root"}, ["--data-root=/tmp/rtlint-dockerd-root"]),
    ({"runtimes": {"x": {"path": "/bin/true"}}}, ["--add-runtime", "y=/bin/false"]),
    ({"exec-opts": ["native.cgroupdriver=systemd"]}, ["--insecure-registry", "192.168.0.2:5000"]),
], ids=["hosts", "insecure", "exec-opts", "debug", "log-opts", "data-root", "runtimes", "unrelated"])
def test_dockerd_agrees_with_node015(tmp_path, daemon_json, flags):
    refused = _dockerd_conflict(tmp_path, daemon_json, flags)
    node = tree(tmp_path / "node", {
        "/etc/systemd/system/docker.service": "[Service]\nExecStart=/usr/bin/dockerd " + " ".join(flags) + "\n",
        "/etc/docker/daemon.json": json.dumps(daemon_json, indent=2) + "\n",
    })
    ours = run_node(str(node), [BY_CODE["NODE015"]], Context(), probe=False).findings
    assert refused == bool(ours), (refused, [f.message for f in ours])


def test_every_new_rule_cites_its_incidents():
    for code in ("NODE009", "NODE010", "NODE011", "NODE012", "NODE013", "NODE014", "NODE015", "NODE016",
                 "CTD017", "CRIO007", "DKR007", "EC018", "EC019"):
        rule = BY_CODE[code]
        assert "incident" in rule.rationale.lower() and rule.errors, code
    assert len({r.code for r in ALL_RULES}) == len(ALL_RULES)
