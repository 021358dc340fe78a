"""The built site: ``mkdocs build --strict`` passes and every internal link and anchor resolves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from helsekb import pipeline
from helsekb.report import RunReport
from tests.conftest import ROOT
from tests.test_enrich_crosslinks import html_sources


def build_site(docs: Path, work: Path) -> Path:
    """``mkdocs build --strict`` of ``docs`` with the repository's mkdocs.yml and overrides."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    shutil.copytree(docs, work / "docs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "site"]
    result = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return work / "site"


def broken_links(site: Path) -> list[str]:
    """Every ``<a href>`` inside the site whose file or anchor does not exist."""
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for page in sorted(site.rglob("*.html")):
        tree = lxml.html.fromstring(page.read_bytes())
        ids[page] = {str(e.get("id")) for e in tree.iter() if e.get("id")}
        links.extend((page, str(a.get("href"))) for a in tree.iter("a") if a.get("href"))
    broken = []
    for page, href in links:
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//"):
            continue
        base = site if parts.path.startswith("/") else page.parent
        target = (base / unquote(parts.path).lstrip("/")).resolve() if parts.path else page
        target = target / "index.html" if target.is_dir() else target
        anchor = unquote(parts.fragment)
        if not target.is_file() or (anchor and anchor not in ids.get(target, {anchor})):
            broken.append(f"{page.relative_to(site)} -> {href}")
    return broken


def test_default_corpus_site_has_no_broken_links(
    converted: tuple[RunReport, Path], tmp_path: Path
) -> None:
    _, out = converted
    site = build_site(out, tmp_path / "project")
    assert (site / "bibliografi" / "helsekb.bib").is_file()
    assert (site / "temaer" / "index.html").is_file()
    assert broken_links(site) == []


def test_html_and_api_corpus_site_has_no_broken_links(tmp_path: Path) -> None:
    run = pipeline.convert(html_sources(tmp_path / "sources"), tmp_path / "docs")
    assert not run.failed
    assert broken_links(build_site(tmp_path / "docs", tmp_path / "project")) == []


def test_the_link_check_finds_a_broken_anchor(
    converted: tuple[RunReport, Path], tmp_path: Path
) -> None:
    _, out = converted
    docs = tmp_path / "docs"
    shutil.copytree(out, docs)
    home = docs / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\n[x](temaer/index.md#tema-x)\n")
    with pytest.raises(AssertionError, match="tema-x"):
        build_site(docs, tmp_path / "project")


def test_broken_links_are_found(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here">x</p>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/index.html#here">ok</a><a href="/a/#here">ok</a>'
        '<a href="https://example.org/x">ext</a><a href="a/index.html#gone">bad</a>'
        '<a href="b.html">bad</a>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == ["index.html -> a/index.html#gone", "index.html -> b.html"]
