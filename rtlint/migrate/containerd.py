"""containerd config.toml to a newer config version (1 → 2 → 3 → 4), edited in place.

`containerd config migrate` (2.x) prints the whole merged, defaulted config; a
file written back from it has lost its comments and gained every default and
every import. This module moves only what the file says, the way the 2.x
plugin migrations move it (FACTS §1.7, ctd-2.3.4 `ConfigMigration` of the CRI
plugins and `serviceMigrate`):

- v1 → v2: short plugin ids (`[plugins.cri]`) become their URIs (`v1_plugin_uri`);
  an id containerd would have to guess is refused.
- v2 → v3: `io.containerd.grpc.v1.cri` is split: `sandbox_image` →
  `[plugins."io.containerd.cri.v1.images".pinned_images] sandbox`, `registry`
  and the image keys (and `containerd.snapshotter`, …) → the images plugin,
  the streaming keys stay, `containerd.*` / `cni` / every other key → the
  runtime plugin; `sandbox_mode` → `sandboxer`; the plugins 2.0 renamed get
  their new ids. `untrusted_workload_runtime` becomes `runtimes.untrusted`
  when that is free (containerd 1.x did the same at load time).
- v3 → v4: `[grpc]`, `[ttrpc]`, the `[debug]` socket and `[metrics]` become
  `io.containerd.server.v1.*` plugins.

How, per version step (the mappings are in `containerd_steps`): whole tables
the new version dropped are deleted; table headers are renamed (one text
edit per header, see `toml_tables.header_edit`); then every key whose place
still differs is dropped, renamed or moved (`doc.move`: comments go along).
Each pass is re-parsed before the next, and moves one by one, so a step that
would break the file stops the migration. A key already set at its new place
wins (as in upstream's migration) and the old one is dropped with a note.
Keys neither schema knows (typos, options of third-party shims) are carried
along untouched. A header takes the place where most of its keys go, so
`[plugins."io.containerd.grpc.v1.cri"]` holding only `sandbox_image` becomes
`[plugins."io.containerd.cri.v1.images".pinned_images]`.

A file whose version is already the target but that still holds settings of
an older layout (v2 CRI keys in a version 3 file, `[plugins.cri]` in a
version 2 file), which containerd ignores there, gets that older step too.
"""
from __future__ import annotations

from collections import Counter
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Set

from ..document import Document, KeyPath
from ..formats.toml import TomlDocument, render_value
from ..runtimes import containerd as m
from . import INFO, WARNING, MigrateError, Session
from .containerd_steps import STEPS, VERSIONS, Step, V1toV2, V2toV3, empty
from .toml_tables import fmt, free, header_edit, statements

PLUGIN_LISTS = ("disabled_plugins", "required_plugins")


def parse_target(to: str) -> int:
    """`--to` as a config version; ValueError says what rtlint accepts."""
    t = to.strip()
    if t not in ("2", "3", "4"):
        raise ValueError(f"--to {to!r}: give the containerd config version to migrate to: 2, 3 or 4")
    return int(t)


def _leaves(value: Any, prefix: KeyPath = ()) -> List[KeyPath]:
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _leaves(v, prefix + (k,))]
    return [prefix]


# -- the session ---------------------------------------------------------------------------------------------

class _Containerd(Session):
    def __init__(self, doc: Document) -> None:
        super().__init__(doc)
        self.orig_data: Dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.origin: Dict[KeyPath, KeyPath] = {}  # renamed table (current path) -> its path in the original
        self.renamed: Dict[KeyPath, KeyPath] = {}  # original table path -> current path

    def origin_of(self, path: KeyPath) -> KeyPath:
        """A path of the current document as it was written in the original file."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.origin:
                return self.origin[path[:n]] + path[n:]
        return path

    def line(self, path: KeyPath) -> int:
        return self.line_of(self.original, self.origin_of(path))

    def table_renamed(self, old: KeyPath, new: KeyPath) -> None:
        first = self.origin_of(old)
        self.origin[new] = first
        self.renamed[first] = new

    def rename_notes(self) -> None:
        for first, now in sorted(self.renamed.items(), key=lambda kv: self.line_of(self.original, kv[0])):
            if first != now:
                self.note(INFO, f"[{fmt(first)}] is now [{fmt(now)}]", self.line_of(self.original, first))

    @property
    def toml(self) -> TomlDocument:
        assert isinstance(self.doc, TomlDocument)
        return self.doc

    def line_of(self, doc: Document, path: KeyPath) -> int:
        e = doc.entry(path)
        return e.span.line if e is not None else 0


def migrate(doc: Document, to: str) -> Session:
    try:
        target = parse_target(to)
    except ValueError as e:
        raise MigrateError(str(e)) from None
    if not isinstance(doc, TomlDocument) or not isinstance(doc.data, dict):
        raise MigrateError("not a TOML document")
    if "version" in doc.data and not m.has_valid_version(doc):
        raise MigrateError(f"the version line ({doc.data['version']!r}) is not an integer, so containerd cannot "
                           f"read this file; write version = 2 (or the version the file is written for) first")
    current = m.config_version(doc)
    if current not in VERSIONS:
        raise MigrateError(f"config version {current} is not one rtlint knows (1-4)")
    if current > target:
        raise MigrateError(f"the file is config version {current}; rtlint does not migrate to an older version "
                           f"({target})")
    s = _Containerd(doc)
    _repair(s, current)
    for version in range(current, target):
        _run_step(s, STEPS[version](s.doc))
    if current < target:
        _set_version(s, target)
    s.rename_notes()
    _imports(s, current, target)
    _leftovers(s, target)
    return s


def _repair(s: _Containerd, current: int) -> None:
    """Settings written for an older version than the file's own: containerd never migrates them, it
    ignores them (or, for short ids in a version 2 file, 1.x refuses to start). Their intent is plain, so
    they get the older version's migration first."""
    foreign = m.foreign_plugins(s.doc)
    if current == 2 and any(k == m.V2_SHORT_ID and m.v1_plugin_uri(str(p[1])) for p, k in foreign):
        s.note(WARNING, "the file is config version 2 but names plugins by their version-1 ids ([plugins.cri], "
                        "...): containerd 1.6/1.7 refuse to start and 2.x ignores those tables; they get their "
                        "full names")
        _run_step(s, V1toV2(s.doc, strict=False))
    elif current >= 3 and any(k == m.V3_V2_CRI_KEY for _, k in foreign):
        s.note(WARNING, f"the file is config version {current} but keeps version-2 CRI settings under "
                        f"[plugins.\"{m.CRI_V2}\"], where containerd 2.x ignores them: they are moved to their "
                        f"version-3 places (a value already set there wins)")
        _run_step(s, V2toV3(s.doc))


def _run_step(s: _Containerd, step: Step) -> None:
    _drop_tables(s, step)
    had = {base for _, base, _ in statements(s.toml)}
    renames = _rename_headers(s, step)
    _move_keys(s, step, renames)
    _drop_emptied(s, step, {renames.get(b, b) for b in had})
    _plugin_lists(s, step)
    step.finish(s)


# -- pass 1: whole tables the new version dropped ------------------------------------------------------------

def _drop_tables(s: _Containerd, step: Step) -> None:
    doc = s.toml
    gone: List[KeyPath] = []
    for t in doc.tables():
        if t.header is None or any(t.path[:len(g)] == g for g in gone):
            continue
        target = step.table_map(t.path)
        if step.dropped(t.path, target):
            gone.append(t.path)
    for path in gone:
        value = s.doc.get(path)
        s.note(INFO if empty(value) else WARNING, f"removed [{fmt(path)}]: {step.why(path, step.map(path))}",
               s.line(path))
    s.build_all("remove tables", [lambda d, p=path: d.delete(p) for path in gone])


# -- pass 2: table headers -----------------------------------------------------------------------------------

def _rename_headers(s: _Containerd, step: Step) -> Dict[KeyPath, KeyPath]:
    doc = s.toml
    by_table: Dict[KeyPath, List[KeyPath]] = {}
    for path, base, rel in statements(doc):
        if len(rel) == 1:
            by_table.setdefault(base, []).append(path)
    headers = [t for t in doc.tables() if t.header is not None]
    taken: Set[KeyPath] = {t.path for t in headers}
    renames: Dict[KeyPath, KeyPath] = {}
    for t in headers:
        default = step.table_map(t.path)
        if default == t.path and all(step.map(p) == p for p in by_table.get(t.path, [])):
            continue
        if t.kind != "table":
            raise MigrateError(f"[[{fmt(t.path)}]] is an array of tables; rtlint cannot move it to config "
                               f"version {step.src + 1}")
        homes = Counter()
        for p in by_table.get(t.path, []):
            target = step.map(p)
            if not step.dropped(p, target) and (target == p or not doc.has(target)):  # else it is dropped
                homes[target[:-1]] += 1
        choice = default
        if homes and default not in homes:
            choice = max(homes, key=lambda h: homes[h])  # Counter keeps first-seen order on ties
        for want in (choice, default):
            if want == t.path:
                break
            if want not in taken and free(doc, want):
                renames[t.path] = want
                taken.add(want)
                break
    edits = [header_edit(doc, old, new) for old, new in renames.items()]
    s.apply(edits, f"rename tables for config version {step.src + 1}")
    for old, new in renames.items():
        s.table_renamed(old, new)
    return renames


# -- pass 3: keys --------------------------------------------------------------------------------------------

def _move_keys(s: _Containerd, step: Step, renames: Dict[KeyPath, KeyPath]) -> None:
    todo = []
    for path, base, rel in statements(s.toml):
        old_base = next((o for o, n in renames.items() if n == base), base)
        orig = old_base + rel
        if isinstance(s.doc.get(path), dict):
            _check_inline(s, step, orig, path, s.doc.get(path), step.map(orig))
        todo.append((orig, path, s.line(orig)))
    # keys to drop and keys renamed in place do not touch each other: one pass each; moves one at a time
    drops, renames_in_place, moves = [], [], []
    for orig, cur, line in todo:
        target = step.map(orig)
        value = s.doc.get(cur)
        if step.dropped(orig, target):
            drops.append(cur)
            s.note(INFO if empty(value) else WARNING, f"removed {fmt(orig)} = {_show(value)}: "
                                                     f"{step.why(orig, target)}", line)
        elif target == cur:
            continue
        elif s.doc.has(target):
            there = s.doc.get(target)
            drops.append(cur)
            s.note(INFO if there == value else WARNING, f"removed {fmt(orig)} = {_show(value)}: {fmt(target)} "
                                                        f"is already set ({_show(there)}) and wins", line)
        elif cur[:-1] == target[:-1]:
            renames_in_place.append((cur, target[-1]))
            s.note(INFO, f"{fmt(orig)} is now {fmt(target)}", line)
        else:
            moves.append((cur, target))
            if orig == target:  # its table went elsewhere; the key did not
                s.note(INFO, f"{fmt(orig)} stays where it is read, under a [{fmt(target[:-1])}] header of its own",
                       line)
            else:
                s.note(INFO, f"moved {fmt(orig)} to {fmt(target)}", line)
    s.build_all("remove keys", [lambda d, p=p: d.delete(p) for p in drops])
    s.build_all("rename keys", [lambda d, p=p, k=k: d.rename(p, k) for p, k in renames_in_place])
    for cur, target in moves:
        s.build(f"move {fmt(cur)} to {fmt(target)}", lambda d, c=cur, t=target: d.move(c, t[:-1], t[-1]))


def _check_inline(s: _Containerd, step: Step, orig: KeyPath, cur: KeyPath, value: Dict[str, Any],
                  target: KeyPath) -> None:
    """An inline table moves as one value: its members must go the same way (dropped ones are removed)."""
    for sub in _leaves(value):
        if not sub:
            continue
        o = orig + sub
        t = step.map(o)
        if step.dropped(o, t):
            for depth in range(1, len(sub) + 1):  # the highest dropped level
                if step.dropped(orig + sub[:depth], step.map(orig + sub[:depth])):
                    path = cur + sub[:depth]
                    if s.doc.has(path):
                        gone = s.doc.get(path)
                        s.build(f"remove {fmt(path)}", lambda d, p=path: d.delete(p))
                        s.note(INFO if empty(gone) else WARNING,
                               f"removed {fmt(o[:len(orig) + depth])} = {_show(gone)}: "
                               f"{step.why(orig + sub[:depth], step.map(orig + sub[:depth]))}",
                               s.line(orig))
                    break
        elif t != target + sub:
            raise MigrateError(f"{fmt(orig)} is an inline table whose keys go to different tables in config "
                               f"version {step.src + 1} ({fmt(o)} → {fmt(t)}); write it as [tables] first")


def _show(value: Any) -> str:
    try:
        text = render_value(value)
    except Exception:  # noqa: BLE001 - only for a message
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- pass 4: tables emptied by the moves ---------------------------------------------------------------------

def _drop_emptied(s: _Containerd, step: Step, had: Set[KeyPath]) -> None:
    """Remove the headers this step left without keys or sub-tables.

    One still at the old version's place always goes (it would be a foreign
    table); one at its new place only when no comment would go with it.
    """
    keep: Set[KeyPath] = set()
    while True:
        doc = s.toml
        written = {base for _, base, _ in statements(doc)}
        parents = {t.path[:i] for t in doc.tables() for i in range(len(t.path))}
        for t in reversed(doc.tables()):
            path = t.path
            if t.header is None or path in written or path in parents or path in keep:
                continue
            old_place = step.table_map(path) != path
            if not old_place and path not in had:
                continue
            edits = doc.delete(path)
            if not old_place and _drops_comments(doc, edits):
                keep.add(path)
                continue
            s.apply(edits, f"remove the empty table {fmt(path)}")
            s.note(INFO, f"removed the empty table [{fmt(path)}] (its keys moved)", s.line(path))
            break
        else:
            return


def _drops_comments(doc: TomlDocument, edits: List[Any]) -> bool:
    for e in edits:
        first = doc.index.position(e.start)[0]
        last = doc.index.position(max(e.start, e.end - 1))[0]
        if any(first <= c.line <= last for c in doc.comments):
            return True
    return False


# -- pass 5: plugin names in lists ---------------------------------------------------------------------------

def _plugin_lists(s: _Containerd, step: Step) -> None:
    for key in PLUGIN_LISTS:
        items = s.doc.get((key,))
        if not isinstance(items, list):
            continue
        for i, name in enumerate(items):
            if not isinstance(name, str):
                continue
            new = step.plugin_name(name)
            if new != name:
                s.build(f"rename {name} in {key}", lambda d, k=key, i=i, v=new: d.set_value((k, i), v))
                s.note(INFO, f"{key}: {name!r} is now {new!r}", s.line_of(s.original, (key,)))


# -- version line, and what is left --------------------------------------------------------------------------

def _set_version(s: _Containerd, target: int) -> None:
    if s.doc.has(("version",)):
        old = s.doc.get(("version",))
        s.build("set version", lambda d: d.set_value(("version",), target))
        s.note(INFO, f"version = {old} is now version = {target}", s.line_of(s.original, ("version",)))
    else:
        s.build("add the version line", lambda d: d.insert((), "version", target))
        s.note(INFO, f"added version = {target} (the file had no version line, which means version 1)")
    if target == 3:
        s.note(INFO, "config version 3 needs containerd 2.0 or newer: 1.6.32+/1.7.17+ refuse it, older 1.x "
                     "read it as version 2 and ignore the new tables")
    elif target == 4:
        s.note(INFO, "config version 4 needs containerd 2.3 or newer: 2.0-2.2 refuse to start with it")


def _imports(s: _Containerd, current: int, target: int) -> None:
    """Drop-ins are files of their own: nothing is folded in, but their version must follow."""
    imports = s.orig_data.get("imports")
    if current < target and isinstance(imports, list) and imports:
        names = ", ".join(str(i) for i in imports)
        s.note(WARNING, f"this file imports {names}: migrate those files to version {target} as well (containerd "
                        f"2.3 refuses a drop-in whose version is higher than the main file's, and 2.0-2.2 use the "
                        f"version of the last file they read for all of them)", s.line_of(s.original, ("imports",)))


def _leftovers(s: _Containerd, target: int) -> None:
    """What the target still cannot use and a migration must not guess: reported, not changed."""
    for path, kind in m.foreign_plugins(s.doc):
        s.note(WARNING, f"{fmt(path)} is not read by config version {target} (it was not migrated: "
                        f"{kind}); rtlint check reports it as CTD003", s.line(path))
    if target < 3:
        return
    for r in m.runtime_refs(s.doc, legacy=False):
        rt = r.table.get("runtime_type")
        if rt in m.REMOVED_SHIMS:
            s.note(WARNING, f"{fmt(r.path)}: runtime_type {rt} was removed in containerd 2.0 (use "
                            f"{m.RUNC_V2}); rtlint check reports it as CTD011", s.line(r.path + ("runtime_type",)))


__all__ = ["migrate", "parse_target", "VERSIONS", "STEPS"]
