"""Several sources of one page (capture + HTML): one page, fields by the precedence table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from helsekb import merge, pipeline
from helsekb.model import Page
from tests.conftest import FIXTURES, SOURCES

STEMS = [
    "utmattelse--fastlegen-bor-igangsette-og-koordinere-tiltak",
    "utmattelse--virksomhetsleder-bor-sorge-for-forutsigbar-oppfolging",
    "psykisk-helse-og-rusarbeid--i-hovedforlop-3-bor-kommunen-samarbeide",
]


def _catalogue(src: Path) -> None:
    """The bundled catalogue's documents, each page listed as its capture and its HTML."""
    data = yaml.safe_load((SOURCES / "sources.yml").read_text(encoding="utf-8"))
    documents = []
    for doc in data["documents"]:
        entries = [e for e in doc["sources"] if e["file"].removesuffix(".txt") in STEMS]
        if entries:
            html = [
                {**e, "file": e["file"].replace(".txt", ".html"), "format": "html"} for e in entries
            ]
            documents.append({**doc, "sources": entries + html})
    (src / "sources.yml").write_text(yaml.safe_dump({"documents": documents}, allow_unicode=True))


def test_capture_and_html_of_a_page_become_one_page(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "docs"
    src.mkdir()
    for stem in STEMS:
        shutil.copy(SOURCES / f"{stem}.txt", src)
        shutil.copy(FIXTURES / "html" / f"{stem}.html", src)
    _catalogue(src)
    run = pipeline.convert(src, out)
    assert not run.failed, [str(d) for d in run.all_diagnostics()]
    assert all(f.sentences_kept == f.sentences_total for f in run.files)
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    pages = [p for d in kb["documents"] for p in d["pages"]]
    assert len(pages) == 3
    for page in pages:
        kinds = [s["kind"] for s in page["sections"]]
        assert kinds == ["recommendation", "praktisk", "begrunnelse"], page["title"]
        sources = page["field_sources"]
        assert sources["sections"].endswith(".html") and sources["cite_as"].endswith(".html")
    assert len(list(out.rglob("*.md"))) == len(set(out.rglob("*.md")))


def _page(source_file: str, **fields: object) -> Page:
    return Page(title=f"fra {source_file}", source_file=source_file, document=None, **fields)  # type: ignore[arg-type]


def test_precedence_takes_each_field_from_the_most_trusted_source_that_has_it() -> None:
    api = _page("p.json", first_published=None, cite_as="")
    html = _page("p.html", cite_as="Helsedirektoratet (2026) …", last_reviewed_text="Siste …")
    capture = _page("p.txt", cite_as="fra fangst")
    merged = merge.merge([("capture", capture), ("html", html), ("hapi", api)])
    assert merged is capture
    assert merged.title == "fra p.json" and merged.cite_as == "Helsedirektoratet (2026) …"
    assert merged.field_sources["title"] == "p.json"
    assert merged.field_sources["cite_as"] == "p.html"
    assert "first_published" not in merged.field_sources


def test_url_keys_fold_what_does_not_name_another_page() -> None:
    a = merge.url_key("https://WWW.helsedirektoratet.no/veiledere/x/")
    assert a == merge.url_key("http://www.helsedirektoratet.no/veiledere/x?utm=1#top")
    assert a != merge.url_key("https://www.helsedirektoratet.no/veiledere/y")
    assert merge.url_key("") == ""
