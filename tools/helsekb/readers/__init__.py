"""Readers, one per source format; each turns bytes into the document model."""

from __future__ import annotations

from collections.abc import Callable

from helsekb.readers.base import ReaderError, ReadResult, SourceEntry

Reader = Callable[[bytes, SourceEntry], ReadResult]

FORMATS = ("capture", "html", "pdf", "hapi")


def infer_format(name: str, data: bytes) -> str:
    """The format of a source from its content first, its extension second."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"{", b"[")):
        return "hapi"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    by_suffix = {"txt": "capture", "html": "html", "htm": "html", "json": "hapi", "pdf": "pdf"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    raise ReaderError(name, f"unknown source format (extension {suffix or 'none'!r})")


def reader_for(fmt: str) -> Reader:
    """The reader function for a format name (imported lazily: pdfplumber is slow to load)."""
    if fmt == "capture":
        from helsekb.readers.text import read_capture

        return read_capture
    if fmt == "html":
        from helsekb.readers.html import read_html

        return read_html
    if fmt == "pdf":
        from helsekb.readers.pdf import read_pdf

        return read_pdf
    if fmt == "hapi":
        from helsekb.readers.hapi import read_hapi

        return read_hapi
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "ReadResult", "Reader", "ReaderError", "SourceEntry", "infer_format"]
