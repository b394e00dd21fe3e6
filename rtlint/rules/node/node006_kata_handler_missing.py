"""NODE006: Kata Containers is installed but the runtime has no Kata handler."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...rule import WARNING, Context, Finding, NodeRule, node_example
from ...runtimes import containerd as ctd
from ._common import EDGECORE_PATH, intended

KATA_BINARIES = ("containerd-shim-kata-v2", "kata-runtime")


class KataHandlerMissing(NodeRule):
    code = "NODE006"
    name = "kata-handler-missing"
    summary = "Kata Containers is installed but no runtime handler uses it"
    severity = WARNING
    rationale = (
        "Pods choose Kata through a RuntimeClass whose handler must name a runtime table: containerd "
        "`[plugins.<cri>.containerd.runtimes.kata]` with `runtime_type = \"io.containerd.kata.v2\"`, or "
        "CRI-O `[crio.runtime.runtimes.kata]` with `runtime_type = \"vm\"`. Without one, such pods fail "
        "with `no runtime for \"kata\" is configured` (incident I-41: kata#10914, kata#10809, kata#7942, "
        "kata-containers/runtime#2819). Warning for KubeEdge: edgecore does not sync RuntimeClass objects to "
        "edge nodes, so any pod with `runtimeClassName` fails with `runtimeclass.node.k8s.io \"<name>\" not "
        "found` even when the handler exists, and KubeEdge's own docs list \"Kata Containers as a "
        "RuntimeClass\" without saying so (incident I-40: KE#2358, KE#4416, still open as KE#7106; "
        "kubeedge/website#867). On edge nodes select Kata as the default runtime (containerd "
        "`default_runtime_name`, CRI-O `default_runtime`) or through the untrusted-workload annotation "
        "(`runtimes.untrusted`). Handlers are all that can be checked here."
    )
    errors = (
        'failed to get sandbox runtime: no runtime for "kata-qemu" is configured',
        'failed to find runtime handler kata from runtime list map[runc:0xc00001da70]',
        'RuntimeHandler "kata-runtime" not supported',
        'createPodSandbox for pod "nginx-untrusted-test_default(<uid>)" failed: runtimeclass.node.k8s.io "kata-test" not found',
        'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "kata-qemu" is configured',
        'RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = failed to find runtime handler kata from runtime list map[runc:0xc00001da70]',
        'Failed create pod sandbox: rpc error: code = Unknown desc = RuntimeHandler "kata-runtime" not supported',
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
            "/etc/containerd/config.toml": "version = 2\n",
            "/usr/bin/containerd-shim-kata-v2": "",
        }, path="/etc/containerd/config.toml", line=1, column=1, kubeedge_version="1.18"),
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
            "/etc/containerd/config.toml": """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
                  runtime_type = "io.containerd.kata.v2"
                """,
            "/usr/bin/containerd-shim-kata-v2": "",
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node.model import runtime_of_endpoint

        kata = [node.files.binaries[b] for b in KATA_BINARIES if b in node.files.binaries]
        eff = intended(node)
        if not kata or eff is None:
            return
        runtime = runtime_of_endpoint(eff["runtime_endpoint"].value)
        if runtime == "containerd" and node.containerd_docs:
            from ..containerd.ctd013_kata_runtime_type import looks_kata

            for doc in node.containerd_docs:
                for name, r in ctd.runtimes(doc).items():
                    if (isinstance(r.get("runtime_type"), str) and ctd.is_kata_type(r["runtime_type"])) \
                            or looks_kata(name, r):
                        return  # a Kata handler exists (a wrong runtime_type in it is CTD013's finding)
            doc = node.containerd_docs[0]
            yield self.at(doc, doc.span(0, 0),
                          f"Kata is installed ({', '.join(kata)}) but no containerd runtime has a Kata runtime_type; add "
                          f"[...containerd.runtimes.kata] with runtime_type = \"io.containerd.kata.v2\"")
        elif runtime == "crio" and node.crio_docs:
            for doc in node.crio_docs:
                handlers = ((doc.data.get("crio") or {}).get("runtime") or {}).get("runtimes") or {}
                if any(isinstance(h, dict) and h.get("runtime_type") == "vm" for h in handlers.values()):
                    return
            doc = node.crio_docs[-1]
            yield self.at(doc, doc.span(0, 0),
                          f"Kata is installed ({', '.join(kata)}) but CRI-O has no kata handler; add a drop-in "
                          f"with [crio.runtime.runtimes.kata] runtime_type = \"vm\" and runtime_path = "
                          f"\"/usr/bin/containerd-shim-kata-v2\"")


RULE = KataHandlerMissing
