"""CTD021: a containerd setting has a value of the wrong type, or one outside its allowed set."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, example
from ...runtimes import containerd as m
from ...schema import SchemaError
from ._common import TYPE_KINDS, SchemaRule, containerd_version, errors_of, reported_elsewhere, wrong_type


class ContainerdWrongType(SchemaRule):
    code = "CTD021"
    name = "containerd-wrong-type"
    summary = "a containerd setting has the wrong TOML type or a value outside its allowed set"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "containerd decodes config.toml into typed Go structs, and a value of the wrong TOML type "
        "does not decode: containerd 1.6.20 exits at start on `stream_server_port = 10010` with "
        "`Can't convert 10010(int64) to string` (observed; docs/runtime-schemas.md). Duration "
        "settings take a string such as \"5m\" (and the integer 0), which the schemas encode as "
        "integer-or-string. A few settings take one of a fixed set of values (`content_sharing_policy`, "
        "`io_type`). The types come from the struct tags at every release tag (schemas/containerd). "
        "The fix converts a value when only one reading is possible: an integer where only text is "
        "read becomes the same digits quoted, \"true\"/\"false\" where a boolean is read becomes the "
        "boolean, a quoted whole number where an integer is read becomes the number, and a value that "
        "differs from an allowed one only in case becomes that value. Each is safe: the file does not "
        "load today, and the fix keeps exactly what it says. A wrong `version` value is CTD004's."
    )
    seen_in = ()
    bad = (
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              stream_server_port = 10010
            """, line=3, column=24, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              stream_server_port = "10010"
            """),
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              enable_selinux = "true"
              max_concurrent_downloads = "3"
            """, line=3, column=20, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              enable_selinux = true
              max_concurrent_downloads = 3
            """),
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.metadata.v1.bolt"]
              content_sharing_policy = "Isolated"
            """, line=3, column=28, fixed="""
            version = 2
            [plugins."io.containerd.metadata.v1.bolt"]
              content_sharing_policy = "isolated"
            """),
        # a string where a list is read: no single obvious conversion
        example("containerd/config.toml", """
            disabled_plugins = "cri"
            """, line=1, column=20),
    )
    good = (
        example("containerd/config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              stream_server_port = "10010"
              stream_idle_timeout = "4h0m0s"
            [plugins."io.containerd.gc.v1.scheduler"]
              schedule_delay = 0
            """),
        # a quoted version line is CTD004's
        example("containerd/config.toml", """
            version = "2"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        c = self.checked(doc)
        if c is None or not c.errors:
            return
        v = containerd_version(doc) or 1
        foreign_tables = [p for p, _ in m.foreign_plugins(doc)]
        for err in errors_of(c, TYPE_KINDS):
            if err.path == ("version",) or any(err.path[:len(p)] == p for p in foreign_tables):
                continue  # CTD004 / CTD003
            if reported_elsewhere(c, ctx, err):
                continue
            yield self._finding(doc, err, v)

    def _finding(self, doc: Document, err: SchemaError, v: int) -> Finding:
        extra = ""
        node = err.node
        if (node is not None and node.types == frozenset({"string"}) and isinstance(err.value, int)
                and not isinstance(err.value, bool)):
            extra = " (1.6.20: `Can't convert %d(int64) to string`)" % err.value
        return wrong_type(self, doc, err, "containerd", "containerd cannot decode the file and does not start",
                          extra)


RULE = ContainerdWrongType
