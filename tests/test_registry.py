"""The registry loads rule families by file kind; its kind map must match the rules' own kinds."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rtlint import rules as registry

REPO = Path(__file__).resolve().parent.parent


def test_kind_map_matches_the_rules():
    for name in registry.FAMILIES:
        for rule in registry.family(name):
            for kind in rule.kinds:
                assert name in registry.FAMILIES_OF_KIND[kind], (rule.code, kind)
    for kind, families in registry.FAMILIES_OF_KIND.items():
        for name in families:
            assert any(kind in r.kinds for r in registry.family(name)), (kind, name)


def test_rules_for_kind_are_the_same_instances_in_registry_order():
    order = {id(r): i for i, r in enumerate(registry.ALL_RULES)}
    for kind in registry.FAMILIES_OF_KIND:
        got = registry.rules_for_kind(kind)
        assert [order[id(r)] for r in got] == sorted(order[id(r)] for r in got)
        assert {r.code for r in got} >= {r.code for r in registry.ALL_RULES if kind in r.kinds}


def test_one_file_run_loads_only_its_families(tmp_path):
    p = tmp_path / "containerd" / "config.toml"
    p.parent.mkdir()
    p.write_text("version = 2\n")
    code = ("import sys, runpy; sys.argv=['rtlint','check','--isolated',%r]\n"
            "try:\n    runpy.run_module('rtlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m.split('.')[2] for m in sys.modules if m.count('.') == 2 and m.startswith('rtlint.rules.')))"
            % str(p))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    loaded = eval(out.stdout.strip().splitlines()[-1])
    assert {"edgecore", "keadm", "node", "cni", "crio"}.isdisjoint(loaded), loaded
    assert "containerd" in loaded
