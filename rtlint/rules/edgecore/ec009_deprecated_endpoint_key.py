"""EC009: `modules.edged.remoteRuntimeEndpoint`/`remoteImageEndpoint` on KubeEdge 1.16+, where they are shadowed or ignored."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import EDGED, TAILORED, effective_runtime, is_dockershim, lookup, minor_key, resolve, \
    same_socket, written_path
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...versions import Range
from ._common import KINDS, key_span, quote, set_severity, try_edit, version_safe, where

# old key -> (new key, name in effective_runtime)
_PAIRS = (
    ("remoteRuntimeEndpoint", "containerRuntimeEndpoint", "runtime_endpoint"),
    ("remoteImageEndpoint", "imageServiceEndpoint", "image_endpoint"),
)


class DeprecatedEndpointKey(Rule):
    code = "EC009"
    name = "edgecore-deprecated-endpoint-key"
    summary = "remoteRuntimeEndpoint/remoteImageEndpoint are not what edgecore 1.16+ uses"
    severity = ERROR
    kinds = KINDS
    kubeedge = Range("1.16")
    fix_safety = "unsafe"
    rationale = (
        "From KubeEdge 1.16 edged takes the CRI endpoints from `tailoredKubeletConfig.containerRuntimeEndpoint` "
        "and `imageServiceEndpoint`; the old `modules.edged.remoteRuntimeEndpoint`/`remoteImageEndpoint` are read "
        "only when containerRuntimeEndpoint is empty (edge/pkg/edged/config/config.go at v1.16/v1.17), and 1.18 "
        "removed them. Because edgecore's defaults already set containerRuntimeEndpoint to the containerd "
        "socket, a 1.16/1.17 file that names cri-dockerd or CRI-O only in the old key is silently overridden by "
        "containerd (FACTS.md §4.1) — the file says one runtime, edged talks to another. The fix moves the value "
        "to the new key (`doc.move`, comments included): unsafe when it changes the endpoint edged uses, safe "
        "when the value is the one already in effect. When the new key is set, the old one is only clutter and "
        "is deleted (safe)."
    )
    seen_in = ()
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: remote
                # cri-dockerd, see KE#4843
                remoteRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, line=7, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: remote
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  # cri-dockerd, see KE#4843
                  containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
            """, unsafe=True, kubeedge_version="1.17"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, kubeedge_version="1.19"),
    )
    good = (
        # keadm 1.16/1.17 writes both keys with the same socket: harmless on those releases
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
            """, kubeedge_version="1.16"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                remoteRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
            """, kubeedge_version="1.15"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        if not res.all_within(since="1.16"):
            return
        for old, new, eff_name in _PAIRS:
            entry = lookup(doc, list(EDGED) + [old])
            if entry is None or not isinstance(entry.value, str):
                continue
            value = entry.value
            ignored = []  # per minor: (effective setting, whether the old key is dead)
            for minor in res.minors:
                eff = effective_runtime(doc, minor)[eff_name]
                ignored.append((minor, eff, eff.entry is not entry))
            if not all(dead for _, _, dead in ignored):
                continue  # some candidate (1.16/1.17 with an empty containerRuntimeEndpoint) still reads it
            eff = ignored[-1][1]
            differs = not same_socket(value, eff.value)
            old_only = all(minor_key(m) <= (1, 17) for m, _, _ in ignored)
            if old_only and not differs:
                continue  # keadm 1.16/1.17 output: both keys name the same socket
            here = where(entry.path)
            new_path = written_path(doc, list(TAILORED) + [new])
            new_entry = lookup(doc, list(TAILORED) + [new])
            dockershim = is_dockershim(value)
            edits: Optional[List[Edit]] = None
            safe = False
            severity = None
            if old_only:
                why = "is only a fallback since KubeEdge 1.16"
            elif all(minor_key(m) >= (1, 18) for m, _, _ in ignored):
                why = "was removed in KubeEdge 1.18"
            else:
                why = "is deprecated since KubeEdge 1.16 and removed in 1.18"
            if new_entry is None:
                if differs:
                    msg = (f"{here} {why}; {where(new_path)} is not set, so {res.edgecore()} uses the default "
                           f"{eff.value} instead of {quote(value)}")
                else:
                    severity = WARNING
                    msg = f"{here} {why} and {res.edgecore()} does not read it"
                if dockershim:
                    msg += "; dockershim no longer exists either: use cri-dockerd (unix:///var/run/cri-dockerd.sock)"
                else:
                    msg += f"; move it to {where(new_path)}"
                    table = written_path(doc, list(TAILORED))
                    edits = try_edit(lambda: doc.move(entry.path, table, new))  # type: ignore[union-attr]
                    safe = not differs
            else:
                severity = WARNING
                msg = (f"{here} {why}; {res.edgecore()} ignores it and uses {where(new_entry.path)}: "
                       f"{quote(new_entry.value)}; delete {old}")
                edits = try_edit(lambda: doc.delete(entry.path))  # type: ignore[union-attr]
                safe = True
            f = self.finding(doc, key_span(doc, entry.path), msg + res.note, edits, safe=version_safe(res, safe))
            yield set_severity(f, severity)


RULE = DeprecatedEndpointKey
