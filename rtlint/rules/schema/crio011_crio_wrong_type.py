"""CRIO011: a CRI-O setting has a value of the wrong type, or one outside its allowed set."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, example
from ...schema import SchemaError
from ._common import TYPE_KINDS, SchemaRule, case_insensitive, reported_elsewhere, wrong_type


class CrioWrongType(SchemaRule):
    code = "CRIO011"
    name = "crio-wrong-type"
    summary = "a CRI-O setting has the wrong TOML type or a value outside its allowed set, so CRI-O does not start"
    severity = ERROR
    kinds = (kinds.CRIO,)
    fix_safety = "safe"
    rationale = (
        "CRI-O decodes each config file into typed structs with BurntSushi/toml; a value of the wrong "
        "type stops decoding with `incompatible types: TOML key ... has type ...; destination has type "
        "...` (decode.go `badtype`), and CRI-O fails with `unable to decode configuration` (FACTS §2.1). "
        "Types come from the config structs at every tag v1.9.0-v1.36.3 (schemas/crio.json); settings "
        "that take a duration or size accept both forms. A few settings take one of a fixed set of "
        "values (`cgroup_manager`, `image_volumes`, a handler's `runtime_type`, `tls_min_version`). "
        "Keys written in another case are checked too, since CRI-O reads them. The fix converts a "
        "value when only one reading is possible (an integer where text is read, \"true\"/\"false\" "
        "where a boolean is read, a quoted whole number where an integer is read, an allowed value "
        "in another case); each is safe because the file does not load as it is."
    )
    seen_in = ("crio/GreatPyreneseDad__TraderAI__crio.conf",)
    bad = (
        example("crio.conf", """
            [crio.runtime]
            pids_limit = "1024"
            """, line=2, column=14, fixed="""
            [crio.runtime]
            pids_limit = 1024
            """),
        example("crio.conf", """
            [crio.api]
            stream_port = 10010
            """, line=2, column=15, fixed="""
            [crio.api]
            stream_port = "10010"
            """),
        example("crio.conf", """
            [crio.runtime]
            cgroup_manager = "Systemd"
            """, line=2, column=18, fixed="""
            [crio.runtime]
            cgroup_manager = "systemd"
            """),
        # registries was a list of strings, never a table
        example("crio.conf", """
            [crio.image.registries]
            search = ["docker.io"]
            """, line=1, column=1),
    )
    good = (
        example("crio.conf", """
            [crio.runtime]
            pids_limit = 1024
            cgroup_manager = "systemd"

            [crio.api]
            stream_port = "0"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        c = self.checked(doc)
        if c is None or not c.errors:
            return
        errors, _ = case_insensitive(c)
        for err in errors:
            if err.kind not in TYPE_KINDS or reported_elsewhere(c, ctx, err):
                continue
            yield self._finding(doc, err)

    def _finding(self, doc: Document, err: SchemaError) -> Finding:
        return wrong_type(self, doc, err, "CRI-O", "CRI-O cannot decode the file and does not start")


RULE = CrioWrongType
