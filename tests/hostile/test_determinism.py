"""Two builds from the same sources, in two fresh directories, by two processes with
different hash seeds, give byte-identical docs/, site/ and zip (hostile inputs included)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SOURCES
from tests.hostile.cases import CORPUS


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _build(project: Path, hash_seed: str) -> None:
    (project / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (project / "overrides").symlink_to(ROOT / "overrides")
    shutil.copytree(SOURCES, project / "source_docs")
    for path in sorted(CORPUS.glob("*/*")):
        shutil.copy(path, project / "source_docs" / path.name)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "helsekb.cli", "build", "-q", "--zip", "site.zip"]
    subprocess.run(command, cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)


def test_two_builds_from_the_same_sources_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "elsewhere" / "b"
    second.parent.mkdir()
    for project, seed in ((first, "1"), (second, "2")):
        project.mkdir()
        _build(project, seed)
    for part in ("docs", "site"):
        one, two = _tree(first / part), _tree(second / part)
        assert len(one) > 50 and one.keys() == two.keys(), part
        assert [name for name in one if one[name] != two[name]] == [], part
    assert (first / "site.zip").read_bytes() == (second / "site.zip").read_bytes()
    for part in ("docs", "site"):
        text = b"".join(_tree(first / part).values())
        assert str(tmp_path).encode() not in text, f"a build path leaked into {part}/"
