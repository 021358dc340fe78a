"""A CI-sized run of the fuzz targets of ``helsekb fuzz`` (helsekb/fuzz.py), and the
runner's own behaviour: failures are shrunk and saved, the checks see what they check."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from helsekb import fuzz
from helsekb.fuzzcheck import Finding, check, unsafe_markup
from helsekb.model import Block, BlockType, Span
from helsekb.writers.markdown import block
from tests.conftest import FIXTURES, SOURCES
from tests.hostile.cases import CORPUS

EXAMPLES = 25


@pytest.fixture(autouse=True)
def _fuzz_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in fuzz.FUZZ_LIMITS.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("target", fuzz.TARGETS)
def test_a_short_fuzz_run_finds_nothing(target: str) -> None:
    report = fuzz.run_target(
        target,
        check,
        seeds=fuzz.seeds_for(target, [SOURCES, FIXTURES, CORPUS]),
        budget=lambda r: r.examples < EXAMPLES,
        seed=0,
    )
    assert report.examples >= EXAMPLES
    assert [f.error for f in report.failures] == []


def _too_long(sources: dict[str, bytes], expected: object) -> None:
    if any(len(data) > 10 for data in sources.values()):
        raise Finding("too long: more than 10 bytes")


def test_a_failure_is_shrunk_and_saved_with_its_sources(tmp_path: Path) -> None:
    report = fuzz.run_target(
        "capture", _too_long, seeds=(b"x" * 40,), budget=lambda r: not r.failures, seed=1
    )
    fuzz.save(report, tmp_path)
    (failure,) = report.failures
    assert failure.signature == "Finding: too long"
    assert failure.saved is not None and failure.saved.parent == tmp_path / "capture"
    saved = {p.name: p.read_bytes() for p in failure.saved.iterdir()}
    assert "Finding: too long: more than 10 bytes" in saved.pop("error.txt").decode()
    assert [len(data) for data in saved.values()] == [11]  # shrunk to the smallest failure


def test_the_fuzz_command_has_help_ending_in_an_example(capsys: pytest.CaptureFixture) -> None:
    parser = argparse.ArgumentParser(prog="helsekb")
    fuzz.register(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["fuzz", "--help"])
    out = capsys.readouterr().out
    assert out.rstrip().endswith(fuzz.EXAMPLE.splitlines()[-1].strip())
    assert "Example:" in out and "--seconds" in out and "--target" in out


def test_unsafe_markup_is_found_and_escaped_text_is_not() -> None:
    planted = {
        "a.md": "<script>alert(1)</script>",
        "b.md": "[x](javascript:alert(1))",
        "c.md": "tekst\n{: onclick=alert(1) }",
        "d.md": "![bilde](https://evil.example/x.png)",
    }
    assert sorted({p.rsplit(" in ", 1)[1] for p in unsafe_markup(planted)}) == sorted(planted)
    hostile = "<script>alert(1)</script> [x](javascript:y) {: onclick=z } ![b](c)"
    written = block(Block(BlockType.PARAGRAPH, [Span(hostile)]), 2)
    assert unsafe_markup({"e.md": written}) == []


def test_generated_documents_must_keep_their_text() -> None:
    with pytest.raises(Finding, match=r"^text lost from gen.txt: 'Denne setningen finnes ikke"):
        check(
            {"gen.txt": b"Tittel\n\nEn setning i kilden.\n"},
            {"gen.txt": ["En setning i kilden.", "Denne setningen finnes ikke i kilden."]},
        )
