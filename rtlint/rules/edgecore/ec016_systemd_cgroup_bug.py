"""EC016: the systemd cgroup driver on a KubeEdge patch release whose keadm could not handle it."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional, Tuple

from ...document import Document
from ...kubeedge import effective_runtime, resolve
from ...rule import WARNING, Context, Finding, Rule, example
from ...versions import Range, Version
from ._common import KINDS, value_span, where

# minor -> first fixed patch (CHANGELOG-1.12 v1.12.5 PR#5103, CHANGELOG-1.13 v1.13.3 PR#5102,
# CHANGELOG-1.14 v1.14.3 PR#5076: "Fix start edgecore failed when using systemd cgroupdriver").
_FIXED_IN = {(1, 12): 5, (1, 13): 3, (1, 14): 3}


def broken_release(v: Optional[Version]) -> Optional[Tuple[Version, Version]]:
    """(version, first fixed version) when v is a patch release with the bug, else None."""
    if v is None or v.patch is None:
        return None
    fixed = _FIXED_IN.get((v.major, v.minor))
    if fixed is None or v.patch >= fixed:
        return None
    return v, Version(v.major, v.minor, fixed)


class SystemdCgroupBug(Rule):
    code = "EC016"
    name = "kubeedge-systemd-cgroup-bug"
    summary = "systemd cgroup driver on KubeEdge 1.12.0–1.12.4, 1.13.0–1.13.2 or 1.14.0–1.14.2 (keadm bug)"
    severity = WARNING
    kinds = KINDS
    kubeedge = Range("1.12", "1.15")
    fix_safety = "none"
    rationale = (
        "keadm join/upgrade/reset of KubeEdge 1.12.0–1.12.4, 1.13.0–1.13.2 and 1.14.0–1.14.2 created their helper "
        "sandbox without a systemd cgroup parent, so with `cgroupDriver: systemd` the join fails with `expected "
        "cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups` even though every config is right "
        "(KE#4969, fixed by PR#5063 and the backports in 1.12.5, 1.13.3, 1.14.3: \"Fix start edgecore failed when "
        "using systemd cgroupdriver\", CHANGELOG-1.12/1.13/1.14; KubeEdge FAQ; FACTS.md §9, incident I-06). "
        "Needs the exact patch version (--kubeedge-version X.Y.Z or edgecoreVersion)."
    )
    seen_in = ()
    errors = (
        'Error: edge node join failed: copy resources failed: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "/k8s.io/<id>" instead: unknown',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, line=6, column=21, kubeedge_version="1.13.1"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, kubeedge_version="1.13.3"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: cgroupfs
            """, kubeedge_version="1.14.0"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        hit = broken_release(res.exact)
        if hit is None or not res.minors:
            return
        driver = effective_runtime(doc, res.minors[0])["cgroup_driver"]
        if driver.value != "systemd" or driver.entry is None:
            return
        version, fixed = hit
        msg = (f"{where(driver.entry.path)} is systemd, and keadm join/upgrade of KubeEdge {version} fail with it "
               f"(`expected cgroupsPath to be of format \"slice:prefix:name\"`); use KubeEdge {fixed} or later"
               f"{res.note}")
        yield self.finding(doc, value_span(doc, driver.entry.path), msg)


RULE = SystemdCgroupBug
