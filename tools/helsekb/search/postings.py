"""Postings: for every key, the entries it occurs in with a precomputed weight.

The weight folds in where the key occurs (the entry's own title counts most, a reference
list least) and a BM25 term-frequency curve, so the browser only multiplies by the key's
idf. Postings are varint strings (compact, and decoded only for the keys a query uses).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from helsekb.search.analyse import fold, key, words
from helsekb.search.entries import Entry

TITLE, HEADING, CONTEXT, BODY = 8.0, 5.0, 0.5, 2.0
"""Field weights: a target's own title, a subheading, the page/document around it, text."""
MAIN_KINDS = {"lead", "recommendation", "document", "chapter", "view"}
KIND_FACTOR = {"referanser": 0.25}
K1, B = 1.2, 0.75
SCALE = 4
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def varint(value: int) -> str:
    """Five bits per character; characters 32–63 say "more follows"."""
    out = []
    while value >= 32:
        out.append(ALPHABET[32 + (value & 31)])
        value >>= 5
    out.append(ALPHABET[value])
    return "".join(out)


def js_order(text: str) -> bytes:
    """Sort key matching JavaScript's string comparison (UTF-16 code units)."""
    return text.encode("utf-16-be")


@dataclass(slots=True)
class Postings:
    keys: list[str]
    lists: list[str]
    """One varint string per key: (entry delta, weight) pairs."""
    df: list[int]
    """Per key, how many entries it occurs in."""
    words: list[str] = field(default_factory=list)
    """Folded surface words whose key differs from them (for prefixes and typos)."""
    word_keys: list[int] = field(default_factory=list)


def _body_weights(text_keys: list[str], avg_len: float) -> dict[str, float]:
    counts = Counter(text_keys)
    norm = K1 * (1 - B + B * len(text_keys) / avg_len)
    return {k: BODY * tf * (K1 + 1) / (tf + norm) for k, tf in counts.items()}


def entry_weights(entry: Entry, context: str, avg_len: float) -> dict[str, int]:
    """Key -> integer weight for one entry."""
    weights = _body_weights(_keys(" ".join(entry.text)), avg_len)
    for k in set(_keys(context)):
        weights[k] = weights.get(k, 0.0) + CONTEXT
    title = TITLE if entry.kind in MAIN_KINDS else HEADING
    for k in set(_keys(entry.title)):
        weights[k] = weights.get(k, 0.0) + title
    factor = KIND_FACTOR.get(entry.kind, 1.0)
    return {k: max(1, min(4095, round(w * factor * SCALE))) for k, w in weights.items()}


def _keys(text: str) -> list[str]:
    return [key(w) for w in words(text)]


def build(entries: list[Entry], contexts: list[str]) -> Postings:
    """Postings for ``entries``; ``contexts[i]`` is the page/document text around entry i."""
    lengths = [n for e in entries if (n := len(words(" ".join(e.text))))]
    avg_len = max(1.0, sum(lengths) / max(1, len(lengths)))  # of the entries with a text
    by_key: dict[str, list[tuple[int, int]]] = {}
    for n, (entry, context) in enumerate(zip(entries, contexts, strict=True)):
        for k, w in entry_weights(entry, context, avg_len).items():
            by_key.setdefault(k, []).append((n, w))
    keys = sorted(by_key, key=js_order)
    postings = Postings(keys, [_encode(by_key[k]) for k in keys], [len(by_key[k]) for k in keys])
    _add_words(postings, entries, contexts)
    return postings


def _encode(pairs: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for n, w in pairs:
        out.append(varint(n - last) + varint(w))
        last = n
    return "".join(out)


def _add_words(postings: Postings, entries: list[Entry], contexts: list[str]) -> None:
    index = {k: n for n, k in enumerate(postings.keys)}
    found: dict[str, int] = {}
    for entry, context in zip(entries, contexts, strict=True):
        for w in words(" ".join([entry.title, context, *entry.text])):
            folded = fold(w)
            if folded not in found and folded != key(w):
                found[folded] = index[key(w)]
    postings.words = sorted(found, key=js_order)
    postings.word_keys = [found[w] for w in postings.words]
