"""The ``helsekb`` command: thin wrappers around the library."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from helsekb import __version__, fsutil, pipeline
from helsekb.benchmark import register as add_bench_command
from helsekb.cache import CACHE_ENV, DEFAULT_DIR, Cache
from helsekb.fetch.cli import register as add_fetch_command
from helsekb.fuzz import register as add_fuzz_command
from helsekb.report import Level, RunReport
from helsekb.roles_eval import register as add_eval_roles_command
from helsekb.search.bench import register as add_bench_search_command
from helsekb.stages import Stages

EXAMPLES = {
    "convert": "Example:\n  helsekb convert --sources source_docs --out docs",
    "build": (
        "Example:\n  helsekb build\n"
        "  helsekb build --site-url https://intranett.example/retningslinjer/ --zip helsekb.zip"
    ),
    "serve": "Example:\n  helsekb serve --dev-addr 127.0.0.1:8000",
    "csp": "Example:\n  helsekb csp --site-dir site",
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:  # the staging folders are gone by now; what was in place stays
        print("helsekb: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="helsekb",
        description="Turn Helsedirektoratet guidance (text captures, HTML pages, content-API "
        "JSON, PDFs) into structured Markdown and an offline MkDocs site.",
        epilog="Run 'helsekb COMMAND --help' for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"helsekb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    conv = _command(sub, "convert", "Convert the sources into Markdown and kb.json in docs/.")
    conv.set_defaults(func=cmd_convert)
    build = _command(sub, "build", "Convert and build the site with 'mkdocs build --strict'.")
    build.add_argument(
        "--site-dir", type=Path, default=Path("site"), help="output (default: site/)"
    )
    build.add_argument("--site-url", help="public URL of the site (env HELSEKB_SITE_URL)")
    build.add_argument("--zip", type=Path, metavar="PATH", help="also write the site as a zip")
    build.set_defaults(func=cmd_build)
    csp = sub.add_parser(
        "csp",
        help="Print the Content-Security-Policy the built site satisfies.",
        description="Print the Content-Security-Policy header value for the built site "
        "(inline theme scripts allowed by hash; no 'unsafe-inline').",
        epilog=EXAMPLES["csp"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    csp.add_argument(
        "--site-dir", type=Path, default=Path("site"), help="built site (default: site/)"
    )
    csp.set_defaults(func=cmd_csp)
    add_fetch_command(sub)
    add_bench_command(sub)
    add_bench_search_command(sub)
    add_eval_roles_command(sub)
    add_fuzz_command(sub)
    serve = _command(sub, "serve", "Convert, then preview the site with 'mkdocs serve'.")
    serve.add_argument(
        "--dev-addr", default="127.0.0.1:8000", help="address (default: %(default)s)"
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def _command(sub: argparse._SubParsersAction, name: str, summary: str) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--sources",
        type=Path,
        default=Path("source_docs"),
        help="sources directory (default: source_docs/)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("docs"), help="Markdown output directory (default: docs/)"
    )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar or table; errors and the summary line only",
    )
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"conversion cache (default: env {CACHE_ENV} or {DEFAULT_DIR}/)",
    )
    p.add_argument("--no-cache", action="store_true", help="read every source again; no cache used")
    p.add_argument(
        "--timings",
        type=Path,
        metavar="FILE",
        help="write each stage's wall time and peak memory to FILE (JSON)",
    )
    return p


def cmd_convert(args: argparse.Namespace) -> int:
    stages = Stages()
    code = _convert(args, stages)
    if args.timings:
        stages.write(args.timings)
    return code


def _convert(
    args: argparse.Namespace, stages: Stages, alongside: pipeline.Alongside | None = None
) -> int:
    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
    if not args.sources.is_dir():
        console.print(f"{args.sources}: error: sources directory not found")
        return 2
    cache = Cache(None) if args.no_cache else Cache(args.cache) if args.cache else Cache.default()
    with _progress(args.quiet) as progress:
        run = pipeline.convert(
            args.sources, args.out, progress, cache=cache, stages=stages, alongside=alongside
        )
    print_report(run, console, quiet=args.quiet)
    return 1 if run.failed else 0


@contextmanager
def _progress(quiet: bool) -> Iterator[pipeline.Progress | None]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Leser kilder", total=None)
        yield lambda name: bar.update(task, advance=1, description=f"Leser {name}")


def print_report(run: RunReport, console: Console, quiet: bool = False) -> None:
    if not quiet:
        console.print(_table(run))
    for d in run.all_diagnostics():
        if d.level is Level.ERROR or not quiet:
            console.print(str(d), markup=False)
    kept = sum(f.sentences_kept for f in run.files)
    total = sum(f.sentences_total for f in run.files)
    failed = sum(f.failed for f in run.files)
    verdict = "FAILED: docs/ left unchanged" if run.failed else "ok"
    pages = sum(f.pages for f in run.files)
    refs = sum(f.references for f in run.files)
    console.print(
        f"{len(run.files)} sources, {failed} failed, {pages} pages, "
        f"sentences kept {kept}/{total}, {refs} references: {verdict}",
        markup=False,
    )


def _table(run: RunReport) -> Table:
    table = Table(title="helsekb convert")
    for col in ("source", "format", "pages", "sentences kept", "references", "warnings", "errors"):
        table.add_column(col, justify="left" if col in ("source", "format") else "right")
    for f in run.files:
        levels = [d.level for d in f.diagnostics]
        table.add_row(
            f.file,
            f.format,
            str(f.pages),
            f"{f.sentences_kept}/{f.sentences_total}",
            str(f.references),
            str(levels.count(Level.WARNING)),
            str(levels.count(Level.ERROR)),
        )
    return table


def cmd_build(args: argparse.Namespace) -> int:
    stages = Stages()
    code = _build(args, stages)
    if args.timings:
        stages.write(args.timings)
    return code


def _build(args: argparse.Namespace, stages: Stages) -> int:
    """Convert, and build the site into a staging directory swapped in at the end.

    Where it can, the site is built from the staged conversion while another process checks
    the conversion's fidelity (the check takes a core beside the site build's); otherwise,
    after the conversion. Either way nothing is swapped in unless the conversion passed."""
    from helsekb.site import builds_from, write_zip

    with fsutil.staging_dir(args.site_dir) as staging:
        site = _StagedSite(args, stages, staging)
        beside = builds_from(Path.cwd(), args.out)
        code = _convert(args, stages, site.build if beside else None)
        if code:
            return code
        if not site.built:  # the conversion was replayed, or not staged
            site.build(None)
        if site.error:
            Console().print(f"site build failed: {site.error}", markup=False)
            return 1
        fsutil.replace_dir(staging, args.site_dir)
    if args.zip:
        write_zip(args.site_dir, args.zip)
    return 0


@dataclass(slots=True)
class _StagedSite:
    """The site build into ``staging``: whether it ran, and why it failed."""

    args: argparse.Namespace
    stages: Stages
    staging: Path
    built: bool = False
    error: str = ""

    def build(self, docs: Path | None) -> None:
        """Build from ``docs`` (a staged conversion), or from the project's docs/."""
        from helsekb.site import BuildError, render_site

        self.built = True
        try:
            with self.stages.stage("site"):
                render_site(Path.cwd(), self.staging, site_url=self.args.site_url, docs=docs)
        except BuildError as exc:
            self.error = str(exc)


def cmd_csp(args: argparse.Namespace) -> int:
    if not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir}: error: no built site here; run 'helsekb build' first")
        return 2
    from helsekb.site import content_security_policy

    print(content_security_policy(args.site_dir))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    code = _convert(args, Stages())
    if code:
        return code
    from mkdocs.commands.serve import serve

    serve(config_file="mkdocs.yml", dev_addr=args.dev_addr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
