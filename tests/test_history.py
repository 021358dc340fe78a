"""The change log: Endringer page, feeds and badges across conversions into the same docs/."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from helsekb import catalogue, history, pipeline
from helsekb.writers import export, frontmatter
from tests.conftest import SOURCES

FASTLEGEN = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
OLD = "Sørg for nødvendig dokumentasjon og dialog med Nav"
NEW = "Sørg for nødvendig dokumentasjon og tidlig dialog med Nav"
ATOM = "{http://www.w3.org/2005/Atom}"
DAY1, DAY2, DAY3 = "1790000000", "1790100000", "1790200000"  # 2026-09-21, -22, -23


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def convert(src: Path, out: Path, day: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", day)
    report = pipeline.convert(src, out)
    assert not report.failed, [str(d) for d in report.all_diagnostics()]


@pytest.fixture
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """docs/ converted from the corpus, then again after one sentence of one page changed."""
    src, out = tmp_path / "src", tmp_path / "docs"
    shutil.copytree(SOURCES, src)
    convert(src, out, DAY1, monkeypatch)
    page = src / FASTLEGEN
    page.write_text(page.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    convert(src, out, DAY2, monkeypatch)
    return src, out


def test_first_conversion_logs_nothing(converted: tuple[object, Path]) -> None:
    _, out = converted
    assert json.loads((out / history.LOG).read_text(encoding="utf-8")) == []
    assert "Ingen endringer er registrert ennå." in (out / history.PAGE).read_text("utf-8")


def test_endringer_page_shows_exactly_the_change(edited: tuple[Path, Path]) -> None:
    _, out = edited
    page = (out / history.PAGE).read_text(encoding="utf-8")
    assert "## 22. september 2026" in page and "### Endrede sider (1)" in page
    assert "Nye sider" not in page and "Fjernede sider" not in page
    diff = page.split("```diff", 1)[1].split("```", 1)[0].splitlines()
    removed = [ln for ln in diff if ln.startswith("-") and not ln.startswith("---")]
    added = [ln for ln in diff if ln.startswith("+") and not ln.startswith("+++")]
    assert removed == [f"-{OLD} (se praktisk informasjon)."]
    assert added == [f"+{NEW} (se praktisk informasjon)."]


def test_changed_page_carries_the_badge_date(edited: tuple[Path, Path]) -> None:
    _, out = edited
    changed = {}
    for md in out.rglob("*.md"):
        meta, _ = frontmatter.parse(md.read_text(encoding="utf-8"))
        if meta.get("changed"):
            changed[md.name] = str(meta["changed"])
    assert changed == {
        "fastlegen-bor-igangsette-og-koordinere-tiltak-som-kan-stabilisere-og-fremme.md": (
            "2026-09-22"
        )
    }


def test_kb_json_of_a_second_conversion_is_the_models_with_the_changed_date(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """kb.json's data is made once, for the comparison, before the changed dates are set:
    written, it must still be what the model gives afresh, dates included."""
    src, out = edited
    data = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    dates = {p["id"]: p["changed"] for d in data["documents"] for p in d["pages"]}
    assert set(dates.values()) == {None, "2026-09-22"}
    assert sum(v is not None for v in dates.values()) == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY2)
    sources, _ = pipeline.read_all(catalogue.load(src)[0])
    kb = pipeline.assemble(sources)
    pipeline.enrich(kb)
    history.mark_changed(kb, json.loads((out / history.LOG).read_text(encoding="utf-8")))
    assert (out / "kb.json").read_text(encoding="utf-8") == export.render_kb(kb)


def test_feed_has_one_entry_for_the_change(edited: tuple[Path, Path]) -> None:
    _, out = edited
    feed = ET.parse(out / history.FEED).getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title").startswith("Endret: Fastlegen bør")
    assert entries[0].findtext(f"{ATOM}updated") == "2026-09-22T12:00:00Z"
    assert NEW in entries[0].findtext(f"{ATOM}content")
    for role in history.ROLES:
        assert ET.parse(out / f"endringer/{role}.xml").getroot().tag == f"{ATOM}feed"


def test_unchanged_rerun_keeps_the_log_and_docs(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = edited
    before = tree(out)
    convert(src, out, DAY3, monkeypatch)
    assert tree(out) == before


def test_removed_pages_are_logged_newest_first(
    edited: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = edited
    covid = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"
    (src / covid).unlink()
    catalogue = yaml.safe_load((src / "sources.yml").read_text(encoding="utf-8"))
    catalogue["documents"] = [d for d in catalogue["documents"] if d["sources"][0]["file"] != covid]
    (src / "sources.yml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), "utf-8")
    convert(src, out, DAY3, monkeypatch)
    log = json.loads((out / history.LOG).read_text(encoding="utf-8"))
    assert [e["date"] for e in log] == ["2026-09-23", "2026-09-22"]
    assert [p["title"] for p in log[0]["removed"]] == [
        "4. Oppsummering av de mest sentrale tiltakene"
    ]
    page = (out / history.PAGE).read_text(encoding="utf-8")
    assert page.index("## 23. september 2026") < page.index("## 22. september 2026")
