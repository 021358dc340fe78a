"""One fetch run: download a URL into its file and report what happened to it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from helsekb.fetch.http import Fetcher, FetchError, Response, Skipped
from helsekb.fetch.store import Store


class Outcome(StrEnum):
    FETCHED = "fetched"
    """New or changed: the file was written."""
    UNCHANGED = "unchanged"
    """304, or the same bytes as the file already holds."""
    FAILED = "failed"
    SKIPPED = "skipped"
    """Deliberately not stored: robots.txt, or a content type that is not a source."""


@dataclass(frozen=True, slots=True)
class Result:
    url: str
    outcome: Outcome
    file: str = ""
    message: str = ""

    def __str__(self) -> str:
        text = f"{self.url}: {self.outcome}"
        if self.file:
            text += f" -> {self.file}"
        return f"{text}: {self.message}" if self.message else text


Namer = Callable[[Response], str]
"""The file name for a 200 response; raises Skipped or FetchError to refuse it."""


@dataclass(slots=True)
class Session:
    fetcher: Fetcher
    store: Store
    on_result: Callable[[Result], None] = lambda result: None
    results: list[Result] = field(default_factory=list)

    def report(self, result: Result) -> None:
        self.results.append(result)
        self.on_result(result)

    def count(self, outcome: Outcome) -> int:
        return sum(r.outcome is outcome for r in self.results)

    def summary(self) -> str:
        """``fetched N, unchanged N, failed N``."""
        shown = (Outcome.FETCHED, Outcome.UNCHANGED, Outcome.FAILED)
        return ", ".join(f"{o} {self.count(o)}" for o in shown)

    def download(
        self,
        url: str,
        document: str,
        namer: Namer,
        headers: Mapping[str, str] | None = None,
        robots: bool = True,
    ) -> Response | None:
        """Fetch ``url`` into the file ``namer`` picks; the response (a 304 with the stored
        body) for link extraction, or None when it failed or was skipped."""
        try:
            request = {**(headers or {}), **self.store.conditional(url)}
            response = self.fetcher.get(url, request, robots=robots)
            if response.status == 304:
                name, stored = self.store.unchanged(response)
                self.report(Result(url, Outcome.UNCHANGED, name))
                return stored
            name = namer(response)
            written = self.store.keep(name, response, document)
        except Skipped as exc:
            self.report(Result(url, Outcome.SKIPPED, message=str(exc)))
            return None
        except (FetchError, OSError) as exc:
            self.report(Result(url, Outcome.FAILED, message=str(exc)))
            return None
        self.report(Result(url, Outcome.FETCHED if written else Outcome.UNCHANGED, name))
        return response
