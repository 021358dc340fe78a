"""The search index, written at convert time into ``docs/sok/`` as script files.

Script files (not JSON) so the site's search works from ``file://``, where a page may not
fetch. ``indeks.js`` is what every query needs: the sorted keys with their document
frequencies, the surface words (prefixes, typos), synonyms, per entry its page, kind and
roles, per page its document and status (facet counts), and what a result shows (titles,
links, anchors; compact strings). The postings and the texts are split into small parts
the browser loads only when a query needs them: ``poster-N.js`` (the postings of a range
of keys) and ``tekst-N.js`` (entry titles and texts: snippets and phrase checks). A query
so reads the core and a few postings parts, not the whole index. (Titles in parts too
would cost a load of about 20 parts per result list: slower than reading them all here.)
The output is deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from helsekb.model import Document, KnowledgeBase, Page
from helsekb.search import postings
from helsekb.search.entries import Entry, all_page_entries, document_entry, heading_ids
from helsekb.search.synonyms import synonyms

INDEX = "sok/indeks.js"
PART = "sok/{}.js"
GLOBAL = "window.__helsekbSok"
PARTS_GLOBAL = "window.__helsekbSokDel"
POSTINGS_BYTES = 48 * 1024
TEXT_BYTES = 64 * 1024
"""Part sizes: a query loads the few parts it needs, each small enough to arrive at once."""
SCHEMA = 2
ROLES = (
    ("fastlege", "Fastlege"),
    ("kommune", "Kommune"),
    ("spesialisthelsetjenesten", "Spesialisthelsetjenesten"),
)
KINDS = ("lead", "recommendation", "praktisk", "begrunnelse", "nokkelinfo", "referanser")
KINDS += ("supplementary", "section", "document", "chapter", "view")


@dataclass(slots=True)
class Target:
    """A page of the site that results link to."""

    url: str
    title: str
    document: int
    chapter: str = ""
    status: str = ""


def _html(path: str) -> str:
    return path.removesuffix(".md") + ".html"


def _role_mask(roles: set[str]) -> int:
    return sum(1 << n for n, (role, _) in enumerate(ROLES) if role in roles)


@dataclass(slots=True)
class Found:
    """An entry of the index: its target page, the entry and its keys."""

    target: int
    entry: Entry
    tokens: postings.Tokens


@dataclass(slots=True)
class Collected:
    targets: list[Target]
    found: list[Found]
    surface: dict[str, str]
    """Every word of every entry once, in order of first use, with its key (for prefixes
    and typos)."""


_Keyed = tuple[list[tuple[Entry, postings.Tokens]], dict[str, str]]
"""Some entries with their keys, and their distinct words in order with their keys."""
PageKeys = tuple[list[tuple[str, str]], list[postings.Tokens], dict[str, str]]
"""A page's heading ids, its entries' keys, and their distinct words with their keys."""


def collect(
    kb: KnowledgeBase, page_keys: list[PageKeys], view_pages: list[tuple[str, str]]
) -> Collected:
    """Targets and entries for every document, chapter, page (``page_keys``: every page's,
    in order) and view (``view_pages``: title, path)."""
    per_page = iter(page_keys)
    out = Collected([], [], {})

    def add(target: Target, keyed: _Keyed) -> None:
        out.targets.append(target)
        out.found.extend(Found(len(out.targets) - 1, *e) for e in keyed[0])
        for word, key in keyed[1].items():
            out.surface.setdefault(word, key)

    for d, doc in enumerate(kb.documents):
        target = Target(_html(f"{doc.slug}/index.md"), doc.title, d, status=doc.status)
        add(target, _keyed([document_entry(doc)], ""))
        chapters: set[str] = set()
        for page in doc.pages:
            if page.chapter and page.chapter not in chapters:
                chapters.add(page.chapter)
                url = _html(f"{doc.slug}/{page.chapter_slug}/index.md")
                chapter = Entry(page.chapter, "", "chapter")
                add(Target(url, page.chapter, d, status=doc.status), _keyed([chapter], doc.title))
            headings, tokens, surface = next(per_page)
            entries = all_page_entries(page, headings)
            keyed = list(zip(entries, tokens, strict=True)), surface
            add(Target(_html(page.path), page.title, d, page.chapter, page.status), keyed)
    for title, path in view_pages:
        add(Target(_html(path), title, -1), _keyed([Entry(title, "", "view")], ""))
    return out


def _keyed(entries: list[Entry], context: str) -> _Keyed:
    """The entries with their keys (one context set for all), and their distinct words with
    their keys (stemmed here, where the entries' words have just been stemmed: for a page,
    in the Markdown worker that rendered it)."""
    context_keys = frozenset(postings.keys(context))
    keyed = [(e, postings.tokenize(e, context_keys)) for e in entries]
    surface = dict.fromkeys(w for e in entries for w in postings.surface_words(e, context))
    return keyed, {word: postings.key(word) for word in surface}


def page_keys(doc: Document, page: Page, markdown: str) -> PageKeys:
    """A page's heading ids (from its written ``markdown``) and its entries' keys and words:
    the costly part of the index, worked out where the page is rendered. (Entries are
    rebuilt where they are used, from the model: sending them back would copy every page's
    text.)"""
    headings = heading_ids(markdown)
    entries, surface = _keyed(all_page_entries(page, headings), _context(doc, page))
    return headings, [tokens for _, tokens in entries], surface


def shared(keys: PageKeys, words: dict[str, str]) -> PageKeys:
    """``keys`` with each word and key one string shared by every page (``words`` holds
    them): a worker's results arrive as new strings, and pages repeat most of their words
    (at 1,000 pages 270,000 words, 25,000 of them distinct)."""
    headings, tokens, surface = keys
    return (
        headings,
        tokens,
        {words.setdefault(w, w): words.setdefault(k, k) for w, k in surface.items()},
    )


def _context(doc: Document, page: Page) -> str:
    return " ".join([doc.title, page.chapter, page.title])


def render_index(
    kb: KnowledgeBase,
    page_keys: list[PageKeys],
    view_pages: list[tuple[str, str]],
    workers: int = 1,
) -> dict[str, str]:
    """``sok/indeks.js`` and its parts, docs-relative path -> content (see :func:`collect`;
    the postings' weights in ``workers`` processes)."""
    collected = collect(kb, page_keys, view_pages)
    targets, found = collected.targets, collected.found
    entries = [f.entry for f in found]
    built = postings.build(entries, [f.tokens for f in found], collected.surface, workers)
    statuses = sorted({t.status for t in targets})
    posting_parts = _chunks([len(p) for p in built.lists], POSTINGS_BYTES)
    texts = ["\n".join([e.title, *e.text]) for e in entries]
    text_parts = _chunks([len(t.encode("utf-8")) for t in texts], TEXT_BYTES)
    data: dict[str, Any] = {
        "v": SCHEMA,
        "roles": [list(r) for r in ROLES],
        "kinds": list(KINDS),
        "docs": [[d.title, d.type] for d in kb.documents],
        "statuses": statuses,
        "keys": " ".join(built.keys),
        "df": _varints(built.df),
        "words": " ".join(built.words),
        "wordKeys": _varints(built.word_keys),
        "synonyms": synonyms(kb),
        "entryTargets": _varints(_deltas([f.target for f in found])),
        "entryInfo": _varints(_info(e) for e in entries),
        "targetDocs": _varints(t.document + 1 for t in targets),
        "targetStatus": _varints(statuses.index(t.status) for t in targets),
        **_display(targets, found),
        "parts": {"poster": posting_parts, "tekst": text_parts},
    }
    out = {INDEX: _script(f"{GLOBAL} = ", data)}
    out |= _parts("poster", built.lists, posting_parts)
    out |= _parts("tekst", texts, text_parts)
    return out


def _varints(values: Iterable[int]) -> str:
    return "".join(postings.varint(v) for v in values)


def _deltas(values: list[int]) -> list[int]:
    """Differences to the previous value; entries come in target order, so never negative."""
    return [v - (values[n - 1] if n else 0) for n, v in enumerate(values)]


def _info(entry: Entry) -> int:
    """An entry's kind and role mask in one number."""
    return (KINDS.index(entry.kind) << len(ROLES)) | _role_mask(entry.roles)


def _display(targets: list[Target], found: list[Found]) -> dict[str, str]:
    """What a result shows, compactly: page titles, front-coded links, a table of the
    entries' own titles, anchors and section labels (often repeated), as single strings
    the browser splits only when it first shows results."""
    table: dict[str, int] = {}
    chapters: dict[str, int] = {}

    def ref(text: str, to: dict[str, int]) -> int:
        """1 + the text's place in the table ("" = 0)."""
        return to.setdefault(text, len(to) + 1) if text else 0

    display = []
    for f in found:
        entry = f.entry
        title = "" if entry.title == targets[f.target].title else _line(entry.title)
        section = "" if entry.section == entry.title else _line(entry.section)
        display += [ref(title, table), ref(entry.anchor, table), ref(section, table)]
    urls = [t.url for t in targets]
    shared = [_shared(urls[n - 1] if n else "", url) for n, url in enumerate(urls)]
    return {
        "targetTitles": "\n".join(_line(t.title) for t in targets),
        "urlShared": _varints(shared),
        "urlTails": "\n".join(u[k:] for u, k in zip(urls, shared, strict=True)),
        "targetChapters": _varints(ref(_line(t.chapter), chapters) for t in targets),
        "chapters": "\n".join(chapters),
        "strings": "\n".join(table),
        "entryDisplay": _varints(display),
    }


def _shared(a: str, b: str) -> int:
    """Length of the common start, in UTF-16 code units (JavaScript's string indexes)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1 if ord(x) < 0x10000 else 2
    return n


def _line(text: str) -> str:
    return " ".join(text.split())


def _chunks(sizes: list[int], limit: int) -> list[int]:
    """The first item of each run of consecutive items of about ``limit`` bytes."""
    starts: list[int] = []
    size = limit
    for n, item_size in enumerate(sizes):
        if size >= limit:
            starts.append(n)
            size = 0
        size += item_size
    return starts


def _parts(name: str, rows: list[Any], starts: list[int]) -> dict[str, str]:
    """One script file per chunk: ``sok/<name>-<n>.js``."""
    out = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        part = f"{name}-{n}"
        out[PART.format(part)] = _script(
            f"({PARTS_GLOBAL} = {PARTS_GLOBAL} || {{}})[{json.dumps(part)}] = ", rows[start:end]
        )
    return out


def _script(prefix: str, data: Any) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{prefix}{body};\n"
