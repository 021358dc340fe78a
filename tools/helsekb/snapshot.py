"""What the change log compares, without reading the whole previous ``kb.json``.

The change log compares the previous conversion's ``kb.json`` with this one's, page by
page (``changes.py``). At 5,000 pages reading the old file (90 MB) and building the new
data took 4 s. With a cache only the documents whose model changed are compared: the
cache keeps, for the ``kb.json`` in the output directory, which key each document had
(:func:`cache.document_key`, taken before the change dates are set) and where its data is
in the file; only those of the changed documents are read. A document with the same key
has the same pages, so it adds nothing to the log. Whenever the cache cannot vouch for the
output directory (a missing entry, a ``kb.json`` changed since), the whole old file is
read as without a cache.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helsekb import history, parallel
from helsekb.cache import Placed, Snapshot, document_key
from helsekb.enrichers import roles
from helsekb.model import KnowledgeBase
from helsekb.writers import export


def document_keys(kb: KnowledgeBase, workers: int = 1) -> list[str]:
    """Each document's key, in ``kb.documents`` order (pickling them: in ``workers``)."""
    return parallel.fork_map(document_key, kb.documents, workers, min_items=2)


def compared(
    kb: KnowledgeBase, keys: list[str] | None, out: Path, previous: Snapshot | None
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(before, after) as ``kb.json`` data for ``history.update``: only the documents that
    differ when the cache knows the previous output (``previous``), else the whole of both."""
    if previous is not None and keys is not None:
        known = previous.documents
        now = {doc.slug: key for doc, key in zip(kb.documents, keys, strict=True)}
        # in each side's own order, as comparing the whole of both would meet them
        gone = [placed for slug, placed in known.items() if now.get(slug) != placed.key]
        pieces = read_spans(out / export.KB_JSON, gone)
        before = [json.loads(piece) for piece in pieces] if pieces is not None else None
        if before is not None:
            why = roles.tags(kb)
            changed = [doc for doc in kb.documents if _key(known, doc.slug) != now[doc.slug]]
            after = [export.document_data(doc, why) for doc in changed]
            return {"documents": before}, {"documents": after}
    return history.load_snapshot(out), export.kb_data(kb)


def _key(known: dict[str, Placed], slug: str) -> str:
    return known[slug].key if slug in known else ""


def read_spans(path: Path, documents: list[Placed]) -> list[bytes] | None:
    """The documents' data, read from where they are in ``kb.json`` (None if any of them
    cannot be read)."""
    try:
        with path.open("rb") as stream:
            found = []
            for placed in documents:
                stream.seek(placed.offset)
                found.append(stream.read(placed.length))
    except OSError:
        return None
    whole = all(len(d) == p.length for d, p in zip(found, documents, strict=True))
    return found if whole else None
