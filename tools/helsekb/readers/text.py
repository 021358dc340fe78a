"""Reader for plain-text captures of helsedirektoratet.no pages.

A capture is the page's visible text: skip link, glued breadcrumb line, title, the
recommendation text, then (indented by four spaces in most captures) the content of the
collapsed sections, the reference list, the citation line and the site footer. Captures
do not name their sections, so the indented content becomes one neutral supplementary
section: it is never labelled Praktisk or Begrunnelse here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from helsekb.model import (
    HOERINGSUTKAST,
    Block,
    BlockType,
    DocumentRef,
    ListItem,
    Page,
    Provenance,
    Reference,
    Section,
    SectionKind,
    Span,
)
from helsekb.readers import chrome
from helsekb.readers.base import MAX_LIST_DEPTH, ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import clean_inline, decode_text, parse_nb_date, safe_href
from helsekb.readers.doctype import document_type_from_url
from helsekb.report import Diagnostic, Level

SUPPLEMENTARY_TITLE = "Utdypende informasjon"
"""Neutral heading for the collapsed sections' content, which captures do not name."""

_BULLET = re.compile(r"^(?:[•●▪◦\uf0b7]|[-–](?=\s))\s*")
_REFERENCE = re.compile(r"^[A-ZÆØÅ][^()]{0,400}\((?:\d{4}[a-z]?|u\.å\.)\)\.?\s")
_RECOMMENDATION_TITLE = re.compile(r"\b(?:bør|skal|må|anbefales|kan)\b")
_HEADING_MAX = 100


@dataclass(slots=True, frozen=True)
class Line:
    no: int
    indent: int
    text: str

    @property
    def bullet(self) -> bool:
        return bool(_BULLET.match(self.text))


@dataclass(slots=True)
class _Meta:
    """What the chrome and metadata lines of a capture say about the page."""

    document: str = ""
    chapter: str = ""
    status: str = ""
    hearing_notice: str = ""
    last_reviewed_text: str = ""
    cite_as: str = ""
    url: str = ""


def _lines(text: str) -> list[Line]:
    out = []
    for no, raw in enumerate(text.splitlines(), start=1):
        expanded = raw.replace("\t", "    ")
        stripped = expanded.lstrip(" \u00a0")
        out.append(Line(no, len(expanded) - len(stripped), clean_inline(stripped)))
    return out


def read_capture(data: bytes, entry: SourceEntry) -> ReadResult:
    text = decode_text(data, entry.name)
    if "\x00" in text:
        raise ReaderError(entry.name, "binary data (NUL bytes) in a text capture")
    lines = _lines(text)
    content = [ln for ln in lines if ln.text]
    if not content:
        raise ReaderError(entry.name, "empty capture: no text")
    meta = _Meta()
    boilerplate: list[str] = []
    body = _strip_header(content, meta, boilerplate, entry)
    body = _strip_footer(body, boilerplate)
    if not body:
        raise ReaderError(entry.name, "no main content after removing site chrome")
    title_line, body = body[0], body[1:]
    body = _take_metadata(body, meta)
    return _result(entry, title_line, body, meta, boilerplate)


def _strip_header(
    content: list[Line], meta: _Meta, boilerplate: list[str], entry: SourceEntry
) -> list[Line]:
    """Drop the skip link, browser warning and breadcrumb line (read as metadata)."""
    i = 0
    while i < len(content):
        text = content[i].text
        if text in (chrome.SKIP_LINK, chrome.BROWSER_WARNING):
            boilerplate.append(text)
        elif text.startswith(chrome.BREADCRUMB_HOME) and i < 3:
            _read_breadcrumb(text[len(chrome.BREADCRUMB_HOME) :], meta, entry.document)
        else:
            break
        i += 1
    return content[i:]


def _read_breadcrumb(rest: str, meta: _Meta, known_document: str) -> None:
    """Split the glued breadcrumb ("Dokument HØRINGSUTKASTKapittel") into its items."""
    mark = chrome.HEARING_MARK.search(rest)
    if mark:
        meta.document, meta.chapter = rest[: mark.start()].strip(), rest[mark.end() :].strip()
        meta.status = HOERINGSUTKAST
    elif known_document and rest.startswith(known_document):
        meta.document, meta.chapter = known_document, rest[len(known_document) :].strip()
    else:
        meta.document = rest.strip()


def _strip_footer(body: list[Line], boilerplate: list[str]) -> list[Line]:
    for i, line in enumerate(body):
        if line.text.startswith(chrome.FOOTER_START):
            boilerplate.extend(b for b in chrome.BOILERPLATE if b not in boilerplate)
            return body[:i]
    return body


def _take_metadata(body: list[Line], meta: _Meta) -> list[Line]:
    """Remove the hearing alert, page meta and citation lines, keeping what they say."""
    kept = []
    for line in body:
        text = line.text
        if chrome.HEARING.match(text):
            meta.hearing_notice = text
            meta.status = HOERINGSUTKAST
        elif m := chrome.LAST_REVIEWED.match(text):
            meta.last_reviewed_text = m.group("text")
            rest = text[m.end() :].replace(chrome.EARLIER_VERSIONS, "").strip()
            if rest:
                kept.append(Line(line.no, line.indent, rest))
        elif m := chrome.CITATION.match(text):
            meta.cite_as, meta.url = text, m.group("url")
        else:
            kept.append(line)
    return kept


def _result(
    entry: SourceEntry, title_line: Line, body: list[Line], meta: _Meta, boilerplate: list[str]
) -> ReadResult:
    diagnostics: list[Diagnostic] = []
    main, supplementary = _split_supplementary(body)
    refs_from = supplementary if supplementary else main
    references = _take_references(refs_from, entry)
    title = title_line.text
    kind = (
        SectionKind.RECOMMENDATION if _RECOMMENDATION_TITLE.search(title) else SectionKind.SECTION
    )
    sections = [Section(kind, "", _blocks(main, entry))]
    if supplementary:
        sections.append(
            Section(SectionKind.SUPPLEMENTARY, SUPPLEMENTARY_TITLE, _blocks(supplementary, entry))
        )
    url = entry.url or (meta.url if safe_href(meta.url) and meta.url.startswith("http") else "")
    if meta.url and not entry.url and "helsedirektoratet.no" not in meta.url:
        diagnostics.append(
            Diagnostic(
                Level.WARNING,
                entry.name,
                f"citation URL is not on a public helsedirektoratet.no host: {meta.url}; "
                "give the public URL in sources.yml",
            )
        )
    doc_title = entry.document or meta.document or title
    document = DocumentRef(
        title=doc_title,
        type=entry.document_type or document_type_from_url(url),
        status=meta.status,
        url=entry.document_url,
    )
    page = Page(
        title=title,
        source_file=entry.name,
        document=document,
        chapter=meta.chapter,
        sections=sections,
        references=references,
        status=meta.status,
        hearing_notice=meta.hearing_notice,
        hearing_deadline=parse_nb_date(meta.hearing_notice),
        last_reviewed=parse_nb_date(meta.last_reviewed_text),
        last_reviewed_text=meta.last_reviewed_text,
        retrieved=_retrieved(meta.cite_as),
        source_url=url,
        cite_as=meta.cite_as,
        provenance=Provenance(entry.name, line=title_line.no),
    )
    main_text = "\n".join([title, *(_main_text(ln) for ln in body)])
    return ReadResult(document, [page], main_text, boilerplate=boilerplate, diagnostics=diagnostics)


def _retrieved(cite_as: str) -> date | None:
    m = chrome.RETRIEVED.search(cite_as)
    return parse_nb_date(m.group(1)) if m else None


def _main_text(line: Line) -> str:
    return _BULLET.sub("", line.text)


def _split_supplementary(body: list[Line]) -> tuple[list[Line], list[Line]]:
    """Split where the indented block (the collapsed sections' content) starts."""
    if not body:
        return [], []
    base = min(ln.indent for ln in body)
    for i, line in enumerate(body):
        if not line.bullet and line.indent >= base + 4:
            return body[:i], [Line(ln.no, max(0, ln.indent - 4), ln.text) for ln in body[i:]]
    return list(body), []  # a copy: the references are taken out of it, not out of body


def _take_references(lines: list[Line], entry: SourceEntry) -> list[Reference]:
    """Move the trailing run of reference-shaped lines out of ``lines``."""
    start = len(lines)
    while start > 0 and not lines[start - 1].bullet and _REFERENCE.match(lines[start - 1].text):
        start -= 1
    refs = [
        Reference(raw=_trim_reference(ln.text), provenance=Provenance(entry.name, line=ln.no))
        for ln in lines[start:]
    ]
    del lines[start:]
    return refs


def _trim_reference(text: str) -> str:
    """Drop the stray trailing separator (" ," or ",") the site prints after an entry."""
    return re.sub(r"\s*,\s*$", "", text)


def _blocks(lines: list[Line], entry: SourceEntry) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].bullet:
            j = i
            while j < len(lines) and lines[j].bullet:
                j += 1
            blocks.append(_list_block(lines[i:j], entry))
            i = j
            continue
        blocks.append(_text_block(lines[i], i + 1 < len(lines), entry))
        i += 1
    return blocks


def _text_block(line: Line, has_next: bool, entry: SourceEntry) -> Block:
    prov = Provenance(entry.name, line=line.no)
    spans = [Span(line.text)]
    if chrome.NORMATIVE.match(line.text):
        return Block(BlockType.NOTICE, spans, provenance=prov)
    if has_next and _looks_like_heading(line.text):
        return Block(BlockType.HEADING, spans, level=1, provenance=prov)
    return Block(BlockType.PARAGRAPH, spans, provenance=prov)


def _looks_like_heading(text: str) -> bool:
    """A short standalone line without closing punctuation, starting with a capital."""
    return (
        len(text) <= _HEADING_MAX
        and not text.endswith((".", ":", ";", ",", "!", "?", ")"))
        and (text[0].isupper() or text[0].isdigit())
    )


def _list_block(lines: list[Line], entry: SourceEntry) -> Block:
    """Nest bullet lines by indentation: each distinct indent is one level deeper (at most
    MAX_LIST_DEPTH levels; deeper items are kept as siblings at the deepest level)."""
    levels = {indent: depth for depth, indent in enumerate(sorted({ln.indent for ln in lines}))}
    root: list[ListItem] = []
    stack: list[list[ListItem]] = [root]
    for line in lines:
        depth = min(levels[line.indent], len(stack) - 1, MAX_LIST_DEPTH - 1)
        del stack[depth + 1 :]
        item = ListItem(
            [Span(_BULLET.sub("", line.text))], provenance=Provenance(entry.name, line=line.no)
        )
        stack[depth].append(item)
        stack.append(item.children)
    return Block(BlockType.LIST, items=root, provenance=Provenance(entry.name, line=lines[0].no))
