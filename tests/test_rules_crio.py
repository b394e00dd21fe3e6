"""CRI-O family (CRIO*): reviewed corpus findings, --fix idempotence, and the runtime model behind the rules."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import corpus_files
from rtlint.rule import Context
from rtlint.rules import BY_CODE
from rtlint.rules.crio import RULES
from rtlint.runner import run_file
from rtlint.runtimes import crio
from rtlint.versions import Version

MINE = [BY_CODE[cls.code] for cls in RULES]

# -- reviewed corpus findings ------------------------------------------------------------------------------
# (rule, corpus file) -> the text each finding points at, with why it is right. Read file by file; any
# other (rule, file) pair must stay silent.
DEFAULT: Dict[Tuple[str, str], Tuple[List[str], str]] = {
    ("CRIO001", "crio/raravena80__kubeinstall__crio.conf"): (
        ['"cgroupfs"'], "main crio.conf, cgroup_manager = cgroupfs and no conmon_cgroup: fails on 1.19-1.32"),
    ("CRIO001", "crio/sk8s-co__kubelet__etc_crio_crio.conf"): (
        ['"cgroupfs"'], "same; pause 3.10 dates it to CRI-O 1.31-1.33, where 1.31/1.32 fail"),
    ("CRIO001", "crio/vrutkovs__kindest-node-crio__crio.conf"): (
        ['"system.slice"'], "conmon_cgroup = system.slice with cgroupfs: rejected by 1.19-1.32"),
    ("CRIO004", "crio/kapilrajyaguru__Watson-Knowledge-Catalog-Installation__crio.conf"): (
        ["pids_limit"], "pids_limit under [crio.metrics]; CRI-O reads it in [crio.runtime]"),
    ("CRIO004", "crio/GreatPyreneseDad__TraderAI__crio.conf"): (
        ["network_dir", "plugin_dirs", "log_level", "log_size_max", "log_to_journald",  # in [crio]
         "apparmor_profile", "selinux", "default_capabilities", "hooks_dir", "default_ulimits",
         "pids_limit", "log_size_max", "no_pivot", "conmon", "conmon_cgroup", "conmon_env", "default_env"],
        "[crio] holds network/runtime keys and [crio.runtime.runtimes.runc] holds [crio.runtime] keys; "
        "seccomp_profile stays (a handler key since 1.34); conmon_cgroup there is why CRIO001 is silent"),
    ("CRIO005", "crio/Teachh__K3S-with-CRI-O__crio.conf"): (
        ["conmon_cgroup", "registries"], "deprecated conmon_cgroup; registries under [crio.runtime] never read"),
    ("CRIO005", "crio/Teachh__K3S-with-CRI-O__roles_crio_configure_files_crio.conf"): (
        ["conmon_cgroup", "registries"], "same as its sibling"),
    ("CRIO005", "crio/eplightning__userns-nested-containers__crio.conf"): (["conmon_cgroup"], "deprecated"),
    ("CRIO005", "crio/markkuleppala__disco__crio.conf"): (
        ["conmon_cgroup", "conmon_env", "seccomp_use_default_when_empty", "manage_ns_lifecycle"],
        "1.2x dump: deprecated conmon_* (conmon = \"\" overrides nothing), two removed keys"),
    ("CRIO005", "crio/sfxworks__myk8s__crio.conf"): (
        ["conmon_cgroup", "conmon_env", "seccomp_use_default_when_empty", "manage_ns_lifecycle"], "same dump"),
    ("CRIO005", "crio/raravena80__kubeinstall__crio.conf"): (
        ["file_locking", "manage_network_ns_lifecycle", "runtime", "runtime_untrusted_workload",
         "default_workload_trust", "conmon", "conmon_env", "hooks_dir_path", "default_mounts", "registries",
         "plugin_dir"],
        "CRI-O 1.1x layout: file_locking under [crio.api], keys removed in 1.12.6-1.31, deprecated ones"),
    ("CRIO005", "crio/ryuchoon9__cicd__crio_crio.conf"): (["conmon_cgroup"], "deprecated"),
    ("CRIO005", "crio/sallyom__microshift__packaging_crio.conf.d_microshift.conf"): (
        ["conmon_cgroup"], "deprecated (conmon = \"\" is not reported)"),
    ("CRIO005", "crio/sallyom__microshift__packaging_crio.conf.d_microshift_amd64.conf"): (
        ["conmon_cgroup"], "deprecated"),
    ("CRIO005", "crio/thorrgal__kub_conf__crio.conf"): (["conmon_cgroup"], "deprecated"),
    ("CRIO005", "crio/uksysadmin__trilio-vagrant-k8s__crio.conf"): (
        ["conmon", "conmon_cgroup", "conmon_env", "seccomp_use_default_when_empty", "manage_ns_lifecycle",
         "registries"], "1.2x dump with registries"),
    ("CRIO005", "crio/vrutkovs__do-ocp-4.1__crio.conf"): (
        ["host_ip", "conmon", "conmon_cgroup", "conmon_env", "default_mounts", "manage_network_ns_lifecycle"],
        "OpenShift 4.1 era (CRI-O 1.13/1.14) dump"),
    ("CRIO005", "crio/vrutkovs__kindest-node-crio__crio.conf"): (
        ["conmon_cgroup", "conmon_env", "default_mounts", "manage_ns_lifecycle"], "1.17/1.18 era dump"),
    ("CRIO005", "crio/vrutkovs__sno-etc__etc_crio_crio.conf.d_00-default"): (
        ["conmon_cgroup", "manage_ns_lifecycle"], "drop-in with a deprecated and a removed key"),
}

# With the node's driver given, CRIO002 adds: files whose cgroup_manager (explicit, or the systemd
# default in a main crio.conf) differs. Drop-ins without the key (sno 00-default sets systemd) count only
# when they set it.
EXPLICIT_CGROUPFS = [
    "crio/Teachh__K3S-with-CRI-O__crio.conf", "crio/Teachh__K3S-with-CRI-O__roles_crio_configure_files_crio.conf",
    "crio/eplightning__userns-nested-containers__crio.conf", "crio/raravena80__kubeinstall__crio.conf",
    "crio/sk8s-co__kubelet__etc_crio_crio.conf", "crio/thorrgal__kub_conf__crio.conf",
    "crio/vrutkovs__kindest-node-crio__crio.conf",
]
SYSTEMD_OR_DEFAULT = [  # explicit systemd, or a main crio.conf without cgroup_manager
    "crio/EmilyShepherd__kiOS__etc_crio_crio.conf", "crio/GianOrtiz__kcr__crio.conf",
    "crio/GreatPyreneseDad__TraderAI__crio.conf",
    "crio/kapilrajyaguru__Watson-Knowledge-Catalog-Installation__crio.conf",
    "crio/markkuleppala__disco__crio.conf", "crio/mmalikli__ansible-kubernetes-cluster__crio.conf",
    "crio/ryuchoon9__cicd__crio_crio.conf", "crio/sallyom__microshift__packaging_crio.conf.d_microshift.conf",
    "crio/sallyom__microshift__packaging_crio.conf.d_microshift_amd64.conf", "crio/sfxworks__myk8s__crio.conf",
    "crio/uksysadmin__trilio-vagrant-k8s__crio.conf", "crio/vrutkovs__do-ocp-4.1__crio.conf",
    "crio/vrutkovs__sno-etc__etc_crio_crio.conf", "crio/vrutkovs__sno-etc__etc_crio_crio.conf.d_00-default",
    "crio/yuta-ron__ubuntu-crio-kuberenetes-setup__crio.conf",
]


def _observed(corpus_dir: Path, ctx: Context) -> Dict[Tuple[str, str], List[str]]:
    out: Dict[Tuple[str, str], List[str]] = {}
    for p in corpus_files("crio"):
        result = run_file(str(p), MINE, ctx)
        for f in result.findings:
            assert f.code.startswith("CRIO"), f.message
            text = result.doc.text[f.span.start:f.span.end]
            out.setdefault((f.code, str(p.relative_to(corpus_dir))), []).append(text)
    return out


def test_corpus_findings_are_the_reviewed_ones(corpus_dir):
    got = _observed(corpus_dir, Context())
    assert got == {k: v[0] for k, v in DEFAULT.items()}


@pytest.mark.parametrize("driver,expected", [("systemd", EXPLICIT_CGROUPFS), ("cgroupfs", SYSTEMD_OR_DEFAULT)])
def test_corpus_cgroup_manager_mismatch(corpus_dir, driver, expected):
    got = _observed(corpus_dir, Context(cgroup_driver=driver))
    assert sorted(f for (code, f) in got if code == "CRIO002") == sorted(expected)
    assert {k: v for k, v in got.items() if k[0] != "CRIO002"} == {k: v[0] for k, v in DEFAULT.items()}


def test_corpus_with_a_new_crio(corpus_dir):
    """CRI-O 1.34: cgroupfs accepts a missing or system.slice conmon cgroup; runc is not built in any more."""
    got = _observed(corpus_dir, Context(crio_version=Version.parse("1.34.0")))
    assert not [k for k in got if k[0] == "CRIO001"]
    assert got[("CRIO006", "crio/GianOrtiz__kcr__crio.conf")] == ['"runc"']
    assert [k for k in got if k[0] == "CRIO006"] == [("CRIO006", "crio/GianOrtiz__kcr__crio.conf")]


def test_corpus_with_an_old_crio(corpus_dir):
    """CRI-O 1.20 still reads manage_ns_lifecycle and seccomp_use_default_when_empty: only what it lacks counts."""
    got = _observed(corpus_dir, Context(crio_version=Version.parse("1.20.0")))
    removed = {t for (code, _), texts in got.items() if code == "CRIO005" for t in texts}
    assert "manage_ns_lifecycle" not in removed and "seccomp_use_default_when_empty" not in removed
    assert "conmon_cgroup" not in removed  # deprecated only from 1.24
    assert {"default_mounts", "manage_network_ns_lifecycle", "hooks_dir_path"} <= removed
    # a handler reads seccomp_profile only from 1.34, so on 1.20 it is misplaced too
    assert "seccomp_profile" in got[("CRIO004", "crio/GreatPyreneseDad__TraderAI__crio.conf")]


def test_seen_in_files_show_the_problem(corpus_dir):
    for rule in MINE:
        for rel in rule.seen_in:
            result = run_file(str(corpus_dir / rel), [rule], Context())
            assert [f for f in result.findings if f.rule is rule], (rule.code, rel)


@pytest.mark.parametrize("path", corpus_files("crio"), ids=lambda p: p.name)
@pytest.mark.parametrize("driver", [None, "cgroupfs"])
def test_fix_twice_is_idempotent(tmp_path, path, driver):
    ctx = Context(cgroup_driver=driver)
    first = run_file(str(path), MINE, ctx, fixing=True, unsafe=True)
    assert not [f for f in first.findings if f.code in ("RT001", "RT004")], [f.message for f in first.findings]
    if first.fixed_text is None:
        return
    fixed = tmp_path / path.name
    fixed.write_text(first.fixed_text)
    again = run_file(str(fixed), MINE, ctx, fixing=True, unsafe=True)
    assert again.fixed_text is None
    assert again.doc is not None  # still parses
    # what the fixes were for is gone
    left = {(f.code, f.span.line) for f in again.findings if f.fix is not None}
    assert not left


def test_fixes_on_the_misplaced_keys(tmp_path, corpus_dir):
    """The GreatPyreneseDad file after --unsafe-fixes: the moved keys are read where CRI-O reads them."""
    path = corpus_dir / "crio/GreatPyreneseDad__TraderAI__crio.conf"
    result = run_file(str(path), MINE, Context(), fixing=True, unsafe=True)
    data = result.doc.data["crio"]
    runtime, runc = data["runtime"], data["runtime"]["runtimes"]["runc"]
    assert runtime["pids_limit"] == 2048 and runtime["log_level"] == "info" and runtime["selinux"] is True
    assert runtime["log_size_max"] == -1  # the first of the two misplaced values; the second is left to the user
    assert runc["monitor_cgroup"] == "system.slice" and "conmon_cgroup" not in runc
    assert "log_level" not in data and "network_dir" in data  # network_dir: [crio.network] already has one
    assert sorted(f.code for f in result.findings) == ["CRIO004"] * 3


# -- the runtime model ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,main,dropin", [
    ("/etc/crio/crio.conf", True, False),
    ("/etc/crio/crio.conf.d/10-crio.conf", False, True),
    ("/etc/crio/crio.conf.d/00-default", False, True),
    ("corpus/crio/vrutkovs__sno-etc__etc_crio_crio.conf", True, False),
    ("corpus/crio/vrutkovs__sno-etc__etc_crio_crio.conf.d_00-default", False, True),
    ("corpus/crio/GianOrtiz__kcr__crio.conf", True, False),
    ("corpus/crio/iPenguin__bare-metal-kubernetes__roles_crio_templates_10-crio.conf", False, False),
    ("templates/crio.conf.j2", False, False),
])
def test_file_roles(path, main, dropin):
    assert crio.is_main_config(path) == main
    assert crio.is_dropin(path) == dropin


def test_dropin_order_is_filepath_walk_order():
    paths = ["/etc/crio/crio.conf.d/20-b.conf", "/etc/crio/crio.conf.d/10-a/x.conf",
             "/etc/crio/crio.conf.d/10-a.conf", "/etc/crio/crio.conf.d/01"]
    assert crio.dropin_order(paths) == ["/etc/crio/crio.conf.d/01", "/etc/crio/crio.conf.d/10-a/x.conf",
                                        "/etc/crio/crio.conf.d/10-a.conf", "/etc/crio/crio.conf.d/20-b.conf"]


def test_merge_follows_crio_semantics():
    main = {"crio": {"storage_option": ["a", "b"], "runtime": {
        "cgroup_manager": "systemd", "hooks_dir": ["/x", "/y"],
        "runtimes": {"runc": {"runtime_path": "/usr/bin/runc", "runtime_root": "/run/runc"},
                     "crun": {"runtime_path": "/usr/bin/crun"}}}}}
    dropin = {"crio": {"storage_option": ["b", "c"], "runtime": {
        "cgroup_manager": "cgroupfs", "hooks_dir": ["/z"],
        "runtimes": {"runc": {"runtime_path": "/opt/runc"}}}}}
    merged = crio.merge([main, dropin])
    rt = merged["crio"]["runtime"]
    assert rt["cgroup_manager"] == "cgroupfs"  # scalars: last file wins
    assert rt["hooks_dir"] == ["/z"]  # lists are replaced
    assert merged["crio"]["storage_option"] == ["a", "b", "c"]  # concatenated, de-duplicated
    assert rt["runtimes"]["runc"] == {"runtime_path": "/opt/runc"}  # a handler table replaces the handler
    assert rt["runtimes"]["crun"] == {"runtime_path": "/usr/bin/crun"}  # others survive
    assert main["crio"]["runtime"]["cgroup_manager"] == "systemd"  # inputs untouched
    assert crio.effective_cgroup_manager(merged, None) == "cgroupfs"


@pytest.mark.parametrize("version,manager,builtin,pause", [
    (None, "systemd", ("crun", "runc"), None),
    ("1.17.0", "cgroupfs", ("runc",), None),
    ("1.18.0", "systemd", ("runc",), None),
    ("1.28.1", "systemd", ("runc",), "registry.k8s.io/pause:3.9"),
    ("1.31.0", "systemd", ("crun",), "registry.k8s.io/pause:3.10"),
    ("1.36.3", "systemd", ("crun",), "registry.k8s.io/pause:3.10.1"),
])
def test_defaults_by_version(version, manager, builtin, pause):
    v = Version.parse(version) if version else None
    assert crio.default_cgroup_manager(v) == manager
    assert crio.builtin_runtimes(v) == builtin
    assert crio.default_pause_image(v) == pause


@pytest.mark.parametrize("value,manager,version,ok", [
    ("pod", "cgroupfs", None, True),
    ("system.slice", "cgroupfs", None, False),
    ("system.slice", "cgroupfs", "1.18.0", True),  # before the cgroupfs check (1.19)
    ("system.slice", "cgroupfs", "1.33.0", True),  # reset to empty from 1.33
    ("", "cgroupfs", "1.32.13", False),
    ("", "systemd", "1.23.0", False),  # 1.15-1.23 check the value itself
    ("", "systemd", "1.24.0", True),
    ("kubepods.slice", "systemd", None, True),
    ("kubepods", "systemd", None, False),
    ("kubepods", None, None, False),
    ("custom.slice", None, None, True),  # fine under systemd; a drop-in does not say which manager
])
def test_monitor_cgroup_validation(value, manager, version, ok):
    v = Version.parse(version) if version else None
    assert (crio.monitor_cgroup_problem(value, manager, v) is None) == ok


def test_key_table_knows_every_key_the_packaged_dropin_uses(shared):
    """The upstream 10-crio.conf only uses keys the model places in the table it is written in."""
    result = run_file(str(shared / "reference/runtimes/crio-packaging-bundle-10-crio.conf"), MINE, Context())
    assert result.doc is not None and not result.findings
    for e in result.doc.entries:
        if e.path and isinstance(e.path[-1], str) and not isinstance(e.value, dict):
            assert crio.known_in(crio.table_kind(e.path[:-1]) or "", e.path[-1]), e.path
