"""Rules for containerd files: one module per rule, listed here in code order."""
from __future__ import annotations

from typing import Tuple, Type

from ...rule import Rule
from . import ctd001_cri_plugin_disabled

RULES: Tuple[Type[Rule], ...] = (
    ctd001_cri_plugin_disabled.RULE,
)
