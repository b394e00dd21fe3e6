"""`rtlint explain`: from a pasted log line to the rule, and to the cause on a node tree."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rtlint.explain import match, words
from rtlint.rules import ALL_RULES

REPO = Path(__file__).resolve().parent.parent


def rtlint(*args):
    return subprocess.run([sys.executable, "-m", "rtlint", *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, NO_COLOR="1", PYTHONPATH=str(REPO)))


def codes(message):
    return [m.rule.code for m in match(message, ALL_RULES)]


def test_noise_is_dropped():
    a = words('failed to setup network for sandbox "3f2a9c0d1e4b5a6978": cni plugin not initialized')
    b = words('failed to setup network for sandbox "<id>": cni plugin not initialized')
    assert a == b


def test_log_wrapping_and_fragments_still_match():
    logged = ('E1128 08:12:01.123456  1234 edged.go:300] "Start edged failed" err="failed to run Kubelet: '
              'misconfiguration: kubelet cgroup driver: \\"cgroupfs\\" is different from docker cgroup driver: '
              '\\"systemd\\""')
    assert "NODE002" in codes(logged)
    assert "NODE006" in codes('no runtime for "kata-clh" is configured')


def test_explain_finds_the_cause_on_a_node():
    r = rtlint("explain", "--format", "json", "--no-probe", "--root", str(REPO / "examples/docker-cri-dockerd"),
               'misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"')
    assert r.returncode == 0, r.stderr
    found = {m["rule"]: m["found"] for m in json.loads(r.stdout)}
    [f] = found["NODE002"]
    assert f["path"].endswith("etc/docker/daemon.json") and f["line"] == 2


def test_explain_says_when_the_cause_is_absent_and_when_nothing_matches(tmp_path):
    r = rtlint("explain", "--no-probe", "--root", str(tmp_path), 'no runtime for "kata" is configured')
    assert r.returncode == 1 and "not found under" in r.stdout
    assert rtlint("explain", "--no-root", "the weather is nice today").returncode == 2
