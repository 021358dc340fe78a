"""Reference-list entries: stable anchors, and the raw text parsed into bibliographic fields.

The parser knows the corpus's styles — APA-like author–date entries (journal articles,
reports with "Place: Publisher", guidelines in a series) and Vancouver-like entries — and
fills only the fields it can read with confidence; ``raw`` is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from helsekb.model import KnowledgeBase, Reference
from helsekb.pickled import compact
from helsekb.readers.clean import clean_inline, parse_nb_date
from helsekb.slug import slugify, unique

_LEAD = re.compile(r"^(?P<lead>[^,(.]+?)\s*[,(.]")
_YEAR = re.compile(r"\((?P<year>\d{4}[a-z]?)\)")

YEAR = r"(?:19|20)\d{2}[a-z]?"
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;)\]]")
_DOI = re.compile(
    r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"<>]+[^\s\".,;)\]])", re.I
)
_ACCESSED = re.compile(
    r"(?:\[\s*(?:accessed|cited|lest|hentet)\s+(?P<a>[^\]]+)\]"
    r"|(?:Date\s+)?accessed:?\s*(?P<b>\d{1,2}\.\d{1,2}\.\d{2,4})"
    r"|\((?:lest|hentet)\s+(?P<c>[^)]*\d{4})\))",
    re.I,
)
_NOISE = (
    re.compile(r"\b(?:Available from|Tilgjengelig fra|Retrieved from|Hentet fra):?\s*", re.I),
    re.compile(r"\bDate:\s*[A-Z][a-z]{2}\w*\.? \d{1,2},? \d{4}"),
    re.compile(r"\s*\[(?:nettdokument|Internet)\]", re.I),
)
_APA_HEAD = re.compile(
    rf"^(?P<authors>[^()]+?)\s*\((?P<year>{YEAR})(?:,[^)]*)?\)\.?\s*(?P<rest>.*)$"
)
_VANCOUVER_AUTHORS = re.compile(
    r"^(?P<authors>[A-ZÆØÅ][\w'‐-]+(?: [\w'‐-]+)* [A-ZÆØÅ]{1,3}"
    r"(?:, [A-ZÆØÅ][\w'‐-]+(?: [\w'‐-]+)* [A-ZÆØÅ]{1,3})*(?:,? et al)?)\.\s+(?P<rest>.+)$"
)
_ORG_HEAD = re.compile(r"^(?P<authors>[A-ZÆØÅ][^.:;()]{1,80})\.\s+(?P<rest>.+)$")
_APA_JOURNAL = re.compile(
    r"^(?P<title>.+?[.?!])\s+(?P<container>[^.:]+?),\s*(?P<volume>\d+)?\s*"
    r"(?:\((?P<issue>[^)]+)\))?\s*(?:,\s*(?P<pages>[A-Za-z]{0,3}\d+(?:\s*[-–]\s*[A-Za-z]{0,3}\d+)?))?\.?$"
)
_VANCOUVER_JOURNAL = re.compile(
    rf"^(?P<title>.+?[.?!])\s+(?P<container>[^.;]+?)\.?\s+(?P<year>{YEAR})(?:\s+[A-Z][a-z]{{2}}(?:\s+\d+)?)?"
    r";\s*(?P<volume>\d+)?(?:\((?P<issue>[^)]+)\))?(?::\s*(?P<pages>[A-Za-z]{0,3}\d+(?:[-–][A-Za-z]{0,3}\d+)?))?\.?$"
)
_PUBLISHER = re.compile(
    r"(?:(?<=[.\]])|(?<=\d{4}))\s+(?P<place>[A-ZÆØÅ][\w-]+(?:,? [A-ZÆØÅ][\w-]+)?):\s+"
    rf"(?P<publisher>[^:;]+?)\s*(?:[,;]\s*(?P<year>{YEAR}))?\s*(?:\.|$)"
)
_GUIDELINE = re.compile(r"guideline|guidance|retningslinje|veileder|faglige råd", re.I)
_ET_AL = re.compile(r",?\s*(?:et al\.?|mfl\.?|m\.fl\.)\s*$")
_INITIALS = re.compile(r"^(?:[A-ZÆØÅ][a-zæøå]?\.?[\s‐-]*){1,4}$")
_VANCOUVER_NAME = re.compile(
    r"^(?P<surname>(?:[a-z]+\s+)*[A-ZÆØÅ][\w'‐-]+(?:\s+[A-ZÆØÅ][\w'‐-]+)*)\s+"
    r"(?P<initials>[A-ZÆØÅ]{1,3})$"
)


@compact
@dataclass(slots=True)
class Fields:
    """What the parser read from one entry; None where it could not."""

    authors: list[str]
    year: str | None = None
    title: str | None = None
    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    url: str | None = None
    doi: str | None = None
    accessed: str | None = None
    kind: str = ""


def parse(raw: str) -> Fields:
    """The bibliographic fields of one reference-list entry."""
    text = clean_inline(raw).rstrip(" ,;")
    doi = _DOI.search(text)
    accessed = _ACCESSED.search(text)
    url = _URL.search(_DOI.sub(" ", text) if doi and "doi.org" in doi.group(0) else text)
    fields = Fields(
        authors=[],
        doi=doi.group(1) if doi else None,
        url=url.group(0) if url else None,
        accessed=_iso_date(next(g for g in accessed.groups() if g)) if accessed else None,
    )
    body = _strip_noise(text)
    head = _APA_HEAD.match(body)
    if head:
        fields.authors, fields.year = person_or_org(head["authors"]), head["year"]
        _parse_rest(head["rest"], fields)
        return fields
    vancouver = _VANCOUVER_AUTHORS.match(body) or _ORG_HEAD.match(body)
    if vancouver:
        _parse_rest(vancouver["rest"], fields)
        if fields.kind or vancouver.re is _VANCOUVER_AUTHORS:
            fields.authors = person_or_org(vancouver["authors"])
        else:  # an organisation head is only trusted when the rest reads as a source
            fields.title = fields.container = fields.year = None
    return fields


def person_or_org(text: str) -> list[str]:
    """Authors as "Surname, I. I." (APA or Vancouver lists), else one organisation name."""
    text = _ET_AL.sub("", clean_inline(text)).rstrip(" ,")
    parts = [p.strip(" .…&") for p in re.split(r",\s*|\s+&\s+", text)]
    parts = [p for p in parts if p]
    vancouver = [_VANCOUVER_NAME.match(p) for p in parts]
    lone_acronym = len(parts) == 1 and vancouver[0] and len(vancouver[0]["initials"]) > 2
    if parts and all(vancouver) and not lone_acronym:
        return [f"{m['surname']}, {_dotted(m['initials'])}" for m in vancouver if m]
    pairs = list(zip(parts[::2], parts[1::2], strict=False))
    if parts and len(parts) % 2 == 0 and all(_INITIALS.match(given) for _, given in pairs):
        return [f"{surname}, {_dotted(given)}" for surname, given in pairs]
    return [text.rstrip(".")] if text else []


def _dotted(initials: str) -> str:
    """``CH`` or ``C. H`` as ``C. H.``; ``H.-J.`` stays."""
    if "." not in initials:
        return " ".join(f"{c}." for c in initials)
    return initials if initials.endswith(".") else initials + "."


def _strip_noise(text: str) -> str:
    """The entry without URL, DOI, accessed date and labels that are not title or source."""
    text = _ACCESSED.sub(" ", _URL.sub(" ", _DOI.sub(" ", text)))
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    text = re.sub(r"(?:\s*\.\s*)+(?=\.|$)", "", clean_inline(text))
    return re.sub(r"\s+([.,;])", r"\1", text).strip(" ,;")


def _parse_rest(rest: str, fields: Fields) -> None:
    """Title and source after the head: a journal, a publisher, or a series."""
    for pattern in (_APA_JOURNAL, _VANCOUVER_JOURNAL):
        journal = pattern.match(rest)
        if journal and not _GUIDELINE.search(journal["container"]):
            fields.kind = "article"
            fields.title = _title(journal["title"])
            fields.year = fields.year or journal.groupdict().get("year")
            fields.container = journal["container"].strip()
            fields.volume, fields.issue = journal["volume"], journal["issue"]
            fields.pages = re.sub(r"\s*[-–]\s*", "-", journal["pages"] or "") or None
            return
    publisher = _PUBLISHER.search(rest)
    if publisher and publisher.start() > 0:
        fields.kind = "report"
        fields.title = _title(rest[: publisher.start()])
        fields.container = publisher["publisher"].strip()
        fields.year = fields.year or publisher["year"]
        return
    _parse_series(rest, fields)


def _parse_series(rest: str, fields: Fields) -> None:
    """ "Title. Series [number]." — a guideline or report in a named series, or a bare title."""
    title, _, container = rest.partition(". ")
    fields.title = _title(title) or None
    fields.container = container.strip(" .") or None
    if fields.container and _GUIDELINE.search(fields.container):
        fields.kind = "guideline"
    elif fields.container:
        fields.kind = "report"
    if fields.year is None and (year := re.search(rf"\b{YEAR}\b", rest)):
        fields.year = year.group(0)


def _title(text: str) -> str:
    """A title without trailing punctuation or a trailing " - 2025" edition year."""
    text = re.sub(rf"\s+-\s*{YEAR}\s*$", "", text.strip())
    return text.rstrip(" .,;") or ""


def _iso_date(text: str) -> str:
    """``20.01.26`` or ``04. februar 2026`` as ISO; anything else as written."""
    numeric = re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\s*", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        year += 2000 if year < 100 else 0
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    nb = parse_nb_date(text)
    if nb:
        return nb.isoformat()
    for layout in ("%Y %b %d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(clean_inline(text), layout).date().isoformat()
        except ValueError:
            continue
    return clean_inline(text)


def anchor_base(ref: Reference) -> str:
    lead = _LEAD.match(ref.raw)
    year = _YEAR.search(ref.raw)
    words = slugify(lead.group("lead"), 30) if lead else "ref"
    return f"ref-{words}-{year.group('year')}" if year else f"ref-{words}"


def assign_ids(kb: KnowledgeBase) -> None:
    """Give every reference an anchor unique within its page (idempotent)."""
    for page in kb.pages():
        taken: set[str] = set()
        for ref in page.references:
            ref.id = unique(anchor_base(ref), taken)


Parsed = dict[str, Fields]
"""Reference texts with their fields (what a run parsed, kept for the next by the cache)."""


def parse_all(kb: KnowledgeBase, known: Parsed | None = None) -> Parsed:
    """Fill every reference's parsed fields from its raw text (idempotent); a text in
    ``known`` is not parsed again. Returns every text's fields."""
    known = known or {}
    found: Parsed = {}
    for ref in (r for p in kb.pages() for r in p.references):
        fields = found.get(ref.raw) or known.get(ref.raw) or parse(ref.raw)
        found[ref.raw] = fields
        ref.authors, ref.year, ref.title = list(fields.authors), fields.year, fields.title
        ref.container, ref.volume, ref.issue = fields.container, fields.volume, fields.issue
        ref.pages, ref.url, ref.doi = fields.pages, fields.url, fields.doi
        ref.accessed, ref.kind = fields.accessed, fields.kind
    return found
