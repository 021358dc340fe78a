"""In-text citations, the bibliography and its BibTeX / RIS exports, on the real corpus."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helsekb import pipeline
from helsekb.enrichers.citations import Entries, find, is_acronym
from helsekb.enrichers.crosslinks import link_range
from helsekb.enrichers.references import parse
from helsekb.model import Reference, Span
from helsekb.report import Level, RunReport
from helsekb.writers import views
from tests.conftest import FIXTURES, SOURCES

FASTLEGEN = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
VIRKSOMHET = "utmattelse--virksomhetsleder-bor-sorge-for-forutsigbar-oppfolging.txt"
PSYKISK = "psykisk-helse-og-rusarbeid--i-hovedforlop-3-bor-kommunen-samarbeide.txt"

LINKED = {
    FASTLEGEN: {
        "Hestevik CH, Langøien LJ, Bergsund HB, 2025": "ref-hestevik-2025",
        "NICE, 2021": "ref-national-institute-for-health-2021",
        "Statens beredning för medicinsk och social utvärdering, 2024": "ref-sbu-2024",
    },
    VIRKSOMHET: {
        "Sommerfelt et al, 2023": "ref-sommerfelt-2023",
        "Bakken et al, 2023": "ref-bakken-2023",
    },
    PSYKISK: {
        "Hunt et al., 2019": "ref-hunt-2019",
        "Chang et al., 2021": "ref-chang-2021",
        "Solmi et al., 2021": "ref-solmi-2021",
        "Vermeulen et al., 2017": "ref-vermeulen-2017",
    },
}
UNRESOLVED = {FASTLEGEN: ["Sunhedsstyrelsen, 2025"], VIRKSOMHET: ["Krabbe et al, 2023"]}


def kb_json(out: Path) -> dict[str, Any]:
    return json.loads((out / "kb.json").read_text(encoding="utf-8"))


def pages_by_source(out: Path) -> dict[str, dict[str, Any]]:
    return {p["source_file"]: p for d in kb_json(out)["documents"] for p in d["pages"]}


def markdown_of(out: Path, page: dict[str, Any]) -> str:
    return (out / page["path"]).read_text(encoding="utf-8")


def test_every_citation_with_an_entry_is_linked(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    pages = pages_by_source(out)
    for source, wanted in LINKED.items():
        citations = {c["text"]: c["reference"] for c in pages[source]["citations"]}
        assert {t: r for t, r in citations.items() if r} == wanted, source
        text = markdown_of(out, pages[source])
        for cited, ref_id in wanted.items():
            assert f"[{cited}](#{ref_id})" in text
            assert f"{{: #{ref_id} .kb-reference }}" in text


def test_unresolved_citations_stay_text_and_are_reported(
    converted: tuple[RunReport, Path],
) -> None:
    run, out = converted
    pages = pages_by_source(out)
    reported = {f.file: [_quoted(d.message) for d in f.diagnostics] for f in run.files}
    reported = {k: [t for t in v if t] for k, v in reported.items()}
    assert {k: v for k, v in reported.items() if v} == UNRESOLVED
    for source, texts in UNRESOLVED.items():
        assert [c["text"] for c in pages[source]["citations"] if not c["reference"]] == texts
        body = markdown_of(out, pages[source])
        for text in texts:
            assert text in body and f"[{text}]" not in body
    levels = {d.level for f in run.files for d in f.diagnostics if "citation" in d.message}
    assert levels == {Level.WARNING}


def _quoted(message: str) -> str:
    m = re.match(r"citation '(.+?)' matches", message)
    return m.group(1) if m else ""


def test_no_citation_links_elsewhere(converted: tuple[RunReport, Path]) -> None:
    """The Oslo PDF and the covid page cite nothing; "(kommer i 2020)" is no citation."""
    _, out = converted
    pages = pages_by_source(out)
    citing = {s for s, p in pages.items() if p["citations"]}
    assert citing == {FASTLEGEN, VIRKSOMHET, PSYKISK}
    assert sum(len(p["citations"]) for p in pages.values()) == 11


def test_acronyms_resolve_only_where_the_entry_supports_them() -> None:
    nice = (
        "National Institute for Health and Care Excellence (2021). Myalgic. NICE guideline [NG206]."
    )
    plain = "National Institute for Health and Care Excellence (2021). Myalgic encephalomyelitis."
    sbu = "SBU (2024). Insatser. Stockholm: Statens beredning för medicinsk och social utvärdering"
    sbu += " (SBU); 2024."
    defactum = "DEFACTUM (2025). Afdækning. Aarhus: DEFACTUM, Region Midtjylland, 2025."
    refs = [_ref(raw, f"r{n}") for n, raw in enumerate([nice, sbu, defactum])]
    entries = Entries(refs)

    def resolved(text: str) -> list[str]:
        return [r.id for f in find(f"({text})") for r in entries.resolve(f)]

    assert resolved("NICE, 2021") == ["r0"]
    assert resolved("Statens beredning för medicinsk och social utvärdering, 2024") == ["r1"]
    assert resolved("SBU, 2024") == ["r1"]
    assert resolved("Sunhedsstyrelsen, 2025") == []
    assert resolved("NICE, 2020") == []
    assert Entries([_ref(plain, "p")]).resolve(next(find("(NICE, 2021)"))) == []
    assert is_acronym("NICE", "National Institute for Health and Care Excellence")
    assert not is_acronym("NHS", "National Institute for Health and Care Excellence")


def _ref(raw: str, ref_id: str) -> Reference:
    f = parse(raw)
    return Reference(raw, id=ref_id, authors=f.authors, year=f.year, title=f.title)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("(Hunt et al., 2019)", [("Hunt et al.", "2019")]),
        ("(Solmi et al., 2021; Vermeulen et al., 2017)", [("Solmi et al.", "2021"),
                                                          ("Vermeulen et al.", "2017")]),
        ("(Bakken et al, 2023 og Krabbe et al, 2023)", [("Bakken et al", "2023"),
                                                        ("Krabbe et al", "2023")]),
        ("Hunt et al. (2019) viser", [("Hunt et al.", "2019")]),
        ("(kommer i 2020)", []),
        ("(HDir IS 2642)", []),
        ("(lov av 2. juli 1999 nr. 62 om psykisk helsevern)", []),
    ],
)  # fmt: skip
def test_citation_forms(text: str, found: list[tuple[str, str]]) -> None:
    assert [(f.authors, f.year) for f in find(text)] == found


@given(st.text(max_size=200), st.integers(0, 200), st.integers(0, 200))
def test_link_range_keeps_the_text_and_never_nests(text: str, a: int, b: int) -> None:
    spans = [Span(text[:50]), Span(text[50:100], "https://example.org"), Span(text[100:])]
    spans = [s for s in spans if s.text]
    linked = link_range(spans, min(a, b), max(a, b), "#x")
    assert "".join(s.text for s in spans) == text
    assert linked == any(s.href == "#x" for s in spans)
    assert not link_range(spans, min(a, b), max(a, b), "#x")


def test_bibliography_has_one_item_per_reference(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    bib = kb_json(out)["bibliography"]
    assert len(bib) == 11 and len({b["id"] for b in bib}) == 11
    by_id = {b["id"]: b for b in bib}
    assert by_id["ref-hunt-2019"]["cited_by"] == [
        "psykisk-helse-og-rusarbeid-for-voksne/kartlegging-og-hovedforlop/"
        "i-hovedforlop-3-bor-kommunen-samarbeide-med-spesialisthelsetjenesten-om"
    ]
    uncited = sorted(b["id"] for b in bib if not b["cited_by"])
    assert uncited == ["ref-casson-2023", "ref-defactum-2025"]
    assert all(len(b["listed_in"]) == 1 for b in bib)
    page = (out / "bibliografi" / "index.md").read_text(encoding="utf-8")
    assert page.count(".kb-reference }") == 11 and "kind: view" in page
    assert "(../psykisk-helse-og-rusarbeid-for-voksne/kartlegging-og-hovedforlop/" in page
    assert "#p-internasjonal-forskning-tyder-pa-at)" in page


def test_duplicates_across_sources_are_merged(tmp_path: Path) -> None:
    """The psykisk page as capture and as HTML: 4 references, each listed and cited twice."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SOURCES / PSYKISK, sources)
    shutil.copy(FIXTURES / "html" / PSYKISK.replace(".txt", ".html"), sources)
    run = pipeline.convert(sources, tmp_path / "docs")
    assert not run.failed
    bib = kb_json(tmp_path / "docs")["bibliography"]
    assert [b["id"] for b in bib] == [
        "ref-chang-2021", "ref-hunt-2019", "ref-solmi-2021", "ref-vermeulen-2017",
    ]  # fmt: skip
    assert all(len(b["listed_in"]) == 2 and len(b["cited_by"]) == 2 for b in bib)


def test_bibtex_and_ris_exports(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    bibtex = (out / "bibliografi" / "helsekb.bib").read_text(encoding="utf-8")
    assert bibtex.count("\n@") + bibtex.startswith("@") == 11
    assert "@article{hunt-2019,\n  author = {Hunt, G. E. and Siegfried, N." in bibtex
    assert "  journal = {Cochrane database of systematic reviews},\n  year = {2019}" in bibtex
    assert "author = {{National Institute for Health and Care Excellence}}" in bibtex
    assert "pages = {793--803}" in bibtex and "urldate = {2026-01-20}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    ris = (out / "bibliografi" / "helsekb.ris").read_text(encoding="utf-8")
    records = [r for r in ris.split("ER  - ") if r.strip()]
    assert len(records) == 11
    assert "TY  - JOUR\nID  - ref-hunt-2019\nAU  - Hunt, G. E." in ris
    assert "TY  - RPRT\nID  - ref-sbu-2024\nAU  - SBU\nPY  - 2024" in ris
    assert "SP  - 2217\nEP  - 2228" in ris and "UR  - https://www.sbu.se/379" in ris


def test_a_large_bibliography_gets_a_page_per_letter(
    converted: tuple[RunReport, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _, out = converted
    whole = (out / "bibliografi" / "index.md").read_text(encoding="utf-8")
    monkeypatch.setattr(views, "ONE_PAGE_ITEMS", 3)
    assert not pipeline.convert(SOURCES, tmp_path / "docs").failed
    folder = tmp_path / "docs" / "bibliografi"
    index = (folder / "index.md").read_text(encoding="utf-8")
    letters = sorted(p for p in folder.glob("*.md") if p.name != "index.md")
    assert len(letters) >= 4 and all(f"]({p.name})" in index for p in letters)
    ids = [i for p in letters for i in re.findall(r"\{: #(ref-[\w-]+) ", p.read_text())]
    assert sorted(ids) == sorted(re.findall(r"\{: #(ref-[\w-]+) ", whole)) and len(ids) == 11
    for page in letters:
        text = page.read_text(encoding="utf-8")
        assert "[BibTeX](helsekb.bib)" in text
        for path, anchor in re.findall(r"\]\(\.\./([^)#]+)#([\w-]+)\)", text):
            assert f"#{anchor}" in (tmp_path / "docs" / path).read_text(encoding="utf-8")
    nav = (tmp_path / "docs" / ".nav.yml").read_text(encoding="utf-8")
    assert "- Bibliografi:\n  - bibliografi/index.md\n" in nav


_CITING = st.sampled_from(["Hunt et al.", "Helsedirektoratet", "NICE", "og", ", ", " ", "2019"])


@given(st.lists(_CITING | st.text(max_size=12), max_size=12).map("".join))
def test_a_text_without_a_parenthesis_has_no_citation(text: str) -> None:
    """Why a run without "(" is not searched at all (``citations._link_page``); the same
    text with one citation in parentheses has it."""
    text = text.replace("(", "")
    assert list(find(text)) == []
    cited = [(f.authors, f.year) for f in find(f"{text} (Hunt et al., 2019)")]
    assert ("Hunt et al.", "2019") in cited
