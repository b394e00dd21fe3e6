"""The command-line contract: exit codes, JSON shape, bad input, nothing written unless asked."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

DOCKER_SHIPPED = '#   Copyright 2018-2022 Docker Inc.\ndisabled_plugins = ["cri"]\n'


def rtlint(*args: str, cwd: Path = None, env: dict = None):
    full_env = dict(os.environ, NO_COLOR="1")
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "rtlint", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=120)


@pytest.fixture
def ctd(tmp_path: Path) -> Path:
    d = tmp_path / "etc" / "containerd"
    d.mkdir(parents=True)
    p = d / "config.toml"
    p.write_text(DOCKER_SHIPPED)
    return p


def test_clean_file_exits_zero(tmp_path):
    p = tmp_path / "containerd" / "config.toml"
    p.parent.mkdir()
    p.write_text('version = 2\ndisabled_plugins = []\n')
    r = rtlint("check", "--isolated", "--select", "CTD001", str(p))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ""


def test_findings_exit_one_with_text_location(ctd):
    r = rtlint("check", "--isolated", "--select", "CTD001", str(ctd))
    assert r.returncode == 1
    assert f"{ctd}:2:21: CTD001 [cri-plugin-disabled]" in r.stdout
    assert "Found 1 problem. 1 fixable with --fix." in r.stdout


def test_json_shape(ctd):
    r = rtlint("check", "--isolated", "--select", "CTD001", "--format", "json", str(ctd))
    assert r.returncode == 1
    [f] = json.loads(r.stdout)
    assert f == {"rule": "CTD001", "name": "cri-plugin-disabled", "severity": "error", "path": str(ctd),
                 "line": 2, "column": 21, "end_line": 2, "end_column": 26, "message": f["message"],
                 "fixable": True}
    assert "remove it" in f["message"]


def test_nothing_written_without_fix_and_diff_previews(ctd):
    before = ctd.read_bytes()
    r = rtlint("check", "--isolated", "--select", "CTD001", "--diff", str(ctd))
    assert r.returncode == 1
    assert ctd.read_bytes() == before
    assert '-disabled_plugins = ["cri"]\n+disabled_plugins = []\n' in r.stdout
    assert r.stdout.startswith(f"--- a/{ctd}\n+++ b/{ctd}\n")


def test_fix_writes_atomically_keeping_mode(ctd):
    os.chmod(ctd, 0o640)
    r = rtlint("check", "--isolated", "--select", "CTD001", "--fix", str(ctd))
    assert r.returncode == 0, r.stdout + r.stderr
    assert ctd.read_text() == '#   Copyright 2018-2022 Docker Inc.\ndisabled_plugins = []\n'
    assert stat.S_IMODE(ctd.stat().st_mode) == 0o640
    assert "Fixed 1 problem" in r.stderr
    assert [p.name for p in ctd.parent.iterdir()] == ["config.toml"], "no temporary file left behind"
    again = rtlint("check", "--isolated", "--select", "CTD001", "--diff", str(ctd))
    assert again.returncode == 0 and again.stdout == ""


def test_fix_through_symlink_keeps_the_link(ctd, tmp_path):
    link = tmp_path / "link.toml"
    link.symlink_to(ctd)
    r = rtlint("check", "--isolated", "--select", "CTD001", "--fix", "--kind", "containerd", str(link))
    assert r.returncode == 0, r.stderr
    assert link.is_symlink()
    assert "through the symlink" in r.stderr
    assert "disabled_plugins = []" in ctd.read_text()


def test_parse_error_is_a_finding_with_position(tmp_path):
    p = tmp_path / "daemon.json"
    p.write_text('{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n}\n')
    r = rtlint("check", "--isolated", "--format", "json", str(p))
    assert r.returncode == 1
    [f] = json.loads(r.stdout)
    assert (f["rule"], f["line"]) == ("RT001", 2)
    assert "trailing comma" in f["message"]


def test_parse_error_file_is_never_fixed(tmp_path):
    p = tmp_path / "containerd" / "config.toml"
    p.parent.mkdir()
    text = 'disabled_plugins = ["cri"]\n[plugins\n'
    p.write_text(text)
    r = rtlint("check", "--isolated", "--fix", str(p))
    assert r.returncode == 1
    assert p.read_text() == text


@pytest.mark.parametrize("content,needle", [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
    (b"version = 2\n# caf\xe9\n", "not valid UTF-8"),
])
def test_bad_bytes(tmp_path, content, needle):
    p = tmp_path / "containerd" / "config.toml"
    p.parent.mkdir()
    p.write_bytes(content)
    r = rtlint("check", "--isolated", "--format", "json", str(p))
    assert r.returncode == 1, r.stderr
    [f] = json.loads(r.stdout)
    assert f["rule"] == "RT002" and needle in f["message"]


def test_too_large(tmp_path):
    p = tmp_path / "daemon.json"
    p.write_text("{}" + " " * 2000)
    r = rtlint("check", "--isolated", "--max-file-size", "1000", "--format", "json", str(p))
    [f] = json.loads(r.stdout)
    assert f["rule"] == "RT002" and "over the 1000-byte limit" in f["message"]


def test_yaml_alias_bomb_finishes_fast(tmp_path):
    lines = ["apiVersion: edgecore.config.kubeedge.io/v1alpha2", "kind: EdgeCore", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    p = tmp_path / "edgecore.yaml"
    p.write_text("\n".join(lines) + "\n")
    start = time.monotonic()
    r = rtlint("check", "--isolated", "--format", "json", str(p))
    elapsed = time.monotonic() - start
    assert r.returncode == 1, r.stderr
    findings = json.loads(r.stdout)
    assert findings[0]["rule"] == "RT001" and "alias" in findings[0]["message"]
    assert elapsed < 60  # a hang guard only; the speed itself is measured in bench/


def test_missing_path_and_unreadable(tmp_path):
    r = rtlint("check", "--isolated", "--format", "json", str(tmp_path / "nope.toml"))
    [f] = json.loads(r.stdout)
    assert (r.returncode, f["rule"]) == (1, "RT002") and "no such file" in f["message"]
    if os.geteuid() != 0:  # root reads everything; permission errors cannot be staged
        p = tmp_path / "daemon.json"
        p.write_text("{}")
        os.chmod(p, 0)
        r = rtlint("check", "--isolated", "--format", "json", str(p))
        assert "permission denied" in json.loads(r.stdout)[0]["message"]


def test_unknown_explicit_file_is_reported_but_skipped_in_folders(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello\n")
    r = rtlint("check", "--isolated", "--format", "json", str(p))
    assert json.loads(r.stdout)[0]["rule"] == "RT005"
    r = rtlint("check", "--isolated", "--format", "json", str(tmp_path))
    assert (r.returncode, json.loads(r.stdout)) == (0, [])
    r = rtlint("check", "--isolated", "--skip-unknown", str(p))
    assert r.returncode == 0


def test_usage_errors_exit_two(tmp_path):
    assert rtlint("check", "--select", "NOPE999", str(tmp_path)).returncode == 2
    assert rtlint("check", "--kubeedge-version", "banana", str(tmp_path)).returncode == 2
    assert rtlint("frobnicate").returncode == 2
    assert rtlint("rule", "no-such-rule").returncode == 2


def test_select_ignore_by_prefix_and_name(ctd):
    assert rtlint("check", "--isolated", "--select", "CTD", str(ctd)).returncode == 1
    assert rtlint("check", "--isolated", "--select", "CTD", "--ignore", "cri-plugin-disabled,CTD002", str(ctd)).returncode == 0


def test_rules_and_rule(tmp_path):
    r = rtlint("rules", "--format", "json")
    codes = [x["code"] for x in json.loads(r.stdout)]
    assert "CTD001" in codes and "RT001" in codes
    r = rtlint("rule", "cri-plugin-disabled")
    assert r.returncode == 0 and r.stdout.startswith("# CTD001 cri-plugin-disabled")
    assert "disabled_plugins" in r.stdout


def test_inline_suppression_and_unused(tmp_path):
    p = tmp_path / "containerd" / "config.toml"
    p.parent.mkdir()
    p.write_text('disabled_plugins = ["cri"]  # rtlint: disable=CTD001 docker-only host\n')
    r = rtlint("check", "--isolated", "--select", "CTD001,RT003", str(p))
    assert r.returncode == 0, r.stdout
    p.write_text('disabled_plugins = []  # rtlint: disable=CTD001\n')
    r = rtlint("check", "--isolated", "--select", "CTD001,RT003", "--format", "json", str(p))
    [f] = json.loads(r.stdout)
    assert f["rule"] == "RT003" and (f["line"], f["column"]) == (1, 24)
    p.write_text('# rtlint: disable-file=cri-plugin-disabled\n\ndisabled_plugins = ["cri"]\n')
    assert rtlint("check", "--isolated", "--select", "CTD001,RT003", str(p)).returncode == 0


def test_worker_processes_report_exactly_what_one_process_does(tmp_path):
    """--jobs 2 (forked workers, results pickled back) prints the same report as --jobs 1."""
    for i in range(12):
        d = tmp_path / f"n{i}" / "containerd"
        d.mkdir(parents=True)
        (d / "config.toml").write_text(DOCKER_SHIPPED if i % 2 else 'version = 2\ndisabled_plugins = []\n')
    bad = tmp_path / "n0" / "containerd" / "broken.toml"
    bad.write_text('version = 2\n[plugins\n')
    outs = []
    for jobs in ("1", "2"):
        r = rtlint("check", "--isolated", "-j", jobs, "--select", "CTD001", "--format", "json", str(tmp_path))
        assert r.returncode == 1, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1]
    found = json.loads(outs[0])
    assert {f["rule"] for f in found} == {"CTD001", "RT001"}  # parse errors survive --select in workers too
    assert len(found) == 7
