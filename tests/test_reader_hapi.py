"""The content-API reader on four real HAPI responses, variants of them, and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helsekb.model import HOERINGSUTKAST, BlockType, Page, SectionKind
from helsekb.readers.base import ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import sentences
from helsekb.readers.fragments import iter_items, iter_spans
from helsekb.readers.hapi import read_hapi
from helsekb.report import Level

FIXTURES = Path(__file__).parent / "fixtures" / "hapi"
SAMPLES = ("anbefaling", "kapittel", "rad", "retningslinje")
BOM = b"\xef\xbb\xbf"
SITE = "https://www.helsedirektoratet.no"
PRAKTISK = (SectionKind.PRAKTISK, "Praktisk – slik kan anbefalingen følges")
BEGRUNNELSE = (SectionKind.BEGRUNNELSE, "Begrunnelse – dette er anbefalingen basert på")

EXPECTED = {
    "anbefaling": {
        "title": "Sentrale ledergrep for å sikre bedre oppfølging av personer med store og "
        "sammensatte behov",
        "document": (
            "Veileder om oppfølging av personer med store og sammensatte behov",
            "Nasjonal veileder",
        ),
        "chapter": "Bedre oppfølging av pasienter og brukere med omfattende behov for tjenester "
        "krever tydelig ledelse",
        "sections": [(SectionKind.RECOMMENDATION, "")],
        "dates": (date(2018, 1, 17), date(2018, 1, 17)),
        "counts": {"blocks": 21, "headings": 10, "list_items": 0, "api_links_dropped": 4},
    },
    "kapittel": {
        "title": "Fagspesifikk innledning - psykisk helsevern for voksne",
        "document": (
            "Prioriteringsveileder – psykisk helsevern for voksne",
            "Prioriteringsveileder",
        ),
        "chapter": "",
        "sections": [(SectionKind.SECTION, "")],
        "dates": (date(2015, 10, 12), date(2015, 10, 6)),
        "counts": {"blocks": 51, "headings": 19, "list_items": 0, "api_links_dropped": 0},
    },
    "rad": {
        "title": "Kommunen bør i samråd med aktuelle leger utarbeide kriterier for hvilke "
        "pasienter/pasientgrupper som kan tilbys multidose",
        "document": ("Nasjonale faglige råd for multidoseordningen", "Nasjonale faglige råd"),
        "chapter": "Samhandling og rutiner",
        "sections": [(SectionKind.RECOMMENDATION, ""), PRAKTISK, BEGRUNNELSE],
        "dates": (date(2019, 9, 25), date(2020, 3, 3)),
        "counts": {"blocks": 12, "headings": 0, "list_items": 6, "api_links_dropped": 1},
    },
}


def sample(name: str) -> bytes:
    return (FIXTURES / f"{name}-by-id.json").read_bytes()


def variant(name: str, **changes: object) -> bytes:
    item = json.loads(sample(name).decode("utf-8-sig"))
    item.update(changes)
    return json.dumps(item, ensure_ascii=False).encode()


def read(name: str, data: bytes | None = None, url: str = "") -> ReadResult:
    path = FIXTURES / f"{name}-by-id.json"
    entry = SourceEntry(path, "hapi", path.name, url=url)
    return read_hapi(sample(name) if data is None else data, entry)


def page_text(page: Page) -> str:
    items = [i.text for b in page.blocks() for i in iter_items(b.items)]
    return "\n".join([page.title, *(b.text for b in page.blocks()), *items])


@pytest.mark.parametrize("name", EXPECTED)
def test_sample_converts_to_one_page(name: str) -> None:
    expected = EXPECTED[name]
    result = read(name)
    (page,) = result.pages
    item = json.loads(sample(name).decode("utf-8-sig"))
    assert page.title == expected["title"]
    assert (result.document.title, result.document.type) == expected["document"]
    assert result.document.url == ""  # the root link only gives an API address
    assert page.chapter == expected["chapter"]
    assert [(s.kind, s.title) for s in page.sections] == expected["sections"]
    assert (page.first_published, page.last_reviewed) == expected["dates"]
    assert page.status == ""
    assert page.source_url == item["url"] and page.source_url.startswith(SITE)
    assert page.source_file == f"{name}-by-id.json"


@pytest.mark.parametrize("name", EXPECTED)
def test_pinned_counts(name: str) -> None:
    result = read(name)
    blocks = result.pages[0].blocks()
    counts = {
        "blocks": len(blocks),
        "headings": sum(b.type is BlockType.HEADING for b in blocks),
        "list_items": sum(1 for b in blocks for _ in iter_items(b.items)),
        "api_links_dropped": len(result.diagnostics),
    }
    assert counts == EXPECTED[name]["counts"]


@pytest.mark.parametrize("name", EXPECTED)
def test_every_main_text_sentence_is_in_the_page(name: str) -> None:
    result = read(name)
    text = page_text(result.pages[0])
    assert len(sentences(result.main_text)) >= 5
    assert [s for s in sentences(result.main_text) if s not in text] == []


@pytest.mark.parametrize("name", SAMPLES)
def test_the_byte_order_mark_is_handled(name: str) -> None:
    data = sample(name)
    assert data.startswith(BOM)
    assert read(name, data) == read(name, data.removeprefix(BOM))


@pytest.mark.parametrize("name", SAMPLES)
def test_no_link_points_at_the_api(name: str) -> None:
    result = read(name)
    for page in result.pages:
        assert not any(
            "api.helsedirektoratet.no" in (s.href or "") for s in iter_spans(page.blocks())
        )
    for diagnostic in result.diagnostics:
        assert diagnostic.level is Level.WARNING
        assert "https://api.helsedirektoratet.no/innhold/" in diagnostic.message


def test_api_link_text_is_kept_without_the_link() -> None:
    (page,) = read("rad").pages
    begrunnelse = next(s for s in page.sections if s.kind is SectionKind.BEGRUNNELSE)
    first = begrunnelse.blocks[0]
    assert first.text.startswith("I rapporten Multidose – status og veien videre foreslås det")
    assert [s.href for s in first.spans] == [None, None, None]  # before, link text, after
    hrefs = [s.href for s in iter_spans(begrunnelse.blocks) if s.href]
    assert hrefs[0].startswith("https://www.fhi.no/publ/2011/gjennomgang-og-forbedring")


def test_a_public_url_in_the_items_links_replaces_an_api_link() -> None:
    api = "https://api.helsedirektoratet.no/innhold/rapporter/0006-0032-145fba91-9ff8-4572-9b97-740a9efcfb96"
    public = f"{SITE}/rapporter/multidose-status-og-veien-videre"
    item = json.loads(sample("rad").decode("utf-8-sig"))
    item["links"].append({"rel": "barn", "type": "rapport", "href": api, "url": public})
    result = read("rad", json.dumps(item).encode())
    assert public in [s.href for s in iter_spans(result.pages[0].blocks())]
    assert result.diagnostics == []


def test_rad_praktisk_section() -> None:
    (page,) = read("rad").pages
    praktisk = next(s for s in page.sections if s.kind is SectionKind.PRAKTISK)
    (listing,) = [b for b in praktisk.blocks if b.type is BlockType.LIST]
    assert [i.text for i in listing.items][:2] == [
        "tar flere legemidler fast",
        "ikke har hyppige endringer av legemiddelbehandlingen",
    ]
    assert praktisk.blocks[0].provenance.path == "data.praktisk"


def test_headings_styled_as_list_items_stay_headings() -> None:
    (page,) = read("anbefaling").pages
    headings = [b for b in page.blocks() if b.type is BlockType.HEADING]
    assert (
        headings[0].text == "Øverste leder skal sikre systematisk kvalitetsforbedring i tjenestene"
    )
    assert {b.level for b in headings} == {1}
    assert not any(b.type is BlockType.LIST for b in page.blocks())


def test_kapittel_heading_levels_are_relative() -> None:
    (page,) = read("kapittel").pages
    levels = {b.text: b.level for b in page.blocks() if b.type is BlockType.HEADING}
    assert levels["Tilstander i prioriteringsveilederen"] == 1  # <h2>
    assert levels["Funksjonsfall"] == 3  # <h4>
    assert levels["Suicidalitet"] == 3


def test_top_node_gives_no_page_and_a_document() -> None:
    result = read("retningslinje")
    assert result.pages == [] and result.intro == []
    title = "Nasjonal faglig retningslinje for langtids mekanisk ventilasjon (LTMV)"
    assert result.document.title == title
    assert result.document.type == "Nasjonal faglig retningslinje"
    assert result.document.url == f"{SITE}/retningslinjer/langtids-mekanisk-ventilasjon-ltmv"
    assert result.main_text == ""


def test_lenker_is_accepted_for_links() -> None:
    item = json.loads(sample("rad").decode("utf-8-sig"))
    item["lenker"] = item.pop("links")
    result = read("rad", json.dumps(item).encode())
    assert result == read("rad")
    assert result.pages[0].chapter == "Samhandling og rutiner"


def test_entry_url_overrides_the_items_url() -> None:
    result = read("rad", url="https://example.org/rad")
    assert result.pages[0].source_url == "https://example.org/rad"


def test_optional_fields_become_blocks_and_sections() -> None:
    data = variant(
        "rad",
        intro="<p>En kort innledning.</p>",
        status="Ekstern høring",
        data={
            "styrke": "Sterk anbefaling",
            "praktisk": "<p>Praktisk tekst.</p>",
            "nokkelInfo": {"fordeler": "<p>Fordel.</p>", "ulemper": "<p>Ulempe.</p>"},
        },
    )
    result = read("rad", data)
    (page,) = result.pages
    assert page.status == HOERINGSUTKAST
    main = page.sections[0]
    assert [(b.type, b.text) for b in main.blocks[:2]] == [
        (BlockType.PARAGRAPH, "En kort innledning."),
        (BlockType.NOTICE, "Sterk anbefaling"),
    ]
    assert [(s.kind, s.title) for s in page.sections[1:]] == [
        PRAKTISK,
        (SectionKind.NOKKELINFO, "Nøkkelinformasjon"),
    ]
    assert [b.text for b in page.sections[2].blocks] == ["Fordel.", "Ulempe."]
    for text in ("En kort innledning.", "Sterk anbefaling", "Fordel.", "Ulempe."):
        assert text in result.main_text


def test_hostile_html_in_a_field_is_sanitised() -> None:
    tekst = (
        "<p>Trygg.<script>alert('PAYLOAD')</script></p><iframe>PAYLOAD</iframe>"
        '<p><a href="javascript:alert(1)">lenke</a><img src=x onerror="alert(2)"></p>'
    )
    result = read("rad", variant("rad", tekst=tekst))
    main = result.pages[0].sections[0]
    assert [b.text for b in main.blocks] == ["Trygg.", "lenke"]
    assert [s.href for s in iter_spans(main.blocks)] == [None, None]
    assert "PAYLOAD" not in result.main_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{\n  "tittel": "x",\n    oops\n}', "invalid JSON at line 3 column 5: Expecting"),
        (b"", "empty file"),
        (BOM, "empty file"),
        (b"[1, 2]", "expected a JSON object (one content item), got an array"),
        (b"[]", "got an array"),
        (b'"tekst"', "got a string"),
        (b"42", "got a number"),
        (b"null", "got null"),
        (b'{"tekst": "<p>Uten tittel</p>"}', "missing 'tittel'"),
        (b'{"tittel": 7}', "missing 'tittel'"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),
        ('{"tittel": "UTF-16"'.encode("utf-16"), "invalid JSON at line 1 column 20"),
        (b'{"tittel": "Bl\xe5b\xe6r"}', "not valid UTF-8"),
    ],
)
def test_bad_input_gives_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ReaderError) as caught:
        read("feil", data)
    assert str(caught.value).startswith("feil-by-id.json: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_one_element_array_holding_the_item_is_accepted() -> None:
    data = b"[" + sample("rad").removeprefix(BOM) + b"]"
    assert read("rad", data) == read("rad")


def test_item_without_content_gives_no_page() -> None:
    result = read(
        "kapittel", b'{"tittel": "Tomt kapittel", "tekniskeData": {"infoType": "kapittel"}}'
    )
    assert result.pages == []
    assert [d.level for d in result.diagnostics] == [Level.INFO]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_return_a_result_or_a_reader_error(data: bytes) -> None:
    try:
        read("fuzz", data)
    except ReaderError as exc:
        assert "\n" not in str(exc)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
FIELDS = st.sampled_from(
    ["tittel", "tekst", "intro", "data", "links", "lenker", "url", "status", "tekniskeData",
     "forstPublisert", "sistFagligOppdatert", "praktisk", "styrke", "rel", "type", "href"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, JSON | st.text(max_size=60).map(lambda t: f"<p>{t}</p>")))
def test_arbitrary_items_return_a_result_or_a_reader_error(item: dict) -> None:
    try:
        result = read("fuzz", json.dumps(item).encode())
    except ReaderError as exc:
        assert "tittel" in str(exc)
    else:
        assert len(result.pages) <= 1
