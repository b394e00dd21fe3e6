"""DKR006: cri-dockerd's --network-plugin is not `cni`."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._units import CRI_DOCKERD, exec_lines, flag_values, token_span


class CriDockerdNetworkPlugin(Rule):
    code = "DKR006"
    name = "cri-dockerd-network-plugin"
    summary = "cri-dockerd's --network-plugin is not cni, so pods do not get the CNI network"
    severity = ERROR
    kinds = (kinds.SYSTEMD,)
    fix_safety = "none"
    rationale = (
        "cri-dockerd knows three network plugins: `cni` (the default since v0.2.5, PR #103), "
        "`kubenet` (the Linux default in v0.2.4), and none (`--network-plugin=`, or `no-op` from "
        "v0.2.5; the default up to v0.2.3). Any other "
        "name makes it exit with \"didn't find compatible CNI plugin with given settings ... network "
        "plugin \\\"calico\\\" not found\" (cri-dockerd v0.4.3 network/plugins.go `InitNetworkPlugin`, "
        "core/docker_service.go; cri-dockerd#42): the CNI plugin itself (Calico, Flannel, bridge) is "
        "chosen by the file in /etc/cni/net.d, not by this flag. With no plugin, pods silently get "
        "Docker bridge addresses (172.17.0.x, cri-dockerd#93); kubenet needs the node's pod CIDR and "
        "its own bridge/host-local binaries. KubeEdge's cri-dockerd setups use CNI (KubeEdge #5394, "
        "#5055), so both are warnings. No flag at all is fine on current releases (default `cni`)."
    )
    errors = (
        'level=fatal msg="didn\'t find compatible CNI plugin with given settings &{HairpinMode:none NonMasqueradeCIDR:10.0.0.0/8',
        'failed to set up sandbox container "<id>" network for pod "edgecore": networkPlugin cni failed',
    )
    bad = (
        example("cri-docker.service", """
            [Unit]
            Requires=cri-docker.socket
            [Service]
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=calico
            """, line=4, column=67),
        example("cri-docker.service.d/override.conf", """
            [Service]
            ExecStart=
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// \\
                --network-plugin ""
            """, line=4, column=22),
        example("cri-docker.service", """
            [Service]
            ExecStart=/usr/bin/cri-dockerd --network-plugin kubenet --pod-cidr 10.88.0.0/16
            """, line=2, column=49),
    )
    good = (
        example("cri-docker.service", """
            [Service]
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni
            """),
        example("cri-docker.service", """
            [Service]
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for line in exec_lines(doc, (CRI_DOCKERD,)):
            values = flag_values(line.args, "network-plugin")
            if not values:
                continue
            value, token = values[-1]  # pflag: the last one wins
            if value == "cni" or token.env_split is not None:
                continue
            span = token_span(doc, line.entry, token.start, token.end)
            if value in ("", "no-op"):
                f = self.finding(
                    doc, span,
                    "cri-dockerd runs without a network plugin, so pods get addresses from Docker's own "
                    "bridge (172.17.0.x) instead of the CNI network; use --network-plugin=cni")
                f.severity = WARNING
            elif value == "kubenet":
                f = self.finding(
                    doc, span,
                    "cri-dockerd uses kubenet, which needs a pod CIDR for the node and bridge/host-local "
                    "binaries in --cni-bin-dir; on KubeEdge edge nodes use --network-plugin=cni with a "
                    "config in /etc/cni/net.d")
                f.severity = WARNING
            else:
                f = self.finding(
                    doc, span,
                    f"cri-dockerd has no network plugin {value!r} and exits with \"didn't find compatible "
                    f"CNI plugin\"; use --network-plugin=cni (the CNI config in /etc/cni/net.d chooses "
                    f"Calico, Flannel or bridge)")
            yield f


RULE = CriDockerdNetworkPlugin
