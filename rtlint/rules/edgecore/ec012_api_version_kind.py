"""EC012: apiVersion/kind are not `edgecore.config.kubeedge.io/v1alpha2` / `EdgeCore`."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import API_VERSION, KIND, resolve
from ...rule import WARNING, Context, Finding, Rule, example
from ...versions import Range
from ._common import KINDS, agreed, quote, try_edit, value_span

_V1ALPHA1 = "edgecore.config.kubeedge.io/v1alpha1"


class ApiVersionKind(Rule):
    code = "EC012"
    name = "edgecore-api-version"
    summary = "edgecore.yaml apiVersion/kind are not edgecore.config.kubeedge.io/v1alpha2 / EdgeCore"
    severity = WARNING
    kinds = KINDS
    kubeedge = Range("1.12")
    fix_safety = "safe"
    rationale = (
        "Every KubeEdge release from 1.12 to 1.23 reads `apiVersion: edgecore.config.kubeedge.io/v1alpha2`, "
        "`kind: EdgeCore` (P1|P2/register.go), but edgecore never compares either (FACTS.md §2): a v1alpha1 file, "
        "or one copied from another component, is read as v1alpha2 and its other keys are dropped without a "
        "word. A wrong header is therefore the visible sign that the file is not what its author thinks. A "
        "`v1alpha1` header means the file was written for KubeEdge 1.11 or older; it is reported without a fix "
        "because its keys need porting (EC007, EC008). Otherwise the fix writes the expected value, which "
        "edgecore ignores anyway (safe)."
    )
    seen_in = (
        "edgecore/DEVANSH049__Edge_mlops__edgecore.yaml",
        "edgecore/zhu733756__kubeedge-upgrade__v1.10.0_config_edgecore.yaml",
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCoreConfig
            modules:
              edged:
                enable: true
            """, line=2, column=7, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                enable: true
            """, kubeedge_version="1.21"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha1
            kind: EdgeCore
            modules:
              edged:
                runtimeType: remote
            """, line=1, column=13, kubeedge_version="1.21"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                enable: true
            """, kubeedge_version="1.21"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        data = doc.data
        if not res.minors or not isinstance(data, dict):
            return
        legacy = bool(agreed(doc, ctx, ("legacy-v1alpha1",)))
        for key, want in (("apiVersion", API_VERSION), ("kind", KIND)):
            entry = doc.entry((key,))
            if entry is None:
                first = next(iter(doc.children(())), None)
                if first is None:
                    continue
                msg = (f"there is no {key}; edgecore does not need it, but every edgecore.yaml KubeEdge writes "
                       f"starts with {key}: {want}, and without it the file may not be an edgecore config at all; "
                       f"add {key}: {want}")
                yield self.finding(doc, first.span, msg)
                continue
            value = entry.value
            if value == want:
                continue
            edits: Optional[List[Edit]] = None
            if key == "apiVersion" and isinstance(value, str) and value.strip() == _V1ALPHA1:
                msg = (f"apiVersion is {value}: this file was written for KubeEdge 1.11 or older; "
                       f"{res.edgecore()} reads it as v1alpha2 and drops every v1alpha1-only key without a word; "
                       f"regenerate it (`edgecore --defaultconfig`, keadm join) or port its keys, then set "
                       f"apiVersion: {want}")
            else:
                msg = (f"{key} is {quote(value)}, not {want}; edgecore does not check it, so check that this file "
                       f"really is an edgecore config, then write {key}: {want}")
                if not legacy:
                    edits = try_edit(lambda: doc.set_value((key,), want))
            yield self.finding(doc, value_span(doc, (key,)), msg, edits)


RULE = ApiVersionKind
