"""The file kinds rtlint knows, and which reader (format) each one uses."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict

CONTAINERD = "containerd"
CRIO = "crio"
EDGECORE = "edgecore"
DOCKER = "docker"
CNI = "cni"
SYSTEMD = "systemd"
KEADM = "keadm"

FORMAT_OF: Dict[str, str] = {
    CONTAINERD: "toml",
    CRIO: "toml",
    EDGECORE: "yaml",
    DOCKER: "json",
    CNI: "json",
    SYSTEMD: "unit",
    KEADM: "text",
}

DESCRIPTION: Dict[str, str] = {
    CONTAINERD: "containerd config.toml (and files it imports)",
    CRIO: "CRI-O crio.conf and crio.conf.d drop-ins",
    EDGECORE: "KubeEdge edgecore.yaml",
    DOCKER: "Docker daemon.json",
    CNI: "CNI network config (.conf/.conflist)",
    SYSTEMD: "systemd unit or drop-in",
    KEADM: "script or provisioning file that runs keadm join",
}

ALL = tuple(FORMAT_OF)
