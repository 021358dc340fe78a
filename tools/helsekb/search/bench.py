"""``helsekb bench-search``: helsekb's search against Material's built-in search, in Chromium.

For each N, a synthetic site of N recommendation pages (search/synthetic.py, seeded) is
built twice from the same Markdown: once with helsekb's search and once with Material's
(lunr). Both are opened from ``file://`` and measured the same way: time from the first
keystroke after the page has loaded to the first results on screen, time per further
query, the bytes of the index the browser loads, and the bytes a page loads before any
search. Not a test: nothing is asserted, the table is printed.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from helsekb import pipeline
from helsekb.search import synthetic
from helsekb.writers.nav import NAV_FILE

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[3]
WORK = Path(tempfile.gettempdir()) / "helsekb-bench-search"
ENGINES = ("helsekb", "material")
SEARCH_ASSETS = ("assets/javascripts/search/", "assets/stylesheets/search.css")
EPILOG = "Example:\n  helsekb bench-search --pages 100,1000,5000 --runs 3"


@dataclass(slots=True)
class Row:
    pages: int
    engine: str
    first_ms: float
    further_ms: float
    index_bytes: int
    page_bytes: int
    build_s: float


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``bench-search`` sub-command to the main parser's sub-parsers."""
    p = sub.add_parser(
        "bench-search",
        help="Benchmark helsekb's search against Material's on synthetic sites.",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--pages", default="100,1000,5000", help="site sizes (default: %(default)s)")
    p.add_argument("--runs", type=int, default=3, help="page loads per engine and size")
    p.add_argument("--work", type=Path, default=WORK, help="build folder (default: %(default)s)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        sizes = [int(n) for n in args.pages.split(",")]
    except ValueError:
        print(f"--pages {args.pages!r}: give sizes like 100,1000,5000", file=sys.stderr)
        return 2
    rows: list[Row] = []
    for n in sizes:
        rows.extend(bench_size(n, args.work.resolve() / str(n), args.runs))
        print(table(rows), flush=True)
    return 0


def bench_size(pages: int, work: Path, runs: int, browser: Browser | None = None) -> list[Row]:
    """Build and time both engines on an N-page site in ``work`` (in ``browser`` if given)."""
    from helsekb.search import browser_timing  # Playwright: a test dependency, needed here only

    shutil.rmtree(work, ignore_errors=True)
    docs = work / "docs"
    write_docs(pages, docs)
    out = []
    for engine in ENGINES:
        started = time.monotonic()
        site = build_engine(engine, work, docs)
        seconds = time.monotonic() - started
        timing = browser_timing.measure(site, runs, browser)
        index = site / ("sok/indeks.js" if engine == "helsekb" else "search/search_index.js")
        out.append(
            Row(
                pages,
                engine,
                statistics.median(timing.first_ms),
                statistics.median(timing.further_ms),
                index.stat().st_size,
                timing.page_bytes,
                seconds,
            )
        )
    return out


def write_docs(pages: int, docs: Path) -> None:
    """The synthetic site's Markdown and search index, as ``helsekb convert`` writes them.

    The nav lists the home page only, to keep the build time down.
    """
    for rel, text in pipeline.render(synthetic.knowledge_base(pages)).items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _home_only_nav(docs / NAV_FILE)


def build_engine(engine: str, work: Path, docs: Path) -> Path:
    """Build ``docs`` with one engine."""
    project = work / engine
    project.mkdir()
    overrides = project / "overrides"
    shutil.copytree(ROOT / "overrides", overrides)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if engine == "material":  # Material's own search box, plugin and lunr index
        (overrides / "partials" / "search.html").unlink()
        (overrides / "partials" / "header.html").unlink()
        lines = [line for line in config.splitlines() if not any(a in line for a in SEARCH_ASSETS)]
        config = (
            "\n".join(lines)
            .replace("    - toc.follow", "    - search.highlight\n    - toc.follow")
            .replace("\nplugins:\n", "\nplugins:\n  - search\n")
        )
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    (project / "docs").symlink_to(docs)
    site = project / "site"
    logging.getLogger("mkdocs").setLevel(logging.WARNING)  # "not in nav" for every page
    cfg = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    return site


def _home_only_nav(path: Path) -> None:
    """Keep the generated ``extra`` (role names) but list only the home page: build time."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["nav"] = ["index.md"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def table(rows: list[Row]) -> str:
    """A Markdown table, with helsekb's speed-up over Material's search per size."""
    head = (
        "| pages | search | first results | further query | index | page weight | "
        "build | first results vs Material |\n|---:|---|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    material = {r.pages: r for r in rows if r.engine == "material"}
    for r in rows:
        other = material.get(r.pages)
        ratio = f"{other.first_ms / r.first_ms:.1f}× faster" if other and r is not other else ""
        lines.append(
            f"| {r.pages:,} | {r.engine} | {r.first_ms:.0f} ms | {r.further_ms:.1f} ms | "
            f"{_size(r.index_bytes)} | {_size(r.page_bytes)} | {r.build_s:.0f} s | {ratio} |"
        )
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"
