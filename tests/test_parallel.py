"""fork_map: the same results, in order, from forked workers where there are enough items."""

from __future__ import annotations

import os

import pytest

from helsekb import parallel


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_many_items_are_spread_over_forked_workers_in_order() -> None:
    items = list(range(200))
    out = parallel.fork_map(_square_and_pid, items, workers=2)
    assert [v for v, _ in out] == [n * n for n in items]
    pids = {pid for _, pid in out}
    assert pids and os.getpid() not in pids  # (how the chunks fall to the two varies)


def test_few_items_or_one_worker_run_here() -> None:
    for items, workers in ((list(range(10)), 2), (list(range(200)), 1)):
        out = parallel.fork_map(_square_and_pid, items, workers)
        assert {pid for _, pid in out} == {os.getpid()}


def _fail_on_7(n: int) -> int:
    if n == 7:
        raise ValueError("sju")
    return n


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="sju"):
        parallel.fork_map(_fail_on_7, list(range(100)), workers=2)
