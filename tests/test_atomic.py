"""A convert killed with SIGKILL at any moment leaves the previous docs/ complete.

The kill points are chosen by watching the file system, so they land in each phase:
reading, rendering and checking (no staging directory yet), writing the staging
directory (few files, many files), and around the swap.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helsekb import fsutil, pipeline
from tests.conftest import SOURCES

CAPTURES = sorted(SOURCES.glob("*.txt"))
COPIES = 150  # 600 sources: a conversion of several seconds, even on two cores


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def staged_files(out: Path) -> int:
    """Files in the staging directory so far (it may vanish mid-count: it is being swapped)."""
    try:
        return sum(1 for d in out.parent.glob(".docs.tmp-*") for p in d.rglob("*") if p.is_file())
    except OSError:
        return 0


def after(seconds: float) -> Callable[[Path, float], bool]:
    return lambda out, elapsed: elapsed >= seconds


def staging_has(n: int) -> Callable[[Path, float], bool]:
    return lambda out, elapsed: staged_files(out) >= n


KILL_POINTS = {
    "reading": after(0.2),
    "checking": after(1.5),
    "staging-started": staging_has(1),
    "staging-half": staging_has(100),
    "staging-full": staging_has(200),
}


LATE_POINTS = {"staging-half", "staging-full"}


@pytest.fixture(scope="module")
def small_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("few")
    for capture in CAPTURES:
        shutil.copy(capture, src / capture.name)
    return src


@pytest.fixture(scope="module")
def big_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough copies of the captures that a conversion takes a few seconds."""
    src = tmp_path_factory.mktemp("many")
    for n in range(COPIES):
        for capture in CAPTURES:
            shutil.copy(capture, src / f"{n:03d}-{capture.name}")
    return src


@pytest.fixture(scope="module")
def big_tree(
    small_sources: Path, big_sources: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """What a complete conversion of the big sources writes over the small ones' (the
    change log compares with the conversion it replaces)."""
    out = tmp_path_factory.mktemp("big") / "docs"
    assert not pipeline.convert(small_sources, out).failed
    assert not pipeline.convert(big_sources, out).failed
    return tree(out)


def run_and_kill(sources: Path, out: Path, when: Callable[[Path, float], bool]) -> bool:
    """Start a convert, SIGKILL it when ``when`` holds; True if it was killed."""
    code = (
        "from pathlib import Path; from helsekb import pipeline; "
        f"pipeline.convert(Path({str(sources)!r}), Path({str(out)!r}))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    start = time.monotonic()
    while proc.poll() is None:
        if when(out, time.monotonic() - start):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.001)
    return False


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_leaves_previous_docs_complete(
    small_sources: Path,
    big_sources: Path,
    big_tree: dict[str, bytes],
    tmp_path: Path,
    point: str,
) -> None:
    out = tmp_path / "docs"
    assert not pipeline.convert(small_sources, out).failed
    before = tree(out)
    killed = run_and_kill(big_sources, out, KILL_POINTS[point])
    # Late points race the swap itself: a run that finished first must have left a whole tree.
    assert killed or point in LATE_POINTS, f"the run ended before the kill point {point!r}"
    now = tree(out)
    if now != before:  # the swap happened before the kill: then the new tree is whole
        assert now == big_tree
    fsutil.recover(out)
    assert not pipeline.convert(small_sources, out).failed
    assert tree(out) == before
    assert not list(tmp_path.glob(".docs.*")), "staging or backup directories left behind"
