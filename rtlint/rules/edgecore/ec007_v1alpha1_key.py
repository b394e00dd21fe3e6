"""EC007: a v1alpha1 (KubeEdge <= 1.11) edged key in a file read by v1alpha2 edgecore."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ...document import Document, Edit
from ...kubeedge import format_minors, lookup, validates_as, written_path
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._common import KINDS, agreed, key_span, quote, set_severity, try_edit, version_safe, where

# v1alpha1 accepted only these runtime types (…/edgecore/v1alpha1/types.go, `RuntimeType`).
_RUNTIME_TYPES = ("docker", "remote")


class V1alpha1Key(Rule):
    code = "EC007"
    name = "edgecore-v1alpha1-key"
    summary = "a v1alpha1-era modules.edged key (runtimeType, dockerAddress, …) that edgecore 1.12+ ignores"
    severity = WARNING
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "KubeEdge 1.12 moved the edgecore config to v1alpha2 and only loads that version; v1alpha1-only `edged` "
        "keys (`runtimeType`, `dockerAddress`, `devicePluginEnabled`, `imageGCHighThreshold`, … — the v1alpha1 "
        "`Edged` struct at v1.12.7) are ignored without a word (FACTS.md §2, CHANGELOG-1.12). Old blog posts and "
        "the website's config page still show them, and incidents KE#5481, KE#2498 and PR#6763 are files that "
        "mix them into current configs. `runtimeType` never accepted `containerd` or `systemd` either (v1alpha1: "
        "docker|remote), so such a value is wrong in every release (error). When the setting has a v1alpha2 home "
        "(`runtimeType` → `containerRuntime`, `imageGCHighThreshold` → "
        "`tailoredKubeletConfig.imageGCHighThresholdPercent`, …) the fix moves it there if that key is unset "
        "(unsafe: the value starts to apply); a key with no home is deleted when the version is known (safe). "
        "`cgroupDriver` has its own rule, EC008."
    )
    seen_in = (
        "edgecore/kubeedge__kubeedge__edge-ai-pc_infra_edgecore-config.yaml",
        "edgecore/gfk-kube__fk-edgecore-indocker__files_edgecore-conf.yml",
        "edgecore/web-seven__kubeedge-helm__edgecore_default.yaml",
        "edgecore/DEVANSH049__Edge_mlops__edgecore.yaml",
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                imageGCHighThreshold: 90
                tailoredKubeletConfig:
                  cgroupDriver: systemd
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                tailoredKubeletConfig:
                  cgroupDriver: systemd
                  imageGCHighThresholdPercent: 90
            """, unsafe=True, kubeedge_version="1.20"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                devicePluginEnabled: false
            """, line=5, column=5, fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged: {}
            """, kubeedge_version="1.20"),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                runtimeType: containerd
            """, line=5, column=5, kubeedge_version="1.15"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                containerRuntime: remote
                tailoredKubeletConfig:
                  imageGCHighThresholdPercent: 90
            """, kubeedge_version="1.15"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for a in agreed(doc, ctx, ("legacy-v1alpha1",)):
            name = str(a.path[-1])
            if name == "cgroupDriver":
                continue  # EC008
            res = a.res
            parent = a.path[:-1]
            entry = doc.entry(a.path)
            value = entry.value if entry is not None else None
            home = a.same(lambda e: e.expected)
            home = home if isinstance(home, str) else None
            edits: Optional[List[Edit]] = None
            safe = False
            severity = None
            bad_type = (name == "runtimeType" and isinstance(value, str)
                        and value.strip().lower() not in _RUNTIME_TYPES)
            if bad_type:
                severity = ERROR
                what = (f"{name}: {quote(value)} is a v1alpha1 key with a value it never accepted (docker or "
                        f"remote); {res.edgecore()} reads v1alpha2 and ignores it")
                if res.all_within(until="1.18"):
                    hint = ("for containerd or CRI-O set containerRuntime: remote and point the endpoint "
                            "keys at the runtime's socket")
                else:
                    hint = ("delete it; the runtime is chosen only by "
                            "tailoredKubeletConfig.containerRuntimeEndpoint")
            elif name == "runtimeType" and isinstance(value, str) and value.strip().lower() == "docker" \
                    and res.all_within(since="1.14"):
                what = (f"runtimeType: docker is a v1alpha1 key that {res.edgecore()} ignores, and dockershim "
                        f"was removed in KubeEdge 1.14")
                hint = ("to keep Docker, install cri-dockerd and point the CRI endpoint at "
                        "unix:///var/run/cri-dockerd.sock; then delete this key")
            else:
                what = f"{name!r} in {where(parent)} is a v1alpha1 (KubeEdge <= 1.11) key; {res.edgecore()} ignores it"
                if home:
                    hint = f"the setting is now {where(parent + tuple(home.split('.')))}; move it there"
                    parts = home.split(".")
                    canon = [str(p) for p in parent] + parts
                    invalid = [m for m in res.minors if not validates_as(doc, a.path, parent + tuple(parts), m)]
                    if lookup(doc, canon) is not None:
                        hint = f"{where(parent + tuple(parts))} is already set; delete this key"
                    elif invalid:
                        hint += (f", but {quote(value)} is not a valid value there in KubeEdge "
                                 f"{format_minors(invalid)}")
                    else:
                        table = written_path(doc, canon[:-1])
                        edits = try_edit(lambda: doc.move(a.path, table, parts[-1]))
                elif any(isinstance(e.expected, str) for e in a.by_minor.values()):
                    homes = sorted({e.expected for e in a.by_minor.values() if isinstance(e.expected, str)})
                    have = [m for m, e in a.by_minor.items() if isinstance(e.expected, str)]
                    hint = (f"in KubeEdge {format_minors(have)} the setting is "
                            + " or ".join(where(parent + tuple(h.split("."))) for h in homes)
                            + "; other releases have no equivalent")
                else:
                    hint = "it has no v1alpha2 equivalent; delete it"
                    if not res.guessed:
                        edits = try_edit(lambda: doc.delete(a.path))
                        safe = True
            msg = f"{what}; {hint}{res.note}"
            f = self.finding(doc, key_span(doc, a.path), msg, edits, safe=version_safe(res, safe))
            yield set_severity(f, severity)


RULE = V1alpha1Key
