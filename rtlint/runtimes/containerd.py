"""Where containerd reads each setting, by config version.

Facts from ../shared/reference/runtimes/FACTS.md §1.1–1.2 (containerd sources at
v1.6.20, v1.7.34, v2.0.0, v2.3.4): v1 uses short plugin ids (`cri`), v2 full
URIs, v3 splits CRI into runtime/images plugins, v4 moves the server settings
into `io.containerd.server.v1.*` plugins. A file with no `version` is v1.
"""
from __future__ import annotations

from ..record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from ..document import Document, KeyPath
from ..versions import Version

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


# -- plugin names ---------------------------------------------------------------------
# The short (version 1) plugin ids whose full URI is certain: containerd 2.x converts
# exactly these (v1MigratePluginName, ctd-2.3.4 cmd/containerd/server/config/config.go),
# and they are the ids 1.x registers under those URIs. Any other id ending in
# "-service" is a service plugin.
V1_PLUGIN_URIS: Dict[str, str] = {
    "cri": CRI_V2,
    "cgroups": "io.containerd.monitor.v1.cgroups",
    "linux": "io.containerd.runtime.v1.linux",
    "scheduler": "io.containerd.gc.v1.scheduler",
    "bolt": "io.containerd.metadata.v1.bolt",
    "task": "io.containerd.runtime.v2.task",
    "opt": "io.containerd.internal.v1.opt",
    "restart": "io.containerd.internal.v1.restart",
    "tracing": "io.containerd.internal.v1.tracing",
    "otlp": "io.containerd.tracing.processor.v1.otlp",
    "aufs": "io.containerd.snapshotter.v1.aufs",
    "btrfs": "io.containerd.snapshotter.v1.btrfs",
    "devmapper": "io.containerd.snapshotter.v1.devmapper",
    "native": "io.containerd.snapshotter.v1.native",
    "overlayfs": "io.containerd.snapshotter.v1.overlayfs",
    "zfs": "io.containerd.snapshotter.v1.zfs",
}

# What a version 3+ file may keep in [plugins."io.containerd.grpc.v1.cri"] (ServerConfig, ctd-2.3.4).
STREAMING_KEYS = frozenset({
    "disable_tcp_service", "stream_server_address", "stream_server_port",
    "stream_idle_timeout", "enable_tls_streaming", "x509_key_pair_streaming",
})

CRI_ROOTS = ("cri", CRI_V2, CRI_RUNTIME)  # the plugin ids that hold `containerd.runtimes`
SYSTEMD_CGROUP = "SystemdCgroup"
# go-toml v1 (containerd 1.x) matches a struct field only under these spellings.
GO_TOML_V1_SPELLINGS = frozenset({"SystemdCgroup", "systemdcgroup", "SYSTEMDCGROUP", "systemdCgroup"})
LEGACY_RUNTIMES = ("default_runtime", "untrusted_workload_runtime")  # 1.x only, removed in 2.0

_DEFAULT_SANDBOX = (  # (first version, image), newest first; FACTS §1.3
    ((2, 3), "registry.k8s.io/pause:3.10.2"),
    ((2, 2), "registry.k8s.io/pause:3.10.1"),
    ((2, 0), "registry.k8s.io/pause:3.10"),
    ((1, 7), "registry.k8s.io/pause:3.8"),
    ((1, 6), "registry.k8s.io/pause:3.6"),
)


def v1_plugin_uri(name: str) -> Optional[str]:
    """The full URI of a short plugin id, or None when containerd would have to guess."""
    if name in V1_PLUGIN_URIS:
        return V1_PLUGIN_URIS[name]
    if name.endswith("-service") and "." not in name:
        return "io.containerd.service.v1." + name
    return None


def is_plugin_uri(name: str) -> bool:
    """containerd 1.6/1.7 accept a plugin name in a version 2 file only with >= 4 dot parts."""
    return len(name.split(".")) >= 4


def has_valid_version(doc: Document) -> bool:
    """The `version` line holds an integer (containerd stops at load on "2" or 2.0)."""
    v = doc.data.get("version") if isinstance(doc.data, dict) else None
    return isinstance(v, int) and not isinstance(v, bool)


def default_sandbox_image(major: int, minor: int) -> Optional[str]:
    for since, image in _DEFAULT_SANDBOX:
        if (major, minor) >= since:
            return image
    return None


def is_systemd_cgroup_key(key: Any) -> bool:
    """Any spelling of SystemdCgroup (case, underscores)."""
    return isinstance(key, str) and key.replace("_", "").lower() == "systemdcgroup"


def is_kata_type(runtime_type: str) -> bool:
    parts = runtime_type.split(".")
    return (len(parts) == 4 and parts[:2] == ["io", "containerd"] and parts[3] == "v2"
            and (parts[2] == "kata" or parts[2].startswith("kata-")))


def runc_like(name: str, runtime: Dict[str, Any]) -> bool:
    """A runtime whose options are runc options (so SystemdCgroup applies to it)."""
    rt = runtime.get("runtime_type")
    if isinstance(rt, str) and rt:
        return rt in (RUNC_V2, "io.containerd.runc.v1")
    opts = runtime.get("options")
    runc_keys = ("BinaryName", "SystemdCgroup", "NoPivotRoot", "NoNewKeyring", "CriuPath", "ShimCgroup")
    return name == "runc" or (isinstance(opts, dict) and any(k in opts for k in runc_keys))


# -- which containerd reads this file -------------------------------------------------------

def may_be_1x(doc: Document, version: Optional[Version]) -> bool:
    """containerd 1.x may read this file: it is version 1 or 2 and no 2.x release was given."""
    return config_version(doc) <= 2 and (version is None or version.major < 2)


# -- tables of another config version -------------------------------------------------------
# kind of a foreign plugin table/key, and whether the whole plugin table is the unit
V1_FULL_URI = "v1-full-uri"      # no version line, full URI: 1.x looks plugins up by short id
V2_SHORT_ID = "v2-short-id"      # version 2, short id: 1.6/1.7 refuse to start, 2.x ignores it
V2_V3_CRI = "v2-v3-cri"          # version 2, v3 CRI plugin: 1.x ignores it, 2.x merges it
V3_SHORT_ID = "v3-short-id"      # version 3+, short id: 2.x ignores it
V3_V2_CRI_KEY = "v3-v2-cri-key"  # version 3+, non-streaming key under the v2 CRI plugin
WHOLE_TABLE = (V1_FULL_URI, V2_SHORT_ID)


def foreign_plugins(doc: Document) -> List[Tuple[KeyPath, str]]:
    """Plugin tables (or, for the v2 CRI plugin in a v3+ file, its keys) this file's version does not read."""
    plugins = doc.data.get("plugins") if isinstance(doc.data, dict) else None
    if not isinstance(plugins, dict) or ("version" in doc.data and not has_valid_version(doc)):
        return []  # an unreadable version line is CTD004's problem
    v = config_version(doc)
    out: List[Tuple[KeyPath, str]] = []
    for name, body in plugins.items():
        path: KeyPath = ("plugins", name)
        if v <= 1:
            if "." in name:
                out.append((path, V1_FULL_URI))
        elif v == 2:
            if not is_plugin_uri(name):
                out.append((path, V2_SHORT_ID))
            elif name in (CRI_RUNTIME, CRI_IMAGES):
                out.append((path, V2_V3_CRI))
        elif "." not in name:
            out.append((path, V3_SHORT_ID))
        elif name == CRI_V2 and isinstance(body, dict):
            out.extend((path + (k,), V3_V2_CRI_KEY) for k in body if k not in STREAMING_KEYS)
    return out


def whole_table_foreign(doc: Document, path: KeyPath) -> bool:
    """`path` lies in a plugin table that this version does not read at all (CTD003 owns it)."""
    return any(kind in WHOLE_TABLE and path[:len(p)] == p for p, kind in foreign_plugins(doc))


# -- runtime tables -------------------------------------------------------------------------

@dataclass(frozen=True)
class RuntimeRef:
    """A runtime handler table; `legacy` for 1.x's default_runtime / untrusted_workload_runtime."""

    name: str
    path: KeyPath
    table: Dict[str, Any]
    legacy: bool = False

    @property
    def options(self) -> KeyPath:
        return self.path + ("options",)


def runtime_refs(doc: Document, legacy: bool = True) -> List[RuntimeRef]:
    """Runtime tables at this version's place; legacy ones only when they set a runtime_type."""
    v = config_version(doc)
    out = [RuntimeRef(n, runtime_table(v, n), t) for n, t in runtimes(doc).items()]
    if legacy and v <= 2:
        base = cri_root(v) + ("containerd",)
        for key in LEGACY_RUNTIMES:
            t = table(doc, base + (key,))
            if t is not None and isinstance(t.get("runtime_type"), str) and t["runtime_type"]:
                out.append(RuntimeRef(key, base + (key,), t, True))
    return out


def legacy_default_runtime(doc: Document) -> Optional[RuntimeRef]:
    """1.x uses `containerd.default_runtime` as the default when it sets a runtime_type (deprecated)."""
    for r in runtime_refs(doc):
        if r.legacy and r.name == "default_runtime":
            return r
    return None


def cri_elsewhere(doc: Document) -> bool:
    """The file writes CRI settings in a plugin table its version does not read at all.

    Then the operator's CRI configuration is not where this version looks, and
    rules that add CRI settings wait until CTD003's finding is resolved.
    """
    return any(kind in WHOLE_TABLE and p[1] in ("cri", CRI_V2) for p, kind in foreign_plugins(doc))
