"""KEA003: --remote-runtime-endpoint that is not a `unix:///absolute/path` URL."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List

from ...document import Document, Edit
from ...rule import ERROR, INFO, WARNING, Context, Finding, Rule, example
from ._common import KINDS, analysis, insert_value, span, value_of

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class EndpointFormat(Rule):
    code = "KEA003"
    name = "keadm-endpoint-format"
    summary = "keadm join --remote-runtime-endpoint is not written as unix:///absolute/path"
    severity = WARNING
    kinds = KINDS
    fix_safety = "unsafe"
    rationale = (
        "keadm and edged dial the endpoint through the kubelet CRI client (`GetAddressAndDialer`, vendored "
        "k8s.io/kubernetes/pkg/kubelet/util/util_unix.go up to 1.22, k8s.io/cri-client from 1.23): the endpoint is "
        "parsed as a URL, only the `unix` scheme is accepted on Linux (`only support unix socket endpoint`; other "
        "schemes: `protocol not supported`), and the socket is the URL *path*. So `unix://var/run/x.sock` (two "
        "slashes) makes `var` the host name and dials `/run/x.sock` - it works only while /var/run links to /run, "
        "and `unix://run/x.sock` dials `/x.sock`. A bare path has no scheme and is retried as `unix://<path>` "
        "(logged as deprecated before cri-client): the fix adds `unix://`, which is what happens anyway (safe). "
        "Adding the missing `/` changes which path is dialled to the one written (unsafe). Seen in the corpus: "
        "albacanete's Ansible role passes `unix://var/run/containerd/containerd.sock`."
    )
    seen_in = ("keadm/albacanete__k8s-kubeedge-cluster__ansible_roles_keadm-join_tasks_main.yaml",)
    errors = ("only support unix socket endpoint",)
    bad = (
        example("site.yml", """
            - name: start edgecore
              shell: keadm join --cloudcore-ipport={{ ip }}:10000 --remote-runtime-endpoint="unix://var/run/containerd/containerd.sock"
            """, line=2, column=82, unsafe=True, fixed="""
            - name: start edgecore
              shell: keadm join --cloudcore-ipport={{ ip }}:10000 --remote-runtime-endpoint="unix:///var/run/containerd/containerd.sock"
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint /run/containerd/containerd.sock
            """, line=2, column=72, fixed="""
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint unix:///run/containerd/containerd.sock
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint=tcp://127.0.0.1:3735
            """, line=2, column=72),
    )
    good = (
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint=unix:///run/containerd/containerd.sock
            """),
        example("join.sh", """
            #!/bin/sh
            keadm join --cloudcore-ipport=10.0.0.1:10000 --remote-runtime-endpoint="$CRI_SOCKET"
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        a = analysis(doc)
        for cmd in a.joins:
            flag = cmd.get("remote-runtime-endpoint")
            value = value_of(a, flag)
            if flag is None or not value:
                continue
            where = span(doc, flag.value_span)
            start = flag.value_span[0]
            m = _SCHEME.match(value)
            edits: List[Edit] = []
            if m is None:
                if value.startswith("/"):
                    f = self.finding(doc, where, (
                        f"{value} has no unix:// scheme; keadm and edged retry it as unix://{value} (older releases "
                        f"log that this form is deprecated). Write unix://{value}"),
                        insert_value(doc, start, "unix://"), safe=True)
                    f.severity = INFO
                    yield f
                elif not value.startswith("unix:"):
                    dialled = "/" + value.split("/", 1)[1] if "/" in value else "nothing"
                    f = self.finding(doc, where, (
                        f"{value} is a relative path: it is read as unix://{value}, whose first part is taken as a "
                        f"host name, so {dialled} is dialled. Write the socket as unix:///<absolute path>"))
                    f.severity = ERROR
                    yield f
                continue
            scheme = m.group(1)
            if scheme != "unix":
                f = self.finding(doc, where, (
                    f"{value} uses the {scheme}:// scheme, but keadm and edged on Linux only dial unix sockets (`only "
                    f"support unix socket endpoint`); give the runtime's socket as unix:///<path>"))
                f.severity = ERROR
                yield f
                continue
            rest = value[m.end():]
            if rest.startswith("/"):
                continue
            host, _, path = rest.partition("/")
            if path:
                first = flag.value_from + m.end()  # the host's first character, inside the value word
                edits = insert_value(doc, flag.value_word.src(first, first + 1)[0], "/") if flag.value_word else []
                yield self.finding(doc, where, (
                    f"{value} has two slashes after unix:, so {host!r} is read as a host name and dropped: keadm and "
                    f"edged dial /{path}, not /{host}/{path}. Write unix:///{host}/{path}"), edits, safe=False)
            else:
                f = self.finding(doc, where, (
                    f"{value} names no socket path: {rest!r} is read as a host name, so nothing is dialled. "
                    f"Write unix:///<absolute path of the socket>"))
                f.severity = ERROR
                yield f


RULE = EndpointFormat
