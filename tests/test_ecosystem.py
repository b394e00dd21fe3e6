"""rtlint in its users' tools: real pre-commit in a temporary git repository, SARIF that validates
against the 2.1.0 schema, GitHub annotations, and the configuration file."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BAD_CTD = '#   Copyright 2018-2022 Docker Inc.\ndisabled_plugins = ["cri"]\n'


def rtlint(*args, cwd=None, env=None):
    e = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(REPO))
    e.pop("GITHUB_ACTIONS", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "rtlint", *args], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=120)


# -- pre-commit ------------------------------------------------------------------------------

def hooks():
    return {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}


@pytest.mark.parametrize("path,matches", [
    ("etc/containerd/config.toml", True),
    ("nodes/edge1/etc/containerd/conf.d/10-runc.toml", True),
    ("etc/crio/crio.conf", True),
    ("etc/crio/crio.conf.d/00-default", True),
    ("etc/kubeedge/config/edgecore.yaml", True),
    ("edgecore.yml", True),
    ("etc/docker/daemon.json", True),
    ("etc/systemd/system/cri-docker.service", True),
    ("etc/systemd/system/cri-docker.socket", True),
    ("etc/systemd/system/containerd.service.d/override.conf", True),
    ("etc/cni/net.d/10-bridge.conf", True),
    ("cni/10-flannel.conflist", True),
    ("pyproject.toml", False),
    ("hugo/config.toml", False),
    ("docs/daemon.md", False),
    ("etc/nginx/nginx.conf", False),
    ("package.json", False),
])
def test_hook_files_regex(path, matches):
    for hook in hooks().values():
        assert bool(re.search(hook["files"], path)) is matches, (hook["id"], path)


def test_hook_definitions():
    h = hooks()
    assert set(h) == {"rtlint", "rtlint-fix"}
    for hook in h.values():
        assert hook["language"] == "python" and hook["require_serial"] is True
    assert "--fix" in h["rtlint-fix"]["entry"] and "--fix" not in h["rtlint"]["entry"]


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory):
    if shutil.which("pre-commit") is None and shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                            GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid"))


def _precommit(repo, home, *args):
    exe = shutil.which("pre-commit")
    cmd = [exe] if exe else [sys.executable, "-m", "pre_commit"]
    return subprocess.run(cmd + list(args), cwd=repo, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PRE_COMMIT_HOME=str(home), NO_COLOR="1"))


def test_real_precommit_runs_both_hooks(tmp_path, precommit_home):
    pytest.importorskip("pre_commit")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    if rev.returncode != 0:
        pytest.skip("this checkout has no commit for pre-commit to install")
    repo = tmp_path / "configs"
    (repo / "nodes/edge1/etc/containerd").mkdir(parents=True)
    conf = repo / "nodes/edge1/etc/containerd/config.toml"
    conf.write_text(BAD_CTD)
    (repo / ".pre-commit-config.yaml").write_text(textwrap.dedent(f"""\
        repos:
          - repo: {REPO}
            rev: {rev.stdout.strip()}
            hooks:
              - id: rtlint
                args: [--select, CTD001]
              - id: rtlint-fix
                args: [--select, CTD001]
                stages: [manual]
        """))
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    r = _precommit(repo, precommit_home, "run", "rtlint", "--all-files")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "CTD001 [cri-plugin-disabled]" in r.stdout
    r = _precommit(repo, precommit_home, "run", "rtlint-fix", "--all-files", "--hook-stage", "manual")
    assert r.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in r.stdout
    assert conf.read_text() == '#   Copyright 2018-2022 Docker Inc.\ndisabled_plugins = []\n'
    _git(repo, "add", ".")
    r = _precommit(repo, precommit_home, "run", "rtlint", "--all-files")
    assert r.returncode == 0, r.stdout + r.stderr


# -- output formats ----------------------------------------------------------------------------

@pytest.fixture
def bad_file(tmp_path):
    p = tmp_path / "containerd" / "config.toml"
    p.parent.mkdir()
    p.write_text(BAD_CTD)
    return p


def test_sarif_validates_against_the_schema(shared, bad_file, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    out = tmp_path / "out.sarif"
    r = rtlint("check", "--isolated", "--format", "sarif", "--output-file", str(out), str(bad_file),
               str(shared / "corpus" / "crio"))
    assert r.returncode == 1 and r.stdout == ""
    log = json.loads(out.read_text())
    schema = json.loads((shared / "reference" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    ctd = [res for res in run["results"] if res["ruleId"] == "CTD001"][0]
    assert ids[ctd["ruleIndex"]] == "CTD001"
    assert ctd["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 21, "endLine": 2, "endColumn": 26}
    [rep] = ctd["fixes"][0]["artifactChanges"][0]["replacements"]
    assert rep["insertedContent"]["text"] == ""


def test_github_annotations(bad_file):
    r = rtlint("check", "--isolated", "--select", "CTD001", str(bad_file), env={"GITHUB_ACTIONS": "true"})
    assert r.returncode == 1
    assert r.stdout.startswith(f"::error file={bad_file},line=2,col=21,endLine=2,endColumn=26,"
                               f"title=CTD001 cri-plugin-disabled::")


def test_statistics(bad_file):
    r = rtlint("check", "--isolated", "--select", "CTD001", "--statistics", str(bad_file))
    assert "    1  CTD001  cri-plugin-disabled" in r.stdout


# -- configuration -------------------------------------------------------------------------------

def test_pyproject_settings_and_cli_precedence(tmp_path, bad_file):
    (tmp_path / "pyproject.toml").write_text('[tool.rtlint]\nignore = ["CTD001"]\ncgroup-driver = "systemd"\n')
    r = rtlint("check", "--select", "CTD001", str(bad_file), cwd=tmp_path)
    assert r.returncode == 0  # the file's ignore still applies to what --select chose
    r = rtlint("check", "--select", "CTD001", "--ignore", "RT003", str(bad_file), cwd=tmp_path)
    assert r.returncode == 1 and "CTD001" in r.stdout  # --ignore on the command line replaces the file's
    r = rtlint("check", "--show-settings", cwd=tmp_path)
    shown = json.loads(r.stdout)
    assert shown["config_file"] == str(tmp_path / "pyproject.toml")
    assert shown["settings"]["cgroup-driver"] == {"value": "systemd", "from": str(tmp_path / "pyproject.toml")}
    r = rtlint("check", "--show-settings", "--cgroup-driver", "cgroupfs", cwd=tmp_path)
    assert json.loads(r.stdout)["settings"]["cgroup-driver"] == {"value": "cgroupfs", "from": "command line"}
    r = rtlint("check", "--isolated", "--show-settings", cwd=tmp_path)
    assert json.loads(r.stdout)["config_file"] is None


def test_dot_rtlint_toml_found_walking_up_and_per_file_ignores(tmp_path, bad_file):
    (tmp_path / ".rtlint.toml").write_text('per-file-ignores = { "containerd/*.toml" = ["CTD001"] }\n')
    sub = tmp_path / "containerd"
    r = rtlint("check", "--select", "CTD001", "config.toml", cwd=sub)
    assert r.returncode == 0, r.stdout
    (tmp_path / ".rtlint.toml").write_text('exclude = ["containerd/"]\n')
    assert rtlint("check", "--select", "CTD001", ".", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("content,needle", [
    ('selekt = ["CTD"]\n', "unknown key `selekt` (did you mean `select`?)"),
    ('select = "CTD"\n', "`select` must be a list of strings"),
    ('cgroup-driver = "system"\n', 'must be "systemd" or "cgroupfs"'),
    ('select = [\n', "cannot read configuration"),
    ('select = ["NOPE9"]\n', "unknown rule selector(s): NOPE9"),
])
def test_config_errors_exit_two(tmp_path, content, needle):
    (tmp_path / ".rtlint.toml").write_text(content)
    r = rtlint("check", ".", cwd=tmp_path)
    assert r.returncode == 2 and needle in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1
