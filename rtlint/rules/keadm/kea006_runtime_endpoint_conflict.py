"""KEA006: keadm join's runtime type and endpoint contradict each other (dockershim would take a CRI socket)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ...document import Document
from ...keadm import socket_runtime
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import CONTAINERD_SOCKET, DOCKERSHIM_SOCKET, KINDS, UNKNOWN_NOTE, add_flag, analysis, join_span, \
    span, target, value_of

_CRI = ("containerd", "CRI-O", "cri-dockerd", "iSulad")


class RuntimeEndpointConflict(Rule):
    code = "KEA006"
    name = "keadm-runtime-endpoint-conflict"
    summary = "keadm join runs dockershim (runtime type docker) on the socket of a CRI runtime"
    severity = ERROR
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "Up to KubeEdge 1.13 the runtime type `docker` makes edged start dockershim, and dockershim *listens* on "
        "the remote runtime endpoint (runDockershim/NewDockerServer in the kubelet vendored by 1.12/1.13; "
        "util.CreateListener first deletes whatever socket is there). keadm writes --remote-runtime-endpoint to that "
        "key, and from 1.13 its default is containerd's socket (join.go newOption), so `--runtimetype=docker` with "
        "containerd's, CRI-O's or cri-dockerd's socket - given or by default - makes dockershim replace that "
        "runtime's socket. CHANGELOG-1.13: docker needs its own remoteRuntimeEndpoint. The reverse trap: before "
        "1.13 keadm's default runtime type is `docker`, so a CRI endpoint without --runtimetype=remote gets the same "
        "treatment (website runtime.md: 'If you use KubeEdge v1.12 or earlier versions, you also need to set "
        "--runtimetype=remote'). From 1.14 the docker type is refused altogether (KEA001). Fixes add the missing "
        "flag (dockershim's own socket, or --runtimetype=remote); unsafe, they choose which runtime the node uses. "
        "Seen in the corpus: Kingsman44 passes --runtimetype=docker with containerd's socket for 1.13; "
        "1692565761/kubeedge-script passes --runtimetype=docker for 1.13 and keeps keadm's containerd default."
    )
    seen_in = (
        "keadm/Kingsman44__kubeedge_installation__setup_edgecore.sh",
        "keadm/1692565761__kubeedge-script__edge.sh",
    )
    bad = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.13.0 --runtimetype=docker \\
              --remote-runtime-endpoint=unix:///var/run/containerd/containerd.sock
            """, line=3, column=29),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=1.13.0 --runtimetype=docker
            """, line=2, column=1, unsafe=True, fixed="""
            #!/bin/sh
            keadm join --remote-runtime-endpoint=unix:///var/run/dockershim.sock --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=1.13.0 --runtimetype=docker
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.12.1 --remote-runtime-endpoint=unix:///var/run/crio/crio.sock
            """, line=2, column=99, unsafe=True, fixed="""
            #!/bin/sh
            keadm join --runtimetype=remote --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.12.1 --remote-runtime-endpoint=unix:///var/run/crio/crio.sock
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 -r docker -p unix:///run/containerd/containerd.sock
            """, line=2, column=59),
    )
    good = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.13.0 --runtimetype=docker \\
              --remote-runtime-endpoint=unix:///var/run/dockershim.sock
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.12.1 --runtimetype=remote \\
              --remote-runtime-endpoint=unix:///run/containerd/containerd.sock
            """),
        example("join.sh", """
            #!/bin/sh
            # version unknown: on 1.12 docker with the default endpoint is fine
            keadm join --cloudcore-ipport=10.0.0.1:10000 --runtimetype=docker
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        for cmd in a.joins:
            tv = target(doc, a, cmd, ctx)
            if tv.at_least("1.14"):
                continue  # the docker type itself is refused there (KEA001)
            rt_flag = cmd.get("runtimetype")
            ep_flag = cmd.get("remote-runtime-endpoint")
            rt = value_of(a, rt_flag)
            ep = value_of(a, ep_flag)
            if (rt_flag is not None and rt is None) or (ep_flag is not None and ep is None):
                continue  # decided at run time
            docker = rt == "docker" or (rt_flag is None and tv.below("1.13"))
            if not docker:
                continue
            note = "" if tv.known else f". {UNKNOWN_NOTE}"
            if ep_flag is not None:
                owner = socket_runtime(ep or "")
                if owner not in _CRI:
                    continue
                how = "--runtimetype=docker" if rt_flag is not None else \
                    f"keadm's default runtime type, docker ({tv.describe()})"
                fix = (f"use it through CRI with --runtimetype=remote, or keep Docker with dockershim by setting "
                       f"--remote-runtime-endpoint={DOCKERSHIM_SOCKET}" if rt_flag is not None
                       else "add --runtimetype=remote")
                edits = [] if rt_flag is not None else add_flag(doc, cmd, "--runtimetype=remote")
                yield self.finding(doc, span(doc, ep_flag.value_span), (
                    f"with {how} edged runs dockershim, which listens on --remote-runtime-endpoint: {ep} is "
                    f"{owner}'s socket, so dockershim would delete it and take its place. To run containers with "
                    f"{owner}, {fix}{note}"), edits)
            elif tv.known and not tv.below("1.13") and rt_flag is not None:
                yield self.finding(doc, span(doc, join_span(cmd)), (
                    f"with --runtimetype=docker ({tv.describe()}) keadm still writes its default endpoint "
                    f"{CONTAINERD_SOCKET}, and dockershim listens there, replacing containerd's socket (CHANGELOG-1.13: "
                    f"docker needs its own endpoint). Add --remote-runtime-endpoint={DOCKERSHIM_SOCKET}, or use "
                    f"containerd with --runtimetype=remote"),
                    add_flag(doc, cmd, f"--remote-runtime-endpoint={DOCKERSHIM_SOCKET}"))


RULE = RuntimeEndpointConflict
