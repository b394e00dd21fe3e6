"""EC010: dockershim (containerRuntime: docker, dockershim.sock) on KubeEdge 1.14+."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, Iterator, List

from ...document import Document, Entry
from ...kubeedge import CONTAINERD_SOCKET, CRI_DOCKERD_SOCKET, EDGED, effective_runtime, is_dockershim, lookup, \
    resolve
from ...rule import ERROR, Context, Finding, Rule, example
from ...versions import Range
from ._common import KINDS, value_span, where

_FIX_HINT = (f"to keep Docker, install cri-dockerd and use {CRI_DOCKERD_SOCKET}; for containerd use "
             f"{CONTAINERD_SOCKET}")


class DockershimRemoved(Rule):
    code = "EC010"
    name = "edgecore-dockershim-removed"
    summary = "edgecore.yaml still uses dockershim (containerRuntime: docker or dockershim.sock) on KubeEdge 1.14+"
    severity = ERROR
    kinds = KINDS
    kubeedge = Range("1.14")
    fix_safety = "none"
    rationale = (
        "KubeEdge 1.14 removed dockershim (CHANGELOG-1.14; FACTS.md §9): only CRI (`remote`) runtimes are left, "
        "and Docker needs cri-dockerd (`unix:///var/run/cri-dockerd.sock`). On 1.14/1.15 `containerRuntime: docker` "
        "makes edged exit with `unsupported CRI runtime: \"docker\", only \"remote\" is currently supported` "
        "(KE#5087); from 1.16 the key is not passed to edged and from 1.18 it is gone, so the node silently talks "
        "to whatever endpoint is configured (by default containerd). An endpoint at `dockershim.sock` points at a "
        "socket nothing serves any more. Incidents I-44 (KE#5087, KE#4621, KE#4589, keink PR#16). No automatic "
        "fix: the right socket depends on which runtime is installed."
    )
    seen_in = ()
    errors = (
        'Start edged failed, err: failed to run Kubelet: unsupported CRI runtime: "docker", only "remote" is currently supported',
        'validate service connection: validate CRI v1 runtime API for endpoint "unix:///var/run/dockershim.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /var/run/dockershim.sock: connect: no such file or directory"',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: docker
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, line=5, column=23, kubeedge_version="1.14"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/dockershim.sock
                  imageServiceEndpoint: unix:///var/run/dockershim.sock
            """, line=6, column=33, kubeedge_version="1.19"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: docker
                dockerEndpoint: unix:///var/run/docker.sock
                remoteRuntimeEndpoint: unix:///var/run/dockershim.sock
            """, kubeedge_version="1.13"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
                  imageServiceEndpoint: unix:///var/run/cri-dockerd.sock
            """, kubeedge_version="1.19"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        if not res.all_within(since="1.14"):
            return
        rt = lookup(doc, list(EDGED) + ["containerRuntime"])
        if rt is not None and isinstance(rt.value, str) and rt.value.strip().lower() == "docker":
            if res.all_within(until="1.16"):
                effect = 'edged exits with `unsupported CRI runtime: "docker"`'
            else:
                eff = effective_runtime(doc, res.minors[-1])["runtime_endpoint"].value
                effect = (f"{res.edgecore()} no longer reads the key and talks to the CRI endpoint "
                          f"{eff} instead")
            msg = (f"{where(rt.path)}: docker — dockershim was removed in KubeEdge 1.14 and {effect}; "
                   f"{_FIX_HINT}" + ("; and set containerRuntime: remote" if res.all_within(until="1.18") else
                                      "; and delete containerRuntime (removed in 1.18)") + res.note)
            yield self.finding(doc, value_span(doc, rt.path), msg)
        read: Dict[int, Entry] = {}
        counts: Dict[int, int] = {}
        for minor in res.minors:
            eff = effective_runtime(doc, minor)
            seen: List[int] = []
            for name in ("runtime_endpoint", "image_endpoint"):
                e = eff[name].entry
                if e is not None and id(e) not in seen and isinstance(e.value, str) and is_dockershim(e.value):
                    seen.append(id(e))
                    read[id(e)] = e
                    counts[id(e)] = counts.get(id(e), 0) + 1
        for key, e in sorted(read.items(), key=lambda kv: kv[1].value_span.start):
            if counts[key] != len(res.minors):
                continue
            msg = (f"{where(e.path)} is {e.value}, but dockershim was removed in KubeEdge 1.14 and nothing "
                   f"serves that socket; {_FIX_HINT}{res.note}")
            yield self.finding(doc, value_span(doc, e.path), msg)


RULE = DockershimRemoved
