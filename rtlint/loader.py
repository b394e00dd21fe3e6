"""Read a file from disk into a Document, refusing what is not safe to parse.

Guards come before any parser sees the bytes: size limit, NUL bytes (binary),
undecodable UTF-8. Each failure is a ReadError with a position where one exists,
so the CLI can report it as a finding instead of a traceback.
"""
from __future__ import annotations

import importlib
import os
import stat
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Optional

from . import detect, kinds
from .document import Document

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class ReadError(Exception):
    """The file cannot be read as text (missing, unreadable, binary, too large, not UTF-8)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class UnknownKind(Exception):
    """The file is not one of the kinds rtlint reads."""


def _read_limited(f, limit: int) -> bytes:
    """Read at most `limit` bytes without allocating `limit` up front (devices report size 0)."""
    chunks = []
    left = limit
    while left > 0:
        chunk = f.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    try:
        st = os.stat(path)  # one stat call for both checks
        if stat.S_ISDIR(st.st_mode):
            raise ReadError("is a directory")
        size = st.st_size
        if size > max_bytes:
            raise ReadError(f"file is {size} bytes, over the {max_bytes}-byte limit (raise it with --max-file-size)")
        with open(path, "rb") as f:
            raw = _read_limited(f, max_bytes + 1)
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except PermissionError:
        raise ReadError("permission denied") from None
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as e:
        raise ReadError(e.strerror or str(e)) from None
    if len(raw) > max_bytes:
        raise ReadError(f"file grew over the {max_bytes}-byte limit while being read")
    return raw


def decode(raw: bytes) -> "tuple[str, bool]":
    """UTF-8 text without its BOM, and whether there was one."""
    nul = raw.find(b"\x00")
    if nul != -1:
        line = raw.count(b"\n", 0, nul) + 1
        raise ReadError("binary file (contains a NUL byte); expected a text config file", line,
                        nul - (raw.rfind(b"\n", 0, nul) + 1) + 1)
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8"), bom
    except UnicodeDecodeError as e:
        line = body.count(b"\n", 0, e.start) + 1
        col = e.start - (body.rfind(b"\n", 0, e.start) + 1) + 1
        raise ReadError(f"not valid UTF-8 (byte 0x{body[e.start]:02x}); config files must be UTF-8 text", line, col) from None


def parse(path: str, kind: str, raw: bytes, text: str, bom: bool) -> Document:
    """Hand decoded text to the reader of `kind`'s format (imported only when needed)."""
    fmt = kinds.FORMAT_OF[kind]
    module = importlib.import_module(f"rtlint.formats.{fmt}")
    return module.parse(path, kind, raw, text, bom)


def load(path: str, kind: Optional[str] = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    raw = read_bytes(path, max_bytes)
    text, bom = decode(raw)
    if kind is None:
        kind = detect.detect(path, text)
        if kind is None:
            raise UnknownKind(path)
    return parse(path, kind, raw, text, bom)


def reparse(doc: Document, text: str) -> Document:
    """Parse edited text as the same kind of document (used after fixes)."""
    raw = doc.encode(text)
    return parse(doc.path, doc.kind, raw, text, doc.bom)
