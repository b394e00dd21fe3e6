"""EC006: a key that only other KubeEdge releases read (removed, or added later)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import lookup, validates_as, written_path
from ...rule import WARNING, Context, Finding, Rule, example
from ...edgecore_schema import SchemaError
from ._common import KINDS, Agreed, agreed, key_span, try_edit, version_safe, where

_VERSION_KINDS = ("removed", "added-later", "other-version")


def _claimed(doc: Document, a: Agreed) -> bool:
    """Keys with a rule of their own: old endpoint keys (EC009), containerRuntime: docker (EC010)."""
    p = [str(x).lower() for x in a.path]
    if len(p) == 3 and p[:2] == ["modules", "edged"]:
        if p[2] in ("remoteruntimeendpoint", "remoteimageendpoint"):
            return True
        if p[2] == "containerruntime":
            e = doc.entry(a.path)
            return e is not None and isinstance(e.value, str) and e.value.strip().lower() == "docker"
    return False


def _ranges(e: SchemaError) -> str:
    return ", ".join(str(r).replace("-", "–") for r in (e.expected or []))


class OtherVersionKey(Rule):
    code = "EC006"
    name = "edgecore-other-version-key"
    summary = "an edgecore.yaml key belongs to other KubeEdge releases; this edgecore ignores it"
    severity = WARNING
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "The edgecore config changed in most minors (FACTS.md §3–§5, Appendix A): dockershim options went in 1.14, "
        "`containerRuntime` and the `remote*Endpoint` keys in 1.18, `reportEvent` came in 1.19, `taskManager` in "
        "1.21. A key from another release is ignored like any unknown key, so a file copied across an upgrade "
        "keeps settings that do nothing, and a file written for a newer release silently loses them. When the "
        "setting moved (e.g. `registerNode` → `tailoredKubeletConfig.registerNode`), the fix moves it (unsafe: it "
        "starts to take effect). A removed key with no new home is deleted, which changes nothing for edgecore; "
        "that fix is offered only when the KubeEdge version is known (option or edgecoreVersion)."
    )
    seen_in = ()  # corpus files show it only with --kubeedge-version (e.g. 1.13-shaped files on 1.18)
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                masterServiceNamespace: default
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, kubeedge_version="1.18.3"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                registerNode: false
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  registerNode: false
            """, unsafe=True, kubeedge_version="1.19"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                reportEvent: true
            """, line=5, column=5, kubeedge_version="1.17"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                reportEvent: true
            """, kubeedge_version="1.19"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, _VERSION_KINDS):
            if _claimed(doc, a):
                continue
            res = a.res
            e = a.newest
            name = str(a.path[-1])
            parent = a.path[:-1]
            kinds = a.kinds
            if kinds == {"removed"}:
                when = f"was removed (read only by KubeEdge {_ranges(e)})"
            elif kinds == {"added-later"}:
                when = f"is only read by newer releases (KubeEdge {_ranges(e)})"
            else:
                when = f"is read only by KubeEdge {_ranges(e)}"
            moved = a.same(lambda x: x.suggestions[0] if "the setting is now" in x.message else None)
            moved_to = moved if isinstance(moved, str) else None
            edits: Optional[List[Edit]] = None
            safe = False
            if moved_to is not None and kinds <= {"removed"}:
                parts = moved_to.split(".")
                canon = [str(p) for p in parent] + parts
                if lookup(doc, canon) is None:
                    target = parent + tuple(parts)
                    if all(validates_as(doc, a.path, target, m) for m in res.minors):
                        table = written_path(doc, canon[:-1])
                        edits = try_edit(lambda: doc.move(a.path, table, parts[-1]))
                hint = f"the setting is now {where(parent + tuple(parts))}; move it there"
            elif kinds == {"removed"}:
                hint = "remove it"
                if not res.guessed:
                    edits = try_edit(lambda: doc.delete(a.path))
                    safe = True
            elif kinds == {"added-later"}:
                hint = "remove it, or upgrade KubeEdge if you need it"
            else:
                hint = "remove it"
            msg = f"{name!r} in {where(parent)} {when}; {res.edgecore()} ignores it; {hint}{res.note}"
            yield self.finding(doc, key_span(doc, a.path), msg, edits, safe=version_safe(res, safe))


RULE = OtherVersionKey
