"""File-system tricks in titles and URLs: path traversal, absolute paths, reserved and
device names, very long names, names that collide after slugging. Nothing is written
outside docs/, and colliding names get distinct, stable names."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helsekb import pipeline
from tests.hostile.cases import FILE_SYSTEM, Case, of_kind
from tests.hostile.conftest import Run
from tests.hostile.outcome import assert_outcome, pages_of


@pytest.mark.parametrize("case", of_kind("files"), ids=lambda case: case.name)
def test_outcome(case: Case, hostile_run: Run, failed_run: Run) -> None:
    assert_outcome(case, hostile_run, failed_run)


@pytest.mark.parametrize("source", FILE_SYSTEM, ids=str)
def test_page_lands_at_its_pinned_path(source: str, hostile_run: Run) -> None:
    assert list(pages_of(hostile_run, source)) == [FILE_SYSTEM[source][2]]


def test_every_name_is_short_safe_ascii(hostile_run: Run) -> None:
    for path in hostile_run.files:
        for part in path.split("/"):
            assert part not in ("", ".", "..") and len(part) <= 84, path
            assert all(c.isascii() and (c.isalnum() or c in "-._") for c in part), path


def test_nothing_is_written_outside_the_output_directory(hostile_run: Run) -> None:
    out = hostile_run.out.resolve()
    for dirpath, dirnames, filenames in os.walk(out):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            assert not path.is_symlink() and path.resolve().is_relative_to(out), path
    beside = {p.name for p in out.parent.iterdir()}
    assert beside == {"good", "bad", "docs", "docs-previous"}, "stray files beside docs/"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_colliding_names_are_stable_whatever_order_the_files_were_made_in(
    hostile_run: Run, tmp_path: Path
) -> None:
    """Names go by the sources' order (sorted file names), never by creation time."""
    trees = []
    for order in (sorted(FILE_SYSTEM), sorted(FILE_SYSTEM, reverse=True)):
        src = tmp_path / f"src-{order[0]}"
        src.mkdir()
        for name in order:
            shutil.copy(hostile_run.sources / name, src / name)
        assert not pipeline.convert(src, src.with_suffix(".out")).failed
        trees.append(_tree(src.with_suffix(".out")))
    assert trees[0] == trees[1]
    assert {FILE_SYSTEM[name][2] for name in FILE_SYSTEM} <= set(trees[0])
