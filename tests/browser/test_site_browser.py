"""The built site in Chromium: from file://, over HTTP under /kb/, and from the unpacked zip."""

from __future__ import annotations

import io
from collections.abc import Callable

import pdfplumber
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BuiltSite, DocPage, Visit, find_page

pytestmark = pytest.mark.browser

# Golden facts of the bundled corpus (source_docs/), as the sources state them.
HEARING_DOCUMENT = "Psykisk helse- og rusarbeid for voksne"
HEARING_CHAPTER = "Kartlegging og hovedforløp"
HEARING_TITLE = "I hovedforløp 3 bør kommunen samarbeide med spesialisthelsetjenesten"
HEARING_DEADLINE = "16. mai 2024"
HEARING_SOURCE = "https://www.helsedirektoratet.no/veiledere/psykisk-helse-og-rusarbeid-for-voksne"
SEARCH_PHRASE = "Housing first"
LONG_PAGE_SOURCE = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
SERIOUS = ("serious", "critical")

OpenSite = Callable[..., Visit]


def _hearing_page(doc_pages: list[DocPage]) -> DocPage:
    return find_page(doc_pages, kind="page", chapter=HEARING_CHAPTER)


def _click_in_content(visit: Visit, text: str) -> None:
    visit.page.locator(".md-content a", has_text=text).first.click()
    visit.page.wait_for_load_state("load")
    visit.snap()


def test_home_to_document_to_recommendation(open_site: OpenSite, root: str) -> None:
    visit = open_site(root)
    visit.goto("index.html")
    _click_in_content(visit, HEARING_DOCUMENT)
    expect(visit.page.locator("h1")).to_contain_text(HEARING_DOCUMENT)
    _click_in_content(visit, HEARING_CHAPTER)
    expect(visit.page.locator("h1")).to_contain_text(HEARING_CHAPTER)
    _click_in_content(visit, HEARING_TITLE)
    page = visit.page
    expect(page.locator("h1")).to_contain_text(HEARING_TITLE)
    banner = page.locator(".kb-hearing")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Høringsutkast")
    expect(banner).to_contain_text(HEARING_DEADLINE)
    source = page.locator("a.kb-source")
    expect(source).to_be_visible()
    expect(source).to_have_text("Kilde: helsedirektoratet.no")
    assert (source.get_attribute("href") or "").startswith(HEARING_SOURCE)
    expect(page.locator(".kb-meta")).to_contain_text("Siste faglige endring: 16. februar 2024")
    expect(page.locator(".kb-cite")).to_contain_text("Slik siterer du")
    assert visit.foreign_requests() == []


def _search(visit: Visit, phrase: str) -> None:
    query = visit.page.locator("input.md-search__input")
    query.click()
    query.press_sequentially(phrase, delay=20)  # Material reads the query on keyup
    expect(visit.page.locator(".md-search-result__item").first).to_be_visible(timeout=15_000)
    visit.snap()


def test_search_finds_a_recommendation_phrase(
    open_site: OpenSite, root: str, doc_pages: list[DocPage]
) -> None:
    visit = open_site(root)
    visit.goto("index.html")
    _search(visit, SEARCH_PHRASE)
    hits = visit.page.locator(".md-search-result__item a.md-search-result__link")
    hrefs = [hits.nth(i).get_attribute("href") or "" for i in range(hits.count())]
    target = _hearing_page(doc_pages).rel
    assert any(target in href for href in hrefs), hrefs
    hits.first.click()
    visit.page.wait_for_load_state("load")
    expect(visit.page.locator("h1")).to_contain_text(HEARING_TITLE)
    assert visit.foreign_requests() == []


def _axe(visit: Visit, axe_source: str) -> list[dict[str, object]]:
    visit.page.add_script_tag(content=axe_source)
    return visit.page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target + "")}))"""
    )


@pytest.mark.parametrize("where", ["home", "recommendation", "chapter", "search"])
@pytest.mark.parametrize("kind", ["file", "http"])
def test_no_serious_accessibility_violations(
    open_site: OpenSite,
    request: pytest.FixtureRequest,
    built: BuiltSite,
    doc_pages: list[DocPage],
    axe_source: str,
    where: str,
    kind: str,
) -> None:
    root = request.getfixturevalue("http_root") if kind == "http" else built.site.as_uri() + "/"
    visit = open_site(root, bypass_csp=True)  # axe is injected as an inline script
    hearing = _hearing_page(doc_pages)
    chapter = find_page(doc_pages, kind="chapter", title=HEARING_CHAPTER)
    pages = {"home": "index.html", "recommendation": hearing.rel, "chapter": chapter.rel}
    visit.goto(pages.get(where, "index.html"))
    if where == "search":
        _search(visit, SEARCH_PHRASE)
    violations = _axe(visit, axe_source)
    print(f"axe {kind} {where}: {violations}")
    assert [v for v in violations if v["impact"] in SERIOUS] == []


def test_http_site_satisfies_its_content_security_policy(
    open_site: OpenSite, http_root: str, doc_pages: list[DocPage]
) -> None:
    visit = open_site(http_root)
    visit.page.add_init_script(
        """window.__csp = [];
        document.addEventListener("securitypolicyviolation",
            e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));"""
    )
    console: list[str] = []
    visit.page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    visit.goto(_hearing_page(doc_pages).rel)
    _search(visit, SEARCH_PHRASE)
    assert visit.page.evaluate("window.__csp") == []
    assert [c for c in console if "Content Security Policy" in c] == []
    assert visit.foreign_requests() == []


def test_print_shows_content_only_with_sections_open(
    open_site: OpenSite, built: BuiltSite, doc_pages: list[DocPage]
) -> None:
    visit = open_site(built.site.as_uri() + "/", media="print")
    visit.goto(_hearing_page(doc_pages).rel)
    page = visit.page
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
    sections = page.locator("details > p:first-of-type")
    assert sections.count() > 0
    for i in range(sections.count()):
        expect(sections.nth(i)).to_be_visible()
    expect(page.locator("a.kb-source")).to_be_visible()


def test_every_printed_sheet_carries_source_and_dates(
    open_site: OpenSite, built: BuiltSite, doc_pages: list[DocPage]
) -> None:
    long_page = find_page(doc_pages, kind="page", source_file=LONG_PAGE_SOURCE)
    visit = open_site(built.site.as_uri() + "/", media="print")
    visit.goto(long_page.rel)
    pdf = pdfplumber.open(io.BytesIO(visit.page.pdf(format="A4")))
    with pdf:
        assert len(pdf.pages) >= 2, "the long page should need several sheets"
        for sheet in pdf.pages:
            text = sheet.extract_text()
            assert "Kilde: https://www.helsedirektoratet.no/retningslinjer/utmattelse" in text
            assert "Hentet fra kilden: 4. februar 2026" in text
            assert "Skrevet ut fra nettstedet bygget" in text
            assert "Innholdsliste" not in text  # no navigation or table of contents
            _assert_footer_clear_of_body(sheet)


def _assert_footer_clear_of_body(sheet: pdfplumber.page.Page) -> None:
    words = sheet.extract_words()
    footer_top = min(w["top"] for w in words if w["text"] == "Kilde:" and w["top"] > 600)
    body = [w for w in words if w["top"] < footer_top - 1]
    assert max(w["bottom"] for w in body) < footer_top, "body text runs into the footer"
