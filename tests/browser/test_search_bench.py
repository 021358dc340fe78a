"""``helsekb bench-search`` end to end on a tiny synthetic site: both engines build and time."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from helsekb.search import bench


def test_bench_search_times_both_engines(browser: Browser, tmp_path: Path) -> None:
    rows = bench.bench_size(12, tmp_path / "12", runs=1, browser=browser)
    assert [r.engine for r in rows] == ["helsekb", "material"]
    for row in rows:
        assert row.first_ms > 0 and row.further_ms > 0, row
        assert row.index_bytes > 10_000 and row.page_bytes > row.index_bytes / 100, row
    table = bench.table(rows)
    assert "| 12 | helsekb |" in table and "× faster" in table
