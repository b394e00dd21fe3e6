#!/usr/bin/env python3
"""Write schemas/edgecore/v1.12.json ... v1.23.json from rtlint/data/edgecore_catalog.json.

Draft-07, not 2020-12: the schemas only use keywords that mean the same in
both (type, enum, properties, additionalProperties, items, pattern,
minimum/maximum, default, description), and draft-07 is what editors'
YAML language servers and most validators (fastjsonschema included) support
fully. Extra facts the rule layer needs ride along as `x-` annotations, which
validators ignore:

* `x-goType`          Go type of the field (decides null/coercion semantics)
* `x-present`         KubeEdge minors in which the field exists
* `x-keysInOtherVersions`  on closed objects: sibling keys that exist only in
                      other minors (so "removed in 1.18" beats "unknown key"), with
                      `movedTo` (relative key path) where the setting lives now
* `x-legacyV1alpha1Keys`   on modules.edged: v1alpha1-only keys edgecore ignores,
                      mapped to the v1alpha2 key that holds the setting now (or null)
* `x-scalarToString`  sigs.k8s.io/yaml turns a YAML number/bool into a string
                      for this field instead of failing
* `x-exactKeys` / `x-unknownKeyKind`  on featureGates: a map looked up by exact
                      name, where an unknown name stops edgecore

Output is deterministic: sorted keys, 1-space indent, trailing newline.
It also writes rtlint/data/edgecore_bundle.py: the same schemas in one file with each
distinct sub-schema stored once, which is what rtlint loads at run time.
Usage: python tools/gen_edgecore_schemas.py [--catalog PATH] [--out DIR] [--bundle FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = ROOT / "rtlint" / "data" / "edgecore_catalog.json"
DEFAULT_OUT = ROOT / "schemas" / "edgecore"
DEFAULT_BUNDLE = ROOT / "rtlint" / "data" / "edgecore_bundle.py"

DRAFT = "http://json-schema.org/draft-07/schema#"

# Go time.ParseDuration grammar: optional sign, then "0" or one or more <number><unit>.
DURATION_PATTERN = r"^[-+]?(0|(([0-9]+\.?[0-9]*|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$"

INT_RANGES: Dict[str, Tuple[int, int]] = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "int": (-(2**63), 2**63 - 1),
    "MqttMode": (-(2**63), 2**63 - 1),
    "uint8": (0, 255),
    "uint32": (0, 2**32 - 1),
}

# The rule layer reports unknown featureGates names as fatal: component-base refuses them.
CLOSED_MAPS = {"featureGates": "unknown-feature-gate"}


def _parse_range(r: str) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    lo, _, hi = r.partition("-")
    hi = hi or lo
    return _minor(lo), _minor(hi)


def _minor(v: str) -> Tuple[int, int]:
    a, b = v.split(".")
    return int(a), int(b)


def at(ranged: Optional[Dict[str, Any]], version: str) -> Any:
    """Value of a range-keyed attribute at `version`, or None."""
    if not ranged:
        return None
    v = _minor(version)
    for r, value in ranged.items():
        lo, hi = _parse_range(r)
        if lo <= v <= hi:
            return value
    return None


def present_in(entry: Dict[str, Any], version: str) -> bool:
    v = _minor(version)
    return any(lo <= v <= hi for lo, hi in map(_parse_range, entry["present"]))


def _pretty(ranges: List[str]) -> str:
    return ", ".join(r.replace("-", "–") for r in ranges)


def split_path(path: str) -> Tuple[str, str]:
    """("a.b[]", "c") for "a.b[].c"; ("", "apiVersion") for a top-level key."""
    head, _, name = path.rpartition(".")
    return head, name


def describe(entry: Dict[str, Any], version: str) -> str:
    parts: List[str] = []
    go = at(entry.get("goType"), version)
    if go:
        parts.append("Go type %s." % go)
    life = "KubeEdge %s" % _pretty(entry["present"])
    if entry.get("removed"):
        life += " (removed in %s)" % entry["removed"]
    elif entry["since"] != "1.12":
        life += " (added in %s)" % entry["since"]
    parts.append(life + ".")
    dep = at(entry.get("deprecated"), version)
    if dep:
        parts.append("Deprecated: %s." % dep.rstrip("."))
    for note in at(entry.get("notes"), version) or []:
        parts.append(note.rstrip(".") + ".")
    src = entry.get("source", {})
    enum_src = at(src.get("enum"), version)
    if enum_src:
        parts.append("Allowed values: %s." % enum_src.rstrip("."))
    type_src = at(src.get("type"), version)
    if type_src:
        parts.append("Source: %s." % type_src.rstrip("."))
    return " ".join(parts)


def scalar_schema(ftype: str, go: Optional[str]) -> Dict[str, Any]:
    s: Dict[str, Any] = {"type": ftype}
    if go:
        s["x-goType"] = go
    base = (go or "").lstrip("*")
    if ftype == "integer" and base in INT_RANGES:
        s["minimum"], s["maximum"] = INT_RANGES[base]
    if ftype == "string" and "metav1." not in (go or ""):
        s["x-scalarToString"] = True
    return s


def value_schema_for_map(go: str, ap: Any) -> Dict[str, Any]:
    """Schema of the values of a Go map with free keys."""
    if go == "v1.ResourceList":
        # resource.Quantity unmarshals from a JSON string or number.
        return {"type": ["number", "string"], "x-goType": "resource.Quantity"}
    elem = go.split("]", 1)[1] if go.startswith("map[") else ""
    if elem == "[]string":
        return {"items": scalar_schema("string", "string"), "type": ["array", "null"], "x-goType": elem}
    if elem == "bool" or ap == "boolean":
        return scalar_schema("boolean", "bool")
    if elem == "string" or ap == "string":
        return scalar_schema("string", "string")
    return {}


class Generator:
    def __init__(self, catalog: Dict[str, Any]) -> None:
        self.catalog = catalog
        self.fields: Dict[str, Dict[str, Any]] = catalog["fields"]
        children: Dict[str, List[str]] = {}
        for path in self.fields:
            head, name = split_path(path)
            children.setdefault(head, []).append(name)
        self.children = {k: sorted(v) for k, v in children.items()}

    def kids(self, container: str, version: str) -> Tuple[List[str], List[str]]:
        """Names of `container`'s children present in `version`, and those present only elsewhere."""
        here, other = [], []
        for name in self.children.get(container, []):
            path = "%s.%s" % (container, name) if container else name
            (here if present_in(self.fields[path], version) else other).append(name)
        return here, other

    def closed_object(self, container: str, version: str) -> Dict[str, Any]:
        here, other = self.kids(container, version)
        props = {}
        for name in here:
            path = "%s.%s" % (container, name) if container else name
            props[name] = self.field(path, version)
        node: Dict[str, Any] = {"additionalProperties": False, "properties": props, "type": "object"}
        if other:
            node["x-keysInOtherVersions"] = {name: self.elsewhere(container, name, version) for name in other}
        return node

    def elsewhere(self, container: str, name: str, version: str) -> Dict[str, Any]:
        """Where a key absent from `version` exists, and where its setting lives in `version`, if known."""
        entry = self.fields["%s.%s" % (container, name) if container else name]
        out: Dict[str, Any] = {"present": entry["present"]}
        target = entry.get("movedTo")
        if target and self._exists(target, version) and target.startswith(container + "."):
            out["movedTo"] = target[len(container) + 1 :]
        return out

    def field(self, path: str, version: str) -> Dict[str, Any]:
        e = self.fields[path]
        ftype = at(e["type"], version)
        go = at(e.get("goType"), version)
        if ftype == "object":
            s = self.object_field(path, version, go, at(e.get("additionalProperties"), version))
        elif ftype == "array":
            s = {"type": ["array", "null"], "items": self.items(path, version, at(e.get("items"), version))}
            if go:
                s["x-goType"] = go
        else:
            s = scalar_schema(ftype, go)
        enum = at(e.get("enum"), version)
        if enum is not None:
            s["enum"] = enum
        fmt = at(e.get("format"), version)
        if fmt and fmt.startswith("duration") and ftype == "string":
            s["pattern"] = DURATION_PATTERN
        default = at(e.get("default"), version)
        if default is not None:
            s["default"] = default
        s["description"] = describe(e, version)
        s["x-present"] = e["present"]
        return s

    def object_field(self, path: str, version: str, go: Optional[str], ap: Any) -> Dict[str, Any]:
        here, _ = self.kids(path, version)
        is_map = bool(go) and (go.startswith("map[") or go == "v1.ResourceList")  # type: ignore[union-attr]
        if is_map and path in CLOSED_MAPS:
            s = self.closed_object(path, version)
            s["type"] = ["object", "null"]
            s["x-exactKeys"] = True
            s["x-unknownKeyKind"] = CLOSED_MAPS[path]
        elif is_map:
            s = {"type": ["object", "null"], "additionalProperties": value_schema_for_map(go, ap)}  # type: ignore[arg-type]
        elif here:
            s = self.closed_object(path, version)
        else:
            # A Go struct whose fields the facts do not list (component-base logging): keep it open.
            s = {"type": "object"}
        if go:
            s["x-goType"] = go
        if path == "modules.edged":
            s["x-legacyV1alpha1Keys"] = self.legacy_keys(version, s.get("properties", {}))
        return s

    def legacy_keys(self, version: str, edged_props: Dict[str, Any]) -> Dict[str, Optional[str]]:
        """v1alpha1-only edged keys of this minor -> where the setting lives now (relative to modules.edged)."""
        legacy = at(self.catalog["legacyV1alpha1EdgedFieldNames"], version) or []
        candidates = self.catalog["legacyV1alpha1EdgedReplacements"]["candidates"]
        out: Dict[str, Optional[str]] = {}
        for name in sorted(k for k in legacy if k not in edged_props):
            options = list(candidates.get(name, [])) + ["tailoredKubeletConfig." + name]
            out[name] = next(
                (o for o in options if self._exists("modules.edged." + o, version)),
                None,
            )
        return out

    def _exists(self, path: str, version: str) -> bool:
        entry = self.fields.get(path)
        return entry is not None and present_in(entry, version)

    def items(self, path: str, version: str, items: Any) -> Dict[str, Any]:
        container = path + "[]"
        here, _ = self.kids(container, version)
        if here:
            node = self.closed_object(container, version)
            return node
        if items in ("string", "integer", "boolean", "number"):
            return scalar_schema(items, items if items != "integer" else None)
        return {}

    def schema(self, version: str) -> Dict[str, Any]:
        root = self.closed_object("", version)
        info = self.catalog["versionInfo"]
        root.update(
            {
                "$schema": DRAFT,
                "$id": "urn:rtlint:schema:edgecore:v%s" % version,
                "title": "KubeEdge %s edgecore.yaml (%s, kind %s)"
                % (version, at(info["apiVersion"], version), at(info["kind"], version)),
                "description": (
                    "Fields edgecore %s reads from its config file (types at %s). edgecore itself ignores "
                    "unknown keys and matches keys case-insensitively; this schema lists the exact names. "
                    "Generated by tools/gen_edgecore_schemas.py from rtlint/data/edgecore_catalog.json."
                )
                % (version, at(info["representativeTag"], version)),
                "x-kubeedgeVersion": version,
            }
        )
        return root


def render(schema: Dict[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def generate(catalog: Dict[str, Any]) -> Dict[str, str]:
    """file name -> text, for every minor in the catalog."""
    gen = Generator(catalog)
    return {"v%s.json" % v: render(gen.schema(v)) for v in catalog["versions"]}


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", default=str(DEFAULT_CATALOG))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--bundle", default=str(DEFAULT_BUNDLE), help="all minors in one deduplicated file (fast loading)")
    args = ap.parse_args(argv)
    catalog = json.loads(Path(args.catalog).read_text(encoding="utf-8"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    texts = generate(catalog)
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
    Path(args.bundle).write_text(bundle_text(texts), encoding="utf-8")
    return 0


def bundle_text(texts: Dict[str, str]) -> str:
    """rtlint/data/edgecore_bundle.py: what rtlint reads at run time (see rtlint.edgecore_schema)."""
    sys.path.insert(0, str(ROOT))
    from rtlint.edgecore_schema import make_bundle, render_bundle

    return render_bundle(make_bundle({name[1:-len(".json")]: json.loads(t) for name, t in texts.items()}))


if __name__ == "__main__":
    sys.exit(main())
