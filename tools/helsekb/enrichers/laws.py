"""Legal references linked to the paragraph on lovdata.no, through data/laws.yml.

"helsepersonelloven § 10a", "§ 4 i helsepersonelloven", "Forskrift om fastlegeordning i
kommunene, § 19" and "lov av 2. juli 1999 nr. 62" are linked wherever they stand; a law's
name without a paragraph is linked once per page, unless the page already links that law.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from helsekb.enrichers.crosslinks import (
    DataError,
    PageLinker,
    link_range,
    load_data,
    require,
    runs,
)
from helsekb.model import Page
from helsekb.readers.clean import MONTHS
from helsekb.report import Diagnostic

LOVDATA = "https://lovdata.no"
_PARAGRAPH = r"§§?\s*(?P<num>\d+(?:-\d+)?[a-z]?)(?!\w)"
_ID = re.compile(r"^(LOV|FOR)-(\d{4}-\d{2}-\d{2}(?:-\d+)?)$")
_HREF_ID = re.compile(r"lovdata\.no/(?:dokument/\w+/)?(lov|forskrift)/(\d{4}-\d{2}-\d{2}(?:-\d+)?)")
_DATED = re.compile(
    r"(?<!\w)(?P<kind>[Ll]ov|[Ff]orskrift) av (?P<day>\d{1,2})\.\s*"
    rf"(?P<month>{'|'.join(MONTHS)}) (?P<year>\d{{4}}) nr\.?\s*(?P<nr>\d+)(?!\w)"
)


@dataclass(slots=True, frozen=True)
class Law:
    id: str
    """Lovdata's identifier, e.g. ``LOV-1999-07-02-64``."""
    name: str

    @property
    def url(self) -> str:
        kind, date_nr = _ID.match(self.id).groups()  # type: ignore[union-attr]
        return f"{LOVDATA}/{'lov' if kind == 'LOV' else 'forskrift'}/{date_nr}"


class Laws:
    """The laws of data/laws.yml and the patterns that find references to them."""

    def __init__(self) -> None:
        self.by_name: dict[str, Law] = {}
        for n, entry in enumerate(load_data("laws.yml", "laws")):
            where = f"laws.yml: laws[{n + 1}]"
            law = Law(str(require(entry, "id", where)), str(require(entry, "name", where)))
            if not _ID.match(law.id):
                raise DataError(f"{where}: id {law.id!r} is not a Lovdata id (LOV-… or FOR-…)")
            for name in [law.name, *entry.get("names", [])]:
                self.by_name[str(name).casefold()] = law
        names = "|".join(re.escape(n) for n in sorted(self.by_name, key=len, reverse=True))
        self.forward = re.compile(rf"(?<!\w)(?P<name>{names})s?(?:\s*,)?\s+{_PARAGRAPH}", re.I)
        self.reverse = re.compile(rf"{_PARAGRAPH}\s+(?:i|jf\.?)\s+(?P<name>{names})s?(?!\w)", re.I)
        self.bare = re.compile(rf"(?<!\w)(?P<name>{names})s?(?!\w)", re.I)
        # Words every name contains (else the names themselves): a text with none of them
        # names no law, a fast test before the slow case-insensitive alternation of names.
        words = ("lov", "forskrift")
        known = [n.lower() for n in self.by_name]
        self.needles = words if all(any(w in n for w in words) for n in known) else known

    def may_name(self, text: str) -> bool:
        """False only when ``text`` cannot name a law (``bare`` would find nothing)."""
        lower = text.lower()
        return any(needle in lower for needle in self.needles)

    def paragraph_links(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, href) of every reference to a paragraph or a dated law."""
        out = []
        paragraphs = (
            [] if "§" not in text else [*self.forward.finditer(text), *self.reverse.finditer(text)]
        )
        for m in paragraphs:
            law = self.by_name[m["name"].casefold()]
            out.append((m.start(), m.end(), f"{law.url}/§{m['num']}"))
        for m in _DATED.finditer(text) if " av " in text else []:
            kind = "lov" if m["kind"].lower() == "lov" else "forskrift"
            date = f"{m['year']}-{MONTHS[m['month'].lower()]:02d}-{int(m['day']):02d}"
            out.append((m.start(), m.end(), f"{LOVDATA}/{kind}/{date}-{m['nr']}"))
        return out


def law_id(href: str) -> str | None:
    """The Lovdata id a lovdata.no link points at (``LOV-1999-07-02-64``), if any."""
    m = _HREF_ID.search(href)
    return f"{'LOV' if m.group(1) == 'lov' else 'FOR'}-{m.group(2)}" if m else None


def linker() -> PageLinker:
    """Links the legal references of one page (idempotent)."""
    return partial(_link_page, laws=Laws())


def _link_page(page: Page, laws: Laws) -> list[Diagnostic]:
    for run in runs(page):
        for start, end, href in [] if run.heading else laws.paragraph_links(run.text):
            link_range(run.spans, start, end, href)
    _link_names(page, laws)
    return []


def _link_names(page: Page, laws: Laws) -> None:
    """A law's name alone links to the law, the first time, if nothing on the page does."""
    linked = {law_id(s.href) for r in runs(page) for s in r.spans if s.href}
    for run in runs(page):
        if run.heading or not laws.may_name(run.text):
            continue
        for m in list(laws.bare.finditer(run.text)):
            law = laws.by_name[m["name"].casefold()]
            if law.id not in linked and link_range(run.spans, m.start(), m.end(), law.url):
                linked.add(law.id)
