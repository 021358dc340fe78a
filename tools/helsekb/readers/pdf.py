"""PDF reader: a Word-style PDF's layout lines turned into pages, headings and lists.

The heading levels come from the bold font sizes the document uses (largest first, after
the title block), never from the numbering; one page per top-level heading. What comes
before the first top-level heading (tagline, Forkortelser) is the document's intro; the
table of contents is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import PurePath

import pdfplumber
from pdfplumber.page import Page as PdfPage

from helsekb.model import (
    Block,
    BlockType,
    DocumentRef,
    ListItem,
    Page,
    Provenance,
    Section,
    SectionKind,
    Span,
)
from helsekb.readers.base import MAX_LIST_DEPTH, ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import clean_inline
from helsekb.readers.pdf_layout import (
    MAX_PAGES,
    Chars,
    Line,
    Unit,
    join_lines,
    open_pdf,
    page_chars,
    strip_furniture,
    text_lines,
    word_lines,
)
from helsekb.report import Diagnostic, Level

DEFAULT_TYPE = "Regional anbefaling"
TOC_LABEL = re.compile(r"(innhold|innholdsfortegnelse|contents|table of contents):?", re.I)
ABBREVIATIONS_LABEL = re.compile(r"(forkortelser|forkortinger|abbreviations)\b.*", re.I)
_ABBREVIATION = re.compile(r"([^\s:]{1,20}):\s+(.+)")
_TOC_TAIL = re.compile(r"(\s*\.{2,}|\s*…)*\s*\d*$")
_INDENT_TOLERANCE = 3.0
_UNMAPPED = re.compile(r"\(cid:\d+\)")
"""How pdfminer writes a glyph its font gives no Unicode for."""
Extract = Callable[[PdfPage, Chars], list[Line]]
"""A page's lines from it and its characters: ``word_lines`` or ``text_lines``."""
_MIN_WIDTH = 0.05
"""Narrowest plausible average glyph, in font sizes (text is about 0.5)."""


def read_pdf(data: bytes, entry: SourceEntry) -> ReadResult:
    with open_pdf(data, entry.name) as pdf:
        if not pdf.pages or len(pdf.pages) > MAX_PAGES:
            found = len(pdf.pages)
            raise ReaderError(entry.name, f"PDF has {found} pages (expected 1 to {MAX_PAGES})")
        reader = _Reader(entry, pdf)
        return reader.read()


@dataclass(slots=True)
class _Reader:
    entry: SourceEntry
    pdf: pdfplumber.PDF
    diagnostics: list[Diagnostic] = field(default_factory=list)
    chars: list[Chars] = field(default_factory=list)
    """Each page's characters (``page_chars``), made once for both line extractions."""

    def read(self) -> ReadResult:
        lines = self._lines(word_lines, report=True)
        body_size = _body_size(lines)
        units = join_lines(lines, max(ln.x1 for ln in lines))
        title_units, units = _title_block(units, body_size)
        sizes = _heading_sizes(units, body_size)
        document = self._document_ref(title_units)
        # Without any top-level heading the whole text is one page under the document title.
        first = next((i for i, u in enumerate(units) if _level(u, sizes) == 0), 0)
        abbreviations: dict[str, str] = {}
        intro = self._intro(units[:first], abbreviations)
        pages = self._pages(units[first:], sizes, document, abbreviations)
        return ReadResult(
            document=document,
            pages=pages,
            main_text=self._main_text(),
            intro=intro,
            diagnostics=self.diagnostics,
        )

    def _lines(self, extract: Extract, *, report: bool) -> list[Line]:
        """All lines of the document in reading order, page furniture removed."""
        if not self.chars:
            self.chars = [page_chars(p) for p in self.pdf.pages]
        pdf_pages = zip(self.pdf.pages, self.chars, strict=True)
        pages = [(extract(p, chars), float(p.height)) for p, chars in pdf_pages]
        if not any(lines for lines, _ in pages):
            raise ReaderError(self.entry.name, "no text layer (scanned?)")
        if report:
            for number, (lines, _) in enumerate(pages, 1):
                if not lines:
                    self._warn(f"page {number} has no text layer (scanned?)", number)
                _check_decodable(lines, number, self.entry.name)
        kept = strip_furniture(pages)
        if not kept:
            raise ReaderError(self.entry.name, "no text besides page numbers, headers and footers")
        return kept

    def _warn(self, message: str, page: int) -> None:
        self.diagnostics.append(
            Diagnostic(Level.WARNING, self.entry.name, message, location=f"page {page}")
        )

    def _document_ref(self, title_units: list[Unit]) -> DocumentRef:
        title = " – ".join(u.text for u in title_units)
        if not title:
            title = self._fallback_title()
        return DocumentRef(
            title=self.entry.document or title,
            type=self.entry.document_type or DEFAULT_TYPE,
            url=self.entry.document_url or self.entry.url,
        )

    def _fallback_title(self) -> str:
        """Title (and Subject) from the metadata, else the file name: no title block found."""
        meta = self.pdf.metadata
        parts = [clean_inline(v) for k in ("Title", "Subject") if isinstance(v := meta.get(k), str)]
        title = " – ".join(p for p in parts if p)
        if not self.entry.document:
            source = "the PDF metadata" if title else "the file name"
            self._warn(f"no title block; the title is taken from {source}", 1)
        return title or PurePath(self.entry.name).stem

    def _intro(self, units: list[Unit], abbreviations: dict[str, str]) -> list[Section]:
        """Sections before the first top-level heading; a bold line starts a new one."""
        sections: list[Section] = []
        for label, group in _labelled_groups(units):
            title = label.text.rstrip(":").strip() if label else ""
            if label and TOC_LABEL.fullmatch(title):
                message = f"table of contents left out ({len(group)} entries)"
                where = f"page {label.line.page}"
                self.diagnostics.append(Diagnostic(Level.INFO, self.entry.name, message, where))
                continue
            blocks = _Blocks(self.entry.name)
            for unit in group:
                blocks.add(unit, None)
            section = Section(SectionKind.SECTION, title, blocks.blocks)
            if ABBREVIATIONS_LABEL.fullmatch(title):
                section.blocks = [_abbreviation_list(section.blocks, abbreviations)]
            sections.append(section)
        return sections

    def _pages(
        self, units: list[Unit], sizes: list[float], document: DocumentRef, abbrevs: dict[str, str]
    ) -> list[Page]:
        """One page per top-level heading; its blocks fill the page's one section."""
        pages: list[Page] = []
        builder = _Blocks(self.entry.name)
        for unit in units:
            level = _level(unit, sizes)
            if level == 0 or not pages:
                title = unit.text if level == 0 else document.title
                pages.append(self._page(title, unit.line.page, document, abbrevs))
                builder = _Blocks(self.entry.name)  # fills the section's block list in place
                pages[-1].sections = [Section(SectionKind.SECTION, "", builder.blocks)]
            if level != 0:
                builder.add(unit, level)
        return pages

    def _page(
        self, title: str, number: int, document: DocumentRef, abbrevs: dict[str, str]
    ) -> Page:
        return Page(
            title=title,
            source_file=self.entry.name,
            document=document,
            source_url=self.entry.url,
            abbreviations=dict(abbrevs),
            provenance=Provenance(self.entry.name, page=number),
        )

    def _main_text(self) -> str:
        """The text as pdfplumber's own line extraction gives it: wraps joined, no contents,
        and no colon after a bold label ("Forkortelser:" is a section title)."""
        lines = _drop_contents(self._lines(text_lines, report=False))
        units = join_lines(lines, max(ln.x1 for ln in lines))
        return "\n".join(u.text.rstrip(":") if u.line.bold else u.text for u in units)


def _check_decodable(lines: list[Line], page: int, file: str) -> None:
    """Refuse a page whose font gives glyphs no Unicode (its text would be published as
    "(cid:229)") or no width (its words would run together)."""
    count = sum(len(_UNMAPPED.findall(line.text)) for line in lines)
    if count:
        noun = "1 character has" if count == 1 else f"{count} characters have"
        message = f"{noun} no Unicode mapping (broken font encoding?)"
        raise ReaderError(file, f"{message}; the text cannot be read reliably", f"page {page}")
    if any(line.x1 - line.x0 < _MIN_WIDTH * line.size * len(line.text) for line in lines):
        message = "glyphs without width (broken font metrics?): words cannot be told apart"
        raise ReaderError(file, message, f"page {page}")


def _body_size(lines: list[Line]) -> float:
    """The font size most of the text is set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0]


def _title_block(units: list[Unit], body_size: float) -> tuple[list[Unit], list[Unit]]:
    """The leading units of the first page set larger than any heading after them."""
    page = units[0].line.page
    lead = list(takewhile(lambda u: u.line.page == page and u.line.size > body_size, units))
    later = [u.line.size for u in units[len(lead) :] if u.line.bold and not u.line.bullet]
    n = len(list(takewhile(lambda u: u.line.size > max(later, default=body_size), lead)))
    return units[:n], units[n:]


def _heading_sizes(units: list[Unit], body_size: float) -> list[float]:
    """Distinct sizes of bold lines, largest first: index 0 is the top level (a page)."""
    bold = {u.line.size for u in units if u.line.bold and not u.line.bullet}
    return sorted((s for s in bold if s >= body_size), reverse=True)


def _level(unit: Unit, sizes: list[float]) -> int | None:
    line = unit.line
    if line.bold and not line.bullet and line.size in sizes:
        return sizes.index(line.size)
    return None


def _labelled_groups(units: list[Unit]) -> list[tuple[Unit | None, list[Unit]]]:
    """Units split at bold lines ("Forkortelser:", "Innhold:"), each with its label."""
    groups: list[tuple[Unit | None, list[Unit]]] = [(None, [])]
    for unit in units:
        if unit.line.bold and not unit.line.bullet:
            groups.append((unit, []))
        else:
            groups[-1][1].append(unit)
    return [(label, group) for label, group in groups if label or group]


class _Blocks:
    """Units in reading order turned into heading, paragraph and (nested) list blocks."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.blocks: list[Block] = []
        self._open: list[tuple[Line, ListItem]] = []
        """The open list items, outermost first, with their first line."""
        self._list: Block | None = None
        self._lead_x0: float | None = None
        """Indent of the paragraph before the open list: a line there ends the list."""

    def add(self, unit: Unit, level: int | None) -> None:
        where = Provenance(self.file, page=unit.line.page)
        spans = [Span(unit.text)]
        if level is not None:
            self._close()
            self._lead_x0 = None
            self.blocks.append(Block(BlockType.HEADING, spans, level=level, provenance=where))
        elif unit.line.bullet:
            self._item(unit.line, ListItem(spans, provenance=where))
        elif self._continues_item(unit.line):
            self._open[-1][1].continuation.append(spans)
        else:
            self._close()
            self._lead_x0 = unit.line.x0
            self.blocks.append(Block(BlockType.PARAGRAPH, spans, provenance=where))

    def _continues_item(self, line: Line) -> bool:
        """A hard-broken line indented at least to the text of the innermost open item."""
        if not self._open or line.x0 < self._open[-1][0].text_x0 - _INDENT_TOLERANCE:
            return False
        return self._lead_x0 is None or abs(line.x0 - self._lead_x0) > _INDENT_TOLERANCE

    def _item(self, line: Line, item: ListItem) -> None:
        """Nest by the bullet's x position: further right is a child, the same x a sibling
        (at most MAX_LIST_DEPTH levels: deeper ones are siblings at the deepest level)."""
        while self._open and self._open[-1][0].x0 > line.x0 + _INDENT_TOLERANCE:
            self._open.pop()
        if self._open and abs(self._open[-1][0].x0 - line.x0) <= _INDENT_TOLERANCE:
            self._open.pop()
        if len(self._open) >= MAX_LIST_DEPTH:
            self._open.pop()
        if self._open:
            self._open[-1][1].children.append(item)
        else:
            if self._list is None:
                self._list = Block(BlockType.LIST, provenance=item.provenance)
                self.blocks.append(self._list)
            self._list.items.append(item)
        self._open.append((line, item))

    def _close(self) -> None:
        self._open, self._list = [], None


def _abbreviation_list(blocks: list[Block], abbreviations: dict[str, str]) -> Block:
    """A Forkortelser section as one list: each entry an item, a list under it its children."""
    items: list[ListItem] = []
    for block in blocks:
        if block.type is BlockType.LIST:
            (items[-1].children if items else items).extend(block.items)
        else:
            items.append(ListItem(block.spans, provenance=block.provenance))
    for item in items:
        if match := _ABBREVIATION.fullmatch("".join(s.text for s in item.spans)):
            abbreviations.setdefault(match[1], _expansion(match[2], item.children))
    return Block(BlockType.LIST, items=items, provenance=blocks[0].provenance if blocks else None)


def _expansion(text: str, children: list[ListItem]) -> str:
    """An entry's expansion with the list that completes it ("… sykehus for" + its items)."""
    parts = [c.text.strip().rstrip(",") for c in children]
    return f"{text} {', '.join(parts)}" if parts else text


def _drop_contents(lines: list[Line]) -> list[Line]:
    """Lines without the table of contents: from its label to where its first entry recurs."""
    for i, line in enumerate(lines[:-1]):
        if TOC_LABEL.fullmatch(line.text):
            first = _toc_key(lines[i + 1].text)
            end = next(
                (j for j in range(i + 2, len(lines)) if _toc_key(lines[j].text) == first), None
            )
            if end is not None:
                return lines[:i] + lines[end:]
    return lines


def _toc_key(text: str) -> str:
    """A contents entry or heading without dot leaders and page number."""
    return _TOC_TAIL.sub("", text).casefold()
