"""Bounds on reading a source: size, wall-clock time and memory, enforced in a worker process.

Each source is read in a forked child process with an address-space limit (``setrlimit``),
and the parent kills it when it runs past its time. That stops C code too (lxml, pdfminer),
which ``signal.alarm`` could not. Up to ``workers`` children run at once and results come
back in source order, so the output does not depend on which file finished first.

Settings (environment variables, each with a default):

- ``HELSEKB_READ_SECONDS`` (120): wall-clock seconds to read one source.
- ``HELSEKB_READ_MEMORY_MB`` (2048): memory one source may take beyond what helsekb itself uses.
- ``HELSEKB_MAX_TEXT_MB`` (16): largest text capture, HTML page or API item (PDFs: 64 MiB).
- ``HELSEKB_READ_WORKERS`` (the number of CPUs, at most 4): sources read at the same time
  (and the processes among which the later stages, the site build's included, share out
  their work).

Where ``os.fork`` does not exist (Windows), sources are read in-process, size-checked only.
"""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path

from helsekb.readers import ReaderError, ReadResult, SourceEntry, infer_format, reader_for
from helsekb.readers.clean import MAX_SOURCE_BYTES

TEXT_FORMATS = {"capture": "a text capture", "html": "an HTML page", "hapi": "an API item"}
"""Formats bounded by ``max_text_mb``, with what a file of that format is called."""
_ENV = {
    "seconds": "HELSEKB_READ_SECONDS",
    "memory_mb": "HELSEKB_READ_MEMORY_MB",
    "max_text_mb": "HELSEKB_MAX_TEXT_MB",
    "workers": "HELSEKB_READ_WORKERS",
}
_HEAD = 2048


class SettingError(ReaderError):
    """A limit setting that is not a positive number; ``file`` is the variable's name."""


@dataclass(frozen=True, slots=True)
class Limits:
    seconds: float = 120.0
    memory_mb: int = 2048
    max_text_mb: int = 16
    workers: int = field(default_factory=lambda: min(4, os.cpu_count() or 1))

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Limits:
        """The defaults, overridden by the ``HELSEKB_*`` variables that are set."""
        values: dict[str, float | int] = {}
        for f in fields(cls):
            raw = env.get(_ENV[f.name], "").strip()
            if raw:
                values[f.name] = _positive(raw, _ENV[f.name], float if f.type == "float" else int)
        return cls(**values)


def configured_workers() -> int:
    """How many processes a stage may share its work among (``HELSEKB_READ_WORKERS`` or its
    default); 1 if the setting is wrong, which reading the sources reports."""
    try:
        return Limits.from_env().workers
    except SettingError:
        return 1


def _positive(raw: str, name: str, kind: type[float] | type[int]) -> float | int:
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if not 0 < value < math.inf:
        noun = "number" if kind is float else "whole number"
        raise SettingError(name, f"expected a {noun} greater than 0, got {raw!r}")
    return value


def prepare(entry: SourceEntry, limits: Limits) -> None:
    """Checks that need no parsing (size, format); sets ``entry.format`` when inferred."""
    if not entry.path.is_file():
        raise ReaderError(entry.name, "file not found")
    size = entry.path.stat().st_size
    if size == 0:
        raise ReaderError(entry.name, "empty file")
    _check_size(entry.name, size, MAX_SOURCE_BYTES, "")
    head = _read(entry, _HEAD)
    entry.format = entry.format or infer_format(entry.name, head)
    if entry.format in TEXT_FORMATS:
        what = f" for {TEXT_FORMATS[entry.format]}, {_ENV['max_text_mb']}"
        _check_size(entry.name, size, limits.max_text_mb * 2**20, what)
    reader_for(entry.format)  # imported here once, not in every worker
    warm_up(entry.format)


@cache
def warm_up(fmt: str) -> None:
    """Read a tiny generated document of ``fmt`` here, before any worker is forked.

    Readers compile CSS selectors and regular expressions on first use (about 0.15 s for
    HTML); done once in the parent, every forked worker inherits them instead of paying
    that for each source. A failure here is harmless: the workers then just start cold.
    """
    from helsekb.fuzzdocs import Block, Doc, render

    sample = Doc("Prøve", (Block("heading", text="Del"), Block("paragraph", ("Én setning.",))))
    entry = SourceEntry(Path(f"warm-up.{fmt}"), fmt, f"warm-up.{fmt}")
    with suppress(Exception):
        reader_for(fmt)(render(sample, fmt), entry)


def _check_size(name: str, size: int, limit: int, what: str) -> None:
    if size > limit:
        found, most = size / 2**20, limit // 2**20
        raise ReaderError(name, f"file too large ({found:.0f} MiB; limit {most} MiB{what})")


def _read(entry: SourceEntry, size: int = -1) -> bytes:
    try:
        with entry.path.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        raise ReaderError(entry.name, f"cannot read the file ({exc.strerror})") from None


def read_in_process(entry: SourceEntry) -> ReadResult:
    """The reader itself, unbounded (inside a worker, or where there is no fork)."""
    return reader_for(entry.format)(_read(entry), entry)


Keep = Callable[[SourceEntry, bytes], None]
"""Given each source read, with its format and result pickled as they came from the worker
(what the cache keeps: not pickled a second time)."""


def read_sources(
    entries: list[SourceEntry], limits: Limits, keep: Keep | None = None
) -> Iterator[tuple[SourceEntry, ReadResult | ReaderError]]:
    """Every entry with its result or its one error, in the entries' order; each result
    also to ``keep``."""
    if not hasattr(os, "fork"):
        for entry in entries:
            outcome = _in_process(entry, limits)
            if keep and isinstance(outcome, ReadResult):
                keep(entry, pickle.dumps((entry.format, outcome), pickle.HIGHEST_PROTOCOL))
            yield entry, outcome
        return
    from helsekb.workers import WorkerPool

    yield from WorkerPool(limits, keep).run(entries)


def _in_process(entry: SourceEntry, limits: Limits) -> ReadResult | ReaderError:
    try:
        prepare(entry, limits)
        return read_in_process(entry)
    except ReaderError as exc:
        return exc
    except Exception as exc:  # a reader bug must not stop the other files
        detail = f"{type(exc).__name__}: {exc}"
        return ReaderError(entry.name, f"reader failed unexpectedly ({detail}); please report")
