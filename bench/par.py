"""Run `rtlint check` over a file list split across N concurrent processes.

This is what a `--jobs N` option would cost at best (no result merging), so the
benchmark can tell whether worker processes pay on this machine before anyone
adds them to the CLI. Usage: par.py N LISTFILE [rtlint options...]
"""
from __future__ import annotations

import subprocess
import sys
from typing import List


def main(argv: List[str]) -> int:
    n = int(argv[0])
    with open(argv[1], encoding="utf-8") as f:
        files = f.read().split("\n")
    files = [p for p in files if p]
    extra = argv[2:]
    chunks = [files[i::n] for i in range(n)]
    procs = [subprocess.Popen([sys.executable, "-m", "rtlint", "check", *extra, *chunk], stdout=subprocess.DEVNULL)
             for chunk in chunks if chunk]
    codes = [p.wait() for p in procs]
    return max(codes) if codes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
