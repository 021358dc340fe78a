"""The markup and vocabulary of helsedirektoratet.no and its content API, kept as data.

Selectors are CSS (compiled to XPath by cssselect, run by lxml). When the live site changes
its front end, this is the file to update; the HTML reader falls back to generic extraction
when they miss.
"""

from __future__ import annotations

from helsekb.model import SectionKind
from helsekb.readers import chrome

MAIN = "main#main"
TITLE = "h1"
BREADCRUMBS = "nav.b-breadcrumbs"
HOME_CRUMB = "Forsiden"
BODY_TEXT = ".b-recommendation__text, .b-chapter__text"
RECOMMENDATION_BODY = "b-recommendation__text"
"""Class of the body container that makes the page a recommendation (else a chapter)."""
NORMATIVE = "p.b-recommendation__normative"
HEARING_ALERT = 'section.b-alert[aria-label="Ekstern høring"]'
COLLAPSIBLE_CLASS = "b-collapsible"
COLLAPSIBLE = f".{COLLAPSIBLE_CLASS}"
COLLAPSIBLE_HEADING = ".b-collapsible__heading"
PAGE_META = "p.b-page-meta"
CITE_AS = "#slik-siterer-du"
CANONICAL = 'link[rel~="canonical"]'
OG_URL = 'meta[property="og:url"]'
TITLE_SUFFIX = " - Helsedirektoratet"
"""What the site appends to ``<title>``; removed when the title comes from there."""

CHROME = (
    "a.b-skip-link",
    ".b-browser-warning",
    "header.b-header",
    "footer.b-footer",
    "nav",
    "#searchTray",
    "#apne-data",
    "a.b-page-meta__link",
    "button.b-content-footer__btn",
)
"""Site chrome, removed before any text is read (header/footer outside the article too)."""
GENERIC_CHROME = ("aside",)
"""Also removed when the whole ``<body>`` is the fallback main content."""
GENERIC_MAIN = ("main", "article", "[role=main]")
ARTICLE = ("main", "article")
"""A ``header``/``footer`` inside these belongs to the content; elsewhere it is chrome."""

KNOWN_BOILERPLATE = (
    *chrome.BOILERPLATE,
    "Søk på helsedirektoratet.no",
    "Slik siterer du",
    "Åpne data (API)",
)
"""Chrome strings reported in ``ReadResult.boilerplate`` when the reader removed them: the
capture reader's list plus the labels only the HTML has."""

SECTION_KINDS = {
    "praktisk": SectionKind.PRAKTISK,
    "begrunnelse": SectionKind.BEGRUNNELSE,
    "nøkkelinformasjon": SectionKind.NOKKELINFO,
    "referanser": SectionKind.REFERANSER,
}
"""Collapsible kind by the first word of the heading the source gives (else SECTION);
REFERANSER content becomes ``Page.references``, one per paragraph or list item."""

DOCUMENT_TYPE_BY_API_TYPE = {
    "retningslinje": "Nasjonal faglig retningslinje",
    "veileder": "Nasjonal veileder",
    "nasjonal-veileder": "Nasjonal veileder",
    "prioriteringsveileder": "Prioriteringsveileder",
    "faglig-rad": "Nasjonale faglige råd",
    "rapport": "Rapport",
}
"""Document type by the ``type`` of a content-API ``root`` link."""

API_HOST = "api.helsedirektoratet.no"
