"""CRIO003: containerd tables and keys in a CRI-O file, which CRI-O ignores."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, Iterator, Optional

from ... import kinds
from ...document import Document, Entry
from ...rule import WARNING, Context, Finding, Rule, example
from ...runtimes import crio
from .common import attempt, disjoint

# containerd setting -> what CRI-O reads instead
EQUIVALENT: Dict[str, str] = {
    "sandbox_image": "pause_image in [crio.image]",
    "systemdcgroup": "cgroup_manager = \"systemd\" or \"cgroupfs\" in [crio.runtime]",
    "default_runtime_name": "default_runtime in [crio.runtime]",
    "snapshotter": "storage_driver in [crio]",
}


def _equivalent(key: str) -> Optional[str]:
    if key.replace("_", "").lower() == "systemdcgroup":
        return EQUIVALENT["systemdcgroup"]
    return EQUIVALENT.get(key)


class ContainerdKeysInCrio(Rule):
    code = "CRIO003"
    name = "containerd-keys-in-crio"
    summary = "containerd settings in a CRI-O file do nothing"
    severity = WARNING
    kinds = (kinds.CRIO,)
    fix_safety = "unsafe"
    rationale = (
        "CRI-O decodes its files into its own config struct and drops every key and table it does not know "
        "without a message (FACTS §2.1: BurntSushi/toml undecoded keys are discarded), so a "
        "[plugins.\"io.containerd.grpc.v1.cri\"] table, sandbox_image or SystemdCgroup copied from a "
        "containerd guide has no effect: CRI-O keeps its default pause image and cgroup manager. The fix "
        "moves a sandbox_image value to [crio.image] pause_image when the file does not set pause_image "
        "yet; it is unsafe because the image then really changes. Other settings are reported with their "
        "CRI-O equivalent, and the containerd table itself is left for the operator to delete."
    )
    seen_in = ()
    bad = (
        example("crio.conf.d/01-sandbox.conf", """
            # copied from a containerd guide
            [plugins."io.containerd.grpc.v1.cri"]
            sandbox_image = "registry.k8s.io/pause:3.9"

            [crio.image]
            signature_policy = "/etc/crio/policy.json"
            """, line=2, column=1, fixed="""
            # copied from a containerd guide

            [crio.image]
            signature_policy = "/etc/crio/policy.json"
            pause_image = "registry.k8s.io/pause:3.9"
            """, unsafe=True),
        example("crio.conf", """
            [crio.image]
            sandbox_image = "kubeedge/pause:3.6"
            """, line=2, column=1, fixed="""
            [crio.image]
            pause_image = "kubeedge/pause:3.6"
            """, unsafe=True),
        example("crio.conf", """
            [crio.runtime]
            SystemdCgroup = true
            """, line=2, column=1),
    )
    good = (
        example("crio.conf", """
            [crio.image]
            pause_image = "registry.k8s.io/pause:3.10"

            [crio.runtime]
            cgroup_manager = "systemd"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        pause_set = doc.has(crio.IMAGE + ("pause_image",))
        plugins = self._plugins_entry(doc)
        if plugins is not None:
            inside = [e for e in doc.entries if e.path[:1] == ("plugins",) and isinstance(e.path[-1], str)]
            found = sorted({_equivalent(e.path[-1]) or "" for e in inside} - {""})
            hint = f"; CRI-O's settings for what it holds: {'; '.join(found)}" if found else ""
            image = next((e.value for e in inside if e.path[-1] == "sandbox_image" and isinstance(e.value, str)),
                         None)
            move = image is not None and not pause_set
            edits = attempt(lambda: doc.delete(("plugins",)))
            if edits is not None and move:
                more = attempt(lambda: doc.insert(crio.IMAGE, "pause_image", image))
                edits = disjoint(edits + more) if more is not None else None
                pause_set = True
            what = f'; the fix deletes it and sets pause_image = "{image}" in [crio.image]' if move else ""
            yield self.finding(
                doc, plugins.span,
                "[plugins...] is containerd configuration: CRI-O ignores it without a message, so none of its "
                f"settings apply; delete it and set the CRI-O equivalents{hint}{what}", edits)
        for e in doc.entries:
            key = e.path[-1] if e.path else None
            if (not isinstance(key, str) or e.path[0] == "plugins" or isinstance(e.value, dict)
                    or e.key_span is None):
                continue
            equivalent = _equivalent(key)
            if equivalent is None:
                continue
            text = f"{key} is a containerd setting; CRI-O ignores it"
            if key != "sandbox_image" or not isinstance(e.value, str):
                yield self.finding(doc, e.key_span, f"{text}; use {equivalent}")
            elif pause_set:
                yield self.finding(doc, e.key_span,
                                   f"{text}, and [crio.image] pause_image already sets the pause image; "
                                   "delete this line")
            else:
                pause_set = True  # one move per pass
                yield self.finding(
                    doc, e.key_span,
                    f"{text}, so CRI-O keeps its default pause image; move the value to pause_image in "
                    "[crio.image]",
                    attempt(lambda e=e: doc.move(e.path, crio.IMAGE, "pause_image")))

    @staticmethod
    def _plugins_entry(doc: Document) -> Optional[Entry]:
        """The first header or key that writes into the top-level `plugins` table."""
        mine = [e for e in doc.entries if e.path[:1] == ("plugins",)]
        written = [e for e in mine if e.key_span is not None]
        return (written or mine or [None])[0]


RULE = ContainerdKeysInCrio
