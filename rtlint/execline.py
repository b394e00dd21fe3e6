"""Split a systemd command line (ExecStart= and friends) the way systemd 252 does.

Rules mirrored (systemd.service(5) "COMMAND LINES", systemd.syntax(7) "QUOTING",
and checked against `systemd-analyze verify` on systemd 252):

* Words are separated by unquoted whitespace (space, tab, CR, LF).
* Single and double quotes may open anywhere in a word (`a"b c"d` is one word
  `ab cd`); both kinds are removed and both allow C escapes inside.
* Escapes: \\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\' \\s, \\xHH, \\NNN (octal), \\uHHHH,
  \\UHHHHHHHH. A NUL result, octal over 255 and invalid \\U code points are
  unknown escapes. systemd keeps an unknown escape verbatim (backslash and the
  next character, so `\\ ` does not split) and only warns ("Ignoring unknown
  escape sequences"); tokens record where that happened in `bad_escapes`.
* An unterminated quote (also a backslash right before the end inside quotes)
  makes systemd ignore the whole assignment ("Unbalanced quoting, ignoring"):
  `CommandLineError`.
* An unquoted lone `;` between words separates commands; `\\;` is a literal `;`
  argument; a first word that unquotes to `;` (also `";"`) is a separator too,
  while `\\;` as a first word stays `\\;` (an unknown escape).
* The first word of each command may start with the prefixes `-`, `@`, `:`,
  and one of `+`, `!`, `!!`; each at most once. They are recognised after
  unquoting, so `"-/bin/x"` and `\\x2d/bin/x` carry the `-` prefix too.
* `$NAME` as a whole argument (split at whitespace at run time) and `${NAME}`
  inside an argument are left as written and reported on the token; the program
  word and commands with the `:` prefix are never expanded. `%` specifiers are
  left as written (systemd resolves them per word after unquoting).

Not mirrored: resolving specifiers or variables, and the later checks on the
program path (absolute or plain file name, no trailing `/`, no quotes or control
characters); `Command.problems()` reports the last ones as text.
"""
from __future__ import annotations

import re
from .record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

WHITESPACE = " \t\n\r"

_SIMPLE_ESCAPES = {
    "a": 0x07, "b": 0x08, "f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B,
    "\\": 0x5C, '"': 0x22, "'": 0x27, "s": 0x20,
}
_HEX = "0123456789abcdefABCDEF"
_OCT = "01234567"
_ENV_REF = re.compile(r"\$\$|\$\{([^}]*)\}")
_SPECIFIER = re.compile(r"%(.)", re.S)


class CommandLineError(ValueError):
    """systemd would refuse this command line; `offset` points into the value."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Token:
    """One word of a command line. `text` is unquoted and unescaped; `start/end` index the value."""

    text: str
    start: int
    end: int
    separator: bool = False  # a `;` between two commands
    prefix: str = ""  # the `-@:+!` characters (only on the first word of a command)
    env_split: Optional[str] = None  # NAME when the word is `$NAME` (expanded and split at run time)
    env_refs: Tuple[str, ...] = ()  # NAMEs of `${NAME}` inside the word
    bad_escapes: Tuple[int, ...] = ()  # offsets of escapes systemd keeps verbatim with a warning

    @property
    def word(self) -> str:
        """The text without the command prefix: the program path on a first word."""
        return self.text[len(self.prefix):]

    @property
    def specifiers(self) -> Tuple[str, ...]:
        """The `%x` specifier letters in the word (`%%` excluded)."""
        return tuple(m.group(1) for m in _SPECIFIER.finditer(self.text) if m.group(1) != "%")


@dataclass
class Command:
    """One command of a possibly `;`-separated command line."""

    tokens: List[Token] = field(default_factory=list)

    @property
    def program(self) -> Token:
        return self.tokens[0]

    @property
    def prefix(self) -> str:
        return self.tokens[0].prefix

    @property
    def path(self) -> str:
        return self.tokens[0].word

    @property
    def args(self) -> List[Token]:
        """Arguments after the program (with `@`, the first of them is argv[0])."""
        return self.tokens[1:]

    @property
    def ignore_failure(self) -> bool:
        return "-" in self.prefix

    def problems(self) -> List[str]:
        """Reasons systemd 252 refuses this command at load time (its own wording where it has one)."""
        out: List[str] = []
        path = self.path
        if path == "":
            return ["Empty path in command line"]
        if any(ord(c) < 32 or c in "\"'\\\x7f" for c in path):
            out.append("Executable name contains special characters")
        elif path.endswith("/"):
            out.append("Executable path specifies a directory")
        elif not path.startswith("/") and ("/" in path or path in (".", "..") or len(path) > 255):
            out.append("Neither a valid executable name nor an absolute path")
        if "@" in self.prefix and len(self.tokens) < 2:
            out.append("Empty executable name or zeroeth argument")
        return out


def _cunescape(s: str, i: int) -> Tuple[Optional[bytes], int]:
    """Decode the escape whose letter is at s[i]; (None, 0) for one systemd does not know."""
    c = s[i]
    if c in _SIMPLE_ESCAPES:
        return bytes([_SIMPLE_ESCAPES[c]]), 1
    if c == "x":
        h = s[i + 1:i + 3]
        if len(h) == 2 and all(ch in _HEX for ch in h) and h != "00":
            return bytes([int(h, 16)]), 3
        return None, 0
    if c in _OCT:
        o = s[i:i + 3]
        if len(o) == 3 and all(ch in _OCT for ch in o):
            n = int(o, 8)
            if 0 < n <= 255:
                return bytes([n]), 3
        return None, 0
    if c in "uU":
        width = 4 if c == "u" else 8
        h = s[i + 1:i + 1 + width]
        if len(h) != width or not all(ch in _HEX for ch in h):
            return None, 0
        n = int(h, 16)
        if n == 0:
            return None, 0
        # systemd checks code point validity only for \U (\u accepts surrogates and U+FFFE).
        if c == "U" and (n >= 0x110000 or 0xD800 <= n <= 0xDFFF or 0xFDD0 <= n <= 0xFDEF
                         or (n & 0xFFFE) == 0xFFFE):
            return None, 0
        return chr(n).encode("utf-8", "surrogatepass"), 1 + width
    return None, 0


def _extract(s: str, pos: int) -> Optional[Tuple[str, int, int, Tuple[int, ...]]]:
    """One word from s[pos:]: (text, start, end, bad escape offsets), or None when only whitespace is left."""
    n = len(s)
    while pos < n and s[pos] in WHITESPACE:
        pos += 1
    if pos >= n:
        return None
    start = pos
    buf = bytearray()
    bad: List[int] = []
    quote = ""
    while pos < n:
        c = s[pos]
        if c == "\\":
            if pos + 1 >= n:
                if quote:
                    break  # unbalanced, reported below
                buf += b"\\"
                bad.append(pos)
                pos += 1
                break
            decoded, used = _cunescape(s, pos + 1)
            if decoded is None:
                buf += ("\\" + s[pos + 1]).encode("utf-8", "surrogateescape")
                bad.append(pos)
                pos += 2
            else:
                buf += decoded
                pos += 1 + used
            continue
        if quote:
            if c == quote:
                quote = ""
            else:
                buf += c.encode("utf-8", "surrogateescape")
            pos += 1
            continue
        if c in "'\"":
            quote = c
            pos += 1
            continue
        if c in WHITESPACE:
            break
        buf += c.encode("utf-8", "surrogateescape")
        pos += 1
    if quote:
        raise CommandLineError(f"unbalanced quoting: the {quote} opened here is never closed "
                               "(systemd ignores the whole setting)", start)
    return buf.decode("utf-8", "surrogateescape"), start, pos, tuple(bad)


def _prefix(word: str) -> str:
    """The run of command prefix characters systemd accepts at the start of `word`."""
    seen = set()
    i = 0
    while i < len(word):
        c = word[i]
        if c == "-" and "-" not in seen:
            seen.add("-")
        elif c == "@" and "@" not in seen:
            seen.add("@")
        elif c == ":" and ":" not in seen:
            seen.add(":")
        elif c == "+" and not seen & {"+", "!", "!!"}:
            seen.add("+")
        elif c == "!" and not seen & {"+", "!", "!!"}:
            seen.add("!")
        elif c == "!" and "!" in seen and not seen & {"+", "!!"}:
            seen.discard("!")
            seen.add("!!")
        else:
            break
        i += 1
    return word[:i]


def _env(text: str) -> Tuple[Optional[str], Tuple[str, ...]]:
    split = None
    if text.startswith("$") and text[1:2] not in ("{", "$"):
        split = text[1:]
    refs = tuple(m.group(1) for m in _ENV_REF.finditer(text) if m.group(1) is not None)
    return split, refs


def split_command(value: str) -> List[Token]:
    """Words of a command line, with `;` separators as tokens; raises CommandLineError like systemd."""
    tokens: List[Token] = []
    n = len(value)
    pos = 0
    at_start = True
    expand = True
    while True:
        if at_start:
            got = _extract(value, pos)
            if got is None:
                break
            text, start, end, bad = got
            pos = end
            if text == ";":
                tokens.append(Token(";", start, end, separator=True, bad_escapes=bad))
                continue
            prefix = _prefix(text)
            expand = ":" not in prefix
            tokens.append(Token(text, start, end, prefix=prefix, bad_escapes=bad))
            at_start = False
            continue
        while pos < n and value[pos] in WHITESPACE:
            pos += 1
        if pos >= n:
            break
        if value[pos] == ";" and (pos + 1 >= n or value[pos + 1] in WHITESPACE):
            tokens.append(Token(";", pos, pos + 1, separator=True))
            pos += 1
            at_start = True
            continue
        if value.startswith("\\;", pos) and (pos + 2 >= n or value[pos + 2] in WHITESPACE):
            tokens.append(Token(";", pos, pos + 2))
            pos += 2
            continue
        got = _extract(value, pos)
        if got is None:
            break
        text, start, end, bad = got
        pos = end
        split, refs = _env(text) if expand else (None, ())
        tokens.append(Token(text, start, end, env_split=split, env_refs=refs, bad_escapes=bad))
    return tokens


def split_commands(value: str) -> List[Command]:
    """The commands of a command line (separators dropped, empty commands skipped)."""
    out: List[Command] = []
    current: Optional[Command] = None
    for t in split_command(value):
        if t.separator:
            current = None
            continue
        if current is None:
            current = Command()
            out.append(current)
        current.tokens.append(t)
    return out


def _needs_quoting(word: str) -> bool:
    if word == "" or word == ";":
        return True
    return any(c in WHITESPACE or c in "\"'\\" or ord(c) < 32 or ord(c) == 0x7F for c in word)


def render_word(word: str) -> str:
    """`word` as command line text that systemd reads back as exactly `word`.

    Only quoting is handled: a literal `%` still needs `%%` and `$` may need
    `$$` where systemd would expand it; a first word's prefix characters stay
    prefixes.
    """
    if not _needs_quoting(word):
        return word
    out = ['"']
    for c in word:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 32 or ord(c) == 0x7F:
            out.append("\\x%02x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def render_command(words: List[str]) -> str:
    """Words joined into one command line, each quoted only when needed."""
    return " ".join(render_word(w) for w in words)
