"""Staleness: a copy older than extra.stale_after_days says so on every page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helsekb.site import build_site
from tests.browser.conftest import BuiltSite, Visit

pytestmark = pytest.mark.browser
OLD_BUILD = "1700000000"  # 14 November 2023: far more than 90 days ago


def test_fresh_copy_shows_no_staleness_banner(
    built: BuiltSite, open_site: Callable[..., Visit]
) -> None:
    visit = open_site(built.site.as_uri() + "/")
    visit.goto("index.html")
    assert visit.page.locator(".kb-stale").count() == 0
    assert visit.page.locator(".kb-credit").get_attribute("data-stale-after") == "90"


def test_old_copy_warns_on_every_page(
    kb_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    open_site: Callable[..., Visit],
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", OLD_BUILD)
    site = tmp_path / "site"
    build_site(kb_project, site)
    visit = open_site(site.as_uri() + "/")
    for rel in ["index.html", "endringer/index.html"]:
        visit.goto(rel)
        banner = visit.page.locator(".kb-stale")
        assert banner.count() == 1 and banner.is_visible()
        assert "14. november 2023" in banner.inner_text()
        assert "kan være utdatert" in banner.inner_text()
