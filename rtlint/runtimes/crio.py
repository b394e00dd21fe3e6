"""What CRI-O reads: its files and load order, its tables and keys, defaults, and how files merge.

Sources (cri-o/cri-o, read at the tags named; FACTS.md §2 and docs/facts-verified.md "crio"):

* Files: `/etc/crio/crio.conf`, then every file under `/etc/crio/crio.conf.d` in
  lexical order (filepath.Walk: subdirectories included, no name filter), then
  CLI flags (v1.36.3 internal/criocli, pkg/config `UpdateFromPath`).
* Each file is decoded with BurntSushi/toml into the config built so far:
  scalars override, lists are replaced, `storage_option` is concatenated and
  de-duplicated, and a `[crio.runtime.runtimes.NAME]` table replaces that
  whole handler. Unknown keys and tables are dropped without a message.
* Keys per table: the `toml:` tags of the config structs at every minor tag
  v1.9.0 .. v1.36.0 plus v1.36.3 (`since`/`removed` are the first tag with /
  without the key; removals checked at patch level).
"""
from __future__ import annotations

import posixpath
import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ..detect import path_tail
from ..document import Document, KeyPath
from ..versions import Version

MAIN_CONFIG = "/etc/crio/crio.conf"
DROPIN_DIR = "/etc/crio/crio.conf.d"
DEFAULT_SOCKET = "/var/run/crio/crio.sock"

RUNTIME: KeyPath = ("crio", "runtime")
IMAGE: KeyPath = ("crio", "image")
RUNTIMES: KeyPath = ("crio", "runtime", "runtimes")
WORKLOADS: KeyPath = ("crio", "runtime", "workloads")

SYSTEMD = "systemd"
CGROUPFS = "cgroupfs"
CGROUP_MANAGERS = (SYSTEMD, CGROUPFS)
POD = "pod"
SYSTEM_SLICE = "system.slice"

# -- versions ---------------------------------------------------------------------------------
# Default cgroup manager: cgroupfs up to 1.17, systemd from 1.18.0 (commit 9ec532c7, 2020-01-21).
SYSTEMD_DEFAULT_SINCE = (1, 18)
# conmon_cgroup exists from 1.15.0, checked from then on ("should be 'pod' or a systemd slice"). Its default
# is "pod" in 1.15-1.17 and "system.slice" in 1.18-1.23; from 1.24 it is empty and the handler's
# monitor_cgroup defaults to system.slice (under any manager up to 1.32, under systemd only from 1.33).
# From 1.19.0 (commit a97c6684) cgroupfs needs "pod" or an empty value (which defaults to system.slice
# up to 1.32, so in practice "pod").
CGROUPFS_CHECK_SINCE = (1, 19)
# From 1.33.0 (commit a4c67cc6) an empty or "system.slice" monitor cgroup is accepted under cgroupfs.
CGROUPFS_EMPTY_OK_SINCE = (1, 33)
# 1.15-1.23 check the global conmon_cgroup directly: "" fails "should be 'pod' or a systemd slice".
EMPTY_CONMON_OK_SINCE = (1, 24)
# The built-in runtime handler: runc up to 1.30, crun from 1.31.0.
CRUN_DEFAULT_SINCE = (1, 31)

_DEFAULT_PAUSE = (  # (first version, image), newest first; FACTS §2.2
    ((1, 34), "registry.k8s.io/pause:3.10.1"),
    ((1, 31), "registry.k8s.io/pause:3.10"),
    ((1, 28), "registry.k8s.io/pause:3.9"),
    ((1, 24), "registry.k8s.io/pause:3.6"),
)


def _key(version: Optional[Version]) -> Optional[Tuple[int, int]]:
    return None if version is None else (version.major, version.minor)


def at_least(version: Optional[Version], since: Tuple[int, int]) -> Optional[bool]:
    """Whether `version` is `since` or newer; None when the version is unknown."""
    k = _key(version)
    return None if k is None else k >= since


def default_cgroup_manager(version: Optional[Version]) -> str:
    """The cgroup manager CRI-O uses when no file sets one (unknown version: today's default)."""
    return CGROUPFS if at_least(version, SYSTEMD_DEFAULT_SINCE) is False else SYSTEMD


def builtin_runtimes(version: Optional[Version]) -> Tuple[str, ...]:
    """Names the built-in default handler may have: one when the version is known, else both."""
    newer = at_least(version, CRUN_DEFAULT_SINCE)
    if newer is None:
        return ("crun", "runc")
    return ("crun",) if newer else ("runc",)


def default_pause_image(version: Optional[Version]) -> Optional[str]:
    k = _key(version)
    if k is None:
        return None
    for since, image in _DEFAULT_PAUSE:
        if k >= since:
            return image
    return None


# -- files --------------------------------------------------------------------------------------
# Corpus files have flattened names ("owner__repo__etc_crio_crio.conf.d_00-default"): a path
# separator became "_", so "_crio.conf" at the end and "crio.conf.d_" inside are matched too.
_FLAT_DROPIN = re.compile(r"(^|_)crio\.conf\.d_")


def is_dropin(path: str) -> bool:
    name, parent, _ = path_tail(path)
    return parent == "crio.conf.d" or bool(_FLAT_DROPIN.search(name))


def is_main_config(path: str) -> bool:
    """A file named crio.conf (not in crio.conf.d): the one file that must hold everything it needs.

    Drop-ins and files with other names (templates, `10-crio.conf`) may hold only
    some keys; rules that report a missing key leave those to node mode.
    """
    if is_dropin(path):
        return False
    name = path_tail(path)[0]
    return name == "crio.conf" or name.endswith("_crio.conf")


def dropin_order(paths: Iterable[str], root: str = DROPIN_DIR) -> List[str]:
    """Drop-in files in the order CRI-O reads them (Go filepath.Walk: names sorted per directory)."""
    def key(p: str) -> Tuple[str, ...]:
        rel = posixpath.relpath(p, root) if p.startswith(root.rstrip("/") + "/") else p
        return tuple(rel.split("/"))
    return sorted(paths, key=key)


# -- tables and keys ------------------------------------------------------------------------------
# table kind -> key -> (since, removed); None since = present in 1.9.0 already.
KEYS: Dict[str, Dict[str, Tuple[Optional[str], Optional[str]]]] = {
    "crio": {
        "clean_shutdown_file": ("1.21.0", None), "file_locking": (None, "1.16.0"),
        "file_locking_path": ("1.12.0", "1.16.0"), "imagestore": ("1.29.0", None),
        "internal_repair": ("1.28.0", None), "internal_wipe": ("1.22.0", None), "log_dir": (None, None),
        "root": (None, None), "runroot": (None, None), "storage_driver": (None, None),
        "storage_option": (None, None), "version_file": ("1.16.0", None),
        "version_file_persist": ("1.19.0", None),
    },
    "crio.api": {
        "grpc_max_recv_msg_size": ("1.14.0", None), "grpc_max_send_msg_size": ("1.14.0", None),
        "host_ip": ("1.14.0", "1.17.0"), "listen": (None, None), "stream_address": (None, None),
        "stream_enable_tls": ("1.11.0", None), "stream_idle_timeout": ("1.21.0", None),
        "stream_port": (None, None), "stream_tls_ca": ("1.11.0", None), "stream_tls_cert": ("1.11.0", None),
        "stream_tls_key": ("1.11.0", None), "tls_cipher_suites": ("1.36.0", None),
        "tls_min_version": ("1.36.0", None),
    },
    "crio.runtime": {
        "absent_mount_sources_to_reject": ("1.22.0", None), "add_inheritable_capabilities": ("1.26.0", None),
        "additional_artifact_stores": ("1.36.0", None), "additional_devices": ("1.13.0", None),
        "allowed_devices": ("1.24.0", None), "apparmor_profile": (None, None),
        "bind_mount_prefix": ("1.11.0", None), "blockio_config_file": ("1.22.0", None),
        "blockio_reload": ("1.29.0", None), "cdi_spec_dirs": ("1.24.0", None),
        "cgroup_manager": (None, None), "conmon": (None, None), "conmon_cgroup": ("1.15.0", None),
        "conmon_env": (None, None), "container_attach_socket_dir": ("1.12.0", None),
        "container_exits_dir": (None, None), "ctr_stop_timeout": ("1.12.0", None),
        "decryption_keys_path": ("1.17.0", None), "default_capabilities": ("1.11.0", None),
        "default_env": ("1.18.0", None), "default_mounts": (None, "1.20.0"),
        "default_mounts_file": ("1.11.0", None), "default_runtime": ("1.12.0", None),
        "default_sysctls": ("1.12.0", None), "default_ulimits": ("1.12.0", None),
        "default_workload_trust": (None, "1.14.0"),
        "device_ownership_from_security_context": ("1.22.0", None),
        "disable_hostport_mapping": ("1.28.0", None), "drop_infra_ctr": ("1.19.0", None),
        "enable_criu_support": ("1.25.0", None), "enable_pod_events": ("1.26.0", None),
        "enable_shared_pid_namespace": (None, "1.10.0"), "gid_mappings": ("1.11.0", None),
        "hooks_dir": ("1.13.0", None), "hooks_dir_path": (None, "1.12.6"),
        "hostnetwork_disable_selinux": ("1.27.0", None), "infra_ctr_cpuset": ("1.21.0", None),
        "irqbalance_config_file": ("1.21.0", None), "irqbalance_config_restore_file": ("1.27.0", None),
        "log_filter": ("1.17.0", None), "log_level": ("1.12.0", None), "log_size_max": (None, None),
        "log_to_journald": ("1.14.0", None), "manage_network_ns_lifecycle": ("1.10.0", "1.19.0"),
        "manage_ns_lifecycle": ("1.17.0", "1.21.0"), "min_injected_gomaxprocs": ("1.36.0", None),
        "minimum_mappable_gid": ("1.23.0", None), "minimum_mappable_uid": ("1.23.0", None),
        "namespaces_dir": ("1.17.0", None), "no_pivot": (None, None), "pids_limit": (None, None),
        "pinns_path": ("1.17.0", None), "privileged_seccomp_profile": ("1.33.0", None),
        "rdt_config_file": ("1.22.0", None), "read_only": ("1.11.0", None), "runtime": (None, "1.14.0"),
        "runtime_untrusted_workload": (None, "1.14.0"), "runtimes": ("1.12.0", None),
        "seccomp_profile": (None, None), "seccomp_use_default_when_empty": ("1.20.0", "1.30.0"),
        "selinux": (None, None), "separate_pull_cgroup": ("1.20.0", None), "shared_cpuset": ("1.29.0", None),
        "timezone": ("1.30.0", None), "uid_mappings": ("1.11.0", None), "workloads": ("1.21.0", None),
    },
    "crio.image": {
        "auto_reload_registries": ("1.30.0", None), "big_files_temporary_dir": ("1.19.0", None),
        "default_transport": (None, None), "global_auth_file": ("1.15.0", None),
        "image_volumes": (None, None), "insecure_registries": (None, None),
        "namespaced_auth_dir": ("1.35.0", None), "oci_artifact_mount_support": ("1.33.0", None),
        "pause_command": (None, None), "pause_image": (None, None),
        "pause_image_auth_file": ("1.14.0", None), "pinned_images": ("1.28.0", None),
        "pull_progress_timeout": ("1.32.0", None), "registries": (None, "1.31.0"),
        "short_name_mode": ("1.34.0", None), "signature_policy": (None, None),
        "signature_policy_dir": ("1.28.0", None),
    },
    "crio.network": {
        "cni_default_network": ("1.18.0", None), "cni_status_grace_period": ("1.36.3", None),
        "network_dir": (None, None), "plugin_dir": (None, None), "plugin_dirs": ("1.15.0", None),
    },
    "crio.metrics": {
        "enable_metrics": ("1.16.0", None), "metrics_cert": ("1.22.0", None),
        "metrics_collectors": ("1.22.0", None), "metrics_host": ("1.30.0", None),
        "metrics_key": ("1.22.0", None), "metrics_port": ("1.16.0", None),
        "metrics_socket": ("1.19.0", None),
    },
    "crio.tracing": {
        "enable_tracing": ("1.23.0", None), "tracing_endpoint": ("1.23.0", None),
        "tracing_sampling_rate_per_million": ("1.23.0", None),
    },
    "crio.stats": {
        "collection_period": ("1.30.0", None), "included_pod_metrics": ("1.30.0", None),
        "stats_collection_period": ("1.23.0", None),
    },
    "crio.nri": {
        "default_validator": ("1.34.0", None), "enable_nri": ("1.26.0", None),
        "nri_config_file": ("1.26.0", "1.26.2"), "nri_disable_connections": ("1.27.0", None),
        "nri_listen": ("1.26.0", None), "nri_plugin_config_dir": ("1.27.0", None),
        "nri_plugin_dir": ("1.26.0", None), "nri_plugin_registration_timeout": ("1.27.0", None),
        "nri_plugin_request_timeout": ("1.27.0", None),
    },
    "handler": {
        "allowed_annotations": ("1.20.0", None), "container_create_timeout": ("1.35.0", None),
        "container_min_memory": ("1.30.0", None), "default_annotations": ("1.32.0", None),
        "exec_cpu_affinity": ("1.34.0", None), "inherit_default_runtime": ("1.32.0", None),
        "monitor_cgroup": ("1.24.0", None), "monitor_env": ("1.24.0", None),
        "monitor_exec_cgroup": ("1.24.0", None), "monitor_path": ("1.24.0", None),
        "no_sync_log": ("1.31.0", None), "platform_runtime_paths": ("1.28.0", None),
        "privileged_without_host_devices": ("1.17.0", None), "runtime_config_path": ("1.22.0", None),
        "runtime_path": ("1.12.0", None), "runtime_pull_image": ("1.29.0", None),
        "runtime_root": ("1.15.0", None), "runtime_type": ("1.14.0", None),
        "seccomp_profile": ("1.34.0", None), "stream_websockets": ("1.34.0", None),
    },
    "workload": {
        "activation_annotation": ("1.21.0", None), "allowed_annotations": ("1.23.0", None),
        "annotation_prefix": ("1.21.0", None), "resources": ("1.21.0", None),
    },
}

# The table kinds that are one fixed table (a key found elsewhere has exactly one home there).
FIXED_TABLES: Dict[str, KeyPath] = {
    "crio": ("crio",),
    "crio.api": ("crio", "api"),
    "crio.runtime": RUNTIME,
    "crio.image": IMAGE,
    "crio.network": ("crio", "network"),
    "crio.metrics": ("crio", "metrics"),
    "crio.tracing": ("crio", "tracing"),
    "crio.stats": ("crio", "stats"),
    "crio.nri": ("crio", "nri"),
}
SUBTABLES = {"crio": ("api", "runtime", "image", "network", "metrics", "tracing", "stats", "nri"),
             "crio.runtime": ("runtimes", "workloads")}


def table_kind(path: KeyPath) -> Optional[str]:
    """The kind of a table path ("crio.runtime", "handler", "workload", "root"), None if CRI-O has none."""
    path = tuple(path)
    if path == ():
        return "root"
    for kind, p in FIXED_TABLES.items():
        if path == p:
            return kind
    if len(path) == 4 and path[:3] == RUNTIMES and isinstance(path[3], str):
        return "handler"
    if len(path) == 4 and path[:3] == WORKLOADS and isinstance(path[3], str):
        return "workload"
    return None


def table_path(kind: str, name: str = "") -> KeyPath:
    if kind == "handler":
        return RUNTIMES + (name,)
    if kind == "workload":
        return WORKLOADS + (name,)
    return FIXED_TABLES[kind]


def show_table(kind: str, name: str = "<name>") -> str:
    if kind == "root":
        return "the top level"
    if kind == "handler":
        return f"[crio.runtime.runtimes.{name}]"
    if kind == "workload":
        return f"[crio.runtime.workloads.{name}]"
    return f"[{kind}]"


def homes(key: str) -> List[str]:
    """Table kinds that have (or had) `key`."""
    return [kind for kind, keys in KEYS.items() if key in keys]


def known_in(kind: str, key: str, version: Optional[Version] = None) -> bool:
    """Whether CRI-O reads `key` in a table of `kind` (at `version`; any version when it is None)."""
    info = KEYS.get(kind, {}).get(key)
    if info is None:
        return False
    if version is None:
        return True
    since, removed = info
    k = version.key()
    return ((since is None or k >= Version.parse(since).key())
            and (removed is None or k < Version.parse(removed).key()))


def removed_in(kind: str, key: str) -> Optional[str]:
    info = KEYS.get(kind, {}).get(key)
    return None if info is None else info[1]


def is_current(kind: str, key: str) -> bool:
    info = KEYS.get(kind, {}).get(key)
    return info is not None and info[1] is None


# Deprecated keys still read: (table kind, key) -> (deprecated since, what to use instead).
DEPRECATED: Dict[Tuple[str, str], Tuple[str, str]] = {
    ("crio.runtime", "conmon"): (
        "1.24.0", "monitor_path in each [crio.runtime.runtimes.<name>] table"),
    ("crio.runtime", "conmon_cgroup"): (
        "1.24.0", "monitor_cgroup in each [crio.runtime.runtimes.<name>] table"),
    ("crio.runtime", "conmon_env"): (
        "1.24.0", "monitor_env in each [crio.runtime.runtimes.<name>] table"),
    ("crio.network", "plugin_dir"): (
        "1.15.0", "plugin_dirs (a list; CRI-O appends plugin_dir to it with a warning)"),
    ("crio.stats", "stats_collection_period"): ("1.30.0", "collection_period"),
}
# Keys that are read but no longer do anything: (table kind, key) -> (since, what to use instead).
NO_EFFECT: Dict[Tuple[str, str], Tuple[str, str]] = {
    ("crio.image", "insecure_registries"): (
        "1.35.0", "an [[registry]] entry with insecure = true in /etc/containers/registries.conf"),
    ("crio.image", "registries"): (
        "1.21.0", "unqualified-search-registries in /etc/containers/registries.conf"),
}
# What to do about removed keys, where upstream says what replaced them.
REPLACED_BY: Dict[Tuple[str, str], str] = {
    ("crio.runtime", "runtime"): "use runtime_path in a [crio.runtime.runtimes.<name>] table",
    ("crio.runtime", "runtime_untrusted_workload"): "use a [crio.runtime.runtimes.<name>] table and a RuntimeClass",
    ("crio.runtime", "default_workload_trust"): "use a [crio.runtime.runtimes.<name>] table and a RuntimeClass",
    ("crio.runtime", "hooks_dir_path"): "use hooks_dir (a list of directories)",
    ("crio.runtime", "default_mounts"): "use default_mounts_file",
    # commit 1633196c (v1.21.0): "CRI-O unconditionally manages namespace lifecycle"
    ("crio.runtime", "manage_network_ns_lifecycle"): "delete it: CRI-O 1.21+ always manages namespace lifecycles",
    ("crio.runtime", "manage_ns_lifecycle"): "delete it: CRI-O 1.21+ always manages namespace lifecycles",
    ("crio.image", "registries"): "use unqualified-search-registries in /etc/containers/registries.conf",
}


# -- reading one document ----------------------------------------------------------------------------
def table(data: Any, path: KeyPath) -> Optional[Dict[str, Any]]:
    cur = data
    for part in path:
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur if isinstance(cur, dict) else None


def handlers(data: Any) -> Dict[str, Dict[str, Any]]:
    t = table(data, RUNTIMES) or {}
    return {k: v for k, v in t.items() if isinstance(v, dict)}


def runtime_value(doc: Document, key: str) -> Any:
    t = table(doc.data, RUNTIME) or {}
    return t.get(key)


def is_oci(handler: Dict[str, Any]) -> bool:
    """Handlers whose monitor settings the global conmon_* keys override (runtime_type oci or empty)."""
    return handler.get("runtime_type", "") in ("", "oci")


def monitor_cgroup_problem(value: str, manager: Optional[str], version: Optional[Version]) -> Optional[str]:
    """CRI-O's complaint about a conmon/monitor cgroup under `manager` (None: unknown), or None if valid."""
    slice_ok = value == POD or value.endswith(".slice")
    # 1.15-1.23 check the value itself, so "" fails there; from 1.24 "" means the default slice.
    empty_ok = value == "" and at_least(version, EMPTY_CONMON_OK_SINCE) is not False
    if manager != CGROUPFS:
        if slice_ok or empty_ok:
            return None
        return "conmon cgroup should be 'pod' or a systemd slice"
    # cgroupfs
    if value == POD:
        return None
    if at_least(version, CGROUPFS_CHECK_SINCE) is False:  # 1.15-1.18: only the slice check
        return None if slice_ok else "conmon cgroup should be 'pod' or a systemd slice"
    if value in ("", SYSTEM_SLICE) and at_least(version, CGROUPFS_EMPTY_OK_SINCE):
        return None
    return "cgroupfs manager conmon cgroup should be 'pod' or empty"


# -- several files ----------------------------------------------------------------------------------
def merge(datas: Sequence[Any]) -> Dict[str, Any]:
    """The settings CRI-O ends up with from its files in load order (without built-in defaults).

    Scalars and lists: the last file wins (lists are replaced, not appended).
    `storage_option` lists are concatenated without duplicates. Handler and
    workload tables replace the earlier table of the same name as a whole.
    """
    out: Dict[str, Any] = {}
    for data in datas:
        if isinstance(data, dict):
            _merge_into(out, data, ())
    return out


def _merge_into(dst: Dict[str, Any], src: Dict[str, Any], path: KeyPath) -> None:
    for k, v in src.items():
        here = path + (k,)
        if here == ("crio", "storage_option") and isinstance(v, list) and isinstance(dst.get(k), list):
            dst[k] = list(dict.fromkeys(dst[k] + v))
        elif path in (RUNTIMES, WORKLOADS) and isinstance(v, dict):
            dst[k] = _copy(v)
        elif isinstance(v, dict) and isinstance(dst.get(k), dict):
            _merge_into(dst[k], v, here)
        else:
            dst[k] = _copy(v)


def _copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


def effective_cgroup_manager(merged: Any, version: Optional[Version]) -> str:
    v = (table(merged, RUNTIME) or {}).get("cgroup_manager")
    return v if isinstance(v, str) else default_cgroup_manager(version)


def effective_default_runtime(merged: Any, version: Optional[Version]) -> str:
    v = (table(merged, RUNTIME) or {}).get("default_runtime")
    if isinstance(v, str) and v:
        return v
    names = builtin_runtimes(version)
    return names[0]
