"""What shape a CNI file must have, and where its plugin objects are.

The runtimes choose the parser by file name, not by content: containerd
(go-cni `loadFromConfDir`) and CRI-O (ocicni `loadNetworks`) read `*.conflist`
as a network list and `*.conf` / `*.json` as one plugin object. Templates
(`10-bridge.conflist.j2`) are judged by the name they will be installed under;
other names (`.disabled`, no extension) are not loaded at all, so their shape
is taken from their content.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, List, Optional, Tuple

from ...detect import path_tail
from ...document import Document, KeyPath

LIST = "list"
SINGLE = "single"

# Spec versions defined by containernetworking/cni up to v1.3.0 (pkg/version, SPEC.md).
KNOWN_VERSIONS = ("0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")

_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".gotmpl", ".erb", ".in")


def installed_name(path: str) -> str:
    name = path_tail(path)[0]
    low = name.lower()
    for suffix in _TEMPLATE_SUFFIXES:
        if low.endswith(suffix):
            return name[:-len(suffix)]
    return name


def declared_shape(path: str) -> Optional[str]:
    """LIST or SINGLE from the file name, or None when runtimes would not load the file."""
    name = installed_name(path)
    if name.endswith(".conflist"):
        return LIST
    if name.endswith((".conf", ".json")):
        return SINGLE
    return None


def shape(doc: Document) -> str:
    declared = declared_shape(doc.path)
    if declared is not None:
        return declared
    return LIST if isinstance(doc.data, dict) and "plugins" in doc.data else SINGLE


def plugins(doc: Document) -> List[Tuple[KeyPath, dict]]:
    """Plugin objects by content: the items of `plugins`, and the top level when it has a `type`."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    out: List[Tuple[KeyPath, dict]] = []
    if "type" in data:
        out.append(((), data))
    items = data.get("plugins")
    if isinstance(items, list):
        out.extend((("plugins", i), p) for i, p in enumerate(items) if isinstance(p, dict))
    return out


def type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")
