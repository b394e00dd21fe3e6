"""EC002: a key that matches a field only when case is ignored."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...rule import WARNING, Context, Finding, Rule, example
from ._common import KINDS, agreed, key_span, try_edit, where


class KeyCase(Rule):
    code = "EC002"
    name = "edgecore-key-case"
    summary = "an edgecore.yaml key differs from the field name only in upper/lower case"
    severity = WARNING
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "edgecore's decoder (sigs.k8s.io/yaml, then Go's encoding/json) matches keys case-insensitively "
        "(FACTS.md §2), so `edgeD` or `RemoteRuntimeEndpoint` are still read. Tools that match exactly do not "
        "see them: `keadm join --set` paths, editor schemas, scripts that grep or sed the file. When two "
        "spellings of one key are present, edgecore reads both into the same field and the one that sorts last "
        "wins for plain values, which is rarely what the author meant. The fix renames the key to the field's "
        "exact spelling; edgecore reads the file the same way afterwards."
    )
    seen_in = ("edgecore/DEVANSH049__Edge_mlops__edgecore.yaml",)
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  CgroupDriver: systemd
            """, line=6, column=7, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, kubeedge_version="1.20"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, kubeedge_version="1.20"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("case",)):
            exact = a.same(lambda e: e.expected)
            if not isinstance(exact, str):
                continue
            name = str(a.path[-1])
            parent = a.path[:-1]
            if doc.has(parent + (exact,)):
                msg = (f"{where(parent)} has both {name!r} and {exact!r}; edgecore reads both into {exact!r} "
                       f"(for plain values the spelling that sorts last wins); merge them under {exact!r}"
                       f"{a.res.note}")
                yield self.finding(doc, key_span(doc, a.path), msg)
                continue
            msg = (f"key {name!r} in {where(parent)} should be spelled {exact!r}: edgecore still reads it "
                   f"(it ignores case), but tools that match keys exactly do not; rename it{a.res.note}")
            yield self.finding(doc, key_span(doc, a.path), msg, try_edit(lambda: doc.rename(a.path, exact)))


RULE = KeyCase
