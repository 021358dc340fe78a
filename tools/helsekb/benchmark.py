"""``helsekb bench``: the whole pipeline on synthetic corpora of N pages, with yardsticks.

For each N a corpus of N recommendation pages is generated in the four source formats
(benchcorpus.py, seeded) in a project folder with the repository's mkdocs.yml and
overrides/. Then, each in its own process and timed from outside (wall time, peak memory):

- **cold build**: ``helsekb build`` with an empty cache (per-stage figures from --timings);
- **plain mkdocs build** of the Markdown the cold build wrote: Material with the same
  features (navigation.prune) and Markdown extensions, no overrides and no plugins;
- **floor**: rendering that Markdown with Python-Markdown (same extensions), no templates;
- **warm build**: ``helsekb build`` again, sources unchanged;
- **incremental convert**: ``helsekb convert`` after one source changed.

Peak memory is that of the largest process (the conversion's, or a worker's); "all
processes" is the peak of their proportional set sizes summed, sampled every 0.2 s: forked
workers share the parent's pages until they touch them, so the sum is what they take.

The readers are compared with trafilatura and pdfplumber on the same files
(benchreaders.py). Not a test: nothing is asserted; the tables are printed (Markdown).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helsekb import benchcorpus, benchreaders, benchtables
from helsekb.fidelity import markdown_renderer

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(tempfile.gettempdir()) / "helsekb-bench"
EPILOG = "Example:\n  helsekb bench --pages 100,1000,5000"


class BenchError(Exception):
    """A step of the benchmark failed; the message names the step and its log."""


@dataclass(slots=True)
class Measured:
    seconds: float
    peak_mb: float
    stages: list[dict] = field(default_factory=list)
    total_mb: float = 0.0
    """The peak of all the run's processes' memory together (PSS, sampled)."""


@dataclass(slots=True)
class Result:
    pages: int
    corpus: benchcorpus.CorpusInfo
    cold: Measured
    warm: Measured
    incremental: Measured
    plain: Measured
    floor_s: float
    docs_bytes: int
    site_bytes: int
    html_mean: float
    html_max: int
    readers: list[benchreaders.ReaderRow]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench`` sub-command to the main parser's sub-parsers."""
    p = sub.add_parser(
        "bench",
        help="Benchmark the whole pipeline on synthetic corpora (time, memory, size).",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--pages", default="100,1000,5000", help="corpus sizes (default: %(default)s)")
    p.add_argument("--work", type=Path, default=WORK, help="work folder (default: %(default)s)")
    p.add_argument("--seed", type=int, default=2024, help="corpus seed (default: %(default)s)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        sizes = [int(n) for n in args.pages.split(",")]
    except ValueError:
        print(f"--pages {args.pages!r}: give sizes like 100,1000,5000", file=sys.stderr)
        return 2
    results = []
    try:
        for n in sizes:
            print(f"[{time.strftime('%H:%M:%S')}] {n:,} pages …", file=sys.stderr, flush=True)
            results.append(bench_size(n, args.work.resolve() / str(n), args.seed))
            print(report(results), flush=True)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    return 0


def bench_size(pages: int, work: Path, seed: int = 2024) -> Result:
    """Generate, build (cold, warm), compare, change one source, convert: one corpus."""
    shutil.rmtree(work, ignore_errors=True)
    project = work / "project"
    project.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    corpus = benchcorpus.write_corpus(pages, project / "source_docs", seed)
    build = ["build", "-q", "--cache", str(work / "cache")]
    cold = _helsekb(build, project, work / "cold")
    plain = _run(_plain_build(work, project / "docs"), work, work / "plain")
    floor_s = floor(project / "docs")
    warm = _helsekb(build, project, work / "warm")
    docs_bytes, site_bytes = _bytes(project / "docs"), _bytes(project / "site")
    html_mean, html_max = _html_weight(project / "site")
    readers = benchreaders.compare(project / "source_docs")
    _change_one_source(project / "source_docs")
    incremental = _helsekb(["convert", *build[1:]], project, work / "incremental")
    return Result(
        pages, corpus, cold, warm, incremental, plain, floor_s, docs_bytes, site_bytes,
        html_mean, html_max, readers,
    )  # fmt: skip


def _helsekb(args: list[str], cwd: Path, log: Path) -> Measured:
    timings = log.with_suffix(".json")
    cmd = [sys.executable, "-m", "helsekb.cli", *args, "--timings", str(timings)]
    run = _run(cmd, cwd, log)
    run.stages = json.loads(timings.read_text(encoding="utf-8"))
    return run


SAMPLE_S = 0.2
"""How often the memory of a run's processes is summed."""


def _run(cmd: list[str], cwd: Path, log: Path) -> Measured:
    """Run ``cmd`` to the end; its wall time, peak memory (of its largest process) and the
    peak of all its processes' memory together (sampled)."""
    log = log.with_suffix(".log")
    total = 0.0
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            total = max(total, _tree_pss_mb(proc.pid))
            time.sleep(SAMPLE_S)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise BenchError(f"{' '.join(cmd[2:4])} in {cwd} exited {proc.returncode}; see {log}")
    return Measured(seconds, usage.ru_maxrss / 1024, total_mb=total)


def _tree_pss_mb(root: int) -> float:
    """The proportional set size (shared pages split between their sharers) of ``root`` and
    all its descendants, summed, in MiB: what they take together. 0 off Linux."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total_kb, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


def _plain_build(work: Path, docs: Path) -> list[str]:
    """``mkdocs build`` of ``docs`` with a bare Material configuration; the command."""
    nav = yaml.safe_load((docs / ".nav.yml").read_text(encoding="utf-8"))["nav"]
    config = {
        "site_name": "plain",
        "docs_dir": str(docs),
        "site_dir": str(work / "plain-site"),
        "theme": {"name": "material", "language": "nb", "features": _features()},
        "plugins": [],
        "nav": nav,
    }
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    path = work / "plain.yml"
    path.write_text(text + _extensions_block(), encoding="utf-8")
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(path)]


def _features() -> list[str]:
    """The theme features of the repository's mkdocs.yml (navigation.prune among them)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    block = text[text.index("  features:\n") :].split("\n\n")[0]
    return [line.split("- ", 1)[1] for line in block.splitlines() if line.startswith("    - ")]


def _extensions_block() -> str:
    """The ``markdown_extensions:`` section of the repository's mkdocs.yml, verbatim."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    found = re.search(r"^markdown_extensions:\n(?:(?:[ #].*)?\n)*", text, re.MULTILINE)
    if found is None:
        raise BenchError("mkdocs.yml has no markdown_extensions section")
    return "\n" + found.group(0).rstrip("\n") + "\n"


def floor(docs: Path) -> float:
    """Seconds to render every Markdown file of ``docs`` with Python-Markdown, no templates."""
    md = markdown_renderer(toc={})
    files = sorted(docs.rglob("*.md"))
    started = time.perf_counter()
    for path in files:
        md.reset().convert(path.read_text(encoding="utf-8"))
    return time.perf_counter() - started


def _change_one_source(sources: Path) -> None:
    """Add a sentence to the first HTML page (a new fact, as a nightly fetch would bring)."""
    path = sorted((sources / "html").glob("*.html"))[0]
    text = path.read_text(encoding="utf-8")
    extra = "<p>Kommunen bør oppdatere rutinene etter endringen i benchmarken.</p>"
    path.write_text(text.replace("</p>", "</p>" + extra, 1), encoding="utf-8")


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _html_weight(site: Path) -> tuple[float, int]:
    """Mean and largest size of the site's HTML pages, in bytes."""
    sizes = [p.stat().st_size for p in site.rglob("*.html")]
    return sum(sizes) / len(sizes), max(sizes)


def report(results: list[Result]) -> str:
    """The benchmark tables (Markdown)."""
    return benchtables.tables(results)
