"""Schema rules (CTD020/021, CRIO010/011, DKR010/011) and the walker behind them, on real files.

* The walker (rtlint/schema.py) reports the same errors at the same instance
  paths as jsonschema's Draft7Validator on every corpus file and reference file
  of these kinds, and on small documents made to hit each keyword.
* Every schema error in the corpus is reported by exactly one finding, from a
  schema rule or from the rule that owns that kind of problem (reviewed table
  below; docs/runtime-schemas.md lists the same errors), and the schema rules
  are silent everywhere else.
* --fix with the schema rules is idempotent on the corpus and leaves files that
  parse and no longer show the fixed errors.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest
from conftest import ROOT, corpus_files
from jsonschema import Draft7Validator

from rtlint import detect, kinds
from rtlint import schema as S
from rtlint.document import Document
from rtlint.loader import load
from rtlint.rule import Context, Finding, NodeRule
from rtlint.rules import ALL_RULES
from rtlint.rules.schema import RULES
from rtlint.rules.schema._common import checked
from rtlint.runner import run_file
from rtlint.versions import Version

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

SCHEMA_CODES = {cls.code for cls in RULES}
SCHEMA_RULES = [r for r in ALL_RULES if r.code in SCHEMA_CODES]
KINDS = ("containerd", "crio", "docker")
ErrKey = Tuple[str, Tuple[Any, ...]]


# ------------------------------------------------------------------ walker vs jsonschema
def jsonschema_errors(schema: Dict[str, Any], doc: Any) -> Set[ErrKey]:
    """Draft7Validator's errors as (kind, instance path), one per offending key (like tests/test_runtime_schemas)."""
    out: Set[ErrKey] = set()
    for err in Draft7Validator(schema).iter_errors(doc):
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties":
            props = err.schema.get("properties", {})
            patterns = err.schema.get("patternProperties", {})
            for key in err.instance:
                if key not in props and not any(re.search(rx, key) for rx in patterns):
                    out.add((S.UNKNOWN, path + (key,)))
        elif err.validator == "enum" and err.validator_value == []:
            out.add((S.FORBIDDEN, path))
        else:
            out.add((str(err.validator), path))
    return out


def walker_errors(name: str, doc: Any) -> Set[ErrKey]:
    errors = S.validate(doc, name)
    keys = {(e.kind, e.path) for e in errors}
    assert len(keys) == len(errors), "the walker reported an error twice"
    return keys


def parsed(path: Path, kind: str) -> Optional[Any]:
    if kind == "docker":
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if text.strip() else None
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError:
        return None  # BROKEN files are test_runtime_schemas' business


def schema_of(kind: str, doc: Any) -> Optional[str]:
    if kind == "containerd":
        v = doc.get("version", 1) or 1
        return S.containerd_schema(v) if v in S.CONTAINERD_VERSIONS else None
    return S.CRIO if kind == "crio" else S.DOCKER


# corpus files of these kinds that parse (the BROKEN ones are RT001's, see test_runtime_schemas)
CORPUS = [pytest.param(p, k, id=f"{k}/{p.name}") for k in KINDS for p in corpus_files(k) if parsed(p, k) is not None]


@pytest.mark.parametrize("path,kind", CORPUS)
def test_walker_agrees_with_jsonschema_on_corpus(path: Path, kind: str) -> None:
    doc = parsed(path, kind)
    name = schema_of(kind, doc)
    assert name is not None, path.name
    assert walker_errors(name, doc) == jsonschema_errors(S.load_schema(name), doc)


def test_walker_agrees_with_jsonschema_on_reference_files(shared: Path) -> None:
    ref = shared / "reference" / "runtimes"
    files = sorted(ref.glob("*.toml")) + [ref / "crio-packaging-bundle-10-crio.conf"]
    assert len(files) >= 6
    for f in files:
        doc = parsed(f, "crio" if "crio" in f.name else "containerd")
        assert doc is not None, f.name
        name = S.CRIO if "crio" in f.name else schema_of("containerd", doc)
        assert name is not None
        assert walker_errors(name, doc) == jsonschema_errors(S.load_schema(name), doc), f.name


# Documents that hit each keyword the schemas use, including draft-07's corners: a wrong type
# is still checked against `enum`; `properties` and `patternProperties` both apply; booleans are
# not integers; 5.0 is an integer; TOML dates match no JSON type.
SYNTHETIC: List[Tuple[str, Any]] = [
    ("containerd/v1.json", {"version": True, "root": 5, "subreaper": True, "plugins": {"cri": {"sandbox_image": 3}}}),
    ("containerd/v1.json", {"version": 1.0, "oom_score": 5.0, "plugins": {"io.containerd.grpc.v1.cri": {}}}),
    ("containerd/v2.json", {"version": "2", "disabled_plugins": "cri", "plugins": {
        "cri": {}, "com.example.x.v1": {}, "io.containerd.snapshotter.v1.stargz": {"root_path": 1},
        "io.containerd.metadata.v1.bolt": {"content_sharing_policy": "Shared"},
        "io.containerd.grpc.v1.cri": {"stream_server_port": 10010, "containerd": {"runtimes": {"runc": {
            "SystemdCgroup": True, "options": {"SystemdCGroup": True, "Root": 1, "root": "/r", "Bogus": 1},
            "pod_annotations": ["a", 1]}}}}}}),
    ("containerd/v3.json", {"version": 3, "plugins": {
        "io.containerd.monitor.v1.cgroups": {"no_prometheus": True},
        "io.containerd.cri.v1.runtime": {"systemd_cgroup": False, "containerd": {"runtimes": {"kata": {
            "sandbox_mode": "shim", "io_type": "pipe", "runtime_root": "/x"}}}},
        "io.containerd.grpc.v1.cri": {"stream_server_port": "0", "enable_selinux": True}}}),
    ("containerd/v4.json", {"version": 4, "grpc": {"address": "/s"}, "debug": {"address": "/d", "level": "info"},
                            "plugins": {"cri": {}}}),
    ("crio.json", {"crio": {"storage": {}, "runtime": {"pids_limit": "x", "cgroup_manager": 1,
                                                       "runtimes": {"crun": {"monitor_exec_group": ""}}},
                            "image": {"registries": {"a": 1}}}, "plugins": {}}),
    ("crio.json", {"crio": {"api": {"stream_port": 10010}, "runtime": {"workloads": {"w": {"resources": {"cpu": 1}}}},
                            "stats": {"collection_period": "1m"}, "Runtime": {}}}),
    ("docker-daemon.json", {"graph": "/g", "exec-opt": ["x"], "exec-opts": "x", "log-opts": {"max-file": 3},
                            "proxies": {"foo": 1, "http-proxy": 5}, "default-cgroupns-mode": "Private",
                            "runtimes": {"r": {"Path": "/x", "runtimeArgs": "a"}},
                            "default-address-pools": [{"base": "10.0.0.0/8", "size": "24", "x": 1}],
                            "default-ulimits": {"nofile": {"Hard": "1", "extra": True}}, "debug": None}),
]


@pytest.mark.parametrize("name,doc", SYNTHETIC, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SYNTHETIC)])
def test_walker_agrees_with_jsonschema_on_synthetic_documents(name: str, doc: Any) -> None:
    mine = walker_errors(name, doc)
    assert mine, "each synthetic document is made to be invalid"
    assert mine == jsonschema_errors(S.load_schema(name), doc)


def test_walker_handles_toml_dates_like_jsonschema() -> None:
    doc = tomllib.loads('root = 1979-05-27\n[plugins.cri]\nsandbox_image = 07:32:00\n')
    assert walker_errors("containerd/v1.json", doc) == jsonschema_errors(S.load_schema("containerd/v1.json"), doc) \
        == {(S.TYPE, ("root",)), (S.TYPE, ("plugins", "cri", "sandbox_image"))}


def test_walker_errors_carry_the_schema_nodes() -> None:
    doc = {"version": 3, "plugins": {"io.containerd.monitor.v1.cgroups": {}, "io.containerd.cri.v1.runtime": {
        "sandbox_image": "x"}}}
    by_path = {e.path: e for e in S.validate(doc, "containerd/v3.json")}
    forbidden = by_path[("plugins", "io.containerd.monitor.v1.cgroups")]
    assert forbidden.kind == S.FORBIDDEN
    assert forbidden.node is not None
    assert forbidden.node.get("x-rtlint-moved-to") == "io.containerd.monitor.task.v1.cgroups"
    unknown = by_path[("plugins", "io.containerd.cri.v1.runtime", "sandbox_image")]
    assert unknown.kind == S.UNKNOWN and unknown.node is None and unknown.parent is not None
    assert "pinned_images" in unknown.parent.get("x-rtlint-moved")["sandbox_image"]["to"]


def test_schemas_load_lazily_from_the_tree_and_are_cached() -> None:
    assert S.schema_file("containerd/v2.json") in (str(ROOT / "rtlint" / "schemas" / "containerd" / "v2.json"),
                                                   str(ROOT / "schemas" / "containerd" / "v2.json"))
    assert S.get_validator("crio.json") is S.get_validator("crio.json")
    assert S.load_schema("docker-daemon.json") is S.get_validator("docker-daemon.json").schema
    with pytest.raises(ValueError):
        S.containerd_schema(5)


def test_walker_refuses_keywords_it_does_not_implement() -> None:
    """The schemas use a small subset; a keyword outside it must not be silently ignored."""
    for name in ("containerd/v1.json", "containerd/v2.json", "containerd/v3.json", "containerd/v4.json",
                 S.CRIO, S.DOCKER):
        S.get_validator(name)  # compiles
    with pytest.raises(ValueError, match="anyOf"):
        S.Validator({"type": "object", "properties": {"a": {"anyOf": [{"type": "string"}]}}})
    with pytest.raises(ValueError, match="required"):
        S.Validator({"type": "object", "required": ["a"]})


# ------------------------------------------------------------------ corpus behaviour
# file -> schema error ("kind: a/b/c") -> (rule, line, column) of the one finding that reports it.
# The schema rules take what no other rule owns; the rest is reported once by its owner:
# CTD003 (plugin tables of another config version; one finding for all full-URI tables of a
# version-1 file), CTD006 (SystemdCgroup in the wrong place), CTD009 (sandbox image in the wrong
# place), CRIO004 (a CRI-O key in another CRI-O table), CRIO005 (removed keys).
EXPECTED: Dict[str, Dict[str, Tuple[str, int, int]]] = {
    "containerd/AERO-Project-EU__faas_platform__etc_containerd_config.toml": {
        # typo of privileged_without_host_devices (1.6.20 config dump drops it); unsafe rename
        "unknown-key: plugins/io.containerd.grpc.v1.cri/containerd/runtimes/kata-fc/privileged_without_host_device":
            ("CTD020", 116, 11),
    },
    "containerd/Alberthua-Perl__kani__files_containerd_config.toml": {
        "unknown-key: isabled_plugins": ("CTD020", 1, 1),  # typo; value [] is the default: safe rename
        "unknown-key: plugins/io.containerd.grpc.v1.cri/image_decryption/sandbox_image": ("CTD009", 130, 5),
    },
    "containerd/bigclouds__deployk8s__containerd_config.toml-harbor": {
        "forbidden: plugins/io.containerd.grpc.v1.cri": ("CTD003", 33, 3),
    },
    "containerd/dd0c__kubernetes__files_etc_containerd_config.toml": {
        "unknown-key: plugins/io.containerd.grpc.v1.cri/sandbox_image": ("CTD009", 118, 5),
    },
    "containerd/fifthl__middle-conf__containerd_config.toml": {
        # not a CRI registry key at any tag; nothing close, so the message lists the table's keys
        "unknown-key: plugins/io.containerd.grpc.v1.cri/registry/plain-http": ("CTD020", 146, 7),
    },
    "containerd/fisherxu__edgecore-indocker__files_etc_containerd_config.toml": {
        # tolerate_missing_hugetlb_controller; the value true is its default: safe rename
        "unknown-key: plugins/io.containerd.grpc.v1.cri/tolerate_missing_hugepages_controller": ("CTD020", 27, 3),
    },
    "containerd/gfk-kube__fk-edgecore-indocker__files_etc_containerd_config.toml-org": {
        "unknown-key: plugins/io.containerd.grpc.v1.cri/tolerate_missing_hugepages_controller": ("CTD020", 41, 3),
    },
    "containerd/krisnova__kryptid__etc_containerd_config.toml": {
        "forbidden: plugins/io.containerd.grpc.v1.cri": ("CTD003", 1, 2),
    },
    "containerd/markkuleppala__disco__config2.toml": {
        "forbidden: plugins/cri": ("CTD003", 44, 5),
    },
    "containerd/moriT958__install-kubeadm__roles_containerd_templates_config.toml.j2": {
        "unknown-key: plugins/io.containerd.cri.v1.runtime/sandbox_image": ("CTD009", 5, 5),
    },
    "containerd/omriashke__kubernetes__containerd_config.toml": {
        # the v2-style containerd table in a version 3 file holds only SystemdCgroup, which CTD006
        # reports where it is written (CTD003 leaves tables whose only content another rule owns)
        "unknown-key: plugins/io.containerd.grpc.v1.cri/containerd": ("CTD006", 42, 5),
        "unknown-key: plugins/io.containerd.grpc.v1.cri/sandbox_image": ("CTD009", 134, 5),
    },
    "containerd/ryuchoon9__cicd__ArgoCD_config.toml": {
        "forbidden: plugins/io.containerd.grpc.v1.cri": ("CTD003", 1, 2),
    },
    "containerd/thesayyn__gameey.io__containerd_config.toml": {
        # never a containerd key; no_subreaper (1.0) means the opposite, so no suggestion or fix
        "unknown-key: subreaper": ("CTD020", 1, 1),
    },
    "containerd/thorrgal__kub_conf__config.toml": {
        # one CTD003 finding names all full-URI tables of this version-1 file
        "forbidden: plugins/io.containerd.monitor.v1.cgroups": ("CTD003", 25, 3),
        "forbidden: plugins/io.containerd.service.v1.diff-service": ("CTD003", 25, 3),
        "forbidden: plugins/io.containerd.gc.v1.scheduler": ("CTD003", 25, 3),
        "forbidden: plugins/io.containerd.runtime.v2.task": ("CTD003", 25, 3),
        "forbidden: plugins/io.containerd.service.v1.tasks-service": ("CTD003", 25, 3),
        "forbidden: plugins/io.containerd.grpc.v1.cri": ("CTD003", 25, 3),
    },
    "crio/GreatPyreneseDad__TraderAI__crio.conf": {
        # [crio] root keys and [crio.runtime] keys repeated in a handler: CRIO004 names their table
        **{"unknown-key: crio/" + k: ("CRIO004", line, 1) for k, line in (
            ("network_dir", 21), ("plugin_dirs", 24), ("log_level", 28), ("log_size_max", 29),
            ("log_to_journald", 30))},
        **{"unknown-key: crio/runtime/runtimes/runc/" + k: ("CRIO004", line, 1) for k, line in (
            ("apparmor_profile", 45), ("selinux", 46), ("default_capabilities", 48), ("hooks_dir", 61),
            ("default_ulimits", 64), ("pids_limit", 70), ("log_size_max", 71), ("no_pivot", 74),
            ("conmon", 75), ("conmon_cgroup", 76), ("conmon_env", 77), ("default_env", 82))},
        # workload resources are cpushares/cpuquota/...; cpu and memory do not exist
        **{"unknown-key: crio/runtime/workloads/%s/resources/%s" % (w, r): ("CRIO010", line, col)
           for w, line, cols in (("trading", 122, (15, 32)), ("ml-processing", 128, (15, 32)),
                                 ("database", 134, (15, 31)), ("api", 140, (15, 32)))
           for r, col in zip(("cpu", "memory"), cols)},
        # invented tables
        "unknown-key: crio/runtime/security_profiles": ("CRIO010", 143, 1),
        "unknown-key: crio/runtime/lifecycle": ("CRIO010", 160, 1),
        "unknown-key: crio/runtime/monitoring": ("CRIO010", 174, 1),
        "unknown-key: crio/runtime/logging": ("CRIO010", 180, 1),
        "unknown-key: crio/runtime/performance": ("CRIO010", 188, 1),
        "unknown-key: crio/network/performance": ("CRIO010", 201, 1),
        "unknown-key: crio/storage": ("CRIO010", 208, 2),  # only [crio.storage.performance] is written
        # [crio.image.registries] as a table: registries was a list of strings; CRI-O fails to decode
        "type: crio/image/registries": ("CRIO011", 101, 1),
    },
    "crio/Teachh__K3S-with-CRI-O__crio.conf": {
        "unknown-key: crio/runtime/registries": ("CRIO005", 6, 1),
    },
    "crio/Teachh__K3S-with-CRI-O__roles_crio_configure_files_crio.conf": {
        "unknown-key: crio/runtime/userns_max": ("CRIO010", 16, 5),  # not a CRI-O key at any tag
        "unknown-key: crio/runtime/registries": ("CRIO005", 19, 5),
    },
    "crio/eplightning__userns-nested-containers__crio.conf": {
        # typo of monitor_exec_cgroup: one edit away, monitor_cgroup is not: unsafe rename
        "unknown-key: crio/runtime/runtimes/crun/monitor_exec_group": ("CRIO010", 38, 1),
    },
    "crio/kapilrajyaguru__Watson-Knowledge-Catalog-Installation__crio.conf": {
        "unknown-key: crio/metrics/pids_limit": ("CRIO004", 57, 1),
    },
    "crio/raravena80__kubeinstall__crio.conf": {
        "unknown-key: crio/api/file_locking": ("CRIO005", 56, 1),
    },
    "crio/sk8s-co__kubelet__etc_crio_crio.conf": {
        "unknown-key: crio/storage": ("CRIO010", 9, 1),
    },
}
# Keys valid in the schema (each was read by some release) that a schema rule reports anyway.
EXPECTED_EXTRA: Dict[str, List[Tuple[str, int, int]]] = {
    # "graph": removed in Docker 23.0 (fatal from then on); the old name of data-root: safe rename
    "docker/QskytimQ__deploy-k8s__docker-ce_daemon.json": [("DKR010", 3, 5)],
}
# What --fix (with --unsafe-fixes where noted) does on the corpus: file -> [(old line, new line)].
EXPECTED_FIXES: Dict[str, Tuple[bool, List[Tuple[str, str]]]] = {
    "containerd/Alberthua-Perl__kani__files_containerd_config.toml": (True, [
        ("isabled_plugins = []", "disabled_plugins = []")]),
    "containerd/fisherxu__edgecore-indocker__files_etc_containerd_config.toml": (True, [
        ("tolerate_missing_hugepages_controller = true", "tolerate_missing_hugetlb_controller = true")]),
    "containerd/gfk-kube__fk-edgecore-indocker__files_etc_containerd_config.toml-org": (True, [
        ("tolerate_missing_hugepages_controller = true", "tolerate_missing_hugetlb_controller = true")]),
    "containerd/AERO-Project-EU__faas_platform__etc_containerd_config.toml": (False, [
        ("privileged_without_host_device = true", "privileged_without_host_devices = true")]),
    "crio/eplightning__userns-nested-containers__crio.conf": (False, [
        ('monitor_exec_group = ""', 'monitor_exec_cgroup = ""')]),
    "docker/QskytimQ__deploy-k8s__docker-ce_daemon.json": (True, [
        ('"graph":"{{ docker_path }}",', '"data-root":"{{ docker_path }}",')]),
}


def _run(path: Path, kind: str, rules: Any = ALL_RULES, **kw: Any) -> Any:
    return run_file(str(path), rules, Context(), kind=kind, **kw)


def _error_keys(doc: Document) -> Dict[str, Any]:
    c = checked(doc)
    assert c is not None
    return {"%s: %s" % (e.kind, "/".join(str(p) for p in e.path)): e for e in c.errors}


def _spans(doc: Document, path: Tuple[Any, ...]) -> Set[Tuple[int, int]]:
    entry = doc.entry(path)
    assert entry is not None, path
    return {(s.start, s.end) for s in (entry.key_span, entry.value_span) if s is not None}


def _at(findings: List[Finding], code: str, line: int, column: int) -> List[Finding]:
    return [f for f in findings if (f.code, f.span.line, f.span.column) == (code, line, column)]


def test_expectations_name_real_files(corpus_dir: Path) -> None:
    for rel in list(EXPECTED) + list(EXPECTED_EXTRA) + list(EXPECTED_FIXES):
        assert (corpus_dir / rel).is_file(), rel
    for seen in (s for r in SCHEMA_RULES for s in r.seen_in):
        assert (corpus_dir / seen).is_file(), seen


def test_seen_in_files_show_their_rule(corpus_dir: Path) -> None:
    for rule in SCHEMA_RULES:
        for rel in rule.seen_in:
            kind = rel.split("/")[0]
            result = _run(corpus_dir / rel, kind)
            assert any(f.rule is rule for f in result.findings), (rule.code, rel)


@pytest.mark.parametrize("path,kind", CORPUS)
def test_corpus_schema_errors_are_each_reported_once(path: Path, kind: str) -> None:
    result = _run(path, kind)
    rel = f"{kind}/{path.name}"
    doc = result.doc
    assert doc is not None
    expected = EXPECTED.get(rel, {})
    errors = _error_keys(doc)
    assert set(errors) == set(expected)
    findings = result.findings
    for key, (code, line, column) in expected.items():
        owner = _at(findings, code, line, column)
        assert len(owner) == 1, (key, [(f.code, f.span.line, f.span.column) for f in findings])
        # nothing else points at the key: one problem, one finding
        at_key = [f for f in findings if (f.span.start, f.span.end) in _spans(doc, errors[key].path)]
        assert all(f is owner[0] for f in at_key), (key, [f.code for f in at_key])
    mine = sorted((f.code, f.span.line, f.span.column) for f in findings if f.code in SCHEMA_CODES)
    wanted = sorted({v for v in expected.values() if v[0] in SCHEMA_CODES} | set(EXPECTED_EXTRA.get(rel, [])))
    assert mine == wanted


@pytest.mark.parametrize("path,kind", CORPUS)
def test_schema_findings_never_share_a_span_with_another_rule(path: Path, kind: str) -> None:
    result = _run(path, kind)
    others = {(f.span.start, f.span.end) for f in result.findings if f.code not in SCHEMA_CODES}
    for f in result.findings:
        if f.code in SCHEMA_CODES:
            assert (f.span.start, f.span.end) not in others, f.message


@pytest.mark.parametrize("path,kind", CORPUS)
def test_fix_is_idempotent_and_keeps_files_parseable(path: Path, kind: str, tmp_path: Path) -> None:
    rel = f"{kind}/{path.name}"
    for unsafe in (False, True):
        first = _run(path, kind, SCHEMA_RULES, fixing=True, unsafe=unsafe)
        assert first.doc is not None
        if first.fixed_text is None:
            continue
        out = tmp_path / path.name
        out.write_text(first.fixed_text, encoding="utf-8")
        again = _run(out, kind, SCHEMA_RULES, fixing=True, unsafe=unsafe)
        assert again.doc is not None and again.fixed_text is None
        load(str(out), kind)  # parses
        # no schema error appears that was not there before
        assert set(_error_keys(again.doc)) <= set(_error_keys(load(str(path), kind))), rel
    safe_only, pairs = EXPECTED_FIXES.get(rel, (True, []))
    for unsafe in (False, True):
        result = _run(path, kind, SCHEMA_RULES, fixing=True, unsafe=unsafe)
        if not pairs or (not unsafe and not safe_only):
            assert result.fixed_text is None, (rel, unsafe)
            continue
        assert result.fixed_text is not None, (rel, unsafe)
        old_lines = [ln.strip() for ln in result.original_text.splitlines()]
        new_lines = [ln.strip() for ln in result.fixed_text.splitlines()]
        changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
        assert len(old_lines) == len(new_lines) and changed == pairs


# ------------------------------------------------------------------ coordination with other rules
def _other_bad_examples() -> List[Any]:
    out = []
    for rule in ALL_RULES:
        if rule.code in SCHEMA_CODES or rule.code.startswith("RT") or isinstance(rule, NodeRule):
            continue
        if not set(rule.kinds) & {kinds.CONTAINERD, kinds.CRIO, kinds.DOCKER}:
            continue
        for i, ex in enumerate(rule.bad):
            if detect.detect(ex.filename, ex.text) in KINDS:
                out.append(pytest.param(rule, ex, id=f"{rule.code}-bad{i}"))
    return out


@pytest.mark.parametrize("rule,ex", _other_bad_examples())
def test_schema_rules_stay_off_what_other_rules_report(rule: Any, ex: Any, tmp_path: Path) -> None:
    """On every other containerd/CRI-O/Docker rule's bad examples, no schema finding doubles one of its findings."""
    path = tmp_path / ex.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ex.text, encoding="utf-8")
    ctx = Context()
    for key, value in ex.options:
        if key.endswith("_version"):
            value = Version.parse(value)
        setattr(ctx, key, value)
    result = run_file(str(path), ALL_RULES, ctx)
    assert result.doc is not None and result.doc.kind in KINDS
    theirs = [f for f in result.findings if f.rule is rule]
    assert theirs, "the example should show its own rule"
    spans = {(f.span.start, f.span.end) for f in theirs}
    doubled = [f.message for f in result.findings if f.code in SCHEMA_CODES and (f.span.start, f.span.end) in spans]
    assert not doubled
