"""Overview pages across the knowledge base: bibliography (with BibTeX and RIS), glossary, topics.

All text from sources is escaped as on every other page; links are written relative to the
view's own path, so the site works from ``file://`` and under any sub-path.
"""

from __future__ import annotations

import html
import re

from helsekb.enrichers.crosslinks import runs
from helsekb.model import BibItem, GlossaryEntry, KnowledgeBase, Reference, Topic
from helsekb.slug import slugify, unique
from helsekb.writers import frontmatter
from helsekb.writers.markdown import escape, link
from helsekb.writers.nav import title as html_title

BIBLIOGRAPHY = "bibliografi/index.md"
BIBTEX = "bibliografi/helsekb.bib"
RIS = "bibliografi/helsekb.ris"
GLOSSARY = "forkortelser/index.md"
TOPICS = "temaer/index.md"
TOPIC_FOLDER = "temaer"
SNIPPET_WORDS = 12
GLOSSARY_PAGES = 12
"""Pages listed per abbreviation in the glossary; the rest are counted."""


def render_views(kb: KnowledgeBase) -> dict[str, str]:
    """Every generated overview file, docs-relative path -> content."""
    return {
        **render_bibliography(kb),
        BIBTEX: render_bibtex(kb.bibliography),
        RIS: render_ris(kb.bibliography),
        GLOSSARY: render_glossary(kb),
        **render_topics(kb),
    }


VIEW_HEAD = "---\nkind: view\n"
"""How every generated overview page starts (its front matter's first key)."""


def view_pages(files: dict[str, str]) -> list[tuple[str, str]]:
    """(title, path) of the generated overview pages among ``files``, in their order."""
    out = []
    for path, text in files.items():
        if path.endswith(".md") and text.startswith(VIEW_HEAD):
            meta, _ = frontmatter.parse(text)
            out.append((html.unescape(str(meta["title"])), path))
    return out


def _head(title: str, intro: str) -> str:
    return f"{frontmatter.render({'kind': 'view', 'title': title})}\n# {title}\n\n{intro}"


def _titles(kb: KnowledgeBase) -> dict[str, str]:
    return {p.path: p.title for p in kb.pages()}


def render_bibliography(kb: KnowledgeBase) -> dict[str, str]:
    """The bibliography page; above ONE_PAGE_ITEMS items, an index and a page per letter."""
    downloads = "Last ned som [BibTeX](helsekb.bib) eller [RIS](helsekb.ris)."
    intro = (
        f"Alle {len(kb.bibliography)} referanser i kunnskapsbasen, hver én gang, med lenker til "
        f"sidene som siterer dem. {downloads}"
    )
    titles = _titles(kb)
    if len(kb.bibliography) <= ONE_PAGE_ITEMS:
        parts = [_head("Bibliografi", intro)]
        parts.extend(_bib_item(item, titles, BIBLIOGRAPHY) for item in kb.bibliography)
        return {BIBLIOGRAPHY: "\n\n".join(parts) + "\n"}
    groups: dict[str, list[BibItem]] = {}
    for item in kb.bibliography:  # in the bibliography's order (by first author)
        groups.setdefault(_letter(item), []).append(item)
    files, lines = {}, []
    for letter, items in groups.items():
        path = f"bibliografi/{_LETTER_SLUG.get(letter, letter.lower())}.md"
        lines.append(f"- {link(escape(letter), path, BIBLIOGRAPHY)} ({len(items)})")
        meta = frontmatter.render({"kind": "view", "title": html_title(f"Bibliografi: {letter}")})
        head = f"{meta}\n# Bibliografi: {escape(letter)}\n\n{downloads}"
        files[path] = "\n\n".join([head, *(_bib_item(i, titles, path) for i in items)]) + "\n"
    index = _head("Bibliografi", f"{intro} Referansene står etter første forfatter:")
    return {BIBLIOGRAPHY: index + "\n\n" + "\n".join(lines) + "\n", **files}


ONE_PAGE_ITEMS = 300
"""A larger bibliography gets a page per first letter (one page would grow without end)."""
_LETTER_SLUG = {"Æ": "ae", "Ø": "oe", "Å": "aa", "#": "andre"}


def _letter(item: BibItem) -> str:
    """The item's group: the first letter of its first author (or text), A–Å, else #."""
    ref = item.reference
    first = (ref.authors[0] if ref.authors else ref.raw).strip()[:1].upper()
    return first if (first.isascii() and first.isalpha()) or (first and first in "ÆØÅ") else "#"


def _bib_item(item: BibItem, titles: dict[str, str], base: str) -> str:
    entry = f"{escape(item.reference.raw)}\n{{: #{item.id} .kb-reference }}"
    citing = {place.split("#")[0] for place in item.cited_by}
    cited = [_page_link(place, titles, base) for place in item.cited_by]
    listed = [_page_link(p, titles, base) for p in item.listed_in if p.split("#")[0] not in citing]
    lines = [f"- Sitert i: {', '.join(cited)}"] if cited else []
    if listed:
        lines.append(
            f"- Ikke sitert i teksten, men står i referanselisten til: {', '.join(listed)}"
        )
    return entry + "\n\n" + "\n".join(lines)


def _page_link(place: str, titles: dict[str, str], base: str) -> str:
    return link(escape(titles[place.split("#")[0]]), place, base)


def render_glossary(kb: KnowledgeBase) -> str:
    intro = (
        "Forkortelsene i kunnskapsbasen, med forklaring. Der et dokument har en egen "
        "forkortelsesliste, gjelder den på dokumentets sider; ellers gjelder den felles listen."
    )
    titles = _titles(kb)
    parts = [_head("Forkortelser og begreper", intro), "## Forkortelser"]
    parts.append("\n".join(_glossary_item(e, titles) for e in kb.glossary) or "Ingen.")
    parts.append("## Begreper")
    topics = sorted(kb.topics, key=lambda t: t.name.casefold())
    paths = topic_paths(topics)
    parts.append("\n".join(_concept(t, paths[t.name], GLOSSARY) for t in topics) or "Ingen.")
    return "\n\n".join(parts) + "\n"


def _glossary_item(entry: GlossaryEntry, titles: dict[str, str]) -> str:
    line = f"- {escape(entry.abbreviation)}: {escape(entry.expansion)}"
    if entry.source:
        line += f" (forkortelseslisten i {escape(entry.source)})"
    pages = [link(escape(titles[p]), p, GLOSSARY) for p in entry.pages[:GLOSSARY_PAGES]]
    more = len(entry.pages) - len(pages)
    if more:  # the search finds them all; a list of thousands helps no one
        pages.append(f"og {more} {'side' if more == 1 else 'sider'} til")
    return line + (f" – brukt på {', '.join(pages)}" if pages else "")


def topic_paths(topics: list[Topic]) -> dict[str, str]:
    """Each topic's own page (one page for all would grow with the knowledge base)."""
    taken: set[str] = {"index"}
    return {t.name: f"{TOPIC_FOLDER}/{unique(slugify(t.name), taken)}.md" for t in topics}


def _concept(topic: Topic, path: str, base: str) -> str:
    pages = len({place.split("#")[0] for place in topic.places})
    count = f"{len(topic.places)} avsnitt på {pages} {'side' if pages == 1 else 'sider'}"
    return f"- {link(escape(topic.name), path, base)} ({count})"


def render_topics(kb: KnowledgeBase) -> dict[str, str]:
    """``temaer/index.md`` (the concepts) and a page per concept with its paragraphs."""
    intro = (
        "Sentrale begreper i kunnskapsbasen. Hvert begrep har en side med avsnittene der det "
        "omtales, side for side."
    )
    topics = sorted(kb.topics, key=lambda t: t.name.casefold())
    paths = topic_paths(topics)
    concepts = "\n".join(_concept(t, paths[t.name], TOPICS) for t in topics) or "Ingen."
    files = {TOPICS: f"{_head('Temaer', intro)}\n\n{concepts}\n"}
    texts: dict[str, str] = {}
    for page in kb.pages():
        for run in runs(page):
            texts.setdefault(f"{page.path}#{run.anchor}", run.text)
    titles = _titles(kb)
    for topic in topics:
        path = paths[topic.name]
        meta = frontmatter.render({"kind": "view", "title": html_title(topic.name)})
        every = link("Temaer", TOPICS, path)
        about = f"Avsnittene der begrepet omtales, side for side. Alle begreper: {every}."
        places = _topic_places(topic, texts, titles, path)
        files[path] = f"{meta}\n# {escape(topic.name)}\n\n{about}\n\n{places}\n"
    return files


def _topic_places(topic: Topic, texts: dict[str, str], titles: dict[str, str], base: str) -> str:
    """Each paragraph with a snippet, under its page; above TOPIC_SNIPPETS paragraphs, each
    page once with its count (a concept found everywhere would make a page of megabytes)."""
    by_page: dict[str, list[str]] = {}
    for place in topic.places:
        by_page.setdefault(place.split("#")[0], []).append(place)
    lines: list[str] = []
    for page, places in by_page.items():
        if len(topic.places) > TOPIC_SNIPPETS:
            count = f"{len(places)} avsnitt" if len(places) > 1 else "1 avsnitt"
            lines.append(f"- {link(escape(titles[page]), places[0], base)} ({count})")
            continue
        lines.append(f"- {escape(titles[page])}")
        lines += [f"    - {link(escape(_snippet(texts[p])), p, base)}" for p in places]
    return "\n".join(lines)


TOPIC_SNIPPETS = 200
"""Paragraphs a topic page shows with snippets; a topic found in more lists its pages."""


def _snippet(text: str) -> str:
    words = text.split()
    return " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}  # fmt: skip
_BIBTEX_TYPE = {"article": "article", "report": "techreport", "guideline": "misc"}
_CONTAINER_FIELD = {"article": "journal", "report": "institution", "guideline": "howpublished"}


def _tex(text: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(c, c) for c in " ".join(text.split()))


def _tex_author(author: str) -> str:
    """A person as "Surname, I."; an organisation braced so it is never split."""
    return _tex(author) if ", " in author else "{" + _tex(author) + "}"


def render_bibtex(items: list[BibItem]) -> str:
    """The bibliography as BibTeX (UTF-8; biblatex field names for URL and access date)."""
    return "".join(_bibtex_entry(item) for item in items)


def _bibtex_entry(item: BibItem) -> str:
    ref = item.reference
    fields = {
        "author": " and ".join(_tex_author(a) for a in ref.authors) or None,
        "title": "{" + _tex(ref.title) + "}" if ref.title else None,
        _CONTAINER_FIELD.get(ref.kind, "howpublished"): _tex(ref.container or "") or None,
        "year": ref.year,
        "volume": ref.volume,
        "number": ref.issue,
        "pages": ref.pages.replace("-", "--") if ref.pages else None,
        "doi": ref.doi,
        "url": _url(ref.url),
        "urldate": ref.accessed if ref.accessed and _iso(ref.accessed) else None,
        "note": None if ref.title else _tex(ref.raw),
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@{_BIBTEX_TYPE.get(ref.kind, 'misc')}{{{item.id.removeprefix('ref-')},\n{body}\n}}\n\n"


def _url(url: str | None) -> str | None:
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C") if url else None


def _iso(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


_RIS_TYPE = {"article": "JOUR", "report": "RPRT", "guideline": "GOVDOC"}


def render_ris(items: list[BibItem]) -> str:
    """The bibliography as RIS, one record per item."""
    return "".join(_ris_record(item.id, item.reference) for item in items)


def _ris_record(ref_id: str, ref: Reference) -> str:
    start, _, end = (ref.pages or "").partition("-")
    tags: list[tuple[str, str | None]] = [("TY", _RIS_TYPE.get(ref.kind, "GEN")), ("ID", ref_id)]
    tags += [("AU", a) for a in ref.authors]
    tags += [
        ("PY", ref.year), ("TI", ref.title),
        ("T2" if ref.kind == "article" else "PB", ref.container),
        ("VL", ref.volume), ("IS", ref.issue), ("SP", start or None), ("EP", end or None),
        ("DO", ref.doi), ("UR", ref.url), ("Y2", ref.accessed), ("N1", ref.raw),
    ]  # fmt: skip
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value]
    return "\n".join([*lines, "ER  - "]) + "\n\n"
