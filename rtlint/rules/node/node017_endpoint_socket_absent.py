"""NODE017: on a live node, nothing listens at edgecore's runtime endpoint."""
from __future__ import annotations

import os
import stat
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...rule import ERROR, Context, Finding, NodeRule, node_example
from ._common import EDGECORE_PATH, intended, setting_span


class EndpointSocketAbsent(NodeRule):
    code = "NODE017"
    name = "endpoint-socket-absent"
    summary = "On the running node, edgecore's runtime endpoint is not a socket (the runtime is not running)"
    severity = ERROR
    rationale = (
        "A probe, run only by `rtlint node` on the real root (`/`, not with --root DIR or --no-probe): "
        "edged dials the endpoint at start-up; when the socket file is missing the runtime is stopped, "
        "crashed on its config, or listens elsewhere. Checking the path needs no privileges."
    )
    errors = (
        "dial unix /run/containerd/containerd.sock: connect: no such file or directory",
        "connect: connect endpoint 'unix:///var/run/dockershim.sock', make sure you are running as root and the "
        "endpoint has been started: context deadline exceeded",
    )
    bad = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                      imageServiceEndpoint: unix:///run/containerd/containerd.sock
                """,
        }, path=EDGECORE_PATH, line=6, column=7, kubeedge_version="1.18", extra={"live": True}),
    )
    good = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                """,
        }, kubeedge_version="1.18"),  # not live (a node tree in a folder): no probe
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...kubeedge import socket_path

        if not ctx.extra.get("live"):
            return
        eff = intended(node)
        if eff is None:
            return
        endpoint = eff["runtime_endpoint"]
        path = socket_path(endpoint.value)
        if path is None:
            return
        real = node.files.under(path)
        try:
            is_socket = stat.S_ISSOCK(os.stat(real).st_mode)
        except OSError:
            is_socket = False
        if not is_socket:
            doc = node.edgecore
            yield self.at(doc, setting_span(doc, endpoint),
                          f"nothing listens at {path} on this node (no socket there): start the runtime "
                          f"(systemctl status of its service says why it is down) or fix the endpoint")


RULE = EndpointSocketAbsent
