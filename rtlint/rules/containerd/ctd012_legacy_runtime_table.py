"""CTD012: `untrusted_workload_runtime` / `default_runtime` tables, removed in containerd 2.0."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import anchor, table_name


class LegacyRuntimeTable(Rule):
    code = "CTD012"
    name = "legacy-runtime-table"
    summary = "untrusted_workload_runtime / default_runtime are deprecated in containerd 1.x and ignored by 2.x"
    severity = WARNING
    kinds = (kinds.CONTAINERD,)
    fix_safety = "none"
    rationale = (
        "containerd 1.x copies a `containerd.untrusted_workload_runtime` table that sets a "
        "runtime_type into `runtimes.untrusted`, and a `containerd.default_runtime` table into "
        "`runtimes.default`, which then becomes the default runtime; both log a deprecation warning "
        "(E11 and GoatFather013's file with 1.6.20; ctd-1.6.20 pkg/cri/config ValidatePluginConfig). "
        "With both `untrusted_workload_runtime` and `runtimes.untrusted` the CRI plugin fails to load "
        "(`conflicting definitions`, E12). containerd 2.0 removed both tables "
        "(ctd-2.3.4 RELEASES.md, from source): they become unknown keys, so a 2.x node silently runs "
        "pods with `default_runtime_name`'s runtime (by default plain runc, SystemdCgroup false) and "
        "has no untrusted runtime. Define the runtime under `runtimes.<handler>` instead: "
        "`default_runtime_name = \"<handler>\"` for a default, or a handler selected by a Kubernetes "
        "RuntimeClass (`handler: <name>`) for sandboxed workloads. Tables whose runtime_type is "
        "empty, as 1.x `config dump` writes them, are not used and not reported. No fix: the table "
        "and its options would have to move as a whole."
    )
    seen_in = (
        "containerd/GoatFather013__kubestronaut_prep__containerd_config.toml",
        "containerd/dream-build2020__ansible-playbook__etc_containerd_config.toml",
        "containerd/izewfktvy533zjmn__kubernetes-the-hard-way__containerd_config.toml",
        "containerd/jessfraz__dotfiles__etc_containerd_config.toml",
        "containerd/tarvitz__kubernetes__etc_containerd_config.toml",
        "containerd/westonsteimel__dotfiles__etc_containerd_config.toml",
    )
    errors = (
        'Configuration migrated from version 2, use `containerd config migrate` to avoid migration',
        'Ignoring unknown key in TOML for plugin',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.untrusted_workload_runtime]
              runtime_type = "io.containerd.kata.v2"
            """, line=2, column=1),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.default_runtime]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.default_runtime.options]
                SystemdCgroup = true
            """, line=2, column=1),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.untrusted_workload_runtime]
              runtime_type = "io.containerd.kata.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.untrusted]
              runtime_type = "io.containerd.kata.v2"
            """, line=2, column=1),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.untrusted_workload_runtime]
              runtime_type = ""
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.untrusted]
              runtime_type = "io.containerd.kata.v2"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        defined = m.runtimes(doc)
        for rt in m.runtime_refs(doc):
            if not rt.legacy:
                continue
            span = anchor(doc, rt.path)
            if rt.name == "untrusted_workload_runtime":
                if "untrusted" in defined and m.may_be_1x(doc, ctx.containerd_version):
                    f = self.finding(
                        doc, span,
                        f"{table_name(rt.path)} and runtimes.untrusted are both defined: containerd 1.x "
                        f"refuses to load the CRI plugin (conflicting definitions); delete "
                        f"untrusted_workload_runtime and keep runtimes.untrusted")
                    f.severity = ERROR
                    yield f
                    continue
                f = self.finding(
                    doc, span,
                    f"{table_name(rt.path)} is deprecated and containerd 2.0 ignores it; define the "
                    f"runtime as {table_name(m.runtime_table(m.config_version(doc), 'untrusted'))} (or "
                    f"another handler name selected by a RuntimeClass) and delete this table")
            else:
                name, _ = m.default_runtime_name(doc)
                f = self.finding(
                    doc, span,
                    f"{table_name(rt.path)} is deprecated and containerd 2.0 ignores it (pods would run "
                    f"with the {name!r} runtime instead); define it as "
                    f"{table_name(m.runtimes_root(m.config_version(doc)))[:-1]}.<name>] and set "
                    f"default_runtime_name to that name")
            ver = ctx.containerd_version
            if ver is not None and ver.major >= 2:
                f.severity = ERROR
            yield f


RULE = LegacyRuntimeTable
