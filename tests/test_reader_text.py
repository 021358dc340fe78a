"""Golden tests for the text-capture reader on the four real captures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helsekb.model import BlockType, ListItem, Page, SectionKind
from helsekb.readers import ReaderError, SourceEntry
from helsekb.readers.text import SUPPLEMENTARY_TITLE, read_capture
from tests.conftest import SOURCES

FASTLEGEN = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
VIRKSOMHET = "utmattelse--virksomhetsleder-bor-sorge-for-forutsigbar-oppfolging.txt"
PSYKISK = "psykisk-helse-og-rusarbeid--i-hovedforlop-3-bor-kommunen-samarbeide.txt"
COVID = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"
ALL = [FASTLEGEN, VIRKSOMHET, PSYKISK, COVID]
CHROME = (
    "Gå til hovedinnhold", "Om Helsedirektoratet", "Personvernerklæring", "Følg oss",
    "Du benytter en nettleser", "Se tidligere versjoner", "Forsiden", "åpne data",
)  # fmt: skip


def read(name: str, **kw: str):
    path = SOURCES / name
    return read_capture(path.read_bytes(), SourceEntry(path, "capture", name, **kw))


def page_of(name: str) -> Page:
    return read(name).pages[0]


def page_text(page: Page) -> str:
    parts = [page.title, *(r.raw for r in page.references)]
    for block in page.blocks():
        parts.append(block.text)
        parts.extend(i.text for i in walk(block.items))
    return "\n".join(parts)


def walk(items: list[ListItem]) -> list[ListItem]:
    return [x for i in items for x in (i, *walk(i.children))]


def headings(page: Page, kind: SectionKind) -> list[str]:
    section = next(s for s in page.sections if s.kind is kind)
    return [b.text for b in section.blocks if b.type is BlockType.HEADING]


def test_fastlegen_metadata() -> None:
    result = read(FASTLEGEN)
    page = result.pages[0]
    assert page.title.startswith("Fastlegen bør igangsette og koordinere tiltak")
    assert result.document.title == "Utmattelse – langvarig utmattelse, inkl. ME/CFS"
    assert result.document.type == "Nasjonal faglig retningslinje"
    assert page.chapter == "Utredning, behandling og oppfølging"
    assert page.status == "høringsutkast"
    assert page.retrieved == date(2026, 2, 4)
    assert page.cite_as.startswith("Helsedirektoratet (2026). Fastlegen bør")
    assert page.source_url.endswith("fortlopende--ogsa-under-utredning")


def test_fastlegen_sections_and_headings() -> None:
    page = page_of(FASTLEGEN)
    assert [s.kind for s in page.sections] == [
        SectionKind.RECOMMENDATION,
        SectionKind.SUPPLEMENTARY,
    ]
    assert page.sections[1].title == SUPPLEMENTARY_TITLE
    assert headings(page, SectionKind.RECOMMENDATION) == [
        "Henvisning til rehabilitering i spesialisthelsetjenesten",
        "Legemidler",
        "NAV",
        "Barn som pårørende",
        "Behandling og tiltak rettet mot symptomer/belastninger/faktorer identifisert i "
        "kartleggingen",
    ]
    assert headings(page, SectionKind.SUPPLEMENTARY) == [
        "Ved bedring", "Individuell plan", "Dokumentasjon til Nav", "Nav", "Legemidler",
    ]  # fmt: skip


def test_captures_never_label_praktisk_or_begrunnelse() -> None:
    for name in ALL:
        kinds = {s.kind for s in page_of(name).sections}
        assert not kinds & {SectionKind.PRAKTISK, SectionKind.BEGRUNNELSE}, name


def test_references_per_capture() -> None:
    counts = {name: len(page_of(name).references) for name in ALL}
    assert counts == {FASTLEGEN: 4, VIRKSOMHET: 3, PSYKISK: 4, COVID: 0}
    first = page_of(PSYKISK).references[1]
    assert first.raw.startswith("Hunt, G. E., Siegfried, N.")
    assert first.provenance is not None and first.provenance.line is not None


def test_psykisk_hearing_and_dates() -> None:
    page = page_of(PSYKISK)
    assert page.hearing_notice == "Ekstern høring: Høringsfrist: 16. mai 2024."
    assert page.hearing_deadline == date(2024, 5, 16)
    assert page.last_reviewed == date(2024, 2, 16)
    assert page.last_reviewed_text == "Siste faglige endring: 16. februar 2024"
    assert page.retrieved == date(2025, 11, 2)
    assert page.chapter == "Kartlegging og hovedforløp"
    notice = page.sections[0].blocks[0]
    assert notice.type is BlockType.NOTICE and notice.text.startswith("Anbefalingen er faglig")


def test_psykisk_catalogue_url_overrides_qa_host() -> None:
    public = "https://www.helsedirektoratet.no/veiledere/x"
    assert read(PSYKISK).diagnostics, "QA host must be reported without a catalogue URL"
    result = read(PSYKISK, url=public)
    assert result.pages[0].source_url == public
    assert not result.diagnostics


def test_psykisk_list_nesting() -> None:
    page = page_of(PSYKISK)
    lists = [b for b in page.blocks() if b.type is BlockType.LIST]
    kartlegging = next(b for b in lists if b.items[0].text.startswith("Kartlegg egne ressurser"))
    assert [len(i.children) for i in kartlegging.items] == [0, 0, 0, 0, 3]
    assert (
        kartlegging.items[4].children[2].text
        == "Konferer med fastlegen dersom den som henviser ikke selv er fastlegen."
    )
    oppfolging = next(
        i for b in lists for i in b.items if i.text.startswith("Oppfølging i hovedforløp 3")
    )
    assert [c.text for c in oppfolging.children][:3] == ["fastlege", "koordinerende enhet", "NAV"]


def test_covid_report_chapter() -> None:
    result = read(COVID)
    page = result.pages[0]
    assert page.title == "4. Oppsummering av de mest sentrale tiltakene"
    assert page.last_reviewed == date(2022, 6, 1)
    assert page.sections[0].kind is SectionKind.SECTION
    (bullets,) = [b for b in page.blocks() if b.type is BlockType.LIST]
    assert len(bullets.items) == 11
    assert [len(i.children) for i in bullets.items[:3]] == [0, 2, 4]
    assert result.boilerplate == [
        "Du benytter en nettleser vi ikke støtter. Se informasjon om nettlesere"
    ]


def test_virksomhetsleder_without_indentation_keeps_everything_in_one_section() -> None:
    page = page_of(VIRKSOMHET)
    assert [s.kind for s in page.sections] == [SectionKind.RECOMMENDATION]
    assert "Etisk refleksjon og veiledning" in headings(page, SectionKind.RECOMMENDATION)
    nested = next(i for b in page.blocks() for i in b.items if i.text == "Hvordan ivareta:")
    assert [c.text for c in nested.children] == [
        "behov for sosial kontakt",
        "fysisk og kognitive funksjoner",
    ]


@pytest.mark.parametrize("name", ALL)
def test_the_reference_list_is_in_the_checked_main_text(name: str) -> None:
    """The fidelity check must see the references too (a capture without indentation once
    lost them from its main text, so nothing checked that they reached the output)."""
    result = read(name)
    refs = [r.raw for p in result.pages for r in p.references]
    assert all(ref in result.main_text for ref in refs), name
    if name == VIRKSOMHET:
        assert len(refs) == 3


@pytest.mark.parametrize("name", ALL)
def test_no_site_chrome_in_page(name: str) -> None:
    text = page_text(page_of(name))
    for chrome in CHROME:
        assert chrome not in text, (name, chrome)


@pytest.mark.parametrize("name", ALL)
def test_every_main_sentence_in_page_model(name: str) -> None:
    result = read(name)
    page = result.pages[0]
    text = " ".join(page_text(page).split())
    meta = " ".join([page.hearing_notice, page.last_reviewed_text, page.cite_as])
    for line in result.main_text.splitlines():
        line = " ".join(line.split()).rstrip(" ,")
        assert line in text or line in meta, line


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty capture"),
        (b"\n \n\t\n", "empty capture"),
        ("Gå til hovedinnhold\nÅ være\n".encode("cp1252"), "windows-1252"),
        (b"abc\x00def", "NUL"),
    ],
)
def test_bad_text_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ReaderError) as err:
        read_capture(data, SourceEntry(Path("x.txt"), "capture", "x.txt"))
    assert message in str(err.value) and str(err.value).startswith("x.txt")


def test_utf16_with_bom_is_read() -> None:
    data = (SOURCES / COVID).read_text(encoding="utf-8").encode("utf-16")
    page = read_capture(data, SourceEntry(Path("c.txt"), "capture", "c.txt")).pages[0]
    assert page.title == "4. Oppsummering av de mest sentrale tiltakene"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_reader_never_crashes(data: bytes) -> None:
    try:
        result = read_capture(data, SourceEntry(Path("f.txt"), "capture", "f.txt"))
    except ReaderError as exc:
        assert str(exc).startswith("f.txt: ")
    else:
        assert result.pages and result.pages[0].title
