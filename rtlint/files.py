"""Turn command-line paths into the files to check."""
from __future__ import annotations

import os
from .record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Sequence

from . import detect

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".venv", "venv", ".mypy_cache", ".pytest_cache"}


@dataclass(frozen=True)
class Target:
    path: str
    explicit: bool  # named on the command line: an unknown kind is reported, not skipped


def expand(paths: Sequence[str]) -> Iterator[Target]:
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if detect.could_be(full) and os.path.isfile(full):
                        yield Target(full, False)
        else:
            yield Target(p, True)


def dedupe(targets: Iterator[Target]) -> List[Target]:
    seen = set()
    out = []
    for t in targets:
        key = os.path.normpath(t.path)
        if key in seen:
            continue
        seen.add(key)
        out.append(t)
    return out
