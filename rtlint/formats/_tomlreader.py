"""Which TOML reader rtlint parses with: a compiled TOML 1.0 tomli when there is one, else tomllib.

tomli's wheels are compiled with mypyc and parse ~1.8x faster than the standard library's
tomllib, which is the same code interpreted. From 2.3 on, tomli reads TOML 1.1, which neither
tomllib nor the runtimes' TOML 1.0 readers accept (containerd 1.6 refuses a `\\e` escape), so a
tomli that takes a trailing comma in an inline table is not used where tomllib exists.
"""
from __future__ import annotations

from types import ModuleType

_reader: "ModuleType | None" = None


def toml_reader() -> ModuleType:
    """tomli if it reads TOML 1.0, else tomllib (else any tomli, before Python 3.11)."""
    global _reader
    if _reader is None:
        _reader = _choose()
    return _reader


def _choose() -> ModuleType:
    try:
        import tomli
    except ImportError:
        tomli = None
    if tomli is not None and _reads_toml_1_0(tomli):
        return tomli
    try:
        import tomllib
    except ImportError:  # Python < 3.11: tomli is a dependency there
        if tomli is None:
            raise
        return tomli
    return tomllib


def _reads_toml_1_0(mod: ModuleType) -> bool:
    try:
        mod.loads("a = {x = 1,}\n")  # a trailing comma in an inline table: TOML 1.1 only
    except mod.TOMLDecodeError:
        return True
    return False
