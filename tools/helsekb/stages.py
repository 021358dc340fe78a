"""Where a run spends its time and memory: wall time and peak memory per stage.

``helsekb convert --timings FILE`` and ``helsekb build --timings FILE`` write what this
records as JSON; ``helsekb bench`` reads it. Peak memory is the process's resident-set
high-water mark during the stage (Linux resets it at each stage start through
``/proc/self/clear_refs``), or that of the reader worker processes if they went higher.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


@dataclass(slots=True)
class Stage:
    name: str
    seconds: float
    peak_mb: float


@dataclass(slots=True)
class Stages:
    done: list[Stage] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the ``with`` block and record its peak memory under ``name``."""
        _reset_peak()
        children = _children_peak_mb()
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - started
            child_peak = _children_peak_mb()
            peak = max(_peak_mb(), child_peak if child_peak > children else 0.0)
            self.done.append(Stage(name, seconds, peak))

    def write(self, path: Path) -> None:
        data = [asdict(s) for s in self.done]
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _reset_peak() -> None:
    with suppress(OSError):  # not Linux, or not allowed: the peak is then the process's
        _CLEAR_REFS.write_text("5")


def _peak_mb() -> float:
    """The resident-set high-water mark (VmHWM), else ru_maxrss, in MiB."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_peak_mb() -> float:
    """The largest resident set of any finished child process (reader workers), in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
