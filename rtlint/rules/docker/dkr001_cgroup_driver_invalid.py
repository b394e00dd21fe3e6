"""DKR001: Docker's `native.cgroupdriver` exec-opt has a value or spelling dockerd does not take."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ... import kinds
from ...document import Document, EditError
from ...rule import ERROR, Context, Finding, Rule, example
from . import _cgroup as cg
from ._units import DOCKERD, exec_lines, flag_values, token_span


class CgroupDriverInvalid(Rule):
    code = "DKR001"
    name = "docker-cgroup-driver-invalid"
    summary = "Docker's native.cgroupdriver exec-opt is refused or silently ignored by dockerd"
    severity = ERROR
    kinds = (kinds.DOCKER, kinds.SYSTEMD)
    fix_safety = "safe"
    rationale = (
        "dockerd accepts exactly `cgroupfs` or `systemd` as `native.cgroupdriver` (daemon.json "
        "`exec-opts`, or `--exec-opt` in docker.service); anything else, `none` included, stops the "
        "daemon at start (moby daemon/daemon_unix.go `verifyCgroupDriver`), and cri-dockerd and "
        "EdgeCore lose their runtime with it. The key is matched ignoring case and blanks around the "
        "key and value are trimmed, so `native.cgroupDriver = systemd` is fine and not reported. "
        "An option that was meant as the driver but is spelled differently (`native.cgroup-driver`, "
        "`native.cgroupdriver:systemd`) or has an empty value is skipped by Docker before 28.0, which "
        "then silently uses its default driver, and is fatal from Docker 28.0 (`invalid exec-opt`, "
        "moby commit d7f59cec, daemon/config `parseExecOptions`). Two driver options with different "
        "values are read differently by the two generations: the first wins before 28.0, the last "
        "from 28.0. In daemon.json the fix rewrites the item to `native.cgroupdriver=<driver>` when "
        "the intended driver is unambiguous (quotes or capitals around `systemd`/`cgroupfs`), and wraps "
        "an `exec-opts` written as a plain string (which Go cannot decode into the list dockerd "
        "expects, so the daemon does not start) into an array; unit flags are reported only."
    )
    bad = (
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=\\"systemd\\""]
            }
            """, line=2, column=17, fixed="""
            {
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroup-driver=systemd"],
              "log-driver": "json-file"
            }
            """, line=2, column=17, fixed="""
            {
              "exec-opts": ["native.cgroupdriver=systemd"],
              "log-driver": "json-file"
            }
            """),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=none"]
            }
            """, line=2, column=17),
        example("daemon.json", """
            {
              "exec-opts": "native.cgroupdriver=systemd"
            }
            """, line=2, column=16, fixed="""
            {
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=systemd", "native.cgroupdriver=cgroupfs"]
            }
            """, line=2, column=48),
        example("docker.service", """
            [Service]
            ExecStart=/usr/bin/dockerd -H fd:// \\
                --exec-opt native.cgroupdriver=Systemd
            """, line=3, column=16),
    )
    good = (
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupdriver=systemd"]
            }
            """),
        example("daemon.json", """
            {
              "exec-opts": ["native.cgroupDriver = cgroupfs"]
            }
            """),
        example("docker.service", """
            [Service]
            ExecStart=/usr/bin/dockerd -H fd:// --exec-opt=native.cgroupdriver=systemd
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if doc.kind == kinds.DOCKER:
            yield from self._not_a_list(doc)
            options = cg.from_daemon_json(doc)
        else:
            options = unit_options(doc)
        for o in cg.iter_problems(options):
            edits = []
            hint = "use exactly native.cgroupdriver=systemd or native.cgroupdriver=cgroupfs"
            if o.intended:
                hint = f"write it as native.cgroupdriver={o.intended}"
                if o.entry is not None:
                    try:
                        edits = doc.set_value(o.entry.path, f"{cg.KEY}={o.intended}")
                    except EditError:
                        edits = []
            yield self.finding(doc, o.span, f"{cg.describe_problem(o)}; {hint}", edits)
        if cg.conflicting(options):
            ok = [o for o in options if o.status == cg.OK]
            values = ", ".join(dict.fromkeys(o.value for o in ok))
            yield self.finding(
                doc, ok[-1].span,
                f"native.cgroupdriver is set more than once with different values ({values}): Docker "
                f"before 28.0 uses the first and Docker 28.0 and later the last; keep only the one "
                f"the node should use")

    def _not_a_list(self, doc: Document) -> Iterator[Finding]:
        entry = doc.entry(("exec-opts",)) if isinstance(doc.data, dict) else None
        if entry is None or isinstance(entry.value, list):
            return
        edits = []
        if isinstance(entry.value, str):
            try:
                edits = doc.set_value(entry.path, [entry.value])
            except EditError:
                edits = []
        yield self.finding(
            doc, entry.value_span,
            "exec-opts must be an array of strings; dockerd cannot read this value (\"json: cannot "
            "unmarshal ... into Go struct field ... of type []string\") and does not start; write it as "
            "[\"native.cgroupdriver=...\"]", edits)


def unit_options(doc: Document) -> List[cg.DriverOption]:
    """Driver options passed as `--exec-opt` to dockerd in a unit's ExecStart."""
    out: List[cg.DriverOption] = []
    for line in exec_lines(doc, DOCKERD):
        for value, token in flag_values(line.args, "exec-opt"):
            got = cg.classify(value)
            if got is not None:
                span = token_span(doc, line.entry, token.start, token.end)
                out.append(cg.DriverOption(value, got[0], got[1], got[2], span))
    return out


RULE = CgroupDriverInvalid
