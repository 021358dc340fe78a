"""A per-host rate limit on the monotonic clock; clock and sleep are injectable for tests."""

from __future__ import annotations

import time
from collections.abc import Callable


class RateLimiter:
    """At most ``rate`` requests per second to each host, or fewer if robots.txt asks."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._slower: dict[str, float] = {}

    def slow_down(self, host: str, seconds: float) -> None:
        """Keep at least ``seconds`` between requests to ``host`` (robots.txt Crawl-delay)."""
        self._slower[host] = max(seconds, self._slower.get(host, 0.0))

    def wait(self, host: str) -> None:
        """Block until a request to ``host`` is allowed, and record it as made now."""
        now = self._clock()
        if host in self._last:
            due = self._last[host] + max(self._interval, self._slower.get(host, 0.0))
            if due > now:
                self._sleep(due - now)
                now = due
        self._last[host] = now
