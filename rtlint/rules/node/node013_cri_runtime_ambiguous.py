"""NODE013: several CRI runtimes on one node, or an endpoint at a runtime that serves no CRI."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator, List, Optional

from ...document import EditError
from ...rule import ERROR, WARNING, Context, Finding, Fix, NodeRule, node_example
from ._common import EDGECORE_PATH, intended, setting_span

_EDGECORE = """
    apiVersion: edgecore.config.kubeedge.io/v1alpha2
    kind: EdgeCore
    modules:
      edged:
        tailoredKubeletConfig:
          cgroupDriver: systemd
          containerRuntimeEndpoint: {endpoint}
          imageServiceEndpoint: {endpoint}
    """
_DOCKER_CONTAINERD = """
    #   Copyright 2018-2022 Docker Inc.
    disabled_plugins = ["cri"]
    """
_CRI_DOCKERD_UNIT = """
    [Service]
    ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
    """


class CriRuntimeAmbiguous(NodeRule):
    code = "NODE013"
    name = "cri-runtime-ambiguous"
    summary = "Several CRI runtimes are installed but edgecore's endpoint is left to its default, or points at a containerd without CRI"
    severity = WARNING
    fix_safety = "unsafe"
    rationale = (
        "Nodes often carry more than one runtime: Docker's containerd next to cri-dockerd, CRI-O next to a "
        "distribution containerd, a k3s containerd (/run/k3s/containerd/containerd.sock) next to the system "
        "one. edgecore then talks to whatever its endpoint names, and that is the containerd socket when "
        "the endpoint is left out (keadm and edgecore default, kubeedge FACTS §8). In the incidents this "
        "is how cri-dockerd nodes ended up on Docker's containerd, whose packaged config disables CRI "
        "(`unknown service runtime.v1.ImageService`, KE#5529, incident I-27; I-33), how images loaded into "
        "Docker were invisible to pods (KE#5389, I-30), how `keadm reset` could not choose (`Found multiple "
        "CRI endpoints on the host`, KE#5839, I-29), and how enabling CRI on a second containerd broke a k3s "
        "edge host (KE#6249, I-35). A kubelet pointed at Docker's internal containerd "
        "(/run/docker/containerd/…) gets no CRI at all (kubernetes#73189). The rule reports: an endpoint at "
        "Docker's internal containerd (error); an endpoint at a containerd whose CRI plugin is disabled while "
        "cri-dockerd or CRI-O is installed (the unsafe fix points edgecore at that runtime; enabling CRI "
        "instead is CTD001's fix); and two or more CRI runtimes with edgecore's endpoints not written "
        "explicitly. /etc/crictl.yaml is NODE014's. (RuntimeClass objects are not synced to edge nodes, see "
        "NODE006.)"
    )
    errors = (
        'Failed to remove containers: Found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the \'criSocket\' field in the kubeadm configuration file: unix:///var/run/containerd/containerd.sock, unix:///var/run/cri-dockerd.sock',
        'Error: edge node join failed: validate service connection: validate CRI v1 image API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = unknown service runtime.v1.ImageService',
        'failed to run Kubelet: failed to create kubelet: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.RuntimeService',
        '"PullImage from image service failed" err="rpc error: code = Unknown desc = Error response from daemon: error creating temporary lease: connection error: desc = "transport: Error while dialing dial unix:///run/containerd/containerd.sock: timeout": unavailable"',
    )
    bad = (
        node_example({
            EDGECORE_PATH: _EDGECORE.format(endpoint="unix:///run/containerd/containerd.sock"),
            "/etc/containerd/config.toml": _DOCKER_CONTAINERD,
            "/etc/systemd/system/cri-docker.service": _CRI_DOCKERD_UNIT,
            "/usr/bin/cri-dockerd": "",
        }, path=EDGECORE_PATH, line=7, column=7, unsafe=True, kubeedge_version="1.18", fixed={
            EDGECORE_PATH: _EDGECORE.format(endpoint="unix:///var/run/cri-dockerd.sock")}),
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      cgroupDriver: systemd
                """,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/crio/crio.conf": "[crio.runtime]\ncgroup_manager = \"systemd\"\n",
        }, path=EDGECORE_PATH, line=5, column=5, kubeedge_version="1.18"),
        node_example({
            EDGECORE_PATH: _EDGECORE.format(endpoint="unix:///var/run/docker/containerd/docker-containerd.sock"),
            "/usr/bin/dockerd": "",
        }, path=EDGECORE_PATH, line=7, column=7, kubeedge_version="1.18"),
    )
    good = (
        node_example({
            EDGECORE_PATH: _EDGECORE.format(endpoint="unix:///var/run/cri-dockerd.sock"),
            "/etc/containerd/config.toml": _DOCKER_CONTAINERD,
            "/etc/systemd/system/cri-docker.service": _CRI_DOCKERD_UNIT,
        }, kubeedge_version="1.18"),
        node_example({
            EDGECORE_PATH: _EDGECORE.format(endpoint="unix:///var/run/crio/crio.sock"),
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/crio/crio.conf": "[crio.runtime]\ncgroup_manager = \"systemd\"\n",
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...kubeedge import socket_path
        from ...node import facts
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None:
            return
        doc = node.edgecore
        endpoint = eff["runtime_endpoint"]
        dialed = socket_path(endpoint.value) or ""
        serving = facts.cri_runtimes(node)
        if dialed.startswith(facts.DOCKER_INTERNAL_CONTAINERD):
            others = [r for r in serving if r != "containerd"] or ["cri-dockerd"]
            f = self.at(doc, setting_span(doc, endpoint),
                        f"the runtime endpoint {endpoint.value!r} is Docker's internal containerd, which serves no "
                        f"CRI (`unknown service runtime.v1alpha2.RuntimeService`); point edgecore at a CRI "
                        f"runtime: {', '.join(facts.CRI_SOCKETS.get(r, r) for r in others)}")
            f.severity = ERROR
            yield f
            return
        runtime = runtime_of_endpoint(endpoint.value)
        disabled = facts.containerd_cri_disabled(node)
        alternatives = [r for r in serving if r in ("cri-dockerd", "crio")]
        if runtime == "containerd" and disabled is not None and alternatives:
            cdoc, item = disabled
            msg = (f"edgecore talks to containerd, whose CRI plugin is disabled ({item.value!r} in disabled_plugins "
                   f"at {node.where(cdoc, item)}, as Docker's containerd.io package ships it), while "
                   f"{', '.join(alternatives)} is installed: edged fails with `unknown service "
                   f"runtime.v1.ImageService`; point the endpoints at "
                   f"{facts.CRI_SOCKETS[alternatives[0]]}, or enable CRI in containerd (CTD001)")
            yield self.at(doc, setting_span(doc, endpoint), msg,
                          self._point_at(doc, eff, facts.CRI_SOCKETS[alternatives[0]]) if len(alternatives) == 1
                          else None)
            return
        if len(serving) < 2:
            return
        unwritten = [name for name, key in (("runtime_endpoint", "containerRuntimeEndpoint"),
                                            ("image_endpoint", "imageServiceEndpoint"))
                     if eff[name].entry is None]
        if not unwritten:
            return
        keys = {"runtime_endpoint": eff["runtime_endpoint"].path[-1], "image_endpoint": eff["image_endpoint"].path[-1]}
        found = "; ".join(f"{r} ({', '.join(ev[:2])})" for r, ev in serving.items())
        span = setting_span(doc, endpoint) if endpoint.entry is not None else _anchor(doc, eff)
        yield self.at(doc, span,
                      f"{len(serving)} CRI runtimes are installed ({found}) but edgecore's "
                      f"{' and '.join(str(keys[n]) for n in unwritten)} {'is' if len(unwritten) == 1 else 'are'} "
                      f"not written, so edged uses the default {eff[unwritten[0]].value}; write both endpoints "
                      f"explicitly for the runtime this node should use (keadm join --remote-runtime-endpoint): "
                      f"{', '.join(facts.CRI_SOCKETS.get(r, r) for r in serving)}")

    @staticmethod
    def _point_at(doc: Any, eff: Any, socket: str) -> Optional[Fix]:
        edits: List[Any] = []
        try:
            for name in ("runtime_endpoint", "image_endpoint"):
                s = eff[name]
                if s.entry is not None and s.entry.value != socket:
                    edits += doc.set_value(s.entry.path, socket)
        except EditError:
            return None
        return Fix(edits, False, "use the CRI runtime that is enabled") if edits else None


def _anchor(doc: Any, eff: Any) -> Any:
    """The deepest written parent of the endpoint keys (tailoredKubeletConfig, edged, modules)."""
    path = tuple(eff["runtime_endpoint"].path[:-1])
    while path:
        e = doc.entry(path)
        if e is not None and e.key_span is not None:
            return e.key_span
        path = path[:-1]
    return doc.span(0, 0)


RULE = CriRuntimeAmbiguous
