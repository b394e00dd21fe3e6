"""Render findings for people (text) and for machines (json)."""
from __future__ import annotations

import os
import sys
from collections import Counter
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import IO, Any, Dict, Sequence

from .rule import Finding

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def as_dict(f: Finding) -> Dict[str, Any]:
    """The stable JSON shape of one finding (documented in the README)."""
    return {
        "rule": f.rule.code,
        "name": f.rule.name,
        "severity": f.level,
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "fixable": f.fix is not None,
    }


def write_json(findings: Sequence[Finding], out: IO[str]) -> None:
    import json

    json.dump([as_dict(f) for f in findings], out, indent=2)
    out.write("\n")


def write_text(findings: Sequence[Finding], out: IO[str], statistics: bool = False,
               unsafe_hidden: int = 0) -> None:
    color = use_color(out)

    def paint(code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if color else s

    for f in findings:
        loc = f"{f.path}:{f.span.line}:{f.span.column}:"
        tag = paint(_COLORS.get(f.level, "0"), f.rule.code)
        mark = " [*]" if f.fix is not None and f.fix.safe else ""
        out.write(f"{paint('1', loc)} {tag} [{f.rule.name}] {f.message}{mark}\n")
    if statistics and findings:
        counts = Counter((f.rule.code, f.rule.name) for f in findings)
        for (code, name), n in counts.most_common():
            out.write(f"{n:5d}  {code}  {name}\n")
    if findings:
        fixable = sum(1 for f in findings if f.fix is not None and f.fix.safe)
        unsafe = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
        noun = "problem" if len(findings) == 1 else "problems"
        line = f"Found {len(findings)} {noun}."
        if fixable:
            line += f" {fixable} fixable with --fix."
        if unsafe:
            line += f" {unsafe} more with --unsafe-fixes."
        out.write(line + "\n")


def summary_to_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def write_github(findings: Sequence[Finding], out: IO[str]) -> None:
    """GitHub Actions workflow commands: annotations on the pull request's diff."""
    for f in findings:
        props = (f"file={_gh_escape(f.path, True)},line={f.span.line},col={f.span.column},"
                 f"endLine={f.span.end_line},endColumn={f.span.end_column},"
                 f"title={_gh_escape(f'{f.rule.code} {f.rule.name}', True)}")
        out.write(f"::{_GITHUB_LEVEL.get(f.level, 'error')} {props}::{_gh_escape(f.message)}\n")


def sarif_log(findings: Sequence[Finding], docs: Dict[str, Any], rules: Sequence[Any], version: str) -> Dict[str, Any]:
    """A SARIF 2.1.0 log; `docs` maps path -> Document (for turning fix offsets into regions)."""
    from .catalog import render_rule

    used = sorted({f.rule.code for f in findings})
    by_code = {r.code: r for r in rules}
    for f in findings:
        by_code.setdefault(f.rule.code, f.rule)
    index = {code: i for i, code in enumerate(used)}
    sarif_rules = []
    for code in used:
        r = by_code[code]
        sarif_rules.append({
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.rationale or r.summary},
            "help": {"text": render_rule(r), "markdown": render_rule(r)},
            "defaultConfiguration": {"level": _SARIF_LEVEL.get(r.severity, "error")},
            "properties": {"tags": list(r.kinds)},
        })
    results = []
    for f in findings:
        uri = f.path.replace(os.sep, "/")
        res: Dict[str, Any] = {
            "ruleId": f.rule.code,
            "ruleIndex": index[f.rule.code],
            "level": _SARIF_LEVEL.get(f.level, "error"),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": f.span.line, "startColumn": f.span.column,
                           "endLine": f.span.end_line, "endColumn": max(f.span.end_column, f.span.column)},
            }}],
        }
        doc = docs.get(f.path)
        if f.fix is not None and doc is not None:
            replacements = []
            for e in f.fix.edits:
                sl, sc = doc.index.position(e.start)
                el, ec = doc.index.position(e.end)
                replacements.append({
                    "deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                    "insertedContent": {"text": e.text},
                })
            res["fixes"] = [{
                "description": {"text": f.fix.description or f"fix for {f.rule.code}"
                                + ("" if f.fix.safe else " (unsafe)")},
                "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": replacements}],
            }]
        results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "rtlint", "version": version, "semanticVersion": version,
                                "rules": sarif_rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def write_sarif(findings: Sequence[Finding], docs: Dict[str, Any], rules: Sequence[Any], version: str,
                out: IO[str]) -> None:
    import json

    json.dump(sarif_log(findings, docs, rules, version), out, indent=2)
    out.write("\n")
