"""Overview pages across the knowledge base: bibliography (with BibTeX and RIS), glossary, topics.

All text from sources is escaped as on every other page; links are written relative to the
view's own path, so the site works from ``file://`` and under any sub-path.
"""

from __future__ import annotations

import html
import re

from helsekb.enrichers.crosslinks import runs
from helsekb.model import BibItem, GlossaryEntry, KnowledgeBase, Reference, Topic
from helsekb.slug import slugify
from helsekb.writers import frontmatter
from helsekb.writers.markdown import escape, link

BIBLIOGRAPHY = "bibliografi/index.md"
BIBTEX = "bibliografi/helsekb.bib"
RIS = "bibliografi/helsekb.ris"
GLOSSARY = "forkortelser/index.md"
TOPICS = "temaer/index.md"
SNIPPET_WORDS = 12


def render_views(kb: KnowledgeBase) -> dict[str, str]:
    """Every generated overview file, docs-relative path -> content."""
    return {
        BIBLIOGRAPHY: render_bibliography(kb),
        BIBTEX: render_bibtex(kb.bibliography),
        RIS: render_ris(kb.bibliography),
        GLOSSARY: render_glossary(kb),
        TOPICS: render_topics(kb),
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


def render_bibliography(kb: KnowledgeBase) -> str:
    intro = (
        f"Alle {len(kb.bibliography)} referanser i kunnskapsbasen, hver én gang, med lenker til "
        "sidene som siterer dem. Last ned som [BibTeX](helsekb.bib) eller [RIS](helsekb.ris)."
    )
    titles = _titles(kb)
    parts = [_head("Bibliografi", intro)]
    parts.extend(_bib_item(item, titles) for item in kb.bibliography)
    return "\n\n".join(parts) + "\n"


def _bib_item(item: BibItem, titles: dict[str, str]) -> str:
    entry = f"{escape(item.reference.raw)}\n{{: #{item.id} .kb-reference }}"
    citing = {place.split("#")[0] for place in item.cited_by}
    cited = [_page_link(place, titles) for place in item.cited_by]
    listed = [_page_link(p, titles) for p in item.listed_in if p.split("#")[0] not in citing]
    lines = [f"- Sitert i: {', '.join(cited)}"] if cited else []
    if listed:
        lines.append(
            f"- Ikke sitert i teksten, men står i referanselisten til: {', '.join(listed)}"
        )
    return entry + "\n\n" + "\n".join(lines)


def _page_link(place: str, titles: dict[str, str]) -> str:
    return link(escape(titles[place.split("#")[0]]), place, BIBLIOGRAPHY)


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
    parts.append("\n".join(_concept(t) for t in topics) or "Ingen.")
    return "\n\n".join(parts) + "\n"


def _glossary_item(entry: GlossaryEntry, titles: dict[str, str]) -> str:
    line = f"- {escape(entry.abbreviation)}: {escape(entry.expansion)}"
    if entry.source:
        line += f" (forkortelseslisten i {escape(entry.source)})"
    pages = [link(escape(titles[p]), p, GLOSSARY) for p in entry.pages]
    return line + (f" – brukt på {', '.join(pages)}" if pages else "")


def topic_id(topic: Topic) -> str:
    return f"tema-{slugify(topic.name)}"


def _concept(topic: Topic) -> str:
    href = f"{TOPICS}#{topic_id(topic)}"
    return f"- {link(escape(topic.name), href, GLOSSARY)} ({len(topic.places)} avsnitt)"


def render_topics(kb: KnowledgeBase) -> str:
    intro = "Sentrale begreper i kunnskapsbasen og avsnittene der de omtales, side for side."
    texts: dict[str, str] = {}
    for page in kb.pages():
        for run in runs(page):
            texts.setdefault(f"{page.path}#{run.anchor}", run.text)
    titles = _titles(kb)
    parts = [_head("Temaer", intro)]
    for topic in sorted(kb.topics, key=lambda t: t.name.casefold()):
        parts.append(f"## {escape(topic.name)} {{: #{topic_id(topic)} }}")
        parts.append(_topic_places(topic, texts, titles))
    return "\n\n".join(parts) + "\n"


def _topic_places(topic: Topic, texts: dict[str, str], titles: dict[str, str]) -> str:
    lines: list[str] = []
    current = ""
    for place in topic.places:
        page = place.split("#")[0]
        if page != current:
            current = page
            lines.append(f"- {escape(titles[page])}")
        lines.append(f"    - {link(escape(_snippet(texts[place])), place, TOPICS)}")
    return "\n".join(lines)


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
