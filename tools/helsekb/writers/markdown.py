"""Markdown rendering of model blocks, with every piece of source text escaped.

Source text is untrusted: it may contain Markdown, HTML, attr_list braces or abbreviation
definitions. Every character that could start syntax is backslash-escaped (the site
enables ``pymdownx.escapeall``, so any escaped character renders as itself), and link
targets are percent-encoded.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from helsekb.model import Block, BlockType, ListItem, Span

_ALWAYS = re.compile(r"([\\`*_\[\]<>&{}|~^#$=])")
_LINE_START = re.compile(r"^(\s*)([-+:!>?]|\d+[.)])")


def escape(text: str) -> str:
    """Escape ``text`` so Python-Markdown (and CommonMark) render it literally."""
    text = _ALWAYS.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1]


def link_target(href: str) -> str:
    """Percent-encode characters that would end or break a Markdown link target."""
    return quote(href, safe="/:?#[]@!$&'*+,;=%~-._")


def inline(spans: list[Span]) -> str:
    parts = []
    for span in spans:
        text = escape(span.text)
        parts.append(f"[{text}]({link_target(span.href)})" if span.href and text else text)
    return "".join(parts).strip()


def block(b: Block, heading_base: int) -> str:
    """One block as Markdown; ``heading_base`` is the level of a level-1 subheading."""
    if b.type is BlockType.HEADING:
        return "#" * min(6, heading_base + b.level - 1) + " " + inline(b.spans)
    if b.type is BlockType.LIST:
        return "\n".join(_items(b.items, 0, b.ordered))
    if b.type is BlockType.NOTICE:
        return '!!! info ""\n\n' + indent(inline(b.spans))
    return inline(b.spans)


def _items(items: list[ListItem], depth: int, ordered: bool) -> list[str]:
    pad = "    " * depth
    out: list[str] = []
    for n, item in enumerate(items, start=1):
        marker = f"{n}." if ordered else "-"
        out.append(f"{pad}{marker} {inline(item.spans)}")
        out.extend(f"\n{pad}    {inline(more)}" for more in item.continuation)
        if item.continuation and item.children:
            out.append("")
        out.extend(_items(item.children, depth + 1, False))
    return out


def indent(text: str, width: int = 4) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))
