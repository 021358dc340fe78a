"""``helsekb build`` killed with SIGKILL at any moment leaves the previous docs/ and site/
complete: the kill points are chosen by watching the file system, so they land while the
sources are converted, while the site is staged (early, half, full) and around the swap."""

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

from helsekb import fsutil
from tests.conftest import ROOT, SOURCES

Tree = dict[str, bytes]
Watch = Callable[[Path, float, int], bool]
"""(project, seconds since start, files in the previous site) -> kill now?"""


def tree(root: Path) -> Tree:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def staged(project: Path, name: str) -> int:
    """Files in the staging directory (os.walk: it may vanish mid-count, swapped in)."""
    return sum(len(files) for d in project.glob(f".{name}.tmp-*") for _, _, files in os.walk(d))


KILL_POINTS: dict[str, Watch] = {
    "converting": lambda project, elapsed, n: elapsed >= 0.6,
    "docs-staged": lambda project, elapsed, n: staged(project, "docs") >= 10,
    "site-staging": lambda project, elapsed, n: staged(project, "site") >= 1,
    "site-half": lambda project, elapsed, n: staged(project, "site") >= n // 2,
    "site-full": lambda project, elapsed, n: staged(project, "site") >= n,
}
LATE = {"site-full"}
"""Points that race the end of the build: the run may finish first, whole."""


def running_in(project: Path) -> list[int]:
    """Processes whose working directory is ``project``: a killed build's helpers."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if cwd.resolve() == project.resolve():
                found.append(int(cwd.parent.name))
        except OSError:
            continue  # gone meanwhile, or not ours to see
    return found


def build(project: Path, when: Watch | None = None, previous: int = 0) -> bool:
    """Run ``helsekb build -q`` in ``project``; with ``when``, SIGKILL it once that holds.

    True if the process was killed."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-m", "helsekb.cli", "build", "-q", "--no-cache"]  # convert always
    proc = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL)
    start = time.monotonic()
    while proc.poll() is None:
        if when is not None and when(project, time.monotonic() - start, previous):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    assert proc.returncode == 0, "the build failed"
    return False


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Tree, Tree]:
    """A project built once: its directory, docs/ and site/."""
    project = tmp_path_factory.mktemp("kill-build")
    (project / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (project / "overrides").symlink_to(ROOT / "overrides")
    shutil.copytree(SOURCES, project / "source_docs")
    build(project)
    return project, tree(project / "docs"), tree(project / "site")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_leaves_previous_docs_and_site_complete(
    first_build: tuple[Path, Tree, Tree], point: str
) -> None:
    project, docs, site = first_build
    killed = build(project, KILL_POINTS[point], len(site))
    assert killed or point in LATE, f"the build ended before the kill point {point!r}"
    deadline = time.monotonic() + 10
    while running_in(project) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running_in(project) == [], "a helper process outlived the killed build"
    # Same sources and build date: a build that got to swap in would give the same trees.
    assert tree(project / "docs") == docs
    assert tree(project / "site") == site
    fsutil.recover(project / "site")
    build(project)
    assert tree(project / "site") == site
    leftovers = [p.name for p in project.iterdir() if p.name.startswith((".docs", ".site"))]
    assert leftovers == [], "staging or backup directories left behind"
