"""Words to index keys: NFC, lower case, Snowball Norwegian stem, then an ASCII-ish fold.

The fold lets a query typed without æ, ø, å find them (``oppfolging``, ``oppfoelging`` and
``oppfølging`` give one key). No stop words: ``skal``, ``bør``, ``ikke`` are kept.
Mirrors ``analyse.js`` exactly; change both together.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
"""A run of letters and digits (the same set as ``[\\p{L}\\p{N}]+`` in the browser)."""

_FOLD = str.maketrans(
    {
        "å": "a", "á": "a", "à": "a", "â": "a", "ã": "a", "ä": "ae", "æ": "ae",
        "ø": "o", "ö": "o", "ó": "o", "ò": "o", "ô": "o", "õ": "o",
        "é": "e", "è": "e", "ê": "e", "ë": "e",
        "í": "i", "ì": "i", "î": "i", "ï": "i",
        "ú": "u", "ù": "u", "û": "u", "ü": "u",
        "ç": "c", "ñ": "n",
    }
)  # fmt: skip
_STEMMER = snowballstemmer.stemmer("norwegian")


def words(text: str) -> list[str]:
    """The words of ``text``, normalised (NFC) and lower-cased, in order."""
    return WORD.findall(unicodedata.normalize("NFC", text).lower())


def fold(word: str) -> str:
    """æ → ae, ø → o, å → a (and typed ``aa``/``oe`` likewise), accents dropped."""
    return word.translate(_FOLD).replace("aa", "a").replace("oe", "o")


def stem(word: str) -> str:
    """The Snowball Norwegian stem of a lower-case word."""
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=200_000)
def key(word: str) -> str:
    """The index key of one normalised word: its stem, folded."""
    return fold(stem(word))


def keys(text: str) -> list[str]:
    """The index keys of every word of ``text``, in order."""
    return [key(w) for w in words(text)]
