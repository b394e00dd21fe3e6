"""The effective runtime configuration of one node, with the file and line of every value.

Each runtime's merge rules (FACTS.md §1.6, §2.1, systemd.unit(5)):
- containerd: the main file, then its `imports` (breadth-first, each file once; relative
  paths against the importing file's folder). 1.x replaces a whole `[plugins."X"]` table with
  the last file that defines it; 2.x merges key by key. Which one applies: the containerd
  version when known, else 2.x for a version 3+ main file and 1.x otherwise.
- CRI-O: crio.conf, then crio.conf.d/* in lexical order; keys override one by one, but a
  `[crio.runtime.runtimes.NAME]` table replaces that handler whole.
- systemd: the unit file that wins by search-path precedence, then its drop-ins in name order;
  a later assignment overrides, an empty one resets a list (ExecStart=).
"""
from __future__ import annotations

import glob
import os
from ..record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

from .. import kinds
from ..document import Document, Entry, KeyPath, ParseError
from ..engine import FileResult, parse_error, read_error
from ..loader import ReadError, load
from ..runtimes import containerd as ctd
from ..versions import Version
from .discover import NodeFiles

RUNTIME_OF_SOCKET = {
    "containerd.sock": "containerd",
    "crio.sock": "crio",
    "cri-dockerd.sock": "cri-dockerd",
    "dockershim.sock": "dockershim",
    "virtlet.sock": "virtlet",
}


@dataclass
class Value:
    """An effective value and where it came from (doc/entry None: a built-in default)."""

    value: Any
    doc: Optional[Document] = None
    entry: Optional[Entry] = None

    @property
    def defaulted(self) -> bool:
        return self.entry is None


@dataclass
class Node:
    files: NodeFiles
    docs: Dict[str, Document] = field(default_factory=dict)  # real path -> document
    failures: List[FileResult] = field(default_factory=list)  # files that could not be read/parsed
    containerd_version: Optional[Version] = None
    kubeedge_version: Optional[Version] = None
    containerd_order: List[str] = field(default_factory=list)  # main file, then imports in load order

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def read(cls, files: NodeFiles, max_bytes: int, containerd_version: Optional[Version] = None,
             kubeedge_version: Optional[Version] = None) -> "Node":
        node = cls(files, containerd_version=containerd_version, kubeedge_version=kubeedge_version)
        wanted: List[Tuple[str, str]] = []
        if files.edgecore:
            wanted.append((files.edgecore, kinds.EDGECORE))
        if files.crio_main:
            wanted.append((files.crio_main, kinds.CRIO))
        wanted += [(p, kinds.CRIO) for p in files.crio_dropins]
        if files.docker:
            wanted.append((files.docker, kinds.DOCKER))
        for u in files.units.values():
            wanted += [(p, kinds.SYSTEMD) for p in ([u.main] if u.main else []) + u.dropins]
        wanted += [(p, kinds.CNI) for p in files.cni_confs]
        for path, kind in wanted:
            node._load(path, kind, max_bytes)
        if files.containerd:
            node._load_containerd(files.containerd, max_bytes)
        return node

    def _load(self, path: str, kind: str, max_bytes: int) -> Optional[Document]:
        try:
            doc = load(path, kind=kind, max_bytes=max_bytes)
        except ReadError as e:
            self.failures.append(FileResult(path, None, [read_error(path, e)]))
            return None
        except ParseError as e:
            self.failures.append(FileResult(path, None, [parse_error(path, e)]))
            return None
        self.docs[path] = doc
        return doc

    def _load_containerd(self, main: str, max_bytes: int) -> None:
        queue = [main]
        seen = set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            self.containerd_order.append(path)
            doc = self._load(path, kinds.CONTAINERD, max_bytes)
            if doc is None:
                continue
            queue += self._imports(doc)

    def _imports(self, doc: Document) -> List[str]:
        out: List[str] = []
        imports = doc.data.get("imports") if isinstance(doc.data, dict) else None
        if not isinstance(imports, list):
            return out
        here = self.files.node_path(os.path.dirname(doc.path))
        for item in imports:
            if not isinstance(item, str) or not item:
                continue
            node_path = item if item.startswith("/") else os.path.normpath(os.path.join(here, item))
            real = self.files.under(node_path)
            if any(c in item for c in "*?["):
                out += sorted(glob.glob(real))
            else:
                out.append(real)
        return out

    def replace(self, doc: Document) -> None:
        """Swap in an edited document (fix passes work in memory)."""
        self.docs[doc.path] = doc

    # -- documents ------------------------------------------------------------------------------
    def doc(self, path: Optional[str]) -> Optional[Document]:
        return self.docs.get(path) if path else None

    @property
    def edgecore(self) -> Optional[Document]:
        return self.doc(self.files.edgecore)

    @property
    def containerd_docs(self) -> List[Document]:
        return [self.docs[p] for p in self.containerd_order if p in self.docs]

    @property
    def crio_docs(self) -> List[Document]:
        paths = ([self.files.crio_main] if self.files.crio_main else []) + self.files.crio_dropins
        return [self.docs[p] for p in paths if p in self.docs]

    @property
    def docker(self) -> Optional[Document]:
        return self.doc(self.files.docker)

    def unit_docs(self, name: str) -> List[Document]:
        u = self.files.units.get(name)
        if u is None:
            return []
        paths = ([u.main] if u.main else []) + u.dropins
        return [self.docs[p] for p in paths if p in self.docs]

    def where(self, doc: Optional[Document], entry: Optional[Entry] = None) -> str:
        """`/etc/…/file:LINE` as the node sees it, for messages."""
        if doc is None:
            return "the built-in default"
        p = self.files.node_path(doc.path)
        return f"{p}:{entry.span.line}" if entry is not None else p

    # -- containerd -----------------------------------------------------------------------------
    @property
    def containerd_merges_tables(self) -> bool:
        """True for 2.x (key-by-key merge of plugin tables), False for 1.x (whole-table replace)."""
        if self.containerd_version is not None:
            return self.containerd_version.major >= 2
        docs = self.containerd_docs
        return bool(docs) and ctd.config_version(docs[0]) >= 3

    def containerd_value(self, path_of_version) -> Optional[Value]:
        """Effective value of a setting whose key path depends on each file's config version.

        `path_of_version(v)` gives the key path for config version v. None when no file sets
        it (the caller knows the default).
        """
        docs = self.containerd_docs
        if not docs:
            return None
        merges = self.containerd_merges_tables
        found: Optional[Value] = None
        for doc in docs:
            path = path_of_version(ctd.config_version(doc))
            entry = doc.entry(path)
            if path and path[0] == "plugins":
                if merges:  # 2.x: plugin tables merge key by key; the last file that sets the key wins
                    if entry is not None:
                        found = Value(entry.value, doc, entry)
                elif doc.has(path[:2]):  # 1.x: this file's plugin table replaces the earlier one whole
                    found = Value(entry.value, doc, entry) if entry is not None else None
            elif entry is not None and (found is None or entry.value not in (None, "", 0, False)):
                found = Value(entry.value, doc, entry)  # mergo WithOverride: zero values do not override
        return found

    def containerd_plugin_doc(self, path_of_version) -> Optional[Document]:
        """The file whose copy of the setting's plugin table containerd uses (for fixes)."""
        docs = self.containerd_docs
        if not docs:
            return None
        chosen = docs[0]
        for doc in docs:
            path = path_of_version(ctd.config_version(doc))
            table = path[:2] if path and path[0] == "plugins" else path[:-1]
            if doc.has(path) or (table and doc.has(table)):
                chosen = doc
        return chosen

    # -- CRI-O ----------------------------------------------------------------------------------
    def crio_value(self, path: KeyPath) -> Optional[Value]:
        found: Optional[Value] = None
        for doc in self.crio_docs:
            handler = path[:4] if path[:3] == ("crio", "runtime", "runtimes") and len(path) > 4 else None
            entry = doc.entry(path)
            if entry is not None:
                found = Value(entry.value, doc, entry)
            elif handler is not None and doc.has(handler):
                found = None  # a later handler table replaces the handler whole
        return found

    # -- units ----------------------------------------------------------------------------------
    def unit_effective(self, unit: str, section: str, key: str) -> List[Tuple[Document, Entry]]:
        out: List[Tuple[Document, Entry]] = []
        for doc in self.unit_docs(unit):
            for e in doc.assignments(section, key):  # type: ignore[attr-defined]
                if e.value == "":
                    out = []
                else:
                    out.append((doc, e))
        return out

    # -- which runtime --------------------------------------------------------------------------
    def installed_runtimes(self) -> Dict[str, List[str]]:
        """Runtime name -> evidence found under the root (config files, units, binaries)."""
        f = self.files
        ev: Dict[str, List[str]] = {}

        def add(name: str, what: Optional[str]) -> None:
            if what:
                ev.setdefault(name, []).append(what)

        add("containerd", f.node_path(f.containerd) if f.containerd else None)
        add("containerd", "containerd.service" if "containerd.service" in f.units else None)
        add("containerd", f.binaries.get("containerd"))
        add("crio", f.node_path(f.crio_main) if f.crio_main else None)
        add("crio", f.node_path(f.crio_dropins[0]) if f.crio_dropins else None)
        add("crio", "crio.service" if "crio.service" in f.units else None)
        add("crio", f.binaries.get("crio"))
        add("cri-dockerd", "cri-docker.service" if "cri-docker.service" in f.units else None)
        add("cri-dockerd", f.binaries.get("cri-dockerd"))
        add("virtlet", f.binaries.get("virtlet"))
        return ev


def runtime_of_endpoint(endpoint: Optional[str]) -> Optional[str]:
    from ..kubeedge import socket_path

    p = socket_path(endpoint)
    if p is None:
        return None
    return RUNTIME_OF_SOCKET.get(p.rsplit("/", 1)[-1])


def expand_specifiers(value: str) -> str:
    """The few systemd specifiers a socket path uses (system manager): %t=/run, %%=%."""
    return value.replace("%%", "\0").replace("%t", "/run").replace("\0", "%")

