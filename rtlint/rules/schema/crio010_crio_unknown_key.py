"""CRIO010: a key or table CRI-O does not have, which it ignores without a message."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ... import kinds
from ...document import Document, Edit, KeyPath
from ...rule import INFO, WARNING, Context, Finding, example
from ...schema import UNKNOWN, SchemaError
from ._common import (
    TOML_NAMES,
    CaseMatch,
    Checked,
    SchemaRule,
    case_insensitive,
    did_you_mean,
    guess,
    key_span,
    known_list,
    lookup,
    rename_edits,
    reported_elsewhere,
    say_moved,
    split_dotted,
)

N = TOML_NAMES
EFFECT = "CRI-O ignores it without a message"


class CrioUnknownKey(SchemaRule):
    code = "CRIO010"
    name = "crio-unknown-key"
    summary = "a key or table CRI-O does not read, so the setting silently keeps its default"
    severity = WARNING
    kinds = (kinds.CRIO,)
    fix_safety = "safe"
    rationale = (
        "CRI-O decodes crio.conf and every drop-in with BurntSushi/toml into its config structs and "
        "throws away the list of keys that matched nothing, so an unknown key or table has no effect "
        "and no message (FACTS §2.1; the library was run on crio.conf-shaped files). The key lists are "
        "the toml tags of CRI-O's config structs at every tag v1.9.0-v1.36.3 (schemas/crio.json). "
        "The message names the table and the closest key there, or the table where the key is read. "
        "The library falls back to a case-insensitive match (BurntSushi/toml decode.go `unifyStruct`, "
        "strings.EqualFold), so `Cgroup_Manager` is read as cgroup_manager: that is only reported as "
        "info, with a safe rename to the documented spelling. Keys that belong to another CRI-O table "
        "(CRIO004), containerd settings (CRIO003) and anything another CRI-O rule reports on the same "
        "key are left to those rules. Fix: rename a misspelt key when exactly one key of the same "
        "table is a close match (difflib ratio >= 0.8), it is not set yet and the value fits; safe "
        "when the value is that key's default, otherwise unsafe (the setting starts to apply)."
    )
    seen_in = (
        "crio/eplightning__userns-nested-containers__crio.conf",
        "crio/sk8s-co__kubelet__etc_crio_crio.conf",
        "crio/Teachh__K3S-with-CRI-O__roles_crio_configure_files_crio.conf",
        "crio/GreatPyreneseDad__TraderAI__crio.conf",
    )
    bad = (
        example("crio.conf", """
            [crio.runtime.runtimes.crun]
            runtime_path = "/usr/bin/crun"
            monitor_cgroup = "pod"
            monitor_exec_group = "pod"
            """, line=4, column=1, unsafe=True, fixed="""
            [crio.runtime.runtimes.crun]
            runtime_path = "/usr/bin/crun"
            monitor_cgroup = "pod"
            monitor_exec_cgroup = "pod"
            """),
        example("crio.conf", """
            [crio.storage]
            driver = "overlay"
            """, line=1, column=1),
        example("crio.conf", """
            [crio.runtime]
            userns_max = 131072
            """, line=2, column=1),
        # read anyway (case-insensitive match): the rename only tidies the file
        example("crio.conf.d/10-cgroup.conf", """
            [crio.runtime]
            Cgroup_Manager = "systemd"
            """, line=2, column=1, fixed="""
            [crio.runtime]
            cgroup_manager = "systemd"
            """),
        # a handler table one level too high: the key index knows where `runtimes` is read
        example("crio.conf", """
            [crio.runtimes.runc]
            runtime_path = "/usr/bin/runc"
            """, line=1, column=2),
    )
    good = (
        example("crio.conf", """
            [crio]
            storage_driver = "overlay"

            [crio.runtime]
            cgroup_manager = "systemd"

            [crio.runtime.runtimes.crun]
            monitor_exec_cgroup = ""
            """),
        # CRIO004 reports a key in the wrong table, CRIO003 a containerd table
        example("crio.conf", """
            [crio.metrics]
            pids_limit = 1024

            [plugins."io.containerd.grpc.v1.cri"]
            sandbox_image = "registry.k8s.io/pause:3.9"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        c = self.checked(doc)
        if c is None or not c.errors:
            return
        errors, cases = case_insensitive(c)
        for case in cases:
            if not reported_elsewhere(c, ctx, case.error):
                yield self._case(c, case)
        for err in errors:
            if err.kind != UNKNOWN or err.path[:1] == ("plugins",):
                continue  # types are CRIO011's; a containerd [plugins] table is CRIO003's
            if reported_elsewhere(c, ctx, err):
                continue
            yield self._unknown(c, err, ctx)

    def _case(self, c: Checked, case: CaseMatch) -> Finding:
        err = case.error
        table: KeyPath = tuple(err.path[:-1])
        present = lookup(c.doc.data, table)
        edits: Optional[List[Edit]] = None
        if not (isinstance(present, dict) and case.target in present):
            edits, _ = rename_edits(c, err, case.target, case.node, check_value=False)
            msg = ("%s in %s differs from %s only in case; CRI-O matches keys ignoring case and reads it, "
                   "but write the documented spelling" % (N.key(err.key), N.table(table), N.key(case.target)))
        else:
            msg = ("%s in %s and %s are the same setting to CRI-O (it matches keys ignoring case) and "
                   "which one wins is not defined; keep only %s" % (N.key(err.key), N.table(table),
                                                                     N.key(case.target), N.key(case.target)))
        f = self.finding(c.doc, key_span(c.doc, err.path), msg, edits, safe=True,
                         description="use the documented spelling")
        f.severity = INFO
        return f

    def _unknown(self, c: Checked, err: SchemaError, ctx: Context) -> Finding:
        doc = c.doc
        table: KeyPath = tuple(err.path[:-1])
        key = str(err.key)
        parent = err.parent
        assert parent is not None
        thing = ("table %s" % N.table(err.path)) if isinstance(err.value, dict) else N.key(key)
        where = N.where(table)
        moved = (parent.get("x-rtlint-moved") or {}).get(key)
        places = [p for p in c.validator.key_index().get(key, []) if split_dotted(p) != list(table)]
        edits: Optional[List[Edit]] = None
        safe = False
        if moved:
            hint = []
            if moved.get("to"):
                hint.append("move it to " + say_moved(N, moved["to"], table, c.validator.root))
            if moved.get("note"):
                hint.append(moved["note"])
            msg = "%s does nothing %s (%s); %s" % (thing, where, EFFECT, "; ".join(hint))
        elif places:
            shown = " or ".join(N.index_place(p) for p in places[:3])
            msg = "%s does nothing %s (%s); it belongs %s" % (thing, where, EFFECT, shown)
        else:
            present = lookup(doc.data, table)
            target, close = guess(key, parent, present, ctx.crio_version)
            if target is not None:
                edits, safe = rename_edits(c, err, target, parent.props[target])
            msg = ("%s is not a CRI-O table (%s)" % (thing, EFFECT) if isinstance(err.value, dict)
                   else "%s is not a CRI-O setting %s (%s)" % (thing, where, EFFECT))
            msg += did_you_mean(N, close, target, bool(edits)) or known_list(N, parent, table)
        return self.finding(doc, key_span(doc, err.path), msg, edits, safe=safe,
                            description="rename to the key CRI-O reads")


RULE = CrioUnknownKey
