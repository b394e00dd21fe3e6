"""`rtlint explain "<error message>"`: from a log line to the config causes that produce it.

Each rule lists the messages its problem produces at run time (`Rule.errors`, copied from real
incidents). A pasted message is matched against them by the words they share, weighted so that
rare words (`SystemdCgroup`, `conmon`, `dockershim.sock`) count more than common ones (`rpc`,
`error`). What differs between two logs of the same problem is dropped first: container, pod and
sandbox IDs (also inside paths such as `cri-containerd-<id>.scope` or `/kubepods/pod<uid>`),
numbers, IP addresses, the klog/journald line header, `\\"` escaping from `err="…"` wrapping
(nested too), and a word cut short by the source (`RuntimeServic[…]`). `/var/run/x` and `/run/x`
count as the same path (one is a symlink to the other).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from .record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, List, Sequence, Set

from .rule import Rule

_NOISE = [
    re.compile(r"[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}"),  # pod uids
    re.compile(r"[0-9a-f]{32,}"),  # container / sandbox ids, also inside paths and scope names
    re.compile(r"\b[0-9a-f]{12,}\b"),  # short container ids
    re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"),  # IPv4 addresses
    re.compile(r"<[a-z]+>"),  # placeholders in the rules' own copies: <id>, <uid>, <pid>, <name>, <image>
    re.compile(r"\b0x[0-9a-f]+\b"),
]
# A value with quotes inside its quotes (`"'systemd'"`): a problem of its own (EC005, DKR001, KEA004).
_NESTED_QUOTES = re.compile(r"[\"'][\"'][^\"'\s]+[\"'][\"']")
NESTED_QUOTES = "nested-quotes"
# A word the source cut short, with its marker: `RuntimeServic[…]`, `failed[...]`.
_CUT = re.compile(r"\S*\[(?:…|\.\.\.)\]")
# klog header (`E1128 08:12:01.123456    1234 file.go:72] `) and journald prefix (`Nov 28 08:12:01 host prog[12]: `).
_HEADERS = [
    re.compile(r"(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+\s+[\w.\-]+:\d+\]\s*"),
    re.compile(r"(?m)^[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d \S+ [\w.\-@]+(?:\[\d+\])?:\s*"),
]
_WORD = re.compile(r"[a-z][a-z0-9_.\-/]*[a-z0-9]|[a-z]")
_STOP = {"the", "a", "an", "of", "to", "for", "and", "or", "is", "in", "on", "with", "from", "err", "error",
         "failed", "rpc", "code", "desc", "unknown", "msg", "level", "be", "by", "not", "at", "as", "it"}
THRESHOLD = 0.6


def _unescape(text: str) -> str:
    """Undo `\\"` escaping, however deep (klog `err="..."` inside a JSON log line)."""
    prev = None
    while prev != text:
        prev = text
        text = text.replace('\\\\"', '\\"').replace('\\"', '"')
    return text


def words(message: str) -> Set[str]:
    text = _unescape(message)
    for header in _HEADERS:
        text = header.sub("", text)
    text = _CUT.sub(" ", text).lower()
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    out: Set[str] = {NESTED_QUOTES} if _NESTED_QUOTES.search(text) else set()
    for w in _WORD.findall(text):
        w = w.strip("./-")
        if w.startswith("var/run/"):
            w = w[4:]
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
    coverage: float = 0.0  # how much of the pasted message that error explains (ranks equal scores)


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
    given_weight = sum(idf(w) for w in given) or 1.0
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
        score = round(weight / min(sum(idf(w) for w in ws), given_weight), 3)
        coverage = round(weight / given_weight, 3)
        old = best.get(rule.code)
        if score >= THRESHOLD and (old is None or (score, coverage) > (old.score, old.coverage)):
            best[rule.code] = Match(rule, score, error, coverage)
    return sorted(best.values(), key=lambda m: (-m.score, -m.coverage, m.rule.code))
