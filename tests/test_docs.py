"""Generated docs are up to date; the README's claims about the CLI hold."""
from __future__ import annotations

from pathlib import Path

from rtlint.catalog import outputs

REPO = Path(__file__).resolve().parent.parent


def test_generated_rule_docs_are_fresh():
    for rel, content in outputs(str(REPO)).items():
        path = REPO / rel
        assert path.exists() and path.read_text() == content, (
            f"{rel} is stale: run `python -m rtlint.catalog --write`")


def test_readme_setup_commands_are_the_ci_ones():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    test_cmd = "python3 -m pip install -q -e '.[test]' && python3 -m pytest"
    assert test_cmd in readme and test_cmd in ci
