"""CTD006: a SystemdCgroup key that runc never receives (wrong table, wrong version, wrong spelling)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from ... import kinds
from ...document import Document, Edit
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import (SystemdKey, driver_safe, lookup, misplaced_systemd_keys, relocate, remove_key,
                      systemd_value, table_name, try_edits, written_systemd_key)

_WHY = {
    "runtime-table": "it sits in the runtime table, not in its `options` table, and containerd drops it",
    "cri-table": "it sits in the CRI plugin table; runc only reads it from a runtime's `options` table",
    "other-version": "it is in a table of another config version, which containerd ignores in this file",
    "spelling": "containerd 1.x decodes runc options with go-toml v1, which only knows the spellings "
                "SystemdCgroup, systemdcgroup, SYSTEMDCGROUP and systemdCgroup",
}


class MisplacedSystemdCgroup(Rule):
    code = "CTD006"
    name = "misplaced-systemd-cgroup"
    summary = "a SystemdCgroup setting is silently dropped (wrong table, config version or spelling)"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "runc gets SystemdCgroup only from `[...containerd.runtimes.<name>.options]` of the file's "
        "config version. containerd 1.6.20 drops it from the runtime table itself (E9: absent from "
        "`config dump`) and ignores tables of another version; 2.x ignores unknown keys with a "
        "warning. containerd 1.x keeps the options table as a raw map (`config dump` prints "
        "`SystemdCGroup` as written) and decodes it with go-toml v1, which matches a field only as "
        "SystemdCgroup, systemdcgroup, SYSTEMDCGROUP or systemdCgroup (go-toml v1.9.x marshal.go "
        "keysToTry, vendored in ctd-1.6.20); 2.x's go-toml v2 also matches other letter cases but "
        "never `systemd_cgroup` (ctd-2.3.4 vendor unmarshaler.go, from source). The fix moves or "
        "renames the key into the options table where it takes effect. It is safe only when that "
        "does not change runc's cgroup driver or the node's driver (--cgroup-driver) confirms the "
        "value: turning systemd cgroups on or off without the kubelet agreeing breaks pods. When the "
        "options table already has the key with the same value the stray copy is deleted; with a "
        "different value, or when the runtime table does not exist at this version, there is no fix."
    )
    seen_in = ("containerd/omriashke__kubernetes__containerd_config.toml",)
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              SystemdCgroup = true
            """, line=4, column=3, cgroup_driver="systemd", fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"

            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCGroup = true
            """, line=5, column=3, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, line=3, column=3, fixed="""
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
              SystemdCGroup = true
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for k in misplaced_systemd_keys(doc, ctx):
            entry = doc.entry(k.path)
            if entry is None:
                continue
            edits, safe = self._fix(doc, k, entry.value, ctx)
            yield self.finding(
                doc, entry.key_span or entry.value_span,
                f"{k.path[-1]} = {_show(entry.value)} in {table_name(k.path[:-1])} has no effect: "
                f"{_WHY[k.problem]}; "
                f"write SystemdCgroup in {table_name(k.target)}", edits, safe=safe)

    def _fix(self, doc: Document, k: SystemdKey, value: object,
             ctx: Context) -> Tuple[Optional[List[Edit]], bool]:
        written = written_systemd_key(doc, k.target, ctx)
        if written is not None and written != k.path:
            if lookup(doc, written) == value:
                return try_edits(lambda: remove_key(doc, k.path)), True
            return None, False  # two different values: the operator has to choose
        if not isinstance(value, bool):
            return None, False
        safe = driver_safe(value, systemd_value(doc, k.target, ctx), ctx)
        if k.path[:-1] == k.target:
            return try_edits(lambda: doc.rename(k.path, m.SYSTEMD_CGROUP)), safe
        runtime_path = k.target[:-1]
        v = m.config_version(doc)
        if lookup(doc, runtime_path) is None and not (v >= 3 and k.runtime == "runc"):
            return None, False  # containerd 1.x would get a runtime without runtime_type
        return try_edits(lambda: relocate(doc, k.path, k.target, m.SYSTEMD_CGROUP)), safe


def _show(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


RULE = MisplacedSystemdCgroup
