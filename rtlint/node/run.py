"""Node mode's engine: per-file rules and cross-file rules over one node, fixes across files.

Per-file rules run with the versions the node tells (edgecore's version, probed runtime
versions) but without an intended cgroup driver or pause image: the node rules compare those
against the *effective* runtime values, so each problem is reported once, in the file the
runtime really reads it from.
"""
from __future__ import annotations

import os
import re
from ..record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, List, Sequence, Set, Tuple

from .. import engine
from .. import rules as registry
from ..document import Document, ParseError
from ..engine import FileResult
from ..loader import DEFAULT_MAX_BYTES, reparse
from ..rule import Context, Finding, NodeRule, Rule
from ..versions import Version
from .discover import NodeFiles, discover
from .model import Node

MAX_NODE_PASSES = 5


@dataclass
class NodeRun:
    node: Node
    results: List[FileResult]
    original: Dict[str, str] = field(default_factory=dict)  # path -> text before fixes (changed files)
    changed: Dict[str, Document] = field(default_factory=dict)  # path -> document after fixes

    @property
    def findings(self) -> List[Finding]:
        return [f for r in self.results for f in r.findings]

    def restarts(self) -> List[str]:
        return restart_hints(self.node.files, list(self.changed))


def probe_versions(timeout: float = 5.0) -> Dict[str, Version]:
    """Ask the installed programs their versions (only for the real root; read-only, no root needed)."""
    import subprocess

    out: Dict[str, Version] = {}
    for name, args in (("containerd", ["containerd", "--version"]), ("crio", ["crio", "--version"]),
                       ("kubeedge", ["edgecore", "--version"])):
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            continue
        m = re.search(r"\bv?(\d+\.\d+\.\d+)", proc.stdout + proc.stderr)
        if m:
            out[name] = Version.parse(m.group(1))
    return out


def restart_hints(files: NodeFiles, paths: Sequence[str]) -> List[str]:
    hints: List[str] = []

    def add(h: str) -> None:
        if h not in hints:
            hints.append(h)

    for p in paths:
        n = files.node_path(p)
        if n.startswith("/etc/containerd/") or p in (files.containerd,):
            add("systemctl restart containerd")
        elif n.startswith("/etc/crio/"):
            add("systemctl restart crio")
        elif n == "/etc/docker/daemon.json":
            add("systemctl restart docker")
        elif n.startswith("/etc/kubeedge/"):
            add("systemctl restart edgecore")
        elif "/systemd/" in n:
            add("systemctl daemon-reload")
            unit = os.path.basename(os.path.dirname(p)) if p.endswith(".conf") else os.path.basename(p)
            unit = unit[:-2] if unit.endswith(".d") else unit
            add(f"systemctl restart {unit}")
    return hints


def _versions(ctx: Context, root: str, probe: bool) -> Tuple[Context, Dict[str, Version]]:
    live = probe and os.path.abspath(root) == os.sep
    probed = probe_versions() if live else {}
    extra = dict(ctx.extra)
    if live:
        extra["live"] = True  # the real node: rules may look at sockets and processes (read-only)
    return Context(
        cgroup_driver=None,
        kubeedge_version=ctx.kubeedge_version or probed.get("kubeedge"),
        containerd_version=ctx.containerd_version or probed.get("containerd"),
        crio_version=ctx.crio_version or probed.get("crio"),
        sandbox_image=None,
        extra=extra,
    ), probed


def _node_findings(node: Node, rules: Sequence[NodeRule], ctx: Context) -> List[Finding]:
    out: List[Finding] = []
    for r in rules:
        out.extend(r.check_node(node, ctx))
    return out


def run_node(root: str, rules: Sequence[Rule], ctx: Context, *, fixing: bool = False, unsafe: bool = False,
             probe: bool = True, max_bytes: int = DEFAULT_MAX_BYTES) -> NodeRun:
    files = discover(root)
    file_ctx, _ = _versions(ctx, root, probe)
    node = Node.read(files, max_bytes, file_ctx.containerd_version, file_ctx.kubeedge_version)
    file_rules = [r for r in rules if not isinstance(r, NodeRule)]
    node_rules = [r for r in rules if isinstance(r, NodeRule)]
    original = {p: d.text for p, d in node.docs.items()}
    failed: List[Finding] = []
    applied: Dict[str, List[Finding]] = {}

    def fix_file(doc: Document) -> None:
        result = engine.fix(doc, file_rules, file_ctx, unsafe=unsafe)
        applied.setdefault(doc.path, []).extend(result.fixes_applied)
        node.replace(result.doc)  # type: ignore[arg-type]

    if fixing:
        for path in list(node.docs):
            fix_file(node.docs[path])
        skip: Set[Tuple[str, str, int]] = set()
        for _ in range(MAX_NODE_PASSES):
            wanted = [f for f in _node_findings(node, node_rules, file_ctx)
                      if f.fix and f.fix.edits and (f.fix.safe or unsafe) and (f.code, f.path, f.span.start) not in skip]
            if not wanted:
                break
            progressed = False
            by_path: Dict[str, List[Finding]] = {}
            for f in wanted:
                by_path.setdefault(f.path, []).append(f)
            for path, fs in by_path.items():
                doc = node.docs.get(path)
                if doc is None:
                    continue
                batch = engine.non_overlapping(fs)
                new_text = engine.splice(doc.text, batch)
                try:
                    new_doc = reparse(doc, new_text)
                except ParseError as e:
                    for f in batch:
                        skip.add((f.code, f.path, f.span.start))
                        failed.append(Finding(registry.FIX_FAILED, path, f.span,
                                              f"fix for {f.code} [{f.rule.name}] was not applied: the result "
                                              f"would not parse ({e.message})"))
                    continue
                if new_text != doc.text:
                    applied.setdefault(path, []).extend(batch)
                    # per-file rules may have more to say after a cross-file fix (CRI-O's conmon_cgroup)
                    fix_file(new_doc)
                    progressed = True
            if not progressed:
                break

    per_path: Dict[str, List[Finding]] = {}
    for path, doc in node.docs.items():
        per_path[path] = engine.lint(doc, file_rules, file_ctx)
    for f in _node_findings(node, node_rules, file_ctx) + failed:
        per_path.setdefault(f.path, []).append(f)
    results: List[FileResult] = list(node.failures)
    changed: Dict[str, Document] = {}
    for path, findings in per_path.items():
        findings.sort(key=Finding.sort_key)
        doc = node.docs.get(path)
        fixed_text = None
        if doc is not None and path in original and doc.text != original[path]:
            fixed_text = doc.text
            changed[path] = doc
        results.append(FileResult(path, doc, findings, fixed_text, applied.get(path, []), original.get(path)))
    results.sort(key=lambda r: r.path)
    return NodeRun(node, results, {p: original[p] for p in changed}, changed)
