"""The document model every reader produces and every writer consumes (no I/O here).

Document -> Page -> Section -> Block, with Provenance on every block so a diagnostic
can name the file and the line (text, HTML) or page (PDF) a piece of text came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from helsekb.pickled import compact


class BlockType(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST = "list"
    NOTICE = "notice"


class SectionKind(StrEnum):
    RECOMMENDATION = "recommendation"
    PRAKTISK = "praktisk"
    BEGRUNNELSE = "begrunnelse"
    NOKKELINFO = "nokkelinfo"
    REFERANSER = "referanser"
    SUPPLEMENTARY = "supplementary"
    SECTION = "section"


HOERINGSUTKAST = "høringsutkast"
"""The only status value the readers set; a page without it has status ""."""


@compact
@dataclass(slots=True, frozen=True)
class Provenance:
    """Where a piece of content came from."""

    file: str
    """Source file name, relative to the sources directory."""
    line: int | None = None
    """1-based line in a text capture or HTML file."""
    page: int | None = None
    """1-based page in a PDF."""
    path: str | None = None
    """A field path inside structured input, e.g. ``data.praktisk`` in API JSON."""

    def __str__(self) -> str:
        where = [self.file]
        if self.page is not None:
            where.append(f"page {self.page}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(self.path)
        return ", ".join(where)


@compact
@dataclass(slots=True)
class Span:
    """A run of inline text, optionally a link."""

    text: str
    href: str | None = None


@compact
@dataclass(slots=True)
class ListItem:
    spans: list[Span]
    continuation: list[list[Span]] = field(default_factory=list)
    """Further paragraphs of the item, after the first and before the children."""
    children: list[ListItem] = field(default_factory=list)
    """Nested list items (one level deeper)."""
    provenance: Provenance | None = None
    anchor: str = ""
    roles: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(
            "".join(s.text for s in spans) for spans in [self.spans, *self.continuation]
        )


@compact
@dataclass(slots=True)
class Block:
    type: BlockType
    spans: list[Span] = field(default_factory=list)
    """Inline content of a heading, paragraph or notice."""
    items: list[ListItem] = field(default_factory=list)
    """Items of a list block."""
    level: int = 0
    """Heading depth inside its section: 1 is the section's top subheading."""
    ordered: bool = False
    provenance: Provenance | None = None
    anchor: str = ""
    roles: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@compact
@dataclass(slots=True)
class Section:
    kind: SectionKind
    title: str
    """Heading as the source gives it; "" for the untitled recommendation body."""
    blocks: list[Block] = field(default_factory=list)


@compact
@dataclass(slots=True)
class Reference:
    """One entry of a reference list; ``raw`` is always the source's own text."""

    raw: str
    provenance: Provenance | None = None
    id: str = ""
    """Stable anchor, set by the references enricher."""
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    year: str | None = None
    title: str | None = None
    container: str | None = None
    """Journal, series or publisher."""
    doi: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    accessed: str | None = None
    """Date the source says it was read, ISO ``YYYY-MM-DD`` when the text gives a full date."""
    kind: str = ""
    """``article``, ``report`` or ``guideline`` when the parser recognised the style, else ""."""


@compact
@dataclass(slots=True)
class Citation:
    """An in-text citation such as "(Hunt et al., 2019)", resolved or not."""

    text: str
    reference: str | None = None
    """Id of the entry in the page's own reference list; None when no entry matches."""
    anchor: str = ""
    """Anchor of the block the citation stands in."""


@compact
@dataclass(slots=True)
class Related:
    """A page shown in another page's *Se også* block, with why."""

    path: str
    """Docs-relative path of the related page."""
    title: str
    reasons: list[str] = field(default_factory=list)


@compact
@dataclass(slots=True)
class BibItem:
    """One unique reference of the whole knowledge base (deduplicated)."""

    id: str
    reference: Reference
    """The first occurrence, in knowledge-base order."""
    cited_by: list[str] = field(default_factory=list)
    """Docs-relative ``path#anchor`` of every place that cites it, one per page."""
    listed_in: list[str] = field(default_factory=list)
    """Docs-relative ``path#id`` of the entry in every page's reference list that holds it."""


@compact
@dataclass(slots=True)
class Topic:
    """A key concept and the blocks (``path#anchor``) where it occurs."""

    name: str
    places: list[str] = field(default_factory=list)


@compact
@dataclass(slots=True)
class GlossaryEntry:
    abbreviation: str
    expansion: str
    source: str = ""
    """Title of the document whose Forkortelser list defines it; "" for the curated list."""
    pages: list[str] = field(default_factory=list)
    """Docs-relative paths of the pages where it occurs."""


@compact
@dataclass(slots=True)
class DocumentRef:
    """What a source says about the document (guideline, veileder, report …) it belongs to."""

    title: str
    type: str = ""
    status: str = ""
    url: str = ""


@compact
@dataclass(slots=True)
class Page:
    title: str
    source_file: str
    document: DocumentRef
    chapter: str = ""
    sections: list[Section] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    status: str = ""
    hearing_notice: str = ""
    """The source's own hearing alert text, e.g. "Ekstern høring: Høringsfrist: 16. mai 2024."."""
    hearing_deadline: date | None = None
    last_reviewed: date | None = None
    last_reviewed_text: str = ""
    """The source's own line, e.g. "Siste faglige endring: 16. februar 2024"."""
    first_published: date | None = None
    retrieved: date | None = None
    changed: date | None = None
    """When a conversion last found this page new or changed (from the change log)."""
    field_sources: dict[str, str] = field(default_factory=dict)
    """For a page merged from several sources of one URL: field -> the source file it came from."""
    source_url: str = ""
    cite_as: str = ""
    abbreviations: dict[str, str] = field(default_factory=dict)
    """Abbreviations the source itself defines (a Forkortelser list)."""
    slug: str = ""
    """File name stem, set by the pipeline (unique within its directory)."""
    chapter_slug: str = ""
    path: str = ""
    """Docs-relative path of the page's Markdown file, set by the pipeline."""
    roles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    provenance: Provenance | None = None
    citations: list[Citation] = field(default_factory=list)
    """In-text citations, set by the citations enricher."""
    related: list[Related] = field(default_factory=list)
    """The *Se også* pages, set by the related enricher."""
    glossary: dict[str, str] = field(default_factory=dict)
    """Abbreviations occurring on the page and their expansions (tooltips)."""

    def blocks(self) -> list[Block]:
        return [b for s in self.sections for b in s.blocks]


@compact
@dataclass(slots=True)
class Document:
    title: str
    type: str = ""
    status: str = ""
    source_url: str = ""
    slug: str = ""
    intro: list[Section] = field(default_factory=list)
    """Content shown on the document's index page (title block, Forkortelser …)."""
    pages: list[Page] = field(default_factory=list)


@compact
@dataclass(slots=True)
class KnowledgeBase:
    documents: list[Document] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)
    bibliography: list[BibItem] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    role_tags: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)
    """enrichers.roles' tags by id() of page, section, block and item (set by put_tags)."""

    def pages(self) -> list[Page]:
        return [p for d in self.documents for p in d.pages]
