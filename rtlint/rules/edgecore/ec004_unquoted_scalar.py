"""EC004: a YAML number or boolean where edgecore expects a string."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...rule import WARNING, Context, Finding, Rule, example
from ._common import KINDS, agreed, try_edit, value_span


class UnquotedScalar(Rule):
    code = "EC004"
    name = "edgecore-unquoted-scalar"
    summary = "a string setting in edgecore.yaml is written as a YAML number or boolean"
    severity = WARNING
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "sigs.k8s.io/yaml turns YAML scalars into JSON before Go decodes them, so a plain string field given "
        "`1.10` or `yes` receives the text of the parsed value (`1.1`, `true`), not what was typed. The value "
        "edgecore uses can therefore differ from the file (a version `1.10` becomes `1.1`, a host name `0123` "
        "becomes `83`). The fix writes the string edgecore reads today in quotes, so nothing changes for edgecore "
        "and the file says what it does."
    )
    seen_in = ()
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                hostnameOverride: 1001
            """, line=5, column=23, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                hostnameOverride: "1001"
            """, kubeedge_version="1.19"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                hostnameOverride: "1001"
            """, kubeedge_version="1.19"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("coerced",)):
            text = a.same(lambda e: tuple(e.suggestions))
            if not text:
                continue
            value = text[0]  # type: ignore[index]
            msg = (f"{a.newest.message}; write {value!r} in quotes (or the string you meant){a.res.note}")
            yield self.finding(doc, value_span(doc, a.path), msg, try_edit(lambda: doc.set_value(a.path, value)))


RULE = UnquotedScalar
