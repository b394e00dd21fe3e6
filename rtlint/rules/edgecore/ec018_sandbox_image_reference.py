"""EC018: `podSandboxImage` is not an image reference."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import imageref
from ...document import Document
from ...kubeedge import effective_runtime, resolve
from ...rule import WARNING, Context, Finding, Rule, example
from ._common import KINDS, try_edit, value_span, where


class SandboxImageReference(Rule):
    code = "EC018"
    name = "edgecore-sandbox-image-reference"
    summary = "modules.edged.podSandboxImage is not a valid image reference (a URL, quotes, bad tag or digest)"
    severity = WARNING
    kinds = KINDS
    fix_safety = "safe"
    rationale = (
        "edgecore passes `podSandboxImage` to its embedded kubelet (FACTS.md §10), which keeps that image from "
        "garbage collection and, on keadm 1.12-1.15, had it pre-pulled; with a CRI runtime the pause image "
        "that really runs is the runtime's own setting (incidents I-15-I-19), which operators copy from this "
        "value. A URL (`https://registry.example.com/pause:3.9`, incident I-20), quotes inside the value or "
        "an upper-case repository is not an image reference (github.com/distribution/reference grammar), so "
        "the image is never matched or pulled. A warning: edged itself still starts. The fix drops a URL "
        "scheme when what remains is a valid reference."
    )
    errors = (
        'invalid reference format',
    )
    bad = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                podSandboxImage: https://registry.example.com/kubeedge/pause:3.6
            """, line=5, column=22, kubeedge_version="1.18", fixed="""
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                podSandboxImage: registry.example.com/kubeedge/pause:3.6
            """),
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                podSandboxImage: kubeedge/Pause-ARM64:3.1
            """, line=5, column=22, kubeedge_version="1.18"),
    )
    good = (
        example("edgecore.yaml", """
            apiVersion: edgecore.config.kubeedge.io/v1alpha2
            kind: EdgeCore
            modules:
              edged:
                podSandboxImage: kubeedge/pause:3.6
            """, kubeedge_version="1.18"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        res = resolve(doc, ctx)
        if not res.minors:
            return
        image = effective_runtime(doc, res.minors[-1])["sandbox_image"]
        if image.entry is None or not isinstance(image.entry.value, str) or imageref.is_template(image.value or ""):
            return
        value = image.entry.value
        why = imageref.problem(value)
        if why is None:
            return
        stripped = imageref.strip_scheme(value)
        edits = None
        if stripped != value and imageref.problem(stripped) is None:
            edits = try_edit(lambda: doc.set_value(image.entry.path, stripped))
        yield self.finding(doc, value_span(doc, image.entry.path),
                           f"{where(image.entry.path)} {value!r} is not an image reference ({why}); the runtime's "
                           f"sandbox image is usually copied from it; write registry/repository:tag"
                           + (f" ({stripped!r})" if edits else "") + res.note, edits)


RULE = SandboxImageReference
