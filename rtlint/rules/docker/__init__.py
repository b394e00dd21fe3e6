"""Rules for docker files: one module per rule, listed here in code order."""
from __future__ import annotations

from typing import Tuple, Type

from ...rule import Rule

RULES: Tuple[Type[Rule], ...] = ()
