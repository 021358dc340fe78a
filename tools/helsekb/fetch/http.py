"""One polite, bounded GET: allow-listed hosts on every redirect hop, a byte cap, retries.

Redirects are followed here, not by httpx, so that every hop is checked against the
allow-list (and robots.txt) before it is requested. Retries cover 429, 5xx and network
errors, waiting for ``Retry-After`` when the server gives one, else for an exponential
backoff; a server asking for a longer wait than ``max_retry_after`` fails that URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from helsekb.fetch.config import FetchSettings
from helsekb.fetch.ratelimit import RateLimiter

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
SECRET_HEADERS = ("Ocp-Apim-Subscription-Key",)
"""Headers never sent on to another host by a redirect."""
LOCATION = "x-helsekb-location"


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, in one line."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Skipped(FetchError):
    """A URL deliberately not stored (robots.txt, content type): reported, not failed."""


@dataclass(frozen=True, slots=True)
class Response:
    """A 200 with its whole body, or a 304 with none."""

    url: str
    final_url: str
    status: int
    body: bytes
    headers: httpx.Headers

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


class Fetcher:
    """GET with the project's limits; ``permit`` (robots.txt) may veto any hop."""

    def __init__(
        self,
        settings: FetchSettings,
        limiter: RateLimiter,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.permit: Callable[[str], None] = lambda url: None
        self._limiter = limiter
        self._sleep = sleep
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        )
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent},
            transport=transport,
            event_hooks={"response": [_hide_location]},
        )

    def close(self) -> None:
        self._client.close()

    def get(
        self, url: str, headers: Mapping[str, str] | None = None, robots: bool = True
    ) -> Response:
        """The response to GET ``url`` (200 or 304); anything else raises FetchError."""
        attempt = 0
        while True:
            try:
                response = self._follow(url, dict(headers or {}), robots)
            except httpx.InvalidURL as exc:
                raise FetchError(f"invalid URL: {exc}") from None
            except httpx.TransportError as exc:
                if attempt >= self.settings.retries:
                    raise FetchError(_describe(exc, self.settings)) from None
                self._sleep(self._backoff(attempt))
            else:
                if response.status in (200, 304):
                    return response
                self._sleep(self._retry_delay(response, attempt))
            attempt += 1

    def _retry_delay(self, response: Response, attempt: int) -> float:
        """Seconds to wait before retrying ``response``; FetchError when it must not be."""
        status = f"HTTP {response.status} {httpx.codes.get_reason_phrase(response.status)}"
        status = status.rstrip()
        if response.status not in RETRY_STATUSES:
            raise FetchError(status, response.status)
        if attempt >= self.settings.retries:
            raise FetchError(f"{status} after {attempt + 1} attempts", response.status)
        asked = retry_after(response.headers.get("retry-after"), datetime.now(UTC))
        if asked is None:
            return self._backoff(attempt)
        if asked > self.settings.max_retry_after:
            raise FetchError(
                f"{status}: the server asks to wait {asked:.0f} s, more than the "
                f"{self.settings.max_retry_after:.0f} s allowed (fetch.max_retry_after)",
                response.status,
            )
        return asked

    def _backoff(self, attempt: int) -> float:
        return float(self.settings.backoff * 2**attempt)

    def _follow(self, url: str, headers: dict[str, str], robots: bool) -> Response:
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            refusal = self.refusal(current)
            if refusal:
                raise FetchError(f"redirect to {current} refused: {refusal}" if hop else refusal)
            if robots:
                self.permit(current)
            self._limiter.wait(urlsplit(current).netloc)
            with self._client.stream("GET", current, headers=headers) as r:
                if r.status_code not in REDIRECT_STATUSES:
                    body = self._read(r) if r.status_code == 200 else b""
                    return Response(url, current, r.status_code, body, r.headers)
                location = r.headers.get(LOCATION, "").strip()
            if not location:
                raise FetchError(f"HTTP {r.status_code} redirect without a Location header")
            following = urljoin(current, location)
            if urlsplit(following).netloc != urlsplit(current).netloc:
                headers = {k: v for k, v in headers.items() if k not in SECRET_HEADERS}
            current = following
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def refusal(self, url: str) -> str:
        """Why ``url`` may not be requested (not http(s), host not allowed), or ""."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return "only http and https URLs are fetched"
        host = (parts.hostname or "").lower()
        if host not in self.settings.allowed_hosts:
            return f"host {host!r} is not in fetch.allowed_hosts"
        return ""

    def _read(self, r: httpx.Response) -> bytes:
        """The body, abandoned as soon as it is larger than ``max_bytes``."""
        limit = self.settings.max_bytes
        declared = r.headers.get("content-length", "")
        too_big = FetchError(f"response larger than {limit} bytes")
        if declared.isdigit() and int(declared) > limit:
            raise too_big
        chunks, size = [], 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)


def _hide_location(response: httpx.Response) -> None:
    """Keep Location from httpx, which builds a redirect request even when not following
    one and raises on targets such as ``javascript:``; the loop above reads it instead."""
    if "location" in response.headers:
        response.headers[LOCATION] = response.headers.pop("location")


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _describe(exc: httpx.TransportError, settings: FetchSettings) -> str:
    tries = settings.retries + 1
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {settings.connect_timeout:g} s ({tries} attempts)"
    if isinstance(exc, httpx.ReadTimeout):
        return f"no data for {settings.read_timeout:g} s: the server stalled ({tries} attempts)"
    return f"network error: {type(exc).__name__}: {exc} ({tries} attempts)".replace("\n", " ")
