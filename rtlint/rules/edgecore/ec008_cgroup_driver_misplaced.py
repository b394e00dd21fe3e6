"""EC008: `modules.edged.cgroupDriver` (v1alpha1 place) is ignored; the driver comes from tailoredKubeletConfig."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import TAILORED, effective_runtime, written_path
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._common import KINDS, agreed, key_span, quote, set_severity, try_edit, version_safe, where


def _cri_note(res) -> str:
    """From KubeEdge 1.22 (kubelet 1.31) kubelet may take the driver from the runtime instead."""
    if res.all_within(since="1.22"):
        return (" (unless the runtime reports its driver over CRI, which kubelet 1.31+ in KubeEdge 1.22+ "
                "prefers)")
    return ""


class CgroupDriverMisplaced(Rule):
    code = "EC008"
    name = "edgecore-cgroup-driver-misplaced"
    summary = "cgroupDriver is set under modules.edged (v1alpha1 place), where edgecore 1.12+ does not read it"
    severity = ERROR
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "Since the v1alpha2 config (KubeEdge 1.12) edgecore takes the cgroup driver only from "
        "`modules.edged.tailoredKubeletConfig.cgroupDriver` (default `cgroupfs`; keadm `--cgroupdriver` writes "
        "it there, FACTS.md §5, §8). `modules.edged.cgroupDriver` is the v1alpha1 place and is ignored "
        "(FACTS.md §2). A file that says `systemd` there therefore runs edged with cgroupfs against a runtime "
        "using systemd, the classic failure `expected cgroupsPath to be of format \"slice:prefix:name\"` "
        "(incidents I-01, I-05, I-49; KE#5481, KE#2498, PR#6763). From KubeEdge 1.22 the vendored kubelet's "
        "KubeletCgroupDriverFromCRI gate is on and a runtime that reports its driver over CRI overrides the "
        "configured one (docs/facts-verified.md, CNI section), so the failure is certain only before 1.22 or "
        "with runtimes that do not report it; the file is wrong either way. The fix moves the value to "
        "tailoredKubeletConfig when that key is unset (unsafe when it changes the driver), or deletes the "
        "ignored copy when both agree (safe)."
    )
    seen_in = (
        "edgecore/kubeedge__kubeedge__edge-ai-pc_infra_edgecore-config.yaml",
        "edgecore/web-seven__kubeedge-helm__edgecore_default.yaml",
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                cgroupDriver: systemd   # match containerd's SystemdCgroup
                hostnameOverride: edge-1
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                hostnameOverride: edge-1
                tailoredKubeletConfig:
                  cgroupDriver: systemd   # match containerd's SystemdCgroup
            """, unsafe=True, kubeedge_version="1.17"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                cgroupDriver: systemd
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, kubeedge_version="1.17"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                cgroupDriver: systemd
                tailoredKubeletConfig:
                  cgroupDriver: cgroupfs
            """, line=5, column=5, kubeedge_version="1.17"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, kubeedge_version="1.17"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("legacy-v1alpha1",)):
            if a.path[-1] != "cgroupDriver":
                continue
            res = a.res
            entry = doc.entry(a.path)
            legacy = entry.value if entry is not None else None
            eff = effective_runtime(doc, res.minors[-1])["cgroup_driver"]
            here = where(a.path)
            there = where(written_path(doc, list(TAILORED) + ["cgroupDriver"]))
            same = isinstance(legacy, str) and legacy.strip() == eff.value
            edits: Optional[List[Edit]] = None
            safe = False
            severity = None
            if eff.defaulted:
                if same:
                    severity = WARNING
                    msg = (f"{here} is the v1alpha1 place and {res.edgecore()} ignores it; the driver comes from "
                           f"{there}, which is unset and defaults to the same {eff.value}; move it there")
                    safe = True
                else:
                    msg = (f"{here}: {quote(legacy)} is ignored ({res.edgecore()} reads {there}, which is unset, "
                           f"so edged uses the default {eff.value}); if the runtime uses {quote(legacy)}, pods "
                           f"fail to start{_cri_note(res)}; move it to {there}")
                table = written_path(doc, list(TAILORED))
                edits = try_edit(lambda: doc.move(a.path, table, "cgroupDriver"))
            elif same:
                severity = WARNING
                msg = (f"{here} is the v1alpha1 place and {res.edgecore()} ignores it; {there} already says "
                       f"{eff.value}; delete this copy")
                edits = try_edit(lambda: doc.delete(a.path))
                safe = True
            else:
                msg = (f"{here}: {quote(legacy)} is ignored; edgecore uses {there}: {quote(eff.value)}; set the "
                       f"driver the runtime really uses there and delete this key")
            f = self.finding(doc, key_span(doc, a.path), msg + res.note, edits, safe=version_safe(res, safe))
            yield set_severity(f, severity)


RULE = CgroupDriverMisplaced
