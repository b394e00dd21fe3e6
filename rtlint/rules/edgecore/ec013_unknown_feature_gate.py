"""EC013: a top-level featureGates name this edgecore does not know; edgecore refuses to start."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import KINDS, agreed, key_span, try_edit


class UnknownFeatureGate(Rule):
    code = "EC013"
    name = "edgecore-feature-gate"
    summary = "featureGates names a gate this edgecore does not have, so edgecore exits at start-up"
    severity = ERROR
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "edgecore applies the top-level `featureGates` map with component-base `SetFromMap`, which rejects any "
        "name it does not know (`unrecognized feature gate`) and edgecore exits (FACTS.md §7.2). Unlike config "
        "keys, gate names are matched exactly. KubeEdge's own gates are few and changed between releases "
        "(`requireAuthorization` 1.12+, `moduleRestart` 1.17+, `disableNodeTaskV1alpha2` 1.21+, "
        "`DisableCSIVolumePlugin` only 1.21 — in 1.22 it moved to `tailoredKubeletConfig.featureGates`); kubelet "
        "gates belong in `modules.edged.tailoredKubeletConfig.featureGates`. The fix only corrects the case of a "
        "gate name this release has."
    )
    seen_in = ()
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            featureGates:
              RequireAuthorization: true
            """, line=4, column=3, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            featureGates:
              requireAuthorization: true
            """, kubeedge_version="1.20"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            featureGates:
              moduleRestart: true
            """, line=4, column=3, kubeedge_version="1.16"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            featureGates:
              moduleRestart: true
              requireAuthorization: true
            """, kubeedge_version="1.17"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("unknown-feature-gate",)):
            name = str(a.path[-1])
            res = a.res
            known: List[str] = []
            for minor in sorted(a.by_minor, reverse=True):
                for s in a.by_minor[minor].suggestions:
                    if s not in known:
                        known.append(s)
            exact = [s for s in known if s.lower() == name.lower()]
            elsewhere = a.same(lambda e: tuple(e.expected) if "(only " in e.message else None)
            edits = None
            if len(exact) == 1 and not doc.has(a.path[:-1] + (exact[0],)):
                hint = f"gate names are case-sensitive: write {exact[0]!r}"
                edits = try_edit(lambda: doc.rename(a.path, exact[0]))
            elif elsewhere:
                hint = ("it exists only in KubeEdge " + ", ".join(str(r).replace("-", "–") for r in elsewhere)
                        + "; remove it or move it to the release that has it")
            elif known:
                hint = "did you mean " + " or ".join(repr(k) for k in known[:3]) + "?"
            else:
                hint = "remove it (kubelet gates go in modules.edged.tailoredKubeletConfig.featureGates)"
            msg = (f"featureGates: {name!r} is not a feature gate of {res.label()}; edgecore exits with "
                   f"`unrecognized feature gate`; {hint}{res.note}")
            yield self.finding(doc, key_span(doc, a.path), msg, edits)


RULE = UnknownFeatureGate
