"""Check a parsed edgecore.yaml against the bundled per-version JSON Schema, fast.

Why a hand-written walker instead of a validator library: the schemas use a
small subset (type, enum, properties, additionalProperties, items, pattern,
minimum/maximum) plus `x-` annotations, and the linter needs more than a
verdict: exact key paths, "did you mean" suggestions, and edgecore's own
semantics (keys match case-insensitively, YAML numbers become strings for
string fields, null leaves a field unset). Compiling the schema once into a
tree of slot objects and walking the document gives all of that with no
runtime dependency.

Measured on Python 3.11 / x86_64 (best of 5 x 2000 runs, per validation of an
already-parsed document; the test module has a lenient timing check):

    file (lines, minor, findings)        jsonschema  fastjsonschema  jsonschema-rs  this module
    PR #5759 keadm dump (181, 1.17, 1)    0.68 ms     0.046 ms        0.014 ms       0.060 ms
    keadm default dump (187, 1.23, 0)     0.69 ms     0.027 ms        0.005 ms       0.061 ms
    v1alpha1 file (1.17, 26 findings)     0.30 ms     0.002 ms        0.021 ms       0.084 ms

(jsonschema 4.26 Draft7Validator.iter_errors, fastjsonschema 2.22, jsonschema-rs
0.61.) fastjsonschema stops at the first error, so it cannot report a file's
findings; jsonschema-rs 0.61 needs Python >= 3.10 (no 3.9 wheels) and knows
nothing of edgecore's decoding rules. This walker stays ~10x under the 1 ms
target with no dependency, so it is what rtlint uses;
tests/test_edgecore_schemas.py checks that it and jsonschema agree on verdicts
and error paths. Fuzzy "did you mean" matching is the expensive part, so
`SchemaError.suggestions` is computed on first access.

Schemas are looked up in `rtlint/schemas/edgecore/` (installed package data)
and then in `<repo>/schemas/edgecore/` (source tree).
"""

from __future__ import annotations

import datetime
import _thread  # the lock without threading's import (start-up)
import math
import os
import re

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from .document import KeyPath as PathT  # keys and indexes as written in the document
    from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

# Plain os.path strings: pathlib's import (urllib.parse, ipaddress) costs each run ~2 ms.
_HERE = os.path.dirname(os.path.realpath(__file__))
SCHEMA_DIRS: Tuple[str, ...] = (
    os.path.join(_HERE, "schemas", "edgecore"),
    os.path.join(os.path.dirname(_HERE), "schemas", "edgecore"),
)

# Every SchemaError.kind, and what it means for edgecore.
KINDS = (
    "type",  # wrong JSON type; edgecore fails to parse the file
    "coerced",  # YAML number/bool where a string is expected: edgecore reads its text form
    "null",  # explicit null: the field becomes unset/nil instead of erroring
    "enum",  # value outside the allowed set
    "format",  # string does not match the pattern (Go durations)
    "range",  # number outside the Go integer type's range
    "unknown-key",  # key edgecore does not read in this version (silently ignored)
    "case",  # key matches a field only case-insensitively (edgecore still reads it)
    "removed",  # key existed in an older minor only
    "added-later",  # key exists only in newer minors
    "other-version",  # key exists in some other minors, neither strictly older nor newer
    "legacy-v1alpha1",  # v1alpha1-only modules.edged key, ignored by v1alpha2 edgecore
    "unknown-feature-gate",  # featureGates name edgecore does not know: it refuses to start
)


class SchemaError:
    """One finding. `path` holds the keys/indexes as written in the document.

    `suggestions` ("did you mean") are computed on first access: fuzzy matching
    costs more than the whole walk, and most callers only count or filter.
    """

    __slots__ = ("path", "kind", "message", "expected", "_suggestions", "_suggest")

    def __init__(
        self,
        path: PathT,
        kind: str,
        message: str,
        expected: Any = None,
        suggestions: Optional[List[str]] = None,
        suggest: Optional[Callable[[], List[str]]] = None,
    ) -> None:
        self.path = tuple(path)
        self.kind = kind
        self.message = message
        self.expected = expected
        self._suggestions = suggestions
        self._suggest = suggest

    @property
    def suggestions(self) -> List[str]:
        if self._suggestions is None:
            self._suggestions = self._suggest() if self._suggest is not None else []
            self._suggest = None
        return self._suggestions

    @property
    def dotted(self) -> str:
        return format_path(self.path)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "path": list(self.path),
            "kind": self.kind,
            "message": self.message,
            "expected": self.expected,
            "suggestions": list(self.suggestions),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SchemaError):
            return NotImplemented
        return (self.path, self.kind, self.message, self.expected, self.suggestions) == (
            other.path,
            other.kind,
            other.message,
            other.expected,
            other.suggestions,
        )

    def __hash__(self) -> int:
        return hash((self.path, self.kind, self.message))

    def __repr__(self) -> str:
        return "SchemaError(path=%r, kind=%r, message=%r, expected=%r, suggestions=%r)" % (
            self.path,
            self.kind,
            self.message,
            self.expected,
            self.suggestions,
        )


class UnknownVersionError(ValueError):
    """No bundled schema for the requested KubeEdge minor."""


def format_path(path: Sequence[Union[str, int]]) -> str:
    out = ""
    for p in path:
        out += "[%d]" % p if isinstance(p, int) else ("." if out else "") + str(p)
    return out or "<root>"


_VERSION_RE = re.compile(r"^\s*v?(\d+)\.(\d+)")


def normalize_version(version: str) -> str:
    """'v1.17.3' / '1.17' -> '1.17' (schemas exist per minor)."""
    m = _VERSION_RE.match(str(version))
    if not m:
        raise UnknownVersionError("not a KubeEdge version: %r" % (version,))
    return "%d.%d" % (int(m.group(1)), int(m.group(2)))


def _schema_files() -> Dict[str, str]:
    """minor -> path of its published schema, from the first folder that has any."""
    for d in SCHEMA_DIRS:
        names = os.listdir(d) if os.path.isdir(d) else []
        found = {n[1:-5]: os.path.join(d, n) for n in names if n.startswith("v") and n.endswith(".json")}
        if found:
            return found
    raise FileNotFoundError("no edgecore schemas in " + ", ".join(str(d) for d in SCHEMA_DIRS))


# -- the bundle: all minors in one file, identical sub-schemas stored once ---------------------
# Reading the twelve per-minor files costs ~10 ms and compiling them ~15 ms, which a one-file
# run (pre-commit) pays in full when the version is inferred. Most sub-schemas are the same in
# every minor, so rtlint/data/edgecore_bundle.py (written by tools/gen_edgecore_schemas.py
# next to the per-minor files, and checked by a test to match them) stores each distinct one
# once. Materialised sub-schemas are shared dicts, compiled once (_Node.of keys on the dict),
# and version inference memoises its walk per compiled node: twelve minors then cost little more
# than one. The per-minor files stay the published schemas; without the bundle they are read.
# The bundle is a Python module, not JSON: its bytecode loads in 0.3 ms against 0.6 ms for
# json.loads, and a YAML check then never imports the json package (~1 ms).

BUNDLE = os.path.join(_HERE, "data", "edgecore_bundle.py")
_REF = "$node"
_SUBS = ("additionalProperties", "items")


# Annotations the validator never reads; the bundle leaves them out (a quarter of its size).
RUNTIME_DROPS = ("description", "title", "$schema", "$id", "x-present", "x-kubeedgeVersion")


def make_bundle(schemas: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """{"versions": {minor: node index}, "nodes": [...]}: each distinct sub-schema once, children as refs,
    without the annotations in RUNTIME_DROPS."""
    import json

    nodes: List[Dict[str, Any]] = []
    seen: Dict[str, int] = {}

    def intern(schema: Dict[str, Any]) -> int:
        flat = {k: v for k, v in schema.items() if k not in RUNTIME_DROPS}
        props = flat.get("properties")
        if isinstance(props, dict):
            flat["properties"] = {k: {_REF: intern(v)} for k, v in props.items()}
        for k in _SUBS:
            if isinstance(flat.get(k), dict) and flat[k]:
                flat[k] = {_REF: intern(flat[k])}
        key = json.dumps(flat, sort_keys=True)  # the whole sub-schema, as text
        if key not in seen:
            seen[key] = len(nodes)
            nodes.append(flat)
        return seen[key]

    versions = {v: intern(schemas[v]) for v in sorted(schemas, key=lambda v: tuple(int(x) for x in v.split(".")))}
    _count_classes(nodes)
    return {"versions": versions, "nodes": nodes}


def render_bundle(bundle: Dict[str, Any]) -> str:
    """The source of rtlint/data/edgecore_bundle.py (keys sorted, deterministic)."""
    import pprint

    return ('"""All edgecore schemas in one structure: written by tools/gen_edgecore_schemas.py, do not edit.\n\n'
            'Each distinct sub-schema once (see rtlint/edgecore_schema.py); a test checks it is current."""\n'
            "# fmt: off\n"
            "BUNDLE = " + pprint.pformat(bundle, width=120, sort_dicts=True) + "\n")


class _Bundle:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.versions: Dict[str, int] = data["versions"]
        self.nodes: List[Dict[str, Any]] = data["nodes"]
        self.done: Dict[int, Dict[str, Any]] = {}
        self.order = sorted(self.versions, key=lambda v: tuple(int(x) for x in v.split(".")))

    def schema(self, index: int) -> Dict[str, Any]:
        """The full sub-schema at index; one shared dict per distinct sub-schema."""
        out = self.done.get(index)
        if out is None:
            out = dict(self.nodes[index])
            props = out.get("properties")
            if isinstance(props, dict):
                out["properties"] = {k: self.schema(v[_REF]) for k, v in props.items()}
            for k in _SUBS:
                ref = out.get(k)
                if isinstance(ref, dict) and _REF in ref:
                    out[k] = self.schema(ref[_REF])
            self.done[index] = out
        return out


_bundle: Optional[_Bundle] = None


def _get_bundle() -> _Bundle:
    global _bundle
    if _bundle is None:
        try:
            from .data.edgecore_bundle import BUNDLE as data
        except ImportError:  # a tree without the generated module: build it from the published files
            data = make_bundle({v: _read_json(p) for v, p in _schema_files().items()})
        _bundle = _Bundle(data)
    return _bundle


def _read_json(path: str) -> Dict[str, Any]:
    import json

    with open(path, encoding="utf-8") as f:
        return json.load(f)


def available_versions() -> List[str]:
    """Bundled minors, oldest first."""
    with _lock:
        return list(_get_bundle().order)


_lock = _thread.RLock()
_validators: Dict[str, EdgecoreValidator] = {}
_published: Dict[str, Dict[str, Any]] = {}


def load_schema(version: str) -> Dict[str, Any]:
    """The published JSON Schema for a minor, as in schemas/edgecore/ (cached; do not mutate)."""
    v = normalize_version(version)
    with _lock:
        runtime_schema(v)  # the same check for an unknown minor
        cached = _published.get(v)
        if cached is None:
            cached = _published[v] = _read_json(_schema_files()[v])
        return cached


def runtime_schema(version: str) -> Dict[str, Any]:
    """What the validator compiles for a minor: the published schema without RUNTIME_DROPS, from the
    bundle, its sub-schemas shared with the other minors (do not mutate)."""
    v = normalize_version(version)
    with _lock:
        bundle = _get_bundle()
        if v not in bundle.versions:
            raise UnknownVersionError(
                "no edgecore schema for KubeEdge %s (bundled: %s)" % (v, ", ".join(available_versions()))
            )
        return bundle.schema(bundle.versions[v])


def get_validator(version: str) -> EdgecoreValidator:
    """The compiled validator for a minor; compiled on first use, then shared."""
    v = normalize_version(version)
    with _lock:
        cached = _validators.get(v)
        if cached is None:
            cached = _validators[v] = EdgecoreValidator(runtime_schema(v), v)
    return cached


def validate(document: Any, version: str) -> List[SchemaError]:
    """All schema findings for a parsed edgecore.yaml (e.g. yaml.safe_load output), in document order."""
    return get_validator(version).validate(document)


VERSION_KINDS = frozenset(("removed", "added-later", "other-version"))


def fitting_versions(document: Any) -> List[str]:
    """Minors whose key set fits the document best (fewest keys that only other minors read).

    For guessing the release a file was written for when the user did not say;
    several minors tie when the file uses no version-specific key.
    """
    memo: Dict[Tuple[int, int], Any] = {}
    counts = {v: get_validator(v).count_version_keys(document, memo) for v in available_versions()}
    best = min(counts.values()) if counts else 0
    return [v for v, n in counts.items() if n == best]


# --------------------------------------------------------------------------- compiled schema


class _Node:
    """One compiled sub-schema. Its children compile on first use: a one-file run that infers the
    version visits only the parts of twelve schemas that the file's keys lead to."""

    __slots__ = (
        "schema",
        "types",
        "nullable",
        "enum",
        "pattern",
        "minimum",
        "maximum",
        "_props",
        "folded",
        "_additional",
        "closed",
        "other",
        "legacy",
        "exact_keys",
        "unknown_kind",
        "_items",
        "_ready",
        "to_string",
        "go_type",
        "count_id",
        "version_keys",
        "plain",
        "counts",
    )

    @classmethod
    def of(cls, schema: Dict[str, Any]) -> "_Node":
        """The compiled node for a schema dict; a dict shared between minors compiles once."""
        node = _compiled.get(id(schema))
        if node is None or node.schema is not schema:
            node = _compiled[id(schema)] = cls(schema)
        return node

    def __init__(self, schema: Dict[str, Any]) -> None:
        self.schema = schema
        t = schema.get("type")
        names = [t] if isinstance(t, str) else list(t or [])
        self.nullable = "null" in names or not names
        self.types: Optional[FrozenSet[str]] = frozenset(n for n in names if n != "null") or None
        self.enum: Optional[List[Any]] = schema.get("enum")
        pat = schema.get("pattern")
        self.pattern = (
            re.compile(pat[1:-1] if pat and pat.startswith("^") and pat.endswith("$") else pat) if pat else None
        )
        self.minimum = schema.get("minimum")
        self.maximum = schema.get("maximum")
        props = schema.get("properties")
        self.folded = {k.lower(): k for k in props} if props else {}
        ap = schema.get("additionalProperties", True)
        self.closed = ap is False
        self.other: Dict[str, Dict[str, Any]] = schema.get("x-keysInOtherVersions", {})
        self.legacy: Dict[str, Optional[str]] = schema.get("x-legacyV1alpha1Keys", {})
        self.exact_keys = bool(schema.get("x-exactKeys"))
        self.unknown_kind: str = schema.get("x-unknownKeyKind", "unknown-key")
        self.to_string = bool(schema.get("x-scalarToString"))
        self.go_type: str = schema.get("x-goType", "")
        self._ready = False
        # Nodes that count version keys alike share one id (worked out by make_bundle), so version
        # inference shares their memo even where the minors' sub-schemas differ in what counting
        # ignores (defaults, enums, the minors named in x-keysInOtherVersions). Without it, a node
        # is only like itself.
        self.count_id: int = schema.get(COUNT_CLASS, -1 - id(schema))
        self.version_keys: FrozenSet[str] = _version_keys(schema)  # keys only other minors read
        # a scalar of one of `types` can hold no error here (see _check)
        self.plain = self.enum is None and self.pattern is None and self.minimum is None and self.maximum is None
        # whether any version key can be met at or below this node (make_bundle works it out)
        self.counts: bool = schema.get(COUNTS_BELOW, True)

    def _compile_children(self) -> None:
        schema = self.schema
        props = schema.get("properties")
        self._props = {k: _Node.of(v) for k, v in props.items()} if props is not None else None
        ap = schema.get("additionalProperties", True)
        self._additional = _Node.of(ap) if isinstance(ap, dict) and ap else None
        items = schema.get("items")
        self._items = _Node.of(items) if isinstance(items, dict) and items else None
        self._ready = True

    @property
    def props(self) -> Optional[Dict[str, "_Node"]]:
        if not self._ready:
            self._compile_children()
        return self._props

    @property
    def additional(self) -> Optional["_Node"]:
        if not self._ready:
            self._compile_children()
        return self._additional

    @property
    def items(self) -> Optional["_Node"]:
        if not self._ready:
            self._compile_children()
        return self._items


COUNT_CLASS = "x-rtlintCountClass"
COUNTS_BELOW = "x-rtlintVersionKeysBelow"


def _version_keys(schema: Dict[str, Any]) -> FrozenSet[str]:
    return frozenset(k for k, v in schema.get("x-keysInOtherVersions", {}).items() if v.get("present") is not None)


def _count_classes(nodes: List[Dict[str, Any]]) -> None:
    """Give each bundle node the id of its class under count_version_keys: the same types, closedness,
    exact keys, version keys and (by class) children. Children come before their parents in `nodes`."""
    classes: Dict[Tuple[Any, ...], int] = {}
    for flat in nodes:
        t = flat.get("type")
        names = [t] if isinstance(t, str) else list(t or [])
        ap = flat.get("additionalProperties", True)
        props = flat.get("properties")
        items = flat.get("items")
        sig = (
            tuple(sorted(n for n in names if n != "null")),
            ap is False,
            bool(flat.get("x-exactKeys")),
            tuple(sorted((k, nodes[v[_REF]][COUNT_CLASS]) for k, v in props.items())) if props is not None else None,
            nodes[ap[_REF]][COUNT_CLASS] if isinstance(ap, dict) and _REF in ap else None,
            nodes[items[_REF]][COUNT_CLASS] if isinstance(items, dict) and _REF in items else None,
            tuple(sorted(_version_keys(flat))),
        )
        flat[COUNT_CLASS] = classes.setdefault(sig, len(classes))
        kids = [nodes[v[_REF]] for v in (props or {}).values()]
        kids += [nodes[x[_REF]] for x in (ap, items) if isinstance(x, dict) and _REF in x]
        flat[COUNTS_BELOW] = bool(sig[-1]) or any(k[COUNTS_BELOW] for k in kids)


_compiled: Dict[int, _Node] = {}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, (datetime.date, datetime.datetime)):
        # go-yaml v2 hands timestamp-looking scalars to sigs.k8s.io/yaml as strings.
        return "string"
    return type(value).__name__


def _type_ok(types: FrozenSet[str], jt: str, value: Any) -> bool:
    if jt in types:
        return True
    if jt == "integer" and "number" in types:
        return True
    if jt == "number" and "integer" in types:
        return not math.isnan(value) and float(value).is_integer()
    return False


def _go_text(value: Any) -> str:
    """The string sigs.k8s.io/yaml substitutes for a YAML scalar decoded into a Go string field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else "%g" % value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _key_text(key: Any) -> str:
    """sigs.k8s.io/yaml turns non-string YAML keys into strings before matching."""
    return key if isinstance(key, str) else _go_text(key)


def _enum_has(enum: List[Any], value: Any) -> bool:
    jt = _json_type(value)
    for e in enum:
        if e == value and (_json_type(e) == jt or {jt, _json_type(e)} <= {"integer", "number"}):
            return True
    return False


def _describe_types(node: _Node) -> Union[str, List[str]]:
    names = sorted(node.types or ())
    if node.nullable and node.types:
        names.append("null")
    return names[0] if len(names) == 1 else names


def _ranges(ranges: List[str]) -> str:
    return ", ".join(r.replace("-", "–") for r in ranges)


def _last_minor(ranges: List[str]) -> Tuple[int, int]:
    hi = ranges[-1].split("-")[-1]
    a, b = hi.split(".")
    return int(a), int(b)


def _first_minor(ranges: List[str]) -> Tuple[int, int]:
    a, b = ranges[0].split("-")[0].split(".")
    return int(a), int(b)


def _count(node: _Node, value: Any, memo: Dict[Tuple[int, int], Any]) -> int:
    """count_version_keys below `node`; callers pass only dicts, lists and tuples (scalars hold no keys).

    Version inference asks this of twelve minors for the same document, so what depends on the
    document alone (each mapping's key names and which values are collections) is worked out once
    per mapping, and each minor then tests its (few) version keys against the mapping and descends
    only into collections."""
    if not node.counts:
        return 0  # no version key anywhere below: nothing to count
    key = (node.count_id, id(value))
    n = memo.get(key)
    if n is not None:
        return n
    n = 0
    jt = "object" if type(value) is dict else _json_type(value)
    if node.types is not None and not _type_ok(node.types, jt, value):
        pass
    elif jt == "array":
        sub = node.items
        if sub is not None and sub.counts:
            n = sum(_count(sub, item, memo) for item in value if isinstance(item, _CONTAINERS))
    elif jt == "object":
        info = memo.get((-1, id(value)))
        if info is None:
            info = memo[(-1, id(value))] = _mapping_info(value)
        names, unique, nested = info
        props = node.props or {}
        additional = node.additional
        counting = additional is None and node.closed and not node.exact_keys
        if counting and node.version_keys:
            folded = node.folded
            vk = node.version_keys
            # a dict's keys answer `in` directly: test the (few) version keys against them
            hits = [m for m in vk if m in names] if unique else [m for m in names if m in vk]
            for name in hits:
                if name not in props and folded.get(name.lower()) is None:
                    n += 1
        for name, item in nested:
            sub = props.get(name)
            if sub is None:
                if additional is not None:
                    sub = additional
                elif not counting:
                    continue
                else:
                    exact = node.folded.get(name.lower())
                    if exact is None:
                        continue  # counted above if it is a version key; nothing to descend into
                    sub = props[exact]
            if sub.counts:
                n += _count(sub, item, memo)
    memo[key] = n
    return n


def _mapping_info(value: Dict[Any, Any]) -> Tuple[Any, bool, List[Tuple[str, Any]]]:
    """(key names, whether they are distinct, [(name, value) for values that are collections])."""
    if all(type(k) is str for k in value):
        names: Any = value.keys()
        unique = True
    else:
        names = [_key_text(k) for k in value]
        unique = False
    nested = [(k if type(k) is str else _key_text(k), v) for k, v in value.items() if isinstance(v, _CONTAINERS)]
    return names, unique, nested


_CONTAINERS = (dict, list, tuple)
# The JSON type of a plain scalar, by exact type (bool is not an int here; subclasses such as
# YAML timestamps are none of these): the schema walkers' fast path for the commonest values.
SCALAR_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


class EdgecoreValidator:
    """A compiled schema for one KubeEdge minor."""

    def __init__(self, schema: Dict[str, Any], version: str) -> None:
        self.schema = schema
        self.version = version
        self._minor = tuple(int(x) for x in version.split("."))
        self.root = _Node.of(schema)

    def validate(self, document: Any) -> List[SchemaError]:
        errors: List[SchemaError] = []
        self._check(self.root, document, (), errors)
        return errors

    def count_version_keys(self, document: Any, memo: Optional[Dict[Tuple[int, int], Any]] = None) -> int:
        """How many keys of `document` only other minors read: what `validate` reports as
        removed / added-later / other-version, counted by the same descent without building errors
        (version inference asks this of every minor). The count depends only on the compiled node
        and the value, so minors sharing sub-schemas share a `memo` (keyed by ids: the document
        must stay alive and unchanged while the memo is in use)."""
        if not isinstance(document, _CONTAINERS):
            return 0
        return _count(self.root, document, {} if memo is None else memo)

    def field_schema(self, path: Sequence[Union[str, int]]) -> Optional[Dict[str, Any]]:
        """The schema of an exact-case field path (ints index arrays), or None if this minor has no such field."""
        node = self.root
        for p in path:
            if isinstance(p, int):
                if node.items is None:
                    return None
                node = node.items
            elif node.props is not None and p in node.props:
                node = node.props[p]
            elif node.additional is not None:
                node = node.additional
            else:
                return None
        return node.schema

    # -- walking ------------------------------------------------------------------------

    def _check(self, node: _Node, value: Any, path: PathT, errors: List[SchemaError]) -> None:
        if value is None:
            if not node.nullable:
                errors.append(self._null_error(node, path))
            return
        jt = _json_type(value)
        types = node.types
        if types is not None and not _type_ok(types, jt, value):
            if node.to_string and jt in ("integer", "number", "boolean"):
                text = _go_text(value)
                errors.append(
                    SchemaError(
                        path,
                        "coerced",
                        "%s is a YAML %s; edgecore reads it as the string %r (quote it to be explicit)"
                        % (format_path(path), jt, text),
                        "string",
                        [text],
                    )
                )
                if node.enum is not None and text not in node.enum:
                    errors.append(self._enum_error(node, text, path))
                return
            errors.append(
                SchemaError(
                    path,
                    "type",
                    "%s must be %s, not %s (edgecore fails to load the file)"
                    % (format_path(path), _type_phrase(node), _type_phrase_value(jt)),
                    _describe_types(node),
                )
            )
            return
        if node.enum is not None and not _enum_has(node.enum, value):
            errors.append(self._enum_error(node, value, path))
        if jt == "string":
            if node.pattern is not None and isinstance(value, str) and node.pattern.fullmatch(value) is None:
                errors.append(
                    SchemaError(
                        path,
                        "format",
                        "%s: %r is not a Go duration (examples: 90s, 1m30s, 2h)" % (format_path(path), value)
                        if "metav1.Duration" in node.go_type
                        else "%s: %r does not match %s" % (format_path(path), value, node.schema.get("pattern")),
                        node.schema.get("pattern"),
                    )
                )
            return
        if jt in ("integer", "number"):
            if node.minimum is not None and value < node.minimum or node.maximum is not None and value > node.maximum:
                errors.append(
                    SchemaError(
                        path,
                        "range",
                        "%s: %s is outside the range of Go type %s [%s, %s]"
                        % (format_path(path), value, node.go_type or "number", node.minimum, node.maximum),
                        [node.minimum, node.maximum],
                    )
                )
            return
        if jt == "object":
            self._check_object(node, value, path, errors)
        elif jt == "array" and node.items is not None:
            for i, item in enumerate(value):
                self._check(node.items, item, path + (i,), errors)

    def _check_object(self, node: _Node, value: Dict[Any, Any], path: PathT, errors: List[SchemaError]) -> None:
        props = node.props
        scalar = SCALAR_JSON_TYPES
        for key, item in value.items():
            name = key if type(key) is str else _key_text(key)
            sub = props.get(name) if props is not None else None
            if sub is not None and sub.plain:
                # Most keys of a real file: a scalar of the right type under a known field that has
                # no enum, pattern or range. Nothing to report, so no call and no path tuple.
                jt = scalar.get(type(item))
                if jt is not None and (sub.types is None or jt in sub.types):
                    continue
            here = path + (key,)
            if sub is not None:
                self._check(sub, item, here, errors)
            elif node.additional is not None:
                self._check(node.additional, item, here, errors)
            elif node.closed:
                target = self._unknown_key(node, name, here, errors)
                if target is not None:
                    self._check(target, item, here, errors)

    def _unknown_key(self, node: _Node, name: str, path: PathT, errors: List[SchemaError]) -> Optional[_Node]:
        """Report a key the schema does not list; return the field edgecore maps it to, if any."""
        props = node.props or {}
        where = format_path(path[:-1])
        if not node.exact_keys:
            exact = node.folded.get(name.lower())
            if exact is not None:
                errors.append(
                    SchemaError(
                        path,
                        "case",
                        "%s: key %r differs from the field name %r only in case; edgecore still reads it"
                        % (where, name, exact),
                        exact,
                        [exact],
                    )
                )
                return props[exact]
        elsewhere = node.other.get(name)
        ranges: Optional[List[str]] = elsewhere["present"] if elsewhere is not None else None
        if ranges is not None and node.exact_keys:
            errors.append(
                SchemaError(
                    path,
                    node.unknown_kind,
                    "%s: %r is not a feature gate of KubeEdge %s (only %s); edgecore refuses to start"
                    % (where, name, self.version, _ranges(ranges)),
                    ranges,
                    suggest=self._suggester(node, name),
                )
            )
            return None
        if ranges is not None:
            if _last_minor(ranges) < self._minor:
                kind, when = "removed", "was removed (exists in KubeEdge %s)" % _ranges(ranges)
            elif _first_minor(ranges) > self._minor:
                kind, when = "added-later", "is only read by KubeEdge %s" % _ranges(ranges)
            else:
                kind, when = "other-version", "exists in KubeEdge %s only" % _ranges(ranges)
            moved = elsewhere.get("movedTo") if elsewhere else None
            errors.append(
                SchemaError(
                    path,
                    kind,
                    "%s: %r %s; edgecore %s ignores it%s"
                    % (where, name, when, self.version, "; the setting is now %s.%s" % (where, moved) if moved else ""),
                    ranges,
                    [moved] if moved else None,
                    suggest=None if moved else self._suggester(node, name),
                )
            )
            return None
        if name in node.legacy:
            now = node.legacy[name]
            errors.append(
                SchemaError(
                    path,
                    "legacy-v1alpha1",
                    "%s: %r is a v1alpha1 (KubeEdge <= 1.11) edged key; edgecore %s reads v1alpha2 and ignores it%s"
                    % (where, name, self.version, "; the setting is now %s.%s" % (where, now) if now else ""),
                    now,
                    [now] if now else [],
                )
            )
            return None
        if node.exact_keys:
            errors.append(
                SchemaError(
                    path,
                    node.unknown_kind,
                    "%s: %r is not a feature gate of KubeEdge %s; edgecore refuses to start"
                    % (where, name, self.version),
                    sorted(props),
                    suggest=self._suggester(node, name),
                )
            )
            return None
        errors.append(
            SchemaError(
                path,
                "unknown-key",
                "%s: unknown key %r; edgecore %s silently ignores it" % (where, name, self.version),
                None,
                suggest=self._suggester(node, name),
            )
        )
        return None

    @staticmethod
    def _suggester(node: _Node, name: str) -> Callable[[], List[str]]:
        """Sibling field names close to `name` (case-insensitive difflib), computed when asked for."""

        def run() -> List[str]:
            folded = node.folded
            if not folded:
                return []
            import difflib

            hits = difflib.get_close_matches(name.lower(), list(folded), n=3, cutoff=0.6)
            return [folded[h] for h in hits]

        return run

    def _enum_error(self, node: _Node, value: Any, path: PathT) -> SchemaError:
        allowed = node.enum or []
        sugg: List[str] = []
        if isinstance(value, str):
            import difflib

            lowered = {str(a).lower(): a for a in allowed if isinstance(a, str)}
            hits = difflib.get_close_matches(value.lower(), list(lowered), n=3, cutoff=0.6)
            sugg = [lowered[h] for h in hits]
        return SchemaError(
            path,
            "enum",
            "%s: %r is not one of %s" % (format_path(path), value, ", ".join(repr(a) for a in allowed)),
            list(allowed),
            sugg,
        )

    def _null_error(self, node: _Node, path: PathT) -> SchemaError:
        go = node.go_type
        if go.startswith("*") and node.types and "object" in node.types:
            why = "the section becomes nil; edgecore expects it and does not check for nil"
        elif go.startswith("*"):
            why = "the field becomes unset (nil), which is not always its default"
        else:
            why = "edgecore ignores the null and keeps the default"
        return SchemaError(path, "null", "%s is null: %s" % (format_path(path), why), _describe_types(node))


def _type_phrase(node: _Node) -> str:
    names = sorted(node.types or ())
    words = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
    }
    return " or ".join(words.get(n, n) for n in names)


def _type_phrase_value(jt: str) -> str:
    return {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean",
    }.get(jt, jt)


__all__ = [
    "SchemaError",
    "EdgecoreValidator",
    "UnknownVersionError",
    "available_versions",
    "fitting_versions",
    "format_path",
    "get_validator",
    "load_schema",
    "runtime_schema",
    "make_bundle",
    "render_bundle",
    "normalize_version",
    "validate",
    "KINDS",
]
