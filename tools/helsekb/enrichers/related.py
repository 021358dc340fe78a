"""The *Se også* block: each page's most related pages, each with the reasons shown.

Scores come from indexes, never from comparing every page with every other: pages near each
other in a document, links between pages, and the pages sharing a reference or a topic —
within a window of each posting list, so a common topic costs a fixed amount per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helsekb.enrichers.crosslinks import is_external, runs
from helsekb.model import KnowledgeBase, Page, Related

MAX_RELATED = 5
WINDOW = 10
"""How many following pages of a posting list (topic, reference) each page is paired with."""
NEIGHBOURS = 5
"""How many pages before and after a page in its document count as its neighbours."""
MAX_TOPICS_SHOWN = 3

LINKED, SAME_CHAPTER, SHARED_REFERENCE, SAME_DOCUMENT, SHARED_TOPIC = 4, 3, 3, 1, 1


@dataclass(slots=True)
class Score:
    points: int = 0
    reasons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def labels_of(self, kind: str) -> list[str]:
        """The list a credit of ``kind`` ("topic", "reference", else a reason) goes to."""
        if kind == "topic":
            return self.topics
        return self.references if kind == "reference" else self.reasons

    def labels(self) -> list[str]:
        out = list(self.reasons)
        if self.references:
            out.append("felles referanse: " + ", ".join(self.references))
        if self.topics:
            out.append("felles tema: " + ", ".join(self.topics[:MAX_TOPICS_SHOWN]))
        return out


class Scores:
    def __init__(self) -> None:
        self.by_page: dict[str, dict[str, Score]] = {}

    def add(self, a: str, b: str, points: int, reason: str = "", *, kind: str = "") -> None:
        """Credit the pair (a, b) unless they are the same page: one score, which both
        pages see (a pair's credits are the same both ways)."""
        if a == b:
            return
        by_other = self.by_page.setdefault(a, {})
        score = by_other.get(b)
        if score is None:  # not setdefault(b, Score()): that builds a Score every call
            score = by_other[b] = self.by_page.setdefault(b, {})[a] = Score()
        labels = score.labels_of(kind)
        if reason not in labels:
            score.points += points
            labels.append(reason)


def relate(kb: KnowledgeBase) -> None:
    """Set ``page.related`` on every page (deterministic: ties go by path)."""
    scores = Scores()
    _structure(kb, scores)
    _links(kb, scores)
    for item in kb.bibliography:
        label = _reference_label(item.reference.authors, item.reference.year)
        pages = [place.split("#")[0] for place in item.listed_in]
        _window(pages, scores, SHARED_REFERENCE, label, "reference")
    for topic in kb.topics:
        pages = list(dict.fromkeys(place.split("#")[0] for place in topic.places))
        _window(pages, scores, SHARED_TOPIC, topic.name, "topic")
    titles = {p.path: p.title for p in kb.pages()}
    for page in kb.pages():
        ranked = sorted(
            scores.by_page.get(page.path, {}).items(), key=lambda kv: (-kv[1].points, kv[0])
        )
        page.related = [Related(p, titles[p], s.labels()) for p, s in ranked[:MAX_RELATED]]


def _structure(kb: KnowledgeBase, scores: Scores) -> None:
    for doc in kb.documents:
        for i, page in enumerate(doc.pages):
            for other in doc.pages[i + 1 : i + 1 + NEIGHBOURS]:
                if page.chapter and page.chapter == other.chapter:
                    scores.add(page.path, other.path, SAME_CHAPTER, "samme kapittel")
                else:
                    scores.add(page.path, other.path, SAME_DOCUMENT, "samme dokument")


def _links(kb: KnowledgeBase, scores: Scores) -> None:
    """A link from one page to another (a source link made local, or a mention)."""
    pages = {p.path for p in kb.pages()}
    for page in kb.pages():
        for target in sorted(_link_targets(page) & pages):
            scores.add(page.path, target, LINKED, "lenke mellom sidene")


def _link_targets(page: Page) -> set[str]:
    hrefs = (s.href for r in runs(page) for s in r.spans if s.href)
    return {h.split("#")[0] for h in hrefs if not is_external(h) and not h.startswith("#")}


def _window(pages: list[str], scores: Scores, points: int, label: str, kind: str) -> None:
    for i, page in enumerate(pages):
        for other in pages[i + 1 : i + 1 + WINDOW]:
            scores.add(page, other, points, label, kind=kind)


def _reference_label(authors: list[str], year: str | None) -> str:
    first = authors[0].split(", ")[0] if authors else "ukjent"
    more = " et al." if len(authors) > 1 else ""
    return f"{first}{more} {year or 'u.å.'}"
