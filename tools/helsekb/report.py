"""Diagnostics: what a run found, each naming the file and where in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from helsekb.pickled import compact


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@compact
@dataclass(slots=True, frozen=True)
class Diagnostic:
    level: Level
    file: str
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.location}" if self.location else self.file
        return f"{where}: {self.level}: {self.message}"


@compact
@dataclass(slots=True)
class FileReport:
    """Per-source figures printed at the end of a convert run."""

    file: str
    format: str = ""
    pages: int = 0
    sentences_total: int = 0
    sentences_kept: int = 0
    references: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.level is Level.ERROR for d in self.diagnostics)


@compact
@dataclass(slots=True)
class RunReport:
    files: list[FileReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Diagnostics that belong to the whole run rather than one source."""

    @property
    def failed(self) -> bool:
        return any(f.failed for f in self.files) or any(
            d.level is Level.ERROR for d in self.diagnostics
        )

    def all_diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics] + list(self.diagnostics)
