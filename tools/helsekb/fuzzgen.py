"""Hypothesis strategies: generated documents, raw bytes, and mutations of real files.

Only the fuzz command and the tests import this (hypothesis is a test dependency).
"""

from __future__ import annotations

from hypothesis import strategies as st

from helsekb.fuzzdocs import Block, Doc, Item

WORDS = (
    "pasienten", "fastlegen", "kommunen", "oppfølging", "behandling", "pårørende",
    "tjenestene", "sykehuset", "helsehjelp", "vurdering", "tiltak", "rus", "psykisk",
    "utmattelse", "søvn", "mestring", "kartlegging", "samarbeid", "spesialisthelsetjenesten",
    "øyeblikkelig", "læring", "fagfolk", "ansvar", "forløpet", "tverrfaglig", "henvisning",
    "bør", "skal", "kan", "må", "og", "eller", "med", "for", "til", "på", "av", "i", "som",
    "ved", "etter", "år", "økt", "blåbær", "ærlig", "gjør", "første", "Åsane", "Ørland",
    "covid-19", "ME/CFS", "FL", "SH", "12", "3,5", "2024", "§", "%", "nr.",
)  # fmt: skip
MARKUP = (
    "<script>alert(1)</script>", "<b>fet</b>", '<img src=x onerror="alert(2)">',
    "[lenke](javascript:alert(3))", "![bilde](x.png)", "{{ mal }}", "{% blokk %}",
    "*stjerne*", "_under_", "`kode`", "&amp;", "&lt;", "a<b", "#emne", "\\", "|", "~~",
    "$$", "{: #id }", "*[FL]:", "<!--", "-->", "]]>", "&#106;avascript:",
)  # fmt: skip
"""Pieces that look like markup or template syntax; they must come out as text."""
DECORATED = ("{},", "{};", "{}:", "({})", "«{}»", '"{}"', "'{}'", "{}…")
ENDS = (".", "!", "?")


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _token() -> st.SearchStrategy[str]:
    word = st.sampled_from(WORDS)
    decorated = st.builds(str.format, st.sampled_from(DECORATED), word)
    return st.one_of(word, word, word, decorated, st.sampled_from(MARKUP))


def _phrase(min_words: int, max_words: int) -> st.SearchStrategy[str]:
    """Words starting with a capital letter (a markup piece never starts a phrase)."""
    first = st.sampled_from(WORDS).map(_capitalised)
    rest = st.lists(_token(), min_size=min_words - 1, max_size=max_words - 1)
    return st.builds(lambda f, r: " ".join([f, *r]), first, rest)


def sentences() -> st.SearchStrategy[str]:
    return st.builds(str.__add__, _phrase(3, 14), st.sampled_from(ENDS))


def headings() -> st.SearchStrategy[str]:
    return _phrase(1, 6).map(lambda text: text.rstrip(".,;:!?)…»\"'"))


def items(depth: int = 3) -> st.SearchStrategy[tuple[Item, ...]]:
    text = st.one_of(sentences(), headings())
    if depth <= 1:
        leaf = st.builds(Item, text)
        return st.lists(leaf, min_size=1, max_size=4).map(tuple)
    children = st.one_of(st.just(()), items(depth - 1))
    return st.lists(st.builds(Item, text, children), min_size=1, max_size=4).map(tuple)


def blocks() -> st.SearchStrategy[Block]:
    paragraph = st.builds(
        lambda s: Block("paragraph", sentences=tuple(s)),
        st.lists(sentences(), min_size=1, max_size=5),
    )
    heading = st.builds(lambda t: Block("heading", text=t), headings())
    lists = st.builds(lambda i: Block("list", items=i), items())
    return st.one_of(paragraph, paragraph, heading, lists)


def references() -> st.SearchStrategy[str]:
    author = st.sampled_from(("Hansen, K.", "Ødegård, Å. & Berg, L.", "Helsedirektoratet"))
    year = st.integers(1990, 2026)
    title = _phrase(2, 8)
    return st.builds(lambda a, y, t: f"{a} ({y}). {t}. Oslo: Forlaget.", author, year, title)


def documents() -> st.SearchStrategy[Doc]:
    """A title, one paragraph at least, then up to 8 further blocks and 3 references."""
    first = st.builds(
        lambda s: Block("paragraph", sentences=tuple(s)),
        st.lists(sentences(), min_size=1, max_size=3),
    )
    body = st.builds(lambda f, r: (f, *r), first, st.lists(blocks(), max_size=8))
    refs = st.lists(references(), max_size=3).map(tuple)
    return st.builds(Doc, headings(), body, refs)


HOSTILE_BYTES = (
    b"<script>", b"</script>", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xe2\x80\xae",
    b"javascript:", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"{{", b"\n---\n", b"\r",
    b"<<", b">>", b"obj", b"endobj", b"stream", b"endstream", b"/FlateDecode", b"%%EOF",
    b"(", b")", b"[", b"]", b"{", b"}", b'"', b"\\u0000", b"\\ud800", b"9" * 40,
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[bytes, ...]) -> bytes:
    """A seed with a few flips, insertions, deletions, duplications or a truncation."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        op = draw(st.sampled_from(("flip", "insert", "delete", "duplicate", "truncate")))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            piece = draw(st.one_of(st.sampled_from(HOSTILE_BYTES), st.binary(max_size=8)))
            data[at:at] = piece
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def raw_bytes(seeds: tuple[bytes, ...]) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, arbitrary text, and mutations of the seeds (real or generated files)."""
    text = st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass"))
    return st.one_of(st.binary(max_size=2000), text, mutated(seeds), mutated(seeds))
