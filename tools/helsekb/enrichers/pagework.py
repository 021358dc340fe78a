"""The per-page work of four enrichers in one pass, each page's result kept in the cache.

Law and mention links, the abbreviations a page uses, its topics and its role tags each
look at one page at a time, with a little of the whole knowledge base (the names of its
documents and pages, each document's own abbreviations). They run together on each page
in ``workers`` forked processes, and their results are put in place here in page order,
as each enricher did on its own.

With a cache, a page's result is kept under a key of everything it was worked out from:
the page as it stood (pickled without memo, like ``cache.document_key``), its document's
title, what the knowledge base told it (the digests below) and helsekb's code and data.
A page whose key is unchanged since a run that kept it takes its result from there: the
worker that took the key leaves the loading to this process (sending the result back
through a pipe would cost as much again).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from helsekb import parallel
from helsekb.cache import PAGES, Cache, content_key
from helsekb.enrichers import crosslinks, glossary, laws, roles, topics
from helsekb.model import KnowledgeBase, Page
from helsekb.pickled import compact
from helsekb.report import Diagnostic


@dataclass(slots=True)
class Context:
    """What every page is worked with; ``digests``: what it tells document n's pages."""

    linkers: list[crosslinks.PageLinker]
    known: glossary.Known
    patterns: topics.Patterns
    vocab: roles.Vocabulary
    digests: list[str]


@compact
@dataclass(slots=True)
class Result:
    """One page's part of each enricher's work."""

    links: crosslinks.Linked
    glossary: tuple[dict[str, str], list[Diagnostic]]
    topics: dict[str, list[str]]
    roles: list[roles.Tag]


def context(kb: KnowledgeBase) -> Context:
    index = crosslinks.name_index(kb)
    known = glossary.explanations(kb)
    names = crosslinks.index_digest(index)
    digests = [f"{names} {known.digest(n)}" for n in range(len(kb.documents))]
    linkers = [laws.linker(), crosslinks.mention_linker(index)]
    return Context(linkers, known, topics.topic_patterns(), roles.load_vocabulary(), digests)


def work(kb: KnowledgeBase, workers: int = 1, cache: Cache | None = None) -> list[Diagnostic]:
    """Link, find abbreviations, topics and role tags on every page; what to report (the
    links' diagnostics, then the glossary's)."""
    ctx = context(kb)
    items = [(n, doc.title, page) for n, doc in enumerate(kb.documents) for page in doc.pages]
    keep = cache if cache and cache.root else None
    done = parallel.fork_imap(partial(_page, ctx, keep), items, workers)
    keyed = [
        (key, result if result is not None else _recalled(ctx, keep, key, item))
        for (key, result), item in zip(done, items, strict=True)
    ]
    results = [result for _, result in keyed]
    pages = [page for _, _, page in items]
    diagnostics = crosslinks.put_links(pages, [r.links for r in results])
    diagnostics += glossary.put_glossary(kb, ctx.known, (r.glossary for r in results))
    topics.put_topics(kb, ctx.patterns, (r.topics for r in results))
    roles.put_tags(kb, ctx.vocab, (r.roles for r in results))
    if keep:
        keep.use(PAGES, (key for key, _ in keyed))
    return diagnostics


Item = tuple[int, str, Page]
"""A page, its document's number and title."""


def _page(ctx: Context, cache: Cache | None, item: Item) -> tuple[str, Result | None]:
    """A page's key ("" without a cache) and its result: None if the cache has it (for the
    caller to load)."""
    n, title, page = item
    key = content_key(page, ctx.digests[n], title) if cache else ""
    if cache and cache.has_page(key):
        return key, None
    return key, _worked(ctx, cache, key, item)


def _recalled(ctx: Context, cache: Cache | None, key: str, item: Item) -> Result:
    """The page's result from the cache; worked out again if it is gone or unreadable."""
    found = cache.get_page(key) if cache else None
    return found if isinstance(found, Result) else _worked(ctx, cache, key, item)


def _worked(ctx: Context, cache: Cache | None, key: str, item: Item) -> Result:
    """The page's result, kept under ``key`` with a cache."""
    n, title, page = item
    links = crosslinks.link_page(ctx.linkers, page)  # first: the others see the links
    explained = ctx.known.explained[n]
    result = Result(
        links,
        glossary.page_glossary(explained, ctx.known.ignore, page),
        topics.page_topics(ctx.patterns, page),
        roles.page_tags(ctx.vocab, title, page),
    )
    if cache:
        cache.put_page(key, result)
    return result
