"""CRIO007: `pause_image` is not an image reference, so CRI-O refuses to start."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import imageref, kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from .common import attempt, value_of

PAUSE = ("crio", "image", "pause_image")


class PauseImageReference(Rule):
    code = "CRIO007"
    name = "crio-pause-image-reference"
    summary = "pause_image is not a valid image reference (a URL, quotes, bad tag or digest), so CRI-O does not start"
    severity = ERROR
    kinds = (kinds.CRIO,)
    fix_safety = "safe"
    rationale = (
        "CRI-O validates `[crio.image] pause_image` when it starts and exits with `invalid pause image "
        "\"X\"` when the value does not parse as an image reference (cri-o pkg/config ImageConfig.Validate, "
        "FACTS §2.3; short names such as `pause:3.9` are normalised, not rejected). Operators who mirror "
        "the pause image for an air-gapped edge node sometimes paste the registry URL "
        "(`https://registry.example.com/pause:3.9`, incident I-20 / cri-dockerd#291) or an upper-case "
        "repository. The grammar is the distribution reference one (github.com/distribution/reference). "
        "The fix drops a URL scheme when what remains is a valid reference; the value never worked, so "
        "nothing that ran before changes."
    )
    errors = (
        'invalid pause image "<image>"',
        'Error initializing source docker://k8s.gcr.io/pause:3.1: error pinging docker registry k8s.gcr.io',
    )
    bad = (
        example("crio.conf.d/20-pause.conf", """
            [crio.image]
            pause_image = "https://registry.example.com/pause:3.9"
            """, line=2, column=15, fixed="""
            [crio.image]
            pause_image = "registry.example.com/pause:3.9"
            """),
        example("crio.conf", """
            [crio.image]
            pause_image = "registry.example.com/Pause:3.9"
            """, line=2, column=15),
    )
    good = (
        example("crio.conf", """
            [crio.image]
            pause_image = "registry.k8s.io/pause:3.10"
            """),
        example("crio.conf", """
            [crio.image]
            pause_image = "pause:3.9"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        e = value_of(doc, PAUSE)
        if e is None or imageref.is_template(e.value):
            return
        why = imageref.problem(e.value)
        if why is None:
            return
        stripped = imageref.strip_scheme(e.value)
        edits = None
        if stripped != e.value and imageref.problem(stripped) is None:
            edits = attempt(lambda: doc.set_value(e.path, stripped))
        yield self.finding(doc, e.value_span,
                           f"pause_image {e.value!r} is not an image reference ({why}): CRI-O stops at start "
                           f"with `invalid pause image`; write it as registry/repository:tag"
                           + (f" ({stripped!r})" if edits else ""), edits)


RULE = PauseImageReference
