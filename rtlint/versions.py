"""Version numbers and ranges, for rules that apply to some releases only."""
from __future__ import annotations

import re
from .record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Optional, Tuple

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: Optional[int] = None

    @classmethod
    def parse(cls, text: str) -> "Version":
        m = _VERSION.match(text.strip())
        if not m:
            raise ValueError(f"not a version: {text!r} (expected X.Y or X.Y.Z)")
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)

    def key(self) -> Tuple[int, int, int]:
        return (self.major, self.minor, self.patch or 0)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}" + (f".{self.patch}" if self.patch is not None else "")


@dataclass(frozen=True)
class Range:
    """Half-open range [since, until); either end may be open."""

    since: Optional[str] = None
    until: Optional[str] = None

    def contains(self, version: Optional[Version]) -> bool:
        """Unknown versions are inside every range: the rule runs."""
        if version is None:
            return True
        k = version.key()
        if self.since and k < Version.parse(self.since).key():
            return False
        if self.until and k >= Version.parse(self.until).key():
            return False
        return True

    def __str__(self) -> str:
        if self.since and self.until:
            return f">={self.since}, <{self.until}"
        if self.since:
            return f">={self.since}"
        if self.until:
            return f"<{self.until}"
        return "all"


ALL = Range()
