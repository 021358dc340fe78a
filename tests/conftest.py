"""Shared paths and fixtures: the real corpus, converted once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from helsekb import pipeline
from helsekb.report import RunReport

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "source_docs"
FIXTURES = ROOT / "tests" / "fixtures"
os.environ.setdefault("HELSEKB_CACHE_DIR", tempfile.mkdtemp(prefix="helsekb-test-cache-"))
"""Commands run by the tests (and their subprocesses) keep their cache out of the checkout."""


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunReport, Path]:
    """The bundled corpus converted into a fresh directory."""
    out = tmp_path_factory.mktemp("convert") / "docs"
    return pipeline.convert(SOURCES, out), out
