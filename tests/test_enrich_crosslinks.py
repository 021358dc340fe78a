"""Cross-links: source links made local, mentions, laws, Se også; idempotent enrichment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from helsekb import catalogue, pipeline
from helsekb.enrichers.crosslinks import runs
from helsekb.model import BlockType
from helsekb.report import Level, RunReport
from tests.conftest import FIXTURES, SOURCES

PSYKISK = "psykisk-helse-og-rusarbeid--i-hovedforlop-3-bor-kommunen-samarbeide"
OSLO = "pakkeforlop-for-psykisk-helse-og-rus-anbefalinger-om-samarbeid-mellom-fastleger"
OSLO_PAGE_1 = f"{OSLO}/1-hva-anbefalingene-gjelder.md"
PSYKISK_PAGE = (
    "psykisk-helse-og-rusarbeid-for-voksne/kartlegging-og-hovedforlop/"
    "i-hovedforlop-3-bor-kommunen-samarbeide-med-spesialisthelsetjenesten-om.md"
)
VEILEDER_INDEX = "veileder-om-oppfolging-av-personer-med-store-og-sammensatte-behov/index.md"


def html_sources(root: Path) -> Path:
    """The HTML and API fixtures and the PDF in one sources directory (no catalogue)."""
    root.mkdir()
    for path in [*(FIXTURES / "html").glob("*.html"), *(FIXTURES / "hapi").glob("*.json")]:
        shutil.copy(path, root)
    shutil.copy(next(SOURCES.glob("*.pdf")), root)
    return root


@pytest.fixture(scope="module")
def html_converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunReport, Path]:
    root = tmp_path_factory.mktemp("html")
    run = pipeline.convert(html_sources(root / "sources"), root / "docs")
    assert not run.failed, [str(d) for d in run.all_diagnostics()]
    return run, root / "docs"


def pages(out: Path) -> dict[str, dict[str, Any]]:
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    return {p["path"]: p for d in kb["documents"] for p in d["pages"]}


def links(out: Path, kind: str) -> dict[str, list[tuple[str, str]]]:
    found = {
        path: [(k["text"], k["href"]) for k in p["links"] if k["kind"] == kind]
        for path, p in pages(out).items()
    }
    return {path: hrefs for path, hrefs in found.items() if hrefs}


def test_psykisk_page_and_oslo_agreement_link_both_ways(
    converted: tuple[RunReport, Path],
) -> None:
    _, out = converted
    mention = "Nasjonalt pasientforløp for utredning og behandling i psykisk helsevern, voksne"
    assert links(out, "internal") == {PSYKISK_PAGE: [(mention, OSLO_PAGE_1)]}
    body = (out / PSYKISK_PAGE).read_text(encoding="utf-8")
    assert f"[{mention}](../../{OSLO_PAGE_1})" in body
    related = {p: [r["page"] + ".md" for r in data["related"]] for p, data in pages(out).items()}
    assert OSLO_PAGE_1 in related[PSYKISK_PAGE]
    assert PSYKISK_PAGE in related[OSLO_PAGE_1]
    back = (out / OSLO_PAGE_1).read_text(encoding="utf-8")
    assert f"](../{PSYKISK_PAGE}) – lenke mellom sidene; felles tema: pakkeforløp" in back


def test_law_references_link_to_the_paragraph_on_lovdata(
    converted: tuple[RunReport, Path],
) -> None:
    _, out = converted
    hpl = "https://lovdata.no/lov/1999-07-02-64/§"
    flf = (
        "Forskrift om fastlegeordning i kommunene, § 19",
        "https://lovdata.no/forskrift/2012-08-29-842/§19",
    )
    assert {p.split("/")[-1]: v for p, v in links(out, "law").items()} == {
        "fastlegen-bor-igangsette-og-koordinere-tiltak-som-kan-stabilisere-og-fremme.md": [
            ("helsepersonelloven § 10a", hpl + "10a")
        ],
        "virksomhetsleder-bor-sorge-for-en-forutsigbar-og-koordinert-oppfolging-av.md": [
            ("helsepersonelloven § 10a", hpl + "10a"),
            ("helsepersonelloven § 4", hpl + "4"),
        ],
        "2-overordnet-for-alle-pakkeforlopene.md": [flf],
        "3-anbefalinger-knyttet-til-samhandlingspunktene-i-pakkeforlopene.md": [flf],
    }
    body = (out / OSLO / "2-overordnet-for-alle-pakkeforlopene.md").read_text(encoding="utf-8")
    assert "(https://lovdata.no/forskrift/2012-08-29-842/%C2%A719){: .kb-external }" in body


def test_source_links_to_pages_in_the_knowledge_base_become_local(
    html_converted: tuple[RunReport, Path],
) -> None:
    _, out = html_converted
    mention = "Nasjonal veileder om oppfølging av personer med store og sammensatte behov"
    assert links(out, "internal") == {PSYKISK_PAGE: [(mention, VEILEDER_INDEX)]}
    body = (out / PSYKISK_PAGE).read_text(encoding="utf-8")
    assert f"[{mention}](../../{VEILEDER_INDEX})" in body
    external = sum(len(v) for v in links(out, "external").values())
    assert external == 38 and body.count("){: .kb-external }") == 24
    virksomhet = next(p for p in pages(out) if "virksomhetsleder" in p)
    fragment = [h for _, h in links(out, "external")[virksomhet] if "#" in h]
    assert fragment == [
        "https://www.helsedirektoratet.no/retningslinjer/utmattelse-langvarig-utmattelse-inkl.me-cfs"
        "-horingsutkast/utredning-behandling-og-oppfolging#aktivitetsregulering"
    ], "a fragment the local page does not have must stay external"


def test_existing_law_links_are_kept(html_converted: tuple[RunReport, Path]) -> None:
    _, out = html_converted
    laws = [h for hrefs in links(out, "law").values() for _, h in hrefs]
    assert len(laws) == 6 and "https://lovdata.no/dokument/NL/lov/1999-07-02-62" in laws


def test_every_page_has_a_see_also_block(
    converted: tuple[RunReport, Path], html_converted: tuple[RunReport, Path]
) -> None:
    for _, out in (converted, html_converted):
        for path, page in pages(out).items():
            assert 1 <= len(page["related"]) <= 5, path
            assert all(r["reasons"] for r in page["related"]), path
            body = (out / path).read_text(encoding="utf-8")
            assert "## Se også {: .kb-see-also }" in body


def test_ambiguous_mentions_are_left_alone_and_reported(tmp_path: Path) -> None:
    """A document titled like another's alias: the mention could mean either."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SOURCES / f"{PSYKISK}.txt", sources)
    shutil.copy(FIXTURES / "hapi" / "anbefaling-by-id.json", sources)
    shutil.copy(FIXTURES / "hapi" / "rad-by-id.json", sources)
    (sources / catalogue.CATALOGUE).write_text(
        "documents:\n"
        "  - title: Psykisk helse- og rusarbeid for voksne\n"
        f"    sources: [{{file: {PSYKISK}.txt}}]\n"
        "  - title: Veileder om oppfølging av personer med store og sammensatte behov\n"
        "    sources: [{file: anbefaling-by-id.json}]\n"
        "  - title: Nasjonal veileder om oppfølging av personer med store og sammensatte behov\n"
        "    sources: [{file: rad-by-id.json}]\n",
        encoding="utf-8",
    )
    run = pipeline.convert(sources, tmp_path / "docs")
    assert not run.failed, [str(d) for d in run.all_diagnostics()]
    report = next(f for f in run.files if f.file.startswith(PSYKISK))
    ambiguous = [d for d in report.diagnostics if "ambiguous" in d.message]
    assert len(ambiguous) == 1 and ambiguous[0].level is Level.INFO
    assert "Nasjonal veileder om oppfølging" in ambiguous[0].message
    assert not links(tmp_path / "docs", "internal")


def test_enrichment_is_idempotent_and_never_links_headings() -> None:
    entries, _ = catalogue.load(SOURCES)
    sources, _ = pipeline.read_all(entries)
    kb = pipeline.assemble(sources)
    first_diagnostics = pipeline.enrich(kb)
    first = pipeline.render(kb)
    assert pipeline.enrich(kb) == first_diagnostics
    assert pipeline.render(kb) == first
    for page in kb.pages():
        assert not [s for r in runs(page) if r.heading for s in r.spans if s.href], page.path
        assert all(b.anchor for b in page.blocks() if b.type is BlockType.PARAGRAPH)
