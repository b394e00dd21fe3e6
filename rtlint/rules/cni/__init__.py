"""Rules for CNI network configs (.conf / .conflist / .json), in code order."""
from __future__ import annotations

from typing import Tuple, Type

from ...rule import Rule
from . import (
    cni001_required_fields,
    cni002_version_unknown,
    cni003_host_local_without_subnet,
    cni004_version_too_new,
    cni005_conf_vs_conflist,
)

RULES: Tuple[Type[Rule], ...] = (
    cni001_required_fields.RULE,
    cni002_version_unknown.RULE,
    cni003_host_local_without_subnet.RULE,
    cni004_version_too_new.RULE,
    cni005_conf_vs_conflist.RULE,
)
