"""Nothing lost, as a property: generated documents (paragraphs, headings, nested lists,
references; Norwegian text with æøå, punctuation and markup-looking pieces) written as a
text capture, an HTML page, a content-API item and a PDF keep every sentence through the
whole pipeline into docs/, and, for a few of them, into the built pages' text."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings

from helsekb import fuzzcheck, fuzzdocs, fuzzgen, pipeline
from helsekb.fuzzdocs import Doc
from helsekb.readers.clean import clean_inline
from helsekb.site import build_site
from helsekb.writers import frontmatter
from tests.conftest import ROOT

SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


def _sources(doc: Doc) -> dict[str, bytes]:
    return {f"gen.{ext}": fuzzdocs.render(doc, fmt) for fmt, ext in fuzzdocs.FORMATS.items()}


@settings(max_examples=25, **SETTINGS)
@given(fuzzgen.documents())
def test_every_sentence_reaches_docs_from_every_format(doc: Doc) -> None:
    sources = _sources(doc)
    fuzzcheck.check(sources, {name: doc.texts() for name in sources})


def _built_text(site: Path, docs: dict[str, str], source: str) -> str:
    """The visible text of the built pages of ``source`` and of their document's index."""
    paths = set()
    for path, text in docs.items():
        meta, _ = frontmatter.parse(text) if path.endswith(".md") else ({}, "")
        if meta.get("source_file") == source:
            paths |= {path, f"{meta['document_slug']}/index.md"}
    texts = []
    for path in sorted(paths):
        tree = lxml.html.fromstring((site / path).with_suffix(".html").read_bytes())
        texts += [article.text_content() for article in tree.iter("article")]
    return clean_inline(" ".join(texts))


@settings(max_examples=2, **SETTINGS)
@given(doc=fuzzgen.documents())
def test_every_sentence_reaches_the_built_site(
    tmp_path_factory: pytest.TempPathFactory, doc: Doc
) -> None:
    project = tmp_path_factory.mktemp("lost")
    (project / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (project / "overrides").symlink_to(ROOT / "overrides")
    src = project / "src"
    src.mkdir()
    for name, data in _sources(doc).items():
        (src / name).write_bytes(data)
    assert not pipeline.convert(src, project / "docs").failed
    build_site(project, project / "site")
    docs = fuzzcheck.written(project / "docs")
    for name in sorted(p.name for p in src.iterdir()):
        text = _built_text(project / "site", docs, name)
        assert [t for t in doc.texts() if clean_inline(t) not in text] == [], name
