"""A synthetic source corpus for ``helsekb bench``: N recommendation pages as real files.

Pages are written in all four input formats (by page number: 45 % HTML, 35 % content-API
JSON, 15 % text captures, 5 % PDF) with a ``sources.yml`` catalogue, in documents of 40
pages and chapters of 8. The text comes from benchtext.py; the files from fuzzdocs'
renderers, with the page's place added as each format carries it: HTML breadcrumbs and
canonical link, API ``links`` (root and forelder), a capture's breadcrumb and citation
lines. A PDF cannot name a chapter (the reader gives none), so PDF pages sit directly
under their document. The same arguments give byte-identical files.
"""

from __future__ import annotations

import html
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from helsekb import benchtext
from helsekb.catalogue import CATALOGUE
from helsekb.fuzzdocs import FORMATS, Doc, pdf_items, to_capture, to_hapi, to_html
from helsekb.pdfwrite import TOP, PdfLayout
from helsekb.readers import chrome
from helsekb.readers.clean import MONTHS
from helsekb.search.synthetic import TYPES
from helsekb.slug import slugify, unique

PAGES_PER_DOCUMENT = 40
PAGES_PER_CHAPTER = 8
FORMAT_CYCLE = (
    "html", "hapi", "html", "capture", "hapi", "html", "hapi", "html", "capture", "html",
    "hapi", "html", "pdf", "hapi", "html", "capture", "html", "hapi", "html", "hapi",
)  # fmt: skip
"""Format of page n is FORMAT_CYCLE[n % 20]: 9 HTML, 7 API, 3 captures, 1 PDF."""
SITE = "https://www.helsedirektoratet.no"
PATHS = dict(zip(TYPES, ("retningslinjer", "veiledere", "rapporter", "tema"), strict=True))
API_TYPES = {TYPES[0]: "retningslinje", TYPES[1]: "veileder", TYPES[2]: "rapport"}
FOLDERS = {"html": "html", "hapi": "hapi", "capture": "captures", "pdf": "pdf"}


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    pages: int
    documents: int
    files_by_format: dict[str, int]
    bytes_by_format: dict[str, int]


@dataclass(frozen=True, slots=True)
class _Document:
    title: str
    type: str
    url: str


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a page sits and what its source says about it besides the text."""

    document: _Document
    chapter: str
    chapter_url: str
    url: str
    reviewed: date


def write_corpus(pages: int, out: Path, seed: int = 2024) -> CorpusInfo:
    """Write ``pages`` source files and sources.yml into ``out`` (new or empty)."""
    if pages < 1:
        raise ValueError(f"pages must be at least 1, got {pages}")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ValueError(f"{out} is not empty; the corpus needs a fresh directory")
    rng = random.Random(seed)
    documents = _documents(rng, -(-pages // PAGES_PER_DOCUMENT))
    catalogue = [{"title": d.title, "type": d.type, "url": d.url, "sources": []} for d in documents]
    files: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    slugs: dict[str, set[str]] = {}
    for n in range(pages):
        fmt = FORMAT_CYCLE[n % len(FORMAT_CYCLE)]
        name, place, data = _source(rng, n, fmt, documents, slugs)
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_bytes(data)
        entry = {"file": name, "format": fmt, "url": place.url}
        catalogue[n // PAGES_PER_DOCUMENT]["sources"].append(entry)
        files[fmt] += 1
        sizes[fmt] += len(data)
    _write_catalogue(out, catalogue)
    return CorpusInfo(pages, len(documents), dict(files), dict(sizes))


def _source(
    rng: random.Random, n: int, fmt: str, documents: list[_Document], slugs: dict[str, set[str]]
) -> tuple[str, _Place, bytes]:
    """File name, place and content of page ``n``."""
    document = documents[n // PAGES_PER_DOCUMENT]
    others = [d.title for d in documents if d is not document]
    shape = benchtext.SHORT if fmt == "pdf" else benchtext.FULL
    cited = fmt in ("html", "capture")  # the readers that parse a reference list
    doc = benchtext.page(rng, others, shape, cited=cited, vancouver=fmt == "html")
    place = _place(rng, n, document, doc.title, slugs)
    name = f"{FOLDERS[fmt]}/{n + 1:05d}-{slugify(doc.title, 50)}.{FORMATS[fmt]}"
    return name, place, RENDERERS[fmt](doc, place)


def _documents(rng: random.Random, count: int) -> list[_Document]:
    titles = benchtext.document_titles(rng, count)
    kinds = [TYPES[n % len(TYPES)] for n in range(count)]
    return [
        _Document(title, kind, f"{SITE}/{PATHS[kind]}/{slugify(title)}")
        for title, kind in zip(titles, kinds, strict=True)
    ]


def _place(
    rng: random.Random, n: int, document: _Document, title: str, slugs: dict[str, set[str]]
) -> _Place:
    """The page's chapter (cycling through benchtext.CHAPTERS per document) and its URL."""
    number = n // PAGES_PER_DOCUMENT + (n % PAGES_PER_DOCUMENT) // PAGES_PER_CHAPTER
    chapter = benchtext.CHAPTERS[number % len(benchtext.CHAPTERS)]
    chapter_url = f"{document.url}/{slugify(chapter)}"
    page_slug = unique(slugify(title), slugs.setdefault(chapter_url, set()))
    reviewed = date(rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(1, 28))
    return _Place(document, chapter, chapter_url, f"{chapter_url}/{page_slug}", reviewed)


def _nb_date(day: date) -> str:
    """ "4. mars 2024", as the site writes dates."""
    return f"{day.day}. {list(MONTHS)[day.month - 1]} {day.year}"


def _reviewed(place: _Place) -> str:
    return f"Sist faglig oppdatert: {_nb_date(place.reviewed)}"


def _capture(doc: Doc, place: _Place) -> bytes:
    """Skip link and glued breadcrumbs above the text; review date and citation below."""
    head = f"{chrome.SKIP_LINK}\n{chrome.BREADCRUMB_HOME}{place.document.title}{place.chapter}\n\n"
    cite = (
        f"Helsedirektoratet ({place.reviewed.year}). {doc.title} [nettdokument]. Oslo: "
        f"Helsedirektoratet (lest {_nb_date(place.reviewed)}). Tilgjengelig fra {place.url}"
    )
    return head.encode() + to_capture(doc) + f"\n{_reviewed(place)}\n\n{cite}\n".encode()


def _html(doc: Doc, place: _Place) -> bytes:
    """The fuzzdocs page with a canonical link, breadcrumbs and the page meta line."""
    crumbs = [("Forsiden", f"{SITE}/"), (place.document.title, place.document.url)]
    crumbs.append((place.chapter, place.chapter_url))
    items = "".join(f'<li><a href="{url}">{html.escape(text)}</a></li>' for text, url in crumbs)
    nav = f'<nav class="b-breadcrumbs"><ol>{items}<li>{html.escape(doc.title)}</li></ol></nav>\n'
    meta = f'<p class="b-page-meta">{_reviewed(place)}</p>\n'
    text = to_html(doc).decode()
    text = text.replace("</title>", f'</title><link rel="canonical" href="{place.url}">', 1)
    text = text.replace('<main id="main">', nav + '<main id="main">', 1)
    return text.replace("</article>", meta + "</article>", 1).encode()


def _hapi(doc: Doc, place: _Place) -> bytes:
    """The fuzzdocs item with its own id, public URL, review date and place in the document."""
    item: dict[str, Any] = json.loads(to_hapi(doc))
    item["id"] = f"0006-0002-{uuid.uuid5(uuid.NAMESPACE_URL, place.url)}"
    item["url"] = place.url
    item["sistFagligOppdatert"] = f"{place.reviewed.isoformat()}T00:00:00"
    root = {"rel": "root", "tittel": place.document.title, "url": place.document.url}
    if place.document.type in API_TYPES:
        root["type"] = API_TYPES[place.document.type]
    parent = {"rel": "forelder", "type": "kapittel", "tittel": place.chapter}
    item["links"] = [root, parent | {"url": place.chapter_url}]
    return json.dumps(item, ensure_ascii=False, indent=1).encode("utf-8")


class _Layout(PdfLayout):
    def page_break(self) -> None:
        self._pages.append([])
        self._y = TOP


def _pdf(doc: Doc, place: _Place) -> bytes:
    """A cover page with the document title (the reader's title block), then the page:
    its title as the top-level heading (16 pt), subheadings 13 pt, body 11 pt."""
    layout = _Layout()
    layout.paragraph(place.document.title, size=20, bold=True)
    layout.page_break()
    layout.paragraph(doc.title, size=16, bold=True)
    for block in doc.blocks:
        if block.kind == "heading":
            layout.paragraph(block.text, size=13, bold=True)
        elif block.kind == "paragraph":
            layout.paragraph(" ".join(block.sentences))
        else:
            pdf_items(layout, block.items, 0)
    layout.paragraph("Referanser", size=13, bold=True)
    for ref in doc.references:
        layout.paragraph(ref)
    return layout.pdf()


RENDERERS = {"capture": _capture, "html": _html, "hapi": _hapi, "pdf": _pdf}


def _write_catalogue(out: Path, documents: list[dict[str, Any]]) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(
        {"documents": documents}, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000
    )
    header = "# Synthetic benchmark corpus written by helsekb.benchcorpus; do not edit.\n"
    (out / CATALOGUE).write_text(header + text, encoding="utf-8")
