"""MkDocs' own build, with its two per-page loops spread over forked processes.

``mkdocs.commands.build.build`` renders every page's Markdown, then every page's template,
one page at a time: on a machine with two cores, half of it idles through the longest part
of ``helsekb build``. :func:`build` takes the same steps in the same order with MkDocs' own
functions, but runs each of those two loops in ``workers`` forked processes. The first
sends back what rendering set on each page (its HTML, table of contents, title, anchors and
links); in the second, each process writes the pages it rendered. What a page's work logs
is logged here, in page order, as the plain build logs it (strict mode counts it here).

The site is byte-identical to a plain ``mkdocs build`` (tested). A plugin that handles a
page event could keep state across pages, which a child's copy would lose: unless every
plugin is one known to handle none, the plain build runs.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler, clean_directory

from helsekb import parallel

log = logging.getLogger("mkdocs.commands.build")

PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content")
PAGE_EVENTS += ("page_context", "post_page")
"""The plugin events a child runs; a plugin handling none of them keeps no state there."""
RENDERED = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids")
"""What reading and rendering a page set on it (besides its links to anchors)."""


def build(config: MkDocsConfig, workers: int) -> None:
    """Build the site as ``mkdocs build`` does, the pages' work in ``workers`` processes."""
    if workers <= 1 or _handles_page_events(config):
        mkdocs_build.build(config)
        return
    logger = logging.getLogger("mkdocs")
    counter = CountHandler()
    counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(counter)
    try:
        start = time.monotonic()
        _build(config, workers)
        if counts := counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(counter)


def _handles_page_events(config: MkDocsConfig) -> bool:
    return any(config.plugins.events[event] for event in PAGE_EVENTS)


def _build(config: MkDocsConfig, workers: int) -> None:
    """The steps of ``mkdocs.commands.build.build`` (neither served nor dirty)."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    log.info("Cleaning site directory")
    clean_directory(config.site_dir)
    files = mkdocs_build.get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    for file in doc_files:
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
    pages = [file.page for file in doc_files if file.page is not None]
    _each(partial(_read, config, files), pages, workers, partial(_put, files))
    env = config.plugins.on_env(env, config=config, files=files)
    files.copy_static_files(dirty=False, inclusion=InclusionLevel.is_included)
    for template in config.theme.static_templates:
        mkdocs_build._build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        mkdocs_build._build_extra_template(template, files, config, nav)
    write = partial(_write, config, doc_files, nav, env)
    _each(write, pages, workers, lambda page, done: None)
    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    config.plugins.on_post_build(config=config)


@dataclass(slots=True)
class _Done:
    """A page's work as it comes back from a child: what was logged, the error if it
    failed, and what rendering set on the page (read only)."""

    records: list[logging.LogRecord] = field(default_factory=list)
    error: BaseException | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    links: dict[str, dict[str, str]] | None = None


def _each(
    work: Callable[[Page], _Done],
    pages: list[Page],
    workers: int,
    put: Callable[[Page, _Done], None],
) -> None:
    """``work`` on every page in forked processes; each page's records logged here and its
    result put on it, in page order, up to the first page that failed (its error raised)."""
    for page, done in zip(pages, parallel.fork_imap(work, pages, workers), strict=True):
        for record in done.records:
            logging.getLogger(record.name).handle(record)
        if done.error is not None:
            raise done.error
        put(page, done)


def _read(config: MkDocsConfig, files: Files, page: Page) -> _Done:
    """Read and render ``page`` (MkDocs' ``_populate_page``); what that set on it is taken
    off it into the result (a child's copy is not kept; here it is put back)."""
    with _captured() as done:
        mkdocs_build._populate_page(page, config, files)
        done.fields = {name: getattr(page, name) for name in RENDERED}
        for name in ("markdown", "content", "toc"):
            setattr(page, name, None)
        if (links := page.links_to_anchors) is not None:
            done.links = {to.src_uri: anchors for to, anchors in links.items()}
    return done


def _put(files: Files, page: Page, done: _Done) -> None:
    for name, value in done.fields.items():
        setattr(page, name, value)
    if done.links is not None:
        page.links_to_anchors = {_file(files, uri): anchors for uri, anchors in done.links.items()}


def _file(files: Files, uri: str) -> File:
    found = files.get_file_from_path(uri)
    assert found is not None, f"a page links to {uri}, which is not in the site's files"
    return found


def _write(
    config: MkDocsConfig,
    doc_files: list[File],
    nav: Navigation,
    env: jinja2.Environment,
    page: Page,
) -> _Done:
    """Render ``page``'s template and write it (MkDocs' ``_build_page``)."""
    with _captured() as done:
        excluded = page.file.inclusion.is_excluded()
        mkdocs_build._build_page(page, config, doc_files, nav, env, excluded=excluded)
    return done


class _Keep(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.NOTSET)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None  # (arguments may not pickle)
        record.exc_info = record.exc_text = None
        self.records.append(record)


@contextmanager
def _captured() -> Iterator[_Done]:
    """What MkDocs logs in the block is kept (not handled here: in a child, that would be
    lost, or counted twice), and so is the error that ends it."""
    done = _Done()
    logger = logging.getLogger("mkdocs")
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers[:] = [_Keep(done.records)]
    logger.propagate = False
    try:
        yield done
    except Exception as exc:  # handed to the parent, which raises it
        done.error = _portable(exc)
    finally:
        logger.handlers[:] = handlers
        logger.propagate = propagate


def _portable(exc: Exception) -> BaseException:
    """``exc``, or, if it cannot be sent from a child, an error with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # any failure to pickle
        return BuildError(f"{type(exc).__name__}: {exc}")
    return exc
