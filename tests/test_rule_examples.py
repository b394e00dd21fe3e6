"""Every rule's documented examples are its tests: bad ones fire where they say, fixes give the stated text."""
from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest

from rtlint.rule import Context, Example, NodeExample, NodeRule, Rule
from rtlint.rules import ALL_RULES
from rtlint.runner import run_file
from rtlint.versions import Version


def _cases(which: str) -> List[Tuple[str, Rule, Example]]:
    out = []
    for rule in ALL_RULES:
        for i, ex in enumerate(getattr(rule, which)):
            out.append(pytest.param(rule, ex, id=f"{rule.code}-{rule.name}-{which}{i}"))
    return out


def _context(ex) -> Context:
    ctx = Context()
    for key, value in ex.options:
        if key.endswith("_version"):
            value = Version.parse(value)
        setattr(ctx, key, value)
    return ctx


def _write(tmp_path: Path, ex: Example) -> Path:
    path = tmp_path / ex.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ex.text.encode())
    return path


def test_every_rule_is_documented():
    for rule in ALL_RULES:
        assert rule.code and rule.name and rule.summary and rule.rationale and rule.kinds, rule
        assert rule.fix_safety in ("safe", "unsafe", "none"), rule
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)


def test_fixable_rules_show_their_fix():
    for rule in ALL_RULES:
        if rule.fix_safety != "none":
            assert any(ex.fixed is not None for ex in rule.bad), f"{rule.code} has a fix but no example of it"


def _write_tree(tmp_path: Path, ex: NodeExample) -> Path:
    root = tmp_path / "node"
    for node_path, text in ex.files:
        p = root / node_path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _node_case(tmp_path: Path, rule: Rule, ex: NodeExample, bad: bool) -> None:
    from rtlint.node.run import run_node

    root = _write_tree(tmp_path, ex)
    ctx = _context(ex)
    run = run_node(str(root), [rule], ctx, probe=False)
    mine = [f for f in run.findings if f.rule is rule]
    if not bad:
        assert not mine, [f.message for f in mine]
        return
    assert mine, f"{rule.code} did not fire; got {[(f.code, f.message) for f in run.findings]}"
    first = mine[0]
    assert first.path == str(root / ex.path.lstrip("/"))
    if ex.line:
        assert (first.span.line, first.span.column) == (ex.line, ex.column), first.message
    if ex.fixed:
        fixed = run_node(str(root), [rule], ctx, fixing=True, unsafe=ex.unsafe, probe=False)
        got = {f"/{Path(p).relative_to(root)}": d.text for p, d in fixed.changed.items()}
        assert got == dict(ex.fixed)
        assert not [f for f in fixed.findings if f.rule is rule], "the fix did not silence the rule"
        for p, d in fixed.changed.items():
            Path(p).write_text(d.text)
        again = run_node(str(root), [rule], ctx, fixing=True, unsafe=ex.unsafe, probe=False)
        assert not again.changed


@pytest.mark.parametrize("rule,ex", _cases("bad"))
def test_bad_example(tmp_path, rule, ex):
    if isinstance(rule, NodeRule):
        return _node_case(tmp_path, rule, ex, bad=True)
    path = _write(tmp_path, ex)
    ctx = _context(ex)
    result = run_file(str(path), [rule] + _support(rule), ctx)
    mine = [f for f in result.findings if f.rule is rule]
    assert mine, f"{rule.code} did not fire on its bad example; got {[(f.code, f.message) for f in result.findings]}"
    first = mine[0]
    if ex.line:
        assert (first.span.line, first.span.column) == (ex.line, ex.column), first.message
    if ex.fixed is not None:
        fixed = run_file(str(path), [rule], ctx, fixing=True, unsafe=ex.unsafe)
        assert fixed.fixed_text == ex.fixed
        assert not [f for f in fixed.findings if f.rule is rule], "the fix did not silence the rule"
        # a second --fix changes nothing
        path.write_text(fixed.fixed_text)
        again = run_file(str(path), [rule], ctx, fixing=True, unsafe=ex.unsafe)
        assert again.fixed_text is None


@pytest.mark.parametrize("rule,ex", _cases("good"))
def test_good_example(tmp_path, rule, ex):
    if isinstance(rule, NodeRule):
        return _node_case(tmp_path, rule, ex, bad=False)
    path = _write(tmp_path, ex)
    result = run_file(str(path), [rule] + _support(rule), _context(ex))
    assert not [f for f in result.findings if f.rule is rule], [f.message for f in result.findings]


def _support(rule: Rule) -> List[Rule]:
    """Rules whose findings another rule's example is about (RT003 needs the rule it suppresses)."""
    from rtlint.rules import BY_CODE

    return [r for r in ALL_RULES if r is not rule] if rule.code == "RT003" else []
