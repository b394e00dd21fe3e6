"""CNI004: `cniVersion` 1.1.0 with a runtime whose libcni cannot read 1.1.0 results."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ... import kinds
from ...document import Document, Edit, EditError
from ...rule import ERROR, Context, Finding, Rule, example
from ...versions import Version

# First releases vendoring libcni >= 1.2 (the first with 1.1.0 results), read from their go.mod.
_CONTAINERD_OK = Version(2, 0, 0)
_CRIO_OK = Version(1, 31, 0)


class CniVersionTooNew(Rule):
    code = "CNI004"
    name = "cni-version-too-new"
    summary = "cniVersion 1.1.0 is newer than the container runtime's CNI library understands"
    severity = ERROR
    kinds = (kinds.CNI,)
    fix_safety = "unsafe"
    rationale = (
        "Spec 1.1.0 results can only be read by libcni 1.2 and later; libcni 1.1.x has no parser for "
        "them (`unsupported CNI result version \"1.1.0\"`, cni v1.1.2 pkg/types/internal/create.go). "
        "containerd 1.6 and 1.7 vendor libcni 1.1.x (2.0 vendors 1.2.3), and CRI-O up to 1.30 vendors "
        "1.1.2 (1.31 vendors 1.2.3), read from each release's go.mod; so with those runtimes every "
        "pod sandbox fails even though plugins >= 1.6 accept the config. The rule runs only when the "
        "runtime version is given (`--containerd-version`, `--crio-version`). The fix lowers the "
        "version to 1.0.0, which all plugins since v1.0 accept; it is unsafe because a plugin could "
        "depend on 1.1-only behaviour (such as the STATUS and GC verbs)."
    )
    errors = (
        'plugin type="meshnet" name="meshnet" failed (add): incompatible CNI versions; config is "1.0.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0"]',
    )
    bad = (
        example("10-containerd-net.conflist", """
            {
              "cniVersion": "1.1.0",
              "name": "containerd-net",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]
            }
            """, line=2, column=17, unsafe=True, containerd_version="1.7.22", fixed="""
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]
            }
            """),
        example("11-crio-ipv4-bridge.conflist", """
            {
              "cniVersion": "1.1.0",
              "name": "crio",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.85.0.0/16"}}]
            }
            """, line=2, column=17, crio_version="1.29.2"),
    )
    good = (
        example("10-containerd-net.conflist", """
            {
              "cniVersion": "1.1.0",
              "name": "containerd-net",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]
            }
            """, containerd_version="2.0.0"),
        example("10-containerd-net.conflist", """
            {
              "cniVersion": "1.1.0",
              "name": "containerd-net",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]
            }
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        entry = doc.entry(("cniVersion",))
        if entry is None or entry.value != "1.1.0" or not isinstance(doc.data, dict):
            return
        runtime = _old_runtime(ctx)
        if runtime is None:
            return
        edits: List[Edit] = []
        try:
            edits = doc.set_value(entry.path, "1.0.0")
        except EditError:
            edits = []
        yield self.finding(
            doc, entry.value_span,
            f"cniVersion 1.1.0 needs a runtime built with libcni 1.2 or later, but {runtime} cannot read "
            f"1.1.0 results, so pod sandboxes fail (\"unsupported CNI result version\"); use "
            f"\"cniVersion\": \"1.0.0\"", edits)


def _old_runtime(ctx: Context) -> Optional[str]:
    if ctx.containerd_version is not None and ctx.containerd_version.key() < _CONTAINERD_OK.key():
        return f"containerd {ctx.containerd_version}"
    if ctx.crio_version is not None and ctx.crio_version.key() < _CRIO_OK.key():
        return f"CRI-O {ctx.crio_version}"
    return None


RULE = CniVersionTooNew
