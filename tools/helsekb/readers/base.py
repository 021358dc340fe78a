"""What every reader takes and returns, and the one error type readers raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helsekb.model import DocumentRef, Page, Section
from helsekb.pickled import compact
from helsekb.report import Diagnostic

MAX_LIST_DEPTH = 8
"""Deepest list nesting a reader returns: deeper items are kept as siblings at this depth,
so every later recursive consumer (enrichers, writers, pickling) stays bounded."""


class ReaderError(Exception):
    """A source that cannot be converted; the message says what is wrong, in one line."""

    def __init__(self, file: str, message: str, location: str = "") -> None:
        self.file = file
        self.message = message
        self.location = location
        where = f"{file}:{location}" if location else file
        super().__init__(f"{where}: {message}")


@compact
@dataclass(slots=True)
class SourceEntry:
    """One source file and what the catalogue (or inference) says about it."""

    path: Path
    format: str
    """One of ``capture``, ``html``, ``pdf``, ``hapi``."""
    name: str
    """File name relative to the sources directory (used in provenance and reports)."""
    url: str = ""
    """Canonical public URL; overrides whatever the source says."""
    document: str = ""
    """Document title; overrides whatever the source says."""
    document_type: str = ""
    document_url: str = ""


@compact
@dataclass(slots=True)
class ReadResult:
    document: DocumentRef
    pages: list[Page]
    main_text: str
    """The source's main content as plain text, extracted independently of the structured
    parse; the fidelity check requires every sentence of it in the written output."""
    intro: list[Section] = field(default_factory=list)
    """Document-level content for the document's index page."""
    boilerplate: list[str] = field(default_factory=list)
    """Site-chrome strings found in the source; none may reach the output."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
