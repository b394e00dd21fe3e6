"""EC001: a key edgecore does not know; it is silently ignored."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from ...document import Document, KeyPath
from ...edgecore_schema import get_validator
from ...kubeedge import EDGED, TAILORED, format_minors, lookup, validates_as, written_path
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import KINDS, agreed, close_typo, key_span, try_edit, where


def _home(path: KeyPath, minors: List[str]) -> Optional[Tuple[List[str], KeyPath]]:
    """Where a key misplaced between modules.edged and its tailoredKubeletConfig really belongs.

    The two levels are easy to confuse (keadm writes the endpoints and cgroupDriver into
    tailoredKubeletConfig, older docs put runtime keys under edged)."""
    lowered = tuple(str(p).lower() for p in path[:-1])
    name = str(path[-1])
    if lowered == tuple(p.lower() for p in EDGED):
        home = TAILORED + (name,)
    elif lowered == tuple(p.lower() for p in TAILORED):
        home = EDGED + (name,)
    else:
        return None
    have = [m for m in minors if get_validator(m).field_schema(home) is not None]
    return (have, home) if have else None


class UnknownKey(Rule):
    code = "EC001"
    name = "edgecore-unknown-key"
    summary = "edgecore.yaml has a key edgecore does not read; the setting is silently ignored"
    severity = ERROR
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "edgecore decodes its config with sigs.k8s.io/yaml on top of its built-in defaults and never in strict "
        "mode (P1|P2/helper.go, FACTS.md §2), so a misspelled key does not stop it: the setting just keeps its "
        "default. A typo such as `containerRuntimeEndpiont` leaves edgecore on the containerd socket even though "
        "the file names CRI-O. Keys are checked against the schema of the KubeEdge release(s) the file is for. "
        "The fix renames the key when exactly one field is within one or two typing mistakes of it and the value "
        "fits that field; it is unsafe because the renamed setting starts to take effect."
    )
    seen_in = (
        "edgecore/kubeedge__kubeedge__docs_install_azure_flatcar_kind_edgecore.yaml",
        "edgecore/nuhakala__orchestration-cost__kube-edge-infra_edgeconfig.yaml",
        "edgecore/mehmetihsansevinc__decice__edgecore.yaml",
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  containerRuntimeEndpiont: unix:///run/crio/crio.sock
            """, line=7, column=7, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  containerRuntimeEndpoint: unix:///run/crio/crio.sock
            """, unsafe=True, kubeedge_version="1.18"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntime: remote
            """, line=6, column=7, kubeedge_version="1.19"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  containerRuntimeEndpoint: unix:///run/crio/crio.sock
                  imageServiceEndpoint: unix:///run/crio/crio.sock
            """, kubeedge_version="1.18"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("unknown-key",)):
            name = str(a.path[-1])
            parent = a.path[:-1]
            suggestions: List[str] = []
            for minor in sorted(a.by_minor, reverse=True):
                for s in a.by_minor[minor].suggestions:
                    if s not in suggestions:
                        suggestions.append(s)
            res = a.res
            target = close_typo(name, suggestions)
            edits = None
            if target is not None and lookup(doc, [str(p) for p in parent] + [target]) is None \
                    and all(validates_as(doc, a.path, parent + (target,), m) for m in res.minors):
                edits = try_edit(lambda: doc.rename(a.path, target))  # type: ignore[arg-type]
            home = _home(a.path, list(res.minors))
            if home is not None and edits is None:
                where_ok, home_path = home
                hint = (f"{name!r} is a key of {where(home_path[:-1])}"
                        + ("" if len(where_ok) == len(res.minors) else f" in KubeEdge {format_minors(where_ok)}")
                        + "; move it there")
                if len(where_ok) == len(res.minors) and lookup(doc, list(home_path)) is None \
                        and all(validates_as(doc, a.path, home_path, m) for m in res.minors):
                    table = written_path(doc, list(home_path[:-1]))
                    edits = try_edit(lambda: doc.move(a.path, table, name))
            elif suggestions:
                hint = ("did you mean " + " or ".join(repr(s) for s in suggestions[:3]) + "? "
                        + (f"Rename it to {target!r}" if target else "Fix the spelling") + " or remove it")
            else:
                hint = "remove it, or compare the spelling with `edgecore --defaultconfig`"
            msg = (f"unknown key {name!r} in {where(parent)}: {res.edgecore()} ignores it and keeps the "
                   f"default; {hint}{res.note}")
            yield self.finding(doc, key_span(doc, a.path), msg, edits)


RULE = UnknownKey
