"""Site chrome and metadata lines of helsedirektoratet.no pages, kept as data.

Text captures lose the markup, so the capture reader recognises chrome by these strings.
Every pattern is anchored on text the site prints verbatim.
"""

from __future__ import annotations

import re

SKIP_LINK = "Gå til hovedinnhold"
BROWSER_WARNING = "Du benytter en nettleser vi ikke støtter. Se informasjon om nettlesere"
FOOTER_START = "Få tilgang til innhold fra Helsedirektoratet som åpne data"
EARLIER_VERSIONS = "Se tidligere versjoner"
BREADCRUMB_HOME = "Forsiden"

BOILERPLATE = (
    SKIP_LINK,
    "Du benytter en nettleser vi ikke støtter",
    "Se informasjon om nettlesere",
    FOOTER_START,
    "Om Helsedirektoratet",
    "Jobbe hos oss",
    "Postboks 220, Skøyen",
    "Personvernerklæring",
    "Tilgjengelighetserklæring (uustatus.no)",
    "Besøksstatistikk og informasjonskapsler",
    "Nyhetsvarsel og abonnement",
    "Følg oss:",
    EARLIER_VERSIONS,
)
"""Strings that may never appear in the output (checked by the fidelity check)."""

HEARING = re.compile(r"^Ekstern høring:\s*(?P<rest>.*)$")
NORMATIVE = re.compile(r"^Anbefalingen er faglig normerende\b")
LAST_REVIEWED = re.compile(
    r"^(?P<text>(?:Siste faglige endring|Sist faglig oppdatert):\s*\d{1,2}\.\s*\w+\s+\d{4})"
)
CITATION = re.compile(
    r"^Helsedirektoratet \((?P<year>\d{4})\)\. .+\[nettdokument\]\..*?"
    r"Tilgjengelig fra (?P<url>\S+)\s*$"
)
RETRIEVED = re.compile(r"\blest (\d{1,2}\.\s*\w+\s+\d{4})")
HEARING_MARK = re.compile(r"\s*\(?HØRINGSUTKAST\)?\s*")
