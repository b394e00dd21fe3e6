"""CTD002: no `version` line, so containerd reads the file as config version 1."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import WARNING, Context, Finding, Rule, example
from ._common import anchor, migration_edits


class MissingConfigVersion(Rule):
    code = "CTD002"
    name = "missing-config-version"
    summary = "config.toml has no `version` line, so containerd reads it as the deprecated version 1"
    severity = WARNING
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "Without a `version` line containerd assumes config version 1, where plugins are named by "
        "short id (`[plugins.cri]`). containerd 1.6/1.7 log that version 1 is deprecated and 2.x "
        "converts the file on every start (ctd-1.6.20 services/server/config/config.go GetVersion "
        "and ValidateV2; ctd-2.3.4 v1Migrate). In a version 1 file, 1.x looks plugin tables and "
        "`disabled_plugins` entries up by short id, so full names like `io.containerd.grpc.v1.cri` "
        "are ignored there. The fix renames the short ids to the full URIs containerd 2.x maps them "
        "to (cri → io.containerd.grpc.v1.cri, linux → io.containerd.runtime.v1.linux, `*-service` "
        "→ io.containerd.service.v1.*, …) and adds `version = 2`; verified with containerd 1.6.20: "
        "`config dump` prints the same configuration before and after. It is marked unsafe when the "
        "file already uses full names (they start to take effect on 1.x) and is not offered when a "
        "short id has no certain URI or both spellings of one plugin are present."
    )
    seen_in = (
        "containerd/tarvitz__kubernetes__etc_containerd_config.toml",
        "containerd/jessfraz__dotfiles__etc_containerd_config.toml",
        "containerd/thorrgal__kub_conf__config.toml",
    )
    errors = (
        'containerd: failed to load TOML from ./disable_cri.toml: invalid disabled plugin URI "cri" expect io.containerd.x.vx',
    )
    bad = (
        example("config.toml", """
            root = "/var/lib/containerd"
            [plugins.cri]
              sandbox_image = "registry.k8s.io/pause:3.9"
            [plugins.cri.containerd.runtimes.runc.options]
              SystemdCgroup = true
            """, line=1, column=1, fixed="""
            root = "/var/lib/containerd"
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
              SystemdCgroup = true
            """),
        example("config.toml", """
            disabled_plugins = ["aufs", "diff-service"]
            """, line=1, column=1, fixed="""
            disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.service.v1.diff-service"]
            version = 2
            """),
        example("config.toml", """
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            """, line=1, column=1, unsafe=True, fixed="""
            version = 2

            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            """),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if not isinstance(doc.data, dict) or "version" in doc.data:
            return
        plan = migration_edits(doc)
        plugins = doc.data.get("plugins")
        short = [n for n in plugins if "." not in n] if isinstance(plugins, dict) else []
        hint = " and name plugins by full URI" if short else ""
        message = (f"no `version` line: containerd reads this file as config version 1 (deprecated; "
                   f"containerd 2.x converts it on every start); add `version = 2`{hint}")
        if plan is None:
            yield self.finding(doc, anchor(doc, ()), message)
        else:
            edits, safe = plan
            yield self.finding(doc, anchor(doc, ()), message, edits, safe=safe,
                               description="rename short plugin ids and add version = 2")


RULE = MissingConfigVersion
