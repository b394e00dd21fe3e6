"""NODE015: a daemon.json setting also given as a dockerd flag in docker.service (dockerd will not start)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ...document import EditError, Entry
from ...execline import Token
from ...rule import ERROR, Context, Finding, Fix, NodeRule, node_example

UNIT = "/etc/systemd/system/docker.service"
DAEMON_JSON = "/etc/docker/daemon.json"

# Flags whose daemon.json key is another name (their Value is an opts.NamedOption): moby cmd/dockerd
# config.go installCommonConfigFlags / installRegistryServiceFlags, options.go installFlags,
# config_unix.go installConfigFlags; opts PoolsOpt.Name(). Every other flag's key is its own name.
NAMED = {
    "host": "hosts", "storage-opt": "storage-opts", "authorization-plugin": "authorization-plugins",
    "exec-opt": "exec-opts", "dns-opt": "dns-opts", "label": "labels", "log-opt": "log-opts",
    "cluster-store-opt": "cluster-store-opts", "node-generic-resource": "node-generic-resources",
    "allow-nondistributable-artifacts": "allow-nondistributable-artifacts", "registry-mirror": "registry-mirrors",
    "insecure-registry": "insecure-registries", "default-ulimit": "default-ulimits", "add-runtime": "runtimes",
    "default-address-pool": "default-address-pools",
}
SHORT = {"H": "host", "D": "debug", "l": "log-level", "G": "group", "p": "pidfile", "g": "graph",
         "s": "storage-driver", "b": "bridge", "r": "restart"}
BOOLEAN = frozenset({"debug", "validate", "tls", "tlsverify", "cri-containerd", "restart", "raw-logs", "experimental",
                     "selinux-enabled", "iptables", "ip6tables", "ip-forward", "ip-masq", "ipv6", "icc",
                     "userland-proxy", "live-restore", "init", "no-new-privileges", "rootless"})
# daemon/config/config.go: `runtimes` may be in both places (skipDuplicates); these maps are not flattened
# (flatOptions), every other object in daemon.json is read key by key (configValuesSet).
SKIP_DUPLICATES = frozenset({"runtimes"})
FLAT = frozenset({"cluster-store-opts", "default-network-opts", "log-opts", "runtimes", "default-ulimits",
                  "features", "builder"})


def parse_flags(args: Sequence[Token]) -> List[Tuple[str, Optional[str], Token]]:
    """(long flag name, value or None for a bare boolean, token) for dockerd's arguments, in order."""
    out: List[Tuple[str, Optional[str], Token]] = []
    i = 0
    while i < len(args):
        t = args[i]
        text = t.text
        if t.env_split is not None:  # $OPTIONS: known only at run time
            i += 1
            continue
        if text == "--":
            break
        if text.startswith("--"):
            name, eq, value = text[2:].partition("=")
            if eq:
                out.append((name, value, t))
            elif name in BOOLEAN or i + 1 >= len(args) or args[i + 1].text.startswith("-"):
                out.append((name, None, t))
            else:
                out.append((name, args[i + 1].text, t))
                i += 1
            i += 1
            continue
        if text.startswith("-") and len(text) >= 2 and text[1] in SHORT:
            name = SHORT[text[1]]
            rest = text[2:].lstrip("=")
            if name in BOOLEAN or rest:
                out.append((name, rest or None, t))
            elif i + 1 < len(args):
                out.append((name, args[i + 1].text, t))
                i += 1
        i += 1
    return out


def file_settings(doc: Any) -> Dict[str, Entry]:
    """daemon.json keys as dockerd compares them with flags (nested objects read key by key)."""
    out: Dict[str, Entry] = {}
    for e in doc.children(()):
        key = e.path[-1]
        if isinstance(e.value, dict) and key not in FLAT:
            for sub in doc.children(e.path):
                out[str(sub.path[-1])] = sub
        else:
            out[str(key)] = e
    return out


def same_value(file_value: Any, flag_values: List[Optional[str]]) -> bool:
    """Whether the flag(s) say what the file says (then dropping the file's copy changes nothing)."""
    if isinstance(file_value, bool):
        return len(flag_values) == 1 and (flag_values[0] in (None, "true", "1")) == file_value
    if isinstance(file_value, list):
        return all(isinstance(v, str) for v in file_value) and set(file_value) == set(flag_values)
    if isinstance(file_value, dict):
        return {f"{k}={v}" for k, v in file_value.items()} == set(flag_values)
    if isinstance(file_value, (int, float, str)):
        return len(flag_values) == 1 and str(file_value) == flag_values[0]
    return False


class DockerFlagAndFile(NodeRule):
    code = "NODE015"
    name = "docker-flag-and-file-conflict"
    summary = "A daemon.json setting is also passed as a dockerd flag in docker.service, so dockerd refuses to start"
    severity = ERROR
    fix_safety = "safe"
    rationale = (
        "dockerd compares the flags it was started with against /etc/docker/daemon.json and exits when one "
        "setting is in both (`unable to configure the Docker daemon with file /etc/docker/daemon.json: the "
        "following directives are specified both as a flag and in the configuration file`), even when the "
        "values agree (moby daemon/config/config.go findConfigurationConflicts; FACTS §3.1; incident I-42: "
        "moby#34104 `hosts` with `-H fd://`, docker/for-linux#327 `insecure-registries`, moby#41725 "
        "`debug`; seen with Debian's dockerd 20.10.24 for hosts, insecure-registries, exec-opts, debug, log-opts and "
        "data-root, while `runtimes` with --add-runtime is accepted). cri-dockerd and edgecore then lose their runtime. Flags whose file key is a plural "
        "(`--exec-opt`/`exec-opts`, `-H`/`hosts`, `--insecure-registry`/`insecure-registries`, …) are "
        "matched by their option names (moby cmd/dockerd config.go, options.go, config_unix.go); objects "
        "such as `proxies` are compared key by key; `runtimes` may be in both. The ExecStart checked is "
        "docker.service's effective one (drop-ins applied); flags hidden in `$OPTIONS` variables are not "
        "known until run time. The fix deletes the daemon.json copy when the flag gives the same value; "
        "otherwise the operator chooses (for `hosts`, Docker's docs drop `-H` with an ExecStart= drop-in)."
    )
    errors = (
        'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file: [fd:// tcp://0.0.0.0:2376])',
        'unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a flag and in the configuration file: insecure-registries: (from flag: [192.168.0.2:5000], from file: [192.168.0.2:5000])',
    )
    bad = (
        node_example({
            UNIT: """
                [Service]
                ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
                """,
            DAEMON_JSON: """
                {
                  "exec-opts": ["native.cgroupdriver=systemd"],
                  "hosts": ["fd://", "tcp://0.0.0.0:2376"]
                }
                """,
        }, path=DAEMON_JSON, line=3, column=3),
        node_example({
            UNIT: """
                [Service]
                ExecStart=/usr/bin/dockerd --insecure-registry 192.168.0.2:5000
                """,
            DAEMON_JSON: """
                {
                  "insecure-registries": ["192.168.0.2:5000"],
                  "exec-opts": ["native.cgroupdriver=systemd"]
                }
                """,
        }, path=DAEMON_JSON, line=2, column=3, fixed={
            DAEMON_JSON: """
                {
                  "exec-opts": ["native.cgroupdriver=systemd"]
                }
                """}),
    )
    good = (
        node_example({
            UNIT: """
                [Service]
                ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
                """,
            DAEMON_JSON: """
                {
                  "exec-opts": ["native.cgroupdriver=systemd"],
                  "runtimes": {"nvidia": {"path": "nvidia-container-runtime"}}
                }
                """,
        }),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...node import facts

        doc = node.docker
        cmd = facts.dockerd_command(node)
        if doc is None or cmd is None or not isinstance(doc.data, dict):
            return
        settings = file_settings(doc)
        by_key: Dict[str, List[Tuple[str, Optional[str], Token]]] = {}
        for name, value, token in parse_flags(cmd.command.args):
            key = NAMED.get(name, name)
            if key in settings and key not in SKIP_DUPLICATES:
                by_key.setdefault(key, []).append((name, value, token))
        for key, flags in by_key.items():
            entry = settings[key]
            shown = ", ".join(t.text + ("" if v is None or t.text.endswith(v) else f" {v}") for _, v, t in flags)
            where = node.where(cmd.doc, cmd.entry)
            fix = None
            if same_value(entry.value, [v for _, v, _ in flags]):
                try:
                    fix = Fix(doc.delete(entry.path), True, "drop the copy in daemon.json")
                except EditError:
                    fix = None
                advice = f"the values agree: delete \"{key}\" from daemon.json"
            elif key == "hosts":
                advice = ("put all sockets in one place: drop -H from the unit with a drop-in (`ExecStart=` then "
                          "ExecStart without -H), or delete \"hosts\" from daemon.json")
            else:
                advice = f"keep one of them: delete \"{key}\" from daemon.json or the flag from ExecStart"
            yield self.at(doc, entry.key_span or entry.value_span,
                          f"\"{key}\" is set in daemon.json and ExecStart at {where} passes {shown} to dockerd: "
                          f"dockerd refuses to start (`the following directives are specified both as a flag and "
                          f"in the configuration file: {key}`), taking cri-dockerd and edgecore's runtime with it; "
                          f"{advice}", fix)


RULE = DockerFlagAndFile
