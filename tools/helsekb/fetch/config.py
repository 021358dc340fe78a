"""The fetch settings and targets, read from the same ``sources.yml`` as the catalogue.

Top level ``fetch:`` holds the politeness and safety limits; each document may set
``crawl: true`` (crawl its tree from ``url``), ``api: true`` and ``api_path`` (fetch its
content-API tree) and ``slug`` (file name prefix); each source with a ``url`` and an
HTML or PDF ``file`` is downloaded as a single page. Other keys are the catalogue's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from helsekb import __version__
from helsekb.catalogue import CATALOGUE, CatalogueError
from helsekb.slug import slugify

FETCH_DOC_KEYS = frozenset({"crawl", "api", "api_path", "slug"})
"""Document keys this loader adds to the catalogue's."""
SINGLE_PAGE_SUFFIXES = frozenset({".html", ".htm", ".pdf"})
DEFAULT_API_BASE = "https://api.helsedirektoratet.no/innhold"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """The top-level ``fetch:`` mapping; every limit has a conservative default."""

    user_agent_contact: str
    rate_limit: float = 1.0
    """Requests per second, per host."""
    max_pages: int = 500
    """Pages per document tree."""
    max_depth: int = 5
    """Link steps from the document root (document → chapter → recommendation is 2)."""
    allowed_hosts: tuple[str, ...] = ()
    """Hosts that may be contacted; empty means the hosts named in the catalogue's URLs."""
    max_bytes: int = 20_000_000
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    """Further attempts after a 429, a 5xx or a network error."""
    backoff: float = 2.0
    """Seconds before the first retry without Retry-After; doubled for each further one."""
    max_retry_after: float = 120.0
    """The longest Retry-After honoured; a server asking for more fails that URL."""
    api_base: str = DEFAULT_API_BASE

    @property
    def user_agent(self) -> str:
        return f"helsekb/{__version__} (+{self.user_agent_contact})"


@dataclass(frozen=True, slots=True)
class PageTarget:
    """A single page or PDF: one catalogued file, one URL."""

    file: str
    url: str


@dataclass(frozen=True, slots=True)
class DocumentTarget:
    title: str
    slug: str
    url: str = ""
    crawl: bool = False
    api: bool = False
    api_path: str = ""
    pages: tuple[PageTarget, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchConfig:
    settings: FetchSettings
    documents: tuple[DocumentTarget, ...] = field(default_factory=tuple)


def load_config(sources: Path) -> FetchConfig:
    """Read ``sources.yml``; a wrong value raises CatalogueError naming the key."""
    path = sources / CATALOGUE
    if not path.is_file():
        raise CatalogueError(CATALOGUE, f"not found in {sources} (fetch needs the catalogue)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogueError(CATALOGUE, f"not valid YAML: {exc}".splitlines()[0]) from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CatalogueError(CATALOGUE, "expected a top-level 'documents:' list")
    docs = tuple(_document(d, n) for n, d in enumerate(data["documents"], 1))
    _check_unique_slugs(docs)
    settings = _settings(data.get("fetch"), docs)
    return FetchConfig(settings, docs)


def _settings(node: Any, docs: tuple[DocumentTarget, ...]) -> FetchSettings:
    if not isinstance(node, dict):
        raise CatalogueError(CATALOGUE, "needs a 'fetch:' mapping with 'user_agent_contact'")
    known = {f.name for f in fields(FetchSettings)}
    for key in node:
        if key not in known:
            allowed = ", ".join(sorted(known))
            raise CatalogueError(CATALOGUE, f"unknown key {key!r} (allowed: {allowed})", "fetch")
    values = {key: _setting(key, value) for key, value in node.items()}
    if not _is_http_url(str(values.get("user_agent_contact", ""))):
        message = "needs an http(s) URL where site owners can reach you"
        raise CatalogueError(CATALOGUE, message, "fetch.user_agent_contact")
    settings = FetchSettings(**values)
    if settings.allowed_hosts:
        return settings
    urls = [settings.api_base] + [u for d in docs for u in (d.url, *(p.url for p in d.pages))]
    hosts = sorted({(urlsplit(u).hostname or "").lower() for u in urls} - {""})
    return replace(settings, allowed_hosts=tuple(hosts))


def _setting(key: str, value: Any) -> Any:
    where = f"fetch.{key}"
    if key in ("user_agent_contact", "api_base"):
        if not isinstance(value, str) or not _is_http_url(value):
            raise CatalogueError(CATALOGUE, "must be an http(s) URL", where)
        return value.rstrip("/") if key == "api_base" else value
    if key == "allowed_hosts":
        if not isinstance(value, list) or not all(isinstance(h, str) and h for h in value):
            raise CatalogueError(CATALOGUE, "must be a list of host names", where)
        return tuple(h.lower() for h in value)
    integral = key in ("max_pages", "max_depth", "max_bytes", "retries")
    number_ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not number_ok or (integral and not isinstance(value, int)):
        kind = "a whole number" if integral else "a number"
        raise CatalogueError(CATALOGUE, f"must be {kind}", where)
    if value < 0 or (value == 0 and key not in ("retries", "max_depth", "backoff")):
        raise CatalogueError(CATALOGUE, "must be positive", where)
    return value


def _document(node: Any, n: int) -> DocumentTarget:
    where = f"documents[{n}]"
    if not isinstance(node, dict):
        raise CatalogueError(CATALOGUE, "expected a mapping", where)
    title = str(node.get("title", ""))
    url = _optional_url(node, "url", where)
    for key in ("crawl", "api"):
        if not isinstance(node.get(key, False), bool):
            raise CatalogueError(CATALOGUE, "must be true or false", f"{where}.{key}")
    if node.get("crawl") and not url:
        raise CatalogueError(CATALOGUE, "'crawl: true' needs the document's 'url'", where)
    if not isinstance(node.get("api_path", ""), str):
        raise CatalogueError(CATALOGUE, "must be a path such as 'retningslinjer/<id>'", where)
    if node.get("api") and not node.get("api_path"):
        raise CatalogueError(CATALOGUE, "'api: true' needs 'api_path'", where)
    return DocumentTarget(
        title=title,
        slug=_slug(node, url or title, where),
        url=url,
        crawl=bool(node.get("crawl", False)),
        api=bool(node.get("api", False)),
        api_path=str(node.get("api_path", "")).strip("/"),
        pages=_pages(node.get("sources"), where),
    )


def _slug(node: dict[str, Any], fallback: str, where: str) -> str:
    if "slug" not in node:
        last = PurePosixPath(urlsplit(fallback).path).name or fallback
        return slugify(last, max_len=40)
    slug = node["slug"]
    if not isinstance(slug, str) or slug != slugify(slug):
        raise CatalogueError(CATALOGUE, "must be lower-case a-z, 0-9 and hyphens", f"{where}.slug")
    return slug


def _pages(sources: Any, where: str) -> tuple[PageTarget, ...]:
    """Catalogued HTML and PDF files with a URL: the single pages to download."""
    pages = []
    for m, src in enumerate(sources if isinstance(sources, list) else [], 1):
        if not isinstance(src, dict) or not src.get("url") or not src.get("file"):
            continue
        file = str(src["file"])
        if PurePosixPath(file).suffix.lower() in SINGLE_PAGE_SUFFIXES:
            pages.append(PageTarget(file, _optional_url(src, "url", f"{where}.sources[{m}]")))
    return tuple(pages)


def _optional_url(node: dict[str, Any], key: str, where: str) -> str:
    value = node.get(key, "")
    if value and not (isinstance(value, str) and _is_http_url(value)):
        raise CatalogueError(CATALOGUE, "must be an http(s) URL", f"{where}.{key}")
    return str(value or "")


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_unique_slugs(docs: tuple[DocumentTarget, ...]) -> None:
    """Crawled and API documents name their files ``<slug>--…``: two may not share one."""
    seen: dict[str, str] = {}
    for doc in (d for d in docs if d.crawl or d.api_path):
        if doc.slug in seen:
            raise CatalogueError(
                CATALOGUE,
                f"documents {seen[doc.slug]!r} and {doc.title!r} share the file prefix "
                f"{doc.slug!r}: give one of them a 'slug'",
            )
        seen[doc.slug] = doc.title
