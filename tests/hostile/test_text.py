"""Text that looks like markup or template syntax, in every source kind (capture, HTML,
API JSON, PDF), and front-matter breakers in titles: all of it stays text."""

from __future__ import annotations

import html

import pytest
import yaml
from mkdocs.utils.meta import get_data

from tests.hostile.cases import BY_NAME, Case, of_kind
from tests.hostile.conftest import Run
from tests.hostile.outcome import assert_outcome, pages_of


@pytest.mark.parametrize("case", of_kind("text"), ids=lambda case: case.name)
def test_outcome(case: Case, hostile_run: Run, failed_run: Run) -> None:
    assert_outcome(case, hostile_run, failed_run)


@pytest.mark.parametrize(
    "name", ["front-matter-brytere.txt", "fiendtlige-felter.json", "markup-i-tekstfangst.txt"]
)
def test_front_matter_survives_titles_that_break_yaml(name: str, hostile_run: Run) -> None:
    """MkDocs reads the front matter back as plain strings: no tag is ever constructed."""
    title = BY_NAME[name].title
    assert title is not None
    for text in pages_of(hostile_run, name).values():
        body, meta = get_data(text)
        assert meta["title"] == html.escape(title, quote=False)
        assert meta["kind"] == "page" and body.lstrip().startswith("# ")
        assert yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n")) == meta


def test_metadata_from_hostile_breadcrumbs_is_kept_as_text(hostile_run: Run) -> None:
    (text,) = pages_of(hostile_run, "markup-i-tekstfangst.txt").values()
    _, meta = get_data(text)
    assert meta["document"] == "Fiendtlig <script>window.__pwned='crumb'</script> dokument"
    assert meta["chapter"] == "{{ config }} kapittel {% raw %}"
    assert "source_url" not in meta  # the capture's citation URL was javascript:
