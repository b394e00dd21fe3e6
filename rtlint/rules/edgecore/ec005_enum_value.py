"""EC005: a value outside its allowed set (cgroupDriver, mqttMode, mqttQOS)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import KINDS, agreed, quote, try_edit, value_span, where

# Fields whose allowed set is a rule of its own (EC011, EC012).
_ELSEWHERE = {"apiversion", "kind", "containerruntime"}

_EFFECT = {
    "cgroupdriver": "edgecore's validation rejects it and edgecore (and keadm join) refuse to start",
    "mqttmode": "edgecore's validation rejects it and edgecore refuses to start",
    "mqttqos": "it is not an MQTT QoS level",
}


def _cleaned(value: object) -> Optional[str]:
    """The value without stray quotes/blanks, lower-cased: `'systemd'` and `Systemd ` are typos of systemd."""
    if not isinstance(value, str):
        return None
    return value.strip().strip("'\"").strip().lower()


class EnumValue(Rule):
    code = "EC005"
    name = "edgecore-enum-value"
    summary = "an edgecore.yaml value is not one of the values edgecore accepts (e.g. cgroupDriver)"
    severity = ERROR
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "`ValidateEdgeCoreConfiguration` (P1|P2/validation/validation.go, FACTS.md §7.1) accepts only `cgroupfs` "
        "or `systemd` for `tailoredKubeletConfig.cgroupDriver` and 0–2 for `eventBus.mqttMode`; anything else, "
        "including `Systemd` or a value with quote characters inside it (minikube#6544 shows `'systemd'` with "
        "the quotes), stops edgecore and keadm join. `mqttQOS` 0–2 comes from the type's doc comment. The fix "
        "only corrects case, blanks and stray quotes around an allowed value."
    )
    seen_in = ()
    errors = (
        'misconfiguration: kubelet cgroup driver: "\'systemd\'" is different from docker cgroup driver: "systemd"',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: "'systemd'"
            """, line=6, column=21, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: "systemd"
            """, kubeedge_version="1.22"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd.slice
            """, line=6, column=21, kubeedge_version="1.22"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
              eventBus:
                mqttMode: 2
            """, kubeedge_version="1.22"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("enum",)):
            field = str(a.path[-1]).lower()
            if field in _ELSEWHERE:
                continue
            allowed = a.same(lambda e: tuple(e.expected or ()))
            if not allowed:
                continue
            entry = doc.entry(a.path)
            value = entry.value if entry is not None else None
            cleaned = _cleaned(value)
            target = next((v for v in allowed if isinstance(v, str) and v.lower() == cleaned), None)
            choices = " or ".join(quote(v) for v in allowed)
            effect = _EFFECT.get(field, "edgecore does not accept it")
            if target is not None:
                msg = (f"{where(a.path)} is {quote(value)}, which is not {choices}: {effect}; "
                       f"write exactly {target}{a.res.note}")
                edits = try_edit(lambda: doc.set_value(a.path, target))
            else:
                msg = f"{where(a.path)} is {quote(value)}; it must be {choices}, else {effect}{a.res.note}"
                edits = None
            yield self.finding(doc, value_span(doc, a.path), msg, edits)


RULE = EnumValue
