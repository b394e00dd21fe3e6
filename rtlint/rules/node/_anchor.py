"""Where a node rule reports a problem that belongs to a runtime rather than to one key."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Optional, Tuple

from ...document import Document, Span
from ._common import intended, setting_span

LABEL = {"containerd": "containerd", "crio": "CRI-O", "cri-dockerd": "cri-dockerd"}


def runtime_anchor(node: Any, runtime: str, where: Any = None) -> Optional[Tuple[Document, Span, str]]:
    """(document, span, how the message starts) for a problem with `runtime`'s setup.

    The setting itself when it is written (`where` is a facts.Where), else edgecore's runtime
    endpoint (the operator's choice of runtime), else the start of the runtime's first file.
    """
    from ...node import facts

    if where is not None and where.doc is not None and where.value_span is not None:
        return where.doc, where.value_span, ""
    eff = intended(node)
    if eff is not None:
        doc = node.edgecore
        return doc, setting_span(doc, eff["runtime_endpoint"]), f"edgecore uses {LABEL.get(runtime, runtime)}, and "
    docs = facts.runtime_docs(node, runtime)
    if docs:
        return docs[0], docs[0].span(0, 0), ""
    return None
