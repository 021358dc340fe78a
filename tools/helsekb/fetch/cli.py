"""The ``helsekb fetch`` sub-command: a progress bar at a terminal, plain lines for cron."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress

from helsekb.catalogue import CatalogueError

if TYPE_CHECKING:
    from helsekb.fetch.session import Result

SUMMARY = "Download the catalogued pages, document trees and PDFs into the sources directory."
DESCRIPTION = (
    SUMMARY + "\n\n"
    "Reads sources.yml: each source with a 'url' and an .html or .pdf file, each document\n"
    "with 'crawl: true' (its tree below 'url'), and with --api (or 'api: true') each\n"
    "document's content-API JSON below 'api_path' (key in HELSEDIR_API_KEY). Obeys\n"
    "robots.txt, the rate limit and the host allow-list in the 'fetch:' settings; asks\n"
    "only for what changed (manifest.json) and never deletes or truncates a source.\n"
    "Exit status: 0 all fetched, 1 something failed, 2 the run could not start."
)
EPILOG = (
    "Example:\n"
    "  helsekb fetch\n"
    "  HELSEDIR_API_KEY=... helsekb fetch --api --quiet   # cron: failures and summary only"
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``fetch`` sub-command to the main parser's sub-parsers."""
    p = sub.add_parser(
        "fetch",
        help=SUMMARY,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--sources",
        type=Path,
        default=Path("source_docs"),
        help="sources directory holding sources.yml (default: source_docs/)",
    )
    p.add_argument(
        "--api",
        action="store_true",
        help="also fetch the content-API JSON of every document with an 'api_path'",
    )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar; one line per failure and the summary line only",
    )
    p.set_defaults(func=cmd_fetch)


def cmd_fetch(args: argparse.Namespace) -> int:
    # here, not at the top: every other command would wait for the HTTP client and parser
    from helsekb.fetch.run import SetupError, fetch_sources
    from helsekb.fetch.session import Outcome

    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
    if not args.sources.is_dir():
        console.print(f"{args.sources}: error: sources directory not found", markup=False)
        return 2
    try:
        with _progress(args.quiet) as advance:
            session = fetch_sources(
                args.sources, api=args.api, on_result=_printer(console, args.quiet, advance)
            )
    except SetupError as exc:
        console.print(str(exc), markup=False)
        return 2
    except CatalogueError as exc:
        where = f"{exc.file}:{exc.location}" if exc.location else exc.file
        console.print(f"{where}: error: {exc.message}", markup=False)
        return 2
    except OSError as exc:  # the manifest or the directory cannot be read or written
        console.print(f"{exc.filename or args.sources}: error: {exc.strerror or exc}", markup=False)
        return 1
    console.print(session.summary(), markup=False)
    return 1 if session.count(Outcome.FAILED) else 0


def _printer(
    console: Console, quiet: bool, advance: Callable[[str], None]
) -> Callable[[Result], None]:
    from helsekb.fetch.session import Outcome

    def show(result: Result) -> None:
        advance(result.url)
        if result.outcome is Outcome.FAILED or not quiet:
            console.print(str(result), markup=False)

    return show


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A live bar on stderr at a terminal; elsewhere (cron, pipes, --quiet) nothing."""
    if quiet or not sys.stderr.isatty():
        yield lambda url: None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Henter", total=None)
        yield lambda url: bar.update(task, advance=1, description=f"Henter {url}")
