"""Hostile encodings and characters: invalid UTF-8, windows-1252, UTF-16 with and
without BOM, NUL and control characters, bidi and zero-width characters, huge files and
lines, deeply nested and oversized JSON."""

from __future__ import annotations

from tests.hostile import inputs
from tests.hostile.cases.case import Case

_COVID = "Pårørende og fagfolk bør samarbeide om tiltak i kommunen."
_HINT_1252 = r"; it looks like windows-1252: re-save it as UTF-8$"
ENCODING = [
    Case(
        "ugyldig-utf8.txt",
        "encoding",
        lambda: b"Tittel\n\nTekst \x81\x8d her.\n",
        error=r"^not valid UTF-8 \(byte 0x81 at offset 14\)$",
    ),
    Case(
        "windows-1252.txt",
        "encoding",
        lambda: f"Tittel\n\n{_COVID}\n".encode("cp1252"),
        error=r"^not valid UTF-8 \(byte 0xE5 at offset 9\)" + _HINT_1252,
    ),
    Case(
        "windows-1252.html",
        "encoding",
        lambda: f"<main><h1>Tittel</h1><p>{_COVID}</p></main>".encode("cp1252"),
        error=r"^not valid UTF-8 .*" + _HINT_1252,
    ),
    Case(
        "windows-1252.json",
        "encoding",
        lambda: f'{{"tittel": "{_COVID}"}}'.encode("cp1252"),
        error=r"^not valid UTF-8 .*" + _HINT_1252,
    ),
    Case(
        "erklaert-windows-1252.html",
        "encoding",
        lambda: f'<meta charset="windows-1252"><main><h1>T</h1><p>{_COVID}</p></main>'.encode(),
        error=r"^declares charset 'windows-1252'; save it as UTF-8$",
    ),
    Case(
        "utf16-le-bom.txt",
        "encoding",
        lambda: inputs.utf16(f"UTF-16 med BOM (LE)\n\n{_COVID}\n", "utf-16"),
        must=(_COVID,),
        title="UTF-16 med BOM (LE)",
    ),
    Case(
        "utf16-be-bom.txt",
        "encoding",
        lambda: inputs.utf16(f"UTF-16 med BOM (BE)\n\n{_COVID}\n", "utf-16-be", b"\xfe\xff"),
        must=(_COVID,),
        title="UTF-16 med BOM (BE)",
    ),
    Case(
        "utf16-uten-bom.txt",
        "encoding",
        lambda: inputs.utf16(f"UTF-16 uten BOM\n\n{_COVID}\n", "utf-16-le"),
        error=r"^not valid UTF-8 .*; it looks like UTF-16 without a byte-order mark",
    ),
    Case(
        "ugyldig-utf16.txt",
        "encoding",
        lambda: b"\xff\xfe" + "Tittel".encode("utf-16-le") + b"\x00\xd8",
        error=r"^invalid UTF-16 \(",
    ),
    Case(
        "utf8-bom.html",
        "encoding",
        lambda: b"\xef\xbb\xbf<main><h1>UTF-8 med BOM</h1><p>" + _COVID.encode() + b"</p></main>",
        must=(_COVID,),
        title="UTF-8 med BOM",
    ),
    Case("utf16.json", "encoding", inputs.hapi_utf16, must=("Blåbær og ærlige øyne.",)),
    Case(
        "nul-tegn.txt",
        "encoding",
        lambda: b"Tittel\n\nTekst\x00med NUL.\n",
        error=r"^binary data \(NUL bytes\) in a text capture$",
    ),
    Case(
        "nul-tegn.html",
        "encoding",
        inputs.nul_html,
        must=("Tekst med NUL-tegn inni.",),
        must_not=("\x00",),
        title="NUL i HTML",
    ),
    Case(
        "escaper.json",
        "encoding",
        inputs.hapi_escapes,
        must=("Tekst med NUL, ESC og linjeskift.",),
        must_not=("\x00", "\x1b", "\u202e", "\u2028"),
        title="Escaper og i tittelen",
    ),
    Case(
        "kontrolltegn.txt",
        "encoding",
        inputs.control_characters,
        must=("Avsnitt med ESC[31m farge[0m, BEL, DEL, C1",),
        must_not=("\x1b", "\x07", "\x7f", "\x85", "\x9b", "\x0b"),
        title="Kontrolltegn i[2J tittelen",
    ),
    Case(
        "usynlige-tegn.txt",
        "encoding",
        must=(
            "Avsnitt med snudd tekst og isolert tekst og merker i en setning.",
            "Avsnitt med kontrolltegn [31m rødt [0m og og tegn.",
        ),
        must_not=tuple("\u202e\u202c\u200b\u200c\u200d\u2060\ufeff\u2066\u2067\u200e\u200f\x1b"),
        title="Tittel med høyre-til-venstre overstyring og nullbreddetegn og BOM bør renses",
    ),
    Case(
        "crlf-og-cr.txt",
        "encoding",
        lambda: f"Linjeslutt i Windows og gamle Mac\r\n\r\n{_COVID}\r\rAndre avsnitt.\r".encode(),
        must=(_COVID, "Andre avsnitt."),
        must_not=("\r",),
        title="Linjeslutt i Windows og gamle Mac",
    ),
    Case(
        "lang-linje.txt",
        "encoding",
        inputs.long_line,
        must=("Pårørende bør involveres i oppfølgingen av pasienten.",),
        title="En tittel over en svært lang linje",
    ),
    Case(
        "lang-linje.html",
        "encoding",
        inputs.long_line_html,
        must=("Tiltak skal vurderes fortløpende av fastlegen.",),
        title="Lang linje i HTML",
    ),
    Case(
        "stor-50mb.txt",
        "encoding",
        inputs.big_capture,
        error=r"^file too large \(50 MiB; limit 16 MiB for a text capture, HELSEKB_MAX_TEXT_MB\)$",
    ),
    Case(
        "stor-50mb.html",
        "encoding",
        inputs.big_html,
        error=r"^file too large \(50 MiB; limit 16 MiB for an HTML page, HELSEKB_MAX_TEXT_MB\)$",
    ),
    Case(
        "dyp-json.json",
        "encoding",
        inputs.hapi_deep,
        error=r"^invalid JSON: nested too deeply$",
    ),
    Case("stort-tall.json", "encoding", inputs.hapi_huge_number, error=r"^invalid JSON: "),
]
