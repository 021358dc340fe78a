"""MkDocs' own build, with its two per-page loops shared out among forked processes.

``mkdocs.commands.build.build`` renders every page's Markdown, then every page's template,
one page at a time: on a machine with two cores, half of it idles through the longest part
of ``helsekb build``. :func:`build` takes the same steps in the same order with MkDocs' own
functions, but forks ``workers`` processes that each take every ``workers``-th page: each
renders its pages' Markdown and sends back what the other pages and the link check need
of them (title, front matter; anchors, links to anchors), then, told the other pages'
titles and front matter, renders its pages' templates and writes them. A page's HTML
stays in the process that rendered it, so no process holds every page (a plain build holds
them all). What a page's work logs is logged here, in page order, as the plain build logs
it (strict mode counts it here), up to the first page that failed, whose error is raised
here.

The site is byte-identical to a plain ``mkdocs build`` (tested). A plugin that handles a
page event (or ``on_env``) could keep state across pages, which a child's copy would lose:
if any plugin handles one, the plain build runs.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from types import TracebackType
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

CHILD_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "env")
CHILD_EVENTS += ("page_context", "post_page")
"""The plugin events a child runs (``env``: its copy of the templates' environment)."""
SHARED = ("meta", "_title_from_render")
"""What rendering a page sets on it that the other pages' templates need: its front matter
and title (the navigation shows them)."""


def build(config: MkDocsConfig, workers: int) -> None:
    """Build the site as ``mkdocs build`` does, the pages' work in ``workers`` processes
    (the plain build where that cannot be: one worker, no ``fork``, a plugin that might
    keep state in a child)."""
    if (
        workers <= 1
        or not hasattr(os, "fork")
        or any(config.plugins.events[event] for event in CHILD_EVENTS)
    ):
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
    read = partial(_read, config, files)
    write = partial(_write, config, doc_files, nav, env)
    with _Team(pages, min(workers, max(1, len(pages))), read, write) as team:
        for page, done in zip(pages, _in_order(team.read()), strict=True):
            _put(page, done.shared)
            page.present_anchor_ids = done.anchors
            if done.links is not None:
                page.links_to_anchors = {_file(files, u): a for u, a in done.links.items()}
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=False, inclusion=InclusionLevel.is_included)
        for template in config.theme.static_templates:
            mkdocs_build._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mkdocs_build._build_extra_template(template, files, config, nav)
        written = team.write([{name: getattr(p, name) for name in SHARED} for p in pages])
        for _ in _in_order(written):  # (each page's records logged, the first error raised)
            pass
    for page in pages:
        page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
    config.plugins.on_post_build(config=config)


@dataclass(slots=True)
class _Done:
    """A page's work as a child sends it: what was logged, the error if it failed, and (from
    reading) what the other pages' templates need of it, and the link check."""

    records: list[logging.LogRecord] = field(default_factory=list)
    error: BaseException | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    anchors: set[str] | None = None
    links: dict[str, dict[str, str]] | None = None


def _in_order(done: list[_Done]) -> Iterator[_Done]:
    """Each page's work in page order (``done`` holds every page up to the first that
    failed): its records logged here, then given, or its error raised."""
    for page in done:
        for record in page.records:
            logging.getLogger(record.name).handle(record)
        if page.error is not None:
            raise page.error
        yield page


def _read(config: MkDocsConfig, files: Files, page: Page) -> _Done:
    """Read and render ``page`` (MkDocs' ``_populate_page``). Its Markdown is dropped (its
    template does not use it)."""
    with _captured() as done:
        mkdocs_build._populate_page(page, config, files)
        page.markdown = ""
        done.shared = {name: getattr(page, name) for name in SHARED}
        done.anchors = page.present_anchor_ids
        if (links := page.links_to_anchors) is not None:
            done.links = {to.src_uri: anchors for to, anchors in links.items()}
    return done


def _put(page: Page, shared: dict[str, Any]) -> None:
    """Give a page rendered in another process what rendering set on it there, but its HTML
    and table of contents, which only its own template uses. Its Markdown and HTML are set
    empty, not left unset: its title is then found as after rendering (MkDocs reads an
    unrendered page's title from its Markdown)."""
    for name, value in shared.items():
        setattr(page, name, value)
    page.markdown = page.content = ""


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


Work = Callable[[Page], _Done]


class _Team:
    """Forked processes, the ``n``-th of ``size`` reading, then writing, pages ``n``,
    ``n + size``, … . On leaving (also on an error), none is left running: none goes on
    writing into the site, nor waits for ever."""

    def __init__(self, pages: list[Page], size: int, read: Work, write: Work) -> None:
        self.pages, self.size, self.read_page, self.write_page = pages, size, read, write
        self.members: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []

    def __enter__(self) -> _Team:
        fork = multiprocessing.get_context("fork")
        gc.freeze()  # (the children's collections would touch, and so copy, every object)
        try:
            for n in range(self.size):
                here, there = fork.Pipe()
                member = fork.Process(target=self._member, args=(n, there, os.getpid()))
                member.start()
                there.close()
                self.members.append((member, here))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        finally:
            gc.unfreeze()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for member, connection in self.members:
            connection.close()  # (a member waiting for the pages' titles ends)
            if kind is not None:
                member.terminate()
            member.join()

    def read(self) -> list[_Done]:
        """Every page's reading, in page order, up to the first page that failed."""
        return self._gathered()

    def write(self, shared: list[dict[str, Any]]) -> list[_Done]:
        """Every page's writing (each member told ``shared``: what every page's reading set
        on it), in page order, up to the first page that failed."""
        for _, connection in self.members:
            connection.send(shared)
        return self._gathered()

    def _gathered(self) -> list[_Done]:
        by_page: dict[int, _Done] = {}
        for member, connection in self.members:
            try:
                by_page.update(connection.recv())
            except EOFError:
                member.join()
                raise BuildError(
                    f"a process of the site build ended unexpectedly (exit code {member.exitcode})"
                ) from None
        done = []
        for n in range(len(self.pages)):
            if n not in by_page:
                break  # after a page that failed
            done.append(by_page[n])
        return done

    def _member(self, first: int, connection: Connection, parent: int) -> None:
        parallel.die_with_parent(parent)
        for _, other in self.members:  # (the parent's ends of the pipes of those before)
            other.close()
        mine = range(first, len(self.pages), self.size)
        connection.send(_each(self.read_page, self.pages, mine))
        try:
            shared: list[dict[str, Any]] = connection.recv()
        except EOFError:  # the build stopped after reading
            return
        for n, page in enumerate(self.pages):
            if n % self.size != first:
                _put(page, shared[n])
        connection.send(_each(self.write_page, self.pages, mine))


def _each(work: Work, pages: list[Page], mine: range) -> dict[int, _Done]:
    """``work`` on the pages numbered ``mine``, up to the first that fails."""
    done = {}
    for n in mine:
        done[n] = work(pages[n])
        if done[n].error is not None:
            break
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
    """What MkDocs logs in the block is kept (not handled in a child: it would be lost, or
    counted twice), and so is the error that ends it."""
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
