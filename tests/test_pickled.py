"""Compact pickles: the model pickles as calls of its classes, and comes back equal."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field, fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helsekb import pipeline
from helsekb.cache import content_key
from helsekb.catalogue import load
from helsekb.enrichers import pagework, roles
from helsekb.model import Block, BlockType, Page, Provenance, Reference, Span
from helsekb.pickled import compact
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def enriched() -> tuple[list[pipeline.Source], object]:
    sources, _ = pipeline.read_all(load(SOURCES)[0])
    kb = pipeline.assemble(sources)
    pipeline.enrich(kb)
    return sources, kb


def test_the_enriched_corpus_comes_back_equal(enriched: tuple[list, object]) -> None:
    """The whole model, the readers' results and the role tags, through pickle."""
    sources, kb = enriched
    for value in (kb, [s.result for s in sources], list(kb.role_tags.values())):
        assert pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) == value


def test_a_page_pickles_as_calls_of_its_classes(enriched: tuple[list, object]) -> None:
    """No ``__setstate__`` state of field names: about half the bytes of the default."""
    _, kb = enriched
    page = kb.documents[0].pages[0]
    data = pickle.dumps(page, pickle.HIGHEST_PROTOCOL)
    assert b"__setstate__" not in data and b"sections" not in data
    assert b"Span" in data and b"Block" in data


def test_compact_refuses_fields_outside_init() -> None:
    @dataclass(slots=True)
    class Derived:
        text: str
        length: int = field(init=False, default=0)

    @dataclass(slots=True)
    class Checked:
        text: str

        def __post_init__(self) -> None:
            self.text = self.text.strip()

    for cls in (Derived, Checked):
        with pytest.raises(TypeError, match=cls.__name__):
            compact(cls)


_text = st.text(max_size=30)
_spans = st.lists(st.builds(Span, _text, st.none() | _text), max_size=4)
_provenance = st.none() | st.builds(
    Provenance, _text, st.none() | st.integers(1, 10**6), st.none() | st.integers(1, 999)
)


@given(
    spans=_spans,
    anchor=_text,
    provenance=_provenance,
    raw=_text,
    authors=st.lists(_text, max_size=3),
)
def test_values_come_back_equal_and_equal_values_give_equal_keys(
    spans: list[Span], anchor: str, provenance: Provenance | None, raw: str, authors: list[str]
) -> None:
    block = Block(BlockType.PARAGRAPH, spans, provenance=provenance, anchor=anchor)
    reference = Reference(raw, provenance, authors=authors)
    for value in (block, reference):
        again = pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        assert again == value and type(again) is type(value)
        assert [getattr(again, f.name) for f in fields(value)] == [
            getattr(value, f.name) for f in fields(value)
        ]
        assert content_key(again) == content_key(value)


def test_the_classes_pickled_in_bulk_are_compact() -> None:
    """A worker's page result, its role tags, a read result and a page."""
    for cls in (pagework.Result, roles.Tag, roles.Evidence, pipeline.ReadResult, Page, Span):
        assert "__reduce__" in vars(cls), cls.__name__
