"""``source_docs/manifest.json``: what was fetched from where, and when (one record a file)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from helsekb.catalogue import CatalogueError

MANIFEST = "manifest.json"
SCHEMA = 1


@dataclass(slots=True)
class Record:
    document: str
    """Title of the catalogue document the file belongs to."""
    url: str
    final_url: str
    status: int
    """HTTP status of the last request: 200, or 304 when it was unchanged."""
    content_type: str
    size: int
    sha256: str
    fetched_at: str
    """ISO 8601 UTC time of the last successful request (200 or 304)."""
    etag: str | None = None
    last_modified: str | None = None


class Manifest:
    def __init__(self, path: Path, records: dict[str, Record] | None = None) -> None:
        self.path = path
        self.records: dict[str, Record] = dict(records or {})

    @classmethod
    def load(cls, sources: Path) -> Manifest:
        """The manifest in ``sources``, or an empty one; a damaged file is a clear error."""
        path = sources / MANIFEST
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            records = {name: record_of(rec) for name, rec in data["files"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CatalogueError(
                MANIFEST, f"damaged ({type(exc).__name__}: {exc}); delete it to fetch everything"
            ) from None
        return cls(path, records)

    def find(self, url: str) -> tuple[str, Record] | None:
        """The file last fetched from ``url``, if it still exists."""
        for name, record in sorted(self.records.items()):
            if record.url == url and (self.path.parent / name).is_file():
                return name, record
        return None

    def save(self) -> None:
        data = {"schema": SCHEMA, "files": {n: asdict(r) for n, r in self.records.items()}}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomic(self.path, text.encode("utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory: a reader sees old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


RECORD_KEYS = frozenset(f.name for f in fields(Record))


def record_of(data: dict[str, Any]) -> Record:
    """A record from its JSON form, ignoring keys a newer helsekb may have added."""
    return Record(**{k: v for k, v in data.items() if k in RECORD_KEYS})
