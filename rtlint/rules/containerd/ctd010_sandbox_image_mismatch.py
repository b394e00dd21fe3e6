"""CTD010: the sandbox (pause) image is not the one the node should use, or not an image reference."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ... import kinds
from ...document import Document
from ...rule import WARNING, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import anchor, insert, lookup, misplaced_sandbox_images, sandbox_path, table_name, try_edits

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def reference_problem(value: str) -> Optional[str]:
    """Why `value` cannot be an image reference (None if it looks like one)."""
    if not value.strip():
        return "it is empty"
    if _SCHEME.match(value):
        return "an image reference has no URL scheme"
    if any(c.isspace() for c in value):
        return "an image reference has no spaces"
    return None


class SandboxImageMismatch(Rule):
    code = "CTD010"
    name = "sandbox-image-mismatch"
    summary = "the sandbox (pause) image differs from the node's, or is not a valid image reference"
    severity = WARNING
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "Every pod starts with the sandbox (pause) image. When it differs from the one the node is "
        "provisioned with (--sandbox-image, e.g. the image mirrored for an air-gapped edge node), "
        "containerd pulls another image, and the kubelet's image garbage collection may remove the "
        "one in use. When the file does not set it, containerd uses its built-in default, which "
        "changes with the release (1.6: registry.k8s.io/pause:3.6, 1.7: 3.8, 2.0-2.1: 3.10, 2.2: "
        "3.10.1, 2.3: 3.10.2; FACTS §1.3); that default is accepted when the containerd version is "
        "given and matches. The value is an image reference, not a URL: `https://registry/pause:3.9` "
        "cannot be parsed as one (distribution reference grammar; the CRI plugin parses it only "
        "when it creates a sandbox, so containerd 1.6.20 loads such a config without complaint). "
        "The fixes set the image given with --sandbox-image, or drop a URL scheme."
    )
    seen_in = ()
    errors = (
        '"RunPodSandbox from runtime service failed" err="rpc error: code = DeadlineExceeded desc = failed to get sandbox image "registry.k8s.io/pause:3.6": failed to pull image "registry.k8s.io/pause:3.6": failed to pull and unpack image "registry.k8s.io/pause:3.6": failed to resolve reference "registry.k8s.io/pause:3.6": failed to do request: context deadline exceeded"',
        'failed to get sandbox image "registry.k8s.io/pause:3.8": failed to pull image "registry.k8s.io/pause:3.8": failed to pull and unpack image "registry.k8s.io/pause:3.8": failed to resolve reference "registry.k8s.io/pause:3.8": failed to do request: Head "https://us-west2-docker.pkg.dev/v2/k8s-artifacts-prod/images/pause/manifests/3.8": context deadline exceeded',
        'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image',
        'failed to get sandbox image "k8s.gcr.io/pause:3.1": failed to pull image "k8s.gcr.io/pause:3.1": failed to resolve image "k8s.gcr.io/pause:3.1": failed to do request: Head https://k8s.gcr.io/v2/pause/manifests/3.1: dial tcp 108.177.97.82:443: i/o timeout',
        'detected that the sandbox image "registry.k8s.io/pause:3.6" of the container runtime is inconsistent with that used by kubeadm. It is recommended that using "registry.k8s.io/pause:3.9" as the CRI sandbox image.',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.6"
            """, line=3, column=19, sandbox_image="kubeedge/pause:3.6", fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "kubeedge/pause:3.6"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.images"]
              max_concurrent_downloads = 3
            """, line=2, column=1, sandbox_image="kubeedge/pause:3.6", fixed="""
            version = 3
            [plugins."io.containerd.cri.v1.images"]
              max_concurrent_downloads = 3

            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "kubeedge/pause:3.6"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "https://registry.example.com/pause:3.9"
            """, line=3, column=19, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.example.com/pause:3.9"
            """),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "kubeedge/pause:3.6"
            """, sandbox_image="kubeedge/pause:3.6"),
        example("config.toml", """
            version = 2
            """, sandbox_image="registry.k8s.io/pause:3.6", containerd_version="1.6.20"),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "{{ pause_image }}"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        path = sandbox_path(doc)
        value = lookup(doc, path)
        entry = doc.entry(path)
        if value is None:
            if ctx.sandbox_image is None or misplaced_sandbox_images(doc, ctx) or m.cri_elsewhere(doc):
                return  # nothing to compare with, or CTD009 moves the misplaced value here first
            ver = ctx.containerd_version
            default = m.default_sandbox_image(ver.major, ver.minor) if ver is not None else None
            if default == ctx.sandbox_image:
                return
            said = f"containerd's built-in default ({default})" if default else \
                "containerd's built-in default (registry.k8s.io/pause, the tag depends on the release)"
            yield self.finding(
                doc, anchor(doc, path[:-1]),
                f"the sandbox image is not set, so pods use {said}; set `{path[-1]} = "
                f"\"{ctx.sandbox_image}\"` in {table_name(path[:-1])}",
                try_edits(lambda: insert(doc, path[:-1], path[-1], ctx.sandbox_image)))
            return
        if entry is None or not isinstance(value, str) or "{{" in value:
            return  # not a string (schema's job) or a template placeholder
        if ctx.sandbox_image is not None and value != ctx.sandbox_image:
            yield self.finding(
                doc, entry.value_span,
                f"sandbox image {value!r} differs from the node's {ctx.sandbox_image!r}; set "
                f"`{path[-1]} = \"{ctx.sandbox_image}\"`",
                try_edits(lambda: doc.set_value(path, ctx.sandbox_image)))
            return
        why = reference_problem(value)
        if why is not None:
            stripped = _SCHEME.sub("", value, count=1)
            edits = None
            if stripped != value and reference_problem(stripped) is None:
                edits = try_edits(lambda: doc.set_value(path, stripped))
            yield self.finding(
                doc, entry.value_span,
                f"sandbox image {value!r} is not an image reference ({why}); containerd fails every "
                f"pod sandbox with it; write it as registry/repository:tag"
                + (f" ({stripped!r})" if edits else ""), edits)


RULE = SandboxImageMismatch
