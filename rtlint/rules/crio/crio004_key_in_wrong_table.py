"""CRIO004: a CRI-O setting written in a table where CRI-O does not read it."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Tuple

from ... import kinds
from ...document import Document, Edit, Entry, KeyPath
from ...rule import WARNING, Context, Finding, Rule, example
from ...runtimes import crio
from .common import attempt, disjoint, settings

# The deprecated global conmon keys have per-handler successors (cri-o 1.24+).
HANDLER_RENAMES: Dict[str, str] = {
    "conmon": "monitor_path",
    "conmon_cgroup": "monitor_cgroup",
    "conmon_env": "monitor_env",
}


class KeyInWrongTable(Rule):
    code = "CRIO004"
    name = "key-in-wrong-table"
    summary = "A CRI-O setting is in a table where CRI-O does not read it"
    severity = WARNING
    kinds = (kinds.CRIO,)
    fix_safety = "unsafe"
    rationale = (
        "Each CRI-O setting belongs to one table ([crio], [crio.api], [crio.runtime], [crio.image], "
        "[crio.network], [crio.metrics], ..., or a [crio.runtime.runtimes.<name>] handler); the key lists are "
        "the toml tags of CRI-O's config structs at every minor tag v1.9.0-v1.36.3. Written anywhere else, "
        "the key is dropped without a message (FACTS §2.1), so the setting silently keeps its default, "
        "e.g. pids_limit under [crio.metrics]. The fix moves the key to the table that reads it, when "
        "that table does not set it already; in a handler table, conmon, conmon_cgroup and conmon_env are "
        "renamed to the handler's monitor_path, monitor_cgroup and monitor_env (CRI-O 1.24+). The fix is "
        "unsafe because the setting then starts to take effect. Keys that were removed from CRI-O are "
        "CRIO005's; keys CRI-O never had are left to the schema rule."
    )
    seen_in = (
        "crio/kapilrajyaguru__Watson-Knowledge-Catalog-Installation__crio.conf",
        "crio/GreatPyreneseDad__TraderAI__crio.conf",
    )
    bad = (
        example("crio.conf", """
            [crio.runtime]
            selinux = true

            [crio.metrics]
            enable_metrics = true
            pids_limit = 12288
            """, line=6, column=1, fixed="""
            [crio.runtime]
            selinux = true
            pids_limit = 12288

            [crio.metrics]
            enable_metrics = true
            """, unsafe=True),
        example("crio.conf", """
            [crio.runtime.runtimes.runc]
            runtime_path = "/usr/bin/runc"
            conmon_cgroup = "system.slice"
            """, line=3, column=1, fixed="""
            [crio.runtime.runtimes.runc]
            runtime_path = "/usr/bin/runc"
            monitor_cgroup = "system.slice"
            """, unsafe=True),
        # a handler reads seccomp_profile only from CRI-O 1.34
        example("crio.conf", """
            [crio.runtime.runtimes.runc]
            seccomp_profile = "/etc/crio/seccomp.json"

            [crio.runtime]
            selinux = true
            """, line=2, column=1, fixed="""
            [crio.runtime.runtimes.runc]

            [crio.runtime]
            selinux = true
            seccomp_profile = "/etc/crio/seccomp.json"
            """, unsafe=True, crio_version="1.30.0"),
        # the right table already has the key: no fix, the operator decides
        example("crio.conf", """
            [crio]
            network_dir = "/etc/cni/net.d/"

            [crio.network]
            network_dir = "/etc/cni/net.d/"
            """, line=2, column=1),
    )
    good = (
        # a handler reads seccomp_profile from 1.34; an unknown version gets the benefit of the doubt
        example("crio.conf", """
            [crio.runtime]
            pids_limit = 1024

            [crio.runtime.runtimes.crun]
            monitor_cgroup = "pod"
            seccomp_profile = ""
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        taken: Dict[KeyPath, int] = {}  # keys a fix in this pass already writes -> line of their source
        moves: Dict[KeyPath, List[Tuple[Entry, str]]] = {}  # table -> keys to move there, in file order
        toplevel_ok = "crio" in doc.data and "plugins" not in doc.data
        for e, kind, key in settings(doc):
            if kind == "root" and not toplevel_ok:
                continue
            version = ctx.crio_version
            too_new = ""
            if key in crio.KEYS.get(kind, {}):
                since, removed = crio.KEYS[kind][key]
                if removed is not None or version is None or crio.known_in(kind, key, version):
                    continue  # read here (removed keys are CRIO005's)
                # read here only by newer CRI-O; report it when this version reads it elsewhere
                if not any(k != kind and k in crio.FIXED_TABLES and crio.known_in(k, key, version)
                           for k in crio.homes(key)):
                    continue
                too_new = f" by CRI-O {version} (only from {since})"
            if kind in crio.SUBTABLES and key in crio.SUBTABLES[kind]:
                continue  # a value where a table belongs: a type error, not a misplacement
            homes = [k for k in crio.homes(key) if crio.is_current(k, key) and k != kind]
            if not homes:
                continue
            here = crio.show_table(kind, str(e.path[-2]) if kind in ("handler", "workload") else "")
            if kind == "handler" and key in HANDLER_RENAMES:
                new = HANDLER_RENAMES[key]
                table = e.path[:-1]
                if doc.has(table + (new,)):
                    yield self.finding(doc, e.key_span or e.span,
                                       f"{key} is not read in {here}; this handler already sets {new}, its "
                                       f"per-handler equivalent, so delete this line")
                    continue
                yield self.finding(
                    doc, e.key_span or e.span,
                    f"{key} is not read in {here}, so it has no effect; the handler's setting is {new} "
                    f"(CRI-O 1.24+), or put {key} in [crio.runtime] to apply it to every handler",
                    attempt(lambda e=e, new=new: doc.rename(e.path, new)))
                continue
            fixed = [k for k in homes if k in crio.FIXED_TABLES]
            if not fixed:
                where = " or ".join(crio.show_table(k) for k in homes)
                yield self.finding(doc, e.key_span or e.span,
                                   f"{key} is not read in {here}, so it has no effect; it belongs in {where}")
                continue
            dest = fixed[0]
            table = crio.table_path(dest)
            there = crio.show_table(dest)
            if doc.has(table + (key,)) or table + (key,) in taken:
                other = (f"{there} already sets {key}" if doc.has(table + (key,)) else
                         f"the {key} on line {taken[table + (key,)]} belongs there too")
                yield self.finding(doc, e.key_span or e.span,
                                   f"{key} is not read in {here}, so it has no effect; {other}, so delete this "
                                   f"line or merge the values in {there}")
                continue
            taken[table + (key,)] = e.span.line
            text = f"{key} is not read in {here}{too_new}, so it has no effect; move it to {there}"
            moves.setdefault(table, []).append((e, text))
        for table, group in moves.items():
            yield from self._moves(doc, table, group)

    def _moves(self, doc: Document, table: KeyPath, group: List[Tuple[Entry, str]]) -> Iterator[Finding]:
        """One fix moves every key bound for the same table (the engine applies one insert per spot a pass)."""
        # into a table that does not exist yet, each move would write its header: one per pass
        fixable = group[:1] if crio.table(doc.data, table) is None else group
        edits: List[Edit] = []
        moved = 0
        for e, _ in fixable:
            more = attempt(lambda e=e: doc.move(e.path, table))
            if more is None or disjoint(edits + more) is None:
                break
            edits += more
            moved += 1
        for i, (e, text) in enumerate(group):
            if 0 < i < moved:
                text += f" (the fix for line {group[0][0].span.line} moves it too)"
            yield self.finding(doc, e.key_span or e.span, text, edits if i == 0 and edits else None)


RULE = KeyInWrongTable
