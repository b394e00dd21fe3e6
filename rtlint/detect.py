"""Decide what kind of file a path holds: by its standard place first, then by its content.

Path rules are tried first because content can be ambiguous (a `.conf` is a CNI
config in /etc/cni/net.d, a CRI-O drop-in in crio.conf.d and a unit drop-in in
foo.service.d). Content sniffing only looks at the first 64 KiB.
"""
from __future__ import annotations

import re
import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

from . import kinds

_UNIT_SUFFIXES = (".service", ".socket", ".mount", ".timer", ".path", ".target", ".slice", ".scope")
_UNIT_DROPIN_DIR = re.compile(r"\.(service|socket|mount|timer|path|target|slice|scope)\.d$")

_KEADM_PATTERN = r"\bkeadm\b[^\n]*\bjoin\b"

# Strongest signals first: a script that embeds a unit or a CNI config in a
# heredoc is still a script, so keadm comes before the weaker sniffers.
# Patterns are compiled on first use: a file recognised by its path (the usual case, and
# the whole of a one-file pre-commit run) never needs them.
_CONTENT_PATTERNS: Tuple[Tuple[str, str], ...] = (
    (kinds.EDGECORE, r"^apiVersion:\s*['\"]?edgecore\.config\.kubeedge\.io/"),
    (kinds.CONTAINERD, r"^\s*\[\s*plugins\s*\.\s*(\"|')?(io\.containerd\.|cri\b|linux\b|cgroups\b|diff-service|scheduler|bolt)"),
    (kinds.CONTAINERD, r"^\s*disabled_plugins\s*=|^\s*\[\s*plugins\s*\]|^\s*\[\s*grpc\s*\]"),
    (kinds.CRIO, r"^\s*\[\s*crio(\s*\.[\w\s.\"'-]+)?\s*\]"),
    (kinds.KEADM, _KEADM_PATTERN),
    (kinds.SYSTEMD, r"^\s*\[(Unit|Service|Socket|Install|Mount|Timer)\]\s*$"),
    (kinds.CNI, r"\"cniVersion\"\s*:"),
    (kinds.DOCKER, r"\"(exec-opts|log-driver|storage-driver|registry-mirrors|insecure-registries|data-root|log-opts|live-restore|default-runtime|runtimes|bip|dns|iptables|features)\"\s*:"),
    # containerd's top-level keys, in a file that is TOML-shaped (key = value)
    (kinds.CONTAINERD, r"^version\s*=\s*[1-4]\s*$[\s\S]*^(root|state|oom_score|imports|required_plugins)\s*=|"
                       r"^(root|state|oom_score|imports|required_plugins)\s*=[\s\S]*^version\s*=\s*[1-4]\s*$"),
    (kinds.EDGECORE, r"^modules:\s*$[\s\S]*^\s+edged:\s*$"),
    # KubeEdge before 1.2 (edge.yaml): top-level edgehub/edged sections
    (kinds.EDGECORE, r"^edgehub:\s*$[\s\S]*^edged:\s*$|^edged:\s*$[\s\S]*^edgehub:\s*$"),
)
_compiled: Dict[str, "re.Pattern[str]"] = {}


def _pattern(source: str) -> "re.Pattern[str]":
    p = _compiled.get(source)
    if p is None:
        p = _compiled[source] = re.compile(source, re.M)
    return p


def path_tail(path: str) -> Tuple[str, str, str]:
    """Name, parent folder name and grandparent name, as pathlib.PurePath gives them (empty when
    absent), without importing pathlib (~2 ms of every run's start-up)."""
    parts = [s for s in path.replace(os.sep, "/").split("/") if s and s != "."]
    parts = [""] * (3 - len(parts)) + parts[-3:]
    return parts[2], parts[1], parts[0]


def by_path(path: str) -> Optional[str]:
    """The kind implied by a file's name and folder, or None."""
    name, parent, grandparent = path_tail(path)
    if parent == "crio.conf.d" or name == "crio.conf":
        return kinds.CRIO
    if name in ("edgecore.yaml", "edgecore.yml"):
        return kinds.EDGECORE
    if name == "daemon.json":
        return kinds.DOCKER
    if name.endswith(_UNIT_SUFFIXES) or (_UNIT_DROPIN_DIR.search(parent) and name.endswith(".conf")):
        return kinds.SYSTEMD
    if parent == "net.d" or name.endswith(".conflist"):
        return kinds.CNI
    if parent == "containerd" and name.endswith(".toml"):
        return kinds.CONTAINERD
    if parent in ("conf.d", "config.d") and grandparent == "containerd" and name.endswith(".toml"):
        return kinds.CONTAINERD
    return None


def by_content(text: str) -> Optional[str]:
    head = text[:65536]
    if head.startswith("#!"):  # a script: only keadm scripts are ours
        return kinds.KEADM if _pattern(_KEADM_PATTERN).search(head) else None
    for kind, source in _CONTENT_PATTERNS:
        if _pattern(source).search(head):
            return kind
    return None


def detect(path: str, text: str) -> Optional[str]:
    """Kind of the file at `path` with content `text`, or None when it is not one rtlint reads."""
    kind = by_path(path)
    if kind is not None:
        return kind
    return by_content(text)


def could_be(path: str) -> bool:
    """Cheap pre-filter for directory walks: names rtlint may read, before opening the file."""
    if by_path(path) is not None:
        return True
    name = path_tail(path)[0]
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # pathlib's suffix rules
    return suffix in (".toml", ".conf", ".yaml", ".yml", ".json", ".sh", ".sls", ".pp", ".j2", ".tmpl", ".TEMPLATE", "") or "config" in name
