"""The readers side by side with the obvious alternatives, on the benchmark's own sources.

HTML: helsekb's reader (site structure, every sentence kept, checked) against trafilatura's
``extract()``; PDF: helsekb's reader (layout, headings, lists) against pdfplumber's bare
``extract_text()``. Both in this process, one file after another, on the same files. For
trafilatura the share of the page's sentences its text keeps is given too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from helsekb import catalogue
from helsekb.limits import read_in_process
from helsekb.readers import SourceEntry
from helsekb.readers.clean import clean_inline, sentences

MAX_FILES = {"html": 400, "pdf": 60}
"""Files timed per format (the first, in catalogue order): enough for a stable figure."""


@dataclass(slots=True)
class ReaderRow:
    fmt: str
    files: int
    helsekb_ms: float
    """Mean milliseconds per file."""
    other: str
    other_ms: float
    other_kept: float | None = None
    """Share of the main text's sentences in the alternative's output (HTML only)."""


def compare(sources: Path) -> list[ReaderRow]:
    """One row per format that the sources have and whose alternative is installed."""
    entries, _ = catalogue.load(sources)
    rows = []
    for fmt, run in (("html", _trafilatura), ("pdf", _pdfplumber)):
        chosen = [e for e in entries if e.format == fmt][: MAX_FILES[fmt]]
        if chosen:
            rows.append(run(chosen))
    return rows


def _helsekb(entries: list[SourceEntry]) -> tuple[float, list[str]]:
    """Mean ms per file of helsekb's reader, and each file's main text."""
    texts = []
    started = time.perf_counter()
    for entry in entries:
        texts.append(read_in_process(entry).main_text)
    return _mean_ms(started, entries), texts


def _trafilatura(entries: list[SourceEntry]) -> ReaderRow:
    import trafilatura  # a bench dependency: pip install -e '.[bench]'

    ours, texts = _helsekb(entries)
    pages = [e.path.read_text(encoding="utf-8") for e in entries]
    started = time.perf_counter()
    extracted = [trafilatura.extract(page) or "" for page in pages]
    theirs = _mean_ms(started, entries)
    wanted = kept = 0
    for text, other in zip(texts, extracted, strict=True):
        flat = clean_inline(other)
        found = [clean_inline(s) in flat for s in sentences(text)]
        wanted, kept = wanted + len(found), kept + sum(found)
    return ReaderRow("html", len(entries), ours, "trafilatura extract()", theirs, kept / wanted)


def _pdfplumber(entries: list[SourceEntry]) -> ReaderRow:
    import pdfplumber

    ours, _ = _helsekb(entries)
    started = time.perf_counter()
    for entry in entries:
        with pdfplumber.open(entry.path) as pdf:
            "\n".join(page.extract_text() or "" for page in pdf.pages)
    theirs = _mean_ms(started, entries)
    return ReaderRow("pdf", len(entries), ours, "pdfplumber extract_text()", theirs)


def _mean_ms(started: float, entries: list[SourceEntry]) -> float:
    return (time.perf_counter() - started) * 1000 / len(entries)
