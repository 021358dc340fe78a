"""The fidelity check cannot be skipped: it runs on every source of every convert, before
anything is put in place, and a sentence missing from what was written fails the run."""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path

import pytest
from lxml.html import HtmlElement

from helsekb import catalogue, cli, pipeline
from helsekb.readers import html
from tests.conftest import SOURCES

CAPTURE = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
SENTENCE = "Tiltakene bør tilpasses den enkelte pasients funksjonsnivå"


def test_a_sentence_missing_from_the_written_page_is_an_error(tmp_path: Path) -> None:
    shutil.copy(SOURCES / CAPTURE, tmp_path / CAPTURE)
    entries, _ = catalogue.load(tmp_path)
    sources, _ = pipeline.read_all(entries)
    kb = pipeline.assemble(sources)
    pipeline.enrich(kb)
    files = pipeline.render(kb)
    (page,) = kb.pages()
    assert SENTENCE in files[page.path]
    files[page.path] = files[page.path].replace(SENTENCE, "Noe annet")
    pipeline.check_fidelity(sources, kb, files.__getitem__)
    (report,) = [s.report for s in sources]
    lost = [d.message for d in report.diagnostics if d.level == "error"]
    assert len(lost) == 1 and lost[0].startswith(f"sentence lost: '{SENTENCE}")
    assert report.sentences_kept == report.sentences_total - 1


NESTED = (
    "<main id='main'><h1>Side</h1><div class='b-recommendation__text'><p>Tekst.</p></div>"
    "<div class='b-collapsible'><h2 class='b-collapsible__heading'>Praktisk</h2>"
    "<div class='b-collapsible'><h3 class='b-collapsible__heading'>Indre</h3>"
    "Rett etter overskriften. <p>Avsnitt.</p></div></div></main>"
)


def test_a_sentence_the_html_readers_structure_step_drops_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main text is read from a copy of the page before the collapsibles are taken
    apart, so a fault there (as once lost the text after a nested collapsible's heading)
    fails the run instead of losing the sentence unnoticed."""
    (tmp_path / "side.html").write_text(NESTED, encoding="utf-8")

    def lossy(element: HtmlElement, parent: HtmlElement) -> None:
        parent.text = None  # the fault: drops the text the heading's removal left here
        parent.insert(0, element)

    monkeypatch.setattr(html, "_move_to_start", lossy)
    report = pipeline.convert(tmp_path, tmp_path / "docs")
    lost = [d.message for d in report.all_diagnostics() if d.level == "error"]
    assert lost == ["sentence lost: 'Rett etter overskriften.'"]
    assert not (tmp_path / "docs").exists()


def test_there_is_no_switch_to_turn_it_off() -> None:
    switches = re.compile(r"fidel|check|skip|lossy|unsafe|force", re.IGNORECASE)
    assert not [p for p in inspect.signature(pipeline.convert).parameters if switches.search(p)]
    helptext = cli._parser()._subparsers._group_actions[0].choices["convert"].format_help()
    assert not switches.search(helptext)
