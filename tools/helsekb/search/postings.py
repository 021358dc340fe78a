"""Postings: for every key, the entries it occurs in with a precomputed weight.

The weight folds in where the key occurs (the entry's own title counts most, a reference
list least) and a BM25 term-frequency curve, so the browser only multiplies by the key's
idf. Postings are varint strings (compact, and decoded only for the keys a query uses).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from helsekb import parallel
from helsekb.pickled import compact
from helsekb.search.analyse import fold, key, words
from helsekb.search.entries import Entry

TITLE, HEADING, CONTEXT, BODY = 8.0, 5.0, 0.5, 2.0
"""Field weights: a target's own title, a subheading, the page/document around it, text."""
MAIN_KINDS = {"lead", "recommendation", "document", "chapter", "view"}
KIND_FACTOR = {"referanser": 0.25}
K1, B = 1.2, 0.75
SCALE = 4
PARALLEL_ENTRIES = 4000
"""Below this many entries, forking for the weights costs more than it saves."""
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def _varint(value: int) -> str:
    out = []
    while value >= 32:
        out.append(ALPHABET[32 + (value & 31)])
        value >>= 5
    out.append(ALPHABET[value])
    return "".join(out)


_SMALL = [_varint(v) for v in range(4096)]
"""Every weight and most entry deltas: looked up, not computed (millions per index)."""


def varint(value: int) -> str:
    """Five bits per character; characters 32–63 say "more follows"."""
    return _SMALL[value] if 0 <= value < 4096 else _varint(value)


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


@compact
@dataclass(slots=True)
class Tokens:
    """An entry's keys, computed once (in parallel, by page) and weighted later."""

    text: str
    """The keys of the entry's text, in order, space-separated (compact: one string)."""
    context: frozenset[str]
    """The keys of the page and document around the entry (one set shared by a page)."""
    title: frozenset[str]


def tokenize(entry: Entry, context: frozenset[str]) -> Tokens:
    """The keys of one entry's text and title (``context``: ``keys`` of its context)."""
    return Tokens(" ".join(keys(" ".join(entry.text))), context, frozenset(keys(entry.title)))


def keys(text: str) -> list[str]:
    """The index keys of the words of ``text``, in order."""
    return [key(w) for w in words(text)]


def surface_words(entry: Entry, context: str) -> Iterator[str]:
    """The words a user may type for the entry, in the order the index lists them."""
    for text in (entry.title, context, *entry.text):
        yield from words(text)


def _body_weights(text_keys: list[str], avg_len: float) -> dict[str, float]:
    counts = Counter(text_keys)
    norm = K1 * (1 - B + B * len(text_keys) / avg_len)
    body, k1_plus_1 = BODY, K1 + 1  # (locals: this runs for millions of keys)
    return {k: body * tf * k1_plus_1 / (tf + norm) for k, tf in counts.items()}


def entry_weights(entry: Entry, tokens: Tokens, avg_len: float) -> dict[str, int]:
    """Key -> integer weight for one entry (1 to 4095)."""
    weights = _body_weights(tokens.text.split(), avg_len)
    for k in tokens.context:
        weights[k] = weights.get(k, 0.0) + CONTEXT
    title = TITLE if entry.kind in MAIN_KINDS else HEADING
    for k in tokens.title:
        weights[k] = weights.get(k, 0.0) + title
    factor, scale = KIND_FACTOR.get(entry.kind, 1.0), SCALE
    # max(1, min(4095, ...)) without two calls per key
    return {
        k: 4095 if (n := round(w * factor * scale)) > 4095 else n if n > 1 else 1
        for k, w in weights.items()
    }


def build(
    entries: list[Entry], tokens: list[Tokens], surface: Mapping[str, str], workers: int = 1
) -> Postings:
    """Postings for ``entries``; ``tokens[i]`` are entry i's keys (``tokenize``), ``surface``
    the distinct words of all entries in their order of first use (``surface_words``), each
    with its ``key``. The entries' weights are worked out in ``workers`` processes (each a
    run of consecutive entries), their postings joined in entry order."""
    if len(tokens) != len(entries):
        raise ValueError(f"{len(entries)} entries but {len(tokens)} sets of keys")
    lengths = [n for t in tokens if (n := t.text.count(" ") + 1 if t.text else 0)]
    avg_len = max(1.0, sum(lengths) / max(1, len(lengths)))  # of the entries with a text
    workers = workers if len(entries) >= PARALLEL_ENTRIES else 1
    share = max(1, -(-len(entries) // max(1, workers)))
    runs = [range(n, min(n + share, len(entries))) for n in range(0, len(entries), share)]
    weigh = partial(_pairs, entries, tokens, avg_len)
    by_key: dict[str, array[int]] = {}
    for part in parallel.fork_map(weigh, runs, workers, chunk=1, min_items=1):
        for k, pairs in part.items():
            if (joined := by_key.get(k)) is None:
                by_key[k] = pairs
            else:
                joined.extend(pairs)
    sorted_keys = sorted(by_key, key=js_order)
    postings = Postings(
        sorted_keys,
        [_encode(by_key[k]) for k in sorted_keys],
        [len(by_key[k]) // 2 for k in sorted_keys],
    )
    _add_words(postings, surface)
    return postings


def _pairs(
    entries: list[Entry], tokens: list[Tokens], avg_len: float, run: range
) -> dict[str, array[int]]:
    """Key -> (entry, weight) pairs of the entries in ``run``, in entry order (flat: a list
    of tuples was 8× larger)."""
    by_key: dict[str, array[int]] = {}
    for n in run:
        for k, w in entry_weights(entries[n], tokens[n], avg_len).items():
            pairs = by_key.get(k)
            if pairs is None:
                pairs = by_key[k] = array("I")
            pairs.append(n)
            pairs.append(w)
    return by_key


def _encode(pairs: array[int]) -> str:
    """(entry delta, weight) pairs as varints; entries ascend, so deltas are never negative."""
    out, last, small = [], 0, _SMALL
    for n, w in zip(pairs[::2], pairs[1::2], strict=True):
        delta = n - last
        out += (small[delta] if delta < 4096 else _varint(delta), small[w])
        last = n
    return "".join(out)


def _add_words(postings: Postings, surface: Mapping[str, str]) -> None:
    """Folded surface words whose key differs from them; the first spelling seen wins."""
    index = {k: n for n, k in enumerate(postings.keys)}
    found: dict[str, int] = {}
    for word, k in surface.items():
        folded = fold(word)
        if folded != k:
            found.setdefault(folded, index[k])
    postings.words = sorted(found, key=js_order)
    postings.word_keys = [found[w] for w in postings.words]
