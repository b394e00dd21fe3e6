"""SYD002: containerd.service with a KillMode other than process."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document, EditError
from ...formats.unit import UnitDocument
from ...rule import WARNING, Context, Finding, Rule, example
from . import units


class ContainerdUnitKillMode(Rule):
    code = "SYD002"
    name = "containerd-unit-killmode"
    summary = "containerd.service kills its shims on stop or restart (KillMode is not process)"
    severity = WARNING
    kinds = (kinds.SYSTEMD,)
    fix_safety = "unsafe"
    rationale = (
        "Each container is supervised by a containerd-shim process that lives in containerd.service's "
        "cgroup, so that containers keep running while containerd itself is restarted or upgraded "
        "(containerd#370). Every upstream containerd.service ships KillMode=process (FACTS §1.9), which "
        "stops only the daemon. With the default control-group, or mixed, systemd also kills every shim "
        "when containerd stops or restarts (containerd#7076; rootlesskit#355 for the same with Docker), so "
        "a `systemctl restart containerd` disrupts every pod on the edge node. systemd.kill(5) calls "
        "process \"not recommended\" in general; containerd needs it on purpose. Evaluated as systemd 252 "
        "does: the last valid KillMode= wins, an empty one means control-group, unknown values are ignored. "
        "The fix sets KillMode=process; it is unsafe because it changes what a stop does to running "
        "containers (Bottlerocket chose mixed deliberately so that shutdown does not wait for shims). "
        "systemd-analyze verify does not check this; the tests verify that the fixed unit still loads."
    )
    seen_in = ()
    bad = (
        example("containerd.service", """
            [Service]
            ExecStart=/usr/local/bin/containerd
            Delegate=yes
            KillMode=mixed
            """, line=4, column=10, fixed="""
            [Service]
            ExecStart=/usr/local/bin/containerd
            Delegate=yes
            KillMode=process
            """, unsafe=True),
        example("containerd.service", """
            [Service]
            ExecStart=/usr/local/bin/containerd
            Delegate=yes
            """, line=1, column=1, fixed="""
            [Service]
            ExecStart=/usr/local/bin/containerd
            Delegate=yes
            KillMode=process
            """, unsafe=True),
        example("containerd.service.d/10-kill.conf", """
            [Service]
            KillMode=
            """, line=2, column=10, fixed="""
            [Service]
            KillMode=process
            """, unsafe=True),
    )
    good = (
        example("containerd.service", """
            [Service]
            ExecStart=/usr/bin/containerd
            Delegate=yes
            KillMode=process
            """),
        # an unknown value is ignored by systemd, so process still applies
        example("containerd.service", """
            [Service]
            ExecStart=/usr/bin/containerd
            KillMode=process
            KillMode=proces
            """),
        example("containerd.service.d/override.conf", """
            [Service]
            LimitNOFILE=infinity
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        unit = units.unit_of(doc.path)
        if unit is None or unit[0] != units.CONTAINERD or not isinstance(doc, UnitDocument):
            return
        mode, decider = units.kill_mode(doc)
        if mode == "process" or (mode is None and unit[1]):
            return
        try:
            if decider is not None:
                span = decider.value_span
                said = (f"KillMode={decider.value}" if decider.value else
                        "the empty KillMode= resets it to control-group, which")
                edits = doc.set_value((units.SERVICE, "KillMode"), "process", index=decider.index)
            else:
                header = doc.entry((units.SERVICE,))
                if header is None:
                    return
                span = header.span
                said = "[Service] has no KillMode=, so the default control-group"
                edits = doc.insert((units.SERVICE,), "KillMode", "process")
        except EditError:
            edits = []
        yield self.finding(
            doc, span,
            f"{said} makes systemd kill every containerd-shim when containerd stops or restarts, which "
            "disrupts the running containers; set KillMode=process as the upstream containerd.service does",
            edits or None)


RULE = ContainerdUnitKillMode
