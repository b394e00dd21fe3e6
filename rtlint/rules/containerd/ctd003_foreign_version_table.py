"""CTD003: a plugin table (or CRI key) written for another config version than the file declares."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ... import kinds
from ...document import Document, Edit
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import anchor, lookup, migration_edits, owned_elsewhere, table_name, try_edits

IMAGE_KEYS = frozenset({"registry", "image_decryption", "max_concurrent_downloads",
                        "image_pull_progress_timeout", "image_pull_with_sync_fs", "stats_collect_period"})


def _leaves(doc: Document, path: tuple) -> List[tuple]:
    n = len(path)
    return [e.path for e in doc.entries
            if e.path[:n] == path and e.key_span is not None and not isinstance(e.value, dict)
            and all(isinstance(p, str) for p in e.path)]


def _v3_place(key: str) -> str:
    if key in IMAGE_KEYS:
        return table_name(("plugins", m.CRI_IMAGES))
    if key == "containerd":
        return (table_name(("plugins", m.CRI_RUNTIME, "containerd")) + " (snapshotter, "
                "disable_snapshot_annotations and discard_unpacked_layers go to "
                + table_name(("plugins", m.CRI_IMAGES)) + ")")
    return table_name(("plugins", m.CRI_RUNTIME) + ((key,) if key == "cni" else ()))


class ForeignVersionTable(Rule):
    code = "CTD003"
    name = "foreign-version-table"
    summary = "a plugin table or CRI setting belongs to another config version, so containerd ignores it (or fails)"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "Each config version names plugins differently (FACTS §1.1-1.2). containerd 1.x looks "
        "plugin tables up by short id in a version 1 file and by full URI in a version 2 file "
        "(ctd-1.6.20 Config.Decode); containerd 1.6/1.7 refuse to start when a version 2 file has a "
        "plugin key with fewer than four dot parts (`invalid plugin key URI \"cri\" expect "
        "io.containerd.x.vx`, seen with 1.6.20); 1.x has no `io.containerd.cri.v1.*` plugins and "
        "ignores them (1.6.20 `config dump`). containerd 2.x ignores unregistered plugin tables "
        "without a message and, in a version 3+ file, keeps only the streaming settings in "
        "`io.containerd.grpc.v1.cri` (ctd-2.3.4 ServerConfig; from source, not run here). "
        "A version 2 file's `io.containerd.cri.v1.*` tables are merged by 2.x, so that case is "
        "reported only when containerd 1.x may read the file. Fixes: add `version = 2` to a "
        "version 1 file that uses full names (safe when nothing else changes meaning); rename a "
        "short id to its URI (unsafe: the table then takes effect for the first time). "
        "Misplaced SystemdCgroup and sandbox image keys are reported by CTD006 and CTD009."
    )
    seen_in = (
        "containerd/thorrgal__kub_conf__config.toml",
        "containerd/krisnova__kryptid__etc_containerd_config.toml",
        "containerd/markkuleppala__disco__config2.toml",
        "containerd/bigclouds__deployk8s__containerd_config.toml-harbor",
    )
    bad = (
        example("config.toml", """
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, line=1, column=2, fixed="""
            version = 2

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 2
            [plugins.cri.containerd]
              default_runtime_name = "kata"
            [plugins.cri.containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
            """, line=2, column=2, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              default_runtime_name = "kata"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.cri.v1.images".registry]
              config_path = "/etc/containerd/certs.d"
            """, line=2, column=2),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.grpc.v1.cri"]
              stream_server_port = "10010"
              enable_selinux = true
            """, line=4, column=3),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = "/etc/containerd/certs.d"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.grpc.v1.cri"]
              stream_server_port = "10010"
            [plugins."io.containerd.cri.v1.images".registry]
              config_path = "/etc/containerd/certs.d"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.cri.v1.images".registry]
              config_path = "/etc/containerd/certs.d"
            """, containerd_version="2.1.0"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        foreign = m.foreign_plugins(doc)
        if not foreign:
            return
        owned = owned_elsewhere(doc, ctx)
        v = m.config_version(doc)
        plugins = doc.data["plugins"]
        full = [p for p, kind in foreign if kind == m.V1_FULL_URI and _leaves(doc, p)]
        if full and m.may_be_1x(doc, ctx.containerd_version):
            yield self._v1_full(doc, full)
        for path, kind in foreign:
            if kind not in m.WHOLE_TABLE:
                leaves = [p for p in _leaves(doc, path) if p not in owned]
                if not leaves:
                    continue  # nothing here but keys another rule reports
            elif not _leaves(doc, path):
                continue  # an empty table changes nothing
            name = path[1]
            where = table_name(path[:2])
            if kind == m.V1_FULL_URI:
                continue  # reported once for the whole file above
            if kind == m.V2_SHORT_ID:
                uri = m.v1_plugin_uri(name)
                edits = try_edits(lambda: doc.rename(path, uri)) if uri and uri not in plugins else None
                target = f"rename it to {table_name(('plugins', uri))}" if uri else "use the plugin's full URI"
                yield self.finding(
                    doc, anchor(doc, path),
                    f"{where}: `{name}` is a version 1 plugin id but the file says version = 2; "
                    f"containerd 1.6/1.7 refuse to start (invalid plugin key URI) and 2.x ignores the "
                    f"table; {target}", edits, safe=False)
            elif kind == m.V2_V3_CRI:
                if not m.may_be_1x(doc, ctx.containerd_version):
                    continue
                yield self.finding(
                    doc, anchor(doc, path),
                    f"{where} is a version 3 table: containerd 1.x ignores it in a version 2 file "
                    f"(2.x merges it); put these settings under "
                    f"{table_name(('plugins', m.CRI_V2))} or move the whole file to version 3")
            elif kind == m.V3_SHORT_ID:
                uri = m.v1_plugin_uri(name)
                edits = (try_edits(lambda: doc.rename(path, uri))
                         if uri and uri != m.CRI_V2 and uri not in plugins else None)
                yield self.finding(
                    doc, anchor(doc, path),
                    f"{where}: short plugin ids are read only in version 1 files; containerd ignores "
                    f"this table in a version {v} file; use the plugin's full URI"
                    + (f" ({table_name(('plugins', uri))})" if uri else ""), edits, safe=False)
            else:
                key = path[2]
                yield self.finding(
                    doc, anchor(doc, path),
                    f"`{key}` in {where} is a version 2 setting; in a version {v} file that plugin only "
                    f"reads the streaming settings and containerd ignores `{key}`; move it to "
                    f"{_v3_place(key)}")

    def _v1_full(self, doc: Document, paths: List[tuple]) -> Finding:
        names = ", ".join(table_name(p) for p in paths[:3]) + (f" and {len(paths) - 3} more"
                                                              if len(paths) > 3 else "")
        these = "this table" if len(paths) == 1 else "these tables"
        message = (f"{names} use{'s' if len(paths) == 1 else ''} full plugin names, but the file has no "
                   f"`version` line: containerd 1.x reads version 1 files by short plugin id and ignores "
                   f"{these} (2.x reads them); add `version = 2`")
        path = paths[0]
        plan = migration_edits(doc)
        edits: Optional[List[Edit]] = None
        safe = False
        if plan is not None:
            edits = plan[0]
            plugins = doc.data.get("plugins") or {}
            entries = [x for k in ("disabled_plugins", "required_plugins")
                       for x in (doc.data.get(k) or [])]
            rts = lookup(doc, m.runtimes_root(2))
            broken = isinstance(rts, dict) and any(
                isinstance(t, dict) and not t.get("runtime_type") for t in rts.values())
            # only this file's full-URI tables start to count; a runtime table without
            # runtime_type would break pods on 1.x the moment it is read (CTD007)
            safe = not entries and all("." in n for n in plugins) and not broken
        return self.finding(doc, anchor(doc, path), message, edits, safe=safe,
                            description="add version = 2")


RULE = ForeignVersionTable
