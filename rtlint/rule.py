"""What a rule is, what it reports, and the context it runs in.

A rule is one small class: identity, docs, examples and a `check` that yields
findings. A finding may carry a Fix, which is only data (edits on the text);
the engine decides whether and when to apply it.
"""
from __future__ import annotations

from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple

from .document import Document, Edit, Span
from .versions import ALL, Range, Version

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Example:
    """A file that shows the rule: `bad` examples must trigger it, `good` ones must not.

    `line`/`column` give where the first finding must be; `fixed` the text after
    applying the fixes (None: no fix expected). `options` set Context fields.
    """

    filename: str
    text: str
    line: int = 0
    column: int = 0
    fixed: Optional[str] = None
    options: Tuple[Tuple[str, Any], ...] = ()
    unsafe: bool = False


def dedent(text: str) -> str:
    """textwrap.dedent, without importing textwrap: every rule module builds its examples at import,
    and textwrap's import (it compiles its word-splitting regexes) costs each run ~1-2 ms."""
    lines = text.split("\n")
    margin: Optional[str] = None
    for i, line in enumerate(lines):
        rest = line.lstrip(" \t")
        if not rest:
            lines[i] = ""  # whitespace-only lines become empty, as textwrap does
            continue
        indent = line[:len(line) - len(rest)]
        if margin is None:
            margin = indent
        elif indent.startswith(margin):
            pass
        elif margin.startswith(indent):
            margin = indent
        else:
            n = 0
            while margin[n] == indent[n]:
                n += 1
            margin = margin[:n]
    if margin:
        cut = len(margin)
        lines = [line[cut:] if line.startswith(margin) else line for line in lines]
    return "\n".join(lines)


def example(filename: str, text: str, line: int = 0, column: int = 0, fixed: Optional[str] = None,
            unsafe: bool = False, **options: Any) -> Example:
    """Build an Example from indented triple-quoted text."""
    body = dedent(text).lstrip("\n")
    fixed_body = dedent(fixed).lstrip("\n") if fixed is not None else None
    return Example(filename, body, line, column, fixed_body, tuple(sorted(options.items())), unsafe)


@dataclass(frozen=True)
class NodeExample:
    """A node tree for a cross-file rule: files by node path; the finding is in `path`."""

    files: Tuple[Tuple[str, str], ...]
    path: str = ""
    line: int = 0
    column: int = 0
    fixed: Tuple[Tuple[str, str], ...] = ()  # node path -> text after --fix, for changed files
    options: Tuple[Tuple[str, Any], ...] = ()
    unsafe: bool = False


def node_example(files: Dict[str, str], path: str = "", line: int = 0, column: int = 0,
                 fixed: Optional[Dict[str, str]] = None, unsafe: bool = False, **options: Any) -> NodeExample:
    def clean(t: str) -> str:
        return dedent(t).lstrip("\n")
    return NodeExample(tuple((k, clean(v)) for k, v in files.items()), path, line, column,
                       tuple((k, clean(v)) for k, v in (fixed or {}).items()), tuple(sorted(options.items())), unsafe)


@dataclass
class Fix:
    edits: List[Edit]
    safe: bool = True
    description: str = ""


@dataclass
class Finding:
    rule: "Rule"
    path: str
    span: Span
    message: str
    fix: Optional[Fix] = None
    severity: Optional[str] = None

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def level(self) -> str:
        return self.severity or self.rule.severity

    def sort_key(self) -> Tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.rule.code)


@dataclass
class Context:
    """What the user told us about the node (or what node mode worked out)."""

    cgroup_driver: Optional[str] = None
    kubeedge_version: Optional[Version] = None
    containerd_version: Optional[Version] = None
    crio_version: Optional[Version] = None
    sandbox_image: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict)


class Rule:
    """Base class; subclasses fill the class attributes and `check`."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    severity: ClassVar[str] = ERROR
    kinds: ClassVar[Tuple[str, ...]] = ()
    kubeedge: ClassVar[Range] = ALL
    containerd: ClassVar[Range] = ALL
    crio: ClassVar[Range] = ALL
    rationale: ClassVar[str] = ""
    fix_safety: ClassVar[str] = "none"  # "safe", "unsafe" or "none"
    seen_in: ClassVar[Tuple[str, ...]] = ()  # real files (corpus) that showed the problem
    errors: ClassVar[Tuple[str, ...]] = ()  # what users see in logs when this problem bites (`rtlint explain`)
    bad: ClassVar[Tuple[Example, ...]] = ()
    good: ClassVar[Tuple[Example, ...]] = ()

    def applies(self, doc: Document, ctx: Context) -> bool:
        return (doc.kind in self.kinds
                and self.kubeedge.contains(ctx.kubeedge_version)
                and self.containerd.contains(ctx.containerd_version)
                and self.crio.contains(ctx.crio_version))

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        return iter(())

    def finding(self, doc: Document, span: Span, message: str, edits: Optional[List[Edit]] = None,
                safe: Optional[bool] = None, description: str = "") -> Finding:
        """A finding at `span`; `edits` become its fix (safety from the rule unless given)."""
        fix = None
        if edits:
            fix = Fix(list(edits), self.fix_safety == "safe" if safe is None else safe, description)
        return Finding(self, doc.path, span, message, fix)

    def __repr__(self) -> str:
        return f"<rule {self.code} {self.name}>"


class NodeRule(Rule):
    """A rule over a whole node (several files); node mode runs it, single-file checks do not."""

    kinds: ClassVar[Tuple[str, ...]] = ("node",)
    bad: ClassVar[Tuple[Any, ...]] = ()  # NodeExample
    good: ClassVar[Tuple[Any, ...]] = ()

    def applies(self, doc: Document, ctx: Context) -> bool:
        return False

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        return iter(())

    def at(self, doc: Document, span: Span, message: str, fix: Optional[Fix] = None) -> Finding:
        return Finding(self, doc.path, span, message, fix)
