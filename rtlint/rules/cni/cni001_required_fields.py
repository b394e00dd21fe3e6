"""CNI001: a CNI config lacks a field libcni needs (name, plugins, type), or has it with the wrong type."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ... import kinds
from ...document import Document, KeyPath
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from . import _shape as sh


class CniRequiredFields(Rule):
    code = "CNI001"
    name = "cni-required-fields"
    summary = "a CNI network config lacks name, plugins or type, so the runtime cannot load it"
    severity = ERROR
    kinds = (kinds.CNI,)
    fix_safety = "none"
    rationale = (
        "libcni (containernetworking/cni v1.1.2 and v1.3.0, libcni/conf.go) refuses a `.conflist` "
        "without `name` (\"error parsing configuration list: no name\"), with a `plugins` value that "
        "is not an array or is empty (\"no plugins in list\"), or with a plugin lacking `type` "
        "(\"failed to parse plugin config N: missing 'type'\"); `name` and `cniVersion` must be "
        "strings. A `.conf`/`.json` must have `type` (\"missing 'type'\"). containerd stops at the "
        "first file it cannot load, so no pod gets a network (\"cni plugin not initialized\", KubeEdge "
        "#5256); CRI-O skips the file. A missing `cniVersion` is read as 0.1.0 (cni pkg/types/create "
        "`DecodeVersion`), and a `.conf` without `name` gets an empty network name in "
        "containerd (CRI-O uses the file name); both are warnings. A file with the other shape's "
        "content (a list in a `.conf`) is CNI005's."
    )
    bad = (
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "plugins": [
                {"type": "bridge", "bridge": "cni0"}
              ]
            }
            """, line=1, column=1),
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": [
                {"bridge": "cni0", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}},
                {"type": "portmap", "capabilities": {"portMappings": true}}
              ]
            }
            """, line=5, column=5),
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": []
            }
            """, line=4, column=3),
        example("99-loopback.conf", """
            {
              "cniVersion": "1.0.0",
              "name": "lo",
              "typ": "loopback"
            }
            """, line=1, column=1),
        example("99-loopback.conf", """
            {
              "cniVersion": "1.0.0",
              "type": "loopback"
            }
            """, line=1, column=1),
        example("10-flannel.conflist", """
            {
              "cniVersion": 0.3,
              "name": "cbr0",
              "plugins": [{"type": "flannel"}]
            }
            """, line=2, column=17),
    )
    good = (
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": [{"type": "bridge", "ipam": {"type": "host-local", "subnet": "10.88.0.0/16"}}]
            }
            """),
        example("99-loopback.conf", """
            {
              "cniVersion": "1.0.0",
              "name": "lo",
              "type": "loopback"
            }
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        data = doc.data
        root = doc.entry(()).value_span
        if not isinstance(data, dict):
            yield self.finding(
                doc, root,
                f"a CNI config must be a JSON object, not {sh.type_name(data)}; libcni cannot load this "
                f"file (containerd then fails to set up any pod network)")
            return
        yield from self._strings(doc, data)
        if sh.shape(doc) == sh.LIST:
            yield from self._list(doc, data)
        else:
            yield from self._single(doc, data)

    def _strings(self, doc: Document, data: dict) -> Iterator[Finding]:
        for key in ("name", "cniVersion"):
            if key in data and not isinstance(data[key], str):
                yield self.finding(
                    doc, doc.entry((key,)).value_span,
                    f"\"{key}\" is {sh.type_name(data[key])} but must be a string; libcni refuses the "
                    f"file (\"invalid {key} type\"); write it in double quotes")

    def _list(self, doc: Document, data: dict) -> Iterator[Finding]:
        root = doc.entry(()).value_span
        if "name" not in data:
            yield self.finding(
                doc, root,
                "the network list has no \"name\"; libcni refuses it (\"error parsing configuration "
                "list: no name\"); add \"name\": \"<network name>\"")
        if "cniVersion" not in data:
            yield self._warn(doc, root, "the network list has no \"cniVersion\", so its plugins are run "
                             "as spec 0.1.0, the oldest version; add the version your plugins support, "
                             "e.g. \"cniVersion\": \"1.0.0\"")
        if "plugins" not in data:
            if "type" not in data:  # with a `type` it is a single config under the wrong name: CNI005
                yield self.finding(
                    doc, root,
                    "the network list has no \"plugins\" array; libcni refuses it (\"no 'plugins' key\"; "
                    "from libcni 1.3 it only works if <conf dir>/<name>/*.conf files exist); add "
                    "\"plugins\": [{\"type\": ...}]")
            return
        items = data["plugins"]
        span = doc.entry(("plugins",)).key_span or root
        if not isinstance(items, list):
            yield self.finding(doc, span, f"\"plugins\" is {sh.type_name(items)} but must be an array of "
                               f"plugin objects; libcni refuses the file (\"invalid 'plugins' type\")")
            return
        if not items:
            yield self.finding(doc, span, "\"plugins\" is empty; libcni refuses the file (\"no plugins in "
                               "list\"); add at least one plugin object with a \"type\"")
            return
        for i, item in enumerate(items):
            path: KeyPath = ("plugins", i)
            problem = _type_problem(item)
            if problem:
                yield self.finding(
                    doc, doc.entry(path).value_span,
                    f"plugin {i} {problem}; libcni refuses the whole list (\"failed to parse plugin config "
                    f"{i}\"), so containerd sets up no pod network")

    def _single(self, doc: Document, data: dict) -> Iterator[Finding]:
        root = doc.entry(()).value_span
        if "plugins" in data and "type" not in data:
            return  # a list under a single-config name: CNI005
        problem = _type_problem(data)
        if problem:
            yield self.finding(doc, root, f"this single-plugin config {problem}; libcni refuses it "
                               f"(\"error parsing configuration: missing 'type'\")")
        if "name" not in data:
            yield self._warn(doc, root, "this config has no \"name\": the CNI spec requires one, containerd "
                             "loads it with an empty network name and CRI-O names it after the file; add "
                             "\"name\"")
        if "cniVersion" not in data:
            yield self._warn(doc, root, "this config has no \"cniVersion\", so it is run with spec 0.1.0; "
                             "add the version your plugins support, e.g. \"cniVersion\": \"1.0.0\"")

    def _warn(self, doc: Document, span, message: str) -> Finding:
        f = self.finding(doc, span, message)
        f.severity = WARNING
        return f


def _type_problem(obj: object) -> Optional[str]:
    if not isinstance(obj, dict):
        return f"is {sh.type_name(obj)}, not a plugin object"
    if "type" not in obj:
        return "has no \"type\" (the plugin binary to run, e.g. \"bridge\")"
    if not isinstance(obj["type"], str) or not obj["type"]:
        return "has an empty or non-string \"type\""
    return None


RULE = CniRequiredFields
