"""CTD014: default_runtime_name is empty or names no runtime table."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import anchor, insert, table_name, try_edits


class DefaultRuntimeMissing(Rule):
    code = "CTD014"
    name = "default-runtime-missing"
    summary = "default_runtime_name is empty or names no runtime table, so the CRI plugin does not load"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "The CRI plugin refuses to load when `default_runtime_name` is empty or has no matching "
        "`runtimes.<name>` table (``no corresponding runtime configured in `containerd.runtimes` ...``, "
        "E13 with 1.6.20; same check in ctd-2.3.4 ValidateRuntimeConfig). containerd keeps running "
        "and the kubelet finds no CRI. containerd's built-in `runc` entry does not always save the "
        "default: containerd 1.x replaces the whole runtimes map with the file's, so a file that "
        "defines only other runtimes (e.g. kata) loses `runc` (seen with 1.6.20: `config dump` has no "
        "runc entry and the CRI plugin fails); 2.x keeps it. A legacy `default_runtime` table with a "
        "runtime_type overrides the name on 1.x (CTD012). The fix, offered when the default is "
        "`runc`, adds `[...runtimes.runc] runtime_type = \"io.containerd.runc.v2\"`, which is the "
        "entry containerd would otherwise have had."
    )
    seen_in = ()
    errors = (
        'Start edged failed, err: failed to run Kubelet: failed to create kubelet: get remote runtime typed version failed: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.RuntimeService',
        '"Get ImageStatus from image service failed" err="rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService"',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              default_runtime_name = "kata"
            """, line=3, column=26),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              default_runtime_name = "runc"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
                runtime_type = "io.containerd.kata.v2"
            """, line=3, column=26, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              default_runtime_name = "runc"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
                runtime_type = "io.containerd.kata.v2"

              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                runtime_type = "io.containerd.runc.v2"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd]
              default_runtime_name = ""
            """, line=3, column=26),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd]
              default_runtime_name = "kata"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
                runtime_type = "io.containerd.kata.v2"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if m.cri_elsewhere(doc):
            return  # the CRI settings sit in a table this version ignores (CTD003)
        v = m.config_version(doc)
        on_1x = m.may_be_1x(doc, ctx.containerd_version)
        if on_1x and m.legacy_default_runtime(doc) is not None:
            return  # 1.x uses the legacy table as the default (CTD012 reports it)
        name, written = m.default_runtime_name(doc)
        defined = m.runtimes(doc)
        path = m.cri_root(v) + ("containerd", "default_runtime_name")
        entry = doc.entry(path)
        span = entry.value_span if entry is not None else anchor(doc, m.runtimes_root(v))
        if written and name == "":
            yield self.finding(doc, span, "default_runtime_name is empty, so the CRI plugin does not load; "
                                          "set it to a runtime defined under containerd.runtimes (usually "
                                          "\"runc\")")
            return
        if name in defined:
            return
        if name == "runc":
            if not defined or not on_1x:
                return  # containerd's built-in runc entry is still there
            yield self.finding(
                doc, span,
                f"the default runtime is 'runc' but the file defines only "
                f"{', '.join(repr(n) for n in defined)}: containerd 1.x then has no runc entry and the CRI "
                f"plugin does not load; add {table_name(m.runtime_table(v, 'runc'))} with runtime_type = "
                f"\"io.containerd.runc.v2\"",
                try_edits(lambda: insert(doc, m.runtime_table(v, "runc"), "runtime_type", m.RUNC_V2)))
            return
        yield self.finding(
            doc, span,
            f"default_runtime_name = {name!r} but there is no {table_name(m.runtime_table(v, name))}, so the "
            f"CRI plugin does not load; define that runtime or use one that exists"
            + (f" ({', '.join(repr(n) for n in defined)})" if defined else " (\"runc\")"))


RULE = DefaultRuntimeMissing
