"""NODE012: the node pulls from a private registry, but a sandbox image setting still names a public one."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional, Set

from ... import imageref
from ...document import EditError
from ...rule import WARNING, Context, Finding, Fix, NodeRule, node_example
from ...runtimes import containerd as ctd
from ._common import EDGECORE_PATH, intended

EDGED = ("modules", "edged")


class SandboxImageRegistry(NodeRule):
    code = "NODE012"
    name = "sandbox-image-registry"
    summary = "A private registry is in use, but a sandbox (pause) image setting still points at a public registry"
    severity = WARNING
    fix_safety = "safe"
    rationale = (
        "Air-gapped and CN-mirror edge nodes move their images to a private registry, but the pause image is "
        "set in several places and each one is read by a different program: containerd `sandbox_image` / "
        "`pinned_images.sandbox`, CRI-O `pause_image`, cri-dockerd `--pod-infra-container-image`, and "
        "edgecore's `podSandboxImage` (which keadm 1.12-1.15 pre-pulls and edged keeps from garbage "
        "collection; FACTS.md §10). `keadm join --image-repository` rewrites none of the runtime settings "
        "(KE#5943), and a setting left at its default pulls from registry.k8s.io or Docker Hub, which the "
        "edge site cannot reach: sandboxes time out (incidents I-15, I-16, I-17, I-18: KE#4847, KE#5358, "
        "KE#5943, KE#5481, KE#5782). When any sandbox image setting the node uses names a registry other "
        "than the defaults' (docker.io, registry.k8s.io, k8s.gcr.io), every other one should too. Mirrors "
        "configured for containerd (`config_path` hosts.toml folders or `registry.mirrors`) count as "
        "reaching the public registry; CRI-O's registries.conf mirrors are not read. Where NODE004 or "
        "NODE011 already compare the runtime with edgecore's podSandboxImage this rule stays silent. The "
        "fixes write the image the other setting names (edgecore's podSandboxImage, or CRI-O's "
        "pause_image when CRI-O uses its default)."
    )
    errors = (
        '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded desc = context deadline exceeded"',
        'failed to get sandbox image "registry.k8s.io/pause:3.8": failed to pull image "registry.k8s.io/pause:3.8": failed to pull and unpack image "registry.k8s.io/pause:3.8": failed to resolve reference "registry.k8s.io/pause:3.8": failed to do request: Head "https://us-west2-docker.pkg.dev/v2/k8s-artifacts-prod/images/pause/manifests/3.8": context deadline exceeded',
        '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded desc = failed to get sandbox image "registry.k8s.io/pause:3.6": failed to pull image "registry.k8s.io/pause:3.6": failed to pull and unpack image "registry.k8s.io/pause:3.6": failed to resolve reference "registry.k8s.io/pause:3.6": failed to do request: context deadline exceeded"',
        'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image',
        'Failed create pod sandbox: rpc error: code = Unknown desc = error creating pod sandbox with name "<name>": Error initializing source docker://k8s.gcr.io/pause:3.1: error pinging docker registry k8s.gcr.io: Get https://k8s.gcr.io/v2/: dial tcp 74.125.204.82:443: i/o timeout',
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
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "harbor.edge.local/library/pause:3.9"
                """,
        }, path=EDGECORE_PATH, line=4, column=3, kubeedge_version="1.18", fixed={
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                    podSandboxImage: harbor.edge.local/library/pause:3.9
                """}),
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    podSandboxImage: harbor.edge.local/kubeedge/pause:3.6
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                """,
            "/etc/crio/crio.conf": """
                [crio.runtime]
                cgroup_manager = "systemd"
                """,
        }, path="/etc/crio/crio.conf", line=1, column=1, kubeedge_version="1.18", crio_version="1.30.0", fixed={
            "/etc/crio/crio.conf": """
                [crio.runtime]
                cgroup_manager = "systemd"

                [crio.image]
                pause_image = "harbor.edge.local/kubeedge/pause:3.6"
                """}),
    )
    good = (
        node_example({  # edgecore's image comes through a containerd mirror for docker.io
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
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "harbor.edge.local/library/pause:3.9"
                [plugins."io.containerd.grpc.v1.cri".registry]
                  config_path = "/etc/containerd/certs.d"
                """,
            "/etc/containerd/certs.d/docker.io/hosts.toml": 'server = "https://registry-1.docker.io"\n',
        }, kubeedge_version="1.18"),
        node_example({  # all public: nothing signals a private registry
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
        from ...node import facts

        eff = intended(node)
        runtime = facts.runtime_in_use(node)
        if eff is None or runtime not in facts.CRI_RUNTIMES:
            return
        edge = eff["sandbox_image"]
        rt = facts.runtime_sandbox(node, runtime, ctx.crio_version)
        if rt is None or not edge.value:
            return
        if imageref.problem(edge.value) is not None or imageref.problem(rt.value) is not None:
            return  # not references at all: EC018 / CTD010 / CTD017 / CRIO007 / DKR007
        edge_written = edge.entry is not None
        edge_private = edge_written and not imageref.is_default_registry(edge.value)
        rt_private = not rt.defaulted and not imageref.is_default_registry(rt.value)
        mirrored = _containerd_mirrors(node) if runtime == "containerd" else set()
        doc = node.edgecore
        if rt_private and not edge_written and imageref.is_default_registry(edge.value) \
                and imageref.registry(edge.value) not in mirrored:
            # a written podSandboxImage is compared with the runtime's by NODE004 / NODE011
            msg = (f"edgecore uses its default podSandboxImage {edge.value!r}, from the public "
                   f"{imageref.registry(edge.value)}, but the node's runtime "
                   f"pulls its pause image from {imageref.registry(rt.value)} ({rt.value!r}, {rt.label}); "
                   f"an edge node set up for a private registry usually cannot reach the public one, and edged "
                   f"pre-pulls and protects the wrong image: set podSandboxImage: {rt.value}")
            yield self.at(doc, _edged_span(doc), msg, self._edgecore_fix(doc, rt.value))
        if edge_private and runtime == "crio" and rt.defaulted:
            crio_doc = _crio_target(node)
            if crio_doc is None:
                return
            fix = None
            try:
                fix = Fix(crio_doc.insert(facts.CRIO_PAUSE[:-1], facts.CRIO_PAUSE[-1], edge.value), True,
                          "use edgecore's pause image")
            except EditError:
                fix = None
            yield self.at(crio_doc, crio_doc.span(0, 0),
                          f"no CRI-O file sets pause_image, so CRI-O pulls its default {rt.value!r} from "
                          f"{imageref.registry(rt.value)}, while {node.where(doc, edge.entry)} sets "
                          f"podSandboxImage {edge.value!r} from {imageref.registry(edge.value)}; an edge node set "
                          f"up for a private registry usually cannot reach the public one: set pause_image = "
                          f"{edge.value!r} in [crio.image]", fix)

    @staticmethod
    def _edgecore_fix(doc: Any, image: str) -> Optional[Fix]:
        if doc.entry(EDGED) is None:
            return None
        try:
            edits = doc.insert(EDGED, "podSandboxImage", image)
        except EditError:
            return None
        return Fix(edits, True, "use the runtime's pause image")


def _edged_span(doc: Any) -> Any:
    e = doc.entry(EDGED)
    return e.key_span if e is not None and e.key_span is not None else doc.span(0, 0)


def _crio_target(node: Any) -> Any:
    """The file to add pause_image to: the main crio.conf, else the last drop-in."""
    docs = node.crio_docs
    if not docs:
        return None
    main = [d for d in docs if d.path == node.files.crio_main]
    return main[0] if main else docs[-1]


def _containerd_mirrors(node: Any) -> Set[str]:
    """Registries containerd reaches through a mirror: hosts.toml folders under config_path, or registry.mirrors."""
    out: Set[str] = set()
    path = node.containerd_value(lambda v: ctd.images_root(v) + ("registry", "config_path"))
    if path is not None and isinstance(path.value, str):
        for folder in path.value.split(":"):
            real = node.files.under(folder) if folder else ""
            if folder and os.path.isdir(real):
                out |= {h for h in os.listdir(real) if os.path.isfile(os.path.join(real, h, "hosts.toml"))}
    mirrors = node.containerd_value(lambda v: ctd.images_root(v) + ("registry", "mirrors"))
    if mirrors is not None and isinstance(mirrors.value, dict):
        out |= set(mirrors.value)
    return {"docker.io" if h in ("registry-1.docker.io", "index.docker.io") else h for h in out}


RULE = SandboxImageRegistry
