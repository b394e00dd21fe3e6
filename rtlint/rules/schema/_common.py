"""What the schema rules share: which schema a file uses, its errors, and how to talk about them.

The six rules (unknown key / wrong type, for containerd, CRI-O and daemon.json)
share one validation per document (the last document validated is kept, so the
two rules of a kind do not validate it twice). They report only what no other
rule reports: `reported_elsewhere` runs the other rules for the file's kind once
(only when there is a schema error to decide about) and treats an error as taken
when another rule has a finding exactly on that key or value, so one problem
gives one finding. Findings that cover many keys at once (CTD003's plugin
tables of another config version) are skipped by the family rule itself, from
the same helpers those rules use. A rule left out with --select/--ignore still
counts as reporting its problems.
"""
from __future__ import annotations

import json
import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from ... import kinds
from ...document import Document, Edit, EditError, KeyPath, Span
from ...formats.toml import render_key
from ...rule import Context, Finding, Rule
from ...schema import (
    CRIO,
    DOCKER,
    ENUM,
    FORBIDDEN,
    TYPE,
    UNKNOWN,
    Node,
    SchemaError,
    Validator,
    containerd_schema,
    get_validator,
    json_type,
)
from ...versions import Version

# -- which schema ------------------------------------------------------------------------


def containerd_version(doc: Document) -> Optional[int]:
    """The config version a containerd file declares (no line or 0: 1); None when it is not 1-4 (CTD004's)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    if "version" not in data:
        return 1
    v = data["version"]
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    if v == 0:
        return 1
    return v if 1 <= v <= 4 else None


def schema_name(doc: Document) -> Optional[str]:
    if doc.kind == kinds.CONTAINERD:
        v = containerd_version(doc)
        return containerd_schema(v) if v is not None else None
    if doc.kind == kinds.CRIO:
        return CRIO
    if doc.kind == kinds.DOCKER:
        return DOCKER
    return None


class Checked:
    """One document's validation and, computed when first needed, what other rules report."""

    def __init__(self, doc: Document, validator: Validator, errors: List[SchemaError]) -> None:
        self.doc = doc
        self.validator = validator
        self.errors = errors
        self._covered: Optional[Set[Tuple[int, int]]] = None
        self._ctx: Optional[Context] = None

    def covered(self, ctx: Context) -> Set[Tuple[int, int]]:
        if self._covered is None or self._ctx is not ctx:
            self._covered = _other_findings(self.doc, ctx)
            self._ctx = ctx
        return self._covered


_last: Optional[Checked] = None  # the document being linted right now (both rules of a kind share it)


def checked(doc: Document) -> Optional[Checked]:
    """Validation of `doc` against its schema (None when no schema applies)."""
    global _last
    last = _last
    if last is not None and last.doc is doc:
        return last
    name = schema_name(doc)
    if name is None or doc.data is None:
        return None
    validator = get_validator(name)
    result = Checked(doc, validator, validator.validate(doc.data))
    _last = result
    return result


def _other_findings(doc: Document, ctx: Context) -> Set[Tuple[int, int]]:
    """Spans of every finding the non-schema rules make on this document."""
    from .. import ALL_RULES  # late: the registry imports this package
    from . import RULES

    mine = {cls.code for cls in RULES}
    spans: Set[Tuple[int, int]] = set()
    for rule in ALL_RULES:
        if rule.code in mine or rule.code.startswith("RT") or not rule.applies(doc, ctx):
            continue
        for f in rule.check(doc, ctx):
            spans.add((f.span.start, f.span.end))
    return spans


def reported_elsewhere(c: Checked, ctx: Context, err: SchemaError) -> bool:
    entry = c.doc.entry(err.path)
    if entry is None:
        return False
    mine = {(s.start, s.end) for s in (entry.key_span, entry.value_span) if s is not None}
    return bool(mine & c.covered(ctx))


def errors_of(c: Checked, wanted: Sequence[str]) -> Iterator[SchemaError]:
    for e in c.errors:
        if e.kind in wanted:
            yield e


UNKNOWN_KINDS = (UNKNOWN, FORBIDDEN)
TYPE_KINDS = (TYPE, ENUM)


# -- where to point ------------------------------------------------------------------------

def key_span(doc: Document, path: KeyPath) -> Span:
    """The key (or table header) at `path`, else its nearest written parent, else the file start."""
    path = tuple(path)
    for n in range(len(path), 0, -1):
        e = doc.entry(path[:n])
        if e is not None:
            return e.span
    return doc.span(0, 0)


def value_span(doc: Document, path: KeyPath) -> Span:
    e = doc.entry(tuple(path))
    return e.value_span if e is not None else key_span(doc, path)


def lookup(data: Any, path: Sequence[Any]) -> Any:
    cur = data
    for p in path:
        if isinstance(cur, dict) and isinstance(p, str) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and isinstance(p, int) and 0 <= p < len(cur):
            cur = cur[p]
        else:
            return None
    return cur


# -- how to name things --------------------------------------------------------------------
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_<>\[\]*-]+)')


def split_dotted(text: str) -> Optional[List[str]]:
    """'plugins."io.containerd.grpc.v1.cri".containerd' -> parts; None when it is prose, not a path."""
    parts: List[str] = []
    pos = 0
    while True:
        m = _PART.match(text, pos)
        if m is None:
            return None
        parts.append(m.group(1) if m.group(1) is not None else m.group(2))
        pos = m.end()
        if pos == len(text):
            return parts
        if text[pos] != ".":
            return None
        pos += 1


class Names:
    """How one file format names tables and keys in messages."""

    def __init__(self, toml: bool) -> None:
        self.toml = toml

    def table(self, parts: Sequence[Any]) -> str:
        parts = list(parts)
        if not parts:
            return "the top level"
        if self.toml:
            shown = [p if isinstance(p, str) and p.startswith("<") else
                     ("[%d]" % p if isinstance(p, int) else render_key(p)) for p in parts]
            return "[" + ".".join(shown).replace(".[", "[") + "]"
        shown = [("<%s>" % p.strip("<>")) if isinstance(p, str) and p.startswith("<") else
                 ("[%d]" % p if isinstance(p, int) else '"%s"' % p) for p in parts]
        return ".".join(shown).replace(".[", "[")

    def key(self, key: Any) -> str:
        return "`%s`" % key if self.toml else '"%s"' % key

    def where(self, parts: Sequence[Any]) -> str:
        """'in [a.b]' / 'at the top level' / 'in "runtimes"."x"'."""
        return "at the top level" if not parts else "in " + self.table(parts)

    def setting(self, parts: Sequence[Any]) -> str:
        """A full key path: '`sandbox` in [a.b]' / '"http-proxy" in "proxies"'."""
        if not parts:
            return "the top level"
        *table, key = parts
        if not table:
            return ("top-level " + self.key(key)) if self.toml else self.key(key)
        return "%s in %s" % (self.key(key), self.table(table))

    def assignment(self, path: Sequence[Any], value: str) -> str:
        """'`key` = "x" in [t]' / '"key": "x" in "t"'."""
        table, key = path[:-1], path[-1]
        text = ("%s = %s" if self.toml else "%s: %s") % (self.key(key), value)
        return text + (" " + self.where(table) if table else "")

    def index_place(self, text: str) -> str:
        """A x-rtlint-key-index path as a place: 'in [a.b]' / 'at the top level'."""
        if text == "":
            return "at the top level"
        parts = split_dotted(text)
        return self.where(parts) if parts is not None else "in " + text


TOML_NAMES = Names(True)
JSON_NAMES = Names(False)


def names_for(doc: Document) -> Names:
    return JSON_NAMES if doc.kind == kinds.DOCKER else TOML_NAMES


def resolve_moved(to: str, table: KeyPath, root: Node) -> Optional[List[str]]:
    """An `x-rtlint-moved` / `x-rtlint-moved-to` target as a full path, or None when it is prose.

    Targets are written either from the root (`crio.runtime.pids_limit`,
    `plugins."io.containerd.grpc.v1.cri".stream_server_port`) or relative to the
    table they are found in (`options.Root`, `pinned_images.sandbox`).
    """
    parts = split_dotted(to)
    if not parts:
        return None
    if parts[0] in root.props:
        return parts
    return [p for p in table if isinstance(p, str)] + parts


def say_moved(names: Names, to: str, table: KeyPath, root: Node) -> str:
    parts = resolve_moved(to, table, root)
    return names.setting(parts) if parts is not None else to


# -- did you mean --------------------------------------------------------------------------
SUGGEST_CUTOFF = 0.7   # shown as "did you mean"
FIX_CUTOFF = 0.8       # a rename needs one key this close ...
FIX_MARGIN = 0.1       # ... and clearly closer than the next
_NEGATIONS = frozenset({"no", "not", "non", "disable", "disabled", "enable", "enabled", "skip", "without",
                        "with", "allow", "deny"})
_TOKENS = re.compile(r"[A-Za-z][a-z]*|[0-9]+")


def _tokens(key: str) -> Set[str]:
    return {t.lower() for t in _TOKENS.findall(key.replace("-", "_"))}


def flips_meaning(a: str, b: str) -> bool:
    """`subreaper` vs `no_subreaper`, `enable_x` vs `disable_x`: the keys differ only by words that invert it."""
    diff = _tokens(a) ^ _tokens(b)
    return bool(diff) and diff <= _NEGATIONS


def close_keys(key: str, candidates: Sequence[str], cutoff: float = SUGGEST_CUTOFF,
               n: int = 3) -> List[Tuple[float, str]]:
    """(ratio, known key) for keys close to `key` (case-insensitive difflib), best first.

    Like difflib.get_close_matches, cheap upper bounds skip most candidates
    before the real ratio is computed.
    """
    import difflib  # only when there is an unknown key to match

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key.lower())
    out: List[Tuple[float, str]] = []
    for c in candidates:
        matcher.set_seq1(c.lower())
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            r = matcher.ratio()
            if r >= cutoff:
                out.append((r, c))
    out.sort(key=lambda rc: (-rc[0], rc[1]))
    return out[:n]


def readable(node: Node, version: Optional[Version]) -> bool:
    """Whether a release reads the key this node describes (unknown version: unless it is long removed)."""
    since, removed = node.get("x-rtlint-since"), node.get("x-rtlint-removed")
    if version is None:
        return removed is None
    k = version.key()
    if since and k < Version.parse(since).key():
        return False
    return not (removed and k >= Version.parse(removed).key())


def guess(key: str, parent: Node, present: Any, version: Optional[Version]) -> Tuple[Optional[str], List[str]]:
    """(rename target, "did you mean" keys) for an unknown key of a table.

    The keys to suggest are the readable keys of the same table within difflib
    ratio 0.7 (ignoring case), except ones that differ only by a negation. The
    rename target is the one key `key` is evidently a misspelling of, when
    renaming to it is sound: it is close (ratio >= 0.8) and clearly closer than
    any other (by 0.1 of ratio, or it is at most two edits away and the next is
    not), it is not set already, and the two do not differ by a negation
    (`subreaper` is not `no_subreaper`).
    """
    scored = [(r, k) for r, k in close_keys(key, _readable_keys(parent, version)) if not flips_meaning(key, k)]
    close = [k for _, k in scored]
    if not scored or scored[0][0] < FIX_CUTOFF:
        return None, close
    target = scored[0][1]
    if len(scored) > 1 and scored[0][0] - scored[1][0] < FIX_MARGIN:
        # as close by ratio, but one is a slip of a key or two and the other is not
        low = key.lower()
        if not (edit_distance(low, target.lower()) <= 2 < edit_distance(low, scored[1][1].lower())):
            return None, close
    if isinstance(present, dict) and target in present:
        return None, close
    return target, close


_READABLE: Dict[Tuple[int, Optional[Version]], List[str]] = {}


def _readable_keys(parent: Node, version: Optional[Version]) -> List[str]:
    """Keys of a table that `version` reads (memoized: compiled nodes live as long as the process)."""
    k = (id(parent), version)
    keys = _READABLE.get(k)
    if keys is None:
        keys = [name for name in parent.known_keys() if readable(parent.props[name], version)]
        if len(_READABLE) < 4096:
            _READABLE[k] = keys
    return keys


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (keys are short)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def rename_edits(c: Checked, err: SchemaError, target: str, target_node: Node,
                 move_to: Optional[KeyPath] = None, check_value: bool = True) -> Tuple[Optional[List[Edit]], bool]:
    """Edits that give the value of `err.path` to `target` (in the same table, or in `move_to`).

    None when the value would not fit the target (a type error there is worse
    than an ignored key) or the document cannot express the edit. The fix is
    safe only when the value is the target's documented default, so the
    runtime's behaviour cannot change; otherwise the setting starts to apply.
    `check_value=False` is for keys the runtime already reads under another case.
    """
    value = err.value
    if check_value and c.validator.check(target_node, value):
        return None, False
    doc = c.doc
    try:
        if move_to is None:
            edits = doc.rename(err.path, target)
        else:
            edits = doc.move(err.path, tuple(move_to), target)
    except EditError:
        return None, False
    if not edits:
        return None, False
    default = target_node.get("default", _NO_DEFAULT)
    safe = default is not _NO_DEFAULT and json_type(default) == json_type(value) and default == value
    return edits, safe


_NO_DEFAULT = object()


def known_list(names: Names, parent: Node, table: Sequence[Any], limit: int = 10) -> str:
    """'; [a.b] reads: x, y, z' for small tables, else ''."""
    keys = sorted(parent.known_keys())
    if not keys or len(keys) > limit or not table:
        return ""
    return "; %s reads: %s" % (names.table(table), ", ".join(keys))


TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
              "array": "an array", "object": "a table"}
JSON_TYPE_WORDS = dict(TYPE_WORDS, object="an object")


def type_phrase(types: Sequence[str], toml: bool) -> str:
    words = TYPE_WORDS if toml else JSON_TYPE_WORDS
    return " or ".join(words.get(t, t) for t in types)


def value_kind(value: Any, toml: bool) -> str:
    jt = json_type(value)
    words = {"string": "a string", "integer": "an integer", "number": "a float", "boolean": "a boolean",
             "array": "an array", "object": "a table" if toml else "an object", "null": "null"}
    return words.get(jt, "a date/time")


def type_fix(doc: Document, err: SchemaError) -> Tuple[Optional[List[Edit]], Any, bool]:
    """The obvious conversion for a mistyped value, when exactly one reading is possible: (edits, new value, safe).

    An integer where only a string is read becomes the same digits as a string;
    "true"/"false" where only a boolean is read becomes the boolean; a string of
    decimal digits where only an integer is read becomes the integer. These are
    safe: the file does not load as it is, and the value stays what it says. A
    single string where a list of strings is read becomes a one-item list; that
    is unsafe, because the list may have been meant to hold more (or nothing).
    """
    node = err.node
    if node is None or not node.types or len(node.types) != 1:
        return None, None, False
    want = next(iter(node.types))
    value = err.value
    new: Any = None
    safe = True
    if want == "string" and isinstance(value, int) and not isinstance(value, bool):
        new = str(value)
    elif want == "boolean" and isinstance(value, str) and value in ("true", "false"):
        new = value == "true"
    elif want == "integer" and isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip() or "x"):
        new = int(value.strip())
    elif (want == "array" and isinstance(value, str) and value and not re.search(r"[,\s]", value)
          and node.items is not None and node.items.types == frozenset({"string"})):
        new, safe = [value], False
    if new is None or (node.enum is not None and not any(new == e for e in node.enum)):
        return None, None, False
    try:
        edits = doc.set_value(err.path, new)
    except EditError:
        return None, None, False
    return (edits or None), new, safe


def enum_fix(doc: Document, err: SchemaError) -> Tuple[Optional[List[Edit]], Optional[str]]:
    """A value that differs from one allowed value only in case: (edits, that value)."""
    node = err.node
    if node is None or not isinstance(err.value, str):
        return None, None
    same = [v for v in node.enum or [] if isinstance(v, str) and v.lower() == err.value.lower()]
    if len(same) != 1:
        return None, None
    try:
        return (doc.set_value(err.path, same[0]) or None), same[0]
    except EditError:
        return None, same[0]


class SchemaRule(Rule):
    """Base for the schema rules: shared plumbing only."""

    def checked(self, doc: Document) -> Optional[Checked]:
        return checked(doc)


# -- keys matched ignoring case ----------------------------------------------------------------

class CaseMatch:
    """A key that differs from a known key only in case, which the runtime's decoder still reads."""

    __slots__ = ("error", "target", "node")

    def __init__(self, error: SchemaError, target: str, node: Node) -> None:
        self.error = error
        self.target = target
        self.node = node


def case_insensitive(c: Checked, depth_ok: Any = None) -> Tuple[List[SchemaError], List[CaseMatch]]:
    """Errors as a decoder that falls back to a case-insensitive match sees them.

    BurntSushi/toml (CRI-O) and Go's encoding/json (nested daemon.json objects)
    match a struct field exactly first and then ignoring case. An unknown key with
    exactly one such match is therefore read: it becomes a CaseMatch, and its value
    is checked against the matched field (those errors replace it). `depth_ok`
    limits where this applies (a predicate on the error).
    """
    out: List[SchemaError] = []
    matches: List[CaseMatch] = []
    todo = list(reversed(c.errors))
    while todo:
        err = todo.pop()
        target = _case_target(err) if err.kind == UNKNOWN and (depth_ok is None or depth_ok(err)) else None
        if target is None:
            out.append(err)
            continue
        node = err.parent.props[target]  # type: ignore[union-attr]
        matches.append(CaseMatch(err, target, node))
        todo.extend(reversed(c.validator.check(node, err.value, err.path, err.parent)))
    return out, matches


def _case_target(err: SchemaError) -> Optional[str]:
    parent = err.parent
    if parent is None or not isinstance(err.key, str):
        return None
    hits = [k for k in parent.known_keys() if k.lower() == err.key.lower()]
    return hits[0] if len(hits) == 1 else None


# -- type findings -------------------------------------------------------------------------------

def literal(value: Any) -> str:
    """A scalar or list as written in TOML and JSON alike (strings double-quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def wrong_type(rule: Rule, doc: Document, err: SchemaError, runtime: str, effect: str,
               extra: str = "") -> Finding:
    """The finding for a TYPE or ENUM error: what is wrong, what the runtime does, and the fix if obvious."""
    names = names_for(doc)
    toml = names.toml
    node = err.node
    assert node is not None
    where = names.setting(err.path)
    span = value_span(doc, err.path)
    if err.kind == ENUM:
        edits, same = enum_fix(doc, err)
        allowed = ", ".join(literal(a) for a in node.enum or [])
        msg = "%s is not a value %s accepts (%s)" % (names.assignment(err.path, literal(err.value)), runtime,
                                                      allowed)
        if same is not None:
            msg += "; write %s" % literal(same)
        return rule.finding(doc, span, msg, edits, safe=True, description="use the allowed spelling")
    want = type_phrase(sorted(node.types or ()), toml)
    msg = "%s must be %s, not %s: %s%s" % (where, want, value_kind(err.value, toml), effect, extra)
    fix, new, safe = type_fix(doc, err)
    if fix:
        msg += "; write %s" % literal(new)
    return rule.finding(doc, span, msg, fix, safe=safe, description="convert the value")


def did_you_mean(names: Names, close: Sequence[str], target: Optional[str], fixed: bool) -> str:
    """'; did you mean `a` or `b`?' (the fix target alone when there is one), '' when nothing is close."""
    if target is not None:
        return "; did you mean %s?%s" % (names.key(target), " (the fix renames it)" if fixed else "")
    if close:
        return "; did you mean %s?" % " or ".join(names.key(k) for k in close)
    return ""
