"""EC015: a CRI endpoint edged cannot dial as written (no unix:// scheme, unix://relative, npipe, tcp, empty)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Optional, Tuple

from ...document import Document, Edit, Entry
from ...kubeedge import effective_runtime, minor_key, resolve
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._common import KINDS, set_severity, try_edit, value_span, where


def _problem(value: str, runtime: bool, minors: List[str]) -> Optional[Tuple[str, Optional[str], str]]:
    """(what is wrong, fixed value or None, severity) for one endpoint value, or None when it is fine."""
    if value == "":
        if runtime and all(minor_key(m) >= (1, 16) for m in minors):
            return ("is empty; kubelet refuses to start (`the containerRuntimeEndpoint was not specified or "
                    "empty`); set the runtime's socket, e.g. unix:///run/containerd/containerd.sock", None, ERROR)
        return None
    stripped = value.strip().strip("'\"").strip()
    if stripped != value:
        return (f"has blanks or quote characters around the address, so kubelet dials {value!r} literally; "
                f"write {stripped}", stripped, ERROR)
    if "://" in value:
        scheme, rest = value.split("://", 1)
        if scheme == "unix":
            if rest.startswith("/"):
                return None
            host = rest.split("/", 1)[0]
            return (f"has only two slashes: kubelet reads {host!r} as a host name and dials "
                    f"/{rest.split('/', 1)[1] if '/' in rest else ''} instead of /{rest}; write unix:///{rest}",
                    f"unix:///{rest}", ERROR)
        if scheme == "npipe":
            return ("is a Windows named pipe; edgecore on Linux talks to the runtime over a unix socket "
                    "(unix:///run/containerd/containerd.sock, unix:///var/run/crio/crio.sock, …)", None, ERROR)
        return (f"uses {scheme}://, but kubelet only supports unix sockets (`only support unix socket endpoint`); "
                f"use the runtime's unix:/// socket", None, ERROR)
    if value.startswith("unix:"):
        return None  # unix:/run/x.sock parses as a unix URL with that path
    if value.startswith("/"):
        return (f"has no scheme; kubelet still dials it as a unix socket but logs that this form is deprecated; "
                f"write unix://{value}", f"unix://{value}", WARNING)
    return ("is neither a unix:/// URL nor an absolute path; write the socket as unix:///path/to/socket",
            None, ERROR)


class EndpointFormat(Rule):
    code = "EC015"
    name = "edgecore-endpoint-format"
    summary = "a CRI endpoint in edgecore.yaml is not a unix:/// socket URL edged can dial"
    severity = ERROR
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "edged hands the endpoints to kubelet's dialer (pkg/kubelet/util/util_unix.go): `unix://` takes the URL "
        "*path*, so `unix://var/run/crio/crio.sock` dials `/run/crio/crio.sock` (the `var` became a host name); "
        "`tcp://` and any other scheme are refused (`only support unix socket endpoint`); a bare path still works "
        "but is deprecated and logged. `npipe://` is the Windows default (KubeEdge 1.15+ Windows builds) and means "
        "nothing on Linux. From KubeEdge 1.16 (kubelet 1.27) an empty containerRuntimeEndpoint fails kubelet's "
        "validation (FACTS.md §7.3). Only endpoints edgecore actually reads are checked. The scheme fix for a "
        "bare absolute path is safe (same socket); the other fixes change the socket dialled and are unsafe."
    )
    seen_in = ()
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: /run/containerd/containerd.sock
                  imageServiceEndpoint: unix:///run/containerd/containerd.sock
            """, line=6, column=33, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                  imageServiceEndpoint: unix:///run/containerd/containerd.sock
            """, kubeedge_version="1.20"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix://var/run/crio/crio.sock
                  imageServiceEndpoint: unix://var/run/crio/crio.sock
            """, line=6, column=33, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: unix:///var/run/crio/crio.sock
            """, unsafe=True, kubeedge_version="1.20"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteRuntimeEndpoint: npipe://./pipe/containerd-containerd
                remoteImageEndpoint: npipe://./pipe/containerd-containerd
            """, line=5, column=28, kubeedge_version="1.15"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: ""
            """, kubeedge_version="1.20"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        if not res.minors:
            return
        read: Dict[int, Tuple[Entry, bool]] = {}
        counts: Dict[int, int] = {}
        for minor in res.minors:
            eff = effective_runtime(doc, minor)
            seen: List[int] = []
            for name in ("runtime_endpoint", "image_endpoint"):
                e = eff[name].entry
                if e is None or id(e) in seen or not isinstance(e.value, str):
                    continue
                seen.append(id(e))
                runtime = name == "runtime_endpoint" or read.get(id(e), (e, False))[1]
                read[id(e)] = (e, runtime)
                counts[id(e)] = counts.get(id(e), 0) + 1
        for key, (e, runtime) in sorted(read.items(), key=lambda kv: kv[1][0].value_span.start):
            if counts[key] != len(res.minors):
                continue
            problem = _problem(e.value, runtime, list(res.minors))
            if problem is None:
                continue
            what, fixed, severity = problem
            edits: Optional[List[Edit]] = None
            if fixed is not None:
                edits = try_edit(lambda: doc.set_value(e.path, fixed))
            safe = fixed is not None and severity == WARNING
            f = self.finding(doc, value_span(doc, e.path), f"{where(e.path)}: {e.value!r} {what}{res.note}",
                             edits, safe=safe)
            yield set_severity(f, severity)


RULE = EndpointFormat
