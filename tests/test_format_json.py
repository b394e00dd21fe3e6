"""The JSON reader: spans on real files, helpful errors, and text-preserving edits."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from conftest import broken_notes, corpus_files

from rtlint.document import Edit, EditError, ParseError, apply_edits
from rtlint.formats.json import JsonDocument, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "json"
CORPUS = corpus_files("docker") + corpus_files("cni")


def load(path: Path) -> JsonDocument:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = (raw[3:] if bom else raw).decode("utf-8")
    return parse(str(path), "docker", raw, text, bom)


def fixture(name: str) -> JsonDocument:
    return load(FIXTURES / name)


def edited(doc: JsonDocument, edits: List[Edit]) -> str:
    out, _, deferred = apply_edits(doc.text, edits)
    assert not deferred, "one builder's edits must never overlap each other"
    return out


def resolve(data: Any, path: Tuple) -> Any:
    for p in path:
        data = data[p]
    return data


# -- real files -------------------------------------------------------------------

def _corpus_id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


@pytest.mark.parametrize("path", CORPUS, ids=_corpus_id)
def test_corpus_file_spans(path: Path) -> None:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = (raw[3:] if bom else raw).decode("utf-8")
    notes = broken_notes().get(_corpus_id(path), "")
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ParseError) as err:
            parse(str(path), path.parent.name, raw, text, bom)
        assert err.value.line >= 1 and err.value.column >= 1
        return
    assert not notes.startswith("BROKEN"), notes
    doc = parse(str(path), path.parent.name, raw, text, bom)
    assert doc.format == "json"
    assert doc.to_bytes() == raw
    assert doc.data == expected
    assert doc.comments == []
    root = doc.entries[0]
    assert root.path == () and root.key_span is None and root.value is doc.data
    for e in doc.entries:
        sp = e.value_span
        assert json.loads(text[sp.start:sp.end]) == e.value, e.path
        assert resolve(expected, e.path) == e.value
        assert doc.index.position(sp.start) == (sp.line, sp.column)
        if e.path and isinstance(e.path[-1], str):
            ks = e.key_span
            assert json.loads(text[ks.start:ks.end]) == e.path[-1]
        elif e.path:
            assert e.key_span is None
    # every member and array item has an entry, once
    def count(v: Any) -> int:
        if isinstance(v, dict):
            return len(v) + sum(count(x) for x in v.values())
        if isinstance(v, list):
            return len(v) + sum(count(x) for x in v)
        return 0
    assert len(doc.entries) == 1 + count(expected)
    assert doc.duplicate_keys == []


def _changed_lines(old: str, new: str) -> Tuple[int, int]:
    """1-based first and last line of `old` that differ from `new` (common prefix/suffix)."""
    a, b = old.split("\n"), new.split("\n")
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    return p + 1, len(a) - s


def _check(doc: JsonDocument, edits: List[Edit], want: Any, container: Tuple) -> None:
    new = edited(doc, edits)
    assert json.loads(new) == want
    again = parse(doc.path, doc.kind, doc.encode(new), new, doc.bom)
    assert again.data == want
    sp = doc.entry(container).value_span
    first, last = _changed_lines(doc.text, new)
    assert first >= sp.line and last <= sp.end_line, (first, last, sp)


@pytest.mark.parametrize("path", CORPUS, ids=_corpus_id)
def test_corpus_every_edit(path: Path) -> None:
    """Every delete/set/rename/insert/append on every entry of every real file gives the
    intended data, and only lines inside the touched container change."""
    doc = load(path)
    for e in doc.entries[1:]:
        parent = e.path[:-1]
        want = copy.deepcopy(doc.data)
        del resolve(want, parent)[e.path[-1]]
        _check(doc, doc.delete(e.path), want, parent)

        want = copy.deepcopy(doc.data)
        new_value = {"k": ["x", 1]} if isinstance(e.value, dict) else "changed"
        resolve(want, parent)[e.path[-1]] = new_value
        _check(doc, doc.set_value(e.path, new_value), want, parent)

        if isinstance(e.path[-1], str):
            want = copy.deepcopy(doc.data)
            obj = resolve(want, parent)
            obj["renamed-key"] = obj.pop(e.path[-1])
            _check(doc, doc.rename(e.path, "renamed-key"), want, parent)

            if len(e.path) > 1:
                want = copy.deepcopy(doc.data)
                want["moved-key"] = resolve(want, parent).pop(e.path[-1])
                _check(doc, doc.move(e.path, (), "moved-key"), want, ())
    for e in doc.entries:
        if isinstance(e.value, dict):
            want = copy.deepcopy(doc.data)
            resolve(want, e.path)["new-key"] = {"nested": [1, "two"]}
            _check(doc, doc.insert(e.path, "new-key", {"nested": [1, "two"]}), want, e.path)
        elif isinstance(e.value, list):
            want = copy.deepcopy(doc.data)
            resolve(want, e.path).append("new-item")
            _check(doc, doc.append(e.path, "new-item"), want, e.path)


# -- style detection ------------------------------------------------------------------

@pytest.mark.parametrize("name, indent, key_sep, item_sep, one_line", [
    ("crlf.conflist", "  ", ": ", ", ", False),
    ("bom.json", "    ", ": ", ", ", False),
    ("minified.json", "  ", ":", ",", True),
    ("leading_space.json", " " * 7, ": ", ", ", False),
    ("trailing_spaces.json", "    ", ": ", ", ", False),
    ("ragged.json", "   ", ": ", ", ", False),
    ("tabs_blank_lines.conflist", "\t", ": ", ", ", False),
])
def test_style(name: str, indent: str, key_sep: str, item_sep: str, one_line: bool) -> None:
    doc = fixture(name)
    assert (doc.indent, doc.key_separator, doc.item_separator, doc.one_line) == (
        indent, key_sep, item_sep, one_line)


def test_newline_and_bom() -> None:
    crlf = fixture("crlf.conflist")
    assert crlf.newline == "\r\n"
    bom = fixture("bom.json")
    assert bom.bom and bom.raw.startswith(b"\xef\xbb\xbf") and not bom.text.startswith("\ufeff")
    new = edited(bom, bom.insert((), "live-restore", True))
    assert bom.encode(new).startswith(b"\xef\xbb\xbf{")


def test_unicode_values_and_columns() -> None:
    doc = fixture("unicode.json")
    assert doc.data == json.loads(doc.text)
    assert doc.get(("label",)) == "caf\u00e9 \U0001F680"
    assert doc.get(("path",)) == "C:\\ProgramData\\docker"
    assert doc.get(("quote",)) == 'say "hi"/'
    e = doc.entry(("描述",))
    assert (e.key_span.line, e.key_span.column, e.value_span.column) == (3, 3, 9)


def test_duplicate_keys_last_wins() -> None:
    doc = fixture("duplicates.json")
    assert doc.data == {"log-driver": "json-file", "log-opts": {"b": 2}}
    assert [(d.path, d.value, d.index, d.key_span.line) for d in doc.duplicate_keys] == [
        (("log-driver",), "syslog", 0, 2), (("log-opts",), {"a": 1}, 0, 3)]
    assert doc.entry(("log-driver",)).index == 1
    assert doc.entry(("log-driver",)).key_span.line == 4
    assert not doc.has(("log-opts", "a"))  # the shadowed object's members are gone too
    assert [e.path for e in doc.entries] == [(), ("log-driver",), ("log-opts",), ("log-opts", "b")]
    new = edited(doc, doc.delete_entry(doc.duplicate_keys[0]))
    assert new == '{\n  "log-opts": {"a": 1},\n  "log-driver": "json-file",\n  "log-opts": {"b": 2}\n}\n'
    assert json.loads(new) == doc.data
    # deleting a duplicated key removes every occurrence, so no shadowed value takes over
    new = edited(doc, doc.delete(("log-driver",)))
    assert new == '{\n  "log-opts": {"a": 1},\n  "log-opts": {"b": 2}\n}\n'
    assert json.loads(new) == {"log-opts": {"b": 2}}


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, message, line, column", [
    ("trailing_comma.json", "trailing comma before '}'", 3, 28),
    ("trailing_comma_array.json", "trailing comma before ']'", 3, 24),
    ("comment_slashes.json", "JSON does not allow comments", 2, 3),
    ("comment_hash.conf", "JSON does not allow comments", 2, 26),
    ("single_quotes.json", "JSON strings need double quotes, not single quotes", 2, 17),
    ("unquoted_key.json", "object keys must be double-quoted strings (found unquoted key 'live-restore')", 3, 3),
    ("truncated.conflist", "unexpected end of file: '{' at line 4, column 5 is never closed", 5, 24),
    ("missing_comma.json", "missing ',' between object members", 3, 3),
    ("windows_path.json", "invalid escape '\\d' in string (write a backslash as '\\\\')", 2, 19),
    ("empty.json", "file is empty; expected a JSON object", 1, 1),
    ("junk.bin", "unexpected character U+007F; expected a value", 1, 1),
])
def test_error_files(name: str, message: str, line: int, column: int) -> None:
    path = FIXTURES / "errors" / name
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    with pytest.raises(ValueError):
        json.loads(text)  # the fixture really is invalid
    with pytest.raises(ParseError) as err:
        parse(str(path), "cni", raw, text, False)
    assert (err.value.message, err.value.line, err.value.column) == (message, line, column)


@pytest.mark.parametrize("text, message, line, column", [
    ('{"a": [1}', "'}' does not match '[' at line 1, column 7; expected ',' or ']' after an array item", 1, 9),
    ('{"a": 1}\n{"b": 2}', "unexpected data after the end of the top-level object", 2, 1),
    ('{"a": 1}}', "unexpected '}' after the end of the top-level value", 1, 9),
    ('{"a": True}', "JSON literals are lowercase true, false and null (found 'True')", 1, 7),
    ('{"a": NaN}', "NaN is not valid JSON", 1, 7),
    ('{"a": -Infinity}', "-Infinity is not valid JSON", 1, 7),
    ('{"a": 010}', "invalid number '010'", 1, 7),
    ('{"a":\u00a01}',
     "character U+00A0 (NO-BREAK SPACE) is not allowed in JSON; only spaces, tabs and line breaks are", 1, 6),
    ('{"a": "x\ty"}', "tab character inside a string; write it as \\t", 1, 9),
    ('{\n  "a": "x\n}', "line break inside a string (missing closing quote?)", 2, 10),
    ('{"a": "abc', "unterminated string: the closing double quote is missing", 1, 7),
    ('{"a": "\\u12"}', "invalid \\u escape; it needs four hex digits", 1, 8),
    ('{"a" = 1}', "expected ':' after the key, found '='", 1, 6),
    ('{"a": 1,,}', "unexpected ','; expected a double-quoted key", 1, 9),
    ('[1 2]', "missing ',' between array items", 1, 4),
    ("[" * 500 + "]" * 500, "nesting is deeper than 400 levels", 1, 401),
])
def test_error_messages(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as err:
        parse("x.json", "docker", text.encode(), text, False)
    assert (err.value.message, err.value.line, err.value.column) == (message, line, column)


def test_stray_bom_in_text_is_skipped() -> None:
    doc = parse("x.json", "docker", b"", '\ufeff{"a": 1}', False)
    assert doc.data == {"a": 1} and doc.entry(("a",)).key_span.column == 3


# -- edits: exact text -------------------------------------------------------------------

CRLF = "crlf.conflist"
CRLF_TEXT = """{
  "cniVersion": "1.0.0",
  "name": "edge-net",
  "plugins": [
    {
      "type": "bridge",
      "ipam": {
        "type": "host-local",
        "ranges": [
          [
            { "subnet": "10.88.0.0/16" }
          ]
        ]
      }
    },
    {
      "type": "portmap",
      "capabilities": { "portMappings": true }
    }
  ]
}"""


def _lines_replaced(text: str, changes: dict) -> str:
    """`text` with some lines replaced (None deletes, a list inserts several)."""
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        new = changes.get(n, line)
        if new is None:
            continue
        out.extend(new if isinstance(new, list) else [new])
    return "\n".join(out)


EDIT_CASES = [
    # CRLF, no final newline, nested arrays of objects
    (CRLF, "insert", ((), "disableCheck", True),
     _lines_replaced(CRLF_TEXT, {20: ["  ],", '  "disableCheck": true']})),
    (CRLF, "append", (("plugins",), {"type": "tuning"}),
     _lines_replaced(CRLF_TEXT, {19: ["    },", "    {", '      "type": "tuning"', "    }"]})),
    (CRLF, "delete", (("plugins", 1),),
     _lines_replaced(CRLF_TEXT, {15: "    }", 16: None, 17: None, 18: None, 19: None})),
    (CRLF, "delete", (("plugins", 0, "ipam", "ranges", 0, 0),),
     _lines_replaced(CRLF_TEXT, {10: "          []", 11: None, 12: None})),
    (CRLF, "set_value", (("plugins", 0, "ipam", "ranges", 0, 0, "subnet"), "10.99.0.0/16"),
     _lines_replaced(CRLF_TEXT, {11: '            { "subnet": "10.99.0.0/16" }'})),
    (CRLF, "rename", (("name",), "network"),
     _lines_replaced(CRLF_TEXT, {3: '  "network": "edge-net",'})),
    (CRLF, "insert", (("plugins", 1, "capabilities"), "bandwidth", True),
     _lines_replaced(CRLF_TEXT, {18: '      "capabilities": { "portMappings": true, "bandwidth": true }'})),
    (CRLF, "set_value", (("plugins", 1), {"type": "portmap", "snat": False}),
     _lines_replaced(CRLF_TEXT, {18: '      "snat": false'})),
    # BOM, 4 spaces
    ("bom.json", "set_value", (("exec-opts",), ["native.cgroupdriver=systemd"]),
     '{\n    "exec-opts": ["native.cgroupdriver=systemd"],\n    "log-driver": "json-file"\n}\n'),
    ("bom.json", "insert", ((), "live-restore", True),
     '{\n    "exec-opts": ["native.cgroupdriver=cgroupfs"],\n    "log-driver": "json-file",\n'
     '    "live-restore": true\n}\n'),
    ("bom.json", "delete", (("exec-opts",),), '{\n    "log-driver": "json-file"\n}\n'),
    ("bom.json", "move", (("log-driver",), ("log-opts",), "driver"),
     '{\n    "exec-opts": ["native.cgroupdriver=cgroupfs"],\n    "log-opts": {\n'
     '        "driver": "json-file"\n    }\n}\n'),
    # minified one line
    ("minified.json", "insert", ((), "live-restore", True),
     '{"exec-opts":["native.cgroupdriver=systemd"],"log-opts":{"max-size":"10m"},"live-restore":true}\n'),
    ("minified.json", "insert", (("log-opts",), "max-file", "3"),
     '{"exec-opts":["native.cgroupdriver=systemd"],"log-opts":{"max-size":"10m","max-file":"3"}}\n'),
    ("minified.json", "insert", (("runtimes", "nvidia"), "path", "/usr/bin/nvidia-container-runtime"),
     '{"exec-opts":["native.cgroupdriver=systemd"],"log-opts":{"max-size":"10m"},'
     '"runtimes":{"nvidia":{"path":"/usr/bin/nvidia-container-runtime"}}}\n'),
    ("minified.json", "append", (("exec-opts",), "x"),
     '{"exec-opts":["native.cgroupdriver=systemd","x"],"log-opts":{"max-size":"10m"}}\n'),
    ("minified.json", "delete", (("exec-opts",),), '{"log-opts":{"max-size":"10m"}}\n'),
    ("minified.json", "delete", (("log-opts",),), '{"exec-opts":["native.cgroupdriver=systemd"]}\n'),
    ("minified.json", "set_value", (("log-opts",), {"max-size": "50m", "max-file": "5"}),
     '{"exec-opts":["native.cgroupdriver=systemd"],"log-opts":{"max-size":"50m","max-file":"5"}}\n'),
    ("minified.json", "move", (("log-opts", "max-size"), (), "log-max-size"),
     '{"exec-opts":["native.cgroupdriver=systemd"],"log-opts":{},"log-max-size":"10m"}\n'),
    ("minified.json", "move", (("exec-opts",), ("a",)),
     '{"log-opts":{"max-size":"10m"},"a":{"exec-opts":["native.cgroupdriver=systemd"]}}\n'),
    # space before '{', 7-space indent, "k":"v" inside log-opts, trailing blank line
    ("leading_space.json", "insert", ((), "exec-opts", ["native.cgroupdriver=systemd"]),
     ' {\n       "data-root": "/data/docker",\n       "log-opts": {\n              "max-size":"500m"\n'
     '       },\n       "exec-opts": ["native.cgroupdriver=systemd"]\n}\n\n'),
    ("leading_space.json", "insert", (("log-opts",), "max-file", "3"),
     ' {\n       "data-root": "/data/docker",\n       "log-opts": {\n              "max-size":"500m",\n'
     '              "max-file":"3"\n       }\n}\n\n'),
    ("leading_space.json", "delete", (("data-root",),),
     ' {\n       "log-opts": {\n              "max-size":"500m"\n       }\n}\n\n'),
    # zero-indent keys, trailing spaces after values and after the closing brace
    ("trailing_spaces.json", "insert", (("log-opts",), "compress", "true"),
     '{\n"log-driver": "json-file",   \n"log-opts": {\n    "max-size": "10m",    \n    "max-file": "3",    \n'
     '    "compress": "true"\n    }\n} \n'),
    ("trailing_spaces.json", "delete", (("log-opts", "max-file"),),
     '{\n"log-driver": "json-file",   \n"log-opts": {\n    "max-size": "10m"    \n    }\n} \n'),
    ("trailing_spaces.json", "delete", (("log-driver",),),
     '{\n"log-opts": {\n    "max-size": "10m",    \n    "max-file": "3"    \n    }\n} \n'),
    ("trailing_spaces.json", "insert", ((), "exec-opts", ["native.cgroupdriver=systemd"]),
     '{\n"log-driver": "json-file",   \n"log-opts": {\n    "max-size": "10m",    \n    "max-file": "3"    \n'
     '    },\n"exec-opts": ["native.cgroupdriver=systemd"]\n} \n'),
    # ragged indentation
    ("ragged.json", "append", (("registry-mirrors",), "https://c.example"),
     '{\n   "exec-opts": ["native.cgroupdriver=systemd"],\n     "log-driver": "json-file",\n'
     '  "registry-mirrors": [\n        "https://a.example",\n      "https://b.example",\n'
     '      "https://c.example"\n    ],\n   "live-restore": true\n}\n'),
    ("ragged.json", "insert", ((), "log-opts", {"max-size": "10m"}),
     '{\n   "exec-opts": ["native.cgroupdriver=systemd"],\n     "log-driver": "json-file",\n'
     '  "registry-mirrors": [\n        "https://a.example",\n      "https://b.example"\n    ],\n'
     '   "live-restore": true,\n   "log-opts": {\n      "max-size": "10m"\n   }\n}\n'),
    ("ragged.json", "delete", (("registry-mirrors", 1),),
     '{\n   "exec-opts": ["native.cgroupdriver=systemd"],\n     "log-driver": "json-file",\n'
     '  "registry-mirrors": [\n        "https://a.example"\n    ],\n   "live-restore": true\n}\n'),
    ("ragged.json", "delete", (("log-driver",),),
     '{\n   "exec-opts": ["native.cgroupdriver=systemd"],\n'
     '  "registry-mirrors": [\n        "https://a.example",\n      "https://b.example"\n    ],\n'
     '   "live-restore": true\n}\n'),
    # tabs, whitespace-only lines, a comma alone on its line
    ("tabs_blank_lines.conflist", "delete", (("plugins", 0, "mtu"),),
     '{\n\t"cniVersion": "0.3.1",\n\t"plugins": [\n\t{\n\t\t"type": "ptp",\n\t\t"ipam": {\n\t\t\t"routes": [\n'
     '\t\t\t\t\n\t\t\t\t{ "dst": "0.0.0.0/0" }\n\t\t\t]\n\t\t}\n\t\t\n\t}\n\t]\n}\n'),
    ("tabs_blank_lines.conflist", "delete", (("plugins", 0, "ipam"),),
     '{\n\t"cniVersion": "0.3.1",\n\t"plugins": [\n\t{\n\t\t"type": "ptp",\n'
     '\t\t"mtu": 1500\n\t\t\n\t}\n\t]\n}\n'),
    ("tabs_blank_lines.conflist", "insert", (("plugins", 0), "ipMasq", False),
     '{\n\t"cniVersion": "0.3.1",\n\t"plugins": [\n\t{\n\t\t"type": "ptp",\n\t\t"ipam": {\n\t\t\t"routes": [\n'
     '\t\t\t\t\n\t\t\t\t{ "dst": "0.0.0.0/0" }\n\t\t\t]\n\t\t}\n\t\t,\n\t\t"mtu": 1500,\n\t\t"ipMasq": false\n'
     '\t\t\n\t}\n\t]\n}\n'),
    ("tabs_blank_lines.conflist", "append", (("plugins", 0, "ipam", "routes"), {"dst": "::/0"}),
     '{\n\t"cniVersion": "0.3.1",\n\t"plugins": [\n\t{\n\t\t"type": "ptp",\n\t\t"ipam": {\n\t\t\t"routes": [\n'
     '\t\t\t\t\n\t\t\t\t{ "dst": "0.0.0.0/0" },\n\t\t\t\t{"dst": "::/0"}\n\t\t\t]\n\t\t}\n\t\t,\n\t\t"mtu": 1500\n'
     '\t\t\n\t}\n\t]\n}\n'),
    ("tabs_blank_lines.conflist", "append",
     (("plugins",), {"type": "portmap", "capabilities": {"portMappings": True}}),
     '{\n\t"cniVersion": "0.3.1",\n\t"plugins": [\n\t{\n\t\t"type": "ptp",\n\t\t"ipam": {\n\t\t\t"routes": [\n'
     '\t\t\t\t\n\t\t\t\t{ "dst": "0.0.0.0/0" }\n\t\t\t]\n\t\t}\n\t\t,\n\t\t"mtu": 1500\n'
     '\t\t\n\t},\n\t{\n\t\t"type": "portmap",\n\t\t"capabilities": {\n'
     '\t\t\t"portMappings": true\n\t\t}\n\t}\n\t]\n}\n'),
    # unicode escapes and non-ASCII
    ("unicode.json", "set_value", (("label",), "na\u00efve \u2603"),
     '{\n  "label": "na\u00efve \u2603",\n  "描述": "边缘节点",\n  "path": "C:\\\\ProgramData\\\\docker",\n'
     '  "quote": "say \\"hi\\"\\/"\n}\n'),
    ("unicode.json", "rename", (("描述",), "description"),
     '{\n  "label": "caf\\u00e9 \\ud83d\\ude80",\n  "description": "边缘节点",\n'
     '  "path": "C:\\\\ProgramData\\\\docker",\n  "quote": "say \\"hi\\"\\/"\n}\n'),
    ("unicode.json", "insert", ((), "名前", "\u00fc"),
     '{\n  "label": "caf\\u00e9 \\ud83d\\ude80",\n  "描述": "边缘节点",\n'
     '  "path": "C:\\\\ProgramData\\\\docker",\n  "quote": "say \\"hi\\"\\/",\n  "名前": "\u00fc"\n}\n'),
    # an inline object inside a pretty file
    ("inline.json", "insert", (("log-opts",), "max-file", "3"),
     '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-opts": { "max-size": "100m", "max-file": "3" },\n'
     '  "storage-driver": "overlay2"\n}\n'),
    ("inline.json", "delete", (("log-opts", "max-size"),),
     '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-opts": {},\n  "storage-driver": "overlay2"\n}\n'),
    ("inline.json", "append", (("exec-opts",), "x"),
     '{\n  "exec-opts": ["native.cgroupdriver=systemd", "x"],\n  "log-opts": { "max-size": "100m" },\n'
     '  "storage-driver": "overlay2"\n}\n'),
    ("inline.json", "delete", (("exec-opts", 0),),
     '{\n  "exec-opts": [],\n  "log-opts": { "max-size": "100m" },\n  "storage-driver": "overlay2"\n}\n'),
    ("inline.json", "set_value", (("log-opts",), {"max-size": "10m", "max-file": "3"}),
     '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-opts": {"max-size": "10m", "max-file": "3"},\n'
     '  "storage-driver": "overlay2"\n}\n'),
    ("inline.json", "move", (("storage-driver",), ("log-opts",)),
     '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n'
     '  "log-opts": { "max-size": "100m", "storage-driver": "overlay2" }\n}\n'),
    ("inline.json", "move", (("storage-driver",), (), "storage"),
     '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-opts": { "max-size": "100m" },\n'
     '  "storage": "overlay2"\n}\n'),
    # empty containers
    ("empties.json", "insert", (("log-opts",), "max-size", "10m"),
     '{\n  "log-opts": {\n    "max-size": "10m"\n  },\n  "exec-opts": []\n}\n'),
    ("empties.json", "append", (("exec-opts",), "native.cgroupdriver=systemd"),
     '{\n  "log-opts": {},\n  "exec-opts": ["native.cgroupdriver=systemd"]\n}\n'),
    ("empties.json", "append", (("exec-opts",), {"a": 1}),
     '{\n  "log-opts": {},\n  "exec-opts": [\n    {\n      "a": 1\n    }\n  ]\n}\n'),
    ("empties.json", "append", (("features", "list"), 1),
     '{\n  "log-opts": {},\n  "exec-opts": [],\n  "features": {\n    "list": [\n      1\n    ]\n  }\n}\n'),
    ("empty_root.json", "insert", ((), "live-restore", True), '{"live-restore": true}'),
    # no final newline
    ("no_final_newline.json", "insert", ((), "exec-opts", ["native.cgroupdriver=systemd"]),
     '{\n  "live-restore": true,\n  "log-driver": "json-file",\n  "exec-opts": ["native.cgroupdriver=systemd"]\n}'),
    ("no_final_newline.json", "delete", (("log-driver",),), '{\n  "live-restore": true\n}'),
    ("no_final_newline.json", "delete", (("live-restore",),), '{\n  "log-driver": "json-file"\n}'),
]


@pytest.mark.parametrize("name, op, args, expected", EDIT_CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(EDIT_CASES)])
def test_edit_exact_text(name: str, op: str, args: tuple, expected: str) -> None:
    doc = fixture(name)
    if doc.newline == "\r\n":
        expected = expected.replace("\n", "\r\n")
    new = edited(doc, getattr(doc, op)(*args))
    assert new == expected
    parse(doc.path, doc.kind, doc.encode(new), new, doc.bom)  # still valid for us too


def test_set_value_same_text_is_no_edit() -> None:
    doc = fixture("bom.json")
    assert doc.set_value(("log-driver",), "json-file") == []
    assert doc.rename(("log-driver",), "log-driver") == []


def test_set_value_keeps_bool_and_number_types() -> None:
    doc = fixture("no_final_newline.json")
    new = edited(doc, doc.set_value(("live-restore",), 1))
    assert json.loads(new)["live-restore"] == 1 and '"live-restore": 1,' in new


@pytest.mark.parametrize("op, args, message", [
    ("set_value", (("nope",), 1), "/nope is not in the document"),
    ("set_value", (("exec-opts",), {1, 2}), "cannot write"),
    ("insert", ((), "exec-opts", []), "/exec-opts already exists"),
    ("insert", (("exec-opts",), "x", 1), "/exec-opts is not an object"),
    ("insert", (("exec-opts", "x"), "y", 1), "/exec-opts is not an object"),
    ("append", (("log-opts",), 1), "/log-opts is not an array"),
    ("rename", (("exec-opts", 0), "x"), "/exec-opts/0 has no key to rename"),
    ("rename", (("log-opts",), "exec-opts"), "/exec-opts already exists"),
    ("delete", ((),), "cannot delete the whole document"),
    ("move", (("log-opts",), ("log-opts", "inner")), "cannot move /log-opts into itself"),
    ("move", (("exec-opts", 0), ()), "needs a key"),
])
def test_edit_errors(op: str, args: tuple, message: str) -> None:
    doc = fixture("minified.json")
    with pytest.raises(EditError) as err:
        getattr(doc, op)(*args)
    assert message in str(err.value)


def test_empty_daemon_json_means_no_settings_but_empty_cni_is_an_error():
    from rtlint.formats import json as jf

    doc = jf.parse("daemon.json", "docker", b" \n", " \n", False)
    assert doc.data == {} and doc.to_bytes() == b" \n"
    with pytest.raises(ParseError):
        jf.parse("10-net.conflist", "cni", b"", "", False)
