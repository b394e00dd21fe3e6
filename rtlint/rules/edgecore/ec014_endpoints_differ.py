"""EC014: the runtime endpoint and the image endpoint edgecore uses are different sockets."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import effective_runtime, resolve, same_socket, socket_path, written_path
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._common import KINDS, key_span, set_severity, try_edit, value_span, where


class EndpointsDiffer(Rule):
    code = "EC014"
    name = "edgecore-endpoints-differ"
    summary = "edgecore runs containers through one CRI socket and pulls images through another"
    severity = ERROR
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "edged pulls images through the image endpoint and creates containers through the runtime endpoint. "
        "edgecore's defaults set *both* to the containerd socket (`containerRuntimeEndpoint` and "
        "`imageServiceEndpoint` in default_kubelet_configuration.go, 1.16+; `remoteRuntimeEndpoint`/"
        "`remoteImageEndpoint` before), and kubelet only falls back to the runtime endpoint when the image "
        "endpoint is empty. So a file that points only the runtime endpoint at CRI-O or cri-dockerd still pulls "
        "every image into containerd, where the runtime never finds it (ErrImagePull / ImagePullBackOff, "
        "incidents I-27, I-30). keadm join always writes both keys with the same value (FACTS.md §8). The fix "
        "writes the runtime endpoint into the image key when that key was left to its default (unsafe)."
    )
    seen_in = ()
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
            """, line=7, column=7, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: unix:///var/run/crio/crio.sock
            """, unsafe=True, kubeedge_version="1.19"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteImageEndpoint: unix:///run/containerd/containerd.sock
                remoteRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
            """, line=5, column=26, kubeedge_version="1.15"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: unix:///run/crio/crio.sock
            """, kubeedge_version="1.19"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: ""
            """, kubeedge_version="1.19"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        def differ(minor: str) -> bool:
            eff = effective_runtime(doc, minor)
            rt, img = eff["runtime_endpoint"].value, eff["image_endpoint"].value
            # an endpoint that is not a unix socket is EC015's finding, not a mismatch
            return socket_path(rt) is not None and socket_path(img) is not None and not same_socket(rt, img)

        if not res.every(differ):
            return
        eff = effective_runtime(doc, res.minors[-1])
        rt, img = eff["runtime_endpoint"], eff["image_endpoint"]
        edits: Optional[List[Edit]] = None
        severity = None
        if img.defaulted and rt.entry is not None:
            table = written_path(doc, [str(p) for p in img.path[:-1]])
            msg = (f"{where(rt.entry.path)} is {rt.value}, but {where(img.path)} is not set, so edgecore pulls "
                   f"images through its default {img.value}; containers will not find their images; set "
                   f"{img.path[-1]} to {rt.value}")
            edits = try_edit(lambda: doc.insert(table, str(img.path[-1]), rt.value))
            span = key_span(doc, rt.entry.path)
        elif rt.defaulted and img.entry is not None:
            msg = (f"{where(img.entry.path)} is {img.value}, but {where(rt.path)} is not set, so containers run "
                   f"on the default {rt.value}; set {rt.path[-1]} to the runtime you use (usually {img.value})")
            span = value_span(doc, img.entry.path)
        else:
            assert img.entry is not None
            severity = WARNING
            msg = (f"{where(img.entry.path)} ({img.value}) and {where(rt.path)} ({rt.value}) are different "
                   f"sockets; unless one runtime really serves images for the other, make them the same")
            span = value_span(doc, img.entry.path)
        yield set_severity(self.finding(doc, span, msg + res.note, edits), severity)


RULE = EndpointsDiffer
