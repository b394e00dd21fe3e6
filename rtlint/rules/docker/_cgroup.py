"""How dockerd reads `native.cgroupdriver` out of its exec-opts, shared by DKR001 and DKR002.

Read at source (moby/moby): before v28.0.0 `getCD` (daemon/daemon_unix.go) takes
the *first* option whose key, trimmed, equals `native.cgroupdriver` ignoring case,
and skips options without `=` or with other keys. From v28.0.0 `parseExecOptions`
(daemon/config/config.go, commit d7f59cec) lowercases and trims the key, trims
the value, refuses options without `=`, with an empty key or value, or with a key
other than `native.cgroupdriver` on Linux, and keeps the *last* value. In every
version only the exact values `cgroupfs` and `systemd` pass `verifyCgroupDriver`.
"""
from __future__ import annotations

import re
from ...record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from ...document import Document, Entry, Span

DRIVERS = ("cgroupfs", "systemd")
KEY = "native.cgroupdriver"

OK = "ok"  # accepted by every Docker version
BAD_VALUE = "bad-value"  # the right key with a value dockerd refuses
EMPTY_VALUE = "empty-value"  # `native.cgroupdriver=`: ignored before 28.0, refused after
RESERVED = "reserved"  # `none`: refused with its own message
MISSPELLED = "misspelled"  # meant as the driver option, but not read as one

_QUOTES = "\"'` \t"


@dataclass
class DriverOption:
    """One exec-opt that is, or was meant to be, the cgroup driver option."""

    text: str  # the option as written
    status: str
    value: str  # trimmed value ("" when there is none)
    intended: Optional[str]  # cgroupfs/systemd when that is clearly what was meant
    span: Span
    entry: Optional[Entry] = None  # the daemon.json array item (None for a unit flag)


def _looks_like_driver_key(text: str) -> bool:
    letters = re.sub(r"[^a-z]", "", text.lower())
    return "cgroupdriver" in letters or "cgroupsdriver" in letters


def _intended(value: str) -> Optional[str]:
    v = value.strip(_QUOTES + ";,").lower()
    return v if v in DRIVERS else None


def classify(text: str) -> Optional[Tuple[str, str, Optional[str]]]:
    """(status, value, intended) for a driver option, or None for an unrelated exec-opt."""
    key, sep, value = text.partition("=")
    if sep and key.strip().lower() == KEY:
        v = value.strip()
        if v in DRIVERS:
            return OK, v, v
        if v == "":
            return EMPTY_VALUE, v, None
        if v == "none":
            return RESERVED, v, None
        return BAD_VALUE, v, _intended(v)
    if not _looks_like_driver_key(key if sep else text):
        return None
    if sep:
        return MISSPELLED, value.strip(), _intended(value)
    m = re.search(r"driver\W*(\w+)\W*$", text, re.IGNORECASE)  # `native.cgroupdriver:systemd`, `... systemd`
    guess = _intended(m.group(1)) if m else None
    return MISSPELLED, m.group(1) if m else "", guess


def from_daemon_json(doc: Document) -> List[DriverOption]:
    """Driver options in daemon.json's exec-opts array (empty when it is absent or not an array)."""
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("exec-opts"), list):
        return []
    out: List[DriverOption] = []
    for item in doc.children(("exec-opts",)):
        if not isinstance(item.value, str):
            continue
        got = classify(item.value)
        if got is not None:
            out.append(DriverOption(item.value, got[0], got[1], got[2], item.value_span, item))
    return out


def effective(options: List[DriverOption]) -> Optional[str]:
    """The driver every Docker version agrees on, or None (unset, or versions disagree)."""
    values = {o.value for o in options if o.status == OK}
    if len(values) != 1 or any(o.status != OK for o in options):
        return None
    return values.pop()


def conflicting(options: List[DriverOption]) -> bool:
    """Different accepted values: Docker < 28 takes the first, >= 28 the last."""
    ok = [o.value for o in options if o.status == OK]
    return len(ok) > 1 and ok[0] != ok[-1]


def describe_problem(o: DriverOption) -> str:
    """Operator wording for a non-OK option (without the fix hint)."""
    shown = f'"{o.text}"'
    if o.status == RESERVED:
        return (f"{shown} is refused: dockerd says \"native.cgroupdriver option none is internally "
                f"used and cannot be specified manually\" and does not start")
    if o.status == EMPTY_VALUE:
        return (f"{shown} has no value: Docker before 28.0 ignores it (the driver stays at its "
                f"default) and Docker 28.0 and later refuse to start (\"invalid exec-opt\")")
    if o.status == BAD_VALUE:
        return (f"{shown} is refused: dockerd says \"native.cgroupdriver option {o.value} not "
                f"supported\" and does not start (only the exact words cgroupfs and systemd are accepted)")
    return (f"{shown} is not the native.cgroupdriver option: Docker before 28.0 ignores it, so the "
            f"driver silently stays at its default, and Docker 28.0 and later refuse to start "
            f"(\"invalid exec-opt\")")


def iter_problems(options: List[DriverOption]) -> Iterator[DriverOption]:
    for o in options:
        if o.status != OK:
            yield o
