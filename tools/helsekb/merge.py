"""One page from several sources of the same URL (an HTML page, its API JSON, a capture).

``PRECEDENCE`` decides, field by field, which source a merged page takes a value from: the
first format in the field's order that has a value. The page records where each field came
from in ``Page.field_sources``. Only pages with the same canonical URL are merged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from helsekb.model import Page

PRECEDENCE: dict[str, tuple[str, ...]] = {
    "title": ("hapi", "html", "capture"),
    "sections": ("hapi", "html", "capture"),
    "chapter": ("hapi", "html", "capture"),
    "last_reviewed": ("hapi", "html", "capture"),
    "first_published": ("hapi", "html", "capture"),
    "last_reviewed_text": ("html", "capture", "hapi"),
    "references": ("html", "capture", "hapi"),
    "cite_as": ("html", "capture", "hapi"),
    "status": ("html", "capture", "hapi"),
    "hearing_notice": ("html", "capture", "hapi"),
    "hearing_deadline": ("html", "capture", "hapi"),
    "retrieved": ("html", "capture", "hapi"),
    "abbreviations": ("pdf", "html", "capture", "hapi"),
}
"""Field -> source formats, most trusted first. The API has the editors' own fields (text,
Praktisk, Begrunnelse, dates); the HTML page has what the API lacks (references, citation,
hearing notice, the date it was read); a text capture is the fallback for everything."""


def url_key(url: str) -> str:
    """A URL as a merge key: scheme and host folded, no trailing slash, no query or fragment."""
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}" if parts.netloc else ""


def merge(pages: list[tuple[str, Page]]) -> Page:
    """The first page, with each field taken from the most trusted (format, page) that has it."""
    base = pages[0][1]
    base.field_sources = {}
    for field, order in PRECEDENCE.items():
        ranked = sorted(pages, key=lambda fp: order.index(fp[0]) if fp[0] in order else len(order))
        chosen = next(((fmt, p) for fmt, p in ranked if getattr(p, field)), None)
        if chosen is not None:
            setattr(base, field, getattr(chosen[1], field))
            base.field_sources[field] = chosen[1].source_file
    return base
