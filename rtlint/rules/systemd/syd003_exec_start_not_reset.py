"""SYD003: a drop-in adds an ExecStart= command without clearing the unit's own."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document, EditError
from ...formats.unit import UnitDocument
from ...rule import ERROR, Context, Finding, Rule, example
from . import units

REFUSAL = ("Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. "
           "Refusing.")


class ExecStartNotReset(Rule):
    code = "SYD003"
    name = "exec-start-not-reset"
    summary = "A drop-in adds a second ExecStart= instead of replacing the runtime's command"
    severity = ERROR
    kinds = (kinds.SYSTEMD,)
    fix_safety = "safe"
    rationale = (
        "ExecStart= is a list: a drop-in's assignment is appended to the one in the unit, and only "
        "Type=oneshot services may have more than one command (systemd.service(5)). containerd.service, "
        "crio.service and docker.service all have an ExecStart= and Type=notify, so a drop-in that sets its "
        "own command without first clearing the list with an empty ExecStart= makes systemd refuse the "
        "unit: \"" + REFUSAL + "\" (mirrors `systemd-analyze verify`, systemd 252; the tests run it on the "
        "example with a unit next to it). Applies to drop-ins of those units only (a `<unit>.d/*.conf` path, "
        "or a flattened name holding `<unit>.d_`), as only there is the unit's own ExecStart= known to "
        "exist. The fix inserts `ExecStart=` before the first command, which is what the drop-in means."
    )
    seen_in = ()
    bad = (
        example("docker.service.d/override.conf", """
            [Service]
            ExecStart=/usr/bin/dockerd -H fd:// -H tcp://127.0.0.1:2375
            """, line=2, column=1, fixed="""
            [Service]
            ExecStart=
            ExecStart=/usr/bin/dockerd -H fd:// -H tcp://127.0.0.1:2375
            """),
        example("containerd.service.d/10-config.conf", """
            [Service]
            Environment=HTTP_PROXY=http://proxy:3128
            ExecStart=/usr/bin/containerd --config /etc/containerd/edge.toml
            """, line=3, column=1, fixed="""
            [Service]
            Environment=HTTP_PROXY=http://proxy:3128
            ExecStart=
            ExecStart=/usr/bin/containerd --config /etc/containerd/edge.toml
            """),
    )
    good = (
        example("docker.service.d/override.conf", """
            [Service]
            ExecStart=
            ExecStart=/usr/bin/dockerd -H fd:// -H tcp://127.0.0.1:2375
            """),
        # the later reset clears both the unit's command and the first one here
        example("containerd.service.d/override.conf", """
            [Service]
            ExecStart=/usr/bin/containerd --log-level debug
            ExecStart=
            ExecStart=/usr/bin/containerd
            """),
        example("crio.service.d/10-env.conf", """
            [Service]
            Environment="CONTAINER_STREAM_ADDRESS=10.19.115.9"
            """),
        # a whole unit is SYD005's
        example("containerd.service", """
            [Service]
            ExecStart=/usr/bin/containerd
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        unit = units.unit_of(doc.path)
        if unit is None or not unit[1] or not isinstance(doc, UnitDocument):
            return
        if units.service_type(doc) == "oneshot":
            return
        assigned = doc.assignments(units.SERVICE, "ExecStart")
        if any(e.value == "" for e in assigned):
            return  # a reset clears the unit's command and everything before it (SYD005 counts the rest)
        for e in assigned:
            if units.command_count(e.value):
                try:
                    edits = doc.insert((units.SERVICE,), "ExecStart", "", before=(units.SERVICE, "ExecStart", e.index))
                except EditError:
                    edits = []
                yield self.finding(
                    doc, e.key_span or e.span,
                    f"this drop-in adds a second command to {unit[0]}, whose own ExecStart= is still in force: "
                    f"systemd refuses to load the unit (\"{REFUSAL}\"); put an empty ExecStart= line before "
                    "this one to replace the command", edits or None)
                return


RULE = ExecStartNotReset
