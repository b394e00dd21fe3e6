"""EC017: KubeEdge 1.15+ talking to containerd older than 1.6 (no CRI v1)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...kubeedge import effective_runtime, is_containerd, resolve
from ...rule import ERROR, Context, Finding, Rule, example
from ...versions import Range, Version
from ._common import KINDS, key_span, value_span, where

MIN_CONTAINERD = Version(1, 6, 0)


class ContainerdTooOld(Rule):
    code = "EC017"
    name = "kubeedge-containerd-too-old"
    summary = "KubeEdge 1.15+ needs containerd 1.6 or newer (CRI v1)"
    severity = ERROR
    kinds = KINDS
    kubeedge = Range("1.15")
    containerd = Range(None, "1.6")
    fix_safety = "none"
    rationale = (
        "KubeEdge 1.15 embeds kubelet 1.26, which dropped the CRI v1alpha2 API; containerd 1.5 and older serve only "
        "v1alpha2, so edged fails with `CRI v1 runtime API is not implemented for endpoint ... unknown service "
        "runtime.v1.RuntimeService` (CHANGELOG-1.15 \"users need to upgrade the containerd to v1.6.0 or later\"; "
        "website runtime.md; FACTS.md §9; incident I-48). Checked only when the containerd version is known "
        "(--containerd-version or node mode) and edgecore's runtime endpoint is a containerd socket."
    )
    seen_in = ()
    errors = (
        'failed to run Kubelet: validate service connection: CRI v1 runtime API is not implemented for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                  imageServiceEndpoint: unix:///run/containerd/containerd.sock
            """, line=6, column=33, kubeedge_version="1.17.2", containerd_version="1.5.9"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, kubeedge_version="1.17.2", containerd_version="1.6.0"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: unix:///var/run/crio/crio.sock
            """, kubeedge_version="1.17.2", containerd_version="1.5.9"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        have = ctx.containerd_version
        if have is None or have.key() >= MIN_CONTAINERD.key():
            return
        res = resolve(doc, ctx)
        if not res.all_within(since="1.15"):
            return
        if not res.every(lambda m: is_containerd(effective_runtime(doc, m)["runtime_endpoint"].value)):
            return
        rt = effective_runtime(doc, res.minors[-1])["runtime_endpoint"]
        if rt.entry is not None:
            span = value_span(doc, rt.entry.path)
            where_ = f"{where(rt.entry.path)} ({rt.value})"
        else:
            span = key_span(doc, rt.path)
            where_ = f"the default runtime endpoint {rt.value}"
        msg = (f"{res.label()} needs containerd 1.6 or newer, but containerd is {have}; edged will fail on "
               f"{where_} with `unknown service runtime.v1.RuntimeService`; upgrade containerd{res.note}")
        yield self.finding(doc, span, msg)


RULE = ContainerdTooOld
