"""Which runtime unit a file is, and how systemd 252 evaluates the settings these rules read.

Unit names come from the path: `containerd.service`, or a drop-in
`containerd.service.d/NAME.conf`. Files collected into a flat folder (the
shared corpus) have their path separators replaced by "_", so a name ending
in `_containerd.service`, or holding `_containerd.service.d_` and ending in
`.conf`, counts too. Anything else (`docker_override.conf` in an Ansible role)
is not matched: the rules cannot know which unit it extends.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from ...detect import path_tail
from ...document import Entry
from ...execline import CommandLineError, split_commands
from ...formats.unit import UnitDocument

CONTAINERD = "containerd.service"
CRIO = "crio.service"
CRIO_ALIAS = "cri-o.service"  # Alias= in CRI-O's unit; drop-ins may use either name
DOCKER = "docker.service"
RUNTIME_UNITS = (CONTAINERD, CRIO, CRIO_ALIAS, DOCKER)

SERVICE = "Service"

_TRUE = ("1", "yes", "y", "true", "t", "on")
_FALSE = ("0", "no", "n", "false", "f", "off")
KILL_MODES = ("control-group", "process", "mixed", "none")
SERVICE_TYPES = ("simple", "exec", "forking", "oneshot", "dbus", "notify", "idle")


def unit_of(path: str) -> Optional[Tuple[str, bool]]:
    """(unit name, is a drop-in) for a file of one of the runtime units, else None."""
    name, parent, _ = path_tail(path)
    for unit in RUNTIME_UNITS:
        if parent == unit + ".d" and name.endswith(".conf"):
            return unit, True
        if name.endswith(".conf") and re.search(r"(^|_)" + re.escape(unit) + r"\.d_", name):
            return unit, True
        if name == unit or name.endswith("_" + unit):
            return unit, False
    return None


def parse_boolean(value: str) -> Optional[bool]:
    """systemd's parse_boolean (case-insensitive); None when the value is not a boolean."""
    v = value.lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def delegate_state(doc: UnitDocument) -> Tuple[Optional[bool], Optional[Entry]]:
    """Whether the file leaves delegation on, and the assignment that decides it (None, None: never set).

    systemd 252 `config_parse_delegate`: a boolean sets it; an empty value or a
    list of controller names turns delegation on.
    """
    state: Optional[bool] = None
    decider: Optional[Entry] = None
    for e in doc.assignments(SERVICE, "Delegate"):
        b = parse_boolean(e.value) if e.value else None
        state = True if b is None else b
        decider = e
    return state, decider


def kill_mode(doc: UnitDocument) -> Tuple[Optional[str], Optional[Entry]]:
    """The KillMode the file leaves, and the assignment that decides it (None, None: never set).

    systemd 252 `config_parse_kill_mode`: an empty value means control-group,
    an unknown one is ignored with a warning.
    """
    mode: Optional[str] = None
    decider: Optional[Entry] = None
    for e in doc.assignments(SERVICE, "KillMode"):
        if e.value == "":
            mode, decider = "control-group", e
        elif e.value in KILL_MODES:
            mode, decider = e.value, e
    return mode, decider


def service_type(doc: UnitDocument) -> Optional[str]:
    """The Type= the file leaves (None: not set here); unknown values are ignored as systemd does."""
    kind: Optional[str] = None
    for e in doc.assignments(SERVICE, "Type"):
        if e.value == "":
            kind = "simple"
        elif e.value in SERVICE_TYPES:
            kind = e.value
    return kind


def command_count(value: str) -> int:
    """How many commands an ExecStart= value adds (`;` separates commands); 0 when systemd ignores it."""
    try:
        return len(split_commands(value))
    except CommandLineError:
        return 0


def exec_start_after_reset(doc: UnitDocument) -> Tuple[bool, List[Entry]]:
    """(whether an empty ExecStart= reset the list, the command assignments after the last reset)."""
    reset = False
    kept: List[Entry] = []
    for e in doc.assignments(SERVICE, "ExecStart"):
        if e.value == "":
            reset, kept = True, []
        elif command_count(e.value):
            kept.append(e)
    return reset, kept
