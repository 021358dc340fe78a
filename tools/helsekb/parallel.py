"""``fork_map``: a function over many items in forked worker processes, results in order.

For the CPU-heavy stages after reading (the fidelity check renders every page with
Python-Markdown). Children are forked, so they see the parent's data without copying or
pickling it; only each item's result comes back. The parent's objects are frozen out of
the children's garbage collections (which would otherwise touch, and so copy, every page).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
MIN_ITEMS_PER_WORKER = 20
"""Below this many items per worker, forking costs more than it saves: run here."""


def fork_map(
    func: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    chunk: int | None = None,
    min_items: int = MIN_ITEMS_PER_WORKER,
) -> list[R]:
    """``[func(x) for x in items]``, spread over ``workers`` forked processes where it pays.

    Items go out ``chunk`` at a time (default: an eighth of a worker's share); give 1, and a
    lower ``min_items`` (per worker), for a few items that are much costlier than the rest."""
    return list(fork_imap(func, items, workers, chunk, min_items))


def fork_imap(
    func: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    chunk: int | None = None,
    min_items: int = MIN_ITEMS_PER_WORKER,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[R]:
    """:func:`fork_map`, each result given as soon as it and those before it are in (so the
    caller can fold them in instead of holding them all). ``meanwhile`` is called here once
    the workers have the items, before the first result is given."""
    if workers <= 1 or len(items) < min_items * workers or not hasattr(os, "fork"):
        if meanwhile:
            meanwhile()
        yield from (func(item) for item in items)
        return
    global _JOB
    _JOB = (func, items)
    gc.freeze()
    try:
        fork = multiprocessing.get_context("fork")
        # a worker outliving a killed conversion would go on writing into its staging folder
        with fork.Pool(workers, die_with_parent, (os.getpid(),)) as pool:
            chunk = chunk or max(1, len(items) // (workers * 8))
            results = pool.imap(_call, range(len(items)), chunksize=chunk)
            if meanwhile:
                meanwhile()
            yield from results
    finally:
        gc.unfreeze()
        _JOB = None


def _call(index: int) -> Any:
    assert _JOB is not None, "only called in a fork_map child"
    func, items = _JOB
    return func(items[index])


class ChildError(RuntimeError):
    """A process of :func:`in_child` ended without sending its result (killed, say)."""


def in_child(
    func: Callable[[Callable[[Any], None]], R], report: Callable[[Any], None] | None = None
) -> R:
    """``func(tell)`` run in a forked process, its result (or its error) sent back here. What
    ``func`` passes to ``tell`` meanwhile is passed to ``report`` here as it comes (progress).

    For work whose memory should go back to the system when it is done: a process that goes
    on keeps its heap, fragmented, however little of it is still in use (at 5,000 pages the
    conversion left 300 MiB behind, beside the site build that followed). Where there is no
    ``fork``, ``func`` runs here."""
    tell = report or (lambda _: None)
    if not hasattr(os, "fork"):
        return func(tell)
    fork = multiprocessing.get_context("fork")
    here, there = fork.Pipe(duplex=False)
    child = fork.Process(target=_run_and_send, args=(func, there, os.getpid()))
    child.start()
    there.close()
    try:
        return _received(here, child, tell)
    except BaseException:
        child.terminate()  # (Ctrl-C here, say: it does not go on alone)
        raise
    finally:
        here.close()
        child.join()


def _received(here: Any, child: Any, tell: Callable[[Any], None]) -> Any:
    while True:
        try:
            kind, value = here.recv()
        except EOFError:
            child.join()
            code = child.exitcode
            raise ChildError(f"a forked process ended unexpectedly (exit code {code})") from None
        if kind == "tell":
            tell(value)
        elif kind == "error":
            raise value
        else:
            return value


def _run_and_send(func: Callable[[Callable[[Any], None]], Any], there: Any, parent: int) -> None:
    die_with_parent(parent)
    try:
        outcome: tuple[str, Any] = ("result", func(lambda value: there.send(("tell", value))))
    except BaseException as exc:  # (KeyboardInterrupt too: the parent raises it)
        outcome = ("error", exc)
    try:
        there.send(outcome)
    except Exception as exc:  # an error that does not pickle
        there.send(("error", ChildError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))


YOUNG_OBJECTS = 10_000
"""Allocations between two collections of the youngest generation (CPython's default: 700)."""


_USUAL: list[tuple[int, ...]] = []
"""The collection thresholds before each :func:`rare_collections` block now open."""


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect garbage less often in the ``with`` block (the youngest generation every
    ``YOUNG_OBJECTS`` allocations), as it was before afterwards.

    For the conversion, which builds a model of millions of objects that live to its end:
    at the default rate the collector kept walking them (at 5,000 pages the *Se også* step
    took 2.0 s instead of 0.5, loading the cached sources 1.2 s instead of 0.7). What is
    left uncollected at any time stays a few MB; the peak memory did not change."""
    _USUAL.append(gc.get_threshold())
    gc.set_threshold(YOUNG_OBJECTS, *_USUAL[-1][1:])
    try:
        yield
    finally:
        gc.set_threshold(*_USUAL.pop())


@contextmanager
def usual_collections() -> Iterator[None]:
    """Inside :func:`rare_collections`, collect as usual again for the ``with`` block: for
    work that is not the conversion's (the site build run beside its check)."""
    during = gc.get_threshold()
    gc.set_threshold(*(_USUAL[0] if _USUAL else during))
    try:
        yield
    finally:
        gc.set_threshold(*during)


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """End this child process when its parent ends, even killed (Linux ``prctl``); a child
    waiting for work from a parent that is gone would otherwise wait for ever. Ctrl-C is
    left to the parent, which ends its children (each would print its own traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if prctl := _libc("prctl"):
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before that took effect
        os._exit(0)


def _libc(name: str) -> Any:
    """A function of the C library on Linux (glibc), else None."""
    if not sys.platform.startswith("linux"):
        return None
    return getattr(ctypes.CDLL(None, use_errno=True), name, None)
