"""CTD005: runc's SystemdCgroup does not match the node's cgroup driver."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import (anchor, misplaced_systemd_keys, runc_runtimes, set_systemd_edits, systemd_value,
                      table_name, written_systemd_key)


class SystemdCgroupMismatch(Rule):
    code = "CTD005"
    name = "systemd-cgroup-mismatch"
    summary = "runc's SystemdCgroup disagrees with the node's cgroup driver"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "kubelet (edged) and the runtime must use the same cgroup driver; otherwise pods fail or "
        "end up outside the cgroup tree the kubelet manages. For runc runtimes containerd takes the "
        "driver from `SystemdCgroup` in `[...containerd.runtimes.<name>.options]`, false when unset "
        "(FACTS §1.2-1.3; 1.6.20 `config default`). containerd 2.x also reports it to the kubelet "
        "from the runc-based runtimes, starting with the default one, so all of them should agree "
        "(ctd-2.3.4 docs/cri/config.md). Every runc-based runtime is checked, plus containerd's "
        "built-in `runc` when it is the default and the file does not define it. The fix sets or "
        "adds the key in the options table of this file's config version; a runtime table the file "
        "lacks is created with `runtime_type = \"io.containerd.runc.v2\"`, because containerd 1.x "
        "replaces the whole runtime entry and would otherwise leave its type empty (E8, 1.6.20). "
        "Runs only when the cgroup driver is known; a SystemdCgroup that containerd ignores is "
        "CTD006's to move first."
    )
    seen_in = ("containerd/createcandle__configuration-files__etc_containerd_config.toml",)
    errors = (
        'Error: edge node join failed: copy resources failed: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "/k8s.io/<id>" instead: unknown',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
            """, line=5, column=21, cgroup_driver="systemd", fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = true
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            """, line=2, column=1, cgroup_driver="systemd", fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            """, line=2, column=1, cgroup_driver="systemd", fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, line=3, column=19, cgroup_driver="cgroupfs", fixed="""
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
              SystemdCgroup = false
            """),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, cgroup_driver="systemd"),
        example("config.toml", """
            version = 2
            """, cgroup_driver="cgroupfs"),
        example("config.toml", """
            version = 2
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if ctx.cgroup_driver not in ("systemd", "cgroupfs"):
            return
        if m.cri_elsewhere(doc):
            return  # the CRI settings sit in a table this version ignores (CTD003)
        want = ctx.cgroup_driver == "systemd"
        pending = {k.target for k in misplaced_systemd_keys(doc, ctx)}
        for rt in runc_runtimes(doc, ctx):
            if rt.options in pending:
                continue  # CTD006 moves the ignored key here first
            have = systemd_value(doc, rt.options, ctx)
            if have is None or have == want:
                continue
            written = written_systemd_key(doc, rt.options, ctx)
            span = doc.entry(written).value_span if written else anchor(doc, rt.options)
            state = "is false (the default when it is not set)" if not have else "is true"
            yield self.finding(
                doc, span,
                f"runtime {rt.name!r}: SystemdCgroup {state} but the node uses the {ctx.cgroup_driver} "
                f"cgroup driver; set SystemdCgroup = {str(want).lower()} in {table_name(rt.options)}",
                set_systemd_edits(doc, rt, want, ctx))


RULE = SystemdCgroupMismatch
