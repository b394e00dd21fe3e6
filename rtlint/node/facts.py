"""Facts about one node that the incident-driven node rules share.

model.py works out the effective runtime settings; this module adds what those rules need on
top: which runtime edgecore really uses, the CNI folders each runtime reads (and which config in
them it picks), cri-dockerd's and dockerd's command-line flags, the sandbox image settings,
/etc/crictl.yaml, which runtimes serve CRI, and package-manager leftovers. Sources for each fact
are given where it is used.
"""
from __future__ import annotations

import os
import posixpath
from ..record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import kinds
from ..document import Document, Entry, ParseError, Span
from ..execline import Command, CommandLineError, Token, split_commands
from ..loader import ReadError, load
from ..runtimes import containerd as ctd

CNI_CONF_DIR = "/etc/cni/net.d"
CNI_BIN_DIR = "/opt/cni/bin"
CNI_EXTENSIONS = (".conf", ".conflist", ".json")  # libcni ConfFiles, as all three runtimes call it
CRICTL = "/etc/crictl.yaml"
CRI_RUNTIMES = ("containerd", "crio", "cri-dockerd")

# Docker's own containerd (Docker 17.x-19.x started it under /run/docker/containerd); it never
# serves CRI (kubernetes#73189: "unknown service runtime.v1alpha2.RuntimeService").
DOCKER_INTERNAL_CONTAINERD = "/run/docker/containerd/"
# k3s runs its own containerd (incident I-35, KE#6249).
K3S_SOCKET = "/run/k3s/containerd/containerd.sock"
K3S_CONTAINERD_CONFIG = "/var/lib/rancher/k3s/agent/etc/containerd/config.toml"
K3S_BINARY = "/usr/local/bin/k3s"
K3S_UNITS = ("k3s.service", "k3s-agent.service")


# -- where a value comes from ---------------------------------------------------------------------

@dataclass
class Where:
    """A value and where it is written: a document entry, a token inside an entry, or a default."""

    value: Any
    doc: Optional[Document] = None
    entry: Optional[Entry] = None
    span: Optional[Span] = None  # the exact text (a flag inside ExecStart), else the entry's value
    label: str = ""  # "/etc/containerd/config.toml:12" or "the built-in default"

    @property
    def defaulted(self) -> bool:
        return self.doc is None

    @property
    def value_span(self) -> Optional[Span]:
        if self.span is not None:
            return self.span
        return self.entry.value_span if self.entry is not None else None


def _where(node: Any, doc: Optional[Document], entry: Optional[Entry], value: Any,
           span: Optional[Span] = None) -> Where:
    return Where(value, doc, entry, span, node.where(doc, entry) if doc is not None else "the built-in default")


# -- which runtime ---------------------------------------------------------------------------------

def edgecore_settings(node: Any) -> Optional[Dict[str, Any]]:
    from ..rules.node._common import intended

    return intended(node)


def runtime_in_use(node: Any) -> Optional[str]:
    """The CRI runtime edgecore talks to; without edgecore.yaml, the only CRI runtime installed."""
    from .model import runtime_of_endpoint

    eff = edgecore_settings(node)
    if eff is not None:
        return runtime_of_endpoint(eff["runtime_endpoint"].value)
    if node.files.edgecore is not None:
        return None  # edgecore.yaml exists but cannot be read: do not guess
    serving = [r for r in cri_runtimes(node) if r in CRI_RUNTIMES]
    return serving[0] if len(serving) == 1 else None


def runtime_docs(node: Any, runtime: str) -> List[Document]:
    """The files that configure `runtime`, main file first."""
    if runtime == "containerd":
        return node.containerd_docs
    if runtime == "crio":
        return node.crio_docs
    if runtime == "cri-dockerd":
        return node.unit_docs("cri-docker.service")
    return []


# -- command lines --------------------------------------------------------------------------------

@dataclass
class ExecCommand:
    """One program's command in a unit's effective ExecStart."""

    doc: Document
    entry: Entry
    command: Command

    def span(self, token: Token) -> Span:
        from ..rules.docker._units import token_span

        return token_span(self.doc, self.entry, token.start, token.end)

    def flag(self, name: str, short: str = "") -> Optional[Tuple[str, Token]]:
        """The last value given to `--name` (pflag: the last one wins for plain string flags)."""
        values = flag_values(self.command.args, name, short)
        return values[-1] if values else None


def exec_command(node: Any, unit: str, programs: Sequence[str]) -> Optional[ExecCommand]:
    """The command running one of `programs` in `unit`'s effective ExecStart (drop-ins applied)."""
    for doc, entry in reversed(node.unit_effective(unit, "Service", "ExecStart")):
        try:
            commands = split_commands(entry.value)
        except CommandLineError:
            return None
        for cmd in commands:
            if posixpath.basename(cmd.path) in programs:
                return ExecCommand(doc, entry, cmd)
    return None


def cri_dockerd_command(node: Any) -> Optional[ExecCommand]:
    return exec_command(node, "cri-docker.service", ("cri-dockerd",))


def dockerd_command(node: Any) -> Optional[ExecCommand]:
    return exec_command(node, "docker.service", ("dockerd", "dockerd-current"))


def flag_values(args: Sequence[Token], name: str, short: str = "") -> List[Tuple[str, Token]]:
    """Values given to a pflag string flag, `--name=v`, `--name v`, `-s v` or `-sv`, in order."""
    out: List[Tuple[str, Token]] = []
    long_, short_ = "--" + name, ("-" + short) if short else None
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            break
        if t == long_ or (short_ and t == short_):
            if i + 1 < len(args):
                out.append((args[i + 1].text, args[i + 1]))
            i += 2
            continue
        if t.startswith(long_ + "="):
            out.append((t[len(long_) + 1:], args[i]))
        elif short_ and t.startswith(short_) and not t.startswith("--") and len(t) > 2:
            out.append((t[2:].lstrip("="), args[i]))
        i += 1
    return out


# -- CNI ------------------------------------------------------------------------------------------

@dataclass
class CniSetup:
    """Where one runtime reads CNI configs and plugin binaries, and how it picks the config."""

    runtime: str
    conf_dir: Where
    bin_dirs: List[str]
    bin_from: Optional[Where]
    max_conf: int = 1  # containerd's max_conf_num (<= 0: all); CRI-O and cri-dockerd use one network
    default_network: Optional[str] = None  # CRI-O cni_default_network
    loopback: bool = True  # the runtime also runs the `loopback` plugin for every pod
    skips_incomplete: bool = False  # CRI-O / cri-dockerd skip configs whose plugins are missing


def _ctd_cni(node: Any, key: str) -> Any:
    return node.containerd_value(lambda v: ctd.cni_table(v) + (key,))


def cni_setup(node: Any, runtime: str) -> Optional[CniSetup]:
    """The CNI folders `runtime` uses (FACTS §1.2-1.3 containerd, §2.2 CRI-O, §3.2 cri-dockerd)."""
    if runtime == "containerd":
        conf = _ctd_cni(node, "conf_dir")
        conf_dir = _where(node, conf.doc, conf.entry, conf.value) if conf is not None and conf.value else \
            Where(CNI_CONF_DIR, label="containerd's default")
        dirs: List[str] = []
        bin_from = None
        for key in ("bin_dir", "bin_dirs"):  # 2.1+ refuses both set to different values; take both
            v = _ctd_cni(node, key)
            if v is None or not v.value:
                continue
            vals = v.value if isinstance(v.value, list) else [v.value]
            dirs += [d for d in vals if isinstance(d, str) and d and d not in dirs]
            bin_from = bin_from or _where(node, v.doc, v.entry, v.value)
        maxv = _ctd_cni(node, "max_conf_num")
        lo = _ctd_cni(node, "use_internal_loopback")
        return CniSetup(runtime, conf_dir, dirs or [CNI_BIN_DIR], bin_from,
                        max_conf=maxv.value if maxv is not None and isinstance(maxv.value, int) else 1,
                        loopback=not (lo is not None and lo.value is True))
    if runtime == "crio":
        conf = node.crio_value(("crio", "network", "network_dir"))
        conf_dir = _where(node, conf.doc, conf.entry, conf.value) if conf is not None and conf.value else \
            Where(CNI_CONF_DIR, label="CRI-O's default")
        dirs = []
        bin_from = None
        for key in ("plugin_dirs", "plugin_dir"):  # plugin_dir is deprecated and appended to plugin_dirs
            v = node.crio_value(("crio", "network", key))
            if v is None or not v.value:
                continue
            vals = v.value if isinstance(v.value, list) else [v.value]
            dirs += [d for d in vals if isinstance(d, str) and d and d not in dirs]
            bin_from = bin_from or _where(node, v.doc, v.entry, v.value)
        net = node.crio_value(("crio", "network", "cni_default_network"))
        return CniSetup(runtime, conf_dir, dirs or [CNI_BIN_DIR], bin_from,
                        default_network=net.value if net is not None and isinstance(net.value, str) and net.value
                        else None, skips_incomplete=True)
    if runtime == "cri-dockerd":
        cmd = cri_dockerd_command(node)
        conf_dir = Where(CNI_CONF_DIR, label="cri-dockerd's default")
        bins: List[str] = [CNI_BIN_DIR]
        bin_from = None
        if cmd is not None:
            plugin = cmd.flag("network-plugin")
            if plugin is not None and plugin[0] != "cni":
                return None  # no CNI at all (DKR006 reports it)
            got = cmd.flag("cni-conf-dir")
            if got is not None and got[0]:
                conf_dir = Where(got[0], cmd.doc, cmd.entry, cmd.span(got[1]), node.where(cmd.doc, cmd.entry))
            got = cmd.flag("cni-bin-dir")
            if got is not None and got[0]:
                bins = [d for d in got[0].split(",") if d]  # cri-dockerd SplitDirs: comma-separated
                bin_from = Where(got[0], cmd.doc, cmd.entry, cmd.span(got[1]), node.where(cmd.doc, cmd.entry))
        return CniSetup(runtime, conf_dir, bins, bin_from, skips_incomplete=True)
    return None


@dataclass
class CniConf:
    """One file in a CNI config folder, as the runtimes would load it."""

    path: str  # real path
    doc: Optional[Document]
    problem: Optional[str]  # why a runtime cannot load it (None: it loads)
    name: Optional[str] = None
    plugins: List[Tuple[str, Span, Optional[Document]]] = field(default_factory=list)  # (type, where, doc)

    @property
    def usable(self) -> bool:
        return self.problem is None


# Plugins that run other plugins themselves: flannel delegates to `bridge` (or delegate.type) with
# host-local IPAM (containernetworking/plugins plugins/meta/flannel).
_IMPLIED = {"flannel": ("bridge", "host-local")}


def _plugin_types(doc: Document) -> List[Tuple[str, Span]]:
    out: List[Tuple[str, Span]] = []
    data = doc.data
    items: List[Tuple[tuple, Any]] = []
    if isinstance(data, dict) and "type" in data:
        items.append(((), data))
    if isinstance(data, dict) and isinstance(data.get("plugins"), list):
        items += [(("plugins", i), p) for i, p in enumerate(data["plugins"]) if isinstance(p, dict)]
    for base, p in items:
        for path in (base + ("type",), base + ("ipam", "type")):
            e = doc.entry(path)
            if e is not None and isinstance(e.value, str) and e.value:
                out.append((e.value, e.value_span))
        t = p.get("type")
        if isinstance(t, str) and t in _IMPLIED:
            span = doc.entry(base + ("type",)).value_span  # type: ignore[union-attr]
            delegate = p.get("delegate") if isinstance(p.get("delegate"), dict) else {}
            first = delegate.get("type") if isinstance(delegate.get("type"), str) else _IMPLIED[t][0]
            for implied in (first,) + _IMPLIED[t][1:]:
                out.append((implied, span))
    return out


def _conf_problem(path: str, doc: Document) -> Optional[str]:
    """libcni's load checks (cni pkg ConfFromBytes / ConfListFromBytes), in words."""
    data = doc.data
    if not isinstance(data, dict):
        return "it is not a JSON object"
    if path.endswith(".conflist"):
        if not isinstance(data.get("name"), str) or not data.get("name"):
            return "a .conflist needs a `name`"
        plugins = data.get("plugins")
        if not isinstance(plugins, list) or not plugins:
            return "a .conflist needs a non-empty `plugins` list"
        for i, p in enumerate(plugins):
            if not isinstance(p, dict) or not isinstance(p.get("type"), str) or not p.get("type"):
                return f"plugin {i} has no `type`"
        return None
    if not isinstance(data.get("type"), str) or not data.get("type"):
        if "plugins" in data:
            return "it holds a plugin list but is named .conf/.json (runtimes read those as one plugin)"
        return "it has no top-level `type`"
    return None


def cni_confs(node: Any, conf_dir: str) -> List[CniConf]:
    """The config files in `conf_dir` (a node path) in the order the runtimes read them."""
    real = node.files.under(conf_dir)
    if not os.path.isdir(real):
        return []
    failures = {r.path: r for r in node.failures}
    out: List[CniConf] = []
    for name in sorted(os.listdir(real)):
        path = os.path.join(real, name)
        if not name.endswith(CNI_EXTENSIONS) or not os.path.isfile(path):
            continue
        doc = node.docs.get(path)
        problem: Optional[str] = None
        if doc is None and path in failures:
            f = failures[path].findings[0] if failures[path].findings else None
            problem = f"it cannot be read ({f.message})" if f is not None else "it cannot be read"
        elif doc is None:
            try:
                doc = load(path, kind=kinds.CNI)
            except (ReadError, ParseError) as e:
                problem = f"it cannot be read ({getattr(e, 'message', str(e))})"
        if doc is not None:
            problem = _conf_problem(path, doc)
        conf = CniConf(path, doc, problem)
        if doc is not None and problem is None:
            data = doc.data
            conf.name = data.get("name") if isinstance(data.get("name"), str) else None
            conf.plugins = [(t, s, doc) for t, s in _plugin_types(doc)]
        out.append(conf)
    return out


def chosen_confs(setup: CniSetup, confs: List[CniConf]) -> Tuple[List[CniConf], Optional[CniConf]]:
    """(configs the runtime sets pods up with, the file that stops containerd early).

    containerd (go-cni loadFromConfDir) takes files in name order up to max_conf_num and fails on
    the first it cannot load; CRI-O (ocicni) and cri-dockerd (network/cni getDefaultCNINetwork)
    skip files they cannot load and use one network: `cni_default_network` by name, else the
    first that loads.
    """
    if setup.runtime == "containerd":
        picked: List[CniConf] = []
        for c in confs:
            if not c.usable:
                return picked, c
            picked.append(c)
            if setup.max_conf > 0 and len(picked) >= setup.max_conf:
                break
        return picked, None
    usable = [c for c in confs if c.usable]
    if setup.default_network:
        named = [c for c in usable if c.name == setup.default_network]
        return named[:1], None
    return usable[:1], None


def existing_bin_dirs(node: Any, dirs: Sequence[str]) -> List[str]:
    return [d for d in dirs if os.path.isdir(node.files.under(d))]


def plugin_installed(node: Any, dirs: Sequence[str], plugin: str) -> bool:
    """libcni FindInPath: a file named like the plugin type in one of the folders."""
    if "/" in plugin:
        return False
    return any(os.path.lexists(os.path.join(node.files.under(d), plugin)) for d in dirs)


def is_real_root(node: Any) -> bool:
    return os.path.abspath(node.files.root) == os.sep


# -- CRI runtimes on the host ---------------------------------------------------------------------

def containerd_cri_disabled(node: Any) -> Optional[Tuple[Document, Entry]]:
    """The disabled_plugins entry that turns containerd's CRI off (lists are appended across imports)."""
    for doc in node.containerd_docs:
        for item in doc.children(("disabled_plugins",)):
            if item.value in ("cri", ctd.CRI_V2):
                return doc, item
    return None


def k3s_evidence(node: Any) -> List[str]:
    f = node.files
    out = [p for p in (K3S_BINARY, K3S_CONTAINERD_CONFIG) if os.path.isfile(f.under(p))]
    from .discover import UNIT_DIRS

    for unit in K3S_UNITS:
        for d in UNIT_DIRS:
            if os.path.isfile(f.under(f"{d}/{unit}")):
                out.append(unit)
                break
    return out


def cri_runtimes(node: Any) -> Dict[str, List[str]]:
    """CRI-serving runtimes on the node -> evidence; containerd only when its CRI plugin is enabled."""
    installed = node.installed_runtimes()
    out: Dict[str, List[str]] = {}
    for name in CRI_RUNTIMES:
        if name in installed:
            if name == "containerd" and containerd_cri_disabled(node) is not None:
                continue
            out[name] = installed[name]
    k3s = k3s_evidence(node)
    if k3s:
        out["k3s containerd"] = k3s
    return out


CRI_SOCKETS = {
    "containerd": "unix:///run/containerd/containerd.sock",
    "crio": "unix:///var/run/crio/crio.sock",
    "cri-dockerd": "unix:///var/run/cri-dockerd.sock",
    "k3s containerd": "unix://" + K3S_SOCKET,
}


# -- /etc/crictl.yaml -----------------------------------------------------------------------------

def crictl(node: Any) -> Optional[Document]:
    """crictl's config read with the YAML reader (for positions); None when absent or unreadable."""
    from ..formats import yaml as yaml_format
    from ..loader import decode, read_bytes

    path = node.files.crictl
    if path is None:
        return None
    try:
        raw = read_bytes(path)
        text, bom = decode(raw)
        doc = yaml_format.parse(path, "crictl", raw, text, bom)
    except (ReadError, ParseError):
        return None
    return doc if isinstance(doc.data, dict) else None


# -- sandbox images -------------------------------------------------------------------------------

CRIO_PAUSE = ("crio", "image", "pause_image")
CRI_DOCKERD_PAUSE_FLAG = "pod-infra-container-image"
# cri-dockerd's built-in --pod-infra-container-image by release (Mirantis/cri-dockerd
# config/options.go per tag; FACTS §3.2).
CRI_DOCKERD_PAUSE_DEFAULTS = (
    ("v0.3.17 and later", "registry.k8s.io/pause:3.10"),
    ("v0.3.10-v0.3.16", "registry.k8s.io/pause:3.9"),
    ("v0.2.6-v0.3.9", "registry.k8s.io/pause:3.6"),
    ("v0.2.1-v0.2.5", "k8s.gcr.io/pause:3.6"),
)


def containerd_sandbox(node: Any) -> Optional[Where]:
    """containerd's effective sandbox image (None without a containerd config)."""
    if not node.containerd_docs:
        return None
    v = node.containerd_value(ctd.sandbox_image)
    if v is not None and isinstance(v.value, str):
        return _where(node, v.doc, v.entry, v.value)
    ver = node.containerd_version
    default = ctd.default_sandbox_image(ver.major, ver.minor) if ver is not None else None
    return Where(default or "registry.k8s.io/pause", label="containerd's built-in default")


def crio_sandbox(node: Any, crio_version: Any = None) -> Optional[Where]:
    from ..runtimes import crio as crio_facts

    if not node.crio_docs:
        return None
    v = node.crio_value(CRIO_PAUSE)
    if v is not None and isinstance(v.value, str):
        return _where(node, v.doc, v.entry, v.value)
    default = crio_facts.default_pause_image(crio_version)
    return Where(default or "registry.k8s.io/pause", label="CRI-O's built-in default")


def cri_dockerd_sandbox(node: Any) -> Optional[Where]:
    cmd = cri_dockerd_command(node)
    if cmd is None:
        return None
    got = cmd.flag(CRI_DOCKERD_PAUSE_FLAG)
    if got is not None:
        return Where(got[0], cmd.doc, cmd.entry, cmd.span(got[1]), node.where(cmd.doc, cmd.entry))
    return Where(CRI_DOCKERD_PAUSE_DEFAULTS[0][1], label="cri-dockerd's built-in default")


def runtime_sandbox(node: Any, runtime: Optional[str], crio_version: Any = None) -> Optional[Where]:
    if runtime == "containerd":
        return containerd_sandbox(node)
    if runtime == "crio":
        return crio_sandbox(node, crio_version)
    if runtime == "cri-dockerd":
        return cri_dockerd_sandbox(node)
    return None


# -- package leftovers ----------------------------------------------------------------------------

# rpm: %config(noreplace) keeps the edited file and writes the package's as .rpmnew; plain %config
# replaces it and saves the edited one as .rpmsave. dpkg: "keep your version" leaves the package's
# as .dpkg-dist, "install the maintainer's" saves yours as .dpkg-old; .dpkg-new is an unpacked file
# whose configuration step did not finish.
LEFTOVER_SUFFIXES = (".rpmnew", ".rpmsave", ".dpkg-dist", ".dpkg-new", ".dpkg-old")
LEFTOVER_DIRS = ("/etc/containerd", "/etc/crio", "/etc/crio/crio.conf.d", "/etc/docker", "/etc/kubeedge/config",
                 "/etc/cni/net.d", "/etc/systemd/system", "/etc/default", "/etc/sysconfig", "/etc")
_ETC_FILES = ("crictl.yaml",)  # directly under /etc: only runtime files, not every package's leftovers
_DEFAULT_FILES = ("docker", "containerd", "crio", "cri-o", "kubelet", "edgecore")


def leftovers(node: Any) -> List[Tuple[str, str, str]]:
    """(real path of the leftover, node path of the live file, suffix), sorted."""
    f = node.files
    out: List[Tuple[str, str, str]] = []
    seen = set()
    for d in LEFTOVER_DIRS:
        real = f.under(d)
        if not os.path.isdir(real):
            continue
        walk = os.walk(real) if d == "/etc/crio/crio.conf.d" else [(real, [], os.listdir(real))]
        for folder, _, names in walk:
            for name in sorted(names):
                suffix = next((s for s in LEFTOVER_SUFFIXES if name.endswith(s)), None)
                if suffix is None:
                    continue
                path = os.path.join(folder, name)
                live = name[:-len(suffix)]
                if d == "/etc" and live not in _ETC_FILES:
                    continue
                if d in ("/etc/default", "/etc/sysconfig") and live not in _DEFAULT_FILES:
                    continue
                if d == "/etc/systemd/system" and not _our_unit(live):
                    continue
                if path in seen or not os.path.isfile(path):
                    continue
                seen.add(path)
                out.append((path, f.node_path(os.path.join(folder, live)), suffix))
    return sorted(out)


def _our_unit(name: str) -> bool:
    from .discover import UNITS

    return name in UNITS or name.split(".")[0] in ("containerd", "crio", "docker", "cri-docker", "edgecore")
