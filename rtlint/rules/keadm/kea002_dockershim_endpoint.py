"""KEA002: --remote-runtime-endpoint names dockershim's socket where nothing serves it, or Docker's API socket."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...keadm import endpoint_path
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import CRI_DOCKERD_SOCKET, KINDS, RUNTIME_CHOICES, analysis, runtime_type, span, target, value_of


class DockershimEndpoint(Rule):
    code = "KEA002"
    name = "keadm-dockershim-endpoint"
    summary = "keadm join points --remote-runtime-endpoint at dockershim.sock (gone or not started) or at docker.sock"
    severity = ERROR
    kinds = KINDS
    fix_safety = "none"
    rationale = (
        "keadm join writes --remote-runtime-endpoint into edgecore.yaml (1.12-1.15 `edged.remoteRuntimeEndpoint`, "
        "1.16+ `tailoredKubeletConfig.containerRuntimeEndpoint`, FACTS.md §8) and edged talks CRI to it. "
        "`dockershim.sock` is served only by the dockershim that edged itself starts when the runtime type is "
        "`docker` (kubelet PreInitRuntimeService/runDockershim in the vendored kubelet of 1.12/1.13), and dockershim "
        "was removed in 1.14 (CHANGELOG-1.14), so on 1.14+ or with runtime type `remote` nothing listens there. "
        "`docker.sock` is Docker's own API, which does not speak CRI; and with the docker runtime type dockershim "
        "would create its listening socket at that path, deleting Docker's (util.CreateListener unlinks it). Docker "
        "needs cri-dockerd (`unix:///var/run/cri-dockerd.sock`, website runtime.md). No automatic fix: the right "
        "socket depends on the runtime installed. Incident I-44."
    )
    seen_in = ()
    errors = ("dial unix /var/run/dockershim.sock: connect: no such file or directory",)
    bad = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=1.14.2 \\
              --remote-runtime-endpoint=unix:///var/run/dockershim.sock
            """, line=3, column=29),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --runtimetype=remote --remote-runtime-endpoint=unix:///var/run/dockershim.sock
            """, line=2, column=93),
        example("site.yml", """
            - name: join
              ansible.builtin.shell: >-
                keadm join --cloudcore-ipport={{ cloud }}:10000
                --remote-runtime-endpoint "unix:///var/run/docker.sock"
            """, line=4, column=32),
    )
    good = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=1.12.7 \\
              --remote-runtime-endpoint=unix:///var/run/dockershim.sock
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint=unix:///var/run/cri-dockerd.sock
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        for cmd in a.joins:
            flag = cmd.get("remote-runtime-endpoint")
            value = value_of(a, flag)
            if flag is None or not value:
                continue
            base = endpoint_path(value).rstrip("/").rsplit("/", 1)[-1]
            tv = target(doc, a, cmd, ctx)
            if base == "docker.sock":
                yield self.finding(doc, span(doc, flag.value_span), (
                    f"{value} is Docker's own API socket, not a CRI endpoint: keadm and edged cannot use it (and with "
                    f"--runtimetype=docker, dockershim would put its own socket there and cut Docker off). To run "
                    f"containers with Docker, install cri-dockerd and pass --remote-runtime-endpoint={CRI_DOCKERD_SOCKET}"))
                continue
            if base != "dockershim.sock":
                continue
            if tv.at_least("1.14"):
                why = f"dockershim was removed in KubeEdge 1.14 ({tv.describe()}), so nothing serves {value}"
            else:
                rt, explicit = runtime_type(a, cmd, tv)
                if rt != "remote":
                    continue
                how = "--runtimetype=remote" if explicit else f"the default runtime type, remote ({tv.describe()})"
                why = (f"dockershim only runs when the runtime type is docker; with {how} nothing serves {value}")
            yield self.finding(doc, span(doc, flag.value_span),
                               f"{why}. Point --remote-runtime-endpoint at the installed runtime: {RUNTIME_CHOICES}")


RULE = DockershimEndpoint
