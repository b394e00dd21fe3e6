"""NODE009: the CNI config folder the runtime reads holds no config it can load."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...rule import ERROR, Context, Finding, NodeRule, node_example
from ._anchor import LABEL, runtime_anchor
from ._common import EDGECORE_PATH

_EDGECORE = """
    apiVersion: edgecore.config.kubeedge.io/v1alpha2
    kind: EdgeCore
    modules:
      edged:
        tailoredKubeletConfig:
          containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
          imageServiceEndpoint: unix:///run/containerd/containerd.sock
    """
_BRIDGE = """
    {"cniVersion": "1.0.0", "name": "containerd-net",
     "plugins": [{"type": "bridge", "bridge": "cni0", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]}
    """
_EFFECT = ("pods get no network (`cni plugin not initialized`, `cni config uninitialized`) and keadm join up to "
           "KubeEdge 1.15 fails at its copy-resources step")


class CniConfigMissing(NodeRule):
    code = "NODE009"
    name = "cni-config-missing"
    summary = "The CNI config folder the runtime reads has no network config it can load"
    severity = ERROR
    fix_safety = "none"
    rationale = (
        "The most common edge-node join failure after cgroup drivers (incidents I-10, I-11, I-12: KE#5256, "
        "KE#5195, KE#4740, KE#3507, KE#5394, KE#1302, KE#4569, FabEdge PR#9): the runtime finds no usable "
        "network config, so every pod sandbox fails with `cni plugin not initialized` (containerd), "
        "`cni config uninitialized` (cri-dockerd) or `no networks found in /etc/cni/net.d`, and keadm join "
        "up to 1.15 fails because its helper pod needs a network (KubeEdge FAQ; a maintainer in KE#5447 says "
        "1.16 no longer needs it for the join). The folder is the runtime's own setting: containerd "
        "`[plugins.<cri>.cni] conf_dir`, CRI-O `[crio.network] network_dir`, cri-dockerd `--cni-conf-dir`, "
        "all defaulting to /etc/cni/net.d (FACTS §1.2-1.3, §2.2, §3.2). All three read `*.conf`, "
        "`*.conflist` and `*.json` in name order (libcni ConfFiles). containerd stops at the first file it "
        "cannot load, even when a later one is fine (go-cni loadFromConfDir, FACTS §5; seen with Debian's "
        "containerd 1.6.20, which logs `cni config load failed: no network config found in <dir>` for an empty or "
        "missing folder and names the first broken file otherwise); CRI-O and cri-dockerd skip such files (ocicni loadNetworks; cri-dockerd network/cni getDefaultCNINetwork). "
        "Checked for the runtime edgecore uses. On a node tree (not /) the rule runs only when the tree "
        "has the CNI folder or a CNI plugin folder, since a repository of runtime configs may leave CNI to "
        "its network add-on. No fix: which network plugin to install is the operator's choice (the "
        "KubeEdge FAQ's bridge config is the minimal one)."
    )
    errors = (
        'failed to setup network for sandbox "<id>": cni plugin not initialized',
        'failed to set up sandbox container "<id>" network for pod "edgecore": networkPlugin cni failed',
        'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized',
        '"Unable to update cni config" err="no networks found in /etc/cni/net.d"',
        'cni config unintialized; Skipping pod',
        'hostPath type check failed: /etc/cni is not a directory',
        'Error: edge node join failed: copy resources failed: failed to setup network for sandbox "<id>": cni plugin not initialized',
        'failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config"',
    )
    bad = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/cni/net.d/README": "configs go here\n",
        }, path=EDGECORE_PATH, line=6, column=7, kubeedge_version="1.18"),
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".cni]
                  conf_dir = "/etc/cni/custom.d"
                """,
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
        }, path="/etc/containerd/config.toml", line=3, column=14, kubeedge_version="1.18"),
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/cni/net.d/05-broken.conf": """
                {"cniVersion": "1.0.0", "name": "broken", "plugins": [{"type": "bridge"}]}
                """,
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
        }, path="/etc/cni/net.d/05-broken.conf", line=1, column=1, kubeedge_version="1.18"),
    )
    good = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
        }, kubeedge_version="1.18"),
        node_example({  # a repository of runtime configs that leaves CNI to the network add-on
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
        }, kubeedge_version="1.18"),
        node_example({  # CRI-O skips the broken file and uses the next one
            EDGECORE_PATH: _EDGECORE.replace("unix:///run/containerd/containerd.sock", "unix:///var/run/crio/crio.sock"),
            "/etc/crio/crio.conf": "[crio.runtime]\ncgroup_manager = \"systemd\"\n",
            "/etc/cni/net.d/05-broken.conf": '{"cniVersion": "1.0.0", "name": "broken", "plugins": [{"type": "bridge"}]}\n',
            "/etc/cni/net.d/10-crio.conflist": _BRIDGE,
        }, kubeedge_version="1.18"),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node import facts

        runtime = facts.runtime_in_use(node)
        if runtime not in facts.CRI_RUNTIMES:
            return
        setup = facts.cni_setup(node, runtime)
        if setup is None:
            return
        conf_dir = setup.conf_dir.value
        real = node.files.under(conf_dir)
        modelled = (facts.is_real_root(node) or os.path.lexists(real)
                    or os.path.isdir(os.path.dirname(real.rstrip("/")))
                    or bool(facts.existing_bin_dirs(node, setup.bin_dirs)))
        if not modelled:
            return
        name = LABEL[runtime]
        origin = f"set at {setup.conf_dir.label}" if not setup.conf_dir.defaulted else setup.conf_dir.label
        confs = facts.cni_confs(node, conf_dir)
        if not os.path.isdir(real):
            what = "is not a folder" if os.path.lexists(real) else "does not exist"
            problem = f"{name} reads CNI network configs from {conf_dir} ({origin}), which {what}"
        elif not confs:
            problem = f"{name} reads CNI network configs from {conf_dir} ({origin}), which holds no .conf, " \
                      f".conflist or .json file"
        elif not any(c.usable for c in confs):
            why = "; ".join(f"{os.path.basename(c.path)}: {c.problem}" for c in confs[:3])
            problem = f"{name} reads CNI network configs from {conf_dir} ({origin}), and none of them loads ({why})"
        else:
            picked, stopper = facts.chosen_confs(setup, confs)
            if stopper is not None and not picked:
                later = next(c for c in confs if c.usable)
                yield Finding(self, stopper.path, stopper.doc.span(0, 0) if stopper.doc is not None else _first(),
                              f"containerd loads CNI configs in name order and gives up at "
                              f"{os.path.basename(stopper.path)} ({stopper.problem}), so "
                              f"{os.path.basename(later.path)} is never used and {_EFFECT}; fix or remove "
                              f"{os.path.basename(stopper.path)}")
            return
        anchor = runtime_anchor(node, runtime, setup.conf_dir)
        if anchor is None:
            return
        doc, span, lead = anchor
        yield self.at(doc, span, f"{lead}{problem}: {_EFFECT}; install the network plugin's config there "
                                 f"(the KubeEdge FAQ's minimal one is a bridge 10-containerd-net.conflist)")


def _first():
    from ...document import Span

    return Span(0, 0, 1, 1, 1, 1)


RULE = CniConfigMissing
