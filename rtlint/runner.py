"""One file from path to result: read, detect, parse, then check or fix.

Shared by the CLI, node mode and the tests, so that every caller handles bad
input the same way (a finding, never a traceback).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Callable, Optional, Sequence, Union

from . import detect
from . import rules as registry
from .document import ParseError
from .engine import FileResult, check, error_finding, fix, parse_error, read_error
from .loader import DEFAULT_MAX_BYTES, ReadError, decode, parse, read_bytes
from .rule import Context, Rule


def run_file(path: str, rules: "Union[Sequence[Rule], Callable[[str], Sequence[Rule]]]", ctx: Context, *, fixing: bool = False, unsafe: bool = False,
             kind: Optional[str] = None, explicit: bool = True,
             max_bytes: int = DEFAULT_MAX_BYTES) -> Optional[FileResult]:
    """Result for one file; None when a file found by a folder walk is not one rtlint reads.

    `rules` may be a function of the file's kind, so that only the rules (and rule modules)
    that apply to it are loaded.
    """
    try:
        raw = read_bytes(path, max_bytes)
        text, bom = decode(raw)
    except ReadError as e:
        return FileResult(path, None, [read_error(path, e)])
    kind = kind or detect.detect(path, text)
    if kind is None:
        if not explicit:
            return None
        return FileResult(path, None, [error_finding(
            registry.UNKNOWN_KIND, path,
            "not a file kind rtlint reads (containerd, CRI-O, edgecore, Docker, CNI, systemd, keadm); "
            "use --kind to say what it is")])
    try:
        doc = parse(path, kind, raw, text, bom)
    except ParseError as e:
        return FileResult(path, None, [parse_error(path, e)])
    chosen = rules(kind) if callable(rules) else rules
    if fixing:
        return fix(doc, chosen, ctx, unsafe=unsafe)
    return check(doc, chosen, ctx)
