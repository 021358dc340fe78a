"""``helsekb fuzz``: a long property-based fuzz run of every reader through the whole convert.

Each target feeds one source format with raw bytes, mutations of real files (the seeds) and
generated documents (``fuzzgen``), converts each example and checks the promises in
``fuzzcheck``. Failures are shrunk by hypothesis and saved, one folder per distinct
failure, with the source files and the traceback. Not part of CI: ``tests/test_fuzz.py``
runs the same targets for a few examples.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helsekb.fuzzdocs import FORMATS, Block, Doc, render

TARGETS = tuple(FORMATS)
BATCH = 25
MAX_SEEDS = 12
FUZZ_LIMITS = {"HELSEKB_READ_SECONDS": "10", "HELSEKB_READ_MEMORY_MB": "1024"}
"""Read limits for fuzzing unless set: small inputs never need more."""
EXAMPLE = "Example:\n  helsekb fuzz --seconds 600 --target all --out fuzz-failures"

Example = tuple[dict[str, bytes], dict[str, list[str]] | None]
"""Source files by name, and the texts each must keep (None: raw input, may be refused)."""


@dataclass(slots=True)
class Failure:
    signature: str
    sources: dict[str, bytes]
    error: str
    saved: Path | None = None


@dataclass(slots=True)
class TargetReport:
    name: str
    examples: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    def line(self) -> str:
        kinds = len({f.signature for f in self.failures})
        return (
            f"{self.name}: {self.examples} examples in {self.seconds:.0f} s, "
            f"{len(self.failures)} failures ({kinds} distinct)"
        )


def seeds_for(target: str, seed_dirs: list[Path]) -> tuple[bytes, ...]:
    """The smallest files of the target's format in ``seed_dirs`` (at most MAX_SEEDS), plus
    two generated documents."""
    docs = [
        Doc("Tittel på et dokument", (Block("paragraph", ("Første setning står her.",)),)),
        Doc("Pårørende bør involveres", (Block("heading", text="Tiltak"),), ("Berg (2020). X.",)),
    ]
    found = {p for d in seed_dirs if d.is_dir() for p in d.rglob(f"*.{FORMATS[target]}")}
    smallest = sorted(found, key=lambda p: (p.stat().st_size, p.as_posix()))[:MAX_SEEDS]
    return tuple(p.read_bytes() for p in smallest) + tuple(render(d, target) for d in docs)


def strategy(target: str, seeds: tuple[bytes, ...]) -> Any:
    """Hypothesis strategy of examples for ``target``: raw and generated, about half each."""
    from hypothesis import strategies as st

    from helsekb import fuzzgen

    name = f"fuzz.{FORMATS[target]}"
    raw = fuzzgen.raw_bytes(seeds).map(lambda data: ({name: data}, None))
    generated = fuzzgen.documents().map(
        lambda doc: ({f"gen.{FORMATS[target]}": render(doc, target)}, _expect(doc, target))
    )
    return st.one_of(raw, generated)


def _expect(doc: Doc, target: str) -> dict[str, list[str]]:
    return {f"gen.{FORMATS[target]}": doc.texts()}


def run_target(
    target: str,
    check: Callable[[dict[str, bytes], dict[str, list[str]] | None], None],
    *,
    seeds: tuple[bytes, ...],
    budget: Callable[[TargetReport], bool],
    seed: int = 0,
) -> TargetReport:
    """Batches of examples for ``target`` while ``budget(report)`` holds."""
    report = TargetReport(target)
    start = time.monotonic()
    examples = strategy(target, seeds)
    while budget(report):
        failure = _batch(examples, check, report, seed)
        if failure is not None:
            report.failures.append(failure)
        seed += 1
        report.seconds = time.monotonic() - start
    return report


def _batch(
    examples: Any, check: Callable[..., None], report: TargetReport, seed: int
) -> Failure | None:
    """One hypothesis run of BATCH examples; the shrunk failing example, if any."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    last: list[Example] = []

    @with_seed(seed)
    @settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(examples)
    def prop(example: Example) -> None:
        report.examples += 1
        last[:] = [example]
        check(*example)

    try:
        prop()
    except Exception as exc:
        sources = last[0][0] if last else {}
        error = "".join(traceback.format_exception(exc))
        return Failure(_signature(exc), sources, error)
    return None


def _signature(exc: BaseException) -> str:
    """What makes two failures the same bug: the kind of finding, or where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    detail = str(exc).split(":", 1)[0] if type(exc).__name__ == "Finding" else where
    return f"{type(exc).__name__}: {detail}"


def save(report: TargetReport, out: Path) -> None:
    """One folder per distinct failure: the source files and the error (error.txt)."""
    folders: dict[str, Path] = {}
    for failure in report.failures:
        if failure.signature not in folders:
            digest = hashlib.sha256(failure.signature.encode()).hexdigest()[:10]
            folder = folders[failure.signature] = out / report.name / digest
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in failure.sources.items():
                (folder / name).write_bytes(data)
            (folder / "error.txt").write_text(failure.error, encoding="utf-8")
        failure.saved = folders[failure.signature]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``fuzz`` command to the ``helsekb`` parser."""
    parser = sub.add_parser(
        "fuzz",
        help="Fuzz the readers through the whole convert (long; not for CI).",
        description="Feed each reader raw bytes, mutated seed files and generated documents, "
        "convert every example, and check: one clear error or safe output, no crash or "
        "hang, nothing lost from a generated document. Failures are shrunk and saved. "
        f"Read limits default to {FUZZ_LIMITS} unless set in the environment.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=60, help="total time (default: 60)")
    parser.add_argument(
        "--target", choices=[*TARGETS, "all"], default="all", help="format (default: all)"
    )
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where failures go")
    parser.add_argument(
        "--seeds",
        type=Path,
        action="append",
        help="folder of real files to mutate (repeatable; default: source_docs)",
    )
    parser.add_argument("--seed", type=int, help="first random seed (default: from the clock)")
    parser.set_defaults(func=cmd_fuzz)


def cmd_fuzz(args: argparse.Namespace) -> int:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        print("helsekb fuzz needs hypothesis: pip install -e '.[test]'")
        return 2
    from helsekb.fuzzcheck import check

    for name, value in FUZZ_LIMITS.items():
        os.environ.setdefault(name, value)
    targets = TARGETS if args.target == "all" else (args.target,)
    seed = args.seed if args.seed is not None else int(time.time())
    print(f"helsekb fuzz: seed {seed}, {args.seconds:g} s over {', '.join(targets)}")
    reports = []
    for target in targets:
        deadline = time.monotonic() + args.seconds / len(targets)
        seeds = seeds_for(target, args.seeds or [Path("source_docs")])
        report = run_target(
            target,
            check,
            seeds=seeds,
            budget=lambda r, d=deadline: time.monotonic() < d,
            seed=seed,
        )
        save(report, args.out)
        reports.append(report)
        print(report.line(), flush=True)
        for failure in report.failures:
            print(f"  {failure.signature} -> {failure.saved}")
    return _summary(reports, args.out)


def _summary(reports: list[TargetReport], out: Path) -> int:
    failures = sum(len(r.failures) for r in reports)
    examples = sum(r.examples for r in reports)
    seconds = sum(r.seconds for r in reports)
    where = f" (saved under {out})" if failures else ""
    print(f"fuzz: {examples} examples in {seconds:.0f} s, {failures} failures{where}")
    return 1 if failures else 0
