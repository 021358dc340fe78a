"""The conversion cache: each step's results by a hash of what they were made from, and the
last run's fingerprint.

Each kind of result has a folder of ``<key>.pickle`` files: ``read/`` the parsed sources
(key: the source's bytes and catalogue entry), ``pages/`` each page's links, abbreviations,
topics and role tags (``enrichers.pagework``), ``rendered/`` each document's Markdown files
(its role view pages among them) and ``kb.json`` data, ``search/`` its pages' search keys
and its overview pages; beside them the fidelity check's page texts and results, the fields
of each reference text, and what the last conversion wrote to its output directory
(:class:`Snapshot`: each document's key, where its data is in ``kb.json``, its files, and
every file's :data:`Stamp`). Keys of model objects come from :func:`content_key`. A
conversion whose every input is unchanged (same fingerprint) and whose output directory was
not touched since is not done again at all: its report is replayed and the output left as
it is. Any change to helsekb's code or data files changes every key, so a stale cache is
never used. The cache holds only what helsekb itself wrote (pickles: keep it writable by
the administrator only, like the code); deleting it is always safe (the next run is cold).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from helsekb import SITE_URL_ENV
from helsekb.readers import ReadResult, SourceEntry
from helsekb.report import RunReport
from helsekb.writers.export import KB_JSON

PACKAGE = Path(__file__).resolve().parent
CACHE_ENV = "HELSEKB_CACHE_DIR"
DEFAULT_DIR = Path(".cache") / "helsekb"
READ, RENDERED, SEARCH, PAGES = "read", "rendered", "search", "pages"
RETIRED = ("documents",)
"""Kinds earlier versions kept (each document's ``kb.json`` data, 54 MB at 5,000 pages)."""
SNAPSHOT = "snapshot.pickle"
LAST_RUN = "last-run.pickle"
PAGE_TEXTS = "page-texts.pickle"
REFERENCES = "references.pickle"
CHECKS = "fidelity-checks.pickle"


Stamp = tuple[int, int, int, int]
"""A file's size, modification time, inode and change time. (The change time cannot be
set back, as the modification time can: an edited copy put in a file's place, which may
get its inode, is told apart by it.)"""


@dataclass(slots=True, frozen=True)
class Placed:
    """A document of the output directory: its key (:func:`document_key`), where its data is
    in ``kb.json`` (offset, length in bytes), the key of its rendered files and their paths."""

    key: str
    offset: int
    length: int
    rendered: str
    files: tuple[str, ...]


@dataclass(slots=True)
class Snapshot:
    """What the last conversion wrote to the output directory: its documents (by slug) and
    every file's stamp as it left it."""

    documents: dict[str, Placed]
    stamps: dict[str, Stamp]


@cache
def code_fingerprint() -> str:
    """A hash of every file of the helsekb package (code and data)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yml", ".yaml", ".json"}:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def source_key(entry: SourceEntry) -> str:
    """What a source's reading depends on: its bytes, its catalogue entry and the code."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(repr(astuple(entry)[1:]).encode())  # all but the absolute path
    digest.update(entry.path.read_bytes())
    return digest.hexdigest()


def content_key(value: Any, *context: str) -> str:
    """A key of ``value`` (any model object), ``context`` and the code.

    ``value`` is pickled without the pickler's memo, so equal values give equal bytes
    whichever objects happen to be shared (a freshly read source shares strings a cached
    one does not)."""
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: each object written out in full, however often it occurs
    pickler.dump(value)
    digest = hashlib.sha256("\0".join([code_fingerprint(), *context, ""]).encode())
    digest.update(stream.getbuffer())
    return digest.hexdigest()


def document_key(doc: Any) -> str:
    """What a document's outputs depend on: the whole enriched model of it (every field a
    writer can read, related pages included) and the code. Taken before the change log sets
    the pages' ``changed`` dates; the rendered files' key adds them (``pipeline``)."""
    return content_key(doc)


def run_fingerprint(keys: list[str]) -> str:
    """What a whole conversion depends on: every source's key, in order, and the settings."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for part in [*keys, os.environ.get(SITE_URL_ENV, "")]:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def file_stamps(path: Path) -> dict[str, Stamp]:
    """Every file under ``path`` (relative, with ``/``) with its stamp (cheap)."""
    stamps = {}
    for folder, _, names in os.walk(path):
        rel = Path(folder).relative_to(path).as_posix()
        prefix = "" if rel == "." else f"{rel}/"
        for name in names:
            info = os.stat(os.path.join(folder, name))
            stamps[prefix + name] = _stamp(info)
    return stamps


def directory_stamp(stamps: dict[str, Stamp]) -> str:
    """A hash of every file's path and stamp (:func:`file_stamps`)."""
    digest = hashlib.sha256()
    for rel, stamp in sorted(stamps.items()):
        digest.update(f"{rel}\0{stamp}\n".encode())
    return digest.hexdigest()


class Cache:
    """The cache directory; ``None`` turns caching off (every run is cold)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.used: dict[str, set[str]] = {}
        """The keys of each kind this run used (in this process): :meth:`prune` keeps them."""

    def use(self, kind: str, keys: Iterable[str | None]) -> None:
        self.used.setdefault(kind, set()).update(k for k in keys if k)

    @classmethod
    def default(cls) -> Cache:
        """``HELSEKB_CACHE_DIR``, else ``.cache/helsekb`` in the working directory."""
        return cls(Path(os.environ.get(CACHE_ENV) or DEFAULT_DIR))

    def _path(self, kind: str, key: str) -> Path | None:
        return self.root / kind / f"{key}.pickle" if self.root else None

    def _get(self, kind: str, key: str) -> Any:
        """The value stored under ``key`` of ``kind``, or None."""
        path = self._path(kind, key)
        return _load(path) if path else None

    def _put(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        if path:
            _store(path, value)

    def get_read(self, key: str) -> tuple[str, ReadResult] | None:
        """(format, parsed source) stored under ``key``, if any."""
        found = self._get(READ, key)
        ok = isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], ReadResult)
        return found if ok else None

    def put_read(self, key: str, pickled: bytes) -> None:
        """Keep a source's (format, parsed source), pickled (as the reader's worker sent it)."""
        path = self._path(READ, key)
        if path:
            _write(path, pickled)

    def get_rendered(self, key: str) -> tuple[dict[str, str], bytes] | None:
        """(files, ``kb.json`` data) of the document rendered under ``key``, if any."""
        found = self._get(RENDERED, key)
        ok = isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict)
        return found if ok else None

    def put_rendered(self, key: str, rendered: tuple[dict[str, str], bytes]) -> None:
        self._put(RENDERED, key, rendered)

    def get_search(self, key: str) -> tuple[list[Any], list[tuple[str, str]]] | None:
        """(its pages' search keys, its overview pages) of the document rendered under
        ``key``, if any: kept apart from its files, which a run may not need."""
        found = self._get(SEARCH, key)
        ok = isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], list)
        return found if ok else None

    def put_search(self, key: str, search: tuple[list[Any], list[tuple[str, str]]]) -> None:
        self._put(SEARCH, key, search)

    def get_page(self, key: str) -> Any:
        """A page's enrichment result stored under ``key`` (``enrichers.pagework``), if any."""
        return self._get(PAGES, key)

    def has_page(self, key: str) -> bool:
        """Whether a page's result is stored under ``key`` (not whether it can be read)."""
        path = self._path(PAGES, key)
        return path is not None and path.is_file()

    def put_page(self, key: str, result: Any) -> None:
        self._put(PAGES, key, result)

    def snapshot(self, out: Path) -> Snapshot | None:
        """What the last conversion wrote to ``out``, if its ``kb.json`` is as it left it
        (else None: the cache cannot vouch for it). Each other file's stamp is to be
        checked before it is taken as it was."""
        found = _load(self.root / SNAPSHOT) if self.root else None
        if not isinstance(found, dict) or found.get("code") != code_fingerprint():
            return None  # (one written by another version of helsekb may differ in form)
        snapshot = found.get("snapshot")
        if not isinstance(snapshot, Snapshot):
            return None
        kb_json = snapshot.stamps.get(KB_JSON)
        return snapshot if kb_json and kb_json == file_stamp(out / KB_JSON) else None

    def put_snapshot(self, snapshot: Snapshot) -> None:
        """Remember what this conversion wrote (call after it is in place)."""
        if self.root:
            _store(self.root / SNAPSHOT, {"code": code_fingerprint(), "snapshot": snapshot})

    def last_run(self, fingerprint: str, out: Path) -> RunReport | None:
        """The report of the last conversion if it had these inputs and ``out`` is as it left it."""
        found = _load(self.root / LAST_RUN) if self.root else None
        if not isinstance(found, dict) or found.get("fingerprint") != fingerprint:
            return None
        if found.get("stamp") != directory_stamp(file_stamps(out)):
            return None
        report = found.get("report")
        return report if isinstance(report, RunReport) else None

    def remember_run(self, fingerprint: str, stamps: dict[str, Stamp], report: RunReport) -> None:
        """Remember this conversion's inputs and report, and its output's ``stamps``."""
        if self.root:
            stamp = directory_stamp(stamps)
            record = {"fingerprint": fingerprint, "stamp": stamp, "report": report}
            _store(self.root / LAST_RUN, record)

    def _dict(self, name: str) -> dict[str, Any]:
        """The dict in file ``name`` of the cache (empty if missing or unreadable)."""
        found = _load(self.root / name) if self.root else None
        return found if isinstance(found, dict) else {}

    def parsed_references(self) -> dict[str, Any]:
        """The fields of each reference text the last run parsed (``references.parse_all``)
        if the same code parsed them."""
        found = self._dict(REFERENCES)
        parsed = found.get("parsed") if found.get("code") == code_fingerprint() else None
        return parsed if isinstance(parsed, dict) else {}

    def put_parsed_references(self, parsed: dict[str, Any]) -> None:
        """Keep these (this run's texts only)."""
        if self.root:
            _store(self.root / REFERENCES, {"code": code_fingerprint(), "parsed": parsed})

    def page_texts(self) -> dict[str, str]:
        """The fidelity check's plain text of each page, by ``page_key`` (from the last run)."""
        return self._dict(PAGE_TEXTS)

    def put_page_texts(self, texts: dict[str, str]) -> None:
        """Keep these (the current run's pages only: older ones are dropped)."""
        if self.root:
            _store(self.root / PAGE_TEXTS, texts)

    def checks(self) -> dict[str, Any]:
        """The fidelity check's result for each source, by ``fidelity.check_key`` (from the
        last run)."""
        return self._dict(CHECKS)

    def put_checks(self, checks: dict[str, Any]) -> None:
        """Keep these (the current run's sources only: older ones are dropped)."""
        if self.root:
            _store(self.root / CHECKS, checks)

    def prune(self) -> None:
        """Drop the entries of each kind this run used that it did not use (old versions
        of changed sources, documents and pages), and the folders of kinds helsekb no
        longer keeps; kinds it did not use are left alone."""
        for kind, keep in self.used.items():
            folder = self.root / kind if self.root else None
            if folder and folder.is_dir():
                for path in folder.glob("*.pickle"):
                    if path.stem not in keep:
                        path.unlink(missing_ok=True)
        if self.root:
            for kind in RETIRED:
                shutil.rmtree(self.root / kind, ignore_errors=True)


def file_stamp(path: Path) -> Stamp | None:
    """A file's stamp (None if it is missing)."""
    try:
        return _stamp(path.stat())
    except OSError:
        return None


def _stamp(info: os.stat_result) -> Stamp:
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns


def _load(path: Path) -> Any:
    """A pickle helsekb wrote, or None if missing or unreadable (then it is simply redone)."""
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


def _store(path: Path, value: Any) -> None:
    with _atomic(path) as stream:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)


def _write(path: Path, data: bytes) -> None:
    with _atomic(path) as stream:
        stream.write(data)


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    """Write atomically (a crash leaves the old file or none, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as stream:
        yield stream
    os.replace(tmp, path)
