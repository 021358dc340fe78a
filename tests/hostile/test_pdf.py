"""Hostile PDFs: truncated, encrypted, scanned, a decompression bomb, thousands of pages,
broken fonts and encodings, no pages, a 50 MB file with a big image."""

from __future__ import annotations

import pytest

from tests.hostile.cases import Case, of_kind
from tests.hostile.conftest import Run
from tests.hostile.outcome import assert_outcome, pages_of


@pytest.mark.parametrize("case", of_kind("pdf"), ids=lambda case: case.name)
def test_outcome(case: Case, hostile_run: Run, failed_run: Run) -> None:
    assert_outcome(case, hostile_run, failed_run)


@pytest.mark.parametrize("case", of_kind("pdf", alone=True), ids=lambda case: case.name)
def test_outcome_of_a_big_input(case: Case, alone_run: Run, failed_run: Run) -> None:
    assert_outcome(case, alone_run, failed_run)


def test_thousand_pages_give_a_thousand_pages(alone_run: Run) -> None:
    assert len(pages_of(alone_run, "tusen-sider.pdf")) == 1000


def test_unmapped_glyphs_are_reported_on_their_page(failed_run: Run) -> None:
    (report,) = [f for f in failed_run.report.files if f.file == "manglende-font.pdf"]
    assert [str(d) for d in report.diagnostics] == [
        "manglende-font.pdf:page 1: error: 1 character has no Unicode mapping (broken font "
        "encoding?); the text cannot be read reliably"
    ]
