"""Markdown pages: one per source page, an index per document and chapter, and the home page."""

from __future__ import annotations

from datetime import date
from typing import Any

from helsekb.model import Document, KnowledgeBase, Page, Related, Section, SectionKind
from helsekb.writers import frontmatter
from helsekb.writers.markdown import block, escape, indent, link
from helsekb.writers.nav import title as html_title

VIEWS = (
    ("bibliografi/index.md", "Bibliografi", "alle referanser, med BibTeX og RIS"),
    ("forkortelser/index.md", "Forkortelser og begreper", "forkortelser forklart"),
    ("temaer/index.md", "Temaer", "sentrale begreper og hvor de omtales"),
)
"""The generated overview pages (writers/views.py): path, title, what they offer."""

ADMONITION_TYPE = {
    SectionKind.PRAKTISK: "praktisk",
    SectionKind.BEGRUNNELSE: "begrunnelse",
    SectionKind.NOKKELINFO: "nokkelinfo",
    SectionKind.SUPPLEMENTARY: "note",
}
"""Sections shown collapsed, by the admonition type the site styles."""

REFERENCES_TITLE = "Referanser"
SEE_ALSO_TITLE = "Se også"


def page_meta(doc: Document, page: Page) -> dict[str, Any]:
    return {
        "kind": "page",
        "title": html_title(page.title),
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
        "changed": page.changed,
        "source_url": page.source_url,
        "source_file": page.source_file,
        "cite_as": page.cite_as,
        "roles": page.roles,
        "tags": page.tags,
    }


def render_page(doc: Document, page: Page) -> str:
    parts = [frontmatter.render(page_meta(doc, page)) + f"\n# {escape(page.title)}"]
    parts.extend(_section(s, page.path) for s in page.sections if s.blocks)
    if page.related:
        parts.append(see_also(page.related, page.path))
    if page.references:
        parts.append(f"## {REFERENCES_TITLE}")
        parts.extend(f"{escape(r.raw)}\n{{: #{r.id} .kb-reference }}" for r in page.references)
    if page.glossary:
        parts.append(abbreviations(page.glossary))
    return "\n\n".join(parts) + "\n"


def see_also(related: list[Related], base: str) -> str:
    """The *Se også* list: each related page and why (kept out of the search index)."""
    items = [
        f"- {link(escape(r.title), r.path, base)} – {escape('; '.join(r.reasons))}" for r in related
    ]
    return f"## {SEE_ALSO_TITLE} {{: .kb-see-also }}\n\n" + "\n".join(items)


def abbreviations(glossary: dict[str, str]) -> str:
    """Python-Markdown ``abbr`` definitions: tooltips wherever the abbreviation occurs."""
    return "\n".join(f"*[{abbr}]: {text}" for abbr, text in sorted(glossary.items()))


def _section(section: Section, base: str) -> str:
    kind = ADMONITION_TYPE.get(section.kind)
    if kind is None:
        head = [f"## {escape(section.title)}"] if section.title else []
        return "\n\n".join(head + [block(b, 2, base) for b in section.blocks])
    body = "\n\n".join(block(b, 3, base) for b in section.blocks)
    title = section.title.replace('"', "”")
    return f'??? {kind} "{escape(title)}"\n\n{indent(body)}'


def render_document_index(doc: Document) -> str:
    meta = {
        "kind": "document",
        "title": html_title(doc.title),
        "document_type": doc.type,
        "status": doc.status,
        "source_url": doc.source_url,
    }
    parts = [frontmatter.render(meta) + f"\n# {escape(doc.title)}"]
    parts.extend(_section(s, f"{doc.slug}/index.md") for s in doc.intro if s.blocks)
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
    meta = {
        "kind": "chapter",
        "title": html_title(chapter),
        "document": doc.title,
        "document_slug": doc.slug,
        "document_type": doc.type,
        "status": doc.status,
    }
    links = "\n".join(f"- [{escape(p.title)}]({p.slug}.md)" for p in pages)
    return f"{frontmatter.render(meta)}\n# {escape(chapter)}\n\n{links}\n"


def render_home(kb: KnowledgeBase) -> str:
    meta = {"kind": "home", "title": "Retningslinjer og veiledere"}
    intro = (
        "Nasjonale og regionale faglige retningslinjer, veiledere og anbefalinger, "
        "samlet for lesing uten nett."
    )
    items = "\n".join(_home_item(doc) for doc in kb.documents)
    views = "\n".join(f"- [{title}]({path}) – {about}" for path, title, about in VIEWS)
    return (
        f"{frontmatter.render(meta)}\n# {meta['title']}\n\n{intro}\n\n{items}\n\n"
        f"## Oppslag\n\n{views}\n"
    )


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
