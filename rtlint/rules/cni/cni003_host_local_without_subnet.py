"""CNI003: a plugin uses host-local IPAM but gives it no subnet to allocate from."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from . import _shape as sh


class HostLocalWithoutSubnet(Rule):
    code = "CNI003"
    name = "host-local-without-subnet"
    summary = "host-local IPAM has no subnet or ranges, so no pod gets an address"
    severity = ERROR
    kinds = (kinds.CNI,)
    fix_safety = "none"
    rationale = (
        "The host-local IPAM plugin (used by bridge, ptp, macvlan and others through their `ipam` "
        "object) needs at least one range: either `ranges: [[{\"subnet\": ...}], ...]` or the older "
        "flat `subnet` inside `ipam`. Otherwise every ADD fails with \"no IP ranges specified\" "
        "(containernetworking/plugins v1.9.1 plugins/ipam/host-local/backend/allocator/config.go "
        "`LoadIPAMConfig`) and pod sandboxes cannot start. The only other source is the runtime "
        "passing the node's pod CIDR as the `ipRanges` capability, which the plugin must request "
        "with `\"capabilities\": {\"ipRanges\": true}`; such plugins are not reported. The subnet is "
        "the node's pod network, so there is no automatic fix."
    )
    bad = (
        example("10-containerd-net.conflist", """
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": [
                {
                  "type": "bridge",
                  "bridge": "cni0",
                  "ipam": {
                    "type": "host-local",
                    "routes": [{"dst": "0.0.0.0/0"}]
                  }
                }
              ]
            }
            """, line=8, column=7),
        example("10-ptp.conf", """
            {
              "cniVersion": "0.3.1",
              "name": "ptp",
              "type": "ptp",
              "ipam": {"type": "host-local", "ranges": []}
            }
            """, line=5, column=3),
    )
    good = (
        example("10-bridge.conf", """
            {
              "cniVersion": "0.4.0",
              "name": "bridge",
              "type": "bridge",
              "ipam": {"type": "host-local", "subnet": "10.244.0.0/16"}
            }
            """),
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "name": "k8s-pod-network",
              "plugins": [
                {"type": "bridge", "capabilities": {"ipRanges": true}, "ipam": {"type": "host-local"}}
              ]
            }
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        for path, plugin in sh.plugins(doc):
            ipam = plugin.get("ipam")
            if not isinstance(ipam, dict) or ipam.get("type") != "host-local":
                continue
            caps = plugin.get("capabilities")
            if isinstance(caps, dict) and caps.get("ipRanges") is True:
                continue
            ranges = ipam.get("ranges")
            if (isinstance(ranges, list) and ranges) or ipam.get("subnet"):
                continue
            entry = doc.entry(path + ("ipam",))
            ptype = plugin.get("type")
            who = f"the {ptype} plugin's" if isinstance(ptype, str) and ptype else "this plugin's"
            yield self.finding(
                doc, entry.key_span or entry.value_span,
                f"{who} host-local IPAM has no \"subnet\" or \"ranges\", so every pod fails with \"no IP "
                f"ranges specified\"; add \"ranges\": [[{{\"subnet\": \"<pod CIDR of this node>\"}}]] to "
                f"\"ipam\"")


RULE = HostLocalWithoutSubnet
