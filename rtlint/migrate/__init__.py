"""`rtlint migrate`: carry a config over to a newer release by editing its text, not by re-dumping it.

Upstream tools that migrate configs (`containerd config migrate`, keadm's
defaults) print a complete, fully defaulted file: every comment and every
choice of the operator is lost, and defaults of the tool's own version are
frozen in. Here each step is an edit built by the format readers' builders
(`move`, `rename`, `delete`, `set_value`, plus table-header renames built
from the TOML reader's spans), applied to the current text and re-parsed
before the next step, so a step that would break the file stops the whole
migration and nothing is written.

Public API: `migrate_file(path, to, kind=None)` and `migrate_document(doc, to)`
return a `Result` (original document, migrated text, notes); they raise
`MigrateError` when a file cannot be migrated safely.
"""
from __future__ import annotations

from ..record import dataclass, field
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import List, Optional, Sequence

from .. import kinds
from ..document import Document, Edit, EditError, ParseError, apply_edits
from ..loader import load, reparse

KINDS = (kinds.EDGECORE, kinds.CONTAINERD)

INFO = "info"
WARNING = "warning"


class MigrateError(Exception):
    """This file cannot be migrated safely; nothing is written."""


@dataclass(frozen=True)
class Note:
    """Something the user should know about one step (`line` in the original file, 0 when none)."""

    level: str
    message: str
    line: int = 0


@dataclass
class Result:
    path: str
    kind: str
    target: str
    doc: Document
    text: str
    notes: List[Note] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.doc.text

    def encode(self) -> bytes:
        return self.doc.encode(self.text)


class Session:
    """The document being migrated: applies one step's edits, re-parses, collects notes."""

    def __init__(self, doc: Document) -> None:
        self.original = doc
        self.doc = doc
        self.notes: List[Note] = []

    def note(self, level: str, message: str, line: int = 0) -> None:
        self.notes.append(Note(level, message, line))

    def apply(self, edits: Sequence[Edit], what: str) -> None:
        if not edits:
            return
        text, _, deferred = apply_edits(self.doc.text, edits)
        if deferred:
            raise MigrateError(f"{what}: the edits overlap (please report this file)")
        try:
            self.doc = reparse(self.doc, text)
        except ParseError as e:
            raise MigrateError(f"{what} would leave the file unreadable ({e.message}, line {e.line})") from None

    def build(self, what: str, builder) -> None:  # type: ignore[no-untyped-def]
        """Run an edit builder on the current document and apply its edits."""
        try:
            edits = builder(self.doc)
        except EditError as e:
            raise MigrateError(f"cannot {what}: {e}") from None
        self.apply(edits, what)

    def build_all(self, what: str, builders: Sequence) -> None:  # type: ignore[type-arg]
        """Independent steps (e.g. deleting different keys) in one pass, one re-parse.

        Falls back to one step at a time when their edits touch each other, so
        the result is the same either way; this only saves re-parses.
        """
        if len(builders) <= 1:
            for b in builders:
                self.build(what, b)
            return
        edits: List[Edit] = []
        for b in builders:
            try:
                edits.extend(b(self.doc))
            except EditError as e:
                raise MigrateError(f"cannot {what}: {e}") from None
        _, _, deferred = apply_edits(self.doc.text, edits)
        if deferred:
            for b in builders:
                self.build(what, b)
        else:
            self.apply(edits, what)


def migrate_document(doc: Document, to: str) -> Result:
    """Migrate a parsed edgecore.yaml (to a KubeEdge minor) or containerd config.toml (to a config version)."""
    if doc.kind == kinds.EDGECORE:
        from . import edgecore

        session = edgecore.migrate(doc, to)
    elif doc.kind == kinds.CONTAINERD:
        from . import containerd

        session = containerd.migrate(doc, to)
    else:
        raise MigrateError(f"rtlint migrates edgecore.yaml and containerd config.toml files, not {doc.kind} files")
    notes = sorted(session.notes, key=lambda n: n.line)  # file order; notes about the whole file first
    return Result(doc.path, doc.kind, to, doc, session.doc.text, notes)


def migrate_file(path: str, to: str, kind: Optional[str] = None) -> Result:
    """Read, detect and migrate one file (ReadError / ParseError / UnknownKind propagate)."""
    return migrate_document(load(path, kind), to)


__all__ = ["KINDS", "INFO", "WARNING", "MigrateError", "Note", "Result", "Session", "migrate_document",
           "migrate_file"]
