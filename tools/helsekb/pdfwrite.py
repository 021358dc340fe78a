"""A minimal PDF writer for generated documents: Helvetica text in WinAnsi encoding,
greedy line wrapping, bullets, page breaks. Enough to exercise the PDF reader; no images."""

from __future__ import annotations

import zlib

from pdfminer.fontmetrics import FONT_METRICS

FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold"}
WIDTH, HEIGHT = 595, 842
LEFT, RIGHT, TOP, BOTTOM = 56.0, 539.0, 770.0, 80.0
BULLET = "\u2022"
_PITCH = 1.25
"""Baseline-to-baseline distance in font sizes (the reader joins lines up to 1.6)."""
_GAP = 0.6
"""Extra space after a paragraph, in font sizes."""
_INDENT = 18.0
_BULLET_GAP = 12.0


def font(bold: bool) -> str:
    return "F2" if bold else "F1"


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = FONT_METRICS[FONTS[font(bold)]][1]
    return sum(widths.get(c, 556) for c in text) * size / 1000


def show(x: float, y: float, text: str, size: float = 11, bold: bool = False) -> bytes:
    """One text-showing operation at (x, y); raises if ``text`` is not windows-1252."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    op = f"BT /{font(bold)} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ({escaped}) Tj ET\n"
    return op.encode("cp1252")


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy wrapping at spaces; a word wider than the line gets a line of its own."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size, bold) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def font_objects() -> dict[str, bytes]:
    """The standard fonts, by resource name, as PDF dictionaries."""
    base = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    return {name: base % face.encode() for name, face in FONTS.items()}


def document(
    contents: list[bytes], fonts: dict[str, bytes] | None = None, compress: bool = False
) -> bytes:
    """A PDF with one page per content stream, ``fonts`` (resource name -> dictionary)."""
    fonts = font_objects() if fonts is None else fonts
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    font_ids = {name: 3 + n for n, name in enumerate(fonts)}
    objs.update({font_ids[name]: body for name, body in fonts.items()})
    resources = b" ".join(b"/%s %d 0 R" % (n.encode(), i) for n, i in font_ids.items())
    first = 3 + len(fonts)
    kids = [first + 2 * n for n in range(len(contents))]
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    for page, content in zip(kids, contents, strict=True):
        objs[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << %s >> >> >>" % (WIDTH, HEIGHT, page + 1, resources)
        )
        objs[page + 1] = stream(content, compress)
    return serialise(objs)


def stream(data: bytes, compress: bool = False, extra: bytes = b"") -> bytes:
    if compress:
        data, extra = zlib.compress(data), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def serialise(objs: dict[int, bytes], trailer: bytes = b"") -> bytes:
    """Objects numbered 1..n with a cross-reference table; ``trailer`` adds entries."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(
        b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
        for n in range(1, size)
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        trailer,
        xref,
    )
    return bytes(out)


class PdfLayout:
    """Top-to-bottom layout of paragraphs and bullets over as many A4 pages as needed."""

    def __init__(self) -> None:
        self._pages: list[list[bytes]] = [[]]
        self._y = TOP

    def paragraph(self, text: str, size: float = 11, bold: bool = False) -> None:
        for line in wrap(text, RIGHT - LEFT, size, bold):
            self._line(LEFT, line, size, bold)
        self._y -= _GAP * size

    def bullet(self, text: str, depth: int, size: float = 11) -> None:
        x = LEFT + _INDENT * depth
        for n, line in enumerate(wrap(text, RIGHT - x - _BULLET_GAP, size)):
            if n == 0:
                self._room(size)
                self._pages[-1].append(show(x, self._y, BULLET, size))
            self._line(x + _BULLET_GAP, line, size, False)
        self._y -= _GAP * size

    def _room(self, size: float) -> None:
        if self._y < BOTTOM + size:
            self._pages.append([])
            self._y = TOP

    def _line(self, x: float, text: str, size: float, bold: bool) -> None:
        self._room(size)
        self._pages[-1].append(show(x, self._y, text, size, bold))
        self._y -= _PITCH * size

    def pdf(self) -> bytes:
        return document([b"".join(ops) for ops in self._pages])
