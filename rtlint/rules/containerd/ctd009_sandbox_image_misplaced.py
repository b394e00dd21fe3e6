"""CTD009: a sandbox (pause) image written where containerd does not read it."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from ... import kinds
from ...document import Document, Edit
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import lookup, misplaced_sandbox_images, relocate, remove_key, sandbox_path, table_name, try_edits


def place_name(doc: Document) -> str:
    p = sandbox_path(doc)
    return f"`{p[-1]}` in {table_name(p[:-1])}"


class SandboxImageMisplaced(Rule):
    code = "CTD009"
    name = "sandbox-image-misplaced"
    summary = "the sandbox (pause) image is set in a table where containerd does not read it"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "containerd reads the pod sandbox image from one place per config version: `sandbox_image` "
        "in the CRI plugin table (version 1/2) or `sandbox` in "
        "`[plugins.\"io.containerd.cri.v1.images\".pinned_images]` (version 3+; ctd-2.3.4 "
        "internal/cri/config ImageConfig.PinnedImages and the images plugin migration, from source). "
        "Anywhere else the key is dropped: with containerd 1.6.20 `config dump` shows the default "
        "pause image when `sandbox_image` sits in `image_decryption` or in a version 3 table, and "
        "2.x warns about an unknown key. Nodes that cannot reach registry.k8s.io then fail to start "
        "any pod. The fix moves the value to the right place when that place is empty, or deletes "
        "the stray copy when it holds the same image; when both differ there is no fix. Moving "
        "changes which pause image is pulled, so it is safe only when --sandbox-image names that "
        "image."
    )
    seen_in = (
        "containerd/Alberthua-Perl__kani__files_containerd_config.toml",
        "containerd/moriT958__install-kubeadm__roles_containerd_templates_config.toml.j2",
        "containerd/omriashke__kubernetes__containerd_config.toml",
        "containerd/dd0c__kubernetes__files_etc_containerd_config.toml",
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              enable_selinux = false
              [plugins."io.containerd.grpc.v1.cri".image_decryption]
                key_model = "node"
                sandbox_image = "registry.aliyuncs.com/k8sxio/pause:3.5"
            """, line=6, column=5, sandbox_image="registry.aliyuncs.com/k8sxio/pause:3.5", fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              enable_selinux = false
              sandbox_image = "registry.aliyuncs.com/k8sxio/pause:3.5"
              [plugins."io.containerd.grpc.v1.cri".image_decryption]
                key_model = "node"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime"]
              sandbox_image = "registry.k8s.io/pause:3.10"
            """, line=3, column=3, unsafe=True, fixed="""
            version = 3

            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "registry.k8s.io/pause:3.10"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.10"
            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "registry.k8s.io/pause:3.10"
            """, line=3, column=3, fixed="""
            version = 3
            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "registry.k8s.io/pause:3.10"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.6"
              [plugins."io.containerd.grpc.v1.cri".image_decryption]
                sandbox_image = "registry.aliyuncs.com/k8sxio/pause:3.5"
            """, line=5, column=5),
    )
    good = (
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.images".pinned_images]
              sandbox = "registry.k8s.io/pause:3.10"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "registry.k8s.io/pause:3.9"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        want = sandbox_path(doc)
        current = lookup(doc, want)
        for path in misplaced_sandbox_images(doc, ctx):
            entry = doc.entry(path)
            if entry is None:
                continue
            edits, safe = self._fix(doc, path, entry.value, current, ctx)
            if current is None:
                tail = f"move it to {place_name(doc)}"
            elif current == entry.value:
                tail = f"the same image is already set as {place_name(doc)}; delete this copy"
            else:
                tail = (f"containerd uses {current!r} from {place_name(doc)}; set the image you want "
                        f"there and delete this line")
            yield self.finding(
                doc, entry.key_span or entry.value_span,
                f"`{path[-1]}` in {table_name(path[:-1])} is ignored by containerd in a version "
                f"{m.config_version(doc)} file, so pods do not use {entry.value!r}; {tail}", edits, safe=safe)

    def _fix(self, doc: Document, path: tuple, value: object, current: object,
             ctx: Context) -> Tuple[Optional[List[Edit]], bool]:
        if current is not None:
            if current == value:
                return try_edits(lambda: remove_key(doc, path)), True
            return None, False
        want = sandbox_path(doc)
        safe = ctx.sandbox_image is not None and ctx.sandbox_image == value
        return try_edits(lambda: relocate(doc, path, want[:-1], want[-1])), safe


RULE = SandboxImageMisplaced
