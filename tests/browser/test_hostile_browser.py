"""Every page of the hostile site in Chromium, from file:// (no policy to hide behind) and
over HTTP under the README's Content-Security-Policy: no dialog opens, no source script
runs (even when every content element gets every kind of event), no request leaves the
site, and the policy reports no violation. The search runs over the hostile text too."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helsekb.site import content_security_policy
from tests.browser.conftest import SUB_PATH, Visit, _SubPathHandler
from tests.conftest import ROOT
from tests.hostile.conftest import hostile_run, hostile_site, hostile_sources  # noqa: F401

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
PROVOKE = """() => {
    const types = ["click", "dblclick", "mouseover", "mouseenter", "mousedown", "mouseup",
        "pointerenter", "pointerdown", "focus", "focusin", "blur", "keydown", "keyup", "input",
        "change", "toggle", "animationstart", "animationend", "transitionend", "copy", "paste",
        "drop", "contextmenu", "wheel", "scroll", "error", "load", "begin"];
    let n = 0;
    for (const el of document.querySelectorAll(".md-content *")) {
        for (const type of types) {
            if (type === "click" && el.closest("a, summary, label, button")) continue;
            el.dispatchEvent(new Event(type));
            n++;
        }
    }
    return n;
}"""
"""Fire every kind of event at every content element (links are not clicked)."""


def site_pages(site: Path) -> list[str]:
    """Every page but 404.html, whose root-absolute links need --site-url (see README)."""
    pages = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sorted(p for p in pages if p != "404.html")


@pytest.fixture(scope="module")
def served(hostile_site: Path) -> Iterator[str]:
    """The hostile site under /kb/ on a local port, with its Content-Security-Policy."""
    handler = type("Handler", (_SubPathHandler,), {"csp": content_security_policy(hostile_site)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(hostile_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()
    thread.join()


def _visit_all(visit: Visit, pages: list[str]) -> list[str]:
    """Problems on any page: dialogs, source script that ran, foreign requests, violations."""
    dialogs: list[str] = []
    visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visit.page.add_init_script(WATCH)
    problems = []
    for rel in pages:
        dialogs.clear()
        visit.page.goto(visit.root + rel)
        visit.page.wait_for_load_state("load")
        assert visit.page.evaluate(PROVOKE) > 0, rel
        visit.page.wait_for_timeout(20)
        state = visit.page.evaluate("[typeof window.__pwned, window.__violations]")
        if state != ["undefined", []] or dialogs:
            problems.append(f"{rel}: {state} dialogs={dialogs}")
    return problems + [f"request left the site: {u}" for u in visit.foreign_requests()]


def test_no_page_runs_source_script_from_file(
    open_site: Callable[..., Visit], hostile_site: Path
) -> None:
    visit = open_site(hostile_site.as_uri() + "/")
    assert _visit_all(visit, site_pages(hostile_site)) == []


def test_no_page_runs_script_or_violates_the_policy_over_http(
    open_site: Callable[..., Visit], hostile_site: Path, served: str
) -> None:
    visit = open_site(served)
    console: list[str] = []
    visit.page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    assert _visit_all(visit, site_pages(hostile_site)) == []
    assert [c for c in console if "Content Security Policy" in c] == []


@pytest.mark.parametrize("query", ["pwned", "script", "javascript", "onerror"])
def test_searching_hostile_text_runs_nothing(
    open_site: Callable[..., Visit], hostile_site: Path, query: str
) -> None:
    visit = open_site(hostile_site.as_uri() + "/")
    dialogs: list[str] = []
    visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    visit.goto("index.html")
    box = visit.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    hits = visit.page.locator(".md-search-result__item")
    expect(hits.first).to_be_visible(timeout=15_000)
    hits.first.locator("a").first.click()
    visit.page.wait_for_load_state("load")
    visit.page.evaluate(PROVOKE)
    assert visit.page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == [] and visit.foreign_requests() == []


def _directives(policy: str) -> dict[str, str]:
    """Directive -> sources, script hashes left out (they belong to one build)."""
    parts = (d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    return {name: re.sub(r" ?'sha256-[^']+'", "", rest) for name, rest in parts}


def test_the_policy_served_is_the_readmes(hostile_site: Path) -> None:
    """The README's nginx sample forbids inline script and other hosts; the tests serve it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (sample,) = re.findall(r'add_header Content-Security-Policy "([^"]+)"', readme)
    assert "'unsafe-inline'" not in sample and "'unsafe-eval'" not in sample
    assert not re.search(r"https?:|\*", sample), "the sample allows another host"
    assert _directives(sample) == _directives(content_security_policy(hostile_site))


PLANTED = {
    "script.html": "<script>window.__pwned = 'inline'</script>",
    "handler.html": "<p onmouseover=\"window.__pwned = 'handler'\">tekst</p>",
    "dialog.html": "<p onfocus=\"alert('dialog')\">tekst</p>",
    "request.html": "<p>tekst</p><img src='http://127.0.0.2:9/pixel.gif'>",
}


def test_the_watch_sees_what_it_watches_for(
    open_site: Callable[..., Visit], tmp_path: Path
) -> None:
    """Planted script, handler, dialog and request are each reported: the checks can fail."""
    for name, body in PLANTED.items():
        page = f"<!doctype html><html><body><div class='md-content'>{body}</div></body></html>"
        (tmp_path / name).write_text(page, encoding="utf-8")
    visit = open_site(tmp_path.as_uri() + "/")
    problems = _visit_all(visit, sorted(PLANTED))
    assert [p.split(":")[0] for p in problems] == [
        "dialog.html", "handler.html", "script.html", "request left the site"
    ]  # fmt: skip
