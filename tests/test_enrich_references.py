"""The reference parser: text-fixture cases (one per style) and the corpus's own entries."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from helsekb.enrichers.references import parse, person_or_org
from tests.conftest import FIXTURES

CASES_DIR = FIXTURES / "references"
FIELDS = (
    "authors", "year", "title", "container", "volume", "issue", "pages", "url", "doi",
    "accessed", "kind",
)  # fmt: skip


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


def expected(case: dict[str, Any]) -> dict[str, Any]:
    want = case["expect"]
    assert set(want) <= set(FIELDS), f"unknown field in case {case['name']!r}"
    empty: dict[str, Any] = {"authors": [], "kind": ""}
    return {f: want.get(f, empty.get(f)) for f in FIELDS}


def test_there_is_a_case_per_style() -> None:
    files = {p.stem for p in CASES_DIR.glob("*.yml")}
    assert files == {"apa", "reports", "vancouver"}
    assert len(load_cases()) == 17


@pytest.mark.parametrize("case", load_cases())
def test_reference_case(case: dict[str, Any]) -> None:
    assert asdict(parse(case["raw"])) == expected(case)


def test_every_corpus_entry_is_a_case_and_reaches_kb_json(converted: Any) -> None:
    """The 11 entries of the default corpus, as written to kb.json, read as their cases say."""
    _, out = converted
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    refs = [r for d in kb["documents"] for p in d["pages"] for r in p["references"]]
    cases = {_key(c.values[0]["raw"]): c.values[0] for c in load_cases()}
    assert len(refs) == 11
    for ref in refs:
        case = cases[_key(ref["raw"])]
        want = expected(case)
        assert {f: ref[f] or None for f in FIELDS} == {f: want[f] or None for f in FIELDS}
    kinds = sorted(r["kind"] for r in refs)
    assert kinds == ["article"] * 7 + ["guideline"] + ["report"] * 3


def _key(raw: str) -> str:
    return " ".join(raw.split()).rstrip(" ,")


@given(st.text(max_size=300))
def test_parser_never_fails_and_reads_only_what_is_there(text: str) -> None:
    fields = parse(text)
    for value in (fields.title, fields.container, fields.url, fields.doi):
        assert value is None or value.strip() == value


def test_cases_dir_is_documented() -> None:
    assert (CASES_DIR / "README.md").is_file()
    assert Path(CASES_DIR / "apa.yml").read_text(encoding="utf-8").startswith("#")


NICE = "National Institute for Health and Care Excellence"


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        (
            "Hunt, G. E., Siegfried, N., & Cleary, M.",
            ["Hunt, G. E.", "Siegfried, N.", "Cleary, M."],
        ),
        ("Hestevik CH, Langøien LJ", ["Hestevik, C. H.", "Langøien, L. J."]),
        ("van der Berg JA, De Haan L, et al", ["van der Berg, J. A.", "De Haan, L."]),
        (NICE, [NICE]),
        ("Sunnaas sykehus HF", ["Sunnaas sykehus HF"]),
        ("Helse Vest RHF", ["Helse Vest RHF"]),
    ],
)
def test_authors_are_people_or_one_organisation(text: str, authors: list[str]) -> None:
    assert person_or_org(text) == authors
