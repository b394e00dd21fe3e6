"""Finding Docker's and cri-dockerd's units and reading their command lines.

Units are recognised by what they run, not only by their file name, because
installers rename them and copies (like the corpus) carry prefixes: a service
whose ExecStart runs `cri-dockerd` is cri-dockerd's, one that runs `dockerd`
is Docker's. Command lines are split with `rtlint.execline` (systemd's own
quoting rules); token offsets index the joined value, and `token_span` maps
them back to the file, also across backslash-continued lines.
"""
from __future__ import annotations

import posixpath
import re
from ...record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Optional, Sequence, Tuple

from ...detect import path_tail
from ...document import Document, Entry, Span
from ...execline import Command, CommandLineError, Token, split_commands

CRI_DOCKERD = "cri-dockerd"
DOCKERD = ("dockerd", "dockerd-current")  # dockerd-current: RHEL/CentOS 7 `docker` package
CRI_DOCKERD_SOCKETS = ("cri-docker.socket", "cri-dockerd.socket")
CRI_DOCKERD_SERVICES = ("cri-docker.service", "cri-dockerd.service")
LISTEN_KEYS = ("ListenStream", "ListenDatagram", "ListenSequentialPacket", "ListenFIFO", "ListenSpecial")


@dataclass
class ExecLine:
    entry: Entry
    command: Command

    @property
    def args(self) -> List[Token]:
        return self.command.args


def file_name(doc: Document) -> str:
    return path_tail(doc.path)[0]


def is_dropin(doc: Document) -> bool:
    """A drop-in (`foo.service.d/*.conf`): settings it lacks may come from the main unit."""
    name, parent, _ = path_tail(doc.path)
    return name.endswith(".conf") or parent.endswith(".d")


def exec_lines(doc: Document, programs: Sequence[str]) -> List[ExecLine]:
    """The effective ExecStart commands whose program's file name is one of `programs`."""
    out: List[ExecLine] = []
    effective = getattr(doc, "effective", None)
    if effective is None:
        return out
    for entry in effective("Service", "ExecStart"):
        try:
            commands = split_commands(entry.value)
        except CommandLineError:
            continue  # systemd ignores the whole setting; not this family's finding
        for cmd in commands:
            if posixpath.basename(cmd.path) in programs:
                out.append(ExecLine(entry, cmd))
    return out


def is_cri_dockerd_socket(doc: Document) -> bool:
    name = file_name(doc)
    parent = path_tail(doc.path)[1]
    if name.endswith(CRI_DOCKERD_SOCKETS) or parent in tuple(s + ".d" for s in CRI_DOCKERD_SOCKETS):
        return True
    data = doc.data if isinstance(doc.data, dict) else {}
    if "Socket" not in data:
        return False
    refs = data.get("Unit", {}).get("PartOf", []) + data.get("Unit", {}).get("BindsTo", []) \
        + data["Socket"].get("Service", [])
    if any(w in CRI_DOCKERD_SERVICES for v in refs for w in v.split()):
        return True
    return any("cri-docker" in v for k in LISTEN_KEYS for v in data["Socket"].get(k, []))


def value_offsets(doc: Document, entry: Entry) -> Optional[List[int]]:
    """Text offset of every character of `entry.value` (None if the value cannot be mapped)."""
    sp = entry.value_span
    text = doc.text
    raw = text[sp.start:sp.end]
    if raw == entry.value:
        return list(range(sp.start, sp.end))
    chars: List[str] = []
    offs: List[int] = []
    lines = [(m.start(), m.end(1)) for m in re.finditer(r"([^\r\n]*)(?:\r\n|\r|\n|$)", raw)]
    for n, (a, b) in enumerate(lines):
        if a == b and n == len(lines) - 1:
            break
        content = raw[a:b]
        if n > 0 and content.lstrip(" \t")[:1] in ("#", ";"):
            continue  # systemd skips comment lines inside a continuation
        trailing = len(content) - len(content.rstrip("\\"))
        continued = trailing % 2 == 1 and n < len(lines) - 1
        for i, c in enumerate(content):
            chars.append(" " if continued and i == len(content) - 1 else c)
            offs.append(sp.start + a + i)
    return offs if "".join(chars) == entry.value else None


def token_span(doc: Document, entry: Entry, start: int, end: int) -> Span:
    """The file span of entry.value[start:end]; the whole value when it cannot be mapped."""
    offs = value_offsets(doc, entry)
    if offs is None or end <= start or end > len(offs):
        return entry.value_span
    return doc.span(offs[start], offs[end - 1] + 1)


def flag_values(args: Sequence[Token], name: str) -> List[Tuple[str, Token]]:
    """Values given to a Go (pflag) string flag `--name`, as `--name=v` or `--name v`, in order.

    The token returned is the one that holds the value. Parsing stops at `--`.
    """
    out: List[Tuple[str, Token]] = []
    flag = "--" + name
    i = 0
    while i < len(args):
        t = args[i]
        if t.text == "--":
            break
        if t.text == flag:
            if i + 1 < len(args):
                out.append((args[i + 1].text, args[i + 1]))
            i += 2
            continue
        if t.text.startswith(flag + "="):
            out.append((t.text[len(flag) + 1:], t))
        i += 1
    return out
