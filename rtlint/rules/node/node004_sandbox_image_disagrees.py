"""NODE004: edgecore's podSandboxImage differs from the runtime's pause image."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ... import rules as registry
from ...rule import WARNING, Context, Finding, Fix, NodeRule, node_example
from ...runtimes import containerd as ctd
from ._common import EDGECORE_PATH, describe, intended, relabel, with_driver

CRIO_PAUSE = ("crio", "image", "pause_image")


class SandboxImageDisagrees(NodeRule):
    code = "NODE004"
    name = "sandbox-image-disagrees"
    summary = "edgecore's podSandboxImage differs from the pause image the runtime uses"
    severity = WARNING
    fix_safety = "safe"
    rationale = (
        "With a CRI runtime the pause image that really runs is the runtime's (containerd "
        "`sandbox_image` / `pinned_images.sandbox`, CRI-O `pause_image`); edgecore's `podSandboxImage` "
        "only decides which image edged keeps from garbage collection and pre-pulls. When they differ, "
        "an offline edge node pulls an image it cannot reach (a common cause of `failed to pull image "
        "\"registry.k8s.io/pause`). The fix makes the runtime use edgecore's image, which is the one "
        "the operator chose and mirrored. Only an explicitly written podSandboxImage is compared."
    )
    errors = (
        'failed to get sandbox image "registry.k8s.io/pause:3.6": failed to pull image "registry.k8s.io/pause:3.6": failed to pull and unpack image "registry.k8s.io/pause:3.6": failed to resolve reference "registry.k8s.io/pause:3.6": failed to do request: context deadline exceeded',
        'Error initializing source docker://k8s.gcr.io/pause:3.1: error pinging docker registry k8s.gcr.io',
        '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded desc = failed to get sandbox image "registry.k8s.io/pause:3.6": failed to pull image "registry.k8s.io/pause:3.6": failed to pull and unpack image "registry.k8s.io/pause:3.6": failed to resolve reference "registry.k8s.io/pause:3.6": failed to do request: context deadline exceeded"',
        'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image',
        'Failed create pod sandbox: rpc error: code = Unknown desc = error creating pod sandbox with name "<name>": Error initializing source docker://k8s.gcr.io/pause:3.1: error pinging docker registry k8s.gcr.io: Get https://k8s.gcr.io/v2/: dial tcp 74.125.204.82:443: i/o timeout',
        'failed to get sandbox image "k8s.gcr.io/pause:3.1": failed to pull image "k8s.gcr.io/pause:3.1": failed to resolve image "k8s.gcr.io/pause:3.1": failed to do request: Head https://k8s.gcr.io/v2/pause/manifests/3.1: dial tcp 108.177.97.82:443: i/o timeout',
        'detected that the sandbox image "registry.k8s.io/pause:3.6" of the container runtime is inconsistent with that used by kubeadm. It is recommended that using "registry.k8s.io/pause:3.9" as the CRI sandbox image.',
    )
    bad = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    podSandboxImage: registry.local:5000/pause:3.9
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                """,
            "/etc/crio/crio.conf": """
                [crio.image]
                pause_image = "registry.k8s.io/pause:3.9"
                """,
        }, path="/etc/crio/crio.conf", line=2, column=15, kubeedge_version="1.18", fixed={
            "/etc/crio/crio.conf": """
                [crio.image]
                pause_image = "registry.local:5000/pause:3.9"
                """}),
    )
    good = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                modules:
                  edged:
                    podSandboxImage: registry.local:5000/pause:3.9
                    tailoredKubeletConfig:
                      containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                """,
            "/etc/crio/crio.conf": """
                [crio.image]
                pause_image = "registry.local:5000/pause:3.9"
                """,
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None or eff["sandbox_image"].entry is None or not eff["sandbox_image"].value:
            return
        image = eff["sandbox_image"].value
        note = describe(node, eff["sandbox_image"], "podSandboxImage")
        runtime = runtime_of_endpoint(eff["runtime_endpoint"].value)
        if runtime == "containerd":
            doc = node.containerd_plugin_doc(ctd.sandbox_image)
            if doc is not None:
                yield from relabel(self, registry.BY_CODE["CTD010"].check(doc, with_driver(ctx, image=image)), note)
        elif runtime == "crio":
            v = node.crio_value(CRIO_PAUSE)
            if v is not None and v.value != image:
                yield self.at(v.doc, v.entry.value_span,
                              f"CRI-O's pause_image is {v.value!r} but {note}; set pause_image = {image!r}",
                              Fix(v.doc.set_value(v.entry.path, image), True, "use edgecore's pause image"))


RULE = SandboxImageDisagrees
