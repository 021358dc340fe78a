"""The HTML reader on the four saved helsedirektoratet.no pages, and on hostile input."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helsekb.model import HOERINGSUTKAST, BlockType, Page, SectionKind, Span
from helsekb.readers import chrome
from helsekb.readers.base import ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import clean_inline, sentences
from helsekb.readers.fragments import MAX_LIST_DEPTH, iter_items, iter_spans
from helsekb.readers.html import FALLBACK, read_html
from helsekb.report import Level

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "html"
CAPTURES = ROOT / "source_docs"
FASTLEGEN = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak"
VIRKSOMHET = "utmattelse--virksomhetsleder-bor-sorge-for-forutsigbar-oppfolging"
PSYKISK = "psykisk-helse-og-rusarbeid--i-hovedforlop-3-bor-kommunen-samarbeide"
COVID = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene"
PAGES = (FASTLEGEN, VIRKSOMHET, PSYKISK, COVID)
SITE = "https://www.helsedirektoratet.no"
UTMATTELSE = "Utmattelse – langvarig utmattelse, inkl. ME/CFS"
RECOMMENDATION = [
    (SectionKind.RECOMMENDATION, ""),
    (SectionKind.PRAKTISK, "Praktisk – slik kan anbefalingen følges"),
    (SectionKind.BEGRUNNELSE, "Begrunnelse – dette er anbefalingen basert på"),
]
HTML_ONLY_CHROME = ("Slik siterer du", "Åpne data (API)", "Søk på helsedirektoratet.no")

EXPECTED = {
    FASTLEGEN: {
        "title": "Fastlegen bør igangsette og koordinere tiltak som kan stabilisere og fremme "
        "funksjon fortløpende – også under utredning",
        "document": (UTMATTELSE, "Nasjonal faglig retningslinje", HOERINGSUTKAST),
        "chapter": "Utredning, behandling og oppfølging",
        "status": HOERINGSUTKAST,
        "hearing": ("Ekstern høring:", None),
        "reviewed": ("", None),
        "retrieved": date(2026, 2, 4),
        "source_url": f"{SITE}/retningslinjer/utmattelse-langvarig-utmattelse-inkl.me-cfs-"
        "horingsutkast/utredning-behandling-og-oppfolging/fastlegen-bor-igangsette-og-"
        "koordinere-tiltak-som-kan-stabilisere-og-fremme-funksjon-fortlopende--ogsa-under-utredning",
        "sections": RECOMMENDATION,
        "counts": {"references": 4, "list_items": 24, "headings": 10, "blocks": 37},
    },
    VIRKSOMHET: {
        "title": "Virksomhetsleder bør sørge for en forutsigbar og koordinert oppfølging av "
        "pasienter med behov for helsehjelp i hjemmet eller på institusjon",
        "document": (UTMATTELSE, "Nasjonal faglig retningslinje", HOERINGSUTKAST),
        "chapter": "Behov for helsehjelp i hjemmet eller på institusjon",
        "status": HOERINGSUTKAST,
        "hearing": ("Ekstern høring:", None),
        "reviewed": ("", None),
        "retrieved": date(2026, 2, 4),
        "source_url": f"{SITE}/retningslinjer/utmattelse-langvarig-utmattelse-inkl.me-cfs-"
        "horingsutkast/behov-for-helsehjelp-i-hjemmet-eller-pa-institusjon/virksomhetsleder-bor-"
        "sorge-for-en-forutsigbar-og-koordinert-oppfolging-av-pasienter-med-behov-for-"
        "helsehjelp-i-hjemmet-eller-pa-institusjon",
        "sections": RECOMMENDATION,
        "counts": {"references": 3, "list_items": 22, "headings": 5, "blocks": 31},
    },
    PSYKISK: {
        "title": "I hovedforløp 3 bør kommunen samarbeide med spesialisthelsetjenesten om "
        "oppfølging og behandling ved alvorlige og langvarige psykiske lidelser eller ruslidelser",
        "document": (
            "Psykisk helse- og rusarbeid for voksne",
            "Nasjonal veileder",
            HOERINGSUTKAST,
        ),
        "chapter": "Kartlegging og hovedforløp",
        "status": HOERINGSUTKAST,
        "hearing": ("Ekstern høring: Høringsfrist: 16. mai 2024.", date(2024, 5, 16)),
        "reviewed": ("Siste faglige endring: 16. februar 2024", date(2024, 2, 16)),
        "retrieved": date(2025, 11, 2),
        "source_url": f"{SITE}/veiledere/psykisk-helse-og-rusarbeid-for-voksne-horingsutkast/"
        "kartlegging-og-hovedforlop/i-hovedforlop-3-bor-kommunen-samarbeide-med-"
        "spesialisthelsetjenesten-om-oppfolging-og-behandling-ved-alvorlige-og-langvarige-"
        "psykiske-lidelser-eller-ruslidelser",
        "sections": RECOMMENDATION,
        "counts": {"references": 4, "list_items": 57, "headings": 4, "blocks": 43},
    },
    COVID: {
        "title": "4. Oppsummering av de mest sentrale tiltakene",
        "document": ("Nasjonal plan for covid-19-rehabilitering", "Rapport", ""),
        "chapter": "",
        "status": "",
        "hearing": ("", None),
        "reviewed": ("Sist faglig oppdatert: 01. juni 2022", date(2022, 6, 1)),
        "retrieved": None,
        "source_url": f"{SITE}/rapporter/nasjonal-plan-for-covid-19-rehabilitering/"
        "oppsummering-av-de-mest-sentrale-tiltakene",
        "sections": [(SectionKind.SECTION, "")],
        "counts": {"references": 0, "list_items": 17, "headings": 0, "blocks": 2},
    },
}


def read(name: str, data: bytes | None = None, **entry: str) -> ReadResult:
    path = FIXTURES / f"{name}.html"
    raw = path.read_bytes() if data is None else data
    return read_html(raw, SourceEntry(path, "html", path.name, **entry))


def read_page(name: str) -> Page:
    result = read(name)
    assert len(result.pages) == 1
    return result.pages[0]


def item_texts(page: Page) -> list[str]:
    return [item.text for block in page.blocks() for item in iter_items(block.items)]


def page_text(page: Page) -> str:
    """Everything the writers publish: title, blocks, references, front-matter fields."""
    fields = [page.title, page.document.title, page.chapter, page.hearing_notice]
    fields += [page.last_reviewed_text, page.cite_as]
    blocks = [block.text for block in page.blocks()] + item_texts(page)
    return "\n".join(fields + blocks + [ref.raw for ref in page.references])


def all_spans(result: ReadResult) -> list[Span]:
    return [span for page in result.pages for span in iter_spans(page.blocks())]


@pytest.mark.parametrize("name", PAGES)
def test_page_metadata(name: str) -> None:
    expected = EXPECTED[name]
    result = read(name)
    page = result.pages[0]
    assert page.title == expected["title"]
    assert (result.document.title, result.document.type, result.document.status) == expected[
        "document"
    ]
    assert page.document == result.document
    assert page.chapter == expected["chapter"]
    assert page.status == expected["status"]
    assert (page.hearing_notice, page.hearing_deadline) == expected["hearing"]
    assert (page.last_reviewed_text, page.last_reviewed) == expected["reviewed"]
    assert page.retrieved == expected["retrieved"]
    assert page.source_url == expected["source_url"]
    assert page.source_file == f"{name}.html"
    assert result.diagnostics == []


@pytest.mark.parametrize("name", PAGES)
def test_sections_in_order(name: str) -> None:
    page = read_page(name)
    assert [(s.kind, s.title) for s in page.sections] == EXPECTED[name]["sections"]


@pytest.mark.parametrize("name", PAGES)
def test_pinned_counts(name: str) -> None:
    page = read_page(name)
    headings = [b for b in page.blocks() if b.type is BlockType.HEADING]
    counts = {
        "references": len(page.references),
        "list_items": len(item_texts(page)),
        "headings": len(headings),
        "blocks": len(page.blocks()),
    }
    assert counts == EXPECTED[name]["counts"]
    assert {b.level for b in headings} <= {1}


def test_cite_as_and_document_url() -> None:
    result = read(PSYKISK)
    page = result.pages[0]
    assert page.cite_as.startswith("Helsedirektoratet (2024). I hovedforløp 3 bør kommunen")
    assert "(siste faglige endring 16. februar 2024, lest 02. november 2025)" in page.cite_as
    assert "helsedir-xpqa-helsedir.enonic.cloud" in page.cite_as
    assert "enonic.cloud" not in page.source_url
    veileder = f"{SITE}/veiledere/psykisk-helse-og-rusarbeid-for-voksne-horingsutkast"
    assert result.document.url == veileder
    assert read_page(COVID).cite_as == ""


def test_normative_statement_is_the_first_notice() -> None:
    first = read_page(PSYKISK).sections[0].blocks[0]
    assert first.type is BlockType.NOTICE
    assert first.text.startswith("Anbefalingen er faglig normerende")
    assert [b.type for b in read_page(FASTLEGEN).blocks()].count(BlockType.NOTICE) == 0


def test_covid_nested_lists() -> None:
    (section,) = read_page(COVID).sections
    lists = [b for b in section.blocks if b.type is BlockType.LIST]
    assert len(lists) == 1 and not lists[0].ordered
    items = lists[0].items
    assert [len(item.children) for item in items] == [0, 2, 4] + [0] * 8
    assert items[1].text.endswith("veilede pasienter og pårørende, herunder:")
    assert items[1].children[1].text == (
        "Brosjyrer, videoer, oversatt materiell, markedsføring, nettverksmøter og seminarer."
    )
    assert items[2].children[1].text.startswith("Vurdere om informasjonen på samlesiden")


def test_nested_list_in_praktisk() -> None:
    page = read_page(PSYKISK)
    praktisk = next(s for s in page.sections if s.kind is SectionKind.PRAKTISK)
    parents = [i for b in praktisk.blocks for i in b.items if i.children]
    assert [len(i.children) for i in parents] == [3, 8]
    assert parents[1].children[2].text == "NAV"


def test_hidden_collapsible_content_is_read() -> None:
    page = read_page(FASTLEGEN)
    by_kind = {s.kind: " ".join(b.text for b in s.blocks) for s in page.sections}
    assert "Ved bedring anbefales fortsatt oppfølging hos fastlege" in by_kind["praktisk"]
    assert "Pasientgruppen er heterogen" in by_kind["begrunnelse"]
    assert page.references[3].raw.startswith("SBU (2024). Insatser vid postcovid")
    assert [r.url for r in page.references] == [
        None,
        None,
        "https://www.nice.org.uk/guidance/ng206",
        "https://www.sbu.se/379",
    ]


def test_a_nested_collapsibles_heading_moves_first_and_no_text_is_lost() -> None:
    html = (
        "<main id='main'><h1>Side</h1><div class='b-recommendation__text'><p>Tekst.</p></div>"
        "<div class='b-collapsible'><h2 class='b-collapsible__heading'>Praktisk</h2>"
        "<div class='b-collapsible'>Før overskriften. <h3 class='b-collapsible__heading'>Indre"
        "</h3>Rett etter overskriften. <p>Avsnitt.</p></div></div></main>"
    )
    page = read(COVID, html.encode()).pages[0]
    praktisk = next(s for s in page.sections if s.kind is SectionKind.PRAKTISK)
    assert [b.text for b in praktisk.blocks] == [
        "Indre",
        "Før overskriften. Rett etter overskriften.",
        "Avsnitt.",
    ]


def test_links_are_kept_with_their_hrefs() -> None:
    spans = all_spans(read(FASTLEGEN))
    law = Span("helsepersonelloven § 10a", "https://lovdata.no/lov/1999-07-02-64/§10a")
    assert law in spans
    linked = [s for s in spans if s.href]
    assert len(linked) == 5  # 4 in the body, 1 in Praktisk (2 more are in references)
    assert all(s.href.startswith("https://") for s in linked)
    paragraph = next(b for b in read_page(FASTLEGEN).blocks() if "§ 10a" in b.text)
    assert paragraph.text.startswith("Helsepersonell skal sørge for at barn med syke foresatte")
    assert "jf. helsepersonelloven § 10a. Se mer informasjon" in paragraph.text


@pytest.mark.parametrize("name", PAGES)
def test_provenance_names_the_source_line(name: str) -> None:
    page = read_page(name)
    lines = (FIXTURES / f"{name}.html").read_text(encoding="utf-8").splitlines()
    items = [item for block in page.blocks() for item in iter_items(block.items)]
    located = [(b.text, b.provenance) for b in page.blocks() if b.type is not BlockType.LIST]
    located += [(i.spans[0].text, i.provenance) for i in items]
    located += [(r.raw, r.provenance) for r in page.references]
    for text, provenance in located:
        assert provenance is not None and provenance.file == f"{name}.html"
        source_line = clean_inline(unescape(re.sub(r"<[^>]*>", "", lines[provenance.line - 1])))
        assert source_line.startswith(text[:20])
    for block in page.blocks():
        assert block.provenance is not None and block.provenance.line is not None


@pytest.mark.parametrize("name", PAGES)
def test_no_boilerplate_reaches_the_page(name: str) -> None:
    result = read(name)
    text = page_text(result.pages[0])
    assert "Gå til hovedinnhold" in result.boilerplate
    assert "Om Helsedirektoratet" in result.boilerplate
    for boilerplate in (*result.boilerplate, *chrome.BOILERPLATE, *HTML_ONLY_CHROME):
        assert boilerplate not in text
        assert boilerplate not in result.main_text


@pytest.mark.parametrize("name", PAGES)
def test_every_main_text_sentence_is_in_the_page(name: str) -> None:
    result = read(name)
    text = page_text(result.pages[0])
    assert len(sentences(result.main_text)) > 10
    missing = [s for s in sentences(result.main_text) if s not in text]
    assert missing == []


def capture_lines(name: str) -> list[str]:
    """The capture's main-content lines, as the brief defines them."""
    lines = []
    for raw in (CAPTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        line = clean_inline(raw).removeprefix("•").strip()
        if line.startswith(chrome.FOOTER_START):
            break
        chrome_line = line.startswith((chrome.BREADCRUMB_HOME, "Ekstern høring:"))
        chrome_line |= line in (chrome.SKIP_LINK, chrome.BROWSER_WARNING)
        chrome_line |= line.startswith("Helsedirektoratet (") and "[nettdokument]" in line
        if line and not chrome_line:
            # The page-meta line ends in the "Se tidligere versjoner" link label (chrome).
            lines.append(line.removesuffix(f" {chrome.EARLIER_VERSIONS}"))
    return lines


@pytest.mark.parametrize("name", PAGES)
def test_capture_and_html_give_the_same_text(name: str) -> None:
    text = page_text(read_page(name))
    lines = capture_lines(name)
    assert len(lines) > 10
    assert [line for line in lines if line not in text] == []


def test_entry_overrides_what_the_page_says() -> None:
    result = read(
        COVID,
        url="https://example.org/covid",
        document="Covid-planen",
        document_type="Plan",
        document_url="https://example.org/plan",
    )
    page = result.pages[0]
    assert page.source_url == "https://example.org/covid"
    assert (result.document.title, result.document.type) == ("Covid-planen", "Plan")
    assert result.document.url == "https://example.org/plan"


def test_relative_links_resolve_against_the_canonical_url() -> None:
    html = (FIXTURES / f"{FASTLEGEN}.html").read_text(encoding="utf-8")
    html = html.replace(
        'href="https://www.helsedirektoratet.no/veiledere/parorendeveileder/', 'href="/v/'
    )
    html = html.replace(
        'href="https://lovdata.no/lov/1999-07-02-64/§10a"', 'href="javascript:alert(1)"'
    )
    spans = all_spans(read(FASTLEGEN, html.encode()))
    assert (
        Span("pårørendeveilederen", f"{SITE}/v/informasjon-og-stotte-til-barn-som-parorende")
        in spans
    )
    assert Span("helsepersonelloven § 10a", None) not in spans  # merged into the paragraph
    assert not any("javascript" in (s.href or "") + s.text for s in spans)
    assert any("jf. helsepersonelloven § 10a. Se mer" in s.text for s in spans)


HOSTILE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/r">
<title>Fiendtlig</title><script>alert('HEAD-PAYLOAD')</script>
<style>body{x:'STYLE-PAYLOAD'}</style>
</head><body onload="alert('BODY-ONLOAD')"><main id="main">
<h1 onclick="alert('H1-CLICK')">Fiendtlig side</h1>
<div class="b-recommendation__text"><p onclick="alert('P-CLICK')">Trygg tekst.</p>
<script>document.write('SCRIPT-PAYLOAD')</script>
<iframe src="https://evil.example/f">IFRAME-PAYLOAD</iframe>
<svg onload="alert('SVG-ONLOAD')"><text>SVG-PAYLOAD</text></svg>
<object data="https://evil.example/o">OBJECT-PAYLOAD</object>
<embed src="https://evil.example/e"><p>Trygg etter embed.</p>
<noscript>NOSCRIPT-PAYLOAD</noscript><template>TEMPLATE-PAYLOAD</template>
<form action="https://evil.example/form"><input value="INPUT-PAYLOAD">
<textarea>TEXTAREA-PAYLOAD</textarea><button>BUTTON-PAYLOAD</button></form>
<p><a href="javascript:alert('JS-HREF')">lenke en</a>
<a href="JaVaScRiPt:alert('MIXED-HREF')">lenke to</a>
<a href="&#106;avascript:alert('ENTITY-HREF')">lenke tre</a>
<a href="java&#x09;script:alert('TAB-HREF')">fire</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">lenke fem</a>
<a href="vbscript:msgbox('VB-HREF')">lenke seks</a>
<a href="/trygg" onclick="alert('A-CLICK')">trygg lenke</a></p>
<img src="x" onerror="alert('IMG-ONERROR')" alt="IMG-ALT"></div></main></body></html>"""


def test_hostile_html_is_sanitised() -> None:
    result = read(COVID, HOSTILE.encode(), url="https://www.helsedirektoratet.no/rapporter/x/y")
    spans = all_spans(result)
    published = " ".join(s.text + " " + (s.href or "") for s in spans) + page_text(result.pages[0])
    published += result.main_text
    for payload in ("PAYLOAD", "ONLOAD", "CLICK", "HREF", "ONERROR", "IMG-ALT", "evil.example"):
        assert payload not in published
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert scheme not in published.lower()
    assert "Trygg tekst." in published
    assert "Trygg etter embed." in published  # libxml2 nests it in <embed>: unwrapped, kept
    assert Span("trygg lenke", "https://www.helsedirektoratet.no/trygg") in spans
    for text in ("lenke en", "lenke to", "lenke tre", "fire", "lenke fem", "lenke seks"):
        assert text in published  # the text stays, the link goes
    assert [s.href for s in spans if s.href] == ["https://www.helsedirektoratet.no/trygg"]


def test_ten_thousand_deep_nesting_does_not_crash() -> None:
    depth = 10_000
    html = "<main><h1>Dyp</h1>" + "<div>" * depth + "<p>Innerst.</p>" + "</div>" * depth
    result = read(COVID, html.encode())
    assert "Innerst." in page_text(result.pages[0])
    lists = "<main><h1>Lister</h1>" + "<ul><li>punkt" * depth + "</li></ul>" * depth
    page = read(COVID, lists.encode()).pages[0]
    (block,) = page.blocks()
    items = list(iter_items(block.items))
    assert len(items) == depth
    parent = block.items[0]  # depth 1
    for _ in range(MAX_LIST_DEPTH - 2):
        (parent,) = parent.children
    # the items at MAX_LIST_DEPTH and deeper are all kept, as siblings at MAX_LIST_DEPTH
    assert len(parent.children) == depth - MAX_LIST_DEPTH + 1
    assert all(not item.children for item in parent.children)
    spans = "<main><h1>Spenn</h1><p>" + "<span>" * depth + "tekst" + "</span>" * depth
    assert read(COVID, spans.encode()).pages[0].blocks()[0].text == "tekst"


def test_text_after_the_closing_html_tag_keeps_the_whole_page() -> None:
    """libxml2 opens a second root for text after ``</html>``; the page must survive it
    (the text itself is outside ``<main>``, so not main content)."""
    html = (FIXTURES / f"{FASTLEGEN}.html").read_text(encoding="utf-8") + "0\n"
    result = read(FASTLEGEN, html.encode())
    page = result.pages[0]
    assert page.title == EXPECTED[FASTLEGEN]["title"]
    assert page.document.title == UTMATTELSE
    assert [(s.kind, s.title) for s in page.sections[:3]] == RECOMMENDATION
    assert result == read(FASTLEGEN)


def test_names_lxml_refuses_become_neutral_elements_and_keep_their_text() -> None:
    html = (
        "<main><h1>Brutt</h1><p>Før <pwned='x'\">inni lenken</a> etter.</p>"
        '<p\x01 class="a\x02b" data-x="\x03">Kontrolltegn i attributter.</p>'
        "<div>Ikke lukket<ul><li>punkt"
    )
    page = read(COVID, html.encode()).pages[0]
    published = page_text(page)
    for text in ("Før", "inni lenken", "etter.", "Kontrolltegn i attributter.", "punkt"):
        assert text in published


def test_source_lines_are_the_lines_of_the_start_tags() -> None:
    html = "<main>\n<h1>Tittel</h1>\n\n<p>Første.</p>\n<ul>\n<li>punkt</li></ul>\n</main>"
    page = read(COVID, html.encode()).pages[0]
    paragraph, listing = page.blocks()
    assert page.provenance.line == 2
    assert (paragraph.provenance.line, listing.provenance.line) == (4, 5)
    assert listing.items[0].provenance.line == 6


def test_page_without_site_structure_uses_generic_extraction() -> None:
    html = """<html><head><title>Et notat - Helsedirektoratet</title></head><body>
    <header><a href="/">Logo</a></header><nav>Meny</nav>
    <article><p>Første avsnitt.</p><h2>Del</h2><p>Andre <a href="/x">avsnitt</a>.</p></article>
    <aside>Relatert</aside><footer>Bunntekst</footer></body></html>"""
    result = read(COVID, html.encode(), url="https://www.helsedirektoratet.no/a/b")
    page = result.pages[0]
    assert [(d.level, d.message) for d in result.diagnostics] == [(Level.WARNING, FALLBACK)]
    assert page.title == "Et notat"
    assert [b.text for b in page.blocks()] == ["Første avsnitt.", "Del", "Andre avsnitt."]
    assert Span("avsnitt", "https://www.helsedirektoratet.no/x") in all_spans(result)
    for chrome_text in ("Logo", "Meny", "Bunntekst"):
        assert chrome_text not in page_text(page)


def test_renamed_body_class_falls_back_and_loses_nothing() -> None:
    html = (FIXTURES / f"{PSYKISK}.html").read_text(encoding="utf-8")
    result = read(PSYKISK, html.replace("b-recommendation__text", "b-new-text").encode())
    page = result.pages[0]
    assert [d.message for d in result.diagnostics] == [FALLBACK]
    assert page.title == EXPECTED[PSYKISK]["title"]
    assert [s.kind for s in page.sections] == [
        SectionKind.SECTION,
        *[k for k, _ in RECOMMENDATION[1:]],
    ]
    assert len(page.references) == 4
    assert [s for s in sentences(result.main_text) if s not in page_text(page)] == []


def test_unknown_content_in_main_is_kept_with_a_warning() -> None:
    html = (FIXTURES / f"{COVID}.html").read_text(encoding="utf-8")
    html = html.replace(
        "</article>", "<div class='b-new'><p>Ny boks med innhold.</p></div></article>"
    )
    result = read(COVID, html.encode())
    assert result.pages[0].sections[-1].blocks[0].text == "Ny boks med innhold."
    assert [d.level for d in result.diagnostics] == [Level.WARNING]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b" \n\t", "empty file"),
        (b"<html><body><script>alert(1)</script></body></html>", "no main content found"),
        (b"<html><head><title>Bare tittel</title></head><body></body></html>", "no main content"),
        (b'<meta charset="windows-1252"><p>Hei</p>', "declares charset 'windows-1252'"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>x</p>',
            "declares charset 'iso-8859-1'",
        ),
        ("<p>Blåbær</p>".encode("cp1252"), "not valid UTF-8"),
    ],
)
def test_bad_input_gives_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read("feil", data)
    assert str(caught.value).startswith("feil.html: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_utf8_charset_declarations_are_accepted() -> None:
    for meta in (
        '<meta charset="UTF-8">',
        '<meta http-equiv="content-type" content="text/html; charset=utf-8">',
    ):
        page = read("ok", f"{meta}<main><h1>T</h1><p>Tekst.</p></main>".encode()).pages[0]
        assert page.title == "T"


def test_reading_is_deterministic() -> None:
    assert read(PSYKISK) == read(PSYKISK)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_arbitrary_input_returns_a_result_or_a_reader_error(data: bytes) -> None:
    try:
        result = read("fuzz", data)
    except ReaderError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(result, ReadResult) and len(result.pages) == 1


TAGS = st.sampled_from(["p", "div", "ul", "li", "ol", "a", "h2", "h4", "span", "script", "main"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TAGS, st.text(max_size=30), st.booleans()), max_size=40))
def test_arbitrary_markup_returns_a_result_or_a_reader_error(parts: list) -> None:
    html = "".join(
        f"<{tag} href='{text}'>{text}" + (f"</{tag}>" if close else "")
        for tag, text, close in parts
    )
    try:
        result = read("fuzz", html.encode())
    except ReaderError:
        return
    assert len(result.pages) == 1
