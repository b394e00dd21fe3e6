"""edgecore.yaml schemas: generated files are current, facts hold, and the fast walker matches jsonschema.

Expectations come from FACTS.md (shared/reference/kubeedge) and the corpus notes in
SOURCES.tsv; each file is read to confirm what the notes say before asserting findings.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import jsonschema
import pytest
import yaml
from conftest import ROOT, SHARED, broken_notes, corpus_files

from rtlint import edgecore_schema as es

KE = SHARED / "reference" / "kubeedge" if SHARED else None
VERSIONS = ["1.%d" % m for m in range(12, 24)]
DEFAULT_VERSIONS = ["1.%d" % m for m in range(13, 24)]  # FACTS.md 11: 1.12 was not reconstructed
VERSION_KINDS = {"removed", "added-later", "other-version"}
Path_ = Tuple[Any, ...]


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / ("%s.py" % name))
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def _default_doc(version: str) -> Any:
    if KE is None:
        pytest.skip("../shared is not here")
    return _load(KE / ("edgecore-reconstructed-default-v%s.yaml" % version))


def _corpus(name: str) -> Any:
    if SHARED is None:
        pytest.skip("../shared is not here")
    path = SHARED / "corpus" / "edgecore" / name
    if not path.exists():
        pytest.skip("corpus file %s is absent" % name)
    return _load(path)


def _note(name: str) -> str:
    return broken_notes().get("edgecore/" + name, "")


def _by_path(errors: List[es.SchemaError]) -> Dict[str, List[es.SchemaError]]:
    out: Dict[str, List[es.SchemaError]] = {}
    for e in errors:
        out.setdefault(e.dotted, []).append(e)
    return out


def _get(doc: Any, dotted: str) -> Any:
    node = doc
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _has(doc: Any, dotted: str) -> bool:
    head, _, last = dotted.rpartition(".")
    parent = _get(doc, head) if head else doc
    return isinstance(parent, dict) and last in parent


# --------------------------------------------------------------------------- 1. generated files are current


def test_catalog_regenerates_identically(shared: Path, tmp_path: Path) -> None:
    build = _module("build_edgecore_catalog")
    out = tmp_path / "catalog.json"
    build.main([str(shared / "reference" / "kubeedge" / "edgecore-fields.json"), "--out", str(out)])
    committed = ROOT / "rtlint" / "data" / "edgecore_catalog.json"
    assert out.read_bytes() == committed.read_bytes(), "run tools/build_edgecore_catalog.py and commit the result"


def test_schemas_regenerate_identically(tmp_path: Path) -> None:
    gen = _module("gen_edgecore_schemas")
    bundle = tmp_path.parent / (tmp_path.name + "-bundle.py")
    gen.main(["--catalog", str(ROOT / "rtlint" / "data" / "edgecore_catalog.json"), "--out", str(tmp_path),
              "--bundle", str(bundle)])
    assert bundle.read_bytes() == Path(es.BUNDLE).read_bytes(), "run tools/gen_edgecore_schemas.py and commit the result"
    committed_dir = ROOT / "schemas" / "edgecore"
    fresh = sorted(p.name for p in tmp_path.iterdir())
    assert fresh == sorted(p.name for p in committed_dir.glob("*.json"))
    assert fresh == ["v%s.json" % v for v in sorted(VERSIONS, key=lambda v: int(v.split(".")[1]))]
    for name in fresh:
        assert (tmp_path / name).read_bytes() == (committed_dir / name).read_bytes(), name


def test_generation_is_deterministic_and_formatted() -> None:
    gen = _module("gen_edgecore_schemas")
    catalog = json.loads((ROOT / "rtlint" / "data" / "edgecore_catalog.json").read_text(encoding="utf-8"))
    first, second = gen.generate(catalog), gen.generate(json.loads(json.dumps(catalog)))
    assert first == second
    for text in first.values():
        assert text.endswith("}\n") and not text.endswith("\n\n")
        assert text == json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("version", VERSIONS)
def test_schema_is_valid_draft7_with_expected_top_level(version: str) -> None:
    schema = es.load_schema(version)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False
    # FACTS.md 2: the same apiVersion/kind for every minor 1.12-1.23.
    assert schema["properties"]["apiVersion"]["enum"] == ["edgecore.config.kubeedge.io/v1alpha2"]
    assert schema["properties"]["kind"]["enum"] == ["EdgeCore"]
    assert sorted(schema["properties"]["modules"]["properties"]) == sorted(
        ["edged", "edgeHub", "eventBus", "metaManager", "serviceBus", "deviceTwin", "dbTest", "edgeStream"]
        + (["taskManager"] if int(version.split(".")[1]) >= 21 else [])
    )
    # FACTS.md 7.1 row 4 and section 5: cgroupDriver is exactly cgroupfs|systemd, default cgroupfs.
    tkc = es.get_validator(version).field_schema(("modules", "edged", "tailoredKubeletConfig", "cgroupDriver"))
    assert tkc is not None and tkc["enum"] == ["cgroupfs", "systemd"] and tkc["default"] == "cgroupfs"


def test_catalog_keeps_ranges_not_copies() -> None:
    catalog = json.loads((ROOT / "rtlint" / "data" / "edgecore_catalog.json").read_text(encoding="utf-8"))
    entry = catalog["fields"]["modules.edged.containerRuntime"]
    # FACTS.md 4: 1.12-1.17, default docker (1.12) then remote; docker|remote only while dockershim exists.
    assert entry["present"] == ["1.12-1.17"] and entry["since"] == "1.12" and entry["removed"] == "1.18"
    assert entry["default"] == {"1.12": "docker", "1.13-1.17": "remote"}
    assert entry["enum"] == {"1.12-1.13": ["docker", "remote"], "1.14-1.17": ["remote"]}
    assert entry["source"]["type"] == {"1.12-1.17": "P1/types.go"}
    static = catalog["fields"]["modules.edged.tailoredKubeletConfig.staticPodPath"]
    assert static["present"] == ["1.12", "1.15-1.23"]  # FACTS.md 5: dropped in 1.13, re-added in 1.15
    assert catalog["fields"]["modules.edged.rootDirectory"]["default"] == {
        "1.12-1.19": "/var/lib/edged",
        "1.20-1.23": "/var/lib/kubelet",
    }
    for path, entry in catalog["fields"].items():
        for attr in ("type", "goType", "default", "enum"):
            for rng in entry.get(attr, {}):
                assert re.fullmatch(r"1\.\d+(-1\.\d+)?", rng), (path, attr, rng)


# --------------------------------------------------------------------------- 2. reconstructed defaults

# Key changes between consecutive minors as FACTS.md states them (section 3 "Per-module field changes",
# section 4 table and Appendix A.1, section 5 "Field additions/removals of tailoredKubeletConfig").
TKC = "modules.edged.tailoredKubeletConfig"
FACTS_REMOVED = {
    "1.14": [
        "modules.edged." + k
        for k in (
            "cniBinDir cniCacheDir cniConfDir dockerEndpoint dockershimRootDirectory imagePullProgressDeadline "
            "networkPluginMTU networkPluginName nonMasqueradeCidr seccompProfileRoot "
            "experimentalCheckNodeCapabilitiesBeforeMount"
        ).split()
    ],
    "1.18": [
        "modules.edged." + k
        for k in (
            "containerRuntime remoteRuntimeEndpoint remoteImageEndpoint registerNode registerWithTaints "
            "masterServiceNamespace"
        ).split()
    ],
    "1.22": ["modules.edged.keepTerminatedPodVolumes"],
}
FACTS_ADDED = {
    "1.14": [
        "modules.metaManager.metaServer." + k
        for k in ("apiAudiences", "serviceAccountIssuers", "serviceAccountKeyFiles")
    ],
    "1.15": [TKC + ".staticPodPath"],
    "1.16": [
        TKC + "." + k
        for k in (
            "containerRuntimeEndpoint imageServiceEndpoint enableSystemLogQuery localStorageCapacityIsolation "
            "maxParallelImagePulls topologyManagerPolicyOptions"
        ).split()
    ]
    + ["modules.deviceTwin.dmiSockPath"],
    "1.17": [TKC + ".fileCheckFrequency", "modules.metaManager.metaServer.dummyServer"],
    "1.18": [TKC + ".imageMaximumGCAge"],
    "1.19": ["modules.edged.reportEvent"],
    "1.20": [TKC + "." + k for k in ("containerLogMaxWorkers", "containerLogMonitorInterval", "podLogsDir")],
    "1.21": ["modules.taskManager", "edgecoreVersion"],
    "1.22": [TKC + ".failCgroupV1"],
    "1.23": [TKC + ".crashLoopBackOff", TKC + ".singleProcessOOMKill"],
}


@pytest.mark.parametrize("version", DEFAULT_VERSIONS)
def test_reconstructed_default_validates_against_its_version(version: str) -> None:
    doc = _default_doc(version)
    assert es.validate(doc, version) == []
    assert list(jsonschema.Draft7Validator(es.load_schema(version)).iter_errors(doc)) == []


@pytest.mark.parametrize("older,newer", list(zip(DEFAULT_VERSIONS, DEFAULT_VERSIONS[1:])))
def test_defaults_of_neighbouring_minors_differ_as_facts_say(older: str, newer: str) -> None:
    old_doc, new_doc = _default_doc(older), _default_doc(newer)
    forward = es.validate(old_doc, newer)
    backward = es.validate(new_doc, older)
    assert all(e.kind in VERSION_KINDS for e in forward + backward), [(e.dotted, e.kind) for e in forward + backward]
    removed = {p for p in FACTS_REMOVED.get(newer, []) if _has(old_doc, p)}
    added = {p for p in FACTS_ADDED.get(newer, []) if _has(new_doc, p)}
    assert {e.dotted for e in forward} == removed
    assert all(e.kind == "removed" for e in forward)
    assert {e.dotted for e in backward} == added


def test_remote_runtime_endpoint_lives_until_1_17_then_moves() -> None:
    # FACTS.md 4 / 4.1: edged.remoteRuntimeEndpoint exists 1.12-1.17; 1.16+ edged reads
    # tailoredKubeletConfig.containerRuntimeEndpoint, and 1.18 removed the old key.
    doc = {"modules": {"edged": {"remoteRuntimeEndpoint": "unix:///run/containerd/containerd.sock"}}}
    for v in VERSIONS:
        errors = es.validate(doc, v)
        if int(v.split(".")[1]) <= 17:
            assert errors == [], v
        else:
            (err,) = errors
            assert err.path == ("modules", "edged", "remoteRuntimeEndpoint") and err.kind == "removed"
            assert err.expected == ["1.12-1.17"]
            assert err.suggestions == ["tailoredKubeletConfig.containerRuntimeEndpoint"]


def test_container_runtime_values_per_minor() -> None:
    # FACTS.md 4 / 12.4: docker|remote in 1.12-1.13, only remote in 1.14-1.17, key gone in 1.18.
    doc = {"modules": {"edged": {"containerRuntime": "docker"}}}
    kinds = {v: [e.kind for e in es.validate(doc, v)] for v in VERSIONS}
    assert kinds["1.12"] == kinds["1.13"] == []
    assert all(kinds["1.%d" % m] == ["enum"] for m in range(14, 18))
    assert all(kinds["1.%d" % m] == ["removed"] for m in range(18, 24))


@pytest.mark.parametrize("version", DEFAULT_VERSIONS)
def test_schema_defaults_match_reconstructed_defaults(version: str) -> None:
    """Where a schema states a default, the reconstructed --defaultconfig shows the same value."""
    doc = _default_doc(version)
    validator = es.get_validator(version)
    checked = 0
    for path, value in _leaves(doc):
        schema = validator.field_schema(path)
        if schema is None or "default" not in schema or (isinstance(value, str) and "<" in value):
            continue
        assert schema["default"] == value, path
        checked += 1
    assert checked > 50


def _leaves(obj: Any, path: Path_ = ()) -> Iterator[Tuple[Path_, Any]]:
    if isinstance(obj, dict) and obj:
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    else:
        yield path, obj


# --------------------------------------------------------------------------- 3. corpus


@pytest.mark.parametrize("path", corpus_files("edgecore"), ids=lambda p: p.name)
def test_corpus_file_findings_follow_its_api_version(path: Path) -> None:
    if "BROKEN" in broken_notes().get("edgecore/" + path.name, ""):
        pytest.skip("does not parse")
    doc = _load(path)
    api = doc.get("apiVersion") if isinstance(doc, dict) else None
    fits = es.fitting_versions(doc)
    assert fits
    for v in fits:
        errors = es.validate(doc, v)
        assert not [e for e in errors if e.kind in VERSION_KINDS]
        api_errors = [e for e in errors if e.path == ("apiVersion",)]
        if api == "edgecore.config.kubeedge.io/v1alpha2":
            # A real v1alpha2 file loads in the minor it fits: no value edgecore would reject.
            assert not [e for e in errors if e.kind in ("type", "enum", "format", "range", "null")], v
            assert api_errors == []
        elif api is not None:
            assert [e.kind for e in api_errors] == ["enum"]


def _int_deadline_files() -> List[Path]:
    out = []
    for path in corpus_files("edgecore"):
        value = _get(_load(path), "modules.edged.imagePullProgressDeadline")
        if isinstance(value, int) and not isinstance(value, bool):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _int_deadline_files(), ids=lambda p: p.name)
def test_v1alpha1_integer_image_pull_deadline_breaks_1_12_and_1_13(path: Path) -> None:
    """v1alpha1 wrote imagePullProgressDeadline as seconds; v1alpha2 1.12-1.13 reads a Go duration string."""
    doc = _load(path)
    target = ("modules", "edged", "imagePullProgressDeadline")
    for v in VERSIONS:
        kinds = [e.kind for e in es.validate(doc, v) if e.path == target]
        assert kinds == (["type"] if v in ("1.12", "1.13") else ["removed"]), v


@pytest.mark.parametrize(
    "name",
    [
        "gfk-kube__fk-edgecore-indocker__files_edgecore-conf.yml",
        "web-seven__kubeedge-helm__edgecore_default.yaml",
    ],
)
def test_misconfigured_runtime_type_is_a_legacy_key(name: str) -> None:
    doc = _corpus(name)
    m = re.search(r"MISCONFIG runtimeType: (\w+)", _note(name))
    assert m, "SOURCES.tsv note changed"
    assert doc["apiVersion"] == "edgecore.config.kubeedge.io/v1alpha1"
    assert doc["modules"]["edged"]["runtimeType"] == m.group(1)
    for v in VERSIONS:
        (err,) = [e for e in es.validate(doc, v) if e.path == ("modules", "edged", "runtimeType")]
        assert err.kind == "legacy-v1alpha1"
        if int(v.split(".")[1]) <= 17:
            assert err.suggestions == ["containerRuntime"]
            allowed = es.get_validator(v).field_schema(("modules", "edged", "containerRuntime"))["enum"]
            assert m.group(1) not in allowed  # even moved to its v1alpha2 key the value is invalid
        else:
            assert err.suggestions == []


def test_pr5759_kind_dump_has_only_the_corrupted_key() -> None:
    # FACTS.md 11: keadm-generated v1.17 file with a corrupted key make172.167.149.202TablesUtilChains.
    doc = _corpus("kubeedge__kubeedge__docs_install_azure_flatcar_kind_edgecore.yaml")
    assert es.fitting_versions(doc) == ["1.17"]
    (err,) = es.validate(doc, "1.17")
    assert err.path == ("modules", "edged", "tailoredKubeletConfig", "make172.167.149.202TablesUtilChains")
    assert err.kind == "unknown-key" and err.suggestions[0] == "makeIPTablesUtilChains"


def test_pr5759_template_is_clean_for_1_17() -> None:
    doc = _corpus("kubeedge__kubeedge__docs_install_azure_flatcar_k3s_edgecore_template.yaml")
    assert es.fitting_versions(doc) == ["1.17"]
    assert es.validate(doc, "1.17") == []


def test_pr6763_mixed_legacy_keys() -> None:
    # FACTS.md 11: claims v1.17.0+, uses v1alpha1 edged keys, plus keys found in no release.
    doc = _corpus("kubeedge__kubeedge__edge-ai-pc_infra_edgecore-config.yaml")
    found = _by_path(es.validate(doc, "1.17"))
    for key in ("runtimeType", "cgroupDriver", "devicePluginEnabled"):
        assert [e.kind for e in found["modules.edged." + key]] == ["legacy-v1alpha1"]
    assert found["modules.edged.cgroupDriver"][0].suggestions == ["tailoredKubeletConfig.cgroupDriver"]
    assert [e.kind for e in found["modules.metaManager.edgeSite"]] == ["unknown-key"]
    assert [e.kind for e in found["modules.edgeTunnel"]] == ["unknown-key"]


def test_invalid_schema_file_wrong_kind_and_case_duplicate() -> None:
    name = "DEVANSH049__Edge_mlops__edgecore.yaml"
    doc = _corpus(name)
    note = _note(name)
    kind = re.search(r"kind (\w+)", note).group(1)
    api = re.search(r"apiVersion (\S+?),", note).group(1)
    assert (doc["kind"], doc["apiVersion"]) == (kind, api)
    assert "edgeD" in doc["modules"] and "edged" in doc["modules"]
    for v in VERSIONS:
        found = _by_path(es.validate(doc, v))
        assert [e.kind for e in found["kind"]] == ["enum"] and [e.kind for e in found["apiVersion"]] == ["enum"]
        (case,) = found["modules.edgeD"]
        assert case.kind == "case" and case.expected == "edged" and case.suggestions == ["edged"]


def test_pre_v1alpha1_edge_yaml_is_all_unknown() -> None:
    name = "kubeedge__kubeedge__v1.1.0_edge_conf_edge.yaml"
    doc = _corpus(name)
    assert "not EdgeCore kind" in _note(name) and "apiVersion" not in doc
    for v in ("1.12", "1.23"):
        errors = es.validate(doc, v)
        assert {e.path for e in errors} == {(k,) for k in doc}
        assert {e.kind for e in errors} == {"unknown-key"}


def test_keadm_default_dump_is_1_23() -> None:
    name = "nuhakala__orchestration-cost__kube-edge-infra_edgeconfig-default.yaml"
    doc = _corpus(name)
    assert "full default dump" in _note(name)
    assert es.fitting_versions(doc) == ["1.23"]
    assert es.validate(doc, "1.23") == []
    added = {p for p in FACTS_ADDED["1.23"] if _has(doc, p)}
    assert added and {e.dotted for e in es.validate(doc, "1.22")} == added


def test_container_runtime_under_tailored_config_is_unknown() -> None:
    name = "nuhakala__orchestration-cost__kube-edge-infra_edgeconfig.yaml"
    doc = _corpus(name)
    assert "tailoredKubeletConfig.containerRuntime: remote" in _note(name)
    for v in ("1.16", "1.23"):
        (err,) = [e for e in es.validate(doc, v) if e.path[-1] == "containerRuntime"]
        assert err.path == ("modules", "edged", "tailoredKubeletConfig", "containerRuntime")
        assert err.kind == "unknown-key" and "containerRuntimeEndpoint" in err.suggestions


def test_edgemesh_module_is_unknown() -> None:
    name = "bigclouds__deployk8s__kubeedge_edgecore_edgecore.yaml"
    doc = _corpus(name)
    assert "edgeMesh module" in _note(name)
    (err,) = [e for e in es.validate(doc, "1.12") if e.path == ("modules", "edgeMesh")]
    assert err.kind == "unknown-key"


# --------------------------------------------------------------------------- 4. agreement with jsonschema


def _jsonschema_paths(version: str, doc: Any) -> Set[Path_]:
    out: Set[Path_] = set()
    for e in jsonschema.Draft7Validator(es.load_schema(version)).iter_errors(doc):
        base = tuple(e.absolute_path)
        if e.validator == "additionalProperties":
            known = e.schema.get("properties", {})
            out.update(base + (k,) for k in e.instance if k not in known)
        else:
            out.add(base)
    return out


def _walker_paths(version: str, doc: Any) -> Set[Path_]:
    errors = es.validate(doc, version)
    cased = [e.path for e in errors if e.kind == "case"]
    # Under a case-mismatched key the walker also checks the value (edgecore reads it); jsonschema stops.
    return {e.path for e in errors if not any(e.path[: len(c)] == c and e.path != c for c in cased)}


VALID_DOCS: List[Tuple[str, Any]] = [
    ("empty", {}),
    ("nullable slices and maps", {"featureGates": None, "modules": {"edged": {"nodeLabels": None}}}),
    (
        "quantities and numbers",
        {
            "modules": {
                "edged": {
                    "tailoredKubeletConfig": {
                        "reservedMemory": [{"numaNode": 0, "limits": {"memory": "1Gi", "hugepages-2Mi": 0}}],
                        "memoryThrottlingFactor": 1,
                        "maxPods": 110.0,
                        "runtimeRequestTimeout": "1m30.5s",
                        "registerWithTaints": [{"key": "k", "effect": "NoSchedule"}],
                    }
                }
            }
        },
    ),
    ("feature gates", {"featureGates": {"requireAuthorization": True, "AllAlpha": False}}),
]
INVALID_DOCS: List[Tuple[str, Any]] = [
    ("top-level unknown and wrong kind", {"kind": "EdgeCoreConfig", "edgecore": {}}),
    (
        "types",
        {
            "modules": {
                "edgeHub": {"enable": "yes", "heartbeat": "15", "websocket": []},
                "eventBus": {"mqttMode": 3, "mqttQOS": True},
                "edged": {"tailoredKubeletConfig": {"cgroupDriver": "Systemd", "maxPods": 2**40}},
            }
        },
    ),
    ("coerced scalars", {"modules": {"edged": {"podSandboxImage": 3.6, "nodeLabels": {"zone": 1}}}}),
    (
        "durations",
        {
            "modules": {
                "edged": {"tailoredKubeletConfig": {"syncFrequency": "1 minute", "streamingConnectionIdleTimeout": 5}}
            }
        },
    ),
    ("nulls", {"modules": {"edged": None, "edgeHub": {"token": None}}}),
    (
        "arrays",
        {
            "modules": {
                "edged": {
                    "tailoredKubeletConfig": {"clusterDNS": ["10.96.0.10", ["x"]], "enforceNodeAllocatable": "pods"}
                }
            }
        },
    ),
    (
        "array items",
        {
            "modules": {
                "edged": {
                    "tailoredKubeletConfig": {
                        "reservedMemory": [{"numaNode": "0", "limit": {}}, {"limits": {"cpu": [1]}}]
                    }
                }
            }
        },
    ),
    ("unknown gate", {"featureGates": {"RequireAuthorization": True, "moduleRestart": "true"}}),
    ("case mismatch with bad value", {"modules": {"EdgeHub": {"Enable": "x", "heartBeat": 1}}}),
    ("root not a mapping", ["apiVersion"]),
]


@pytest.mark.parametrize("name,doc", VALID_DOCS, ids=[n for n, _ in VALID_DOCS])
@pytest.mark.parametrize("version", ["1.13", "1.17", "1.23"])  # tailoredKubeletConfig.registerWithTaints is 1.13+
def test_valid_documents_agree(version: str, name: str, doc: Any) -> None:
    assert es.validate(doc, version) == []
    assert _jsonschema_paths(version, doc) == set()


@pytest.mark.parametrize("name,doc", INVALID_DOCS, ids=[n for n, _ in INVALID_DOCS])
@pytest.mark.parametrize("version", ["1.12", "1.17", "1.23"])
def test_invalid_documents_agree(version: str, name: str, doc: Any) -> None:
    walker = _walker_paths(version, doc)
    assert walker, "expected findings"
    assert walker == _jsonschema_paths(version, doc)


@pytest.mark.parametrize("path", corpus_files("edgecore"), ids=lambda p: p.name)
def test_corpus_agrees_with_jsonschema(path: Path) -> None:
    doc = _load(path)
    for v in VERSIONS:
        assert _walker_paths(v, doc) == _jsonschema_paths(v, doc), v


@pytest.mark.parametrize("version", DEFAULT_VERSIONS)
def test_defaults_across_minors_agree_with_jsonschema(version: str) -> None:
    doc = _default_doc(version)
    for v in VERSIONS:
        assert _walker_paths(v, doc) == _jsonschema_paths(v, doc), v


# --------------------------------------------------------------------------- walker details


def test_error_kinds_and_messages_for_invalid_types() -> None:
    doc = INVALID_DOCS[1][1]
    found = _by_path(es.validate(doc, "1.17"))
    assert [e.kind for e in found["modules.edgeHub.enable"]] == ["type"]
    assert [e.kind for e in found["modules.edgeHub.heartbeat"]] == ["type"]
    assert [e.kind for e in found["modules.eventBus.mqttMode"]] == ["enum"]
    (cg,) = found["modules.edged.tailoredKubeletConfig.cgroupDriver"]
    assert cg.kind == "enum" and cg.expected == ["cgroupfs", "systemd"] and cg.suggestions == ["systemd"]
    (big,) = found["modules.edged.tailoredKubeletConfig.maxPods"]
    assert big.kind == "range" and big.expected == [-(2**31), 2**31 - 1]


def test_coercion_nulls_and_durations() -> None:
    found = _by_path(es.validate(INVALID_DOCS[2][1], "1.17"))
    (img,) = found["modules.edged.podSandboxImage"]
    assert img.kind == "coerced" and img.suggestions == ["3.6"]
    assert [e.kind for e in found["modules.edged.nodeLabels.zone"]] == ["coerced"]
    found = _by_path(es.validate(INVALID_DOCS[3][1], "1.17"))
    assert [e.kind for e in found["modules.edged.tailoredKubeletConfig.syncFrequency"]] == ["format"]
    # metav1.Duration has its own JSON decoder, so sigs.k8s.io/yaml does not turn 5 into "5".
    assert [e.kind for e in found["modules.edged.tailoredKubeletConfig.streamingConnectionIdleTimeout"]] == ["type"]
    found = _by_path(es.validate(INVALID_DOCS[4][1], "1.17"))
    assert "section becomes nil" in found["modules.edged"][0].message
    assert "keeps the default" in found["modules.edgeHub.token"][0].message


def test_feature_gates_are_exact_names() -> None:
    found = _by_path(es.validate(INVALID_DOCS[7][1], "1.17"))
    (gate,) = found["featureGates.RequireAuthorization"]
    assert gate.kind == "unknown-feature-gate" and gate.suggestions == ["requireAuthorization"]
    assert [e.kind for e in found["featureGates.moduleRestart"]] == ["type"]
    # FACTS.md 7.2: moduleRestart exists from 1.17, DisableCSIVolumePlugin only in 1.21.
    (old,) = es.validate({"featureGates": {"moduleRestart": True}}, "1.16")
    assert old.kind == "unknown-feature-gate" and old.expected == ["1.17-1.23"]
    assert es.validate({"featureGates": {"DisableCSIVolumePlugin": True}}, "1.21") == []
    assert [e.kind for e in es.validate({"featureGates": {"DisableCSIVolumePlugin": True}}, "1.22")] == [
        "unknown-feature-gate"
    ]


def test_case_mismatch_is_read_and_checked() -> None:
    found = _by_path(es.validate(INVALID_DOCS[8][1], "1.17"))
    assert [(e.kind, e.expected) for e in found["modules.EdgeHub"]] == [("case", "edgeHub")]
    # edgecore reads EdgeHub.Enable into edgeHub.enable, so its bad value is reported too.
    assert [(e.kind, e.expected) for e in found["modules.EdgeHub.Enable"]] == [("case", "enable"), ("type", "boolean")]
    assert [(e.kind, e.expected) for e in found["modules.EdgeHub.heartBeat"]] == [("case", "heartbeat")]


def test_unknown_key_suggestions_are_lazy_and_close() -> None:
    (err,) = es.validate({"modules": {"edged": {"podSandBoxImage": "x"}}}, "1.17")
    assert err.kind == "case"
    (err,) = es.validate({"modules": {"edged": {"podSandboxImg": "x"}}}, "1.17")
    assert err.kind == "unknown-key" and err._suggestions is None  # not computed yet
    assert err.suggestions == ["podSandboxImage"]
    assert err.as_dict()["suggestions"] == ["podSandboxImage"]


def test_version_lookup() -> None:
    assert es.available_versions() == VERSIONS
    assert es.normalize_version("v1.17.3") == "1.17" and es.normalize_version("1.23") == "1.23"
    with pytest.raises(es.UnknownVersionError):
        es.load_schema("1.11")
    with pytest.raises(es.UnknownVersionError):
        es.normalize_version("latest")
    assert es.get_validator("v1.20.0") is es.get_validator("1.20")
    v = es.get_validator("1.20")
    assert v.field_schema(("modules", "edged", "rootDirectory"))["default"] == "/var/lib/kubelet"
    assert v.field_schema(("modules", "edged", "nodeLabels", "anything"))["type"] == "string"
    assert v.field_schema(("modules", "edged", "tailoredKubeletConfig", "reservedMemory", 0, "numaNode")) is not None
    assert v.field_schema(("modules", "edged", "remoteRuntimeEndpoint")) is None


def test_bundle_holds_exactly_the_published_schemas() -> None:
    """What the validator compiles (the deduplicated bundle) is each schemas/edgecore/v*.json without
    the annotations it never reads, and sub-schemas that are the same in several minors are one
    shared object (compiled once)."""
    def without(schema, keys):
        """The schema with `keys` removed at every sub-schema."""
        out = {k: v for k, v in schema.items() if k not in keys}
        if isinstance(out.get("properties"), dict):
            out["properties"] = {k: without(v, keys) for k, v in out["properties"].items()}
        for k in ("additionalProperties", "items"):
            if isinstance(out.get(k), dict) and out[k]:
                out[k] = without(out[k], keys)
        return out

    added = (es.COUNT_CLASS, es.COUNTS_BELOW)  # the bundle's additions, for version inference

    for v in VERSIONS:
        published = json.loads((ROOT / "schemas" / "edgecore" / ("v%s.json" % v)).read_text(encoding="utf-8"))
        assert es.load_schema(v) == published, v
        runtime = es.runtime_schema(v)
        assert without(runtime, added) == without(published, es.RUNTIME_DROPS), v
    a, b = es.runtime_schema("1.22"), es.runtime_schema("1.23")
    assert a["properties"]["modules"]["properties"]["edged"] is not None
    shared = [k for k in a["properties"] if k in b["properties"] and a["properties"][k] is b["properties"][k]]
    assert shared, "identical sub-schemas of neighbouring minors should be shared"
    assert es.get_validator("1.22").root.props[shared[0]] is es.get_validator("1.23").root.props[shared[0]]


def test_schema_dirs_cover_source_and_installed_layouts() -> None:
    pkg = Path(es.__file__).resolve().parent
    assert es.SCHEMA_DIRS == (str(pkg / "schemas" / "edgecore"), str(pkg.parent / "schemas" / "edgecore"))


def test_version_key_count_agrees_with_validate() -> None:
    """count_version_keys (used to infer the release) counts exactly the version findings of validate."""
    import glob

    import yaml

    files = []
    if KE is not None:
        files += sorted(glob.glob(str(KE / "*.yaml")))
        files += sorted(glob.glob(str(KE.parent.parent / "corpus" / "edgecore" / "*")))
    docs = []
    for f in files:
        try:
            docs.append(yaml.safe_load(open(f, encoding="utf-8")))
        except yaml.YAMLError:
            continue
    docs.append({"modules": {"edged": {"remoteRuntimeEndpoint": "x", "RemoteImageEndpoint": "y",
                                        "tailoredKubeletConfig": {"containerRuntime": "remote"}}}})
    for v in es.available_versions():
        validator = es.get_validator(v)
        for d in docs:
            want = sum(e.kind in es.VERSION_KINDS for e in validator.validate(d))
            assert validator.count_version_keys(d) == want, (v, d if len(str(d)) < 200 else "...")
