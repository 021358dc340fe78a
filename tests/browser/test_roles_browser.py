"""The role picker in Chromium: the choice persists across pages (file:// and HTTP under /kb/),
the role's statements are highlighted and the rest can be dimmed, search is narrowed, and a
role page prints as a compact checklist."""

from __future__ import annotations

import io
from collections.abc import Callable

import pdfplumber
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BuiltSite, DocPage, Visit, find_page

pytestmark = pytest.mark.browser

OpenSite = Callable[..., Visit]
FASTLEGE_SOURCE = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
FASTLEGE_STATEMENTS = 41  # on that page, by the tagger (tests/test_roles.py)
HIGHLIGHT = "rgb(255, 243, 219)"
DIMMED = "rgb(118, 118, 118)"
NO_ROLE_STATEMENT = "#p-pasientgruppen-er-heterogen-og-har-ulike"
NO_STORAGE = """for (const name of ["localStorage", "sessionStorage"]) {
  Object.defineProperty(window, name, {get() { throw new DOMException("no", "SecurityError"); }});
}"""


def _root(request: pytest.FixtureRequest, built: BuiltSite, kind: str) -> str:
    return request.getfixturevalue("http_root") if kind == "http" else built.site.as_uri() + "/"


def _style(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(f"e => getComputedStyle(e).{prop}")


def _fastlege_page(doc_pages: list[DocPage]) -> str:
    return find_page(doc_pages, kind="page", source_file=FASTLEGE_SOURCE).rel


@pytest.mark.parametrize("kind", ["file", "http"])
def test_choice_persists_across_pages_and_highlights(
    open_site: OpenSite,
    request: pytest.FixtureRequest,
    built: BuiltSite,
    doc_pages: list[DocPage],
    kind: str,
) -> None:
    visit = open_site(_root(request, built, kind))
    visit.goto("index.html")
    page = visit.page
    html = page.locator("html")
    expect(html).to_have_attribute("data-role", "")
    expect(page.locator(".md-header label[for=kb-role]")).to_have_text("Tilpass innholdet til meg")
    page.select_option("#kb-role", "fastlege")
    expect(html).to_have_attribute("data-role", "fastlege")

    visit.goto(_fastlege_page(doc_pages))  # a new page load: the choice was stored
    expect(html).to_have_attribute("data-role", "fastlege")
    expect(page.locator("#kb-role")).to_have_value("fastlege")
    mine = '.md-content [data-roles~="fastlege"]'
    assert page.locator(mine).count() == FASTLEGE_STATEMENTS
    expect(page.locator(".kb-role-picker__status")).to_have_text(
        f"{FASTLEGE_STATEMENTS} avsnitt uthevet for Fastlege"
    )
    assert _style(page, mine, "backgroundColor") == HIGHLIGHT
    assert _style(page, NO_ROLE_STATEMENT, "backgroundColor") == "rgba(0, 0, 0, 0)"

    page.check("#kb-role-dim")
    expect(html).to_have_attribute("data-role-dim", "")
    assert _style(page, NO_ROLE_STATEMENT, "color") == DIMMED
    assert _style(page, mine, "color") != DIMMED
    visit.snap()
    page.uncheck("#kb-role-dim")
    assert _style(page, NO_ROLE_STATEMENT, "color") != DIMMED

    page.select_option("#kb-role", "")  # Alle
    expect(html).to_have_attribute("data-role", "")
    assert _style(page, mine, "backgroundColor") == "rgba(0, 0, 0, 0)"
    assert visit.foreign_requests() == []


def test_without_storage_the_choice_travels_in_links(
    open_site: OpenSite, built: BuiltSite, doc_pages: list[DocPage]
) -> None:
    visit = open_site(built.site.as_uri() + "/")
    visit.page.add_init_script(NO_STORAGE)
    visit.goto(_fastlege_page(doc_pages))
    page = visit.page
    page.select_option("#kb-role", "kommune")
    expect(page.locator("html")).to_have_attribute("data-role", "kommune")
    page.locator(".md-content .kb-see-also + ul a").first.click()
    page.wait_for_load_state("load")
    visit.snap()
    assert "rolle=kommune" in page.url
    expect(page.locator("html")).to_have_attribute("data-role", "kommune")
    expect(page.locator("#kb-role")).to_have_value("kommune")


def _status(page: Page) -> str:
    return page.locator("#kb-sok-status").inner_text()


def test_search_is_narrowed_to_the_role_and_vis_alle_restores(
    open_site: OpenSite, built: BuiltSite
) -> None:
    visit = open_site(built.site.as_uri() + "/")
    visit.goto("index.html")
    page = visit.page
    page.select_option("#kb-role", "kommune")
    page.locator("#kb-sok").click()
    page.locator("#kb-sok").press_sequentially("fastlege", delay=20)
    expect(page.locator("#kb-sok-status")).to_contain_text("for kommune", timeout=15_000)
    narrowed = page.locator(".md-search-result__item").count()
    visit.snap()
    page.locator(".kb-facets button", has_text="Vis alle").click()
    expect(page.locator("#kb-sok-status")).not_to_contain_text("for kommune")
    widened = page.locator(".md-search-result__item").count()
    print(f"search 'fastlege': {narrowed} hits for kommune, {widened} with Vis alle")
    assert 0 < narrowed < widened


def test_role_page_prints_as_a_compact_checklist(open_site: OpenSite, built: BuiltSite) -> None:
    visit = open_site(built.site.as_uri() + "/", media="print")
    visit.goto("roller/spesialisthelsetjenesten.html")
    page = visit.page
    expect(page.locator(".kb-role-picker")).to_be_hidden()
    expect(page.locator("a.kb-to-statement").first).to_be_hidden()
    items = page.locator("h2.kb-checklist ~ ul > li")
    assert items.count() == 11  # 13 duties, two of them nested in their lead-in
    marker = items.first.evaluate("e => getComputedStyle(e).listStyleType")
    assert "☐" in marker
    with pdfplumber.open(io.BytesIO(page.pdf(format="A4"))) as pdf:
        text = "\n".join(sheet.extract_text() for sheet in pdf.pages)
        print(f"roller/spesialisthelsetjenesten: {len(pdf.pages)} A4 sheet(s)")
        assert len(pdf.pages) <= 2
    assert "SH må ved avslutning sørge for en forsvarlig" in text
    assert text.count("til avsnittet") == 1  # the introduction's; the links are not printed


@pytest.mark.parametrize("view", ["roller/kommune.html", "roller/ansvarsmatrise.html"])
def test_role_views_have_no_serious_accessibility_violations(
    open_site: OpenSite, built: BuiltSite, axe_source: str, view: str
) -> None:
    visit = open_site(built.site.as_uri() + "/", bypass_csp=True)  # axe is an inline script
    visit.goto(view)
    visit.page.select_option("#kb-role", "kommune")
    visit.page.add_script_tag(content=axe_source)
    violations = visit.page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact}))"""
    )
    print(f"axe {view}: {violations}")
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
