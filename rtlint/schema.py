"""Check a parsed runtime config (containerd, CRI-O, daemon.json) against its bundled JSON Schema, fast.

Why a walker of our own: the runtime schemas use a small draft-07 subset
(`type`, `properties`, `additionalProperties` as bool or schema,
`patternProperties`, `items`, `enum`) and put everything a rule needs to say
*why* into `x-rtlint-*` annotations. A rule needs each error's instance path,
its kind and the schema node it came from (to read those annotations), not a
verdict. The schema is compiled once into `Node` objects (precompiled
patterns, dict lookups), so a 250-line config validates in well under 1 ms
after the first load; `tests/test_schema_rules.py` checks that the error
paths equal jsonschema's Draft7Validator on every corpus file.

Semantics are exactly draft-07 for that subset, including its quirks: every
keyword applies on its own (a value of the wrong type is still checked
against `enum`), `properties` and `patternProperties` both apply to a key that
both match, and `additionalProperties` covers keys that match neither.
Nothing below an unknown or forbidden key is checked (jsonschema does not
either). The runtime-specific reading of an error (ignored, fatal, moved) is
the rules' business (rtlint/rules/schema/).

Schemas are read from `rtlint/schemas/` (installed package data) or
`<repo>/schemas/` (source tree) on first use and cached per process.

What this shares with rtlint/edgecore_schema.py: the idea (compile once, walk
the document, annotate lazily) and `format_path`. The edgecore walker adds
edgecore's own decoding (case-insensitive keys, scalar-to-string coercion,
nulls, patterns, ranges), so its node type is richer; its loader, cache and
type test could be built on this module's `load_schema`/`json_type` without
changing its behaviour.
"""
from __future__ import annotations

import json
import _thread  # the lock without threading's import (start-up)
import math
import os
import re

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from .document import KeyPath as PathT  # keys and indexes as written in the document
    from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

from .edgecore_schema import SCALAR_JSON_TYPES, format_path

# Plain os.path strings: pathlib's import costs every run ~2 ms of start-up.
_HERE = os.path.dirname(os.path.realpath(__file__))
SCHEMA_DIRS: Tuple[str, ...] = (os.path.join(_HERE, "schemas"), os.path.join(os.path.dirname(_HERE), "schemas"))

CRIO = "crio.json"
DOCKER = "docker-daemon.json"
CONTAINERD_VERSIONS = (1, 2, 3, 4)

# Every SchemaError.kind.
UNKNOWN = "unknown-key"  # a key the (closed) table does not have
FORBIDDEN = "forbidden"  # a key whose subschema is `enum: []`: known, but wrong here
TYPE = "type"            # the value has the wrong JSON/TOML type
ENUM = "enum"            # the value is outside a documented set
KINDS = (UNKNOWN, FORBIDDEN, TYPE, ENUM)


def containerd_schema(version: int) -> str:
    """Schema name for a containerd config version (1-4)."""
    if version not in CONTAINERD_VERSIONS:
        raise ValueError("containerd config version %r has no schema" % (version,))
    return "containerd/v%d.json" % version


# --------------------------------------------------------------------------- loading

_lock = _thread.allocate_lock()
_schemas: Dict[str, Dict[str, Any]] = {}
_validators: Dict[str, "Validator"] = {}


def schema_file(name: str) -> str:
    """Where the schema `name` (e.g. "containerd/v2.json") is read from."""
    for d in SCHEMA_DIRS:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
    raise FileNotFoundError("schema %s not found in %s" % (name, ", ".join(str(d) for d in SCHEMA_DIRS)))


def load_schema(name: str) -> Dict[str, Any]:
    """The parsed schema (cached; do not mutate)."""
    with _lock:
        cached = _schemas.get(name)
    if cached is None:
        with open(schema_file(name), encoding="utf-8") as f:
            loaded = json.load(f)
        with _lock:
            cached = _schemas.setdefault(name, loaded)
    return cached


def get_validator(name: str) -> "Validator":
    """The compiled validator for a schema; compiled on first use, then shared."""
    with _lock:
        cached = _validators.get(name)
    if cached is None:
        compiled = Validator(load_schema(name), name)
        with _lock:
            cached = _validators.setdefault(name, compiled)
    return cached


def validate(document: Any, name: str) -> List["SchemaError"]:
    return get_validator(name).validate(document)


# --------------------------------------------------------------------------- compiled schema

def json_type(value: Any) -> str:
    """The JSON Schema type of a parsed TOML/JSON value (TOML dates are none of them)."""
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
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return type(value).__name__  # datetime, date, time: no JSON type matches


def type_ok(types: FrozenSet[str], jt: str, value: Any) -> bool:
    if jt in types:
        return True
    if jt == "integer":
        return "number" in types
    if jt == "number" and "integer" in types:
        return not math.isnan(value) and float(value).is_integer()
    return False


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1.0 is 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


# Draft-07 keywords with validation meaning that this walker does not implement; a schema using
# one is refused at compile time instead of being checked wrongly.
UNSUPPORTED = frozenset({
    "$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "const", "pattern", "format",
    "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minItems", "maxItems", "uniqueItems", "contains", "additionalItems", "minProperties", "maxProperties",
    "required", "dependencies", "propertyNames",
})


class Node:
    """One compiled subschema. `schema` is the raw dict, for annotations."""

    __slots__ = ("schema", "types", "enum", "forbidden", "props", "patterns", "additional", "closed", "items")

    def __init__(self, schema: Dict[str, Any]) -> None:
        unsupported = UNSUPPORTED.intersection(schema)
        if unsupported:
            raise ValueError("schema keyword(s) %s are not supported by rtlint.schema" % ", ".join(sorted(unsupported)))
        self.schema = schema
        t = schema.get("type")
        names = [t] if isinstance(t, str) else list(t or [])
        self.types: Optional[FrozenSet[str]] = frozenset(names) if names else None
        self.enum: Optional[List[Any]] = schema.get("enum")
        self.forbidden = self.enum == []
        props = schema.get("properties")
        self.props: Dict[str, Node] = {k: Node(v) for k, v in props.items()} if props else {}
        pats = schema.get("patternProperties") or {}
        self.patterns: Tuple[Tuple[Callable[[str], Any], Node, str], ...] = tuple(
            (re.compile(p).search, Node(s), p) for p, s in pats.items())
        ap = schema.get("additionalProperties", True)
        self.closed = ap is False
        self.additional: Optional[Node] = Node(ap) if isinstance(ap, dict) else None
        items = schema.get("items")
        self.items: Optional[Node] = Node(items) if isinstance(items, dict) else None

    def get(self, key: str, default: Any = None) -> Any:
        """An annotation (or keyword) of this node."""
        return self.schema.get(key, default)

    def child(self, key: str) -> Optional["Node"]:
        """The subschema a key's value is checked against (first match), None for an unknown key."""
        sub = self.props.get(key)
        if sub is not None:
            return sub
        for search, node, _ in self.patterns:
            if search(key):
                return node
        return self.additional

    def known_keys(self) -> List[str]:
        """Keys this table really reads: its properties that are not forbidden."""
        return [k for k, n in self.props.items() if not n.forbidden]

    def __repr__(self) -> str:
        return "Node(%s)" % (self.schema.get("description") or sorted(self.types or ()) or "any")


class SchemaError:
    """One finding: `path` is the instance path (for unknown keys, including the key).

    `node` is the subschema the value was checked against (the forbidden one
    for FORBIDDEN; None for UNKNOWN), `parent` the schema of the table that
    holds the key (None for the root).
    """

    __slots__ = ("path", "kind", "node", "parent", "value")

    def __init__(self, path: PathT, kind: str, node: Optional[Node], parent: Optional[Node], value: Any) -> None:
        self.path = path
        self.kind = kind
        self.node = node
        self.parent = parent
        self.value = value

    @property
    def key(self) -> Union[str, int, None]:
        return self.path[-1] if self.path else None

    @property
    def dotted(self) -> str:
        return format_path(self.path)

    @property
    def expected(self) -> Any:
        """The allowed types (TYPE) or values (ENUM)."""
        if self.node is None:
            return None
        if self.kind == TYPE:
            return sorted(self.node.types or ())
        if self.kind == ENUM:
            return list(self.node.enum or [])
        return None

    def __repr__(self) -> str:
        return "SchemaError(%s: %s)" % (self.kind, "/".join(str(p) for p in self.path))


class Validator:
    """A compiled schema."""

    def __init__(self, schema: Dict[str, Any], name: str = "") -> None:
        self.schema = schema
        self.name = name
        self.root = Node(schema)

    def validate(self, document: Any) -> List[SchemaError]:
        """Every error, in document order."""
        errors: List[SchemaError] = []
        self._check(self.root, document, (), None, errors)
        return errors

    def check(self, node: Node, value: Any, path: PathT = (), parent: Optional[Node] = None) -> List[SchemaError]:
        """Errors of `value` against one node (e.g. a rename target), paths prefixed by `path`."""
        errors: List[SchemaError] = []
        self._check(node, value, tuple(path), parent, errors)
        return errors

    def node_at(self, path: Sequence[Union[str, int]]) -> Optional[Node]:
        """The node an instance path is checked against, None when the path leads through an unknown key."""
        node: Optional[Node] = self.root
        for p in path:
            if node is None:
                return None
            node = node.items if isinstance(p, int) else node.child(p)
        return node

    def key_index(self) -> Dict[str, List[str]]:
        """x-rtlint-key-index: key name -> table paths where it is valid."""
        return self.schema.get("x-rtlint-key-index") or {}

    # -- walking --------------------------------------------------------------------------
    def _check(self, node: Node, value: Any, path: PathT, parent: Optional[Node],
               errors: List[SchemaError]) -> None:
        types = node.types
        jt = json_type(value)
        if types is not None and not type_ok(types, jt, value):
            errors.append(SchemaError(path, TYPE, node, parent, value))
        enum = node.enum
        if enum is not None and not any(_same(value, e) for e in enum):
            errors.append(SchemaError(path, FORBIDDEN if node.forbidden else ENUM, node, parent, value))
        if jt == "object":
            self._object(node, value, path, errors)
        elif jt == "array" and node.items is not None:
            items = node.items
            for i, item in enumerate(value):
                self._check(items, item, path + (i,), node, errors)

    def _object(self, node: Node, value: Dict[str, Any], path: PathT, errors: List[SchemaError]) -> None:
        props, patterns, additional, closed = node.props, node.patterns, node.additional, node.closed
        scalar = SCALAR_JSON_TYPES
        for key, item in value.items():
            sub = props.get(key)
            if sub is not None and not patterns and sub.enum is None:
                # Most keys of a real config: a plain scalar under a known key. Checked here, the
                # way _check would (same json_type and type_ok), without a call and a path tuple.
                jt = scalar.get(type(item))
                if jt is not None and (sub.types is None or jt in sub.types or type_ok(sub.types, jt, item)):
                    continue
            here = path + (key,)
            matched = sub is not None
            if matched:
                self._check(sub, item, here, node, errors)  # type: ignore[arg-type]
            for search, pnode, _ in patterns:
                if search(key):
                    matched = True
                    self._check(pnode, item, here, node, errors)
            if matched:
                continue
            if additional is not None:
                self._check(additional, item, here, node, errors)
            elif closed:
                errors.append(SchemaError(here, UNKNOWN, None, node, item))


__all__ = [
    "CRIO", "DOCKER", "CONTAINERD_VERSIONS", "KINDS", "UNKNOWN", "FORBIDDEN", "TYPE", "ENUM",
    "Node", "SchemaError", "Validator", "containerd_schema", "get_validator", "json_type", "load_schema",
    "schema_file", "type_ok", "validate", "format_path",
]
