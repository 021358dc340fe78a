"""The two hostile runs as wholes: the good one writes only safe Markdown and checks every
sentence of every source; the bad one fails with one line per file and changes nothing."""

from __future__ import annotations

from collections import Counter

from helsekb.fuzzcheck import unsafe_markup
from tests.hostile.cases import CASES, KINDS
from tests.hostile.conftest import PREVIOUS, Run

OUTCOMES = {
    # kind: (inputs that convert to sanitised output, inputs that fail with one clear error)
    "html": (7, 0),
    "text": (5, 0),
    "files": (25, 0),
    "pdf": (4, 12),
    "encoding": (11, 12),
}


def test_counts_per_kind_and_outcome_are_pinned() -> None:
    counted = Counter((case.kind, bool(case.error)) for case in CASES)
    assert {kind: (counted[kind, False], counted[kind, True]) for kind in KINDS} == OUTCOMES


def test_the_good_run_succeeds_and_checks_every_sentence_of_every_source(hostile_run: Run) -> None:
    assert not hostile_run.report.failed, [
        str(d) for d in hostile_run.report.all_diagnostics() if d.level == "error"
    ]
    together = [case for case in CASES if not case.error and not case.alone]
    assert len(hostile_run.report.files) == len(together)
    for report in hostile_run.report.files:
        assert report.sentences_total >= 1, f"{report.file}: fidelity check did not run"
        assert report.sentences_kept == report.sentences_total, report.file


def test_nothing_written_can_run_script_or_load_anything(hostile_run: Run) -> None:
    assert unsafe_markup(hostile_run.files) == []


def test_the_bad_run_fails_file_by_file_and_leaves_the_output_alone(failed_run: Run) -> None:
    assert failed_run.report.failed
    assert failed_run.files == PREVIOUS
    assert [p.name for p in failed_run.out.parent.glob(".docs-previous*")] == []
    errors = [f for f in failed_run.report.files if f.failed]
    assert len(errors) == len(failed_run.report.files) == sum(n for _, n in OUTCOMES.values())
    assert all(len(f.diagnostics) == 1 for f in errors)
