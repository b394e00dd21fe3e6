"""`rtlint check` with the garbage collector changed, to put numbers on GC tuning (not shipped).

    whatif.py [--gc-off] [--gc-freeze] -- check ARGS...

--gc-off     no cyclic GC at all: an upper bound of what any GC tuning could still gain.
--gc-freeze  gc.freeze() once the rule registry and schemas are imported, so collections
             skip those long-lived objects.

(An earlier CLI kept every parsed Document until the report; `--drop-docs` here measured
that at 1.5x on 6,000 files, and cli.py now drops them itself.)
"""
from __future__ import annotations

import gc
import sys
from typing import List


def main(argv: List[str]) -> int:
    modes = set()
    while argv and argv[0] != "--":
        modes.add(argv.pop(0))
    argv = argv[1:]
    from rtlint import cli
    import rtlint.engine  # noqa: F401  (imports the registry and schemas: what --gc-freeze should freeze)

    if "--gc-freeze" in modes:
        gc.collect()
        gc.freeze()
    if "--gc-off" in modes:
        # after the import: cli.main sets thresholds, but a disabled collector stays disabled
        gc.disable()
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
