"""The hostile inputs converted once per session: those that must convert (one run, which
must succeed), those that must fail (one run, which must fail and leave docs/ alone), and
the site built from the first (its Chromium tests are tests/browser/test_hostile_browser.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helsekb import fuzzcheck, pipeline
from helsekb.report import RunReport
from helsekb.site import build_site
from tests.conftest import ROOT
from tests.hostile.cases import CASES

PREVIOUS = {"previous.md": "forrige versjon\n"}
"""What the output directory of the failing run holds before it (and must hold after)."""


@dataclass(frozen=True)
class Run:
    report: RunReport
    sources: Path
    out: Path
    files: dict[str, str]
    """Every text file written, docs-relative path -> content."""

    def kb(self) -> dict[str, Any]:
        return json.loads(self.files["kb.json"])

    def page_titles(self, source: str) -> list[str]:
        return [
            page["title"]
            for doc in self.kb()["documents"]
            for page in doc["pages"]
            if page["source_file"] == source
        ]


@pytest.fixture(scope="session")
def hostile_sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two source directories: inputs that must convert, and inputs that must fail."""
    root = tmp_path_factory.mktemp("hostile")
    good, bad = root / "good", root / "bad"
    good.mkdir()
    bad.mkdir()
    for case in CASES:
        if not case.alone:
            ((bad if case.error else good) / case.name).write_bytes(case.data())
    return good, bad


def _convert(sources: Path, out: Path) -> Run:
    report = pipeline.convert(sources, out)
    return Run(report, sources, out, fuzzcheck.written(out) if out.is_dir() else {})


@pytest.fixture(scope="session")
def hostile_run(hostile_sources: tuple[Path, Path]) -> Run:
    return _convert(hostile_sources[0], hostile_sources[0].parent / "docs")


@pytest.fixture(scope="session")
def alone_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The inputs too big for the shared run and the site, converted together."""
    sources = tmp_path_factory.mktemp("hostile-alone")
    for case in CASES:
        if case.alone:
            (sources / case.name).write_bytes(case.data())
    return _convert(sources, sources.parent / f"{sources.name}-docs")


@pytest.fixture(scope="session")
def failed_run(hostile_sources: tuple[Path, Path]) -> Run:
    sources = hostile_sources[1]
    out = sources.parent / "docs-previous"
    out.mkdir()
    for name, text in PREVIOUS.items():
        (out / name).write_text(text, encoding="utf-8")
    report = pipeline.convert(sources, out)
    return Run(report, sources, out, fuzzcheck.written(out))


@pytest.fixture(scope="session")
def hostile_site(hostile_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the hostile run's docs/ with the repository's theme."""
    assert not hostile_run.report.failed, "the hostile inputs that must convert did not"
    project = tmp_path_factory.mktemp("hostile-project")
    (project / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (project / "overrides").symlink_to(ROOT / "overrides")
    (project / "docs").symlink_to(hostile_run.out)
    site = project / "site"
    build_site(project, site)
    return site
