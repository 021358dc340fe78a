"""Hostile PDFs: truncated, encrypted, scanned, a decompression bomb, too many and a
thousand pages, broken fonts and encodings, no pages, very big."""

from __future__ import annotations

from tests.hostile import inputs
from tests.hostile.cases.case import Case

PDF = [
    Case("avkuttet.pdf", "pdf", inputs.truncated_pdf, error=r"^truncated PDF \(no %%EOF"),
    Case(
        "kryptert.pdf",
        "pdf",
        inputs.encrypted_pdf,
        error=r"^encrypted PDF: it needs a password to be read$",
    ),
    Case("skannet.pdf", "pdf", inputs.scanned_pdf, error=r"^no text layer \(scanned\?\)$"),
    Case(
        "dekompresjonsbombe.pdf",
        "pdf",
        inputs.bomb_pdf,
        error=r"^stream \d+ too large \(decompression bomb\?\)$",
    ),
    Case("null-sider.pdf", "pdf", inputs.zero_pages_pdf, error=r"^PDF has no pages$"),
    Case(
        "for-mange-sider.pdf",
        "pdf",
        lambda: inputs.many_pages_pdf(2001),
        error=r"^too many pages \(2001; limit 2000\)$",
    ),
    Case(
        "tusen-sider.pdf",
        "pdf",
        lambda: inputs.many_pages_pdf(1000),
        must=("Kapittel 1 av mange", "Tekst på side 500.", "Tekst på side 1000."),
        alone=True,
    ),
    Case(
        "manglende-font.pdf",
        "pdf",
        inputs.missing_font_pdf,
        error=r"^1 character has no Unicode mapping \(broken font encoding\?\)",
    ),
    Case(
        "cid-font-uten-tegnkart.pdf",
        "pdf",
        inputs.cid_font_pdf,
        error=r"^\d+ characters have no Unicode mapping",
    ),
    Case(
        "rare-glyfnavn.pdf",
        "pdf",
        inputs.nonsense_glyph_pdf,
        error=r"^1 character has no Unicode mapping",
    ),
    Case(
        "styretegn-i-font.pdf",
        "pdf",
        inputs.control_glyph_pdf,
        must=("Tekst med styretegn i fonten.",),
        must_not=("\u202e", "\x00", "\x1b", "(cid:"),
    ),
    Case(
        "odelagt-fontprogram.pdf",
        "pdf",
        inputs.broken_font_program_pdf,
        must=("Teksten leses selv om fontprogrammet er ødelagt.",),
    ),
    Case(
        "null-bredde-font.pdf",
        "pdf",
        inputs.zero_width_font_pdf,
        error=r"^glyphs without width \(broken font metrics\?\): words cannot be told apart$",
    ),
    Case(
        "stort-bilde-50mb.pdf",
        "pdf",
        inputs.big_image_pdf,
        must=("Siden har et stort bilde under teksten.",),
        title="En generert PDF",
    ),
    Case(
        "stor-70mb.pdf",
        "pdf",
        lambda: inputs.big_image_pdf(70 * inputs.MB),
        error=r"^file too large \(70 MiB; limit 64 MiB\)$",
    ),
    Case("ikke-pdf.pdf", "pdf", lambda: b"\x89PNG\r\n\x1a\n", error=r"^not a PDF"),
]
