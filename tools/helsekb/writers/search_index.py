"""The search index, written at convert time into ``docs/sok/`` as script files.

Script files (not JSON) so the site's search works from ``file://``, where a page may not
fetch. ``indeks.js`` holds what ranking and the result list need (titles, metadata,
postings); entry texts, for snippets and phrase checks, are in ``tekst-N.js`` shards the
browser loads only for the results it shows. The output is deterministic.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from helsekb.model import KnowledgeBase
from helsekb.search import postings
from helsekb.search.entries import Entry, all_page_entries, document_entry
from helsekb.search.synonyms import synonyms
from helsekb.writers import frontmatter

INDEX = "sok/indeks.js"
SHARD = "sok/tekst-{}.js"
SHARD_BYTES = 256 * 1024
SCHEMA = 1
ROLES = (
    ("fastlege", "Fastlege"),
    ("kommune", "Kommune"),
    ("spesialisthelsetjenesten", "Spesialisthelsetjenesten"),
)
KINDS = ("lead", "recommendation", "praktisk", "begrunnelse", "nokkelinfo", "referanser")
KINDS += ("supplementary", "section", "document", "chapter", "view")


@dataclass(slots=True)
class Target:
    """A page of the site that results link to."""

    url: str
    title: str
    document: int
    chapter: str = ""
    status: str = ""


def _html(path: str) -> str:
    return path.removesuffix(".md") + ".html"


def _role_mask(roles: set[str]) -> int:
    return sum(1 << n for n, (role, _) in enumerate(ROLES) if role in roles)


def collect(
    kb: KnowledgeBase, files: dict[str, str]
) -> tuple[list[Target], list[tuple[int, Entry, str]]]:
    """Targets and (target, entry, context) for every document, chapter, page and view."""
    targets: list[Target] = []
    found: list[tuple[int, Entry, str]] = []
    for d, doc in enumerate(kb.documents):
        targets.append(Target(_html(f"{doc.slug}/index.md"), doc.title, d, status=doc.status))
        found.append((len(targets) - 1, document_entry(doc), ""))
        chapters: set[str] = set()
        for page in doc.pages:
            if page.chapter and page.chapter not in chapters:
                chapters.add(page.chapter)
                url = _html(f"{doc.slug}/{page.chapter_slug}/index.md")
                targets.append(Target(url, page.chapter, d, status=doc.status))
                found.append((len(targets) - 1, Entry(page.chapter, "", "chapter"), doc.title))
            targets.append(Target(_html(page.path), page.title, d, page.chapter, page.status))
            context = " ".join([doc.title, page.chapter, page.title])
            for entry in all_page_entries(page, files[page.path]):
                found.append((len(targets) - 1, entry, context))
    for title, path in _views(files):
        targets.append(Target(_html(path), title, -1))
        found.append((len(targets) - 1, Entry(title, "", "view"), ""))
    return targets, found


def _views(files: dict[str, str]) -> list[tuple[str, str]]:
    """(title, path) of the generated overview pages (front matter ``kind: view``)."""
    out = []
    for path, text in files.items():
        if path.endswith(".md") and "\nkind: view\n" in text[:200]:
            meta, _ = frontmatter.parse(text)
            out.append((html.unescape(str(meta.get("title", ""))), path))
    return out


def render_index(kb: KnowledgeBase, files: dict[str, str]) -> dict[str, str]:
    """``sok/indeks.js`` and its text shards, docs-relative path -> content."""
    targets, found = collect(kb, files)
    entries = [entry for _, entry, _ in found]
    built = postings.build(entries, [context for _, _, context in found])
    starts, shards = _shards(entries)
    data: dict[str, Any] = {
        "v": SCHEMA,
        "roles": [list(r) for r in ROLES],
        "kinds": list(KINDS),
        "docs": [[d.title, d.type] for d in kb.documents],
        "targets": [[t.url, t.title, t.document, t.chapter, t.status] for t in targets],
        "entries": [_entry_row(t, e, targets) for t, e, _ in found],
        "keys": " ".join(built.keys),
        "postings": " ".join(built.lists),
        "words": " ".join(built.words),
        "wordKeys": "".join(postings.varint(k) for k in built.word_keys),
        "synonyms": synonyms(kb),
        "shards": starts,
    }
    out = {INDEX: _script("window.__helsekbSok = ", data)}
    for n, texts in enumerate(shards):
        out[SHARD.format(n)] = _script(
            f"(window.__helsekbSokTekst = window.__helsekbSokTekst || [])[{n}] = ", texts
        )
    return out


def _entry_row(target: int, entry: Entry, targets: list[Target]) -> list[Any]:
    """[target, title ("" = the target's), anchor, kind, role mask, section label]."""
    title = "" if entry.title == targets[target].title else entry.title
    section = "" if entry.section == entry.title else entry.section
    kind = KINDS.index(entry.kind)
    return [target, title, entry.anchor, kind, _role_mask(entry.roles), section]


def _shards(entries: list[Entry]) -> tuple[list[int], list[list[str]]]:
    """Entry texts in consecutive shards of about SHARD_BYTES; the first entry of each."""
    starts: list[int] = []
    shards: list[list[str]] = []
    size = SHARD_BYTES
    for n, entry in enumerate(entries):
        text = "\n".join(entry.text)
        if size >= SHARD_BYTES:
            starts.append(n)
            shards.append([])
            size = 0
        shards[-1].append(text)
        size += len(text.encode("utf-8"))
    return starts, shards


def _script(prefix: str, data: Any) -> str:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{prefix}{body};\n"
