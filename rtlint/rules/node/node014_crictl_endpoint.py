"""NODE014: /etc/crictl.yaml talks to another runtime than edgecore (or is missing on a multi-runtime node)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...document import Span
from ...rule import WARNING, Context, Finding, NodeRule, node_example
from ._common import EDGECORE_PATH, describe, intended

CRICTL = "/etc/crictl.yaml"
KEYS = (("runtime-endpoint", "runtime_endpoint"), ("image-endpoint", "image_endpoint"))
_EDGECORE = """
    apiVersion: edgecore.config.kubeedge.io/v1alpha2
    kind: EdgeCore
    modules:
      edged:
        tailoredKubeletConfig:
          containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
          imageServiceEndpoint: unix:///var/run/cri-dockerd.sock
    """


class CrictlEndpoint(NodeRule):
    code = "NODE014"
    name = "crictl-endpoint-mismatch"
    summary = "/etc/crictl.yaml points crictl at another runtime than edgecore uses, or is missing on a node with several CRI runtimes"
    severity = WARNING
    fix_safety = "none"
    rationale = (
        "Operators debug edge nodes with crictl, which reads `runtime-endpoint` and `image-endpoint` from "
        "/etc/crictl.yaml. Without them crictl tries its built-in list of default sockets in order and uses "
        "the first that answers (a deprecated behaviour it warns about; older releases start with "
        "dockershim.sock), so on a node with two CRI runtimes it may show the containers of the runtime "
        "edgecore does not use, and with a stale file it fails with `connect endpoint "
        "'unix:///var/run/dockershim.sock'` (cri-tools#845, kubernetes#121548, incidents I-29, I-32, §3 N24). "
        "The endpoints are compared after resolving /var/run to /run. crictl.yaml is read as YAML; a file "
        "that does not parse is skipped. No fix: crictl.yaml is not one of the files node mode rewrites."
    )
    errors = (
        "connect: connect endpoint 'unix:///var/run/dockershim.sock', make sure you are running as root and the endpoint has been started: context deadline exceeded",
        'validate service connection: validate CRI v1 runtime API for endpoint "unix:///var/run/dockershim.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /var/run/dockershim.sock: connect: no such file or directory"',
        'Found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the \'criSocket\' field in the kubeadm configuration file',
    )
    bad = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/systemd/system/cri-docker.service": "[Service]\nExecStart=/usr/bin/cri-dockerd\n",
            CRICTL: """
                runtime-endpoint: unix:///var/run/dockershim.sock
                image-endpoint: unix:///var/run/dockershim.sock
                timeout: 10
                """,
        }, path=CRICTL, line=1, column=19, kubeedge_version="1.18"),
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/systemd/system/cri-docker.service": "[Service]\nExecStart=/usr/bin/cri-dockerd\n",
            "/etc/containerd/config.toml": "version = 2\n",
        }, path=CRICTL, line=1, column=1, kubeedge_version="1.18"),
    )
    good = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/systemd/system/cri-docker.service": "[Service]\nExecStart=/usr/bin/cri-dockerd\n",
            "/etc/containerd/config.toml": "version = 2\n",
            CRICTL: """
                runtime-endpoint: unix:///run/cri-dockerd.sock
                image-endpoint: unix:///run/cri-dockerd.sock
                """,
        }, kubeedge_version="1.18"),
        node_example({  # one runtime, no crictl.yaml: crictl finds it by itself
            EDGECORE_PATH: _EDGECORE,
            "/etc/systemd/system/cri-docker.service": "[Service]\nExecStart=/usr/bin/cri-dockerd\n",
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...kubeedge import same_socket
        from ...node import facts

        eff = intended(node)
        if eff is None:
            return
        serving = facts.cri_runtimes(node)
        if node.files.crictl is None:
            if len(serving) >= 2:
                path = node.files.under(CRICTL)
                yield Finding(self, path, Span(0, 0, 1, 1, 1, 1),
                              f"{len(serving)} CRI runtimes are installed ({', '.join(serving)}) and there is no "
                              f"{CRICTL}, so crictl uses the first of its default endpoints that answers, not "
                              f"necessarily edgecore's {eff['runtime_endpoint'].value}; create it with "
                              f"runtime-endpoint and image-endpoint: {eff['runtime_endpoint'].value}")
            return
        doc = facts.crictl(node)
        if doc is None:
            return
        for key, name in KEYS:
            want = eff[name].value
            entry = doc.entry((key,))
            if entry is None or not isinstance(entry.value, str) or not want:
                continue
            if same_socket(entry.value, want):
                continue
            note = describe(node, eff[name], name.replace("_", " "))
            yield Finding(self, doc.path, entry.value_span,
                          f"crictl's {key} is {entry.value!r} but {note}: crictl shows (and pulls into) another "
                          f"runtime than the one edged uses; set {key}: {want} in {CRICTL}")
        if len(serving) >= 2 and doc.entry(("runtime-endpoint",)) is None:
            yield Finding(self, doc.path, doc.span(0, 0),
                          f"{len(serving)} CRI runtimes are installed ({', '.join(serving)}) but {CRICTL} has no "
                          f"runtime-endpoint, so crictl uses the first default endpoint that answers; add "
                          f"runtime-endpoint: {eff['runtime_endpoint'].value}")


RULE = CrictlEndpoint
