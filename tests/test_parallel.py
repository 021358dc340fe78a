"""fork_map: the same results, in order, from forked workers where there are enough items."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helsekb import parallel, stages


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


def test_a_few_costly_items_are_forked_when_asked_one_at_a_time() -> None:
    out = parallel.fork_map(_square_and_pid, [1, 2, 3], workers=2, chunk=1, min_items=1)
    assert [v for v, _ in out] == [1, 4, 9]
    assert os.getpid() not in {pid for _, pid in out}


def test_parallel_stages_give_what_one_process_gives() -> None:
    """Role tags and every rendered file are the same from forked workers (60 pages)."""
    from helsekb import pipeline
    from helsekb.enrichers import roles
    from helsekb.search import synthetic

    def tags(workers: int) -> list[tuple[list[str], list[str]] | None]:
        kb = synthetic.knowledge_base(60, seed=2)
        index = roles.explain(kb, workers=workers)
        parts = [index.get(id(x)) for p in kb.pages() for x in [p, *p.sections, *p.blocks()]]
        return [(t.roles, [e.rule for e in t.evidence]) if t else None for t in parts]

    one = tags(1)
    assert tags(2) == one and sum(bool(t and t[0]) for t in one) > 60
    enriched = []
    for workers in (1, 2):
        kb = synthetic.knowledge_base(60, seed=2)
        diagnostics = pipeline.enrich(kb, workers=workers)
        enriched.append((kb, diagnostics, kb.topics, kb.glossary, kb.abbreviations))
    (alone, *here), (forked, *there) = enriched
    assert here == there and alone.topics
    assert pipeline.render_parts(forked, workers=2) == pipeline.render_parts(alone, workers=1)


def test_parts_written_where_they_are_rendered_are_the_parts_rendered_here(
    tmp_path: Path,
) -> None:
    """``helsekb convert`` has each worker write its files: the same files, views and
    search keys as rendering them all in one process, and nothing comes back but keys."""
    from helsekb import pipeline
    from helsekb.search import synthetic

    kb = synthetic.knowledge_base(60, seed=2)
    pipeline.enrich(kb)
    here = pipeline.render_parts(kb)
    written = pipeline.render_parts(kb, workers=2, into=tmp_path / "docs")
    assert written.files == {} and here.files["kb.json"]
    assert written.views == here.views and written.page_keys == here.page_keys
    canonical: dict[str, str] = {}
    surfaces = [surface.items() for _, _, surface in written.page_keys]
    assert all(canonical.setdefault(w, w) is w for s in surfaces for pair in s for w in pair), (
        "a word the workers sent back is held once per page, not once"
    )
    files = [p for p in (tmp_path / "docs").rglob("*") if p.is_file()]
    on_disk = {p.relative_to(tmp_path / "docs").as_posix(): p.read_bytes() for p in files}
    assert on_disk == {path: text.encode() for path, text in here.files.items()}


def _fail_on_7(n: int) -> int:
    if n == 7:
        raise ValueError("sju")
    return n


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="sju"):
        parallel.fork_map(_fail_on_7, list(range(100)), workers=2)


def _wait_for_first_result(item: tuple[int, str]) -> int:
    """The last item waits until the caller has seen the first result."""
    n, flag = item
    deadline = time.monotonic() + 30
    while n == 99 and not Path(flag).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("no result was given before all were done")
        time.sleep(0.01)
    return n


def test_fork_imap_gives_each_result_as_it_comes(tmp_path: Path) -> None:
    flag = tmp_path / "first-result-seen"
    out = []
    for n in parallel.fork_imap(_wait_for_first_result, [(n, str(flag)) for n in range(100)], 2):
        flag.touch()
        out.append(n)
    assert out == list(range(100))


def test_rare_collections_hold_in_the_block_and_are_undone_after_it() -> None:
    import gc

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), parallel.rare_collections():
        assert gc.get_threshold() == (parallel.YOUNG_OBJECTS, *before[1:])
        raise RuntimeError
    assert gc.get_threshold() == before


def test_the_conversion_collects_rarely(tmp_path: Path) -> None:
    """While reading (a progress callback), not after."""
    import gc

    from helsekb import pipeline
    from tests.conftest import SOURCES

    seen: list[int] = []
    pipeline.convert(SOURCES, tmp_path / "docs", lambda _: seen.append(gc.get_threshold()[0]))
    assert seen and set(seen) == {parallel.YOUNG_OBJECTS}
    assert gc.get_threshold()[0] != parallel.YOUNG_OBJECTS


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    """A conversion killed mid-way must not leave workers writing (into its staging folder)."""
    import signal
    import subprocess
    import sys

    code = f"""
import time
from pathlib import Path
from helsekb import parallel, stages
def slow(n):
    time.sleep(1.5)
    Path({str(tmp_path)!r}, f"late-{{n}}").write_text("written after the parent ended")
Path({str(tmp_path)!r}, "started").write_text("")
parallel.fork_map(slow, list(range(4)), 2, chunk=1, min_items=1)
"""
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.7)  # the workers are forked and asleep in their first item
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(2.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["started"]


def test_the_site_built_beside_the_check_collects_as_usual(tmp_path: Path) -> None:
    """The site build (``alongside``) is MkDocs's work, not the conversion's."""
    import gc

    from helsekb import pipeline
    from tests.conftest import SOURCES

    usual = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    report = pipeline.convert(
        SOURCES, tmp_path / "docs", alongside=lambda _: seen.append(gc.get_threshold())
    )
    assert not report.failed and seen == [usual] and gc.get_threshold() == usual
    with parallel.rare_collections(), parallel.rare_collections():
        with parallel.usual_collections():
            assert gc.get_threshold() == usual
        assert gc.get_threshold()[0] == parallel.YOUNG_OBJECTS
    assert gc.get_threshold() == usual


def _tell_pids_and_return(tell: Callable[[Any], None]) -> int:
    for n in range(3):
        tell((n, os.getpid()))
    return os.getpid()


def test_in_child_runs_there_and_passes_on_what_it_tells() -> None:
    told: list[tuple[int, int]] = []
    pid = parallel.in_child(_tell_pids_and_return, told.append)
    assert pid != os.getpid()
    assert told == [(0, pid), (1, pid), (2, pid)]


def _allocate(tell: Callable[[Any], None]) -> int:
    block = bytearray(300 << 20)  # touched: zero-filled
    return len(block) >> 20


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_what_in_child_allocates_is_not_this_processes() -> None:
    stages._reset_peak()  # the high-water mark starts again here
    before = stages._peak_mb()
    assert parallel.in_child(_allocate) == 300
    assert stages._peak_mb() - before < 50


def _fail(tell: Callable[[Any], None]) -> None:
    raise ValueError("sju")


def _die(tell: Callable[[Any], None]) -> None:
    tell("about to end")
    os._exit(9)


def test_in_child_raises_its_error_here_and_says_when_it_died() -> None:
    import multiprocessing

    with pytest.raises(ValueError, match="sju"):
        parallel.in_child(_fail)
    told: list[str] = []
    with pytest.raises(parallel.ChildError, match=r"ended unexpectedly \(exit code 9\)"):
        parallel.in_child(_die, told.append)
    assert told == ["about to end"]
    assert multiprocessing.active_children() == []
