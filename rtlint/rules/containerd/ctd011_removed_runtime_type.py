"""CTD011: a runtime uses a shim that containerd 2.0 removed."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...runtimes import containerd as m
from .ctd013_kata_runtime_type import looks_kata
from ._common import lookup, table_name, try_edits

V1_LINUX = "io.containerd.runtime.v1.linux"
_V1_ONLY = ("runtime_engine", "runtime_root", "no_pivot")


class RemovedRuntimeType(Rule):
    code = "CTD011"
    name = "removed-runtime-type"
    summary = "a runtime uses io.containerd.runc.v1 or io.containerd.runtime.v1.linux, which containerd 2.0 removed"
    severity = WARNING
    kinds = (kinds.CONTAINERD,)
    fix_safety = "unsafe"
    rationale = (
        "The shims `io.containerd.runc.v1` and `io.containerd.runtime.v1.linux` were deprecated in "
        "containerd 1.x and removed in 2.0; `io.containerd.runc.v2` replaces both (ctd-2.3.4 "
        "docs/containerd-2.0.md and RELEASES.md; from source, not run: only 1.6.20 is available here, "
        "and it still accepts them). On a 2.x node such a runtime cannot start containers. The fix "
        "sets io.containerd.runc.v2. It is unsafe: a running node switches shims, and the v1 shim "
        "read its cgroup driver from the CRI-wide systemd_cgroup while runc.v2 reads options, so the "
        "fix is not offered when the table uses v1-only settings (runtime_engine, runtime_root, "
        "no_pivot), has options, or the CRI plugin still sets systemd_cgroup = true (CTD008)."
    )
    seen_in = (
        "containerd/angolarti__kubernetes-vagrant__containerd_config.toml",
        "containerd/izewfktvy533zjmn__kubernetes-the-hard-way__containerd_config.toml",
        "containerd/jessfraz__dotfiles__etc_containerd_config.toml",
        "containerd/tarvitz__kubernetes__etc_containerd_config.toml",
    )
    errors = (
        'Configuration migrated from version 2, use `containerd config migrate` to avoid migration',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v1"
            """, line=3, column=18, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.default_runtime]
              runtime_type = "io.containerd.runtime.v1.linux"
              runtime_engine = "/usr/local/bin/runc"
            """, line=3, column=18),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        v = m.config_version(doc)
        cri_switch = lookup(doc, m.cri_root(v) + ("systemd_cgroup",)) is True
        for rt in m.runtime_refs(doc):
            rtype = rt.table.get("runtime_type")
            if rtype not in m.REMOVED_SHIMS or (looks_kata(rt.name, rt.table) and not rt.table.get("runtime_path")):
                continue  # a Kata runtime wants a Kata type, not runc.v2: CTD013 says so
            entry = doc.entry(rt.path + ("runtime_type",))
            if entry is None:
                continue
            blocked = (any(rt.table.get(k) for k in _V1_ONLY)
                       or (rtype == V1_LINUX and (bool(rt.table.get("options")) or cri_switch)))
            edits = None if blocked else try_edits(lambda: doc.set_value(entry.path, m.RUNC_V2))
            f = self.finding(
                doc, entry.value_span,
                f"runtime {rt.name!r} in {table_name(rt.path)} uses {rtype}, which containerd 2.0 removed; "
                f"use runtime_type = \"io.containerd.runc.v2\" (runc settings go in its options table)",
                edits)
            ver = ctx.containerd_version
            if v >= 3 or (ver is not None and ver.major >= 2):
                f.severity = ERROR
            yield f


RULE = RemovedRuntimeType
