"""Reader for HTML pages of helsedirektoratet.no, with generic main-content fallback.

The site's structure (breadcrumbs, h1, hearing alert, collapsible sections, page meta,
citation block) gives the metadata and section kinds; ``fragments`` turns the content into
blocks. Where the structure is missing, the main content is found generically, with a warning.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from helsekb.model import (
    HOERINGSUTKAST,
    Block,
    BlockType,
    DocumentRef,
    Page,
    Provenance,
    Reference,
    Section,
    SectionKind,
    Span,
)
from helsekb.readers import selectors as sel
from helsekb.readers.base import ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import decode_text, parse_nb_date, safe_href
from helsekb.readers.doctype import document_type_from_url
from helsekb.readers.fragments import (
    HEADINGS,
    FragmentContext,
    detach,
    fragment_blocks,
    iter_items,
    parse,
    pieces,
    plain_text,
    sanitise,
    spans_of,
    text_of,
)
from helsekb.report import Diagnostic, Level

FALLBACK = "expected helsedirektoratet.no structure not found; used generic main-content extraction"
LEFTOVER = "content outside the known page structure kept as an untitled section"
_HEARING_MARK = re.compile(r"\s*\(HØRINGSUTKAST\)|\s+HØRINGSUTKAST$", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([^\s;\"']+)", re.IGNORECASE)
_READ_ON = re.compile(r"\blest\b(.*)", re.IGNORECASE | re.DOTALL)


def read_html(data: bytes, entry: SourceEntry) -> ReadResult:
    """Read one saved helsedirektoratet.no page (or any HTML page, generically)."""
    text = decode_text(data, entry.name)
    if not text.strip():
        raise ReaderError(entry.name, "empty file")
    return _read(parse(text, entry.name), entry)


def _read(document: HtmlElement, entry: SourceEntry) -> ReadResult:
    """Metadata and chrome first (they live outside the main content), then the content."""
    _check_charset(document, entry.name)
    ctx = FragmentContext(entry.name, base_url=entry.url or _page_url(document))
    main_text = _main_text(copy.deepcopy(document))
    crumbs = _breadcrumbs(document, ctx)
    collapsibles = _collapsibles(document)
    boilerplate = _strip_chrome(document)
    sanitise(document)
    root, structured = _main_root(document)
    if not main_text:
        raise ReaderError(entry.name, "no main content found")
    diagnostics = [] if structured else [Diagnostic(Level.WARNING, entry.name, FALLBACK)]
    page = _new_page(document, root, crumbs, entry, ctx)
    later = _collapsible_sections(root, collapsibles, page, ctx)
    body = _body_section(root, structured, ctx)
    rest = _leftover(root, ctx, diagnostics) if structured else []
    page.sections = body + later + rest
    return ReadResult(
        page.document, [page], main_text, boilerplate=boilerplate, diagnostics=diagnostics
    )


def _main_text(document: HtmlElement) -> str:
    """The main content's text, from a copy that only lost the chrome and the elements that
    never show text: the fidelity check holds the structured reading to it, so nothing the
    reading moves or takes apart (collapsibles, their headings, the page meta) can lose a
    sentence unnoticed."""
    _strip_chrome(document)
    sanitise(document)
    return plain_text(_main_root(document)[0])


@lru_cache(maxsize=64)
def _selector(css: str) -> CSSSelector:
    """A CSS selector compiled once (to XPath, which lxml runs in C)."""
    return CSSSelector(css, translator="html")


def select(root: HtmlElement, css: str) -> list[HtmlElement]:
    """The elements below ``root`` (not ``root`` itself) that match ``css``, in order."""
    return [element for element in _selector(css)(root) if element is not root]


def select_one(root: HtmlElement, css: str) -> HtmlElement | None:
    return next(iter(select(root, css)), None)


def _classes(element: HtmlElement) -> list[str]:
    return (element.get("class") or "").split()


def _new_page(
    document: HtmlElement,
    root: HtmlElement,
    crumbs: list[tuple[str, str]],
    entry: SourceEntry,
    ctx: FragmentContext,
) -> Page:
    """The page with its title, document, chapter and front-matter fields (no sections yet)."""
    h1 = _take(root, "h1")
    heading = text_of(h1) if h1 is not None else ""
    title = heading or _head_title(document) or PurePosixPath(entry.name).stem
    ref, chapter = _document(crumbs, title, entry, ctx.base_url)
    page = Page(title, entry.name, ref, chapter=chapter, source_url=ctx.base_url)
    page.provenance = ctx.at(h1.sourceline if h1 is not None else None)
    page.status = ref.status
    _read_meta(root, page)
    return page


def _check_charset(document: HtmlElement, file: str) -> None:
    """A declared charset other than UTF-8 is refused rather than guessed around."""
    for meta in document.iter("meta"):
        declared = meta.get("charset")
        if not declared and (meta.get("http-equiv") or "").lower() == "content-type":
            found = _CHARSET.search(meta.get("content") or "")
            declared = found.group(1) if found else None
        if declared and declared.strip().lower() not in ("utf-8", "utf8"):
            raise ReaderError(file, f"declares charset {declared!r}; save it as UTF-8")


def _page_url(document: HtmlElement) -> str:
    for selector, attribute in ((sel.CANONICAL, "href"), (sel.OG_URL, "content")):
        element = select_one(document, selector)
        url = safe_href(element.get(attribute) or "") if element is not None else None
        if url and url.startswith(("http://", "https://")) and _parses(url):
            return url
    return ""


def _parses(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def _head_title(document: HtmlElement) -> str:
    title = next(document.iter("title"), None)
    return text_of(title).removesuffix(sel.TITLE_SUFFIX) if title is not None else ""


def _breadcrumbs(document: HtmlElement, ctx: FragmentContext) -> list[tuple[str, str]]:
    """(text, absolute URL or "") of each breadcrumb after the home page."""
    nav = select_one(document, sel.BREADCRUMBS)
    if nav is None:
        return []
    crumbs = []
    for item in list(nav.iterdescendants("li")) or list(nav.iterdescendants("a")):
        link = item if item.tag == "a" else next(item.iterdescendants("a"), None)
        url = ctx.link(link.get("href")) if link is not None else None
        crumbs.append((text_of(item), url if url and url.startswith("http") else ""))
    crumbs = [crumb for crumb in crumbs if crumb[0]]
    return crumbs[1:] if crumbs and crumbs[0][0] == sel.HOME_CRUMB else crumbs


def _document(
    crumbs: list[tuple[str, str]], title: str, entry: SourceEntry, source_url: str
) -> tuple[DocumentRef, str]:
    """The document (breadcrumb 1, hearing marker stripped) and the chapter (breadcrumb 2)."""
    names = [crumb for crumb in crumbs if crumb[0] != title]
    name, url = names[0] if names else ("", "")
    stripped = _HEARING_MARK.sub("", name).strip()
    url = entry.document_url or url
    document = DocumentRef(
        title=entry.document or stripped or title,  # no breadcrumbs: the page stands alone
        type=entry.document_type or document_type_from_url(source_url or url),
        status=HOERINGSUTKAST if stripped != name else "",
        url=url,
    )
    return document, names[1][0] if len(names) > 1 else ""


def _collapsibles(document: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Top-level collapsible sections and their titles, read before the toggle buttons go.

    A nested collapsible's heading is moved to its start and read as an ordinary heading.
    """
    found: list[tuple[HtmlElement, str]] = []
    seen: set[HtmlElement] = set()
    for element in select(document, sel.COLLAPSIBLE):
        heading = _own_heading(element)
        if heading is None:
            continue
        if any(parent in seen for parent in element.iterancestors()):
            _move_to_start(detach(heading), element)
        else:
            found.append((element, text_of(detach(heading))))
        seen.add(element)
    return found


def _move_to_start(element: HtmlElement, parent: HtmlElement) -> None:
    """Put a detached ``element`` first in ``parent``, before its text too."""
    element.tail, parent.text = parent.text, None
    parent.insert(0, element)


def _own_heading(collapsible: HtmlElement) -> HtmlElement | None:
    """The collapsible's own heading, not one of a collapsible nested in it."""
    for selector in (sel.COLLAPSIBLE_HEADING, ", ".join(HEADINGS)):
        for heading in select(collapsible, selector):
            owner = next(
                (a for a in heading.iterancestors() if sel.COLLAPSIBLE_CLASS in _classes(a)),
                None,
            )
            if owner is collapsible:
                return heading
    return None


def _strip_chrome(document: HtmlElement) -> list[str]:
    """Remove the site chrome; return the known boilerplate strings it held."""
    chrome = select(document, ", ".join(sel.CHROME))
    chrome += [
        element
        for element in document.iter("header", "footer")
        if not any(a.tag in sel.ARTICLE for a in element.iterancestors())
    ]
    removed: list[str] = []
    gone: set[HtmlElement] = set()
    for element in chrome:
        if element not in gone and not any(a in gone for a in element.iterancestors()):
            removed.append(text_of(element))
            gone.add(detach(element))
    found = "\n".join(removed)
    return [text for text in sel.KNOWN_BOILERPLATE if text in found]


def _main_root(document: HtmlElement) -> tuple[HtmlElement, bool]:
    """The main-content element, and whether it has the site's expected structure."""
    main = select_one(document, sel.MAIN)
    has_h1 = main is not None and main.find(".//h1") is not None
    if has_h1 and select_one(main, sel.BODY_TEXT) is not None:
        return main, True
    for selector in sel.GENERIC_MAIN:
        element = select_one(document, selector)
        if element is not None and plain_text(element):
            return element, False
    body = document.find("body")
    root = body if body is not None else document
    for element in list(root.iterdescendants(*sel.GENERIC_CHROME)):
        detach(element)
    return root, False


def _take(root: HtmlElement, selector: str) -> HtmlElement | None:
    """The first match, taken out of the tree (so no later step reads it again)."""
    element = select_one(root, selector)
    return detach(element) if element is not None else None


def _read_meta(root: HtmlElement, page: Page) -> None:
    """Hearing alert, page meta and citation: front-matter fields, not body text."""
    if (alert := _take(root, sel.HEARING_ALERT)) is not None:
        page.hearing_notice = text_of(alert)
        page.hearing_deadline = parse_nb_date(page.hearing_notice)
        page.status = HOERINGSUTKAST
    if (meta := _take(root, sel.PAGE_META)) is not None:
        page.last_reviewed_text = text_of(meta)
        page.last_reviewed = parse_nb_date(page.last_reviewed_text)
    if (cite := _take(root, sel.CITE_AS)) is not None:
        page.cite_as = text_of(cite)
        read_on = _READ_ON.search(page.cite_as)
        page.retrieved = parse_nb_date(read_on.group(1)) if read_on else None


def _body_section(root: HtmlElement, structured: bool, ctx: FragmentContext) -> list[Section]:
    """The normative statement (a notice) and the recommendation or chapter text."""
    normative = _take(root, sel.NORMATIVE)
    spans = spans_of(pieces(normative, ctx)) if normative is not None else []
    blocks = (
        [Block(BlockType.NOTICE, spans, provenance=ctx.at(normative.sourceline))] if spans else []
    )
    body = _take(root, sel.BODY_TEXT) if structured else root
    blocks += fragment_blocks(body, ctx) if body is not None else []
    recommendation = body is not None and sel.RECOMMENDATION_BODY in _classes(body)
    kind = SectionKind.RECOMMENDATION if recommendation else SectionKind.SECTION
    return [Section(kind, "", blocks)] if blocks else []


def _leftover(
    root: HtmlElement, ctx: FragmentContext, diagnostics: list[Diagnostic]
) -> list[Section]:
    """Main content the known structure did not account for: kept, with a warning."""
    blocks = fragment_blocks(root, ctx)
    if not blocks:
        return []
    line = blocks[0].provenance.line if blocks[0].provenance else None
    diagnostics.append(Diagnostic(Level.WARNING, ctx.file, LEFTOVER, f"line {line}"))
    return [Section(SectionKind.SECTION, "", blocks)]


def _collapsible_sections(
    root: HtmlElement,
    collapsibles: list[tuple[HtmlElement, str]],
    page: Page,
    ctx: FragmentContext,
) -> list[Section]:
    """One section per collapsible, kind from its heading; Referanser fills page.references."""
    sections = []
    for element, title in collapsibles:
        if not any(parent is root for parent in element.iterancestors()):
            continue
        detach(element)
        word = re.match(r"\w+", title)
        kind = sel.SECTION_KINDS.get(word.group().lower() if word else "", SectionKind.SECTION)
        if kind is SectionKind.REFERANSER:
            page.references += _references(fragment_blocks(element, ctx))
        elif blocks := fragment_blocks(element, ctx):
            sections.append(Section(kind, title, blocks))
    return sections


def _references(blocks: list[Block]) -> list[Reference]:
    """One reference per paragraph (or heading) and per list item."""
    refs = []
    for block in blocks:
        if block.spans:
            refs.append(_reference(block.text, block.spans, block.provenance))
        for item in iter_items(block.items):
            spans = item.spans + [span for para in item.continuation for span in para]
            refs.append(_reference(item.text, spans, item.provenance))
    return refs


def _reference(raw: str, spans: list[Span], provenance: Provenance | None) -> Reference:
    url = next((s.href for s in spans if s.href and s.href.startswith("http")), None)
    return Reference(raw=raw, url=url, provenance=provenance)
