"""NODE002: the runtime's cgroup driver differs from edgecore's."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ... import rules as registry
from ...rule import ERROR, Context, Finding, NodeRule, node_example
from ...runtimes import containerd as ctd
from ._common import EDGECORE_PATH, describe, intended, relabel, setting_span, with_driver


class CgroupDriverMismatch(NodeRule):
    code = "NODE002"
    name = "cgroup-driver-mismatch"
    summary = "The runtime's cgroup driver differs from edgecore's cgroupDriver"
    severity = ERROR
    fix_safety = "safe"
    rationale = (
        "kubelet (edged) and the runtime must use the same cgroup driver; otherwise pods fail with "
        "`misconfiguration: kubelet cgroup driver: \"cgroupfs\" is different from docker cgroup driver: "
        "\"systemd\"` or run outside the slices edged accounts for. edgecore's value is the intended one "
        "(`keadm join --cgroupdriver` sets it and KubeEdge's docs ask the runtime to match), so the fix "
        "changes the runtime side: containerd's runc `SystemdCgroup` in the file containerd really reads "
        "it from, CRI-O's `cgroup_manager`, or Docker's `native.cgroupdriver`."
    )
    errors = (
        'init new edged error, misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"',
        'Start edged failed, err: failed to run Kubelet: misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"',
        'OCI runtime create failed: runc create failed: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "/k8s.io/<id>" instead: unknown',
        'cri-o configured with systemd cgroup manager, but did not receive slice as parent: /kubepods/pod<uid>',
        'Error: edge node join failed: copy resources failed: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: expected cgroupsPath to be of format "slice:prefix:name" for systemd cgroups, got "/k8s.io/<id>" instead: unknown',
        'rpc error: code = Unknown desc = cri-o configured with systemd cgroup manager, but did not receive slice as parent: systemd',
        'RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = cri-o configured with systemd cgroup manager, but did not receive slice as parent: /kubepods/pod<uid>',
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
                      containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
                """,
            "/etc/containerd/config.toml": """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    SystemdCgroup = false
                """,
        }, path="/etc/containerd/config.toml", line=5, column=21, kubeedge_version="1.18", fixed={
            "/etc/containerd/config.toml": """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                    SystemdCgroup = true
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
                      cgroupDriver: cgroupfs
                      containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
                """,
            "/etc/crio/crio.conf": """
                [crio.runtime]
                cgroup_manager = "cgroupfs"
                conmon_cgroup = "pod"
                """,
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node.model import runtime_of_endpoint

        eff = intended(node)
        if eff is None or eff["cgroup_driver"].value not in ("systemd", "cgroupfs"):
            return
        driver = eff["cgroup_driver"].value
        runtime = runtime_of_endpoint(eff["runtime_endpoint"].value)
        sub = with_driver(ctx, driver)
        note = describe(node, eff["cgroup_driver"], "cgroupDriver")
        if runtime == "containerd":
            doc = node.containerd_plugin_doc(lambda v: ctd.runc_options(v) + ("SystemdCgroup",))
            if doc is not None:
                yield from relabel(self, registry.BY_CODE["CTD005"].check(doc, sub), note)
            elif driver == "systemd":
                ec = node.edgecore
                yield self.at(ec, setting_span(ec, eff["cgroup_driver"]),
                              "edgecore uses the systemd cgroup driver but /etc/containerd/config.toml does not "
                              "exist, so containerd runs runc with cgroupfs (SystemdCgroup defaults to false); "
                              "create it (containerd config default) and set SystemdCgroup = true")
        elif runtime == "crio":
            docs = node.crio_docs
            setter = node.crio_value(("crio", "runtime", "cgroup_manager"))
            doc = setter.doc if setter is not None else (docs[0] if docs else None)
            if doc is not None:
                found = list(registry.BY_CODE["CRIO002"].check(doc, sub))
                if found:
                    yield from relabel(self, found, note)
                elif setter is None and driver == "cgroupfs":
                    ec = node.edgecore
                    yield self.at(ec, setting_span(ec, eff["cgroup_driver"]),
                                  "edgecore uses cgroupfs but no CRI-O file sets cgroup_manager, and CRI-O's "
                                  "default is systemd; set cgroup_manager = \"cgroupfs\" and conmon_cgroup = "
                                  "\"pod\" in [crio.runtime]")
        elif runtime == "cri-dockerd":
            doc = node.docker
            if doc is not None:
                yield from relabel(self, registry.BY_CODE["DKR002"].check(doc, sub), note)
            else:
                ec = node.edgecore
                yield self.at(ec, setting_span(ec, eff["cgroup_driver"]),
                              f"edgecore uses {driver} but /etc/docker/daemon.json does not exist, so Docker's "
                              f"cgroup driver is its default (cgroupfs on cgroup v1 hosts, systemd on v2); create "
                              f"it with {{\"exec-opts\": [\"native.cgroupdriver={driver}\"]}}")


RULE = CgroupDriverMismatch
