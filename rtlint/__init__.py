"""rtlint: lint and fix the container-runtime configuration of KubeEdge edge nodes."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from typing import Optional

    from .document import Document


def load(path: str, kind: Optional[str] = None) -> "Document":
    """Read one file into a lossless Document (kind detected unless given).

    Raises rtlint.document.ParseError for malformed content and
    rtlint.loader.ReadError when the file cannot be read as text at all.
    """
    from .loader import load as _load

    return _load(path, kind=kind)


__all__ = ["load", "__version__"]
