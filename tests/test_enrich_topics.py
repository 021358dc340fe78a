"""Block anchors and the Temaer page: every topic links to the paragraphs it occurs in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helsekb import pipeline
from helsekb.enrichers.topics import topic_patterns
from helsekb.report import RunReport
from helsekb.writers import views
from tests.conftest import SOURCES

PSYKISK = "psykisk-helse-og-rusarbeid-for-voksne/kartlegging-og-hovedforlop/"
OSLO = "pakkeforlop-for-psykisk-helse-og-rus-anbefalinger-om-samarbeid-mellom-fastleger/"


def anchors_in(path: Path) -> list[str]:
    return re.findall(r"\{: #([\w-]+)", path.read_text(encoding="utf-8"))


def test_every_paragraph_and_list_item_has_a_unique_anchor(
    converted: tuple[RunReport, Path],
) -> None:
    _, out = converted
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    for page in (p for d in kb["documents"] for p in d["pages"]):
        anchors = anchors_in(out / page["path"])
        assert len(anchors) == len(set(anchors)), page["path"]
        for section in page["sections"]:
            for block in section["blocks"]:
                assert block["type"] == "heading" or block["anchor"] or block["items"]


def test_topics_link_to_existing_anchors(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (out / "temaer").glob("*.md")}
    index = pages.pop("index")
    targets = [
        t for page in pages.values() for t in re.findall(r"\]\(\.\./([^)#]+)#([\w-]+)\)", page)
    ]
    assert len(targets) == 173
    assert len(pages) == 25 and all(f"]({stem}.md)" in index for stem in pages)
    for path, anchor in targets:
        assert anchor in anchors_in(out / path), (path, anchor)
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    topics = {t["name"]: t["places"] for t in kb["topics"]}
    assert len(topics) == 25
    for name in ("individuell plan", "koordinator", "pårørende", "Nav", "krise- og mestringsplan",
                 "frisklivssentral", "somatisk helse", "psykofarmaka", "henvisning"):  # fmt: skip
        assert any(p.split("---\n", 2)[2].startswith(f"\n# {name}\n") for p in pages.values()), name
    pakkeforlop = {place.split("#")[0] for place in topics["pakkeforløp"]}
    assert any(p.startswith(PSYKISK) for p in pakkeforlop)
    assert any(p.startswith(OSLO) for p in pakkeforlop)
    assert topics["frisklivssentral"] == [
        "utmattelse-langvarig-utmattelse-inkl-me-cfs/utredning-behandling-og-oppfolging/"
        "fastlegen-bor-igangsette-og-koordinere-tiltak-som-kan-stabilisere-og-fremme.md"
        "#p-tilbud-ved-frisklivssentraler-som-har",
        PSYKISK + "i-hovedforlop-3-bor-kommunen-samarbeide-med-spesialisthelsetjenesten-om.md"
        "#p-bruk-frisklivssentralen",
        "nasjonal-plan-for-covid-19-rehabilitering/4-oppsummering-av-de-mest-sentrale-tiltakene.md"
        "#p-det-etableres-en-tilskuddsordning-som",
        "nasjonal-plan-for-covid-19-rehabilitering/4-oppsummering-av-de-mest-sentrale-tiltakene.md"
        "#p-det-foreslas-spesifikt-a-oke",
    ]


def test_topic_terms_match_whole_words_with_endings() -> None:
    patterns = {name: pattern for name, pattern, _ in topic_patterns()}
    assert patterns["frisklivssentral"].search("de kommunale frisklivsentralene")
    assert patterns["Nav"].search("Navs avklaring") and not patterns["Nav"].search("navnet")
    assert patterns["koordinator"].search("Koordinatoren") and not patterns["koordinator"].search(
        "medkoordinator"
    )


def test_a_topic_found_everywhere_lists_its_pages_not_every_paragraph(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(views, "TOPIC_SNIPPETS", 3)
    assert not pipeline.convert(SOURCES, tmp_path / "docs").failed
    text = (tmp_path / "docs" / "temaer" / "fastlege.md").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert len(lines) == 5 and all(
        re.search(r"\]\(\.\./[^)]+#p-[\w-]+\) \(\d+ avsnitt\)$", ln) for ln in lines
    )
    assert sum(int(re.search(r"\((\d+) avsnitt\)$", ln).group(1)) for ln in lines) == 14
    assert "    - " not in text
