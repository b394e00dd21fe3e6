"""NODE010: a plugin the runtime's CNI config names is not in the runtime's CNI plugin folders."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator, List, Optional

from ...rule import ERROR, Context, Finding, Fix, NodeRule, node_example
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
    {
      "cniVersion": "1.0.0",
      "name": "containerd-net",
      "plugins": [
        {"type": "bridge", "bridge": "cni0", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}},
        {"type": "portmap", "capabilities": {"portMappings": true}}
      ]
    }
    """
_PLUGINS = {"/opt/cni/bin/bridge": "", "/opt/cni/bin/host-local": "", "/opt/cni/bin/portmap": "",
            "/opt/cni/bin/loopback": ""}


class CniPluginMissing(NodeRule):
    code = "NODE010"
    name = "cni-plugin-missing"
    summary = "A plugin named by the runtime's CNI config is not in the runtime's CNI plugin folders"
    severity = ERROR
    fix_safety = "unsafe"
    rationale = (
        "Installing a CNI config without its plugin binaries (or the binaries in another folder than the "
        "runtime searches) leaves pods without a network (incidents I-10, I-11: KE#5256, KE#4740, KE#5055; "
        "the KubeEdge FAQ asks for both the plugins and the config). Each runtime looks for a plugin by its "
        "`type` in its own folders: containerd `cni.bin_dir` / `bin_dirs` (Debian's containerd package sets "
        "`bin_dir = \"/usr/lib/cni\"`, not /opt/cni/bin), CRI-O `plugin_dirs`, cri-dockerd `--cni-bin-dir` "
        "(comma-separated), all defaulting to /opt/cni/bin (FACTS §1.3, §2.2, §3.2). Besides the config's "
        "plugins (and their IPAM plugins; flannel runs bridge and host-local), every runtime runs the "
        "`loopback` plugin for each pod (go-cni WithLoNetwork unless containerd's `use_internal_loopback`; "
        "ocicni and cri-dockerd getLoNetwork). containerd fails at pod start (`failed to find plugin`); "
        "CRI-O and cri-dockerd check the plugins when loading and skip such a config, falling back to a "
        "later one or to `cni config uninitialized`. The config checked is the one the runtime picks: the "
        "first `max_conf_num` files in name order for containerd, `cni_default_network` or the first "
        "loadable file for CRI-O, the first loadable file for cri-dockerd. Runs only when at least one "
        "plugin folder exists under the root: a repository of configs has no binaries, and the rule stays "
        "silent rather than guessing (on / a missing folder is reported). The fix (unsafe: it changes which "
        "binaries the runtime runs) points containerd's bin_dir at /opt/cni/bin when every missing plugin "
        "is there."
    )
    errors = (
        'failed to setup network for sandbox "<id>": cni plugin not initialized',
        'plugin type="bridge" failed (add): failed to find plugin "bridge" in path [/opt/cni/bin]',
        'Error validating CNI config list: failed to find plugin "calico" in path [/opt/cni/bin]',
        'failed to set up sandbox container "<id>" network for pod "edgecore": networkPlugin cni failed',
        'network plugin is not ready: cni config uninitialized',
    )
    bad = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
            "/opt/cni/bin/bridge": "", "/opt/cni/bin/host-local": "", "/opt/cni/bin/loopback": "",
        }, path="/etc/cni/net.d/10-containerd-net.conflist", line=6, column=14, kubeedge_version="1.18"),
        node_example({  # Debian's containerd config points at /usr/lib/cni; the plugins are in /opt/cni/bin
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": """
                version = 2
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "/etc/cni/net.d"
                """,
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
            **_PLUGINS,
        }, path="/etc/cni/net.d/10-containerd-net.conflist", line=5, column=14, unsafe=True,
            kubeedge_version="1.18", fixed={
                "/etc/containerd/config.toml": """
                    version = 2
                    [plugins."io.containerd.grpc.v1.cri".cni]
                      bin_dir = "/opt/cni/bin"
                      conf_dir = "/etc/cni/net.d"
                    """}),
    )
    good = (
        node_example({
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
            **_PLUGINS,
        }, kubeedge_version="1.18"),
        node_example({  # no plugin folder under the root: a config repository, nothing to compare
            EDGECORE_PATH: _EDGECORE,
            "/etc/containerd/config.toml": "version = 2\n",
            "/etc/cni/net.d/10-containerd-net.conflist": _BRIDGE,
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
        name = LABEL[runtime]
        dirs = facts.existing_bin_dirs(node, setup.bin_dirs)
        shown = ", ".join(setup.bin_dirs)
        base = f"set at {setup.bin_from.label}" if setup.bin_from is not None else f"{name}'s default"
        origin = base if dirs else base + "; no such folder"
        if not dirs and not facts.existing_bin_dirs(node, [facts.CNI_BIN_DIR]):
            if facts.is_real_root(node):
                anchor = runtime_anchor(node, runtime, setup.bin_from)
                if anchor is not None:
                    doc, span, lead = anchor
                    yield self.at(doc, span, f"{lead}{name} looks for CNI plugins in {shown} ({base}), which "
                                             f"does not exist: no pod gets a network; install the CNI plugins "
                                             f"(containernetworking/plugins) there")
            return
        picked, _ = facts.chosen_confs(setup, facts.cni_confs(node, setup.conf_dir.value))
        if not picked:
            return  # no loadable config: NODE009's finding
        fix = self._fix(node, setup, picked)
        reported = set()
        for conf in picked:
            fname = os.path.basename(conf.path)
            for plugin, span, doc in conf.plugins:
                if facts.plugin_installed(node, dirs, plugin) or (conf.path, plugin) in reported:
                    continue
                reported.add((conf.path, plugin))
                effect = (f"{name} cannot set up pod networks with {fname} (`failed to find plugin \"{plugin}\" "
                          f"in path`)") if runtime == "containerd" else \
                    (f"{name} checks the plugins when it loads configs and skips {fname}, so pods do not get "
                     f"this network")
                hint = self._hint(node, plugin)
                yield Finding(self, conf.path, span,
                              f"the CNI plugin `{plugin}` is not in {shown} ({origin}): {effect}; install it "
                              f"there{hint}", fix)
        if setup.loopback and not facts.plugin_installed(node, dirs, "loopback"):
            anchor = runtime_anchor(node, runtime, setup.bin_from)
            if anchor is not None:
                doc, span, lead = anchor
                yield self.at(doc, span, f"{lead}{name} runs the CNI plugin `loopback` for every pod, but it is "
                                         f"not in {shown} ({origin}): pod sandboxes fail; install the CNI plugins "
                                         f"there{self._hint(node, 'loopback')}", fix)

    @staticmethod
    def _hint(node: Any, plugin: str) -> str:
        from ...node import facts

        if facts.plugin_installed(node, [facts.CNI_BIN_DIR], plugin):
            return f" or use {facts.CNI_BIN_DIR}, where it is installed"
        return " (containernetworking/plugins or the network add-on's installer)"

    @staticmethod
    def _fix(node: Any, setup: Any, picked: List[Any]) -> Optional[Fix]:
        """containerd only: point a written bin_dir at /opt/cni/bin when everything missing is there."""
        from ...document import EditError
        from ...node import facts

        where = setup.bin_from
        if setup.runtime != "containerd" or where is None or where.entry is None \
                or facts.CNI_BIN_DIR in setup.bin_dirs:
            return None
        needed = {p for c in picked for p, _, _ in c.plugins} | ({"loopback"} if setup.loopback else set())
        dirs = facts.existing_bin_dirs(node, setup.bin_dirs)
        missing = {p for p in needed if not facts.plugin_installed(node, dirs, p)}
        if not missing or not all(facts.plugin_installed(node, [facts.CNI_BIN_DIR], p) for p in needed):
            return None
        value = [facts.CNI_BIN_DIR] if isinstance(where.entry.value, list) else facts.CNI_BIN_DIR
        try:
            edits = where.doc.set_value(where.entry.path, value)
        except EditError:
            return None
        return Fix(edits, False, f"use the CNI plugins in {facts.CNI_BIN_DIR}")


RULE = CniPluginMissing
