"""NODE016: a package manager left .rpmnew/.rpmsave/.dpkg-* copies next to a runtime config."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...document import Span
from ...rule import ERROR, WARNING, Context, Finding, NodeRule, node_example

_REPLACED = (".rpmsave", ".dpkg-old")  # the package replaced the file; the edited copy was set aside
_NEW = (".rpmnew", ".dpkg-dist", ".dpkg-new")  # the edited file stayed; the package's version was set aside


class PackageLeftover(NodeRule):
    code = "NODE016"
    name = "package-leftover-config"
    summary = "A package upgrade left a .rpmnew/.rpmsave/.dpkg-* copy next to a runtime config; the live file may not hold your fix"
    severity = WARNING
    fix_safety = "none"
    rationale = (
        "When a package upgrade meets an edited config file, rpm and dpkg keep two copies: rpm writes the "
        "package's new file as `.rpmnew` (config(noreplace)) or installs it and saves the edited one as "
        "`.rpmsave`; dpkg keeps the edited one and leaves `.dpkg-dist`, or installs the maintainer's and "
        "saves the edited one as `.dpkg-old` (`.dpkg-new` is an unpacked file whose configuration did not "
        "finish). Either way one of two versions is live and the fix the operator made may be in the other: "
        "in cri-tools#1048 a containerd.io upgrade brought back `disabled_plugins = [\"cri\"]` and the "
        "`unknown service runtime.v1alpha2.ImageService` error returned (incident I-33, §3 N21). CRI-O is "
        "worse: it parses every file in crio.conf.d whatever its name (FACTS §2.1), so a leftover there is "
        "read after the live drop-in and overrides it (reported as an error). Looked for next to the "
        "containerd, CRI-O, Docker, edgecore and CNI configs, the runtimes' units in /etc/systemd/system, "
        "/etc/default and /etc/sysconfig files of those services, and /etc/crictl.yaml. The finding is on "
        "the leftover file. No fix: merge by hand, then delete the leftover."
    )
    errors = (
        '"Get ImageStatus from image service failed" err="rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService"',
        'Error: edge node join failed: pull Images failed: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService',
    )
    bad = (
        node_example({
            "/etc/containerd/config.toml": """
                version = 2
                """,
            "/etc/containerd/config.toml.rpmsave": """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                  SystemdCgroup = true
                """,
        }, path="/etc/containerd/config.toml.rpmsave", line=1, column=1),
        node_example({
            "/etc/crio/crio.conf.d/10-crio.conf": "[crio.runtime]\ncgroup_manager = \"cgroupfs\"\n",
            "/etc/crio/crio.conf.d/10-crio.conf.rpmnew": "[crio.runtime]\ncgroup_manager = \"systemd\"\n",
        }, path="/etc/crio/crio.conf.d/10-crio.conf.rpmnew", line=1, column=1),
    )
    good = (
        node_example({
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/containerd/config.toml.bak": "version = 2\n",
            "/etc/passwd.rpmnew": "root:x:0:0::/root:/bin/sh\n",
        }),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node import facts

        for path, live, suffix in facts.leftovers(node):
            name = os.path.basename(path)
            exists = os.path.isfile(node.files.under(live))
            in_dropins = node.files.node_path(os.path.dirname(path)).startswith("/etc/crio/crio.conf.d")
            if suffix in _REPLACED:
                msg = (f"{name}: the package replaced {live} with its own version and set the edited one aside "
                       f"here, so changes made to {live} (e.g. a re-enabled CRI plugin or SystemdCgroup) may be "
                       f"gone; compare the two, move the settings you need into {live}, then delete {name}")
            else:
                msg = (f"{name}: the package's new default for {live} was set aside here; {live} "
                       + ("still holds the edited version" if exists else "does not exist")
                       + f", but check which of the two has the settings you need (a reinstall or a later "
                         f"upgrade may switch them), merge, then delete {name}")
            f = Finding(self, path, Span(0, 0, 1, 1, 1, 1), msg)
            if in_dropins:
                f.message += (f"; CRI-O reads every file in crio.conf.d whatever its name, so {name} is loaded "
                              f"after {os.path.basename(live)} and its settings win")
                f.severity = ERROR
            yield f


RULE = PackageLeftover
