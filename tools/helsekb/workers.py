"""Forked workers that read sources under the time and memory limits of ``limits.py``.

The parent forks one child per source (at most ``workers`` at a time); the child reads the
file with an address-space limit, pickles its outcome into a pipe and exits with
``os._exit``. The parent multiplexes the pipes, kills a child that passes its deadline, and
hands the results back in source order.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import selectors
import signal
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from helsekb.limits import Limits, prepare, read_in_process
from helsekb.readers import ReaderError, ReadResult, SourceEntry

Outcome = ReadResult | ReaderError
_PR_SET_PDEATHSIG = 1
_CHUNK = 1 << 20


@dataclass(slots=True)
class _Job:
    index: int
    entry: SourceEntry
    pid: int
    deadline: float
    data: bytearray = field(default_factory=bytearray)


class WorkerPool:
    """Reads entries in forked children, ``limits.workers`` at a time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._selector = selectors.DefaultSelector()
        self._running: dict[int, _Job] = {}
        """Running jobs by the read end of their pipe."""

    def run(self, entries: list[SourceEntry]) -> Iterator[tuple[SourceEntry, Outcome]]:
        queue = deque(enumerate(entries))
        done: dict[int, Outcome] = {}
        emitted = 0
        try:
            while queue or self._running:
                while queue and len(self._running) < self.limits.workers:
                    index, entry = queue.popleft()
                    if (error := self._start(index, entry)) is not None:
                        done[index] = error
                self._collect(done)
                while emitted in done:
                    yield entries[emitted], done.pop(emitted)
                    emitted += 1
        finally:
            self._stop_all()
            self._selector.close()

    def _start(self, index: int, entry: SourceEntry) -> ReaderError | None:
        """Fork a child for ``entry``; checks that need no parsing fail here, unforked."""
        try:
            prepare(entry, self.limits)
        except ReaderError as exc:
            return exc
        parent = os.getpid()
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            _child(entry, self.limits, wfd, parent)
        os.close(wfd)
        self._running[rfd] = _Job(index, entry, pid, time.monotonic() + self.limits.seconds)
        self._selector.register(rfd, selectors.EVENT_READ)
        return None

    def _collect(self, done: dict[int, Outcome]) -> None:
        """Read what the children wrote until the next deadline; finish the ended ones."""
        if not self._running:
            return
        wait = min(job.deadline for job in self._running.values()) - time.monotonic()
        for key, _ in self._selector.select(max(0.0, wait)):
            job = self._running[key.fd]
            chunk = os.read(key.fd, _CHUNK)
            if chunk:
                job.data += chunk
            else:
                self._forget(key.fd)
                done[job.index] = self._finish(job)
        now = time.monotonic()
        for fd, job in list(self._running.items()):
            if now >= job.deadline:
                self._forget(fd)
                _kill(job.pid)
                message = f"took longer than {self.limits.seconds:g} s to read"
                done[job.index] = ReaderError(job.entry.name, f"{message} (HELSEKB_READ_SECONDS)")

    def _forget(self, fd: int) -> None:
        self._selector.unregister(fd)
        os.close(fd)
        del self._running[fd]

    def _finish(self, job: _Job) -> Outcome:
        _, status, _ = os.wait4(job.pid, 0)
        try:
            outcome = pickle.loads(job.data) if job.data else None
        except Exception:  # a child killed half-way through writing
            outcome = None
        if outcome is None:
            return ReaderError(job.entry.name, _death(status, self.limits))
        return self._outcome(job.entry, outcome)

    def _outcome(self, entry: SourceEntry, outcome: tuple[Any, ...]) -> Outcome:
        kind, *rest = outcome
        if kind == "ok":
            entry.format, result = rest
            return result
        if kind == "error":
            return ReaderError(*rest)
        if kind == "memory":
            return ReaderError(entry.name, _memory_message(self.limits))
        return ReaderError(entry.name, f"reader failed unexpectedly ({rest[0]}); please report")

    def _stop_all(self) -> None:
        for fd, job in list(self._running.items()):
            self._forget(fd)
            _kill(job.pid)


def _memory_message(limits: Limits) -> str:
    return f"needed more than {limits.memory_mb} MB to read (HELSEKB_READ_MEMORY_MB)"


def _death(status: int, limits: Limits) -> str:
    """Why a child ended without a result (killed by the kernel, crashed in C code)."""
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        return (
            f"reading crashed ({name}): the file is malformed or needed more than "
            f"{limits.memory_mb} MB"
        )
    return f"reading ended without a result (exit status {os.waitstatus_to_exitcode(status)})"


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _child(entry: SourceEntry, limits: Limits, wfd: int, parent: int) -> NoReturn:
    """Runs in the forked child: read, report, exit (never returns into the parent's code)."""
    try:
        gc.disable()  # short-lived: a collection would touch, and so copy, every page
        _die_with(parent)
        _limit_memory(limits.memory_mb)
        payload = _payload(entry)
        with os.fdopen(wfd, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)


def _payload(entry: SourceEntry) -> bytes:
    try:
        outcome: tuple[Any, ...] = ("ok", entry.format, read_in_process(entry))
    except ReaderError as exc:
        outcome = ("error", exc.file, exc.message, exc.location)
    except MemoryError:
        outcome = ("memory",)
    except Exception as exc:
        outcome = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps(("memory",))
    except Exception as exc:  # e.g. a result nested too deeply to pickle
        return pickle.dumps(("crash", f"{type(exc).__name__}: {exc}"))


def _die_with(parent: int) -> None:
    """Ask Linux to kill this child when the parent dies (a SIGKILLed convert, say)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _limit_memory(memory_mb: int) -> None:
    """An address-space limit of what the process maps now plus ``memory_mb``."""
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: not Linux, where RLIMIT_AS is not enforced anyway
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + memory_mb * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):  # a stricter limit is already in force
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
