"""NODE001: edgecore's runtime endpoint names a runtime that is not on the node."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...rule import ERROR, Context, Finding, Fix, NodeRule, node_example
from ._common import EDGECORE_PATH, intended, setting_span

SOCKETS = {
    "containerd": "unix:///run/containerd/containerd.sock",
    "crio": "unix:///var/run/crio/crio.sock",
    "cri-dockerd": "unix:///var/run/cri-dockerd.sock",
}


class EndpointRuntimeMissing(NodeRule):
    code = "NODE001"
    name = "endpoint-runtime-missing"
    summary = "edgecore's runtime endpoint names a runtime that is not installed on the node"
    severity = ERROR
    fix_safety = "unsafe"
    rationale = (
        "edged dials the endpoint at start-up and keeps failing (`connect: no such file or directory`) "
        "when nothing listens there. rtlint looks for the runtime's config files, units and binaries "
        "under the root. When exactly one runtime is installed, the (unsafe) fix points the runtime and "
        "image endpoints at its socket; unsafe because it changes which runtime edged uses."
    )
    errors = (
        'dial unix /run/containerd/containerd.sock: connect: no such file or directory',
        'validate service connection: validate CRI v1 runtime API for endpoint "unix:///var/run/dockershim.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /var/run/dockershim.sock: connect: no such file or directory"',
        "stat: cannot stat '/var/run/cri-dockerd.sock': No such file or directory",
    )
    bad = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      cgroupDriver: systemd
                      containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
                      imageServiceEndpoint: unix:///var/run/cri-dockerd.sock
                """,
            "/etc/containerd/config.toml": """
                version = 2
                """,
            "/usr/bin/containerd": "",
        }, path=EDGECORE_PATH, line=7, column=7, unsafe=True, kubeedge_version="1.18", fixed={
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      cgroupDriver: systemd
                      containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                      imageServiceEndpoint: unix:///run/containerd/containerd.sock
                """}),
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
            "/etc/containerd/config.toml": "version = 2\n",
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None:
            return
        endpoint = eff["runtime_endpoint"]
        runtime = runtime_of_endpoint(endpoint.value)
        installed = node.installed_runtimes()
        if runtime is None or runtime in installed or runtime == "dockershim":
            return  # unknown sockets: nothing to compare; dockershim has its own edgecore rule
        doc = node.edgecore
        found = ", ".join(sorted(installed)) or "none"
        msg = (f"the runtime endpoint {endpoint.value!r} is {runtime}'s socket, but {runtime} is not installed "
               f"(no config, unit or binary found; runtimes found: {found})")
        fix = None
        if len(installed) == 1:
            (only,) = installed
            if only in SOCKETS:
                msg += f"; point the endpoints at {only}: {SOCKETS[only]}"
                edits = []
                for name in ("runtime_endpoint", "image_endpoint"):
                    s = eff[name]
                    if s.entry is not None and s.entry.value != SOCKETS[only]:
                        edits += doc.set_value(s.entry.path, SOCKETS[only])
                fix = Fix(edits, safe=False, description=f"use {only}") if edits else None
        yield self.at(doc, setting_span(doc, endpoint), msg, fix)


RULE = EndpointRuntimeMissing
