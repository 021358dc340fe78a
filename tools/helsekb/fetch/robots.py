"""robots.txt, read once per host through the same polite client (stdlib robotparser).

As in the stdlib: 401 or 403 for robots.txt means nothing may be fetched, any other 4xx
means everything may. A 5xx or a network failure leaves the rules unknown, so every URL
on that host fails with the reason rather than being fetched or silently skipped.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from helsekb.fetch.http import Fetcher, FetchError, Skipped
from helsekb.fetch.ratelimit import RateLimiter

AGENT = "helsekb"


class Robots:
    def __init__(self, fetcher: Fetcher, limiter: RateLimiter) -> None:
        self._fetcher = fetcher
        self._limiter = limiter
        self._rules: dict[str, RobotFileParser | FetchError] = {}

    def check(self, url: str) -> None:
        """Raise Skipped when robots.txt forbids ``url``, FetchError when it is unknown."""
        parts = urlsplit(url)
        rules = self._rules.get(parts.netloc)
        if rules is None:
            rules = self._rules[parts.netloc] = self._load(parts.scheme, parts.netloc)
        if isinstance(rules, FetchError):
            raise rules
        if not rules.can_fetch(AGENT, url):
            raise Skipped("disallowed by robots.txt")

    def _load(self, scheme: str, netloc: str) -> RobotFileParser | FetchError:
        robots_url = urlunsplit((scheme, netloc, "/robots.txt", "", ""))
        parser = RobotFileParser(robots_url)
        try:
            response = self._fetcher.get(robots_url, robots=False)
        except FetchError as exc:
            if exc.status in (401, 403):
                parser.disallow_all = True
            elif exc.status is not None and 400 <= exc.status < 500:
                parser.allow_all = True
            else:
                return FetchError(f"robots.txt of {netloc} could not be read ({exc})")
            return parser
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(AGENT)
        if delay:
            self._limiter.slow_down(netloc, float(delay))
        return parser
