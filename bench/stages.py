"""Per-file cost of each stage (read, detect, parse, rules) and of each rule, in one process.

cProfile spreads the cyclic GC's time over whatever allocates and inflates small
functions; this measures the stages directly with the GC off, so the numbers are
the work itself. Prints JSON: {kind: {"files", "read", "detect", "parse", "lint",
"rules": {code: ms}}} with milliseconds per file.

    stages.py LISTFILE_TOML LISTFILE_YAML LISTFILE_UNITS
"""
from __future__ import annotations

import gc
import json
import sys
import time
from typing import Dict, List


def main(argv: List[str]) -> int:
    from rtlint import detect, loader
    from rtlint import rules as registry
    from rtlint.engine import lint
    from rtlint.rule import Context

    gc.disable()
    ctx = Context()
    rules = registry.ALL_RULES
    out: Dict[str, Dict[str, object]] = {}
    clock = time.perf_counter
    for name, listfile in zip(("toml", "yaml", "units"), argv):
        with open(listfile, encoding="utf-8") as f:
            paths = [p for p in f.read().split("\n") if p]
        t = {"read": 0.0, "detect": 0.0, "parse": 0.0, "lint": 0.0}
        per_rule: Dict[str, float] = {}
        for path in paths:
            t0 = clock()
            raw = loader.read_bytes(path)
            text, bom = loader.decode(raw)
            t1 = clock()
            kind = detect.detect(path, text)
            t2 = clock()
            doc = loader.parse(path, kind, raw, text, bom)
            t3 = clock()
            lint(doc, rules, ctx)
            t4 = clock()
            t["read"] += t1 - t0
            t["detect"] += t2 - t1
            t["parse"] += t3 - t2
            t["lint"] += t4 - t3
            # each rule on a fresh parse: per-document caches are filled by whichever rule asks first
            doc = loader.parse(path, kind, raw, text, bom)
            for rule in rules:
                s = clock()
                if rule.applies(doc, ctx):
                    list(rule.check(doc, ctx))
                per_rule[rule.code] = per_rule.get(rule.code, 0.0) + clock() - s
        n = max(1, len(paths))
        out[name] = {"files": len(paths), **{k: v / n * 1000 for k, v in t.items()},
                     "rules": {k: v / n * 1000 for k, v in per_rule.items()}}
        gc.collect()
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
