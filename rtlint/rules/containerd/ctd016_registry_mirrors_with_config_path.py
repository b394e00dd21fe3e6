"""CTD016: registry `mirrors` (or 1.x `configs.*.tls`) together with `config_path`."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Iterator

from ... import kinds
from ...document import Document
from ...rule import ERROR, Context, Finding, Rule, example
from ...runtimes import containerd as m
from ._common import anchor, lookup, table_name


class RegistryMirrorsWithConfigPath(Rule):
    code = "CTD016"
    name = "registry-mirrors-with-config-path"
    summary = "registry mirrors (or 1.x configs.tls) are set together with config_path, so the CRI plugin does not load"
    severity = ERROR
    kinds = (kinds.CONTAINERD,)
    fix_safety = "none"
    rationale = (
        "`config_path` (a hosts.toml directory such as /etc/containerd/certs.d) replaces the older "
        "`registry.mirrors` and `registry.configs.*.tls` settings, and the CRI plugin refuses to "
        "load when a file uses both: ``mirrors` cannot be set when `config_path` is provided`` and "
        "``configs.tls` cannot be set when `config_path` is provided`` (seen with 1.6.20; "
        "ctd-1.6.20 ValidatePluginConfig). containerd 2.x keeps the mirrors check in its image "
        "plugin (ctd-2.3.4 ValidateImageConfig, from source) and only warns about `configs`. "
        "An empty mirrors table is accepted. No fix: either the mirrors must be rewritten as "
        "hosts.toml files under config_path, or config_path removed, and which one is the "
        "operator's choice. Moving the mirrors automatically is not offered either: a fix can only edit "
        "files rtlint read, not create `<config_path>/<host>/hosts.toml`, and a mirror's `endpoint` list "
        "does not map one to one (hosts.toml needs `server` and `[host.\"...\"]` entries with "
        "`capabilities`, and `configs.*.auth` credentials have no place there). Incident I-47 "
        "(containerd#7844, #5306, #12612)."
    )
    seen_in = ()
    errors = (
        'failed to load plugin io.containerd.grpc.v1.cri  error="invalid plugin config: `mirrors` cannot be set when `config_path` is provided"',
        'failed to load plugin error="unable to load CRI image service plugin dependency: invalid cri image config: `mirrors` cannot be set when `config_path` is provided" id=io.containerd.podsandbox.controller.v1.podsandbox type=io.containerd.podsandbox.controller.v1',
        'Start edged failed, err: failed to run Kubelet: failed to create kubelet: get remote runtime typed version failed: rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.RuntimeService',
        '"Get ImageStatus from image service failed" err="rpc error: code = Unimplemented desc = unknown service runtime.v1alpha2.ImageService"',
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = "/etc/containerd/certs.d"
              [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
                endpoint = ["https://mirror.example.com"]
            """, line=4, column=3),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = "/etc/containerd/certs.d"
              [plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.com".tls]
                insecure_skip_verify = true
            """, line=4, column=3),
        example("config.toml", """
            version = 3
            [plugins."io.containerd.cri.v1.images".registry]
              config_path = "/etc/containerd/certs.d"
              [plugins."io.containerd.cri.v1.images".registry.mirrors."docker.io"]
                endpoint = ["https://mirror.example.com"]
            """, line=4, column=3),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = "/etc/containerd/certs.d"
              [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = ""
              [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
                endpoint = ["https://mirror.example.com"]
            """),
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".registry]
              config_path = "/etc/containerd/certs.d"
              [plugins."io.containerd.grpc.v1.cri".registry.configs."harbor.example.com".tls]
                insecure_skip_verify = true
            """, containerd_version="2.0.0"),
    )

    def check(self, doc: Document, ctx: Context) -> Iterator[Finding]:
        reg = m.images_root(m.config_version(doc)) + ("registry",)
        config_path = lookup(doc, reg + ("config_path",))
        if not isinstance(config_path, str) or not config_path:
            return
        mirrors = lookup(doc, reg + ("mirrors",))
        if isinstance(mirrors, dict) and mirrors:
            first = reg + ("mirrors", next(iter(mirrors)))
            yield self.finding(
                doc, anchor(doc, first),
                f"registry mirrors are set together with config_path = {config_path!r}: the CRI plugin "
                f"does not load (`mirrors` cannot be set when `config_path` is provided); write each "
                f"mirror as {config_path.split(':')[0]}/<registry>/hosts.toml and delete "
                f"{table_name(reg + ('mirrors',))}, or remove config_path")
        configs = lookup(doc, reg + ("configs",))
        if isinstance(configs, dict) and m.may_be_1x(doc, ctx.containerd_version):
            for host, conf in configs.items():
                if isinstance(conf, dict) and "tls" in conf:
                    yield self.finding(
                        doc, anchor(doc, reg + ("configs", host, "tls")),
                        f"registry.configs.{host}.tls is set together with config_path = {config_path!r}: "
                        f"containerd 1.x does not load the CRI plugin (`configs.tls` cannot be set when "
                        f"`config_path` is provided); put the TLS settings in "
                        f"{config_path.split(':')[0]}/{host}/hosts.toml, or remove config_path")
                    break


RULE = RegistryMirrorsWithConfigPath
