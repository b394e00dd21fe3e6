"""Shared helpers of the keadm rules: the parsed file, the target KubeEdge version, defaults.

Which KubeEdge release a `keadm join` is for decides what its flags mean, so every
rule asks `target()`: the version given to rtlint (`ctx.kubeedge_version`) wins;
else the command's own `--kubeedge-version` (a literal, or a `$VAR` the script
assigns once); else, when the command has no such flag, the one keadm release the
script downloads (without the flag keadm installs its own version, FACTS.md §8
`GetCurrentVersion`). Otherwise the version is unknown and rules report only what
is wrong in every version, and say so.
"""
from __future__ import annotations

from collections import OrderedDict
from ...record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from ... import kinds
from ...document import Document, Edit, EditError, Span
from ...keadm import Analysis, Flag, JoinCommand, analyse, is_release, release_version, removal_range, \
    resolved_value
from ...rule import Context
from ...versions import Version

KINDS = (kinds.KEADM,)

CONTAINERD_SOCKET = "unix:///run/containerd/containerd.sock"
DOCKERSHIM_SOCKET = "unix:///var/run/dockershim.sock"
CRI_DOCKERD_SOCKET = "unix:///var/run/cri-dockerd.sock"
CRIO_SOCKET = "unix:///var/run/crio/crio.sock"
RUNTIME_CHOICES = (f"{CONTAINERD_SOCKET} (containerd), {CRI_DOCKERD_SOCKET} (Docker through cri-dockerd) "
                   f"or {CRIO_SOCKET} (CRI-O)")

_CACHE: "OrderedDict[Tuple[str, str], Analysis]" = OrderedDict()


def analysis(doc: Document) -> Analysis:
    """The parsed file; computed once per text, as every keadm rule needs it."""
    key = (doc.path, doc.text)
    hit = _CACHE.get(key)
    if hit is None:
        hit = analyse(doc.text, doc.path)
        _CACHE[key] = hit
        while len(_CACHE) > 16:
            _CACHE.popitem(last=False)
    return hit


def span(doc: Document, rng: Tuple[int, int]) -> Span:
    return doc.span(rng[0], rng[1])


def line_of(doc: Document, offset: int) -> int:
    return doc.index.position(offset)[0]


def value_of(a: Analysis, flag: Optional[Flag]) -> Optional[str]:
    """A flag's value when it is known before run time (literal, or a variable assigned once)."""
    if flag is None:
        return None
    return resolved_value(flag, a.resolver)[0]


def join_span(cmd: JoinCommand) -> Tuple[int, int]:
    """`keadm join` itself: where findings about a missing flag point."""
    return cmd.program.start, cmd.join.end


@dataclass(frozen=True)
class Target:
    """The KubeEdge release a keadm command installs, and where that was learnt."""

    version: Optional[Version]
    origin: str = ""

    def at_least(self, v: str) -> bool:
        return self.version is not None and self.version.key() >= Version.parse(v).key()

    def below(self, v: str) -> bool:
        return self.version is not None and self.version.key() < Version.parse(v).key()

    @property
    def known(self) -> bool:
        return self.version is not None

    def describe(self) -> str:
        if self.version is None:
            return "the KubeEdge version is unknown"
        return f"KubeEdge {self.version.major}.{self.version.minor}, from {self.origin}"


UNKNOWN_NOTE = "This is wrong in every KubeEdge version (the version here is unknown)"


def target(doc: Document, a: Analysis, cmd: JoinCommand, ctx: Context) -> Target:
    if ctx.kubeedge_version is not None:
        return Target(ctx.kubeedge_version, "the version given to rtlint")
    flag = cmd.get("kubeedge-version")
    if flag is not None:
        value, where = resolved_value(flag, a.resolver)
        if value is None or not is_release(value):
            return Target(None)
        origin = f"--kubeedge-version={value}"
        if where is not None:
            origin = f"--kubeedge-version={flag.value}, set to {value} on line {line_of(doc, where)}"
        return Target(release_version(value), origin)
    dl = a.download_version()
    if dl is not None:
        return Target(release_version(dl[0]), f"keadm v{dl[0]} is downloaded on line {line_of(doc, dl[1])}")
    return Target(None)


def runtime_type(a: Analysis, cmd: JoinCommand, tv: Target) -> Tuple[Optional[str], bool]:
    """(runtime type keadm uses, given explicitly?). None: unknown. keadm 1.16+ has only CRI ("remote")."""
    flag = cmd.get("runtimetype")
    if flag is not None:
        return value_of(a, flag), True
    if tv.version is None:
        return None, False
    return ("docker" if tv.below("1.13") else "remote"), False


def endpoint(a: Analysis, cmd: JoinCommand, tv: Target) -> Tuple[Optional[str], bool]:
    """(endpoint keadm writes, given explicitly?). Defaults: dockershim's before 1.13, containerd's from 1.13."""
    flag = cmd.get("remote-runtime-endpoint")
    if flag is not None:
        return value_of(a, flag), True
    if tv.version is None:
        return None, False
    return (DOCKERSHIM_SOCKET if tv.below("1.13") else CONTAINERD_SOCKET), False


# -- fixes: every edit goes through the text document's replace_span ---------------

def _replace(doc: Document, start: int, end: int, text: str) -> List[Edit]:
    try:
        return doc.replace_span(start, end, text)  # type: ignore[attr-defined]
    except (EditError, AttributeError):
        return []


def remove_flag(doc: Document, cmd: JoinCommand, flag: Flag) -> List[Edit]:
    """Delete a flag (and its value word), with the whitespace or continuation line it leaves."""
    start, end = removal_range(doc.text, cmd, flag)
    return _replace(doc, start, end, "")


def replace_value(doc: Document, flag: Flag, value: str) -> List[Edit]:
    """Replace a flag's value inside its quotes; `value` must need no quoting."""
    start, end = flag.value_span
    return _replace(doc, start, end, value)


def insert_value(doc: Document, offset: int, text: str) -> List[Edit]:
    return _replace(doc, offset, offset, text)


def add_flag(doc: Document, cmd: JoinCommand, text: str) -> List[Edit]:
    """Insert ` <text>` right after `join` (works on one line, continued lines and inside quotes)."""
    return _replace(doc, cmd.join.end, cmd.join.end, " " + text)
