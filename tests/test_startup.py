"""Start-up cost is most of a pre-commit run: keep heavy modules off the import path of a plain
`rtlint check FILE`, and keep the cheap stand-ins equivalent to what they replace."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import PurePath

import pytest

from rtlint import detect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY_ROOTS = ("pathlib", "tempfile", "shutil", "difflib", "json", "dataclasses", "inspect", "textwrap", "typing")


def _modules_after(args: list, cwd: str) -> set:
    # Modules loaded before rtlint (site hooks such as an editable install's finder) are dropped
    # from sys.modules first, so that an import of them by rtlint shows; the finder keeps working.
    code = ("import sys\nfor m in [m for m in sys.modules if m.split('.')[0] in %r]:\n    del sys.modules[m]\n"
            "before = set(sys.modules)\nfrom rtlint.cli import main\ntry:\n    main(%r)\n"
            "except SystemExit:\n    pass\nsys.stdout.write('\\n'.join(sorted(set(sys.modules) - before)))"
            % (HEAVY_ROOTS, args))
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env)
    return set(out.stdout.split("\n"))


@pytest.mark.parametrize("name,text", [
    ("edgecore.yaml", "apiVersion: edgecore.config.kubeedge.io/v1alpha2\nkind: EdgeCore\nmodules: {}\n"),
    ("containerd.service", "[Service]\nExecStart=/usr/bin/containerd\n"),
    ("config.toml", 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n'),
])
def test_checking_one_file_imports_no_heavy_module(tmp_path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # no [tool.rtlint]
    loaded = _modules_after(["check", name], str(tmp_path))
    assert "rtlint.engine" in loaded, "the run did not happen"
    heavy = {"dataclasses", "inspect", "pathlib", "tempfile", "shutil", "difflib", "multiprocessing", "textwrap",
             "typing",
             "rtlint.node.run"}
    if name.endswith(".toml"):
        heavy -= {"typing"}  # the TOML reader (tomli/tomllib) imports it
    else:
        heavy |= {"tomllib", "tomli"}
    if name.endswith(".service"):
        heavy |= {"json", "yaml", "rtlint.edgecore_schema"}
    if name.endswith(".yaml"):
        heavy |= {"json"}  # the edgecore schemas are a generated Python module
    assert not (heavy & loaded), sorted(heavy & loaded)


def test_fix_and_diff_still_load_what_they_need(tmp_path) -> None:
    f = tmp_path / "config.toml"
    f.write_text('version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n', encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=ROOT)
    diff = subprocess.run([sys.executable, "-m", "rtlint", "check", "--isolated", "--diff", str(f)],
                          capture_output=True, text=True, env=env)
    assert diff.returncode == 1 and "+disabled_plugins = []" in diff.stdout, diff.stdout + diff.stderr
    fixed = subprocess.run([sys.executable, "-m", "rtlint", "check", "--isolated", "--fix", str(f)],
                           capture_output=True, text=True, env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert f.read_text(encoding="utf-8") == "version = 2\ndisabled_plugins = []\n"


@pytest.mark.parametrize("path", [
    "a/b/c.toml", "c.toml", "/etc/containerd/config.toml", "./x/./y.conf", "a//b///c", "/", "", ".", "..",
    "a/b/", ".bashrc", "x.tar.gz", "name.", "etc/systemd/system/containerd.service.d/override.conf",
    "nodes/n1/etc/containerd/conf.d/10.toml", "../up/net.d/10-x.conflist", "dir/.hidden.yaml",
])
def test_path_tail_matches_pathlib(path: str) -> None:
    p = PurePath(path)
    assert detect.path_tail(path) == (p.name, p.parent.name, p.parent.parent.name)


@pytest.mark.parametrize("text", [
    '[tool.rtlint]\nselect = ["CTD"]\n',
    '[tool]\nrtlint = { select = ["CTD"] }\n',
    '[ tool . "rtlint" ]\nignore = []\n',
    'tool.rtlint.select = ["CTD"]\n',
    '[tool]\n"rtlint".select = ["CTD"]\n',
    '[project]\nname = "rtlint"\n[project.scripts]\nrtlint = "rtlint.cli:main"\n',
    '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n',
    '[tool.ruff]\nline-length = 100  # rtlint is elsewhere\n',
])
def test_pyproject_prefilter_never_misses_a_table(tmp_path, text: str) -> None:
    """Skipping the TOML parse is only allowed when the file surely has no rtlint table."""
    from rtlint import settings

    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    f = tmp_path / "pyproject.toml"
    f.write_text(text, encoding="utf-8")
    has_table = tomllib.loads(text).get("tool", {}).get("rtlint") is not None
    if has_table:
        assert settings._mentions_rtlint(f.read_bytes())
    assert settings._mentions_rtlint(f.read_bytes()) == has_table or "[tool]" in text


def test_dedent_matches_textwrap() -> None:
    """rule.dedent stands in for textwrap.dedent when rule modules build their examples."""
    import random
    import textwrap

    from rtlint.rule import dedent

    cases = ["", "\n", "  a\n    b\n", "\ta\n\t\tb\n  \n", "  a\n\tb\n", "    x\n  \n  y", "  \r\n  a\n",
             "a\n  b", " \t a\n \t b\n \t", "\n        [Service]\n        ExecStart=/x\n        "]
    rng = random.Random(7)
    cases += ["".join(rng.choice(" \t\na\r#") for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in cases:
        assert dedent(text) == textwrap.dedent(text), repr(text)
