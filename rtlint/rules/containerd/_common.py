"""Helpers shared by the containerd rules: where to point, how SystemdCgroup is read, edits.

Facts about table paths live in rtlint.runtimes.containerd; this module holds the
analyses several rules need to agree on (so two rules never report, or fix, the
same key twice).
"""
from __future__ import annotations

from ...record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, List, Optional, Set, Tuple

from ...document import Document, Edit, EditError, KeyPath, Span
from ...formats.toml import render_path
from ...rule import Context
from ...runtimes import containerd as m


def table_name(path: KeyPath) -> str:
    """A table path as an operator writes it: [plugins."io.containerd.grpc.v1.cri".containerd]."""
    return "[" + render_path(path) + "]"


def anchor(doc: Document, path: KeyPath) -> Span:
    """The span of `path`, or of its nearest parent that exists (the root is the whole file)."""
    path = tuple(path)
    for n in range(len(path), -1, -1):
        e = doc.entry(path[:n])
        if e is not None:
            if n == 0:  # the root: point at the first character, not the whole file
                return doc.span(0, 0)
            return e.span
    return doc.span(0, 0)  # pragma: no cover - the root always exists


def lookup(doc: Document, path: KeyPath) -> Any:
    cur: Any = doc.data
    for part in path:
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def try_edits(*builders: Any) -> Optional[List[Edit]]:
    """Run edit builders (callables returning edits); None if any cannot be expressed."""
    out: List[Edit] = []
    try:
        for b in builders:
            out.extend(b())
    except EditError:
        return None
    return out


# -- SystemdCgroup --------------------------------------------------------------------------

def accepted_spelling(key: str, ctx: Context, doc: Document) -> bool:
    """Whether containerd maps this spelling onto runc's SystemdCgroup option.

    1.x decodes with go-toml v1 (four spellings only); 2.x with go-toml v2, which
    falls back to a case-insensitive match. Underscores never match.
    """
    if key in m.GO_TOML_V1_SPELLINGS:
        return True
    if "_" in key:
        return False
    return not m.may_be_1x(doc, ctx.containerd_version)


def systemd_value(doc: Document, options: KeyPath, ctx: Context) -> Optional[bool]:
    """The SystemdCgroup value runc gets from an options table (False when unset; None if not a bool)."""
    t = lookup(doc, options)
    if not isinstance(t, dict):
        return False
    for k, v in t.items():
        if isinstance(k, str) and m.is_systemd_cgroup_key(k) and accepted_spelling(k, ctx, doc):
            return v if isinstance(v, bool) else None
    return False


def written_systemd_key(doc: Document, options: KeyPath, ctx: Context) -> Optional[KeyPath]:
    """Path of the accepted SystemdCgroup key in an options table, if written."""
    t = lookup(doc, options)
    if isinstance(t, dict):
        for k in t:
            if isinstance(k, str) and m.is_systemd_cgroup_key(k) and accepted_spelling(k, ctx, doc):
                return tuple(options) + (k,)
    return None


@dataclass(frozen=True)
class SystemdKey:
    """A SystemdCgroup that runc never sees, and the options table where it would take effect."""

    path: KeyPath
    runtime: str
    target: KeyPath  # options table of that runtime at this file's version
    problem: str     # "spelling", "runtime-table", "cri-table", "other-version"


def _shape(path: KeyPath) -> Optional[tuple]:
    """(plugin id, runtime name or None, legacy?, in options?) for SystemdCgroup-like keys."""
    if len(path) < 3 or path[0] != "plugins" or path[1] not in m.CRI_ROOTS:
        return None
    rest = path[2:-1]
    if not rest:
        return (path[1], None, False, False)
    if rest[0] != "containerd" or len(rest) < 2:
        return None
    if rest[1] == "runtimes" and len(rest) in (3, 4) and isinstance(rest[2], str):
        if len(rest) == 4 and rest[3] != "options":
            return None
        return (path[1], rest[2], False, len(rest) == 4)
    if rest[1] in m.LEGACY_RUNTIMES and len(rest) in (2, 3):
        if len(rest) == 3 and rest[2] != "options":
            return None
        return (path[1], rest[1], True, len(rest) == 3)
    return None


def misplaced_systemd_keys(doc: Document, ctx: Context) -> List[SystemdKey]:
    """Every SystemdCgroup-like key containerd drops, with where it belongs (CTD006's list)."""
    v = m.config_version(doc)
    own = m.cri_root(v)[1]
    out: List[SystemdKey] = []
    for e in doc.entries:
        key = e.path[-1] if e.path else None
        if not isinstance(key, str) or not m.is_systemd_cgroup_key(key) or e.key_span is None:
            continue
        shape = _shape(e.path)
        if shape is None or m.whole_table_foreign(doc, e.path):
            continue
        plugin, runtime, legacy, in_options = shape
        if runtime is None:  # directly in a CRI plugin table
            if key == "systemd_cgroup" or plugin != own:
                continue  # the legacy CRI switch (CTD008) / another version's table (CTD003)
            default, _ = m.default_runtime_name(doc)
            out.append(SystemdKey(e.path, default, m.runc_options(v, default), "cri-table"))
            continue
        if legacy and (plugin != own or v >= 3):
            continue  # 2.x has no legacy runtime tables at all (CTD012)
        target = (("plugins", own, "containerd", runtime, "options") if legacy
                  else m.runc_options(v, runtime))
        if plugin != own:
            out.append(SystemdKey(e.path, runtime, target, "other-version"))
        elif not in_options:
            out.append(SystemdKey(e.path, runtime, target, "runtime-table"))
        elif not accepted_spelling(key, ctx, doc):
            out.append(SystemdKey(e.path, runtime, target, "spelling"))
    return out


def set_systemd_edits(doc: Document, runtime: m.RuntimeRef, value: bool, ctx: Context) -> Optional[List[Edit]]:
    """Edits that make `runtime` pass SystemdCgroup = value to runc (None if not expressible).

    A runtime table the file does not define yet is created with its runtime_type:
    containerd 1.x replaces the whole runtime entry with what the file says, so an
    options table alone would leave runtime_type empty (FACTS §1.6, E8).
    """
    written = written_systemd_key(doc, runtime.options, ctx)
    if written is not None:
        return try_edits(lambda: doc.set_value(written, value))
    if doc.entry(runtime.path) is None:
        return try_edits(lambda: insert(doc, runtime.path, "runtime_type", m.RUNC_V2),
                         lambda: insert(doc, runtime.options, m.SYSTEMD_CGROUP, value))
    return try_edits(lambda: insert(doc, runtime.options, m.SYSTEMD_CGROUP, value))


def driver_safe(new: bool, current: Optional[bool], ctx: Context) -> bool:
    """A SystemdCgroup change is safe only if nothing changes or the node's driver confirms it.

    runc and kubelet must use the same cgroup driver, so turning systemd cgroups
    on or off is only known to be right when the user told us the node's driver.
    """
    if new == current:
        return True
    return ctx.cgroup_driver is not None and new == (ctx.cgroup_driver == "systemd")


def runc_runtimes(doc: Document, ctx: Context) -> List[m.RuntimeRef]:
    """runc-based runtimes containerd will have: the file's, plus the built-in runc when it is the default.

    The built-in `runc` entry (runtime_type runc.v2, SystemdCgroup false) is the
    default when default_runtime_name is unset; it is added as a RuntimeRef with
    an empty table when the file does not define it.
    """
    refs = [r for r in m.runtime_refs(doc) if m.runc_like(r.name, r.table)]
    name, _ = m.default_runtime_name(doc)
    v = m.config_version(doc)
    defined = m.runtimes(doc)
    if name == "runc" and "runc" not in defined and m.legacy_default_runtime(doc) is None:
        refs.insert(0, m.RuntimeRef("runc", m.runtime_table(v, "runc"), {}))
    return refs


# -- sandbox image --------------------------------------------------------------------------

def sandbox_path(doc: Document) -> KeyPath:
    return m.sandbox_image(m.config_version(doc))


def misplaced_sandbox_images(doc: Document, ctx: Context) -> List[KeyPath]:
    """Sandbox image settings containerd does not read at this file's version (CTD009's list).

    Any `sandbox_image` key outside this version's place, and a version 3
    `pinned_images.sandbox` in a version 1/2 file that 1.x may read. Keys inside
    plugin tables the version ignores as a whole are left to CTD003.
    """
    want = sandbox_path(doc)
    out: List[KeyPath] = []
    v = m.config_version(doc)
    v3_place = m.sandbox_image(3)
    for e in doc.entries:
        if e.key_span is None or not e.path or e.path == want:
            continue
        if e.path[-1] == "sandbox_image" or (e.path == v3_place and v <= 2
                                             and m.may_be_1x(doc, ctx.containerd_version)):
            if not m.whole_table_foreign(doc, e.path):
                out.append(e.path)
    return out


def owned_elsewhere(doc: Document, ctx: Context) -> Set[KeyPath]:
    """Keys that CTD006 / CTD009 report, so CTD003 does not report them again."""
    return ({k.path for k in misplaced_systemd_keys(doc, ctx)}
            | set(misplaced_sandbox_images(doc, ctx)))


def remove_key(doc: Document, path: KeyPath) -> List[Edit]:
    """Delete a key; when it is the only thing in its `[table]`, delete the table header too."""
    parent = tuple(path[:-1])
    body = lookup(doc, parent)
    header = getattr(doc, "table_header", None)
    if (parent and isinstance(body, dict) and list(body) == [path[-1]]
            and header is not None and header(parent) is not None):
        return doc.delete(parent)
    return doc.delete(path)


def relocate(doc: Document, path: KeyPath, table: KeyPath, key: str) -> List[Edit]:
    """Move a key to `table` under `key`, dropping its old table when that empties it."""
    parent = tuple(path[:-1])
    body = lookup(doc, parent)
    header = getattr(doc, "table_header", None)
    if creates_table(doc, table) and migration_pending(doc):
        raise EditError("wait for `version = 2` (CTD002) before adding plugin tables")
    if (isinstance(body, dict) and list(body) == [path[-1]] and header is not None
            and header(parent) is not None and table[:len(parent)] != parent):
        return doc.delete(parent) + doc.insert(table, key, lookup(doc, path))
    return doc.move(path, table, key)


# -- version 1 → 2 migration (CTD002) ----------------------------------------------------------

def migration_edits(doc: Document) -> Optional[Tuple[List[Edit], bool]]:
    """Edits turning a version 1 file into the same configuration as version 2, and whether that is safe.

    Short plugin ids become their full URIs (the mapping containerd 2.x itself
    applies, which names the same plugins 1.x looks up by id), then `version = 2`
    is added. None when an id has no certain URI or its URI table also exists.
    Not safe when the file already holds full-URI names: 1.x ignores those in a
    version 1 file, and version 2 would make them take effect.
    """
    data = doc.data
    plugins = data.get("plugins")
    edits: List[Edit] = []
    changes_meaning = False
    try:
        if isinstance(plugins, dict):
            for name in plugins:
                if "." in name:
                    changes_meaning = True
                    continue
                uri = m.v1_plugin_uri(name)
                if uri is None or uri in plugins:
                    return None
                edits.extend(doc.rename(("plugins", name), uri))
        for key in ("disabled_plugins", "required_plugins"):
            for item in doc.children((key,)):
                if not isinstance(item.value, str):
                    continue
                if "." in item.value:
                    changes_meaning = True  # 1.x compares these with short ids: no match today
                    continue
                uri = m.v1_plugin_uri(item.value)
                if uri is None:
                    return None
                edits.extend(doc.set_value(item.path, uri))
        edits.extend(doc.insert((), "version", 2))
    except EditError:
        return None
    return edits, not changes_meaning


def migration_pending(doc: Document) -> bool:
    """CTD002 will rename this version 1 file's plugin ids, so other fixes must not add short-id tables now.

    Fixes in one pass are computed on the same text; a new `[plugins.cri...]`
    table written next to CTD002's rename and `version = 2` would be fatal. The
    other rules therefore report without a fix until the file has its version line.
    """
    return isinstance(doc.data, dict) and "version" not in doc.data and migration_edits(doc) is not None


def creates_table(doc: Document, table: KeyPath) -> bool:
    """Whether inserting into `table` has to write a new `[header]`."""
    get = getattr(doc, "table", None)
    t = get(table) if get is not None else None
    return t is None or t.kind == "implicit"


def insert(doc: Document, table: KeyPath, key: str, value: Any) -> List[Edit]:
    """doc.insert, refused while CTD002's migration is pending and a new table would be written."""
    if creates_table(doc, table) and migration_pending(doc):
        raise EditError("wait for `version = 2` (CTD002) before adding plugin tables")
    return doc.insert(table, key, value)
