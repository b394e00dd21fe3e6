"""keadm rules on the real corpus (reviewed findings per file) and on situations the examples cannot show."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import corpus_files
from rtlint.keadm import analyse
from rtlint.rule import Context
from rtlint.rules import ALL_RULES
from rtlint.rules.keadm import RULES
from rtlint.runner import run_file
from rtlint.versions import Version

KEA = [r for r in ALL_RULES if r.code.startswith("KEA")]
FILES = corpus_files("keadm")

# Each file's `keadm join` command lines (first line of each), read by hand. The 55wind run-edge-setup
# `log "2/3" "keadm join (Cloud: ...)"` line, comments and `echo` lines mentioning keadm join are prose.
JOIN_LINES: Dict[str, List[int]] = {
    "1692565761__kubeedge-script__edge.sh": [112],
    "55wind__kubeedge-edge-prototype__demo-setup.sh": [149],  # inside `multipass exec ... bash -c "..."`
    "55wind__kubeedge-edge-prototype__run-edge-setup.sh": [59],
    "Function-Delivery-Ne__KubeEdge-Openstack-Ansible-Automation__ansible_roles_keadm-cloud_tasks_main.yaml": [69],
    "Kingsman44__kubeedge_installation__setup_edgecore.sh": [60],
    "MizzouCloudDevOps__KubeEdge-demo__kubeedge-edge-install_edge-core-join.sh": [42],
    "SchmidtJonathan1__k8s_kubeedge_cluster__roles_kube_node_tasks_install_cluster_node.yml": [12],
    "Yen-Hsun-Lee__Create-a-crun-demo-for-KubeEdge__setup_edge_side.sh": [23],
    "albacanete__k8s-kubeedge-cluster__ansible_roles_keadm-join_tasks_main.yaml": [63],
    "bitvijays__puppet_kubeedge__manifests_keadm_join.pp": [30],  # flags come from a Puppet function
    "dangelic__kubeedge-k3s-cluster-vagrant__bootstrap_edgeside_bootstrap_edgeside.sh": [61],
    "didier-durand__microk8s-kubeedge__sh_microk8s-kubeedge.sh": [288, 295],  # `$KE_ADM join`
    "frenchtoasters__kubeedge-tf__kubedge-node-stackscript.sh": [50],
    "fritz1149__k8s-deploy__edge-config.sh": [16],
    "fritz1149__saltstack-kubeedge__kubeedge_connect.sls": [10],
    "hey-kong__kubeedge-note__all-in-one.sh": [120],
    "itselavia__kubeedge-cluster-gcp__modules_kubeedge_scripts_edgecore_init.sh": [45],
    "manhar-bhardwaj__kubeedge-gitops__install.sh": [115],
    "manhar-bhardwaj__kubeedge-gitops__installv2.sh": [210],
    "nuhakala__orchestration-cost__kube-edge-infra_install-kubeedge.sh": [58],
    "olavfla__kubeedge-setup__EdgeCore_setup.sh": [79],
}

# Reviewed findings with no node facts given (file -> [(code, line)]); every other file must stay silent.
PLAIN: Dict[str, List[Tuple[str, int]]] = {
    # --runtimetype=docker for 1.13 without an endpoint: keadm 1.13 writes its default containerd socket as the
    # remote endpoint and dockershim listens there (CHANGELOG-1.13 asks for dockershim's own endpoint).
    "1692565761__kubeedge-script__edge.sh": [("KEA006", 112)],
    # --runtimetype=docker with containerd's socket as --remote-runtime-endpoint, for --kubeedge-version=v1.13.0.
    "Kingsman44__kubeedge_installation__setup_edgecore.sh": [("KEA006", 60)],
    # --remote-runtime-endpoint="unix://var/run/containerd/containerd.sock": `var` becomes the URL host.
    "albacanete__k8s-kubeedge-cluster__ansible_roles_keadm-join_tasks_main.yaml": [("KEA003", 63)],
}

# The same files checked as if they installed KubeEdge 1.17: every --runtimetype is an unknown flag there.
V117: Dict[str, List[Tuple[str, int]]] = {
    "1692565761__kubeedge-script__edge.sh": [("KEA001", 112)],
    "Kingsman44__kubeedge_installation__setup_edgecore.sh": [("KEA001", 60)],
    "Yen-Hsun-Lee__Create-a-crun-demo-for-KubeEdge__setup_edge_side.sh": [("KEA001", 28)],
    "albacanete__k8s-kubeedge-cluster__ansible_roles_keadm-join_tasks_main.yaml": [("KEA001", 63), ("KEA003", 63)],
    "dangelic__kubeedge-k3s-cluster-vagrant__bootstrap_edgeside_bootstrap_edgeside.sh": [("KEA001", 61)],
    "manhar-bhardwaj__kubeedge-gitops__installv2.sh": [("KEA001", 214)],
}

# With a systemd node: joins without --cgroupdriver keep cgroupfs (KEA005 at `keadm join`), two pass cgroupfs
# explicitly (KEA005 at the value); Kingsman44, Yen-Hsun-Lee and albacanete pass systemd; the Puppet join's
# flags are built at run time, so it is not judged.
_NO_DRIVER = ["55wind__kubeedge-edge-prototype__demo-setup.sh", "55wind__kubeedge-edge-prototype__run-edge-setup.sh",
              "Function-Delivery-Ne__KubeEdge-Openstack-Ansible-Automation__ansible_roles_keadm-cloud_tasks_main.yaml",
              "MizzouCloudDevOps__KubeEdge-demo__kubeedge-edge-install_edge-core-join.sh",
              "SchmidtJonathan1__k8s_kubeedge_cluster__roles_kube_node_tasks_install_cluster_node.yml",
              "didier-durand__microk8s-kubeedge__sh_microk8s-kubeedge.sh",
              "frenchtoasters__kubeedge-tf__kubedge-node-stackscript.sh", "fritz1149__k8s-deploy__edge-config.sh",
              "fritz1149__saltstack-kubeedge__kubeedge_connect.sls", "hey-kong__kubeedge-note__all-in-one.sh",
              "itselavia__kubeedge-cluster-gcp__modules_kubeedge_scripts_edgecore_init.sh",
              "manhar-bhardwaj__kubeedge-gitops__install.sh",
              "nuhakala__orchestration-cost__kube-edge-infra_install-kubeedge.sh",
              "olavfla__kubeedge-setup__EdgeCore_setup.sh", "1692565761__kubeedge-script__edge.sh"]
SYSTEMD: Dict[str, List[Tuple[str, int]]] = {name: [("KEA005", line) for line in JOIN_LINES[name]] for name in _NO_DRIVER}
SYSTEMD["dangelic__kubeedge-k3s-cluster-vagrant__bootstrap_edgeside_bootstrap_edgeside.sh"] = [("KEA005", 61)]
SYSTEMD["manhar-bhardwaj__kubeedge-gitops__installv2.sh"] = [("KEA005", 216)]
for _name, _found in PLAIN.items():
    SYSTEMD[_name] = sorted(SYSTEMD.get(_name, []) + _found, key=lambda x: (x[1], x[0]))

CONTEXTS = {
    "plain": (Context(), PLAIN),
    "kubeedge-1.17": (Context(kubeedge_version=Version.parse("1.17")), V117),
    "systemd": (Context(cgroup_driver="systemd"), SYSTEMD),
}


def _found(path: Path, ctx: Context) -> List[Tuple[str, int]]:
    result = run_file(str(path), KEA, ctx)
    assert not [f for f in result.findings if not f.code.startswith("KEA")], [f.message for f in result.findings]
    return sorted(((f.code, f.span.line) for f in result.findings), key=lambda x: (x[1], x[0]))


def test_corpus_is_complete() -> None:
    if not FILES:
        pytest.skip("corpus absent")
    assert sorted(p.name for p in FILES) == sorted(JOIN_LINES)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_join_is_found(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    a = analyse(text, str(path))
    lines = [text.count("\n", 0, j.start) + 1 for j in a.joins]
    assert lines == JOIN_LINES[path.name]


@pytest.mark.parametrize("context", sorted(CONTEXTS))
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_reviewed_findings(path: Path, context: str) -> None:
    ctx, expected = CONTEXTS[context]
    assert _found(path, ctx) == expected.get(path.name, [])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_fix_twice_changes_nothing_the_second_time(tmp_path: Path, path: Path) -> None:
    ctx = Context(cgroup_driver="systemd", kubeedge_version=Version.parse("1.17"))
    work = tmp_path / path.name
    work.write_bytes(path.read_bytes())
    first = run_file(str(work), KEA, ctx, fixing=True, unsafe=True)
    if first.fixed_text is None:
        return
    assert not [f for f in first.findings if f.code == "RT004"], [f.message for f in first.findings]
    work.write_text(first.fixed_text, encoding="utf-8")
    again = run_file(str(work), KEA, ctx, fixing=True, unsafe=True)
    assert again.fixed_text is None
    # the fixed file still holds the same commands, now without the problems that had fixes
    assert len(analyse(first.fixed_text, str(work)).joins) == len(JOIN_LINES[path.name])
    assert not [f for f in again.findings if f.fix is not None]


def test_fixes_on_corpus_files_do_what_the_message_says(tmp_path: Path) -> None:
    if not FILES:
        pytest.skip("corpus absent")
    src = next(p for p in FILES if p.name.startswith("manhar-bhardwaj__kubeedge-gitops__installv2"))
    work = tmp_path / src.name
    work.write_bytes(src.read_bytes())
    ctx = Context(cgroup_driver="systemd", kubeedge_version=Version.parse("1.17"))
    fixed = run_file(str(work), KEA, ctx, fixing=True).fixed_text
    assert fixed is not None
    assert "--runtimetype" not in fixed  # KEA001: the whole continued line is gone
    assert ("  --remote-runtime-endpoint=unix:///run/containerd/containerd.sock \\\n  --cgroupdriver=cgroupfs\n"
            in fixed)  # KEA005's fix is unsafe: not applied without --unsafe-fixes
    unsafe = run_file(str(work), KEA, ctx, fixing=True, unsafe=True).fixed_text
    assert unsafe is not None and "  --cgroupdriver=systemd\n" in unsafe


def test_seen_in_files_show_the_problem() -> None:
    if not FILES:
        pytest.skip("corpus absent")
    by_name = {p.name: p for p in FILES}
    for rule in KEA:
        for rel in rule.seen_in:
            kind, name = rel.split("/", 1)
            assert kind == "keadm" and name in by_name, rel
            assert any(code == rule.code for ctx, _ in CONTEXTS.values() for code, _ in _found(by_name[name], ctx)), rel


def test_registry_lists_every_rule_once() -> None:
    codes = [r.code for r in RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes) == len(KEA)


# -- behaviour the examples cannot show ------------------------------------------------------


def _check(tmp_path: Path, name: str, text: str, ctx: Context = Context()) -> List[Tuple[str, int, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_file(str(path), KEA, ctx)
    return [(f.code, f.span.line, f.message) for f in result.findings]


def test_version_from_a_variable_is_named_in_the_message(tmp_path: Path) -> None:
    found = _check(tmp_path, "join.sh", "#!/bin/sh\nKUBEEDGE_VERSION=\"v1.16.0\"\n"
                   "keadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=${KUBEEDGE_VERSION} -r remote\n")
    assert [(c, ln) for c, ln, _ in found] == [("KEA001", 3)]
    assert "set to v1.16.0 on line 2" in found[0][2]


def test_version_from_the_keadm_download_when_the_flag_is_absent(tmp_path: Path) -> None:
    text = ("#!/bin/sh\nwget https://github.com/kubeedge/kubeedge/releases/download/v1.18.1/keadm-v1.18.1-linux-amd64.tar.gz\n"
            "keadm join --cloudcore-ipport=1.2.3.4:10000 --runtimetype=remote\n")
    found = _check(tmp_path, "join.sh", text)
    assert [(c, ln) for c, ln, _ in found] == [("KEA001", 3)]
    assert "keadm v1.18.1 is downloaded on line 2" in found[0][2]
    # an explicit --kubeedge-version wins over the download
    assert _check(tmp_path, "join.sh", text.replace("--runtimetype", "--kubeedge-version=v1.15.0 --runtimetype")) == []


def test_context_version_wins_over_the_flag(tmp_path: Path) -> None:
    text = "#!/bin/sh\nkeadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=v1.15.0 --runtimetype=remote\n"
    assert _check(tmp_path, "join.sh", text) == []
    found = _check(tmp_path, "join.sh", text, Context(kubeedge_version=Version.parse("1.19")))
    assert [c for c, _, _ in found] == ["KEA001"] and "given to rtlint" in found[0][2]


def test_a_version_keadm_ignores_is_unknown(tmp_path: Path) -> None:
    # keadm only honours X.Y.Z (util.GetCurrentVersion); `v1.17` falls back to keadm's own version
    text = "#!/bin/sh\nkeadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=v1.17 --runtimetype=remote\n"
    assert _check(tmp_path, "join.sh", text) == []


def test_unknown_version_reports_only_what_is_always_wrong(tmp_path: Path) -> None:
    found = _check(tmp_path, "join.sh", "#!/bin/sh\nkeadm join --cloudcore-ipport=1.2.3.4:10000 --runtimetype=cri-o "
                   "--remote-runtime-endpoint=unix:///var/run/dockershim.sock\n")
    assert [c for c, _, _ in found] == ["KEA001"]
    assert "wrong in every KubeEdge version" in found[0][2]


def test_docker_on_1_14_is_reported_once(tmp_path: Path) -> None:
    found = _check(tmp_path, "join.sh", "#!/bin/sh\nkeadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=1.14.5 "
                   "--runtimetype=docker --remote-runtime-endpoint=unix:///run/containerd/containerd.sock\n")
    assert [c for c, _, _ in found] == ["KEA001"]


def test_dynamic_values_are_not_judged(tmp_path: Path) -> None:
    text = ("#!/bin/sh\nkeadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=$(cat /etc/ke-version) "
            "--runtimetype=\"$RT\" --cgroupdriver=\"$(detect)\" --remote-runtime-endpoint=\"$EP\"\n")
    assert _check(tmp_path, "join.sh", text, Context(cgroup_driver="systemd")) == []


def test_edit_before_join_in_another_function_is_not_judged(tmp_path: Path) -> None:
    text = ("#!/bin/bash\nconfigure() {\n  sed -i 's/a/b/' /etc/kubeedge/config/edgecore.yaml\n}\n"
            "join() {\n  keadm join --cloudcore-ipport=1.2.3.4:10000\n}\njoin\nconfigure\n")
    assert _check(tmp_path, "setup.sh", text) == []
    same = text.replace("configure() {\n  sed", "join0() {\n  sed")
    assert _check(tmp_path, "setup.sh", same) == []
    top = ("#!/bin/bash\nsed -i 's/cgroupDriver: .*/cgroupDriver: systemd/' /etc/kubeedge/config/edgecore.yaml\n"
           "keadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=1.15.1\n")
    found = _check(tmp_path, "setup.sh", top)
    assert [(c, ln) for c, ln, _ in found] == [("KEA008", 2)]
    assert "--cgroupdriver" in found[0][2] and "--set" not in found[0][2]  # keadm 1.15 has no --set


def test_both_cri_o_and_cri_dockerd_is_ambiguous(tmp_path: Path) -> None:
    text = ("#!/bin/sh\nsystemctl enable --now crio\nsystemctl enable --now cri-docker.socket\n"
            "keadm join --cloudcore-ipport=1.2.3.4:10000 --kubeedge-version=1.17.0\n")
    assert _check(tmp_path, "join.sh", text) == []
    assert [c for c, _, _ in _check(tmp_path, "join.sh", text.replace("systemctl enable --now cri-docker.socket\n", ""))] \
        == ["KEA007"]
