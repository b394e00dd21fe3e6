"""Render findings for people (text) and for machines (json)."""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import IO, Any, Dict, List, Sequence

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
