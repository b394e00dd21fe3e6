"""KEA004: keadm join --cgroupdriver with a value keadm refuses."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ...document import Document, Edit
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import KINDS, analysis, replace_value, span, value_of

DRIVERS = ("cgroupfs", "systemd")


class CgroupdriverInvalid(Rule):
    code = "KEA004"
    name = "keadm-cgroupdriver-invalid"
    summary = "keadm join --cgroupdriver is not exactly cgroupfs or systemd"
    severity = ERROR
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "keadm join (join.go 1.12-1.15, join_others.go 1.16+) switches on the exact string: `systemd` and `cgroupfs` "
        "are written to `tailoredKubeletConfig.cgroupDriver`, anything else stops the join with `unsupported "
        "CGroupDriver: <value>`; edgecore's own validation rejects other values too (FACTS.md §7.1 row 4, §8). "
        "The comparison is case-sensitive and sees the value after shell unquoting, so `Systemd` or `\"systemd \"` "
        "fail. The fix writes the lower-case, trimmed spelling when that is one of the two values (safe: the join "
        "then does what the value asked for); other values need a decision. Incident I-08."
    )
    seen_in = ()
    errors = (
        "unsupported CGroupDriver: Systemd",
        'misconfiguration: kubelet cgroup driver: "\'systemd\'" is different from docker cgroup driver: "systemd"',
    )
    bad = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --cgroupdriver=Systemd
            """, line=2, column=61, fixed="""
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --cgroupdriver=systemd
            """),
        example("site.yml", """
            - name: join
              shell: "keadm join --cloudcore-ipport={{ ip }}:10000 --cgroupdriver 'systemd '"
            """, line=2, column=72, fixed="""
            - name: join
              shell: "keadm join --cloudcore-ipport={{ ip }}:10000 --cgroupdriver 'systemd'"
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --cgroupdriver=systemd-cgroup
            """, line=2, column=61),
    )
    good = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --cgroupdriver="systemd"
            """),
        example("join.sh", """
            #!/bin/sh
            DRIVER=$(detect_driver)
            keadm join --cloudcore-ipport=10.0.0.1:10000 --cgroupdriver="$DRIVER"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        for cmd in a.joins:
            for flag in cmd.all("cgroupdriver"):
                value = value_of(a, flag)
                if value is None or value in DRIVERS:
                    continue
                norm = value.strip().lower()
                edits: List[Edit] = []
                msg = (f"keadm join only accepts --cgroupdriver=cgroupfs or --cgroupdriver=systemd; {value!r} makes "
                       f"it stop with `unsupported CGroupDriver: {value}`")
                if norm in DRIVERS and flag.literal:
                    msg += f". Write {norm}"
                    edits = replace_value(doc, flag, norm)
                else:
                    msg += ". Use the driver of the container runtime (containerd SystemdCgroup, CRI-O cgroup_manager)"
                yield self.finding(doc, span(doc, flag.value_span), msg, edits)


RULE = CgroupdriverInvalid
