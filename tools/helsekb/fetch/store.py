"""Where fetched files go: stable names from URL paths, written only when their bytes change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import httpx

from helsekb.fetch.http import FetchError, Response
from helsekb.fetch.manifest import Manifest, Record, sha256, write_atomic
from helsekb.slug import slugify

MAX_PAGE_SLUG = 80
ROOT_PAGE = "index"
SUFFIX_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/json": ".json",
}
KNOWN_SUFFIXES = frozenset({".html", ".htm", ".pdf", ".json"})


def under(root: str, path: str) -> bool:
    """Whether URL path ``path`` is ``root`` or below it (by whole segments)."""
    root = root.rstrip("/")
    return path.rstrip("/") == root or path.startswith(root + "/")


def page_name(doc_slug: str, root: str, path: str, suffix: str) -> str:
    """``<doc-slug>--<page-slug><suffix>``; the page slug is the path below the root."""
    rest = unquote(path[len(root.rstrip("/")) :] if under(root, path) else path).strip("/")
    known = PurePosixPath(rest).suffix.lower() in KNOWN_SUFFIXES
    stem = rest.removesuffix(PurePosixPath(rest).suffix) if known else rest
    return f"{doc_slug}--{bounded_slug(stem) if stem else ROOT_PAGE}{suffix}"


def bounded_slug(text: str) -> str:
    """The slug of ``text``; when too long, cut and made unique by a hash of the full text."""
    full = slugify(text, max_len=len(text) + 1)
    if len(full) <= MAX_PAGE_SLUG:
        return full
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(text, max_len=MAX_PAGE_SLUG - 9)}-{digest}"


class Store:
    """The sources directory and its manifest; a failed fetch never touches either file."""

    def __init__(self, sources: Path, manifest: Manifest, now: Callable[[], datetime]) -> None:
        self.sources = sources
        self.manifest = manifest
        self._now = now

    def conditional(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for ``url``, when its file is intact on disk."""
        found = self.manifest.find(url)
        if not found or sha256(self.path(found[0]).read_bytes()) != found[1].sha256:
            return {}
        record = found[1]
        headers = {"If-None-Match": record.etag, "If-Modified-Since": record.last_modified}
        return {k: v for k, v in headers.items() if v}

    def unchanged(self, response: Response) -> tuple[str, Response]:
        """Record a 304; returns the file's name and the response as the file holds it."""
        found = self.manifest.find(response.url)
        if not found:
            raise FetchError("HTTP 304 Not Modified, but no file was asked about")
        name, record = found
        record.status = 304
        record.fetched_at = self._stamp()
        record.etag = response.headers.get("etag", record.etag)
        headers = httpx.Headers(response.headers)
        headers["content-type"] = record.content_type
        return name, replace(response, body=self.path(name).read_bytes(), headers=headers)

    def keep(self, name: str, response: Response, document: str) -> bool:
        """Record a 200 and write its body if it differs from the file; True if written."""
        path = self.path(name)
        digest = sha256(response.body)
        changed = not path.is_file() or sha256(path.read_bytes()) != digest
        if changed:
            write_atomic(path, response.body)
        self.manifest.records[name] = Record(
            document=document,
            url=response.url,
            final_url=response.final_url,
            status=response.status,
            content_type=response.content_type,
            size=len(response.body),
            sha256=digest,
            fetched_at=self._stamp(),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
        return changed

    def path(self, name: str) -> Path:
        """The file for ``name``, refused when it would lie outside the sources directory."""
        path = (self.sources / name).resolve()
        if not path.is_relative_to(self.sources.resolve()) or path == self.sources.resolve():
            raise FetchError(f"{name}: refused: not a file inside {self.sources}")
        return path

    def _stamp(self) -> str:
        return self._now().strftime("%Y-%m-%dT%H:%M:%SZ")
