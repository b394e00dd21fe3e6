"""NODE003: edgecore dials a socket the runtime does not listen on."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional, Tuple

from ...rule import ERROR, Context, Finding, Fix, NodeRule, node_example
from ...runtimes import containerd as ctd
from ._common import EDGECORE_PATH, intended, setting_span

DEFAULT_LISTEN = {
    "containerd": "/run/containerd/containerd.sock",
    "crio": "/var/run/crio/crio.sock",
    "cri-dockerd": "/run/cri-dockerd.sock",  # cri-docker.socket: ListenStream=%t/cri-dockerd.sock
}


def listen_address(node: Any, runtime: str) -> Tuple[Optional[str], Optional[str]]:
    """Where the runtime listens, and where that is set (None: its default)."""
    from ...node.model import expand_specifiers

    if runtime == "containerd":
        v = node.containerd_value(ctd.grpc_address)
        if v is not None and v.value:
            return v.value, node.where(v.doc, v.entry)
    elif runtime == "crio":
        v = node.crio_value(("crio", "api", "listen"))
        if v is not None and v.value:
            return v.value, node.where(v.doc, v.entry)
    elif runtime == "cri-dockerd":
        eff = node.unit_effective("cri-docker.socket", "Socket", "ListenStream")
        if eff:
            doc, entry = eff[-1]
            return expand_specifiers(entry.value), node.where(doc, entry)
    return DEFAULT_LISTEN.get(runtime), None


class EndpointSocketMismatch(NodeRule):
    code = "NODE003"
    name = "endpoint-socket-mismatch"
    summary = "edgecore's runtime endpoint is not the socket the runtime listens on"
    severity = ERROR
    fix_safety = "unsafe"
    rationale = (
        "containerd listens on `[grpc] address`, CRI-O on `[crio.api] listen`, cri-dockerd on its socket "
        "unit's `ListenStream` (`%t` is `/run`); `/var/run` is a symlink to `/run`, so the two spellings "
        "are the same socket. When edgecore's endpoint points elsewhere, edged cannot connect. The fix "
        "(unsafe: it changes where edged connects) points the endpoint at the runtime's socket."
    )
    errors = (
        'dial unix /var/run/crio/crio.sock: connect: no such file or directory',
        "stat: cannot stat '/var/run/cri-dockerd.sock': No such file or directory",
        'Error while dialing dial unix:///run/containerd/containerd.sock: timeout',
        'dial unix /run/containerd/containerd.sock: connect: no such file or directory',
        '"PullImage from image service failed" err="rpc error: code = Unknown desc = Error response from daemon: error creating temporary lease: connection error: desc = "transport: Error while dialing dial unix:///run/containerd/containerd.sock: timeout": unavailable"',
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
                """,
            "/etc/containerd/config.toml": """
                version = 2
                [grpc]
                  address = "/run/k3s/containerd/containerd.sock"
                """,
        }, path=EDGECORE_PATH, line=6, column=7, unsafe=True, kubeedge_version="1.18", fixed={
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///run/k3s/containerd/containerd.sock
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
                      containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock
                """,
            "/etc/containerd/config.toml": """
                version = 2
                [grpc]
                  address = "/run/containerd/containerd.sock"
                """,
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...kubeedge import same_socket, socket_path
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None:
            return
        endpoint = eff["runtime_endpoint"]
        runtime = runtime_of_endpoint(endpoint.value)
        if runtime is None:
            # a non-standard socket name: compare with whatever single runtime is installed
            installed = [r for r in node.installed_runtimes() if r in DEFAULT_LISTEN]
            if len(installed) != 1:
                return
            runtime = installed[0]
        if runtime not in node.installed_runtimes():
            return  # NODE001's finding
        listen, where = listen_address(node, runtime)
        dialed = socket_path(endpoint.value)
        if listen is None or dialed is None or "$" in listen or same_socket(dialed, listen):
            return  # a listen address with `$` does not parse at all (DKR004 reports it)
        doc = node.edgecore
        origin = f"set at {where}" if where else "its default"
        msg = (f"edgecore dials {dialed} but {runtime} listens on {listen} ({origin}); "
               f"set the endpoint to unix://{listen}")
        fix = None
        edits = []
        for name in ("runtime_endpoint", "image_endpoint"):
            s = eff[name]
            if s.entry is not None and socket_path(s.entry.value) == dialed:
                edits += doc.set_value(s.entry.path, f"unix://{listen}")
        if edits:
            fix = Fix(edits, safe=False, description="point edgecore at the runtime's socket")
        yield self.at(doc, setting_span(doc, endpoint), msg, fix)


RULE = EndpointSocketMismatch
