"""CTD013: a Kata runtime table whose runtime_type does not start the Kata shim."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, Optional

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import table_name, try_edits

_KATA_NAME = re.compile(r"^kata(-[a-z0-9]+)*$")


def _mentions_kata(runtime: dict) -> bool:
    opts = runtime.get("options")
    texts = [runtime.get("runtime_path")]
    if isinstance(opts, dict):
        texts.append(opts.get("ConfigPath"))
    return any(isinstance(t, str) and "kata" in t.lower() for t in texts)


def looks_kata(name: str, runtime: dict) -> bool:
    """A runtime meant to be Kata (by name or by the Kata paths it points at); CTD013 owns its type."""
    return name.lower().startswith("kata") or _mentions_kata(runtime)


def kata_type_for(name: str) -> Optional[str]:
    """The runtime_type kata-deploy writes for a handler name (kata → kata.v2, kata-qemu → kata-qemu.v2)."""
    if _KATA_NAME.match(name):
        return f"io.containerd.{name}.v2"
    return None


class KataRuntimeType(Rule):
    code = "CTD013"
    name = "kata-runtime-type"
    summary = "a Kata runtime table does not use a Kata shim runtime_type, so its pods are not sandboxed"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "unsafe"
    rationale = (
        "containerd turns runtime_type into the shim binary it starts: `io.containerd.kata.v2` → "
        "`containerd-shim-kata-v2`, `io.containerd.kata-qemu.v2` → `containerd-shim-kata-qemu-v2` "
        "(FACTS §1.8, §4; ctd-2.3.4 docs/runtime-v2.md, kata-deploy containerd.sh). A table named "
        "kata* (or whose ConfigPath / runtime_path points at Kata) with another type, such as "
        "io.containerd.runc.v2, runs the RuntimeClass's pods in plain runc containers: no VM "
        "isolation, and no error anywhere. Tables that set runtime_path are left alone (the binary "
        "is chosen there). The fix writes the type kata-deploy uses for that handler name; it is "
        "unsafe because the matching shim must be installed. Claims from documentation and source; "
        "no Kata shim is available here."
    )
    seen_in = ()
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
              runtime_type = "io.containerd.runc.v2"
            """, line=3, column=18, unsafe=True, fixed="""
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
            """),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.sandboxed]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.sandboxed.options]
                ConfigPath = "/opt/kata/share/defaults/kata-containers/configuration-qemu.toml"
            """, line=3, column=18),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata-fc]
              runtime_type = "io.containerd.kata-fc.v2"
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
              runtime_type = "io.containerd.kata.v2"
              runtime_path = "/opt/kata/bin/containerd-shim-kata-v2"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for rt in m.runtime_refs(doc):
            rtype = rt.table.get("runtime_type")
            if not isinstance(rtype, str) or not rtype or m.is_kata_type(rtype):
                continue  # a missing type is CTD007's
            if rt.table.get("runtime_path"):
                continue
            if not looks_kata(rt.name, rt.table):
                continue
            entry = doc.entry(rt.path + ("runtime_type",))
            if entry is None:
                continue
            want = kata_type_for(rt.name)
            edits = try_edits(lambda: doc.set_value(entry.path, want)) if want else None
            hint = f'"{want}"' if want else "io.containerd.kata.v2 (or the kata-<hypervisor> variant you installed)"
            yield self.finding(
                doc, entry.value_span,
                f"runtime {rt.name!r} looks like a Kata runtime but runtime_type {rtype!r} starts another "
                f"shim, so its pods are not VM-isolated; set runtime_type = {hint} in {table_name(rt.path)}",
                edits)


RULE = KataRuntimeType
