"""CTD020: a key or table containerd does not read at that place, for the file's config version."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List, Optional, Tuple

from ... import kinds
from ...document import Document, Edit, KeyPath
from ...rule import ERROR, WARNING, Context, Finding, example
from ...runtimes import containerd as m
from ...schema import FORBIDDEN, Node, SchemaError
from ...versions import Version
from ..containerd._common import misplaced_sandbox_images, misplaced_systemd_keys
from ._common import (
    TOML_NAMES,
    UNKNOWN_KINDS,
    Checked,
    SchemaRule,
    containerd_version,
    did_you_mean,
    errors_of,
    guess,
    key_span,
    known_list,
    lookup,
    readable,
    rename_edits,
    reported_elsewhere,
    say_moved,
    split_dotted,
)

N = TOML_NAMES


def _effect(ctx: Context, v: int) -> str:
    """What containerd does with a key it does not know (FACTS §1.5)."""
    ver = ctx.containerd_version
    if v >= 3 or (ver is not None and ver.major >= 2):
        return 'containerd 2.x ignores it and logs "Ignoring unknown key"'
    if ver is not None:
        return "containerd %s ignores it without a message" % ver
    return 'containerd 1.x ignores it without a message and 2.x logs "Ignoring unknown key"'


def _under(path: KeyPath, roots: List[KeyPath]) -> bool:
    return any(path[:len(r)] == r for r in roots)


def _foreign(err: SchemaError) -> Dict[str, Any]:
    node_info = err.node.get("x-rtlint-foreign") if err.node is not None else None
    if node_info:
        return dict(node_info)
    parent = err.parent.get("x-rtlint-foreign") if err.parent is not None else None
    return dict((parent or {}).get(err.key) or {})


def _versions(vs: List[int]) -> str:
    vs = sorted(vs)
    if len(vs) == 1:
        return "version %d" % vs[0]
    return "versions " + ", ".join(str(x) for x in vs[:-1]) + " and %d" % vs[-1]


class ContainerdUnknownKey(SchemaRule):
    code = "CTD020"
    name = "containerd-unknown-key"
    summary = "a key or table containerd does not read at that place for the file's config version"
    severity = WARNING
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "containerd decodes each table into a fixed struct and drops keys it does not know: 1.6/1.7 "
        "(go-toml v1) without any message, 2.x with the warning `Ignoring unknown key in TOML` "
        "(FACTS §1.5; seen with 1.6.20 `config dump`, where `isabled_plugins`, "
        "`tolerate_missing_hugepages_controller` and `privileged_without_host_device` disappear). "
        "The setting the operator meant is then silently left at its default. Which keys exist "
        "depends on the config version (schemas/containerd/v1-v4.json, built from the toml tags at "
        "every release tag 1.2-2.3.4; see docs/runtime-schemas.md). The message names the table and "
        "the closest key that exists there, or the table(s) where that key is read (the schema's "
        "`x-rtlint-key-index` and `x-rtlint-moved` hints). Forbidden spellings are reported too: a "
        "runc option that go-toml v1 cannot match (`Binaryname`; containerd 1.x only), a plugin id "
        "of another config version that CTD003 does not cover (e.g. `io.containerd.monitor.v1.cgroups` "
        "in a version 3 file), keys 2.0 removed or renamed, and `[grpc]`/`[ttrpc]`/`[metrics]` in a "
        "version 4 file. Plugin tables of another config version as a whole (CTD003), SystemdCgroup "
        "spellings and places (CTD006), sandbox image places (CTD009) and anything another rule "
        "already reports on the same key are left to those rules. Fix: rename the key when exactly "
        "one key of the same table is a close match (difflib ratio >= 0.8, not a negation such as "
        "`no_subreaper`), that key is not set yet and the value fits its type. The rename is safe "
        "when the value equals the key's default (nothing changes at runtime, the file just says "
        "what it means); otherwise the setting starts to apply, so it is unsafe."
    )
    seen_in = (
        "containerd/Alberthua-Perl__kani__files_containerd_config.toml",
        "containerd/fisherxu__edgecore-indocker__files_etc_containerd_config.toml",
        "containerd/gfk-kube__fk-edgecore-indocker__files_etc_containerd_config.toml-org",
        "containerd/AERO-Project-EU__faas_platform__etc_containerd_config.toml",
        "containerd/fifthl__middle-conf__containerd_config.toml",
        "containerd/thesayyn__gameey.io__containerd_config.toml",
    )
    bad = (
        # a typo of a top-level key; the value is the default, so the rename changes nothing at runtime
        example("containerd/config.toml", """
            isabled_plugins = []
            root = "/var/lib/containerd"
            """, line=1, column=1, fixed="""
            disabled_plugins = []
            root = "/var/lib/containerd"
            """),
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              # allow hugepages controller to be missing
              tolerate_missing_hugepages_controller = true
            """, line=4, column=3, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              # allow hugepages controller to be missing
              tolerate_missing_hugetlb_controller = true
            """),
        # the setting starts to apply after the rename: unsafe
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
              privileged_without_host_device = true
            """, line=4, column=3, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
              privileged_without_host_devices = true
            """),
        # a real key in the wrong table: the index says where it is read
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              snapshotter = "overlayfs"
              enable_selinux = true
            """, line=4, column=3),
        # nothing close: the message lists what the table reads
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              plain-http = true
            """, line=3, column=3),
        # a 1.x plugin id that 2.0 renamed, in a version 3 file
        example("containerd/config.toml", """
            version = 3
            [plugins."io.containerd.monitor.v1.cgroups"]
              no_prometheus = true
            """, line=2, column=1, unsafe=True, fixed="""
            version = 3
            [plugins."io.containerd.monitor.task.v1.cgroups"]
              no_prometheus = true
            """),
        # go-toml v1 (containerd 1.x) does not match this spelling of runc's BinaryName
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              Binaryname = "/usr/local/bin/runc"
            """, line=3, column=3, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              BinaryName = "/usr/local/bin/runc"
            """),
        # renamed in 2.0, and only version 1/2 files are migrated
        example("containerd/config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
              sandbox_mode = "shim"
            """, line=4, column=3, unsafe=True, fixed="""
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
              sandboxer = "shim"
            """),
        # version 4 reads the socket address from the grpc server plugin
        example("containerd/config.toml", """
            version = 4
            [grpc]
              address = "/run/containerd/containerd.sock"
            """, line=2, column=1),
        # never a containerd key; `no_subreaper` (1.0 only) means the opposite, so no rename
        example("containerd/config.toml", """
            subreaper = true
            """, line=1, column=1),
    )
    good = (
        example("containerd/config.toml", """
            version = 2
            disabled_plugins = []
            [plugins."io.containerd.grpc.v1.cri"]
              tolerate_missing_hugetlb_controller = true
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
              SomeShimOption = 1
            [plugins."io.containerd.snapshotter.v1.stargz"]
              root_path = "/var/lib/stargz"
            """),
        # CTD009 reports a misplaced sandbox image, CTD003 a table of another version
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".image_decryption]
              sandbox_image = "registry.k8s.io/pause:3.9"
            [plugins.cri]
              enable_selinux = true
            """),
        # containerd 2.x matches option names loosely
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              Binaryname = "/usr/local/bin/runc"
            """, containerd_version="2.1.0"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        c = self.checked(doc)
        if c is None or not c.errors:
            return
        v = containerd_version(doc) or 1
        foreign_tables = [p for p, _ in m.foreign_plugins(doc)]
        owned = {k.path for k in misplaced_systemd_keys(doc, ctx)} | set(misplaced_sandbox_images(doc, ctx))
        for err in errors_of(c, UNKNOWN_KINDS):
            if _under(err.path, foreign_tables) or err.path in owned:
                continue  # CTD003 / CTD006 / CTD009
            if (err.kind == FORBIDDEN and err.node is not None and err.node.get("x-rtlint-miscased")
                    and not m.may_be_1x(doc, ctx.containerd_version)):
                continue  # 2.x matches option names case-insensitively
            if reported_elsewhere(c, ctx, err):
                continue
            if err.kind == FORBIDDEN:
                yield self._forbidden(c, err, v, ctx)
            else:
                yield self._unknown(c, err, v, ctx)

    # -- unknown keys --------------------------------------------------------------------------
    def _unknown(self, c: Checked, err: SchemaError, v: int, ctx: Context) -> Finding:
        doc = c.doc
        table: KeyPath = tuple(err.path[:-1])
        key = str(err.key)
        parent = err.parent
        assert parent is not None
        thing = ("table %s" % N.table(err.path)) if isinstance(err.value, dict) else N.key(key)
        where = N.where(table)
        effect = _effect(ctx, v)
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
            msg = "%s does nothing %s (%s); %s" % (thing, where, effect, "; ".join(hint))
        elif places:
            shown = " or ".join(N.index_place(p) for p in places[:3]) + (" (and more)" if len(places) > 3 else "")
            msg = "%s does nothing %s (%s); it belongs %s" % (thing, where, effect, shown)
        else:
            present = lookup(doc.data, table)
            target, close = guess(key, parent, present, ctx.containerd_version)
            if target is not None:
                edits, safe = rename_edits(c, err, target, parent.props[target])
            msg = ("%s is not a table containerd reads (%s)" % (thing, effect) if isinstance(err.value, dict)
                   else "%s is not a containerd setting %s (%s)" % (thing, where, effect))
            mean = did_you_mean(N, close, target, bool(edits))
            msg += mean or known_list(N, parent, table)
        return self.finding(doc, key_span(doc, err.path), msg, edits, safe=safe,
                            description="rename to the key containerd reads")

    # -- forbidden keys ------------------------------------------------------------------------
    def _forbidden(self, c: Checked, err: SchemaError, v: int, ctx: Context) -> Finding:
        doc = c.doc
        node = err.node
        parent = err.parent
        assert node is not None and parent is not None
        table: KeyPath = tuple(err.path[:-1])
        key = str(err.key)
        desc = node.get("description") or ""
        edits: Optional[List[Edit]] = None
        safe = False
        severity: Optional[str] = None
        target, target_node = self._rename_target(c, err, table, ctx.containerd_version)
        if node.get("x-rtlint-miscased"):
            canonical = node.get("x-rtlint-miscased")
            msg = "%s in %s: %s; write %s" % (N.key(key), N.table(table), desc, N.key(canonical))
        elif table == ("plugins",):
            info = _foreign(err)
            versions = info.get("versions") or []
            what = ("a plugin of config %s" % _versions(versions)) if versions else "not a plugin id"
            msg = "%s is %s; containerd does not use it in a version %d file" % (N.table(err.path), what, v)
            note = info.get("note") or desc
            if note:
                msg += ": " + note
            use = info.get("use") or node.get("x-rtlint-moved-to")
            if use:
                msg += "; use %s" % N.table(("plugins", use))
            if v == 2 and not versions and m.may_be_1x(doc, ctx.containerd_version):
                severity = ERROR  # 1.7 refuses keys without the io.containerd. prefix
        else:
            info = _foreign(err)
            versions = info.get("versions") or []
            head = "%s is not read in a version %d file" % (N.setting(err.path), v) if versions else \
                "%s is not read in %s" % (N.key(key), N.table(table))
            msg = head + (": " + desc if desc else "")
            moved_to = node.get("x-rtlint-moved-to")
            if moved_to:
                msg += "; use " + say_moved(N, moved_to, table, c.validator.root)
        if target is not None and target_node is not None:
            edits, safe = rename_edits(c, err, target, target_node)
        f = self.finding(doc, key_span(doc, err.path), msg, edits, safe=safe,
                         description="rename to the name containerd reads")
        if severity:
            f.severity = severity
        return f

    @staticmethod
    def _rename_target(c: Checked, err: SchemaError, table: KeyPath,
                       version: Optional[Version]) -> Tuple[Optional[str], Optional[Node]]:
        """A key of the same table that the forbidden key plainly stands for (miscased or renamed)."""
        node, parent = err.node, err.parent
        assert node is not None and parent is not None
        name = node.get("x-rtlint-miscased") or _foreign(err).get("use") or node.get("x-rtlint-moved-to")
        if not isinstance(name, str):
            return None, None
        target_node = parent.props.get(name)
        if target_node is None:  # `to` may be written as a path inside this table (`options.Root`)
            return None, None
        present = lookup(c.doc.data, table)
        if target_node.forbidden or (isinstance(present, dict) and name in present) \
                or not readable(target_node, version):
            return None, None
        return name, target_node


RULE = ContainerdUnknownKey
