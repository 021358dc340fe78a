"""The command line: help with examples, documented commands, exit codes and the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helsekb import cli
from tests.conftest import ROOT, SOURCES

COMMANDS = [
    "convert",
    "build",
    "serve",
    "csp",
    "fetch",
    "bench",
    "bench-search",
    "eval-roles",
    "fuzz",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_ending_in_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "Example:" in out and f"helsekb {command}" in out.split("Example:")[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`helsekb {command}" in readme


def test_convert_reports_per_file_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    name = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"
    shutil.copy(SOURCES / name, src / name)
    code = cli.main(["convert", "--sources", str(src), "--out", str(tmp_path / "docs")])
    out = capsys.readouterr().out
    assert code == 0
    assert name in out and "36/36" in out
    assert out.strip().splitlines()[-1] == (
        "1 sources, 0 failed, 1 pages, sentences kept 36/36, 0 references: ok"
    )


def test_convert_exits_one_and_names_the_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tom.txt").write_bytes(b"")
    code = cli.main(["convert", "-q", "--sources", str(tmp_path), "--out", str(tmp_path / "d")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert lines == [
        "tom.txt: error: empty file",
        "1 sources, 1 failed, 0 pages, sentences kept 0/0, 0 references: "
        "FAILED: docs/ left unchanged",
    ]
    assert not (tmp_path / "d").exists()


def test_missing_sources_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["convert", "--sources", str(tmp_path / "nope")])
    assert code == 2
    assert "sources directory not found" in capsys.readouterr().out


def test_cache_and_timings_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "src"
    src.mkdir()
    name = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"
    shutil.copy(SOURCES / name, src / name)
    common = [
        "--sources",
        str(src),
        "--out",
        str(tmp_path / "docs"),
        "--cache",
        str(tmp_path / "c"),
    ]
    timings = tmp_path / "t.json"
    assert cli.main(["convert", *common, "--timings", str(timings)]) == 0
    stages = [s["name"] for s in json.loads(timings.read_text(encoding="utf-8"))]
    assert stages == [
        "cache check",
        "read",
        "enrich",
        "markdown",
        "search index",
        "fidelity",
        "write",
    ]
    assert any((tmp_path / "c" / "read").glob("*.pickle"))
    capsys.readouterr()
    assert cli.main(["convert", *common, "--timings", str(timings)]) == 0
    out = capsys.readouterr().out
    assert "nothing to do" in out and "sentences kept 36/36" in out.splitlines()[-1]
    assert [s["name"] for s in json.loads(timings.read_text(encoding="utf-8"))] == ["cache check"]
    assert cli.main(["convert", *common, "--no-cache", "-q"]) == 0
    assert "nothing to do" not in capsys.readouterr().out
