"""CNI002: `cniVersion` is not a version of the CNI specification."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator, List, Optional

from ... import kinds
from ...document import Document, Edit, EditError
from ...rule import ERROR, Context, Finding, Rule, example
from ._shape import KNOWN_VERSIONS


class CniVersionUnknown(Rule):
    code = "CNI002"
    name = "cni-version-unknown"
    summary = "cniVersion is not a CNI spec version, so every plugin refuses the config"
    severity = ERROR
    kinds = (kinds.CNI,)
    fix_safety = "safe"
    rationale = (
        "The CNI specification has the versions 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0 and 1.1.0 "
        "(containernetworking/cni v1.3.0 pkg/version `All`). Plugins compare the config's "
        "`cniVersion` with their supported list as exact strings and answer anything else with "
        "\"incompatible CNI versions\" (cni pkg/skel, meshnet-cni#40), so pod sandboxes fail to get "
        "a network. A common mistake is a plugins *release* number such as 0.7.4 or 0.8.6. From "
        "libcni 1.2 the highest `cniVersions` entry the runtime knows becomes the version, so an "
        "entry like `1.1` is picked and then fails the same way. The fix only removes a `v` prefix or "
        "blanks around a real version; otherwise choose the version your plugin binaries support "
        "(plugins v1.0-1.5 support up to 1.0.0, v1.6+ up to 1.1.0)."
    )
    seen_in = ("cni/tarvitz__kubernetes__etc_cni_net.d_99-loopback.conf",)
    errors = (
        'plugin type="meshnet" name="meshnet" failed (add): incompatible CNI versions; config is "1.0.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0"]',
    )
    bad = (
        example("99-loopback.conf", """
            {
                "cniVersion": "0.7.4",
                "name": "lo",
                "type": "loopback"
            }
            """, line=2, column=19),
        example("10-bridge.conflist", """
            {
              "cniVersion": "v1.0.0",
              "name": "containerd-net",
              "plugins": [{"type": "loopback"}]
            }
            """, line=2, column=17, fixed="""
            {
              "cniVersion": "1.0.0",
              "name": "containerd-net",
              "plugins": [{"type": "loopback"}]
            }
            """),
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "cniVersions": ["1.0.0", "1.1"],
              "name": "containerd-net",
              "plugins": [{"type": "loopback"}]
            }
            """, line=3, column=28),
    )
    good = (
        example("10-bridge.conflist", """
            {
              "cniVersion": "1.0.0",
              "cniVersions": ["1.0.0", "1.1.0"],
              "name": "containerd-net",
              "plugins": [{"type": "loopback"}]
            }
            """),
        example("99-loopback.conf", """
            {"cniVersion": "0.3.1", "name": "lo", "type": "loopback"}
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        data = doc.data
        if not isinstance(data, dict):
            return
        entry = doc.entry(("cniVersion",))
        if entry is not None and isinstance(entry.value, str) and entry.value != "":
            yield from self._one(doc, entry, "cniVersion")
        if isinstance(data.get("cniVersions"), list):
            for item in doc.children(("cniVersions",)):
                if isinstance(item.value, str):
                    yield from self._one(doc, item, "cniVersions entry")

    def _one(self, doc: Document, entry, what: str) -> Iterator[Finding]:
        value = entry.value
        if value in KNOWN_VERSIONS:
            return
        meant = _meant(value)
        edits: List[Edit] = []
        if meant is not None:
            try:
                edits = doc.set_value(entry.path, meant)
            except EditError:
                edits = []
            hint = f"write \"{meant}\""
        else:
            hint = f"use one your plugin binaries support ({', '.join(KNOWN_VERSIONS)})"
        yield self.finding(
            doc, entry.value_span,
            f"{what} \"{value}\" is not a CNI spec version; plugins reject the config with "
            f"\"incompatible CNI versions\"; {hint}", edits)


def _meant(value: str) -> Optional[str]:
    v = value.strip()
    if v[:1] in ("v", "V"):
        v = v[1:]
    return v if v in KNOWN_VERSIONS and v != value else None


RULE = CniVersionUnknown
