"""Markdown rendering of model blocks, with every piece of source text escaped.

Source text is untrusted: it may contain Markdown, HTML, attr_list braces or abbreviation
definitions. Every character that could start syntax is backslash-escaped (the site
enables ``pymdownx.escapeall``, so any escaped character renders as itself), and link
targets are percent-encoded. Internal targets are docs-relative in the model and written
relative to the page being written; external ones are marked ``.kb-external``.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import quote

from helsekb.model import Block, BlockType, ListItem, Span

_ALWAYS = re.compile(r"([\\`*_\[\]<>&{}|~^#$=])")
_LINE_START = re.compile(r"^(\s*)([-+:!>?]|\d+[.)])")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
EXTERNAL = "{: .kb-external }"


def escape(text: str) -> str:
    """Escape ``text`` so Python-Markdown (and CommonMark) render it literally."""
    text = _ALWAYS.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1]


def link_target(href: str) -> str:
    """Percent-encode characters that would end or break a Markdown link target."""
    return quote(href, safe="/:?#[]@!$&'*+,;=%~-._")


def relative(href: str, base: str) -> str:
    """A docs-relative target as seen from the page at docs-relative path ``base``."""
    if not base or _SCHEME.match(href) or href.startswith("#"):
        return href
    path, hash_, fragment = href.partition("#")
    return _relpath(path, posixpath.dirname(base) or ".") + hash_ + fragment


@lru_cache(maxsize=65536)
def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` (slow: it makes both paths absolute), remembered."""
    return posixpath.relpath(path, start)


def link(text: str, href: str, base: str = "") -> str:
    """``[text](target)``, marked external when the target is another site."""
    mark = EXTERNAL if _SCHEME.match(href) else ""
    return f"[{text}]({link_target(relative(href, base))}){mark}"


def inline(spans: list[Span], base: str = "") -> str:
    parts = []
    for span in spans:
        text = escape(span.text)
        parts.append(link(text, span.href, base) if span.href and text else text)
    return "".join(parts).strip()


def anchored(text: str, anchor: str, roles: list[str] | None = None) -> str:
    """``text`` with an attribute line giving it the id ``anchor`` and its ``data-roles``.

    attr_list puts the attributes on the paragraph, or on the ``<li>`` of a one-paragraph
    list item; role ids come from data/roles.yml (``[a-z0-9-]``), never from a source.
    """
    if not (anchor and text):
        return text
    marker = f' data-roles="{" ".join(roles)}"' if roles else ""
    return f"{text}\n{{: #{anchor}{marker} }}"


def block(b: Block, heading_base: int, base: str = "") -> str:
    """One block as Markdown; ``heading_base`` is the level of a level-1 subheading.

    ``base`` is the docs-relative path of the page being written (for relative links).
    """
    if b.type is BlockType.HEADING:
        return "#" * min(6, heading_base + b.level - 1) + " " + inline(b.spans, base)
    if b.type is BlockType.LIST:
        return "\n".join(_items(b.items, 0, b.ordered, base))
    if b.type is BlockType.NOTICE:
        return '!!! info ""\n\n' + indent(anchored(inline(b.spans, base), b.anchor, b.roles))
    return anchored(inline(b.spans, base), b.anchor, b.roles)


def _items(items: list[ListItem], depth: int, ordered: bool, base: str) -> list[str]:
    pad = "    " * depth
    out: list[str] = []
    for n, item in enumerate(items, start=1):
        marker = f"{n}." if ordered else "-"
        if n > 1 and items[n - 2].continuation:
            out.append("")  # else Python-Markdown nests this item in the one before's list
        first = anchored(inline(item.spans, base), item.anchor, item.roles)
        out.append(f"{pad}{marker} " + first.replace("\n", f"\n{pad}    "))
        out.extend(f"\n{pad}    {inline(more, base)}" for more in item.continuation)
        if item.continuation and item.children:
            out.append("")
        out.extend(_items(item.children, depth + 1, False, base))
    return out


def indent(text: str, width: int = 4) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))
