"""EC011: `modules.edged.containerRuntime` is not a runtime type the release accepts (or missing on 1.12)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import EDGED, effective_runtime, is_dockershim, lookup, resolve, written_path
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...versions import Range
from ._common import KINDS, key_span, quote, set_severity, try_edit, value_span, where

# Names people write for a CRI runtime; all of them mean "remote" to edged.
_CRI_NAMES = {"containerd", "cri-o", "crio", "isulad", "cri-dockerd", "cri", "runc", "crun", "kata"}


def _allowed(minor: str) -> tuple:
    return ("docker", "remote") if minor in ("1.12", "1.13") else ("remote",)


class ContainerRuntimeValue(Rule):
    code = "EC011"
    name = "edgecore-container-runtime"
    summary = "containerRuntime is not `remote` (or `docker` on 1.12/1.13), or is missing on 1.12 with a CRI endpoint"
    severity = ERROR
    kinds = KINDS
    kubeedge = Range(None, "1.18")
    fix_safety = "unsafe"
    rationale = (
        "`modules.edged.containerRuntime` selects the runtime *type*, not the runtime: `docker` (dockershim, "
        "1.12–1.13 only) or `remote` (any CRI runtime: containerd, CRI-O, cri-dockerd, iSulad). KubeEdge 1.12–1.15 "
        "pass it to the embedded kubelet, which refuses other values (`unsupported CRI runtime`; FACTS.md §7.3, and "
        "the vendored kubelet options.go at v1.14.0/v1.15.0, docs/facts-verified.md); "
        "1.16–1.17 keep the key only as deprecated and edged no longer reads it; 1.18 removed it (EC006). In 1.12 "
        "the default is still `docker`, so a containerd or CRI-O node that sets only the endpoint keeps running "
        "dockershim (FACTS.md §1, §12 rule 4; keadm docs: \"set --runtimetype=remote\"). `docker` on 1.14+ is "
        "EC010. The fix writes `remote` (unsafe: it changes what edged starts)."
    )
    seen_in = ()
    errors = (
        'Start edged failed, err: failed to run Kubelet: unsupported CRI runtime: "docker", only "remote" is currently supported',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: containerd
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, line=5, column=23, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: remote
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, unsafe=True, kubeedge_version="1.14"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteImageEndpoint: unix:///run/containerd/containerd.sock
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, line=6, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteImageEndpoint: unix:///run/containerd/containerd.sock
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
                containerRuntime: remote
            """, unsafe=True, kubeedge_version="1.12.7"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: remote
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, kubeedge_version="1.12"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: docker
            """, kubeedge_version="1.13"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        if not res.all_within(until="1.18"):
            return
        entry = lookup(doc, list(EDGED) + ["containerRuntime"])
        if entry is None:
            yield from self._missing_on_112(doc, res)
            return
        value = entry.value
        text = value.strip().lower() if isinstance(value, str) else None
        if text == "docker" and res.all_within(since="1.14"):
            return  # EC010
        if not res.every(lambda m: text not in _allowed(m)):
            return
        ignored = res.all_within(since="1.16")
        allowed = " or ".join(sorted({a for m in res.minors for a in _allowed(m)}))
        if ignored:
            msg = (f"{where(entry.path)}: {quote(value)} is not a runtime type (only {allowed}); edged has "
                   f"ignored this deprecated key since 1.16, so it does no harm, but it does not select "
                   f"{quote(value)} either: the endpoint does")
        else:
            msg = (f"{where(entry.path)}: {quote(value)} is not a runtime type; {res.edgecore()} accepts only "
                   f"{allowed} and edged refuses to start (`unsupported CRI runtime`)")
        edits: Optional[List[Edit]] = None
        if text in _CRI_NAMES:
            msg += "; every CRI runtime is `remote`, chosen by the endpoint: write remote"
            edits = try_edit(lambda: doc.set_value(entry.path, "remote"))
        f = self.finding(doc, value_span(doc, entry.path), msg + res.note, edits, safe=ignored)
        yield set_severity(f, WARNING if ignored else None)

    def _missing_on_112(self, doc: Document, res) -> Iterator[Finding]:
        if not res.every(lambda m: m == "1.12"):
            return
        eff = effective_runtime(doc, "1.12")["runtime_endpoint"]
        if eff.entry is None or not isinstance(eff.value, str) or is_dockershim(eff.value):
            return
        table = written_path(doc, list(EDGED))
        msg = (f"containerRuntime is not set, and KubeEdge 1.12 defaults it to docker (dockershim), so "
               f"edged runs dockershim instead of talking to {where(eff.entry.path)}: {eff.value}; "
               f"add containerRuntime: remote"
               f"{res.note}")
        edits = try_edit(lambda: doc.insert(table, "containerRuntime", "remote"))
        yield self.finding(doc, key_span(doc, eff.entry.path), msg, edits)


RULE = ContainerRuntimeValue
