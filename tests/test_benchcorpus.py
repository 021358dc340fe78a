"""The benchmark corpus (helsekb/benchcorpus.py): seeded, in the format mix asked for, and a
clean conversion by the real pipeline with every enricher finding what the text plants."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from helsekb import benchtext, pipeline
from helsekb.benchcorpus import FORMAT_CYCLE, PAGES_PER_DOCUMENT, write_corpus
from helsekb.catalogue import CATALOGUE
from helsekb.readers import SourceEntry, infer_format, reader_for
from helsekb.report import RunReport
from helsekb.search.synthetic import TYPES
from helsekb.writers.nav import NAV_FILE

PAGES = 60
MIX = {"html": 27, "hapi": 21, "capture": 9, "pdf": 3}
"""45 %, 35 %, 15 % and 5 % of 60 pages."""
CITING = ("html", "capture")
"""The formats whose reader parses a reference list, so citations can be linked."""


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _sources(corpus: Path) -> list[dict[str, Any]]:
    """Every source entry of the catalogue, with its document under "document"."""
    catalogue = yaml.safe_load((corpus / CATALOGUE).read_text(encoding="utf-8"))
    return [
        {**source, "document": doc} for doc in catalogue["documents"] for source in doc["sources"]
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "sources"
    write_corpus(PAGES, out)
    return out


@pytest.fixture(scope="module")
def converted(corpus: Path) -> tuple[RunReport, Path]:
    docs = corpus.parent / "docs"
    return pipeline.convert(corpus, docs), docs


@pytest.fixture(scope="module")
def kb(converted: tuple[RunReport, Path]) -> dict[str, Any]:
    return json.loads((converted[1] / "kb.json").read_text(encoding="utf-8"))


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        write_corpus(25, tmp_path / name, seed=seed)
    a, b, c = (_files(tmp_path / name) for name in "abc")
    suffixes = {name.rsplit(".", 1)[1] for name in a}
    assert len(a) == 26 and suffixes == {"html", "json", "txt", "pdf", "yml"}
    assert a == b
    assert set(a.values()).isdisjoint(c.values())


def test_a_corpus_needs_pages_and_a_fresh_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        write_corpus(0, tmp_path / "none")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        write_corpus(3, tmp_path / "used")


def test_the_format_mix_and_the_catalogue(tmp_path: Path) -> None:
    info = write_corpus(PAGES, tmp_path)
    assert (info.pages, info.documents, info.files_by_format) == (PAGES, 2, MIX)
    sources = _sources(tmp_path)
    assert Counter(s["format"] for s in sources) == MIX
    assert [s["format"] for s in sources] == [FORMAT_CYCLE[n % 20] for n in range(PAGES)]
    sizes: Counter[str] = Counter()
    for s in sources:
        sizes[s["format"]] += (tmp_path / s["file"]).stat().st_size
    assert sizes == info.bytes_by_format
    documents = yaml.safe_load((tmp_path / CATALOGUE).read_text(encoding="utf-8"))["documents"]
    assert [len(d["sources"]) for d in documents] == [PAGES_PER_DOCUMENT, 20]
    assert [d["type"] for d in documents] == list(TYPES[:2])
    urls = [d["url"] for d in documents] + [s["url"] for s in sources]
    assert len(set(urls)) == len(urls)
    assert all(u.startswith("https://www.helsedirektoratet.no/") for u in urls)


def test_pages_average_five_to_ten_kilobytes(tmp_path: Path) -> None:
    info = write_corpus(200, tmp_path)
    average = sum(info.bytes_by_format.values()) / info.pages
    assert 5000 <= average <= 10000
    for fmt in ("html", "hapi", "capture"):  # PDF pages are shorter: one page after the cover
        assert 5000 <= info.bytes_by_format[fmt] / info.files_by_format[fmt] <= 10000


def test_the_text_stays_within_windows_1252(corpus: Path) -> None:
    """The PDF writer's fonts; the PDFs themselves would not have been written otherwise."""
    for source in _sources(corpus):
        if source["format"] != "pdf":
            (corpus / source["file"]).read_text(encoding="utf-8").encode("cp1252")


def test_every_file_is_one_page_for_its_reader_in_its_chapter(corpus: Path) -> None:
    for source in _sources(corpus):
        data = (corpus / source["file"]).read_bytes()
        fmt = source["format"]
        assert infer_format(source["file"], data) == fmt
        document = source["document"]
        entry = SourceEntry(corpus / source["file"], fmt, source["file"], source["url"])
        entry.document, entry.document_type = document["title"], document["type"]
        (page,) = reader_for(fmt)(data, entry).pages
        assert page.source_url == source["url"]
        # A PDF cannot name a chapter: its page sits directly under the document.
        chapter = page.chapter in benchtext.CHAPTERS if fmt != "pdf" else page.chapter == ""
        assert chapter, (source["file"], page.chapter)


def test_the_corpus_converts_without_a_single_diagnostic(converted: tuple[RunReport, Path]) -> None:
    run, _ = converted
    assert not run.failed
    assert run.all_diagnostics() == []
    assert len(run.files) == PAGES and all(f.pages == 1 for f in run.files)


def test_every_sentence_is_kept(converted: tuple[RunReport, Path]) -> None:
    run, _ = converted
    assert all(f.sentences_kept == f.sentences_total >= 20 for f in run.files)


def test_reference_lists_are_parsed_and_every_citation_links_to_its_entry(
    converted: tuple[RunReport, Path], kb: dict[str, Any]
) -> None:
    run, _ = converted
    refs = [f.references for f in run.files if f.format in CITING]
    assert len(refs) == MIX["html"] + MIX["capture"] and all(2 <= n <= 6 for n in refs)
    pages = [p for d in kb["documents"] for p in d["pages"]]
    citing = [p for p in pages if p["source_file"].endswith((".html", ".txt"))]
    assert len(citing) == MIX["html"] + MIX["capture"]
    for page in citing:
        assert all(r["year"] and r["authors"] and r["kind"] for r in page["references"])
        cited = sorted(c["reference"] for c in page["citations"])
        assert cited == sorted(r["id"] for r in page["references"]), page["source_file"]


def test_roles_are_tagged_on_every_page(kb: dict[str, Any]) -> None:
    pages = [p for d in kb["documents"] for p in d["pages"]]
    for page in pages:
        blocks = [b for s in page["sections"] for b in s["blocks"]]
        assert any(b["roles"] for b in blocks), page["source_file"]
    found = {role for p in pages for role in p["roles"]}
    assert found == {"fastlege", "kommune", "spesialisthelsetjenesten"}


def test_every_page_links_the_other_document_a_law_and_explains_an_abbreviation(
    converted: tuple[RunReport, Path], kb: dict[str, Any]
) -> None:
    _, docs = converted
    slugs = [d["id"] for d in kb["documents"]]
    assert len(slugs) == 2
    for doc, other in zip(slugs, reversed(slugs), strict=True):
        for path in (docs / doc).rglob("*.md"):
            if path.name == "index.md":
                continue
            text = path.read_text(encoding="utf-8")
            assert re.search(rf"\]\((?:\.\./)+{other}/index\.md\)", text), path
            assert "](https://lovdata.no/" in text, path
            assert re.search(r"^\*\[(?:FL|SH|IP|LMS|DPS)\]: ", text, re.MULTILINE), path


def test_the_nav_has_documents_then_chapters_then_pages(
    converted: tuple[RunReport, Path], kb: dict[str, Any]
) -> None:
    nav = yaml.safe_load((converted[1] / NAV_FILE).read_text(encoding="utf-8"))["nav"]
    titles = [d["title"] for d in kb["documents"]]
    documents = [e for e in nav if isinstance(e, dict) and next(iter(e)) in titles]
    assert [next(iter(d)) for d in documents] == titles
    # (chapters, PDF pages directly under the document, pages in chapters) per document
    for document, shape in zip(documents, ((5, 2, 38), (3, 1, 19)), strict=True):
        children = next(iter(document.values()))[1:]
        chapters = [next(iter(c.items())) for c in children if isinstance(c, dict)]
        sections = [(name, entries) for name, entries in chapters if isinstance(entries, list)]
        assert {name for name, _ in sections} <= set(benchtext.CHAPTERS)
        assert all(entries[0].endswith("/index.md") for _, entries in sections)
        in_chapters = sum(len(entries) - 1 for _, entries in sections)
        assert (len(sections), len(chapters) - len(sections), in_chapters) == shape


def test_document_titles_stay_distinct_beyond_the_combinations() -> None:
    titles = benchtext.document_titles(random.Random(1), 400)
    assert len(set(titles)) == 400
    assert sum(" – del " in t for t in titles) == 400 - len(benchtext.PREFIXES) * len(
        benchtext.CONDITIONS
    )


def test_enrichment_on_both_cores_gives_what_one_process_gives(corpus: Path) -> None:
    """Law and mention links, glossary, topics, role tags, diagnostics and every page: the
    same from forked workers (a corpus with law references, mentions of the other document,
    abbreviations, unexplained capitals, topics and role statements)."""
    from helsekb import catalogue

    out = []
    for workers in (1, 2):
        sources, _ = pipeline.read_all(catalogue.load(corpus)[0])
        kb = pipeline.assemble(sources)
        diagnostics = pipeline.enrich(kb, workers)
        files = pipeline.render_parts(kb, workers=workers).files
        out.append((diagnostics, kb.topics, kb.glossary, kb.abbreviations, files))
    assert out[0] == out[1]
    _, topics, glossary, _, files = out[0]
    assert topics and glossary and any(g.pages for g in glossary)
    pages = [files[page.path] for page in kb.pages()]
    assert all("](https://lovdata.no/" in text for text in pages)
    assert all(re.search(r"\]\((?:\.\./)+[^)]+/index\.md\)", text) for text in pages)
