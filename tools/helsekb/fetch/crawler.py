"""Crawl a document's tree from its root URL, and download single catalogued pages.

Only links to the root's host, on or below the root's path, are followed (query and
fragment dropped); only HTML pages are read for links; HTML pages and PDFs are stored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from helsekb.fetch.config import DocumentTarget, FetchSettings, PageTarget
from helsekb.fetch.http import FetchError, Response, Skipped
from helsekb.fetch.session import Outcome, Result, Session
from helsekb.fetch.store import SUFFIX_BY_TYPE, page_name, under

Visit = Callable[[str], list[str] | None]
"""Fetch one URL; the URLs it links to, or None when it failed."""


def walk(session: Session, start: str, visit: Visit, settings: FetchSettings) -> None:
    """Breadth first from ``start``; pages left out by a limit fail the run, by name."""
    queue, seen, done, too_deep = deque([(start, 0)]), {start}, 0, 0
    while queue and done < settings.max_pages:
        url, depth = queue.popleft()
        done += 1
        new = [link for link in visit(url) or [] if link not in seen]
        seen.update(new)
        if depth >= settings.max_depth:
            too_deep += len(new)
            continue
        queue.extend((link, depth + 1) for link in new)
    if queue:
        _limit(session, start, f"page limit of {settings.max_pages}", len(queue), "max_pages")
    if too_deep:
        _limit(session, start, f"depth limit of {settings.max_depth}", too_deep, "max_depth")


def _limit(session: Session, start: str, limit: str, left: int, key: str) -> None:
    message = f"{limit} reached: {left} linked pages not fetched (raise fetch.{key})"
    session.report(Result(start, Outcome.FAILED, message=message))


def crawl_document(session: Session, doc: DocumentTarget) -> None:
    root = urlsplit(doc.url)

    def namer(response: Response) -> str:
        suffix = kind_of(response)
        if suffix not in (".html", ".pdf"):
            found = response.media_type or "no content type"
            raise Skipped(f"not an HTML page or a PDF ({found})")
        return page_name(doc.slug, root.path, urlsplit(response.url).path, suffix)

    def visit(url: str) -> list[str] | None:
        response = session.download(url, doc.title, namer)
        if response is None or kind_of(response) != ".html":
            return None
        return links_in(response, doc.url)

    walk(session, canonical(doc.url), visit, session.fetcher.settings)


def fetch_page(session: Session, doc: DocumentTarget, page: PageTarget) -> None:
    """One catalogued page into its catalogued file, if the server sends that kind of file."""
    wanted = ".pdf" if PurePosixPath(page.file).suffix.lower() == ".pdf" else ".html"

    def namer(response: Response) -> str:
        if kind_of(response) != wanted:
            found = response.media_type or "no content type"
            what = "a PDF" if wanted == ".pdf" else "an HTML page"
            raise FetchError(f"expected {what} for {page.file}, got {found}")
        return page.file

    session.download(page.url, doc.title, namer)


def kind_of(response: Response) -> str | None:
    """The file suffix for a response, by its content type, else by a PDF's magic bytes."""
    suffix = SUFFIX_BY_TYPE.get(response.media_type)
    if suffix is None and response.body.startswith(b"%PDF-"):
        return ".pdf"
    return suffix


def links_in(response: Response, root_url: str) -> list[str]:
    """In-scope links of an HTML page, in document order, without duplicates."""
    soup = BeautifulSoup(response.body, "lxml")
    found: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        url = in_scope(response.final_url, str(anchor["href"]), root_url)
        if url:
            found.setdefault(url, None)
    return list(found)


def in_scope(base: str, href: str, root_url: str) -> str | None:
    """The absolute URL of ``href`` if it lies in the document below ``root_url``."""
    parts = urlsplit(canonical(urljoin(base, href.strip())))
    root = urlsplit(canonical(root_url))
    if (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
        return None
    return urlunsplit(parts) if under(root.path, parts.path) else None


def canonical(url: str) -> str:
    """``url`` without query, fragment or trailing slash, its host in lower case."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))
