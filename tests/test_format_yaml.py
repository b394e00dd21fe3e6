"""The YAML reader on real edgecore/keadm files and on hand-made hard cases.

Reference data comes from libyaml itself (`yaml.load(..., CSafeLoader)`), the
same parser Go's yaml.v2 is a port of; the pure-Python fallback is checked to
give identical spans.
"""
from __future__ import annotations

import codecs
import copy
import re
import time
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
import yaml

from conftest import SHARED, corpus_files
from rtlint.document import EditError, ParseError, apply_edits
from rtlint.formats.yaml import MAX_ALIAS_NODES, YamlDocument, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "yaml"
LIBYAML = yaml.CSafeLoader
BLOCK_SCALAR = re.compile(r"(?:[&!]\S*\s+)*[|>]")  # properties, then a block scalar indicator


def decode(raw: bytes) -> Tuple[str, bool]:
    bom = raw.startswith(codecs.BOM_UTF8)
    return raw[3:].decode("utf-8") if bom else raw.decode("utf-8"), bom


def load(path: Path, loader: Any = None) -> YamlDocument:
    raw = path.read_bytes()
    text, bom = decode(raw)
    return parse(str(path), "edgecore", raw, text, bom, loader=loader)


def reparse(text: str) -> YamlDocument:
    return parse("edited.yaml", "edgecore", text.encode(), text, False)


def libyaml_data(text: str) -> Any:
    """The first document as libyaml reads it (all documents must be valid)."""
    docs = list(yaml.load_all(text, Loader=LIBYAML))
    return docs[0] if docs else None


def yaml_files() -> List[Path]:
    files = list(corpus_files("edgecore"))
    files += [p for p in corpus_files("keadm") if p.suffix in (".yaml", ".yml", ".sls")]
    if SHARED is not None:
        files += sorted((SHARED / "reference" / "kubeedge").glob("*.yaml"))
    return files


# -- invariants every parsed document must satisfy ------------------------------------

def check_spans(doc: YamlDocument) -> int:
    """Scalar value spans re-read as the value, key spans are the key as written."""
    text = doc.text
    checked = 0
    for e in doc.entries:
        vs = e.value_span
        assert (vs.line, vs.column) == doc.index.position(vs.start)
        assert (vs.end_line, vs.end_column) == doc.index.position(vs.end)
        written = text[vs.start:vs.end]
        if e.path in doc.alias_paths:
            assert written.startswith(("*", "&", "{", "[")) or ":" in written, (e.path, written)
            continue
        if e.key_span is not None:
            key = text[e.key_span.start:e.key_span.end]
            assert key == e.path[-1] or (key[0] in "'\"" and yaml.load(key, Loader=LIBYAML) == e.path[-1]), key
            assert written == "" or not written[-1].isspace(), (e.path, written)
        if isinstance(e.value, (dict, list)):
            if e.path:
                assert written.rstrip() == written and written, (e.path, written)
            continue
        if written.startswith("*"):
            continue  # an alias as written
        if BLOCK_SCALAR.match(written):
            got = yaml.load(written + "\n", Loader=LIBYAML)
            assert got.rstrip("\n") == e.value.rstrip("\n"), (e.path, written)
        else:
            got = yaml.load(written, Loader=LIBYAML) if written else None
            assert type(got) is type(e.value) and got == e.value, (e.path, written, e.value)
        checked += 1
    return checked


def blank(text: str, start: int) -> str:
    """text without what follows start on its line (spaces could extend a block scalar)."""
    end = start
    while end < len(text) and text[end] not in "\r\n":
        end += 1
    return text[:start] + text[end:]


def check_comments(doc: YamlDocument) -> None:
    """Found comments are not content; every other '#' is content."""
    text = doc.text
    inside_comments = set()
    stripped = text
    for c in reversed(doc.comments):
        pos = doc.index.offset(c.line, c.column)
        assert text[pos] == "#"
        assert text[pos + 1:].startswith(c.text)
        assert text[pos + 1 + len(c.text):pos + 2 + len(c.text)] in ("", "\r", "\n")
        inside_comments.update(range(pos, pos + 1 + len(c.text)))
        stripped = blank(stripped, pos)
    original = libyaml_data(text)
    assert libyaml_data(stripped) == original
    pos = text.find("#")
    while pos != -1:
        if pos not in inside_comments:
            try:
                changed = libyaml_data(blank(text, pos)) != original
            except yaml.YAMLError:
                changed = True
            assert changed, f"'#' at line {doc.index.position(pos)[0]} is not content yet was not reported"
        pos = text.find("#", pos + 1)


# -- 1. real files ------------------------------------------------------------------------

@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: p.name)
def test_real_file_reads_back_exactly(path: Path) -> None:
    raw = path.read_bytes()
    text, bom = decode(raw)
    try:
        doc = parse(str(path), "edgecore", raw, text, bom)
    except ParseError:
        with pytest.raises(yaml.YAMLError):  # only legitimately broken YAML may fail
            list(yaml.load_all(text, Loader=LIBYAML))
        return
    assert doc.format == "yaml"
    assert doc.to_bytes() == raw
    assert doc.data == libyaml_data(text)
    assert doc.get(()) is doc.data
    assert check_spans(doc) > 0
    check_comments(doc)


def test_corpus_is_present_when_shared_is(shared: Path) -> None:
    """Guards the parametrized test above against silently running on nothing."""
    assert len(corpus_files("edgecore")) >= 21
    names = [p.name for p in yaml_files()]
    assert any(n.endswith(".sls") for n in names) and any(n.startswith("edgecore-reconstructed") for n in names)


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.glob("*.yaml")
                                        if not p.name.startswith(("invalid", "recursive", "billion"))),
                         ids=lambda p: p.name)
def test_fixture_invariants(path: Path) -> None:
    doc = load(path)
    assert doc.to_bytes() == path.read_bytes()
    assert doc.data == libyaml_data(doc.text)
    check_spans(doc)
    check_comments(doc)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")) + yaml_files()[:8], ids=lambda p: p.name)
def test_pure_python_parser_gives_the_same_spans(path: Path) -> None:
    def facts(loader):
        try:
            d = load(path, loader)
        except ParseError as exc:
            return exc.message
        return [(e.path, e.value, e.key_span, e.value_span) for e in d.entries], d.comments, d.extra_documents
    fast, slow = facts(LIBYAML), facts(yaml.SafeLoader)
    if path.name == "tabs.yaml":  # PyYAML refuses tabs that libyaml (and Go) accept
        assert isinstance(slow, str) and "'\\t'" in slow and not isinstance(fast, str)
    elif isinstance(fast, str):  # the two parsers word their errors differently
        assert isinstance(slow, str)
    else:
        assert fast == slow


# -- positions with CRLF, BOM, non-ASCII ------------------------------------------------

def test_crlf_spans_count_both_characters() -> None:
    doc = load(FIXTURES / "crlf.yaml")
    assert doc.newline == "\r\n"
    e = doc.entry(("modules", "edgeHub", "heartbeat"))
    assert (e.value_span.line, e.value_span.column) == (7, 16)
    assert doc.text[e.value_span.start:e.value_span.end] == "15"
    assert doc.comments[1].line == 4 and doc.comments[1].text == " match containerd"


def test_bom_is_outside_text_and_spans() -> None:
    raw = (FIXTURES / "bom.yaml").read_bytes()
    doc = load(FIXTURES / "bom.yaml")
    assert doc.bom and not doc.text.startswith("\ufeff")
    assert doc.encode(doc.text) == raw
    e = doc.entry(("kind",))
    assert (e.value_span.line, e.value_span.column) == (2, 7)
    assert doc.text[e.value_span.start:e.value_span.end] == "EdgeCore"
    # a caller that left the BOM in the text still gets spans into that text
    with_bom = raw.decode("utf-8")
    doc2 = parse("bom.yaml", "edgecore", raw, with_bom, False)
    e2 = doc2.entry(("kind",))
    assert with_bom[e2.value_span.start:e2.value_span.end] == "EdgeCore"
    assert doc2.data == doc.data


def test_non_ascii_offsets_are_code_points(shared: Path) -> None:
    path = shared / "corpus" / "edgecore" / "kubeedge__kubeedge__edge-ai-pc_infra_edgecore-config.yaml"
    doc = load(path)
    assert any(ord(ch) > 127 for ch in doc.text)
    e = doc.entry(("modules", "edged", "cgroupDriver"))
    assert doc.text[e.value_span.start:e.value_span.end] == "systemd"
    assert any("─" in c.text for c in doc.comments)


# -- document shape ---------------------------------------------------------------------------

def test_multi_document_stream_reads_first_and_counts_others() -> None:
    doc = load(FIXTURES / "multidoc.yaml")
    assert doc.data == {"a": 1}
    assert doc.extra_documents == 2
    assert [e.path for e in doc.entries] == [(), ("a",)]


def test_invalid_later_document_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        load(FIXTURES / "invalid_second_doc.yaml")
    assert info.value.line == 4


def test_document_start_marker_and_leading_comments() -> None:
    doc = load(FIXTURES / "docstart.yaml")
    assert doc.data == {"apiVersion": "v1", "kind": "EdgeCore"}
    assert [(c.line, c.text) for c in doc.comments] == [
        (1, " leading comment"), (2, " another"), (4, " doc marker comment")]
    root = doc.entry(())
    assert root.key_span is None and root.value_span.line == 5


def test_aliases_and_merge_keys() -> None:
    doc = load(FIXTURES / "anchors.yaml")
    assert doc.data["modules"]["edged"] == {
        "cgroupDriver": "systemd", "runtimeType": "docker",
        "remoteRuntimeEndpoint": "unix:///run/containerd/containerd.sock",
        "remoteImageEndpoint": "unix:///run/containerd/containerd.sock"}
    merged = doc.entry(("modules", "edged", "cgroupDriver"))
    assert merged.key_span is None
    assert doc.text[merged.value_span.start:merged.value_span.end] == "*defaults"
    assert ("modules", "edged", "cgroupDriver") in doc.alias_paths
    # the anchored content has its entries once, at the anchor
    own = doc.entry(("defaults", "cgroupDriver"))
    assert own.key_span is not None and doc.text[own.value_span.start:own.value_span.end] == "systemd"
    copied = doc.entry(("modules", "copy", 1))
    assert doc.text[copied.value_span.start:copied.value_span.end] == "*lst"
    assert ("modules", "copy") not in doc.alias_paths  # the key itself is written here


def test_duplicate_keys_last_wins_and_shadowed_kept() -> None:
    doc = load(FIXTURES / "duplicate_keys.yaml")
    assert doc.get(("modules", "edged", "cgroupDriver")) == "systemd"
    assert [(d.path, d.value, d.key_span.line) for d in doc.duplicate_keys] == [
        (("modules", "edged", "cgroupDriver"), "cgroupfs", 3)]
    assert len(list(doc.children(("modules", "edged")))) == 1
    with pytest.raises(EditError):
        doc.delete(("modules", "edged", "cgroupDriver"))


def test_null_forms_and_block_scalars() -> None:
    doc = load(FIXTURES / "nulls.yaml")
    assert doc.data["modules"]["edged"] == {"a": None, "b": None, "c": None, "d": None}
    b = doc.entry(("modules", "edged", "b"))
    assert b.value_span.start == b.value_span.end == b.key_span.end + 1  # right after the ':'
    doc = load(FIXTURES / "scalars.yaml")
    assert doc.data["script"] == 'echo "# not a comment"\n# still content\ndone\n'
    assert doc.data["folded"] == "folded text # with hash more"
    assert [c.text for c in doc.comments] == [" a header comment", " real"]
    script = doc.entry(("script",))
    assert doc.text[script.value_span.start:script.value_span.end].endswith("  done")


# -- 2. hostile input ---------------------------------------------------------------------------

@pytest.mark.parametrize("loader", [LIBYAML, yaml.SafeLoader], ids=["libyaml", "python"])
def test_billion_laughs_is_refused_quickly(loader: Any) -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        load(FIXTURES / "billion_laughs.yaml", loader)
    elapsed = time.perf_counter() - started
    assert "possible alias bomb" in info.value.message
    assert str(MAX_ALIAS_NODES) in info.value.message
    assert info.value.line == 6  # f: the first line whose aliases pass the limit
    print(f"refused in {elapsed * 1000:.1f} ms")


def test_alias_limit_is_a_parameter() -> None:
    path = FIXTURES / "billion_laughs.yaml"
    lines = path.read_text().splitlines(keepends=True)
    text = "".join(lines[:4])  # a..d: 9 + 81 + 729 ... expansions, about 8 300 nodes
    doc = parse(str(path), "yaml", text.encode(), text, False)
    assert len(doc.data["d"]) == 9
    with pytest.raises(ParseError) as info:
        parse(str(path), "yaml", text.encode(), text, False, max_alias_nodes=1000)
    assert "more than 1000 nodes" in info.value.message and info.value.line == 4


def test_alias_expansion_count_and_depth_are_exact() -> None:
    # a: 1 + 3 = 4 nodes, depth 2; b: 1 + (1 + 4) + (1 + 4) + (1 + 3) = 15 nodes, depth 3. Aliases
    # expand to 4 + 4 (in b) + 15 (*b) + 4 (*a in c) = 27 nodes; c reaches depth 1 + 3 + 1.
    text = "a: &a [1, 2, 3]\nb: &b {x: *a, y: *a, z: {q: 1}}\nc: [*b, [*a]]\n"
    assert parse("a.yaml", "yaml", b"", text, False, max_alias_nodes=27).data["c"][1] == [[1, 2, 3]]
    with pytest.raises(ParseError) as info:
        parse("a.yaml", "yaml", b"", text, False, max_alias_nodes=26)
    assert "more than 26 nodes" in info.value.message and (info.value.line, info.value.column) == (3, 10)
    parse("a.yaml", "yaml", b"", text, False, max_depth=5)
    with pytest.raises(ParseError) as info:
        parse("a.yaml", "yaml", b"", text, False, max_depth=4)
    assert "once aliases are expanded" in info.value.message and (info.value.line, info.value.column) == (3, 5)


def test_hash_inside_scalars_and_tags_is_not_a_comment() -> None:
    text = ("a: x#y # one\nb: 'q # r' # two\nc: \"s\n  # t\" # three\n"
            "d: !t%23x v #four\ne: |  # five\n  # not a comment\n# six\nf: [g#, h] #seven\n")
    for loader in (None, yaml.SafeLoader):
        doc = parse("h.yaml", "yaml", b"", text, False, loader=loader)
        assert [(c.line, c.column, c.text) for c in doc.comments] == [
            (1, 8, " one"), (2, 12, " two"), (4, 8, " three"), (5, 13, "four"), (6, 7, " five"), (8, 1, " six"),
            (9, 12, "seven")]
        assert doc.data["c"] == "s # t" and doc.data["e"] == "# not a comment\n" and doc.data["f"] == ["g#", "h"]


def test_recursive_alias_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        load(FIXTURES / "recursive_alias.yaml")
    assert "recursive alias" in info.value.message and info.value.line == 3


@pytest.mark.parametrize("text", [
    "[" * 5000 + "]" * 5000,
    "".join("  " * i + "k:\n" for i in range(1000)),
    "- " * 3000 + "x\n",
], ids=["flow", "block-mapping", "block-sequence"])
def test_deep_nesting_is_a_parse_error_not_recursion_error(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse("deep.yaml", "yaml", text.encode(), text, False)
    assert "deeper than" in info.value.message


def test_nesting_below_the_limit_is_fine() -> None:
    text = "".join("  " * i + "k:\n" for i in range(150)) + "  " * 150 + "leaf: 1\n"
    doc = parse("deep.yaml", "yaml", text.encode(), text, False)
    assert doc.get(("k",) * 150 + ("leaf",)) == 1


def test_invalid_yaml_message_and_position() -> None:
    with pytest.raises(ParseError) as info:
        load(FIXTURES / "invalid_indent.yaml")
    exc = info.value
    assert (exc.line, exc.column) == (5, 4)
    assert "expected key" in exc.message and "line 3" in exc.message
    assert "<unicode string>" not in exc.message


# -- 3. edits on the hard cases -------------------------------------------------------------------

def _container(data: Any, path) -> Any:
    for p in path:
        data = data[p]
    return data


def intended(data: Any, method: str, args: tuple) -> Any:
    """The data the edit is meant to produce, computed on plain Python values."""
    data = copy.deepcopy(data)
    if method == "set_value":
        path, value = args
        _container(data, path[:-1])[path[-1]] = value
    elif method == "insert":
        table, key, value = args
        top = cur = data if data is not None else {}
        for p in table:
            if isinstance(cur, dict) and cur.get(p) is None:
                cur[p] = {}
            cur = cur[p]
        cur[key] = value
        data = top
    elif method == "delete":
        (path,) = args
        del _container(data, path[:-1])[path[-1]]
    elif method == "rename":
        path, new = args
        parent = _container(data, path[:-1])
        items = [(new if k == path[-1] else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
    elif method == "move":
        path, table = args[:2]
        new = args[2] if len(args) > 2 else path[-1]
        value = _container(data, path[:-1]).pop(path[-1])
        data = intended(data, "insert", (table, new, value))
    return data


# (fixture, method, args, old text, new text[, also]): the edit must turn the file into
# file.replace(old, new) exactly; `also` adjusts the intended data for aliased copies.
CASES = [
    ("crlf", "set_value", (("modules", "edged", "cgroupDriver"), "systemd"),
     "    cgroupDriver: cgroupfs  # match containerd\n", "    cgroupDriver: systemd  # match containerd\n"),
    ("crlf", "insert", (("modules", "edged", "tailoredKubeletConfig"), "cgroupDriver", "systemd"),
     "    runtimeType: remote\n",
     "    runtimeType: remote\n    tailoredKubeletConfig:\n      cgroupDriver: systemd\n"),
    ("crlf", "delete", (("modules", "edged", "cgroupDriver"),),
     "  edged:\n    cgroupDriver: cgroupfs  # match containerd\n", "  edged:\n"),
    ("crlf", "delete", (("modules", "edgeHub", "heartbeat"),),
     "  edgeHub:\n    heartbeat: 15\n", "  edgeHub: {}\n"),
    ("crlf", "rename", (("modules", "edgeHub"), "hub"), "  edgeHub:\n", "  hub:\n"),
    ("crlf", "move", (("modules", "edged", "cgroupDriver"), ("modules", "edged", "tailoredKubeletConfig")),
     "    cgroupDriver: cgroupfs  # match containerd\n    runtimeType: remote\n",
     "    runtimeType: remote\n    tailoredKubeletConfig:\n      cgroupDriver: cgroupfs  # match containerd\n"),

    ("bom", "set_value", (("kind",), "EdgeCore2"), "kind: EdgeCore\n", "kind: EdgeCore2\n"),
    ("bom", "insert", (("modules", "edged"), "runtimeType", "remote"),
     "    cgroupDriver: systemd\n", "    cgroupDriver: systemd\n    runtimeType: remote\n"),
    ("bom", "delete", (("apiVersion",),), "apiVersion: edgecore.config.kubeedge.io/v1alpha2\n", ""),
    ("bom", "rename", (("modules", "edged"), "edgeD"), "  edged:\n", "  edgeD:\n"),
    ("bom", "move", (("modules", "edged", "cgroupDriver"), ("modules", "edged", "tailoredKubeletConfig")),
     "  edged:\n    cgroupDriver: systemd\n", "  edged:\n    tailoredKubeletConfig:\n      cgroupDriver: systemd\n"),

    ("tabs", "set_value", (("modules", "edged", "hostnameOverride"), "node\t02"),
     "    hostnameOverride: node\t01\n", '    hostnameOverride: "node\\t02"\n'),
    ("tabs", "set_value", (("modules", "edged", "nodeIP"), "10.0.0.2"),
     "    nodeIP: 10.0.0.1\t# tab", "    nodeIP: 10.0.0.2\t# tab"),
    ("tabs", "set_value", (("modules", "edged", "note"), "c\td"), '    note: "a\tb"\n', '    note: "c\\td"\n'),
    ("tabs", "delete", (("modules", "edged", "trailing"),), "    trailing: value\t\n", ""),
    ("tabs", "rename", (("modules", "edged", "trailing"), "last"), "    trailing: value\t\n", "    last: value\t\n"),
    ("tabs", "insert", (("modules", "edged"), "k", "v"), "    trailing: value\t\n", "    trailing: value\t\n    k: v\n"),
    ("tabs", "move", (("modules", "edged", "nodeIP"), ("modules", "net")),
     '    nodeIP: 10.0.0.1\t# tab before comment\n    note: "a\tb"\n    trailing: value\t\n',
     '    note: "a\tb"\n    trailing: value\t\n  net:\n    nodeIP: 10.0.0.1\t# tab before comment\n'),

    ("no_final_newline", "set_value", (("modules", "edged", "runtimeType"), "remote"),
     "    runtimeType: docker", "    runtimeType: remote"),
    ("no_final_newline", "insert", (("modules", "edged"), "k", "v"),
     "    runtimeType: docker", "    runtimeType: docker\n    k: v"),
    ("no_final_newline", "delete", (("modules", "edged", "runtimeType"),),
     "cgroupfs\n    runtimeType: docker", "cgroupfs"),
    ("no_final_newline", "delete", (("modules", "edged", "cgroupDriver"),), "    cgroupDriver: cgroupfs\n", ""),
    ("no_final_newline", "rename", (("modules", "edged", "runtimeType"), "rt"),
     "    runtimeType: docker", "    rt: docker"),
    ("no_final_newline", "move", (("modules", "edged", "runtimeType"), ("top",)),
     "\n    runtimeType: docker", "\ntop:\n  runtimeType: docker"),
    ("no_final_newline", "move", (("modules", "edged", "cgroupDriver"), ("modules", "tkc")),
     "    cgroupDriver: cgroupfs\n    runtimeType: docker",
     "    runtimeType: docker\n  tkc:\n    cgroupDriver: cgroupfs"),

    ("anchors", "set_value", (("modules", "edged", "runtimeType"), "remote"),
     "    runtimeType: docker\n", "    runtimeType: remote\n"),
    ("anchors", "set_value", (("modules", "edged", "remoteImageEndpoint"), "unix:///x.sock"),
     "    remoteImageEndpoint: *ep\n", "    remoteImageEndpoint: unix:///x.sock\n"),
    ("anchors", "set_value", (("defaults", "cgroupDriver"), "cgroupfs"),
     "  cgroupDriver: systemd\n", "  cgroupDriver: cgroupfs\n",
     lambda d: d["modules"]["edged"].__setitem__("cgroupDriver", "cgroupfs")),
    ("anchors", "set_value", (("endpoint",), "unix:///run/crio/crio.sock"),
     "endpoint: &ep unix:///run/containerd/containerd.sock\n", "endpoint: &ep unix:///run/crio/crio.sock\n",
     lambda d: d["modules"]["edged"].update(remoteRuntimeEndpoint="unix:///run/crio/crio.sock",
                                            remoteImageEndpoint="unix:///run/crio/crio.sock")),
    ("anchors", "insert", (("modules", "edged"), "x", "y"),
     "    remoteImageEndpoint: *ep\n", "    remoteImageEndpoint: *ep\n    x: y\n"),
    ("anchors", "delete", (("modules", "list", 0),), "    - a\n", "",
     lambda d: d["modules"]["copy"].pop(0)),
    ("anchors", "delete", (("modules", "edged", "remoteRuntimeEndpoint"),),
     "    remoteRuntimeEndpoint: *ep\n", ""),
    ("anchors", "rename", (("modules", "list"),  "items"), "  list: &lst\n", "  items: &lst\n"),
    ("anchors", "move", (("modules", "copy"), ("top",)), "  copy: *lst\n", "top:\n  copy: *lst\n"),

    ("flow", "set_value", (("modules", "edged", "cgroupDriver"), "systemd"),
     "{cgroupDriver: cgroupfs,", "{cgroupDriver: systemd,"),
    ("flow", "set_value", (("extra", "a"), "x, y"), "{a: 1,", '{a: "x, y",'),
    ("flow", "insert", (("modules", "edged"), "x", "y"), "runtimeType: remote}", "runtimeType: remote, x: y}"),
    ("flow", "insert", (("empty",), "k", [1, 2]), "empty: {}", "empty: {k: [1, 2]}"),
    ("flow", "insert", (("modules", "edged", "tkc"), "cgroupDriver", "systemd"),
     "runtimeType: remote}", "runtimeType: remote, tkc: {cgroupDriver: systemd}}"),
    ("flow", "delete", (("modules", "edged", "cgroupDriver"),), "{cgroupDriver: cgroupfs, ", "{"),
    ("flow", "delete", (("modules", "edged", "runtimeType"),), ", runtimeType: remote}", "}"),
    ("flow", "delete", (("extra", "b", 1),), "[1,2]", "[1]"),
    ("flow", "delete", (("modules", "dns", 0),), "[1.1.1.1, 8.8.8.8]", "[8.8.8.8]"),
    ("flow", "rename", (("modules", "dns"), "nameservers"), "dns:", "nameservers:"),
    ("flow", "move", (("extra", "a"), ("modules", "edged")),
     "runtimeType: remote}, dns: [1.1.1.1, 8.8.8.8]}\nextra: {a: 1, b: [1,2]}",
     "runtimeType: remote, a: 1}, dns: [1.1.1.1, 8.8.8.8]}\nextra: {b: [1,2]}"),
    ("flow", "move", (("extra", "b"), ("top",)),
     "extra: {a: 1, b: [1,2]}\nempty: {}\n", "extra: {a: 1}\nempty: {}\ntop:\n  b: [1,2]\n"),

    ("quoted_keys", "set_value", (("single",), "2"), "'single': \"two\"", "'single': \"2\""),
    ("quoted_keys", "set_value", (("plain",), "it's"), "plain: 'three'", "plain: 'it''s'"),
    ("quoted_keys", "set_value", (("0",), "true"), '"0": zero', '"0": "true"'),
    ("quoted_keys", "rename", (("quoted key",), "new key"), '"quoted key": 1', '"new key": 1'),
    ("quoted_keys", "rename", (("plain",), "yes"), "plain: 'three'", "\"yes\": 'three'"),
    ("quoted_keys", "insert", ((), "a: b", "c"), '"true": "yes"\n', '"true": "yes"\n"a: b": c\n'),
    ("quoted_keys", "delete", (("true",),), '"true": "yes"\n', ""),
    ("quoted_keys", "move", (("single",), ("nested",), "moved"),
     "'single': \"two\"\nplain: 'three'\n\"0\": zero\n\"true\": \"yes\"\n",
     "plain: 'three'\n\"0\": zero\n\"true\": \"yes\"\nnested:\n  'moved': \"two\"\n"),

    ("comments", "set_value", (("modules", "edged", "cgroupDriver"), "systemd"),
     "cgroupDriver: cgroupfs # after", "cgroupDriver: systemd # after"),
    ("comments", "insert", (("modules", "edged"), "x", "y"),
     "      # deeper comment after value\n", "      # deeper comment after value\n    x: y\n"),
    ("comments", "insert", (("modules",), "x", "y"), "    mqttMode: 2\n", "    mqttMode: 2\n  x: y\n"),
    ("comments", "delete", (("modules", "edged", "cgroupDriver"),),
     "    # inside edged, before first key\n    cgroupDriver: cgroupfs # after value\n", ""),
    ("comments", "delete", (("modules", "edged", "runtimeType"),),
     "    # between items\n    runtimeType: remote   # trailing\n      # deeper comment after value\n", ""),
    ("comments", "delete", (("modules", "eventBus"),), "  # before eventBus\n  eventBus:\n    mqttMode: 2\n", ""),
    ("comments", "rename", (("modules", "edged"), "edgeD"), "  edged:\n", "  edgeD:\n"),
    ("comments", "move", (("modules", "edged", "runtimeType"), ("modules", "eventBus")),
     "    # between items\n    runtimeType: remote   # trailing\n      # deeper comment after value\n"
     "\n  # before eventBus\n  eventBus:\n    mqttMode: 2\n",
     "\n  # before eventBus\n  eventBus:\n    mqttMode: 2\n"
     "    # between items\n    runtimeType: remote   # trailing\n      # deeper comment after value\n"),
    ("comments", "move", (("modules", "edged", "cgroupDriver"), ("modules", "edged", "tkc")),
     "    # inside edged, before first key\n    cgroupDriver: cgroupfs # after value\n"
     "    # between items\n    runtimeType: remote   # trailing\n      # deeper comment after value\n",
     "    # between items\n    runtimeType: remote   # trailing\n      # deeper comment after value\n"
     "    tkc:\n      # inside edged, before first key\n      cgroupDriver: cgroupfs # after value\n"),
    ("comments", "set_value", (("modules", "edged"), "off"),
     "  edged:\n    # inside edged, before first key\n    cgroupDriver: cgroupfs # after value\n"
     "    # between items\n    runtimeType: remote   # trailing\n      # deeper comment after value\n",
     '  edged: "off"\n'),
    ("comments", "set_value", (("modules",), None),
     "modules:  # modules comment\n" + "".join(f"{line}\n" for line in [
         "  # before edged", "  edged:", "    # inside edged, before first key",
         "    cgroupDriver: cgroupfs # after value", "    # between items", "    runtimeType: remote   # trailing",
         "      # deeper comment after value", "", "  # before eventBus", "  eventBus:", "    mqttMode: 2"]),
     "modules: null  # modules comment\n"),

    ("nulls", "set_value", (("modules", "edged", "a"), "x"), "    a: null\n", "    a: x\n"),
    ("nulls", "set_value", (("modules", "edged", "b"), "x"), "    b:\n", "    b: x\n"),
    ("nulls", "set_value", (("modules", "edged", "c"), 5), "    c: ~\n", "    c: 5\n"),
    ("nulls", "set_value", (("modules", "edged", "d"), True), "    d: Null\n", "    d: true\n"),
    ("nulls", "set_value", (("modules", "edged", "b"), {"k": 1}), "    b:\n", "    b: {k: 1}\n"),
    ("nulls", "insert", (("modules", "empty"), "k", "v"), "  empty:\n", "  empty:\n    k: v\n"),
    ("nulls", "insert", (("modules", "tilde"), "k", {"a": [1, 2]}),
     "  tilde: ~  # nothing yet\n", "  tilde:  # nothing yet\n    k:\n      a:\n        - 1\n        - 2\n"),
    ("nulls", "insert", (("modules", "empty", "deep"), "k", "v"), "  empty:\n", "  empty:\n    deep:\n      k: v\n"),
    ("nulls", "insert", (("modules", "edged", "b"), "k", "v"), "    b:\n", "    b:\n      k: v\n"),
    ("nulls", "delete", (("modules", "edged", "b"),), "    b:\n", ""),
    ("nulls", "rename", (("modules", "empty"), "vacant"), "  empty:\n", "  vacant:\n"),
    ("nulls", "move", (("modules", "edged", "b"), ("modules", "empty")),
     "    b:\n    c: ~\n    d: Null\n  empty:\n", "    c: ~\n    d: Null\n  empty:\n    b:\n"),
    ("nulls", "move", (("modules", "tilde"), ("modules", "edged")),
     "    d: Null\n  empty:\n  tilde: ~  # nothing yet\n", "    d: Null\n    tilde: ~  # nothing yet\n  empty:\n"),

    ("scalars", "set_value", (("description",), "short"),
     "description: this is a long\n  plain scalar over\n  three lines\n", "description: short\n"),
    ("scalars", "set_value", (("script",), "echo hi"),
     'script: |\n  echo "# not a comment"\n  # still content\n  done\n', "script: echo hi\n"),
    ("scalars", "set_value", (("script",), "line1\n  line2\n# three\n"),
     '  echo "# not a comment"\n  # still content\n  done\n', "  line1\n    line2\n  # three\n"),
    ("scalars", "set_value", (("script",), "a\nb"),
     'script: |\n  echo "# not a comment"\n  # still content\n  done\n', "script: |-\n  a\n  b\n"),
    ("scalars", "set_value", (("folded",), "x"),
     "folded: >- # a header comment\n  folded text # with hash\n  more\n", "folded: x # a header comment\n"),
    ("scalars", "set_value", (("quoted",), "c # d"), 'quoted: "a # b"', 'quoted: "c # d"'),
    ("scalars", "set_value", (("url",), "http://y/#z"), "url: http://x/#frag", "url: http://y/#z"),
    ("scalars", "set_value", (("after",), "multi\nline"), "after: 1 # real", 'after: "multi\\nline" # real'),
    ("scalars", "delete", (("script",),), 'script: |\n  echo "# not a comment"\n  # still content\n  done\n', ""),
    ("scalars", "delete", (("folded",),), "folded: >- # a header comment\n  folded text # with hash\n  more\n", ""),
    ("scalars", "delete", (("description",),), "description: this is a long\n  plain scalar over\n  three lines\n", ""),
    ("scalars", "insert", ((), "k", "v"), "after: 1 # real\n", "after: 1 # real\nk: v\n"),
    ("scalars", "rename", (("folded",), "f"), "folded: >-", "f: >-"),
    ("scalars", "move", (("script",), ("nested",)),
     'script: |\n  echo "# not a comment"\n  # still content\n  done\n'
     'folded: >- # a header comment\n  folded text # with hash\n  more\n\nquoted: "a # b"\nurl: http://x/#frag\n'
     "after: 1 # real\n",
     'folded: >- # a header comment\n  folded text # with hash\n  more\n\nquoted: "a # b"\nurl: http://x/#frag\n'
     'after: 1 # real\nnested:\n  script: |\n    echo "# not a comment"\n    # still content\n    done\n'),

    ("docstart", "set_value", (("kind",), "X"), "kind: EdgeCore\n", "kind: X\n"),
    ("docstart", "insert", ((), "k", "v"), "kind: EdgeCore\n", "kind: EdgeCore\nk: v\n"),
    ("docstart", "insert", (("modules", "edged"), "k", "v"),
     "kind: EdgeCore\n", "kind: EdgeCore\nmodules:\n  edged:\n    k: v\n"),
    ("docstart", "delete", (("apiVersion",),), "apiVersion: v1\n", ""),
    ("docstart", "rename", (("kind",), "Kind"), "kind: EdgeCore", "Kind: EdgeCore"),
    ("docstart", "move", (("apiVersion",), ("meta",)),
     "apiVersion: v1\nkind: EdgeCore\n", "kind: EdgeCore\nmeta:\n  apiVersion: v1\n"),

    ("sequences", "set_value", (("indented", 0, "value"), 7), "    value: 1\n", "    value: 7\n"),
    ("sequences", "set_value", (("indented", 1), "flat"), "  - name: b\n    value: 2\n", "  - flat\n"),
    ("sequences", "set_value", (("scalars", 1), "no"), "- y\n", '- "no"\n'),
    ("sequences", "insert", (("indented", 0), "extra", "x"), "    value: 1\n", "    value: 1\n    extra: x\n"),
    ("sequences", "insert", (("indentless", 1), "extra", "x"), "  value: 4\n", "  value: 4\n  extra: x\n"),
    ("sequences", "insert", ((), "new", [{"name": "e", "value": 5}, "z"]),
     "- y\n", "- y\nnew:\n  - name: e\n    value: 5\n  - z\n"),
    ("sequences", "delete", (("indented", 0, "name"),), "  - name: a\n    value: 1\n", "  - value: 1\n"),
    ("sequences", "delete", (("indented", 1, "value"),), "    value: 2\n", ""),
    ("sequences", "delete", (("indentless", 0),), "- name: c\n  value: 3\n", ""),
    ("sequences", "delete", (("scalars", 0),), "- x\n", ""),
    ("sequences", "rename", (("indentless", 0, "name"), "id"), "- name: c\n", "- id: c\n"),
    ("sequences", "move", (("indented", 0, "value"), ("indented", 1, "old")),
     "    value: 1\n  - name: b\n    value: 2\n", "  - name: b\n    value: 2\n    old:\n      value: 1\n"),
    ("sequences", "move", (("indentless",), ("wrap",)),
     "indentless:\n- name: c\n  value: 3\n- name: d\n  value: 4\nscalars:\n- x\n- y\n",
     "scalars:\n- x\n- y\nwrap:\n  indentless:\n  - name: c\n    value: 3\n  - name: d\n    value: 4\n"),

    ("multidoc", "set_value", (("a",), 2), "a: 1\n", "a: 2\n"),
    ("multidoc", "insert", ((), "k", "v"), "a: 1\n", "a: 1\nk: v\n"),
    ("multidoc", "delete", (("a",),), "a: 1\n", "{}\n"),
]


def _case_id(case: tuple) -> str:
    fixture, method, args = case[:3]
    target = ".".join(str(p) for p in args[0]) or "root"
    return f"{fixture}-{method}-{target}-{'-'.join(str(a) for a in args[1:])[:20]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_edit_changes_exactly_the_expected_text(case: tuple) -> None:
    fixture, method, args, old, new = case[:5]
    also = case[5] if len(case) > 5 else None
    path = FIXTURES / f"{fixture}.yaml"
    doc = load(path)
    if doc.newline == "\r\n":
        old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
    assert doc.text.count(old) == 1, "the case's old text must pick one place"
    before = copy.deepcopy(doc.data)

    edits = getattr(doc, method)(*args)

    assert doc.data == before and doc.to_bytes() == path.read_bytes()  # builders never mutate
    result, applied, deferred = apply_edits(doc.text, edits)
    assert not deferred and len(applied) == len(edits)
    assert result == doc.text.replace(old, new)
    expected = intended(before, method, args)
    if also is not None:
        also(expected)
    after = reparse(result)
    assert after.data == expected
    first_doc = next(yaml.load_all(result, Loader=LIBYAML))
    assert first_doc == expected
    check_spans(after)


def test_each_fixture_with_edits_gets_every_kind_of_edit() -> None:
    kinds = {}
    for case in CASES:
        kinds.setdefault(case[0], set()).add(case[1])
    hard = {"crlf", "bom", "tabs", "no_final_newline", "anchors", "flow", "quoted_keys",
            "comments", "nulls", "scalars", "docstart", "sequences"}
    for name in hard:
        assert kinds[name] >= {"set_value", "insert", "delete", "rename", "move"}, name


def test_set_value_to_the_current_value_is_no_edit() -> None:
    doc = load(FIXTURES / "crlf.yaml")
    assert doc.set_value(("modules", "edged", "cgroupDriver"), "cgroupfs") == []
    assert doc.set_value(("modules", "edgeHub", "heartbeat"), 15) == []


def test_set_value_keeps_style_when_possible() -> None:
    doc = load(FIXTURES / "quoted_keys.yaml")
    new = apply_edits(doc.text, doc.set_value(("single",), 'say "hi"'))[0]
    assert "'single': \"say \\\"hi\\\"\"\n" in new
    new = apply_edits(doc.text, doc.set_value(("plain",), "x\ny"))[0]
    assert 'plain: "x\\ny"\n' in new  # a newline cannot stay in single quotes
    for value, written in [("10", '"10"'), ("1.5", '"1.5"'), ("null", '"null"'), ("a: b", '"a: b"'),
                           ("-x", "-x"), ("", '""'), (1e20, "1.0e+20"), (False, "false"), (None, "null")]:
        doc = load(FIXTURES / "crlf.yaml")
        new = apply_edits(doc.text, doc.set_value(("modules", "edged", "runtimeType"), value))[0]
        assert f"    runtimeType: {written}\r\n" in new
        assert reparse(new).get(("modules", "edged", "runtimeType")) == value


@pytest.mark.parametrize("fixture, method, args, reason", [
    ("anchors", "set_value", (("modules", "edged", "cgroupDriver"), "x"), "alias or merge"),
    ("anchors", "delete", (("modules", "copy", 0),), "alias or merge"),
    ("anchors", "delete", (("modules", "edged", "runtimeType"),), "overrides a key merged"),
    ("anchors", "rename", (("modules", "edged", "runtimeType"), "rt"), "overrides a key merged"),
    ("anchors", "delete", (("defaults",),), "undefined alias"),
    ("anchors", "move", (("endpoint",), ("modules", "edged", "ep")), "undefined alias"),
    ("duplicate_keys", "rename", (("modules", "edged", "cgroupDriver"), "x"), "more than once"),
    ("crlf", "set_value", (("modules", "missing"), 1), "does not exist"),
    ("crlf", "insert", (("modules", "edged"), "runtimeType", "x"), "already exists"),
    ("crlf", "insert", (("modules", "edged", "runtimeType"), "k", "v"), "not a mapping"),
    ("crlf", "insert", (("modules",), 5, "v"), "keys must be strings"),
    ("crlf", "rename", (("modules", "edged"), "edgeHub"), "already exists"),
    ("crlf", "move", (("modules",), ("modules", "edged", "x")), "into itself"),
    ("crlf", "move", (("modules", "edged", "runtimeType"), ("modules", "edgeHub", "heartbeat")), "not a mapping"),
    ("sequences", "insert", (("scalars",), "k", "v"), "not a mapping"),
    ("sequences", "move", (("indented", 0),), "sequence item"),
    ("scalars", "set_value", (("script",), ["a"]), "block value"),
    ("keep_chomp", "insert", (("modules", "edged"), "k", "v"), "keep-chomping"),
    ("flow", "move", (("modules", "edged"), ("extra",)), None),
])
def test_unsupported_edits_raise(fixture: str, method: str, args: tuple, reason: Optional[str]) -> None:
    doc = load(FIXTURES / f"{fixture}.yaml")
    if method == "move" and len(args) == 1:
        args = args + (("x",),)
    if reason is None:  # a flow mapping moved into a flow mapping is fine; check it instead
        new = apply_edits(doc.text, doc.move(*args))[0]
        assert reparse(new).data == intended(doc.data, "move", args)
        return
    with pytest.raises(EditError) as info:
        getattr(doc, method)(*args)
    assert reason in str(info.value)


def test_insert_after_a_bare_document_start() -> None:
    text = "# edgecore\n---\n"
    doc = parse("start.yaml", "edgecore", text.encode(), text, False)
    new = apply_edits(text, doc.insert((), "apiVersion", "v1"))[0]
    assert new == "# edgecore\n---\napiVersion: v1\n"


def test_insert_into_empty_document() -> None:
    text = "# only a comment\n"
    doc = parse("empty.yaml", "edgecore", text.encode(), text, False)
    assert doc.data is None and doc.entry(()) is not None
    new = apply_edits(text, doc.insert(("modules", "edged"), "cgroupDriver", "systemd"))[0]
    assert new == "# only a comment\nmodules:\n  edged:\n    cgroupDriver: systemd\n"


def test_edits_on_real_edgecore_files(shared: Path) -> None:
    """A typical fix on every real edgecore file: set, insert nested, move, delete."""
    for path in corpus_files("edgecore"):
        doc = load(path)
        edged = ("modules", "edged")
        if not isinstance(doc.get(edged), dict):
            continue
        ops: List[tuple] = [("insert", (edged + ("tailoredKubeletConfig", "rtlintProbe"), "k", "v"))]
        if doc.has(edged + ("cgroupDriver",)):
            ops += [("set_value", (edged + ("cgroupDriver",), "systemd")),
                    ("delete", (edged + ("cgroupDriver",),)),
                    ("rename", (edged + ("cgroupDriver",), "cgroupDriverOld"))]
            if not doc.has(edged + ("tailoredKubeletConfig", "cgroupDriver")):
                ops.append(("move", (edged + ("cgroupDriver",), edged + ("tailoredKubeletConfig",))))
        for method, args in ops:
            edits = getattr(doc, method)(*args)
            result = apply_edits(doc.text, edits)[0]
            after = reparse(result)
            assert after.data == intended(doc.data, method, args), (path.name, method)
            changed = [ln for ln in result.splitlines() if ln not in doc.text.splitlines()]
            assert len(changed) <= 4, (path.name, method, changed)


ANCHORED = [("defaults",), ("endpoint",), ("modules", "list")]  # the anchors of anchors.yaml
EDITABLE = sorted(p for p in FIXTURES.glob("*.yaml")
                  if not p.name.startswith(("invalid", "recursive", "billion", "multidoc")))


@pytest.mark.parametrize("path", EDITABLE, ids=lambda p: p.name)
def test_every_edit_on_every_entry_is_exact_or_refused(path: Path) -> None:
    """Each builder on each entry: the result re-reads as intended, or EditError says why not."""
    doc = load(path)
    done = 0
    for e in list(doc.entries):
        if not e.path:
            continue
        ops: List[tuple] = [("delete", (e.path,)), ("set_value", (e.path, "new value")),
                            ("set_value", (e.path, 42))]
        if isinstance(e.path[-1], str):
            ops += [("rename", (e.path, e.path[-1] + "X")), ("move", (e.path, ("zzTarget", "deep"))),
                    ("insert", (e.path, "newKey", {"a": [1, "b"]}))]
            if len(e.path) > 1:
                ops.append(("move", (e.path, e.path[:-2] + ("zzNew",))))
        for method, args in ops:
            try:
                edits = getattr(doc, method)(*args)
            except EditError as exc:
                assert str(exc)
                continue
            result = apply_edits(doc.text, edits)[0]
            after = reparse(result)
            assert after.data == libyaml_data(result)
            if path.name == "anchors.yaml" and any(e.path[:len(a)] == a for a in ANCHORED):
                continue  # anchored content: its aliases change along (checked in CASES)
            assert after.data == intended(doc.data, method, args), (method, args)
            done += 1
    assert done >= 10
