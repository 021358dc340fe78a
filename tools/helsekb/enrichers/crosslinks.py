"""Links between pages: anchors on every block, source links made local, and mentions.

Every linking enricher (citations, laws, mentions) finds matches in the plain text of a
run of spans and calls :func:`link_range`, which links only text that is not yet inside a
link: running an enricher twice changes nothing and a link never nests in a link.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from helsekb.model import BlockType, KnowledgeBase, ListItem, Page, Provenance, Span
from helsekb.readers.clean import safe_href
from helsekb.report import Diagnostic, Level


@dataclass(slots=True)
class Run:
    """The spans of one paragraph, heading, notice or list-item paragraph."""

    spans: list[Span]
    anchor: str
    provenance: Provenance | None
    heading: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


def walk_items(items: list[ListItem]) -> Iterator[ListItem]:
    for item in items:
        yield item
        yield from walk_items(item.children)


def runs(page: Page) -> Iterator[Run]:
    """Every run of inline text on the page, in reading order."""
    for block in page.blocks():
        if block.type is not BlockType.LIST:
            heading = block.type is BlockType.HEADING
            yield Run(block.spans, block.anchor, block.provenance, heading)
            continue
        for item in walk_items(block.items):
            for spans in [item.spans, *item.continuation]:
                yield Run(spans, item.anchor, item.provenance or block.provenance)


def location(provenance: Provenance | None) -> str:
    """Where in its source file a run came from, for a diagnostic."""
    if provenance is None:
        return ""
    parts = [
        f"page {provenance.page}" if provenance.page is not None else "",
        f"line {provenance.line}" if provenance.line is not None else "",
        provenance.path or "",
    ]
    return ", ".join(p for p in parts if p)


def link_range(spans: list[Span], start: int, end: int, href: str) -> bool:
    """Make text ``[start, end)`` a link if it lies inside one span that is not a link."""
    offset = 0
    for i, span in enumerate(spans):
        span_end = offset + len(span.text)
        if offset <= start and end <= span_end:
            if span.href is not None or start >= end:
                return False
            a, b = start - offset, end - offset
            pieces = [Span(span.text[:a]), Span(span.text[a:b], href), Span(span.text[b:])]
            spans[i : i + 1] = [p for p in pieces if p.text]
            return True
        offset = span_end
    return False


class DataError(ValueError):
    """A data file under helsekb/data that cannot be used; the message names file and entry."""


def load_data(name: str, key: str, kind: type = list) -> Any:
    """The ``kind`` under ``key`` in ``helsekb/data/<name>``: a vocabulary editable without code."""
    text = resources.files("helsekb").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    value = data.get(key, kind()) if isinstance(data, dict) else None
    if not isinstance(value, kind):
        raise DataError(f"{name}: expected a {kind.__name__} under {key!r}")
    return value


def require(entry: Any, key: str, where: str) -> Any:
    """``entry[key]``, or a clear error naming the data file and the entry."""
    if not isinstance(entry, dict) or not entry.get(key):
        raise DataError(f"{where}: missing {key!r}")
    return entry[key]


def is_external(href: str) -> bool:
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href))


@dataclass(slots=True)
class Targets:
    """What a link may point at locally: URLs of pages, documents and chapters; anchors."""

    by_url: dict[str, str] = field(default_factory=dict)
    anchors: dict[str, set[str]] = field(default_factory=dict)
    """Docs-relative path → the anchors on it."""


def normal_url(url: str) -> str:
    """A URL reduced to what identifies the page: no scheme, www., trailing slash, fragment."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = unquote(parts.path).rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def local_targets(kb: KnowledgeBase) -> Targets:
    targets = Targets()
    for doc in kb.documents:
        index = f"{doc.slug}/index.md"
        targets.anchors[index] = set()
        doc_url = doc.source_url or _derived_document_url(doc.pages)
        if doc_url:
            targets.by_url.setdefault(normal_url(doc_url), index)
        for page in doc.pages:
            targets.anchors[page.path] = {r.anchor for r in runs(page) if r.anchor}
            targets.anchors[page.path] |= {r.id for r in page.references}
            if page.source_url:
                targets.by_url.setdefault(normal_url(page.source_url), page.path)
        for url, path in _chapter_urls(doc_url, doc.slug, doc.pages).items():
            targets.by_url.setdefault(url, path)
            targets.anchors.setdefault(path, set())
    return targets


def _derived_document_url(pages: list[Page]) -> str:
    """The document's URL where all its pages' URLs agree on it: ``<doc>[/<chapter>]/<page>``."""
    found: set[str] = set()
    for page in pages:
        parts = urlsplit(page.source_url)
        segments = parts.path.rstrip("/").split("/")[: -2 if page.chapter else -1]
        if not page.source_url or len(segments) < 3:
            return ""
        found.add(f"{parts.scheme}://{parts.netloc}{'/'.join(segments)}")
    return found.pop() if len(found) == 1 else ""


def _chapter_urls(doc_url: str, doc_slug: str, pages: list[Page]) -> dict[str, str]:
    """A chapter's URL where its pages' URLs agree on it (``<document>/<chapter>/<page>``)."""
    found: dict[str, set[str]] = {}
    base = normal_url(doc_url) if doc_url else ""
    for page in pages:
        url = normal_url(page.source_url) if page.source_url else ""
        rest = url.removeprefix(base + "/") if base and url.startswith(base + "/") else ""
        if page.chapter_slug and rest.count("/") == 1:
            chapter_url = f"{base}/{rest.split('/')[0]}"
            found.setdefault(chapter_url, set()).add(f"{doc_slug}/{page.chapter_slug}/index.md")
    return {url: next(iter(paths)) for url, paths in found.items() if len(paths) == 1}


def rewrite_links(kb: KnowledgeBase) -> None:
    """Point source links at the local page where the knowledge base has it (idempotent).

    A link with a fragment becomes local only if the local page has that anchor; a
    relative link is resolved against the page's URL; an unsafe one loses its href.
    """
    targets = local_targets(kb)
    for page in kb.pages():
        for run in runs(page):
            for span in run.spans:
                if span.href is not None:
                    span.href = _rewrite(span.href, page, targets)


def _rewrite(href: str, page: Page, targets: Targets) -> str | None:
    href = safe_href(href) or ""
    if not href or href.startswith("#") or href.split("#")[0] in targets.anchors:
        return href or None
    if not is_external(href):
        if not page.source_url:
            return None
        href = urljoin(page.source_url, href)
    if not href.startswith(("http://", "https://")):
        return href
    path = targets.by_url.get(normal_url(href))
    fragment = urlsplit(href).fragment
    if path is None or (fragment and fragment not in targets.anchors.get(path, set())):
        return href
    return f"{path}#{fragment}" if fragment else path


_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(slots=True)
class Name:
    """A name of a document or page, as casefolded tokens, and the paths it points at."""

    text: str
    tokens: tuple[str, ...]
    targets: set[str] = field(default_factory=set)


def index_digest(index: dict[str, list[Name]]) -> str:
    """The index's content, the same in every process (``Name.targets`` is a set)."""
    rows = [(n.text, n.tokens, sorted(n.targets)) for names in index.values() for n in names]
    return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()


def name_index(kb: KnowledgeBase) -> dict[str, list[Name]]:
    """Names by their first token, longest first: every document title plus aliases.yml."""
    names: dict[tuple[str, ...], Name] = {}
    for text, path in [*_titles(kb), *_aliases(kb)]:
        tokens = tuple(t.casefold() for t in _TOKEN.findall(text))
        if len(tokens) >= 2:
            names.setdefault(tokens, Name(text, tokens)).targets.add(path)
    index: dict[str, list[Name]] = {}
    for name in sorted(names.values(), key=lambda n: (-len(n.tokens), n.tokens)):
        index.setdefault(name.tokens[0], []).append(name)
    return index


def _titles(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(doc.title, f"{doc.slug}/index.md") for doc in kb.documents]


def _aliases(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(name, path) for every alias whose document (and page) is in the knowledge base."""
    docs = {doc.title.casefold(): doc for doc in kb.documents}
    out: list[tuple[str, str]] = []
    for n, entry in enumerate(load_data("aliases.yml", "aliases")):
        where = f"aliases.yml: aliases[{n + 1}]"
        doc = docs.get(str(require(entry, "document", where)).casefold())
        if doc is None:
            continue
        path = f"{doc.slug}/index.md"
        if entry.get("page"):
            pages = [p.path for p in doc.pages if p.title.casefold() == entry["page"].casefold()]
            if len(pages) != 1:
                continue
            path = pages[0]
        out.extend((str(name), path) for name in require(entry, "names", where))
    return out


def find_names(text: str, index: dict[str, list[Name]]) -> Iterator[tuple[int, int, Name]]:
    """Whole-word, case-insensitive occurrences of indexed names; the longest wins."""
    tokens = list(_TOKEN.finditer(text))
    folded = [t.group().casefold() for t in tokens]
    i = 0
    while i < len(tokens):
        for name in index.get(folded[i], []):
            n = len(name.tokens)
            if tuple(folded[i : i + n]) == name.tokens:
                yield tokens[i].start(), tokens[i + n - 1].end(), name
                i += n
                break
        else:
            i += 1


PageLinker = Callable[[Page], list[Diagnostic]]
"""Makes links in one page's runs (with ``link_range``); returns what to report."""


Linked = tuple[list[tuple[int, list[Span]]], list[Diagnostic]]
"""What linking a page changed (run number, new spans) and what it reported."""


def put_links(pages: list[Page], linked: list[Linked]) -> list[Diagnostic]:
    """Put each page's changed runs (from :func:`link_page`, maybe run in another process)
    in place, in page order; the diagnostics, in that order."""
    diagnostics: list[Diagnostic] = []
    for page, (changed, found) in zip(pages, linked, strict=True):
        if changed:
            page_runs = list(runs(page))
            for n, spans in changed:
                page_runs[n].spans[:] = spans
        diagnostics.extend(found)
    return diagnostics


def link_page(linkers: list[PageLinker], page: Page) -> Linked:
    """The changed runs (number, new spans) and the diagnostics of the linkers on ``page``."""
    before = [(run, list(run.spans)) for run in runs(page)]
    diagnostics = [found for link in linkers for found in link(page)]
    changed = [(n, r.spans) for n, (r, spans) in enumerate(before) if not _same(r.spans, spans)]
    return changed, diagnostics


def _same(now: list[Span], before: list[Span]) -> bool:
    """The very same span objects (``link_range`` makes new ones where it links)."""
    return len(now) == len(before) and all(a is b for a, b in zip(now, before, strict=True))


def mention_linker(index: dict[str, list[Name]]) -> PageLinker:
    """Links the first mention on a page of another document or page of the knowledge base
    (``index``: :func:`name_index` of it)."""
    return partial(_link_mentions, index=index)


def _link_mentions(page: Page, index: dict[str, list[Name]]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    done: set[str] = set()
    reported: set[str] = set()
    own = page.path.split("/")[0]
    for run in runs(page):
        for start, end, name in [] if run.heading else find_names(run.text, index):
            targets = sorted(t for t in name.targets if t.split("/")[0] != own)
            if len(targets) > 1 and name.text not in reported:
                reported.add(name.text)
                message = f"mention {name.text!r} is ambiguous ({', '.join(targets)}); not linked"
                diagnostics.append(
                    Diagnostic(Level.INFO, page.source_file, message, location(run.provenance))
                )
            elif len(targets) == 1 and targets[0] not in done:
                done.add(targets[0])
                link_range(run.spans, start, end, targets[0])
    return diagnostics
