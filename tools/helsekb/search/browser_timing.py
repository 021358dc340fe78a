"""Timing a site's search in Chromium (Debian's, through Playwright), the same for any engine.

The page records, in page time, the first keydown after it was armed and the first change
of the result list that leaves results in it; both engines render into Material's
``.md-search-result__list``. Queries are typed with real key events.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FIRST_QUERY = "pasientene"
FURTHER = ("kommunen", "oppfølgingen", "retningslinjer", "behandling", "samarbeid", "fastlegen")
TIMEOUT_MS = 300_000
PROBE = """
window.__bench = {t0: 0, t1: 0};
document.addEventListener("keydown", () => {
  if (!window.__bench.t0) window.__bench.t0 = performance.now();
}, true);
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector(".md-search-result__list");
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.t0 && !b.t1 && list.querySelector(".md-search-result__item")) b.t1 = performance.now();
  }).observe(list, {childList: true, subtree: true});
});
"""


@dataclass(slots=True)
class Timing:
    first_ms: list[float] = field(default_factory=list)
    further_ms: list[float] = field(default_factory=list)
    page_bytes: int = 0


def measure(site: Path, runs: int, browser: Browser | None = None) -> Timing:
    """Open ``site/index.html`` from file:// ``runs`` times; time the first and further queries.

    Uses ``browser`` if given (a caller's running Chromium), else launches one.
    """
    if browser is not None:
        return _measure(browser, site, runs)
    with sync_playwright() as pw:
        own = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            return _measure(own, site, runs)
        finally:
            own.close()


def _measure(browser: Browser, site: Path, runs: int) -> Timing:
    timing = Timing()
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda r, seen=requested: seen.append(r.url))
        page.add_init_script(PROBE)
        page.goto((site / "index.html").as_uri(), wait_until="load")
        timing.page_bytes = _bytes(requested)
        timing.first_ms.append(_first(page))
        timing.further_ms.append(statistics.median(_further(page)))
        context.close()
    return timing


def _bytes(urls: list[str]) -> int:
    paths = {Path(unquote(urlparse(u).path)) for u in urls if u.startswith("file:")}
    return sum(p.stat().st_size for p in paths if p.is_file())


def _elapsed(page: Page) -> float:
    page.wait_for_function("window.__bench.t1 > 0", timeout=TIMEOUT_MS, polling=5)
    return page.evaluate("window.__bench.t1 - window.__bench.t0")


def _first(page: Page) -> float:
    page.click("input.md-search__input")
    page.keyboard.type(FIRST_QUERY)
    return _elapsed(page)


def _further(page: Page) -> list[float]:
    out = []
    box = page.locator("input.md-search__input")
    for query in FURTHER:
        box.fill(query[:-1])
        page.wait_for_timeout(400)
        page.evaluate("window.__bench.t0 = 0; window.__bench.t1 = 0")
        page.keyboard.press(query[-1])
        out.append(_elapsed(page))
    return out
