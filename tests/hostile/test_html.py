"""Hostile HTML: scripts, embeds, event handlers, dangerous URLs, head tricks, broken and
10 000-deep nesting, comment and CDATA tricks; each converts to sanitised text."""

from __future__ import annotations

import pytest

from helsekb.readers.base import MAX_LIST_DEPTH
from tests.hostile.cases import Case, of_kind
from tests.hostile.conftest import Run
from tests.hostile.outcome import assert_outcome


@pytest.mark.parametrize("case", of_kind("html"), ids=lambda case: case.name)
def test_outcome(case: Case, hostile_run: Run, failed_run: Run) -> None:
    assert_outcome(case, hostile_run, failed_run)


def _depth(items: list[dict]) -> int:
    return 1 + max((_depth(i["items"]) for i in items if i.get("items")), default=0)


def _count(items: list[dict]) -> int:
    return sum(1 + _count(i.get("items") or []) for i in items)


def test_ten_thousand_nested_list_items_are_all_kept_at_a_bounded_depth(hostile_run: Run) -> None:
    (page,) = [
        p for d in hostile_run.kb()["documents"] for p in d["pages"]
        if p["source_file"] == "dyp-nesting.html"
    ]  # fmt: skip
    lists = [b for s in page["sections"] for b in s["blocks"] if b["type"] == "list"]
    assert sum(_count(b["items"]) for b in lists) == 10_000
    assert max(_depth(b["items"]) for b in lists) == MAX_LIST_DEPTH
