"""Abbreviations and their expansions find each other: FL ↔ fastlege, SH ↔ spesialisthelsetjenesten.

From the glossary (data/abbreviations.yml and the documents' own Forkortelser lists): a query
key that is an abbreviation also matches its expansion's words, and a one-word expansion also
matches the abbreviation. The browser analyses the display words itself.
"""

from __future__ import annotations

import re

from helsekb.enrichers.glossary import curated
from helsekb.model import KnowledgeBase
from helsekb.search.analyse import key, words

MAX_WORDS = 4
"""Longer expansions (sentences, lists of hospitals) are descriptions, not synonyms."""
_PARENTHESES = re.compile(r"\([^)]*\)")


def expansion_words(expansion: str) -> str:
    """The expansion without parenthetical parts: "Fastlege(r)" -> "Fastlege"."""
    return " ".join(_PARENTHESES.sub(" ", expansion).split())


def synonyms(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Key -> the words that should also match it, sorted for a deterministic index."""
    pairs = {(a, e) for a, e in curated().items()} | set(kb.abbreviations.items())
    pairs |= {(g.abbreviation, g.expansion) for g in kb.glossary}
    out: dict[str, set[str]] = {}
    for abbreviation, expansion in pairs:
        text = expansion_words(expansion)
        n = len(words(text))
        if len(words(abbreviation)) != 1 or not 1 <= n <= MAX_WORDS:
            continue
        out.setdefault(key(words(abbreviation)[0]), set()).add(text)
        if n == 1:
            out.setdefault(key(words(text)[0]), set()).add(abbreviation)
    return {k: sorted(v) for k, v in sorted(out.items())}
