"""The site build with its pages' work in two processes: byte-identical to a plain
``mkdocs build --strict``, with the same warnings, errors and fallbacks."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands import build as mkdocs_build

from helsekb import pipeline
from helsekb.benchcorpus import write_corpus
from helsekb.site import BuildError, build_site, render_site
from tests.conftest import ROOT
from tests.test_build import tree
from tests.test_enrich_site import build_site as plain_mkdocs_build

PAGES = 60
"""Synthetic source pages: with their index and view pages, enough to be shared out."""


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A converted synthetic corpus of ``PAGES`` pages (the bundled one is too small to be
    shared out)."""
    work = tmp_path_factory.mktemp("sitebuild")
    write_corpus(PAGES, work / "source_docs")
    assert not pipeline.convert(work / "source_docs", work / "docs").failed
    return work / "docs"


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


def project(docs: Path, root: Path, config: str | None = None) -> Path:
    """A project with ``docs`` and the repository's theme overrides and mkdocs.yml (or
    ``config``)."""
    root.mkdir(parents=True)
    shutil.copytree(docs, root / "docs")
    (root / "overrides").symlink_to(ROOT / "overrides")
    config = config or (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def built(root: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HELSEKB_READ_WORKERS", str(workers))
    render_site(root, root / f"site-{workers}")
    return root / f"site-{workers}"


@pytest.fixture
def processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], dict[str, set[int]]]:
    """The processes that read pages and those that wrote them (each records its pid as it
    works)."""
    log = tmp_path / "pids"

    def recorded(step: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            with log.open("a") as stream:
                stream.write(f"{step} {os.getpid()}\n")
            return func(*args, **kwargs)

        return record

    for step, name in (("read", "_populate_page"), ("write", "_build_page")):
        monkeypatch.setattr(mkdocs_build, name, recorded(step, getattr(mkdocs_build, name)))

    def found() -> dict[str, set[int]]:
        pids: dict[str, set[int]] = {}
        for line in log.read_text().splitlines():
            step, pid = line.split()
            pids.setdefault(step, set()).add(int(pid))
        return pids

    return found


def test_two_processes_build_the_plain_builds_site_byte_for_byte(
    docs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    processes: Callable[[], dict[str, set[int]]],
) -> None:
    root = project(docs, tmp_path / "project")
    site = built(root, 2, monkeypatch)
    for step, pids in processes().items():
        assert len(pids) == 2 and os.getpid() not in pids, f"{step}: not shared out"
    plain = plain_mkdocs_build(docs, tmp_path / "plain")
    files = tree(site)
    assert files == tree(plain)
    assert sum(name.endswith(".html") for name in files) > PAGES


def test_a_page_warning_in_a_child_fails_the_strict_build_as_in_one_process(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing target is found while a child renders the page; a missing anchor here,
    from the links the children sent back."""
    root = project(docs, tmp_path / "project")
    page = sorted((root / "docs").glob("*/*.md"))[-1]
    other = sorted((root / "docs").glob("*/index.md"))[0]
    link_to = os.path.relpath(other, page.parent)
    with page.open("a", encoding="utf-8") as stream:
        stream.write(f"\n[Borte](mangler.md) og [uten anker]({link_to}#finnes-ikke)\n")
    messages = []
    for workers in (1, 2):
        with pytest.raises(BuildError) as failed:
            built(root, workers, monkeypatch)
        messages.append(str(failed.value))
    assert messages[0] == messages[1]
    assert "2 problem(s) in strict mode" in messages[1]
    assert "'mangler.md'" in messages[1] and "'#finnes-ikke'" in messages[1]
    assert page.relative_to(root / "docs").as_posix() in messages[1]


def test_an_error_in_a_child_is_raised_here_as_the_plain_build_raises_it(
    docs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    root = project(docs, tmp_path / "project")
    page = sorted((root / "docs").glob("*/*.md"))[-1]
    page.write_bytes("# Ødelagt\n".encode("latin-1"))
    errors = []
    for workers in (1, 2):
        caplog.clear()
        with pytest.raises(UnicodeDecodeError):
            built(root, workers, monkeypatch)
        errors.append([r.getMessage() for r in caplog.records if r.levelname == "ERROR"])
        assert multiprocessing.active_children() == [], "a child outlived the failed build"
    assert errors[0] == errors[1]
    assert f"Encoding error reading file: {page.relative_to(root / 'docs')}" in errors[1]


def test_a_plugin_that_handles_page_events_gets_the_plain_build(
    docs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    processes: Callable[[], dict[str, set[int]]],
) -> None:
    """MkDocs' search plugin gathers every page's text in ``on_page_context``: a child's
    copy would lose it, so its pages are built here."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\n  - offline\n" in config
    config = config.replace("\n  - offline\n", "\n  - search\n  - offline\n")
    root = project(docs, tmp_path / "project", config)
    site = built(root, 2, monkeypatch)
    assert processes() == {"read": {os.getpid()}, "write": {os.getpid()}}
    assert (site / "search" / "search_index.js").is_file()


def test_a_child_that_dies_fails_the_build_with_a_clear_error(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when the system kills a process that ran out of memory: no hang, no half-built
    site swapped in, no process left."""
    root = project(docs, tmp_path / "project")
    parent, populate = os.getpid(), mkdocs_build._populate_page

    def dying(page: Any, *args: Any, **kwargs: Any) -> None:
        if os.getpid() != parent and page.file.src_uri.endswith("index.md"):
            os._exit(3)
        populate(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_populate_page", dying)
    monkeypatch.setenv("HELSEKB_READ_WORKERS", "2")
    with pytest.raises(BuildError, match=r"ended unexpectedly \(exit code 3\)"):
        build_site(root, root / "site")
    assert multiprocessing.active_children() == []
    assert not (root / "site").exists()
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []
