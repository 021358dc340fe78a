"""Generated guidance documents, written out as each source format the readers take.

A small document (title, paragraphs of sentences, headings, nested lists, references) is
rendered as a text capture, an HTML page in helsedirektoratet.no's markup, a content-API
item and a PDF. The fuzz command and the nothing-lost property test read these back and
require every sentence in the output. Text is Norwegian with æøå, punctuation and
markup-looking pieces, all encodable in windows-1252 (the PDF's WinAnsi fonts).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from helsekb.pdfwrite import PdfLayout

FORMATS = {"capture": "txt", "html": "html", "hapi": "json", "pdf": "pdf"}
"""Source format -> file extension."""


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    children: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    """``paragraph`` (of ``sentences``), ``heading`` (``text``) or ``list`` (``items``)."""
    sentences: tuple[str, ...] = ()
    text: str = ""
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Doc:
    title: str
    blocks: tuple[Block, ...]
    references: tuple[str, ...] = ()

    def texts(self) -> list[str]:
        """Every piece of text the output must hold: title, sentences, headings, items."""
        out = [self.title]
        for block in self.blocks:
            out += [*block.sentences, block.text] if block.kind != "list" else _texts(block.items)
        return [t for t in [*out, *self.references] if t]


def _texts(items: tuple[Item, ...]) -> list[str]:
    return [t for item in items for t in (item.text, *_texts(item.children))]


def render(doc: Doc, fmt: str) -> bytes:
    """The document as a source file of format ``fmt`` (one of FORMATS)."""
    return {"capture": to_capture, "html": to_html, "hapi": to_hapi, "pdf": to_pdf}[fmt](doc)


def _paragraph(block: Block) -> str:
    return " ".join(block.sentences)


def to_capture(doc: Doc) -> bytes:
    """A text capture: title line, blocks separated by blank lines, "- " bullets indented
    two spaces per level, references last."""
    lines = [doc.title, ""]
    for block in doc.blocks:
        if block.kind == "list":
            lines += _capture_items(block.items, 0)
        else:
            lines.append(_paragraph(block) if block.kind == "paragraph" else block.text)
        lines.append("")
    lines += [line for ref in doc.references for line in (ref, "")]
    return "\n".join(lines).encode("utf-8")


def _capture_items(items: tuple[Item, ...], depth: int) -> list[str]:
    pad = "  " * depth
    return [
        line
        for item in items
        for line in (f"{pad}- {item.text}", *_capture_items(item.children, depth + 1))
    ]


def _html_blocks(doc: Doc) -> str:
    parts = []
    for block in doc.blocks:
        if block.kind == "paragraph":
            parts.append(f"<p>{html.escape(_paragraph(block))}</p>")
        elif block.kind == "heading":
            parts.append(f"<h3>{html.escape(block.text)}</h3>")
        else:
            parts.append(_html_list(block.items))
    return "\n".join(parts)


def _html_list(items: tuple[Item, ...]) -> str:
    inner = "".join(
        f"<li>{html.escape(item.text)}{_html_list(item.children) if item.children else ''}</li>"
        for item in items
    )
    return f"<ul>{inner}</ul>"


def _html_references(doc: Doc) -> str:
    if not doc.references:
        return ""
    items = "".join(f"<li>{html.escape(ref)}</li>" for ref in doc.references)
    return (
        '<div class="b-collapsible"><button type="button">'
        '<h3 class="b-collapsible__heading">Referanser</h3></button>'
        f'<div id="referanser" hidden><ul>{items}</ul></div></div>'
    )


def to_html(doc: Doc) -> bytes:
    """A page in the site's markup: main#main, h1, recommendation text, Referanser."""
    title = html.escape(doc.title)
    page = (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
        f"<title>{title} - Helsedirektoratet</title></head><body>\n"
        f'<main id="main"><article class="b-recommendation"><h1>{title}</h1>\n'
        f'<div class="b-recommendation__text">\n{_html_blocks(doc)}\n</div>\n'
        f"{_html_references(doc)}</article></main></body></html>\n"
    )
    return page.encode("utf-8")


def to_hapi(doc: Doc) -> bytes:
    """A content-API item (anbefaling) whose ``tekst`` holds the blocks and references."""
    refs = "".join(f"<p>{html.escape(ref)}</p>" for ref in doc.references)
    item: dict[str, Any] = {
        "id": "0006-0002-generert",
        "tittel": doc.title,
        "tekst": _html_blocks(doc) + refs,
        "status": "Gjeldende",
        "tekniskeData": {"infoType": "anbefaling"},
        "links": [{"rel": "root", "type": "retningslinje", "tittel": "Generert retningslinje"}],
    }
    return json.dumps(item, ensure_ascii=False, indent=1).encode("utf-8")


def to_pdf(doc: Doc) -> bytes:
    """A Word-like PDF: bold title, bold headings (16 pt top level), 11 pt body, bullets."""
    layout = PdfLayout()
    layout.paragraph(doc.title, size=20, bold=True)
    for block in doc.blocks:
        if block.kind == "paragraph":
            layout.paragraph(_paragraph(block))
        elif block.kind == "heading":
            layout.paragraph(block.text, size=16, bold=True)
        else:
            pdf_items(layout, block.items, 0)
    for ref in doc.references:
        layout.paragraph(ref)
    return layout.pdf()


def pdf_items(layout: PdfLayout, items: tuple[Item, ...], depth: int) -> None:
    for item in items:
        layout.bullet(item.text, depth)
        pdf_items(layout, item.children, depth + 1)
