"""``helsekb fetch`` as a library call: every catalogued URL, in catalogue order."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import httpx

from helsekb.catalogue import CATALOGUE, CatalogueError
from helsekb.fetch.config import DocumentTarget, load_config
from helsekb.fetch.crawler import crawl_document, fetch_page
from helsekb.fetch.hapi import API_KEY_ENV, fetch_api_tree
from helsekb.fetch.http import Fetcher
from helsekb.fetch.manifest import Manifest
from helsekb.fetch.ratelimit import RateLimiter
from helsekb.fetch.robots import Robots
from helsekb.fetch.session import Result, Session
from helsekb.fetch.store import Store


class SetupError(Exception):
    """The run cannot start (e.g. no API key); nothing was requested."""


def fetch_sources(
    sources: Path,
    *,
    api: bool = False,
    on_result: Callable[[Result], None] | None = None,
    transport: httpx.BaseTransport | None = None,
    env: Mapping[str, str] = os.environ,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Session:
    """Fetch what ``sources/sources.yml`` names into ``sources``; ``api`` adds the
    content-API JSON of every document with an ``api_path``. Raises CatalogueError or
    SetupError before any request when the run cannot start."""
    config = load_config(sources)
    api_docs = [d for d in config.documents if d.api_path and (api or d.api)]
    if api and not api_docs:
        raise CatalogueError(CATALOGUE, "--api given, but no document has an 'api_path'")
    key = env.get(API_KEY_ENV, "").strip()
    if api_docs and not key:
        raise SetupError(
            f"{API_KEY_ENV}: error: not set; the content API needs a subscription key "
            "(https://utvikler.helsedirektoratet.no), sent as Ocp-Apim-Subscription-Key"
        )
    manifest = Manifest.load(sources)
    limiter = RateLimiter(config.settings.rate_limit)
    fetcher = Fetcher(config.settings, limiter, transport)
    fetcher.permit = Robots(fetcher, limiter).check
    session = Session(fetcher, Store(sources, manifest, now), on_result or (lambda r: None))
    try:
        for doc in config.documents:
            before = len(session.results)
            _fetch_document(session, doc, key if doc in api_docs else "")
            if len(session.results) > before:
                manifest.save()
    finally:
        fetcher.close()
    return session


def _fetch_document(session: Session, doc: DocumentTarget, api_key: str) -> None:
    for page in doc.pages:
        fetch_page(session, doc, page)
    if doc.crawl:
        crawl_document(session, doc)
    if api_key:
        fetch_api_tree(session, doc, api_key)
