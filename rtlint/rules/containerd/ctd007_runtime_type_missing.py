"""CTD007: a runtime table without `runtime_type`."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import anchor, insert, table_name, try_edits


class RuntimeTypeMissing(Rule):
    code = "CTD007"
    name = "runtime-type-missing"
    summary = "a runtime table has no runtime_type, so containerd starts that runtime with an empty type"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "containerd 1.x decodes the config with go-toml v1, which replaces a runtime's whole map "
        "entry with what the file says: a file that writes only `[...runtimes.runc.options]` "
        "leaves runc with `runtime_type = \"\"` (E8, seen with 1.6.20 `config dump`, also for a "
        "`[...runtimes.runc]` table without the key). With an empty type containerd cannot create "
        "containers (`container.Runtime.Name must be set`, ctd-1.6.20 metadata/containers.go; from "
        "source) and the options are no longer decoded as runc options. containerd 2.x updates "
        "the built-in `runc` entry instead of replacing it, so there only runtimes other than `runc` "
        "are affected (go-toml v2, from source). The fix adds `runtime_type = "
        "\"io.containerd.runc.v2\"` to runtimes that are runc by name or by their options "
        "(BinaryName, SystemdCgroup, ...): that is the type such a table was written for and what "
        "2.x already uses for `runc`. Other runtimes need their own shim type, so no fix is offered."
    )
    seen_in = ("containerd/mmalikli__ansible-kubernetes-cluster__config.toml",)
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, line=2, column=2, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.gvisor]
              privileged_without_host_devices = true
            """, line=2, column=1),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = true
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        on_1x = m.may_be_1x(doc, ctx.containerd_version)
        for rt in m.runtime_refs(doc, legacy=False):
            rtype = rt.table.get("runtime_type")
            if isinstance(rtype, str) and rtype:
                continue
            if rtype is not None and not isinstance(rtype, str):
                continue  # a wrong type is for the schema rule
            if rt.name == "runc" and not on_1x:
                continue  # 2.x keeps the built-in runc type
            runc = m.runc_like(rt.name, rt.table)
            edits = None
            if runc:
                edits = (try_edits(lambda: doc.set_value(rt.path + ("runtime_type",), m.RUNC_V2))
                         if rtype is not None else
                         try_edits(lambda: insert(doc, rt.path, "runtime_type", m.RUNC_V2)))
            where = doc.entry(rt.path + ("runtime_type",))
            span = where.value_span if where is not None else anchor(doc, rt.path)
            what = "sets an empty runtime_type" if rtype is not None else "has no runtime_type"
            todo = ('add runtime_type = "io.containerd.runc.v2"' if runc
                    else "add the runtime_type of its shim (for example io.containerd.kata.v2)")
            yield self.finding(
                doc, span,
                f"runtime {rt.name!r} {what}: containerd would run it with an empty type and fail to "
                f"create containers; {todo} to {table_name(rt.path)}", edits)


RULE = RuntimeTypeMissing
