"""Text cleaning shared by all readers: decoding, whitespace, dates, chrome markers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from helsekb.readers.base import ReaderError

MAX_SOURCE_BYTES = 64 * 1024 * 1024

_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"  # control characters
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufffe]"  # zero-width, bidi
)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u2009\u200a\u3000]+")

MONTHS = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}  # fmt: skip
_NB_DATE = re.compile(r"(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s+(\d{4})", re.IGNORECASE)


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM); anything else is a clear error, never a guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReaderError(file, f"invalid UTF-16 ({exc.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        head = data[:4096]
        if head.count(b"\x00") * 4 > len(head):  # UTF-16 Latin text: every other byte is NUL
            hint = "; it looks like UTF-16 without a byte-order mark: re-save it as UTF-8"
        else:
            try:
                data.decode("cp1252")
                hint = "; it looks like windows-1252: re-save it as UTF-8"
            except UnicodeDecodeError:
                pass
        raise ReaderError(
            file, f"not valid UTF-8 (byte 0x{data[exc.start]:02X} at offset {exc.start}){hint}"
        ) from None


def clean_inline(text: str) -> str:
    """NFC, no control or invisible characters, runs of any space folded to one, stripped."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def parse_nb_date(text: str) -> date | None:
    """The first Norwegian date in ``text`` ("16. mai 2024", "01. juni 2022")."""
    m = _NB_DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"(\[]?[A-ZÆØÅ0-9])")


def sentences(text: str) -> list[str]:
    """Split plain text into sentences after folding whitespace (for the fidelity check)."""
    out: list[str] = []
    for chunk in text.split("\n"):
        chunk = clean_inline(chunk)
        if chunk:
            out.extend(s for s in _SENTENCE_END.split(chunk) if s.strip())
    return out


_SAFE_SCHEMES = ("http", "https", "mailto")


def safe_href(href: str | None) -> str | None:
    """The link target if it is http(s), mailto, relative or a fragment; otherwise None.

    Control characters and whitespace are removed before the scheme is read, so
    ``java\\tscript:`` or ``JaVaScRiPt:`` are refused like ``javascript:``.
    """
    if not href:
        return None
    compact = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", unicodedata.normalize("NFKC", href))
    if not compact:
        return None
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", compact)
    if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES:
        return None
    if compact.startswith("//"):
        return "https:" + compact
    return compact
