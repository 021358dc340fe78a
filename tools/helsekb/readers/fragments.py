"""HTML fragments to model blocks: parsing with source lines, sanitising, and the walk
from headings, paragraphs and nested lists to Blocks (shared by the HTML and API readers).

The tree is lxml's (``lxml.html.HtmlElement``). A text node is a plain ``str``: an element's
``text`` (before its first child) or a child's ``tail`` (after it), in document order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

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
_NOT_XML = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
"""Characters an lxml tree cannot hold, dropped from text and attribute values (text
cleaning would drop them anyway); form feed, which HTML reads as a space, becomes one."""
_ELEMENTS = lxml_html.HTMLParser()
"""Only its element classes are used: the tree builder makes ``HtmlElement``s."""

Node = HtmlElement | str
"""An element or a text node."""


class _LineTreeBuilder:
    """A parser target that builds lxml's tree and gives every element its ``sourceline``.

    The HTML is fed line by line: libxml2 reports a start tag as soon as the line holding
    its ``>`` has been fed. As a target (no tree of libxml2's own) the parser has no depth
    limit, so 10,000 nested elements lose nothing; comments, processing instructions and
    the doctype are dropped. Broken markup loses no text: elements left open are closed at
    the end, the root stays open for text after ``</html>`` (libxml2 opens a new one), and a
    name lxml refuses becomes a ``div``.
    """

    def __init__(self) -> None:
        self.builder = etree.TreeBuilder(parser=_ELEMENTS)
        self.line = 0
        self.open: list[str] = []
        self.empty = True

    def start(self, tag: str, attrib: dict[str, str], nsmap: object = None) -> None:
        try:
            element = self.builder.start(tag, attrib)
        except ValueError:  # a name lxml refuses (broken markup): a neutral block element
            element = self.builder.start(_valid(tag), _valid_attributes(attrib))
        element.sourceline = self.line
        self.open.append(element.tag)
        self.empty = False

    def end(self, tag: str) -> None:
        if len(self.open) > 1:  # the root stays open: libxml2 reopens it for text after it
            self.builder.end(self.open.pop())

    def data(self, text: str) -> None:
        self.builder.data(_xml_text(text))

    def close(self) -> HtmlElement:
        """The root; elements libxml2 left open (broken markup) are closed here."""
        if self.empty:  # only comments, a doctype or the like
            return lxml_html.Element("html")
        while self.open:
            self.builder.end(self.open.pop())
        return self.builder.close()


def _accepted(tag: str, attrib: dict[str, str] | None = None) -> bool:
    """Whether lxml accepts the element name (and attributes)."""
    try:
        _ELEMENTS.makeelement(tag, attrib)
    except ValueError:
        return False
    return True


def _valid(tag: str) -> str:
    return tag if _accepted(tag) else "div"


def _valid_attributes(attrib: dict[str, str]) -> dict[str, str]:
    valid = {name: _xml_text(value) for name, value in attrib.items()}
    return {name: value for name, value in valid.items() if _accepted("div", {name: value})}


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text).replace("\f", " ")


def parse(text: str, file: str) -> HtmlElement:
    """The document tree as the source gives it (only NUL characters removed)."""
    text = text.replace("\x00", "")
    if not text.strip():
        return lxml_html.Element("html")  # lxml calls an empty document an error
    target = _LineTreeBuilder()
    parser = etree.HTMLParser(target=target)
    try:
        for target.line, chunk in enumerate(io.StringIO(text), 1):
            parser.feed(chunk)
        return parser.close()
    except (etree.LxmlError, LookupError, ValueError):
        raise ReaderError(file, "not parseable as HTML") from None


def sanitise(root: HtmlElement) -> None:
    """Remove every element listed in DROP (content included) and unwrap VOID ones."""
    for element in list(root.iter(*VOID)):
        element.drop_tag()
    for element in list(root.iter(*DROP)):
        element.drop_tree()


def parse_html(text: str, file: str) -> HtmlElement:
    """Parse and sanitise an HTML document or fragment."""
    root = parse(text, file)
    sanitise(root)
    return root


def detach(element: HtmlElement) -> HtmlElement:
    """``element`` taken out of its tree; the text after it stays where it was."""
    if element.getparent() is not None:
        element.drop_tree()
    element.tail = None
    return element


def contents(element: HtmlElement) -> list[Node]:
    """The child elements and text nodes of ``element``, in document order."""
    found: list[Node] = [element.text] if element.text else []
    for child in element:
        found.append(child)
        if child.tail:
            found.append(child.tail)
    return found


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


def walk(root: HtmlElement) -> Iterator[tuple[bool, Node]]:
    """Depth-first ``(entering, node)`` events; elements are also reported on the way out.

    Text nodes are reported entering only; the text after ``root`` is not part of it.
    """
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            yield True, element
            if element.text:
                yield True, element.text
        else:
            yield False, element
            if element.tail and element is not root:
                yield True, element.tail


def plain_text(root: HtmlElement) -> str:
    """The text of ``root``, one line per block element, each line cleaned."""
    parts: list[str] = []
    for _, node in walk(root):
        if isinstance(node, str):
            parts.append(_WHITESPACE.sub(" ", node))
        elif node.tag not in INLINE or node.tag == "br":
            parts.append("\n")
    lines = (clean_inline(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def text_of(root: HtmlElement) -> str:
    """The text of ``root`` on one line."""
    return " ".join(plain_text(root).split("\n"))


def pieces(node: Node, ctx: FragmentContext) -> Iterator[tuple[str, str | None]]:
    """The raw text of ``node`` as (text, href) runs."""
    if isinstance(node, str):
        yield node, None
        return
    links: list[str | None] = [None]
    for entering, el in walk(node):
        if isinstance(el, str):
            yield el, links[-1]
        elif el.tag == "a":
            links.append(ctx.link(el.get("href"))) if entering else links.pop()
        elif el.tag == "br" and entering:
            yield " ", None


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


def _flush(run: list[Node], line: int | None, ctx: FragmentContext) -> Iterator[Block]:
    """Inline content met at block level becomes one paragraph."""
    if not run:
        return
    spans = spans_of(piece for node in run for piece in pieces(node, ctx))
    run.clear()
    if spans:
        yield Block(BlockType.PARAGRAPH, spans, provenance=ctx.at(line))


def _leaf(node: HtmlElement, ctx: FragmentContext) -> Iterator[Block]:
    spans = spans_of(pieces(node, ctx))
    if not spans:
        return
    if node.tag == "p":
        yield Block(BlockType.PARAGRAPH, spans, provenance=ctx.at(node.sourceline))
    else:
        level = int(node.tag[1])
        yield Block(BlockType.HEADING, spans, level=level, provenance=ctx.at(node.sourceline))


def _segments(
    root: HtmlElement, ctx: FragmentContext, items: bool = False
) -> Iterator[Block | HtmlElement]:
    """Paragraph and heading blocks of ``root`` in order; lists (and, when ``items``, list
    items) are yielded as elements for the list builder."""
    run: list[Node] = []
    line: int | None = None
    stack = [(root, iter(contents(root)))]
    while stack:
        parent, children = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            yield from _flush(run, line, ctx)
        elif isinstance(node, str) or node.tag in INLINE:
            if not run:  # a paragraph's line is its first node's (a text's: its parent's)
                line = parent.sourceline if isinstance(node, str) else node.sourceline
            run.append(node)
        else:
            yield from _flush(run, line, ctx)
            if node.tag == "p" or node.tag in HEADINGS:
                yield from _leaf(node, ctx)
            elif node.tag in LISTS or (items and node.tag == "li"):
                yield node
            else:
                stack.append((node, iter(contents(node))))


def _list_item(li: HtmlElement, ctx: FragmentContext) -> tuple[ListItem, list[HtmlElement]]:
    """One item (its paragraphs) and the nested lists it holds."""
    paragraphs: list[list[Span]] = []
    sublists: list[HtmlElement] = []
    for seg in _segments(li, ctx):
        if isinstance(seg, Block):
            paragraphs.append(seg.spans)
        else:
            sublists.append(seg)
    first = paragraphs[0] if paragraphs else []
    item = ListItem(first, continuation=paragraphs[1:], provenance=ctx.at(li.sourceline))
    return item, sublists


def _list_block(node: HtmlElement, ctx: FragmentContext) -> Block:
    """A ``ul``/``ol`` as a LIST block with nested items; built with an explicit stack."""
    block = Block(BlockType.LIST, ordered=node.tag == "ol", provenance=ctx.at(node.sourceline))
    stack: list[tuple[Block | HtmlElement, list[ListItem], int]] = [(node, block.items, 1)]
    while stack:
        el, target, depth = stack.pop()
        if isinstance(el, Block):
            target.append(ListItem(el.spans, provenance=el.provenance))
        elif el.tag in LISTS:
            stack.extend((seg, target, depth) for seg in reversed(list(_segments(el, ctx, True))))
        else:
            item, sublists = _list_item(el, ctx)
            if item.spans:
                target.append(item)
            nest = bool(item.spans) and depth < MAX_LIST_DEPTH
            children, below = (item.children, depth + 1) if nest else (target, depth)
            stack.extend((sub, children, below) for sub in reversed(sublists))
    return block


def _children(node: HtmlElement) -> list[Node]:
    """Child elements and non-blank text."""
    return [c for c in contents(node) if not isinstance(c, str) or c.strip()]


def _heading_list(node: HtmlElement) -> list[HtmlElement]:
    """The headings of a list whose every item is only a heading (a styled heading run)."""
    headings = []
    for li in _children(node):
        inner = _children(li) if not isinstance(li, str) and li.tag == "li" else []
        if len(inner) != 1 or isinstance(inner[0], str) or inner[0].tag not in HEADINGS:
            return []
        headings.append(inner[0])
    return headings


def fragment_blocks(root: HtmlElement, ctx: FragmentContext) -> list[Block]:
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
