"""Findings about the file itself rather than its settings; the engine raises them."""
from __future__ import annotations

from .. import kinds
from ..rule import ERROR, WARNING, Rule, example


class ParseErrorRule(Rule):
    code = "RT001"
    name = "parse-error"
    summary = "The file is not valid TOML, YAML, JSON or unit syntax"
    severity = ERROR
    kinds = kinds.ALL
    rationale = (
        "A runtime that cannot parse its config either refuses to start or, worse, starts with "
        "defaults. rtlint reports where parsing stopped and never applies fixes to such a file."
    )
    seen_in = (
        "containerd/auraecosystem__kubuverse__etc_containerd_config.toml",
        "containerd/GreatPyreneseDad__TraderAI__containerd.toml",
        "systemd/cynthia-rempel__kubernetes-operator-vm__crio.service",
    )
    bad = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
            sandbox_image = "registry.k8s.io/pause:3.9
            """, line=3, column=17),
    )
    good = (
        example("config.toml", """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
            sandbox_image = "registry.k8s.io/pause:3.9"
            """),
    )


class ReadErrorRule(Rule):
    code = "RT002"
    name = "unreadable-file"
    summary = "The file cannot be read as UTF-8 text (missing, permission denied, binary or too large)"
    severity = ERROR
    kinds = kinds.ALL
    rationale = "rtlint can only vouch for files it has read; an unreadable file is never a silent pass."


class UnusedSuppression(Rule):
    code = "RT003"
    name = "unused-suppression"
    summary = "An `rtlint: disable` comment suppresses nothing"
    severity = WARNING
    kinds = kinds.ALL
    rationale = (
        "Stale suppressions hide future problems on that line. Remove the comment or name the "
        "rule that still fires."
    )
    bad = (
        example("config.toml", """
            version = 2
            disabled_plugins = []  # rtlint: disable=CTD001 docker ships this
            """, line=2, column=24),
    )


class FixFailed(Rule):
    code = "RT004"
    name = "fix-failed"
    summary = "A fix would have left the file unparsable, so it was not applied"
    severity = ERROR
    kinds = kinds.ALL
    rationale = "Fixes are re-parsed before anything is written; this reports a bug in rtlint, please file it."


class UnknownKind(Rule):
    code = "RT005"
    name = "unknown-file-kind"
    summary = "A file named on the command line is not one rtlint reads"
    severity = ERROR
    kinds = kinds.ALL
    rationale = (
        "Naming a file explicitly means you expect it to be checked. Use --kind to say what it is, "
        "or leave it out."
    )


RULES = (ParseErrorRule, ReadErrorRule, UnusedSuppression, FixFailed, UnknownKind)
