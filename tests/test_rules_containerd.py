"""The containerd rules on the real corpus: which files each rule fires on, and what --fix does to them.

The lists below were reviewed file by file; the comment says why the finding
is right. A rule firing on any other corpus file, or going silent on one of
these, fails the test. Fixes are applied twice to every corpus containerd file
(a second run must change nothing), and the fixed file must still load in real
containerd whenever the original did.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from conftest import SHARED, broken_notes, corpus_files

from rtlint.rule import Context, Rule
from rtlint.rules import containerd as family
from rtlint.rules import BY_CODE
from rtlint.runner import run_file
from rtlint.versions import Version

RULES: List[Rule] = [BY_CODE[cls.code] for cls in family.RULES]
FILES = corpus_files("containerd")
NODE = dict(cgroup_driver="systemd", sandbox_image="registry.k8s.io/pause:3.10",
            containerd_version=Version.parse("1.6.20"))

# rule -> {corpus file: why it is a true positive}, with nothing known about the node
EXPECTED: Dict[str, Dict[str, str]] = {
    "CTD001": {
        "Daiki48__dotfiles__etc_containerd_config.toml": "version 2, disabled_plugins has io.containerd.grpc.v1.cri",
        "Idein__containerd.io-for-raspbian__etc_containerd_config.toml":
            "Docker's containerd.io default: disabled_plugins = [\"cri\"]",
        "bluetongueai__uberbase__containerd_config.toml": "version 2, CRI disabled by full URI",
        "cavebeavis__containerd-test__etc_containerd_config.toml": "Docker's default, disabled_plugins = [\"cri\"]",
    },
    "CTD002": {
        "Idein__containerd.io-for-raspbian__etc_containerd_config.toml": "no version line (Docker's package file)",
        "bigclouds__deployk8s__containerd_config.toml-harbor": "no version line; registry tables under the v2 URI",
        "cavebeavis__containerd-test__etc_containerd_config.toml": "no version line",
        "fff-rs__concourse-gpgpu-setup__etc_containerd_config.toml": "no version line (plugins commented out)",
        "guslgogo20__proworks-k8s-resources__etc_containerd_config.toml": "no version line; [plugins.cri] registry",
        "jessfraz__dotfiles__etc_containerd_config.toml": "no version line; short ids cri/linux/cgroups/...",
        "krisnova__kryptid__etc_containerd_config.toml": "no version line; mixes [plugins.cri] and the v2 URI",
        "namitkakkar__dockers__etc_containerd_config.toml": "everything commented out: an empty version 1 config",
        "ryuchoon9__cicd__ArgoCD_config.toml": "fragment without version line, v2 URI registry tables",
        "tarvitz__kubernetes__etc_containerd_config.toml": "no version line; short ids",
        "thesayyn__gameey.io__containerd_config.toml": "no version line; [plugins.linux]",
        "thorrgal__kub_conf__config.toml": "no version line although every plugin uses its full URI",
        "westonsteimel__dotfiles__etc_containerd_config.toml": "no version line; short ids",
    },
    "CTD003": {
        "bigclouds__deployk8s__containerd_config.toml-harbor":
            "v2-URI registry auth/mirrors in a version 1 file: 1.x ignores them",
        "krisnova__kryptid__etc_containerd_config.toml":
            "SystemdCgroup under the v2 URI in a version 1 file: 1.x ignores it",
        "markkuleppala__disco__config2.toml":
            "version 2 with [plugins.cri]: containerd 1.6.20 refuses to start (checked)",
        "ryuchoon9__cicd__ArgoCD_config.toml": "v2-URI registry tables in a file without version line",
        "thorrgal__kub_conf__config.toml": "six v2-URI plugin tables (SystemdCgroup among them) without version line",
    },
    "CTD004": {},
    "CTD005": {},  # needs the node's cgroup driver: see EXPECTED_SYSTEMD
    "CTD006": {
        "omriashke__kubernetes__containerd_config.toml": "version 3 file, SystemdCgroup left in the v2 CRI table",
    },
    "CTD007": {
        "mmalikli__ansible-kubernetes-cluster__config.toml":
            "only [..runtimes.runc.options]: 1.x leaves runtime_type empty",
    },
    "CTD008": {
        "dream-build2020__ansible-playbook__etc_containerd_config.toml":
            "systemd_cgroup = true with a v1-shim default_runtime (deprecated, gone in 2.0)",
    },
    "CTD009": {
        "Alberthua-Perl__kani__files_containerd_config.toml": "sandbox_image inside image_decryption",
        "dd0c__kubernetes__files_etc_containerd_config.toml": "version 4 file, sandbox_image in the v2 CRI table",
        "moriT958__install-kubeadm__roles_containerd_templates_config.toml.j2":
            "version 3, sandbox_image in cri.v1.runtime",
        "omriashke__kubernetes__containerd_config.toml":
            "version 3, sandbox_image in the v2 CRI table (same value as pinned)",
    },
    "CTD010": {},  # no corpus image is a URL; the mismatch needs --sandbox-image
    "CTD011": {
        "angolarti__kubernetes-vagrant__containerd_config.toml": "runc runtime_type io.containerd.runc.v1",
        "dream-build2020__ansible-playbook__etc_containerd_config.toml":
            "default_runtime io.containerd.runtime.v1.linux",
        "izewfktvy533zjmn__kubernetes-the-hard-way__containerd_config.toml":
            "runc.v1 runtime and v1.linux default_runtime",
        "jessfraz__dotfiles__etc_containerd_config.toml": "default_runtime io.containerd.runtime.v1.linux",
        "tarvitz__kubernetes__etc_containerd_config.toml": "default_runtime io.containerd.runtime.v1.linux",
    },
    "CTD012": {
        "GoatFather013__kubestronaut_prep__containerd_config.toml": "default_runtime with SystemdCgroup: lost on 2.x",
        "bigclouds__deployk8s__containerd_config.toml": "untrusted_workload_runtime with the kata type",
        "dream-build2020__ansible-playbook__etc_containerd_config.toml": "default_runtime (v1 shim)",
        "izewfktvy533zjmn__kubernetes-the-hard-way__containerd_config.toml": "default_runtime (v1 shim)",
        "jessfraz__dotfiles__etc_containerd_config.toml": "default_runtime (v1 shim)",
        "tarvitz__kubernetes__etc_containerd_config.toml": "default_runtime (v1 shim)",
        "westonsteimel__dotfiles__etc_containerd_config.toml": "default_runtime with runc.v2",
    },
    "CTD013": {},
    "CTD014": {},
    "CTD015": {},
    "CTD016": {},
    "CTD017": {},  # every corpus sandbox image is a valid reference (checked by hand)
}

# CTD005 when the node uses the systemd driver: runc (the default or a runc-based handler) lacks SystemdCgroup
EXPECTED_SYSTEMD: Dict[str, str] = {
    "AJMosley345__CSC468-Project__containerd_config.toml": "no CRI settings: built-in runc, SystemdCgroup false",
    "Daiki48__dotfiles__etc_containerd_config.toml": "no runtime settings (CRI also disabled)",
    "Idein__containerd.io-for-raspbian__etc_containerd_config.toml": "no runtime settings (CRI also disabled)",
    "bluetongueai__uberbase__containerd_config.toml": "no runtime settings (CRI also disabled)",
    "cavebeavis__containerd-test__etc_containerd_config.toml": "no runtime settings (CRI also disabled)",
    "createcandle__configuration-files__etc_containerd_config.toml": "SystemdCgroup = false written out",
    "fff-rs__concourse-gpgpu-setup__etc_containerd_config.toml": "no CRI settings",
    "fisherxu__edgecore-indocker__files_etc_containerd_config.toml": "runc and test-handler both without options",
    "guslgogo20__proworks-k8s-resources__etc_containerd_config.toml": "only a registry mirror in [plugins.cri]",
    "harunakts__projekontrol__containerd_config.toml": "only registry settings",
    "luccaugusto__Arroiz__etc_containerd_config.toml": "version and root only",
    "markkuleppala__disco__config.toml": "empty runc options table",
    "namitkakkar__dockers__etc_containerd_config.toml": "all commented out",
    "nuhakala__orchestration-cost__containerd_config.toml": "only config_path",
    "sreep1207__etckeeper__containerd_config.toml": "EKS style runc table without options",
    "thesayyn__gameey.io__containerd_config.toml": "only [plugins.linux]",
    "westonsteimel__dotfiles__etc_containerd_config.toml": "runc.v2 default_runtime without options",
}


def _name(path: Path) -> str:
    return path.name


def _findings(path: Path, ctx: Context) -> Dict[str, List[str]]:
    result = run_file(str(path), RULES, ctx, kind="containerd")
    out: Dict[str, List[str]] = {}
    if result.doc is None:
        return out
    for f in result.findings:
        out.setdefault(f.code, []).append(f"{f.span.line}:{f.span.column} {f.message}")
    return out


@pytest.fixture(scope="module")
def corpus_findings() -> Dict[Tuple[str, str], Dict[str, List[str]]]:
    if SHARED is None:
        pytest.skip("../shared is not here")
    out = {}
    for path in FILES:
        out[(path.name, "plain")] = _findings(path, Context())
        out[(path.name, "systemd")] = _findings(path, Context(cgroup_driver="systemd"))
    return out


def test_every_rule_has_a_reviewed_list() -> None:
    assert sorted(EXPECTED) == sorted(r.code for r in RULES)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_rule_fires_on_reviewed_corpus_files(code: str, corpus_findings) -> None:
    fired = {name for (name, ctx), found in corpus_findings.items() if ctx == "plain" and code in found}
    assert fired == set(EXPECTED[code])


def test_systemd_cgroup_mismatch_on_corpus(corpus_findings) -> None:
    fired = {name for (name, ctx), found in corpus_findings.items() if ctx == "systemd" and "CTD005" in found}
    assert fired == set(EXPECTED_SYSTEMD)


def test_seen_in_files_show_the_problem(corpus_findings) -> None:
    for rule in RULES:
        for rel in rule.seen_in:
            kind, name = rel.split("/", 1)
            assert kind == "containerd", rel
            assert any(rule.code in corpus_findings[(name, ctx)] for ctx in ("plain", "systemd")), (rule.code, rel)


# -- fixes -------------------------------------------------------------------------------------

CONTEXTS = {
    "plain": Context(),
    "node": Context(**NODE),
    "cgroupfs": Context(cgroup_driver="cgroupfs"),
}


def _fix(path: Path, ctx: Context, unsafe: bool):
    return run_file(str(path), RULES, ctx, fixing=True, unsafe=unsafe, kind="containerd")


@pytest.mark.parametrize("ctx_name", sorted(CONTEXTS))
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", FILES, ids=_name)
def test_fix_is_idempotent_and_keeps_the_file_loadable(tmp_path: Path, path: Path, unsafe: bool,
                                                       ctx_name: str) -> None:
    from test_containerd_oracle import CONTAINERD, dump

    ctx = CONTEXTS[ctx_name]
    work = tmp_path / path.name
    work.write_bytes(path.read_bytes())
    first = _fix(work, ctx, unsafe)
    if first.doc is None:
        assert "BROKEN" in broken_notes().get(f"containerd/{path.name}", ""), "a corpus file stopped parsing"
        return
    if first.fixed_text is None:
        assert not [f for f in first.findings if f.fix and (f.fix.safe or unsafe)], "a fix was offered but not applied"
        return
    work.write_bytes(first.doc.encode(first.fixed_text))
    second = _fix(work, ctx, unsafe)
    assert second.doc is not None, "the fixed file does not parse"
    assert second.fixed_text is None, "a second --fix changed the file again"
    assert not [f for f in second.findings if f.code == "RT004"], "a fix was dropped because it broke the file"
    if CONTAINERD is not None:
        before = dump(path.read_text(encoding="utf-8-sig"))
        if before.rc == 0:
            after = dump(first.fixed_text)
            assert after.rc == 0, after.err


@pytest.mark.parametrize("path", [p for p in FILES if p.name in EXPECTED["CTD002"]], ids=_name)
def test_version_migration_keeps_what_containerd_reads(path: Path) -> None:
    """CTD002's safe fix renames short ids and adds version = 2: real containerd must read the same config."""
    from test_containerd_oracle import CONTAINERD, comparable, dump

    if CONTAINERD is None:
        pytest.skip("containerd is not installed")
    result = run_file(str(path), [BY_CODE["CTD002"]], Context(), fixing=True, kind="containerd")
    if result.fixed_text is None:
        pytest.skip("no safe migration for this file (it already uses full plugin names)")
    before, after = dump(path.read_text()), dump(result.fixed_text)
    assert before.rc == 0 and after.rc == 0
    assert comparable(before) == comparable(after)
