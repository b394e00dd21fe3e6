#!/usr/bin/env python3
"""Generate the runtime-config JSON Schemas from the hand-written catalogs.

The catalogs (tools/runtime_catalog/*.yaml) hold what upstream source says each
table may contain, with the tag it was read at; this script only reshapes them
into JSON Schema draft-07 so rules can validate a parsed config and explain
unknown, misplaced, removed or wrong-version keys. Output is deterministic
(sorted keys, indent 2, trailing newline) so a test can regenerate and compare.

Usage: python tools/gen_runtime_schemas.py [--out DIR] [--check]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import yaml

HERE = Path(__file__).resolve().parent
CATALOG_DIR = HERE / "runtime_catalog"
DEFAULT_OUT = HERE.parent / "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"

SCALARS = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "number": {"type": "number"},
    "any": {},
    "duration": {"type": "string", "x-rtlint-format": "go-duration"},
    # a TextUnmarshaler duration under go-toml v1: integers are turned into text first, so
    # only 0 parses ("0" needs no unit); observed with containerd 1.6.20 (schedule_delay = 0 loads, 5 is fatal)
    "duration_text": {"type": ["integer", "string"], "x-rtlint-format": "go-duration"},
    # BurntSushi/toml decodes time.Duration from a duration string or an integer (nanoseconds)
    "duration_ns": {"type": ["integer", "string"], "x-rtlint-format": "go-duration"},
}

# catalog annotation name -> schema keyword
ANNOTATIONS = {
    "d": "default",
    "desc": "description",
    "since": "x-rtlint-since",
    "removed": "x-rtlint-removed",
    "src": "x-rtlint-source",
    "note": "x-rtlint-note",
    "enum": "enum",
}
KEY_FIELDS = set(ANNOTATIONS) | {"t", "deprecated"}
TABLE_FIELDS = {"desc", "src", "keys", "open", "patterns", "extends", "drop", "forbid", "moved", "note", "miscase"}
FORBID_FIELDS = {"versions", "to", "note", "src", "removed"}


class CatalogError(Exception):
    """The catalog is malformed; the message names the place."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (a silent overwrite would lose data)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Dict[Any, Any]:
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise CatalogError("duplicate key %r at line %d" % (key, key_node.start_mark.line + 1))
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_catalog(path: Path) -> Dict[str, Any]:
    """Read one catalog file, rejecting duplicate keys."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(data, dict):
        raise CatalogError("%s: top level must be a mapping" % path)
    return data


def _yaml_scalar(value: Any) -> Any:
    """Keep YAML-parsed defaults JSON-friendly (versions like 2.0.0 stay strings)."""
    if isinstance(value, list):
        return [_yaml_scalar(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _yaml_scalar(v) for k, v in value.items()}
    return value


def _version_str(value: Any) -> str:
    """Versions may be written bare in YAML (1.6.0 is a string, 2.0 a float); keep text."""
    return value if isinstance(value, str) else str(value)


class SchemaBuilder:
    """Turns one catalog's tables into JSON Schema objects."""

    def __init__(self, catalog: Dict[str, Any], name: str) -> None:
        self.name = name
        self.tables: Dict[str, Dict[str, Any]] = catalog.get("tables") or {}
        for tname, table in self.tables.items():
            unknown = set(table) - TABLE_FIELDS
            if unknown:
                raise CatalogError("%s: table %s has unknown fields %s" % (name, tname, sorted(unknown)))

    # ---------------------------------------------------------------- tables
    def resolved(self, tname: str, _seen: Optional[Tuple[str, ...]] = None) -> Dict[str, Any]:
        """A table with `extends`/`drop` applied (keys, forbid and moved are merged)."""
        seen = _seen or ()
        if tname in seen:
            raise CatalogError("%s: extends cycle through %s" % (self.name, tname))
        if tname not in self.tables:
            raise CatalogError("%s: unknown table @%s" % (self.name, tname))
        table = dict(self.tables[tname])
        base_name = table.pop("extends", None)
        if base_name is None:
            return table
        base = self.resolved(base_name, seen + (tname,))
        merged: Dict[str, Any] = {k: v for k, v in base.items() if k not in ("keys", "forbid", "moved")}
        for field in ("keys", "forbid", "moved"):
            combined = dict(base.get(field) or {})
            combined.update(table.get(field) or {})
            for dropped in table.get("drop") or []:
                combined.pop(dropped, None)
            merged[field] = combined
        # a child's forbid overrides an inherited key, and a child's key an inherited forbid
        for name in table.get("forbid") or {}:
            if name not in (table.get("keys") or {}):
                merged["keys"].pop(name, None)
        for name in table.get("keys") or {}:
            merged["forbid"].pop(name, None)
        for field, value in table.items():
            if field not in ("keys", "forbid", "moved", "drop"):
                merged[field] = value
        return merged

    def table_schema(self, tname: str) -> Dict[str, Any]:
        table = self.resolved(tname)
        schema: Dict[str, Any] = {"type": "object"}
        if table.get("desc"):
            schema["description"] = table["desc"]
        if table.get("src"):
            schema["x-rtlint-source"] = table["src"]
        if table.get("note"):
            schema["x-rtlint-note"] = table["note"]
        props: Dict[str, Any] = {}
        for key, spec in (table.get("keys") or {}).items():
            props[str(key)] = self.key_schema(spec, "%s.%s" % (tname, key))
        for key, info in (table.get("forbid") or {}).items():
            if str(key) in props:
                raise CatalogError("%s: %s.%s is both a key and forbidden" % (self.name, tname, key))
            props[str(key)] = forbidden_schema(info, "%s.%s" % (tname, key))
        schema["properties"] = props
        patterns: Dict[str, Any] = {}
        for regex, spec in (table.get("patterns") or {}).items():
            patterns[regex] = self.key_schema(spec, "%s pattern %s" % (tname, regex))
        if table.get("miscase") == "gotoml-v1":
            patterns.update(gotoml_v1_miscase_patterns([str(k) for k in (table.get("keys") or {})]))
        elif table.get("miscase"):
            raise CatalogError("%s: %s: unknown miscase mode" % (self.name, tname))
        if patterns:
            schema["patternProperties"] = patterns
        open_ = table.get("open", False)
        if open_ is True:
            schema["additionalProperties"] = True
        elif open_ is False:
            schema["additionalProperties"] = False
        else:
            schema["additionalProperties"] = self.type_schema(open_, tname + " open")
        moved = table.get("moved") or {}
        if moved:
            for k, info in moved.items():
                if set(info) - {"to", "note"}:
                    raise CatalogError("%s: %s: moved.%s takes only to/note" % (self.name, tname, k))
            schema["x-rtlint-moved"] = {str(k): dict(info) for k, info in moved.items()}
        return schema

    # ------------------------------------------------------------------ keys
    def key_schema(self, spec: Any, where: str) -> Dict[str, Any]:
        if isinstance(spec, dict):
            unknown = set(spec) - KEY_FIELDS
            if unknown or "t" not in spec:
                raise CatalogError("%s: %s: bad key spec %r" % (self.name, where, spec))
            schema = self.type_schema(spec["t"], where)
            for field, value in spec.items():
                if field == "t":
                    continue
                if field == "deprecated":
                    if value:
                        schema["deprecated"] = True
                    continue
                if field in ("since", "removed"):
                    value = _version_str(value)
                schema[ANNOTATIONS[field]] = _yaml_scalar(value)
            return schema
        return self.type_schema(spec, where)

    def type_schema(self, spec: Any, where: str) -> Dict[str, Any]:
        if not isinstance(spec, str):
            raise CatalogError("%s: %s: type must be a string, got %r" % (self.name, where, spec))
        if spec in SCALARS:
            return dict(SCALARS[spec])
        if spec.startswith("@"):
            return self.table_schema(spec[1:])
        if spec.startswith("[") and spec.endswith("]"):
            return {"type": "array", "items": self.type_schema(spec[1:-1], where)}
        if spec.startswith("{") and spec.endswith("}"):
            return {"type": "object", "additionalProperties": self.type_schema(spec[1:-1], where)}
        raise CatalogError("%s: %s: unknown type %r" % (self.name, where, spec))


def forbidden_schema(info: Dict[str, Any], where: str) -> Dict[str, Any]:
    """A key that is known but wrong here: no value passes, the annotations say why."""
    unknown = set(info) - FORBID_FIELDS
    if unknown:
        raise CatalogError("%s: forbid has unknown fields %s" % (where, sorted(unknown)))
    schema: Dict[str, Any] = {"enum": []}
    if info.get("note"):
        schema["description"] = info["note"]
    if info.get("versions"):
        schema["x-rtlint-foreign"] = {"versions": [int(v) for v in info["versions"]]}
    if info.get("to"):
        schema["x-rtlint-moved-to"] = info["to"]
    if info.get("removed"):
        schema["x-rtlint-removed"] = _version_str(info["removed"])
    if info.get("src"):
        schema["x-rtlint-source"] = info["src"]
    return schema


def gotoml_v1_miscase_patterns(keys: List[str]) -> Dict[str, Any]:
    """Patterns for case variants go-toml v1 would not match (containerd 1.x runtime options).

    go-toml v1 tries the field name, all-lower, all-upper and first-letter-lowered
    spellings only (marshal.go keysToTry); any other spelling is dropped silently.
    """
    out: Dict[str, Any] = {}
    for key in keys:
        if not key[:1].isalpha():
            continue
        accepted = sorted({key, key.lower(), key.upper(), key[0].lower() + key[1:]})
        body = "".join("[%s%s]" % (c.upper(), c.lower()) if c.isalpha() else re.escape(c) for c in key)
        regex = "^(?!(?:%s)$)%s$" % ("|".join(re.escape(a) for a in accepted), body)
        out[regex] = {
            "enum": [],
            "description": "containerd 1.x (go-toml v1) only matches %s spelled %s; this spelling is ignored"
            % (key, ", ".join(accepted)),
            "x-rtlint-miscased": key,
        }
    return out


# ----------------------------------------------------------------- key index
def _segment(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_\-<>\[\]]+", name) else json.dumps(name)


def _walk(schema: Any, path: Tuple[str, ...]) -> Iterator[Tuple[str, Tuple[str, ...]]]:
    if not isinstance(schema, dict):
        return
    for key, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict) and sub.get("enum") == []:
            continue
        yield key, path
        yield from _walk(sub, path + (key,))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict) and extra.get("type") == "object":
        yield from _walk(extra, path + ("<name>",))
    items = schema.get("items")
    if isinstance(items, dict):
        yield from _walk(items, path + ("[]",))


def key_index(schema: Dict[str, Any]) -> Dict[str, List[str]]:
    """Key name -> tables (dotted paths) where it is valid: lets a rule say where a misplaced key belongs."""
    index: Dict[str, set] = {}
    for key, path in _walk(schema, ()):
        index.setdefault(key, set()).add(".".join(_segment(p) for p in path))
    return {k: sorted(v) for k, v in index.items()}


# --------------------------------------------------------------- containerd
def _short_names(plugins: Dict[str, Any]) -> Dict[str, str]:
    return {info["short"]: uri for uri, info in plugins.items() if info.get("short")}


def containerd_plugins_schema(builder: SchemaBuilder, catalog: Dict[str, Any], version: int) -> Dict[str, Any]:
    """The [plugins] table for one config version, with foreign ids made invalid."""
    plugins: Dict[str, Dict[str, Any]] = catalog["plugins"]
    vinfo = catalog["versions"][version]
    vkey = "v%d" % version
    props: Dict[str, Any] = {}
    foreign: Dict[str, Any] = {}
    for uri, info in sorted(plugins.items()):
        valid_in = [int(k[1:]) for k in ("v1", "v2", "v3", "v4") if k in info]
        if vkey in info:
            name = info.get("short") if version == 1 else uri
            if name:
                sub = builder.table_schema(info[vkey])
                sub["x-rtlint-plugin"] = uri
                props[name] = sub
        # full URIs are foreign in version 1; URIs without a table here are foreign in 2+
        if version == 1 or vkey not in info:
            use = None
            if version == 1 and "v1" in info and info.get("short"):
                use = info["short"]
            elif info.get("renamed") and vkey in plugins.get(info["renamed"], {}):
                use = info["renamed"]
            versions = [v for v in valid_in if v >= 2] if version == 1 else valid_in
            if not versions:
                continue
            note = info.get("note") or ""
            if version == 1:
                note = ("full plugin URIs are read from version 2 on; containerd 1.x ignores them in a "
                        "version-1 file (2.x keeps dotted names when migrating)")
            entry: Dict[str, Any] = {"versions": versions, "note": note}
            if use:
                entry["use"] = use
            foreign[uri] = entry
            schema: Dict[str, Any] = {"enum": [], "x-rtlint-foreign": {"versions": versions}}
            if note:
                schema["description"] = note
            if use:
                schema["x-rtlint-moved-to"] = use
            props[uri] = schema
    patterns: Dict[str, Any] = {}
    if version >= 2:
        for short, uri in sorted(_short_names(plugins).items()):
            entry = {"versions": [1], "note": "version-1 short plugin name; files of version 2 and later need the full URI"}
            renamed = plugins[uri].get("renamed")
            if vkey in plugins[uri]:
                entry["use"] = uri
            elif renamed and vkey in plugins.get(renamed, {}):
                entry["use"] = renamed
            foreign[short] = entry
        patterns[vinfo["bad_key_pattern"]] = {"enum": [], "description": " ".join(vinfo["bad_key_note"].split())}
    schema = {
        "type": "object",
        "description": "plugin configuration by plugin %s" % ("short ID" if version == 1 else "URI"),
        "properties": props,
        "additionalProperties": {"type": "object", "description": "a plugin this catalog does not know (third-party builds add plugins)"},
        "x-rtlint-foreign": foreign,
    }
    if patterns:
        schema["patternProperties"] = patterns
    return schema


def containerd_schema(catalog: Dict[str, Any], version: int) -> Dict[str, Any]:
    builder = SchemaBuilder(catalog, "containerd")
    vinfo = catalog["versions"][version]
    root = builder.table_schema(vinfo["root"])
    root["properties"]["plugins"] = containerd_plugins_schema(builder, catalog, version)
    root["properties"]["version"] = dict(root["properties"]["version"], enum=[1] if version == 1 else [version])
    if version == 1:
        root["properties"]["version"]["enum"] = [0, 1]
    return finish(root, catalog, vinfo["title"], vinfo.get("note"), {"x-rtlint-config-version": version})


def finish(root: Dict[str, Any], catalog: Dict[str, Any], title: str, note: Optional[str],
           extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Add the document-level fields shared by every schema."""
    out = dict(root)
    out["$schema"] = DRAFT
    out["title"] = title
    if note:
        out["x-rtlint-note"] = " ".join(note.split())
    out["x-rtlint-sources"] = {str(k): str(v) for k, v in (catalog.get("sources") or {}).items()}
    out["x-rtlint-key-index"] = key_index(root)
    out["x-rtlint-generated-by"] = "tools/gen_runtime_schemas.py from tools/runtime_catalog; do not edit by hand"
    out.update(extra or {})
    return out


def single_schema(catalog: Dict[str, Any], name: str) -> Dict[str, Any]:
    builder = SchemaBuilder(catalog, name)
    doc = catalog["document"]
    root = builder.table_schema(doc["root"])
    return finish(root, catalog, doc["title"], doc.get("note"))


# ------------------------------------------------------------------- output
def render(schema: Dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build_all(catalog_dir: Path = CATALOG_DIR) -> Dict[str, str]:
    """Relative output path -> file text, for every schema."""
    out: Dict[str, str] = {}
    ctd = load_catalog(catalog_dir / "containerd.yaml")
    for version in sorted(ctd["versions"]):
        out["containerd/v%d.json" % version] = render(containerd_schema(ctd, int(version)))
    out["crio.json"] = render(single_schema(load_catalog(catalog_dir / "crio.yaml"), "crio"))
    out["docker-daemon.json"] = render(single_schema(load_catalog(catalog_dir / "docker.yaml"), "docker"))
    return out


def write_all(out_dir: Path, catalog_dir: Path = CATALOG_DIR) -> List[Path]:
    written = []
    for rel, text in sorted(build_all(catalog_dir).items()):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        written.append(path)
    return written


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: schemas/)")
    parser.add_argument("--check", action="store_true", help="only report files that differ from a fresh build")
    args = parser.parse_args(argv)
    if args.check:
        stale = [rel for rel, text in sorted(build_all().items())
                 if not (args.out / rel).is_file() or (args.out / rel).read_text(encoding="utf-8") != text]
        for rel in stale:
            print("stale: %s" % rel)
        return 1 if stale else 0
    for path in write_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
