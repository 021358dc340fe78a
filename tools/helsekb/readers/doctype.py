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


def document_type_from_url(url: str) -> str:
    """The document type named by the first path segment of a page URL, or ""."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return TYPES_BY_PATH.get(segments[0], "") if segments else ""
