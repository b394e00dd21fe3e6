"""CRIO002: CRI-O's cgroup_manager differs from the node's cgroup driver."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ... import kinds
from ...document import Document, Edit, EditError
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import crio
from .common import anchor


class CgroupManagerMismatch(Rule):
    code = "CRIO002"
    name = "cgroup-manager-mismatch"
    summary = "CRI-O's cgroup_manager differs from the cgroup driver edged/kubelet uses"
    severity = ERROR
    kinds = (kinds.CRIO,)
    fix_safety = "unsafe"
    rationale = (
        "The kubelet (edged in EdgeCore) and the runtime must use the same cgroup driver; with CRI-O set "
        "to systemd and edged to cgroupfs, sandboxes fail with \"cri-o configured with systemd cgroup "
        "manager, but did not receive slice as parent\" (kubeedge#1217, cri-o#896; incidents I-07). CRI-O "
        "takes cgroup_manager from [crio.runtime] (last file wins) and defaults to systemd from 1.18.0 "
        "(cgroupfs before; cri-o commit 9ec532c7). Only reported when the node's driver is known "
        "(--cgroup-driver or node mode); a drop-in without cgroup_manager is left to node mode. The fix "
        "writes the node's driver, and when that is cgroupfs also conmon_cgroup = \"pod\", which CRI-O "
        "requires with cgroupfs (see CRIO001). It is unsafe: CRI-O and edged must be restarted and pods "
        "created under the old manager do not move."
    )
    seen_in = ()
    errors = (
        'rpc error: code = Unknown desc = cri-o configured with systemd cgroup manager, but did not receive slice as parent: systemd',
        'RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = cri-o configured with systemd cgroup manager, but did not receive slice as parent: /kubepods/pod<uid>',
    )
    bad = (
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "systemd"
            conmon_cgroup = "system.slice"
            """, line=2, column=18, fixed="""
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "pod"
            """, unsafe=True, cgroup_driver="cgroupfs"),
        example("crio.conf", """
            [crio.runtime]
            default_runtime = "crun"
            """, line=1, column=1, fixed="""
            [crio.runtime]
            default_runtime = "crun"
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "pod"
            """, unsafe=True, cgroup_driver="cgroupfs"),
        example("crio.conf.d/10-cgroup.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "pod"
            """, line=2, column=18, fixed="""
            [crio.runtime]
            cgroup_manager = "systemd"
            conmon_cgroup = "pod"
            """, unsafe=True, cgroup_driver="systemd"),
    )
    good = (
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "systemd"
            """, cgroup_driver="systemd"),
        example("crio.conf", """
            [crio.runtime]
            default_runtime = "crun"
            """, cgroup_driver="systemd"),
        # the driver is unknown: nothing to compare with
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "pod"
            """),
        # a drop-in without the key: another file may set it
        example("crio.conf.d/20-image.conf", """
            [crio.image]
            pause_image = "registry.k8s.io/pause:3.10"
            """, cgroup_driver="cgroupfs"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        driver = ctx.cgroup_driver
        if driver not in crio.CGROUP_MANAGERS:
            return
        path = crio.RUNTIME + ("cgroup_manager",)
        e = doc.entry(path)
        edits: List[Edit] = []
        try:
            if e is not None:
                if e.value == driver:
                    return
                span = e.value_span
                message = (f'cgroup_manager = {_show(e.value)} but the node uses the {driver} cgroup driver; '
                           f'set cgroup_manager = "{driver}"')
                edits = doc.set_value(path, driver)
            else:
                if not crio.is_main_config(doc.path):
                    return
                default = crio.default_cgroup_manager(ctx.crio_version)
                if default == driver:
                    return
                span = anchor(doc, crio.RUNTIME)
                message = (f'cgroup_manager is not set, so CRI-O uses its default "{default}", but the node uses '
                           f'the {driver} cgroup driver; add cgroup_manager = "{driver}" to [crio.runtime]')
                edits = doc.insert(crio.RUNTIME, "cgroup_manager", driver)
            if driver == crio.CGROUPFS:
                message += ' and conmon_cgroup = "pod" (cgroupfs requires it)'
                edits += self._conmon_pod(doc)
        except EditError:
            edits = []
        yield self.finding(doc, span, message, edits or None)

    @staticmethod
    def _conmon_pod(doc: Document) -> List[Edit]:
        e = doc.entry(crio.RUNTIME + ("conmon_cgroup",))
        if e is None:
            if crio.table(doc.data, crio.RUNTIME) is None:
                return []  # a second insert would write [crio.runtime] twice; CRIO001 adds it next pass
            return doc.insert(crio.RUNTIME, "conmon_cgroup", crio.POD)
        return [] if e.value == crio.POD else doc.set_value(e.path, crio.POD)


def _show(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


RULE = CgroupManagerMismatch
