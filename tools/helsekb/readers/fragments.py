"""HTML fragments to model blocks: parsing with source lines, sanitising, and the walk
from headings, paragraphs and nested lists to Blocks (shared by the HTML and API readers)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.builder import LXMLTreeBuilder, ParserRejectedMarkup
from bs4.element import PreformattedString
from lxml import etree

from helsekb.model import (
    Block,
    BlockType,
    ListItem,
    Provenance,
    Span,
)
from helsekb.readers.base import MAX_LIST_DEPTH, ReaderError
from helsekb.readers.clean import clean_inline, safe_href

DROP = (
    "script", "style", "iframe", "frame", "frameset", "object", "applet", "svg", "math",
    "template", "noscript", "noembed", "noframes", "form", "button", "input", "select",
    "textarea", "option", "datalist", "output", "label", "canvas", "audio", "video", "img",
    "picture", "map",
)  # fmt: skip
"""Elements that never contribute text (removed with everything inside them)."""
VOID = ("embed", "source", "track", "keygen", "bgsound")
"""Void elements that libxml2 does not know as void: it nests the following content in
them, so they are unwrapped (that content kept), never removed."""
INLINE = frozenset((
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "tt", "u", "var", "wbr",
))  # fmt: skip
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LISTS = ("ul", "ol")
_WHITESPACE = re.compile(r"\s+")


class _LineTreeBuilder(LXMLTreeBuilder):
    """lxml's HTML builder fed line by line, so that every tag gets its ``sourceline``.

    bs4 records source lines only for html.parser; lxml reports a start tag as soon as
    the line holding its ``>`` has been fed.
    """

    def feed(self, markup: str | bytes) -> None:
        text = markup if isinstance(markup, str) else markup.decode("utf-8")
        self.line = 0
        if not text.strip():
            return  # an empty tree; lxml would call an empty document an error
        self.parser = self.parser_for(None)
        try:
            for self.line, chunk in enumerate(io.StringIO(text), 1):
                self.parser.feed(chunk)
            self.parser.close()
        except (etree.LxmlError, LookupError, ValueError) as exc:
            raise ParserRejectedMarkup(exc) from None

    def start(self, tag: str | bytes, attrib: dict, nsmap: dict | None = None) -> None:
        super().start(tag, attrib, nsmap or {})
        if self.soup is not None and self.soup.currentTag is not None:
            self.soup.currentTag.sourceline = self.line


def parse(text: str, file: str) -> BeautifulSoup:
    """The document tree as the source gives it (only NUL characters removed)."""
    try:
        return BeautifulSoup(text.replace("\x00", ""), builder=_LineTreeBuilder())
    except ParserRejectedMarkup:
        raise ReaderError(file, "not parseable as HTML") from None


def sanitise(soup: BeautifulSoup) -> None:
    """Remove every element listed in DROP (content included) and unwrap VOID ones."""
    for tag in soup.find_all(VOID):
        tag.unwrap()
    for tag in soup.find_all(DROP):
        tag.decompose()


def parse_html(text: str, file: str) -> BeautifulSoup:
    """Parse and sanitise an HTML document or fragment."""
    soup = parse(text, file)
    sanitise(soup)
    return soup


@dataclass(slots=True, frozen=True)
class FragmentContext:
    """Where a fragment's text comes from and what its relative links are relative to."""

    file: str
    base_url: str = ""
    path: str | None = None

    def at(self, line: int | None) -> Provenance:
        return Provenance(self.file, line=line, path=self.path)

    def link(self, href: object) -> str | None:
        """A safe, absolute (when there is a base URL) link target, or None."""
        target = safe_href(href if isinstance(href, str) else None)
        if target is None or not self.base_url:
            return target
        try:
            return urljoin(self.base_url, target)
        except ValueError:
            return None


def walk(root: PageElement) -> Iterator[tuple[bool, PageElement]]:
    """Depth-first ``(entering, node)`` events; tags are also reported on the way out."""
    stack: list[tuple[bool, PageElement]] = [(True, root)]
    while stack:
        entering, node = stack.pop()
        yield entering, node
        if entering and isinstance(node, Tag):
            stack.append((False, node))
            stack.extend((True, child) for child in reversed(node.contents))


def is_text(node: PageElement) -> bool:
    """A text node (not a comment, doctype, CDATA or processing instruction)."""
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def plain_text(root: PageElement) -> str:
    """The text of ``root``, one line per block element, each line cleaned."""
    parts: list[str] = []
    for _, node in walk(root):
        if isinstance(node, Tag) and (node.name not in INLINE or node.name == "br"):
            parts.append("\n")
        elif is_text(node):
            parts.append(_WHITESPACE.sub(" ", str(node)))
    lines = (clean_inline(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def text_of(root: PageElement) -> str:
    """The text of ``root`` on one line."""
    return " ".join(plain_text(root).split("\n"))


def pieces(node: PageElement, ctx: FragmentContext) -> Iterator[tuple[str, str | None]]:
    """The raw text of ``node`` as (text, href) runs."""
    links: list[str | None] = [None]
    for entering, el in walk(node):
        if isinstance(el, Tag) and el.name == "a":
            links.append(ctx.link(el.get("href"))) if entering else links.pop()
        elif isinstance(el, Tag) and el.name == "br" and entering:
            yield " ", None
        elif is_text(el):
            yield str(el), links[-1]


def spans_of(pieces: Iterable[tuple[str, str | None]]) -> list[Span]:
    """Cleaned spans: whitespace folded across element boundaries, equal links merged."""
    spans: list[Span] = []
    space = False
    for raw, href in pieces:
        text = clean_inline(raw)
        space = space or raw[:1].isspace()
        if text:
            if space and spans:
                _append(spans, " ", None)
            _append(spans, text, href)
            space = raw[-1:].isspace()
    return spans


def _append(spans: list[Span], text: str, href: str | None) -> None:
    if spans and spans[-1].href == href:
        spans[-1].text += text
    else:
        spans.append(Span(text, href))


def _line(node: PageElement) -> int | None:
    tag = node if isinstance(node, Tag) else node.parent
    return tag.sourceline if tag is not None else None


def _flush(run: list[PageElement], ctx: FragmentContext) -> Iterator[Block]:
    """Inline content met at block level becomes one paragraph."""
    if not run:
        return
    spans = spans_of(piece for node in run for piece in pieces(node, ctx))
    line = _line(run[0])
    run.clear()
    if spans:
        yield Block(BlockType.PARAGRAPH, spans, provenance=ctx.at(line))


def _leaf(node: Tag, ctx: FragmentContext) -> Iterator[Block]:
    spans = spans_of(pieces(node, ctx))
    if not spans:
        return
    if node.name == "p":
        yield Block(BlockType.PARAGRAPH, spans, provenance=ctx.at(node.sourceline))
    else:
        level = int(node.name[1])
        yield Block(BlockType.HEADING, spans, level=level, provenance=ctx.at(node.sourceline))


def _segments(root: Tag, ctx: FragmentContext, items: bool = False) -> Iterator[Block | Tag]:
    """Paragraph and heading blocks of ``root`` in order; lists (and, when ``items``, list
    items) are yielded as elements for the list builder."""
    run: list[PageElement] = []
    stack = [iter(root.contents)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            yield from _flush(run, ctx)
        elif not isinstance(node, Tag) or node.name in INLINE:
            run.append(node)
        else:
            yield from _flush(run, ctx)
            if node.name == "p" or node.name in HEADINGS:
                yield from _leaf(node, ctx)
            elif node.name in LISTS or (items and node.name == "li"):
                yield node
            else:
                stack.append(iter(node.contents))


def _list_item(li: Tag, ctx: FragmentContext) -> tuple[ListItem, list[Tag]]:
    """One item (its paragraphs) and the nested lists it holds."""
    paragraphs: list[list[Span]] = []
    sublists: list[Tag] = []
    for seg in _segments(li, ctx):
        if isinstance(seg, Block):
            paragraphs.append(seg.spans)
        else:
            sublists.append(seg)
    first = paragraphs[0] if paragraphs else []
    item = ListItem(first, continuation=paragraphs[1:], provenance=ctx.at(li.sourceline))
    return item, sublists


def _list_block(node: Tag, ctx: FragmentContext) -> Block:
    """A ``ul``/``ol`` as a LIST block with nested items; built with an explicit stack."""
    block = Block(BlockType.LIST, ordered=node.name == "ol", provenance=ctx.at(node.sourceline))
    stack: list[tuple[Block | Tag, list[ListItem], int]] = [(node, block.items, 1)]
    while stack:
        el, target, depth = stack.pop()
        if isinstance(el, Block):
            target.append(ListItem(el.spans, provenance=el.provenance))
        elif el.name in LISTS:
            stack.extend((seg, target, depth) for seg in reversed(list(_segments(el, ctx, True))))
        else:
            item, sublists = _list_item(el, ctx)
            if item.spans:
                target.append(item)
            nest = bool(item.spans) and depth < MAX_LIST_DEPTH
            children, below = (item.children, depth + 1) if nest else (target, depth)
            stack.extend((sub, children, below) for sub in reversed(sublists))
    return block


def _children(node: Tag) -> list[PageElement]:
    """Child elements and non-blank text (no whitespace, comments or the like)."""
    return [c for c in node.contents if isinstance(c, Tag) or (is_text(c) and c.strip())]


def _heading_list(node: Tag) -> list[Tag]:
    """The headings of a list whose every item is only a heading (a styled heading run)."""
    headings = []
    for li in _children(node):
        inner = _children(li) if isinstance(li, Tag) and li.name == "li" else []
        if len(inner) != 1 or not isinstance(inner[0], Tag) or inner[0].name not in HEADINGS:
            return []
        headings.append(inner[0])
    return headings


def fragment_blocks(root: Tag, ctx: FragmentContext) -> list[Block]:
    """The blocks of an HTML element; heading levels relative to the shallowest (1)."""
    blocks: list[Block] = []
    for seg in _segments(root, ctx):
        if isinstance(seg, Block):
            blocks.append(seg)
        elif headings := _heading_list(seg):
            blocks.extend(b for h in headings for b in _leaf(h, ctx))
        elif (block := _list_block(seg, ctx)).items:
            blocks.append(block)
    headings = [b for b in blocks if b.type is BlockType.HEADING]
    top = min((b.level for b in headings), default=1)
    for block in headings:
        block.level -= top - 1
    return blocks


def iter_items(items: list[ListItem]) -> Iterator[ListItem]:
    """Every list item, nested ones included, in document order."""
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.children))


def iter_spans(blocks: list[Block]) -> Iterator[Span]:
    """Every span of the blocks, list items (and their continuations) included."""
    for block in blocks:
        yield from block.spans
        for item in iter_items(block.items):
            yield from item.spans
            yield from (span for para in item.continuation for span in para)
