"""Bugs the hostile corpus found, each with the input that showed it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helsekb import pipeline
from helsekb.pdfwrite import PdfLayout
from helsekb.readers.base import MAX_LIST_DEPTH
from helsekb.report import RunReport
from tests.hostile import inputs

LEVELS = 3000


def _convert(tmp_path: Path, name: str, data: bytes) -> tuple[RunReport, dict]:
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_bytes(data)
    run = pipeline.convert(src, tmp_path / "docs")
    assert not run.failed, [str(d) for d in run.all_diagnostics()]
    return run, json.loads((tmp_path / "docs" / "kb.json").read_text(encoding="utf-8"))


def _items(kb: dict) -> list[tuple[int, str]]:
    """(depth, text) of every list item of every page."""
    found: list[tuple[int, str]] = []

    def walk(items: list[dict], depth: int) -> None:
        for item in items:
            found.append((depth, item["text"]))
            walk(item.get("items") or [], depth + 1)

    for doc in kb["documents"]:
        for page in doc["pages"]:
            for section in page["sections"]:
                for b in section["blocks"]:
                    walk(b.get("items") or [], 1)
    return found


def test_a_capture_indented_three_thousand_levels_deep_converts(tmp_path: Path) -> None:
    """Was: RecursionError (a traceback) in the enrichers; list depth was unbounded."""
    bullets = [" " * n + f"- punkt {n}" for n in range(LEVELS)]
    data = "\n".join(["Dypt innrykk bør tåles", "", "Innledning.", *bullets]).encode()
    _, kb = _convert(tmp_path, "dyp.txt", data)
    items = _items(kb)
    assert [text for _, text in items] == [f"punkt {n}" for n in range(LEVELS)]
    assert max(depth for depth, _ in items) == MAX_LIST_DEPTH


def test_pdf_bullets_indented_far_right_nest_at_most_the_bounded_depth(tmp_path: Path) -> None:
    layout = PdfLayout()
    layout.paragraph("Trappetrinn i en PDF", size=20, bold=True)
    layout.paragraph("Punktene under rykker stadig lenger inn.")
    for depth in range(20):
        layout.bullet(f"trinn {depth}", depth)
    _, kb = _convert(tmp_path, "trapp.pdf", layout.pdf())
    items = _items(kb)
    assert [text for _, text in items] == [f"trinn {n}" for n in range(20)]
    assert max(depth for depth, _ in items) == MAX_LIST_DEPTH


@pytest.mark.parametrize(
    ("name", "data", "title"),
    [
        ("side.html", b"<main><h1>En side uten sti</h1><p>Tekst.</p></main>", "En side uten sti"),
        (
            "element.json",
            json.dumps({"tittel": "Et element uten rot", "tekst": "<p>Tekst.</p>"}).encode(),
            "Et element uten rot",
        ),
    ],
)
def test_a_page_without_breadcrumbs_or_root_is_its_own_document(
    tmp_path: Path, name: str, data: bytes, title: str
) -> None:
    """Was: a document with an empty title (a nameless entry in the navigation)."""
    _, kb = _convert(tmp_path, name, data)
    assert [doc["title"] for doc in kb["documents"]] == [title]


def test_pdf_library_warnings_never_reach_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Was: pdfminer's own log lines on stderr next to the one clear message."""
    _convert(tmp_path, "font.pdf", inputs.broken_font_program_pdf())
    assert capfd.readouterr().err == ""
