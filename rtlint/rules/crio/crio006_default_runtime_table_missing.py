"""CRIO006: default_runtime names a runtime handler that no table defines."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import WARNING, Context, Finding, Rule, example
from ...runtimes import crio
from ...versions import Range
from .common import value_of


class DefaultRuntimeMissing(Rule):
    code = "CRIO006"
    name = "default-runtime-table-missing"
    summary = "default_runtime names a runtime with no [crio.runtime.runtimes.<name>] table"
    severity = WARNING
    kinds = (kinds.CRIO,)
    crio = Range("1.12")
    fix_safety = "none"
    rationale = (
        "CRI-O refuses to start when default_runtime names a handler it does not have: \"default_runtime "
        "set to \\\"X\\\", but no runtime entry table [crio.runtime.runtimes.X] was found\" (cri-o pkg/config "
        "`ValidateDefaultRuntime`, v1.36.3; \"no runtime entry was found for it\" in older releases). "
        "Besides the tables in its files it only has one built-in handler: runc up to 1.30 and crun from "
        "1.31 (`DefaultRuntime` in pkg/config/config_linux.go), so default_runtime = \"runc\" on 1.31+ "
        "needs its own table (the CRI-O packages ship one in crio.conf.d/10-crio.conf). Only a main "
        "crio.conf is checked, and the finding is a warning: a drop-in loaded after it may still add the "
        "table. With an unknown --crio-version, runc and crun are both taken as possibly built in."
    )
    seen_in = ()
    bad = (
        example("crio.conf", """
            [crio.runtime]
            default_runtime = "kata"

            [crio.runtime.runtimes.runc]
            runtime_path = "/usr/bin/runc"
            """, line=2, column=19),
        example("crio.conf", """
            [crio.runtime]
            default_runtime = "runc"
            """, line=2, column=19, crio_version="1.32.0"),
    )
    good = (
        example("crio.conf", """
            [crio.runtime]
            default_runtime = "kata-runtime"

            [crio.runtime.runtimes.kata-runtime]
            runtime_path = "/snap/bin/kata-containers.runtime"
            runtime_type = "oci"
            """),
        example("crio.conf", """
            [crio.runtime]
            default_runtime = "crun"
            """, crio_version="1.34.0"),
        example("crio.conf.d/50-kata.conf", """
            [crio.runtime]
            default_runtime = "kata"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if not crio.is_main_config(doc.path):
            return
        e = value_of(doc, crio.RUNTIME + ("default_runtime",))
        if e is None or e.value == "":
            return
        name = e.value
        defined = crio.handlers(doc.data)
        if name in defined or name in crio.builtin_runtimes(ctx.crio_version):
            return
        note = ""
        if name in ("runc", "crun"):
            builtin = crio.builtin_runtimes(ctx.crio_version)[0]
            note = f" (CRI-O {ctx.crio_version} only has {builtin} built in)"
        choices = ", ".join(f'"{n}"' for n in defined) if defined else ""
        other = f", or name one of the runtimes this file defines ({choices})" if choices else ""
        yield self.finding(
            doc, e.value_span,
            f'default_runtime = "{name}" but this file has no [crio.runtime.runtimes.{name}] table{note}: '
            f'CRI-O refuses to start (default_runtime set to "{name}", but no runtime entry table '
            f"[crio.runtime.runtimes.{name}] was found) unless a crio.conf.d drop-in defines it; add the table "
            f"with runtime_path{other}")


RULE = DefaultRuntimeMissing
