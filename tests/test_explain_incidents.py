"""Every runtime error in incidents.md §4 leads `rtlint explain` to the rule(s) for its cause.

§4 of ../shared/reference/incidents.md lists the verbatim messages users saw, in blocks headed by a
comment that names the incident and, after `→`, the rule it illustrates. Each message must match at
least one rule (except the few §4 itself calls not a config problem or not statically detectable),
and each hinted rule that rtlint has must be among a block's matches. The same must hold when the
message arrives the way logs print it: real IDs instead of `<id>`, wrapped in a klog line with `\\"`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

import pytest

from conftest import SHARED
from rtlint.explain import match
from rtlint.rules import ALL_RULES, BY_CODE

# What each §4 hint means in rtlint rule codes (any one of them is the expected cause). None: rtlint
# has no rule for it yet (with the reason).
HINTS: Dict[str, Optional[FrozenSet[str]]] = {
    "cgroup-driver-mismatch": frozenset({"NODE002", "DKR002", "CTD005", "CRIO002", "KEA005"}),
    "enum-value-exact (N13)": frozenset({"EC005", "DKR001", "KEA004"}),
    "N8": frozenset({"KEA005", "KEA007"}),  # keadm flags vs the node's runtime
    "conmon_cgroup-with-cgroupfs": frozenset({"CRIO001"}),
    "cri-disabled": frozenset({"CTD001"}),
    "endpoint mismatch": frozenset({"NODE001", "NODE003", "NODE013"}),
    "N3": frozenset({"CTD008"}),
    "N6": frozenset({"CTD016"}),
    "N7": frozenset({"NODE013"}),
    "N20": frozenset({"EC016", "EC017", "EC019"}),  # the known-bad version combinations
    "N5": frozenset({"CTD003", "CTD015"}),
    # a file whose config version differs from what the binary reads: no version line, another
    # version's tables, a version too new, or keys 2.x drops when it migrates a version 2 file
    "config-version-mismatch": frozenset({"CTD002", "CTD003", "CTD004", "CTD011", "CTD012"}),
    # keys containerd 2.x warns about and ignores
    "unknown-keys": frozenset({"CTD020", "CTD012", "CTD008"}),
    "sandbox-image-mismatch": frozenset({"NODE004", "CTD010"}),
    "N11": frozenset({"NODE012", "NODE011"}),
    "N1": frozenset({"NODE009"}),
    "N14": frozenset({"DKR006"}),
    "cniVersion rule": frozenset({"CNI002", "CNI004"}),
    "N2": None,  # needs the installed plugins' versions (binary output or packages); not implemented
    "N22 (candidate)": None,  # Docker's containerd address as a unix:// URL: cause not confirmed (I-28)
    "endpoint vs socket": frozenset({"NODE001", "NODE003"}),
    "N24": frozenset({"NODE014"}),
    "existing rules: dockershim endpoint on ≥1.14": frozenset({"EC010", "KEA002"}),
    "keadm runtimetype": frozenset({"KEA001"}),
    "N19": frozenset({"NODE006"}),  # RuntimeClass unsupported on edge nodes: documented in NODE006
    "N18": frozenset({"NODE006", "CTD014", "CRIO006"}),
    "N16": frozenset({"NODE015"}),
    "N17": frozenset({"DKR010"}),
    "cri-dockerd ExecStart path": frozenset({"NODE005"}),
    "N23": None,  # CRI-O + SELinux host state (I-52): outside the runtime files, no rule
}

# Messages §4 marks as not a config problem or not statically detectable: no rule should claim them.
ALLOWED = {
    "error adding pid <pid> to cgroups": "KE#5584: §4 says not statically detectable (hybrid cgroup v1/unified host)",
    "failed to reserve sandbox name": "KubeEdge FAQ: §4 says not a config problem (a sandbox left by an earlier join)",
    "cp: cannot create regular file": "KE#5209 (→ N23): the host's SELinux enforcement, which no config file shows",
}

# Messages whose rule belongs to a family this change may not edit: the owner rule should list them.
PENDING: dict = {}  # message fragment -> (rule that should list it, why); empty: every rule lists its messages


@dataclass
class Block:
    comment: str
    hints: Tuple[str, ...]
    messages: List[str]


def _hints(comment: str) -> Tuple[str, ...]:
    if "→" not in comment:
        return ()
    tail = comment.rsplit("→", 1)[1].strip()
    out = []
    for part in re.split(r",\s*|\s+/\s+", tail):
        out.append(part.strip())
    return tuple(p for p in out if p)


def section_4() -> List[Block]:
    if SHARED is None:
        return []
    text = (SHARED / "reference" / "incidents.md").read_text(encoding="utf-8")
    sec = text[text.index("## 4. Verbatim error messages"):text.index("## 5. Summary")]
    blocks: List[Block] = []
    for fenced in re.findall(r"```\n(.*?)```", sec, re.S):
        for line in fenced.splitlines():
            if line.startswith("#"):
                blocks.append(Block(line, _hints(line), []))
            elif line.strip():
                blocks[-1].messages.append(line)
    return blocks


BLOCKS = section_4()
MESSAGES = [m for b in BLOCKS for m in b.messages]


def codes(message: str) -> List[str]:
    return [m.rule.code for m in match(message, ALL_RULES)]


def _allowed(message: str) -> Optional[str]:
    return next((why for key, why in ALLOWED.items() if key in message), None)


def _pending(message: str) -> Optional[Tuple[str, str]]:
    return next((v for key, v in PENDING.items() if key in message), None)


def _logged(message: str) -> str:
    """The message as klog prints it inside err="…", with real-looking IDs instead of placeholders."""
    real = (message.replace("<id>", "3f2a9c0d1e4b5a69780c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6")
            .replace("<uid>", "0c4d4e2a-7b1f-4a5e-9c3d-2f1e0d9c8b7a").replace("<pid>", "48213")
            .replace("<name>", "k8s_POD_nginx-7d9f_default_0c4d4e2a_0"))
    escaped = real.replace("\\", "\\\\").replace('"', '\\"')
    return f'E1128 08:12:01.123456    1234 kuberuntime_sandbox.go:72] "Operation failed" err="{escaped}"'


def test_section_4_is_read(shared):
    assert len(MESSAGES) == 62, len(MESSAGES)
    unknown = {h for b in BLOCKS for h in b.hints} - set(HINTS)
    assert not unknown, f"hints without a mapping: {unknown}"
    for code_set in HINTS.values():
        for code in code_set or ():
            assert code in BY_CODE, f"{code} is not an rtlint rule"


@pytest.mark.parametrize("message", MESSAGES)
def test_every_message_maps_to_a_rule(message):
    why = _allowed(message)
    found = codes(message)
    if why is not None:
        assert not found, f"allowlisted ({why}) but {found} claim it"
        return
    pending = _pending(message)
    if pending is not None and pending[0] not in found:
        owner = BY_CODE[pending[0]]
        assert not any(message in e for e in owner.errors), "the owner lists it but does not match it"
        pytest.xfail(f"{pending[0]} should list this message ({pending[1]})")
    assert found, "no rule documents this message"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.hints], ids=lambda b: b.comment[2:40])
def test_hinted_rule_is_among_the_matches(block):
    per_message = {m: set(codes(m)) for m in block.messages}
    pending = []
    for hint in block.hints:
        expected = HINTS[hint]
        if expected is None:
            continue
        if not any(expected & found for found in per_message.values()):
            owners = [c for c in expected if c in BY_CODE and not BY_CODE[c].errors]
            if owners and all(_pending(m) for m in block.messages):
                pending.append(hint)
                continue
            pytest.fail(f"{hint}: none of {sorted(expected)} matches {block.messages}")
    if pending:
        pytest.xfail(f"waiting for the owners of {pending} to list these messages")


@pytest.mark.parametrize("message", [m for m in MESSAGES if _allowed(m) is None])
def test_logged_form_matches_the_same_rules(message):
    """IDs, klog wrapping and \\" escaping do not change which rules the message points to."""
    plain = match(message, ALL_RULES)
    exact = {m.rule.code for m in plain if m.score == 1.0}
    logged = set(codes(_logged(message)))
    assert exact <= logged, (exact - logged, _logged(message))


def test_cut_words_and_run_paths_are_normalised():
    cut = ('Start edged failed, err: failed to run Kubelet: validate service connection: validate CRI v1 runtime '
           'API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = '
           'unknown service runtime.v1.RuntimeServic[…]')
    assert codes(cut)[0] == "CTD001"
    assert "NODE003" in codes("dial unix /run/crio/crio.sock: connect: no such file or directory")


def test_nested_quotes_rank_the_enum_rule_first():
    assert codes('misconfiguration: kubelet cgroup driver: "\'systemd\'" is different from docker cgroup '
                 'driver: "systemd"')[0] == "EC005"
    assert codes('misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup '
                 'driver: "systemd"')[0] != "EC005"


def test_rules_list_their_incident_messages():
    """The §4 messages are in the rules' `errors` verbatim (IDs as placeholders, cut words completed)."""
    documented = {re.sub(r" {2,}", " ", e) for r in ALL_RULES for e in r.errors}
    missing = [m for m in MESSAGES if _allowed(m) is None and _pending(m) is None
               and "[…]" not in m and re.sub(r" {2,}", " ", m) not in documented]
    assert not missing, missing
