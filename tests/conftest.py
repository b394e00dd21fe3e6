"""Shared fixtures: where the shared corpus and references live (skip cleanly when absent)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    env = os.environ.get("RTLINT_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared")
    for c in candidates:
        if (c / "corpus").is_dir():
            return c
    return None


SHARED = shared_dir()


@pytest.fixture
def shared() -> Path:
    if SHARED is None:
        pytest.skip("../shared is not here (a plain clone has no corpus); set RTLINT_SHARED to point at it")
    return SHARED


@pytest.fixture
def corpus_dir(shared: Path) -> Path:
    return shared / "corpus"


def corpus_files(kind: str | None = None) -> list[Path]:
    """Corpus files for parametrizing; empty when the corpus is absent."""
    if SHARED is None:
        return []
    base = SHARED / "corpus"
    dirs = [base / kind] if kind else [d for d in sorted(base.iterdir()) if d.is_dir()]
    return sorted(p for d in dirs for p in d.iterdir() if p.is_file())


def broken_notes() -> dict[str, str]:
    """file (relative to corpus/) -> notes, for rows whose notes mention a parse failure."""
    if SHARED is None:
        return {}
    out = {}
    for row in (SHARED / "corpus" / "SOURCES.tsv").read_text().splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) >= 6:
            out[cols[0]] = cols[5]
    return out
