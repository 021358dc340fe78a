"""Golden tests for the PDF reader on the real Pakkeforløp PDF, plus small generated PDFs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helsekb.model import Block, BlockType, ListItem, Page
from helsekb.readers import ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import clean_inline, sentences
from helsekb.readers.pdf import read_pdf
from helsekb.readers.pdf_layout import MAX_PAGES, join_text, page_chars
from tests.conftest import FIXTURES, SOURCES
from tests.fixtures.pdf.minipdf import Encryption, build, show

NAME = "pakkeforlop-psykisk-helse-og-rus-fastleger-og-spesialisthelsetjeneste.pdf"
CAPTURE = FIXTURES / "captures" / "pakkeforlop-psykisk-helse-og-rus-oslo--pdf-tekstuttrekk.txt"
TITLE = (
    "Pakkeforløp for psykisk helse og rus – Anbefalinger om samarbeid mellom fastleger og "
    "spesialisthelsetjeneste i hovedstadsområdet"
)
PAGE_TITLES = [
    "1. Hva anbefalingene gjelder",
    "2. Overordnet for alle pakkeforløpene",
    "3. Anbefalinger knyttet til samhandlingspunktene i pakkeforløpene",
]
SH = (
    "Spesialisthelsetjenesten i Oslo universitetssykehus, Akershus universitetssykehus, "
    "Lovisenberg diakonale sykehus og Diakonhjemmet sykehus for Psykisk helsevern voksne, "
    "Psykisk helsevern for barn og unge, Tverrfaglig spesialisert rusbehandling"
)
ABBREVIATIONS = {"EPJ": "Elektronisk pasientjournal", "FL": "Fastlege(r)", "SH": SH}
TOC_ONLY = ("Innhold", "4. Vedlegg", "Veiledning for henvisninger til pakkeforløp")


def read(data: bytes, name: str = NAME, **kw: str) -> ReadResult:
    return read_pdf(data, SourceEntry(Path(name), "pdf", name, **kw))


@pytest.fixture(scope="module")
def result() -> ReadResult:
    return read((SOURCES / NAME).read_bytes())


def all_items(items: list[ListItem]) -> list[ListItem]:
    return [x for item in items for x in (item, *all_items(item.children))]


def block_texts(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        out.append(block.text)
        out.extend(i.text for i in all_items(block.items))
    return out


def page_text(page: Page) -> str:
    return clean_inline(" ".join([page.title, *block_texts(page.blocks())]))


def written_text(res: ReadResult) -> str:
    intro = [t for s in res.intro for t in [s.title, *block_texts(s.blocks)]]
    return clean_inline(" ".join([res.document.title, *intro, *map(page_text, res.pages)]))


def headings(page: Page) -> list[tuple[int, str]]:
    return [(b.level, b.text) for b in page.blocks() if b.type is BlockType.HEADING]


def find_item(res: ReadResult, start: str) -> ListItem:
    items = [i for p in res.pages for b in p.blocks() for i in all_items(b.items)]
    return next(i for i in items if i.text.startswith(start))


def test_document_title_and_type(result: ReadResult) -> None:
    assert result.document.title == TITLE
    assert result.document.type == "Regional anbefaling"
    assert result.document.url == ""


def test_entry_overrides_title_type_and_url() -> None:
    url = "https://example.org/pakkeforlop.pdf"
    res = read(
        (SOURCES / NAME).read_bytes(), document="Annen tittel", document_type="Rapport", url=url
    )
    assert (res.document.title, res.document.type, res.document.url) == (
        "Annen tittel",
        "Rapport",
        url,
    )
    assert {p.source_url for p in res.pages} == {url}


def test_one_page_per_top_level_heading(result: ReadResult) -> None:
    assert [p.title for p in result.pages] == PAGE_TITLES
    assert {(p.chapter, p.source_file) for p in result.pages} == {("", NAME)}
    assert [p.provenance.page for p in result.pages if p.provenance] == [1, 2, 3]


def test_provenance_on_every_block_and_item(result: ReadResult) -> None:
    blocks = [b for p in result.pages for b in p.blocks()]
    items = [i for b in blocks for i in all_items(b.items)]
    assert len(blocks) == 30 and len(items) == 58  # 15 headings, 3 paragraphs, 12 lists
    assert all(x.provenance and x.provenance.file == NAME for x in [*blocks, *items])
    assert {x.provenance.page for x in [*blocks, *items] if x.provenance} == {1, 2, 3, 4}


def test_heading_tree_of_page_2(result: ReadResult) -> None:
    assert headings(result.pages[1]) == [
        (1, "2.1 Generelt"),
        (1, "2.2 Somatisk helse og levevaner"),
        (1, "2.3 Psykofarmaka"),
    ]


def test_heading_tree_of_page_3_follows_font_size_not_numbering(result: ReadResult) -> None:
    assert headings(result.pages[2]) == [
        (1, "1. Henvisning og start"),
        (2, "1.2 Kartlegging og henvisning"),
        (2, "1.4 Start pakkeforløp"),
        (2, "1.5 Fastlegens samarbeid med forløpskoordinatorene i SH og kommune"),
        (1, "2. Kartlegging og utredning"),
        (2, "2.2 Basisutredning - Differensialdiagnostisk vurdering"),
        (2, "2.3 Vurdering og beslutning om videre forløp etter basis utredning"),
        (1, "3. Behandling og oppfølging"),
        (2, "3.1 Planlegging av behandling - Somatisk helse."),
        (2, "3.2 Samhandling i forløpet"),
        (1, "4. Avslutning og videre oppfølging"),
        (2, "4.2 Avsluttende samtale"),
    ]


def test_list_nesting_by_position(result: ReadResult) -> None:
    item = find_item(result, "Ved poliklinisk behandling")
    assert [c.text for c in item.children] == [
        "FL har som hovedregel ansvar for å følge opp somatisk helse for hjemmeboende pasienter.",
        "SH har ansvar for at somatiske forhold som avdekkes av SH eller utløses av behandling "
        "initiert av SH, blir fulgt opp, enten hos FL eller på poliklinikken.",
    ]
    examples = find_item(result, "Samarbeidet baseres på en felles forståelse")
    assert len(examples.children) == 10 and examples.children[-1].text == "Tannhelse"


def test_hard_breaks_become_continuations(result: ReadResult) -> None:
    avslag = find_item(result, "Ved avslag")
    assert "".join(s.text for s in avslag.spans) == "Ved avslag"
    assert [[s.text for s in c] for c in avslag.continuation] == [
        ["Begrunnelse for avslag samt relevant veiledning gis i avslagsbrev."]
    ]
    behov = find_item(result, "Ved behov for innhenting av supplerende informasjon fra FL")
    assert [c[0].text for c in behov.continuation] == ["Handlingsalternativ"]
    assert [c.text[:20] for c in behov.children] == ["Telefonisk kontakt o", "Elektronisk sendt no"]
    labels = [i for p in result.pages for b in p.blocks() for i in all_items(b.items)]
    assert sum(c[0].text == "Handlingsalternativ" for i in labels for c in i.continuation) == 4


def test_paragraph_after_list_at_the_lead_paragraphs_indent(result: ReadResult) -> None:
    types = [b.type for b in result.pages[0].blocks()]
    assert types == [BlockType.PARAGRAPH, BlockType.LIST, BlockType.PARAGRAPH]
    assert result.pages[0].blocks()[2].text.startswith("Anbefalingene skal også legges til grunn")


def test_wrapped_sentences_are_whole(result: ReadResult) -> None:
    text = " ".join(map(page_text, result.pages))
    for sentence in (
        "Bruk av psykofarmaka må tilpasses pasientens øvrige legemiddelbehandling.",
        "Der hvor FL har behandlingsansvaret, må SH være lett tilgjengelig for rådgivning, særlig "
        "ved bruk av antipsykotiske og stemningsstabiliserende legemidler.",
        "Anbefalingene gjelder samarbeid mellom fastleger og spesialisthelsetjeneste i "
        "hovedstadsområdet i følgende pakkeforløp:",
    ):
        assert sentence in text


def test_no_contents_and_no_page_numbers(result: ReadResult) -> None:
    texts = [written_text(result), result.main_text]
    assert not [t for t in TOC_ONLY for text in texts if t in text]
    assert not [line for line in result.main_text.splitlines() if line.strip().isdigit()]
    assert "3 2.3 Psykofarmaka" not in written_text(result)
    numbers = [t for p in result.pages for t in block_texts(p.blocks()) if t.strip().isdigit()]
    assert numbers == []
    assert [d.message for d in result.diagnostics] == ["table of contents left out (9 entries)"]


def test_intro_holds_tagline_and_abbreviation_list(result: ReadResult) -> None:
    tagline, forkortelser = result.intro
    assert (tagline.title, [b.text for b in tagline.blocks]) == (
        "",
        ["Anbefalingene skal særlig sikre ivaretakelse av somatisk helse og levevaner"],
    )
    assert forkortelser.title == "Forkortelser"
    (block,) = forkortelser.blocks
    assert [i.text for i in block.items] == [
        "EPJ: Elektronisk pasientjournal",
        "FL: Fastlege(r)",
        f"SH: {SH.split(' for ')[0]} for",
    ]
    assert [c.text for c in block.items[2].children] == [
        "Psykisk helsevern voksne,",
        "Psykisk helsevern for barn og unge",
        "Tverrfaglig spesialisert rusbehandling",
    ]


def test_abbreviations_on_every_page(result: ReadResult) -> None:
    assert [p.abbreviations for p in result.pages] == [ABBREVIATIONS] * 3


def test_every_sentence_of_main_text_is_in_the_pages(result: ReadResult) -> None:
    wanted = sentences(result.main_text)
    assert len(wanted) == 112
    written = written_text(result)
    assert [s for s in wanted if clean_inline(s) not in written] == []


def capture_lines() -> list[str]:
    """The text extract's lines, bullets stripped, without its contents list and page number."""
    lines = [clean_inline(x) for x in CAPTURE.read_text(encoding="utf-8").splitlines()]
    lines = [re.sub(r"^(\uf0b7|o|-) ", "", x) for x in lines if x and not x.isdigit()]
    start = lines.index("Innhold:")
    end = lines.index(lines[start + 1], start + 2)
    return lines[:start] + lines[end:]


def test_main_text_has_every_line_of_the_independent_text_extract(result: ReadResult) -> None:
    lines = capture_lines()
    assert len(lines) == 136
    main = clean_inline(result.main_text.replace("\n", " "))
    assert [x for x in lines if x.rstrip(":") not in main] == []


def test_reading_is_deterministic(result: ReadResult) -> None:
    assert read((SOURCES / NAME).read_bytes()) == result


L, R = 50.0, 545.0


def full(y: float, text: str) -> bytes:
    """A justified line that reaches the right margin."""
    return show(L, y, text, to=R)


def synthetic_pages() -> list[bytes]:
    header = show(L, 800, "Testdokument – utkast", 9)
    first = [
        show(L, 740, "Syntetisk testdokument", 24, "F2"),
        show(L, 700, "1. Første kapittel", 16, "F2"),
        full(670, "Denne linjen fyller hele bredden av tekstfeltet og slutter med behand-"),
        show(L, 655, "lingen er viktig. Kort linje."),
        full(640, "Her kommer en ny linje som fyller bredden og som slutter med ordet helse-"),
        show(L, 625, "og omsorgstjenester samarbeider godt."),
        full(595, "Dette avsnittet fyller også hele bredden av tekstfeltet og nå fortsetter"),
    ]
    second = [
        show(L, 770, "det på neste side uten brudd."),
        show(L, 740, "2. Andre kapittel", 16, "F2"),
        show(L, 715, "\u2022 Et punkt i en liste"),
    ]
    return [
        b"".join([header, *first, show(R - 6, 40, "1")]),
        b"".join([header, *second, show(R - 6, 40, "2")]),
    ]


def test_hyphenation_page_breaks_and_running_headers() -> None:
    res = read(build(synthetic_pages()), "synthetic.pdf")
    assert res.document.title == "Syntetisk testdokument"
    assert [p.title for p in res.pages] == ["1. Første kapittel", "2. Andre kapittel"]
    assert [b.text.split(" med ")[-1] for b in res.pages[0].blocks()] == [
        "behandlingen er viktig. Kort linje.",
        "ordet helse- og omsorgstjenester samarbeider godt.",
        "Dette avsnittet fyller også hele bredden av tekstfeltet og nå fortsetter det på neste "
        "side uten brudd.",
    ]
    assert [i.text for i in res.pages[1].blocks()[0].items] == ["Et punkt i en liste"]
    assert "Testdokument" not in written_text(res) + res.main_text
    assert [s for s in sentences(res.main_text) if s not in written_text(res)] == []


@pytest.mark.parametrize(
    ("a", "b", "joined"),
    [
        ("god behand-", "ling", "god behandling"),
        ("helse-", "og omsorg", "helse- og omsorg"),
        ("psykisk helse-", "eller rus", "psykisk helse- eller rus"),
        ("covid-", "19-rehabilitering", "covid-19-rehabilitering"),
        ("Nord-", "Norge", "Nord-Norge"),
        ("et ord -", "og mer", "et ord - og mer"),
        ("vanlig", "linje", "vanlig linje"),
    ],
)
def test_join_text(a: str, b: str, joined: str) -> None:
    assert join_text(a, b) == joined


def bad_input_error(data: bytes) -> str:
    with pytest.raises(ReaderError) as info:
        read(data, "bad.pdf")
    assert info.value.file == "bad.pdf"
    assert "\n" not in info.value.message
    return info.value.message


@pytest.mark.parametrize("data", [b"", b"  \n"])
def test_empty_file(data: bytes) -> None:
    assert bad_input_error(data) == "empty file"


def test_not_a_pdf() -> None:
    assert bad_input_error(b"<!doctype html><p>hei</p>") == "not a PDF (no %PDF header)"


@pytest.mark.parametrize("share", [0.002, 0.3, 0.5, 0.9, 0.9998])
def test_truncated_pdf(share: float) -> None:
    data = (SOURCES / NAME).read_bytes()
    assert bad_input_error(data[: int(len(data) * share)]).startswith("truncated PDF")


def test_damaged_pdf_with_an_end_marker() -> None:
    data = (SOURCES / NAME).read_bytes()
    assert bad_input_error(data[:20000] + b"\n%%EOF\n").startswith("cannot read PDF (")


def test_encrypted_pdf_needing_a_password() -> None:
    data = build(synthetic_pages(), encryption=Encryption(b"hemmelig"))
    assert bad_input_error(data) == "encrypted PDF: it needs a password to be read"


def test_encrypted_pdf_with_an_empty_user_password_is_read() -> None:
    data = build(synthetic_pages(), compress=True, encryption=Encryption(b""))
    assert read(data).main_text == read(build(synthetic_pages())).main_text


def test_pdf_without_pages() -> None:
    assert bad_input_error(build([])) == "PDF has no pages"
    assert bad_input_error(build([], count=1)) == "PDF has 0 pages (expected 1 to 2000)"


def test_pdf_without_text_layer() -> None:
    assert bad_input_error(build([b"0 0 100 100 re f\n"] * 2)) == "no text layer (scanned?)"


def test_page_without_text_among_text_pages_is_a_warning() -> None:
    res = read(build([*synthetic_pages(), b"0 0 100 100 re f\n"]))
    assert [(d.level, d.message, d.location) for d in res.diagnostics] == [
        ("warning", "page 3 has no text layer (scanned?)", "page 3")
    ]


def test_too_many_pages() -> None:
    data = build([b""] * (MAX_PAGES + 1))
    assert bad_input_error(data) == f"too many pages ({MAX_PAGES + 1}; limit {MAX_PAGES})"


def test_decompression_bomb() -> None:
    data = build([b"%" + b" " * (65 * 2**20)], compress=True)
    assert len(data) < 100_000
    assert bad_input_error(data) == "stream 6 too large (decompression bomb?)"


SMALL = build(synthetic_pages(), compress=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SMALL) - 1), st.integers(0, 255)), max_size=8))
def test_damaged_bytes_give_a_result_or_one_clear_error(flips: list[tuple[int, int]]) -> None:
    data = bytearray(SMALL)
    for at, value in flips:
        data[at] = value
    try:
        res = read(bytes(data))
    except ReaderError as exc:
        assert exc.file == NAME and exc.message and "\n" not in exc.message
    else:
        assert res.main_text.strip()


def test_without_title_block_or_headings_the_file_name_is_the_title() -> None:
    res = read(build([show(L, 700, "Bare en linje med tekst.")]), "notat.pdf")
    assert res.document.title == "notat"
    assert [(p.title, [b.text for b in p.blocks()]) for p in res.pages] == [
        ("notat", ["Bare en linje med tekst."])
    ]
    assert [d.message for d in res.diagnostics] == [
        "no title block; the title is taken from the file name"
    ]


@pytest.mark.parametrize("source", ["oslo", "shifted-mediabox"])
def test_page_chars_are_pdfplumbers_chars_less_the_colours(source: str) -> None:
    """The reader's characters carry pdfplumber's values for every key they have, in
    pdfplumber's order: its words and lines come out as from ``page.chars``."""
    if source == "oslo":
        data = (SOURCES / NAME).read_bytes()
    else:  # a MediaBox that does not start at (0, 0) shifts every coordinate
        data = build([show(72, 700, "Forskjøvet side."), show(72, 680, "To linjer.")])
        data = data.replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [9 7 595 842]")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert source == "oslo" or pdf.pages[0].mediabox[:2] == (9, -7)  # y from the top
        for page in pdf.pages:
            ours, theirs = page_chars(page), page.chars
            assert theirs and len(ours) == len(theirs)
            pairs = zip(ours, theirs, strict=True)
            assert ours == [{key: c[key] for key in mine} for mine, c in pairs]
