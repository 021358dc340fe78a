"""helsekb's search in Chromium: from file:// and over HTTP under /kb/ (with the CSP)."""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BuiltSite, Visit
from tests.test_search import LOAD_INDEX, node

pytestmark = pytest.mark.browser

OpenSite = Callable[..., Visit]
HEARING_TITLE = "I hovedforløp 3 bør kommunen samarbeide med spesialisthelsetjenesten"
ROLE_DOC_PAGE = "Fastlegen bør igangsette og koordinere tiltak"


def _type(visit: Visit, text: str) -> None:
    box = visit.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(text, delay=20)
    expect(visit.page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
    visit.snap()


def _titles(visit: Visit) -> list[str]:
    return visit.page.locator(".kb-hit__title").all_inner_texts()


@pytest.fixture(params=["file", "http"])
def site_root(request: pytest.FixtureRequest, built: BuiltSite) -> str:
    if request.param == "http":
        return request.getfixturevalue("http_root")
    return built.site.as_uri() + "/"


def test_inflected_query_finds_and_announces_results(open_site: OpenSite, site_root: str) -> None:
    visit = open_site(site_root)
    visit.goto("index.html")
    _type(visit, "pasientene ")
    status = visit.page.locator(".md-search-result__meta")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("29 treff.")
    assert visit.page.locator(".md-search-result__item").count() == 20
    expect(visit.page.locator(".kb-hit__snippet mark").first).to_be_visible()
    assert visit.foreign_requests() == []


def test_keyboard_opens_a_result_and_the_page_highlights_the_query(
    open_site: OpenSite, site_root: str
) -> None:
    visit = open_site(site_root)
    visit.goto("index.html")
    _type(visit, "Housing first ")
    page = visit.page
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.className")
    assert "md-search-result__link" in focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/i-hovedforlop-3-*", wait_until="load")
    expect(page.locator("h1")).to_contain_text(HEARING_TITLE)
    marks = page.locator("mark.kb-highlight")
    expect(marks.first).to_be_visible()
    assert {t.lower() for t in marks.all_inner_texts()} == {"housing", "first"}
    assert visit.foreign_requests() == []


def test_a_section_hit_opens_its_collapsed_section(open_site: OpenSite, site_root: str) -> None:
    visit = open_site(site_root)
    visit.goto("index.html")
    _type(visit, "Krise- og mestringsplan ")
    page = visit.page
    page.locator('a.md-search-result__link[href*="#krise--og-mestringsplan"]').first.click()
    page.wait_for_load_state("load")
    assert "#krise--og-mestringsplan" in page.url
    expect(page.locator("#krise--og-mestringsplan")).to_be_visible()


def test_role_from_the_picker_applies_by_default_and_one_click_clears_it(
    open_site: OpenSite, built: BuiltSite
) -> None:
    visit = open_site(built.site.as_uri() + "/")
    visit.page.add_init_script(
        'try { localStorage.setItem("helsekb.role", "kommune") } catch (e) {}'
    )
    visit.goto("index.html")
    _type(visit, "pasienten ")
    page = visit.page
    pressed = page.locator(".kb-facet[aria-pressed=true]")
    expect(pressed).to_have_text(re.compile(r"^Kommune \(\d+\)$"))
    narrowed = int(re.sub(r"\D", "", pressed.inner_text()))
    status = page.locator(".md-search-result__meta")
    expect(status).to_have_text(f"{narrowed} treff for kommune.")
    page.locator(".kb-facet", has_text="Vis alle").click()
    expect(pressed).to_have_text("Vis alle (29)")
    expect(status).to_have_text("29 treff.")
    page.evaluate(
        'document.dispatchEvent(new CustomEvent("helsekb:role", {detail: {role: "fastlege"}}))'
    )
    expect(pressed).to_have_text(re.compile(r"^Fastlege \(\d+\)$"))


def test_type_facet_narrows_the_results(open_site: OpenSite, built: BuiltSite) -> None:
    visit = open_site(built.site.as_uri() + "/")
    visit.goto("index.html")
    _type(visit, "pasienten ")
    page = visit.page
    page.locator(".kb-facet", has_text="Regional anbefaling").click()
    expect(page.locator(".md-search-result__meta")).to_have_text("10 treff.")
    assert all(ROLE_DOC_PAGE not in t for t in _titles(visit))
    page.keyboard.press("Escape")
    assert not page.evaluate('document.getElementById("__search").checked')


def test_index_loads_only_when_the_search_is_used(open_site: OpenSite, built: BuiltSite) -> None:
    visit = open_site(built.site.as_uri() + "/")
    visit.goto("index.html")
    assert [u for u in visit.requests if "/sok/" in u or "search_index" in u] == []
    _type(visit, "kommune")
    assert any(u.endswith("/sok/indeks.js") for u in visit.requests)


def test_every_indexed_anchor_exists_on_its_page(built: BuiltSite) -> None:
    script = (
        LOAD_INDEX
        + """
const out = [];
for (let id = 0; id < index.size; id++) out.push(index.hit(id, 0).url);
console.log(JSON.stringify(out));
"""
    )
    urls = node(script, {"docs": str(built.site)})
    assert len(urls) > 50 and any("#" in u for u in urls)
    for link in urls:
        url, _, anchor = link.partition("#")
        page = lxml.html.fromstring((built.site / url).read_bytes())
        assert not anchor or page.get_element_by_id(anchor, None) is not None, link
