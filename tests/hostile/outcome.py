"""How each hostile input must end, checked against the session's two runs."""

from __future__ import annotations

import re

import markdown
from lxml import html as lxml_html

from helsekb import fidelity
from helsekb.fuzzcheck import source_text
from helsekb.readers.clean import clean_inline
from helsekb.report import Level
from helsekb.writers import frontmatter
from tests.hostile.cases import Case
from tests.hostile.conftest import Run

_OUTSIDE = re.compile(r"(https?|mailto):", re.IGNORECASE)
_SEE_ALSO = re.compile(r"^## Se også .*?(?=\n\n(?!- )|\Z)", re.MULTILINE | re.DOTALL)
"""The *Se også* block: it lists other pages by their (hostile) titles."""


def pages_of(run: Run, source: str) -> dict[str, str]:
    """The Markdown pages read from ``source``: path -> content."""
    return {
        path: text
        for path, text in run.files.items()
        if path.endswith(".md") and frontmatter.parse(text)[0].get("source_file") == source
    }


def outside_links(pages: dict[str, str]) -> set[str]:
    """Link targets to other sites in the rendered pages (internal links left out)."""
    md = markdown.Markdown(
        extensions=fidelity.EXTENSIONS, extension_configs=fidelity.EXTENSION_CONFIGS
    )
    hrefs: set[str] = set()
    for text in pages.values():
        tree = lxml_html.fromstring(f"<div>{md.reset().convert(frontmatter.parse(text)[1])}</div>")
        hrefs |= {href for href in tree.xpath("//a/@href") if _OUTSIDE.match(href)}
    return hrefs


def assert_outcome(case: Case, converted: Run, failed: Run) -> None:
    if case.error:
        assert_one_clear_error(case, failed)
    else:
        assert_sanitised(case, converted)


def assert_one_clear_error(case: Case, failed: Run) -> None:
    (report,) = [f for f in failed.report.files if f.file == case.name]
    (diagnostic,) = report.diagnostics
    line = str(diagnostic)
    assert diagnostic.level is Level.ERROR, line
    assert line.startswith(f"{case.name}:") and "\n" not in line, line
    assert re.search(case.error, diagnostic.message), line


def assert_sanitised(case: Case, converted: Run) -> None:
    (report,) = [f for f in converted.report.files if f.file == case.name]
    assert not report.failed, [str(d) for d in report.diagnostics]
    assert report.sentences_total >= 1 and report.sentences_kept == report.sentences_total
    pages = pages_of(converted, case.name)
    assert pages, f"{case.name}: no page written"
    text = source_text(converted.files, case.name)
    assert [m for m in case.must if clean_inline(m) not in text] == []
    own = {path: _SEE_ALSO.sub("", md) for path, md in pages.items()}  # others' titles
    raw = "\n".join(own.values())
    own_text = fidelity.rendered_text(list(own.values()))
    assert [bad for bad in case.must_not if bad in raw or bad in own_text] == []
    if case.links is not None:
        assert outside_links(pages) == case.links
    if case.title is not None:
        assert case.title in converted.page_titles(case.name)
