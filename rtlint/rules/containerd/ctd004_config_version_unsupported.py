"""CTD004: a `version` value containerd cannot read, or one the node's containerd is too old for."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...versions import Version
from ._common import try_edits

MAX_VERSION = 4


def _as_int(value: object) -> Optional[int]:
    """The integer a mistyped version clearly means ("2", 2.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _support(version: int, ctd: Version) -> Optional[str]:
    """Why containerd `ctd` cannot use config `version` (None when it can)."""
    k = ctd.key()
    if version == 3 and k < (2, 0, 0) or version == 4 and k < (2, 0, 0):
        refuses = k >= (1, 7, 17) if ctd.minor >= 7 else k >= (1, 6, 32)
        if refuses:
            return (f"containerd {ctd} refuses config version {version} (`unsupported config version`; "
                    f"versions 3 and 4 need containerd 2.x)")
        return (f"containerd {ctd} does not check the version: it reads the file as version 2 and "
                f"silently ignores every version {version} table (version {version} needs containerd "
                f"{'2.0' if version == 3 else '2.3'}+)")
    if version == 4 and k < (2, 3, 0):
        return (f"containerd {ctd} refuses config version 4 (it reads versions up to 3); "
                f"version 4 needs containerd 2.3+")
    return None


class ConfigVersionUnsupported(Rule):
    code = "CTD004"
    name = "config-version-unsupported"
    summary = "the config `version` is not one containerd can read, or the node's containerd is too old for it"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "containerd reads config versions 1-4: 3 needs containerd 2.0+, 4 needs 2.3+ "
        "(ctd-2.0.0 / ctd-2.3.0 version/version.go ConfigVersion; 2.x fails with `expected containerd "
        "config version equal to or less than ...`, from source). containerd 1.6.32+/1.7.17+ refuse "
        "versions above 2; older 1.6/1.7 releases do not check and read a version 3 file as version "
        "2, ignoring its version 3 tables (seen with 1.6.20: `config dump` shows version = 2 and the "
        "default sandbox image). `version = 0` means version 1. A quoted or fractional version "
        "(`\"2\"`, `2.0`) stops containerd 1.6.20 at load (`Can't convert 2(string) to int`); the "
        "fix writes it as an integer, which is what the file visibly says. The node-version checks "
        "run only when the containerd version is known."
    )
    seen_in = ()
    errors = (
        'invalid containerd configuration in "/etc/k0s/containerd.d/nvidia.toml": unsupported containerd configuration version: expected 3, got 2',
    )
    bad = (
        example("containerd/config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "registry.k8s.io/pause:3.10"
            """, line=1, column=11, containerd_version="1.6.20"),
        example("containerd/config.toml", """
            version = 4
            """, line=1, column=11, containerd_version="2.1.0"),
        example("containerd/config.toml", """
            version = "2"
            """, line=1, column=11, fixed="""
            version = 2
            """),
        example("containerd/config.toml", """
            version = 7
            """, line=1, column=11),
    )
    good = (
        example("containerd/config.toml", """
            version = 3
            """, containerd_version="2.0.0"),
        example("containerd/config.toml", """
            version = 2
            """, containerd_version="1.6.20"),
        example("containerd/config.toml", """
            version = 4
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if not isinstance(doc.data, dict) or "version" not in doc.data:
            return
        entry = doc.entry(("version",))
        if entry is None:
            return
        value = doc.data["version"]
        if not isinstance(value, int) or isinstance(value, bool):
            n = _as_int(value)
            fixable = n is not None and 1 <= n <= MAX_VERSION
            edits = try_edits(lambda: doc.set_value(("version",), n)) if fixable else None
            yield self.finding(
                doc, entry.value_span,
                f"version must be a plain integer; containerd stops at load with {value!r} "
                + (f"(write `version = {n}`)" if fixable else "(use 2, or 3 for containerd 2.x)"), edits)
            return
        if value == 0:
            f = self.finding(doc, entry.value_span,
                             "`version = 0` means config version 1 (deprecated); write `version = 2` and "
                             "name plugins by full URI (see CTD002)")
            f.severity = WARNING
            yield f
            return
        if value < 0 or value > MAX_VERSION:
            yield self.finding(doc, entry.value_span,
                               f"config version {value} does not exist; containerd reads versions 1-4 "
                               f"(use 2 for containerd 1.x, 3 for 2.0-2.2)")
            return
        if ctx.containerd_version is not None:
            why = _support(value, ctx.containerd_version)
            if why:
                yield self.finding(doc, entry.value_span,
                                   why + "; use `version = 2` tables for this node or upgrade containerd")


RULE = ConfigVersionUnsupported
