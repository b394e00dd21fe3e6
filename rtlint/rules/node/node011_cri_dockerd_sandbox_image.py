"""NODE011: cri-dockerd's pause image is not edgecore's podSandboxImage."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional

from ... import imageref
from ...document import EditError
from ...execline import render_word
from ...rule import WARNING, Context, Finding, Fix, NodeRule, node_example
from ._common import EDGECORE_PATH, describe, intended

UNIT = "/etc/systemd/system/cri-docker.service"
_EDGECORE = """
    apiVersion: edgecore.config.kubeedge.io/v1alpha2
    kind: EdgeCore
    modules:
      edged:
        podSandboxImage: registry.local:5000/kubeedge/pause:3.6
        tailoredKubeletConfig:
          containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
          imageServiceEndpoint: unix:///var/run/cri-dockerd.sock
    """


class CriDockerdSandboxImage(NodeRule):
    code = "NODE011"
    name = "cri-dockerd-sandbox-image"
    summary = "cri-dockerd's pause image (--pod-infra-container-image or its built-in default) is not edgecore's podSandboxImage"
    severity = WARNING
    fix_safety = "safe"
    rationale = (
        "With Docker and cri-dockerd, the pause image of every pod is cri-dockerd's own "
        "`--pod-infra-container-image`; the kubelet's (edged's) `podSandboxImage` does not reach it "
        "(rancher#35555, cri-dockerd#291, incident I-20; NODE004 compares containerd and CRI-O the same way). "
        "Without the flag cri-dockerd uses its built-in default, which depends on the release "
        "(Mirantis/cri-dockerd config/options.go by tag, FACTS §3.2): k8s.gcr.io/pause:3.6 in v0.2.1-v0.2.5, "
        "registry.k8s.io/pause:3.6 in v0.2.6-v0.3.9, registry.k8s.io/pause:3.9 in v0.3.10-v0.3.16 and "
        "registry.k8s.io/pause:3.10 from v0.3.17; an edge node set up to pull edgecore's (mirrored) image "
        "then fails every sandbox pulling from the public registry (incidents I-15-I-18). Only an explicitly "
        "written podSandboxImage is compared, and only when cri-docker.service's ExecStart runs cri-dockerd. "
        "The fix sets the flag to edgecore's image, or adds it when the effective ExecStart is in "
        "/etc/systemd/system (a packaged unit under /lib or /usr/lib is replaced by upgrades: add a drop-in "
        "there instead); then `systemctl daemon-reload` and restart cri-docker."
    )
    errors = (
        '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded desc = context deadline exceeded"',
    )
    bad = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            UNIT: """
                [Service]
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.k8s.io/pause:3.9
                """,
            "/usr/bin/cri-dockerd": "",
        }, path=UNIT, line=2, column=67, kubeedge_version="1.18", fixed={
            UNIT: """
                [Service]
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.local:5000/kubeedge/pause:3.6
                """}),
        node_example({
            EDGECORE_PATH: _EDGECORE,
            UNIT: """
                [Service]
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
                """,
            "/usr/bin/cri-dockerd": "",
        }, path=UNIT, line=2, column=11, kubeedge_version="1.18", fixed={
            UNIT: """
                [Service]
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.local:5000/kubeedge/pause:3.6
                """}),
    )
    good = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            UNIT: """
                [Service]
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.local:5000/kubeedge/pause:3.6
                """,
        }, kubeedge_version="1.18"),
        node_example({  # podSandboxImage not written: nothing to compare with
            EDGECORE_PATH: _EDGECORE.replace("    podSandboxImage: registry.local:5000/kubeedge/pause:3.6\n", ""),
            UNIT: """
                [Service]
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
                """,
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node import facts
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None or runtime_of_endpoint(eff["runtime_endpoint"].value) != "cri-dockerd":
            return
        setting = eff["sandbox_image"]
        image = setting.value
        if setting.entry is None or not image or imageref.problem(image) is not None:
            return
        cmd = facts.cri_dockerd_command(node)
        if cmd is None:
            return
        note = describe(node, setting, "podSandboxImage")
        got = cmd.flag(facts.CRI_DOCKERD_PAUSE_FLAG)
        if got is not None:
            value, token = got
            if value == image or token.env_split is not None or imageref.problem(value) is not None:
                return  # same image, unknown at load time, or not a reference (DKR007)
            prefix = token.text[:len(token.text) - len(value)]
            fix = self._edit(cmd, token.start, token.end, render_word(prefix + image))
            yield self.at(cmd.doc, cmd.span(token),
                          f"cri-dockerd uses the pause image {value!r} (--{facts.CRI_DOCKERD_PAUSE_FLAG}) but "
                          f"{note}; set --{facts.CRI_DOCKERD_PAUSE_FLAG}={image}", fix)
            return
        newest = facts.CRI_DOCKERD_PAUSE_DEFAULTS[0][1]
        if image == newest:
            return
        defaults = "; ".join(f"{img} in {rel}" for rel, img in facts.CRI_DOCKERD_PAUSE_DEFAULTS)
        fix = None
        if node.files.node_path(cmd.doc.path).startswith("/etc/systemd/system/"):
            end = cmd.command.tokens[-1].end
            fix = self._edit(cmd, end, end, f" --{facts.CRI_DOCKERD_PAUSE_FLAG}={render_word(image)}")
        yield self.at(cmd.doc, cmd.span(cmd.command.program),
                      f"cri-dockerd runs without --{facts.CRI_DOCKERD_PAUSE_FLAG}, so its pods use its built-in "
                      f"pause image ({defaults}) while {note}; add --{facts.CRI_DOCKERD_PAUSE_FLAG}={image} to "
                      f"ExecStart (a drop-in for a packaged unit)", fix)

    @staticmethod
    def _edit(cmd: Any, start: int, end: int, text: str) -> Optional[Fix]:
        entry = cmd.entry
        new_value = entry.value[:start] + text + entry.value[end:]
        try:
            edits = cmd.doc.set_value(entry.path, new_value, index=entry.index)
        except EditError:
            return None
        return Fix(edits, True, "use edgecore's pause image")


RULE = CriDockerdSandboxImage
