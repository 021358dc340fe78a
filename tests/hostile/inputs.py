"""Hostile inputs made at test time: deep nesting, big files, odd encodings, broken PDFs.

Everything is deterministic (a seeded generator for the random bytes); big files are made
here rather than committed.
"""

from __future__ import annotations

import json
import random

from pdfminer.fontmetrics import FONT_METRICS

from helsekb.pdfwrite import document, font_objects, serialise, show, stream
from tests.fixtures.pdf.minipdf import Encryption, build

DEPTH = 10_000
MB = 2**20
CAPTURE = "Tittel på en tekstfangst\n\nPårørende bør involveres tidlig. Tiltak skal vurderes.\n"


def deep_nesting_html() -> bytes:
    divs = "<div>" * DEPTH + "<p>Innerst i divene.</p>" + "</div>" * DEPTH
    lists = "".join(f"<ul><li>punkt {n}" for n in range(DEPTH)) + "</li></ul>" * DEPTH
    spans = "<p>" + "<span>" * DEPTH + "Tekst i spennene." + "</span>" * DEPTH + "</p>"
    body = f"<main id='main'><h1>Ti tusen nivåer dyp nesting</h1>{divs}{lists}{spans}</main>"
    return f"<!DOCTYPE html><html><body>{body}</body></html>".encode()


def nul_html() -> bytes:
    return b"<main><h1>NUL i \x00HTML</h1><p>Tekst\x00 med NUL-tegn\x00 inni.</p></main>"


def control_characters() -> bytes:
    text = (
        "Kontrolltegn\x07 i\x1b[2J tittelen\n\n"
        "Avsnitt med ESC\x1b[31m farge\x1b[0m, BEL\x07, DEL\x7f, C1\x85\x9b[1m og VT\x0b tegn.\n"
    )
    return text.encode("utf-8")


def long_line(size: int = MB) -> bytes:
    words = ("Pårørende bør involveres i oppfølgingen av pasienten. " * (size // 56 + 1))[:size]
    return f"En tittel over en svært lang linje\n\n{words.rstrip()}\n".encode()


def long_line_html(size: int = MB) -> bytes:
    words = ("Tiltak skal vurderes fortløpende av fastlegen. " * (size // 48 + 1))[:size]
    return f"<main><h1>Lang linje i HTML</h1><p>{words}</p></main>".encode()


def big_capture(size: int = 50 * MB) -> bytes:
    line = "Pårørende bør involveres tidlig i forløpet, og tiltak skal vurderes jevnlig.\n"
    return ("Stor tekstfangst\n\n" + line * (size // len(line.encode()) + 1)).encode()


def big_html(size: int = 50 * MB) -> bytes:
    para = "<p>Pårørende bør involveres tidlig i forløpet.</p>\n"
    return ("<main><h1>Stor side</h1>" + para * (size // len(para.encode()) + 1)).encode()


def utf16(text: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.encode(codec)


def hapi_deep() -> bytes:
    return b'{"tittel": "Dyp", "tekst": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def hapi_huge_number() -> bytes:
    return b'{"tittel": "Tall", "tekst": "<p>x</p>", "id": ' + b"9" * 5000 + b"}"


def hapi_utf16() -> bytes:
    item = {"tittel": "API-element i UTF-16", "tekst": "<p>Blåbær og ærlige øyne.</p>"}
    return json.dumps(item, ensure_ascii=False).encode("utf-16")


def hapi_escapes() -> bytes:
    item = {
        "tittel": "Escaper \u0000 og \u202e i tittelen",
        "tekst": "<p>Tekst med \u0000 NUL, \u001b ESC og \u2028 linjeskift.</p>",
    }
    return json.dumps(item).encode()


# PDFs ----------------------------------------------------------------------------------


def _page(text: str, title: str = "En generert PDF") -> bytes:
    return show(56, 740, title, 20, True) + show(56, 700, text)


def markup_pdf() -> bytes:
    lines = [
        show(56, 760, "PDF med <script>window.__pwned='pdf'</script> i tittelen", 18, True),
        show(56, 720, "Avsnitt med [lenke](javascript:alert(1)) og {{ config }} i teksten."),
        show(56, 700, "Avsnitt med <img src=x onerror=alert(1)> og {% raw %} som tekst."),
        show(56, 680, '--- title: falsk: "front matter" !!python/object:os.system ---'),
        show(56, 660, "*[FL]: falsk forkortelse og {: onclick=alert(1) } og \\ og `kode`."),
        show(56, 640, "En <!-- kommentar --> og ![bilde](javascript:alert(2)) i PDF-en."),
    ]
    return document([b"".join(lines)])


def truncated_pdf() -> bytes:
    data = document([_page("Denne PDF-en blir kuttet.")] * 3, compress=True)
    return data[: len(data) * 6 // 10]


def encrypted_pdf() -> bytes:
    return build([_page("Hemmelig tekst.")], encryption=Encryption(b"hemmelig"))


def scanned_pdf() -> bytes:
    return document([b"q 500 0 0 700 50 70 cm 0.5 g 0 0 1 1 re f Q\n"] * 2)


def bomb_pdf() -> bytes:
    return document([b"%" + b" " * (65 * MB)], compress=True)


def zero_pages_pdf() -> bytes:
    return document([])


def many_pages_pdf(pages: int) -> bytes:
    contents = [
        show(56, 740, f"Kapittel {n} av mange", 16, True) + show(56, 700, f"Tekst på side {n}.")
        for n in range(1, pages + 1)
    ]
    return document(contents, compress=True)


def _fonts(regular: bytes) -> dict[str, bytes]:
    return {"F1": regular, "F2": font_objects()["F2"]}


def missing_font_pdf() -> bytes:
    """The body font is a reference to an object that does not exist."""
    return document([_page("Tekst på siden.")], _fonts(b"99 0 R"))


def cid_font_pdf() -> bytes:
    """A composite font with no ToUnicode map: its glyphs have no known characters."""
    cid = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Ukjent /Encoding /Identity-H "
        b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Ukjent "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>"
    )
    return document([_page("Tekst i en font uten tegnkart.")], _fonts(cid))


def nonsense_glyph_pdf() -> bytes:
    """An encoding that names a glyph no Unicode character is known for."""
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        b"/Differences [1 /tull1] >> >>"
    )
    return document([_page("Tekst med et \x01 ukjent tegn.")], _fonts(font))


def control_glyph_pdf() -> bytes:
    """An encoding whose glyphs are a right-to-left override, NUL and ESC."""
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        b"/BaseEncoding /WinAnsiEncoding /Differences [1 /uni202E /uni0000 /uni001B] >> >>"
    )
    return document([_page("Tekst med \x01\x02\x03 styretegn i fonten.")], _fonts(font))


def _font_program_garbage(widths: list[int]) -> bytes:
    listed = " ".join(str(w) for w in widths).encode()
    return (
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Odelagt /FirstChar 32 /LastChar 255 "
        b"/Widths [%s] /Encoding /WinAnsiEncoding /FontDescriptor << /Type /FontDescriptor "
        b"/FontName /Odelagt /Flags 32 /FontBBox [0 0 x] /FontFile2 << /Length 4 >> >> >>" % listed
    )


def broken_font_program_pdf() -> bytes:
    """A TrueType font whose descriptor and font program are garbage (widths are right)."""
    metrics = FONT_METRICS["Helvetica"][1]
    widths = [metrics.get(bytes([c]).decode("cp1252", "replace"), 556) for c in range(32, 256)]
    text = "Teksten leses selv om fontprogrammet er ødelagt."
    return document([_page(text)], _fonts(_font_program_garbage(widths)))


def zero_width_font_pdf() -> bytes:
    """Every glyph zero wide: the words pile up on each other and cannot be told apart."""
    text = "Ordene i denne setningen har ingen bredde."
    return document([_page(text)], _fonts(_font_program_garbage([0] * 224)))


def big_image_pdf(size: int = 50 * MB) -> bytes:
    """A page of text and a 50 MB (incompressible) image: big, but legitimate."""
    side = int(size**0.5)
    pixels = random.Random(8).randbytes(side * side)
    fonts = font_objects()
    image = stream(
        pixels,
        extra=b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8" % (side, side),
    )
    draw = b"q 200 0 0 200 56 300 cm /Im1 Do Q"
    content = _page("Siden har et stort bilde under teksten.") + draw
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        3: fonts["F1"],
        4: fonts["F2"],
        5: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R /Resources "
        b"<< /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /Im1 7 0 R >> >> >>",
        6: stream(content),
        7: image,
    }
    return serialise(objs)
