"""KEA007: the script sets up CRI-O or cri-dockerd, but keadm join keeps its containerd endpoint."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ...document import Document
from ...keadm import Analysis
from ...rule import WARNING, Context, Finding, Rule, example
from ._common import CONTAINERD_SOCKET, CRI_DOCKERD_SOCKET, CRIO_SOCKET, KINDS, add_flag, analysis, join_span, \
    line_of, runtime_type, span, target

_SOCKETS = {"crio": ("CRI-O", CRIO_SOCKET), "cri-dockerd": ("cri-dockerd", CRI_DOCKERD_SOCKET)}


class RuntimeEndpointMissing(Rule):
    code = "KEA007"
    name = "keadm-runtime-endpoint-missing"
    summary = "the script installs CRI-O or cri-dockerd but keadm join has no --remote-runtime-endpoint"
    severity = WARNING
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "Without --remote-runtime-endpoint keadm uses containerd's socket `unix:///run/containerd/containerd.sock` "
        "(its default since 1.13, join.go newOption; before 1.13 the runtime type defaults to docker/dockershim), "
        "both to pull images during the join and in the edgecore.yaml it writes (FACTS.md §8). On a node whose "
        "runtime is CRI-O or Docker through cri-dockerd, the join then fails (`validate CRI v1 image API for "
        "endpoint \"unix:///run/containerd/containerd.sock\"`, KE#5529) or edged uses the wrong runtime (I-27). "
        "The script is taken to set up such a runtime when its non-comment lines install/enable/configure CRI-O or "
        "mention cri-dockerd, and nothing in it configures containerd for CRI (then the default may be meant). "
        "For cri-dockerd on an unknown version nothing is reported, as before 1.13 the docker runtime type worked "
        "without it. The fix adds the runtime's standard socket (CRI-O `unix:///var/run/crio/crio.sock`, "
        "cri-dockerd `unix:///var/run/cri-dockerd.sock`, website runtime.md); unsafe, the socket may be moved."
    )
    seen_in = ()
    errors = ('validate CRI v1 image API for endpoint "unix:///run/containerd/containerd.sock": rpc error: '
              'code = Unimplemented desc = unknown service runtime.v1.ImageService',)
    bad = (
        example("join.sh", """
            #!/bin/bash
            apt-get install -y cri-o cri-o-runc
            systemctl enable --now crio
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.17.0 --cgroupdriver=systemd
            """, line=4, column=1, unsafe=True, fixed="""
            #!/bin/bash
            apt-get install -y cri-o cri-o-runc
            systemctl enable --now crio
            keadm join --remote-runtime-endpoint=unix:///var/run/crio/crio.sock --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.17.0 --cgroupdriver=systemd
            """),
        example("join.sh", """
            #!/bin/bash
            curl -LO https://github.com/Mirantis/cri-dockerd/releases/download/v0.3.12/cri-dockerd_0.3.12.3-0.ubuntu-jammy_amd64.deb
            dpkg -i cri-dockerd_0.3.12.3-0.ubuntu-jammy_amd64.deb
            systemctl enable --now cri-docker.socket
            sudo keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.16.1
            """, line=5, column=6),
    )
    good = (
        example("join.sh", """
            #!/bin/bash
            systemctl enable --now crio
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint=unix:///var/run/crio/crio.sock
            """),
        example("join.sh", """
            #!/bin/bash
            # we used to run cri-o here; now containerd
            containerd config default > /etc/containerd/config.toml
            systemctl restart containerd
            keadm join --cloudcore-ipport=10.0.0.1:10000
            """),
        example("join.sh", """
            #!/bin/bash
            systemctl enable --now cri-docker.socket
            # version unknown: on 1.12 the docker runtime type needs no endpoint
            keadm join --cloudcore-ipport=10.0.0.1:10000
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        for cmd in a.joins:
            if cmd.get("remote-runtime-endpoint") is not None or cmd.opaque:
                continue
            found = self._runtimes(a)
            if len(found) != 1:
                continue  # none, or both: which one keadm should use is not clear
            key, where = found[0]
            tv = target(doc, a, cmd, ctx)
            rt, explicit = runtime_type(a, cmd, tv)
            if rt == "docker" or (rt is None and explicit):
                continue
            if rt is None and key == "cri-dockerd":
                continue
            name, socket = _SOCKETS[key]
            default = (f"containerd's socket {CONTAINERD_SOCKET}" if rt == "remote" else
                       f"containerd's socket {CONTAINERD_SOCKET} (1.13+; dockershim before)")
            yield self.finding(doc, span(doc, join_span(cmd)), (
                f"the script sets up {name} (line {line_of(doc, where)}), but keadm join has no "
                f"--remote-runtime-endpoint, so keadm and edged use {default}; add "
                f"--remote-runtime-endpoint={socket}"),
                add_flag(doc, cmd, f"--remote-runtime-endpoint={socket}"))

    @staticmethod
    def _runtimes(a: Analysis) -> List[tuple]:
        """[(runtime, offset of its first hint)] for CRI-O/cri-dockerd, or [] when containerd is set up too."""
        inside = [(j.start, j.end) for j in a.joins]

        def hits(key: str) -> List[int]:
            return [o for o in a.runtime_hints.get(key, []) if not any(s <= o < e for s, e in inside)]

        if hits("containerd"):
            return []
        return [(key, hits(key)[0]) for key in ("crio", "cri-dockerd") if hits(key)]


RULE = RuntimeEndpointMissing
