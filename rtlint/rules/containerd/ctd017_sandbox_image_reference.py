"""CTD017: the sandbox (pause) image has a bad tag, digest or upper-case repository name."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import imageref, kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import lookup, sandbox_path
from .ctd010_sandbox_image_mismatch import reference_problem


class SandboxImageReference(Rule):
    code = "CTD017"
    name = "sandbox-image-reference"
    summary = "the sandbox (pause) image is not a valid image reference (tag, digest or upper-case name)"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "none"
    rationale = (
        "containerd parses `sandbox_image` (v3: `pinned_images.sandbox`) with the distribution reference "
        "grammar only when it creates a pod sandbox, so a value it cannot parse loads fine and then fails "
        "every pod (`failed to get sandbox image`). The grammar (github.com/distribution/reference "
        "regexp.go) allows lower-case repository paths, a tag of letters, digits, `_`, `.` and `-` (at most "
        "128), and a digest `algorithm:hex` (64 hex digits for sha256). A URL scheme or spaces are CTD010's "
        "findings; this rule reports the rest (`registry.local/Pause:3.9`, `pause:3.9:arm64`, a short "
        "digest). Seen in incident I-20 (cri-dockerd#291: an `https://` pause image) and kept apart from "
        "CTD010 so each value gets one finding. No fix: the intended name cannot be guessed."
    )
    errors = (
        'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image',
        'failed to get sandbox image "<image>": invalid reference format',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.local:5000/Pause:3.9"
            """, line=3, column=19),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "registry.k8s.io/pause:3.10:arm64"
            """, line=3, column=13),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.local:5000/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "https://registry.k8s.io/pause:3.9"
            """),  # CTD010's finding
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        path = sandbox_path(doc)
        value = lookup(doc, path)
        entry = doc.entry(path)
        if entry is None or not isinstance(value, str) or imageref.is_template(value):
            return
        if reference_problem(value) is not None:
            return  # empty, a URL or spaces: CTD010
        why = imageref.problem(value)
        if why is None:
            return
        yield self.finding(doc, entry.value_span,
                           f"sandbox image {value!r} is not an image reference ({why}): containerd loads the "
                           f"config but fails every pod sandbox; write it as registry/repository:tag")


RULE = SandboxImageReference
