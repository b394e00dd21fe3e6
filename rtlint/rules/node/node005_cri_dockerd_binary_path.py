"""NODE005: cri-docker.service starts a binary that is not there, while cri-dockerd is elsewhere."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Iterator

from ...rule import ERROR, Context, Finding, Fix, NodeRule, node_example

UNIT = "/etc/systemd/system/cri-docker.service"


class CriDockerdBinaryPath(NodeRule):
    code = "NODE005"
    name = "cri-dockerd-binary-path"
    summary = "cri-docker.service's ExecStart names a cri-dockerd binary that does not exist"
    severity = ERROR
    fix_safety = "safe"
    rationale = (
        "cri-dockerd's upstream unit runs /usr/bin/cri-dockerd, but release tarballs and install guides "
        "put the binary in /usr/local/bin. systemd then fails with `Failed at step EXEC spawning "
        "/usr/bin/cri-dockerd: No such file or directory` and edged cannot reach "
        "unix:///var/run/cri-dockerd.sock. The fix rewrites the path in ExecStart to where the binary is."
    )
    errors = (
        'Process: 3184 ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// (code=exited, status=203/EXEC)',
        'Failed at step EXEC spawning /usr/bin/cri-dockerd: No such file or directory',
        'Process: 3184 ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.cn-hangzhou.aliyuncs.com/google_containers/pause:3.9 (code=exited, status=203/EXEC)',
    )
    bad = (
        node_example({
            UNIT: """
                [Unit]
                Description=CRI Interface for Docker Application Container Engine
                Requires=cri-docker.socket

                [Service]
                Type=notify
                ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
                """,
            "/usr/local/bin/cri-dockerd": "",
        }, path=UNIT, line=7, column=11, fixed={
            UNIT: """
                [Unit]
                Description=CRI Interface for Docker Application Container Engine
                Requires=cri-docker.socket

                [Service]
                Type=notify
                ExecStart=/usr/local/bin/cri-dockerd --container-runtime-endpoint fd://
                """}),
    )
    good = (
        node_example({
            UNIT: """
                [Service]
                ExecStart=/usr/local/bin/cri-dockerd --container-runtime-endpoint fd://
                """,
            "/usr/local/bin/cri-dockerd": "",
        }),
    )

    def check_node(self, node: Any, ctx: Context) -> Iterator[Finding]:
        from ...execline import CommandLineError, render_word, split_command

        real = node.files.binaries.get("cri-dockerd")
        if real is None:
            return  # no binary anywhere under the root: a config repo, nothing to compare
        for doc, entry in node.unit_effective("cri-docker.service", "Service", "ExecStart")[-1:]:
            try:
                tokens = split_command(entry.value)
            except CommandLineError:
                return
            words = [t for t in tokens if not getattr(t, "separator", False)]
            if not words:
                return
            first = words[0]
            path = getattr(first, "word", first.text)
            if not path.startswith("/") or os.path.exists(node.files.under(path)) or path == real:
                return
            prefix = first.text[:len(first.text) - len(path)] if first.text.endswith(path) else ""
            new_value = entry.value[:first.start] + render_word(prefix + real) + entry.value[first.end:]
            span = doc.span(entry.value_span.start + first.start, entry.value_span.start + first.end)
            edits = doc.set_value(entry.path, new_value, index=entry.index)
            yield self.at(doc, span, f"ExecStart runs {path}, which does not exist on this node; cri-dockerd is "
                                     f"installed at {real}: change the path (then systemctl daemon-reload)",
                          Fix(edits, True, f"run {real}"))


RULE = CriDockerdBinaryPath
