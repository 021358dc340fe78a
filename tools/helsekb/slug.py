"""ASCII slugs for file names: stable, bounded, never a path trick or a reserved name."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a", "ß": "ss"})
RESERVED = frozenset(
    {"index", "assets", "search", "con", "prn", "aux", "nul"}
    | {"bibliografi", "forkortelser", "temaer", "roller", "sok", "endringer"}
    | {f"com{n}" for n in range(10)}
    | {f"lpt{n}" for n in range(10)}
)
"""Names a generated file may not take: MkDocs' own, helsekb's generated views, and
Windows device names (zip users)."""


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """Lower-case ASCII words joined by hyphens ("På høring" -> "pa-horing")."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT).lower())
    slug = _NOT_ALNUM.sub("-", ascii_text.encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] or slug[:max_len]
    return slug or "side"


def unique(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` … if taken or reserved; records the result."""
    candidate, n = slug, 1
    while candidate in taken or candidate in RESERVED:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate)
    return candidate
