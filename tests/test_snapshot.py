"""The change log with a cache: only the documents that changed are compared, and the log
and docs/ are those of a conversion without a cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helsekb import history, pipeline
from helsekb.cache import Cache
from tests.conftest import SOURCES
from tests.test_history import DAY1, DAY2, DAY3, FASTLEGEN, NEW, OLD, tree

COVID = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"


@pytest.fixture
def old_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The output directories whose whole old kb.json was read for the change log."""
    calls: list[Path] = []
    original = history.load_snapshot

    def counting(out: Path):  # type: ignore[no-untyped-def]
        calls.append(out)
        return original(out)

    monkeypatch.setattr(history, "load_snapshot", counting)
    return calls


def _twice(
    src: Path, tmp: Path, day: str, monkeypatch: pytest.MonkeyPatch, cached: bool = True
) -> None:
    """Convert ``src`` into tmp/docs with the cache (or not) and into tmp/plain without."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", day)
    cache = Cache(tmp / "cache") if cached else None
    for out, with_cache in ((tmp / "docs", cache), (tmp / "plain", None)):
        report = pipeline.convert(src, out, cache=with_cache)
        assert not report.failed, [str(d) for d in report.all_diagnostics()]


def _remove(src: Path, name: str) -> None:
    (src / name).unlink()
    catalogue = yaml.safe_load((src / "sources.yml").read_text(encoding="utf-8"))
    catalogue["documents"] = [d for d in catalogue["documents"] if d["sources"][0]["file"] != name]
    (src / "sources.yml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), "utf-8")


@pytest.fixture
def src(tmp_path: Path) -> Path:
    shutil.copytree(SOURCES, tmp_path / "src")
    return tmp_path / "src"


def test_changed_and_removed_pages_are_logged_without_reading_the_old_kb_json(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_reads: list[Path]
) -> None:
    _twice(src, tmp_path, DAY1, monkeypatch)
    page = src / FASTLEGEN
    page.write_text(page.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    old_reads.clear()
    _twice(src, tmp_path, DAY2, monkeypatch)
    assert old_reads == [tmp_path / "plain"], "with the cache, the old file is not read"
    _remove(src, COVID)
    old_reads.clear()
    _twice(src, tmp_path, DAY3, monkeypatch)
    assert old_reads == [tmp_path / "plain"]
    assert tree(tmp_path / "docs") == tree(tmp_path / "plain")
    log = (tmp_path / "docs" / history.PAGE).read_text(encoding="utf-8")
    assert "### Endrede sider (1)" in log and "### Fjernede sider (1)" in log


def test_a_kb_json_the_cache_cannot_vouch_for_is_read_whole(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_reads: list[Path]
) -> None:
    """docs/ written by a conversion without the cache in between: the cache's record of
    it is stale, so the comparison reads the old file, as without a cache."""
    _twice(src, tmp_path, DAY1, monkeypatch)
    page = src / FASTLEGEN
    page.write_text(page.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY2)
    assert not pipeline.convert(src, tmp_path / "docs").failed  # no cache
    page.write_text(page.read_text(encoding="utf-8").replace(NEW, OLD), encoding="utf-8")
    old_reads.clear()
    _twice(src, tmp_path, DAY3, monkeypatch)
    assert tmp_path / "docs" in old_reads
    log = (tmp_path / "docs" / history.PAGE).read_text(encoding="utf-8")
    assert "## 23. september 2026" in log and "## 22. september 2026" in log


def test_a_record_another_version_of_helsekb_wrote_is_not_trusted(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_reads: list[Path]
) -> None:
    """Its form may differ (it once held keys only): the old file is read whole."""
    from helsekb import cache as cache_module

    real = cache_module.code_fingerprint()
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another version")
    _twice(src, tmp_path, DAY1, monkeypatch)
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: real)
    page = src / FASTLEGEN
    page.write_text(page.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    old_reads.clear()
    _twice(src, tmp_path, DAY2, monkeypatch)
    assert tmp_path / "docs" in old_reads
    assert tree(tmp_path / "docs") == tree(tmp_path / "plain")
