"""CTD015: disabled_plugins / required_plugins entries spelled for another config version."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, WARNING, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import try_edits

LISTS = ("disabled_plugins", "required_plugins")


class DisabledPluginUriInvalid(Rule):
    code = "CTD015"
    name = "disabled-plugin-uri-invalid"
    summary = "a disabled_plugins / required_plugins entry is not a full plugin URI in a version 2+ file"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "safe"
    rationale = (
        "From config version 2 on, `disabled_plugins` and `required_plugins` name plugins by full URI "
        "(`io.containerd.snapshotter.v1.aufs`). containerd 1.6/1.7 refuse to start when an entry has "
        "fewer than four dot parts (`invalid disabled plugin URI \"cri\" expect io.containerd.x.vx`, "
        "E3 with 1.6.20; ctd-1.7.34 also requires the io.containerd. prefix) and 2.x refuses entries "
        "without a dot (ctd-2.3.4 ValidateVersion, from source). In a version 1 file it is the other "
        "way round: containerd 1.x compares entries with short plugin ids, so a full URI there "
        "disables nothing on 1.x (ctd-1.6.20 V1DisabledFilter; seen with 1.6.20: the CRI plugin still "
        "loads with `disabled_plugins = [\"io.containerd.grpc.v1.cri\"]` and no version line), while "
        "2.x honours it. The fix writes the full URI of a known short id (the mapping containerd 2.x "
        "uses), which is what the entry already means; `\"cri\"` in disabled_plugins is CTD001's."
    )
    seen_in = ()
    errors = (
        'containerd: failed to load TOML from ./disable_cri.toml: invalid disabled plugin URI "cri" expect io.containerd.x.vx',
    )
    bad = (
        example("config.toml", """
            version = 2
            disabled_plugins = ["aufs", "io.containerd.snapshotter.v1.zfs"]
            """, line=2, column=21, fixed="""
            version = 2
            disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.zfs"]
            """),
        example("config.toml", """
            version = 2
            required_plugins = ["cri"]
            """, line=2, column=21, fixed="""
            version = 2
            required_plugins = ["io.containerd.grpc.v1.cri"]
            """),
        example("config.toml", """
            version = 3
            disabled_plugins = ["my-snapshotter"]
            """, line=2, column=21),
        example("config.toml", """
            disabled_plugins = ["io.containerd.snapshotter.v1.aufs"]
            """, line=1, column=21),
    )
    good = (
        example("config.toml", """
            version = 2
            disabled_plugins = ["cri"]
            """),
        example("config.toml", """
            disabled_plugins = ["aufs"]
            """),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        if not isinstance(doc.data, dict) or ("version" in doc.data and not m.has_valid_version(doc)):
            return
        v = m.config_version(doc)
        for key in LISTS:
            for item in doc.children((key,)):
                value = item.value
                if not isinstance(value, str):
                    continue
                if v <= 1:
                    if "." in value and not (key == "disabled_plugins" and value == m.CRI_V2) \
                            and m.may_be_1x(doc, ctx.containerd_version):
                        f = self.finding(
                            doc, item.value_span,
                            f"{value!r} in {key}: this file has no `version` line, and containerd 1.x "
                            f"matches {key} of a version 1 file against short plugin ids, so it ignores "
                            f"this entry (2.x honours it); add `version = 2` (see CTD002)")
                        f.severity = WARNING
                        yield f
                    continue
                if m.is_plugin_uri(value) or (key == "disabled_plugins" and value == "cri"):
                    continue
                uri = m.v1_plugin_uri(value)
                fatal = "containerd 1.6/1.7" + (" and 2.x" if "." not in value else "")
                yield self.finding(
                    doc, item.value_span,
                    f"{value!r} in {key} is not a full plugin URI; in a version {v} file {fatal} refuse to "
                    f"start (invalid plugin URI); write "
                    + (f"{uri!r}" if uri else "the plugin's full URI (io.containerd.<type>.<version>.<id>)"),
                    try_edits(lambda: doc.set_value(item.path, uri)) if uri else None)


RULE = DisabledPluginUriInvalid
