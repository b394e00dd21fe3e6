"""Find the files of one edge node under a root folder, the way the programs themselves would.

Everything is looked up under `root` as if it were `/`, so config repositories and tests can
keep node trees in ordinary folders. Paths returned are real paths under root; `node_path()`
gives the path as the node sees it (for messages).
"""
from __future__ import annotations

import glob
import os
from ..record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, List, Optional

EDGECORE = "/etc/kubeedge/config/edgecore.yaml"
CONTAINERD = "/etc/containerd/config.toml"
CRIO_MAIN = "/etc/crio/crio.conf"
CRIO_DROPINS = "/etc/crio/crio.conf.d"
DOCKER = "/etc/docker/daemon.json"
CNI_CONF = "/etc/cni/net.d"
CNI_BIN = "/opt/cni/bin"
CRICTL = "/etc/crictl.yaml"

# systemd's unit search path for the system manager, highest precedence first (systemd.unit(5)).
UNIT_DIRS = ("/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
             "/lib/systemd/system", "/usr/lib/systemd/system")
UNITS = ("containerd.service", "crio.service", "docker.service", "docker.socket",
         "cri-docker.service", "cri-docker.socket", "edgecore.service")
BIN_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
BINARIES = ("containerd", "crio", "dockerd", "cri-dockerd", "edgecore", "kata-runtime",
            "containerd-shim-kata-v2", "containerd-shim-runc-v2", "runc", "crun", "virtlet", "libvirtd")


@dataclass
class UnitFiles:
    name: str
    main: Optional[str]  # real path of the unit file that wins, or None
    dropins: List[str] = field(default_factory=list)  # in the order systemd applies them


@dataclass
class NodeFiles:
    root: str
    edgecore: Optional[str] = None
    containerd: Optional[str] = None
    crio_main: Optional[str] = None
    crio_dropins: List[str] = field(default_factory=list)
    docker: Optional[str] = None
    units: Dict[str, UnitFiles] = field(default_factory=dict)
    cni_confs: List[str] = field(default_factory=list)
    cni_bins: List[str] = field(default_factory=list)
    binaries: Dict[str, str] = field(default_factory=dict)  # name -> node path of the first found
    crictl: Optional[str] = None

    def under(self, node_path: str) -> str:
        return os.path.join(self.root, node_path.lstrip("/"))

    def node_path(self, real: str) -> str:
        rel = os.path.relpath(real, self.root)
        return "/" + rel if not rel.startswith("..") else real

    def all_config_files(self) -> List[str]:
        out = [p for p in (self.edgecore, self.containerd, self.crio_main, self.docker) if p]
        out += self.crio_dropins
        for u in self.units.values():
            if u.main:
                out.append(u.main)
            out += u.dropins
        out += self.cni_confs
        return out


def _file(root: str, node_path: str) -> Optional[str]:
    p = os.path.join(root, node_path.lstrip("/"))
    return p if os.path.isfile(p) else None


def _units(root: str, name: str) -> UnitFiles:
    main = None
    for d in UNIT_DIRS:
        p = os.path.join(root, d.lstrip("/"), name)
        if os.path.isfile(p) or os.path.islink(p):
            if os.path.islink(p) and os.readlink(p) == "/dev/null":
                return UnitFiles(name, None)  # masked
            if os.path.isfile(p):
                main = p
                break
    # Drop-ins: by file name across all dirs; a name in a higher-precedence dir hides the same name below.
    chosen: Dict[str, str] = {}
    for d in reversed(UNIT_DIRS):
        folder = os.path.join(root, d.lstrip("/"), name + ".d")
        if os.path.isdir(folder):
            for entry in sorted(os.listdir(folder)):
                full = os.path.join(folder, entry)
                if entry.endswith(".conf") and os.path.isfile(full):
                    chosen[entry] = full
    return UnitFiles(name, main, [chosen[k] for k in sorted(chosen)])


def _crio_dropins(root: str) -> List[str]:
    """CRI-O walks crio.conf.d in lexical order, into subfolders, with no file-name filter (FACTS §2.1)."""
    base = os.path.join(root, CRIO_DROPINS.lstrip("/"))
    out: List[str] = []
    if not os.path.isdir(base):
        return out
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for f in sorted(files):
            out.append(os.path.join(folder, f))
    # filepath.Walk orders by full path, which interleaves folders and files lexically
    return sorted(out)


def discover(root: str) -> NodeFiles:
    nf = NodeFiles(root=os.path.normpath(root))
    nf.edgecore = _file(root, EDGECORE)
    nf.containerd = _file(root, CONTAINERD)
    nf.crio_main = _file(root, CRIO_MAIN)
    nf.crio_dropins = _crio_dropins(root)
    nf.docker = _file(root, DOCKER)
    nf.crictl = _file(root, CRICTL)
    for name in UNITS:
        u = _units(root, name)
        if u.main or u.dropins:
            nf.units[name] = u
    cni = os.path.join(root, CNI_CONF.lstrip("/"))
    if os.path.isdir(cni):
        nf.cni_confs = sorted(p for p in glob.glob(os.path.join(cni, "*"))
                              if os.path.isfile(p) and p.endswith((".conf", ".conflist", ".json")))
    cbin = os.path.join(root, CNI_BIN.lstrip("/"))
    if os.path.isdir(cbin):
        nf.cni_bins = sorted(os.listdir(cbin))
    for name in BINARIES:
        for d in BIN_DIRS:
            if os.path.isfile(os.path.join(root, d.lstrip("/"), name)):
                nf.binaries[name] = f"{d}/{name}"
                break
    return nf
