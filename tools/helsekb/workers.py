"""Forked workers that read sources under the time and memory limits of ``limits.py``.

The parent forks a child per batch of sources (at most ``workers`` at a time); the child
reads them with an address-space limit, pickles their outcomes into a pipe and exits with
``os._exit``. Each result is pickled on its own, so the parent can hand its bytes to the
cache as they are. The parent multiplexes the pipes, kills a child that passes its
deadline, and hands the results back in source order. A batch is up to ``BATCH`` small text
sources (a fork costs as much as reading a dozen), fewer when there are few sources, so
that every worker gets some; a small PDF counts as ``PDF_WEIGHT`` of them, a large file
goes alone. If a batch's child dies or runs out of time, each of its sources is read again
alone, so the error names the one file that caused it and the others still convert.
"""

from __future__ import annotations

import contextlib
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

from helsekb.limits import Keep, Limits, prepare, read_in_process
from helsekb.parallel import die_with_parent
from helsekb.readers import ReaderError, ReadResult, SourceEntry

Outcome = ReadResult | ReaderError
_CHUNK = 1 << 20
BATCH = 128
BATCH_BYTES = 512 * 1024
"""A text source this large is read alone; smaller ones share a child."""
PDF_BYTES = 256 * 1024
"""A PDF this large is read alone; smaller ones share a child too (its fork cost a fifth of
reading a benchmark PDF)."""
PDF_WEIGHT = 8
"""A small PDF's share of a batch, in small text sources (it takes some 20 times longer)."""


@dataclass(slots=True)
class _Job:
    batch: list[tuple[int, SourceEntry]]
    pid: int
    deadline: float
    data: bytearray = field(default_factory=bytearray)


class WorkerPool:
    """Reads entries in forked children, ``limits.workers`` at a time."""

    def __init__(self, limits: Limits, keep: Keep | None = None) -> None:
        self.limits = limits
        self.keep = keep
        self._selector = selectors.DefaultSelector()
        self._running: dict[int, _Job] = {}
        """Running jobs by the read end of their pipe."""

    def run(self, entries: list[SourceEntry]) -> Iterator[tuple[SourceEntry, Outcome]]:
        queue: deque[tuple[int, SourceEntry, bool]] = deque(
            (n, e, False) for n, e in enumerate(entries)
        )
        done: dict[int, Outcome] = {}
        emitted = 0
        size = max(1, min(BATCH, len(entries) // (4 * self.limits.workers)))
        try:
            while queue or self._running:
                while queue and len(self._running) < self.limits.workers:
                    self._start(_take_batch(queue, size), done)
                self._collect(done, queue)
                while emitted in done:
                    yield entries[emitted], done.pop(emitted)
                    emitted += 1
        finally:
            self._stop_all()
            self._selector.close()
            gc.unfreeze()

    def _start(self, batch: list[tuple[int, SourceEntry]], done: dict[int, Outcome]) -> None:
        """Fork a child for the batch; checks that need no parsing fail here, unforked."""
        ready = []
        for index, entry in batch:
            try:
                prepare(entry, self.limits)
                ready.append((index, entry))
            except ReaderError as exc:
                done[index] = exc
        if not ready:
            return
        parent = os.getpid()
        rfd, wfd = os.pipe()
        gc.freeze()  # the child's collections then skip (and do not copy) the parent's objects
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            _child([e for _, e in ready], self.limits, wfd, parent)
        os.close(wfd)
        self._running[rfd] = _Job(ready, pid, time.monotonic() + self.limits.seconds)
        self._selector.register(rfd, selectors.EVENT_READ)

    def _collect(
        self, done: dict[int, Outcome], queue: deque[tuple[int, SourceEntry, bool]]
    ) -> None:
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
                self._finish(job, done, queue)
        now = time.monotonic()
        for fd, job in list(self._running.items()):
            if now >= job.deadline:
                self._forget(fd)
                _kill(job.pid)
                message = f"took longer than {self.limits.seconds:g} s to read"
                error = ReaderError(job.batch[0][1].name, f"{message} (HELSEKB_READ_SECONDS)")
                self._failed(job, error, done, queue)

    def _failed(
        self,
        job: _Job,
        error: ReaderError,
        done: dict[int, Outcome],
        queue: deque[tuple[int, SourceEntry, bool]],
    ) -> None:
        """A lone source gets the error; a batch's sources are each read again, alone."""
        if len(job.batch) == 1:
            done[job.batch[0][0]] = error
        else:
            queue.extendleft((n, e, True) for n, e in reversed(job.batch))

    def _forget(self, fd: int) -> None:
        self._selector.unregister(fd)
        os.close(fd)
        del self._running[fd]

    def _finish(
        self, job: _Job, done: dict[int, Outcome], queue: deque[tuple[int, SourceEntry, bool]]
    ) -> None:
        _, status, _ = os.wait4(job.pid, 0)
        try:
            outcomes = pickle.loads(job.data) if job.data else None
        except Exception:  # a child killed half-way through writing
            outcomes = None
        if not isinstance(outcomes, list) or len(outcomes) != len(job.batch):
            error = ReaderError(job.batch[0][1].name, _death(status, self.limits))
            self._failed(job, error, done, queue)
            return
        for (index, entry), outcome in zip(job.batch, outcomes, strict=True):
            done[index] = self._outcome(entry, outcome)

    def _outcome(self, entry: SourceEntry, outcome: tuple[Any, ...]) -> Outcome:
        kind, *rest = outcome
        if kind == "ok":
            entry.format, result = pickle.loads(rest[0])
            if self.keep:
                self.keep(entry, rest[0])
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


def _take_batch(
    queue: deque[tuple[int, SourceEntry, bool]], size: int = BATCH
) -> list[tuple[int, SourceEntry]]:
    """The next source, and the small sources after it (``size`` text sources' worth), to
    read together."""
    index, entry, alone = queue.popleft()
    batch = [(index, entry)]
    total = _weight(entry)
    if alone or not total:
        return batch
    while queue and not queue[0][2] and 0 < (weight := _weight(queue[0][1])) <= size - total:
        index, entry, _ = queue.popleft()
        batch.append((index, entry))
        total += weight
    return batch


def _weight(entry: SourceEntry) -> int:
    """A source's share of a batch in small text sources; 0 for one read alone (large)."""
    pdf = entry.format == "pdf" or entry.path.suffix.lower() == ".pdf"
    try:
        size = entry.path.stat().st_size
    except OSError:
        return 1  # prepare() reports it, unforked
    if pdf:
        return PDF_WEIGHT if size <= PDF_BYTES else 0
    return 1 if size <= BATCH_BYTES else 0


def _child(entries: list[SourceEntry], limits: Limits, wfd: int, parent: int) -> NoReturn:
    """Runs in the forked child: read, report, exit (never returns into the parent's code)."""
    try:
        die_with_parent(parent)  # a SIGKILLed convert, say
        _limit_memory(limits.memory_mb)
        payload = _payload(entries)
        with os.fdopen(wfd, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)


def _payload(entries: list[SourceEntry]) -> bytes:
    """The pickled list of the entries' outcomes."""
    return pickle.dumps([_read(entry) for entry in entries], protocol=pickle.HIGHEST_PROTOCOL)


def _read(entry: SourceEntry) -> tuple[Any, ...]:
    """("ok", the format and result pickled), else what went wrong (a result too big or
    too deeply nested to pickle among it)."""
    try:
        result = read_in_process(entry)
        return ("ok", pickle.dumps((entry.format, result), protocol=pickle.HIGHEST_PROTOCOL))
    except ReaderError as exc:
        return ("error", exc.file, exc.message, exc.location)
    except MemoryError:
        return ("memory",)
    except Exception as exc:
        return ("crash", f"{type(exc).__name__}: {exc}")


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
