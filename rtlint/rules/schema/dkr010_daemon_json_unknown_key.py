"""DKR010: a daemon.json key dockerd does not know (fatal), has removed (fatal), or accepts but ignores."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ... import kinds
from ...document import Document, Edit, KeyPath
from ...rule import ERROR, INFO, WARNING, Context, Finding, example
from ...schema import FORBIDDEN, UNKNOWN, SchemaError
from ._common import (
    JSON_NAMES,
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

N = JSON_NAMES
FATAL = "dockerd refuses to start (\"the following directives don't match any configuration option: %s\")"
# Nested objects that dockerd flattens into top-level keys and checks against its flag names
# (moby daemon/config/config.go configValuesSet: every object not in flatOptions); the catalog
# marks "proxies" that way. Keys inside other objects are decoded by encoding/json.
FLATTENED = ("proxies",)
# Forbidden names dockerd rejects outright instead of ignoring (schemas/docker-daemon.json descriptions).
REJECTED = {
    "containerd-plugin-namespace": (
        "dockerd rejects it as an unknown directive, and the documented \"containerd-plugins-namespace\" "
        "passes that check but is ignored (the JSON field has the other name); set the namespace with "
        "dockerd's --containerd-plugins-namespace flag instead"),
    "http-proxy": "dockerd before 23.0 rejects it, 23.0 and later ignore it here",
    "https-proxy": "dockerd before 23.0 rejects it, 23.0 and later ignore it here",
    "no-proxy": "dockerd before 23.0 rejects it, 23.0 and later ignore it here",
}
# A removed key whose setting lives on under another name (docker/cli docs/deprecated.md:
# "-g and --graph flags on dockerd", deprecated in 17.05, replaced by --data-root).
REPLACED = {"graph": "data-root"}


def decoded_by_json(err: SchemaError) -> bool:
    """Keys Go's encoding/json matches (case-insensitively): inside objects that are not flattened."""
    return len(err.path) > 1 and err.path[0] not in FLATTENED


class DaemonJsonUnknownKey(SchemaRule):
    code = "DKR010"
    name = "daemon-json-unknown-key"
    summary = "a daemon.json key dockerd does not know or has removed (it refuses to start), or one it ignores"
    severity = ERROR
    kinds = (kinds.DOCKER,)
    fix_safety = "safe"
    rationale = (
        "dockerd checks every top-level daemon.json key (and the keys of nested objects it flattens, "
        "such as \"proxies\") against its flag names and refuses to start on any other: `the following "
        "directives don't match any configuration option` (FACTS §3.1, moby daemon/config/config.go "
        "findConfigurationConflicts). Keys that were removed are unknown from the release that "
        "removed them, e.g. \"graph\" from 23.0 (docker/cli docs/deprecated.md; deprecated in 17.05 "
        "in favour of \"data-root\"); with the Docker version unknown they are always reported. "
        "Singular flag names (\"exec-opt\", \"insecure-registry\", \"log-opt\") pass the check because "
        "they are flags, but no JSON field reads them, so the setting is silently lost; top-level "
        "\"http-proxy\" belongs under \"proxies\". Keys of other nested objects (\"runtimes\" entries) "
        "are decoded by Go's encoding/json, which ignores unknown ones and matches names ignoring "
        "case. The key list is the JSON fields that are also flags, at every moby tag 17.06-29.7.2 "
        "(schemas/docker-daemon.json). Fixes: \"graph\" -> \"data-root\" (same setting; safe when "
        "\"data-root\" is not set); a singular name -> its plural, and a misspelt key -> the one "
        "close key, when that key is not set and the value fits (unsafe: the setting starts to "
        "apply, unless the value is that key's default); a nested key in another case -> the "
        "documented spelling (safe: already read)."
    )
    seen_in = ("docker/QskytimQ__deploy-k8s__docker-ce_daemon.json",)
    errors = (
        "unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: data-root",
        "unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives don't match any configuration option: disable-legacy-registry",
    )
    bad = (
        example("daemon.json", """
            {
              "graph": "/data/docker",
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """, line=2, column=3, fixed="""
            {
              "data-root": "/data/docker",
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "exec-opt": ["native.cgroupdriver=systemd"]
            }
            """, line=2, column=3, unsafe=True, fixed="""
            {
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "log-dirver": "json-file"
            }
            """, line=2, column=3, unsafe=True, fixed="""
            {
              "log-driver": "json-file"
            }
            """),
        example("daemon.json", """
            {
              "cgroupdriver": "systemd"
            }
            """, line=2, column=3),
        example("daemon.json", """
            {
              "http-proxy": "http://proxy.example:3128"
            }
            """, line=2, column=3, unsafe=True, fixed="""
            {
              "proxies": {
                "http-proxy": "http://proxy.example:3128"
              }
            }
            """),
        # decoded by encoding/json, which matches the field ignoring case: only tidied
        example("daemon.json", """
            {
              "runtimes": {
                "nvidia": {"Path": "/usr/bin/nvidia-container-runtime"}
              }
            }
            """, line=3, column=16, fixed="""
            {
              "runtimes": {
                "nvidia": {"path": "/usr/bin/nvidia-container-runtime"}
              }
            }
            """),
    )
    good = (
        example("daemon.json", """
            {
              "data-root": "/data/docker",
              "exec-opts": ["native.cgroupdriver=systemd"],
              "log-opts": {"max-size": "100m", "max-file": "3"},
              "proxies": {"http-proxy": "http://proxy.example:3128"},
              "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}}
            }
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        c = self.checked(doc)
        if c is None or not isinstance(doc.data, dict):
            return
        if c.errors:
            errors, cases = case_insensitive(c, decoded_by_json)
            for case in cases:
                if not reported_elsewhere(c, ctx, case.error):
                    yield self._case(c, case)
            for err in errors:
                if err.kind not in (UNKNOWN, FORBIDDEN) or reported_elsewhere(c, ctx, err):
                    continue
                yield self._forbidden(c, err) if err.kind == FORBIDDEN else self._unknown(c, err)
        yield from self._removed(c, ctx)

    # -- keys removed from dockerd (valid in the schema: each was read by some release) --------
    def _removed(self, c: Checked, ctx: Context) -> Iterator[Finding]:
        doc = c.doc
        props = c.validator.root.props
        for key in doc.data:
            node = props.get(key)
            entry = doc.entry((key,))
            if node is None or entry is None or entry.key_span is None:
                continue
            removed = node.get("x-rtlint-removed")
            if not removed:
                continue
            if reported_elsewhere(c, ctx, SchemaError((key,), UNKNOWN, None, None, None)):
                continue
            msg = "%s was removed in Docker %s: dockerd %s and later refuse to start with it" % (
                N.key(key), removed, removed)
            edits: Optional[List[Edit]] = None
            new = REPLACED.get(key)
            if new is not None:
                msg += "; it is the old name of %s" % N.key(new)
                if new in doc.data:
                    msg += ", which is set too, so delete %s" % N.key(key)
                else:
                    err = SchemaError((key,), UNKNOWN, None, c.validator.root, doc.data[key])
                    edits, _ = rename_edits(c, err, new, props[new])
                    msg += ": rename it"
            else:
                note = node.get("x-rtlint-note")
                msg += (" (%s)" % note if note else "") + "; delete it"
            yield self.finding(doc, entry.key_span, msg, edits, safe=True, description="use the current key")

    # -- unknown keys --------------------------------------------------------------------------
    def _unknown(self, c: Checked, err: SchemaError) -> Finding:
        doc = c.doc
        table: KeyPath = tuple(err.path[:-1])
        key = str(err.key)
        parent = err.parent
        assert parent is not None
        fatal = not decoded_by_json(err)
        moved = (parent.get("x-rtlint-moved") or {}).get(key)
        places = [p for p in c.validator.key_index().get(key, []) if split_dotted(p) != list(table)]
        if fatal:
            head = "%s is not a daemon.json option %s: %s" % (N.key(key), N.where(table), FATAL % key)
        else:
            head = "%s is not read %s: dockerd ignores it" % (N.key(key), N.where(table))
        edits: Optional[List[Edit]] = None
        safe = False
        if moved:
            msg = head + "; " + ("use " + say_moved(N, moved["to"], table, c.validator.root)
                                 if moved.get("to") else moved.get("note", ""))
        elif places:
            msg = head + "; it belongs " + " or ".join(N.index_place(p) for p in places[:3])
        else:
            target, close = guess(key, parent, lookup(doc.data, table), None)
            if target is not None:
                edits, safe = rename_edits(c, err, target, parent.props[target])
            msg = head + (did_you_mean(N, close, target, bool(edits)) or known_list(N, parent, table))
        f = self.finding(doc, key_span(doc, err.path), msg, edits, safe=safe,
                         description="rename to the key dockerd reads")
        if not fatal:
            f.severity = WARNING
        return f

    def _case(self, c: Checked, case: CaseMatch) -> Finding:
        err = case.error
        table: KeyPath = tuple(err.path[:-1])
        present = lookup(c.doc.data, table)
        edits: Optional[List[Edit]] = None
        if isinstance(present, dict) and case.target in present:
            msg = ("%s and %s %s are the same field to dockerd (its JSON decoder ignores case) and which "
                   "one wins depends on their order; keep only %s" % (
                       N.key(err.key), N.key(case.target), N.where(table), N.key(case.target)))
        else:
            edits, _ = rename_edits(c, err, case.target, case.node, check_value=False)
            msg = ("%s %s differs from %s only in case; dockerd's JSON decoder ignores case and reads "
                   "it, but write the documented spelling" % (N.key(err.key), N.where(table), N.key(case.target)))
        f = self.finding(c.doc, key_span(c.doc, err.path), msg, edits, safe=True,
                         description="use the documented spelling")
        f.severity = INFO
        return f

    # -- known names dockerd does not use here -------------------------------------------------
    def _forbidden(self, c: Checked, err: SchemaError) -> Finding:
        doc = c.doc
        node = err.node
        assert node is not None
        key = str(err.key)
        table: KeyPath = tuple(err.path[:-1])
        desc = node.get("description") or "dockerd does not read it"
        moved_to = node.get("x-rtlint-moved-to")
        rejected = REJECTED.get(key) if not table else None
        msg = "%s%s: %s" % (N.key(key), " " + N.where(table) if table else "", rejected or desc)
        edits: Optional[List[Edit]] = None
        target = split_dotted(moved_to) if isinstance(moved_to, str) else None
        if key == "containerd-plugin-namespace":
            target = None
        elif target:
            msg += "; use " + say_moved(N, moved_to, table, c.validator.root)
            dest, new = tuple(target[:-1]), target[-1]
            dest_node = c.validator.node_at(dest + (new,))
            present = lookup(doc.data, dest)
            if (dest_node is not None and not dest_node.forbidden
                    and not (isinstance(present, dict) and new in present)
                    and (present is None or isinstance(present, dict))):
                edits, _ = rename_edits(c, err, new, dest_node, None if dest == table else dest)
        elif moved_to and key != "containerd-plugin-namespace":
            msg += "; use " + moved_to
        f = self.finding(doc, key_span(doc, err.path), msg, edits, safe=False,
                         description="move the value to the key dockerd reads")
        if rejected is None:
            f.severity = WARNING
        return f


RULE = DaemonJsonUnknownKey
