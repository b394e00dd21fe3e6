"""NODE008: a node tree without edgecore.yaml."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...document import Span
from ...rule import WARNING, Context, Finding, NodeRule, node_example
from ._common import EDGECORE_PATH


class EdgecoreMissing(NodeRule):
    code = "NODE008"
    name = "edgecore-config-missing"
    summary = "The node has runtime configuration but no /etc/kubeedge/config/edgecore.yaml"
    severity = WARNING
    rationale = (
        "edgecore.yaml holds the intended endpoint, cgroup driver and pause image; without it the "
        "cross-file checks cannot run, and an edge node without it is not joined (`keadm join` writes it). "
        "A rule that needs a file it cannot find reports that instead of passing silently."
    )
    bad = (
        node_example({"/etc/containerd/config.toml": "version = 2\n"},
                     path=EDGECORE_PATH, line=1, column=1),
    )
    good = (
        node_example({
            EDGECORE_PATH: """
                apiVersion: edgecore.config.kubeedge.io/v1alpha2
                kind: EdgeCore
                """,
            "/etc/containerd/config.toml": "version = 2\n",
        }),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        if node.files.edgecore is not None or not node.installed_runtimes():
            return
        path = node.files.under(EDGECORE_PATH)
        yield Finding(self, path, Span(0, 0, 1, 1, 1, 1),
                      "no edgecore.yaml: the runtime settings cannot be checked against what EdgeCore "
                      "uses (run keadm join, or pass the file's folder layout)")


RULE = EdgecoreMissing
