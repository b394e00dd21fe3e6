"""Where each key of a containerd config goes when the config version goes up by one.

The mappings follow containerd 2.x's own migrations (FACTS §1.7: the CRI
plugins' `ConfigMigration` at ctd-2.3.4 for 2 → 3, `serviceMigrate` for
3 → 4, `v1MigratePluginName` for 1 → 2). Which keys a version dropped is not
listed here: it is read from the bundled schemas (known to the old version,
unknown or forbidden in the new one).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict

from .. import schema as rs
from ..document import Document, KeyPath
from ..formats.toml import render_key
from ..runtimes import containerd as m
from . import INFO, MigrateError, Session
from .toml_tables import fmt

VERSIONS = (1, 2, 3, 4)
IMAGES: KeyPath = ("plugins", m.CRI_IMAGES)
RUNTIME: KeyPath = ("plugins", m.CRI_RUNTIME)
# top-level CRI keys that the images plugin takes over (ctd-2.3.4 plugins/cri/images/plugin.go)
IMAGE_KEYS = frozenset({"image_decryption", "max_concurrent_downloads", "image_pull_progress_timeout",
                        "image_pull_with_sync_fs", "stats_collect_period"})
SNAPSHOT_KEYS = frozenset({"snapshotter", "disable_snapshot_annotations", "discard_unpacked_layers"})
SERVER_GRPC = "io.containerd.server.v1.grpc"
SERVER_GRPC_TCP = "io.containerd.server.v1.grpc-tcp"
SERVER_TTRPC = "io.containerd.server.v1.ttrpc"
SERVER_DEBUG = "io.containerd.server.v1.debug"
SERVER_METRICS = "io.containerd.server.v1.metrics"
GRPC_PROMETHEUS = "io.containerd.metrics.v1.grpc-prometheus"
GRPC_TCP_KEYS = {"tcp_address": "address", "tcp_tls_ca": "tls_ca", "tcp_tls_cert": "tls_cert",
                 "tcp_tls_key": "tls_key", "tcp_tls_common_name": "tls_common_name"}


# -- one version step ----------------------------------------------------------------------------------------

class Step:
    """Where each path of a version-`src` file goes in version `src + 1`."""

    src = 0

    def __init__(self, doc: Document) -> None:
        self.old = rs.get_validator(rs.containerd_schema(self.src))
        self.new = rs.get_validator(rs.containerd_schema(self.src + 1))

    def map(self, path: KeyPath) -> KeyPath:
        return path

    def table_map(self, path: KeyPath) -> KeyPath:
        """Where a table header goes when its keys do not decide it."""
        return self.map(path)

    def dropped(self, path: KeyPath, target: KeyPath) -> bool:
        """Known to the old version and gone in the new one."""
        old = self.old.node_at(path)
        if old is None or old.forbidden:
            return False
        new = self.new.node_at(target)
        return new is None or new.forbidden

    def why(self, path: KeyPath, target: KeyPath) -> str:
        new = self.new.node_at(target)
        old = self.old.node_at(path)
        if new is not None and new.forbidden and new.get("description") and not new.get("x-rtlint-moved-to"):
            return str(new.get("description"))
        hint = ""
        for node in (new, old):
            if node is not None and node.get("x-rtlint-moved-to"):
                hint = f"; its replacement is {node.get('x-rtlint-moved-to')}"
                break
        removed = old.get("x-rtlint-removed") if old is not None else None
        when = f"containerd {removed[:-2] if removed.endswith('.0') else removed}" if removed else \
            f"config version {self.src + 1}"
        return f"not read by {when} any more{hint}"

    def plugin_name(self, name: str) -> str:
        """A `disabled_plugins` / `required_plugins` entry in the new version."""
        return name

    def finish(self, s: Session) -> None:
        """Anything left after the keys moved (v4: the ttrpc socket's old default)."""


class V1toV2(Step):
    src = 1

    def __init__(self, doc: Document, strict: bool = True) -> None:
        super().__init__(doc)
        plugins = doc.data.get("plugins") if isinstance(doc.data, dict) else None
        for name in plugins or {}:
            if strict and "." not in name and m.v1_plugin_uri(name) is None:
                raise MigrateError(f"[plugins.{render_key(name)}]: containerd would have to guess the full name of "
                                   f"this plugin (io.containerd.grpc.v1.{name}?); write its URI yourself, then migrate")

    def map(self, path: KeyPath) -> KeyPath:
        if len(path) >= 2 and path[0] == "plugins" and isinstance(path[1], str) and "." not in path[1]:
            uri = m.v1_plugin_uri(path[1])
            if uri is not None:
                return ("plugins", uri) + path[2:]
        return path

    def plugin_name(self, name: str) -> str:
        return m.v1_plugin_uri(name) or name


class V2toV3(Step):
    src = 2

    def __init__(self, doc: Document) -> None:
        super().__init__(doc)
        # plugins 2.0 renamed: the v3 schema names their new id (x-rtlint-moved-to on the old one)
        self.renamed: Dict[str, str] = {}
        plugins = self.new.node_at(("plugins",))
        for name, node in (plugins.props if plugins is not None else {}).items():
            to = node.get("x-rtlint-moved-to")
            if node.forbidden and isinstance(to, str) and to.startswith("io.containerd."):
                self.renamed[name] = to
        cri = m.table(doc, ("plugins", m.CRI_V2, "containerd")) or {}
        legacy = cri.get("untrusted_workload_runtime")
        runtimes = cri.get("runtimes") if isinstance(cri.get("runtimes"), dict) else {}
        v3 = m.table(doc, RUNTIME + ("containerd", "runtimes")) or {}
        # containerd 1.x runs it as runtimes["untrusted"]; 2.x ignores the old table
        self.untrusted = (isinstance(legacy, dict) and isinstance(legacy.get("runtime_type"), str)
                          and bool(legacy["runtime_type"]) and "untrusted" not in runtimes and "untrusted" not in v3)

    def map(self, path: KeyPath) -> KeyPath:
        if len(path) < 2 or path[0] != "plugins":
            return path
        plugin = path[1]
        if plugin in self.renamed:
            return ("plugins", self.renamed[plugin]) + path[2:]
        if plugin != m.CRI_V2:
            return path
        rest = path[2:]
        if not rest:
            return RUNTIME
        k = rest[0]
        if k in m.STREAMING_KEYS:
            return path
        if k == "sandbox_image" and len(rest) == 1:
            return IMAGES + ("pinned_images", "sandbox")
        if k == "registry" or k in IMAGE_KEYS:
            return IMAGES + rest
        if k == "containerd" and len(rest) >= 2:
            if rest[1] in SNAPSHOT_KEYS:
                return IMAGES + rest[1:]
            if rest[1] == "runtimes" and len(rest) == 4 and rest[3] == "sandbox_mode":
                return RUNTIME + ("containerd", "runtimes", rest[2], "sandboxer")
            if rest[1] == "untrusted_workload_runtime" and self.untrusted:
                return RUNTIME + ("containerd", "runtimes", "untrusted") + rest[2:]
        return RUNTIME + rest

    def plugin_name(self, name: str) -> str:
        return self.renamed.get(name, name)


class V3toV4(Step):
    src = 3

    def map(self, path: KeyPath) -> KeyPath:
        if len(path) < 2 or not isinstance(path[0], str):
            return path
        top, k = path[0], path[1]
        if top == "grpc":
            if k in GRPC_TCP_KEYS:
                return ("plugins", SERVER_GRPC_TCP, GRPC_TCP_KEYS[k]) + path[2:]
            return ("plugins", SERVER_GRPC) + path[1:]
        if top == "ttrpc":
            return ("plugins", SERVER_TTRPC) + path[1:]
        if top == "debug" and k in ("address", "uid", "gid"):
            return ("plugins", SERVER_DEBUG) + path[1:]
        if top == "metrics":
            if k == "grpc_histogram":
                return ("plugins", GRPC_PROMETHEUS) + path[1:]
            return ("plugins", SERVER_METRICS) + path[1:]
        return path

    def table_map(self, path: KeyPath) -> KeyPath:
        top = {"grpc": SERVER_GRPC, "ttrpc": SERVER_TTRPC, "metrics": SERVER_METRICS}.get(str(path[0])) \
            if len(path) == 1 else None
        return ("plugins", top) if top else path

    def finish(self, s: Session) -> None:
        """Before version 4 an unset ttrpc address was the gRPC address + ".ttrpc"; version 4 has its own default."""
        data = s.orig_data
        grpc = data.get("grpc") if isinstance(data.get("grpc"), dict) else {}
        ttrpc = data.get("ttrpc") if isinstance(data.get("ttrpc"), dict) else {}
        address = grpc.get("address")
        if not isinstance(address, str) or not address or address == m.DEFAULT_SOCKET or ttrpc.get("address"):
            return
        path = ("plugins", SERVER_TTRPC, "address")
        if s.doc.has(path) and s.doc.get(path):
            return
        value = address + ".ttrpc"
        if s.doc.has(path):
            s.build(f"set {fmt(path)}", lambda d: d.set_value(path, value))
        else:
            s.build(f"set {fmt(path)}", lambda d: d.insert(path[:-1], path[-1], value))
        s.note(INFO, f"set {fmt(path)} = {value!r}: version 3 derived the ttrpc socket from [grpc] address, "
                     f"version 4 does not")


STEPS = {1: V1toV2, 2: V2toV3, 3: V3toV4}


def empty(value: Any) -> bool:
    """A value that says nothing (what `containerd config default` writes for unset fields)."""
    if isinstance(value, dict):
        return all(empty(v) for v in value.values())
    return value in ("", 0, False, [], None) and not (isinstance(value, bool) and value)


__all__ = ["Step", "V1toV2", "V2toV3", "V3toV4", "STEPS", "VERSIONS", "empty"]
