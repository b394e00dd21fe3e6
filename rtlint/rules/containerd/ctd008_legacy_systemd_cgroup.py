"""CTD008: the CRI-wide `systemd_cgroup = true` switch (only for the removed v1 shim)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from ... import kinds
from ...document import Document, Edit
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import driver_safe, runc_runtimes, set_systemd_edits, systemd_value, try_edits

V1_LINUX = "io.containerd.runtime.v1.linux"


def _default_type(doc: Document) -> Optional[str]:
    """runtime_type of the runtime containerd 1.x uses by default."""
    legacy = m.legacy_default_runtime(doc)
    if legacy is not None:
        return legacy.table.get("runtime_type")
    name, _ = m.default_runtime_name(doc)
    t = m.runtimes(doc).get(name)
    return t.get("runtime_type") if t is not None else (m.RUNC_V2 if name == "runc" else None)


class LegacySystemdCgroup(Rule):
    code = "CTD008"
    name = "legacy-systemd-cgroup"
    summary = "`systemd_cgroup = true` in the CRI table breaks the CRI plugin on containerd 1.x, does nothing on 2.x"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "`systemd_cgroup` in the CRI plugin table only ever applied to the v1 shim "
        "`io.containerd.runtime.v1.linux`. With any other default runtime containerd 1.x refuses to "
        "load the CRI plugin (`invalid plugin config: systemd_cgroup only works for runtime "
        "io.containerd.runtime.v1.linux`, E10 with 1.6.20), the daemon keeps running and the kubelet "
        "finds no CRI (`unknown service runtime.v1.RuntimeService`). The field was removed in "
        "containerd 2.0: the key is then an unknown key with no effect (ctd-2.3.4 RELEASES.md, from "
        "source). The intent is systemd cgroups for runc, which is `SystemdCgroup = true` in each runc "
        "runtime's `options`. The fix deletes the switch and sets SystemdCgroup = true in those "
        "options (creating the runc table with its runtime_type when the file has none). It is safe "
        "when the runc options already say true, or when the node's cgroup driver confirms systemd; "
        "with --cgroup-driver cgroupfs only the switch is removed. When the default runtime really is "
        "the v1 shim (1.x only), the switch works there and only a deprecation warning is given."
    )
    seen_in = ("containerd/dream-build2020__ansible-playbook__etc_containerd_config.toml",)
    errors = (
        'level=warning msg="failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: `systemd_cgroup` only works for runtime io.containerd.runtime.v1.linux"',
        'Start edged failed, err: failed to run Kubelet: failed to create kubelet: get remote runtime typed version failed: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.RuntimeService',
        '"Get ImageStatus from image service failed" err="rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService"',
        'Ignoring unknown key in TOML for plugin',
        'Configuration migrated from version 2, use `containerd config migrate` to avoid migration',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              systemd_cgroup = true
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, line=3, column=3, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
              systemd_cgroup = true
            """, line=4, column=3, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              systemd_cgroup = true
              [plugins."io.containerd.grpc.v1.cri".containerd.default_runtime]
                runtime_type = "io.containerd.runtime.v1.linux"
            """, line=3, column=3),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              systemd_cgroup = false
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        v = m.config_version(doc)
        path = m.cri_root(v) + ("systemd_cgroup",)
        entry = doc.entry(path)
        if entry is None or entry.value is not True:
            return
        if v <= 2 and _default_type(doc) == V1_LINUX and m.may_be_1x(doc, ctx.containerd_version):
            f = self.finding(
                doc, entry.key_span or entry.value_span,
                "systemd_cgroup = true works only with the v1 shim io.containerd.runtime.v1.linux, which "
                "containerd 2.0 removed (the key is then ignored); move the default runtime to "
                "io.containerd.runc.v2 with SystemdCgroup = true in its options (see CTD011)")
            f.severity = WARNING
            yield f
            return
        edits, safe = self._fix(doc, path, ctx)
        effect = ("the CRI plugin fails to load on containerd 1.x (`systemd_cgroup` only works for "
                  "runtime io.containerd.runtime.v1.linux) and 2.x ignores the key"
                  if v <= 2 else "containerd 2.x removed this key and ignores it")
        yield self.finding(
            doc, entry.key_span or entry.value_span,
            f"systemd_cgroup = true: {effect}; delete it and set SystemdCgroup = true in the runc "
            f"runtime's options table", edits, safe=safe,
            description="replace systemd_cgroup with SystemdCgroup in runc options")

    def _fix(self, doc: Document, path: tuple, ctx: Context) -> Tuple[Optional[List[Edit]], bool]:
        edits = try_edits(lambda: doc.delete(path))
        if edits is None:
            return None, False
        safe = True
        if ctx.cgroup_driver != "cgroupfs":
            for rt in runc_runtimes(doc, ctx):
                have = systemd_value(doc, rt.options, ctx)
                if have is True:
                    continue
                more = set_systemd_edits(doc, rt, True, ctx)
                if more is None:
                    return None, False
                edits.extend(more)
                safe = safe and driver_safe(True, have, ctx)
        return edits, safe


RULE = LegacySystemdCgroup
