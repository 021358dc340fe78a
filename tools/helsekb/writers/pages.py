"""Markdown pages: one per source page, an index per document and chapter, and the home page."""

from __future__ import annotations

from datetime import date
from typing import Any

from helsekb.model import Document, KnowledgeBase, Page, Section, SectionKind
from helsekb.writers import frontmatter
from helsekb.writers.markdown import block, escape, indent

ADMONITION_TYPE = {
    SectionKind.PRAKTISK: "praktisk",
    SectionKind.BEGRUNNELSE: "begrunnelse",
    SectionKind.NOKKELINFO: "nokkelinfo",
    SectionKind.SUPPLEMENTARY: "note",
}
"""Sections shown collapsed, by the admonition type the site styles."""

REFERENCES_TITLE = "Referanser"


def page_meta(doc: Document, page: Page) -> dict[str, Any]:
    return {
        "kind": "page",
        "title": page.title,
        "document": doc.title,
        "document_slug": doc.slug,
        "document_type": doc.type,
        "chapter": page.chapter,
        "status": page.status,
        "hearing_notice": page.hearing_notice,
        "hearing_deadline": page.hearing_deadline,
        "last_reviewed": page.last_reviewed,
        "last_reviewed_text": page.last_reviewed_text,
        "first_published": page.first_published,
        "retrieved": page.retrieved,
        "source_url": page.source_url,
        "source_file": page.source_file,
        "cite_as": page.cite_as,
        "roles": page.roles,
        "tags": page.tags,
    }


def render_page(doc: Document, page: Page) -> str:
    parts = [frontmatter.render(page_meta(doc, page)) + f"\n# {escape(page.title)}"]
    parts.extend(_section(s) for s in page.sections if s.blocks)
    if page.references:
        parts.append(f"## {REFERENCES_TITLE}")
        parts.extend(f"{escape(r.raw)}\n{{: #{r.id} .kb-reference }}" for r in page.references)
    return "\n\n".join(parts) + "\n"


def _section(section: Section) -> str:
    kind = ADMONITION_TYPE.get(section.kind)
    if kind is None:
        head = [f"## {escape(section.title)}"] if section.title else []
        return "\n\n".join(head + [block(b, 2) for b in section.blocks])
    body = "\n\n".join(block(b, 3) for b in section.blocks)
    title = section.title.replace('"', "”")
    return f'??? {kind} "{escape(title)}"\n\n{indent(body)}'


def render_document_index(doc: Document) -> str:
    meta = {
        "kind": "document",
        "title": doc.title,
        "document_type": doc.type,
        "status": doc.status,
        "source_url": doc.source_url,
    }
    parts = [frontmatter.render(meta) + f"\n# {escape(doc.title)}"]
    parts.extend(_section(s) for s in doc.intro if s.blocks)
    parts.append("## Innhold")
    parts.append(_contents(doc))
    return "\n\n".join(parts) + "\n"


def _contents(doc: Document) -> str:
    """Chapters (linking to their index) and the pages that sit directly under the document."""
    lines: list[str] = []
    seen: set[str] = set()
    for page in doc.pages:
        if not page.chapter:
            lines.append(f"- [{escape(page.title)}]({page.slug}.md)")
        elif page.chapter not in seen:
            seen.add(page.chapter)
            lines.append(f"- [{escape(page.chapter)}]({page.chapter_slug}/index.md)")
    return "\n".join(lines)


def render_chapter_index(doc: Document, chapter: str, pages: list[Page]) -> str:
    meta = {"kind": "chapter", "title": chapter, "document": doc.title, "document_slug": doc.slug}
    links = "\n".join(f"- [{escape(p.title)}]({p.slug}.md)" for p in pages)
    return f"{frontmatter.render(meta)}\n# {escape(chapter)}\n\n{links}\n"


def render_home(kb: KnowledgeBase) -> str:
    meta = {"kind": "home", "title": "Retningslinjer og veiledere"}
    intro = (
        "Nasjonale og regionale faglige retningslinjer, veiledere og anbefalinger, "
        "samlet for lesing uten nett."
    )
    items = "\n".join(_home_item(doc) for doc in kb.documents)
    return f"{frontmatter.render(meta)}\n# {meta['title']}\n\n{intro}\n\n{items}\n"


def _home_item(doc: Document) -> str:
    facts = [escape(doc.type)] if doc.type else []
    if doc.status:
        facts.append("Høringsutkast")
    reviewed = max((p.last_reviewed for p in doc.pages if p.last_reviewed), default=None)
    if reviewed:
        facts.append(f"sist faglig endret {nb_date(reviewed)}")
    pages = len(doc.pages)
    facts.append(f"{pages} {'side' if pages == 1 else 'sider'}")
    return f"- [{escape(doc.title)}]({doc.slug}/index.md) – {' · '.join(facts)}"


MONTH_NAMES = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip


def nb_date(d: date) -> str:
    """A date as Norwegian prose: 16. februar 2024."""
    return f"{d.day}. {MONTH_NAMES[d.month - 1]} {d.year}"
