"""DKR003: daemon.json is not a JSON object, or repeats a key."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ... import kinds
from ...document import Document, Edit, EditError
from ...rule import ERROR, WARNING, Context, Finding, Rule, example


class DaemonJsonStructure(Rule):
    code = "DKR003"
    name = "daemon-json-structure"
    summary = "daemon.json is not an object, or a key is repeated and only its last value counts"
    severity = ERROR
    kinds = (kinds.DOCKER,)
    fix_safety = "safe"
    rationale = (
        "dockerd first decodes daemon.json into a Go map (moby daemon/config/config.go "
        "`getConflictFreeConfiguration`), so a file whose top level is an array, string or number "
        "stops the daemon (`json: cannot unmarshal array into Go value of type map[string]interface "
        "{}`); `null` and an empty file are accepted as no settings. A repeated key is not an error "
        "for Go's encoding/json: the later value replaces the earlier one, which is easy to miss when "
        "a role appends a second `exec-opts` or `insecure-registries`. (For a repeated object, such as "
        "two `log-opts`, the settings struct even merges both while the validation sees only the "
        "last, so those are reported without a fix.) The fix deletes an earlier scalar or array "
        "occurrence, which dockerd ignores anyway."
    )
    bad = (
        example("daemon.json", """
            ["native.cgroupdriver=systemd"]
            """, line=1, column=1),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=cgroupfs"],
              "log-driver": "json-file",
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """, line=2, column=3, fixed="""
            {
              "log-driver": "json-file",
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "log-opts": {"max-size": "10m"},
              "log-opts": {"max-file": "3"}
            }
            """, line=2, column=3),
    )
    good = (
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=systemd"],
              "log-opts": {"max-size": "10m", "max-file": "3"}
            }
            """),
        example("daemon.json", """
            null
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if doc.data is not None and not isinstance(doc.data, dict):
            what = {list: "an array", str: "a string", bool: "a boolean"}.get(type(doc.data), "a number")
            yield self.finding(
                doc, doc.entry(()).value_span,
                f"daemon.json holds {what}, but dockerd needs a JSON object and refuses to start; write "
                f"the settings as {{\"key\": value, ...}}")
            return
        for dup in getattr(doc, "duplicate_keys", []):
            last = doc.entry(dup.path)
            where = f" (the one at line {last.span.line} wins)" if last is not None else ""
            key = dup.path[-1]
            edits: List[Edit] = []
            if isinstance(dup.value, dict):
                msg = (f"\"{key}\" is repeated{where}; dockerd's handling of a repeated object is "
                       f"inconsistent, so merge both into one \"{key}\"")
            else:
                msg = (f"\"{key}\" is repeated and dockerd ignores this value{where}; remove it or merge it "
                       f"into the last one")
                try:
                    edits = doc.delete_entry(dup)  # type: ignore[attr-defined]
                except EditError:
                    edits = []
            f = self.finding(doc, dup.key_span or dup.value_span, msg, edits)
            f.severity = WARNING
            yield f


RULE = DaemonJsonStructure
