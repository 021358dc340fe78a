"""In-text citations linked to their entry, and the deduplicated bibliography.

A citation such as "(Hunt et al., 2019)" is linked to the entry of its page's own reference
list with the same first author and year. An organisation's acronym resolves only where
the entry itself supports it ("NICE guideline" in the NICE entry; "… utvärdering (SBU)" in
the SBU entry). A citation that matches no entry, or several, stays text and is reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from helsekb.enrichers.crosslinks import link_range, location, runs
from helsekb.enrichers.references import YEAR
from helsekb.model import BibItem, Citation, KnowledgeBase, Page, Reference
from helsekb.report import Diagnostic, Level
from helsekb.slug import slugify, unique

_GROUP = re.compile(r"\(([^()]{1,400})\)")
_GROUP_YEAR = re.compile(rf"(?<![\w/.-]){YEAR}(?![\w/-])")
_NARRATIVE = re.compile(
    r"(?P<authors>[A-ZÆØÅ][\w'‐-]+(?: et al\.?| (?:&|og|and) [A-ZÆØÅ][\w'‐-]+))"
    rf" \((?P<year>{YEAR})\)"
)
_SEPARATOR = re.compile(r"^[\s,;]*(?:(?:og|and|&)\s+)?")
_ET_AL = re.compile(r",?\s*(?:et al\.?|mfl\.?|m\.fl\.)\s*$")
_INITIALS_AFTER = re.compile(r"^(?P<surname>\S.*?)\s+[A-ZÆØÅ]{1,3}$")
_ACRONYM = re.compile(r"\b[A-ZÆØÅ]{2,}\b")


@dataclass(slots=True, frozen=True)
class Found:
    """A citation candidate in a run of text: ``strong`` ones are reported when unresolved."""

    start: int
    end: int
    authors: str
    year: str
    strong: bool

    def names(self) -> list[list[str]]:
        """The authors as one name (an organisation), then as a list of surnames."""
        text = _ET_AL.sub("", self.authors).strip(" ,")
        parts = [p.strip() for p in re.split(r",\s*|\s+(?:&|og|and)\s+", text) if p.strip()]
        surnames = [(m["surname"] if (m := _INITIALS_AFTER.match(p)) else p) for p in parts]
        return [[key(text)], [key(s) for s in surnames]]


@lru_cache(maxsize=1 << 14)
def key(name: str) -> str:
    """A name for comparison: no accents, case or dash variants (remembered: the same
    authors and titles come back on page after page)."""
    text = unicodedata.normalize("NFKD", name.replace("‐", "-").replace("–", "-"))
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def find(text: str) -> Iterator[Found]:
    """Parenthetical citations (one or more per group) and narrative "Hunt et al. (2019)"."""
    for group in _GROUP.finditer(text):
        yield from _group_items(group.group(1), group.start(1))
    for m in _NARRATIVE.finditer(text):
        yield Found(m.start(), m.end(), m["authors"], m["year"], True)


def _group_items(group: str, offset: int) -> Iterator[Found]:
    prev = 0
    for year in _GROUP_YEAR.finditer(group):
        start = prev + _SEPARATOR.match(group[prev:]).end()  # type: ignore[union-attr]
        authors = group[start : year.start()].rstrip(" ,")
        prev = year.end()
        if _looks_like_authors(authors):
            strong = bool(_ET_AL.search(authors) or group[: year.start()].endswith(", "))
            yield Found(offset + start, offset + year.end(), authors, year.group(0), strong)


def _looks_like_authors(text: str) -> bool:
    return bool(
        text and text[0].isupper() and not re.search(r"\d", text) and len(text.split()) <= 12
    )


class Entries:
    """A page's reference list, with the names each entry can be cited by."""

    def __init__(self, references: list[Reference]) -> None:
        self.entries = [
            (ref, _aliases(ref), {key(_surname(a)) for a in ref.authors}) for ref in references
        ]

    def resolve(self, found: Found) -> list[Reference]:
        """Every entry with the citation's year, first author and other named authors."""
        for names in found.names():
            hits = [
                ref
                for ref, aliases, surnames in self.entries
                if (ref.year or "").casefold() == found.year.casefold()
                and names[0] in aliases
                and set(names[1:]) <= surnames
            ]
            if hits:
                return hits
        return []


def _surname(author: str) -> str:
    return author.split(", ")[0] if ", " in author else author


def _aliases(ref: Reference) -> set[str]:
    """The first author's name, plus acronyms or long forms the entry's own text pairs with it."""
    if not ref.authors:
        return set()
    first = _surname(ref.authors[0])
    aliases = {key(first)}
    if ", " in ref.authors[0]:
        return aliases
    aliases |= {key(t) for t in _ACRONYM.findall(ref.raw) if is_acronym(t, first)}
    defined = re.finditer(rf"([A-ZÆØÅ][^():;.]*?)\s*\({re.escape(first)}\)", ref.raw)
    aliases |= {key(m.group(1)) for m in defined if is_acronym(first, m.group(1))}
    return aliases


def is_acronym(acronym: str, name: str) -> bool:
    """True if ``acronym``'s letters are initials of ``name``'s words, in order, from the first."""
    initials = [w[0].upper() for w in re.findall(r"\w+", name)]
    if not acronym.isupper() or len(acronym) < 2 or not initials or acronym[0] != initials[0]:
        return False
    it = iter(initials)
    return all(letter in it for letter in acronym)


def link_citations(kb: KnowledgeBase) -> list[Diagnostic]:
    """Link every citation that has exactly one entry; report the strong ones that have none."""
    diagnostics: list[Diagnostic] = []
    for page in kb.pages():
        diagnostics.extend(_link_page(page))
    return diagnostics


def _link_page(page: Page) -> Iterator[Diagnostic]:
    entries = Entries(page.references)
    page.citations = []
    for run in runs(page):
        whole = "" if run.heading else run.text
        for found in find(whole) if "(" in whole else []:  # (every citation has one)
            hits = entries.resolve(found)
            text = whole[found.start : found.end]
            if len(hits) == 1:
                page.citations.append(Citation(text, hits[0].id, run.anchor))
                link_range(run.spans, found.start, found.end, f"#{hits[0].id}")
            elif found.strong:
                page.citations.append(Citation(text, None, run.anchor))
                why = "several entries" if hits else "no entry"
                message = (
                    f"citation {text!r} matches {why} in the page's reference list; not linked"
                )
                yield Diagnostic(Level.WARNING, page.source_file, message, location(run.provenance))


def dedup_key(ref: Reference) -> tuple[str, ...]:
    """DOI, else normalised author surnames + year + title, else the normalised raw text."""
    if ref.doi:
        return ("doi", ref.doi.casefold())
    if ref.authors and ref.year and ref.title:
        surnames = ";".join(key(_surname(a)) for a in ref.authors)
        return ("work", surnames, ref.year, re.sub(r"\W+", " ", key(ref.title)).strip())
    return ("raw", re.sub(r"\W+", " ", key(ref.raw)).strip())


def build_bibliography(kb: KnowledgeBase) -> None:
    """One item per unique reference, with where it is cited and where it is listed."""
    items: dict[tuple[str, ...], BibItem] = {}
    seen: set[tuple[tuple[str, ...], str]] = set()
    for page in kb.pages():
        cited: dict[str, str] = {}
        for c in page.citations:
            if c.reference:
                cited.setdefault(c.reference, f"{page.path}#{c.anchor or c.reference}")
        for ref in page.references:
            key_ = dedup_key(ref)
            item = items.setdefault(key_, BibItem("", ref))
            if (key_, page.path) in seen:
                continue
            seen.add((key_, page.path))
            item.listed_in.append(f"{page.path}#{ref.id}")
            if ref.id in cited:
                item.cited_by.append(cited[ref.id])
    ordered = sorted(items.values(), key=_sort_key)
    taken: set[str] = set()
    for item in ordered:
        first = _surname(item.reference.authors[0]) if item.reference.authors else "ref"
        item.id = unique(f"ref-{slugify(first, 30)}-{item.reference.year or 'u-a'}", taken)
    kb.bibliography = ordered


def _sort_key(item: BibItem) -> tuple[str, str, str]:
    ref = item.reference
    return (key(ref.authors[0] if ref.authors else ref.raw), ref.year or "", key(ref.raw))
