"""The TOML layer on real files: lossless, every span points at the right text, every edit is exact.

Edits are checked twice: the new text must equal the old text with exactly the
stated fragments replaced, and re-parsing it must give the old data changed
exactly as the operation says (implicit parent tables, which have no text of
their own, disappear when their last content is deleted).
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, List, Sequence, Tuple

import pytest
from conftest import broken_notes, corpus_files

from rtlint.document import EditError, Entry, ParseError, Span, apply_edits
from rtlint.formats.toml import _ENTRY_FIELDS, TomlDocument, _Scanner, parse, render_value

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "toml"
CRI = "io.containerd.grpc.v1.cri"
RUNC = ("plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc")


# -- helpers ---------------------------------------------------------------------------

def load_bytes(raw: bytes, name: str = "config.toml") -> TomlDocument:
    bom = raw.startswith(b"\xef\xbb\xbf")
    return parse(name, "containerd", raw, raw.decode("utf-8-sig"), bom)


def fixture(name: str) -> TomlDocument:
    return load_bytes((FIXTURES / name).read_bytes(), name)


def is_broken(rel: str) -> bool:
    notes = broken_notes().get(rel, "")
    return notes.startswith("BROKEN") or "TOML-PARSE-ERROR" in notes


def _walk(data: Any, path: Sequence[Any]) -> Any:
    for p in path:
        data = data[p]
    return data


def _remove(data: Any, path: Sequence[Any]) -> Any:
    parent = _walk(data, path[:-1])
    return parent.pop(path[-1])


def _insert(data: Any, table: Sequence[Any], key: str, value: Any) -> None:
    cur = data
    for p in table:
        cur = cur.setdefault(p, {}) if isinstance(cur, dict) else cur[p]
    cur[key] = value


def _prune(doc: TomlDocument, data: Any, path: Sequence[Any]) -> None:
    """Implicit tables (and arrays of tables) left empty by a removal are gone from the text too."""
    for k in range(len(path) - 1, 0, -1):
        table = doc.table(tuple(path[:k]))
        try:
            value = _walk(data, path[:k])
        except (KeyError, IndexError):
            continue
        if table is None or table.kind not in ("implicit", "dotted", "array") or value:
            return
        _remove(data, path[:k])


def expected_data(doc: TomlDocument, op: str, args: Tuple[Any, ...]) -> Any:
    """The document's data after `op`, computed on plain Python values."""
    data = copy.deepcopy(doc.data)
    if op == "set_value":
        path, value = args
        _walk(data, path[:-1])[path[-1]] = value
    elif op == "delete":
        _remove(data, args[0])
        _prune(doc, data, args[0])
    elif op == "insert":
        _insert(data, *args)
    elif op == "append":
        _walk(data, args[0]).append(args[1])
    elif op == "rename":
        path, new = args
        parent = _walk(data, path[:-1])
        parent[new] = parent.pop(path[-1])
    elif op == "move":
        path, table = args[0], args[1]
        new_key = args[2] if len(args) > 2 and args[2] is not None else path[-1]
        value = _remove(data, path)
        _prune(doc, data, path)
        _insert(data, table, new_key, value)
    else:  # pragma: no cover - a typo in a test case
        raise AssertionError(op)
    return data


def apply(doc: TomlDocument, op: str, args: Tuple[Any, ...]) -> str:
    edits = getattr(doc, op)(*args)
    text, _, deferred = apply_edits(doc.text, edits)
    assert not deferred, f"{op} produced overlapping edits: {edits}"
    return text


def reparse(doc: TomlDocument, text: str) -> TomlDocument:
    """Round-trip through bytes the way a fixer writes files (BOM kept)."""
    return load_bytes(doc.encode(text), doc.path)


def _value_of(snippet: str) -> Any:
    return tomllib.loads("x = " + snippet)["x"]


def _key_parts(snippet: str) -> List[str]:
    """Parse a key as written (`a."b.c"`) into its unquoted parts."""
    data = tomllib.loads(snippet + " = 0")
    parts = []
    while isinstance(data, dict):
        (k, data), = data.items()
        parts.append(k)
    return parts


# -- 1. the corpus --------------------------------------------------------------------

CORPUS = corpus_files("containerd") + corpus_files("crio")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file(path: Path) -> None:
    raw = path.read_bytes()
    rel = f"{path.parent.name}/{path.name}"
    if is_broken(rel):
        with pytest.raises(ParseError) as err:
            load_bytes(raw, str(path))
        assert 1 <= err.value.line <= raw.count(b"\n") + 1
        assert err.value.column >= 1
        assert "(at line" not in err.value.message and err.value.message
        return
    doc = load_bytes(raw, str(path))
    text = doc.text
    assert doc.format == "toml"
    assert doc.to_bytes() == raw
    assert doc.encode(text) == raw
    assert doc.data == tomllib.loads(text)
    assert doc.entries[0].path == () and doc.entries[0].value == doc.data

    lines = [e.span.line for e in doc.entries]
    assert lines == sorted(lines), "entries are not in document order"
    for e in doc.entries:  # the scanner builds some Spans by hand: they must be ordinary Spans
        for span in (e.key_span, e.value_span):
            if span is not None:
                made = doc.index.span(span.start, span.end)
                assert type(span) is Span and span == made and repr(span) == repr(made)
    assert len({e.path for e in doc.entries}) == len(doc.entries), "a path has two entries"

    checked = 0
    for e in doc.entries[1:]:
        assert e.value == _walk(doc.data, e.path)
        vtext = text[e.value_span.start:e.value_span.end]
        if e.key_span is None:
            table = doc.table(e.path)
            if isinstance(e.path[-1], int) and (table is None or table.kind == "inline"):
                assert _value_of(vtext) == e.value  # an array element
            elif table.kind == "array":
                assert vtext.startswith("[[")
            else:  # an implicit table: the key parts that created it
                parts = [p for p in e.path if isinstance(p, str)]
                assert _key_parts(vtext) == parts[-len(_key_parts(vtext)):]
            continue
        ktext = text[e.key_span.start:e.key_span.end]
        if e.key_span == e.value_span:  # a table header
            assert ktext.startswith("[") and ktext.endswith("]")
            assert doc.table_header(e.path) == e.key_span
            header = tomllib.loads(ktext + "\n")
            assert _key_parts_of(header) == [p for p in e.path if isinstance(p, str)]
            continue
        parts = _key_parts(ktext)
        assert list(e.path[-len(parts):]) == parts, (ktext, e.path)
        assert _value_of(vtext) == e.value, (e.path, vtext)
        assert (e.key_span.line, e.key_span.column) == doc.index.position(e.key_span.start)
        checked += 1
    assert checked or not doc.data

    for c in doc.comments:
        start = doc.index.offset(c.line, c.column)
        assert text[start] == "#" and text[start + 1:].startswith(c.text)
        assert "\n" not in c.text and "\r" not in c.text


def _key_parts_of(data: Any) -> List[str]:
    parts = []
    while isinstance(data, (dict, list)) and data:
        if isinstance(data, list):
            data = data[-1]
            continue
        (k, data), = data.items()
        parts.append(k)
    return parts


def test_corpus_has_broken_and_good_files() -> None:
    if not CORPUS:
        pytest.skip("no corpus here")
    broken = [p for p in CORPUS if is_broken(f"{p.parent.name}/{p.name}")]
    assert 0 < len(broken) < len(CORPUS) // 4


def _sweep_ops(doc: TomlDocument, every: int) -> List[Tuple[str, Tuple[Any, ...]]]:
    """A spread of edits over a document: delete/set/rename/move keys, insert into every table kind."""
    tables = [t.path for t in doc.tables() if t.kind not in ("array",)]
    ops: List[Tuple[str, Tuple[Any, ...]]] = [("insert", ((), "rtlint_root", 1)),
                                             ("insert", (("rtlint", "new"), "k", "v"))]
    for i, e in enumerate(doc.entries[1:]):
        if i % every:
            continue
        p = e.path
        ops.append(("delete", (p,)))
        table = doc.table(p)
        if table is None or table.kind == "inline":
            v = e.value
            if isinstance(v, bool):
                new: Any = not v
            elif isinstance(v, (int, float)):
                new = v + 1
            elif isinstance(v, str):
                new = v + " x#[=]'"
            else:
                new = ["x"]
            ops.append(("set_value", (p, new)))
            if isinstance(v, list) and not (table and table.kind == "array"):
                ops.append(("append", (p, "appended")))
            if isinstance(p[-1], str):
                ops.append(("rename", (p, p[-1] + "_renamed")))
                ops.append(("move", (p, tables[(i * 7) % len(tables)], "moved_key")))
        elif isinstance(p[-1], str):
            ops.append(("rename", (p, p[-1] + "_renamed")))
        if table is not None and table.kind != "array":
            ops.append(("insert", (p, "rtlint_new", "v")))
            ops.append(("insert", (p + ("sub", "a b"), "k", [1])))
    return ops


def _check_sweep(doc: TomlDocument, every: int) -> None:
    done = 0
    for op, args in _sweep_ops(doc, every):
        try:
            text = apply(doc, op, args)
        except EditError:
            continue  # e.g. the key already exists in the target table
        assert reparse(doc, text).data == expected_data(doc, op, args), (op, args)
        done += 1
    assert done


@pytest.mark.parametrize("path", [p for p in CORPUS if not is_broken(f"{p.parent.name}/{p.name}")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_edits_give_intended_data(path: Path) -> None:
    _check_sweep(load_bytes(path.read_bytes(), str(path)), every=5)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.toml")))
def test_fixture_edits_give_intended_data(name: str) -> None:
    _check_sweep(fixture(name), every=1)


# -- 2. exact edits on the hard cases ---------------------------------------------------

CASES: List[Tuple[str, str, Tuple[Any, ...], List[Tuple[str, str]]]] = [
    # CRLF + BOM: new lines use CRLF, the BOM survives
    ("crlf_bom.toml", "set_value", (("plugins", CRI, "containerd", "runtimes", "runc", "options", "SystemdCgroup"), True),
     [("SystemdCgroup = false\r\n", "SystemdCgroup = true\r\n")]),
    ("crlf_bom.toml", "insert", (("plugins", CRI, "containerd", "runtimes", "runc", "options"), "BinaryName", "/usr/bin/runc"),
     [("      SystemdCgroup = false\r\n", "      SystemdCgroup = false\r\n      BinaryName = \"/usr/bin/runc\"\r\n")]),
    ("crlf_bom.toml", "insert", (("plugins", CRI, "cni"), "bin_dir", "/opt/cni/bin"),
     [("      SystemdCgroup = false\r\n",
       ("      SystemdCgroup = false\r\n\r\n    [plugins.\"io.containerd.grpc.v1.cri\".cni]\r\n"
       "      bin_dir = \"/opt/cni/bin\"\r\n"))]),
    ("crlf_bom.toml", "insert", (("plugins", CRI, "containerd"), "snapshotter", "overlayfs"),
     [("\r\n  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\r\n",
       ("\r\n  [plugins.\"io.containerd.grpc.v1.cri\".containerd]\r\n    snapshotter = \"overlayfs\"\r\n"
       "\r\n  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\r\n"))]),
    ("crlf_bom.toml", "delete", (("plugins", CRI, "containerd", "runtimes", "runc"),),
     [(("\r\n\r\n  [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\r\n"
       "    runtime_type = \"io.containerd.runc.v2\"\r\n"
       "    [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\r\n"
       "      SystemdCgroup = false\r\n"), "\r\n")]),
    ("crlf_bom.toml", "delete", (("version",),), [("version = 2\r\n", "")]),
    ("crlf_bom.toml", "rename", (("plugins", CRI, "containerd", "runtimes", "runc"), "crun"),
     [(".runtimes.runc]", ".runtimes.crun]"), (".runtimes.runc.options]", ".runtimes.crun.options]")]),
    ("crlf_bom.toml", "move", (("plugins", CRI, "sandbox_image"), ("plugins", CRI, "containerd", "runtimes", "runc")),
     [("    sandbox_image = \"registry.k8s.io/pause:3.9\"\r\n", ""),
      ("    runtime_type = \"io.containerd.runc.v2\"\r\n",
       "    runtime_type = \"io.containerd.runc.v2\"\r\n    sandbox_image = \"registry.k8s.io/pause:3.9\"\r\n")]),

    # tabs, single-quoted header parts, no final newline
    ("tabs_no_final_newline.toml", "set_value", (("plugins", CRI, "sandbox_image"), "registry.k8s.io/pause:3.9"),
     [("'k8s.gcr.io/pause:3.2'", "'registry.k8s.io/pause:3.9'")]),
    ("tabs_no_final_newline.toml", "set_value", (("plugins", CRI, "sandbox_image"), "it's"),
     [("'k8s.gcr.io/pause:3.2'", "\"it's\"")]),
    ("tabs_no_final_newline.toml", "insert", (("plugins", CRI, "registry", "mirrors", "docker.io"), "x", 1),
     [("\t\tendpoint = [\"https://mirror.example.com\"]", "\t\tendpoint = [\"https://mirror.example.com\"]\n\t\tx = 1")]),
    ("tabs_no_final_newline.toml", "insert", (("plugins", CRI, "registry", "mirrors", "quay.io"), "endpoint", ["https://q"]),
     [("\t\tendpoint = [\"https://mirror.example.com\"]",
       ("\t\tendpoint = [\"https://mirror.example.com\"]\n\n"
       "\t[plugins.'io.containerd.grpc.v1.cri'.registry.mirrors.\"quay.io\"]\n\t\tendpoint = [\"https://q\"]"))]),
    ("tabs_no_final_newline.toml", "delete", (("plugins", CRI, "registry", "mirrors", "docker.io", "endpoint"),),
     [("\n\t\tendpoint = [\"https://mirror.example.com\"]", "")]),
    ("tabs_no_final_newline.toml", "delete", (("plugins", CRI, "registry", "mirrors", "docker.io", "endpoint", 0),),
     [("[\"https://mirror.example.com\"]", "[]")]),
    ("tabs_no_final_newline.toml", "rename", (("plugins", CRI, "systemd_cgroup"), "SystemdCgroup"),
     [("\t\tsystemd_cgroup = true", "\t\tSystemdCgroup = true")]),
    ("tabs_no_final_newline.toml", "rename", (("plugins", CRI), "io.containerd.cri.v1.runtime"),
     [("[plugins.'io.containerd.grpc.v1.cri']", "[plugins.'io.containerd.cri.v1.runtime']"),
      ("[plugins.'io.containerd.grpc.v1.cri'.registry", "[plugins.'io.containerd.cri.v1.runtime'.registry")]),
    ("tabs_no_final_newline.toml", "move",
     (("plugins", CRI, "systemd_cgroup"), ("plugins", CRI, "containerd", "runtimes", "runc", "options"), "SystemdCgroup"),
     [("\t\tsystemd_cgroup = true\n", ""),
      ("\t\tendpoint = [\"https://mirror.example.com\"]",
       ("\t\tendpoint = [\"https://mirror.example.com\"]\n\n"
       "\t[plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.runc.options]\n\t\tSystemdCgroup = true"))]),

    # dotted keys, quoted keys, whitespace inside headers
    ("dotted_quoted.toml", "set_value", (("crio", "runtime", "runtimes", "crun", "runtime_root"), "/run/crun2"),
     [("'runtime_root' = \"/run/crun\"", "'runtime_root' = \"/run/crun2\"")]),
    ("dotted_quoted.toml", "set_value", (("crio", "runtime", "default_runtime"), "runc"),
     [("\"default_runtime\" = 'crun'", "\"default_runtime\" = 'runc'")]),
    ("dotted_quoted.toml", "insert", (("crio", "runtime", "runtimes", "crun"), "monitor_path", "/usr/bin/conmon"),
     [("  runtimes.crun.'runtime_root' = \"/run/crun\"\n",
       "  runtimes.crun.'runtime_root' = \"/run/crun\"\n  runtimes.crun.monitor_path = \"/usr/bin/conmon\"\n")]),
    ("dotted_quoted.toml", "insert", (("crio", "runtime", "runtimes", "runc"), "runtime_path", "/usr/bin/runc"),
     [("  runtimes.crun.'runtime_root' = \"/run/crun\"\n",
       "  runtimes.crun.'runtime_root' = \"/run/crun\"\n  runtimes.runc.runtime_path = \"/usr/bin/runc\"\n")]),
    ("dotted_quoted.toml", "insert", (("crio", "image"), "image_volumes", "mkdir"),
     [("  pause_image = \"registry.k8s.io/pause:3.9\"\n",
       "  pause_image = \"registry.k8s.io/pause:3.9\"\n  image_volumes = \"mkdir\"\n")]),
    ("dotted_quoted.toml", "insert", (("crio", "network", "a", "b"), "d", 1),
     [("a.b.c = 1\n", "a.b.c = 1\na.b.d = 1\n")]),
    ("dotted_quoted.toml", "insert", (("crio",), "x", 1),
     [("keys\n[ crio . runtime ]", "keys\n[crio]\n  x = 1\n\n[ crio . runtime ]")]),
    ("dotted_quoted.toml", "delete", (("crio", "runtime", "runtimes"),),
     [("  runtimes.crun.runtime_path = \"/usr/bin/crun\"\n  runtimes.crun.'runtime_root' = \"/run/crun\"\n", "")]),
    ("dotted_quoted.toml", "delete", (("crio", "image"),),
     [("\n[ crio. \"image\" ]\n  pause_image = \"registry.k8s.io/pause:3.9\"\n", "")]),
    ("dotted_quoted.toml", "rename", (("crio", "runtime", "runtimes", "crun"), "kata"),
     [("runtimes.crun.runtime_path", "runtimes.kata.runtime_path"),
      ("runtimes.crun.'runtime_root'", "runtimes.kata.'runtime_root'")]),
    ("dotted_quoted.toml", "rename", (("crio",), "cri-o"),
     [("[ crio . runtime ]", "[ cri-o . runtime ]"), ("[ crio. \"image\" ]", "[ cri-o. \"image\" ]"),
      ("[crio.network]", "[cri-o.network]")]),
    ("dotted_quoted.toml", "rename", (("crio", "runtime", "default_runtime"), "default"),
     [("\"default_runtime\" = 'crun'", "default = 'crun'")]),
    ("dotted_quoted.toml", "move", (("crio", "network", "network_dir"), ("crio", "runtime")),
     [("network_dir = \"/etc/cni/net.d/\"\n", ""),
      ("  runtimes.crun.'runtime_root' = \"/run/crun\"\n",
       "  runtimes.crun.'runtime_root' = \"/run/crun\"\n  network_dir = \"/etc/cni/net.d/\"\n")]),

    # a child table declared before its parent
    ("child_before_parent.toml", "insert", (("plugins", CRI), "enable_cdi", True),
     [("  sandbox_image = \"registry.k8s.io/pause:3.9\"\n",
       "  sandbox_image = \"registry.k8s.io/pause:3.9\"\n  enable_cdi = true\n")]),
    ("child_before_parent.toml", "insert", (("plugins",), "x", 1),
     [("version = 2\n\n", "version = 2\n\n[plugins]\n  x = 1\n\n")]),
    ("child_before_parent.toml", "insert", (("plugins", CRI, "registry"), "config_path", "/etc/containerd/certs.d"),
     [("  bin_dir = \"/opt/cni/bin\"\n",
       ("  bin_dir = \"/opt/cni/bin\"\n\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\n"
       "  config_path = \"/etc/containerd/certs.d\"\n"))]),
    ("child_before_parent.toml", "delete", (("plugins", CRI),),
     [(("\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"overlayfs\"\n"
        "\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"registry.k8s.io/pause:3.9\"\n"
        "\n[plugins.\"io.containerd.grpc.v1.cri\".cni]\n  bin_dir = \"/opt/cni/bin\"\n"), "")]),
    ("child_before_parent.toml", "rename", (("plugins", CRI), "cri"),
     [("[plugins.\"io.containerd.grpc.v1.cri\".containerd]", "[plugins.cri.containerd]"),
      ("[plugins.\"io.containerd.grpc.v1.cri\"]", "[plugins.cri]"),
      ("[plugins.\"io.containerd.grpc.v1.cri\".cni]", "[plugins.cri.cni]")]),
    ("child_before_parent.toml", "move", (("version",), ("plugins", CRI, "cni")),
     [("version = 2\n", ""), ("  bin_dir = \"/opt/cni/bin\"\n", "  bin_dir = \"/opt/cni/bin\"\n  version = 2\n")]),

    # inline tables and arrays of tables
    ("inline_aot.toml", "set_value", (RUNC + ("options", "SystemdCgroup"), False),
     [("{SystemdCgroup = true,", "{SystemdCgroup = false,")]),
    ("inline_aot.toml", "set_value", (RUNC + ("options", "nested"), {"c": 3, "d": "x y"}),
     [("nested = {c = 2}", "nested = {c = 3, d = \"x y\"}")]),
    ("inline_aot.toml", "insert", (RUNC + ("options",), "Root", "/run/runc"),
     [("nested = {c = 2}}", "nested = {c = 2}, Root = \"/run/runc\"}")]),
    ("inline_aot.toml", "insert", (RUNC + ("options", "sub", "deeper"), "k", 1),
     [("nested = {c = 2}}", "nested = {c = 2}, sub = {deeper = {k = 1}}}")]),
    ("inline_aot.toml", "insert", (RUNC + ("empty",), "k", "v"), [("empty = {}", "empty = {k = \"v\"}")]),
    ("inline_aot.toml", "insert", (("proxy_plugins_list", 0), "type", "snapshot"),
     [("  address = \"/run/stargz.sock\"\n", "  address = \"/run/stargz.sock\"\n  type = \"snapshot\"\n")]),
    ("inline_aot.toml", "insert", (("proxy_plugins_list", 0, "exports"), "root", "/x"),
     [("  address = \"/run/stargz.sock\"\n",
       "  address = \"/run/stargz.sock\"\n\n[proxy_plugins_list.exports]\n  root = \"/x\"\n")]),
    ("inline_aot.toml", "delete", (RUNC + ("options", "SystemdCgroup"),), [("SystemdCgroup = true, ", "")]),
    ("inline_aot.toml", "delete", (RUNC + ("options", "BinaryName"),), [("BinaryName = \"runc\", ", "")]),
    ("inline_aot.toml", "delete", (RUNC + ("options", "nested"),), [(", nested = {c = 2}", "")]),
    ("inline_aot.toml", "delete", (RUNC + ("options", "nested", "c"),), [("{c = 2}", "{}")]),
    ("inline_aot.toml", "delete", (("proxy_plugins_list", 1),),
     [(("\n\n[[proxy_plugins_list]]\n  name = \"nydus\"\n  [proxy_plugins_list.exports]\n"
       "    root = \"/var/lib/nydus\"\n"), "\n")]),
    ("inline_aot.toml", "delete", (("proxy_plugins_list",),),
     [(("\n\n[[proxy_plugins_list]]\n  name = \"stargz\"\n  address = \"/run/stargz.sock\"\n\n"
       "[[proxy_plugins_list]]\n  name = \"nydus\"\n  [proxy_plugins_list.exports]\n"
       "    root = \"/var/lib/nydus\"\n"), "\n")]),
    ("inline_aot.toml", "rename", (("proxy_plugins_list",), "proxy_plugins"),
     [("[[proxy_plugins_list]]\n  name = \"stargz\"", "[[proxy_plugins]]\n  name = \"stargz\""),
      ("[[proxy_plugins_list]]\n  name = \"nydus\"", "[[proxy_plugins]]\n  name = \"nydus\""),
      ("[proxy_plugins_list.exports]", "[proxy_plugins.exports]")]),
    ("inline_aot.toml", "move", (RUNC + ("options", "BinaryName"), RUNC),
     [("BinaryName = \"runc\", ", ""), ("  empty = {}\n", "  empty = {}\n  BinaryName = \"runc\"\n")]),
    ("inline_aot.toml", "move", (("proxy_plugins_list", 1, "name"), ("proxy_plugins_list", 0), "alias"),
     [("  name = \"nydus\"\n", ""),
      ("  address = \"/run/stargz.sock\"\n", "  address = \"/run/stargz.sock\"\n  alias = \"nydus\"\n")]),

    # multi-line arrays (comments, trailing commas) and multi-line strings holding # [ =
    ("multiline.toml", "delete", (("disabled_plugins", 1),), [("  \"cri\",\n", "")]),
    ("multiline.toml", "delete", (("disabled_plugins", 0),),
     [("  \"io.containerd.internal.v1.opt\",  # not needed on edge nodes\n", "")]),
    ("multiline.toml", "delete", (("disabled_plugins", 2),),
     [("  \"io.containerd.tracing.processor.v1.otlp\",\n", "")]),
    ("multiline.toml", "delete", (("required_plugins", 1),), [("[\"a\", \"cri\", \"b\"]", "[\"a\", \"b\"]")]),
    ("multiline.toml", "delete", (("required_plugins", 2),), [("[\"a\", \"cri\", \"b\"]", "[\"a\", \"cri\"]")]),
    ("multiline.toml", "delete", (("imports", 0),), [("imports = [\"cri\"]", "imports = []")]),
    ("multiline.toml", "delete", (("crio", "runtime", "default_capabilities", 1),), [("\t\"KILL\"\n", "")]),
    ("multiline.toml", "delete", (("disabled_plugins",),),
     [(("disabled_plugins = [\n  \"io.containerd.internal.v1.opt\",  # not needed on edge nodes\n"
        "  \"cri\",\n  # \"io.containerd.snapshotter.v1.btrfs\",\n"
        "  \"io.containerd.tracing.processor.v1.otlp\",\n]\n"), "")]),
    ("multiline.toml", "delete", (("crio", "runtime", "conmon_env"),),
     [("conmon_env = \"\"\"\n# not a comment\n[not.a.table]\nkey = \"not a key\" \\\"\"\"\n\"\"\"\n", "")]),
    ("multiline.toml", "set_value", (("crio", "runtime", "hooks_dir"), "/usr/share/containers/oci/hooks.d"),
     [("'''\n[ # = '''", "'''/usr/share/containers/oci/hooks.d'''")]),
    ("multiline.toml", "set_value", (("crio", "runtime", "conmon_env"), "a\nb"),
     [("\"\"\"\n# not a comment\n[not.a.table]\nkey = \"not a key\" \\\"\"\"\n\"\"\"", "\"\"\"a\nb\"\"\"")]),
    ("multiline.toml", "set_value", (("crio", "runtime", "when"), 1.5),
     [("when = 1979-05-27 07:32:00", "when = 1.5")]),
    ("multiline.toml", "append", (("disabled_plugins",), "x"),
     [("processor.v1.otlp\",\n", "processor.v1.otlp\",\n  \"x\",\n")]),
    ("multiline.toml", "append", (("required_plugins",), "x"), [("\"cri\", \"b\"]", "\"cri\", \"b\", \"x\"]")]),
    ("multiline.toml", "append", (("crio", "runtime", "default_capabilities"), "NET_RAW"),
     [("\t\"KILL\"\n", "\t\"KILL\",\n\t\"NET_RAW\"\n")]),
    ("multiline.toml", "append", (("imports",), "y"), [("[\"cri\"]", "[\"cri\", \"y\"]")]),
    ("multiline.toml", "move", (("crio", "runtime", "hooks_dir"), ()),
     [("hooks_dir = '''\n[ # = '''\n", ""), ("imports = [\"cri\"]\n", "imports = [\"cri\"]\nhooks_dir = '''\n[ # = '''\n")]),
    ("multiline.toml", "rename", (("crio", "runtime", "conmon_env"), "env"), [("conmon_env = ", "env = ")]),
    ("multiline.toml", "insert", (("crio", "runtime"), "pinns_x", "a\"b\\c\t"),
     [("07:32:00\n", "07:32:00\npinns_x = \"a\\\"b\\\\c\\t\"\n")]),

    # indented keys, CJK comments, version after other keys
    ("indented_cjk.toml", "set_value", (("version",), 3), [("version = 2   #", "version = 3   #")]),
    ("indented_cjk.toml", "insert", ((), "disabled_plugins", []),
     [("之后\n", "之后\ndisabled_plugins = []\n")]),
    ("indented_cjk.toml", "insert", (("grpc",), "gid", 0), [("    uid = 0\n", "    uid = 0\n    gid = 0\n")]),
    ("indented_cjk.toml", "insert", (("plugins", CRI), "enable_cdi", True),
     [("# 国内镜像\n", "# 国内镜像\n    enable_cdi = true\n")]),
    ("indented_cjk.toml", "insert", (("plugins", CRI, "containerd"), "snapshotter", "overlayfs"),
     [("    # systemd_cgroup = true\n",
       ("    # systemd_cgroup = true\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n"
       "    snapshotter = \"overlayfs\"\n"))]),
    ("indented_cjk.toml", "delete", (("grpc", "address"),), [("    address = \"/run/containerd/containerd.sock\"\n", "")]),
    ("indented_cjk.toml", "delete", (("grpc",),),
     [("\n\n[grpc]\n    # 监听地址\n    address = \"/run/containerd/containerd.sock\"\n    uid = 0\n", "\n")]),
    ("indented_cjk.toml", "move", (("grpc", "address"), ("plugins", CRI), "grpc_address"),
     [("    # 监听地址\n    address = \"/run/containerd/containerd.sock\"\n", ""),
      ("# 国内镜像\n", "# 国内镜像\n    # 监听地址\n    grpc_address = \"/run/containerd/containerd.sock\"\n")]),
    ("indented_cjk.toml", "move", (("version",), ("grpc",)),
     [("version = 2   # 版本写在其他键之后\n", ""), ("    uid = 0\n", "    uid = 0\n    version = 2   # 版本写在其他键之后\n")]),
    ("indented_cjk.toml", "rename", (("grpc",), "ttrpc"), [("[grpc]", "[ttrpc]")]),
]


def _case_id(case: Tuple[str, str, Tuple[Any, ...], Any]) -> str:
    name, op, args, _ = case
    return f"{name.split('.')[0]}-{op}-{'.'.join(str(p) for p in args[0])[-40:]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_exact_edit(case: Tuple[str, str, Tuple[Any, ...], List[Tuple[str, str]]]) -> None:
    name, op, args, changes = case
    doc = fixture(name)
    expected = doc.text
    for old, new in changes:
        assert expected.count(old) == 1, f"test fragment {old!r} is not unique"
        expected = expected.replace(old, new)
    text = apply(doc, op, args)
    assert text == expected
    again = reparse(doc, text)
    assert again.data == expected_data(doc, op, args)
    assert again.bom == doc.bom and again.newline == doc.newline


# -- positions and helpers on the hard cases -----------------------------------------------

def _at(doc: TomlDocument, span: Any) -> str:
    return doc.text[span.start:span.end]


def test_child_before_parent_has_one_entry_at_its_header() -> None:
    doc = fixture("child_before_parent.toml")
    entries = [e for e in doc.entries if e.path == ("plugins", CRI)]
    assert len(entries) == 1
    e = entries[0]
    assert _at(doc, e.key_span) == '[plugins."io.containerd.grpc.v1.cri"]' and e.key_span.line == 6
    assert e.value_span == e.key_span
    plugins = doc.entry(("plugins",))
    assert plugins.key_span is None and _at(doc, plugins.value_span) == "plugins"
    assert plugins.value_span.line == 3
    assert doc.table(("plugins",)).kind == "implicit"
    assert doc.table_body_end(("plugins", CRI)) == doc.text.index("\n\n[plugins.\"io.containerd.grpc.v1.cri\".cni]") + 1


def test_dotted_and_quoted_spans() -> None:
    doc = fixture("dotted_quoted.toml")
    e = doc.entry(("crio", "runtime", "runtimes", "crun", "runtime_root"))
    assert _at(doc, e.key_span) == "runtimes.crun.'runtime_root'"
    assert _at(doc, e.value_span) == '"/run/crun"'
    assert [_at(doc, s) for s in doc.key_part_spans(e.path)] == ["runtimes", "crun", "'runtime_root'"]
    implicit = doc.entry(("crio", "runtime", "runtimes", "crun"))
    assert implicit.key_span is None and _at(doc, implicit.value_span) == "runtimes.crun"
    assert doc.table(implicit.path).kind == "dotted"
    header = doc.entry(("crio", "runtime"))
    assert _at(doc, header.key_span) == "[ crio . runtime ]"
    assert _at(doc, doc.table_header(("crio", "image"))) == '[ crio. "image" ]'
    assert _at(doc, doc.entry(("crio", "runtime", "default_runtime")).key_span) == '"default_runtime"'
    assert doc.table(("crio",)).kind == "implicit" and doc.table_header(("crio",)) is None


def test_inline_and_array_of_tables_paths() -> None:
    doc = fixture("inline_aot.toml")
    kinds = {t.path: t.kind for t in doc.tables()}
    assert kinds[()] == "root"
    assert kinds[("proxy_plugins_list",)] == "array"
    assert kinds[("proxy_plugins_list", 1)] == "array-item"
    assert kinds[("proxy_plugins_list", 1, "exports")] == "table"
    assert kinds[RUNC + ("options",)] == "inline" and kinds[RUNC + ("options", "nested")] == "inline"
    assert _at(doc, doc.entry(RUNC + ("options", "nested", "c")).key_span) == "c"
    assert _at(doc, doc.entry(RUNC + ("options",)).value_span).startswith("{SystemdCgroup")
    item = doc.entry(("proxy_plugins_list", 1))
    assert _at(doc, item.key_span) == "[[proxy_plugins_list]]" and item.key_span.line == 12
    assert doc.get(("proxy_plugins_list", 1, "exports", "root")) == "/var/lib/nydus"
    assert [e.path[-1] for e in doc.children(("proxy_plugins_list",))] == [0, 1]
    assert doc.table_body_end(RUNC + ("options",)) is None


def test_multiline_values_do_not_confuse_the_scanner() -> None:
    doc = fixture("multiline.toml")
    e = doc.entry(("crio", "runtime", "conmon_env"))
    assert _at(doc, e.value_span).startswith('"""\n# not a comment') and e.value_span.end_line == 19
    assert doc.table(("not", "a")) is None and not doc.has(("crio", "runtime", "key"))
    texts = [c.text for c in doc.comments]
    assert texts == [" not needed on edge nodes", ' "io.containerd.snapshotter.v1.btrfs",', " [x] = 1"]
    elems = list(doc.children(("disabled_plugins",)))
    assert [_at(doc, x.value_span) for x in elems][1] == '"cri"' and elems[1].value_span.line == 3


def test_cjk_comments_and_columns() -> None:
    doc = fixture("indented_cjk.toml")
    assert doc.comments[0].text == " 容器运行时配置（边缘节点）"
    version = next(c for c in doc.comments if c.line == 4)
    assert version.column == 15 and version.text == " 版本写在其他键之后"
    e = doc.entry(("plugins", CRI, "sandbox_image"))
    assert e.key_span.column == 5 and e.value_span.end_column == 72


def test_bom_and_crlf_survive() -> None:
    raw = (FIXTURES / "crlf_bom.toml").read_bytes()
    doc = fixture("crlf_bom.toml")
    assert doc.bom and doc.newline == "\r\n" and doc.to_bytes() == raw
    assert doc.entry(("version",)).key_span.line == 2
    out = apply(doc, "insert", ((), "root", "/var/lib/containerd"))
    assert doc.encode(out).startswith(b"\xef\xbb\xbf# containerd") and "\r\nroot = " in out
    assert "\n" not in out.replace("\r\n", "")


# -- edit errors and rendering ---------------------------------------------------------------

@pytest.mark.parametrize("op,args", [
    ("set_value", (("plugins", CRI),)),
    ("set_value", (("nope",),)),
    ("delete", (("nope", "x"),)),
    ("delete", ((),)),
    ("rename", (("plugins", CRI, "sandbox_image"), "enable_cdi")),
    ("move", (("version",), ("version", "x"))),
    ("insert", (("plugins", CRI), "sandbox_image", "x")),
    ("insert", (("version",), "x", 1)),
    ("move", (("plugins", CRI), ("x",))),
    ("append", (("version",), 1)),
])
def test_impossible_edits_raise(op: str, args: Tuple[Any, ...]) -> None:
    text = f'version = 2\n[plugins."{CRI}"]\nsandbox_image = "p"\nenable_cdi = true\n'
    doc = load_bytes(text.encode())
    if op == "set_value":
        args = args + (1,)
    with pytest.raises(EditError):
        getattr(doc, op)(*args)


@pytest.mark.parametrize("value", [
    True, 0, -7, 1.5, 1e300, float("inf"), "plain", "quote\" back\\ tab\t nl\n", "漢字", [], [1, "a", [True]],
    {"a b": {"c": 1}}, {},
])
def test_render_value_round_trips(value: Any) -> None:
    assert _value_of(render_value(value)) == value


def test_set_value_keeps_literal_strings_when_it_can() -> None:
    doc = load_bytes(b"a = 'x'\nb = '''y'''\nc = \"z\"\n")
    assert apply(doc, "set_value", (("a",), "C:\\path")) == "a = 'C:\\path'\nb = '''y'''\nc = \"z\"\n"
    assert apply(doc, "set_value", (("a",), "it's")) == "a = \"it's\"\nb = '''y'''\nc = \"z\"\n"
    assert apply(doc, "set_value", (("b",), "two\nlines")) == "a = 'x'\nb = '''two\nlines'''\nc = \"z\"\n"
    assert apply(doc, "set_value", (("c",), "C:\\path")) == "a = 'x'\nb = '''y'''\nc = \"C:\\\\path\"\n"


# -- parse errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,line,column,words", [
    ("a = 1\na = 2\n", 2, 1, "a is already defined"),
    ("[a]\nx = 1\n\n  [a]\n", 4, 3, "table [a] is declared twice"),
    ("x = [1,\n", 2, 1, "missing or invalid value"),
    ("\r\nx = 1\r\ny = = 2\r\n", 3, 5, "missing or invalid value"),
    ('s = "unterminated', 1, 5, "is not closed"),
    ('a = 1\nb = "x\nc = 2\n', 2, 5, "is not closed"),
    ("a = {b = 1}\na.c = 2\n", 2, 8, "a is an inline table"),
    ('[plugins."io.containerd.grpc.v1.cri"]\n[plugins."io.containerd.grpc.v1.cri"]\n', 2, 1,
     'table [plugins."io.containerd.grpc.v1.cri"] is declared twice'),
])
def test_parse_errors_are_readable(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(ParseError) as err:
        load_bytes(text.encode())
    e = err.value
    assert (e.line, e.column) == (line, column)
    assert e.message.startswith("invalid TOML: ") and words in e.message
    assert "(at line" not in e.message and "('" not in e.message


_SCAN_CASES = [
    '[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n',  # parents declared after their children
    '[[a]]\nb = 1\n[a.c]\nd = 2\n[[a]]\nb = 2\n[a.c]\nd = 3\n[[a.e]]\nf = 1\n[a.e.g]\n',
    '[x]\np.q.r = 1\np.s = [1, {t.u = 2}]\n[x.p.v]\nw = 3\n',  # dotted keys, then a header below them
    'k = {a.b = 1, c = [1, 2]}\nl = [\n  1, # one\n  "two",\n]\nm = """\n[n]\n"""\n',
    '[ a . "b.c" ]  # c\n"q" = 1\n\'r\' = 2\n[a."b.c".d]\n[[ e ]]\n[e.f]\n',
    # headers whose last part is quoted, escaped, spaced out or empty (the lean scan's header cache)
    '[a]\n[a."b.c"]\nx = 1\n[a."b.c".d]\n[a.\'e.f\']\n["g"]\n[g."h\\"i"]\n[g."h\\"i".j]\n[g . "k"]\n'
    '[""]\n["".l]\n[a."b.c"."m"]\n[g.\'n\'.o]\n[[p]]\n[p."q"]\n[[p]]\n[p."q"]\n',
    '["g"]\n["g"."\\u0041"]\n["g"."x\\\\"]\n',
]


def test_full_scan_makes_the_same_entries_as_the_lean_one() -> None:
    """parse runs the lean scan; the edit builders' records come from a full scan on first use.

    The two take different paths through the text (one regex per line, or token by token),
    so they must be seen to agree: same entries, in the same order, and same comments.
    """
    texts = [p.read_bytes().decode("utf-8-sig") for p in CORPUS if not is_broken(f"{p.parent.name}/{p.name}")]
    texts += [p.read_bytes().decode("utf-8-sig") for p in sorted(FIXTURES.glob("*.toml"))]
    texts += _SCAN_CASES
    for text in texts:
        doc = parse("config.toml", "containerd", text.encode(), text, False)
        full = _Scanner(doc, True)
        full.run()
        assert full.entries == doc.entries, text[:200]
        assert [(type(e.key_span), type(e.value_span)) for e in full.entries] == \
            [(type(e.key_span), type(e.value_span)) for e in doc.entries]
        assert full.by_path == doc._by_path and full.comments == doc.comments
        assert "_locs" not in vars(doc)  # a parse alone makes no scan records
        assert doc._locs is doc._locs and doc._tabs[()].kind == "root"  # made once, on first use
    assert len(texts) > 10


def test_entries_made_without_init_are_the_same_as_entry() -> None:
    """The lean scan sets an Entry's attributes itself (no __init__ frame); nothing may tell them apart."""
    from rtlint.record import fields

    assert fields(Entry) == _ENTRY_FIELDS and not hasattr(Entry, "__post_init__")
    texts = [p.read_bytes().decode("utf-8-sig") for p in sorted(FIXTURES.glob("*.toml"))] + _SCAN_CASES
    for text in texts:
        for e in parse("config.toml", "containerd", text.encode(), text, False).entries:
            ref = Entry(e.path, e.value, e.key_span, e.value_span)
            assert type(e) is Entry and e == ref and repr(e) == repr(ref)
            assert list(vars(e).items()) == list(vars(ref).items())


def test_tomli_and_tomllib_agree_on_every_corpus_file_and_error() -> None:
    """rtlint prefers a compiled TOML 1.0 tomli (~1.8x faster) over tomllib; the switch must change nothing."""
    import sys

    if sys.version_info < (3, 11):
        pytest.skip("no tomllib before Python 3.11")
    import tomllib as std

    from rtlint.formats._tomlreader import toml_reader

    tomli = toml_reader()
    for toml_1_1 in ('a = {\n x = 1\n}\n', 'a = {x = 1,}\n', 'b = "\\e"\n', 'd = 1979-05-27T07:32Z\n'):
        with pytest.raises(tomli.TOMLDecodeError):  # TOML 1.0 only, like tomllib and containerd
            tomli.loads(toml_1_1)
    texts = [p.read_bytes().decode("utf-8", "replace") for p in corpus_files()]
    texts += ['a = 1\na = 2\n', '[x]\nb = "\n', 'k = [1,\n', 'x = 1979-05-27T07:32:00Z\ny = 0x1f\nz = inf\n',
              '[[a]]\nb = 1\n[a.c]\nd = "\\u00e9"\n', 'q = """\nx\\\n  y"""\n', 'k = {a = 1, a = 2}\n']
    compared = 0
    for text in texts:
        results = []
        for mod in (std, tomli):
            try:
                results.append(("ok", mod.loads(text)))
            except mod.TOMLDecodeError as e:
                results.append(("error", str(e)))
        assert results[0] == results[1], text[:200]
        compared += 1
    assert compared >= 7
