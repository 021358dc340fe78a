"""Role views: a page per role (its pages, then its duties as a checklist) and the matrix.

``roller/<role>.md`` lists the pages addressed to the role, then every statement the role
acts in, grouped by document, page and heading, each linking to its paragraph. A role with
more than ONE_PAGE_DUTIES duties (a national corpus) gets instead an overview of the
documents and a page per document, ``roller/<role>/<document>.md``, so no page grows with
the size of the knowledge base. A statement
shows the sentences that carry the role's evidence ("…" marks the ones left out); the link
leads to the whole text. ``roller/ansvarsmatrise.md`` sets out each document addressed to
several roles (an agreement such as the Oslo pakkeforløp) as a table: a row per section,
a column per role, and one for what names no actor. Source text is escaped as everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial

from helsekb.enrichers.roles import Index, Role, Tag, load_vocabulary, split_sentences, tags
from helsekb.model import BlockType, Document, KnowledgeBase, ListItem, Page
from helsekb.writers import frontmatter
from helsekb.writers.markdown import escape, link
from helsekb.writers.nav import title as html_title

FOLDER = "roller"
MATRIX = f"{FOLDER}/ansvarsmatrise.md"
MATRIX_TITLE = "Ansvarsmatrise"
CELL_WORDS = 18
ONE_PAGE_DUTIES = 150
"""A role with more duties than this gets an overview page and a page per document."""
SHARED = "Felles / ingen aktør nevnt"
INTRO_ROW = "Innledende tekst"
_ABBREVIATION_END = re.compile(
    r"(?:^|[\s(])(?:jf|jfr|jmf|ca|inkl|evt|nr|pkt|kap|dvs|osv|bl\.a|f\.eks|m\.m)\.$", re.I
)


@dataclass(slots=True)
class Statement:
    """A paragraph, notice or list item, where it stands, and its tag."""

    document: str
    page: Page
    heading: str
    """The subheading path it stands under ("2.2 Somatisk helse og levevaner"), or ""."""
    text: str
    anchor: str
    tag: Tag
    parent: Statement | None = None
    """Its lead-in paragraph or parent item, if any."""

    def href(self) -> str:
        return f"{self.page.path}#{self.anchor}"


def view_path(role: Role) -> str:
    return f"{FOLDER}/{role.id}.md"


@dataclass(slots=True)
class RoleViews:
    """The role views in independent parts (to render in parallel), in order: each role's
    page or overview, then, when a document addresses several roles, the matrix; the roles
    with a page per document (rendered with each document: :meth:`document_pages`), and
    every document's statements (by ``id()`` of the document)."""

    parts: list[Callable[[], dict[str, str]]]
    per_document: list[Role]
    found: dict[int, list[Statement]]

    def document_pages(self, doc: Document) -> dict[str, str]:
        """The document's page of each role with a page per document it has pages or
        duties for."""
        files = {}
        for role in self.per_document:
            pages, mine = _role_share(doc, role, self.found[id(doc)])
            if pages or mine:
                files[document_view_path(role, doc)] = _role_document(doc, role, pages, mine)
        return files


def role_views(kb: KnowledgeBase) -> RoleViews:
    """The role views of ``kb`` (see :class:`RoleViews`)."""
    vocab = load_vocabulary()
    index = tags(kb)
    found = {id(d): list(statements(d, index)) for d in kb.documents}
    views = RoleViews([], [], found)
    for role in (r for r in vocab.roles if r.view):
        duties = sum(role.id in s.tag.roles for d in kb.documents for s in found[id(d)])
        if duties > ONE_PAGE_DUTIES:
            views.per_document.append(role)
            views.parts.append(partial(render_role_overview, kb, role, found))
        else:
            views.parts.append(partial(_role_page, kb, role, found))
    if agreements(kb):
        views.parts.append(lambda: {MATRIX: render_matrix(agreements(kb), vocab.roles, found)})
    return views


def _role_page(kb: KnowledgeBase, role: Role, found: dict[int, list[Statement]]) -> dict[str, str]:
    return {view_path(role): render_role_page(kb, role, found)}


def statements(doc: Document, index: Index) -> Iterator[Statement]:
    """Every statement of a document in reading order, linked to its lead-in or parent."""
    for page in doc.pages:
        heads: list[tuple[int, str]] = []
        previous: Statement | None = None
        for section in page.sections:
            for block in section.blocks:
                if block.type is BlockType.HEADING:
                    heads = [h for h in heads if h[0] < block.level] + [(block.level, block.text)]
                    previous = None
                    continue
                heading = " › ".join(h[1] for h in heads)
                if block.type is not BlockType.LIST:
                    tag = index[id(block)]
                    previous = Statement(doc.title, page, heading, block.text, block.anchor, tag)
                    yield previous
                    continue
                lead = previous if previous and previous.text.rstrip().endswith(":") else None
                for item in block.items:
                    yield from _items(doc.title, page, heading, item, lead, index)
                previous = None


def _items(
    document: str,
    page: Page,
    heading: str,
    item: ListItem,
    parent: Statement | None,
    index: Index,
) -> Iterator[Statement]:
    tag = index[id(item)]
    here = Statement(document, page, heading, item.text, item.anchor, tag, parent)
    yield here
    for child in item.children:
        yield from _items(document, page, heading, child, here, index)


def duty_text(statement: Statement, role: str) -> str:
    """The sentences that carry ``role``'s evidence, "…" where others are left out."""
    phrases = [e.phrase for e in statement.tag.evidence if e.role == role and e.phrase]
    parts = _sentences(statement.text)
    keep = [any(_has(s, p) for p in phrases) for s in parts]
    if not any(keep) or all(keep):
        return " ".join(parts)
    out, skipped = [], False
    for sentence, wanted in zip(parts, keep, strict=True):
        if wanted:
            out.append(("… " if skipped else "") + sentence)
        skipped = not wanted
    return " ".join(out) + (" …" if skipped else "")


def _sentences(text: str) -> list[str]:
    """Sentences, not split after an abbreviation ("jfr. Forskrift …", "f.eks. Røyking")."""
    out: list[str] = []
    for part in split_sentences(text):
        if out and _ABBREVIATION_END.search(out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    return out


def _has(sentence: str, phrase: str) -> bool:
    return _phrase(phrase).search(sentence) is not None


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def _head(title: str, roles: list[Role], intro: str) -> str:
    meta = {
        "kind": "view",
        "title": html_title(title),
        "roles": [r.id for r in roles],
        "tags": [r.name for r in roles],
    }
    return f"{frontmatter.render(meta)}\n# {escape(title)}\n\n{intro}"


def render_role_page(kb: KnowledgeBase, role: Role, found: dict[int, list[Statement]]) -> str:
    base = view_path(role)
    pages = [(d, p) for d in kb.documents for p in d.pages if role.id in p.roles]
    mine = [s for d in kb.documents for s in found[id(d)] if role.id in s.tag.roles]
    intro = (
        f"Sidene i kunnskapsbasen som er rettet til rollen {role.name}, og en sjekkliste over "
        f"de {len(mine)} avsnittene og punktene der {role.name} er den som skal handle – ikke "
        "der rollen bare nevnes. Rollene er satt automatisk ut fra ordlyden, etter faste regler. "
        "Et punkt viser setningene som gjelder rollen («…» markerer det som er utelatt); les "
        "det i sammenheng: lenken «til avsnittet» fører dit."
    )
    parts = [_head(role.view, [role], intro), "## Sider rettet til rollen"]
    parts.append("\n".join(_page_line(d, p, base) for d, p in pages) or "Ingen.")
    parts.append(f"## Oppgaver og ansvar ({len(mine)}) {{: .kb-checklist }}")
    parts.extend(_checklist(mine, role.id, base) or ["Ingen."])
    if any(role.id in p.roles for d in agreements(kb) for p in d.pages):
        parts.append(f"Se også {link(MATRIX_TITLE.lower(), MATRIX, base)} for samarbeidsavtalene.")
    return "\n\n".join(parts) + "\n"


def document_view_path(role: Role, doc: Document) -> str:
    return f"{FOLDER}/{role.id}/{doc.slug}.md"


def render_role_overview(
    kb: KnowledgeBase, role: Role, found: dict[int, list[Statement]]
) -> dict[str, str]:
    """A large role view's overview of the documents (each has a page of its own:
    :meth:`RoleViews.document_pages`)."""
    base = view_path(role)
    lines = []
    for doc in kb.documents:
        pages, mine = _role_share(doc, role, found[id(doc)])
        if pages or mine:
            path = document_view_path(role, doc)
            count = f"{len(pages)} sider rettet til rollen, {len(mine)} oppgaver"
            lines.append(f"- {link(escape(doc.title), path, base)} – {count}")
    intro = (
        f"Dokumentene i kunnskapsbasen med sider rettet til rollen {role.name} eller avsnitt "
        f"der {role.name} er den som skal handle. Hvert dokument har en egen side med sidene "
        "og en sjekkliste over oppgavene. Rollene er satt automatisk ut fra ordlyden, etter "
        "faste regler."
    )
    overview = [_head(role.view, [role], intro), "## Dokumenter", "\n".join(lines) or "Ingen."]
    return {base: "\n\n".join(overview) + "\n"}


def _role_share(
    doc: Document, role: Role, found: list[Statement]
) -> tuple[list[Page], list[Statement]]:
    """The document's pages addressed to ``role`` and its statements ``role`` acts in."""
    pages = [p for p in doc.pages if role.id in p.roles]
    return pages, [s for s in found if role.id in s.tag.roles]


def _role_document(doc: Document, role: Role, pages: list[Page], mine: list[Statement]) -> str:
    base = document_view_path(role, doc)
    intro = (
        f"Sidene i «{escape(doc.title)}» som er rettet til rollen {role.name}, og en "
        f"sjekkliste over de {len(mine)} avsnittene og punktene der {role.name} skal handle. "
        f"Alle dokumentene: {link(escape(role.view), view_path(role), base)}."
    )
    parts = [_head(doc.title, [role], intro), "## Sider rettet til rollen"]
    parts.append("\n".join(_page_line(doc, p, base) for p in pages) or "Ingen.")
    parts.append(f"## Oppgaver og ansvar ({len(mine)}) {{: .kb-checklist }}")
    parts.extend(_checklist(mine, role.id, base) or ["Ingen."])
    return "\n\n".join(parts) + "\n"


def agreements(kb: KnowledgeBase) -> list[Document]:
    """Documents every page of which addresses several roles: the matrix's documents."""
    return [d for d in kb.documents if d.pages and all(len(p.roles) > 1 for p in d.pages)]


def _page_line(doc: Document, page: Page, base: str) -> str:
    where = " › ".join(escape(x) for x in (doc.title, page.chapter) if x)
    return f"- {link(escape(page.title), page.path, base)} – {where}"


def _checklist(mine: list[Statement], role: str, base: str) -> list[str]:
    """Headings for document, page and subheading; an item per statement, nested in its lead."""
    parts: list[str] = []
    listed = {id(s) for s in mine}
    last: tuple[str, str, str] = ("", "", "")
    lines: list[str] = []
    for s in mine:
        where = (s.document, s.page.path, s.heading)
        if where != last:
            if lines:
                parts.append("\n".join(lines))
                lines = []
            parts.extend(_group_headings(where, last, s.page))
            last = where
        lines.append(_check_item(s, role, base, listed))
    if lines:
        parts.append("\n".join(lines))
    return parts


def _group_headings(
    where: tuple[str, str, str], last: tuple[str, str, str], page: Page
) -> list[str]:
    out = [f"### {escape(where[0])}"] if where[0] != last[0] else []
    if where[1] != last[1]:
        title = " › ".join(x for x in (page.chapter, page.title) if x)
        out.append(f"#### {escape(title)}")
    if where[2] and (where[2] != last[2] or where[1] != last[1]):
        out.append(f"##### {escape(where[2])}")
    return out


def _depth(s: Statement, listed: set[int]) -> int:
    depth, parent = 0, s.parent
    while parent is not None and id(parent) in listed:
        depth, parent = depth + 1, parent.parent
    return depth


def _check_item(s: Statement, role: str, base: str, listed: set[int]) -> str:
    depth = _depth(s, listed)
    text = escape(duty_text(s, role))
    if depth == 0 and s.parent is not None:
        lead = s.parent.text.rstrip()
        text = f"*{escape(lead if lead.endswith(':') else lead + ':')}* {text}"
    target = link("til avsnittet", s.href(), base)
    return f"{'    ' * depth}- {text} {target}{{: .kb-to-statement }}"


def render_matrix(
    docs: list[Document], roles: list[Role], found: dict[int, list[Statement]]
) -> str:
    intro = (
        "Hvem gjør hva i dokumentene som er rettet til flere roller, som samarbeidsavtalen om "
        "pakkeforløp for psykisk helse og rus: en rad per punkt i avtalen, en kolonne per rolle, "
        f"og en kolonne for det som ikke nevner hvem som skal gjøre det ({SHARED.lower()}). "
        "Hver celle lenker til avsnittene; les dem i sammenheng."
    )
    used = {r for d in docs for p in d.pages for r in p.roles}
    used |= {r for d in docs for s in found[id(d)] for r in s.tag.roles}
    columns = [r for r in roles if r.id in used]
    parts = [_head(MATRIX_TITLE, [r for r in columns if r.view], intro)]
    for doc in docs:
        parts.append(f"## {escape(doc.title)}")
        for page in doc.pages:
            rows = _rows([s for s in found[id(doc)] if s.page is page])
            parts.append(f"### {escape(page.title)}")
            parts.append(_table(rows, columns))
    return "\n\n".join(parts) + "\n"


def _rows(page_statements: list[Statement]) -> list[tuple[str, list[Statement]]]:
    """(section title, its statements); statements before any subheading: INTRO_ROW."""
    rows: dict[str, list[Statement]] = {}
    for s in page_statements:
        label = s.heading.split(" › ")[-1] if s.heading else INTRO_ROW
        rows.setdefault(label, []).append(s)
    return list(rows.items())


def cells(statements_: list[Statement], columns: list[Role]) -> list[list[Statement]]:
    """Each column's statements (a statement with two roles is in both); last: no actor."""
    out: list[list[Statement]] = [[] for _ in range(len(columns) + 1)]
    ids = [c.id for c in columns]
    for s in statements_:
        found = [ids.index(r) for r in s.tag.roles if r in ids]
        for n in found or [len(columns)]:
            out[n].append(s)
    return out


def _table(rows: list[tuple[str, list[Statement]]], columns: list[Role]) -> str:
    head = ["Punkt", *(f"{escape(c.name)} ({escape(c.short)})" for c in columns), SHARED]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for label, members in rows:
        cols = cells(members, columns)
        roles = [c.id for c in columns] + [""]
        row = [escape(label), *(_cell(c, role) for c, role in zip(cols, roles, strict=True))]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _cell(members: list[Statement], role: str) -> str:
    """Links to the statements; an item whose lead is in the same cell is counted there."""
    inside = {id(s) for s in members}
    tops = [s for s in members if s.parent is None or id(s.parent) not in inside]
    entries = []
    for s in tops:
        folded = sum(1 for m in members if m is not s and _under(m, s))
        words = duty_text(s, role).split() if role else s.text.split()
        snippet = " ".join(words[:CELL_WORDS]) + (" …" if len(words) > CELL_WORDS else "")
        more = f" (+{folded} {'punkt' if folded == 1 else 'punkter'})" if folded else ""
        entries.append(link(escape(snippet), s.href(), MATRIX) + escape(more))
    if len(entries) > 1:
        entries = [f"• {e}" for e in entries]
    return " <br> ".join(entries) or "–"


def _under(s: Statement, top: Statement) -> bool:
    parent = s.parent
    while parent is not None:
        if parent is top:
            return True
        parent = parent.parent
    return False
