"""CRIO005: settings CRI-O deprecated, no longer acts on, or removed."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ... import kinds
from ...document import Document
from ...rule import INFO, WARNING, Context, Finding, Rule, example
from ...runtimes import crio
from ...versions import Version
from .common import settings


def _before(version: Optional[Version], since: str) -> bool:
    """True only when the version is known and older than `since`."""
    return version is not None and version.key() < Version.parse(since).key()


def _short(v: str) -> str:
    return v[:-2] if v.endswith(".0") else v


class DeprecatedOrRemovedKey(Rule):
    code = "CRIO005"
    name = "deprecated-or-removed-key"
    summary = "A CRI-O setting is deprecated, no longer has an effect, or was removed"
    severity = WARNING
    kinds = (kinds.CRIO,)
    fix_safety = "none"
    rationale = (
        "CRI-O drops keys it does not know without a message (FACTS §2.1), so a setting removed from CRI-O "
        "silently stops working after an upgrade. Removal versions are the first cri-o/cri-o tag whose "
        "config structs lack the key (checked at every tag v1.9.0-v1.36.3): e.g. [crio.runtime] runtime, "
        "runtime_untrusted_workload and default_workload_trust in 1.14, hooks_dir_path in 1.12.6, "
        "manage_network_ns_lifecycle in 1.19, manage_ns_lifecycle in 1.21, [crio.image] registries in 1.31 "
        "(a no-op with a warning since 1.21, commit 30b0aea2; never read under [crio.runtime]). "
        "insecure_registries has had no effect since 1.35 (commit 93f92016). Deprecated but still read "
        "(info): conmon, conmon_cgroup and conmon_env since 1.24 (per-handler monitor_path, monitor_cgroup, "
        "monitor_env replace them), plugin_dir since 1.15 (plugin_dirs), stats_collection_period since 1.30 "
        "(collection_period), as docs/crio.conf.5.md says; an empty deprecated conmon* value overrides nothing "
        "and is not reported. With a known --crio-version, keys that version "
        "still reads are not reported. No fix: the replacement usually lives in another file "
        "(registries.conf) or needs a decision (which handler)."
    )
    seen_in = (
        "crio/Teachh__K3S-with-CRI-O__crio.conf",
        "crio/Teachh__K3S-with-CRI-O__roles_crio_configure_files_crio.conf",
        "crio/raravena80__kubeinstall__crio.conf",
    )
    bad = (
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "cgroupfs"
            registries = ["quay.io", "docker.io"]
            """, line=3, column=1),
        example("crio.conf", """
            [crio.image]
            registries = ["docker.io"]
            """, line=2, column=1),
        example("crio.conf", """
            [crio.runtime]
            hooks_dir_path = "/usr/share/containers/oci/hooks.d"
            """, line=2, column=1),
        example("crio.conf", """
            [crio.runtime]
            conmon = "/usr/libexec/crio/conmon"
            """, line=2, column=1, crio_version="1.28.0"),
    )
    good = (
        example("crio.conf", """
            [crio.runtime.runtimes.crun]
            monitor_path = "/usr/libexec/crio/conmon"
            monitor_cgroup = "pod"
            """),
        # deprecated only from 1.24
        example("crio.conf", """
            [crio.runtime]
            conmon = "/usr/libexec/crio/conmon"
            """, crio_version="1.20.0"),
        # an empty value overrides nothing
        example("crio.conf", """
            [crio.runtime]
            conmon = ""
            conmon_env = []
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        version = ctx.crio_version
        for e, kind, key in settings(doc):
            span = e.key_span or e.span
            here = crio.show_table(kind, str(e.path[-2]) if kind in ("handler", "workload") else "")
            if key in crio.KEYS.get(kind, {}):
                since, removed = crio.KEYS[kind][key]
                use = "; " + crio.REPLACED_BY.get((kind, key), "delete it")
                if removed is not None and not _before(version, removed):
                    noop = crio.NO_EFFECT.get((kind, key))
                    past = (f"has had no effect since CRI-O {_short(noop[0])} and " if noop else "")
                    yield self.finding(doc, span, f"{key} in {here} {past}was removed in CRI-O {_short(removed)}: "
                                                  f"newer versions ignore it without a message{use}")
                    continue
                noop = crio.NO_EFFECT.get((kind, key))
                if noop is not None and not _before(version, noop[0]):
                    yield self.finding(doc, span, f"{key} in {here} has had no effect since CRI-O "
                                                  f"{_short(noop[0])}; use {noop[1]}")
                    continue
                dep = crio.DEPRECATED.get((kind, key))
                if dep is not None and not _before(version, dep[0]) and e.value not in ("", []):
                    f = self.finding(doc, span, f"{key} is deprecated since CRI-O {_short(dep[0])}; use {dep[1]}")
                    f.severity = INFO
                    yield f
                continue
            homes = crio.homes(key)
            if homes and not any(crio.is_current(k, key) for k in homes):
                # a removed key that was never read in this table either
                where = " and ".join(
                    f"{crio.show_table(k)} (removed in {_short(crio.removed_in(k, key) or '')})" for k in homes)
                use = "; " + next((crio.REPLACED_BY[(k, key)] for k in homes if (k, key) in crio.REPLACED_BY),
                                  "delete it")
                yield self.finding(doc, span, f"{key} is not read in {here}: CRI-O only had it in {where}, so it "
                                              f"never had an effect here{use}")


RULE = DeprecatedOrRemovedKey
