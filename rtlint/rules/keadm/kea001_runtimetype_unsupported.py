"""KEA001: `keadm join --runtimetype` that the target keadm/KubeEdge release does not accept."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ...document import Document, Edit
from ...keadm import socket_runtime
from ...rule import ERROR, Context, Finding, Rule, example
from ._common import CRI_DOCKERD_SOCKET, KINDS, UNKNOWN_NOTE, analysis, remove_flag, replace_value, span, target, \
    value_of

_CRI = ("containerd", "CRI-O", "cri-dockerd", "iSulad")


class RuntimetypeUnsupported(Rule):
    code = "KEA001"
    name = "keadm-runtimetype-unsupported"
    summary = "keadm join --runtimetype is gone (1.16+), must be remote (1.14-1.15) or is not a runtime type at all"
    severity = ERROR
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "keadm join's `--runtimetype`/`-r` (keadm/cmd/keadm/app/cmd/edge/join.go) took `docker` or `remote`: default "
        "`docker` in 1.12, `remote` from 1.13. KubeEdge 1.14 removed dockershim (CHANGELOG-1.14) and keadm's help "
        "said the flag 'will be removed in 1.16'; keadm 1.15 refuses anything but `remote` for a target of 1.14+ "
        "(`since KubeEdge v1.14, runtime type only supports \\`remote\\``), and edged 1.14 stops with `unsupported "
        "CRI runtime: \"docker\"` (KE#5087). From 1.16 the flag is no longer registered (join_others.go at v1.16.0; "
        "PR#5299), so keadm's flag parser ends the join with `unknown flag: --runtimetype`. A value other than "
        "docker/remote was never valid: the kubelet inside edged rejects it (`unsupported CRI runtime`). "
        "Fixes: on 1.16+ `--runtimetype=remote` is removed (safe: the join then does what the flag asked for); "
        "a mis-cased `Remote` is lower-cased (safe); on 1.14/1.15 `--runtimetype=docker` next to the socket of a CRI "
        "runtime is removed (unsafe: the node then uses that runtime instead of dockershim). FACTS.md §8, §9; "
        "incident I-44."
    )
    seen_in = ()
    errors = (
        "Error: unknown flag: --runtimetype",
        "since KubeEdge v1.14, runtime type only supports `remote`",
        'failed to run Kubelet: unsupported CRI runtime: "docker", only "remote" is currently supported',
        "Edge node join failed: remote runtime will be supported soon",
    )
    bad = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.17.0 --runtimetype=remote
            """, line=2, column=73, fixed="""
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.17.0
            """),
        example("join.sh", """
            #!/bin/bash
            KUBEEDGE_VERSION=v1.16.1
            sudo keadm join \\
              --cloudcore-ipport=10.0.0.1:10000 \\
              --kubeedge-version=$KUBEEDGE_VERSION \\
              --runtimetype=remote \\
              --remote-runtime-endpoint=unix:///run/containerd/containerd.sock
            """, line=6, column=3, fixed="""
            #!/bin/bash
            KUBEEDGE_VERSION=v1.16.1
            sudo keadm join \\
              --cloudcore-ipport=10.0.0.1:10000 \\
              --kubeedge-version=$KUBEEDGE_VERSION \\
              --remote-runtime-endpoint=unix:///run/containerd/containerd.sock
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join -e 10.0.0.1:10000 --kubeedge-version=1.15.1 --runtimetype=docker -p unix:///var/run/cri-dockerd.sock
            """, line=2, column=70, unsafe=True, fixed="""
            #!/bin/sh
            keadm join -e 10.0.0.1:10000 --kubeedge-version=1.15.1 -p unix:///var/run/cri-dockerd.sock
            """),
        example("site.yml", """
            - name: join the edge node
              shell: keadm join --cloudcore-ipport={{ cloud }}:10000 -r Remote
            """, line=2, column=61, fixed="""
            - name: join the edge node
              shell: keadm join --cloudcore-ipport={{ cloud }}:10000 -r remote
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --runtimetype=containerd
            """, line=2, column=60),
    )
    good = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.15.1 --runtimetype=remote
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.13.0 --runtimetype=docker \\
              --remote-runtime-endpoint=unix:///var/run/dockershim.sock
            """),
        example("join.sh", """
            #!/bin/sh
            # the version is not known here: remote works on every release that has the flag
            keadm join --cloudcore-ipport=10.0.0.1:10000 --runtimetype=remote
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        for cmd in a.joins:
            tv = target(doc, a, cmd, ctx)
            for flag in cmd.all("runtimetype"):
                value = value_of(a, flag)
                edits: List[Edit] = []
                safe = True
                if tv.at_least("1.16"):
                    error = ("unknown flag: --runtimetype" if flag.spelled.startswith("--")
                             else f"unknown shorthand flag: 'r' in {flag.words[0].text}")
                    msg = (f"{flag.spelled} does not exist in keadm 1.16 and later ({tv.describe()}): keadm join stops "
                           f"with `{error}`; remove it, keadm always uses the CRI runtime at --remote-runtime-endpoint")
                    if value == "docker":
                        msg += (f". To keep Docker, install cri-dockerd and pass "
                                f"--remote-runtime-endpoint={CRI_DOCKERD_SOCKET}")
                    elif value == "remote":
                        edits = remove_flag(doc, cmd, flag)
                    yield self.finding(doc, span(doc, flag.name_span), msg, edits, safe=True)
                    continue
                if value is None:
                    continue
                norm = value.strip().lower()
                if value not in ("docker", "remote"):
                    allowed = "`remote`" if tv.at_least("1.14") else "`remote` or (before KubeEdge 1.14) `docker`"
                    msg = (f"{value!r} ({flag.spelled}) is not a runtime type: keadm only knows {allowed}, and edged "
                           f"rejects anything else (`unsupported CRI runtime`)")
                    if norm == "remote" or (norm == "docker" and tv.below("1.14")):
                        msg += f"; write {flag.spelled}={norm}"
                        edits = replace_value(doc, flag, norm)
                    else:
                        msg += "; use --runtimetype=remote with the --remote-runtime-endpoint of a CRI runtime"
                    if not tv.known:
                        msg += f". {UNKNOWN_NOTE}"
                    yield self.finding(doc, span(doc, flag.value_span), msg, edits, safe=True)
                    continue
                if value == "docker" and tv.at_least("1.14"):
                    ep = value_of(a, cmd.get("remote-runtime-endpoint"))
                    msg = (f"dockershim was removed in KubeEdge 1.14 ({tv.describe()}): keadm 1.15 refuses "
                           f"--runtimetype=docker and edged 1.14 fails with `unsupported CRI runtime: \"docker\"`. "
                           f"Remove {flag.spelled} (remote is the default)")
                    if ep is not None and socket_runtime(ep) in _CRI:
                        msg += f" so the node uses {socket_runtime(ep)} at {ep}"
                        edits = remove_flag(doc, cmd, flag)
                        safe = False
                    else:
                        msg += (f"; to keep Docker, install cri-dockerd and pass "
                                f"--remote-runtime-endpoint={CRI_DOCKERD_SOCKET}")
                    yield self.finding(doc, span(doc, flag.value_span), msg, edits, safe=safe)


RULE = RuntimetypeUnsupported
