"""Abbreviations: each document's own Forkortelser list first, then data/abbreviations.yml.

Every page gets the abbreviations that occur on it (for tooltips); the knowledge base gets
the glossary; all-capital tokens that nothing explains are reported.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from helsekb.enrichers.crosslinks import load_data, location, runs
from helsekb.model import Document, GlossaryEntry, KnowledgeBase, Page
from helsekb.readers.clean import clean_inline
from helsekb.report import Diagnostic, Level

_WORD = re.compile(r"\w+(?:/\w+)*")
_CAPS = re.compile(r"^[A-ZÆØÅ]{2,}(?:/[A-ZÆØÅ]{2,})?$")
KEY = re.compile(r"^[^\s\\\]\[]{1,20}$")
"""An abbreviation the abbr extension can define: no space, bracket or backslash."""
"""An abbreviation Python-Markdown's abbr extension can define: no space, bracket, backslash."""


def curated() -> dict[str, str]:
    """data/abbreviations.yml's abbreviations, expansions cleaned to one line."""
    data = load_data("abbreviations.yml", "abbreviations", dict)
    return {str(k): expansion(str(v)) for k, v in data.items() if KEY.match(str(k))}


def expansion(text: str) -> str:
    """One line of text that Python-Markdown's abbr extension keeps as the tooltip."""
    text = clean_inline(text)
    return "" if text in ('""', "''") else text


@dataclass(slots=True)
class Known:
    """What explains an abbreviation: the curated list, each document's own list (in
    ``kb.documents`` order) and both together per document; the words never reported."""

    curated: dict[str, str]
    owns: list[dict[str, str]]
    explained: list[dict[str, str]]
    ignore: set[str]

    def digest(self, n: int) -> str:
        """What document ``n``'s pages are looked at with, the same in every process."""
        rows = (sorted(self.explained[n].items()), sorted(self.ignore))
        return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()


def explanations(kb: KnowledgeBase) -> Known:
    """What explains the abbreviations of ``kb``'s pages (curated, and each document's own)."""
    listed = curated()
    owns = [_own(doc) for doc in kb.documents]
    explained = [{**listed, **own} for own in owns]
    return Known(listed, owns, explained, set(load_data("abbreviations.yml", "ignore")))


def page_glossary(
    explained: dict[str, str], ignore: set[str], page: Page
) -> tuple[dict[str, str], list[Diagnostic]]:
    """A page's abbreviations with their expansions, and its unexplained capitals."""
    return _used(page, explained), _unknown(page, explained, ignore)


def put_glossary(
    kb: KnowledgeBase, known: Known, found: Iterable[tuple[dict[str, str], list[Diagnostic]]]
) -> list[Diagnostic]:
    """Set each page's abbreviations (``found``: :func:`page_glossary` of every page, in
    order) and the glossary; the unexplained capitals, in page order."""
    pages = iter(found)
    entries: dict[tuple[str, str], GlossaryEntry] = {}
    diagnostics: list[Diagnostic] = []
    for doc, own in zip(kb.documents, known.owns, strict=True):
        for abbr, text in own.items():
            entries.setdefault((abbr, doc.title), GlossaryEntry(abbr, text, doc.title))
        for page in doc.pages:
            page.glossary, unknown = next(pages)
            for abbr in page.glossary:
                source = doc.title if abbr in own else ""
                entry = entries.setdefault((abbr, source), GlossaryEntry(abbr, known.curated[abbr]))
                entry.pages.append(page.path)
            diagnostics.extend(unknown)
    kb.abbreviations = {**known.curated, **{k: v for own in known.owns for k, v in own.items()}}
    kb.glossary = sorted(entries.values(), key=lambda e: (e.abbreviation.casefold(), e.source))
    return diagnostics


def _own(doc: Document) -> dict[str, str]:
    """The abbreviations the document's own Forkortelser list defines."""
    own: dict[str, str] = {}
    for page in doc.pages:
        own.update({k: expansion(v) for k, v in page.abbreviations.items() if KEY.match(k)})
    return {k: v for k, v in own.items() if v}


def _used(page: Page, known: dict[str, str]) -> dict[str, str]:
    texts = [page.title, *(r.text for r in runs(page)), *(r.raw for r in page.references)]
    words = {w for text in texts for w in _WORD.findall(text)}
    return {abbr: known[abbr] for abbr in sorted(words & known.keys()) if known[abbr]}


def _unknown(page: Page, known: dict[str, str], ignore: set[str]) -> list[Diagnostic]:
    """One diagnostic per all-capital token that is neither explained nor ignored."""
    found: dict[str, str] = {}
    for run in runs(page):
        for span in (s for s in run.spans if s.href is None):
            for word in _WORD.findall(span.text):
                if _CAPS.match(word) and word not in known and word not in ignore:
                    found.setdefault(word, location(run.provenance))
    return [
        Diagnostic(
            Level.INFO,
            page.source_file,
            f"abbreviation {word!r} is in no Forkortelser list nor in data/abbreviations.yml",
            where,
        )
        for word, where in found.items()
    ]
