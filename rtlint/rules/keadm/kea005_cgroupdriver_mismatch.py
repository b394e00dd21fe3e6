"""KEA005: keadm join's cgroup driver (given or default) differs from the node's runtime."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import KINDS, add_flag, analysis, join_span, replace_value, span, value_of
from .kea004_cgroupdriver_invalid import DRIVERS


class CgroupdriverMismatch(Rule):
    code = "KEA005"
    name = "keadm-cgroupdriver-mismatch"
    summary = "keadm join sets a cgroup driver (or keeps the cgroupfs default) that the node's runtime does not use"
    severity = ERROR
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "keadm join writes --cgroupdriver into `tailoredKubeletConfig.cgroupDriver`, defaulting to `cgroupfs` in "
        "every version (FACTS.md §8). The driver must match the runtime's (containerd `SystemdCgroup`, CRI-O "
        "`cgroup_manager`, Docker `native.cgroupdriver`), otherwise pods fail with `expected cgroupsPath to be of "
        "format \"slice:prefix:name\" for systemd cgroups` or `kubelet cgroup driver: \"cgroupfs\" is different from "
        "docker cgroup driver: \"systemd\"` (website runtime.md and FAQ). This is the most frequent incident theme "
        "(I-01, I-02, I-05: KE#5255, KE#5962). keadm itself uses the flag first: while copying edgecore out of "
        "the installation image it starts a sandbox whose cgroup parent follows --cgroupdriver "
        "(pkg/containers/container_runtime.go at v1.22.0), so the join fails even on KubeEdge 1.22+, where edged "
        "could take the driver from the runtime (KubeletCgroupDriverFromCRI). Only checked when the node's driver "
        "is known (--cgroup-driver). The fix sets or adds --cgroupdriver to the node's driver; unsafe because the "
        "runtime may be the side to change."
    )
    seen_in = ()
    errors = (
        'expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "/k8s.io/<id>" instead',
        'misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"',
    )
    bad = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.19.0
            """, line=2, column=1, unsafe=True, fixed="""
            #!/bin/sh
            keadm join --cgroupdriver=systemd --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.19.0
            """, cgroup_driver="systemd"),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 \\
              --cgroupdriver=systemd
            """, line=3, column=18, unsafe=True, fixed="""
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 \\
              --cgroupdriver=cgroupfs
            """, cgroup_driver="cgroupfs"),
    )
    good = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --cgroupdriver=systemd
            """, cgroup_driver="systemd"),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000
            """, cgroup_driver="cgroupfs"),
        example("join.sh", """
            #!/bin/sh
            # the node's driver is not known: nothing to compare with
            keadm join --cloudcore-ipport=10.0.0.1:10000
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 $EXTRA_FLAGS
            """, cgroup_driver="systemd"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        node = ctx.cgroup_driver
        if node not in DRIVERS:
            return
        a = analysis(doc)
        for cmd in a.joins:
            flag = cmd.get("cgroupdriver")
            if flag is None:
                if cmd.opaque or node == "cgroupfs":
                    continue
                yield self.finding(doc, span(doc, join_span(cmd)), (
                    f"keadm join without --cgroupdriver writes cgroupDriver: cgroupfs into edgecore.yaml, but the "
                    f"node's container runtime uses {node}; add --cgroupdriver={node}"),
                    add_flag(doc, cmd, f"--cgroupdriver={node}"))
                continue
            value = value_of(a, flag)
            if value is None or value not in DRIVERS or value == node:
                continue
            yield self.finding(doc, span(doc, flag.value_span), (
                f"--cgroupdriver={value} makes edged use {value} cgroups, but the node's container runtime uses "
                f"{node}; set --cgroupdriver={node} (or change the runtime's cgroup driver)"),
                replace_value(doc, flag, node) if flag.literal else [])


RULE = CgroupdriverMismatch
