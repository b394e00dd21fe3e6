"""`rtlint migrate --to X.Y FILE...`: the command line around rtlint.migrate.

Exit codes follow `rtlint check`: 0 nothing to change (or the files were
written), 1 with --diff when a file would change, 2 when rtlint could not do
its job for some file (bad --to, unreadable or unknown file, a file it
refuses to migrate). Diffs go to stdout, everything else to stderr.
"""
from __future__ import annotations

import argparse
import difflib
import os
import sys
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, List, Sequence, TextIO

from .. import kinds
from ..atomic import write_atomic
from ..detect import detect
from ..document import ParseError
from ..loader import ReadError, decode, parse, read_bytes
from . import KINDS, WARNING, MigrateError, Result, migrate_document

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


def add_parser(subparsers: Any, parents: Sequence[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "migrate", parents=list(parents),
        help="rewrite edgecore.yaml / containerd config.toml for a newer release, keeping comments",
        description=(
            "Carry config files over to a newer release by editing them in place: settings move to where the "
            "new release reads them (comments travel with them), settings the release dropped are removed, "
            "nothing else changes. edgecore.yaml: --to is the KubeEdge version (1.12 to 1.23). containerd "
            "config.toml: --to is the config version (2, 3 or 4; 3 needs containerd 2.0+, 4 needs 2.3+). "
            "What was done is reported on stderr."))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--to", required=True, metavar="X.Y",
                   help="target: KubeEdge version for edgecore.yaml, config version for containerd")
    p.add_argument("--diff", action="store_true", help="print the changes as a unified diff; write nothing")
    p.add_argument("--kind", choices=KINDS, help="treat every file as this kind (default: detect)")
    return p


def _check_target(kind: str, to: str) -> None:
    """ValueError when --to means nothing for this kind of file."""
    if kind == kinds.EDGECORE:
        from .edgecore import parse_target as edgecore_target

        edgecore_target(to)
    else:
        from .containerd import parse_target as containerd_target

        containerd_target(to)


def _label(result: Result) -> str:
    if result.kind == kinds.EDGECORE:
        return f"KubeEdge {result.target}"
    return f"containerd config version {result.target}"


def _load(path: str, kind: Any) -> Any:
    raw = read_bytes(path)
    text, bom = decode(raw)
    k = kind or detect(path, text)
    if k not in KINDS:
        what = f"a {k} file" if k else "not a file kind rtlint reads"
        raise MigrateError(f"{what}; rtlint migrates edgecore.yaml and containerd config.toml (use --kind to say "
                           f"which one this is)")
    return k, raw, text, bom


def run(args: argparse.Namespace) -> int:
    err: TextIO = sys.stderr
    out: TextIO = sys.stdout
    failed = False
    pending: List[str] = []
    for path in args.files:
        try:
            kind, raw, text, bom = _load(path, args.kind)
            try:
                _check_target(kind, args.to)
            except ValueError as e:
                err.write(f"rtlint: error: {e}\n")
                return EXIT_ERROR
            result = migrate_document(parse(path, kind, raw, text, bom), args.to)
        except ReadError as e:
            err.write(f"rtlint: {path}: {e.message}\n")
            failed = True
            continue
        except ParseError as e:
            err.write(f"rtlint: {path}:{e.line}:{e.column}: {e.message}; nothing migrated\n")
            failed = True
            continue
        except MigrateError as e:
            err.write(f"rtlint: {path}: not migrated: {e}\n")
            failed = True
            continue
        for n in result.notes:
            where = f"{path}:{n.line}" if n.line else path
            err.write(f"{where}: {'warning: ' if n.level == WARNING else ''}{n.message}\n")
        if not result.changed:
            err.write(f"{path}: nothing to change for {_label(result)}\n")
            continue
        if args.diff:
            out.writelines(difflib.unified_diff(
                result.doc.text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}"))
            pending.append(path)
            continue
        try:
            written = write_atomic(path, result.encode())
        except OSError as e:
            err.write(f"rtlint: {path}: cannot write: {e.strerror or e}\n")
            failed = True
            continue
        via = f" (through the symlink {path})" if os.path.islink(path) else ""
        err.write(f"Migrated {written}{via} to {_label(result)}\n")
    if args.diff and pending:
        n = len(pending)
        err.write(f"Would migrate {n} file{'s' if n != 1 else ''}.\n")
    if failed:
        return EXIT_ERROR
    return EXIT_CHANGES if pending else EXIT_OK


__all__ = ["add_parser", "run", "EXIT_OK", "EXIT_CHANGES", "EXIT_ERROR"]
