"""SYD005: more than one ExecStart= command in a service that is not Type=oneshot."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...formats.unit import UnitDocument
from ...rule import ERROR, Context, Finding, Rule, example
from . import units
from .syd003_exec_start_not_reset import REFUSAL


class MoreThanOneExecStart(Rule):
    code = "SYD005"
    name = "more-than-one-exec-start"
    summary = "The runtime's service has more than one ExecStart= command, so systemd refuses it"
    severity = ERROR
    kinds = (kinds.SYSTEMD,)
    fix_safety = "none"
    rationale = (
        "Only Type=oneshot services may have several ExecStart= commands (systemd.service(5)); otherwise "
        "systemd refuses to load the unit: \"" + REFUSAL + "\". Commands are counted as systemd 252 does: "
        "assignments after the last empty ExecStart= (which clears the list), each holding one or more "
        "`;`-separated commands (`ExecStart=/bin/a ; /bin/b` is two), skipping assignments systemd ignores "
        "(unbalanced quotes). Checked in containerd.service, crio.service and docker.service and in their "
        "drop-ins after a reset (a drop-in without a reset is SYD003's). This mirrors `systemd-analyze "
        "verify` (systemd 252), which the tests run on the examples. No fix: which command was meant is "
        "the operator's call (setup steps belong in ExecStartPre=)."
    )
    seen_in = ()
    bad = (
        example("containerd.service", """
            [Service]
            Type=notify
            ExecStart=/usr/bin/containerd
            ExecStart=/usr/local/bin/containerd --config /etc/containerd/config.toml
            """, line=4, column=1),
        example("crio.service.d/override.conf", """
            [Service]
            ExecStart=
            ExecStart=/usr/bin/crio ; /usr/bin/crio-status info
            """, line=3, column=11),
    )
    good = (
        example("containerd.service", """
            [Service]
            ExecStart=/usr/bin/containerd
            ExecStart=
            ExecStart=/usr/local/bin/containerd
            """),
        example("docker.service", """
            [Service]
            Type=oneshot
            ExecStart=/bin/true
            ExecStart=/bin/true
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        unit = units.unit_of(doc.path)
        if unit is None or not isinstance(doc, UnitDocument) or units.service_type(doc) == "oneshot":
            return
        reset, kept = units.exec_start_after_reset(doc)
        if unit[1] and not reset:
            return
        total = 0
        for e in kept:
            n = units.command_count(e.value)
            total += n
            if total > 1:
                span = e.value_span if n > 1 and total == n else (e.key_span or e.span)
                count = sum(units.command_count(k.value) for k in kept)
                yield self.finding(
                    doc, span,
                    f"{unit[0]} ends up with {count} ExecStart= commands and is not Type=oneshot: systemd refuses "
                    f"to load it (\"{REFUSAL}\"); keep one ExecStart= (run setup commands with ExecStartPre=)")
                return


RULE = MoreThanOneExecStart
