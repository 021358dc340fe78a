"""Document types of helsedirektoratet.no, from the URL path segment the site uses."""

from __future__ import annotations

from urllib.parse import urlsplit

TYPES_BY_PATH = {
    "retningslinjer": "Nasjonal faglig retningslinje",
    "veiledere": "Nasjonal veileder",
    "rapporter": "Rapport",
    "faglige-rad": "Nasjonale faglige råd",
    "pakkeforlop": "Pakkeforløp",
    "nasjonale-forlop": "Nasjonalt forløp",
}


SUBTYPES_BY_PATH = {("veiledere", "prioriteringsveiledere"): "Prioriteringsveileder"}
"""Types the site files under another type's path segment."""


def document_type_from_url(url: str) -> str:
    """The document type named by the leading path segments of a page URL, or ""."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if tuple(segments[:2]) in SUBTYPES_BY_PATH:
        return SUBTYPES_BY_PATH[tuple(segments[:2])]
    return TYPES_BY_PATH.get(segments[0], "") if segments else ""
