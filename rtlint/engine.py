"""Run rules over documents and apply their fixes.

Fixing is a loop of passes: lint, take every wanted fix whose edits do not
overlap one already taken, splice them into the text, re-parse, lint again.
A pass whose result does not parse is replayed fix by fix so that only the
breaking fix is dropped (and reported). Files that do not parse are never fixed.
"""
from __future__ import annotations

from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from . import rules as registry
from .document import Document, ParseError, Span, apply_edits
from .loader import ReadError, reparse
from .rule import Context, Finding, Rule
from .suppression import apply as apply_suppressions

MAX_PASSES = 40  # many inserts at one spot land one per pass; each pass is a re-parse and re-lint of one file


@dataclass
class FileResult:
    path: str
    doc: Optional[Document]
    findings: List[Finding]
    fixed_text: Optional[str] = None  # set when fixes changed the text
    fixes_applied: List[Finding] = field(default_factory=list)
    original_text: Optional[str] = None  # the text before fixes, for --diff

    @property
    def changed(self) -> bool:
        return self.fixed_text is not None


def _zero_span(line: int = 1, column: int = 1) -> Span:
    return Span(0, 0, line, column, line, column)


def error_finding(rule: Rule, path: str, message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(rule, path, _zero_span(line, column), message)


def parse_error(path: str, err: ParseError) -> Finding:
    return error_finding(registry.PARSE_ERROR, path, err.message, err.line, err.column)


def read_error(path: str, err: ReadError) -> Finding:
    return error_finding(registry.READ_ERROR, path, err.message, err.line, err.column)


def lint(doc: Document, rules: Sequence[Rule], ctx: Context) -> List[Finding]:
    found: List[Finding] = []
    for rule in _of_kind(rules, doc.kind):
        if rule.applies(doc, ctx):
            found.extend(rule.check(doc, ctx))
    kept, sups = apply_suppressions(doc, found)
    if sups and any(r is registry.UNUSED_SUPPRESSION for r in rules):
        for s in sups:
            unused = [c for c in s.codes if c not in s.used]
            if unused:
                kept.append(Finding(registry.UNUSED_SUPPRESSION, doc.path, s.span,
                                    f"suppression of {', '.join(unused)} matches no finding here; remove it"))
    if len(kept) > 1:
        kept.sort(key=Finding.sort_key)
    return kept


# kind -> (the rule sequence it was worked out for, those of its rules that may apply to the kind)
_KIND_RULES: Dict[Optional[str], Tuple[Tuple[Rule, ...], List[Rule]]] = {}


def _of_kind(rules: Sequence[Rule], kind: Optional[str]) -> Sequence[Rule]:
    """The rules whose `applies` can be true for a document of `kind`, in order.

    Callers pass the same selection for every file (often all ~100 rules, of which ~20 read
    a given kind); the base `applies` starts with the kind test, so the others are dropped
    once per selection instead of asked per file. Rules that override `applies` are kept.
    """
    snapshot = tuple(rules)
    hit = _KIND_RULES.get(kind)
    if hit is not None and hit[0] == snapshot:
        return hit[1]
    base = Rule.applies
    mine = [r for r in snapshot if getattr(type(r), "applies", None) is not base or kind in r.kinds]
    _KIND_RULES[kind] = (snapshot, mine)
    return mine


def _wanted(findings: Iterable[Finding], unsafe: bool, skip: Set[Tuple[str, int]]) -> List[Finding]:
    return [f for f in findings
            if f.fix and f.fix.edits and (f.fix.safe or unsafe) and (f.rule.code, f.span.start) not in skip]


def non_overlapping(fixable: List[Finding]) -> List[Finding]:
    taken: List[Finding] = []
    ranges: List[Tuple[int, int]] = []
    for f in sorted(fixable, key=lambda f: min(e.start for e in f.fix.edits)):  # type: ignore[union-attr]
        mine = [(e.start, e.end) for e in f.fix.edits]  # type: ignore[union-attr]
        if any(s < re and rs < e or (s == e == rs == re) for s, e in mine for rs, re in ranges):
            continue
        taken.append(f)
        ranges.extend(mine)
    return taken


def splice(text: str, fixes: List[Finding]) -> str:
    edits = [e for f in fixes for e in f.fix.edits]  # type: ignore[union-attr]
    new, _, deferred = apply_edits(text, edits)
    assert not deferred, "overlapping edits were filtered before"
    return new


def fix(doc: Document, rules: Sequence[Rule], ctx: Context, unsafe: bool = False) -> FileResult:
    """Apply fixes until none is left (or MAX_PASSES); returns the final findings and text."""
    original = doc.text
    applied: List[Finding] = []
    failed: List[Finding] = []
    skip: Set[Tuple[str, int]] = set()
    findings: Optional[List[Finding]] = None  # of `doc` as it is now, once linted
    for _ in range(MAX_PASSES):
        findings = lint(doc, rules, ctx)
        # unused-suppression findings are reported, never fixed here
        batch = non_overlapping(_wanted((f for f in findings if f.rule is not registry.UNUSED_SUPPRESSION),
                                        unsafe, skip))
        if not batch:
            break
        new_text = splice(doc.text, batch)
        try:
            new_doc = reparse(doc, new_text)
        except ParseError:
            new_doc = None
        if new_doc is None:
            # Replay one by one so only the breaking fixes are dropped.
            good: List[Finding] = []
            for f in batch:
                try:
                    reparse(doc, splice(doc.text, good + [f]))
                    good.append(f)
                except ParseError as e:
                    skip.add((f.rule.code, f.span.start))
                    failed.append(Finding(registry.FIX_FAILED, doc.path, f.span,
                                          f"fix for {f.rule.code} [{f.rule.name}] was not applied: "
                                          f"the result would not parse ({e.message})"))
            if not good:
                continue
            batch = good
            new_text = splice(doc.text, batch)
            new_doc = reparse(doc, new_text)
        if new_text == doc.text:
            break
        applied.extend(batch)
        doc = new_doc
        findings = None
    # A file that needed no fix was linted once: its first pass is its report (no second lint).
    findings = (lint(doc, rules, ctx) if findings is None else findings) + failed
    findings.sort(key=Finding.sort_key)
    return FileResult(doc.path, doc, findings, doc.text if doc.text != original else None, applied, original)


def check(doc: Document, rules: Sequence[Rule], ctx: Context) -> FileResult:
    return FileResult(doc.path, doc, lint(doc, rules, ctx))
