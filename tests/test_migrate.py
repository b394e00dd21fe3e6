"""`rtlint migrate`: golden before/after files, the version rules on the result, idempotency, corpus, CLI.

The golden after-files were reviewed line by line; beyond byte equality, each
case checks what it is about independently of the migration code: where
containerd (FACTS §1.7) and edgecore (FACTS §4.1, the catalog) read each
value, what real containerd 1.6.20 reads from the version-2 input, which
comments must be kept, and that rtlint's own version rules find nothing left.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml

from conftest import broken_notes, corpus_files
from rtlint import edgecore_schema as es
from rtlint import schema as rs
from rtlint.document import ParseError
from rtlint.kubeedge import effective_runtime
from rtlint.loader import load, reparse
from rtlint.migrate import WARNING, MigrateError, migrate_document, migrate_file
from rtlint.migrate import cli as mcli
from rtlint.migrate.containerd_steps import STEPS
from rtlint.rule import Context
from rtlint.rules import ALL_RULES
from rtlint.runner import run_file
from rtlint.runtimes import containerd as m
from rtlint.versions import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "migrate"
CRI, RUNTIME, IMAGES = m.CRI_V2, m.CRI_RUNTIME, m.CRI_IMAGES
CONTAINERD = shutil.which("containerd")

# (fixture name, target, context for the version rules)
GOLDEN: List[Tuple[str, str, Context]] = [
    ("edgecore-1.15-to-1.18", "1.18", Context(kubeedge_version=Version.parse("1.18"))),
    ("edgecore-1.17-to-1.23", "1.23", Context(kubeedge_version=Version.parse("1.23"))),
    ("edgecore-keadm1.16-to-1.16", "1.16", Context(kubeedge_version=Version.parse("1.16"))),
    ("edgecore-1.19-to-1.20-noop", "1.20", Context(kubeedge_version=Version.parse("1.20"))),
    ("containerd-v2-to-v3", "3", Context(containerd_version=Version.parse("2.0"))),
    ("containerd-v3-to-v4", "4", Context(containerd_version=Version.parse("2.3"))),
]
NOOP = {"edgecore-1.19-to-1.20-noop"}

# the rules about keys of another release or config version
EDGECORE_VERSION_RULES = {"EC006", "EC007", "EC008", "EC009", "EC010", "EC011", "EC012"}
CONTAINERD_VERSION_RULES = {"CTD002", "CTD003", "CTD004", "CTD006", "CTD008", "CTD009", "CTD011", "CTD012",
                            "CTD020", "CTD021"}
EDGECORE_VERSION_KINDS = {"removed", "added-later", "other-version", "legacy-v1alpha1"}


def paths(name: str) -> Tuple[Path, Path]:
    ext = "yaml" if name.startswith("edgecore") else "toml"
    return FIXTURES / f"{name}.before.{ext}", FIXTURES / f"{name}.after.{ext}"


def leaves(value: Any, prefix: Tuple[Any, ...] = ()) -> Dict[Tuple[Any, ...], Any]:
    if isinstance(value, dict) and value:
        out: Dict[Tuple[Any, ...], Any] = {}
        for k, v in value.items():
            out.update(leaves(v, prefix + (k,)))
        return out
    return {prefix: value}


def comments(path: Path) -> List[str]:
    """The comment texts of a file, in file order."""
    return [c.text.strip() for c in load(str(path)).comments]


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_bytes(text.encode())
    return str(p)


# -- golden files --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,target,ctx", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden(name: str, target: str, ctx: Context) -> None:
    before, after = paths(name)
    result = migrate_file(str(before), target)
    assert result.encode() == after.read_bytes()
    assert result.changed is (name not in NOOP)
    if name in NOOP:
        assert result.notes == []


@pytest.mark.parametrize("name,target,ctx", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_migrating_twice_changes_nothing(name: str, target: str, ctx: Context) -> None:
    _, after = paths(name)
    again = migrate_file(str(after), target)
    assert not again.changed
    assert not [n for n in again.notes if "moved" in n.message or "removed" in n.message]


@pytest.mark.parametrize("name,target,ctx", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_version_rules_find_nothing_after(name: str, target: str, ctx: Context) -> None:
    before, after = paths(name)
    wanted = EDGECORE_VERSION_RULES if name.startswith("edgecore") else CONTAINERD_VERSION_RULES
    before_codes = {f.rule.code for f in run_file(str(before), ALL_RULES, ctx).findings}
    after_codes = [f.rule.code for f in run_file(str(after), ALL_RULES, ctx).findings]
    assert not wanted & set(after_codes), after_codes
    if name.startswith("edgecore") and name not in NOOP:
        assert wanted & before_codes  # the fixture has something to migrate


@pytest.mark.parametrize("name,target", [(g[0], g[1]) for g in GOLDEN if g[0].startswith("edgecore")])
def test_edgecore_result_fits_the_target_schema(name: str, target: str) -> None:
    _, after = paths(name)
    data = yaml.safe_load(after.read_text())
    assert not [e for e in es.validate(data, target) if e.kind in EDGECORE_VERSION_KINDS]


# -- edgecore: what each case is about -----------------------------------------------------------------------

def test_edgecore_115_to_118_moves_endpoints_with_their_comments() -> None:
    before, after = paths("edgecore-1.15-to-1.18")
    old = load(str(before))
    new = load(str(after))
    was = effective_runtime(old, "1.15")
    now = effective_runtime(new, "1.18")
    # the sockets edgecore 1.15 used are the ones 1.18 uses, now from tailoredKubeletConfig
    assert now["runtime_endpoint"].value == was["runtime_endpoint"].value == "unix:///run/containerd/containerd.sock"
    assert now["runtime_endpoint"].entry.path[-2:] == ("tailoredKubeletConfig", "containerRuntimeEndpoint")
    assert now["image_endpoint"].entry.path[-1] == "imageServiceEndpoint"
    # the v1alpha1 edged.cgroupDriver was ignored (default cgroupfs); it is now where edgecore reads it
    assert was["cgroup_driver"].value == "cgroupfs" and was["cgroup_driver"].defaulted
    assert now["cgroup_driver"].value == "systemd" and not now["cgroup_driver"].defaulted
    assert new.get(("modules", "edged", "tailoredKubeletConfig", "registerNode")) is True
    lines = after.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if "containerRuntimeEndpoint:" in ln)
    assert lines[at - 1].strip() == "# CRI sockets of containerd; keep in sync with [grpc] address in config.toml"
    assert lines[at].endswith("# runtime service")
    assert lines[at + 1].strip().startswith("imageServiceEndpoint:") and lines[at + 1].endswith("# image service")
    at = next(i for i, ln in enumerate(lines) if "cgroupDriver:" in ln)
    assert lines[at - 1].strip() == "# copied from an old blog post"
    assert lines[at].endswith("# must match SystemdCgroup = true in containerd")
    # only the comment that described the removed containerRuntime went with it
    lost = set(comments(before)) - set(comments(after))
    assert lost == {'only "remote" is valid since 1.14'}


def test_edgecore_117_to_123_keeps_the_runtime_the_file_names() -> None:
    before, after = paths("edgecore-1.17-to-1.23")
    old, new = load(str(before)), load(str(after))
    written = old.get(("modules", "edged", "remoteRuntimeEndpoint"))
    # 1.17 reads the old key only while containerRuntimeEndpoint is empty, which its default never is
    assert effective_runtime(old, "1.17")["runtime_endpoint"].value == "unix:///run/containerd/containerd.sock"
    assert effective_runtime(new, "1.23")["runtime_endpoint"].value == written == "unix:///var/run/cri-dockerd.sock"
    assert effective_runtime(new, "1.23")["image_endpoint"].value == written
    assert sorted(comments(before)) == sorted(comments(after))
    edged = new.get(("modules", "edged"))
    for gone in ("containerRuntime", "keepTerminatedPodVolumes", "masterServiceNamespace", "registerNode",
                 "remoteRuntimeEndpoint", "remoteImageEndpoint"):
        assert gone not in edged


def test_edgecore_both_endpoint_keys_set_drops_the_old_ones_and_says_so() -> None:
    before, after = paths("edgecore-keadm1.16-to-1.16")
    result = migrate_file(str(before), "1.16")
    old, new = load(str(before)), load(str(after))
    for key in ("runtime_endpoint", "image_endpoint"):  # what edgecore 1.16 uses does not change
        assert effective_runtime(old, "1.16")[key].value == effective_runtime(new, "1.16")[key].value
    warnings = [n for n in result.notes if n.level == WARNING]
    assert len(warnings) == 2
    assert all("crio.sock" in n.message and "containerd.sock" in n.message for n in warnings)
    assert sorted(n.line for n in warnings) == [9, 10]


def _edgecore(tmp_path: Path, body: str) -> str:
    return write(tmp_path, "edgecore.yaml",
                 "apiVersion: edgecore.config.kubeedge.io/v1alpha2\nkind: EdgeCore\n" + body)


def test_edgecore_v1alpha1_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "edgecore.yaml", "apiVersion: edgecore.config.kubeedge.io/v1alpha1\nkind: EdgeCore\n"
                                         "modules:\n  edged:\n    runtimeType: remote\n    cgroupDriver: systemd\n")
    with pytest.raises(MigrateError, match=r"v1alpha1.*--defaultconfig.*1\.18"):
        migrate_file(p, "1.18")


def test_edgecore_going_back_moves_keys_back(tmp_path: Path) -> None:
    p = _edgecore(tmp_path, "modules:\n  edged:\n    reportEvent: true\n    tailoredKubeletConfig:\n"
                            "      containerRuntimeEndpoint: unix:///var/run/crio/crio.sock  # CRI-O\n")
    result = migrate_file(p, "1.15")
    new = reparse(result.doc, result.text)
    assert new.get(("modules", "edged", "remoteRuntimeEndpoint")) == "unix:///var/run/crio/crio.sock"
    assert "remoteRuntimeEndpoint: unix:///var/run/crio/crio.sock  # CRI-O" in result.text
    assert "reportEvent" not in result.text  # 1.19+ only
    assert any(n.level == WARNING and "reportEvent" in n.message for n in result.notes)
    assert effective_runtime(new, "1.15")["runtime_endpoint"].value == "unix:///var/run/crio/crio.sock"


@pytest.mark.parametrize("to,want", [("1.23", "v1.23.0"), ("1.23.1", "v1.23.1"), ("1.21", None), ("1.20", "gone")])
def test_edgecore_version_follows_the_target(tmp_path: Path, to: str, want: Optional[str]) -> None:
    p = _edgecore(tmp_path, "edgecoreVersion: v1.21.0\nmodules:\n  edged:\n    enable: true\n")
    result = migrate_file(p, to)
    data = yaml.safe_load(result.text)
    if want is None:
        assert not result.changed
    elif want == "gone":
        assert "edgecoreVersion" not in data
    else:
        assert data["edgecoreVersion"] == want


@pytest.mark.parametrize("to,where", [("1.22", "kubelet"), ("1.21", "kept"), ("1.16", "gone")])
def test_edgecore_feature_gates_of_other_releases(tmp_path: Path, to: str, where: str) -> None:
    p = write(tmp_path, "edgecore.yaml", "apiVersion: edgecore.config.kubeedge.io/v1alpha2\nkind: EdgeCore\n"
                                         "featureGates:\n  DisableCSIVolumePlugin: true  # no CSI here\n"
                                         "  requireAuthorization: true\n")
    result = migrate_file(p, to)
    data = yaml.safe_load(result.text)
    assert data["featureGates"].get("requireAuthorization") is True
    kubelet = (data.get("modules") or {}).get("edged", {}).get("tailoredKubeletConfig", {}).get("featureGates", {})
    assert ("DisableCSIVolumePlugin" in data["featureGates"]) is (where == "kept")
    assert ("DisableCSIVolumePlugin" in kubelet) is (where == "kubelet")
    assert ("# no CSI here" in result.text) is (where != "gone")
    # edgecore refuses to start on a gate it does not know (FACTS §7.2): none may be left
    assert not [e for e in es.validate(data, to) if e.kind == "unknown-feature-gate"]


def test_edgecore_dockershim_endpoint_moves_with_a_warning(tmp_path: Path) -> None:
    p = _edgecore(tmp_path, "modules:\n  edged:\n    containerRuntime: remote\n"
                            "    remoteRuntimeEndpoint: unix:///var/run/dockershim.sock\n")
    result = migrate_file(p, "1.18")
    assert "containerRuntimeEndpoint: unix:///var/run/dockershim.sock" in result.text
    assert any(n.level == WARNING and "cri-dockerd" in n.message for n in result.notes)


def test_edgecore_invalid_legacy_value_is_dropped_not_moved(tmp_path: Path) -> None:
    p = _edgecore(tmp_path, "modules:\n  edged:\n    cgroupDriver: Systemd\n")  # not cgroupfs|systemd
    result = migrate_file(p, "1.18")
    assert "cgroupDriver" not in result.text
    assert any(n.level == WARNING and "not a valid value" in n.message for n in result.notes)


def test_edgecore_alias_target_refuses_instead_of_losing_data(tmp_path: Path) -> None:
    p = _edgecore(tmp_path, "base: &ep unix:///run/containerd/containerd.sock\nmodules:\n  edged: &e\n"
                            "    remoteRuntimeEndpoint: *ep\n  other:\n    <<: *e\n")
    try:
        result = migrate_file(p, "1.18")
    except MigrateError as e:
        assert "cannot" in str(e)
    else:  # if the reader can express it, the value must have arrived
        assert yaml.safe_load(result.text)["modules"]["edged"]["tailoredKubeletConfig"]["containerRuntimeEndpoint"]


# -- containerd: what each case is about ---------------------------------------------------------------------

# Every key of containerd-v2-to-v3.before.toml and where version 3 has it (FACTS §1.7 table).
V2_TO_V3 = {
    ("plugins", CRI, "sandbox_image"): ("plugins", IMAGES, "pinned_images", "sandbox"),
    ("plugins", CRI, "max_container_log_line_size"): ("plugins", RUNTIME, "max_container_log_line_size"),
    ("plugins", CRI, "enable_unprivileged_ports"): ("plugins", RUNTIME, "enable_unprivileged_ports"),
    ("plugins", CRI, "max_concurrent_downloads"): ("plugins", IMAGES, "max_concurrent_downloads"),
    ("plugins", CRI, "stream_server_address"): ("plugins", CRI, "stream_server_address"),
    ("plugins", CRI, "stream_server_port"): ("plugins", CRI, "stream_server_port"),
    ("plugins", CRI, "containerd", "snapshotter"): ("plugins", IMAGES, "snapshotter"),
    ("plugins", CRI, "registry", "config_path"): ("plugins", IMAGES, "registry", "config_path"),
    ("version",): ("version",),
}
V2_TO_V3_PREFIXES = {  # everything below these moves as a whole
    ("plugins", CRI, "containerd"): ("plugins", RUNTIME, "containerd"),
    ("plugins", CRI, "cni"): ("plugins", RUNTIME, "cni"),
}


def _v3_path(path: Tuple[Any, ...]) -> Tuple[Any, ...]:
    if path in V2_TO_V3:
        return V2_TO_V3[path]
    for old, new in V2_TO_V3_PREFIXES.items():
        if path[:len(old)] == old:
            return new + path[len(old):]
    assert path[0] != "plugins", f"{path} is not in the expectation table"
    return path


def test_containerd_v2_to_v3_every_value_is_at_its_v3_place() -> None:
    before, after = paths("containerd-v2-to-v3")
    old = leaves(tomllib.loads(before.read_text()))
    new = leaves(tomllib.loads(after.read_text()))
    expected = {_v3_path(p): v for p, v in old.items()}
    expected[("version",)] = 3
    assert new == expected  # nothing lost, nothing added (no defaults dumped)


def test_containerd_v2_to_v3_validates_against_the_v3_schema() -> None:
    _, after = paths("containerd-v2-to-v3")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas" / "containerd" / "v3.json").read_text())
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(tomllib.loads(after.read_text())))
    assert errors == []
    assert rs.validate(tomllib.loads(after.read_text()), rs.containerd_schema(3)) == []


def test_containerd_v2_to_v3_keeps_every_comment_with_its_key() -> None:
    before, after = paths("containerd-v2-to-v3")
    assert sorted(comments(before)) == sorted(comments(after))
    lines = after.read_text().splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip().startswith("sandbox ="))
    assert lines[at - 1].strip() == "# KubeEdge's pause image; must match modules.edged.podSandboxImage"
    assert lines[at - 2].strip() == f'[plugins."{IMAGES}".pinned_images]'
    at = next(i for i, ln in enumerate(lines) if "max_concurrent_downloads" in ln)
    assert lines[at].endswith("# slow uplink on the edge")
    at = next(i for i, ln in enumerate(lines) if "SystemdCgroup" in ln)
    assert lines[at - 1].strip() == "# edgecore runs with cgroupDriver: systemd"


@pytest.mark.skipif(CONTAINERD is None, reason="containerd is not installed")
def test_containerd_16_reads_the_v2_input_as_the_table_says() -> None:
    """containerd 1.6.20 cannot check a version 3 file (it reads it as version 2 and ignores the new
    tables), but it can confirm what the version 2 input means: every value the file sets is what
    1.6.20 uses, and the migrated file has that value at the version 3 place."""
    before, after = paths("containerd-v2-to-v3")
    p = subprocess.run([CONTAINERD, "--config", str(before), "config", "dump"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    dumped = leaves(tomllib.loads(p.stdout))
    new = leaves(tomllib.loads(after.read_text()))
    checked = 0
    for path, value in leaves(tomllib.loads(before.read_text())).items():
        if path[0] != "plugins":
            continue
        assert dumped.get(path) == value, path
        assert new[_v3_path(path)] == value
        checked += 1
    assert checked == 17
    assert dumped[("plugins", CRI, "containerd", "runtimes", "runc", "options", "SystemdCgroup")] is True


V3_TO_V4 = {
    ("grpc", "address"): ("plugins", "io.containerd.server.v1.grpc", "address"),
    ("grpc", "gid"): ("plugins", "io.containerd.server.v1.grpc", "gid"),
    ("grpc", "tcp_address"): ("plugins", "io.containerd.server.v1.grpc-tcp", "address"),
    ("debug", "address"): ("plugins", "io.containerd.server.v1.debug", "address"),
    ("metrics", "address"): ("plugins", "io.containerd.server.v1.metrics", "address"),
    ("metrics", "grpc_histogram"): ("plugins", "io.containerd.metrics.v1.grpc-prometheus", "grpc_histogram"),
}


def test_containerd_v3_to_v4_server_settings_become_plugins() -> None:
    before, after = paths("containerd-v3-to-v4")
    old = leaves(tomllib.loads(before.read_text()))
    new = leaves(tomllib.loads(after.read_text()))
    expected = {V3_TO_V4.get(p, p): v for p, v in old.items()}
    expected[("version",)] = 4
    # version 3 derived the ttrpc socket from the gRPC one; version 4 needs it written out
    expected[("plugins", "io.containerd.server.v1.ttrpc", "address")] = \
        old[("grpc", "address")] + ".ttrpc"
    assert new == expected
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas" / "containerd" / "v4.json").read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(tomllib.loads(after.read_text()))) == []


def _ctd(tmp_path: Path, text: str, to: str = "3") -> Tuple[Any, Dict[Tuple[Any, ...], Any]]:
    result = migrate_file(write(tmp_path, "config.toml", text), to, "containerd")
    return result, leaves(tomllib.loads(result.text))


def test_containerd_value_already_at_the_new_place_wins(tmp_path: Path) -> None:
    result, new = _ctd(tmp_path, f'version = 2\n[plugins."{CRI}"]\n  sandbox_image = "old/pause:3.1"\n'
                                 f'[plugins."{IMAGES}".pinned_images]\n  sandbox = "kubeedge/pause:3.6"\n')
    assert new == {("version",): 3, ("plugins", IMAGES, "pinned_images", "sandbox"): "kubeedge/pause:3.6"}
    assert any(n.level == WARNING and "old/pause:3.1" in n.message for n in result.notes)


def test_containerd_legacy_runtime_tables(tmp_path: Path) -> None:
    text = (f'version = 2\n[plugins."{CRI}".containerd]\n  default_runtime_name = "runc"\n'
            f'[plugins."{CRI}".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n'
            f'# gVisor for untrusted pods\n'
            f'[plugins."{CRI}".containerd.untrusted_workload_runtime]\n  runtime_type = "io.containerd.runsc.v1"\n'
            f'[plugins."{CRI}".containerd.default_runtime]\n  runtime_type = "io.containerd.kata.v2"\n')
    result, new = _ctd(tmp_path, text)
    base = ("plugins", RUNTIME, "containerd", "runtimes")
    # containerd 1.x ran untrusted_workload_runtime as runtimes["untrusted"]: same name in version 3
    assert new[base + ("untrusted", "runtime_type")] == "io.containerd.runsc.v1"
    assert "# gVisor for untrusted pods\n" f'[plugins."{RUNTIME}".containerd.runtimes.untrusted]' in result.text
    # default_runtime has no version 3 equivalent: gone, loudly
    assert not any("default_runtime" in str(p) and "name" not in str(p) for p in new)
    assert any(n.level == WARNING and "default_runtime" in n.message for n in result.notes)


def test_containerd_removed_keys_are_dropped(tmp_path: Path) -> None:
    result, new = _ctd(tmp_path, f'version = 2\n[plugins."{CRI}"]\n  systemd_cgroup = true\n  enable_selinux = true\n'
                                 f'[plugins."{CRI}".containerd.runtimes.runc]\n  runtime_engine = ""\n'
                                 f'  runtime_type = "io.containerd.runc.v2"\n')
    assert ("plugins", RUNTIME, "enable_selinux") in new
    assert not [p for p in new if p[-1] in ("systemd_cgroup", "runtime_engine")]
    levels = {n.message.split(" = ")[0].split(".")[-1]: n.level for n in result.notes if "removed" in n.message}
    assert levels == {"systemd_cgroup": WARNING, "runtime_engine": "info"}


def test_containerd_header_spelling_is_kept_where_it_does_not_change(tmp_path: Path) -> None:
    result, new = _ctd(tmp_path, f"version = 2\n[ plugins . '{CRI}' . containerd.runtimes.'runc' ]\n"
                                 f"  runtime_type = 'io.containerd.runc.v2'\n")
    assert f"[ plugins . \"{RUNTIME}\" . containerd.runtimes.'runc' ]" in result.text
    assert new[("plugins", RUNTIME, "containerd", "runtimes", "runc", "runtime_type")] == "io.containerd.runc.v2"


def test_containerd_inline_tables(tmp_path: Path) -> None:
    _, new = _ctd(tmp_path, f'version = 2\n[plugins."{CRI}"]\n'
                            f'  registry = {{ config_path = "/etc/containerd/certs.d" }}\n')
    assert new[("plugins", IMAGES, "registry", "config_path")] == "/etc/containerd/certs.d"
    with pytest.raises(MigrateError, match="inline table"):
        _ctd(tmp_path, f'version = 2\n[plugins."{CRI}"]\n  containerd = {{ snapshotter = "native", '
                       f'default_runtime_name = "runc" }}\n')


def test_containerd_v1_file_gets_full_plugin_names(tmp_path: Path) -> None:
    result, new = _ctd(tmp_path, 'disabled_plugins = ["cri"]\n[plugins.cri.containerd.runtimes.runc.options]\n'
                                 '  SystemdCgroup = true\n', "2")
    assert new == {("version",): 2, ("disabled_plugins",): [CRI],
                   ("plugins", CRI, "containerd", "runtimes", "runc", "options", "SystemdCgroup"): True}
    with pytest.raises(MigrateError, match="guess"):
        _ctd(tmp_path, "[plugins.mystery]\n  x = 1\n")


def test_containerd_v3_file_with_v2_cri_keys_is_repaired(tmp_path: Path) -> None:
    result, new = _ctd(tmp_path, f'version = 3\n[plugins."{CRI}"]\n  stream_server_port = "0"\n'
                                 f'  sandbox_image = "kubeedge/pause:3.6"\n'
                                 f'[plugins."{CRI}".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n')
    assert new == {("version",): 3, ("plugins", CRI, "stream_server_port"): "0",
                   ("plugins", IMAGES, "pinned_images", "sandbox"): "kubeedge/pause:3.6",
                   ("plugins", RUNTIME, "containerd", "runtimes", "runc", "options", "SystemdCgroup"): True}
    assert result.notes[0].level == WARNING


def test_containerd_crlf_and_bom_survive(tmp_path: Path) -> None:
    text = f'version = 2\r\n[plugins."{CRI}"]\r\n  # pause\r\n  sandbox_image = "kubeedge/pause:3.6"\r\n'
    p = tmp_path / "config.toml"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = migrate_file(str(p), "3", "containerd")
    out = result.encode()
    assert out.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in out.replace(b"\r\n", b"")
    assert tomllib.loads(out[3:].decode())["plugins"][IMAGES]["pinned_images"]["sandbox"] == "kubeedge/pause:3.6"


def test_containerd_imports_are_not_folded_in(tmp_path: Path) -> None:
    result, new = _ctd(tmp_path, f'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n'
                                 f'[plugins."{CRI}"]\n  sandbox_image = "kubeedge/pause:3.6"\n')
    assert new[("imports",)] == ["/etc/containerd/conf.d/*.toml"]
    assert any(n.level == WARNING and "conf.d/*.toml" in n.message for n in result.notes)


def test_containerd_file_already_at_the_target_is_left_alone(tmp_path: Path) -> None:
    _, after = paths("containerd-v2-to-v3")
    result = migrate_file(str(after), "3", "containerd")
    assert not result.changed and result.notes == []


@pytest.mark.parametrize("text,to,match", [
    ("version = 3\n", "2", "older version"),
    ('version = "2"\n', "3", "not an integer"),
])
def test_containerd_refusals(tmp_path: Path, text: str, to: str, match: str) -> None:
    with pytest.raises(MigrateError, match=match):
        _ctd(tmp_path, text, to)


# -- corpus --------------------------------------------------------------------------------------------------

EDGECORE_TARGETS = ("1.12", "1.16", "1.18", "1.23")


@pytest.mark.parametrize("path", corpus_files("edgecore"), ids=lambda p: p.name)
def test_corpus_edgecore(path: Path) -> None:
    doc = load(str(path), "edgecore")
    data = doc.data if isinstance(doc.data, dict) else {}
    v1alpha2 = data.get("apiVersion") == "edgecore.config.kubeedge.io/v1alpha2" and data.get("kind") == "EdgeCore"
    for to in EDGECORE_TARGETS:
        if not v1alpha2:
            with pytest.raises(MigrateError):
                migrate_document(doc, to)
            continue
        result = migrate_document(doc, to)
        new = reparse(doc, result.text)
        assert not [e for e in es.validate(new.data, to) if e.kind in EDGECORE_VERSION_KINDS]
        assert not migrate_document(new, to).changed
        for n in result.notes:  # every note points at a line of the original, or at none
            assert 0 <= n.line <= doc.text.count("\n") + 1


def _containerd_corpus() -> List[Path]:
    broken = {k for k, v in broken_notes().items() if "BROKEN" in v}
    return [p for p in corpus_files("containerd") if f"containerd/{p.name}" not in broken]


@pytest.mark.parametrize("path", _containerd_corpus(), ids=lambda p: p.name)
def test_corpus_containerd(path: Path) -> None:
    """Every parseable corpus file migrates, stays valid TOML, and has each value where the steps put it."""
    try:
        doc = load(str(path), "containerd")
    except ParseError:
        pytest.skip("not TOML (template)")
    source = m.config_version(doc)
    for to in (3, 4):
        if source > to:
            with pytest.raises(MigrateError, match="older version"):
                migrate_document(doc, str(to))
            continue
        result = migrate_document(doc, str(to))
        new = reparse(doc, result.text)
        assert m.config_version(new) == to
        assert m.foreign_plugins(new) == []  # nothing is left in a table this version does not read
        assert not migrate_document(new, str(to)).changed
        before_errors = rs.validate(doc.data, rs.containerd_schema(source)) if source in (1, 2, 3, 4) else []
        after_errors = rs.validate(new.data, rs.containerd_schema(to))
        assert len(after_errors) <= len(before_errors), [e.dotted for e in after_errors]
        if any(n.level == WARNING and "the file is config version" in n.message for n in result.notes):
            continue  # repaired: the older step ran first, the walk below does not model it
        _values_arrived(doc, new, source, to)


def _values_arrived(doc: Any, new: Any, source: int, to: int) -> None:
    """Each value is at the path the version steps give it (or was dropped as removed), nothing else appeared."""
    got = leaves(new.data)
    want: Dict[Tuple[Any, ...], Any] = {}
    for path, value in leaves(doc.data).items():
        for v in range(source, to):
            step = STEPS[v](doc)
            target = step.map(path)
            tables = [path[:i] for i in range(1, len(path))]
            if step.dropped(path, target) or any(step.dropped(t, step.table_map(t)) for t in tables):
                break
            path = target
        else:
            want[path] = value
    for d in (got, want):  # tables left empty carry no value (an explicit [header] may stay)
        for k in [k for k, v in d.items() if v == {} or k == ("version",)]:
            del d[k]
    if to == 4:
        got.pop(("plugins", "io.containerd.server.v1.ttrpc", "address"), None)
        want.pop(("plugins", "io.containerd.server.v1.ttrpc", "address"), None)
    for key in ("disabled_plugins", "required_plugins"):  # entries are renamed, checked by the unit tests
        got.pop((key,), None)
        want.pop((key,), None)
    assert got == want


# -- command line --------------------------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rtlint")
    sub = parser.add_subparsers(dest="command")
    mcli.add_parser(sub, [])
    return parser


def cli(*argv: str) -> int:
    return mcli.run(_parser().parse_args(["migrate", *argv]))


def test_cli_diff_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = paths("containerd-v2-to-v3")
    target = tmp_path / "config.toml"
    shutil.copy(before, target)
    stat = target.stat()
    assert cli("--to", "3", "--diff", str(target)) == 1
    out, err = capsys.readouterr()
    assert target.read_bytes() == before.read_bytes() and target.stat().st_mtime_ns == stat.st_mtime_ns
    assert out.startswith(f"--- a/{target}\n+++ b/{target}\n")
    assert "+version = 3" in out and "Would migrate 1 file." in err
    assert "[plugins.\"io.containerd.grpc.v1.cri\"] is now" in err


def test_cli_writes_then_has_nothing_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = paths("edgecore-1.15-to-1.18")
    target = tmp_path / "edgecore.yaml"
    shutil.copy(before, target)
    os.chmod(target, 0o640)
    assert cli("--to", "1.18", str(target)) == 0
    assert target.read_bytes() == after.read_bytes()
    assert oct(target.stat().st_mode & 0o777) == "0o640"
    _, err = capsys.readouterr()
    assert f"Migrated {target} to KubeEdge 1.18" in err
    assert f"{target}:18: warning: moved modules.edged.cgroupDriver" in err
    assert cli("--to", "1.18", "--diff", str(target)) == 0
    out, err = capsys.readouterr()
    assert out == "" and "nothing to change" in err


def test_cli_symlink_is_kept(tmp_path: Path) -> None:
    before, after = paths("containerd-v2-to-v3")
    real = tmp_path / "real.toml"
    shutil.copy(before, real)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert cli("--to", "3", "--kind", "containerd", str(link)) == 0
    assert link.is_symlink() and real.read_bytes() == after.read_bytes()


@pytest.mark.parametrize("to,name", [("3", "edgecore-1.15-to-1.18"), ("1.30", "edgecore-1.15-to-1.18"),
                                     ("1.18", "containerd-v2-to-v3"), ("5", "containerd-v2-to-v3")])
def test_cli_bad_target_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], to: str,
                                         name: str) -> None:
    before, _ = paths(name)
    target = tmp_path / before.name
    shutil.copy(before, target)
    assert cli("--to", to, str(target)) == 2
    assert target.read_bytes() == before.read_bytes()
    assert "--to" in capsys.readouterr().err


def test_cli_refused_and_unknown_files_exit_2_but_others_are_migrated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v1 = write(tmp_path, "old.yaml", "apiVersion: edgecore.config.kubeedge.io/v1alpha1\nkind: EdgeCore\n")
    other = write(tmp_path, "daemon.json", '{"exec-opts": ["native.cgroupdriver=systemd"]}\n')
    before, after = paths("edgecore-1.17-to-1.23")
    good = tmp_path / "edgecore.yaml"
    shutil.copy(before, good)
    assert cli("--to", "1.23", v1, other, str(good), str(tmp_path / "missing.yaml")) == 2
    err = capsys.readouterr().err
    assert f"{v1}: not migrated: apiVersion edgecore.config.kubeedge.io/v1alpha1" in err
    assert f"{other}: not migrated: a docker file" in err
    assert "missing.yaml: no such file" in err
    assert good.read_bytes() == after.read_bytes()


def test_cli_is_wired_into_rtlint(tmp_path: Path) -> None:
    from rtlint import cli as main_cli

    if "migrate" not in getattr(main_cli, "COMMANDS", {}):
        pytest.skip("rtlint/cli.py does not register `migrate` yet")
    before, _ = paths("containerd-v2-to-v3")
    target = tmp_path / "config.toml"
    shutil.copy(before, target)
    p = subprocess.run([sys.executable, "-m", "rtlint", "migrate", "--to", "3", "--diff", str(target)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 1, p.stderr
    assert p.stdout.startswith(f"--- a/{target}")
