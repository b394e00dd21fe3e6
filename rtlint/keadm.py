"""Find `keadm join` commands in shell scripts and provisioning files, with exact spans.

keadm flags hide in many host languages: a plain shell line, a backslash-continued
block, a `bash -c "..."` string, an Ansible `shell:` scalar (plain, quoted or
block), a Salt `- name:` value, a Puppet string. Rules need each flag's value
*and* where it sits in the original file, so a finding can point at it and a fix
can splice the file.

The model is a chain of decodings. A `Segment` is text plus, for every character,
the range of the document it came from. The host layer (YAML scalar, Puppet
string, or the whole file for shell) yields segments; a POSIX-shell lexer splits a
segment into words (quotes removed, escapes resolved, `$VAR`/`${..}`/`$(..)`/
backticks and Jinja `{{ }}`/`{% %}` kept verbatim and marked as expanded at run
time) and operators; quoted strings, command substitutions and heredoc bodies
that mention keadm are lexed again as nested shell text. Character ranges
compose through every layer, so a value inside `bash -c "... --x=\\"v\\""` inside
a YAML string still maps back to its bytes.

Flags are read the way keadm's flag library (spf13/pflag) reads them:
`--name=value`, `--name value` (the next word is taken whatever it looks like),
`-p value`, `-pvalue`, `-p=value`; `--with-mqtt`/`-h` take no separate value;
`--` ends the flags; for a repeated string flag the last one wins.

Not modelled: aliases and functions that wrap keadm, word splitting of unquoted
`$VAR` (one word each), `eval`, and quoting carried into a heredoc body.
"""
from __future__ import annotations

import re
from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

from .versions import Version

__all__ = [
    "Segment", "Word", "Op", "Heredoc", "SimpleCommand", "Flag", "JoinCommand", "ConfigEdit", "Analysis", "Resolver",
    "lex", "split_commands", "parse_flags", "top_segments", "host_of", "find_joins", "analyse", "resolved_value",
    "is_release", "release_version", "removal_range", "endpoint_path", "socket_runtime", "KNOWN_SOCKETS",
    "SHORTHANDS", "BOOL_FLAGS", "EDGECORE_PATH",
]

# ---------------------------------------------------------------- segments


@dataclass
class Segment:
    """Text plus, for every character, the [start, end) range of the document it came from."""

    text: str
    starts: List[int]
    ends: List[int]
    end: int  # document offset just after the segment (position of an empty range at its end)
    depth: int = 0

    @classmethod
    def whole(cls, text: str, base: int = 0) -> "Segment":
        n = len(text)
        return cls(text, list(range(base, base + n)), list(range(base + 1, base + n + 1)), base + n)

    def pos(self, i: int) -> int:
        """Document offset of the position before character i (i may be len(text))."""
        return self.starts[i] if i < len(self.text) else self.end

    def sub(self, i: int, j: int, depth: Optional[int] = None) -> "Segment":
        end = self.ends[j - 1] if j > i else self.pos(i)
        return Segment(self.text[i:j], self.starts[i:j], self.ends[i:j], end,
                       self.depth + 1 if depth is None else depth)


# ---------------------------------------------------------------- words and operators


@dataclass
class Word:
    """One shell word. `text` is unquoted; expansions stay verbatim and are listed in `dynamic`."""

    text: str
    starts: List[int]
    ends: List[int]
    start: int  # document span of the whole word, quotes included
    end: int
    dynamic: List[Tuple[int, int]] = field(default_factory=list)  # [i, j) of text expanded at run time
    quoted: List[Tuple[str, int, int]] = field(default_factory=list)  # (quote, i, j) parts of text
    substitutions: List[Tuple[int, int]] = field(default_factory=list)  # [i, j) inside $(..) / `..`
    variables: List[Tuple[str, int, int]] = field(default_factory=list)  # ($NAME|${NAME}, i, j)
    segment_depth: int = 0

    @property
    def literal(self) -> bool:
        return not self.dynamic

    def literal_between(self, i: int, j: int) -> bool:
        return not any(a < j and i < b for a, b in self.dynamic)

    def src(self, i: int, j: int) -> Tuple[int, int]:
        """Document range of text[i:j]; an empty range is the position before text[i]."""
        if j > i:
            return self.starts[i], self.ends[j - 1]
        p = self.starts[i] if i < len(self.text) else (self.ends[-1] if self.text else self.end)
        return p, p

    def piece(self, i: int, j: int, depth: int) -> Segment:
        """text[i:j] as a segment, for lexing it again as nested shell text."""
        end = self.ends[j - 1] if j > i else self.src(i, i)[0]
        return Segment(self.text[i:j], self.starts[i:j], self.ends[i:j], end, depth)

    def only_variable(self) -> Optional[str]:
        """NAME when the whole word is `$NAME` or `${NAME}` (quoted or not)."""
        if len(self.variables) == 1:
            name, i, j = self.variables[0]
            if i == 0 and j == len(self.text):
                return name
        return None


@dataclass
class Op:
    kind: str  # "newline", ";", "&&", "||", "|", "&", "(", ")", ";;", "|&", "redirect"
    text: str
    start: int
    end: int


@dataclass
class Heredoc:
    body: Segment
    delimiter: str
    quoted: bool


Item = object  # Word | Op | Heredoc


_SEPARATORS = ("&&", "||", ";;", "|&", ";", "&", "|", "(", ")")
_REDIRECTS = ("<<<", "<<-", "&>>", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "<", ">")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL_PARAM = "0123456789@*#?$!-"
_YAML_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
                 "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
                 "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_ANSI_C = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
           "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v"}


def _skip_squote(t: str, i: int) -> int:
    j = t.find("'", i + 1)
    return len(t) if j < 0 else j + 1


def _skip_backtick(t: str, i: int) -> int:
    j, n = i + 1, len(t)
    while j < n:
        if t[j] == "\\":
            j += 2
            continue
        if t[j] == "`":
            return j + 1
        j += 1
    return n


def _skip_jinja(t: str, i: int) -> int:
    closer = {"{": "}}", "%": "%}", "#": "#}"}[t[i + 1]]
    j = t.find(closer, i + 2)
    return len(t) if j < 0 else j + 2


def _skip_dquote(t: str, i: int) -> int:
    j, n = i + 1, len(t)
    while j < n:
        c = t[j]
        if c == "\\":
            j += 2
        elif c == '"':
            return j + 1
        elif c == "$" and t.startswith("$(", j):
            j = _match_paren(t, j + 2)
        elif c == "$" and t.startswith("${", j):
            j = _match_brace(t, j + 2)
        elif c == "`":
            j = _skip_backtick(t, j)
        else:
            j += 1
    return n


def _match_close(t: str, j: int, opening: str, closing: str, backticks: bool) -> int:
    """Index after the `closing` that balances an `opening` whose body starts at j (quotes skipped)."""
    depth, n = 1, len(t)
    while j < n:
        c = t[j]
        if c == "\\":
            j += 2
            continue
        if c == "'":
            j = _skip_squote(t, j)
            continue
        if c == '"':
            j = _skip_dquote(t, j)
            continue
        if backticks and c == "`":
            j = _skip_backtick(t, j)
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def _match_paren(t: str, j: int) -> int:
    """Index after the `)` closing a `$(` or `(` whose body starts at j."""
    return _match_close(t, j, "(", ")", backticks=True)


def _match_brace(t: str, j: int) -> int:
    """Index after the `}` closing a `${` whose body starts at j."""
    return _match_close(t, j, "{", "}", backticks=False)


class _WordBuilder:
    def __init__(self, seg: Segment, i: int) -> None:
        self.seg = seg
        self.chars: List[str] = []
        self.starts: List[int] = []
        self.ends: List[int] = []
        self.start = seg.pos(i)
        self.end = self.start
        self.dynamic: List[Tuple[int, int]] = []
        self.quoted: List[Tuple[str, int, int]] = []
        self.substitutions: List[Tuple[int, int]] = []
        self.variables: List[Tuple[str, int, int]] = []
        self.only_digits = True  # for `2>&1`: a word of digits right before a redirection is its fd

    def add(self, ch: str, a: int, b: int) -> None:
        """Add a decoded character made from segment characters [a, b)."""
        self.chars.append(ch)
        self.starts.append(self.seg.starts[a])
        self.ends.append(self.seg.ends[b - 1])
        self.end = self.seg.ends[b - 1]
        if not ch.isdigit():
            self.only_digits = False

    def add_raw(self, a: int, b: int, dynamic: bool) -> None:
        i = len(self.chars)
        for k in range(a, b):
            self.add(self.seg.text[k], k, k + 1)
        if dynamic and b > a:
            self.dynamic.append((i, len(self.chars)))
            self.only_digits = False

    def touch(self, b: int) -> None:
        """The word's syntax reaches up to segment index b (exclusive), e.g. a closing quote."""
        if b > 0:
            self.end = self.seg.ends[b - 1]
        self.only_digits = self.only_digits and bool(self.chars)

    def build(self) -> Word:
        return Word("".join(self.chars), self.starts, self.ends, self.start, self.end, self.dynamic,
                    self.quoted, self.substitutions, self.variables, self.seg.depth)


class _Lexer:
    def __init__(self, seg: Segment, jinja: bool = True) -> None:
        self.seg = seg
        self.t = seg.text
        self.jinja = jinja
        self.items: List[Item] = []
        self.word: Optional[_WordBuilder] = None
        self.pending: List[Tuple[str, bool, bool]] = []  # heredocs waiting for the next newline

    # -- helpers ---------------------------------------------------------------
    def _w(self, i: int) -> _WordBuilder:
        if self.word is None:
            self.word = _WordBuilder(self.seg, i)
        return self.word

    def _flush(self) -> None:
        if self.word is not None:
            self.items.append(self.word.build())
            self.word = None

    def _op(self, kind: str, i: int, j: int) -> None:
        self._flush()
        self.items.append(Op(kind, self.t[i:j], self.seg.pos(i), self.seg.pos(j) if j < len(self.t) else self.seg.end))

    def _dollar(self, i: int, w: _WordBuilder) -> int:
        """Consume an expansion starting with `$` at i; returns the index after it."""
        t, n = self.t, len(self.t)
        nxt = t[i + 1] if i + 1 < n else ""
        if nxt == "(":
            if t.startswith("((", i + 1):
                j = _match_paren(t, i + 3)
                j = j + 1 if j < n and t[j] == ")" else j
                w.add_raw(i, j, True)
                return j
            j = _match_paren(t, i + 2)
            start = len(w.chars)
            w.add_raw(i, j, True)
            inner_end = start + (j - i) - (1 if t[j - 1:j] == ")" else 0)
            w.substitutions.append((start + 2, inner_end))
            return j
        if nxt == "{":
            j = _match_brace(t, i + 2)
            start = len(w.chars)
            w.add_raw(i, j, True)
            body = t[i + 2:j - 1] if t[j - 1:j] == "}" else ""
            if _NAME.fullmatch(body):
                w.variables.append((body, start, len(w.chars)))
            return j
        m = _NAME.match(t, i + 1)
        if m:
            start = len(w.chars)
            w.add_raw(i, m.end(), True)
            w.variables.append((m.group(0), start, len(w.chars)))
            return m.end()
        if nxt and nxt in _SPECIAL_PARAM:
            w.add_raw(i, i + 2, True)
            return i + 2
        w.add("$", i, i + 1)
        return i + 1

    def _backtick(self, i: int, w: _WordBuilder) -> int:
        j = _skip_backtick(self.t, i)
        start = len(w.chars)
        w.add_raw(i, j, True)
        w.substitutions.append((start + 1, start + (j - i) - (1 if self.t[j - 1:j] == "`" else 0)))
        return j

    def _dquote(self, i: int) -> int:
        t, n = self.t, len(self.t)
        w = self._w(i)
        w.only_digits = False
        first = len(w.chars)
        j = i + 1
        while j < n:
            c = t[j]
            if c == '"':
                j += 1
                break
            if c == "\\" and j + 1 < n and t[j + 1] in '$`"\\\n':
                if t[j + 1] != "\n":
                    w.add(t[j + 1], j, j + 2)
                j += 2
                continue
            if c == "$":
                j = self._dollar(j, w)
                continue
            if c == "`":
                j = self._backtick(j, w)
                continue
            if self.jinja and c == "{" and j + 1 < n and t[j + 1] in "{%#":
                k = _skip_jinja(t, j)
                w.add_raw(j, k, True)
                j = k
                continue
            w.add(c, j, j + 1)
            j += 1
        w.quoted.append(('"', first, len(w.chars)))
        w.touch(j)
        return j

    def _squote(self, i: int) -> int:
        t = self.t
        w = self._w(i)
        w.only_digits = False
        j = _skip_squote(t, i)
        close = j - 1 if t[j - 1:j] == "'" and j - 1 > i else j
        first = len(w.chars)
        w.add_raw(i + 1, close, False)
        w.quoted.append(("'", first, len(w.chars)))
        w.touch(j)
        return j

    def _ansi_c(self, i: int) -> int:
        t, n = self.t, len(self.t)
        w = self._w(i)
        w.only_digits = False
        first = len(w.chars)
        j = i + 2
        while j < n and t[j] != "'":
            if t[j] == "\\" and j + 1 < n:
                w.add(_ANSI_C.get(t[j + 1], t[j + 1]), j, j + 2)
                j += 2
                continue
            w.add(t[j], j, j + 1)
            j += 1
        j = min(j + 1, n)
        w.quoted.append(("'", first, len(w.chars)))
        w.touch(j)
        return j

    def _redirect(self, i: int) -> int:
        t = self.t
        op = next(o for o in _REDIRECTS if t.startswith(o, i))
        if self.word is not None and self.word.only_digits and self.word.chars:
            self.word = None  # `2>`: the digits are the file descriptor, not an argument
        self._op("redirect", i, i + len(op))
        j = i + len(op)
        if op in ("<<", "<<-"):
            n = len(t)
            while j < n and t[j] in " \t":
                j += 1
            k = j
            delim = []
            quoted = False
            while k < n and t[k] not in " \t\n;&|<>()":
                if t[k] in "'\"":
                    quoted = True
                    end = t.find(t[k], k + 1)
                    end = n if end < 0 else end
                    delim.append(t[k + 1:end])
                    k = end + 1
                    continue
                if t[k] == "\\":
                    quoted = True
                    k += 1
                    continue
                delim.append(t[k])
                k += 1
            if delim:
                self.pending.append(("".join(delim), op == "<<-", quoted))
            return k
        return j

    def _heredocs(self, i: int) -> int:
        t, n = self.t, len(self.t)
        for delim, dash, quoted in self.pending:
            body_start = i
            while i < n:
                nl = t.find("\n", i)
                line_end = n if nl < 0 else nl
                line = t[i:line_end].rstrip("\r")
                if (line.lstrip("\t") if dash else line) == delim:
                    self.items.append(Heredoc(self.seg.sub(body_start, i), delim, quoted))
                    i = line_end + 1 if nl >= 0 else n
                    break
                i = line_end + 1 if nl >= 0 else n
            else:
                self.items.append(Heredoc(self.seg.sub(body_start, n), delim, quoted))
        self.pending = []
        return min(i, n)

    # -- main loop -------------------------------------------------------------
    def run(self) -> List[Item]:
        t, n = self.t, len(self.t)
        i = 0
        while i < n:
            c = t[i]
            if c in " \t\r":
                self._flush()
                i += 1
            elif c == "\n":
                self._op("newline", i, i + 1)
                i += 1
                if self.pending:
                    i = self._heredocs(i)
            elif c == "\\":
                if t.startswith("\n", i + 1):
                    i += 2  # line continuation
                elif t.startswith("\r\n", i + 1):
                    i += 3
                elif i + 1 < n:
                    self._w(i).add(t[i + 1], i, i + 2)
                    i += 2
                else:
                    self._w(i).add("\\", i, i + 1)
                    i += 1
            elif c == "#" and self.word is None:
                nl = t.find("\n", i)
                i = n if nl < 0 else nl
            elif c == "'":
                i = self._squote(i)
            elif c == '"':
                i = self._dquote(i)
            elif c == "$" and t.startswith("$'", i):
                i = self._ansi_c(i)
            elif c == "$":
                i = self._dollar(i, self._w(i))
            elif c == "`":
                i = self._backtick(i, self._w(i))
            elif self.jinja and c == "{" and i + 1 < n and t[i + 1] in "{%#":
                j = _skip_jinja(t, i)
                self._w(i).add_raw(i, j, True)
                i = j
            elif c in "<>" or (c == "&" and t.startswith("&>", i)):
                i = self._redirect(i)
            elif c in ";&|()":
                op = next(o for o in _SEPARATORS if t.startswith(o, i))
                self._op(op, i, i + len(op))
                i += len(op)
            else:
                self._w(i).add(c, i, i + 1)
                i += 1
        self._flush()
        if self.pending:
            self._heredocs(n)
        return self.items


def lex(seg: Segment, jinja: bool = True) -> List[Item]:
    """Words, operators and heredoc bodies of a piece of shell text."""
    return _Lexer(seg, jinja).run()


# ---------------------------------------------------------------- commands


@dataclass
class SimpleCommand:
    """Words of one simple command, and its redirections as (operator, target word or None)."""

    words: List[Word]
    redirects: List[Tuple[str, Optional[Word]]]
    depth: int

    def program_index(self) -> Optional[int]:
        """Index of the program word, after assignments, `sudo`/`env`/`nohup` and their options."""
        k = 0
        words = self.words
        while k < len(words):
            txt = words[k].text
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", txt, re.S):
                k += 1
            elif txt in ("sudo", "doas", "env", "nohup", "exec", "command", "time", "nice", "builtin", "then",
                         "do", "else", "!", "{"):
                k += 1
                while k < len(words) and words[k].text.startswith("-"):
                    k += 1 + (words[k].text in ("-u", "-g", "-n", "-C", "-p"))
            else:
                return k
        return None


def split_commands(items: Sequence[Item]) -> List[SimpleCommand]:
    out: List[SimpleCommand] = []
    words: List[Word] = []
    redirects: List[Tuple[str, Optional[Word]]] = []
    pending: Optional[str] = None
    depth = 0
    for it in items:
        if isinstance(it, Word):
            depth = it.segment_depth
            if pending is not None:
                redirects.append((pending, it))
                pending = None
            else:
                words.append(it)
        elif isinstance(it, Op):
            if it.kind == "redirect":
                if pending is not None:
                    redirects.append((pending, None))
                pending = it.text
                if it.text in ("<<", "<<-"):
                    redirects.append((it.text, None))
                    pending = None
                continue
            if pending is not None:
                redirects.append((pending, None))
                pending = None
            if words or redirects:
                out.append(SimpleCommand(words, redirects, depth))
            words, redirects = [], []
    if pending is not None:
        redirects.append((pending, None))
    if words or redirects:
        out.append(SimpleCommand(words, redirects, depth))
    return out


# ---------------------------------------------------------------- keadm join

#: keadm join flags with a shorthand (keadm/cmd/keadm/app/cmd/edge/join*.go, 1.12-1.23).
SHORTHANDS: Dict[str, str] = {"e": "cloudcore-ipport", "r": "runtimetype", "i": "edgenode-name",
                              "p": "remote-runtime-endpoint", "t": "token", "s": "certport", "l": "labels",
                              "h": "help"}
#: flags that take no separate value word (pflag bool flags).
BOOL_FLAGS = frozenset({"with-mqtt", "help", "h"})


@dataclass
class Flag:
    """One flag of a keadm command. The value is `value_word.text[value_from:]`."""

    name: str  # long name without dashes, e.g. "runtimetype"
    spelled: str  # as written: "--runtimetype", "-r"
    words: Tuple[Word, ...]  # the flag word, plus the value word for `--name value`
    value_word: Optional[Word]
    value_from: int = 0
    inline: bool = True  # value written in the flag word (`--x=v`, `-pv`)

    @property
    def value(self) -> Optional[str]:
        return None if self.value_word is None else self.value_word.text[self.value_from:]

    @property
    def literal(self) -> bool:
        """The value is fixed text (no variable, substitution or template)."""
        w = self.value_word
        return w is None or w.literal_between(self.value_from, len(w.text))

    @property
    def span(self) -> Tuple[int, int]:
        return self.words[0].start, self.words[-1].end

    @property
    def name_span(self) -> Tuple[int, int]:
        return self.words[0].src(0, len(self.spelled))

    @property
    def value_span(self) -> Tuple[int, int]:
        """Document range of the value's characters (inside any quotes); empty value: where it would go."""
        w = self.value_word
        if w is None:
            return self.words[-1].end, self.words[-1].end
        if self.value_from < len(w.text):
            return w.src(self.value_from, len(w.text))
        if self.value_from > 0:  # `--x=` or `--x=""`: just after the `=`
            p = w.src(self.value_from - 1, self.value_from)[1]
            return p, p
        return w.start, w.start


@dataclass
class JoinCommand:
    program: Word
    join: Word
    args: List[Word]
    flags: List[Flag]
    positionals: List[Word]
    opaque: bool  # an argument is a bare expansion that may hold more flags at run time
    host: str
    command: SimpleCommand

    @property
    def start(self) -> int:
        return self.program.start

    @property
    def end(self) -> int:
        return (self.args[-1] if self.args else self.join).end

    def get(self, name: str) -> Optional[Flag]:
        """The flag that takes effect (pflag: the last one given)."""
        found = [f for f in self.flags if f.name == name]
        return found[-1] if found else None

    def all(self, name: str) -> List[Flag]:
        return [f for f in self.flags if f.name == name]

    def words_before(self, w: Word) -> Optional[Word]:
        seq = [self.program, self.join] + self.args
        for a, b in zip(seq, seq[1:]):
            if b is w:
                return a
        return None


def _starts_dynamic(w: Word) -> bool:
    return bool(w.dynamic) and w.dynamic[0][0] == 0


def parse_flags(args: Sequence[Word]) -> Tuple[List[Flag], List[Word], bool]:
    flags: List[Flag] = []
    positionals: List[Word] = []
    opaque = False
    k = 0
    only_positional = False
    while k < len(args):
        w = args[k]
        t = w.text
        if only_positional:
            positionals.append(w)
        elif t == "--" and w.literal:
            only_positional = True
        elif t.startswith("--") and len(t) > 2 and w.literal_between(0, 3):
            body = t[2:]
            eq = body.find("=")
            name = body if eq < 0 else body[:eq]
            if not w.literal_between(0, 2 + len(name)):
                opaque = True
            elif eq >= 0:
                flags.append(Flag(name, "--" + name, (w,), w, 2 + eq + 1, True))
            elif name in BOOL_FLAGS or k + 1 >= len(args):
                flags.append(Flag(name, "--" + name, (w,), None, 0, True))
            else:
                flags.append(Flag(name, "--" + name, (w, args[k + 1]), args[k + 1], 0, False))
                k += 1
        elif t.startswith("-") and len(t) > 1 and w.literal_between(0, 2):
            c = t[1]
            name = SHORTHANDS.get(c, c)
            if name in BOOL_FLAGS:
                flags.append(Flag(name, "-" + c, (w,), None, 0, True))
            elif len(t) > 2 and t[2] == "=":
                flags.append(Flag(name, "-" + c, (w,), w, 3, True))
            elif len(t) > 2:
                flags.append(Flag(name, "-" + c, (w,), w, 2, True))
            elif k + 1 < len(args):
                flags.append(Flag(name, "-" + c, (w, args[k + 1]), args[k + 1], 0, False))
                k += 1
            else:
                flags.append(Flag(name, "-" + c, (w,), None, 0, True))
        elif _starts_dynamic(w):
            opaque = True
            positionals.append(w)
        else:
            positionals.append(w)
        k += 1
    return flags, positionals, opaque


def _is_keadm(w: Word, resolve: "Resolver") -> bool:
    base_at = w.text.rfind("/") + 1
    if w.text[base_at:] == "keadm" and w.literal_between(base_at, len(w.text)):
        return True
    name = w.only_variable()
    if name is not None:
        hit = resolve.lookup(name)
        return hit is not None and hit[0].rsplit("/", 1)[-1] == "keadm"
    return False


class Resolver:
    """Values of shell variables assigned exactly once in the file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cache: Dict[str, Optional[Tuple[str, int, bool]]] = {}

    def lookup(self, name: str) -> Optional[Tuple[str, int, bool]]:
        """(value as written, document offset of the assignment, value is literal) or None."""
        if name not in self._cache:
            self._cache[name] = self._find(name)
        return self._cache[name]

    def __call__(self, name: str) -> Optional[str]:
        """The value when it is a single literal assignment."""
        hit = self.lookup(name)
        return hit[0] if hit is not None and hit[2] else None

    def _find(self, name: str) -> Optional[Tuple[str, int, bool]]:
        text = self.text
        n = re.escape(name)
        hits = list(re.finditer(r"(?<![\w${}./:-])" + n + r"\+?=", text))
        if len(hits) != 1:
            return None
        if re.search(r"\b(?:read|for|getopts|select|mapfile|readarray)\b[^\n;]*\b" + n + r"\b", text) or \
                re.search(r"\$\{" + n + r":?[=?]", text):
            return None
        m = hits[0]
        if text[m.end() - 2] == "+":
            return None
        v = re.match(r"\"([^\"\\`\n]*)\"|'([^'\n]*)'|([^\s;&|<>()`'\"\\]*)(?=[\s;&|)]|$)", text[m.end():])
        if not v:
            return None
        value = next(g for g in v.groups() if g is not None)
        literal = v.group(2) is not None or "$" not in value
        return value, m.start(), literal


def _keadm_in(cmd: SimpleCommand, resolve: Resolver, host: str) -> Optional[JoinCommand]:
    words = cmd.words
    if words and words[0].text in ("echo", "printf"):
        return None
    for k in range(len(words) - 1):
        if _is_keadm(words[k], resolve) and words[k + 1].text == "join" and words[k + 1].literal:
            args = words[k + 2:]
            flags, positionals, opaque = parse_flags(args)
            if not flags and not opaque:
                return None  # `keadm join` in prose, or a resource title: not a command line
            return JoinCommand(words[k], words[k + 1], list(args), flags, positionals, opaque, host, cmd)
    return None


_MAX_DEPTH = 6


def _walk(seg: Segment, visit, jinja: bool = True) -> None:
    """Lex `seg`, call visit(cmd) for every simple command, and descend into nested shell text."""
    items = lex(seg, jinja)
    for cmd in split_commands(items):
        visit(cmd)
        if seg.depth >= _MAX_DEPTH:
            continue
        printing = bool(cmd.words) and cmd.words[0].text in ("echo", "printf")
        for w in cmd.words:
            nested = list(w.substitutions)
            if not printing:
                nested += [(i, j) for q, i, j in w.quoted]
            for i, j in nested:
                piece = w.text[i:j]
                if "keadm" in piece or "edgecore" in piece:
                    _walk(w.piece(i, j, seg.depth + 1), visit, jinja)
    if seg.depth < _MAX_DEPTH:
        for it in items:
            if isinstance(it, Heredoc) and ("keadm" in it.body.text or "edgecore" in it.body.text):
                _walk(it.body, visit, jinja)


# ---------------------------------------------------------------- host layers


def host_of(path: str) -> str:
    """How a file embeds its commands: "yaml" (Ansible, Salt, cloud-init), "puppet" or "shell"."""
    low = path.lower()
    for suffix in (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl"):
        if low.endswith(suffix):
            low = low[: -len(suffix)]
    if low.endswith((".yml", ".yaml", ".sls")):
        return "yaml"
    if low.endswith(".pp"):
        return "puppet"
    return "shell"


def _lines(text: str) -> List[Tuple[int, int]]:
    """(start, end) of every line, end before its newline."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


class _SegBuilder:
    def __init__(self) -> None:
        self.chars: List[str] = []
        self.starts: List[int] = []
        self.ends: List[int] = []

    def add(self, ch: str, a: int, b: int) -> None:
        self.chars.append(ch)
        self.starts.append(a)
        self.ends.append(b)

    def add_span(self, text: str, a: int, b: int) -> None:
        for k in range(a, b):
            self.add(text[k], k, k + 1)

    def rstrip_blanks(self) -> None:
        while self.chars and self.chars[-1] in " \t":
            self.chars.pop()
            self.starts.pop()
            self.ends.pop()

    def build(self, end: int) -> Segment:
        return Segment("".join(self.chars), self.starts, self.ends, end, 0)


_YAML_KEY = re.compile(r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s#'"\[\]{},:-][^#\n]*?|-[^\s#][^#\n]*?)[ \t]*:(?=[ \t]|$)""")


_BLANK_LINE = re.compile(r"[ \t]*\n")


def _yaml_quoted(text: str, q: int, double: bool) -> Tuple[Segment, int]:
    """Decode a YAML quoted scalar opening at q; returns it and the offset after the closing quote."""
    b = _SegBuilder()
    j, n = q + 1, len(text)
    quote = '"' if double else "'"
    while j < n:
        c = text[j]
        if c == quote:
            if not double and text.startswith("''", j):
                b.add("'", j, j + 2)
                j += 2
                continue
            return b.build(j), j + 1
        if double and c == "\\" and j + 1 < n:
            e = text[j + 1]
            if e == "\n":  # escaped line break: joined without a space
                j += 2
                while j < n and text[j] in " \t":
                    j += 1
                continue
            if e in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[e]
                digits = text[j + 2:j + 2 + width]
                try:
                    b.add(chr(int(digits, 16)), j, j + 2 + width)
                    j += 2 + width
                    continue
                except ValueError:
                    pass
            b.add(_YAML_ESCAPES.get(e, e), j, j + 2)
            j += 2
            continue
        if c == "\n":  # line folding
            b.rstrip_blanks()
            k = j + 1
            breaks = 0
            while True:
                m = _BLANK_LINE.match(text, k)
                if not m:
                    break
                breaks += 1
                k = m.end()
            while k < n and text[k] in " \t":
                k += 1
            if breaks:
                for _ in range(breaks):
                    b.add("\n", j, j + 1)
            else:
                b.add(" ", j, j + 1)
            j = k
            continue
        b.add(c, j, j + 1)
        j += 1
    return b.build(n), n


def _yaml_segments(text: str) -> List[Segment]:
    """Every YAML scalar that may hold shell text (only those mentioning keadm or edgecore)."""
    lines = _lines(text)
    out: List[Segment] = []
    i = 0
    wanted = ("keadm", "edgecore")
    while i < len(lines):
        ls, le = lines[i]
        line = text[ls:le]
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if not body.strip() or body.startswith(("#", "{%", "{#", "---", "...")):
            i += 1
            continue
        p = indent
        while line.startswith(("- ", "-\t"), p) or line[p:].rstrip() == "-":
            p += 1
            while p < len(line) and line[p] in " \t":
                p += 1
        key_col = p
        m = _YAML_KEY.match(line, p)
        if m:
            p = m.end()
            while p < len(line) and line[p] in " \t":
                p += 1
        if p >= len(line) or line[p] == "#":
            i += 1
            continue
        c = line[p]
        if c in "|>":
            header = re.match(r"[|>][-+0-9]*[ \t]*(#.*)?$", line[p:])
            if not header:
                i += 1
                continue
            folded = c == ">"
            j = i + 1
            content_indent = None
            block: List[int] = []
            while j < len(lines):
                s, e = lines[j]
                ln = text[s:e]
                if ln.strip() == "":
                    block.append(j)
                    j += 1
                    continue
                ind = len(ln) - len(ln.lstrip(" "))
                if content_indent is None:
                    if ind <= indent:
                        break
                    content_indent = ind
                if ind < content_indent:
                    break
                block.append(j)
                j += 1
            while block and text[lines[block[-1]][0]:lines[block[-1]][1]].strip() == "":
                block.pop()
            b = _SegBuilder()
            for n_, k in enumerate(block):
                s, e = lines[k]
                if n_:
                    prev_blank = text[lines[block[n_ - 1]][0]:lines[block[n_ - 1]][1]].strip() == ""
                    this_blank = text[s:e].strip() == ""
                    b.add("\n" if not folded or prev_blank or this_blank else " ", s - 1, s)
                start = s + min(content_indent or 0, e - s)
                b.add_span(text, start, e if text[s:e].strip() else start)
            if block:
                seg = b.build(lines[block[-1]][1])
                if any(x in seg.text for x in wanted):
                    out.append(seg)
            i = j
            continue
        if c in "\"'":
            seg, after = _yaml_quoted(text, ls + p, c == '"')
            if any(x in seg.text for x in wanted):
                out.append(seg)
            while i < len(lines) and lines[i][1] < after:
                i += 1
            i += 1
            continue
        if c in "[{":
            i += 1
            continue
        b = _SegBuilder()
        end = re.search(r"[ \t]#", line[p:])
        stop = p + end.start() if end else len(line.rstrip())
        b.add_span(text, ls + p, ls + max(stop, p))
        j = i + 1
        while j < len(lines):
            s, e = lines[j]
            ln = text[s:e]
            stripped = ln.strip()
            ind = len(ln) - len(ln.lstrip(" \t"))
            if not stripped or ind <= key_col - (0 if m else 2) or stripped.startswith(("#", "- ")) \
                    or _YAML_KEY.match(ln, ind):
                break
            b.rstrip_blanks()
            b.add(" ", s - 1, s)
            cend = re.search(r"[ \t]#", ln[ind:])
            b.add_span(text, s + ind, s + (ind + cend.start() if cend else len(ln.rstrip())))
            j += 1
        seg = b.build(b.ends[-1] if b.ends else ls + p)
        if any(x in seg.text for x in wanted):
            out.append(seg)
        i = j
    return out


def _puppet_segments(text: str) -> List[Segment]:
    """Puppet string literals that mention keadm or edgecore, decoded."""
    out: List[Segment] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            nl = text.find("\n", i)
            i = n if nl < 0 else nl
            continue
        if text.startswith("/*", i):
            e = text.find("*/", i + 2)
            i = n if e < 0 else e + 2
            continue
        if c not in "\"'":
            i += 1
            continue
        b = _SegBuilder()
        j = i + 1
        while j < n and text[j] != c:
            if text[j] == "\\" and j + 1 < n:
                e = text[j + 1]
                if c == "'":
                    if e in "\\'":
                        b.add(e, j, j + 2)
                    else:
                        b.add_span(text, j, j + 2)
                else:
                    mapped = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r", "s": " ",
                              "$": "$"}.get(e)
                    if mapped is None:
                        b.add_span(text, j, j + 2)
                    else:
                        b.add(mapped, j, j + 2)
                j += 2
                continue
            b.add(text[j], j, j + 1)
            j += 1
        seg = b.build(j)
        if "keadm" in seg.text or "edgecore" in seg.text:
            out.append(seg)
        i = j + 1
    return out


def top_segments(text: str, host: str) -> List[Segment]:
    if host == "yaml":
        return _yaml_segments(text)
    if host == "puppet":
        return _puppet_segments(text)
    return [Segment.whole(text)]


# ---------------------------------------------------------------- edits of edgecore.yaml

EDGECORE_PATH = "/etc/kubeedge/config/edgecore.yaml"
_EDGECORE_RE = re.compile(r"(?:^|/)etc/kubeedge/config/edgecore\.yaml$")


@dataclass
class ConfigEdit:
    """A command that changes /etc/kubeedge/config/edgecore.yaml."""

    start: int  # document span of the path
    end: int
    tool: str
    text: str  # the words of the command, for guessing which setting it changes


def _targets_edgecore(w: Optional[Word]) -> bool:
    return w is not None and bool(_EDGECORE_RE.search(w.text))


def _config_edit(cmd: SimpleCommand) -> Optional[ConfigEdit]:
    k = cmd.program_index()
    for op, target in cmd.redirects:
        if op in (">", ">>", ">|", "&>", "&>>") and _targets_edgecore(target):
            assert target is not None
            return ConfigEdit(target.start, target.end, op, " ".join(w.text for w in cmd.words))
    if k is None:
        return None
    name = cmd.words[k].text.rsplit("/", 1)[-1]
    args = cmd.words[k + 1:]
    joined = " ".join(w.text for w in cmd.words)
    paths = [w for w in args if _targets_edgecore(w)]
    if not paths:
        return None
    opts = [w.text for w in args if w.text.startswith("-")]
    inplace = any(o in ("--in-place", "--inplace") or o.startswith("--in-place=")
                  or (re.match(r"-[A-Za-z]*i", o) and not o.startswith("--")) for o in opts)
    if name in ("sed", "perl", "yq", "gsed") and inplace:
        return ConfigEdit(paths[-1].start, paths[-1].end, name, joined)
    if name in ("tee", "crudini"):
        return ConfigEdit(paths[-1].start, paths[-1].end, name, joined)
    if name in ("cp", "mv", "install", "ln", "rsync", "scp") and args and args[-1] is paths[-1]:
        return ConfigEdit(paths[-1].start, paths[-1].end, name, joined)
    return None


_ANSIBLE_EDIT = re.compile(
    r"""^[ \t-]*(?:(?:ansible\.builtin\.)?(?:lineinfile|replace|blockinfile|template|copy|ini_file)[ \t]*:[ \t]*"""
    r"""[^\n]*?\b(?:path|dest)=|(?:path|dest)[ \t]*:[ \t]*)["']?(/etc/kubeedge/config/edgecore\.yaml)\b""", re.M)
_ANSIBLE_MODULE = re.compile(r"(?:lineinfile|replace|blockinfile|template|copy|ini_file|community\.general\.\w+)[ \t]*:")


def _ansible_edits(text: str) -> List[ConfigEdit]:
    """Ansible tasks whose file module writes edgecore.yaml (path:/dest: of lineinfile & co.)."""
    out = []
    for m in _ANSIBLE_EDIT.finditer(text):
        # the `path:` key must belong to a task whose module edits files: look back to the task start
        items = list(re.finditer(r"(?m)^[ \t]*- ", text[:m.start()]))
        after = re.compile(r"(?m)^[ \t]*- ").search(text, m.end())
        task = text[items[-1].start() if items else 0:after.start() if after else len(text)]
        if _ANSIBLE_MODULE.search(task) and not re.search(r"\bstate[ \t]*:[ \t]*absent", task):
            out.append(ConfigEdit(m.start(1), m.end(1), "ansible", task))
    return out


# ---------------------------------------------------------------- analysis of a whole file

_RELEASE = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-\w.+]*)?$")
_DOWNLOAD = re.compile(r"keadm-(v?\d+\.\d+\.\d+|\$\{?[A-Za-z_]\w*\}?)-(?:linux|windows|darwin)")
_FUNC_OPEN = re.compile(r"^[ \t]*(?:function[ \t]+[A-Za-z_][\w:.-]*[ \t]*(?:\(\))?|[A-Za-z_][\w:.-]*[ \t]*\(\))"
                        r"[ \t]*\{?[ \t]*(?:#.*)?$", re.M)


@dataclass
class Analysis:
    """Everything the keadm rules need from one file, computed once."""

    host: str
    joins: List[JoinCommand]
    edits: List[ConfigEdit]
    resolver: Resolver
    downloads: List[Tuple[str, int]]  # keadm release versions downloaded in the file, with offsets
    functions: List[Tuple[int, int]]  # document ranges of shell function bodies
    runtime_hints: Dict[str, List[int]]  # runtime -> offsets of lines that install/start/configure it

    def scope(self, offset: int) -> Optional[Tuple[int, int]]:
        """The innermost function body holding offset (None: top level)."""
        best = None
        for a, b in self.functions:
            if a <= offset < b and (best is None or a >= best[0]):
                best = (a, b)
        return best

    def download_version(self) -> Optional[Tuple[str, int]]:
        versions = {v for v, _ in self.downloads}
        if len(versions) == 1:
            return self.downloads[0]
        return None


def _function_bodies(text: str) -> List[Tuple[int, int]]:
    """Approximate shell function bodies: from a `name() {` header to the `}` at its indentation."""
    out = []
    for m in _FUNC_OPEN.finditer(text):
        line = m.group(0)
        indent = len(line) - len(line.lstrip(" \t"))
        close = re.compile(r"^" + re.escape(line[:indent]) + r"\}[ \t;]*(?:#.*)?$", re.M)
        c = close.search(text, m.end())
        out.append((m.end(), c.end() if c else len(text)))
    return out


_RUNTIME_HINTS = {
    "crio": re.compile(r"\b(?:install|enable|start|restart)\b[^\n]*\b(?:cri-o|crio)\b|\bcrio/install\.sh\b|"
                       r"/etc/crio/|\bcrio\.service\b", re.M),
    "cri-dockerd": re.compile(r"\bcri-dockerd?\b|\bcri-docker\.(?:service|socket)\b", re.M),
    "containerd": re.compile(r"\bcontainerd\s+config\s+default\b|/etc/containerd/config\.toml\b|"
                             r"\b(?:apt-get|apt|yum|dnf|zypper)\b[^\n]*\binstall\b[^\n]*\bcontainerd\b|"
                             r"\bsystemctl\b[^\n]*\bcontainerd\b|cri-containerd-cni", re.M),
}


def _strip_comments(text: str) -> str:
    """Text with whole-line `#` comments blanked (same length), for hint searches."""
    return re.sub(r"(?m)^[ \t]*#[^\n]*", lambda m: " " * len(m.group(0)), text)


def analyse(text: str, path: str) -> Analysis:
    host = host_of(path)
    resolver = Resolver(text if host == "shell" else "")
    joins: List[JoinCommand] = []
    edits: List[ConfigEdit] = []

    def visit(cmd: SimpleCommand) -> None:
        j = _keadm_in(cmd, resolver, host)
        if j is not None:
            joins.append(j)
        e = _config_edit(cmd)
        if e is not None:
            edits.append(e)

    for seg in top_segments(text, host):
        _walk(seg, visit)
    if host == "yaml":
        edits.extend(_ansible_edits(text))
    joins.sort(key=lambda j: j.start)
    edits.sort(key=lambda e: e.start)
    plain = _strip_comments(text)
    downloads = []
    for m in _DOWNLOAD.finditer(plain):
        v = m.group(1)
        if v.startswith("$"):
            v = resolver(v.strip("${}")) or ""
        if _RELEASE.match(v):
            downloads.append((v.lstrip("v"), m.start()))
    hints = {rt: [m.start() for m in rx.finditer(plain)] for rt, rx in _RUNTIME_HINTS.items()}
    functions = _function_bodies(text) if host == "shell" else []
    return Analysis(host, joins, edits, resolver, downloads, functions, hints)


def find_joins(text: str, path: str = "script.sh") -> List[JoinCommand]:
    """Every `keadm join` command line in a file, in document order."""
    return analyse(text, path).joins


# ---------------------------------------------------------------- values

def resolved_value(flag: Flag, resolver: Resolver) -> Tuple[Optional[str], Optional[int]]:
    """The flag's value if it is literal, or a `$VAR` assigned once to a literal (value, assignment offset)."""
    if flag.value is None:
        return None, None
    if flag.literal:
        return flag.value, None
    w = flag.value_word
    assert w is not None
    if len(w.variables) == 1:
        name, i, j = w.variables[0]
        if i == flag.value_from and j == len(w.text):
            hit = resolver.lookup(name)
            if hit is not None and hit[2]:
                return hit[0], hit[1]
    return None, None


def is_release(value: str) -> bool:
    """keadm only honours --kubeedge-version when it looks like X.Y.Z (util.GetCurrentVersion)."""
    return bool(_RELEASE.match(value))


def release_version(value: str) -> Version:
    return Version.parse(value.lstrip("v"))


#: socket base names and the runtime serving them
KNOWN_SOCKETS = {
    "containerd.sock": "containerd",
    "crio.sock": "CRI-O",
    "cri-dockerd.sock": "cri-dockerd",
    "cri-docker.sock": "cri-dockerd",
    "isulad.sock": "iSulad",
    "dockershim.sock": "dockershim",
    "docker.sock": "Docker (its API, not CRI)",
}


def endpoint_path(value: str) -> str:
    """The socket path an endpoint names (kubelet: unix://<host><path> dials <path>)."""
    if value.startswith("unix://"):
        rest = value[len("unix://"):]
        return rest[rest.find("/"):] if "/" in rest else ""
    return value


def socket_runtime(value: str) -> Optional[str]:
    base = value.rstrip("/").rsplit("/", 1)[-1]
    return KNOWN_SOCKETS.get(base)


# ---------------------------------------------------------------- edit ranges

def removal_range(text: str, cmd: JoinCommand, flag: Flag) -> Tuple[int, int]:
    """Document range to delete so that `flag` (and its value word) disappears cleanly.

    A flag alone on a continued line loses the whole line; otherwise the space
    before it goes with it (for the last argument: the ` \\` continuation too).
    """
    start, end = flag.span
    line_start = text.rfind("\n", 0, start) + 1
    nl = text.find("\n", end)
    line_end = len(text) if nl < 0 else nl
    before = text[line_start:start]
    after = text[end:line_end]
    if before.strip() == "" and re.fullmatch(r"[ \t]*\\[ \t]*\r?", after):
        return line_start, min(line_end + 1, len(text))
    prev = cmd.words_before(flag.words[0])
    if prev is None:
        return start, end
    return prev.end, end
