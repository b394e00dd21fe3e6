"""CTD001: the CRI plugin is listed in `disabled_plugins`."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes.containerd import CRI_V2

CRI_NAMES = ("cri", CRI_V2)


class CriPluginDisabled(Rule):
    code = "CTD001"
    name = "cri-plugin-disabled"
    summary = "containerd's CRI plugin is disabled, so EdgeCore cannot reach a runtime"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "Docker's containerd.io package ships `disabled_plugins = [\"cri\"]`. containerd then starts "
        "without the CRI services and edged fails with `unknown service runtime.v1.RuntimeService`. "
        "Both spellings disable it: `cri` (matched against the plugin id) and "
        "`io.containerd.grpc.v1.cri` (the full URI). The fix removes the entry."
    )
    seen_in = (
        "containerd/Daiki48__dotfiles__etc_containerd_config.toml",
        "containerd/Idein__containerd.io-for-raspbian__etc_containerd_config.toml",
    )
    errors = (
        '"Get ImageStatus from image service failed" err="rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService"',
        'Error: edge node join failed: pull Images failed: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService',
        'Error: edge node join failed: validate service connection: validate CRI v1 image API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = unknown service runtime.v1.ImageService',
        'Start edged failed, err: failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService',
        'Start edged failed, err: failed to run Kubelet: failed to create kubelet: get remote runtime typed version failed: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.RuntimeService',
        'containerd: failed to load TOML from ./disable_cri.toml: invalid disabled plugin URI "cri" expect io.containerd.x.vx',
    )
    bad = (
        example("config.toml", """
            #   Copyright 2018-2022 Docker Inc.
            disabled_plugins = ["cri"]
            """, line=2, column=21, fixed="""
            #   Copyright 2018-2022 Docker Inc.
            disabled_plugins = []
            """),
        example("config.toml", """
            version = 2
            disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.grpc.v1.cri"]
            """, line=2, column=54, fixed="""
            version = 2
            disabled_plugins = ["io.containerd.internal.v1.opt"]
            """),
    )
    good = (
        example("config.toml", """
            version = 2
            disabled_plugins = []
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for item in doc.children(("disabled_plugins",)):
            if item.value in CRI_NAMES:
                yield self.finding(
                    doc, item.value_span,
                    f"the CRI plugin is disabled by {item.value!r} in disabled_plugins; remove it so "
                    f"EdgeCore can talk to containerd",
                    doc.delete(item.path))


RULE = CriPluginDisabled
