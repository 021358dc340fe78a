"""``sources.yml``: which files belong to which document, their format and canonical URL.

Without a catalogue every file in the sources directory is converted, its format inferred
from its content and its metadata taken from the file itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from helsekb.readers import FORMATS, ReaderError, SourceEntry
from helsekb.writers.frontmatter import LOADER

CATALOGUE = "sources.yml"
_DOC_KEYS = {"title", "type", "url", "sources", "crawl", "api", "api_path", "slug"}
"""Document keys; crawl, api, api_path and slug are read by ``helsekb fetch``."""
_SOURCE_KEYS = {"file", "format", "url"}
IGNORED_FILES = {CATALOGUE, "README.md", "manifest.json"}


class CatalogueError(ReaderError):
    """A problem in sources.yml: the message names the entry and the key."""


def load(sources: Path) -> tuple[list[SourceEntry], list[str]]:
    """Catalogued entries in catalogue order, then uncatalogued files sorted by name.

    The second value lists files that were found but are not in the catalogue.
    """
    path = sources / CATALOGUE
    entries = _catalogued(path, sources) if path.exists() else []
    known = {e.name for e in entries}
    extra = sorted(
        p.relative_to(sources).as_posix()
        for p in sources.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name not in IGNORED_FILES
    )
    extra = [name for name in extra if name not in known]
    entries += [SourceEntry(sources / name, "", name) for name in extra]
    return entries, extra if path.exists() else []


def _catalogued(path: Path, sources: Path) -> list[SourceEntry]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or {}  # safe
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CatalogueError(CATALOGUE, f"not valid YAML: {exc}".splitlines()[0]) from None
    docs = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs, list):
        raise CatalogueError(CATALOGUE, "expected a top-level 'documents:' list")
    root = sources.resolve()  # (once: resolving is most of the time per entry)
    return [e for n, doc in enumerate(docs, 1) for e in _document_entries(doc, n, sources, root)]


def _document_entries(doc: Any, n: int, sources: Path, root: Path) -> list[SourceEntry]:
    where = f"documents[{n}]"
    _check_keys(doc, _DOC_KEYS, where)
    if not isinstance(doc.get("sources"), list):
        raise CatalogueError(CATALOGUE, "needs a 'sources:' list", where)
    return [
        _source_entry(src, doc, f"{where}.sources[{m}]", sources, root)
        for m, src in enumerate(doc["sources"], 1)
    ]


def _source_entry(
    src: Any, doc: dict[str, Any], where: str, sources: Path, root: Path
) -> SourceEntry:
    """The entry ``src`` of ``doc``; its file must resolve to one inside ``root`` (the
    sources folder resolved)."""
    _check_keys(src, _SOURCE_KEYS, where)
    name = str(src.get("file", ""))
    path = (sources / name).resolve()
    if not name or not path.is_relative_to(root):
        raise CatalogueError(CATALOGUE, f"'file' must name a file inside {sources}", where)
    fmt = str(src.get("format", ""))
    if fmt and fmt not in FORMATS:
        raise CatalogueError(
            CATALOGUE, f"unknown format {fmt!r} (one of {', '.join(FORMATS)})", where
        )
    return SourceEntry(
        path=path,
        format=fmt,
        name=name,
        url=str(src.get("url", "")),
        document=str(doc.get("title", "")),
        document_type=str(doc.get("type", "")),
        document_url=str(doc.get("url", "")),
    )


def _check_keys(node: Any, allowed: set[str], where: str) -> None:
    if not isinstance(node, dict):
        raise CatalogueError(CATALOGUE, "expected a mapping", where)
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise CatalogueError(
            CATALOGUE, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})", where
        )
