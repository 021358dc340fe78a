"""The whole conversion on the real corpus: fidelity, determinism, bad input, atomic output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helsekb import pipeline
from helsekb.report import Level, RunReport
from helsekb.writers import frontmatter
from tests.conftest import FIXTURES, ROOT, SOURCES

CAPTURE = "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt"
PDF = "pakkeforlop-psykisk-helse-og-rus-fastleger-og-spesialisthelsetjeneste.pdf"
FRONT_MATTER_KEYS = {
    "kind", "title", "document", "document_slug", "document_type", "chapter", "status",
    "hearing_notice", "hearing_deadline", "last_reviewed", "last_reviewed_text", "first_published",
    "retrieved", "changed", "source_url", "source_file", "cite_as", "roles", "tags",
}  # fmt: skip


CHROME = (
    "Gå til hovedinnhold", "Følg oss", "Personvernerklæring", "Du benytter en nettleser",
    "Se tidligere versjoner", "Postboks 220", "Innhold:",
)  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_default_corpus_converts_with_full_fidelity(converted: tuple[RunReport, Path]) -> None:
    run, _ = converted
    assert not run.failed, [str(d) for d in run.all_diagnostics()]
    figures = {f.file: (f.pages, f.references) for f in run.files}
    assert figures == {
        "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak.txt": (1, 4),
        "utmattelse--virksomhetsleder-bor-sorge-for-forutsigbar-oppfolging.txt": (1, 3),
        "psykisk-helse-og-rusarbeid--i-hovedforlop-3-bor-kommunen-samarbeide.txt": (1, 4),
        "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.txt": (1, 0),
        PDF: (3, 0),
    }
    for f in run.files:
        assert f.sentences_total > 20 and f.sentences_kept == f.sentences_total, f.file


def test_committed_docs_are_reproduced_exactly(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    assert tree(out) == tree(ROOT / "docs"), "docs/ is stale: run 'helsekb convert' and commit"


def test_two_runs_are_byte_identical(converted: tuple[RunReport, Path], tmp_path: Path) -> None:
    _, first = converted
    run = pipeline.convert(SOURCES, tmp_path / "docs")
    assert not run.failed
    assert tree(tmp_path / "docs") == tree(first)


def test_layout_and_front_matter(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    views = {"roller", "temaer", "bibliografi"}
    pages = sorted(
        p for p in out.rglob("*.md") if p.name != "index.md" and not views & set(p.parts)
    )
    assert len(pages) == 7
    for path in pages:
        meta, body = frontmatter.parse(path.read_text(encoding="utf-8"))
        assert set(meta) <= FRONT_MATTER_KEYS, path
        assert meta["kind"] == "page" and meta["source_file"] and meta["document_type"]
        assert body.startswith("\n# "), path
    page = out / "psykisk-helse-og-rusarbeid-for-voksne" / "kartlegging-og-hovedforlop"
    meta, _ = frontmatter.parse(next(page.glob("i-hovedforlop-3*.md")).read_text(encoding="utf-8"))
    assert meta["source_url"].startswith("https://www.helsedirektoratet.no/veiledere/")
    assert str(meta["hearing_deadline"]) == "2024-05-16" and meta["status"] == "høringsutkast"
    assert (out / "index.md").exists() and (out / "kb.json").exists()


def test_no_boilerplate_anywhere(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    text = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_kb_json_shape(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    assert kb["schema"] == 1 and len(kb["documents"]) == 4
    assert kb["abbreviations"]["FL"] == "Fastlege(r)"
    for doc in kb["documents"]:
        assert {"id", "title", "type", "status", "source_url", "pages"} <= set(doc)
        for page in doc["pages"]:
            assert (out / page["path"]).is_file()
            assert {s["kind"] for s in page["sections"]} <= {
                "recommendation", "praktisk", "begrunnelse", "nokkelinfo", "referanser",
                "supplementary", "section",
            }  # fmt: skip
            assert all(r["id"] and r["raw"] for r in page["references"])


def _bad_sources(root: Path) -> Path:
    src = root / "sources"
    src.mkdir()
    shutil.copy(SOURCES / CAPTURE, src / CAPTURE)
    (src / "empty.txt").write_bytes(b"")
    (src / "latin1.txt").write_bytes("Tittel\n\nPårørende bør involveres.\n".encode("cp1252"))
    (src / "truncated.pdf").write_bytes((SOURCES / PDF).read_bytes()[:5000])
    (src / "no-main.html").write_text("<html><body><nav>Meny</nav></body></html>", encoding="utf-8")
    (src / "notes.xyz").write_bytes(b"\x01\x02 what is this")
    return src


def test_bad_inputs_fail_clearly_and_leave_docs_untouched(tmp_path: Path) -> None:
    src = _bad_sources(tmp_path)
    out = tmp_path / "docs"
    out.mkdir()
    (out / "previous.md").write_text("forrige versjon\n", encoding="utf-8")
    run = pipeline.convert(src, out)
    assert run.failed
    errors = {f.file: [d for d in f.diagnostics if d.level is Level.ERROR] for f in run.files}
    assert {name for name, errs in errors.items() if errs} == {
        "empty.txt", "latin1.txt", "truncated.pdf", "no-main.html", "notes.xyz",
    }  # fmt: skip
    assert all(len(errs) <= 1 for errs in errors.values()), errors
    assert "windows-1252" in errors["latin1.txt"][0].message
    assert "unknown source format" in errors["notes.xyz"][0].message
    good = next(f for f in run.files if f.file == CAPTURE)
    assert good.pages == 1 and good.sentences_kept == good.sentences_total
    assert tree(out) == {"previous.md": b"forrige versjon\n"}
    assert not list(tmp_path.glob(".docs*")), "staging directory left behind"


def test_catalogue_errors_name_the_entry(tmp_path: Path) -> None:
    (tmp_path / "sources.yml").write_text(
        "documents:\n  - title: X\n    sources:\n      - file: a.txt\n        formatt: capture\n",
        encoding="utf-8",
    )
    run = pipeline.convert(tmp_path, tmp_path / "docs")
    (diag,) = run.diagnostics
    assert str(diag) == (
        "sources.yml:documents[1].sources[1]: error: "
        "unknown key 'formatt' (allowed: file, format, url)"
    )


def test_catalogued_file_missing_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources.yml").write_text(
        "documents:\n  - title: X\n    sources:\n      - file: borte.txt\n", encoding="utf-8"
    )
    run = pipeline.convert(tmp_path, tmp_path / "docs")
    assert [str(d) for d in run.all_diagnostics()] == ["borte.txt: error: file not found"]


def test_directory_without_catalogue_infers_formats(tmp_path: Path) -> None:
    shutil.copy(SOURCES / CAPTURE, tmp_path / "a.txt")
    html = (
        FIXTURES
        / "html"
        / "covid19-rehabilitering--4-oppsummering-av-de-mest-sentrale-tiltakene.html"
    )
    shutil.copy(html, tmp_path / "b.data")
    run = pipeline.convert(tmp_path, tmp_path / "docs")
    assert not run.failed, [str(d) for d in run.all_diagnostics()]
    assert {f.file: f.format for f in run.files} == {"a.txt": "capture", "b.data": "html"}


def test_a_staged_file_is_written_once(tmp_path: Path) -> None:
    """A second write to a path is an error, not a write into the file there (which may be
    a file of the last output, linked into the staging directory)."""
    old = tmp_path / "docs" / "a.md"
    old.parent.mkdir()
    old.write_text("as the last run wrote it\n", encoding="utf-8")
    staged = tmp_path / "staged"
    pipeline.write_tree({"b.md": "new\n"}, staged)
    (staged / "a.md").hardlink_to(old)
    with pytest.raises(FileExistsError):
        pipeline.write_tree({"a.md": "written again\n"}, staged)
    assert old.read_text(encoding="utf-8") == "as the last run wrote it\n"
    assert (staged / "b.md").read_text(encoding="utf-8") == "new\n"
