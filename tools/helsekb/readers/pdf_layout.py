"""Raw PDF layout: opening a PDF safely and turning its words into lines with font, size
and position. Nothing here knows about headings, lists or pages of the knowledge base."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise, takewhile
from typing import Any

import pdfplumber
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.layout import LTChar, LTContainer
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFStream,
    resolve1,
)
from pdfminer.psexceptions import PSException
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.utils import chars_to_textmap, extract_words

from helsekb.readers.base import ReaderError
from helsekb.readers.clean import MAX_SOURCE_BYTES, clean_inline

logging.getLogger("pdfminer").addHandler(logging.NullHandler())
"""pdfminer logs what it works around in a damaged PDF; the reader reports in its own words
(one error or warning naming the file), so those log lines must not reach the terminal."""

MAX_PAGES = 2000
MAX_STREAM_BYTES = 64 * 2**20
"""Largest decoded stream accepted; a bigger one is treated as a decompression bomb."""
MAX_DECODED_BYTES = 256 * 2**20
"""Largest total of decoded (non-image) streams in one PDF."""

GLYPH_BULLETS = "\uf0b7\uf0a7•●▪◦■"
"""Bullet glyphs that may touch the text they mark."""
WORD_BULLETS = frozenset({*GLYPH_BULLETS, "o", "–", "-"})
"""Bullets that are a word of their own (Word's "o" and dash levels)."""
_Y_TOLERANCE = 3.0
_WORD_GAP = 0.1
"""Gap between two words, as a share of the font size, below which they touch."""
_LINE_PITCH = 1.6
"""Largest top-to-top distance, in font sizes, between two lines of one paragraph."""
_SPACE = 0.25
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC = re.compile(r"italic|oblique", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"(side\s+|page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(\s*(av|of|/)\s*\d{1,4})?", re.I
)


@dataclass(slots=True, frozen=True)
class Line:
    """One printed line: its text (bullet removed), the bullet, font and geometry."""

    page: int
    text: str
    bullet: str
    x0: float
    """Left edge of the line, bullet included."""
    text_x0: float
    """Left edge of the text after the bullet."""
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    first_width: float
    """Width of the first word of the text (would it have fitted on the line before?)."""


@dataclass(slots=True)
class Unit:
    """Consecutive lines joined across wraps: a heading, paragraph or list-item paragraph."""

    line: Line
    """The first line: bullet, indent, font and size of the unit."""
    text: str
    last: Line
    """The last line joined so far."""


@contextmanager
def open_pdf(data: bytes, file: str) -> Iterator[pdfplumber.PDF]:
    """The opened PDF; any failure inside the block becomes one ReaderError naming the file."""
    if not data.strip():
        raise ReaderError(file, "empty file")
    if len(data) > MAX_SOURCE_BYTES:
        raise ReaderError(file, f"file too large (limit {MAX_SOURCE_BYTES // 2**20} MiB)")
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF"):
        raise ReaderError(file, "not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ReaderError(file, "truncated PDF (no %%EOF marker at the end)")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_limits(pdf.doc, file)
            yield pdf
    except ReaderError:
        raise
    except Exception as exc:  # pdfminer's exception types vary; report them all the same way
        raise ReaderError(file, _describe(exc)) from None


def _describe(exc: BaseException) -> str:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(cause, PDFPasswordIncorrect):
        return "encrypted PDF: it needs a password to be read"
    detail = clean_inline(str(cause))[:200] or type(cause).__name__
    if isinstance(cause, PDFEncryptionError):
        return f"encrypted PDF: {detail}"
    return f"cannot read PDF ({detail})"


def _check_limits(doc: PDFDocument, file: str) -> None:
    pages = resolve1(doc.catalog.get("Pages"))
    count = resolve1(pages.get("Count", 0)) if isinstance(pages, dict) else 0
    if not isinstance(count, int) or count <= 0:
        raise ReaderError(file, "PDF has no pages")
    if count > MAX_PAGES:
        raise ReaderError(file, f"too many pages ({count}; limit {MAX_PAGES})")
    _check_streams(doc, file)


def _check_streams(doc: PDFDocument, file: str) -> None:
    """Refuse decompression bombs before pdfminer decodes any stream in full."""
    total = 0
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            if xref.get_pos(objid)[0] is not None:
                continue  # inside an object stream: never a stream itself
            try:
                obj = doc.getobj(objid)
            except PSException:
                continue  # a broken object: pdfminer reports it if the text needs it
            if isinstance(obj, PDFStream) and _name(obj.get("Subtype")) != "Image":
                total += _decoded_size(obj, file)
                if total > MAX_DECODED_BYTES:
                    raise ReaderError(file, "decoded streams too large (decompression bomb?)")


def _name(value: Any) -> str:
    return str(getattr(resolve1(value), "name", ""))


def _decoded_size(stream: PDFStream, file: str) -> int:
    """Decoded size of a stream, decoding at most MAX_STREAM_BYTES of it."""
    data = stream.data if stream.data is not None else stream.rawdata or b""
    if stream.data is None and stream.decipher and stream.objid is not None:
        data = stream.decipher(stream.objid, stream.genno or 0, data, stream.attrs)
    for name, _params in stream.get_filters():
        if name in LITERALS_FLATE_DECODE:
            data = _inflate(data)
        elif name in LITERALS_LZW_DECODE:
            data = _bounded(LZWDecoder(io.BytesIO(data)).run())
        elif name in LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)
        elif name in LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
        else:  # run-length expands at most 64 times; image codecs are not decoded for text
            return len(data) * 64 if name in LITERALS_RUNLENGTH_DECODE else len(data)
        if len(data) > MAX_STREAM_BYTES:
            raise ReaderError(file, f"stream {stream.objid} too large (decompression bomb?)")
    return len(data)


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(data, MAX_STREAM_BYTES + 1)
    except zlib.error:
        return data  # corrupt: pdfminer recovers a damaged end itself or fails


def _bounded(chunks: Iterator[bytes]) -> bytes:
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > MAX_STREAM_BYTES:
            break
    return bytes(out)


Chars = list[dict[str, Any]]


def page_chars(page: pdfplumber.page.Page) -> Chars:
    """The page's characters as pdfplumber's ``page.chars`` gives them, less the colours.

    pdfplumber builds every object's dictionary by resolving each of its attributes and
    its colour spaces, which was over half of the reading time; these are made straight
    from pdfminer's characters (``page.layout``) with pdfplumber's arithmetic, and only
    pdfplumber's word and line functions and this module read them.
    """
    height, doctop = page.height, page.initial_doctop
    x_shift, y_shift = page.mediabox[:2]
    norm = page.pdf.unicode_norm
    chars: Chars = []
    for obj in _layout_chars(page.layout):
        text = obj.get_text()
        fontname = obj.fontname
        if isinstance(fontname, bytes):
            fontname = fix_fontname_bytes(fontname)
        top = (height - obj.y1) + y_shift
        chars.append(
            {
                "text": text if norm is None else unicodedata.normalize(norm, text),
                "fontname": fontname, "size": obj.size, "upright": obj.upright,
                "x0": obj.x0 + x_shift, "x1": obj.x1 + x_shift, "y0": obj.y0, "y1": obj.y1,
                "top": top, "bottom": (height - obj.y0) + y_shift, "doctop": doctop + top,
                "width": obj.width, "height": obj.height, "adv": obj.adv, "matrix": obj.matrix,
                "object_type": "char", "page_number": page.page_number,
            }
        )  # fmt: skip
    return chars


def _layout_chars(container: LTContainer) -> Iterator[LTChar]:
    """The characters of a layout, in pdfplumber's order (figures' contents in place)."""
    for obj in container:
        if isinstance(obj, LTChar):
            yield obj
        elif isinstance(obj, LTContainer):
            yield from _layout_chars(obj)


def word_lines(page: pdfplumber.page.Page, chars: Chars) -> list[Line]:
    """The page's lines, from pdfplumber's words with their font name and size."""
    groups = _cluster(extract_words(chars, extra_attrs=["fontname", "size"]))
    return _lines(page.page_number, [(_joined(g), g) for g in groups])


def text_lines(page: pdfplumber.page.Page, chars: Chars) -> list[Line]:
    """The page's lines as pdfplumber's own text extraction groups them (for main_text)."""
    textmap = chars_to_textmap(
        chars, layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height
    )
    found = textmap.extract_text_lines(strip=True, return_chars=True)
    groups = [(tl["text"], [c for c in tl["chars"] if c["text"].strip()]) for tl in found]
    return _lines(page.page_number, groups)


def _cluster(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if groups and word["top"] - groups[-1][0]["top"] <= _Y_TOLERANCE:
            groups[-1].append(word)
        else:
            groups.append([word])
    return [sorted(g, key=lambda w: w["x0"]) for g in groups]


def _joined(words: list[dict[str, Any]]) -> str:
    """Word texts with a space only where the PDF leaves a gap (font changes split words)."""
    out: list[str] = []
    for prev, word in zip([None, *words], words, strict=False):
        if prev is not None and _gap(prev, word):
            out.append(" ")
        out.append(word["text"])
    return "".join(out)


def _gap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return b["x0"] - a["x1"] > _WORD_GAP * float(b["size"])


def _lines(page_number: int, groups: list[tuple[str, list[dict[str, Any]]]]) -> list[Line]:
    lines = (_line(page_number, text, boxes) for text, boxes in groups if boxes)
    return [line for line in lines if line is not None]


def _line(page_number: int, text: str, boxes: list[dict[str, Any]]) -> Line | None:
    """A line from its text and its words or chars (``boxes``: text, font, size, position)."""
    bullet, text = split_bullet(clean_inline(text))
    body = _after_bullet(boxes) if bullet else boxes
    if not text or not body:
        return None
    fonts = [b["fontname"] for b in body]
    sizes = Counter(round(float(b["size"]), 1) for b in body for _ in b["text"])
    first = list(takewhile(lambda pair: not _gap(*pair), pairwise(body)))
    return Line(
        page=page_number, text=text, bullet=bullet,
        x0=float(boxes[0]["x0"]), text_x0=float(body[0]["x0"]), x1=float(boxes[-1]["x1"]),
        top=float(boxes[0]["top"]), bottom=max(float(b["bottom"]) for b in boxes),
        size=sizes.most_common(1)[0][0],
        bold=all(_BOLD.search(f) for f in fonts), italic=all(_ITALIC.search(f) for f in fonts),
        first_width=float((first[-1][1] if first else body[0])["x1"] - body[0]["x0"]),
    )  # fmt: skip


def split_bullet(text: str) -> tuple[str, str]:
    """The line's bullet ("" if none) and its text without it."""
    head, _, rest = text.partition(" ")
    if rest and head in WORD_BULLETS:
        return head, rest
    if len(head) > 1 and head[0] in GLYPH_BULLETS:
        return head[0], text[1:].lstrip()
    return "", text


def _after_bullet(boxes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The boxes after a one-character bullet (split off the first word if it touches it)."""
    first = boxes[0]
    if len(first["text"]) <= 1:
        return boxes[1:]
    share = (first["x1"] - first["x0"]) / len(first["text"])
    return [dict(first, text=first["text"][1:], x0=first["x0"] + share), *boxes[1:]]


def strip_furniture(pages: list[tuple[list[Line], float]]) -> list[Line]:
    """Lines of (lines, page height) pairs without page numbers and running headers or
    footers (text in the top or bottom band that repeats on at least half the pages)."""
    bands = [{_shape(ln) for ln in lines if _in_band(ln, h)} for lines, h in pages]
    seen = Counter(shape for band in bands for shape in band)
    repeated = {shape for shape, n in seen.items() if n >= 2 and n * 2 >= len(pages)}
    return [
        ln
        for lines, h in pages
        for ln in lines
        if not (_in_band(ln, h) and (_PAGE_NUMBER.fullmatch(ln.text) or _shape(ln) in repeated))
    ]


def _in_band(line: Line, height: float) -> bool:
    return line.bottom < 0.075 * height or line.top > 0.925 * height


def _shape(line: Line) -> str:
    return re.sub(r"\d+", "#", f"{line.bullet} {line.text}".strip())


def join_lines(lines: list[Line], margin: float) -> list[Unit]:
    """Lines joined into units wherever a line is wrapped onto the next one."""
    units: list[Unit] = []
    for line in lines:
        if units and continues(units[-1].last, line, margin):
            units[-1].text = join_text(units[-1].text, line.text)
            units[-1].last = line
        else:
            units.append(Unit(line, line.text, line))
    return units


def continues(a: Line, b: Line, margin: float) -> bool:
    """True if ``b`` is ``a`` wrapped: same font, close below it (or atop the next page),
    and its first word would not have fitted at the end of ``a``."""
    if b.bullet or (a.size, a.bold, a.italic) != (b.size, b.bold, b.italic):
        return False
    if b.page == a.page and not 0 < b.top - a.top <= _LINE_PITCH * a.size:
        return False
    if b.page not in (a.page, a.page + 1):
        return False
    return a.x1 + _SPACE * a.size + b.first_width > margin


_SUSPENDED = re.compile(r"(og|eller|and|or)\b")


def join_text(a: str, b: str) -> str:
    """Two wrapped lines as one text: a hyphenation is undone ("behand-" + "ling"), a
    suspended hyphen ("helse-" + "og") and a compound ("covid-" + "19") are kept."""
    if a.endswith("\u00ad"):
        return a[:-1] + b
    last = a.rsplit(" ", 1)[-1]
    if not last.endswith("-") or len(last) < 2 or not last[-2].isalpha():
        return f"{a} {b}"
    if b[:1].islower() and not _SUSPENDED.match(b):
        return a[:-1] + b
    return f"{a} {b}" if b[:1].islower() else a + b
