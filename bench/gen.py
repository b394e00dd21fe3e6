"""Generate the benchmark corpus: realistic variants of upstream runtime configs.

Every file is a small, seeded edit of a real upstream default (containerd's
`config default`, the reconstructed `edgecore --defaultconfig` of several
KubeEdge releases, the runtimes' shipped systemd units), so the corpus has the
shape, size and comment density of what sits on real edge nodes, and the same
seed always gives the same bytes.
"""
from __future__ import annotations

import os
import random
import re
import shutil
from typing import Callable, Dict, List, Tuple

SHARED = os.environ.get("RTLINT_SHARED") or os.path.join(os.path.dirname(__file__), "..", "..", "shared")
RUNTIMES = os.path.join(SHARED, "reference", "runtimes")
KUBEEDGE = os.path.join(SHARED, "reference", "kubeedge")

PAUSE_IMAGES = ("registry.k8s.io/pause:3.6", "registry.k8s.io/pause:3.8", "registry.k8s.io/pause:3.9",
                "kubeedge/pause:3.6", "registry.aliyuncs.com/google_containers/pause:3.9",
                "harbor.lab.local/k8s/pause:3.7")
TOML_COMMENTS = ("# managed by ansible, do not edit by hand", "# edge site profile: low-memory ARM64",
                 "# see https://github.com/containerd/containerd/blob/main/docs/cri/config.md",
                 "# changed for KubeEdge: edged talks to this socket", "# TODO: move to a drop-in under conf.d")
YAML_COMMENTS = ("# managed by keadm; local edits are overwritten on upgrade",
                 "# edge site profile: low-memory ARM64 gateway", "# changed after the 2023 cert rotation",
                 "# keep in sync with the runtime's cgroup driver", "# see https://kubeedge.io/docs/setup/config")
UNIT_COMMENTS = ("# local override: keep the runtime up", "# managed by the edge image build",
                 "# do not remove: needed by KubeEdge edged")


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def _sprinkle(lines: List[str], rng: random.Random, comments: Tuple[str, ...], n: int,
              ok: Callable[[str], bool]) -> List[str]:
    """Insert `n` comment lines before lines accepted by `ok`, at their indentation."""
    spots = [i for i, ln in enumerate(lines) if ok(ln)]
    for i in sorted(rng.sample(spots, min(n, len(spots))), reverse=True):
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        lines.insert(i, indent + rng.choice(comments))
    return lines


# -- containerd config.toml ---------------------------------------------------------

_EXTRA_RUNTIMES = (
    ("kata", 'runtime_type = "io.containerd.kata.v2"', ""),
    ("nvidia", 'runtime_type = "io.containerd.runc.v2"', 'BinaryName = "/usr/bin/nvidia-container-runtime"'),
    ("crun", 'runtime_type = "io.containerd.runc.v2"', 'BinaryName = "/usr/bin/crun"'),
    ("gvisor", 'runtime_type = "io.containerd.runsc.v1"', ""),
)


def containerd_variant(base: str, rng: random.Random) -> str:
    text = base
    if rng.random() < 0.6:
        text = text.replace("SystemdCgroup = false", "SystemdCgroup = true")
    text = text.replace('sandbox_image = "registry.k8s.io/pause:3.6"',
                        f'sandbox_image = "{rng.choice(PAUSE_IMAGES)}"')
    if rng.random() < 0.3:
        text = text.replace('root = "/var/lib/containerd"', 'root = "/data/containerd"')
    if rng.random() < 0.2:
        text = text.replace("  level = \"\"", "  level = \"info\"")
    lines = text.split("\n")
    untrusted = '[plugins."io.containerd.grpc.v1.cri".containerd.untrusted_workload_runtime]'
    anchor = next(i for i, ln in enumerate(lines) if ln.strip().startswith(untrusted))
    extra: List[str] = []
    for name, rtype, option in rng.sample(_EXTRA_RUNTIMES, rng.randint(0, 2)):
        extra += ["", f'        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.{name}]', f"          {rtype}"]
        if option:
            extra += ["", f'          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.{name}.options]',
                      f"            {option}"]
    lines[anchor - 1:anchor - 1] = extra
    lines = _sprinkle(lines, rng, TOML_COMMENTS, rng.randint(1, 5), lambda ln: ln.strip().startswith("["))
    return "\n".join(lines)


# -- edgecore.yaml -------------------------------------------------------------------

_ENDPOINTS = ("unix:///run/containerd/containerd.sock", "unix:///var/run/crio/crio.sock",
              "unix:///var/run/cri-dockerd.sock")


def edgecore_variant(base: str, rng: random.Random, n: int) -> str:
    # drop the reconstruction note at the top (it is not part of a real file)
    lines = [ln for ln in base.split("\n") if not ln.startswith("# RECONSTRUCTED") and not (
        ln.startswith("# ") and lines_is_note(ln))]
    text = "\n".join(lines)
    ip = f"10.{n // 250 % 250}.{n % 250}.{rng.randint(2, 250)}"
    text = text.replace("<hostname>", f"edge-{n:04d}").replace("<localIP>", ip)
    if rng.random() < 0.5:
        text = text.replace("cgroupDriver: cgroupfs", "cgroupDriver: systemd")
    endpoint = rng.choice(_ENDPOINTS)
    text = re.sub(r"(containerRuntimeEndpoint|imageServiceEndpoint|remoteRuntimeEndpoint|remoteImageEndpoint): unix:///\S+",
                  lambda m: f"{m.group(1)}: {endpoint}", text)
    text = re.sub(r"podSandboxImage: \S+", f"podSandboxImage: {rng.choice(PAUSE_IMAGES)}", text)
    text = text.replace("token: ''", f"token: {rng.getrandbits(128):032x}.{rng.getrandbits(160):040x}")
    if rng.random() < 0.4:
        text = re.sub(r"(metaServer:\n\s+apiAudiences: null\n\s+dummyServer: \S+\n\s+)enable: false",
                      r"\1enable: true", text)
    lines = text.split("\n")
    lines = _sprinkle(lines, rng, YAML_COMMENTS, rng.randint(2, 8),
                      lambda ln: bool(ln.strip()) and not ln.lstrip().startswith(("-", "#")))
    # trailing comments on a few values, as people annotate the lines they changed
    for i in rng.sample(range(len(lines)), 3):
        if re.match(r"^\s+\w+: \S", lines[i]) and "#" not in lines[i]:
            lines[i] += "  # changed"
    # size: 150-250 lines (drop optional kubelet tuning keys, or add node labels / a site block)
    target = rng.randint(150, 250)
    droppable = [i for i, ln in enumerate(lines) if re.match(r"^      (containerLog|eventBurst|eventRecordQPS|registry|"
                                                            r"iptables|nodeStatus|imageGC|cpuCFS)\w*: ", ln)]
    while len(lines) > target and droppable:
        del lines[droppable.pop()]
    if len(lines) < target:
        at = next(i for i, ln in enumerate(lines) if ln.startswith("      clusterDomain:"))
        extra = ["      clusterDNS:", "      - 169.254.96.16", "      - 10.96.0.10"]
        labels = ["      # node labels applied by the fleet manager"]
        while len(extra) + len(labels) + len(lines) < target - 1:
            labels.append(f"      # site-{rng.randint(1, 99):02d}/rack-{rng.randint(1, 9)}: slot {len(labels)}")
        lines[at:at] = extra + labels
    return "\n".join(lines)


def lines_is_note(line: str) -> bool:
    """The reconstruction header lines (they describe how the reference was built)."""
    return any(w in line for w in ("types/defaults", "default_kubelet", "Host-dependent", "not verified",
                                   "The real command", "evictionHard", "json tags"))


# -- systemd units -------------------------------------------------------------------

_UNIT_EDITS = (
    ("ExecStart=/usr/local/bin/containerd", "ExecStart=/usr/bin/containerd"),
    ("ExecStart=/usr/bin/containerd", "ExecStart=/usr/bin/containerd --log-level warn"),
    ("RestartSec=5", "RestartSec=10"),
    ("LimitNOFILE=infinity", "LimitNOFILE=1048576"),
    ("After=network.target", "After=network-online.target\nWants=network-online.target"),
)


def unit_variant(base: str, rng: random.Random) -> str:
    text = base
    for old, new in rng.sample(_UNIT_EDITS, rng.randint(0, 3)):
        text = text.replace(old, new, 1)
    lines = text.split("\n")
    if rng.random() < 0.5:
        at = next((i for i, ln in enumerate(lines) if ln.startswith("ExecStart=")), None)
        if at is not None:
            proxy = f"http://proxy-{rng.randint(1, 9)}.lab:3128"
            lines.insert(at, f'Environment="HTTPS_PROXY={proxy}" "NO_PROXY=10.0.0.0/8,.svc"')
    lines = _sprinkle(lines, rng, UNIT_COMMENTS, rng.randint(0, 3), lambda ln: "=" in ln and not ln.startswith("#"))
    return "\n".join(lines)


def _units() -> List[Tuple[str, str]]:
    """(unit file name, text) of each shipped runtime unit."""
    out = []
    for name in sorted(os.listdir(RUNTIMES)):
        m = re.search(r"-((?:containerd|crio|docker|cri-docker))\.(service|socket)$", name)
        if m:
            out.append((f"{m.group(1)}.{m.group(2)}", _read(os.path.join(RUNTIMES, name))))
    return out


# -- fix set: one safe fix per file -----------------------------------------------

def needs_one_fix(kind: str, text: str) -> str:
    """The file with exactly one mistake that has a safe fix (run.py checks this before timing)."""
    if kind == "toml":  # a boolean written as a string (CTD021 writes the boolean)
        return re.sub(r'SystemdCgroup = (true|false)', r'SystemdCgroup = "\1"', text, count=1)
    if kind == "yaml":  # an enum written in the wrong case (EC005 writes it in lower case)
        return re.sub(r"cgroupDriver: (cgroupfs|systemd)", lambda m: "cgroupDriver: " + m.group(1).capitalize(),
                      text, count=1)
    if kind == "units":  # containerd.service without Delegate=yes (SYD001 adds it back)
        return text.replace("Delegate=yes\n", "", 1)
    raise ValueError(kind)


def generate(out: str, n: int, seed: int = 20240601) -> Dict[str, List[str]]:
    """Write n files per kind under out/{toml,yaml,units}; returns the paths by set."""
    rng = random.Random(seed)
    if os.path.isdir(out):
        shutil.rmtree(out)
    ctd_base = _read(os.path.join(RUNTIMES, "containerd-1.6.20-config-default-v2.toml"))
    # 1.18+: the releases whose defaults the v1.23 schema accepts, so the schema validator is
    # timed on valid files (no error reporting work) like rtlint is
    ec_bases = [_read(os.path.join(KUBEEDGE, name)) for name in sorted(os.listdir(KUBEEDGE))
                if re.match(r"edgecore-reconstructed-default-v1\.(1[89]|2\d)\.yaml$", name)]
    units = _units()
    sets: Dict[str, List[str]] = {"toml": [], "yaml": [], "units": []}
    for i in range(n):
        p = os.path.join(out, "toml", f"config-{i:04d}.toml")
        _write(p, containerd_variant(ctd_base, rng))
        sets["toml"].append(p)
        p = os.path.join(out, "yaml", f"edgecore-{i:04d}.yaml")
        _write(p, edgecore_variant(rng.choice(ec_bases), rng, i))
        sets["yaml"].append(p)
        stem, text = units[i % len(units)]
        p = os.path.join(out, "units", f"{i:04d}", stem)  # named as on a node: rules key on the unit name
        _write(p, unit_variant(text, rng))
        sets["units"].append(p)
    return sets
