"""``kb.json``: the whole knowledge base as open data (schema in README.md)."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any, BinaryIO

from helsekb.enrichers import roles
from helsekb.enrichers.crosslinks import is_external, runs
from helsekb.model import (
    BibItem,
    Block,
    BlockType,
    Document,
    KnowledgeBase,
    ListItem,
    Page,
    Reference,
    Section,
)

SCHEMA = 1
KB_JSON = "kb.json"
"""The file, at the top of docs/."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _evidence(tag: roles.Tag | None) -> list[dict[str, str]]:
    """Why an entry has its roles: role, rule, matched phrase, location (README: kb.json)."""
    return [
        {"role": e.role, "rule": e.rule, "phrase": e.phrase, "location": e.location}
        for e in (tag.evidence if tag else [])
    ]


def _item(item: ListItem, why: roles.Index) -> dict[str, Any]:
    return {
        "text": item.text,
        "anchor": item.anchor or None,
        "roles": item.roles,
        "role_evidence": _evidence(why.get(id(item))),
        "items": [_item(c, why) for c in item.children],
    }


def _block(b: Block, why: roles.Index) -> dict[str, Any]:
    out: dict[str, Any] = {"type": str(b.type)}
    if b.type is BlockType.HEADING:
        out["level"] = b.level
    if b.type is BlockType.LIST:
        out["ordered"] = b.ordered
        out["items"] = [_item(i, why) for i in b.items]
    else:
        out["text"] = b.text
    out["anchor"] = b.anchor or None
    out["roles"] = b.roles
    out["role_evidence"] = _evidence(why.get(id(b)))
    return out


def _reference(r: Reference) -> dict[str, Any]:
    return {
        "id": r.id,
        "raw": r.raw,
        "authors": r.authors,
        "year": r.year,
        "title": r.title,
        "container": r.container,
        "volume": r.volume,
        "issue": r.issue,
        "pages": r.pages,
        "url": r.url,
        "doi": r.doi,
        "accessed": r.accessed,
        "kind": r.kind or None,
    }


def _links(page: Page) -> list[dict[str, Any]]:
    """Every link: internal ones as docs-relative ``path#anchor``, with what kind it is."""
    spans = [s for run in runs(page) for s in run.spans if s.href]
    return [_link(s.text, s.href, page.path) for s in spans if s.href]


def _link(text: str, href: str, path: str) -> dict[str, Any]:
    internal = not is_external(href)
    target = f"{path}{href}" if href.startswith("#") else href
    if href.startswith("#ref-"):
        kind = "citation"
    elif "lovdata.no/" in href:
        kind = "law"
    else:
        kind = "internal" if internal else "external"
    return {"text": text, "href": target, "internal": internal, "kind": kind}


def _page_id(place: str) -> str:
    return place.split("#")[0].removesuffix(".md")


def _bib_item(item: BibItem) -> dict[str, Any]:
    return {
        **_reference(item.reference),
        "id": item.id,
        "cited_by": list(dict.fromkeys(_page_id(p) for p in item.cited_by)),
        "cited_at": item.cited_by,
        "listed_in": [_page_id(p) for p in item.listed_in],
    }


def _section(section: Section, why: roles.Index) -> dict[str, Any]:
    tag = why.get(id(section))
    return {
        "kind": str(section.kind),
        "title": section.title,
        "roles": tag.roles if tag else [],
        "role_evidence": _evidence(tag),
        "blocks": [_block(b, why) for b in section.blocks],
    }


def _page(page: Page, why: roles.Index) -> dict[str, Any]:
    return {
        "id": page.path.removesuffix(".md"),
        "path": page.path,
        "title": page.title,
        "chapter": page.chapter or None,
        "source_file": page.source_file,
        "source_url": page.source_url or None,
        "status": page.status or None,
        "hearing_deadline": _iso(page.hearing_deadline),
        "last_reviewed": _iso(page.last_reviewed),
        "first_published": _iso(page.first_published),
        "retrieved": _iso(page.retrieved),
        "changed": _iso(page.changed),
        "field_sources": page.field_sources or None,
        "cite_as": page.cite_as or None,
        "roles": page.roles,
        "role_evidence": _evidence(why.get(id(page))),
        "sections": [_section(s, why) for s in page.sections],
        "references": [_reference(r) for r in page.references],
        "citations": [
            {"text": c.text, "reference": c.reference, "anchor": c.anchor or None}
            for c in page.citations
        ],
        "links": _links(page),
        "related": [{"page": _page_id(r.path), "reasons": r.reasons} for r in page.related],
    }


def _document(doc: Document, why: roles.Index) -> dict[str, Any]:
    return {
        "id": doc.slug,
        "title": doc.title,
        "type": doc.type or None,
        "status": doc.status or None,
        "source_url": doc.source_url or None,
        "pages": [_page(p, why) for p in doc.pages],
    }


def render_kb(kb: KnowledgeBase) -> str:
    """``json.dumps(kb_data(kb))``, compact, as :class:`KbJsonWriter` writes it."""
    why = roles.tags(kb)
    stream = io.BytesIO()
    writer = KbJsonWriter(stream)
    for doc in kb.documents:
        writer.add(document_json(doc, why).encode())
    writer.end(kb_tail(kb))
    return stream.getvalue().decode()


class KbJsonWriter:
    """``kb.json`` written to ``stream`` a document at a time, as each document's data
    comes (:func:`document_json`, encoded), then :func:`kb_tail`: all of it, as dicts, took
    hundreds of MB at 5,000 pages, and as one string 90 MB."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.documents = 0
        stream.write(f'{{"schema":{SCHEMA},"documents":['.encode())

    def add(self, data: bytes) -> tuple[int, int]:
        """Write a document's data; where it is in the file (offset, length in bytes)."""
        if self.documents:
            self.stream.write(b",")
        self.documents += 1
        offset = self.stream.tell()
        self.stream.write(data)
        return offset, len(data)

    def end(self, tail: str) -> None:
        """Write what follows the documents (:func:`kb_tail`)."""
        self.stream.write(tail.encode())


def document_json(doc: Document, why: roles.Index) -> str:
    """One document as ``kb.json`` has it, encoded (``why``: :func:`roles.tags`)."""
    return _json(_document(doc, why))


def kb_tail(kb: KnowledgeBase) -> str:
    """What follows the documents in ``kb.json``, to its end."""
    return f"],{_json(_rest(kb))[1:]}\n"


def document_data(doc: Document, why: roles.Index) -> dict[str, Any]:
    """One document as ``kb.json`` has it (``why``: :func:`roles.tags` of its knowledge base)."""
    return _document(doc, why)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # the C encoder


def _rest(kb: KnowledgeBase) -> dict[str, Any]:
    """What follows the documents in ``kb.json``."""
    return {
        "abbreviations": dict(sorted(kb.abbreviations.items())),
        "bibliography": [_bib_item(item) for item in kb.bibliography],
        "topics": [{"name": t.name, "places": list(t.places)} for t in kb.topics],
    }


def kb_data(kb: KnowledgeBase) -> dict[str, Any]:
    """``kb.json`` as data (plain dicts, lists and strings: what reading the file gives)."""
    why = roles.tags(kb)
    return {"schema": SCHEMA, "documents": [_document(d, why) for d in kb.documents]} | _rest(kb)
