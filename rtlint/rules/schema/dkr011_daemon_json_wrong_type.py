"""DKR011: a daemon.json value of the wrong JSON type, or outside its allowed set: dockerd does not start."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, example
from ._common import TYPE_KINDS, SchemaRule, case_insensitive, reported_elsewhere, wrong_type
from .dkr010_daemon_json_unknown_key import decoded_by_json


class DaemonJsonWrongType(SchemaRule):
    code = "DKR011"
    name = "daemon-json-wrong-type"
    summary = "a daemon.json value has the wrong JSON type or an invalid value, so dockerd does not start"
    severity = ERROR
    kinds = (kinds.DOCKER,)
    fix_safety = "safe"
    rationale = (
        "dockerd decodes daemon.json into its Config struct with Go's encoding/json; a value of the "
        "wrong type stops it with `unable to configure the Docker daemon with file ...: json: cannot "
        "unmarshal ...` (moby daemon/config/config.go getConflictFreeConfiguration), and a list "
        "option written as a single string is the usual case (`\"insecure-registries\": \"host:5000\"`; "
        "a string `exec-opts` is DKR001's). Types are those of the Config fields at every moby tag 17.06-29.7.2 "
        "(schemas/docker-daemon.json); `default-cgroupns-mode` takes `private` or `host`. Keys of "
        "\"runtimes\" entries written in another case are checked too, since encoding/json reads "
        "them. The fix converts a value when only one reading is possible: the same digits as a "
        "string, \"true\"/\"false\" as a boolean, a quoted whole number as a number, an allowed value "
        "in another case (all safe: the file does not load today); a single string where a list is "
        "read becomes a one-item list (unsafe: the list may have been meant to hold more)."
    )
    seen_in = ()
    bad = (
        example("daemon.json", """
            {
              "insecure-registries": "registry.local:5000"
            }
            """, line=2, column=26, unsafe=True, fixed="""
            {
              "insecure-registries": ["registry.local:5000"]
            }
            """),
        example("daemon.json", """
            {
              "live-restore": "true",
              "max-concurrent-downloads": "10"
            }
            """, line=2, column=19, fixed="""
            {
              "live-restore": true,
              "max-concurrent-downloads": 10
            }
            """),
        example("daemon.json", """
            {
              "log-opts": {"max-size": "10m", "max-file": 3}
            }
            """, line=2, column=47, fixed="""
            {
              "log-opts": {"max-size": "10m", "max-file": "3"}
            }
            """),
        example("daemon.json", """
            {
              "default-cgroupns-mode": "Private"
            }
            """, line=2, column=28, fixed="""
            {
              "default-cgroupns-mode": "private"
            }
            """),
    )
    good = (
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=systemd"],
              "live-restore": true,
              "log-opts": {"max-size": "10m", "max-file": "3"},
              "default-cgroupns-mode": "private"
            }
            """),
        # not an object at all: DKR003's
        example("daemon.json", """
            ["native.cgroupdriver=systemd"]
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        c = self.checked(doc)
        if c is None or not c.errors:
            return
        errors, _ = case_insensitive(c, decoded_by_json)
        for err in errors:
            if err.kind not in TYPE_KINDS or reported_elsewhere(c, ctx, err):
                continue
            yield wrong_type(self, doc, err, "dockerd", "dockerd cannot decode daemon.json and does not start")


RULE = DaemonJsonWrongType
