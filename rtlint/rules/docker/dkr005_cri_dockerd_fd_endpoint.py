"""DKR005: cri-dockerd listens on `fd://` but its unit does not make sure systemd hands it a socket."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ._units import CRI_DOCKERD, exec_lines, flag_values, is_dropin, token_span

# Settings that make systemd start (and so pass the fds of) a socket unit with the service.
_PULLS_SOCKET = (("Unit", "Requires"), ("Unit", "BindsTo"), ("Unit", "Wants"), ("Unit", "Requisite"),
                 ("Service", "Sockets"))


class CriDockerdFdEndpoint(Rule):
    code = "DKR005"
    name = "cri-dockerd-fd-endpoint"
    summary = "cri-dockerd uses --container-runtime-endpoint fd:// without a socket unit to hand it the socket"
    severity = WARNING
    kinds = (kinds.SYSTEMD,)
    fix_safety = "none"
    rationale = (
        "`--container-runtime-endpoint fd://` makes cri-dockerd serve on a socket that systemd "
        "passes to it (socket activation) instead of creating `/var/run/cri-dockerd.sock` itself. "
        "Without a passed socket it exits with \"no sockets found via socket activation: make sure "
        "the service was started by systemd\"; anything after `fd://` fails with \"not supported "
        "yet\" (cri-dockerd backend/daemon_unix.go `listenFD`). The upstream cri-docker.service "
        "therefore has `Requires=cri-docker.socket` (packaging/systemd, unchanged v0.2.4..v0.4.3). A "
        "main unit with fd:// and no Requires=/BindsTo=/Wants=/Sockets= naming a .socket unit only "
        "works while cri-docker.socket happens to be enabled and started first (cri-dockerd#133, "
        "minikube#14601: the socket unit was missing). Drop-ins are not checked for the dependency, "
        "since it normally sits in the main unit; comparing the socket's ListenStream with the "
        "endpoint EdgeCore uses needs the other files (node mode)."
    )
    errors = (
        'Failed to start cri-docker.socket.service: Unit cri-docker.socket.service not found.',
        'Failed to enable unit: Unit file cri-docker.socket does not exist.',
    )
    bad = (
        example("cri-docker.service", """
            [Unit]
            Description=CRI Interface for Docker Application Container Engine
            After=network-online.target docker.service

            [Service]
            Type=notify
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni
            """, line=7, column=61),
        example("cri-docker.service.d/10-endpoint.conf", """
            [Service]
            ExecStart=
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint=fd://cri-dockerd.sock
            """, line=3, column=32),
    )
    good = (
        example("cri-docker.service", """
            [Unit]
            Requires=cri-docker.socket

            [Service]
            Type=notify
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://
            """),
        example("cri-docker.service", """
            [Service]
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint unix:///var/run/cri-dockerd.sock
            """),
        example("cri-docker.service.d/10-cni.conf", """
            [Service]
            ExecStart=
            ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for line in exec_lines(doc, (CRI_DOCKERD,)):
            values = flag_values(line.args, "container-runtime-endpoint")
            if not values:
                continue
            value, token = values[-1]  # pflag: the last one wins
            if not value.startswith("fd://"):
                continue
            span = token_span(doc, line.entry, token.start, token.end)
            if value != "fd://":
                f = self.finding(
                    doc, span,
                    f"cri-dockerd cannot listen on {value!r}: with fd:// it only takes the first socket "
                    f"systemd passes and fails with \"not supported yet\" for anything after fd://; use "
                    f"--container-runtime-endpoint fd://")
                f.severity = ERROR
                yield f
                continue
            if is_dropin(doc) or _pulls_socket(doc):
                continue
            yield self.finding(
                doc, span,
                "cri-dockerd waits for a socket from systemd (fd://) but this unit does not pull in a "
                "socket unit, so started on its own it exits with \"no sockets found via socket "
                "activation\"; add Requires=cri-docker.socket to [Unit] (and install cri-docker.socket)")


def _pulls_socket(doc: Document) -> bool:
    for section, key in _PULLS_SOCKET:
        for entry in doc.assignments(section, key):  # type: ignore[attr-defined]
            if any(word.endswith(".socket") for word in entry.value.split()):
                return True
    return False


RULE = CriDockerdFdEndpoint
