"""Settings from `[tool.rtlint]` in pyproject.toml or from `.rtlint.toml`, merged with the command line.

The file is found by walking up from the current folder; the first folder that
has `.rtlint.toml` or a pyproject.toml with a `[tool.rtlint]` table wins. The
command line overrides the file; every value remembers where it came from so
`--show-settings` can say.
"""
from __future__ import annotations

import fnmatch
import os
import re
from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple



class SettingsError(Exception):
    """A configuration file that cannot be used; reported as one line, exit 2."""


_LIST_KEYS = ("select", "ignore", "exclude")
_STR_KEYS = ("kubeedge-version", "containerd-version", "crio-version", "cgroup-driver", "sandbox-image")
_BOOL_KEYS = ("unsafe-fixes",)
KNOWN = _LIST_KEYS + _STR_KEYS + _BOOL_KEYS + ("per-file-ignores",)


@dataclass
class Settings:
    values: Dict[str, Any] = field(default_factory=dict)
    origin: Dict[str, str] = field(default_factory=dict)
    file: Optional[str] = None
    base: str = "."  # folder that relative patterns are relative to

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any, origin: str) -> None:
        self.values[key] = value
        self.origin[key] = origin

    def ignored_for(self, path: str) -> List[str]:
        """Rule selectors that per-file-ignores applies to this path."""
        out: List[str] = []
        table = self.values.get("per-file-ignores")
        if not table:
            return out  # the common case: no relative path to work out for every file
        rel = _relative(path, self.base)
        for pattern, codes in table.items():
            if _match(rel, pattern):
                out.extend(codes)
        return out

    def excluded(self, path: str) -> bool:
        patterns = self.values.get("exclude")
        if not patterns:
            return False
        rel = _relative(path, self.base)
        return any(_match(rel, p) for p in patterns)


def _relative(path: str, base: str) -> str:
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:
        rel = path
    return rel.replace(os.sep, "/")


def _match(rel: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
        return True
    # a bare name matches in any folder, like .gitignore
    return "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in rel.split("/"))


def find_config(start: str) -> Optional[Tuple[str, Dict[str, Any]]]:
    folder = os.path.abspath(start)
    while True:
        dot = os.path.join(folder, ".rtlint.toml")
        if os.path.isfile(dot):
            return dot, _read(dot)
        py = os.path.join(folder, "pyproject.toml")
        raw = _read_bytes(py) if os.path.isfile(py) else None
        if raw is not None and _mentions_rtlint(raw):
            data = _parse(py, raw)
            table = data.get("tool", {}).get("rtlint")
            if table is not None:
                return py, {"__table__": table}
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


_TOOL_RTLINT = re.compile(rb"""tool\s*\.\s*["']?rtlint""")
_TOOL_TABLE = re.compile(rb"^[ \t]*\[[ \t]*tool[ \t]*\]", re.M)
_RTLINT_KEY = re.compile(rb"""^[ \t]*["']?rtlint["']?[ \t]*[.=]""", re.M)


def _mentions_rtlint(data: bytes) -> bool:
    """Whether a pyproject.toml can hold rtlint's table (`[tool.rtlint]`, `tool.rtlint.x = ...`, or an
    `rtlint` key in a `[tool]` table). Most do not, and not parsing them saves the TOML reader's
    import (~3 ms) on every run inside a Python project."""
    return bool(_TOOL_RTLINT.search(data) or (_TOOL_TABLE.search(data) and _RTLINT_KEY.search(data)))


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise SettingsError(f"{path}: cannot read configuration: {e}") from None


def _read(path: str) -> Dict[str, Any]:
    return _parse(path, _read_bytes(path))


def _parse(path: str, data: bytes) -> Dict[str, Any]:
    from .formats._tomlreader import toml_reader

    tomllib = toml_reader()
    try:
        return tomllib.loads(data.decode())  # what tomllib.load does with a binary file
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path}: cannot read configuration: {e}") from None


def _validate(table: Dict[str, Any], path: str) -> Dict[str, Any]:
    import difflib

    out: Dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: `{key}`"
        if key not in KNOWN:
            close = difflib.get_close_matches(key, KNOWN, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise SettingsError(f"{path}: unknown key `{key}`{hint}; known keys: {', '.join(KNOWN)}")
        if key in _LIST_KEYS:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise SettingsError(f"{where} must be a list of strings")
        elif key in _STR_KEYS:
            if not isinstance(value, str):
                raise SettingsError(f"{where} must be a string")
            if key == "cgroup-driver" and value not in ("systemd", "cgroupfs"):
                raise SettingsError(f"{where} must be \"systemd\" or \"cgroupfs\", not {value!r}")
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise SettingsError(f"{where} must be true or false")
        elif key == "per-file-ignores":
            if not (isinstance(value, dict) and all(
                    isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values())):
                raise SettingsError(f"{where} must be a table of glob = [\"CODE\", ...]")
        out[key] = value
    return out


def load(start: str = ".", isolated: bool = False) -> Settings:
    settings = Settings(base=os.path.abspath(start))
    if isolated:
        return settings
    found = find_config(start)
    if not found:
        return settings
    path, data = found
    table = data.get("__table__", data)
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.rtlint] must be a table")
    for key, value in _validate(table, path).items():
        settings.set(key, value, path)
    settings.file = path
    settings.base = os.path.dirname(path)
    return settings
