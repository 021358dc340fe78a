"""``helsekb build`` builds the site from the staged conversion while another process checks
the conversion's fidelity; nothing is swapped in unless the check passes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helsekb import cli, pipeline
from helsekb.site import build_site, builds_from
from helsekb.writers import pages, search_index
from tests.conftest import ROOT, SOURCES

CAPTURE = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
SENTENCE = "Tiltakene bør tilpasses den enkelte pasients funksjonsnivå"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def converted_over(project: Path, work: Path) -> Path:
    """What a plain conversion of the project's sources over its present docs/ writes (the
    change log compares with what was there)."""
    out = work / "docs"
    shutil.copytree(project / "docs", out)
    assert not pipeline.convert(project / "source_docs", out).failed
    return out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (the working directory) whose docs/ and site/ come from one source only."""
    root = tmp_path / "project"
    (root / "source_docs").mkdir(parents=True)
    (root / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (root / "overrides").symlink_to(ROOT / "overrides")
    shutil.copy(SOURCES / CAPTURE, root / "source_docs" / CAPTURE)
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not pipeline.convert(root / "source_docs", root / "docs").failed
    build_site(root, root / "site")
    for path in SOURCES.iterdir():
        shutil.copy(path, root / "source_docs" / path.name)
    return root


def test_the_site_built_beside_the_check_is_the_site_of_the_new_docs(
    project: Path, tmp_path: Path
) -> None:
    """The site is built from the staged docs/ with the staged navigation, not the old one
    (MkDocs inherits docs/.nav.yml, which the build replaces only at its end)."""
    expected = converted_over(project, tmp_path / "expected")
    timings = tmp_path / "timings.json"
    assert cli.main(["build", "-q", "--no-cache", "--timings", str(timings)]) == 0
    names = [s["name"] for s in json.loads(timings.read_text(encoding="utf-8"))]
    assert names[-3:] == ["site", "fidelity", "write"], "the site was not built beside the check"
    assert tree(project / "docs") == tree(expected)
    build_site(project, tmp_path / "after")  # the plain way: from docs/ once it is in place
    site = tree(project / "site")
    assert site == tree(tmp_path / "after")
    assert b"Psykisk helse- og rusarbeid for voksne" in site["index.html"]
    leftovers = [p.name for p in project.iterdir() if p.name.startswith((".docs", ".site"))]
    assert leftovers == []


def test_a_sentence_lost_fails_the_build_and_leaves_docs_and_site_as_they_were(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs, site = tree(project / "docs"), tree(project / "site")
    render_page = pages.render_page

    def lossy(*args: object) -> str:
        return render_page(*args).replace(SENTENCE, "Noe annet")  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "render_page", lossy)
    assert cli.main(["build", "-q", "--no-cache"]) == 1
    assert f"sentence lost: '{SENTENCE}" in capsys.readouterr().out
    assert tree(project / "docs") == docs
    assert tree(project / "site") == site
    leftovers = [p.name for p in project.iterdir() if p.name.startswith((".docs", ".site"))]
    assert leftovers == []


def test_a_failed_site_build_still_puts_the_checked_conversion_in_place(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, expected = tree(project / "site"), converted_over(project, tmp_path / "expected")
    assert cli.main(["build", "-q", "--no-cache", "--site-url", "intranett/kb"]) == 1
    assert "site build failed: site URL 'intranett/kb'" in capsys.readouterr().out
    assert tree(project / "docs") == tree(expected)
    assert tree(project / "site") == site


def test_only_the_configured_docs_directory_is_staged_for_the_site(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nINHERIT: docs/.nav.yml\n")
    assert builds_from(tmp_path, tmp_path / "docs")
    assert not builds_from(tmp_path, tmp_path / "other"), "the site reads docs/, not other/"
    assert not builds_from(tmp_path / "sub", tmp_path / "docs"), "no mkdocs.yml there"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: content\n")
    assert builds_from(tmp_path, tmp_path / "content")
    assert not builds_from(tmp_path, tmp_path / "docs")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nINHERIT: base.yml\n")
    assert not builds_from(tmp_path, tmp_path / "docs"), "base.yml is not beside the staged docs"
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nINHERIT: {tmp_path}/docs/.nav.yml\n")
    assert not builds_from(tmp_path, tmp_path / "docs"), "an absolute path: the old nav"
    (tmp_path / "mkdocs.yml").write_text("- a list\n")
    assert not builds_from(tmp_path, tmp_path / "docs")


def test_the_conversion_runs_in_a_process_of_its_own_and_its_death_fails_cleanly(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Beside the site build the conversion runs in a forked process (its memory goes back
    when it ends); killed, say for memory, it fails the build with a clear error and leaves
    docs/ and site/ as they were."""
    docs, site, parent = tree(project / "docs"), tree(project / "site"), os.getpid()
    render_index = search_index.render_index

    def dying(*args: object, **kwargs: object) -> object:
        assert os.getpid() != parent, "the conversion ran in the build's own process"
        os._exit(9)
        return render_index(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_index, "render_index", dying)
    assert cli.main(["build", "-q", "--no-cache"]) == 1
    assert "stopped: a forked process ended unexpectedly (exit code 9)" in capsys.readouterr().out
    assert tree(project / "docs") == docs
    assert tree(project / "site") == site
    leftovers = [p.name for p in project.iterdir() if p.name.startswith((".docs", ".site"))]
    assert leftovers == []


def running_in_group(group: int) -> list[int]:
    """The processes of a process group that have not ended (an ended one may wait a moment
    to be reaped by init)."""
    running = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            running.append(int(stat.parent.name))
    return running


SLOW = {
    "reading": "from helsekb import pipeline as module\nname = 'read_all'",
    "site": "from mkdocs.commands import build as module\nname = '_populate_page'",
}
"""Where the build is interrupted: the conversion's process reading, a site process."""


@pytest.mark.parametrize("where", SLOW)
def test_ctrl_c_ends_the_build_and_every_process_it_started_with_one_line(
    project: Path, tmp_path: Path, where: str
) -> None:
    """Ctrl-C (SIGINT to the terminal's process group) while a process of the build works:
    the build says it was interrupted, without a traceback from each process, and leaves
    docs/ and site/ as they were, with no process or staging folder left."""
    docs, site = tree(project / "docs"), tree(project / "site")
    working = tmp_path / "working"
    code = f"""
import sys, time
from pathlib import Path
from helsekb import cli
{SLOW[where]}
def slowly(*args, **kwargs):
    Path({str(working)!r}).write_text("")
    time.sleep(60)
setattr(module, name, slowly)
sys.exit(cli.main(["build", "-q", "--no-cache"]))
"""
    build = subprocess.Popen(
        [sys.executable, "-c", code], cwd=project, start_new_session=True, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not working.exists() and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.05)
    assert working.exists(), build.communicate()
    time.sleep(0.2)  # (every process of the site build at work)
    os.killpg(build.pid, signal.SIGINT)
    _, err = build.communicate(timeout=30)
    assert build.returncode == 130, err
    assert err == "helsekb: interrupted\n"
    assert running_in_group(build.pid) == [], "a process of the build is still running"
    assert tree(project / "docs") == docs and tree(project / "site") == site
    leftovers = [p.name for p in project.iterdir() if p.name.startswith((".docs", ".site"))]
    assert leftovers == []
