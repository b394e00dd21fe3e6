"""DKR004: cri-dockerd's socket unit listens on `$t/...` where the `%t` specifier was meant."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document, EditError
from ...rule import ERROR, Context, Finding, Rule, example
from ._units import LISTEN_KEYS, is_cri_dockerd_socket

_DOLLAR_T = re.compile(r"^\$(t|\{t\})(?=/|$)")


class SocketListenDollarT(Rule):
    code = "DKR004"
    name = "cri-dockerd-socket-dollar-t"
    summary = "cri-dockerd's socket unit uses $t instead of the %t specifier, so the socket is never created"
    severity = ERROR
    kinds = (kinds.SYSTEMD,)
    fix_safety = "safe"
    rationale = (
        "Unit files have specifiers, not shell variables: `%t` is the runtime directory (`/run` for "
        "the system manager, systemd.unit(5) \"Specifiers\"), while `$t` is kept literally. cri-dockerd "
        "had `ListenStream=$t/cri-docker.sock` in its packaged socket unit in late 2021 (the file at "
        "commit f5e8b3d; fixed by 793099b on 2021-11-29). systemd 252 rejects it: `systemd-analyze "
        "verify` reports \"Failed to parse address value in '$t/cri-docker.sock', ignoring\" and then "
        "\"Unit has no Listen setting ... Refusing.\", and cri-docker.service, which requires the "
        "socket, cannot start either (checked on this project's machine). The fix writes `%t`."
    )
    seen_in = ("systemd/Mirantis__cri-dockerd__f5e8b3d_cri-docker.socket",)
    errors = (
        "stat: cannot stat '/var/run/cri-dockerd.sock': No such file or directory",
    )
    bad = (
        example("cri-docker.socket", """
            [Unit]
            Description=CRI Docker Socket for the API
            PartOf=cri-docker.service

            [Socket]
            ListenStream=$t/cri-docker.sock
            SocketMode=0660
            """, line=6, column=14, fixed="""
            [Unit]
            Description=CRI Docker Socket for the API
            PartOf=cri-docker.service

            [Socket]
            ListenStream=%t/cri-docker.sock
            SocketMode=0660
            """),
    )
    good = (
        example("cri-docker.socket", """
            [Socket]
            ListenStream=%t/cri-dockerd.sock
            """),
        example("cri-docker.socket", """
            [Socket]
            ListenStream=/run/cri-dockerd.sock
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if not is_cri_dockerd_socket(doc):
            return
        for key in LISTEN_KEYS:
            for entry in doc.assignments("Socket", key):  # type: ignore[attr-defined]
                m = _DOLLAR_T.match(entry.value)
                if not m:
                    continue
                new = "%t" + entry.value[m.end():]
                try:
                    edits = doc.set_value(entry.path, new, index=entry.index)  # type: ignore[call-arg]
                except EditError:
                    edits = []
                yield self.finding(
                    doc, entry.value_span,
                    f"{key}={entry.value} uses '$t', which systemd does not expand: the address does not "
                    f"parse and systemd refuses the socket unit (and cri-docker.service with it); write "
                    f"{key}={new}", edits)


RULE = SocketListenDollarT
