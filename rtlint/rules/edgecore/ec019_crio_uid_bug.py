"""EC019: CRI-O newer than 1.29.2 with a KubeEdge release whose keadm sandbox has no uid."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ...document import Document
from ...kubeedge import effective_runtime, resolve, socket_path
from ...rule import WARNING, Context, Finding, Rule, example
from ...versions import Version
from ._common import KINDS, key_span, value_span, where

# minor -> first fixed patch: CHANGELOG-1.16 (v1.16.5), -1.17 (v1.17.4), -1.18 (v1.18.2) and -1.19 (v1.19.1,
# PR#5990) "Fix install EdgeCore failed with CRI-O(>v1.29.2) for uid missing" (FACTS.md §9). Earlier minors
# never got the fix; 1.20 and later have it.
FIXED_IN = {(1, 16): 5, (1, 17): 4, (1, 18): 2, (1, 19): 1}
FIRST_FIXED_MINOR = (1, 20)
CRIO_STRICT_AFTER = Version(1, 29, 2)


def affected(v: Optional[Version]) -> Optional[Version]:
    """The first fixed release for v's minor when v has the bug (None: not affected or unknown)."""
    if v is None or v.patch is None or (v.major, v.minor) >= FIRST_FIXED_MINOR:
        return None
    fixed = FIXED_IN.get((v.major, v.minor))
    if fixed is None:
        return Version(1, 16, 5)  # 1.15 and older: no fix on that line
    return Version(v.major, v.minor, fixed) if v.patch < fixed else None


class CrioUidBug(Rule):
    code = "EC019"
    name = "kubeedge-crio-uid-bug"
    summary = "KubeEdge before 1.16.5/1.17.4/1.18.2/1.19.1 with CRI-O newer than 1.29.2: keadm's sandbox is rejected"
    severity = WARNING
    kinds = KINDS
    fix_safety = "none"
    rationale = (
        "keadm join/upgrade runs a helper pod sandbox without a `uid` in its metadata; CRI-O releases after "
        "1.29.2 reject that with `cannot generate pod name without uid in metadata`, so the join fails even "
        "though every config is right (incident I-51, KE#5955; fixed by PR#5960 and its backports: "
        "CHANGELOG-1.16 v1.16.5, -1.17 v1.17.4, -1.18 v1.18.2, -1.19 v1.19.1 \"Fix install EdgeCore failed "
        "with CRI-O(>v1.29.2) for uid missing\"; FACTS.md §9). One of the known-bad version combinations "
        "(incidents §3 N20); the others are EC016 (systemd cgroup driver on 1.12-1.14 patch releases) and "
        "EC017 (containerd older than 1.6 on 1.15+). Needs the exact KubeEdge patch version "
        "(--kubeedge-version X.Y.Z, edgecoreVersion, or node mode) and the CRI-O version (--crio-version, or "
        "node mode on / asks `crio --version`), and edgecore's endpoint must be CRI-O's socket."
    )
    errors = (
        '"RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = setting pod sandbox name and id: cannot generate pod name without uid in metadata"',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                  imageServiceEndpoint: unix:///var/run/crio/crio.sock
            """, line=6, column=33, kubeedge_version="1.19.0", crio_version="1.30.4"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
            """, kubeedge_version="1.19.1", crio_version="1.30.4"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
            """, kubeedge_version="1.18.1", crio_version="1.29.2"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        crio = ctx.crio_version
        if crio is None or crio.key() <= CRIO_STRICT_AFTER.key():
            return
        res = resolve(doc, ctx)
        fixed = affected(res.exact)
        if fixed is None or not res.minors:
            return
        rt = effective_runtime(doc, res.minors[-1])["runtime_endpoint"]
        path = socket_path(rt.value)
        if path is None or path.rsplit("/", 1)[-1] != "crio.sock":
            return
        span = value_span(doc, rt.entry.path) if rt.entry is not None else key_span(doc, rt.path)
        yield self.finding(
            doc, span,
            f"{where(rt.entry.path if rt.entry is not None else rt.path)} is CRI-O's socket, and keadm join/upgrade "
            f"of KubeEdge {res.exact} fail with CRI-O {crio} (`cannot generate pod name without uid in "
            f"metadata`); use KubeEdge {fixed} or later (or CRI-O 1.29.2 or older){res.note}")


RULE = CrioUidBug
