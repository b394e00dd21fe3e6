"""CRIO001: conmon_cgroup (or a handler's monitor_cgroup) that CRI-O rejects for its cgroup manager."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ... import kinds
from ...document import Document, Entry
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import crio
from ...versions import Range
from .common import anchor, attempt, value_of



def _missing_fails(ctx: Context) -> Optional[bool]:
    """Whether a missing conmon_cgroup breaks cgroupfs on this version (None: unknown version)."""
    v = ctx.crio_version
    if v is None:
        return None
    return crio.CGROUPFS_CHECK_SINCE <= (v.major, v.minor) < crio.CGROUPFS_EMPTY_OK_SINCE


class ConmonCgroupMismatch(Rule):
    code = "CRIO001"
    name = "conmon-cgroup-mismatch"
    summary = "conmon_cgroup does not fit the cgroup manager, so CRI-O refuses to start"
    severity = ERROR
    kinds = (kinds.CRIO,)
    crio = Range("1.15")
    fix_safety = "safe"
    rationale = (
        "CRI-O checks the cgroup conmon runs in when it starts (cri-o pkg/config "
        "`TranslateMonitorFieldsForHandler`, read at v1.15.0-v1.36.3). Under the systemd manager it must be "
        "\"pod\" or a *.slice (\"conmon cgroup should be 'pod' or a systemd slice\"). Under cgroupfs it must "
        "be \"pod\" (\"cgroupfs manager conmon cgroup should be 'pod' or empty\", from 1.19): an empty value "
        "falls back to system.slice up to 1.32, so a crio.conf that switches to cgroupfs without "
        "conmon_cgroup = \"pod\" does not start (cri-o#6047, lxcri#24); 1.33+ also accept empty and "
        "system.slice under cgroupfs. The global conmon_cgroup overrides each oci handler's "
        "monitor_cgroup, which is checked the same way. The default manager is systemd from 1.18 "
        "(cgroupfs before). A missing conmon_cgroup is only reported in a main crio.conf (a drop-in may "
        "rely on another file); the fix writes \"pod\", valid under both managers. It is marked unsafe "
        "when the CRI-O version is unknown and the current value would be accepted by 1.33+."
    )
    seen_in = (
        "crio/vrutkovs__kindest-node-crio__crio.conf",
        "crio/sk8s-co__kubelet__etc_crio_crio.conf",
        "crio/raravena80__kubeinstall__crio.conf",
    )
    errors = (
        'level=fatal msg="Validating runtime config: conmon cgroup should be \'pod\' or a systemd slice"',
        'level=fatal msg="Validating runtime config: cgroupfs manager conmon cgroup should be \'pod\' or empty"',
    )
    bad = (
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "system.slice"
            """, line=3, column=17, fixed="""
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "pod"
            """, crio_version="1.28.0"),
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            default_runtime = "runc"
            """, line=2, column=18, fixed="""
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            default_runtime = "runc"
            conmon_cgroup = "pod"
            """, unsafe=True),
        example("crio.conf", """
            [crio.runtime]
            conmon_cgroup = "kubepods"
            """, line=2, column=17, fixed="""
            [crio.runtime]
            conmon_cgroup = "pod"
            """),
        example("crio.conf.d/20-runtime.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"

            [crio.runtime.runtimes.crun]
            monitor_cgroup = "system.slice"
            """, line=5, column=18, fixed="""
            [crio.runtime]
            cgroup_manager = "cgroupfs"

            [crio.runtime.runtimes.crun]
            monitor_cgroup = "pod"
            """, crio_version="1.30.0"),
    )
    good = (
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            conmon_cgroup = "pod"
            """),
        example("crio.conf", """
            [crio.runtime]
            conmon_cgroup = "system.slice"
            """),
        # 1.33+ accept an empty (or system.slice) monitor cgroup under cgroupfs
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            """, crio_version="1.34.0"),
        # a drop-in may rely on conmon_cgroup from another file
        example("crio.conf.d/02-cgroupfs.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            """),
        # in a handler table conmon_cgroup is not read at all (CRIO004 reports that)
        example("crio.conf", """
            [crio.runtime.runtimes.runc]
            conmon_cgroup = "system.slice"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        version = ctx.crio_version
        main = crio.is_main_config(doc.path)
        mgr = value_of(doc, crio.RUNTIME + ("cgroup_manager",))
        manager: Optional[str] = None
        said = ""
        if mgr is not None:
            if mgr.value not in crio.CGROUP_MANAGERS:
                return  # an invalid manager is a different error
            manager, said = mgr.value, f'cgroup_manager = "{mgr.value}"'
        elif doc.has(crio.RUNTIME + ("cgroup_manager",)):
            return  # not a string: a type error, not ours
        elif main:
            manager = crio.default_cgroup_manager(version)
            said = f'the default cgroup manager "{manager}" (cgroup_manager is not set)'
        conmon = doc.entry(crio.RUNTIME + ("conmon_cgroup",))
        if conmon is not None:
            if isinstance(conmon.value, str):
                yield from self._value(doc, ctx, conmon, manager, said)
            return  # the global value overrides every oci handler's monitor_cgroup
        if manager == crio.CGROUPFS and main:
            fails = _missing_fails(ctx)
            if fails is not False:
                span = mgr.value_span if mgr is not None else anchor(doc, crio.RUNTIME)
                when = "CRI-O 1.19-1.32 then put" if fails is None else "CRI-O then puts"
                yield self.finding(
                    doc, span,
                    f"{said} but conmon_cgroup is not set: {when} conmon in system.slice and refuse to "
                    "start (\"cgroupfs manager conmon cgroup should be 'pod' or empty\"); add "
                    "conmon_cgroup = \"pod\" to [crio.runtime]",
                    attempt(lambda: doc.insert(crio.RUNTIME, "conmon_cgroup", crio.POD)),
                    safe=fails is True)
        for name, handler in crio.handlers(doc.data).items():
            if crio.is_oci(handler):
                e = value_of(doc, crio.RUNTIMES + (name, "monitor_cgroup"))
                if e is not None:
                    yield from self._value(doc, ctx, e, manager, said)

    def _value(self, doc: Document, ctx: Context, e: Entry, manager: Optional[str],
               said: str) -> Iterator[Finding]:
        value = e.value
        problem = crio.monitor_cgroup_problem(value, manager, ctx.crio_version)
        if problem is None:
            return
        key = e.path[-1]
        where = "" if key == "conmon_cgroup" else f" in [crio.runtime.runtimes.{e.path[-2]}]"
        if manager == crio.CGROUPFS:
            head = f'{key} = "{value}"{where} does not work with {said}'
            advice = f'set {key} = "pod"'
        else:
            head = f'{key} = "{value}"{where} is neither "pod" nor a systemd slice (*.slice)'
            advice = f'set {key} = "pod" (or a slice such as "system.slice")'
        unsure = ctx.crio_version is None and value in ("", crio.SYSTEM_SLICE)
        who = "CRI-O 1.19-1.32 refuse" if unsure else "CRI-O refuses"
        note = "; 1.33+ accept it" if unsure else ""
        yield self.finding(
            doc, e.value_span,
            f'{head}: {who} to start ("{problem}"{note}); {advice}',
            attempt(lambda: doc.set_value(e.path, crio.POD)),
            safe=not unsure)


RULE = ConmonCgroupMismatch
