"""`rtlint explain "<error message>"`: from a log line to the config causes that produce it.

Each rule lists the messages its problem produces at run time (`Rule.errors`, copied from real
incidents). A pasted message is matched against them by the words they share, weighted so that
rare words (`SystemdCgroup`, `conmon`, `dockershim.sock`) count more than common ones (`rpc`,
`error`). IDs, numbers, addresses and quoting that differ between logs are dropped first.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Sequence, Set

from .rule import Rule

_NOISE = [
    re.compile(r"\b[0-9a-f]{12,}\b"),  # container / sandbox ids
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),  # pod uids
    re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"),  # IPv4 addresses
    re.compile(r"<[a-z]+>"),  # placeholders in the rules' own copies: <id>, <uid>, <pid>
    re.compile(r"\b0x[0-9a-f]+\b"),
]
_WORD = re.compile(r"[a-z][a-z0-9_.\-/]*[a-z0-9]|[a-z]")
_STOP = {"the", "a", "an", "of", "to", "for", "and", "or", "is", "in", "on", "with", "from", "err", "error",
         "failed", "rpc", "code", "desc", "unknown", "msg", "level", "be", "by", "not", "at", "as", "it"}
THRESHOLD = 0.6


def words(message: str) -> Set[str]:
    text = message.lower().replace('\\"', '"')
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    out: Set[str] = set()
    for w in _WORD.findall(text):
        w = w.strip("./-")
        if len(w) > 1 and w not in _STOP and not w.isdigit():
            out.add(w)
            if "/" in w:  # a path also counts by its last part: containerd.sock, cri-dockerd.sock
                out.add(w.rsplit("/", 1)[-1])
    return out


@dataclass
class Match:
    rule: Rule
    score: float
    error: str  # the rule's message that matched best


def match(message: str, rules: Sequence[Rule]) -> List[Match]:
    """Rules whose documented errors resemble `message`, best first."""
    docs = [(r, e, words(e)) for r in rules for e in r.errors]
    if not docs:
        return []
    df: Counter = Counter(w for _, _, ws in docs for w in ws)
    n = len(docs)

    def idf(w: str) -> float:
        return math.log((n + 1) / (df.get(w, 0) + 1)) + 1.0

    given = words(message)
    best: Dict[str, Match] = {}
    for rule, error, ws in docs:
        if not ws:
            continue
        shared = given & ws
        if len(shared) < min(2, len(given)):
            continue
        # how much of the shorter message the other one covers: a pasted fragment of a long
        # log line, or a long log line around a short documented message, both match
        weight = sum(idf(w) for w in shared)
        score = weight / min(sum(idf(w) for w in ws), sum(idf(w) for w in given) or 1.0)
        if score >= THRESHOLD and (rule.code not in best or score > best[rule.code].score):
            best[rule.code] = Match(rule, round(score, 3), error)
    return sorted(best.values(), key=lambda m: (-m.score, m.rule.code))
