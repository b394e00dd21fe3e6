"""edgecore.yaml (v1alpha2) from one KubeEdge minor to another (1.12 … 1.23).

What changes between minors comes from data, not from code: the per-minor
schemas (`rtlint.edgecore_schema`) say which keys a minor reads, and the
catalog (`rtlint/data/edgecore_catalog.json`, built from FACTS.md) says which
keys moved where (`movedTo`) and which are deprecated in which minors. Steps,
in order, each one re-parsed before the next:

1. moved keys (`remoteRuntimeEndpoint` → `tailoredKubeletConfig.containerRuntimeEndpoint`,
   `registerNode` → `tailoredKubeletConfig.registerNode`, …) go to their new
   place when the target reads it and the old place is deprecated or gone; when
   the new key is already set the old one is dropped (and a differing value is
   reported). Going back to an older minor moves them back.
2. v1alpha1-era `modules.edged` keys (`cgroupDriver`, `imageGCHighThreshold`, …)
   move to their v1alpha2 home when it is unset and the value is valid there
   (they start to take effect: reported as warnings), else they are dropped.
3. keys the target keeps only as deprecated and ignores (`containerRuntime` on
   1.16/1.17) are dropped.
4. every key the target does not read because another minor owns it (removed,
   added later) is dropped; so are feature gates only other minors know
   (edgecore refuses to start on them), except `DisableCSIVolumePlugin`, which
   1.22 made a kubelet gate under `tailoredKubeletConfig.featureGates`.
5. a non-empty `edgecoreVersion` is set to the target (1.21+; edgecore rewrites it anyway).

Whole v1alpha1 files (KubeEdge <= 1.11 layout) are refused: their keys do not
map one to one (units and meanings changed), so a faithful rewrite needs a human.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import edgecore_schema as es
from ..document import Document, KeyPath
from ..kubeedge import (
    API_VERSION, KIND, effective_runtime, is_dockershim, known_minors, lookup, minor_key, same_socket, validates_as,
    written_path,
)
from ..versions import Version
from . import INFO, WARNING, MigrateError, Session

CATALOG_FILE = Path(__file__).resolve().parent.parent / "data" / "edgecore_catalog.json"
VERSION_KINDS = ("removed", "added-later", "other-version", "legacy-v1alpha1")
EDGED = ("modules", "edged")

V1ALPHA1 = (
    "apiVersion {api} is the KubeEdge <= 1.11 (v1alpha1) layout; edgecore 1.12+ reads only v1alpha2, and the "
    "v1alpha1 keys do not map one to one (runtimeType, cgroupDriver, imageGC* and the CNI options moved, changed "
    "units or went away). Start from `edgecore --defaultconfig` (or the file `keadm join` writes) of KubeEdge "
    "{minor}, carry your settings over, then run `rtlint check --kubeedge-version {minor}` on it"
)

_catalog: Optional[Dict[str, Any]] = None


def catalog() -> Dict[str, Any]:
    global _catalog
    if _catalog is None:
        with open(CATALOG_FILE, encoding="utf-8") as f:
            _catalog = json.load(f)
    return _catalog


def _in(ranges: Any, minor: str) -> bool:
    """Whether `minor` lies in catalog ranges ('1.16-1.17', '1.13'), given as a list or dict keys."""
    k = minor_key(minor)
    for r in ranges or ():
        lo, _, hi = str(r).partition("-")
        if minor_key(lo) <= k <= minor_key(hi or lo):
            return True
    return False


def parse_target(to: str) -> Tuple[str, Version]:
    """`--to` as (schema minor, version); ValueError says what rtlint accepts."""
    try:
        v = Version.parse(to)
    except ValueError:
        raise ValueError(f"--to {to!r}: give a KubeEdge version X.Y or X.Y.Z "
                         f"({known_minors()[0]}–{known_minors()[-1]})") from None
    minor = f"{v.major}.{v.minor}"
    if minor not in known_minors():
        raise ValueError(f"--to {to}: rtlint knows edgecore {known_minors()[0]}–{known_minors()[-1]}")
    return minor, v


def moves() -> List[Tuple[KeyPath, KeyPath]]:
    """(old path, new path) of every setting that moved, from the catalog's movedTo."""
    out = []
    for name, f in catalog()["fields"].items():
        if f.get("movedTo"):
            out.append((tuple(name.split(".")), tuple(f["movedTo"].split("."))))
    return out


def _has(minor: str, path: Sequence[str]) -> bool:
    return es.get_validator(minor).field_schema(path) is not None


def _deprecated(path: Sequence[str], minor: str) -> bool:
    f = catalog()["fields"].get(".".join(path))
    return f is not None and _in(f.get("deprecated"), minor)


def where(path: Sequence[Any]) -> str:
    return es.format_path(tuple(path)) if path else "the top level"


def quote(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if not value or value.strip() != value else value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip() or (("://" in a or "://" in b) and same_socket(a, b))
    return a == b


class _Edgecore(Session):
    def __init__(self, doc: Document, minor: str, version: Version) -> None:
        super().__init__(doc)
        self.minor = minor
        self.version = version

    def line(self, path: KeyPath) -> int:
        """Line of a key in the original file (each step touches a key that no earlier step moved)."""
        e = self.original.entry(path)
        return e.span.line if e is not None else 0

    def move(self, path: KeyPath, dest: Sequence[str]) -> None:
        table = written_path(self.doc, list(dest[:-1]))
        self.build(f"move {where(path)} to {where(dest)}", lambda d: d.move(path, table, dest[-1]))

    def delete(self, path: KeyPath) -> None:
        self.build(f"remove {where(path)}", lambda d: d.delete(path))


def migrate(doc: Document, to: str) -> Session:
    try:
        minor, version = parse_target(to)
    except ValueError as e:
        raise MigrateError(str(e)) from None
    _check_layout(doc, minor)
    s = _Edgecore(doc, minor, version)
    _moved_keys(s)
    _legacy_keys(s)
    _deprecated_keys(s)
    _other_version_keys(s)
    _feature_gates(s)
    _edgecore_version(s)
    _runtime_warnings(s)
    left = [e for e in es.validate(s.doc.data, minor) if e.kind in VERSION_KINDS]
    if left:  # pragma: no cover - every step above removes what it finds
        raise MigrateError(f"{left[0].message} (rtlint could not migrate it; please report this file)")
    return s


def _check_layout(doc: Document, minor: str) -> None:
    data = doc.data
    if not isinstance(data, dict):
        raise MigrateError("the file is not a YAML mapping, so it is no edgecore config")
    api, kind = data.get("apiVersion"), data.get("kind")
    if isinstance(api, str) and api.strip() == API_VERSION.replace("v1alpha2", "v1alpha1"):
        raise MigrateError(V1ALPHA1.format(api=api.strip(), minor=minor))
    if api != API_VERSION or kind != KIND:
        raise MigrateError(f"not an edgecore v1alpha2 config (apiVersion {api!r}, kind {kind!r}); rtlint migrates "
                           f"files with apiVersion {API_VERSION} and kind {KIND} (KubeEdge 1.12+)")


# -- 1. moved settings ---------------------------------------------------------------------------------------

def _moved_keys(s: _Edgecore) -> None:
    todo: List[Tuple[int, KeyPath, KeyPath]] = []
    for old, new in moves():
        has_old, has_new = _has(s.minor, old), _has(s.minor, new)
        if has_new and (not has_old or _deprecated(old, s.minor)):
            src, dst = old, new
        elif has_old and not has_new:  # an older minor: back to the old place
            src, dst = new, old
        else:
            continue
        e = lookup(s.doc, src)
        if e is not None:
            todo.append((e.span.start, src, dst))
    for _, src, dst in sorted(todo):  # in file order, so moved keys keep their order
        _carry(s, src, dst)


def _carry(s: _Edgecore, src: KeyPath, dst: KeyPath) -> None:
    e = lookup(s.doc, src)
    if e is None:
        return
    path, value, line = e.path, e.value, s.line(e.path)
    here = where(path)
    d = lookup(s.doc, dst)
    if d is None:
        s.move(path, dst)
        there = where(written_path(s.doc, list(dst)))
        s.note(INFO, f"moved {here} to {there} (where edgecore {s.minor} reads it)", line)
        if is_dockershim(value if isinstance(value, str) else None) and minor_key(s.minor) >= (1, 14):
            s.note(WARNING, f"{there} is {value}, but dockershim was removed in KubeEdge 1.14: point it at "
                            f"your CRI runtime's socket (cri-dockerd: unix:///var/run/cri-dockerd.sock)", line)
        return
    s.delete(path)
    there = where(d.path)
    if _same(value, d.value):
        s.note(INFO, f"removed {here}: {there} already says the same", line)
    else:
        s.note(WARNING, f"removed {here} ({quote(value)}): {there} is already set and edgecore {s.minor} uses "
                        f"it ({quote(d.value)})", line)


# -- 2. v1alpha1 keys in a v1alpha2 file ---------------------------------------------------------------------

def _legacy_keys(s: _Edgecore) -> None:
    for err in [e for e in es.validate(s.doc.data, s.minor) if e.kind == "legacy-v1alpha1"]:
        path = err.path
        parent = tuple(str(p) for p in path[:-1])
        entry = s.doc.entry(path)
        value = entry.value if entry is not None else None
        line = s.line(path)
        here = where(path)
        home = err.expected if isinstance(err.expected, str) else None
        dest = parent + tuple(home.split(".")) if home else None
        if dest is not None and _deprecated(dest, s.minor):
            dest = None  # e.g. runtimeType -> containerRuntime, which 1.16/1.17 ignore
        if dest is None:
            s.delete(path)
            s.note(INFO, f"removed {here}, a v1alpha1 key with no equivalent that edgecore {s.minor} reads "
                         f"(it was ignored)", line)
            continue
        there = lookup(s.doc, dest)
        if there is not None:
            s.delete(path)
            level = INFO if _same(value, there.value) else WARNING
            s.note(level, f"removed {here} ({quote(value)}), a v1alpha1 key edgecore ignores; "
                          f"{where(there.path)} is set ({quote(there.value)}) and is what edgecore uses", line)
        elif validates_as(s.doc, path, dest, s.minor):
            s.move(path, dest)
            s.note(WARNING, f"moved {here} to {where(written_path(s.doc, list(dest)))}: edgecore ignored the "
                            f"v1alpha1 key, so {quote(value)} now takes effect", line)
        else:
            s.delete(path)
            s.note(WARNING, f"removed {here}: {quote(value)} is not a valid value for {where(dest)} in "
                            f"KubeEdge {s.minor} (the v1alpha1 key was ignored)", line)


# -- 3. deprecated keys the target ignores -------------------------------------------------------------------

def _deprecated_keys(s: _Edgecore) -> None:
    for name, f in catalog()["fields"].items():
        if f.get("movedTo") or not _in(f.get("deprecated"), s.minor):
            continue
        e = lookup(s.doc, name.split("."))
        if e is None:
            continue
        line = s.line(e.path)
        s.delete(e.path)
        s.note(INFO, f"removed {where(e.path)} ({quote(e.value)}): deprecated, and edgecore {s.minor} does not "
                     f"read it", line)


# -- 4. keys of other minors ---------------------------------------------------------------------------------

def _other_version_keys(s: _Edgecore) -> None:
    seen = set()
    while True:
        errs = [e for e in es.validate(s.doc.data, s.minor) if e.kind in VERSION_KINDS and e.path]
        if not errs:
            return
        e = errs[0]
        if e.path in seen:  # pragma: no cover - a delete that did not delete
            raise MigrateError(f"could not remove {where(e.path)} (please report this file)")
        seen.add(e.path)
        line = s.line(e.path)
        s.delete(e.path)
        ranges = ", ".join(str(r).replace("-", "–") for r in (e.expected or [])) \
            if isinstance(e.expected, list) else ""
        if e.kind == "removed":
            s.note(INFO, f"removed {where(e.path)}: KubeEdge {s.minor} no longer reads it (only {ranges})", line)
        elif e.kind == "legacy-v1alpha1":
            s.note(INFO, f"removed {where(e.path)}, a v1alpha1 key edgecore ignores", line)
        else:
            s.note(WARNING, f"removed {where(e.path)}: only KubeEdge {ranges} reads it, edgecore {s.minor} "
                            f"would ignore it", line)


# -- 4b. feature gates of other minors ---------------------------------------------------------------------

# A gate that moved to the embedded kubelet: the KubeEdge 1.22 release notes put DisableCSIVolumePlugin
# (a top-level KubeEdge gate in 1.21) under tailoredKubeletConfig.featureGates (FACTS.md §5).
KUBELET_GATES = {"DisableCSIVolumePlugin": "1.22"}
_RANGE = re.compile(r"^\d+\.\d+(-\d+\.\d+)?$")


def _feature_gates(s: _Edgecore) -> None:
    """Gates other minors know: edgecore refuses to start on a gate it does not know, so they cannot stay."""
    for e in [e for e in es.validate(s.doc.data, s.minor) if e.kind == "unknown-feature-gate"]:
        ranges = e.expected if isinstance(e.expected, list) else []
        if not ranges or not all(isinstance(r, str) and _RANGE.match(r) for r in ranges):
            continue  # never a gate of any release: a typo, EC013's business
        name = str(e.path[-1])
        line = s.line(e.path)
        since = KUBELET_GATES.get(name)
        dest = EDGED + ("tailoredKubeletConfig", "featureGates", name)
        if since is not None and minor_key(s.minor) >= minor_key(since) and lookup(s.doc, dest) is None:
            s.move(e.path, dest)
            s.note(INFO, f"moved featureGates.{name} to {where(written_path(s.doc, list(dest)))}: from KubeEdge "
                         f"{since} it is a kubelet gate", line)
            continue
        s.delete(e.path)
        shown = ", ".join(str(r).replace("-", "–") for r in ranges)
        s.note(WARNING, f"removed featureGates.{name}: only KubeEdge {shown} knows it, and edgecore {s.minor} "
                        f"refuses to start on a gate it does not know", line)


# -- 5. edgecoreVersion --------------------------------------------------------------------------------------

def _edgecore_version(s: _Edgecore) -> None:
    if minor_key(s.minor) < (1, 21):
        return  # step 4 removed it
    e = s.doc.entry(("edgecoreVersion",))
    if e is None or not isinstance(e.value, str) or not e.value.strip():
        return
    cur = e.value.strip()
    want = s.version
    try:
        have: Optional[Version] = Version.parse(cur)
    except ValueError:
        have = None
    if have is not None and (have.major, have.minor) == (want.major, want.minor) \
            and (want.patch is None or have.patch == want.patch):
        return
    full = want if want.patch is not None else Version(want.major, want.minor, 0)
    new = ("v" if cur.startswith("v") or have is None else "") + str(full)
    line = s.line(e.path)
    s.build("set edgecoreVersion", lambda d: d.set_value(e.path, new))
    s.note(INFO, f"edgecoreVersion {cur} -> {new} (edgecore rewrites it to its own version at start-up)", line)


# -- what the migration cannot decide ------------------------------------------------------------------------

def _runtime_warnings(s: _Edgecore) -> None:
    if minor_key(s.minor) < (1, 14):
        return
    rt = lookup(s.doc, list(EDGED) + ["containerRuntime"])
    if rt is not None and isinstance(rt.value, str) and rt.value.strip().lower() == "docker":
        s.note(WARNING, f"{where(rt.path)} is docker, but KubeEdge 1.14 removed dockershim: install cri-dockerd "
                        f"(or use containerd/CRI-O), set containerRuntime: remote and point the endpoint at its "
                        f"socket", s.line(rt.path))
    eff = effective_runtime(s.doc, s.minor)["runtime_endpoint"]
    if eff.entry is not None and is_dockershim(eff.value) and not any("dockershim" in n.message for n in s.notes):
        s.note(WARNING, f"{where(eff.entry.path)} is {eff.value}, but dockershim was removed in KubeEdge 1.14: "
                        f"point it at your CRI runtime's socket", 0)


__all__ = ["migrate", "parse_target", "moves", "catalog", "V1ALPHA1"]
