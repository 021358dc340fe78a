"""Atomic output: build into a sibling temporary directory, then swap it into place."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def recover(target: Path) -> None:
    """Finish a swap that a killed run left half-done, so ``target`` exists again."""
    backup = target.with_name(f".{target.name}.old")
    if not target.exists() and backup.is_dir():
        backup.rename(target)
    if backup.exists():
        shutil.rmtree(backup, ignore_errors=True)


def remove_stale_staging(target: Path) -> None:
    """Delete staging directories that killed runs left beside ``target``."""
    for stale in target.parent.glob(f".{target.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def replace_dir(new: Path, target: Path) -> None:
    """Put directory ``new`` at ``target``; at every instant one complete tree is there."""
    recover(target)
    if target.is_dir() and _renameat2_exchange(new, target):
        shutil.rmtree(new)
        return
    backup = target.with_name(f".{target.name}.old")
    if target.exists():
        target.rename(backup)
    new.rename(target)
    shutil.rmtree(backup, ignore_errors=True)


@contextlib.contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A fresh directory beside ``target`` (same file system), removed unless swapped in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    recover(target)
    remove_stale_staging(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
