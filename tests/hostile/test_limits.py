"""Every read is bounded in size, time and memory (helsekb/limits.py): a source that goes
past a limit is one clear error naming the file and the limit, and the other files still
convert. Limits are settings with defaults; a bad setting is one clear error too."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helsekb import pipeline, workers
from helsekb.limits import Limits
from helsekb.readers import ReaderError, SourceEntry
from tests.conftest import SOURCES

CAPTURE = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"
FLOOD = ("<main><h1>Flom</h1>" + "<p><b>x</b></p>" * 400_000 + "</main>").encode()
"""Six MB of tags: 800 000 elements, slow and memory-hungry to parse, on purpose."""


def _entries(tmp_path: Path, **files: bytes) -> list[SourceEntry]:
    for name, data in files.items():
        (tmp_path / name.replace("_", ".")).write_bytes(data)
    names = [name.replace("_", ".") for name in files]
    return [SourceEntry(tmp_path / n, "", n) for n in names]


def _errors(entries: list[SourceEntry], limits: Limits) -> tuple[list[str], list[str]]:
    sources, reports = pipeline.read_all(entries, limits=limits)
    errors = [str(d) for r in reports for d in r.diagnostics if d.level == "error"]
    return errors, [s.entry.name for s in sources]


def test_a_read_past_its_time_is_stopped_and_named(tmp_path: Path) -> None:
    capture = (SOURCES / CAPTURE).read_bytes()
    entries = _entries(tmp_path, flom_html=FLOOD, god_txt=capture)
    start = time.monotonic()
    errors, read = _errors(entries, Limits(seconds=1))
    assert time.monotonic() - start < 10
    assert errors == ["flom.html: error: took longer than 1 s to read (HELSEKB_READ_SECONDS)"]
    assert read == ["god.txt"]


def test_a_read_past_its_memory_is_stopped_and_named(tmp_path: Path) -> None:
    errors, read = _errors(_entries(tmp_path, flom_html=FLOOD), Limits(memory_mb=150))
    assert errors == ["flom.html: error: needed more than 150 MB to read (HELSEKB_READ_MEMORY_MB)"]
    assert read == []


def test_the_text_size_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"Tittel\n\n" + b"x" * (3 * 2**20)
    monkeypatch.setenv("HELSEKB_MAX_TEXT_MB", "1")
    errors, _ = _errors(_entries(tmp_path, stor_txt=data), Limits.from_env())
    assert errors == [
        "stor.txt: error: file too large (3 MiB; limit 1 MiB for a text capture, "
        "HELSEKB_MAX_TEXT_MB)"
    ]


@pytest.mark.parametrize("value", ["abc", "0", "-2", "inf", "nan"])
def test_a_bad_setting_fails_the_run_with_one_line_and_touches_nothing(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(SOURCES / CAPTURE, tmp_path / CAPTURE)
    monkeypatch.setenv("HELSEKB_READ_SECONDS", value)
    out = tmp_path / "docs"
    run = pipeline.convert(tmp_path, out)
    assert [str(d) for d in run.all_diagnostics()] == [
        f"HELSEKB_READ_SECONDS: error: expected a number greater than 0, got {value!r}"
    ]
    assert run.failed and not out.exists()


def test_defaults_and_settings() -> None:
    cpus = min(4, os.cpu_count() or 1)
    assert Limits.from_env({}) == Limits(seconds=120, memory_mb=2048, max_text_mb=16, workers=cpus)
    env = {"HELSEKB_READ_SECONDS": "2.5", "HELSEKB_READ_WORKERS": "3"}
    assert Limits.from_env(env) == Limits(seconds=2.5, workers=3)


def test_parallel_workers_give_the_same_results_in_the_same_order() -> None:
    entries = [SourceEntry(p, "", p.name) for p in sorted(SOURCES.iterdir()) if p.is_file()]
    one, _ = pipeline.read_all(entries, limits=Limits(workers=1))
    four, _ = pipeline.read_all(entries, limits=Limits(workers=4))
    assert [s.entry.name for s in four] == [s.entry.name for s in one]
    assert [s.result for s in four] == [s.result for s in one]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_killed_convert_takes_its_reading_worker_with_it(tmp_path: Path) -> None:
    (tmp_path / "flom.html").write_bytes(FLOOD)
    code = (
        f"from pathlib import Path; from helsekb import pipeline; "
        f"pipeline.convert(Path({str(tmp_path)!r}), Path({str(tmp_path / 'docs')!r}))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not (workers := _children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers, "no reading worker started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{w}").exists() for w in workers), "worker outlived convert"


def _copies(tmp_path: Path, count: int) -> list[SourceEntry]:
    text = (SOURCES / CAPTURE).read_bytes()
    for n in range(count):
        (tmp_path / f"c{n}.txt").write_bytes(text)
    return [SourceEntry(tmp_path / f"c{n}.txt", "capture", f"c{n}.txt") for n in range(count)]


@pytest.mark.parametrize("how", ["dies", "hangs"])
def test_a_failed_batch_reads_each_source_again_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Small sources share a child; when it dies or hangs, only the culprit gets the error."""
    entries = _copies(tmp_path, 2 * workers.BATCH)
    real = workers.read_in_process

    def bad_on_c5(entry: SourceEntry):  # type: ignore[no-untyped-def]
        if entry.name == "c5.txt":
            if how == "dies":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(30)
        return real(entry)

    monkeypatch.setattr(workers, "read_in_process", bad_on_c5)  # the forked children inherit it
    out = list(workers.WorkerPool(Limits(seconds=2, workers=2)).run(entries))
    assert [e.name for e, _ in out] == [e.name for e in entries]
    failed = {e.name: str(o) for e, o in out if isinstance(o, ReaderError)}
    assert list(failed) == ["c5.txt"]
    assert ("crashed (SIGKILL)" if how == "dies" else "took longer than 2 s") in failed["c5.txt"]
    assert all(len(o.pages) == 1 for e, o in out if e.name != "c5.txt")


def test_a_result_that_cannot_be_pickled_is_its_sources_error_and_the_rest_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each result travels (and is kept, for the cache) pickled on its own: one that cannot
    be pickled (here a lambda in it) fails its own source only."""
    import pickle

    entries = _copies(tmp_path, 12)
    real = workers.read_in_process

    def unpicklable_c5(entry: SourceEntry):  # type: ignore[no-untyped-def]
        result = real(entry)
        if entry.name == "c5.txt":
            result.diagnostics.append(lambda: None)  # type: ignore[arg-type]
        return result

    monkeypatch.setattr(workers, "read_in_process", unpicklable_c5)
    kept: dict[str, bytes] = {}
    pool = workers.WorkerPool(Limits(workers=2), lambda e, data: kept.setdefault(e.name, data))
    out = list(pool.run(entries))
    failed = {e.name: str(o) for e, o in out if isinstance(o, ReaderError)}
    assert list(failed) == ["c5.txt"] and "reader failed unexpectedly" in failed["c5.txt"]
    assert sorted(kept) == sorted(e.name for e in entries if e.name != "c5.txt")
    for entry, outcome in out:
        if entry.name in kept:
            fmt, result = pickle.loads(kept[entry.name])
            assert fmt == "capture" and result == outcome


def test_small_sources_share_a_child_a_pdf_for_several_and_large_ones_go_alone(
    tmp_path: Path,
) -> None:
    entries = _copies(tmp_path, workers.BATCH + 8)
    small, large = (
        SourceEntry(tmp_path / "s.pdf", "pdf", "s.pdf"),
        SourceEntry(tmp_path / "l.pdf", "pdf", "l.pdf"),
    )
    (tmp_path / "s.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "l.pdf").write_bytes(b"%PDF-1.4" + b" " * workers.PDF_BYTES)
    order = [*entries[:3], large, small, *entries[3:]]
    queue = workers.deque((n, e, False) for n, e in enumerate(order))
    batches = []
    while queue:
        batches.append([e.name for _, e in workers._take_batch(queue)])
    shared = workers.BATCH - workers.PDF_WEIGHT  # text sources beside the small PDF
    assert [len(b) for b in batches] == [3, 1, 1 + shared, len(entries) - 3 - shared]
    assert batches[1] == ["l.pdf"] and batches[2][0] == "s.pdf"
    pdfs = [SourceEntry(tmp_path / "s.pdf", "pdf", f"s{n}.pdf") for n in range(20)]
    queue = workers.deque((n, e, False) for n, e in enumerate(pdfs))
    assert len(workers._take_batch(queue)) == workers.BATCH // workers.PDF_WEIGHT
    assert len(workers._take_batch(queue, 4)) == 1, "fewer sources: a PDF alone"
    queue = workers.deque((n, e, False) for n, e in enumerate(entries[:10]))
    assert len(workers._take_batch(queue, 4)) == 4, "fewer sources: smaller batches"
