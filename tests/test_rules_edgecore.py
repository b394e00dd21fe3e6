"""edgecore rules (EC001–EC017) and version resolution, beyond what the rule examples show.

Corpus expectations are a reviewed list: each file's findings per rule, with the reason
they are right (or why the file is clean). The KubeEdge version is not given, so these
are the findings that hold under every release the file's keys fit.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from conftest import SHARED, corpus_files
from rtlint.kubeedge import (
    SOURCE_FILE, SOURCE_INFERRED, SOURCE_OPTION, effective_runtime, format_minors, lookup, resolve, socket_path,
)
from rtlint.loader import load
from rtlint.rule import Context
from rtlint.rules import ALL_RULES, BY_CODE
from rtlint.runner import run_file
from rtlint.versions import Version

EC_RULES = [r for r in ALL_RULES if r.code.startswith("EC")]

# file -> {code: number of findings}. Reasons:
V1ALPHA1_NOTE = ("v1alpha1 file (KubeEdge <= 1.11): EC012 on the v1alpha1 apiVersion, EC008 on edged.cgroupDriver, "
                 "EC007 on every other v1alpha1-only edged key")
EXPECTED: Dict[str, Dict[str, int]] = {
    # edge.kubeedge.io/v1alpha1 + EdgeCoreConfig (EC012 x2); edgeHub.websocket.url, edgeHub.controller,
    # edgeD.imagePullSecrets, edged.runtimeEndpoint, edged.imageServiceEndpoint (belongs in
    # tailoredKubeletConfig), kubeAPIConfig are not edgecore keys (EC001 x6); `edgeD` next to `edged` and
    # `metamanager` (EC002 x2); runtimeType, nodeStatusUpdateFrequency, dockerAddress are v1alpha1 (EC007 x3)
    "DEVANSH049__Edge_mlops__edgecore.yaml": {"EC012": 2, "EC001": 6, "EC002": 2, "EC007": 3},
    # V1ALPHA1_NOTE: cgroupRoot, cgroupsPerQOS, clusterDNS, clusterDomain, devicePluginEnabled, dockerAddress,
    # gpuPluginEnabled, runtimeType
    "SongOf__k8s-kubeedge__v2_kubeedge_edgecore_edgecore.yaml": {"EC012": 1, "EC008": 1, "EC007": 8},
    # v1alpha2 file whose keys fit only KubeEdge 1.13, where it is correct (containerd, systemd in
    # tailoredKubeletConfig, endpoints in the 1.13 place)
    "albacanete__k8s-kubeedge-cluster__ansible_roles_edgecore-join_files_edgecore.yaml": {},
    # V1ALPHA1_NOTE (18 keys); edgeMesh module and metaManager.podStatusSyncInterval unknown (EC001 x2);
    # imagePullProgressDeadline: 60 is an int where 1.12/1.13 expect a duration string (EC003)
    "bigclouds__deployk8s__kubeedge_edgecore_edgecore.yaml": {"EC012": 1, "EC001": 2, "EC008": 1, "EC007": 18,
                                                              "EC003": 1},
    # v1alpha2 file that fits only 1.12 (tailoredKubeletConfig has kubelet 1.22 keys): docker via dockershim is
    # still valid there
    "chunfungintel__kubeedge-test__edgecore.yaml": {},
    # V1ALPHA1_NOTE (8 keys); interfaceName is not a key (did you mean customInterfaceName) (EC001)
    "du2016__one-step-install-kubeedge__edgecore_conf_edgecore.yaml": {"EC012": 1, "EC008": 1, "EC007": 8,
                                                                       "EC001": 1},
    # V1ALPHA1_NOTE; runtimeType: containerd (never valid) is one of the 8 EC007, as an error
    "gfk-kube__fk-edgecore-indocker__files_edgecore-conf.yml": {"EC012": 1, "EC008": 1, "EC007": 8},
    # keadm 1.17-shaped template: clean under 1.17
    "kubeedge__kubeedge__docs_install_azure_flatcar_k3s_edgecore_template.yaml": {},
    # the corrupted key make172.167.149.202TablesUtilChains (a sed replaced "IP") (EC001)
    "kubeedge__kubeedge__docs_install_azure_flatcar_kind_edgecore.yaml": {"EC001": 1},
    # PR#6763 "v1.17.0+" file with v1alpha1 edged keys (EC007 x11), cgroupDriver: systemd in the v1alpha1 place
    # while tailoredKubeletConfig.cgroupDriver is unset (EC008, error), metaManager.edgeSite and modules.edgeTunnel
    # exist in no release (EC001 x2)
    "kubeedge__kubeedge__edge-ai-pc_infra_edgecore-config.yaml": {"EC001": 2, "EC007": 11, "EC008": 1},
    # KubeEdge <= 1.1 edge.yaml: top-level mqtt/edgehub/edged/mesh are not edgecore keys (EC001 x4), no
    # apiVersion, no kind (EC012 x2)
    "kubeedge__kubeedge__v1.1.0_edge_conf_edge.yaml": {"EC001": 4, "EC012": 2},
    # CRI-O node on 1.18+: modules.edgeMesh left from KubeEdge <= 1.6 (EC001)
    "mehmetihsansevinc__decice__edgecore.yaml": {"EC001": 1},
    # keadm 1.23 dumps: clean
    "nuhakala__orchestration-cost__kube-edge-infra_edgeconfig-default.yaml": {},
    "nuhakala__orchestration-cost__kube-edge-infra_edgeconfig-min.yaml": {},
    # tailoredKubeletConfig.containerRuntime: remote is not a key (EC001)
    "nuhakala__orchestration-cost__kube-edge-infra_edgeconfig.yaml": {"EC001": 1},
    # V1ALPHA1_NOTE (18 keys); edgeMesh, metaServer.debug, podStatusSyncInterval (EC001 x3); int duration (EC003)
    "subpathdev__kubeedge-on-aks__edge_edgecore_config_config_edgecore.yaml": {"EC012": 1, "EC001": 3, "EC008": 1,
                                                                               "EC007": 18, "EC003": 1},
    "subpathdev__kubeedge-on-aks__edge_edgecore_template_edgecore.yaml.TEMPLATE": {"EC012": 1, "EC001": 3,
                                                                                   "EC008": 1, "EC007": 18,
                                                                                   "EC003": 1},
    # v1alpha2 file that fits only 1.12 and is valid there (dockerEndpoint is unused with containerRuntime: remote)
    "univwang__kubeedge_configure_file__edgecore.yaml": {},
    # V1ALPHA1_NOTE (8 keys)
    "web-seven__kubeedge-helm__edgecore.yaml": {"EC012": 1, "EC008": 1, "EC007": 8},
    # V1ALPHA1_NOTE (18 keys, runtimeType: systemd is an error); cgroupDriver: systemd ignored (EC008 error);
    # edgeMesh, metaServer.debug, podStatusSyncInterval (EC001 x3); int duration (EC003)
    "web-seven__kubeedge-helm__edgecore_default.yaml": {"EC012": 1, "EC001": 3, "EC008": 1, "EC007": 18,
                                                        "EC003": 1},
    # V1ALPHA1_NOTE (18 keys); podStatusSyncInterval (EC001); int duration (EC003)
    "zhu733756__kubeedge-upgrade__v1.10.0_config_edgecore.yaml": {"EC012": 1, "EC008": 1, "EC007": 18,
                                                                  "EC003": 1, "EC001": 1},
}

EDGECORE_FILES = corpus_files("edgecore")


def _ids(paths: List[Path]) -> List[str]:
    return [p.name for p in paths]


def _write(tmp_path: Path, text: str, name: str = "edgecore.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _codes(path: Path, ctx: Optional[Context] = None) -> Counter:
    result = run_file(str(path), EC_RULES, ctx or Context())
    return Counter(f.code for f in result.findings)


# -- corpus ---------------------------------------------------------------------------------

def test_every_corpus_file_is_reviewed(corpus_dir):
    names = {p.name for p in (corpus_dir / "edgecore").iterdir() if p.is_file()}
    assert names == set(EXPECTED), "review the new/removed edgecore corpus files and update EXPECTED"


@pytest.mark.parametrize("path", EDGECORE_FILES, ids=_ids(EDGECORE_FILES))
def test_corpus_findings(path):
    assert dict(_codes(path)) == EXPECTED[path.name]


def test_corpus_severities_follow_the_situation(corpus_dir):
    """Misplaced systemd is an error; misplaced cgroupfs (the default anyway) only a warning."""
    base = corpus_dir / "edgecore"
    systemd = run_file(str(base / "kubeedge__kubeedge__edge-ai-pc_infra_edgecore-config.yaml"),
                       [BY_CODE["EC008"]], Context())
    cgroupfs = run_file(str(base / "SongOf__k8s-kubeedge__v2_kubeedge_edgecore_edgecore.yaml"),
                        [BY_CODE["EC008"]], Context())
    assert [f.level for f in systemd.findings] == ["error"]
    assert "systemd is ignored" in systemd.findings[0].message.replace("'", "")
    assert [f.level for f in cgroupfs.findings] == ["warning"]
    invalid = run_file(str(base / "gfk-kube__fk-edgecore-indocker__files_edgecore-conf.yml"),
                       [BY_CODE["EC007"]], Context())
    errors = [f for f in invalid.findings if f.level == "error"]
    assert len(errors) == 1 and "runtimeType: containerd" in errors[0].message


def test_seen_in_files_really_fire(corpus_dir):
    for rule in EC_RULES:
        for rel in rule.seen_in:
            result = run_file(str(corpus_dir / rel), [rule], Context())
            assert any(f.rule is rule for f in result.findings), (rule.code, rel)


def test_messages_say_what_was_assumed(corpus_dir):
    path = corpus_dir / "edgecore" / "mehmetihsansevinc__decice__edgecore.yaml"
    guessed = run_file(str(path), EC_RULES, Context()).findings
    assert guessed and guessed[0].message.endswith(
        "(checked against KubeEdge 1.18–1.23; pass --kubeedge-version to be exact)")
    told = run_file(str(path), EC_RULES, Context(kubeedge_version=Version.parse("1.19"))).findings
    assert told and "edgecore 1.19" in told[0].message and "pass --kubeedge-version" not in told[0].message


@pytest.mark.parametrize("version", [None, "1.18", "1.23"])
@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("path", EDGECORE_FILES, ids=_ids(EDGECORE_FILES))
def test_fix_is_idempotent_and_removes_what_it_fixed(tmp_path, path, unsafe, version):
    ctx = Context(kubeedge_version=Version.parse(version) if version else None)
    before = run_file(str(path), EC_RULES, ctx)
    fixed = run_file(str(path), EC_RULES, ctx, fixing=True, unsafe=unsafe)
    assert not [f for f in fixed.findings if f.code == "RT004"], [f.message for f in fixed.findings]
    if fixed.fixed_text is None:
        assert not fixed.fixes_applied
        return
    out = _write(tmp_path, fixed.fixed_text, path.name)
    load(str(out), "edgecore")  # still parses
    again = run_file(str(out), EC_RULES, ctx, fixing=True, unsafe=unsafe)
    assert again.fixed_text is None
    applied = Counter(f.code for f in fixed.fixes_applied)
    was = Counter(f.code for f in before.findings)
    now = Counter(f.code for f in fixed.findings)
    for code, n in applied.items():
        assert now[code] <= was[code] - n, (code, was[code], n, now[code])
    # the fixes the run could not apply are the ones still offered (unsafe ones in a safe run)
    left = [f for f in fixed.findings if f.fix and (f.fix.safe or unsafe)]
    assert not left, [(f.code, f.message) for f in left]


# -- reference files ---------------------------------------------------------------------------

def _reference(name: str) -> Path:
    if SHARED is None:
        pytest.skip("../shared is not here")
    return SHARED / "reference" / "kubeedge" / name


@pytest.mark.parametrize("minor", [f"1.{m}" for m in range(13, 24)])
def test_reconstructed_defaults_are_clean_under_their_version(minor):
    path = _reference(f"edgecore-reconstructed-default-v{minor}.yaml")
    result = run_file(str(path), EC_RULES, Context(kubeedge_version=Version.parse(minor)))
    assert not result.findings, [(f.code, f.message) for f in result.findings]
    # and inference finds their release among the candidates, without findings either
    res = resolve(load(str(path), "edgecore"))
    assert minor in res.minors
    assert not run_file(str(path), EC_RULES, Context()).findings


def test_observed_keadm_file_only_has_its_corrupted_key():
    path = _reference("edgecore-observed-v1.17-pr5759.yaml")
    found = run_file(str(path), EC_RULES, Context(kubeedge_version=Version.parse("1.17"))).findings
    assert [(f.code, "make172.167.149.202TablesUtilChains" in f.message) for f in found] == [("EC001", True)]


def test_mixed_legacy_example_is_caught():
    path = _reference("example-negative-mixed-legacy-keys-pr6763.yaml")
    codes = _codes(path, Context(kubeedge_version=Version.parse("1.17")))
    assert codes["EC008"] == 1 and codes["EC007"] >= 5 and codes["EC001"] == 2


# -- version resolution ------------------------------------------------------------------------

V121 = """\
apiVersion: edgecore.config.kubeedge.io/v1alpha2
edgecoreVersion: {version}
kind: EdgeCore
modules:
  edged:
    tailoredKubeletConfig:
      cgroupDriver: systemd
"""


def test_option_wins_over_the_file(tmp_path):
    doc = load(str(_write(tmp_path, V121.format(version="v1.21.2"))), "edgecore")
    res = resolve(doc, Context(kubeedge_version=Version.parse("1.23.1")))
    assert (res.minors, res.source, str(res.exact), res.note) == (("1.23",), SOURCE_OPTION, "1.23.1", "")


def test_edgecore_version_in_the_file(tmp_path):
    doc = load(str(_write(tmp_path, V121.format(version="v1.21.2"))), "edgecore")
    res = resolve(doc, Context())
    assert (res.minors, res.source, str(res.exact)) == (("1.21",), SOURCE_FILE, "1.21.2")
    assert "from edgecoreVersion" in res.note and res.edgecore() == "edgecore 1.21"


def test_empty_edgecore_version_falls_back_to_the_keys(tmp_path):
    doc = load(str(_write(tmp_path, V121.format(version='""'))), "edgecore")
    res = resolve(doc, Context())
    assert res.source == SOURCE_INFERRED and res.minors == ("1.21", "1.22", "1.23")
    assert res.note == " (checked against KubeEdge 1.21–1.23; pass --kubeedge-version to be exact)"


def test_newer_and_older_releases(tmp_path):
    doc = load(str(_write(tmp_path, V121.format(version='""'))), "edgecore")
    newer = resolve(doc, Context(kubeedge_version=Version.parse("1.25")))
    assert newer.minors == ("1.23",) and newer.clamped and "newest release rtlint knows" in newer.note
    older = resolve(doc, Context(kubeedge_version=Version.parse("1.11")))
    assert older.minors == () and not older.every(lambda m: True)  # no schema: schema rules stay silent


def test_v1alpha1_file_is_not_checked_against_its_own_era(corpus_dir):
    """KubeEdge <= 1.11 is outside the schemas: no schema findings at all."""
    path = corpus_dir / "edgecore" / "zhu733756__kubeedge-upgrade__v1.10.0_config_edgecore.yaml"
    assert not run_file(str(path), EC_RULES, Context(kubeedge_version=Version.parse("1.10.0"))).findings


def test_unknown_version_reports_only_what_is_wrong_everywhere(tmp_path):
    text = """\
apiVersion: edgecore.config.kubeedge.io/v1alpha2
kind: EdgeCore
modules:
  edged:
    reportEvent: true
    remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
    tailoredKubeletConfig:
      imageGCHighThresholdPercnt: 90
"""
    path = _write(tmp_path, text)
    res = resolve(load(str(path), "edgecore"))
    # reportEvent is 1.19+, remoteRuntimeEndpoint <= 1.17: both fit nowhere together, 1.18 fits worst
    assert "1.18" not in res.minors and {"1.17", "1.19"} <= set(res.minors)
    found = run_file(str(path), EC_RULES, Context()).findings
    assert [f.code for f in found] == ["EC001"]
    assert found[0].message.endswith("(checked against KubeEdge 1.12–1.17, 1.19–1.23; pass --kubeedge-version to "
                                     "be exact)")
    on_120 = Counter(f.code for f in run_file(str(path), EC_RULES,
                                              Context(kubeedge_version=Version.parse("1.20"))).findings)
    assert on_120 == Counter({"EC001": 1, "EC009": 1})
    on_116 = Counter(f.code for f in run_file(str(path), EC_RULES,
                                              Context(kubeedge_version=Version.parse("1.16"))).findings)
    assert on_116 == Counter({"EC001": 1, "EC006": 1})


def test_format_minors():
    assert format_minors(["1.16", "1.17", "1.19", "1.21", "1.22", "1.23"]) == "1.16–1.17, 1.19, 1.21–1.23"
    assert format_minors(["1.12"]) == "1.12"


# -- effective runtime --------------------------------------------------------------------------

def _doc(tmp_path: Path, edged: str):
    text = ("apiVersion: edgecore.config.kubeedge.io/v1alpha2\nkind: EdgeCore\nmodules:\n  edged:\n"
            + "".join("    " + line + "\n" for line in edged.strip("\n").splitlines()))
    return load(str(_write(tmp_path, text)), "edgecore")


def test_effective_runtime_defaults_per_release(tmp_path):
    doc = _doc(tmp_path, "enable: true")
    old = effective_runtime(doc, "1.12")
    assert old["container_runtime"].value == "docker"
    assert old["runtime_endpoint"].value == "unix:///var/run/dockershim.sock"
    assert old["sandbox_image"].value == "kubeedge/pause:3.1"
    assert old["docker_endpoint"].value == "unix:///var/run/docker.sock"
    new = effective_runtime(doc, "v1.20.1")
    assert "container_runtime" not in new and "docker_endpoint" not in new
    assert {k: (s.value, s.defaulted) for k, s in new.items()} == {
        "runtime_endpoint": ("unix:///run/containerd/containerd.sock", True),
        "image_endpoint": ("unix:///run/containerd/containerd.sock", True),
        "cgroup_driver": ("cgroupfs", True),
        "sandbox_image": ("kubeedge/pause:3.6", True),
    }


def test_old_endpoint_is_shadowed_on_116_and_117(tmp_path):
    doc = _doc(tmp_path, "remoteRuntimeEndpoint: unix:///var/run/cri-dockerd.sock")
    assert effective_runtime(doc, "1.15")["runtime_endpoint"].value == "unix:///var/run/cri-dockerd.sock"
    shadowed = effective_runtime(doc, "1.17")["runtime_endpoint"]
    assert shadowed.value == "unix:///run/containerd/containerd.sock" and shadowed.defaulted
    assert shadowed.path == ("modules", "edged", "tailoredKubeletConfig", "containerRuntimeEndpoint")


def test_empty_new_endpoint_falls_back_on_117_only(tmp_path):
    doc = _doc(tmp_path, """
remoteRuntimeEndpoint: unix:///var/run/crio/crio.sock
remoteImageEndpoint: unix:///var/run/crio/crio.sock
tailoredKubeletConfig:
  containerRuntimeEndpoint: ""
  imageServiceEndpoint: ""
""")
    fallback = effective_runtime(doc, "1.17")
    assert fallback["runtime_endpoint"].value == "unix:///var/run/crio/crio.sock"
    assert fallback["runtime_endpoint"].entry is lookup(doc, ["modules", "edged", "remoteRuntimeEndpoint"])
    assert fallback["image_endpoint"].value == "unix:///var/run/crio/crio.sock"
    assert effective_runtime(doc, "1.18")["runtime_endpoint"].value == ""


def test_keys_match_case_insensitively(tmp_path):
    doc = _doc(tmp_path, """
TailoredKubeletConfig:
  CgroupDriver: systemd
  containerRuntimeEndpoint: unix:///var/run/crio/crio.sock
  imageServiceEndpoint: ""
""")
    eff = effective_runtime(doc, "1.19")
    assert eff["cgroup_driver"].value == "systemd" and not eff["cgroup_driver"].defaulted
    assert eff["image_endpoint"].value == "unix:///var/run/crio/crio.sock"  # empty: same as the runtime


def test_effective_runtime_is_the_same_whatever_minor_is_asked_first(tmp_path):
    # minors with the same precedence and defaults share one answer per document: the order in
    # which rules ask must not matter
    from rtlint import kubeedge
    doc = _doc(tmp_path, """
containerRuntime: remote
remoteRuntimeEndpoint: unix:///var/run/crio/crio.sock
tailoredKubeletConfig:
  containerRuntimeEndpoint: ""
  cgroupDriver: systemd
""")
    minors = kubeedge.known_minors()

    def answers(order):
        kubeedge._cache.clear()
        kubeedge._hot[:] = [None, None]
        got = {m: effective_runtime(doc, m) for m in order}
        return {m: {k: (s.value, s.entry, s.path, s.default) for k, s in got[m].items()} for m in minors}

    forward = answers(minors)
    assert forward == answers(list(reversed(minors)))
    assert forward["1.17"]["runtime_endpoint"][0] == "unix:///var/run/crio/crio.sock"  # empty new key: fallback
    assert forward["1.18"]["runtime_endpoint"][0] == ""
    assert forward["1.12"]["docker_endpoint"][0] == "unix:///var/run/docker.sock"
    assert effective_runtime(doc, "v1.17.3") is effective_runtime(doc, "1.17")


def test_all_within_compares_like_versions():
    from rtlint.kubeedge import Resolution
    cases = [Resolution(("1.14", "1.15", "1.16"), SOURCE_INFERRED), Resolution((), SOURCE_INFERRED),
             Resolution(("1.17",), SOURCE_OPTION, Version.parse("1.17.2")),
             Resolution((), SOURCE_OPTION, Version.parse("1.10")),
             Resolution(("1.23",), SOURCE_OPTION, Version.parse("1.30"), True)]
    bounds = [None, "1.14", "1.15", "1.16", "1.17", "1.17.3", "1.18", "1.24"]
    for res in cases:
        for since in bounds:
            for until in bounds:
                vs = res.versions()
                want = bool(vs) and all(
                    (since is None or v.key() >= Version.parse(since).key())
                    and (until is None or v.key() < Version.parse(until).key()) for v in vs)
                assert res.all_within(since, until) == want, (res, since, until)


def test_engine_keeps_up_with_the_rules_it_is_given(tmp_path):
    # the engine drops rules of other kinds once per selection; a different selection is a new one
    from rtlint.engine import lint
    from rtlint.rules import rules_for_kind
    doc = _doc(tmp_path, "tailoredKubeletConfig:\n  containerRuntimeEndpiont: unix:///run/crio/crio.sock")
    ctx = Context(kubeedge_version=Version.parse("1.19"))
    codes = [f.code for f in lint(doc, ALL_RULES, ctx)]
    assert "EC001" in codes
    assert [f.code for f in lint(doc, rules_for_kind("edgecore"), ctx)] == codes
    rules = [BY_CODE["EC002"]]
    assert lint(doc, rules, ctx) == []
    rules.append(BY_CODE["EC001"])  # the same list, changed
    assert [f.code for f in lint(doc, rules, ctx)] == ["EC001"]


def test_socket_path_parses_like_kubelet():
    assert socket_path("unix:///var/run/crio/crio.sock") == "/run/crio/crio.sock"
    assert socket_path("unix://var/run/crio/crio.sock") == "/run/crio/crio.sock"  # 'var' is the URL host
    assert socket_path("/run/containerd/containerd.sock") == "/run/containerd/containerd.sock"
    assert socket_path("unix:/run/k3s/containerd/containerd.sock") == "/run/k3s/containerd/containerd.sock"
    assert socket_path("npipe://./pipe/containerd-containerd") is None
    assert socket_path("tcp://127.0.0.1:2375") is None


# -- behaviour the examples cannot show ----------------------------------------------------------

def test_keadm_117_dump_with_both_endpoint_keys_is_quiet(tmp_path):
    doc = """\
apiVersion: edgecore.config.kubeedge.io/v1alpha2
kind: EdgeCore
modules:
  edged:
    containerRuntime: remote
    remoteImageEndpoint: unix:///run/containerd/containerd.sock
    remoteRuntimeEndpoint: unix:///run/containerd/containerd.sock
    tailoredKubeletConfig:
      containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock
      imageServiceEndpoint: unix:///var/run/cri-dockerd.sock
"""
    path = _write(tmp_path, doc)
    on_117 = run_file(str(path), EC_RULES, Context(kubeedge_version=Version.parse("1.17")))
    # the old keys name containerd while the new ones (which win) name cri-dockerd: old ones are clutter
    assert [(f.code, f.level) for f in on_117.findings] == [("EC009", "warning"), ("EC009", "warning")]
    assert all(f.fix and f.fix.safe for f in on_117.findings)


def test_systemd_bug_needs_a_patch_version(tmp_path):
    doc = _doc(tmp_path, "tailoredKubeletConfig:\n  cgroupDriver: systemd")
    rule = BY_CODE["EC016"]
    for version, fires in (("1.14", False), ("1.14.2", True), ("1.14.3", False), ("1.12.4", True),
                           ("1.12.5", False), ("1.15.0", False)):
        ctx = Context(kubeedge_version=Version.parse(version))
        found = [f for f in run_file(doc.path, [rule], ctx).findings if f.rule is rule]
        assert bool(found) == fires, version


def test_containerd_version_needs_a_containerd_endpoint(tmp_path):
    crio = _doc(tmp_path, "tailoredKubeletConfig:\n  containerRuntimeEndpoint: unix:///run/crio/crio.sock\n"
                          "  imageServiceEndpoint: unix:///run/crio/crio.sock")
    rule = BY_CODE["EC017"]
    old = Context(kubeedge_version=Version.parse("1.16"), containerd_version=Version.parse("1.5.18"))
    assert not run_file(crio.path, [rule], old).findings
    default = _doc(tmp_path, "enable: true")
    found = run_file(default.path, [rule], old).findings
    assert len(found) == 1 and "default runtime endpoint" in found[0].message
    on_114 = Context(kubeedge_version=Version.parse("1.14"), containerd_version=Version.parse("1.5.18"))
    assert not run_file(default.path, [rule], on_114).findings


def test_root_must_be_a_mapping_but_empty_is_fine(tmp_path):
    listed = run_file(str(_write(tmp_path, "- modules\n- edged\n")), EC_RULES, Context()).findings
    assert [(f.code, f.span.line) for f in listed] == [("EC003", 1)]
    (tmp_path / "empty").mkdir()
    empty = run_file(str(_write(tmp_path, "# all defaults\n", "empty/edgecore.yaml")), EC_RULES, Context())
    assert not empty.findings  # edgecore runs on its defaults


def test_non_socket_endpoints_are_format_findings_not_mismatches(tmp_path):
    doc = _doc(tmp_path, "tailoredKubeletConfig:\n  containerRuntimeEndpoint: tcp://10.0.0.1:2375\n"
                         "  imageServiceEndpoint: unix:///run/containerd/containerd.sock")
    codes = Counter(f.code for f in run_file(doc.path, EC_RULES,
                                             Context(kubeedge_version=Version.parse("1.20"))).findings)
    assert codes == Counter({"EC015": 1})
