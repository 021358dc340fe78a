"""Content-API (HAPI) JSON: one item of Helsedirektoratet's open content API.

The item's HTML fields go through the HTML reader's fragment parse. Links into the API
itself (``api.helsedirektoratet.no/innhold/…``) never reach the model: they need a key, so
a reader of the knowledge base could not follow them.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from helsekb.model import (
    HOERINGSUTKAST,
    Block,
    BlockType,
    DocumentRef,
    Page,
    Provenance,
    Section,
    Span,
)
from helsekb.model import SectionKind as Kind
from helsekb.readers import selectors as sel
from helsekb.readers.base import ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import clean_inline, decode_text, safe_href
from helsekb.readers.fragments import (
    FragmentContext,
    fragment_blocks,
    iter_spans,
    parse_html,
    plain_text,
    text_of,
)
from helsekb.report import Diagnostic, Level

RECOMMENDATION_TYPES = ("anbefaling", "rad")
EXTRA_SECTIONS = (
    ("praktisk", Kind.PRAKTISK, "Praktisk – slik kan anbefalingen følges"),
    ("rasjonale", Kind.BEGRUNNELSE, "Begrunnelse – dette er anbefalingen basert på"),
    ("nokkelInfo", Kind.NOKKELINFO, "Nøkkelinformasjon"),
)
"""``data`` fields that become sections of their own: (field, kind, title)."""
_JSON_TYPES = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


def read_hapi(data: bytes, entry: SourceEntry) -> ReadResult:
    """Read one content item (anbefaling, råd, kapittel, or a document's top node)."""
    item = _load(data, entry.name)
    title = clean_inline(item["tittel"]) if isinstance(item.get("tittel"), str) else ""
    if not title:
        raise ReaderError(entry.name, "missing 'tittel' (the item's title)")
    links = [link for link in _links(item) if isinstance(link, dict)]
    source_url = entry.url or _public(item.get("url"))
    info_type = str(_object(item, "tekniskeData").get("infoType", ""))
    reader = _ItemReader(entry.name, source_url, _public_urls(links))
    sections = reader.sections(item, info_type)
    document = _document(title, info_type, source_url, links, entry)
    result = ReadResult(document, [], reader.main_text(), diagnostics=reader.diagnostics)
    if info_type in sel.DOCUMENT_TYPE_BY_API_TYPE:
        document.status = _status(item)
        result.intro = sections
    elif sections:
        page = Page(title, entry.name, document, _chapter(links), sections, source_url=source_url)
        page.status = _status(item)
        page.first_published = _date(item.get("forstPublisert"))
        page.last_reviewed = _date(item.get("sistFagligOppdatert"))
        page.provenance = Provenance(entry.name, path="tittel")
        result.pages.append(page)
    else:
        message = "no text in tekst, intro or data: no page"
        result.diagnostics.append(Diagnostic(Level.INFO, entry.name, message))
    return result


def _load(data: bytes, file: str) -> dict:
    """The item: a JSON object, or a one-element array holding one."""
    text = decode_text(data, file)
    if not text.strip():
        raise ReaderError(file, "empty file")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise ReaderError(file, message) from None
    except RecursionError:
        raise ReaderError(file, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise ReaderError(file, f"invalid JSON: {exc}") from None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict):
        kind = _JSON_TYPES.get(type(value), "a number")
        raise ReaderError(file, f"expected a JSON object (one content item), got {kind}")
    return value


def _object(item: dict, name: str) -> dict:
    value = item.get(name)
    return value if isinstance(value, dict) else {}


def _links(item: dict) -> list:
    """The item's links; the API has called the field both ``links`` and ``lenker``."""
    value = item.get("links", item.get("lenker"))
    return value if isinstance(value, list) else []


def _public(url: object) -> str:
    """``url`` if it is a public http(s) address (not the API), else ""."""
    href = safe_href(url if isinstance(url, str) else None) or ""
    return href if href.startswith(("http://", "https://")) and not _is_api(href) else ""


def _is_api(href: str) -> bool:
    try:
        return urlsplit(href).hostname == sel.API_HOST
    except ValueError:
        return False


def _public_urls(links: list[dict]) -> dict[str, str]:
    """API href → public URL, for the links that give both."""
    pairs = ((link.get("href"), _public(link.get("url"))) for link in links)
    return {href: url for href, url in pairs if isinstance(href, str) and url}


def _html(value: object) -> str:
    """A field's HTML: a string, or every string inside an object/array, in order."""
    parts: list[str] = []
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str) and current.strip():
            parts.append(current)
        elif isinstance(current, dict):
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))
    return parts[0] if len(parts) == 1 else "".join(f"<div>{part}</div>" for part in parts)


class _ItemReader:
    """Turns the item's HTML fields into sections, collecting main text and diagnostics."""

    def __init__(self, file: str, base_url: str, public_urls: dict[str, str]) -> None:
        self.file = file
        self.base_url = base_url
        self.public_urls = public_urls
        self.texts: list[str] = []
        self.diagnostics: list[Diagnostic] = []
        self._unlinked: set[str] = set()

    def main_text(self) -> str:
        return "\n".join(text for text in self.texts if text)

    def sections(self, item: dict, info_type: str) -> list[Section]:
        """The main section (intro, strength, text), then praktisk, rasjonale, nøkkelinfo."""
        data = _object(item, "data")
        kind = Kind.RECOMMENDATION if info_type in RECOMMENDATION_TYPES else Kind.SECTION
        main = self.blocks(item.get("intro"), "intro") + self.notice(data.get("styrke"))
        main += self.blocks(item.get("tekst"), "tekst")
        sections = [Section(kind, "", main)] if main else []
        for name, extra_kind, title in EXTRA_SECTIONS:
            if blocks := self.blocks(data.get(name), f"data.{name}"):
                sections.append(Section(extra_kind, title, blocks))
        return sections

    def blocks(self, value: object, path: str) -> list[Block]:
        root = self._parse(value)
        if root is None:
            return []
        self.texts.append(plain_text(root))
        blocks = fragment_blocks(root, FragmentContext(self.file, self.base_url, path))
        self._unlink_api(blocks, path)
        return blocks

    def notice(self, value: object) -> list[Block]:
        """``data.styrke`` (the strength of a recommendation) as a notice, text only."""
        root = self._parse(value)
        text = text_of(root) if root is not None else ""
        self.texts.append(text)
        where = Provenance(self.file, path="data.styrke")
        return [Block(BlockType.NOTICE, [Span(text)], provenance=where)] if text else []

    def _parse(self, value: object) -> HtmlElement | None:
        html = _html(value)
        if not html:
            return None
        document = parse_html(html, self.file)
        body = document.find("body")
        return body if body is not None else document

    def _unlink_api(self, blocks: list[Block], path: str) -> None:
        """Point API links at their public page, or drop the link and keep the text."""
        for span in iter_spans(blocks):
            if span.href and _is_api(span.href):
                public = self.public_urls.get(span.href)
                if public is None and span.href not in self._unlinked:
                    self._unlinked.add(span.href)
                    message = (
                        f"link to the content API {span.href} has no public URL; kept its text"
                    )
                    self.diagnostics.append(Diagnostic(Level.WARNING, self.file, message, path))
                span.href = public


def _document(
    title: str, info_type: str, url: str, links: list[dict], entry: SourceEntry
) -> DocumentRef:
    """The document the item belongs to (its ``root`` link), or the item itself if a top node."""
    root = next((link for link in links if link.get("rel") == "root"), {})
    kind = sel.DOCUMENT_TYPE_BY_API_TYPE.get(str(root.get("type", info_type)), "")
    if info_type in sel.DOCUMENT_TYPE_BY_API_TYPE:
        name = title
    else:  # without a titled root link the item stands alone
        name, url = clean_inline(str(root.get("tittel") or "")) or title, ""
    return DocumentRef(
        title=entry.document or name,
        type=entry.document_type or kind,
        url=entry.document_url or url,
    )


def _status(item: dict) -> str:
    """Any hearing status marks a draft; "Gjeldende" (in force) and the rest give ""."""
    return HOERINGSUTKAST if "høring" in str(item.get("status") or "").casefold() else ""


def _chapter(links: list[dict]) -> str:
    """The title of the parent link when the parent is a chapter."""
    parent = next((link for link in links if link.get("rel") == "forelder"), {})
    return clean_inline(str(parent.get("tittel") or "")) if parent.get("type") == "kapittel" else ""


def _date(value: object) -> date | None:
    """The date part of an ISO datetime string ("2018-01-17T11:36" → 2018-01-17)."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None
