"""Stable anchors for reference-list entries (first author's surname and year)."""

from __future__ import annotations

import re

from helsekb.model import KnowledgeBase, Reference
from helsekb.slug import slugify, unique

_LEAD = re.compile(r"^(?P<lead>[^,(.]+?)\s*[,(.]")
_YEAR = re.compile(r"\((?P<year>\d{4}[a-z]?)\)")


def anchor_base(ref: Reference) -> str:
    lead = _LEAD.match(ref.raw)
    year = _YEAR.search(ref.raw)
    words = slugify(lead.group("lead"), 30) if lead else "ref"
    return f"ref-{words}-{year.group('year')}" if year else f"ref-{words}"


def assign_ids(kb: KnowledgeBase) -> None:
    """Give every reference an anchor unique within its page (idempotent)."""
    for page in kb.pages():
        taken: set[str] = set()
        for ref in page.references:
            ref.id = unique(anchor_base(ref), taken)
