"""The units of search: one entry per recommendation, section or subheading, from the model.

A page gives a *lead* entry (its title and the text before its first subheading), then one
entry per subheading or collapsible section, and one for its reference list. Anchors are the
ids the site gives those headings: the page's Markdown is rendered with the site's ``toc``
settings, so the ids match MkDocs' exactly (duplicates get ``_1``, ``_2`` …).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import html as lxml_html
from pymdownx.slugs import slugify

from helsekb.fidelity import markdown_renderer
from helsekb.model import Block, BlockType, Document, ListItem, Page, Section, SectionKind
from helsekb.writers import frontmatter
from helsekb.writers.pages import ADMONITION_TYPE, REFERENCES_TITLE

LEAD = "lead"
"""Kind of a page's (or document's) own entry: its title and opening text."""


@dataclass(slots=True)
class Entry:
    title: str
    anchor: str
    kind: str
    """``lead``, a SectionKind value, ``document``, ``chapter`` or ``view``."""
    section: str = ""
    """The collapsible section's own title (e.g. "Utdypende informasjon"), if any."""
    roles: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)


HEADING_LINE = re.compile(r"^[ \t]*(#{1,6}[ \t].*)$", re.MULTILINE)
"""An ATX heading (the writers' only kind), also when indented inside a collapsible."""


_MD = markdown_renderer(toc={"slugify": slugify(case="lower")})


def heading_ids(page_markdown: str) -> list[tuple[str, str]]:
    """(text, id) of every heading of a written page, in order, as MkDocs will id them.

    Only the heading lines are rendered (with the site's extensions and ``toc`` settings):
    the same text, order and duplicates give the same ids as the whole page, at a fraction
    of the cost. The writers escape a ``#`` that starts a line of text, so every match is a
    heading (tests check every indexed anchor against the built site).
    """
    headings = "\n\n".join(HEADING_LINE.findall(frontmatter.body(page_markdown)))
    tree = lxml_html.fromstring(f"<div>{_MD.reset().convert(headings)}</div>")
    return [
        (_flat(h.text_content()), h.get("id", ""))
        for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")
    ]


def _flat(text: str) -> str:
    return " ".join(text.split())


class _Ids:
    """Hands out heading ids in document order, matched by heading text."""

    def __init__(self, headings: list[tuple[str, str]]) -> None:
        self._headings = headings
        self._next = 0

    def take(self, text: str) -> str:
        wanted = _flat(text)
        for n in range(self._next, len(self._headings)):
            if self._headings[n][0] == wanted:
                self._next = n + 1
                return self._headings[n][1]
        return ""


def item_texts(items: list[ListItem]) -> Iterator[tuple[str, list[str]]]:
    """(text, roles) of every list item, depth first."""
    for item in items:
        yield item.text, item.roles
        yield from item_texts(item.children)


def _add_block(entry: Entry, block: Block) -> None:
    entry.roles.update(block.roles)
    if block.type is BlockType.LIST:
        for text, roles in item_texts(block.items):
            entry.text.append(text)
            entry.roles.update(roles)
    elif block.text.strip():
        entry.text.append(block.text)


def _section_entries(section: Section, ids: _Ids, lead: Entry | None) -> Iterator[Entry]:
    """The entries of one section; an untitled body section continues ``lead``."""
    collapsible = section.kind in ADMONITION_TYPE
    current = lead
    if current is None or section.title or collapsible:
        anchor = "" if collapsible else ids.take(section.title)
        if collapsible:
            anchor = next((b.anchor for b in section.blocks if b.anchor), "")
        current = Entry(section.title, anchor, section.kind.value, section.title)
        yield current
    for block in section.blocks:
        if block.type is BlockType.HEADING:
            label = section.title if collapsible else ""
            current = Entry(block.text, ids.take(block.text), section.kind.value, label)
            yield current
        else:
            _add_block(current, block)


def page_entries(
    title: str, sections: list[Section], headings: list[tuple[str, str]]
) -> list[Entry]:
    """The lead entry and the section entries of a page (or a document's index page)."""
    ids = _Ids(headings)
    ids.take(title)
    first = sections[0] if sections else None
    kind = first.kind.value if first and first.kind is SectionKind.RECOMMENDATION else LEAD
    lead = Entry(title, "", kind)
    out = [lead]
    for n, section in enumerate(s for s in sections if s.blocks):
        out.extend(_section_entries(section, ids, lead if n == 0 else None))
    return out


def reference_entry(page: Page, headings: list[tuple[str, str]]) -> Entry | None:
    """The page's reference list as one entry (ranked low: it is not guidance)."""
    if not page.references:
        return None
    anchor = next((i for t, i in headings if t == REFERENCES_TITLE), "")
    text = [r.raw for r in page.references]
    return Entry(REFERENCES_TITLE, anchor, SectionKind.REFERANSER.value, text=text)


def all_page_entries(page: Page, headings: list[tuple[str, str]]) -> list[Entry]:
    """Every entry of one recommendation or chapter page, each carrying the page's roles
    (``headings``: the written page's ``heading_ids``)."""
    entries = page_entries(page.title, page.sections, headings)
    refs = reference_entry(page, headings)
    if refs:
        entries.append(refs)
    for entry in entries:
        entry.roles.update(page.roles)
    return entries


def document_entry(doc: Document) -> Entry:
    """A document's index page as one entry: its title and intro (title block, Forkortelser)."""
    entry = Entry(doc.title, "", "document")
    for section in doc.intro:
        for block in section.blocks:
            _add_block(entry, block)
    return entry
