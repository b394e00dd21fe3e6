"""EC003: a value of the wrong type (or null, a bad duration, a number out of range)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...edgecore_schema import get_validator
from ...kubeedge import minor_key
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._common import KINDS, agreed, set_severity, value_span


def _is_duration(minor: str, path) -> bool:
    schema = get_validator(minor).field_schema(path) or {}
    return "Duration" in str(schema.get("x-goType", ""))


class ValueType(Rule):
    code = "EC003"
    name = "edgecore-value-type"
    summary = "an edgecore.yaml value has the wrong type, is null, or is not a valid duration/number"
    severity = ERROR
    kinds = KINDS
    fix_safety = "none"
    rationale = (
        "edgecore decodes the file into typed Go structs (P1|P2/types.go). A list where a string belongs, a "
        "number for a duration (`metav1.Duration` only takes strings such as `2m0s`), a malformed duration or an "
        "integer outside its Go type make the decoder fail, and edgecore exits before it starts any module. An "
        "explicit `null` is different: a section set to null becomes a nil pointer that edgecore's own validation "
        "dereferences (FACTS.md §7.1), a pointer field becomes unset, and a plain field keeps its default, which is "
        "rarely what `null` was meant to say (reported as a warning)."
    )
    seen_in = (
        "edgecore/zhu733756__kubeedge-upgrade__v1.10.0_config_edgecore.yaml",
        "edgecore/bigclouds__deployk8s__kubeedge_edgecore_edgecore.yaml",
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  runtimeRequestTimeout: 120
            """, line=6, column=30, kubeedge_version="1.17"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edgeHub: null
            """, line=4, column=12, kubeedge_version="1.17"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  runtimeRequestTimeout: 2m0s
            """, kubeedge_version="1.17"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if doc.data is not None and not isinstance(doc.data, dict):
            kind = "a list" if isinstance(doc.data, list) else "a single value"
            yield self.finding(doc, value_span(doc, ()), f"the file is {kind}, but edgecore.yaml must be a mapping "
                               f"(apiVersion, kind, modules, …); edgecore fails to load it")
            return
        for a in agreed(doc, ctx, ("type", "null", "format", "range")):
            e = a.newest
            minor = max(a.by_minor, key=minor_key)
            msg = e.message
            severity = None
            if e.kind == "type" and all(isinstance(p, str) for p in a.path) and _is_duration(minor, a.path):
                msg += '; write a Go duration string such as "90s" or "2m0s"'
            elif e.kind == "null":
                if "keeps the default" in msg:
                    severity = WARNING
                msg += "; give it a value or remove the line"
            elif e.kind == "range":
                msg += "; use a smaller number"
            yield set_severity(self.finding(doc, value_span(doc, a.path), msg + a.res.note), severity)


RULE = ValueType
