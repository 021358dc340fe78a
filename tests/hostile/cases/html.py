"""Hostile HTML: scripts and embeds, event handlers of every kind, dangerous URL schemes
in any case and encoding, base/refresh/CSS tricks, broken and 10 000-deep nesting,
comment and CDATA tricks."""

from __future__ import annotations

from tests.hostile import inputs
from tests.hostile.cases.case import Case

LINK_NUMBERS = (
    "en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv",
    "tretten", "fjorten", "femten", "seksten", "sytten", "atten", "nitten", "tjue",
)  # fmt: skip
COMMENT_TRICKS = (
    "COMMENT-PAYLOAD", "CONDITIONAL-PAYLOAD", "short-comment", "bang-comment", "'conditional'",
    "PI-PAYLOAD", "after-textarea", "after-title", "after-style", "noembed", "noframes",
)  # fmt: skip

HTML = [
    Case(
        "skript-og-innbygde-objekter.html",
        "html",
        must=(
            "Første trygge avsnitt står før skriptet.",
            "Avsnitt med skript midt i teksten.",
            "Tekst etter stilark.",
            "Tekst etter embed.",
            "Siste trygge avsnitt står etter alt det farlige.",
        ),
        must_not=("PAYLOAD", "__pwned", "evil.example", "SVG", "alert", "expression", "Evil"),
        links=frozenset(),
        title="Skript og innbygde objekter bør fjernes",
    ),
    Case(
        "hendelsesattributter.html",
        "html",
        must=(
            "Avsnitt med klikkhendelser.",
            "Avsnitt med fokushendelser.",
            "Spenn med fet og kursiv tekst",
            "Trygg lenke med hendelse",
            "Rulletekst.",
            "Avsnitt med skråstrek før attributtet.",
        ),
        must_not=("alert", "__pwned", "onclick", "onerror"),
        links=frozenset({"https://www.helsedirektoratet.no/trygg"}),
    ),
    Case(
        "lenkeskjemaer.html",
        "html",
        must=(
            *(f"lenke {n}" for n in LINK_NUMBERS),
            "relativ lenke",
            "Et bilde- og kart-område: slutt på kartet.",
        ),
        must_not=("javascript", "vbscript", "data:", "livescript", "file:///", "blob:", "AREA"),
        links=frozenset(
            {
                "https://www.helsedirektoratet.no/retningslinjer/fiendtlig/trygg",
                "https://www.helsedirektoratet.no/",
                "mailto:postmottak@helsedir.no",
                "https://www.helsedirektoratet.no/retningslinjer/fiendtlig/lenker#referanser",
            }
        ),
    ),
    Case(
        "hode-triks.html",
        "html",
        must=("Avsnitt med farlig stil-attributt.", "Teksten i et overlegg.", "andre side"),
        must_not=("evil.example", "http-equiv", "expression", "behavior", "Set-Cookie", "OVERLAY"),
        links=frozenset({"https://www.helsedirektoratet.no/rapporter/fiendtlig/andre-side"}),
        title="Base, refresh og CSS-uttrykk",
    ),
    Case(
        "nesting-og-uavsluttede-tagger.html",
        "html",
        must=(
            "Et avsnitt uten slutt-tagg.",
            "Et avsnitt med fet og kursiv tekst i feil rekkefølge.",
            "underpunkt uten slutt",
            "Nummerert underpunkt",
            "Celle i en tabell.",
            "Forklaring av begrepet.",
            "Siste avsnitt uten slutt.",
        ),
        title="Nestede og uavsluttede tagger bør tåles",
    ),
    Case(
        "kommentarer-og-cdata.html",
        "html",
        must=(
            "Før kommentaren. Etter kommentaren.",
            "Etter kort kommentar.",
            "Etter CDATA.",
            "Siste avsnitt etter alle triksene.",
            # raw-text elements a browser shows as text stay text
            "<script>window.__pwned='xmp'</script>",
        ),
        must_not=COMMENT_TRICKS,
    ),
    Case(
        "dyp-nesting.html",
        "html",
        inputs.deep_nesting_html,
        must=("Innerst i divene.", "punkt 0", "punkt 9999", "Tekst i spennene."),
        title="Ti tusen nivåer dyp nesting",
    ),
]
