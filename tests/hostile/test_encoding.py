"""Hostile text encodings: invalid UTF-8, windows-1252, UTF-16 with and without a BOM, NUL
and control characters, bidi overrides and zero-width characters, huge files and lines."""

from __future__ import annotations

import pytest

from tests.hostile.cases import CORPUS, Case, of_kind
from tests.hostile.conftest import Run
from tests.hostile.outcome import assert_outcome


@pytest.mark.parametrize("case", of_kind("encoding"), ids=lambda case: case.name)
def test_outcome(case: Case, hostile_run: Run, failed_run: Run) -> None:
    assert_outcome(case, hostile_run, failed_run)


def test_the_committed_invisible_characters_are_really_there() -> None:
    """Guard: an editor that strips invisible characters would make the case pointless."""
    text = (CORPUS / "capture" / "usynlige-tegn.txt").read_text(encoding="utf-8")
    assert {"\u202e", "\u200b", "\u2066", "\ufeff", "\x1b", "\u2028"} <= set(text)
