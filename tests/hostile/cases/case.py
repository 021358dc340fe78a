"""One hostile input and how it must end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parents[1] / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    make: Callable[[], bytes] | None = None
    """None: the committed file ``corpus/*/<name>``."""
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    links: frozenset[str] | None = None
    title: str | None = None
    error: str = ""
    """A regular expression the one error message must match; "" for sanitised output."""
    alone: bool = False
    """Converted in a run of its own, not built into the hostile site (too big to build)."""

    def data(self) -> bytes:
        if self.make is not None:
            return self.make()
        (path,) = CORPUS.glob(f"*/{self.name}")
        return path.read_bytes()
