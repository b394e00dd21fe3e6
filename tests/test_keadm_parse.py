"""The keadm command finder: tokenisation in every host language, and spans that map back to the file."""
from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from rtlint.keadm import Segment, Word, analyse, endpoint_path, find_joins, host_of, lex, removal_range

# (name, file name, text, expected flags of each join: [(spelled, value, text at value_span, literal)])
Expected = List[List[Tuple[str, Optional[str], str, bool]]]

CASES: List[Tuple[str, str, str, Expected]] = [
    ("plain", "j.sh", "keadm join --cloudcore-ipport=1.2.3.4:10000 --token abc\n",
     [[("--cloudcore-ipport", "1.2.3.4:10000", "1.2.3.4:10000", True), ("--token", "abc", "abc", True)]]),
    ("double and single quotes", "j.sh", "keadm join --token=\"a b\" --labels='x=1,y=2' --cgroupdriver \"systemd\"\n",
     [[("--token", "a b", "a b", True), ("--labels", "x=1,y=2", "x=1,y=2", True),
       ("--cgroupdriver", "systemd", "systemd", True)]]),
    ("quote in the middle of a word", "j.sh", "keadm join --remote-runtime-endpoint=unix://\"/run/crio/crio.sock\"\n",
     [[("--remote-runtime-endpoint", "unix:///run/crio/crio.sock", 'unix://"/run/crio/crio.sock', True)]]),
    ("backslash continuation", "j.sh", "sudo keadm join \\\n  --a=1 \\\n\t--b=2\n",
     [[("--a", "1", "1", True), ("--b", "2", "2", True)]]),
    ("CRLF continuation", "j.sh", "keadm join \\\r\n  --a=1 \\\r\n  --b=2\r\n",
     [[("--a", "1", "1", True), ("--b", "2", "2", True)]]),
    ("escaped characters", "j.sh", "keadm join --token=a\\ b --x=\\$HOME\n",
     [[("--token", "a b", "a\\ b", True), ("--x", "$HOME", "\\$HOME", True)]]),
    ("variables are not literal", "j.sh", "keadm join --token=$TOKEN --ip=\"${IP}:10000\" --kubeedge-version=v1.17.0\n",
     [[("--token", "$TOKEN", "$TOKEN", False), ("--ip", "${IP}:10000", "${IP}:10000", False),
       ("--kubeedge-version", "v1.17.0", "v1.17.0", True)]]),
    ("command substitution with quotes and spaces", "j.sh",
     "keadm join --token=\"$(cat /tmp/t | tr -d ' )')\" --e=1:2\n",
     [[("--token", "$(cat /tmp/t | tr -d ' )')", "$(cat /tmp/t | tr -d ' )')", False), ("--e", "1:2", "1:2", True)]]),
    ("short flags", "j.sh", "keadm join -e 1.2.3.4:10000 -p=unix:///x.sock -rremote -t tok\n",
     [[("-e", "1.2.3.4:10000", "1.2.3.4:10000", True), ("-p", "unix:///x.sock", "unix:///x.sock", True),
       ("-r", "remote", "remote", True), ("-t", "tok", "tok", True)]]),
    ("bool flag takes no value, -- ends flags", "j.sh", "keadm join --with-mqtt false --a=1 -- --b=2\n",
     [[("--with-mqtt", None, "", True), ("--a", "1", "1", True)]]),
    ("redirections and operators end the command", "j.sh",
     "keadm join --a=1 2>&1 | tee /tmp/log || true; keadm join --b=2 >/dev/null &\n",
     [[("--a", "1", "1", True)], [("--b", "2", "2", True)]]),
    ("program by path and inside a subshell", "j.sh",
     "(cd /opt && ./keadm-v1.13.0-linux-amd64/keadm/keadm join --a=1) || exit 1\n",
     [[("--a", "1", "1", True)]]),
    ("program from a variable assigned once", "j.sh",
     "KE_ADM=\"keadm-$V/keadm/keadm\"\nsudo $KE_ADM join --a=1\n",
     [[("--a", "1", "1", True)]]),
    ("bash -c string with escaped quotes", "j.sh",
     "ssh edge bash -c \"sudo keadm join --token=\\\"a b\\\" --q=1\"\n",
     [[("--token", "a b", "a b", True), ("--q", "1", "1", True)]]),
    ("multi-line double-quoted script", "j.sh",
     "multipass exec edge -- bash -c \"\n  apt-get install -y containerd\n  sudo keadm join --v=${VER} \\\n"
     "    --p=unix:///run/containerd/containerd.sock 2>&1 || true\n\"\n",
     [[("--v", "${VER}", "${VER}", False),
       ("--p", "unix:///run/containerd/containerd.sock", "unix:///run/containerd/containerd.sock", True)]]),
    ("command substitution", "j.sh", "OUT=$(keadm join --a=1 2>&1)\n", [[("--a", "1", "1", True)]]),
    ("heredoc body is a script", "j.sh",
     "cat <<'EOF' > /tmp/join.sh\n#!/bin/sh\nkeadm join --a=\"$X\" \\\n  --b=2\nEOF\nkeadm join --c=3\n",
     [[("--a", "$X", "$X", False), ("--b", "2", "2", True)], [("--c", "3", "3", True)]]),
    ("comments, echo and prose are not commands", "j.sh",
     "# keadm join --a=1\necho \"keadm join --b=2\"\nlog \"keadm join (Cloud: ${IP})\"\nx=1 # keadm join --c=3\n", []),
    ("jinja in a word", "tasks.yml",
     "- shell: keadm join --cloudcore-ipport={{ hostvars['a b'].ip }}:10000 --token={{ t }}\n",
     [[("--cloudcore-ipport", "{{ hostvars['a b'].ip }}:10000", "{{ hostvars['a b'].ip }}:10000", False),
       ("--token", "{{ t }}", "{{ t }}", False)]]),
    ("YAML double-quoted scalar with escapes", "tasks.yml",
     "- shell: \"{{ p }}/keadm/keadm join --token=\\\"x y\\\" --p=unix:///a\\tb\"\n",
     [[("--token", "x y", "x y", True), ("--p", "unix:///a", "unix:///a", True)]]),
    ("YAML single-quoted scalar", "tasks.yml", "- command: 'keadm join --t=''q r'' --u=1'\n",
     [[("--t", "q r", "q r", True), ("--u", "1", "1", True)]]),
    ("YAML literal block with continuation", "tasks.yml",
     "- name: join\n  shell: |\n    keadm join \\\n      --a=1 \\\n      --b=\"{{ v }}\"\n    echo done\n",
     [[("--a", "1", "1", True), ("--b", "{{ v }}", "{{ v }}", False)]]),
    ("YAML folded block", "tasks.yml", "- shell: >-\n    keadm join\n    --c=3\n    --d=4\n  register: out\n",
     [[("--c", "3", "3", True), ("--d", "4", "4", True)]]),
    ("YAML plain scalar continued on the next line", "tasks.yml",
     "- name: join\n  shell: keadm join --a=1\n    --b=2\n  timeout: 3\n",
     [[("--a", "1", "1", True), ("--b", "2", "2", True)]]),
    ("Ansible key=value argument", "tasks.yml",
     "- local_action: copy content=\"keadm join --e={{ ip }}:10000 --t={{ tok }}\" dest=./cmd\n",
     [[("--e", "{{ ip }}:10000", "{{ ip }}:10000", False), ("--t", "{{ tok }}", "{{ tok }}", False)]]),
    ("Salt state with pillar lookups", "init.sls",
     "keadm_join:\n  cmd.run:\n    - name: keadm join --cloudcore-ipport={{ pillar['k']['ip'] }} --token=x\n    - timeout: 60\n",
     [[("--cloudcore-ipport", "{{ pillar['k']['ip'] }}", "{{ pillar['k']['ip'] }}", False),
       ("--token", "x", "x", True)]]),
    ("Puppet string with interpolation", "join.pp",
     "exec { 'keadm join':\n  command => \"keadm join --cloudcore-ipport=${ip}:10000 --token=\\\"${t}\\\" -p unix:///a\",\n}\n",
     [[("--cloudcore-ipport", "${ip}:10000", "${ip}:10000", False), ("--token", "${t}", "${t}", False),
       ("-p", "unix:///a", "unix:///a", True)]]),
]


@pytest.mark.parametrize("name,path,text,expected", CASES, ids=[c[0] for c in CASES])
def test_flags_and_value_spans(name: str, path: str, text: str, expected: Expected) -> None:
    joins = find_joins(text, path)
    got = [[(f.spelled, f.value, text[f.value_span[0]:f.value_span[1]], f.literal) for f in j.flags] for j in joins]
    assert got == expected


def test_flag_name_and_whole_spans() -> None:
    text = "x=1\nkeadm join --runtimetype remote -p 'unix:///a b'\n"
    (j,) = find_joins(text)
    rt, ep = j.flags
    assert text[slice(*rt.name_span)] == "--runtimetype"
    assert text[slice(*rt.span)] == "--runtimetype remote"
    assert text[slice(*ep.span)] == "-p 'unix:///a b'"
    assert text[j.start:j.end] == "keadm join --runtimetype remote -p 'unix:///a b'"
    assert j.get("remote-runtime-endpoint") is ep and j.get("runtimetype") is rt


def test_last_repeated_flag_wins_and_opaque_arguments() -> None:
    (j,) = find_joins("keadm join --cgroupdriver=cgroupfs --cgroupdriver=systemd $EXTRA {{ more }}\n")
    assert j.get("cgroupdriver").value == "systemd"
    assert len(j.all("cgroupdriver")) == 2
    assert j.opaque
    (k,) = find_joins("keadm join --token=$T\n")
    assert not k.opaque


def test_puppet_resource_title_and_flags_from_a_variable() -> None:
    text = "$f = flags()\n$exec_join = \"keadm join ${f}\"\nexec { 'keadm join': command => $exec_join }\n"
    (j,) = find_joins(text, "keadm_join.pp")
    assert j.flags == [] and j.opaque


@pytest.mark.parametrize("path,host", [
    ("a/b/join.sh", "shell"), ("edge-setup", "shell"), ("roles/x/tasks/main.yaml", "yaml"),
    ("site.yml", "yaml"), ("init.sls", "yaml"), ("join.yml.j2", "yaml"), ("keadm_join.pp", "puppet"),
    ("install.sh.tmpl", "shell"),
])
def test_host_of(path: str, host: str) -> None:
    assert host_of(path) == host


def test_lexer_keeps_document_offsets_through_quotes() -> None:
    text = 'a "b c"d \'e\'\\ f\n'
    words = [w for w in lex(Segment.whole(text)) if isinstance(w, Word)]
    assert [w.text for w in words] == ["a", "b cd", "e f"]
    assert [text[w.start:w.end] for w in words] == ["a", '"b c"d', "'e'\\ f"]
    b = words[1]
    assert [text[b.starts[i]:b.ends[i]] for i in range(len(b.text))] == ["b", " ", "c", "d"]
    assert b.quoted == [('"', 0, 3)]


# (layout, flag to remove, text after removing it)
REMOVALS = [
    ("inline", "runtimetype",
     "keadm join --a=1 --runtimetype=remote --b=2\n",
     "keadm join --a=1 --b=2\n"),
    ("own continued line", "runtimetype",
     "keadm join \\\n  --a=1 \\\n  --runtimetype=remote \\\n  --b=2\n",
     "keadm join \\\n  --a=1 \\\n  --b=2\n"),
    ("last continued line", "runtimetype",
     "keadm join \\\n  --a=1 \\\n  --runtimetype=remote\necho ok\n",
     "keadm join \\\n  --a=1\necho ok\n"),
    ("separate value word", "runtimetype",
     "keadm join -r remote --a=1\n",
     "keadm join --a=1\n"),
    ("inside a YAML string", "runtimetype",
     "- shell: \"keadm join --a=1 --runtimetype=\\\"remote\\\"\"\n",
     "- shell: \"keadm join --a=1\"\n"),
]


@pytest.mark.parametrize("layout,name,text,after", REMOVALS, ids=[r[0] for r in REMOVALS])
def test_removal_range(layout: str, name: str, text: str, after: str) -> None:
    path = "t.yml" if text.startswith("-") else "t.sh"
    (j,) = find_joins(text, path)
    start, end = removal_range(text, j, j.get(name))
    assert text[:start] + text[end:] == after


def test_resolver_only_trusts_single_literal_assignments() -> None:
    text = ("A=v1.15.0\nB=\"v1.16.0\"\nB=v1.17.0\nread C\nC=v1\nD=$(cat v)\nE='x'\n"
            "keadm join --kubeedge-version=$A\n")
    a = analyse(text, "j.sh")
    assert a.resolver("A") == "v1.15.0"
    assert a.resolver("B") is None  # assigned twice
    assert a.resolver("C") is None  # read from input
    assert a.resolver("D") is None  # not literal
    assert a.resolver("E") == "x"


def test_downloads_functions_and_edits() -> None:
    text = (
        "#!/bin/bash\n"
        "# wget .../keadm-v1.9.0-linux-amd64.tar.gz (old)\n"
        "V=v1.17.0\n"
        "wget https://github.com/kubeedge/kubeedge/releases/download/$V/keadm-$V-linux-amd64.tar.gz\n"
        "patch() {\n"
        "  sed -i 's/a/b/' /etc/kubeedge/config/edgecore.yaml\n"
        "}\n"
        "cat > /etc/kubeedge/config/edgecore.yaml <<EOF\nx: 1\nEOF\n"
        "yq -i '.a=1' /etc/kubeedge/config/edgecore.yaml\n"
        "sed 's/a/b/' /etc/kubeedge/config/edgecore.yaml > /tmp/x\n"
        "keadm join --cloudcore-ipport=1.2.3.4:10000\n"
    )
    a = analyse(text, "j.sh")
    assert a.download_version() is not None and a.download_version()[0] == "1.17.0"
    assert [e.tool for e in a.edits] == ["sed", ">", "yq"]
    in_function = a.edits[0]
    assert a.scope(in_function.start) is not None and a.scope(a.edits[1].start) is None
    assert text[a.edits[1].start:a.edits[1].end] == "/etc/kubeedge/config/edgecore.yaml"


def test_ansible_file_module_edits() -> None:
    text = ("- name: seed\n  lineinfile:\n    path: /etc/kubeedge/config/edgecore.yaml\n    regexp: cgroupDriver\n"
            "- name: wipe\n  file:\n    path: /etc/kubeedge/config/edgecore.yaml\n    state: absent\n"
            "- name: join\n  shell: keadm join --cloudcore-ipport=1.2.3.4:10000\n")
    a = analyse(text, "site.yml")
    assert len(a.edits) == 1 and "cgroupDriver" in a.edits[0].text


@pytest.mark.parametrize("value,path", [
    ("unix:///run/containerd/containerd.sock", "/run/containerd/containerd.sock"),
    ("unix://var/run/crio/crio.sock", "/run/crio/crio.sock"),
    ("/var/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock"),
])
def test_endpoint_path_is_what_the_cri_client_dials(value: str, path: str) -> None:
    assert endpoint_path(value) == path
