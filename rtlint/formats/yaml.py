"""YAML documents: KubeEdge edgecore.yaml, and the YAML of keadm Ansible/Salt tasks.

Reading: libyaml's event stream (PyYAML's pure-Python parser when libyaml is
missing) is turned into a small node tree here instead of using
`yaml.compose`. The composed graph shares aliased nodes, so it loses where each
alias was written, and a "billion laughs" file only blows up later in whoever
walks it. From events we keep every alias's span, count the nodes aliases
expand to as we go (`MAX_ALIAS_NODES`), refuse recursive aliases and cap the
nesting (`MAX_DEPTH`), all before any data is built. A 200-line edgecore.yaml
takes about 0.75 ms (bench/stages.py: 0.9 ms), of which libyaml's event stream is 0.2 ms and
the ~340 Spans 0.15 ms (yaml.compose alone: 0.37 ms). Marks are code-point offsets of the string handed to the
parser; CRLF counts as two characters there as in `doc.text`, and a BOM left in
the text is cut off first (libyaml drops it from its offsets, PyYAML does not).

Data: scalars get SafeLoader's YAML 1.1 types (same resolver and constructors),
mapping keys become the key's text as written without quotes (`1:` -> "1",
`on:` -> "on"), merge keys (`<<: *x`) are merged the way SafeLoader does, and
collection tags (`!!set`, `!!omap`) are ignored: mappings are dicts, sequences
lists. Unknown tags (Ansible's `!vault`) keep the scalar's text.

Entries: one per mapping key and sequence item of the first document. Spans of
values include anchors/tags written before them; block collections and block
scalars end at their last content character. Content reached through an alias
or a merge key is registered once at the anchor; under the alias's path the
entries have `key_span=None`, the alias (or merge source) as `value_span`, and
their paths are in `doc.alias_paths` (edits refuse them). Earlier occurrences of
a repeated key are not entries; they are kept on `doc.duplicate_keys`.

Multi-document streams: every document must be valid YAML; only the first is
read (edgecore reads one), `doc.extra_documents` counts the others.

Comments: libyaml drops them, so `#` is searched in the text outside the spans
of scalars (quoted, block and plain scalars can hold `#`; a block scalar's
header line can carry a real comment).

Edits splice the original text (never re-dump) and are checked by re-parsing
the result; a builder raises EditError rather than return edits that make
invalid YAML. Policies:
- set_value keeps the old quoting style when the new string allows it, writes
  plain when that reads back as the same string, double-quotes otherwise; a
  multi-line string replacing a `|` block stays a `|` block. A block
  collection can be replaced by a scalar (the key's line comment stays).
- Anchors stay where they are: editing anchored content (`&x`) changes every
  alias of it too. Paths reached only through an alias or `<<` are refused,
  and so are deleting/renaming a key that hides a merged key or is repeated.
- insert appends `key: value` as the last line(s) of a block mapping, at the
  indentation of its keys, creating missing parent mappings (also in place of
  an empty/null value); in a flow mapping it adds `, key: value` before `}`.
- delete removes the key's lines, its nested block, its trailing comment and the
  comment lines *attached* to it: comment-only lines directly above the key at
  exactly the key's column, and comment-only lines right after the value that
  are indented deeper than the key. A mapping or sequence left empty becomes
  `{}` / `[]` so the data stays a collection.
- move = delete + insert of the same lines (attached comments included),
  re-indented to the new depth; moving within one mapping is a rename.
"""
from __future__ import annotations

import bisect
from bisect import bisect_right
from ..record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from rtlint.document import (
    Comment,
    Document,
    Edit,
    EditError,
    Entry,
    KeyPath,
    LineIndex,
    ParseError,
    Span,
    apply_edits,
)
from rtlint.formats._fast import doc_children, doc_span

__all__ = ["YamlDocument", "parse", "MAX_ALIAS_NODES", "MAX_DEPTH"]

MAX_ALIAS_NODES = 100_000  # nodes that aliases may expand to, per stream
MAX_DEPTH = 200  # nesting levels (aliases included); far beyond any config, well inside Python's stack

try:
    _LOADER: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _LOADER = yaml.SafeLoader

_new_span = tuple.__new__  # Span is a tuple subclass; hot loops skip Span.__new__
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_RESOLVER = Resolver()
_CONSTRUCTORS = SafeConstructor.yaml_constructors
# Tag resolution of an implicitly typed scalar (plain, or tagged `!`) depends only on its text (this
# Resolver has no path resolvers; other untagged scalars are str), and config files repeat the same few scalars (true, 15,
# cgroupfs), so the resolved tag and, for immutable types, the constructed value are memoised by text.
_PLAIN: Dict[str, Tuple[str, Any]] = {}  # plain scalar text -> (tag, value or _FRESH)
_FRESH = object()
_CTOR = SafeConstructor()  # scalar constructors keep no per-document state: one serves every parse
_CONSTRUCTED: Dict[Tuple[str, str], Any] = {}
_MEMO_LIMIT = 20_000
_IMMUTABLE_TAGS = frozenset(("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                             "tag:yaml.org,2002:null"))
_NO_ITEMS: Tuple[Any, ...] = ()
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = set(",[]{}")
_BLANK = " \t\r\n"


# -- node tree ------------------------------------------------------------------

class _Node:
    """One node as written. Offsets are into doc.text; `end` is after the last content char."""

    __slots__ = ("kind", "start", "tok", "end", "anchor", "nprops", "style", "raw", "value",
                 "tag", "items", "flow", "in_flow", "size", "depth", "target", "closed", "hdr_end")

    def __init__(self, kind: str, start: int, tok: int, anchor: Optional[str], nprops: int, in_flow: bool) -> None:
        self.kind = kind  # "scalar", "map", "seq" or "alias"
        self.start = start  # first char, anchor/tag included
        self.tok = tok  # first char of the node itself (quote, `|`, `{`, `-`, first key)
        self.end = tok
        self.anchor = anchor
        self.nprops = nprops  # anchor and tag written before the node
        self.style: Optional[str] = None  # scalars: None (plain), "'", '"', "|", ">"
        self.raw = ""  # scalars: the value string before type resolution
        self.value: Any = None  # scalars: the constructed value
        self.tag = ""
        self.flow = False
        self.in_flow = in_flow  # inside a flow collection
        # Nodes and nesting height once aliases are expanded. Only an alias's target needs them, so a
        # collection's are worked out (by _measure) when an alias first refers to it; 0 = not yet.
        # seq items; map: key, value, key, value, ... Scalars and aliases never get items: they share
        # one empty tuple instead of a list each (fewer objects for the cyclic GC to scan).
        if kind == "map" or kind == "seq":
            self.items: List[_Node] = []
            self.size = 0
            self.depth = 0
        else:
            self.items = _NO_ITEMS  # type: ignore[assignment]
            self.size = 1
            self.depth = 1
        self.target: Optional[_Node] = None  # aliases
        self.closed = False
        self.hdr_end = tok  # block scalars: end of the header line


class _PlainScalar(_Node):
    """A scalar without anchor, tag or block style: most nodes of a config file.

    The attributes every such scalar shares are class attributes (read-only on instances), so the
    composer sets only the eight that differ; it builds these with object.__new__, without __init__.
    """

    __slots__ = ()
    kind = "scalar"  # type: ignore[assignment]
    anchor = None  # type: ignore[assignment]
    nprops = 0  # type: ignore[assignment]
    items = _NO_ITEMS  # type: ignore[assignment]
    flow = False  # type: ignore[assignment]
    size = 1  # type: ignore[assignment]
    depth = 1  # type: ignore[assignment]
    target = None  # type: ignore[assignment]
    closed = True  # type: ignore[assignment]


def _measure(root: _Node) -> None:
    """Fill in size and depth of a closed collection and of the collections under it."""
    todo = [(root, False)]
    while todo:
        n, children_done = todo.pop()
        if children_done:
            size = depth = 1
            for c in n.items:
                size += c.size
                if c.depth >= depth:
                    depth = c.depth + 1
            n.size = size
            n.depth = depth
        else:
            todo.append((n, True))
            todo.extend((c, False) for c in n.items if c.size == 0)


_SCALAR_EVENT = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_END = yaml.SequenceEndEvent
_FAR = 1 << 62  # "no '#' left"


class _Composer:
    """Events -> _Node trees, enforcing the alias and depth limits as nodes arrive.

    Comment search is folded into the walk: nodes arrive in text order, so each '#' of the text
    is classified once, as inside a scalar or tag (not a comment) or outside (`outside`).
    """

    def __init__(self, text: str, index: LineIndex, loader: Any, max_alias_nodes: int, max_depth: int) -> None:
        self.text = text
        self.index = index
        self.off = 1 if text.startswith("\ufeff") else 0
        self.loader_cls = loader
        self.max_alias = max_alias_nodes
        self.max_depth = max_depth
        self.docs: List[Optional[_Node]] = []
        hashes = []
        pos = text.find("#")
        while pos != -1:
            hashes.append(pos)
            pos = text.find("#", pos + 1)
        self.hashes = hashes
        self.hi = 0  # hashes[:hi] are classified
        self.next_hash = hashes[0] if hashes else _FAR
        self.outside: List[int] = []  # offsets of '#' outside scalars and tags
        self.stack: List[_Node] = []
        self.flow_level = 0
        self.anchors: Dict[str, _Node] = {}
        self.expanded = 0
        self.root: Optional[_Node] = None

    # -- errors ---------------------------------------------------------------
    def error(self, message: str, offset: int) -> ParseError:
        line, col = self.index.position(max(0, min(offset, len(self.text))))
        return ParseError(message, line, col)

    def marked(self, exc: yaml.MarkedYAMLError) -> ParseError:
        problem = exc.problem or exc.context or "invalid YAML"
        mark = exc.problem_mark or exc.context_mark
        message = problem
        if exc.context and exc.problem:
            ctx = exc.context
            cm = exc.context_mark
            if cm is not None and (mark is None or cm.index != mark.index):
                line, col = self.index.position(cm.index + self.off)
                ctx += f" started at line {line}, column {col}"
            message = f"{problem} ({ctx})"
        return self.error(message, (mark.index if mark is not None else 0) + self.off)

    # -- driving --------------------------------------------------------------
    def run(self) -> List[Optional[_Node]]:
        loader = self.loader_cls(self.text[self.off:])
        try:
            self.walk(loader.get_event)
        except yaml.MarkedYAMLError as exc:
            raise self.marked(exc) from None
        except yaml.reader.ReaderError as exc:
            code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
            found = self.text.find(chr(code))  # libyaml reports a byte offset
            raise self.error(f"unacceptable character #x{code:04x}: {exc.reason}",
                             found if found != -1 else exc.position + self.off) from None
        except yaml.YAMLError as exc:
            raise ParseError(f"invalid YAML: {exc}") from None
        finally:
            loader.dispose()
        self.mask(_FAR, _FAR)  # the '#' after the last node
        return self.docs

    def walk(self, get_event: Callable[[], Any]) -> None:
        """Consume the event stream. Untagged, unanchored flow/plain/quoted scalars (almost every
        event of a config file) are handled inline; everything else goes through `event`."""
        off = self.off
        plain = _PLAIN
        stack = self.stack
        items: Optional[List[_Node]] = None  # items of the innermost open collection
        in_flow = False
        next_hash = self.next_hash
        ev = get_event()
        new = object.__new__
        while ev is not None:
            if ev.__class__ is _SCALAR_EVENT and ev.anchor is None and ev.tag is None \
                    and (style := ev.style) != "|" and style != ">":
                start = ev.start_mark.index + off
                end = ev.end_mark.index + off
                node = new(_PlainScalar)
                node.start = node.tok = node.hdr_end = start
                node.end = end
                node.in_flow = in_flow
                value = node.raw = ev.value
                node.style = style or None
                if next_hash < end:
                    self.mask(start, end)
                    next_hash = self.next_hash
                if ev.implicit[0]:
                    hit = plain.get(value)
                    if hit is None:
                        hit = _resolve_plain(value)
                    tag = node.tag = hit[0]
                    node.value = hit[1] if hit[1] is not _FRESH else self.construct(tag, ev, start)
                else:
                    node.tag = _STR
                    node.value = value
                if items is not None:
                    items.append(node)
                else:
                    self.root = node
            else:
                self.event(ev)
                items = stack[-1].items if stack else None
                in_flow = self.flow_level > 0
                next_hash = self.next_hash
            ev = get_event()

    def event(self, ev: Any) -> None:
        cls = ev.__class__
        if cls is _SCALAR_EVENT:
            self.scalar(ev)
        elif cls is _MAP_START:
            self.open(ev, "map")
        elif cls is _SEQ_START:
            self.open(ev, "seq")
        elif cls is _MAP_END or cls is _SEQ_END:
            self.close(ev)
        elif cls is yaml.AliasEvent:
            self.alias(ev)
        elif cls is yaml.DocumentStartEvent:
            self.anchors = {}
            self.root = None
        elif cls is yaml.DocumentEndEvent:
            self.docs.append(self.root)

    def mask(self, start: int, end: int) -> None:
        """[start, end) is a scalar or tag: a '#' in it is no comment, one before it (not yet
        classified) is. Ranges must come in text order."""
        hashes = self.hashes
        i = self.hi
        n = len(hashes)
        while i < n and hashes[i] < end:
            if hashes[i] < start:
                self.outside.append(hashes[i])
            i += 1
        self.hi = i
        self.next_hash = hashes[i] if i < n else _FAR

    def attach(self, node: _Node) -> None:
        if self.stack:
            self.stack[-1].items.append(node)
        else:
            self.root = node

    def after_props(self, pos: int, count: int, end: int) -> int:
        """Offset of the node itself after `count` properties (&anchor, !tag) from pos."""
        t = self.text
        n = len(t)
        for _ in range(count):
            pos = _skip_filler(t, pos)
            if pos >= n or t[pos] not in "&!":
                break
            p0 = pos
            stop = _BLANK if t[pos] == "!" else _BLANK + ",[]{}"
            while pos < n and t[pos] not in stop:
                pos += 1
            if t[p0] == "!":
                self.mask(p0, pos)  # a tag may hold '#'
        if end >= 0:
            pos = _skip_filler(t, pos)
            return min(pos, end)
        return _skip_filler(t, pos)

    def construct(self, tag: str, ev: Any, tok: int) -> Any:
        """The value of a scalar with a known (resolved or explicit) tag, built by SafeConstructor."""
        value = ev.value
        memo = tag in _IMMUTABLE_TAGS
        hit = _CONSTRUCTED.get((tag, value), _CONSTRUCTED) if memo else _CONSTRUCTED
        if hit is not _CONSTRUCTED:
            return hit
        fn = _CONSTRUCTORS.get(tag)
        if fn is None:
            return value  # unknown tag (Ansible !vault, !unsafe): keep the text
        try:
            result = fn(_CTOR, yaml.ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style or None))
        except Exception as exc:  # bad !!int / !!binary / !!timestamp content
            raise self.error(f"cannot read {value!r} as {tag}: {exc}", tok) from None
        if memo:
            if len(_CONSTRUCTED) >= _MEMO_LIMIT:
                _CONSTRUCTED.clear()
            _CONSTRUCTED[(tag, value)] = result
        return result

    def scalar(self, ev: Any) -> None:
        off = self.off
        start, end = ev.start_mark.index + off, ev.end_mark.index + off
        nprops = (ev.anchor is not None) + (ev.tag is not None)
        tok = self.after_props(start, nprops, end) if nprops else start
        node = _Node("scalar", start, tok, ev.anchor, nprops, self.flow_level > 0)
        style = ev.style or None
        node.style = style
        node.raw = ev.value
        if style in ("|", ">"):
            t = self.text
            hdr = t.find("\n", tok, end)
            hdr = end if hdr == -1 else hdr
            e = end
            while e > hdr and t[e - 1] in _BLANK:
                e -= 1
            if e <= hdr:  # no content: the span is the indicator
                e = tok + 1
                while e < hdr and t[e] in "+-0123456789":
                    e += 1
            node.hdr_end = hdr
            node.end = e
            if e > hdr:
                self.mask(hdr, e)
        else:
            node.end = end
            if end > tok:
                self.mask(tok, end)
        tag = ev.tag
        value = ev.value
        if tag is None or tag == "!":
            if ev.implicit[0]:
                hit = _PLAIN.get(value)
                if hit is None:
                    hit = _resolve_plain(value)
                node.tag = hit[0]
                node.value = hit[1] if hit[1] is not _FRESH else self.construct(hit[0], ev, tok)
            else:
                node.tag = _STR
                node.value = value
        else:
            node.tag = tag
            node.value = value if tag == _STR or tag == _MERGE else self.construct(tag, ev, tok)
        node.closed = True
        self.register(ev.anchor, node)
        self.attach(node)

    def register(self, anchor: Optional[str], node: _Node) -> None:
        if anchor is not None:
            self.anchors[anchor] = node

    def open(self, ev: Any, kind: str) -> None:
        off = self.off
        start = ev.start_mark.index + off
        if len(self.stack) + 1 > self.max_depth:
            raise self.error(f"YAML nesting is deeper than {self.max_depth} levels", start)
        nprops = (ev.anchor is not None) + (ev.tag is not None)
        tok = self.after_props(start, nprops, -1) if nprops else start
        node = _Node(kind, start, tok, ev.anchor, nprops, self.flow_level > 0)
        node.flow = bool(ev.flow_style)
        self.register(ev.anchor, node)
        self.stack.append(node)
        if node.flow:
            self.flow_level += 1

    def close(self, ev: Any) -> None:
        node = self.stack.pop()
        if node.flow:
            self.flow_level -= 1
            node.end = ev.end_mark.index + self.off
        else:
            node.end = node.items[-1].end if node.items else node.tok
        node.closed = True
        self.attach(node)

    def alias(self, ev: Any) -> None:
        start, end = ev.start_mark.index + self.off, ev.end_mark.index + self.off
        target = self.anchors.get(ev.anchor)
        if target is None:
            raise self.error(f"found undefined alias {ev.anchor!r}", start)
        if not target.closed:
            raise self.error(f"alias *{ev.anchor} is inside the node it refers to (recursive alias)", start)
        if target.size == 0:
            _measure(target)
        self.expanded += target.size
        if self.expanded > self.max_alias:
            raise self.error(f"YAML aliases expand to more than {self.max_alias} nodes (possible alias bomb)", start)
        if len(self.stack) + target.depth > self.max_depth:
            raise self.error(f"YAML nesting is deeper than {self.max_depth} levels once aliases are expanded", start)
        node = _Node("alias", start, start, None, 0, self.flow_level > 0)
        node.end = end
        node.target = target
        node.size = target.size
        node.depth = target.depth
        node.closed = True
        self.attach(node)


def _resolve_plain(value: str) -> Tuple[str, Any]:
    """(tag, value) of an implicitly typed scalar as SafeLoader resolves and builds it, memoised in
    _PLAIN; the value is _FRESH when it has to be built for each occurrence (mutable type, or
    content the constructor refuses, so the error is raised where it is written)."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    result: Any = _FRESH
    if tag == _STR or tag == _MERGE:
        result = value
    elif tag in _IMMUTABLE_TAGS:
        try:
            result = _CONSTRUCTORS[tag](_CTOR, yaml.ScalarNode(tag, value))
        except Exception:
            result = _FRESH
    elif _CONSTRUCTORS.get(tag) is None:
        result = value
    if len(_PLAIN) >= _MEMO_LIMIT:
        _PLAIN.clear()
    hit = _PLAIN[value] = (tag, result)
    return hit


def _deref(n: _Node) -> _Node:
    """The node an alias stands for (any other node: itself)."""
    return n.target if n.target is not None else n


def _skip_filler(t: str, pos: int) -> int:
    """Skip whitespace, line breaks and comments."""
    n = len(t)
    while pos < n:
        c = t[pos]
        if c in _BLANK:
            pos += 1
        elif c == "#":  # only called between tokens, where '#' starts a comment
            nl = t.find("\n", pos)
            pos = n if nl == -1 else nl + 1
        else:
            break
    return pos


def _scan_comments(text: str, outside: List[int], index: LineIndex) -> List[Tuple[int, Comment, bool]]:
    """(offset, comment, alone on its line) for every '#' outside scalars that starts a comment."""
    out = []
    eol = -1
    for pos in outside:
        if pos < eol:
            continue  # a '#' inside an earlier comment
        nl = text.find("\n", pos)
        eol = len(text) if nl == -1 else nl
        body = text[pos + 1:eol]
        if body.endswith("\r"):
            body = body[:-1]
        line, col = index.position(pos)
        alone = text[index.starts[line - 1]:pos].strip(" \t") == ""
        out.append((pos, Comment(line, col, body), alone))
    return out


# -- rendering --------------------------------------------------------------------

def _plain_ok(s: str, flow: bool) -> bool:
    """Whether s can be written unquoted and read back as the same string."""
    if not s or s[0] in " \t" or s[-1] in " \t":
        return False
    if s[0] in _INDICATORS and not (s[0] == "-" and len(s) > 1 and s[1] not in _BLANK):
        return False
    if not s.isprintable():
        return False
    if ": " in s or " #" in s or s.endswith(":") or s.startswith(("---", "...")):
        return False
    if flow and (":" in s or any(c in _FLOW_CHARS for c in s)):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) == _STR


def _double_quoted(s: str) -> str:
    out = ['"']
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif c.isprintable():
            out.append(c)
        else:
            o = ord(c)
            out.append("\\x%02X" % o if o < 0x100 else "\\u%04X" % o if o < 0x10000 else "\\U%08X" % o)
    out.append('"')
    return "".join(out)


def _render_scalar(value: Any, flow: bool, hint: Optional[str] = None) -> str:
    """A YAML token that reads back as value; hint is the old quoting style to keep."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        r = repr(value)
        if "." not in r and "e" in r:  # YAML 1.1 floats need a dot: 1e+20 -> 1.0e+20
            mant, exp = r.split("e")
            r = f"{mant}.0e{exp}"
        return r
    if isinstance(value, str):
        if hint == "'" and value.isprintable():
            return "'" + value.replace("'", "''") + "'"
        if hint != '"' and _plain_ok(value, flow):
            return value
        return _double_quoted(value)
    raise EditError(f"cannot write a {type(value).__name__} value into YAML")


def _render_key(key: Any, flow: bool, hint: Optional[str] = None) -> str:
    if not isinstance(key, str):
        raise EditError(f"mapping keys must be strings, not {type(key).__name__}")
    return _render_scalar(key, flow, hint if hint in ("'", '"') else None)


def _render_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_render_key(k, True)}: {_render_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_render_flow(v) for v in value) + "]"
    return _render_scalar(value, True)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _fmt(path: KeyPath) -> str:
    return ".".join(str(p) for p in path) or "(document root)"


# -- the document -------------------------------------------------------------------

class _Where:
    """Where an own-location entry sits: its key node, value node, container and position."""

    __slots__ = ("key", "node", "parent", "index")

    def __init__(self, key: Optional[_Node], node: _Node, parent: Optional[_Node], index: int) -> None:
        self.key = key
        self.node = node
        self.parent = parent
        self.index = index  # item index (seq) or pair index (map) in parent


def _key(w: _Where) -> _Node:
    if w.key is None:
        raise EditError("this entry is a sequence item, not a key")
    return w.key


@dataclass
class YamlDocument(Document):
    """A parsed YAML stream (its first document) with span-preserving edit builders.

    `extra_documents`: documents after the first (parsed for validity, not read).
    `alias_paths`: paths whose entries were reached through an alias or merge key.
    `duplicate_keys`: entries of key occurrences shadowed by a later repeat.
    """

    format: str = "yaml"
    extra_documents: int = 0
    alias_paths: Set[KeyPath] = field(default_factory=set)
    duplicate_keys: List[Entry] = field(default_factory=list)

    span = doc_span  # same results as Document.span/children, cheaper (see formats/_fast.py)
    children = doc_children

    def __post_init__(self) -> None:
        super().__post_init__()
        self._root: Optional[_Node] = None
        # Where each own entry sits, for the edit builders: recorded as (path, key, node, parent,
        # index) while building and turned into _Where objects only if an edit asks (most parses
        # never edit).
        self._places: List[Tuple[KeyPath, Optional[_Node], _Node, Optional[_Node], int]] = []
        self._where_map: Optional[Dict[KeyPath, _Where]] = None
        self._overrides: Set[KeyPath] = set()  # own keys that hide a merged (<<) key
        self._comment_at: List[int] = []
        self._alone: Dict[int, Comment] = {}  # line -> comment that is alone on it
        self._loader: Any = _LOADER
        self._limits = (MAX_ALIAS_NODES, MAX_DEPTH)
        self._step_cache: Optional[int] = None
        self._indentless_cache: Optional[bool] = None

    @property
    def _where(self) -> Dict[KeyPath, _Where]:
        if self._where_map is None:
            self._where_map = {p: _Where(k, n, parent, i) for p, k, n, parent, i in self._places}
            self._places = []
        return self._where_map

    # -- building ------------------------------------------------------------------
    def _build(self, comp: _Composer, docs: List[Optional[_Node]]) -> None:
        self.extra_documents = max(0, len(docs) - 1)
        root = docs[0] if docs else None
        self._root = root
        for pos, comment, alone in _scan_comments(self.text, comp.outside, self.index):
            self.comments.append(comment)
            self._comment_at.append(pos)
            if alone:
                self._alone[comment.line] = comment
        if root is None:
            self.data = None
            self.add(Entry((), None, None, self.span(0, 0)))
            return
        self.data = self._visit(root, (), None, None, True)
        self._places.append(((), None, root, None, 0))

    def _visit(self, node: _Node, path: KeyPath, key_span: Optional[Span], aliased: Optional[Span],
               register: bool) -> Any:
        """Build node's value and register its entry (and its children's) under path."""
        vspan = aliased or self.span(node.start, node.end)
        inner = vspan if node.kind == "alias" else aliased  # the span children report, if aliased
        n = _deref(node)
        value: Any
        if n.kind == "scalar":
            value = n.value
        elif n.kind == "seq":
            value = []
        else:
            value = {}
        if register:
            self.add(Entry(path, value, key_span, vspan))
            if aliased is not None:
                self.alias_paths.add(path)
        if n.kind == "seq":
            if register and inner is None:
                self._fill_seq(n, value, path)
            else:
                for i, item in enumerate(n.items):
                    value.append(self._visit(item, path + (i,), None, inner, register))
        elif n.kind == "map":
            if not (register and inner is None and self._fill_plain_map(n, value, path)):
                self._fill_map(n, value, path, inner, register)
        return value

    # The two loops below are _visit unrolled for the common case (own content, scalar children,
    # no merge keys or repeated keys): same entries, spans and order, without a call per entry.
    # Spans as doc.span makes them; a key and its scalar value on one line need one line lookup.
    def _fill_seq(self, n: _Node, value: List[Any], path: KeyPath) -> None:
        starts = self.index.starts
        entries = self.entries
        by_path = self._by_path
        places = self._places
        for i, item in enumerate(n.items):
            sub = path + (i,)
            if item.kind == "scalar":
                s, e = item.start, item.end
                a = bisect_right(starts, s) - 1
                b = a if e == s else bisect_right(starts, e, a if e > s else 0) - 1
                v = item.value
                vspan = _new_span(Span, (s, e, a + 1, s - starts[a] + 1, b + 1, e - starts[b] + 1))
                entry = Entry(sub, v, None, vspan)
                entries.append(entry)
                by_path[sub] = entry
            else:
                v = self._visit(item, sub, None, None, True)
            value.append(v)
            places.append((sub, None, item, n, i))

    def _fill_plain_map(self, n: _Node, value: Dict[str, Any], path: KeyPath) -> bool:
        """Fill a mapping without merge keys or repeated keys; False (nothing done) for others."""
        items = n.items
        keys = []
        for k in items[0::2]:
            if k.kind != "scalar":
                keys.append(self._key_text(k))
            elif k.tag == _MERGE:
                return False
            else:
                keys.append(k.raw)
        if len(set(keys)) != len(keys):
            return False
        starts = self.index.starts
        last_line = len(starts) - 1
        entries = self.entries
        by_path = self._by_path
        places = self._places
        j = 0
        for k in keys:
            kn = items[2 * j]
            vn = items[2 * j + 1]
            sub = path + (k,)
            s, e = kn.start, kn.end
            a = bisect_right(starts, s) - 1
            ls = starts[a]
            nxt = starts[a + 1] if a < last_line else len(self.text) + 1
            if e < nxt:
                kspan = _new_span(Span, (s, e, a + 1, s - ls + 1, a + 1, e - ls + 1))
            else:
                b = bisect_right(starts, e, a if e > s else 0) - 1
                kspan = _new_span(Span, (s, e, a + 1, s - ls + 1, b + 1, e - starts[b] + 1))
            if vn.kind == "scalar":
                s, e = vn.start, vn.end
                if e < nxt and s >= ls:
                    vspan = _new_span(Span, (s, e, a + 1, s - ls + 1, a + 1, e - ls + 1))
                else:
                    a = bisect_right(starts, s) - 1
                    b = a if e == s else bisect_right(starts, e, a if e > s else 0) - 1
                    vspan = _new_span(Span, (s, e, a + 1, s - starts[a] + 1, b + 1, e - starts[b] + 1))
                v = vn.value
                entry = Entry(sub, v, kspan, vspan)
                entries.append(entry)
                by_path[sub] = entry
            else:
                v = self._visit(vn, sub, kspan, None, True)
            places.append((sub, kn, vn, n, j))
            value[k] = v
            j += 1
        return True

    def _key_text(self, k: _Node) -> str:
        k = _deref(k)
        if k.kind == "scalar":
            return k.raw
        return self.text[k.start:k.end]  # a collection used as a key: its text

    def _pairs(self, n: _Node, depth: int) -> List[Tuple[str, _Node, _Node, Optional[_Node]]]:
        """(key, key node, value node, merge source) with merge keys flattened like SafeLoader."""
        if depth > MAX_DEPTH:
            raise ParseError(f"merge keys nest deeper than {MAX_DEPTH} levels", *self.index.position(n.start))
        merged: List[Tuple[str, _Node, _Node, Optional[_Node]]] = []
        own: List[Tuple[str, _Node, _Node, Optional[_Node]]] = []
        items = n.items
        for j in range(0, len(items), 2):
            k, v = items[j], items[j + 1]
            if k.kind == "scalar" and k.tag == _MERGE:
                src = _deref(v)
                if src.kind == "map":
                    merged.extend((a, b, c, v) for a, b, c, _ in self._pairs(src, depth + 1))
                elif src.kind == "seq":
                    parts = []
                    for item in src.items:
                        m = _deref(item)
                        if m.kind != "map":
                            raise ParseError("expected a mapping for merging, but found a "
                                             f"{'sequence' if m.kind == 'seq' else 'scalar'}",
                                             *self.index.position(item.start))
                        parts.append([(a, b, c, item) for a, b, c, _ in self._pairs(m, depth + 1)])
                    for part in reversed(parts):
                        merged.extend(part)
                else:
                    raise ParseError("expected a mapping or list of mappings for merging",
                                     *self.index.position(v.start))
            else:
                own.append((self._key_text(k), k, v, None))
        return merged + own

    def _fill_map(self, n: _Node, value: Dict[str, Any], path: KeyPath, inner: Optional[Span],
                  register: bool) -> None:
        pairs = self._pairs(n, 0)
        last = {k: i for i, (k, _, _, _) in enumerate(pairs)}
        pair_index = {id(kn): j // 2 for j, kn in enumerate(n.items) if j % 2 == 0}
        merged = {k for k, _, _, source in pairs if source is not None}
        for i, (k, kn, vn, source) in enumerate(pairs):
            sub = path + (k,)
            if source is None and inner is None:
                shadowed = last[k] != i
                kspan = self.span(kn.start, kn.end)
                v = self._visit(vn, sub, kspan, None, register and not shadowed)
                if register:
                    if shadowed:
                        self.duplicate_keys.append(Entry(sub, v, kspan, self.span(vn.start, vn.end)))
                    else:
                        self._places.append((sub, kn, vn, n, pair_index[id(kn)]))
                        if k in merged:
                            self._overrides.add(sub)
            else:
                if last[k] != i:
                    continue  # overridden by a later key or merge source
                if inner is None:
                    assert source is not None
                    inner_span = self.span(source.start, source.end)
                else:
                    inner_span = inner
                v = self._visit(vn, sub, None, inner_span, register)
            value[k] = v

    # -- positions -------------------------------------------------------------------
    def _ls(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def _eol(self, pos: int) -> int:
        """Offset of the line break ending pos's line (or the end of the text)."""
        t = self.text
        i = t.find("\n", pos)
        if i == -1:
            return len(t)
        return i - 1 if i > pos and t[i - 1] == "\r" else i

    def _next_line(self, pos: int) -> int:
        i = self.text.find("\n", pos)
        return len(self.text) if i == -1 else i + 1

    def _col(self, pos: int) -> int:
        return pos - self._ls(pos)

    def _at_line_start(self, pos: int) -> bool:
        return self.text[self._ls(pos):pos].strip(" \t") == ""

    def _has_comment(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._comment_at, start)
        return i < len(self._comment_at) and self._comment_at[i] < end

    def _colon_end(self, key: _Node) -> int:
        t = self.text
        i = key.end
        while i < len(t) and t[i] in " \t":
            i += 1
        if i < len(t) and t[i] == ":":
            return i + 1
        raise EditError(f"cannot find the ':' after the key at line {self.index.position(key.start)[0]}")

    def _props_end(self, n: _Node) -> int:
        t = self.text
        pos = n.start
        for _ in range(n.nprops):
            pos = _skip_filler(t, pos)
            while pos < len(t) and t[pos] not in _BLANK:
                pos += 1
        return pos

    def _dash(self, seq: _Node, i: int) -> int:
        pos = seq.tok if i == 0 else _skip_filler(self.text, seq.items[i - 1].end)
        if self.text[pos:pos + 1] != "-":
            raise EditError(f"cannot find the '-' of item {i} at line {self.index.position(pos)[0]}")
        return pos

    def _lead(self, w: _Where) -> int:
        """Where an inline value for this entry would start (after `key:`, `-` or the anchor)."""
        n = w.node
        if n.nprops:
            return self._props_end(n)
        p = w.parent
        if p is None:
            raise EditError("the document root has no key")
        if p.kind == "map":
            return self._colon_end(_key(w))
        return self._dash(p, w.index) + 1

    def _line_block(self, anchor_pos: int, value_end: int) -> Tuple[int, int]:
        """Whole lines of an item starting at anchor_pos, with its attached comments."""
        col = self._col(anchor_pos)
        line = self.index.position(anchor_pos)[0]
        start = self.index.starts[line - 1]
        above = line - 1
        while above >= 1:
            c = self._alone.get(above)
            if c is None or c.column - 1 != col:
                break
            start = self.index.starts[above - 1]
            above -= 1
        return start, self._deeper_comments_end(self._next_line(value_end), col)

    def _deeper_comments_end(self, pos: int, col: int) -> int:
        """Skip the comment-only lines from pos that are indented deeper than col."""
        while pos < len(self.text):
            c = self._alone.get(self.index.position(pos)[0])
            if c is None or c.column - 1 <= col:
                break
            pos = self._next_line(pos)
        return pos

    # -- style of the file ------------------------------------------------------------
    def _step(self) -> int:
        """Indentation step of nested block mappings (2 when the file shows none)."""
        if self._step_cache is None:
            self._step_cache = 2
            for w in self._where.values():
                if (w.key is not None and w.node.kind == "map" and not w.node.flow and w.node.items
                        and self._col(w.node.items[0].start) > self._col(w.key.start)):
                    self._step_cache = self._col(w.node.items[0].start) - self._col(w.key.start)
                    break
        return self._step_cache

    def _indentless(self) -> bool:
        """Whether block sequences sit at their key's column (`key:\\n- a`)."""
        if self._indentless_cache is None:
            self._indentless_cache = False
            for w in self._where.values():
                if w.key is not None and w.node.kind == "seq" and not w.node.flow:
                    self._indentless_cache = self._col(w.node.tok) == self._col(w.key.start)
                    break
        return self._indentless_cache

    def _block_lines(self, key_text: str, value: Any, col: int) -> List[str]:
        pad = " " * col
        if isinstance(value, dict) and value:
            out = [pad + key_text + ":"]
            for k, v in value.items():
                out += self._block_lines(_render_key(k, False), v, col + self._step())
            return out
        if isinstance(value, (list, tuple)) and value:
            out = [pad + key_text + ":"]
            icol = col if self._indentless() else col + self._step()
            for item in value:
                out += self._item_lines(item, icol)
            return out
        if isinstance(value, (dict, list, tuple)):
            return [pad + key_text + ": " + _render_flow(value)]
        return [pad + key_text + ": " + _render_scalar(value, False)]

    def _item_lines(self, item: Any, col: int) -> List[str]:
        pad = " " * col
        if isinstance(item, dict) and item:
            out: List[str] = []
            for k, v in item.items():
                out += self._block_lines(_render_key(k, False), v, col + 2)
            out[0] = pad + "- " + out[0][col + 2:]
            return out
        if isinstance(item, (dict, list, tuple)):
            return [pad + "- " + _render_flow(item)]
        return [pad + "- " + _render_scalar(item, False)]

    def _lines_edit(self, pos: int, lines: List[str]) -> Edit:
        nl = self.newline
        body = nl.join(lines)
        if pos >= len(self.text) and self.text and not self.text.endswith("\n"):
            return Edit(pos, pos, nl + body)  # keep the missing final newline missing
        return Edit(pos, pos, body + nl)

    # -- checks ----------------------------------------------------------------------
    def _own(self, path: KeyPath) -> _Where:
        if path in self.alias_paths:
            raise EditError(f"{_fmt(path)} comes from an alias or merge key; edit the anchored node instead")
        w = self._where.get(path)
        if w is None:
            raise EditError(f"{_fmt(path)} does not exist")
        return w

    def _not_duplicated(self, path: KeyPath) -> None:
        """Removing the last occurrence of a repeated key would bring back an earlier one."""
        if any(d.path == path for d in self.duplicate_keys):
            raise EditError(f"{_fmt(path)} is written more than once; remove the duplicates first")

    def _not_hiding_merge(self, path: KeyPath) -> None:
        if path in self._overrides:
            raise EditError(f"{_fmt(path)} overrides a key merged with '<<'; without it the merged value would show")

    def _checked(self, edits: List[Edit]) -> List[Edit]:
        """Refuse edits whose result is not valid YAML (undefined alias, broken indentation...)."""
        new, _, deferred = apply_edits(self.text, edits)
        if deferred:
            raise EditError("internal error: overlapping edits")
        try:
            parse(self.path, self.kind, b"", new, self.bom, loader=self._loader,
                  max_alias_nodes=self._limits[0], max_depth=self._limits[1])
        except ParseError as exc:
            raise EditError(f"the edit would make invalid YAML: {exc.message} (line {exc.line})") from None
        return edits

    # -- edit builders -----------------------------------------------------------------
    def set_value(self, path: KeyPath, value: Any) -> List[Edit]:
        path = tuple(path)
        if not path:
            raise EditError("cannot replace the whole document")
        w = self._own(path)
        n = w.node
        if _same(self.get(path), value):
            return []
        if isinstance(value, (dict, list, tuple)):
            if n.kind == "alias" or (n.kind == "scalar" and n.style not in ("|", ">")) or n.flow:
                text = _render_flow(value)
                if n.kind == "scalar" and n.tok == n.end and self.text[n.tok - 1:n.tok] not in (" ", "\t"):
                    text = " " + text
                return self._checked([Edit(n.tok, n.end, text)])
            raise EditError(f"{_fmt(path)} holds a block value; delete it and insert the new one")
        if n.kind == "alias":
            return self._checked([Edit(n.start, n.end, _render_scalar(value, n.in_flow))])
        if n.kind == "scalar":
            if n.style in ("|", ">"):
                header = self.text[n.tok:n.hdr_end].rstrip("\r")
                hash_at = header.find(" #")
                if hash_at == -1:
                    hash_at = header.find("\t#")
                comment = " " + header[hash_at + 1:] if hash_at != -1 else ""
                literal = self._literal(n, value, comment) if n.style == "|" else None
                if literal is not None:
                    return self._checked([Edit(n.tok, n.end, literal)])
                return self._checked([Edit(n.tok, n.end, _render_scalar(value, False) + comment)])
            hint = n.style if isinstance(value, str) else None
            text = _render_scalar(value, n.in_flow, hint)
            if n.tok == n.end and self.text[n.tok - 1:n.tok] not in (" ", "\t"):
                text = " " + text  # `key:` with an empty value
            return self._checked([Edit(n.tok, n.end, text)])
        text = _render_scalar(value, n.in_flow)
        if n.flow:
            return self._checked([Edit(n.tok, n.end, text)])
        return self._checked(self._replace_block(w, text))

    def _literal(self, n: _Node, value: Any, comment: str) -> Optional[str]:
        """A multi-line string as a `|` block at the old block's indentation, or None."""
        if not isinstance(value, str) or "\n" not in value or value[:1] in (" ", "\t", "\n") \
                or value.endswith("\n\n") or not value.replace("\n", "").replace("\t", "").isprintable():
            return None
        t = self.text
        first = n.hdr_end
        while first < n.end and t[first] in _BLANK:
            first += 1
        if first < n.end:
            indent = self._col(first)
        else:  # no content yet: one step deeper than the header's line
            ls = self._ls(n.tok)
            indent = len(t[ls:n.tok]) - len(t[ls:n.tok].lstrip(" ")) + self._step()
        pad = " " * indent
        lines = value[:-1].split("\n") if value.endswith("\n") else value.split("\n")
        body = self.newline.join(pad + line if line else "" for line in lines)
        return ("|" if value.endswith("\n") else "|-") + comment + self.newline + body

    def _replace_block(self, w: _Where, text: str) -> List[Edit]:
        """A block collection value becomes an inline value; a comment on the key's line stays."""
        n = w.node
        lead = self._lead(w)
        eol = self._eol(lead)
        if n.tok < eol:
            return [Edit(n.tok, n.end, text)]
        p = w.parent
        assert p is not None
        anchor = w.key.start if w.key is not None else self._dash(p, w.index)
        last_eol = self._line_block(anchor, n.end)[1]
        if self.text[last_eol - 1:last_eol] == "\n":
            last_eol -= 2 if self.text[last_eol - 2:last_eol] == "\r\n" else 1
        if self._has_comment(lead, eol):
            return [Edit(lead, lead, " " + text), Edit(eol, last_eol, "")]
        return [Edit(lead, last_eol, " " + text)]

    def insert(self, table: KeyPath, key: str, value: Any) -> List[Edit]:
        table = tuple(table)
        key_text = _render_key(key, False)
        if self.has(table + (key,)):
            raise EditError(f"{_fmt(table + (key,))} already exists; use set_value")
        return self._checked(self._insert(
            table,
            lambda col: self._block_lines(key_text, value, col),
            lambda: f"{_render_key(key, True)}: {_render_flow(value)}",
        ))

    def _split(self, table: KeyPath) -> Tuple[KeyPath, KeyPath]:
        """The deepest existing prefix of table, and the keys still missing below it."""
        i = len(table)
        while i > 0 and not self.has(table[:i]):
            i -= 1
        return table[:i], table[i:]

    def _insert(self, table: KeyPath, block: Callable[[int], List[str]], flow: Callable[[], str]) -> List[Edit]:
        """Edits adding a pair to the mapping at table, creating missing parent mappings."""
        base, rest = self._split(table)
        for j, r in enumerate(rest):
            if not isinstance(r, str):
                raise EditError(f"{_fmt(base + rest[:j + 1])}: cannot create a sequence item")

        def block_payload(col: int) -> List[str]:
            lines = []
            for r in rest:
                lines.append(" " * col + _render_key(r, False) + ":")
                col += self._step()
            return lines + block(col)

        def flow_payload() -> str:
            text = flow()
            for r in reversed(rest):
                text = f"{_render_key(r, True)}: {{{text}}}"
            return text

        if not base and self._root is None:
            if self.extra_documents:
                raise EditError("the first document is empty")
            return [self._lines_edit(len(self.text), block_payload(0))]
        w = self._own(base)
        n = w.node
        if n.kind == "map":
            if n.flow:
                if n.items:
                    pos = n.items[-1].end
                    return [Edit(pos, pos, ", " + flow_payload())]
                return [Edit(n.tok + 1, n.tok + 1, flow_payload())]
            last = n
            while last.kind in ("map", "seq") and not last.flow and last.items:
                last = last.items[-1]
            if last.kind == "scalar" and last.style in ("|", ">") and "+" in self.text[last.tok:last.hdr_end]:
                raise EditError(f"{_fmt(base)} ends with a keep-chomping block scalar (|+); cannot append after it")
            col = self._col(n.items[0].start)
            pos = self._deeper_comments_end(self._next_line(n.end), self._col(n.items[-2].start))
            return [self._lines_edit(pos, block_payload(col))]
        if n.kind == "scalar" and n.value is None and n.style is None and w.parent is not None \
                and w.parent.kind == "map" and not n.nprops:
            if n.in_flow:
                text = "{" + flow_payload() + "}"
                if n.tok == n.end and self.text[n.tok - 1:n.tok] not in (" ", "\t"):
                    text = " " + text
                return [Edit(n.tok, n.end, text)]
            colon = self._colon_end(_key(w))
            edits = []
            if n.end > colon:
                edits.append(Edit(colon, n.end, ""))  # drop `~` / `null`
            col = self._col(_key(w).start) + self._step()
            edits.append(self._lines_edit(self._next_line(max(n.end, colon)), block_payload(col)))
            return edits
        if n.kind == "scalar" and n.value is None and n.style is None and w.parent is None and not n.nprops:
            # an empty document after `---` (or just `~`): the new pair becomes the root
            edits = [Edit(n.tok, n.end, "")] if n.end > n.tok else []
            empty_line = n.end == n.tok and self.text[self._ls(n.tok):self._eol(n.tok)].strip() == ""
            edits.append(self._lines_edit(n.tok if empty_line else self._next_line(n.end), block_payload(0)))
            return edits
        raise EditError(f"{_fmt(base)} is not a mapping")

    def delete(self, path: KeyPath) -> List[Edit]:
        path = tuple(path)
        if not path:
            raise EditError("cannot delete the document root")
        return self._checked(self._delete(path, self._own(path)))

    def _delete(self, path: KeyPath, w: _Where, refill: bool = True) -> List[Edit]:
        """Edits removing one entry; refill=False leaves an emptied block parent bare (move refills it)."""
        p, n, i = w.parent, w.node, w.index
        assert p is not None
        self._not_hiding_merge(path)
        self._not_duplicated(path)
        if p.flow:
            if p.kind == "map":
                starts = [k.start for k in p.items[0::2]]
                ends = [v.end for v in p.items[1::2]]
            else:
                starts = [x.start for x in p.items]
                ends = [x.end for x in p.items]
            if len(starts) == 1:
                return [Edit(p.tok + 1, p.end - 1, "")]
            if i + 1 < len(starts):
                return [Edit(starts[i], starts[i + 1], "")]
            return [Edit(ends[i - 1], ends[i], "")]
        if p.kind == "map":
            anchor = _key(w).start
            count = len(p.items) // 2
            nxt = p.items[2 * (i + 1)].start if i + 1 < count else None
            empty = "{}"
        else:
            anchor = self._dash(p, i)
            count = len(p.items)
            nxt = self._dash(p, i + 1) if i + 1 < count else None
            empty = "[]"
        if not self._at_line_start(anchor):  # `- key: v` or `- - item`: the first of its line
            if nxt is not None:
                return [Edit(anchor, nxt, "")]
            return [Edit(anchor, n.end, empty)]
        start, end = self._line_block(anchor, n.end)
        no_final_newline = end == len(self.text) and not self.text.endswith("\n")
        pw = self._where[path[:-1]]
        if count == 1 and pw.parent is None and refill:
            return [Edit(start, end, empty + ("" if no_final_newline else self.newline))]
        if no_final_newline and start > 0:  # the line before becomes the last: drop its break
            start -= 2 if self.text[start - 2:start] == "\r\n" else 1
        if count > 1 or not refill:
            return [Edit(start, end, "")]
        lead = self._lead(pw)
        return [Edit(start, end, ""), Edit(lead, lead, " " + empty)]

    def rename(self, path: KeyPath, new_key: str) -> List[Edit]:
        path = tuple(path)
        if not path:
            raise EditError("the document root has no key")
        w = self._own(path)
        kn = w.key
        if kn is None:
            raise EditError(f"{_fmt(path)} is a sequence item, not a key")
        if new_key == path[-1]:
            return []
        self._not_hiding_merge(path)
        self._not_duplicated(path)
        if self.has(path[:-1] + (new_key,)):
            raise EditError(f"{_fmt(path[:-1] + (new_key,))} already exists")
        if kn.kind != "scalar" or kn.style in ("|", ">"):
            raise EditError(f"the key of {_fmt(path)} is not a simple scalar")
        return self._checked([Edit(kn.tok, kn.end, _render_key(new_key, kn.in_flow, kn.style))])

    def move(self, path: KeyPath, table: KeyPath, new_key: Optional[str] = None) -> List[Edit]:
        path, table = tuple(path), tuple(table)
        if not path:
            raise EditError("cannot move the document root")
        w = self._own(path)
        n = w.node
        if w.key is None:
            raise EditError(f"{_fmt(path)} is a sequence item; only keys can be moved")
        kn: _Node = w.key
        nk = str(path[-1]) if new_key is None else new_key
        if table == path[:-1]:
            return self.rename(path, nk) if nk != path[-1] else []
        if table[:len(path)] == path:
            raise EditError(f"cannot move {_fmt(path)} into itself")
        if self.has(table + (nk,)):
            raise EditError(f"{_fmt(table + (nk,))} already exists")
        t = self.text
        key_tok = t[kn.tok:kn.end]
        props = t[kn.start:kn.tok]
        value_text = t[n.start:n.end]
        simple = "\n" not in value_text and not (n.kind == "scalar" and n.style in ("|", ">")) \
            and not (n.kind in ("map", "seq") and not n.flow)
        assert w.parent is not None
        src_flow = w.parent.flow

        def new_key_text(flow: bool) -> str:
            return key_tok if nk == path[-1] and not flow else _render_key(nk, flow, kn.style)

        def flow_payload() -> str:
            if not simple:
                raise EditError(f"{_fmt(path)} has a multi-line value; it cannot go into a flow mapping")
            return f"{props}{new_key_text(True)}: {value_text}"

        def block_payload(col: int) -> List[str]:
            if src_flow:
                if "\n" in value_text:
                    raise EditError(f"{_fmt(path)} has a multi-line flow value")
                return [" " * col + props + new_key_text(False) + ": " + value_text]
            at_start = self._at_line_start(kn.start)
            start, end = self._line_block(kn.start, n.end)
            if not at_start:
                start = kn.start
            old_col = self._col(kn.start)
            key_line = self.index.position(kn.start)[0] - self.index.position(start)[0]
            chunk = t[start:end]
            if chunk.endswith("\n"):
                chunk = chunk[:-1]
            out = []
            for j, line in enumerate(chunk.split("\n")):
                if line.endswith("\r"):
                    line = line[:-1]
                if j > 0 or at_start:
                    lead = len(line) - len(line.lstrip(" "))
                    line = line[min(lead, old_col):]
                if j == key_line:
                    line = props + new_key_text(False) + line[kn.end - kn.start:]
                out.append(" " * col + line if line.strip() else "")
            return out

        deletes = self._delete(path, w, refill=self._split(table)[0] != path[:-1])
        inserts = self._insert(table, block_payload, flow_payload)
        fixed = []
        for e in inserts:
            pos = e.start
            if e.start == e.end:
                for d in deletes:
                    if d.start < pos < d.end:
                        pos = d.end
            fixed.append(Edit(pos, pos + (e.end - e.start), e.text))
        return self._checked(deletes + fixed)


# -- entry point ----------------------------------------------------------------------

def parse(path: str, kind: str, raw: bytes, text: str, bom: bool, *, loader: Any = None,
          max_alias_nodes: int = MAX_ALIAS_NODES, max_depth: int = MAX_DEPTH) -> YamlDocument:
    """Parse YAML text (already decoded, BOM stripped) into a YamlDocument.

    `loader` picks the event source (default: libyaml's CSafeLoader, else SafeLoader).
    """
    doc = YamlDocument(path=path, kind=kind, raw=raw, text=text, bom=bom)
    loader = loader or _LOADER
    comp = _Composer(text, doc.index, loader, max_alias_nodes, max_depth)
    docs = comp.run()
    doc._loader = loader
    doc._limits = (max_alias_nodes, max_depth)
    doc._build(comp, docs)
    return doc
