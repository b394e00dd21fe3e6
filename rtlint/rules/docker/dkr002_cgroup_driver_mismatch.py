"""DKR002: Docker's cgroup driver is not the node's cgroup driver."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ... import kinds
from ...document import Document, Edit, EditError
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...versions import Range
from . import _cgroup as cg
from .dkr001_cgroup_driver_invalid import unit_options


class CgroupDriverMismatch(Rule):
    code = "DKR002"
    name = "docker-cgroup-driver-mismatch"
    summary = "Docker's cgroup driver differs from the node's (EdgeCore's) cgroup driver"
    severity = ERROR
    kinds = (kinds.DOCKER, kinds.SYSTEMD)
    kubeedge = Range(until="1.22")
    fix_safety = "unsafe"
    rationale = (
        "cri-dockerd has no cgroup driver setting of its own: it asks dockerd (`docker info` "
        "CgroupDriver) and reports that to the kubelet inside EdgeCore (cri-dockerd v0.4.3 "
        "core/docker_service.go). When EdgeCore's `cgroupDriver` differs, edged stops with "
        "`misconfiguration: kubelet cgroup driver: \"cgroupfs\" is different from docker cgroup "
        "driver: \"systemd\"` (KubeEdge #1772, #1960, #4681). Docker's driver comes from "
        "`native.cgroupdriver` in daemon.json `exec-opts` or `--exec-opt` in docker.service; unset, "
        "it is cgroupfs on cgroup v1 hosts and systemd on cgroup v2 hosts running systemd (Docker "
        ">= 20.10, moby `UsingSystemd`), so a file that does not set it is only reported as a "
        "warning, asking to set it explicitly. Runs only when the node's driver is known "
        "(`--cgroup-driver`), and not for KubeEdge 1.22 and later: their edged is built on "
        "Kubernetes 1.31+, where the kubelet feature KubeletCgroupDriverFromCRI is on by default and "
        "takes the driver from the runtime's CRI RuntimeConfig, which cri-dockerd answers from v0.3.17 "
        "(commit 680cec44). The fix sets the daemon.json value (or adds it to `exec-opts`); it is "
        "unsafe because dockerd must be restarted and the alternative is changing EdgeCore instead."
    )
    seen_in = ()
    errors = (
        'init new edged error, misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"',
        'Start edged failed, err: failed to run Kubelet: misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"',
    )
    bad = (
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=cgroupfs"],
              "log-driver": "json-file"
            }
            """, line=2, column=17, unsafe=True, cgroup_driver="systemd", fixed="""
            {
              "exec-opts": ["native.cgroupdriver=systemd"],
              "log-driver": "json-file"
            }
            """),
        example("daemon.json", """
            {
              "log-driver": "json-file",
              "log-opts": {
                "max-size": "100m"
              }
            }
            """, line=1, column=1, unsafe=True, cgroup_driver="systemd", fixed="""
            {
              "log-driver": "json-file",
              "log-opts": {
                "max-size": "100m"
              },
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "exec-opts": [],
              "storage-driver": "overlay2"
            }
            """, line=2, column=3, unsafe=True, cgroup_driver="cgroupfs", fixed="""
            {
              "exec-opts": ["native.cgroupdriver=cgroupfs"],
              "storage-driver": "overlay2"
            }
            """),
        example("docker.service", """
            [Service]
            ExecStart=/usr/local/bin/dockerd -D --exec-opt=native.cgroupdriver=cgroupfs
            """, line=2, column=37, cgroup_driver="systemd"),
    )
    good = (
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """, cgroup_driver="systemd"),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=cgroupfs"]
            }
            """),
        example("docker.service", """
            [Service]
            ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
            """, cgroup_driver="systemd"),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=cgroupfs"]
            }
            """, cgroup_driver="systemd", kubeedge_version="1.22.0"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        want = ctx.cgroup_driver
        if want not in cg.DRIVERS:
            return
        if doc.kind == kinds.DOCKER:
            if not isinstance(doc.data, dict) or not isinstance(doc.data.get("exec-opts", []), list):
                return  # not an object, or exec-opts is not an array: DKR003 / DKR001
            options = cg.from_daemon_json(doc)
        else:
            options = unit_options(doc)
        if options:
            have = cg.effective(options)
            if have is None or have == want:
                return  # unset-but-present, invalid or conflicting values are DKR001's
            for o in options:
                edits: List[Edit] = []
                if o.entry is not None:
                    try:
                        edits = doc.set_value(o.entry.path, f"{cg.KEY}={want}")
                    except EditError:
                        edits = []
                where = "daemon.json" if o.entry is not None else "docker.service"
                yield self.finding(
                    doc, o.span,
                    f"Docker uses the {have} cgroup driver but the node uses {want}; cri-dockerd "
                    f"passes Docker's driver to EdgeCore, which refuses to start edged on a mismatch. "
                    f"Set native.cgroupdriver={want} in {where} (or change EdgeCore's cgroupDriver "
                    f"to {have})", edits)
            return
        if doc.kind != kinds.DOCKER:
            return  # a unit without --exec-opt leaves the driver to daemon.json
        yield from self._unset(doc, want)

    def _unset(self, doc: Document, want: str) -> Iterator[Finding]:
        opts = doc.entry(("exec-opts",))
        span = opts.key_span if opts is not None and opts.key_span else doc.entry(()).value_span
        edits: List[Edit] = []
        if opts is None or isinstance(opts.value, list):
            try:
                edits = doc.append(("exec-opts",), f"{cg.KEY}={want}")
            except EditError:
                edits = []
        f = self.finding(
            doc, span,
            f"Docker's cgroup driver is not set, so it depends on the host (cgroupfs on cgroup v1, "
            f"systemd on cgroup v2 with systemd) and may differ from the node's {want} driver; add "
            f"\"native.cgroupdriver={want}\" to exec-opts", edits)
        f.severity = WARNING
        yield f


RULE = CgroupDriverMismatch
