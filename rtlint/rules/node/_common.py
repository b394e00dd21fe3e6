"""What node rules share: edgecore's intended runtime settings and re-labelled per-file findings."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, Iterator, List, Optional

from ...document import Document, Span
from ...rule import Context, Finding, Fix, Rule

EDGECORE_PATH = "/etc/kubeedge/config/edgecore.yaml"


def intended(node: Any) -> Optional[Dict[str, Any]]:
    """edgecore's effective runtime settings (kubeedge.Setting by name), or None without edgecore."""
    from ... import kubeedge
    from ...edgecore_schema import UnknownVersionError

    doc = node.edgecore
    if doc is None or not isinstance(doc.data, dict):
        return None
    try:
        return kubeedge.effective_runtime(doc, node.kubeedge_version)
    except (UnknownVersionError, ValueError):
        return None


def setting_span(doc: Document, setting: Any) -> Span:
    """Where a setting is written, or the start of the file when it is a default."""
    if setting.entry is not None:
        return setting.entry.span
    return doc.span(0, 0)


def describe(node: Any, setting: Any, what: str) -> str:
    """'edgecore.yaml:12 sets cgroupDriver: systemd' or 'edgecore uses the default cgroupDriver cgroupfs'."""
    if setting.entry is not None:
        return f"{node.where(node.edgecore, setting.entry)} sets {what} {setting.value!r}"
    return f"edgecore uses its default {what} {setting.value!r}"


def relabel(rule: Rule, findings: Iterable[Finding], suffix: str) -> Iterator[Finding]:
    """Per-file findings re-issued as this node rule's, with where the intended value came from.

    The fix keeps its edits but takes the node rule's safety: on a single file the intended
    value is only a command-line guess, on a node it is what edgecore is configured to use.
    """
    for f in findings:
        fix = Fix(f.fix.edits, rule.fix_safety == "safe", f.fix.description) if f.fix is not None else None
        yield Finding(rule, f.path, f.span, f"{f.message} ({suffix})", fix)


def with_driver(ctx: Context, driver: Optional[str] = None, image: Optional[str] = None) -> Context:
    return Context(cgroup_driver=driver, kubeedge_version=ctx.kubeedge_version,
                   containerd_version=ctx.containerd_version, crio_version=ctx.crio_version,
                   sandbox_image=image, extra=dict(ctx.extra))


def existing(items: List[Optional[Document]]) -> List[Document]:
    return [d for d in items if d is not None]
