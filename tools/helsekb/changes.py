"""What changed between two conversions, from their ``kb.json`` contents (no I/O here).

Pages are matched by ``id``. A page has changed when its text as a list of lines differs:
title, chapter, status, the source's dates (not ``retrieved``, which changes with every
capture), one line per block and list item, and the reference list. The result renders as
the Markdown body of the *Endringer* page and as an Atom 1.0 feed, whole or per role.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from helsekb.readers.clean import MONTHS
from helsekb.writers.markdown import escape, link_target

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_TITLE = "Helsekb – endringer"
META_LINES = (
    ("Kapittel", "chapter"),
    ("Status", "status"),
    ("Siste faglige endring", "last_reviewed"),
    ("Høringsfrist", "hearing_deadline"),
    ("Først publisert", "first_published"),
)
"""Page fields compared as ``Label: value`` lines before the page's text."""
DATE_KEYS = frozenset({"last_reviewed", "hearing_deadline", "first_published"})
_MONTH_NAMES = {number: name for name, number in MONTHS.items()}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Kind(StrEnum):
    ADDED = "ny"
    REMOVED = "fjernet"
    CHANGED = "endret"


@dataclass(frozen=True, slots=True)
class PageChange:
    kind: Kind
    id: str
    title: str
    path: str
    roles: tuple[str, ...]
    last_reviewed: str | None
    """The source's own date of its last professional revision (ISO), if it gives one."""
    digest: str
    """Hash of the page text this change leads to (the old text for a removed page)."""
    diff: str = ""
    """Unified diff of the page's text lines (changed pages only)."""


@dataclass(frozen=True, slots=True)
class Changes:
    added: tuple[PageChange, ...] = ()
    removed: tuple[PageChange, ...] = ()
    changed: tuple[PageChange, ...] = ()

    def all(self) -> tuple[PageChange, ...]:
        return self.added + self.removed + self.changed

    def for_role(self, role: str | None) -> Changes:
        """Only the changes to pages for ``role`` (all of them for None)."""
        if role is None:
            return self
        return Changes(*(_with_role(g, role) for g in (self.added, self.removed, self.changed)))


def _with_role(pages: tuple[PageChange, ...], role: str) -> tuple[PageChange, ...]:
    return tuple(p for p in pages if role in p.roles)


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> Changes:
    """The changes from ``old`` to ``new`` (an empty ``old``: every page is new)."""
    before, after = _pages(old), _pages(new)
    added = tuple(_change(Kind.ADDED, p) for i, p in after.items() if i not in before)
    removed = tuple(_change(Kind.REMOVED, p) for i, p in before.items() if i not in after)
    changed = []
    for page_id, page in after.items():
        if page_id in before and page_lines(before[page_id]) != page_lines(page):
            changed.append(_change(Kind.CHANGED, page, page_diff(before[page_id], page)))
    return Changes(added, removed, tuple(changed))


def _pages(kb: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for d in kb.get("documents", []) for p in d.get("pages", [])}


def _change(kind: Kind, page: Mapping[str, Any], diff: str = "") -> PageChange:
    text = "\n".join(page_lines(page))
    return PageChange(
        kind=kind,
        id=page["id"],
        title=page.get("title") or page["id"],
        path=page.get("path", ""),
        roles=tuple(page.get("roles") or ()),
        last_reviewed=page.get("last_reviewed"),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        diff=diff,
    )


def page_lines(page: Mapping[str, Any]) -> list[str]:
    """The page as readable lines: metadata, section titles, one line per block or item."""
    lines = [f"Tittel: {page.get('title') or ''}"]
    lines += [f"{label}: {_meta(page, key)}" for label, key in META_LINES if page.get(key)]
    for section in page.get("sections", []):
        if section.get("title"):
            lines.append(f"## {section['title']}")
        for block in section.get("blocks", []):
            lines.extend(_block_lines(block))
    if page.get("references"):
        lines.append("## Referanser")
        lines += [ref.get("raw", "") for ref in page["references"]]
    return [part for line in lines for part in line.splitlines() or [""]]


def _meta(page: Mapping[str, Any], key: str) -> str:
    value = str(page[key])
    return nb_date(value) if key in DATE_KEYS else value


def _block_lines(block: Mapping[str, Any]) -> list[str]:
    if block.get("type") == "list":
        return _item_lines(block.get("items", []), bool(block.get("ordered")), 0)
    if block.get("type") == "heading":
        return ["#" * min(6, 2 + int(block.get("level") or 1)) + " " + block.get("text", "")]
    return [block.get("text", "")]


def _item_lines(items: Iterable[Mapping[str, Any]], ordered: bool, depth: int) -> list[str]:
    lines = []
    for n, item in enumerate(items, 1):
        marker = f"{n}." if ordered else "-"
        lines.append(f"{'  ' * depth}{marker} {item.get('text', '')}")
        lines += _item_lines(item.get("items", []), False, depth + 1)
    return lines


def page_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    path = new.get("path") or new.get("id", "")
    diff = difflib.unified_diff(
        page_lines(old), page_lines(new), f"forrige/{path}", f"ny/{path}", lineterm=""
    )
    return "\n".join(diff)


# The Endringer page --------------------------------------------------------------------


def render_markdown(changes: Changes, link_prefix: str = "") -> str:
    """The *Endringer* page body; ``link_prefix`` leads from that page to the docs root."""
    return f"# Endringer\n\n{render_section(changes, link_prefix)}"


def render_section(changes: Changes, link_prefix: str = "", level: int = 2) -> str:
    """One set of changes, grouped (new, removed, changed) under headings of ``level``."""
    if not changes.all():
        return "Ingen endringer siden forrige konvertering.\n"
    groups = (
        ("Nye sider", changes.added),
        ("Fjernede sider", changes.removed),
        ("Endrede sider", changes.changed),
    )
    out: list[str] = []
    for heading, pages in groups:
        if not pages:
            continue
        out += [f"{'#' * level} {heading} ({len(pages)})", ""]
        if heading == "Endrede sider":
            out += [ln for page in pages for ln in _changed_page(page, link_prefix, level + 1)]
        else:
            out += [*(_listed(page, link_prefix) for page in pages), ""]
    return "\n".join(out)


def _listed(page: PageChange, link_prefix: str) -> str:
    reviewed = reviewed_text(page)
    return f"- {_link(page, link_prefix)}" + (f" – {escape(reviewed)}" if reviewed else "")


def _changed_page(page: PageChange, link_prefix: str, level: int = 3) -> list[str]:
    fence = fence_for(page.diff)
    out = [f"{'#' * level} {_link(page, link_prefix)}", ""]
    if page.last_reviewed:
        out += [escape(reviewed_text(page)), ""]
    return [*out, f"{fence}diff", page.diff, fence, ""]


def _link(page: PageChange, prefix: str) -> str:
    if page.kind is Kind.REMOVED or not page.path:
        return escape(page.title)
    return f"[{escape(page.title)}]({link_target(prefix + page.path)})"


def reviewed_text(page: PageChange) -> str:
    """``Siste faglige endring: 16. februar 2024`` from the source's date, or ""."""
    return f"Siste faglige endring: {nb_date(page.last_reviewed)}" if page.last_reviewed else ""


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text``, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def nb_date(iso: str) -> str:
    """``2024-02-16`` as ``16. februar 2024``; any other text unchanged."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day}. {_MONTH_NAMES[d.month]} {d.year}"


# The Atom feed -------------------------------------------------------------------------


def render_atom(
    changes: Changes, now: datetime, role: str | None = None, site_url: str = ""
) -> str:
    """An Atom 1.0 feed of ``changes`` (only pages for ``role`` when given), stamped ``now``.

    Entry ids are ``urn:helsekb:<kind>:<page id>:<text hash>``: the same change gives the
    same id in every build. Page links are given only with ``site_url``.
    """
    return render_atom_log([(now, changes)], role, site_url)


def render_atom_log(
    dated: list[tuple[datetime, Changes]], role: str | None = None, site_url: str = ""
) -> str:
    """An Atom 1.0 feed of several dated change sets (newest first), each entry stamped
    with its own date; the feed is as new as its newest entry."""
    stamps = [_stamp(when) for when, _ in dated]
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    suffix = f":rolle:{quote(role, safe='')}" if role else ""
    _sub(feed, "id", f"urn:helsekb:endringer{suffix}")
    _sub(feed, "title", FEED_TITLE + (f" ({role})" if role else ""))
    _sub(feed, "updated", max(stamps, default="1970-01-01T00:00:00Z"))
    ET.SubElement(_sub(feed, "author"), "name").text = "helsekb"
    if site_url:
        ET.SubElement(feed, "link", {"rel": "alternate", "href": site_url})
    for stamp, (_, found) in zip(stamps, dated, strict=True):
        for page in found.for_role(role).all():
            _entry(feed, page, stamp, site_url)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def _entry(feed: ET.Element, page: PageChange, stamp: str, site_url: str) -> None:
    entry = ET.SubElement(feed, "entry")
    _sub(entry, "id", f"urn:helsekb:{page.kind}:{quote(page.id, safe='/')}:{page.digest}")
    label = {Kind.ADDED: "Ny side", Kind.REMOVED: "Fjernet", Kind.CHANGED: "Endret"}[page.kind]
    _sub(entry, "title", f"{label}: {page.title}")
    _sub(entry, "updated", stamp)
    if site_url and page.kind is not Kind.REMOVED and page.path:
        href = site_url.rstrip("/") + "/" + link_target(page.path.removesuffix(".md") + ".html")
        ET.SubElement(entry, "link", {"rel": "alternate", "href": href})
    for role in page.roles:
        ET.SubElement(entry, "category", {"term": role})
    text = "\n".join(filter(None, [reviewed_text(page), page.diff])) or f"{label}: {page.title}"
    _sub(entry, "content", text, {"type": "text"})


def _sub(
    parent: ET.Element, tag: str, text: str = "", attrs: dict[str, str] | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs or {})
    if text:
        element.text = _NOT_XML.sub("", text)
    return element


def _stamp(now: datetime) -> str:
    aware = now if now.tzinfo else now.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
