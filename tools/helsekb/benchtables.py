"""The tables ``helsekb bench`` prints (Markdown, for the README)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helsekb.benchmark import Measured, Result

STAGES = ("read", "enrich", "markdown", "search index", "fidelity", "write", "site")


def tables(results: list[Result]) -> str:
    return "\n\n".join([summary(results), stages(results), scaling(results), readers(results)])


def _peak(run: Measured) -> float:
    """The run's peak memory: measured from outside, or a stage's, if higher (each stage
    resets the process's high-water mark, so the outside figure sees only the last ones)."""
    return max([run.peak_mb, *(s["peak_mb"] for s in run.stages)])


def summary(results: list[Result]) -> str:
    """Builds against the plain MkDocs build and the floor, memory and size."""
    lines = [
        "| pages | cold build | warm build | plain mkdocs build | floor | cold ÷ plain | "
        "warm ÷ plain | cold ÷ floor | incremental convert | peak memory | "
        "all processes | site | HTML per page (mean / max) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        runs = (r.cold, r.warm, r.incremental)
        peak, total = max(_peak(run) for run in runs), max(run.total_mb for run in runs)
        lines.append(
            f"| {r.pages:,} | {_s(r.cold.seconds)} | {_s(r.warm.seconds)} | "
            f"{_s(r.plain.seconds)} | {_s(r.floor_s)} | "
            f"{r.cold.seconds / r.plain.seconds:.2f}× | {r.warm.seconds / r.plain.seconds:.2f}× | "
            f"{r.cold.seconds / r.floor_s:.2f}× | {_s(r.incremental.seconds)} | {peak:,.0f} MiB | "
            f"{total:,.0f} MiB | {_size(r.site_bytes)} | "
            f"{r.html_mean / 1024:.1f} / {r.html_max / 1024:.1f} KiB |"
        )
    return "\n".join(lines)


def stages(results: list[Result]) -> str:
    """Where the cold build and the incremental convert spend time (and peak memory)."""
    head = "| pages | run | " + " | ".join(STAGES) + " |"
    lines = [head, "|---:|---|" + "---:|" * len(STAGES)]
    for r in results:
        for name, run in (("cold", r.cold), ("incremental", r.incremental)):
            lines.append(
                f"| {r.pages:,} | {name} | " + " | ".join(_stage(run, s) for s in STAGES) + " |"
            )
    return "\n".join(lines)


def _stage(run: Measured, name: str) -> str:
    found = [s for s in run.stages if s["name"] == name]
    if not found:
        return "–"
    return f"{_s(found[0]['seconds'])} ({found[0]['peak_mb']:,.0f} MiB)"


def scaling(results: list[Result]) -> str:
    """Milliseconds per page at each size, and how the totals grow from one size to the next."""
    lines = [
        "| pages | cold build per page | plain mkdocs per page | floor per page | "
        "cold build growth | pages growth |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    previous = None
    for r in results:
        growth = pages = ""
        if previous:
            growth = f"×{r.cold.seconds / previous.cold.seconds:.1f}"
            pages = f"×{r.pages / previous.pages:.0f}"
        lines.append(
            f"| {r.pages:,} | {_ms(r.cold.seconds, r.pages)} | {_ms(r.plain.seconds, r.pages)} | "
            f"{_ms(r.floor_s, r.pages)} | {growth} | {pages} |"
        )
        previous = r
    return "\n".join(lines)


def readers(results: list[Result]) -> str:
    """helsekb's readers against trafilatura and pdfplumber on the same files."""
    lines = [
        "| pages | format | files | helsekb | alternative | alternative time | "
        "helsekb ÷ alternative | sentences the alternative keeps |",
        "|---:|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        for row in r.readers:
            kept = f"{row.other_kept:.1%}" if row.other_kept is not None else "–"
            lines.append(
                f"| {r.pages:,} | {row.fmt} | {row.files} | {row.helsekb_ms:.1f} ms | "
                f"{row.other} | {row.other_ms:.1f} ms | {row.helsekb_ms / row.other_ms:.2f}× | "
                f"{kept} |"
            )
    return "\n".join(lines)


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 100 else f"{seconds:.0f} s"


def _ms(seconds: float, pages: int) -> str:
    return f"{seconds * 1000 / pages:.1f} ms"


def _size(n: int) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"
