"""Where containerd reads each setting, by config version.

Facts from ../shared/reference/runtimes/FACTS.md §1.1–1.2 (containerd sources at
v1.6.20, v1.7.34, v2.0.0, v2.3.4): v1 uses short plugin ids (`cri`), v2 full
URIs, v3 splits CRI into runtime/images plugins, v4 moves the server settings
into `io.containerd.server.v1.*` plugins. A file with no `version` is v1.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from ..document import Document, KeyPath

CRI_V2 = "io.containerd.grpc.v1.cri"
CRI_RUNTIME = "io.containerd.cri.v1.runtime"
CRI_IMAGES = "io.containerd.cri.v1.images"
DEFAULT_SOCKET = "/run/containerd/containerd.sock"
RUNC_V2 = "io.containerd.runc.v2"
REMOVED_SHIMS = ("io.containerd.runc.v1", "io.containerd.runtime.v1.linux")


def config_version(doc: Document) -> int:
    """The config version containerd will assume (no line, or 0, means 1)."""
    v = doc.data.get("version") if isinstance(doc.data, dict) else None
    if isinstance(v, int) and not isinstance(v, bool) and v > 0:
        return v
    return 1


def cri_root(version: int) -> KeyPath:
    """The table holding CRI runtime settings (SystemdCgroup, runtimes, cni, ...)."""
    if version <= 1:
        return ("plugins", "cri")
    if version == 2:
        return ("plugins", CRI_V2)
    return ("plugins", CRI_RUNTIME)


def images_root(version: int) -> KeyPath:
    return ("plugins", CRI_IMAGES) if version >= 3 else cri_root(version)


def runtimes_root(version: int) -> KeyPath:
    return cri_root(version) + ("containerd", "runtimes")


def runtime_table(version: int, name: str) -> KeyPath:
    return runtimes_root(version) + (name,)


def runc_options(version: int, name: str = "runc") -> KeyPath:
    return runtime_table(version, name) + ("options",)


def sandbox_image(version: int) -> KeyPath:
    if version >= 3:
        return ("plugins", CRI_IMAGES, "pinned_images", "sandbox")
    return cri_root(version) + ("sandbox_image",)


def grpc_address(version: int) -> KeyPath:
    if version >= 4:
        return ("plugins", "io.containerd.server.v1.grpc", "address")
    return ("grpc", "address")


def cni_table(version: int) -> KeyPath:
    return cri_root(version) + ("cni",)


def table(doc: Document, path: KeyPath) -> Optional[Dict[str, Any]]:
    cur: Any = doc.data
    for part in path:
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur if isinstance(cur, dict) else None


def runtimes(doc: Document) -> Dict[str, Dict[str, Any]]:
    t = table(doc, runtimes_root(config_version(doc))) or {}
    return {k: v for k, v in t.items() if isinstance(v, dict)}


def default_runtime_name(doc: Document) -> Tuple[str, bool]:
    """The default runtime handler and whether the file sets it (else containerd's default, runc)."""
    t = table(doc, cri_root(config_version(doc)) + ("containerd",)) or {}
    name = t.get("default_runtime_name")
    if isinstance(name, str):
        return name, True
    return "runc", False


def is_runc(runtime: Dict[str, Any]) -> bool:
    rt = runtime.get("runtime_type", RUNC_V2)
    return isinstance(rt, str) and ("runc" in rt)
