"""Content-API (HAPI) mode: a document's item and its descendants as JSON files.

Children are the ``rel: barn`` entries of ``links`` (or ``lenker``) on the API's own host.
A JSON file is named like the HTML of the same public page (``url`` of the item, below
the document's ``url``), so the two lie side by side; else it is named by the item's id.
robots.txt is not consulted: the API is a keyed service meant for programs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin, urlsplit

from helsekb.fetch.config import DocumentTarget
from helsekb.fetch.crawler import walk
from helsekb.fetch.http import FetchError, Response
from helsekb.fetch.session import Session
from helsekb.fetch.store import bounded_slug, page_name, under

API_KEY_ENV = "HELSEDIR_API_KEY"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
CHILD_LISTS = ("links", "lenker")
CHILD_REL = "barn"


def api_url(api_base: str, api_path: str) -> str:
    return urljoin(api_base.rstrip("/") + "/", api_path)


def fetch_api_tree(session: Session, doc: DocumentTarget, key: str) -> None:
    start = api_url(session.fetcher.settings.api_base, doc.api_path)
    headers = {KEY_HEADER: key, "Accept": "application/json"}

    def namer(response: Response) -> str:
        return item_name(doc, parse_item(response.body))

    def visit(url: str) -> list[str] | None:
        response = session.download(url, doc.title, namer, headers=headers, robots=False)
        if response is None:
            return None
        return children(parse_item(response.body), response.final_url)

    walk(session, start, visit, session.fetcher.settings)


def parse_item(body: bytes) -> dict[str, Any]:
    """The item object of an API response; FetchError if the body is not one."""
    try:
        item = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"not a content-API item: invalid JSON ({exc})") from None
    if not isinstance(item, dict):
        raise FetchError("not a content-API item: expected a JSON object")
    return item


def item_name(doc: DocumentTarget, item: dict[str, Any]) -> str:
    root = urlsplit(doc.url).path
    public = item.get("url")
    if isinstance(public, str) and doc.url and under(root, urlsplit(public).path):
        return page_name(doc.slug, root, urlsplit(public).path, ".json")
    ident = item.get("id")
    if not isinstance(ident, str | int) or not str(ident).strip():
        raise FetchError("content-API item has neither a public 'url' in the document nor an 'id'")
    return f"{doc.slug}--{bounded_slug(str(ident))}.json"


def children(item: dict[str, Any], base: str) -> list[str]:
    """URLs of the item's children on the API's own host, in the order given."""
    host = urlsplit(base).netloc
    found: dict[str, None] = {}
    for key in CHILD_LISTS:
        links = item.get(key)
        for link in links if isinstance(links, list) else []:
            if not isinstance(link, dict) or link.get("rel") != CHILD_REL:
                continue
            href = link.get("href")
            url = urljoin(base, href) if isinstance(href, str) else ""
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc == host:
                found.setdefault(url, None)
    return list(found)
