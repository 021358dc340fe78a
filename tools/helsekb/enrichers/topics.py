"""Block anchors, and the key concepts (data/topics.yml) with the blocks they occur in."""

from __future__ import annotations

import re
from collections.abc import Iterable

from helsekb.enrichers.crosslinks import load_data, require, runs, walk_items
from helsekb.model import Block, BlockType, KnowledgeBase, ListItem, Page, Span, Topic
from helsekb.slug import slugify, unique

ANCHOR_WORDS = 6
_ENDINGS = r"(?:e|en|er|ene|et|ets|a|s|es|ens|enes|n|ne|ns)?"


def assign_anchors(kb: KnowledgeBase) -> None:
    """A stable anchor on every paragraph, notice and list item (idempotent).

    ``p-`` and the first words of the text, so an anchor survives edits elsewhere on the
    page; duplicates get ``-2``, ``-3`` in reading order.
    """
    for page in kb.pages():
        targets = _anchor_targets(page)
        taken = {r.id for r in page.references} | {t.anchor for t in targets if t.anchor}
        for target in targets:
            if not target.anchor:
                first = _plain(target.spans).split(maxsplit=ANCHOR_WORDS)[:ANCHOR_WORDS]
                words = " ".join(first)
                target.anchor = unique(f"p-{slugify(words, 40)}", taken)


def _anchor_targets(page: Page) -> list[Block | ListItem]:
    targets: list[Block | ListItem] = []
    for block in page.blocks():
        if block.type is BlockType.LIST:
            targets.extend(walk_items(block.items))
        elif block.type is not BlockType.HEADING:
            targets.append(block)
    return targets


def _plain(spans: list[Span]) -> str:
    return "".join(s.text for s in spans)


Patterns = list[tuple[str, re.Pattern[str], tuple[str, ...]]]
"""(name, pattern, its terms in lower case) per topic."""


def topic_patterns() -> Patterns:
    """(name, pattern, its terms in lower case) per topic of data/topics.yml, in order."""
    out = []
    for n, entry in enumerate(load_data("topics.yml", "topics")):
        where = f"topics.yml: topics[{n + 1}]"
        name = str(require(entry, "name", where))
        terms = sorted((str(t) for t in require(entry, "terms", where)), key=len, reverse=True)
        alternatives = [re.escape(t) + (_ENDINGS if len(t) >= 4 else "s?") for t in terms]
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.I)
        out.append((name, pattern, tuple(t.lower() for t in terms)))
    return out


def put_topics(
    kb: KnowledgeBase, patterns: Patterns, found: Iterable[dict[str, list[str]]]
) -> None:
    """Every topic with the ``path#anchor`` of each paragraph or list item it occurs in
    (``found``: :func:`page_topics` of every page, in order)."""
    places: dict[str, list[str]] = {name: [] for name, _, _ in patterns}
    for page in found:
        for name, where in page.items():
            places[name].extend(where)
    kb.topics = [Topic(name, where) for name, where in places.items() if where]


def page_topics(patterns: Patterns, page: Page) -> dict[str, list[str]]:
    """Topic -> the places on ``page`` where it occurs, in reading order."""
    places: dict[str, list[str]] = {}
    for run in runs(page):
        if run.heading or not run.anchor:
            continue
        place = f"{page.path}#{run.anchor}"
        text, lower = run.text, run.text.lower()
        for name, pattern, terms in patterns:
            # A match needs a term as it stands: the substring test skips most texts fast.
            if not any(t in lower for t in terms) or place in places.get(name, [])[-1:]:
                continue
            if pattern.search(text):
                places.setdefault(name, []).append(place)
    return places
