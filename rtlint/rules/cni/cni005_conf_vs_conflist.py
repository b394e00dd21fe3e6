"""CNI005: the file's content has the other shape than its extension tells the runtime."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from . import _shape as sh


class ConfVsConflist(Rule):
    code = "CNI005"
    name = "cni-conf-vs-conflist"
    summary = "a .conf holds a plugin list, or a .conflist holds a single plugin"
    severity = ERROR
    kinds = (kinds.CNI,)
    fix_safety = "none"
    rationale = (
        "containerd (go-cni `loadFromConfDir`) and CRI-O (ocicni `loadNetworks`) pick the parser by "
        "extension: `*.conflist` is read as a network list, `*.conf` and `*.json` as one plugin. A "
        "list saved as `.conf` has no top-level `type`, so libcni refuses it (\"error parsing "
        "configuration: missing 'type'\"): containerd then sets up no pod network at all (seen with "
        "containerd 1.6.20 on this project's machine) and CRI-O skips the file. A `.conf` with both `type` "
        "and `plugins` runs only the top-level plugin; the list is ignored. A single plugin saved as "
        "`.conflist` has no `plugins`: libcni up to 1.2 refuses it (\"no 'plugins' key\"), 1.3 looks "
        "for `<conf dir>/<name>/*.conf` and fails with \"no plugin configs found\" without them. The "
        "fix is renaming the file, which rtlint does not do."
    )
    bad = (
        example("10-bridge.conf", """
            {
              "cniVersion": "1.0.0",
              "name": "bridge",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]
            }
            """, line=4, column=3),
        example("10-bridge.conflist", """
            {
              "cniVersion": "0.4.0",
              "name": "bridge",
              "type": "bridge",
              "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}
            }
            """, line=4, column=3),
        example("10-bridge.conf", """
            {
              "cniVersion": "1.0.0",
              "name": "bridge",
              "type": "bridge",
              "plugins": [{"type": "portmap", "capabilities": {"portMappings": true}}]
            }
            """, line=5, column=3),
    )
    good = (
        example("10-bridge.conflist", """
            {"cniVersion": "1.0.0", "name": "bridge", "plugins": [{"type": "bridge"}]}
            """),
        example("10-bridge.conf", """
            {"cniVersion": "1.0.0", "name": "bridge", "type": "bridge"}
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        data = doc.data
        declared = sh.declared_shape(doc.path)
        if not isinstance(data, dict) or declared is None:
            return
        name = sh.installed_name(doc.path)
        has_list = "plugins" in data
        has_type = "type" in data
        if declared == sh.SINGLE and has_list:
            span = doc.entry(("plugins",)).key_span
            if not has_type:
                yield self.finding(
                    doc, span,
                    f"{name} holds a plugin list, but runtimes read .conf/.json files as one plugin: "
                    f"libcni refuses it (\"missing 'type'\"), so containerd sets up no pod network and CRI-O "
                    f"skips it; rename the "
                    f"file to .conflist")
            else:
                f = self.finding(
                    doc, span,
                    f"{name} is read as one plugin, so only the top-level \"type\" runs and this "
                    f"\"plugins\" list is ignored; make it a .conflist with every plugin in \"plugins\"")
                f.severity = WARNING
                yield f
        elif declared == sh.LIST and has_type and not has_list:
            yield self.finding(
                doc, doc.entry(("type",)).key_span,
                f"{name} is a single plugin config, but runtimes read .conflist files as a list and "
                f"refuse it (\"no 'plugins' key\" / \"no plugin configs found\"); rename the file to "
                f".conf, or wrap the plugin in \"plugins\": [...]")


RULE = ConfVsConflist
