"""The conversion cache: unchanged sources are not read again, unchanged runs not redone."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from helsekb import cache as cache_module
from helsekb import pipeline
from helsekb.cache import Cache, document_key
from helsekb.model import Document, DocumentRef, Page
from helsekb.report import Level, RunReport
from helsekb.stages import Stages
from helsekb.writers import roleviews
from tests.conftest import SOURCES

CAPTURE = "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SOURCES, tmp_path / "source_docs")
    return tmp_path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the sources the readers were run on (not recalled from the cache)."""
    calls: list[str] = []
    original = pipeline.read_sources

    def counting(entries, limits, keep=None):  # type: ignore[no-untyped-def]
        calls.extend(e.name for e in entries)
        return original(entries, limits, keep)

    monkeypatch.setattr(pipeline, "read_sources", counting)
    return calls


def _convert(project: Path, stages: Stages | None = None) -> RunReport:
    """Convert with the project's cache."""
    return pipeline.convert(
        project / "source_docs", project / "docs", cache=Cache(project / "cache"), stages=stages
    )


def _snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def _read_sources(stages: Stages) -> list[str]:
    return [s.name for s in stages.done]


def test_an_unchanged_run_is_replayed_and_leaves_docs_alone(project: Path) -> None:
    first = _convert(project)
    assert not first.failed
    before = _snapshot(project / "docs")
    stamp = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*")}
    stages = Stages()
    again = _convert(project, stages)
    assert _read_sources(stages) == ["cache check"], "nothing read, rendered or written"
    assert [f.sentences_kept for f in again.files] == [f.sentences_kept for f in first.files]
    assert any(d.message == pipeline.UNCHANGED for d in again.diagnostics)
    assert {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*")} == stamp
    assert _snapshot(project / "docs") == before


@pytest.mark.parametrize("split", [False, True], ids=["role-pages", "role-pages-per-document"])
def test_only_the_changed_source_is_read_and_the_output_matches_a_cold_run(
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
    split: bool,
) -> None:
    """Also with the role views split by document (rendered, and kept, with each document)."""
    if split:
        monkeypatch.setattr(roleviews, "ONE_PAGE_DUTIES", 5)
    _convert(project)
    assert (project / "docs" / "roller" / "fastlege").is_dir() == split
    assert len(reads) == 5
    cold = tmp_path_factory.mktemp("cold")
    for folder in ("source_docs", "docs"):  # the same sources and history snapshot
        shutil.copytree(project / folder, cold / folder)
    for root in (project, cold):
        path = root / "source_docs" / CAPTURE
        path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")
    reads.clear()
    run = _convert(project)
    assert not run.failed and reads == [CAPTURE]
    assert pipeline.convert(cold / "source_docs", cold / "docs").failed is False
    assert _snapshot(project / "docs") == _snapshot(cold / "docs")
    assert "En ny setning om rehabilitering." in (project / "docs" / "kb.json").read_text()


def test_only_documents_whose_model_changed_are_rendered_again(project: Path) -> None:
    """A document whose enriched model is unchanged is not rendered again; the changed one
    is (the output is a cold run's: see above)."""
    _convert(project)
    folder = project / "cache" / cache_module.RENDERED
    first = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pickle")}
    assert len(first) == 4, "one entry per document"
    path = project / "source_docs" / CAPTURE
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")
    assert not _convert(project).failed
    now = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pickle")}
    kept = {name for name, stamp in now.items() if first.get(name) == stamp}
    assert len(now) == 4 and len(kept) == 3, "three taken as they were, the old one pruned"
    files, data = pickle.loads((folder / next(iter(now.keys() - kept))).read_bytes())
    assert any("En ny setning om rehabilitering." in text for text in files.values())
    assert "En ny setning om rehabilitering." in data.decode()


def _change_beside_a_cold_copy(project: Path, cold: Path) -> None:
    """Copy the project's sources and output to ``cold``, and change a source in both."""
    for folder in ("source_docs", "docs"):  # the same sources and history snapshot
        shutil.copytree(project / folder, cold / folder)
    for root in (project, cold):
        path = root / "source_docs" / CAPTURE
        path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")


def _as_a_cold_run(project: Path, cold: Path) -> None:
    """Convert the project with its cache and ``cold`` without one: the same output."""
    assert not _convert(project).failed
    assert not pipeline.convert(cold / "source_docs", cold / "docs").failed
    assert _snapshot(project / "docs") == _snapshot(cold / "docs")


def _inodes(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_ino for p in docs.rglob("*.md")}


def test_unchanged_documents_files_are_linked_from_the_last_output(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Not written again: the new output's files of the unchanged documents are the old
    files (the same inodes); the changed document's and the whole site's are new."""
    _convert(project)
    before = _inodes(project / "docs")
    cold = tmp_path_factory.mktemp("cold")
    _change_beside_a_cold_copy(project, cold)
    _as_a_cold_run(project, cold)
    after = _inodes(project / "docs")
    same = {path for path, inode in after.items() if before.get(path) == inode}
    changed = {p for p, text in _snapshot(project / "docs").items() if b"En ny setning" in text}
    assert len(same) >= 8, "the unchanged documents' pages, index pages and role pages"
    assert not same & changed and "index.md" not in same
    assert all(not p.startswith(next(iter(changed)).split("/")[0]) for p in same)


@pytest.mark.parametrize("how", ["edited", "replaced", "no-search-keys", "no-links"])
def test_a_document_whose_old_files_are_not_as_written_is_rendered_again(
    project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    """The last output's files are taken only as the last run wrote them, with the cache's
    search keys, where the file system can link them: else the document is rendered (and
    the output is a cold run's, the edit undone)."""
    _convert(project)
    docs = project / "docs"
    page = min((docs / "utmattelse-langvarig-utmattelse-inkl-me-cfs").rglob("*.md"))  # unchanged
    cold = tmp_path_factory.mktemp("cold")
    _change_beside_a_cold_copy(project, cold)
    if how == "edited":  # in place: the same file, a new time
        with page.open("a", encoding="utf-8") as stream:
            stream.write("\nEndret for hånd.\n")
    elif how == "replaced":  # as an editor saving a copy: a new file, its time kept
        text, info = page.read_bytes(), page.stat()
        page.unlink()
        page.write_bytes(text.replace(b"e", b"E", 1))
        os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    elif how == "no-search-keys":
        shutil.rmtree(project / "cache" / cache_module.SEARCH)
    else:
        monkeypatch.setattr(pipeline.os, "link", _no_links)
    _as_a_cold_run(project, cold)


def _no_links(source: Path, target: Path) -> None:
    raise OSError(f"hard links not supported: {target}")


def test_pages_are_enriched_again_only_when_they_or_what_they_are_linked_with_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A page's links, abbreviations, topics and role tags come from the cache while the
    page and its context are unchanged; a new document title changes every page's context
    (any page may mention it), so every page is worked on again."""
    from helsekb.enrichers import roles

    tagged: list[str] = []
    original = roles.page_tags

    def counting(vocab: roles.Vocabulary, document: str, page: Page) -> list[roles.Tag]:
        tagged.append(page.source_file)
        return original(vocab, document, page)

    monkeypatch.setattr(roles, "page_tags", counting)
    _convert(project)
    pages = len(tagged)
    assert pages >= 7
    path = project / "source_docs" / CAPTURE
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")
    tagged.clear()
    assert not _convert(project).failed
    assert tagged == [CAPTURE], "the changed page only"
    cold = tmp_path_factory.mktemp("cold")
    for folder in ("source_docs", "docs"):  # the same sources and history snapshot
        shutil.copytree(project / folder, cold / folder)
    for root in (project, cold):
        catalogue = root / "source_docs" / "sources.yml"
        text = catalogue.read_text(encoding="utf-8")
        catalogue.write_text(text.replace("title: Nasjonal plan for", "title: Plan for"), "utf-8")
    tagged.clear()
    assert not _convert(project).failed
    assert len(tagged) == pages, "every page: the names of the documents changed"
    assert not pipeline.convert(cold / "source_docs", cold / "docs").failed
    assert _snapshot(project / "docs") == _snapshot(cold / "docs")
    assert len(list((project / "cache" / cache_module.PAGES).glob("*.pickle"))) == pages


def test_rendered_files_are_keyed_by_the_model_the_change_dates_and_the_role_pages() -> None:
    """The model's key is taken before the change log dates the pages; a page newly dated
    (its badge) must not take the files rendered without the date, nor a document whose
    roles got a page per document (a choice made for the whole knowledge base) those
    rendered without them."""
    from datetime import date

    from helsekb.enrichers.roles import load_vocabulary

    doc = Document("Retningslinje", pages=[Page("Side", "a.txt", DocumentRef("Retningslinje"))])
    views = roleviews.RoleViews([], [], {})
    part = pipeline.DocumentPart(doc, document_key(doc), {}, views)
    undated = part.render_key()
    assert pipeline.DocumentPart(doc, document_key(doc), {}, views).render_key() == undated
    doc.pages[0].changed = date(2026, 11, 24)
    assert part.render_key() != undated
    assert pipeline.DocumentPart(doc, "", {}, views).render_key() != part.render_key()
    split = roleviews.RoleViews([], [load_vocabulary().roles[0]], {})
    assert pipeline.DocumentPart(doc, part.key, {}, split).render_key() != part.render_key()


def test_a_document_key_depends_on_values_not_on_shared_objects() -> None:
    """A freshly read source shares strings that one recalled from the cache does not (and
    the other way round): the same values must give the same key."""
    title = "".join(["Oppfølging ", "av pasienter"])
    ref = DocumentRef("Retningslinje")

    def document(second_title: str) -> Document:
        pages = [Page(title, "a.txt", ref), Page(second_title, "a.txt", ref)]
        return Document("Retningslinje", pages=pages)

    shared, apart = document(title), document("".join(["Oppfølging av ", "pasienter"]))
    assert shared.pages[1].title is title and apart.pages[1].title is not title
    assert document_key(shared) == document_key(apart)
    assert document_key(shared) != document_key(document("Utredning"))


def test_fidelity_renders_only_pages_whose_markdown_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page texts come from the last run when the page's Markdown is unchanged; a source
    whose page is unchanged is still checked (a sentence lost from it is still an error)."""
    from helsekb import fidelity

    rendered: list[str] = []
    original = fidelity.page_text

    def counting(text: str) -> str:
        rendered.append(text)
        return original(text)

    monkeypatch.setattr(fidelity, "page_text", counting)
    first = _convert(project)
    assert not first.failed and len(rendered) >= 9
    kept = sum(f.sentences_kept for f in first.files)
    path = project / "source_docs" / CAPTURE
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")
    rendered.clear()
    second = _convert(project)
    assert not second.failed and sum(f.sentences_kept for f in second.files) == kept + 1
    assert 1 <= len(rendered) <= 3, "the changed page and its document's index only"
    assert any("En ny setning om rehabilitering." in text for text in rendered)
    stored = pickle.loads((project / "cache" / cache_module.PAGE_TEXTS).read_bytes())
    assert len(stored) >= 9 and all(isinstance(t, str) and t for t in stored.values())

    (project / "docs" / "index.md").write_text("endret for hånd\n")  # not replayed: checked
    monkeypatch.setattr(fidelity, "page_text", lambda text: "")  # nothing was kept, says it
    assert _convert(project).failed is False, "unchanged pages: texts from the last run"
    path.write_text(path.read_text(encoding="utf-8") + "\nEnda en setning om mestring.\n")
    lost = _convert(project)
    assert lost.failed
    assert any("Enda en setning" in d.message for d in lost.all_diagnostics())


def test_fidelity_checks_again_only_sources_whose_text_or_pages_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helsekb import fidelity

    checked: list[str] = []
    original = fidelity.check

    def counting(main_text: str, boilerplate: list[str], texts: list[str]) -> fidelity.Fidelity:
        checked.append(main_text)
        return original(main_text, boilerplate, texts)

    monkeypatch.setattr(fidelity, "check", counting)
    first = _convert(project)
    assert len(checked) == 5
    (project / "docs" / "index.md").write_text("endret for hånd\n")  # not replayed: checked
    checked.clear()
    again = _convert(project)
    assert checked == [], "every result from the last run"
    assert [f.sentences_kept for f in again.files] == [f.sentences_kept for f in first.files]
    path = project / "source_docs" / CAPTURE
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")
    changed = _convert(project)
    assert len(checked) == 1 and "En ny setning om rehabilitering." in checked[0]
    assert (
        sum(f.sentences_kept for f in changed.files)
        == sum(f.sentences_kept for f in first.files) + 1
    )
    results = pickle.loads((project / "cache" / cache_module.CHECKS).read_bytes())
    assert len(results) == 5, "the current run's sources only"


def test_a_fidelity_result_is_taken_only_while_the_pages_are_the_same() -> None:
    """An unchanged source whose page changed (another source's change can do that) is
    checked again: a sentence lost from its page is still an error."""
    job = pipeline.FidelityJob("Første setning her. Andre setning her.", [], ["a.md"])
    whole = {"a.md": "Første setning her. Andre setning her.\n"}
    known, (result,) = pipeline.check_pages([job], whole.__getitem__)
    assert result.ok and result.kept == 2 and len(known.checks) == 1
    again, (same,) = pipeline.check_pages([job], whole.__getitem__, known)
    assert same is known.checks[next(iter(known.checks))], "taken from the last run"
    cut = {"a.md": "Første setning her.\n"}
    _, (lost,) = pipeline.check_pages([job], cut.__getitem__, again)
    assert lost.missing == ["Andre setning her."]


def test_a_cached_source_is_not_read_again(project: Path, reads: list[str]) -> None:
    _convert(project)
    (project / "docs" / "index.md").write_text("endret for hånd\n")  # the run is not replayed
    reads.clear()
    run = _convert(project)
    assert not run.failed and reads == []
    assert (project / "docs" / "index.md").read_text() != "endret for hånd\n"


def test_a_broken_cache_file_is_read_again(project: Path, reads: list[str]) -> None:
    _convert(project)
    for path in (project / "cache" / "read").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    (project / "cache" / cache_module.LAST_RUN).unlink()
    reads.clear()
    run = _convert(project)
    assert not run.failed and len(reads) == 5
    assert sum(f.sentences_kept for f in run.files) == 503
    for path in (project / "cache" / "read").glob("*.pickle"):
        assert pickle.loads(path.read_bytes())  # rewritten


def test_a_catalogue_change_is_a_new_key(project: Path) -> None:
    _convert(project)
    keys = {p.name for p in (project / "cache" / "read").glob("*.pickle")}
    catalogue = project / "source_docs" / "sources.yml"
    catalogue.write_text(catalogue.read_text().replace("type: Rapport", "type: Veileder"))
    run = _convert(project)
    assert not run.failed
    now = {p.name for p in (project / "cache" / "read").glob("*.pickle")}
    assert len(now - keys) == 1 and len(keys - now) == 1, "one entry changed, the old pruned"


def test_what_an_earlier_version_kept_and_this_one_does_not_is_removed(project: Path) -> None:
    retired = project / "cache" / cache_module.RETIRED[0]
    retired.mkdir(parents=True)
    (retired / "0123.pickle").write_bytes(pickle.dumps({"documents": []}))
    assert not _convert(project).failed
    assert not retired.exists() and (project / "cache" / cache_module.READ).is_dir()


def test_failed_runs_are_not_remembered(project: Path) -> None:
    (project / "source_docs" / CAPTURE).write_bytes(b"")
    run = _convert(project)
    assert run.failed
    assert not (project / "cache" / cache_module.LAST_RUN).exists()
    again = _convert(project)
    assert again.failed
    assert any(d.level is Level.ERROR for f in again.files for d in f.diagnostics)


def test_stages_are_timed(project: Path) -> None:
    stages = Stages()
    _convert(project, stages)
    names = _read_sources(stages)
    assert names[:4] == ["cache check", "read", "enrich", "markdown"]
    assert names[4:] == ["search index", "fidelity", "write"]
    assert all(s.seconds >= 0 and s.peak_mb > 10 for s in stages.done)
    out = project / "timings.json"
    stages.write(out)
    assert [s["name"] for s in json.loads(out.read_text())] == names


def test_a_reference_text_parsed_by_the_last_run_is_not_parsed_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its fields come from the cache (the same as parsing gives: the output is a cold
    run's, tested above); each reference gets its own list of authors; a change of code
    parses every text again."""
    from helsekb.enrichers import references

    parsed: list[str] = []
    original = references.parse

    def counting(raw: str) -> references.Fields:
        parsed.append(raw)
        return original(raw)

    monkeypatch.setattr(references, "parse", counting)
    assert not _convert(project).failed
    texts = len(set(parsed))
    assert texts >= 11 and len(parsed) == texts, "each text once"
    parsed.clear()
    path = project / "source_docs" / CAPTURE
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny setning om rehabilitering.\n")
    assert not _convert(project).failed
    assert parsed == []
    known = Cache(project / "cache").parsed_references()
    assert len(known) == texts and all(known[raw] == original(raw) for raw in known), (
        "what is kept is what parsing gives"
    )
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "another version")
    assert Cache(project / "cache").parsed_references() == {}
    path.write_text(path.read_text(encoding="utf-8") + "\nEnda en setning.\n")
    assert not _convert(project).failed
    assert len(parsed) == texts


def test_references_with_one_text_do_not_share_their_authors() -> None:
    from helsekb.enrichers import references
    from helsekb.model import KnowledgeBase, Reference

    raw = "Hunt J, Smith K. Rehabilitering etter covid-19. Tidsskr Nor Legeforen. 2021;141(3):1-5."

    def knowledge_base(*refs: Reference) -> KnowledgeBase:
        page = Page("Side", "a.txt", DocumentRef("Dok"), references=list(refs))
        return KnowledgeBase(documents=[Document("Dok", pages=[page])])

    kb = knowledge_base(Reference(raw), Reference(raw))
    known = references.parse_all(kb, {})
    first, second = kb.documents[0].pages[0].references
    assert first.authors == ["Hunt, J.", "Smith, K."] and first.authors is not second.authors
    again = knowledge_base(Reference(raw))
    references.parse_all(again, known)
    (ref,) = again.documents[0].pages[0].references
    assert ref.authors == first.authors and ref.authors is not known[raw].authors


def test_a_page_result_the_cache_has_but_cannot_read_is_worked_out_again(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The worker that finds the result's file leaves the loading to the parent; a file
    broken in between gets the page worked on there (the output is a cold run's)."""
    _convert(project)
    folder = project / "cache" / cache_module.PAGES
    kept = sorted(folder.glob("*.pickle"))
    assert len(kept) >= 7
    for path in kept:
        path.write_bytes(b"not a pickle")
    cold = tmp_path_factory.mktemp("cold")
    _change_beside_a_cold_copy(project, cold)
    _as_a_cold_run(project, cold)
    cache = Cache(project / "cache")
    assert all(cache.get_page(p.stem) is not None for p in folder.glob("*.pickle"))
