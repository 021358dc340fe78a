"""``kb.json``: the whole knowledge base as open data (schema in README.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from helsekb.model import Block, BlockType, Document, KnowledgeBase, ListItem, Page, Reference

SCHEMA = 1


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _item(item: ListItem) -> dict[str, Any]:
    return {
        "text": item.text,
        "anchor": item.anchor or None,
        "roles": item.roles,
        "items": [_item(c) for c in item.children],
    }


def _block(b: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"type": str(b.type)}
    if b.type is BlockType.HEADING:
        out["level"] = b.level
    if b.type is BlockType.LIST:
        out["ordered"] = b.ordered
        out["items"] = [_item(i) for i in b.items]
    else:
        out["text"] = b.text
    out["anchor"] = b.anchor or None
    out["roles"] = b.roles
    return out


def _reference(r: Reference) -> dict[str, Any]:
    return {
        "id": r.id,
        "raw": r.raw,
        "authors": r.authors,
        "year": r.year,
        "title": r.title,
        "container": r.container,
        "url": r.url,
        "doi": r.doi,
    }


def _links(page: Page) -> list[dict[str, Any]]:
    spans = [s for b in page.blocks() for s in b.spans]
    spans += [s for b in page.blocks() for i in _walk(b.items) for s in i.spans]
    return [{"text": s.text, "href": s.href, "internal": False} for s in spans if s.href]


def _walk(items: list[ListItem]) -> list[ListItem]:
    out: list[ListItem] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(reversed(item.children))
    return out


def _page(page: Page) -> dict[str, Any]:
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
        "cite_as": page.cite_as or None,
        "roles": page.roles,
        "sections": [
            {"kind": str(s.kind), "title": s.title, "blocks": [_block(b) for b in s.blocks]}
            for s in page.sections
        ],
        "references": [_reference(r) for r in page.references],
        "citations": [],
        "links": _links(page),
    }


def _document(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.slug,
        "title": doc.title,
        "type": doc.type or None,
        "status": doc.status or None,
        "source_url": doc.source_url or None,
        "pages": [_page(p) for p in doc.pages],
    }


def render_kb(kb: KnowledgeBase) -> str:
    data = {
        "schema": SCHEMA,
        "documents": [_document(d) for d in kb.documents],
        "abbreviations": dict(sorted(kb.abbreviations.items())),
        "bibliography": [],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
