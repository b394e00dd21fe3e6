"""NODE007: Virtlet needs a CNI config and must own libvirt."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...rule import ERROR, Context, Finding, NodeRule, node_example
from ._common import EDGECORE_PATH, intended, setting_span

WANTS = "/etc/systemd/system/multi-user.target.wants"


class VirtletSetup(NodeRule):
    code = "NODE007"
    name = "virtlet-setup"
    summary = "Virtlet is the runtime but the node lacks a CNI config or runs its own libvirtd"
    severity = ERROR
    rationale = (
        "KubeEdge's Virtlet guide points edgecore at `unix:///run/virtlet.sock`; Virtlet runs its own "
        "libvirt and sets up VM networking through CNI. A libvirtd service enabled on the host competes "
        "for /var/run/libvirt and the VMs fail to start; without a config in /etc/cni/net.d pods never "
        "get a network (`network plugin is not ready: cni config uninitialized`)."
    )
    errors = (
        'network plugin is not ready: cni config uninitialized',
        'failed to setup network for sandbox "<id>": cni plugin not initialized',
        'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized',
    )
    bad = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///run/virtlet.sock
                """,
            WANTS + "/libvirtd.service": "",
        }, path=EDGECORE_PATH, line=6, column=7, kubeedge_version="1.18"),
    )
    good = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///run/virtlet.sock
                """,
            "/etc/cni/net.d/10-bridge.conflist": """
                {"cniVersion": "0.4.0", "name": "bridge", "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]}
                """,
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None or runtime_of_endpoint(eff["runtime_endpoint"].value) != "virtlet":
            return
        doc = node.edgecore
        span = setting_span(doc, eff["runtime_endpoint"])
        problems = []
        if not node.files.cni_confs:
            problems.append("no CNI config in /etc/cni/net.d (Virtlet networks VMs through CNI)")
        if os.path.lexists(node.files.under(WANTS + "/libvirtd.service")):  # enablement is the symlink itself
            problems.append("libvirtd.service is enabled on the host (disable it: Virtlet runs its own libvirt)")
        for p in problems:
            yield self.at(doc, span, f"edgecore uses Virtlet, but {p}")


RULE = VirtletSetup
