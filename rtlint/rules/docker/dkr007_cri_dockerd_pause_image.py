"""DKR007: cri-dockerd's --pod-infra-container-image is not an image reference."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import imageref, kinds
from ...document import Document, EditError
from ...execline import render_word
from ...rule import ERROR, Context, Finding, Rule, example
from ._units import CRI_DOCKERD, exec_lines, flag_values, token_span

FLAG = "pod-infra-container-image"


class CriDockerdPauseImage(Rule):
    code = "DKR007"
    name = "cri-dockerd-pause-image-reference"
    summary = "cri-dockerd's --pod-infra-container-image is not a valid image reference (e.g. an https:// URL)"
    severity = ERROR
    kinds = (kinds.SYSTEMD,)
    fix_safety = "safe"
    rationale = (
        "cri-dockerd, not the kubelet/edged, decides the pause image of every Docker pod: its own "
        "`--pod-infra-container-image` flag (rancher#35555: the kubelet flag never reaches it; incident "
        "I-20). Docker parses the value as an image reference, so a URL such as "
        "`--pod-infra-container-image=https://registry.k8s.io/pause:3.9` (cri-dockerd#291) or an "
        "upper-case repository makes every sandbox fail to pull. Grammar: github.com/distribution/reference. "
        "The fix drops the URL scheme when what remains is a valid reference (the value never worked); "
        "then `systemctl daemon-reload` and restart cri-docker."
    )
    errors = (
        'Error response from daemon: invalid reference format',
    )
    bad = (
        example("cri-docker.service.d/10-pause.conf", """
            [Service]
            ExecStart=
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=https://registry.k8s.io/pause:3.9
            """, line=3, column=67, fixed="""
            [Service]
            ExecStart=
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.k8s.io/pause:3.9
            """),
        example("cri-docker.service", """
            [Service]
            ExecStart=/usr/bin/cri-dockerd --pod-infra-container-image Registry.Local/Pause:3.9
            """, line=2, column=60),
    )
    good = (
        example("cri-docker.service", """
            [Service]
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.k8s.io/pause:3.10
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for line in exec_lines(doc, (CRI_DOCKERD,)):
            values = flag_values(line.args, FLAG)
            if not values:
                continue
            value, token = values[-1]  # pflag: the last one wins
            if token.env_split is not None or token.env_refs or imageref.is_template(value):
                continue
            why = imageref.problem(value)
            if why is None:
                continue
            stripped = imageref.strip_scheme(value)
            edits = []
            if stripped != value and imageref.problem(stripped) is None:
                new_text = token.text[:len(token.text) - len(value)] + stripped
                entry = line.entry
                new_value = entry.value[:token.start] + render_word(new_text) + entry.value[token.end:]
                try:
                    edits = doc.set_value(entry.path, new_value, index=entry.index)  # type: ignore[call-arg]
                except EditError:
                    edits = []
            yield self.finding(doc, token_span(doc, line.entry, token.start, token.end),
                               f"--{FLAG} {value!r} is not an image reference ({why}): cri-dockerd cannot pull "
                               f"the pause image and every pod sandbox fails; write registry/repository:tag"
                               + (f" ({stripped!r})" if edits else ""), edits)


RULE = CriDockerdPauseImage
