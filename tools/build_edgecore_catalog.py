#!/usr/bin/env python3
"""Derive rtlint/data/edgecore_catalog.json from the shared edgecore facts.

Why a catalog: the shared `edgecore-fields.json` repeats every field for every
KubeEdge minor (1.12-1.23) and lives outside the repository. The catalog keeps
the same facts as version *ranges* (`"1.12-1.17": value`), is committed, and is
the only input of tools/gen_edgecore_schemas.py, so the package never needs
../shared at run time.

Version facts used (all from /work/shared/reference/kubeedge/FACTS.md and the
JSON next to it, which were read from github.com/kubeedge/kubeedge at the
newest patch tag of each minor, see FACTS.md section 0):

* field set, JSON names, Go types, omitempty: `types.go` of the edgecore
  v1alpha2 config -- `pkg/apis/componentconfig/edgecore/v1alpha2/types.go`
  (1.12-1.18, "P1") and `staging/src/github.com/kubeedge/api/apis/
  componentconfig/edgecore/v1alpha2/types.go` (1.19+, "P2"); for 1.12 the
  `tailoredKubeletConfig` subtree is upstream `k8s.io/kubelet`
  `config/v1beta1/types.go` v0.22.6 (FACTS.md section 5).
* defaults: P1|P2 `default.go`, `default_kubelet_configuration.go`,
  `default_others.go` and `common/constants/default*.go` (FACTS.md section 6,
  Appendix B); descriptive defaults (host-dependent values, patch-level
  differences) are kept as text, not as literal defaults.
* enums: `cgroupDriver` in {cgroupfs, systemd} (edgecore validation,
  `P1|P2/validation/validation.go`, FACTS.md 7.1 row 4); `eventBus.mqttMode`
  in [0,2] (same file, row 8); `containerRuntime` docker|remote (1.12-1.13)
  and remote (1.14-1.17) (FACTS.md section 4); `mqttQOS` 0-2 (doc comment).
* apiVersion `edgecore.config.kubeedge.io/v1alpha2` / kind `EdgeCore` for all
  minors (`P1|P2/register.go`, FACTS.md section 2); edgecore does not check
  them, the catalog records them as the expected values.
* top-level `featureGates` names per minor (`pkg/features/features.go`,
  FACTS.md 7.2; component-base `SetFromMap` rejects unknown names, and also
  knows `AllAlpha`/`AllBeta`). These are not in edgecore-fields.json and are
  added here as a supplement.
* `registerWithTaints` items: Kubernetes `core/v1` Taint {key, value, effect,
  timeAdded} (itemsNote in edgecore-fields.json), also a supplement.
* v1alpha1-only `modules.edged` keys (`legacyV1alpha1EdgedFieldNames`, from
  `.../edgecore/v1alpha1/types.go` at v1.12.7, FACTS.md section 2).

Usage: python tools/build_edgecore_catalog.py [FIELDS_JSON] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "reference" / "kubeedge" / "edgecore-fields.json"
DEFAULT_OUTPUT = ROOT / "rtlint" / "data" / "edgecore_catalog.json"
INPUT_LABEL = "shared/reference/kubeedge/edgecore-fields.json"

P1 = "pkg/apis/componentconfig/edgecore/v1alpha2"
P2 = "staging/src/github.com/kubeedge/api/apis/componentconfig/edgecore/v1alpha2"
TKC = "modules.edged.tailoredKubeletConfig"

# Facts that FACTS.md states but edgecore-fields.json does not carry.
FEATURE_GATES: List[Tuple[str, str, Optional[str]]] = [
    # (gate, first minor, first minor without it)
    ("requireAuthorization", "1.12", None),
    ("moduleRestart", "1.17", None),
    ("disableNodeTaskV1alpha2", "1.21", None),
    ("DisableCSIVolumePlugin", "1.21", "1.22"),
    ("AllAlpha", "1.12", None),
    ("AllBeta", "1.12", None),
]
FEATURE_GATE_SOURCE = (
    "pkg/features/features.go at each tag (FACTS.md 7.2); AllAlpha/AllBeta are added by "
    "k8s.io/component-base featuregate; unknown names make edgecore exit (SetFromMap)"
)
TAINT_FIELDS: List[Tuple[str, str, str]] = [
    ("key", "string", "string"),
    ("value", "string", "string"),
    ("effect", "string", "v1.TaintEffect"),
    ("timeAdded", "string", "*metav1.Time"),
]
TAINT_SOURCE = (
    "k8s.io/api core/v1 Taint; itemsNote in edgecore-fields.json ('Kubernetes Taint {key,value,effect,timeAdded}')"
)
# v1alpha1 `modules.edged` keys whose v1alpha2 home is known: keadm join writes --runtimetype to
# containerRuntime (keadm/cmd/keadm/app/cmd/edge/join.go), and the other pairs are fed by the same
# default constant in v1alpha1/default.go and v1alpha2/default.go at v1.12.7. Paths are relative to
# modules.edged; the generator uses the first that exists in a minor. Keys with the same name under
# tailoredKubeletConfig (cgroupDriver, cgroupRoot, ...) are matched by the generator itself.
LEGACY_REPLACEMENTS: Dict[str, List[str]] = {
    "runtimeType": ["containerRuntime"],
    "dockerAddress": ["dockerEndpoint"],
    "imageGCHighThreshold": ["tailoredKubeletConfig.imageGCHighThresholdPercent"],
    "imageGCLowThreshold": ["tailoredKubeletConfig.imageGCLowThresholdPercent"],
    "cniCacheDirs": ["cniCacheDir"],
}
LEGACY_REPLACEMENTS_SOURCE = (
    "keadm join.go (--runtimetype -> Modules.Edged.ContainerRuntime); shared constants DefaultRuntimeType, "
    "DefaultDockerAddress, DefaultImageGC*Threshold, DefaultCNICacheDir in v1alpha1/default.go and "
    "v1alpha2/default.go at v1.12.7"
)
# Fields whose setting moved to another key in a later minor (FACTS.md sections 4, 4.1 and 8:
# keadm 1.16+ writes --remote-runtime-endpoint to the tailoredKubeletConfig keys; the 1.13+ doc
# comments point registerNode/registerWithTaints at tailoredKubeletConfig).
MOVED_TO: Dict[str, Tuple[str, str]] = {
    "modules.edged.remoteRuntimeEndpoint": (
        TKC + ".containerRuntimeEndpoint",
        "edge/pkg/edged/config/config.go 1.16+ reads tailoredKubeletConfig.containerRuntimeEndpoint (FACTS.md 4.1)",
    ),
    "modules.edged.remoteImageEndpoint": (
        TKC + ".imageServiceEndpoint",
        "edge/pkg/edged/config/config.go 1.16+ reads tailoredKubeletConfig.imageServiceEndpoint (FACTS.md 4.1)",
    ),
    "modules.edged.registerNode": (TKC + ".registerNode", "types.go doc comment 1.13+ (FACTS.md 4)"),
    "modules.edged.registerWithTaints": (TKC + ".registerWithTaints", "moved in 1.13 (FACTS.md 4)"),
}
TYPEMETA_ENUM_SOURCE = (
    "P1|P2/register.go (GroupName/Version/Kind); edgecore never compares apiVersion/kind (FACTS.md 2), "
    "so this is the expected value, not an enforced one"
)


def minor_key(v: str) -> Tuple[int, int]:
    major, minor = v.split(".")
    return int(major), int(minor)


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def ranges_of(versions: List[str], all_versions: List[str]) -> List[str]:
    """Consecutive runs of `versions` within `all_versions`, as "a-b" or "a"."""
    present = set(versions)
    out: List[str] = []
    start: Optional[str] = None
    prev: Optional[str] = None
    for v in all_versions + [None]:  # type: ignore[list-item]
        if v is not None and v in present:
            if start is None:
                start = v
            prev = v
            continue
        if start is not None:
            out.append(start if start == prev else "%s-%s" % (start, prev))
            start = None
    return out


def by_range(per_version: Dict[str, Any], all_versions: List[str]) -> Dict[str, Any]:
    """Compress {version: value} into {range: value}; a range never spans a version without a value."""
    out: Dict[str, Any] = {}
    run: List[str] = []
    run_value: Optional[str] = None
    for v in all_versions + [None]:  # type: ignore[list-item]
        here = canon(per_version[v]) if v is not None and v in per_version else None
        if run and here == run_value:
            run.append(v)  # type: ignore[arg-type]
            continue
        if run:
            key = run[0] if len(run) == 1 else "%s-%s" % (run[0], run[-1])
            out[key] = per_version[run[0]]
        run = [v] if here is not None else []  # type: ignore[list-item]
        run_value = here
    return out


def split_default(ftype: str, raw: Any) -> Tuple[bool, Any, Optional[str]]:
    """(has_literal, literal, note): FACTS records some defaults as prose, keep those as notes."""
    if not isinstance(raw, str):
        return True, raw, None
    if ftype != "string":
        token = raw.split()[0]
        try:
            literal = json.loads(token)
        except ValueError:
            raise SystemExit("cannot read a %s default from %r" % (ftype, raw))
        return True, literal, (raw if raw != token else None)
    if raw.startswith("host-dependent"):
        return False, None, raw
    if raw.startswith('""'):
        return True, "", (raw if raw.strip() != '""' else None)
    m = re.match(r"^(\S+) \((.*)\)$", raw)
    if m:
        return True, m.group(1), raw
    if " " in raw:
        return False, None, raw
    return True, raw, None


def type_source(path: str, version: str, types_file: str) -> str:
    if path in ("apiVersion", "kind"):
        return "%s/register.go + types.go (TypeMeta)" % ("P1" if types_file.startswith(P1) else "P2")
    prefix = "P1" if types_file.startswith(P1) else "P2"
    if version == "1.12" and path.startswith(TKC + "."):
        return "k8s.io/kubelet v0.22.6 config/v1beta1/types.go (KubeletConfiguration embedded as-is)"
    return "%s/types.go" % prefix


def default_source(path: str, version: str, types_file: str) -> str:
    prefix = "P1" if types_file.startswith(P1) else "P2"
    consts = "common/constants/default*.go" if prefix == "P1" else "staging/.../apis/common/constants/default*.go"
    if path.startswith(TKC + "."):
        if version == "1.12":
            return "P1/default.go (values KubeEdge sets) + upstream kubelet 1.22 defaulting"
        return "%s/default_kubelet_configuration.go + %s" % (prefix, consts)
    return "%s/default.go (+ default_others.go) + %s" % (prefix, consts)


def build(data: Dict[str, Any], input_sha: str) -> Dict[str, Any]:
    versions = sorted(data, key=minor_key)

    # Per-path, per-version facts.
    per_path: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for v in versions:
        for path, facts in data[v]["fields"].items():
            per_path.setdefault(path, {})[v] = facts

    fields: Dict[str, Any] = {}
    for path in sorted(per_path):
        pv = per_path[path]
        present = sorted(pv, key=minor_key)
        entry: Dict[str, Any] = {"present": ranges_of(present, versions)}
        entry["since"] = present[0]
        last = versions.index(present[-1])
        entry["removed"] = versions[last + 1] if last + 1 < len(versions) else None

        attrs: Dict[str, Dict[str, Any]] = {}

        def put(name: str, v: str, value: Any, attrs: Dict[str, Dict[str, Any]] = attrs) -> None:
            attrs.setdefault(name, {})[v] = value

        for v in present:
            f = pv[v]
            types_file = data[v]["typesFile"]
            put("type", v, f["type"])
            if "goType" in f:
                put("goType", v, f["goType"])
            put("omitempty", v, f.get("omitempty", False))
            for name in ("enum", "format", "items", "additionalProperties", "deprecated"):
                if name in f:
                    put(name, v, f[name])
            notes = [f[k] for k in ("note", "note_history", "itemsNote") if k in f]
            if "default" in f:
                has_literal, literal, dnote = split_default(f["type"], f["default"])
                if has_literal:
                    put("default", v, literal)
                if dnote:
                    notes.append("default: " + dnote)
                put_src = default_source(path, v, types_file)
                attrs.setdefault("source.default", {})[v] = put_src
            if "defaultNote" in f:
                notes.append("default: " + f["defaultNote"])
            if notes:
                put("notes", v, notes)
            attrs.setdefault("source.type", {})[v] = type_source(path, v, types_file)
            if "enumSource" in f:
                attrs.setdefault("source.enum", {})[v] = f["enumSource"]
            if path in ("apiVersion", "kind"):
                put("enum", v, [f["default"]])
                attrs.setdefault("source.enum", {})[v] = TYPEMETA_ENUM_SOURCE
            # Cross-check the JSON's own removal bookkeeping against presence.
            if (
                "removedIn" in f
                and f["removedIn"] != entry["removed"]
                and path
                not in (
                    TKC + ".staticPodPath",
                    TKC + ".fileCheckFrequency",
                )
            ):
                raise SystemExit("%s: removedIn %s but presence says %s" % (path, f["removedIn"], entry["removed"]))

        source: Dict[str, Any] = {}
        for name in sorted(attrs):
            compressed = by_range(attrs[name], versions)
            if name.startswith("source."):
                source[name.split(".", 1)[1]] = compressed
            else:
                entry[name] = compressed
        entry["source"] = source
        fields[path] = entry

    _add_supplements(fields, versions)
    for path, (target, why) in MOVED_TO.items():
        fields[path]["movedTo"] = target
        fields[path]["source"]["movedTo"] = why

    version_info: Dict[str, Any] = {}
    for name in (
        "apiVersion",
        "kind",
        "representativeTag",
        "firstTag",
        "typesFile",
        "tailoredKubeletConfigGoType",
        "vendoredKubernetes",
        "defaultConfigPath",
        "parser",
    ):
        version_info[name] = by_range({v: data[v][name] for v in versions}, versions)

    legacy = by_range({v: sorted(data[v]["legacyV1alpha1EdgedFieldNames"]) for v in versions}, versions)

    return {
        "$comment": (
            "Generated by tools/build_edgecore_catalog.py from %s; do not edit by hand. "
            "Attribute values are keyed by KubeEdge minor ranges ('1.12-1.17' or '1.13')." % INPUT_LABEL
        ),
        "catalogFormat": 1,
        "input": {"file": INPUT_LABEL, "sha256": input_sha},
        "versions": versions,
        "versionInfo": version_info,
        "legacyV1alpha1EdgedFieldNames": legacy,
        "legacyV1alpha1EdgedReplacements": {"candidates": LEGACY_REPLACEMENTS, "source": LEGACY_REPLACEMENTS_SOURCE},
        "sources": {
            "P1": P1,
            "P2": P2,
            "repository": "github.com/kubeedge/kubeedge (tags: versionInfo.representativeTag; FACTS.md section 0)",
            "facts": "shared/reference/kubeedge/FACTS.md",
            "fieldsJson": INPUT_LABEL,
            "parser": (
                "P1|P2/helper.go Parse: sigs.k8s.io/yaml.Unmarshal onto NewDefaultEdgeCoreConfig(); "
                "unknown keys ignored, keys matched case-insensitively, omitted keys keep defaults (FACTS.md 2)"
            ),
            "since": "'since' is the first minor present in 1.12-1.23; 1.12 means 'at or before 1.12'",
        },
        "fields": fields,
    }


def _add_supplements(fields: Dict[str, Any], versions: List[str]) -> None:
    """Facts from FACTS.md that edgecore-fields.json does not list as paths."""
    for gate, since, removed in FEATURE_GATES:
        upto = versions[versions.index(removed) - 1] if removed else versions[-1]
        vs = versions[versions.index(since) : versions.index(upto) + 1]
        rng = ranges_of(vs, versions)[0]
        fields["featureGates." + gate] = {
            "present": [rng],
            "since": since,
            "removed": removed,
            "type": {rng: "boolean"},
            "goType": {rng: "bool"},
            "omitempty": {rng: False},
            "default": {rng: False},
            "source": {"type": {rng: FEATURE_GATE_SOURCE}},
        }
    for parent in ("modules.edged.registerWithTaints", TKC + ".registerWithTaints"):
        p = fields[parent]
        for name, ftype, gotype in TAINT_FIELDS:
            rng_type = {r: ftype for r in p["present"]}
            fields["%s[].%s" % (parent, name)] = {
                "present": list(p["present"]),
                "since": p["since"],
                "removed": p["removed"],
                "type": rng_type,
                "goType": {r: gotype for r in p["present"]},
                "omitempty": {r: name in ("value", "timeAdded") for r in p["present"]},
                "source": {"type": {r: TAINT_SOURCE for r in p["present"]}},
            }


def render(catalog: Dict[str, Any]) -> str:
    """Indented outer structure, one line per field: small, deterministic and diff-friendly."""
    head = dict(catalog)
    fields = head.pop("fields")
    text = json.dumps(head, sort_keys=True, indent=1, ensure_ascii=False)
    assert text.endswith("\n}")
    rows = [
        "  %s: %s" % (json.dumps(k, ensure_ascii=False), json.dumps(fields[k], sort_keys=True, ensure_ascii=False))
        for k in sorted(fields)
    ]
    return text[:-2] + ',\n "fields": {\n' + ",\n".join(rows) + "\n }\n}\n"


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("fields_json", nargs="?", default=str(DEFAULT_INPUT))
    ap.add_argument("--out", default=str(DEFAULT_OUTPUT))
    args = ap.parse_args(argv)
    raw = Path(args.fields_json).read_bytes()
    catalog = build(json.loads(raw), hashlib.sha256(raw).hexdigest())
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(catalog), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
