"""Which folders are node trees: cheap path checks that `rtlint check` makes for every path it is
given, kept apart from node mode's engine so that checking plain files never imports it."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Optional

NODE_MARKERS = ("etc/kubeedge/config/edgecore.yaml", "etc/containerd/config.toml", "etc/crio/crio.conf",
                "etc/crio/crio.conf.d", "etc/docker/daemon.json")
_KNOWN_UNDER_ETC = ("kubeedge", "containerd", "crio", "docker", "systemd", "cni")


def is_node_root(folder: str) -> bool:
    return any(os.path.exists(os.path.join(folder, m)) for m in NODE_MARKERS)


def node_root_of(path: str) -> Optional[str]:
    """The node tree a file belongs to (`nodes/a/etc/crio/crio.conf` -> `nodes/a`); None for real /etc."""
    parts = os.path.normpath(path).split(os.sep)
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "etc" and parts[i + 1] in _KNOWN_UNDER_ETC:
            root = os.sep.join(parts[:i]) or ("." if i == 0 else os.sep)
            if root != os.sep and is_node_root(root):
                return root
            return None
    return None
