"""KEA008: edgecore.yaml is edited before `keadm join` in the same script, so the edit never takes effect."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Tuple

from ...document import Document
from ...rule import WARNING, Context, Finding, Rule, example
from ._common import KINDS, analysis, line_of, span, target

# (pattern in the editing command, the keadm join flag that sets the same thing)
_FLAG_FOR: Tuple[Tuple[str, str], ...] = (
    (r"cgroupDriver", "--cgroupdriver"),
    (r"(?:remote|container)RuntimeEndpoint|(?:remote)?ImageEndpoint|imageServiceEndpoint",
     "--remote-runtime-endpoint"),
    (r"hostnameOverride", "--edgenode-name"),
    (r"nodeLabels", "--labels"),
    (r"httpServer|websocket|quic", "--cloudcore-ipport / --certport"),
)


def _flags_for(text: str) -> List[str]:
    return [flag for pattern, flag in _FLAG_FOR if re.search(pattern, text, re.I)]


class EdgecoreEditBeforeJoin(Rule):
    code = "KEA008"
    name = "keadm-edgecore-edit-before-join"
    summary = "the script edits /etc/kubeedge/config/edgecore.yaml before keadm join, which discards the edit"
    severity = WARNING
    kinds = KINDS
    fix_safety = "none"
    rationale = (
        "keadm join refuses to run while /etc/kubeedge is not empty (`the management directory /etc/kubeedge is "
        "not clean, please remove it first`, PreRunE in keadm/cmd/keadm/app/cmd/edge/join.go, every release "
        "1.12-1.23) and then writes edgecore.yaml from keadm's own defaults plus its flags (FACTS.md §8). So an "
        "edit made before the join either makes the join fail or is removed with the directory (incident I-02: "
        "KE#2201, KE#1562; KE#4109). Settings belong in join flags (--cgroupdriver, --remote-runtime-endpoint, "
        "--edgenode-name, --labels) or, from keadm 1.18, `--set modules.<path>=<value>` (join_others.go); anything "
        "else must be changed after the join, followed by a restart of edgecore. Edits are sed/perl/yq in place, "
        "tee, redirections, cp/mv/install onto the file, and Ansible lineinfile/replace/blockinfile/template/copy; "
        "shell functions are compared only with code in the same function (their call order is not followed)."
    )
    seen_in = ()
    errors = ("the management directory /etc/kubeedge/ is not clean, please remove it first",)
    bad = (
        example("join.sh", """
            #!/bin/bash
            mkdir -p /etc/kubeedge/config
            sed -i 's/cgroupDriver: cgroupfs/cgroupDriver: systemd/' /etc/kubeedge/config/edgecore.yaml
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.17.0
            """, line=3, column=58),
        example("site.yml", """
            - name: pre-seed edgecore
              ansible.builtin.copy:
                src: edgecore.yaml
                dest: /etc/kubeedge/config/edgecore.yaml
            - name: join
              ansible.builtin.shell: keadm join --cloudcore-ipport={{ cloud }}:10000
            """, line=4, column=11),
    )
    good = (
        example("join.sh", """
            #!/bin/bash
            keadm join --cloudcore-ipport=10.0.0.1:10000 --kubeedge-version=v1.17.0
            sed -i 's/enable: false/enable: true/' /etc/kubeedge/config/edgecore.yaml
            systemctl restart edgecore
            """),
        example("join.sh", """
            #!/bin/bash
            patch_config() {
              sed -i 's/enable: false/enable: true/' /etc/kubeedge/config/edgecore.yaml
            }
            keadm join --cloudcore-ipport=10.0.0.1:10000
            patch_config
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        if a.host == "puppet":
            return  # Puppet resources are not applied in file order
        for edit in a.edits:
            scope = a.scope(edit.start)
            later = [j for j in a.joins if j.start > edit.end and a.scope(j.start) == scope]
            if not later:
                continue
            join = later[0]
            tv = target(doc, a, join, ctx)
            flags = _flags_for(edit.text)
            how = "pass the setting to keadm join"
            if flags:
                how += f" ({', '.join(flags)})"
            if not tv.below("1.18"):
                how += " or with --set modules.<path>=<value> (keadm 1.18+)"
            yield self.finding(doc, span(doc, (edit.start, edit.end)), (
                f"edgecore.yaml is changed here, before `keadm join` on line {line_of(doc, join.start)}: keadm join "
                f"refuses to run while /etc/kubeedge is not empty and otherwise writes a new edgecore.yaml, so this "
                f"change never reaches edgecore. Move it after the join (then restart edgecore), or {how}"))


RULE = EdgecoreEditBeforeJoin
