"""SYD001: containerd.service without Delegate=yes."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document, EditError
from ...formats.unit import UnitDocument
from ...rule import WARNING, Context, Finding, Rule, example
from . import units


class ContainerdUnitDelegate(Rule):
    code = "SYD001"
    name = "containerd-unit-delegate"
    summary = "containerd.service does not keep Delegate=yes"
    severity = WARNING
    kinds = (kinds.SYSTEMD,)
    fix_safety = "safe"
    rationale = (
        "containerd creates and manages cgroups for its shims and containers below its own unit, and every "
        "upstream containerd.service (1.6.20, 1.7.34, 2.0.0, 2.3.4; FACTS §1.9) ships Delegate=yes for that. "
        "systemd.resource-control(5): with delegation on, systemd leaves the control groups below the unit "
        "alone; without it (the default) they are systemd's to reorganise, and controllers are not made "
        "available to containerd. The value is evaluated as systemd 252 does: the last assignment in "
        "[Service] wins, a false boolean turns delegation off, an empty value or a controller list turns it "
        "on. A full unit that never sets it, or a drop-in that turns it off, is reported; the fix sets "
        "Delegate=yes. systemd-analyze verify does not check this (a missing Delegate= is valid syntax); "
        "the tests only verify that the fixed unit still loads."
    )
    seen_in = ()
    bad = (
        example("containerd.service", """
            [Unit]
            Description=containerd container runtime

            [Service]
            ExecStart=/usr/bin/containerd
            Type=notify
            KillMode=process
            """, line=4, column=1, fixed="""
            [Unit]
            Description=containerd container runtime

            [Service]
            ExecStart=/usr/bin/containerd
            Type=notify
            KillMode=process
            Delegate=yes
            """),
        example("containerd.service.d/override.conf", """
            [Service]
            Delegate=no
            """, line=2, column=10, fixed="""
            [Service]
            Delegate=yes
            """),
    )
    good = (
        example("containerd.service", """
            [Service]
            ExecStart=/usr/bin/containerd
            Delegate=yes
            KillMode=process
            """),
        example("containerd.service.d/override.conf", """
            [Service]
            Restart=always
            """),
        example("docker.service", """
            [Service]
            ExecStart=/usr/bin/dockerd -H fd://
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        unit = units.unit_of(doc.path)
        if unit is None or unit[0] != units.CONTAINERD or not isinstance(doc, UnitDocument):
            return
        dropin = unit[1]
        state, decider = units.delegate_state(doc)
        if state is not False and not (state is None and not dropin):
            return
        try:
            if decider is not None:
                span = decider.value_span
                said = f"Delegate={decider.value} turns delegation off"
                edits = doc.set_value((units.SERVICE, "Delegate"), "yes", index=decider.index)
            else:
                header = doc.entry((units.SERVICE,))
                if header is None:
                    return  # no [Service]: not a usable unit; other checks report that
                span = header.span
                said = "[Service] has no Delegate=, so delegation is off"
                edits = doc.insert((units.SERVICE,), "Delegate", "yes")
        except EditError:
            edits = []
        yield self.finding(
            doc, span,
            f"{said}: systemd then treats the cgroups containerd creates for shims and containers as its own; "
            "set Delegate=yes as the upstream containerd.service does", edits or None)


RULE = ContainerdUnitDelegate
