"""Search: Norwegian analysis (Python = browser), the index writer, and the query set.

The query set (fixtures/search_queries.yml) runs through the browser's own engine in node,
on the index written from the bundled corpus.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helsekb import catalogue, pipeline
from helsekb.model import KnowledgeBase, ListItem
from helsekb.report import RunReport
from helsekb.search import analyse, postings, synthetic
from helsekb.search.synonyms import expansion_words
from helsekb.writers import search_index
from tests.conftest import FIXTURES, ROOT, SOURCES

JS = ROOT / "overrides" / "assets" / "javascripts" / "search"
QUERIES = yaml.safe_load((FIXTURES / "search_queries.yml").read_text(encoding="utf-8"))
LOAD = f"""
globalThis.window = globalThis;
for (const f of ["norwegian-stemmer.js", "analyse.js", "engine.js"]) require({str(JS)!r} + "/" + f);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
"""
ANALYSE = (
    LOAD + "console.log(JSON.stringify(input.map(w => [helsekbNorwegianStem(w), "
    "helsekbAnalyse.keys(w)])));"
)
LOAD_INDEX = (
    LOAD
    + """
require(input.docs + "/sok/indeks.js");
const index = new helsekbSearch.Index(window.__helsekbSok);
"""
)
"""The engine and a built index's core (``docs``: the folder holding ``sok/``)."""
SEARCH = (
    LOAD_INDEX
    + """
for (const [kind, starts] of Object.entries(index.data.parts)) {
  starts.forEach((_, n) => {
    const name = kind + "-" + n;
    require(input.docs + "/sok/" + name + ".js");
    index.addPart(name, window.__helsekbSokDel[name]);
  });
}
console.log(JSON.stringify(input.queries.map(q => {
  const r = index.search(q.query, {role: q.role || ""});
  return {total: r.total, titles: r.hits.map(h => h.title), kinds: r.hits.map(h => h.kind),
          matched: r.matched, partial: r.partial, pending: r.pending, counts: r.counts};
})));
"""
)


ON_DEMAND = (
    LOAD_INDEX
    + """
const loaded = [];
console.log(JSON.stringify(input.queries.map(q => {
  let r = index.search(q, {}, 20), rounds = 0;
  while (r.pending.length) {
    for (const name of r.pending) {
      require(input.docs + "/sok/" + name + ".js");
      index.addPart(name, window.__helsekbSokDel[name]);
      loaded.push(name);
    }
    r = index.search(q, {}, 20);
    rounds++;
  }
  const titles = r.hits.map(h => h.url + " " + h.title);
  return {titles, total: r.total, rounds, loaded: loaded.length};
})));
"""
)


def node(script: str, data: Any) -> Any:
    """Run ``script`` in node with ``data`` as JSON on stdin; its JSON output."""
    exe = shutil.which("node")
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node not found (CI=true: the browser-side search must be tested)")
        pytest.skip("node not found: apt-get install -y nodejs")
    done = subprocess.run(
        [exe, "-e", script], input=json.dumps(data), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def corpus_words(docs: Path) -> list[str]:
    """Every distinct word of the sources and of the written knowledge base."""
    text = [p.read_text(encoding="utf-8", errors="replace") for p in SOURCES.rglob("*.*")]
    text.append((docs / "kb.json").read_text(encoding="utf-8"))
    return sorted({w for t in text for w in analyse.words(t)})


# Analysis -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        "pasient pasienten pasientene pasienter",
        "kommune kommunen kommunene",
        "retningslinje retningslinjer retningslinjene",
        "behandling behandlingen behandlingene",
        "fastlege fastlegen fastleger",
        "oppfølging oppfolging oppfoelging Oppfølgingen",
        "pårørende parorende paaroerende",
        "ernæring ernaering",
    ],
)
def test_forms_of_a_word_share_one_key(forms: str) -> None:
    assert len(set(analyse.keys(forms))) == 1, analyse.keys(forms)


def test_no_stop_words_are_dropped() -> None:
    assert analyse.keys("Skal bør ikke, ingen og i") == ["skal", "bor", "ikk", "ing", "og", "i"]


def test_different_words_keep_different_keys() -> None:
    assert len(set(analyse.keys("pasient kommune fastlege lege sykehus"))) == 5


def test_expansion_words_drop_parentheses() -> None:
    assert expansion_words("Fastlege(r)") == "Fastlege"
    assert expansion_words("Arbeids- og velferdsforvaltningen (Nav)") == (
        "Arbeids- og velferdsforvaltningen"
    )


def test_browser_and_python_give_the_same_keys_for_every_corpus_word(
    converted: tuple[RunReport, Path],
) -> None:
    words = corpus_words(converted[1])
    assert len(words) > 1500
    expected = [[analyse.stem(w), analyse.keys(w)] for w in words]
    got = node(ANALYSE, words)
    assert [w for w, e, g in zip(words, expected, got, strict=True) if e != g] == []


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.text(alphabet="aeiouyåæøêòóôbcdfghjklmnprstvkz'", min_size=1, max_size=14),
        min_size=50,
        max_size=200,
    )
)
def test_browser_stemmer_matches_snowball_on_any_word(words: list[str]) -> None:
    got = node(ANALYSE, words)
    assert [g[0] for g in got] == [analyse.stem(w) for w in words]


# The index ------------------------------------------------------------------------------


def corpus_kb() -> KnowledgeBase:
    entries, _ = catalogue.load(SOURCES)
    sources, _ = pipeline.read_all(entries)
    kb = pipeline.assemble(sources)
    pipeline.enrich(kb)
    return kb


def test_varint_round_trip_values_are_compact() -> None:
    assert postings.varint(0) == "0"
    assert postings.varint(31) == "v"
    assert len(postings.varint(1000)) == 2


def unvarints(text: str) -> list[int]:
    """The numbers of a varint string (postings.varint, one after another)."""
    out, value, shift = [], 0, 0
    for char in text:
        code = postings.ALPHABET.index(char)
        if code >= 32:
            value |= (code - 32) << shift
            shift += 5
        else:
            out.append(value | (code << shift))
            value, shift = 0, 0
    return out


def test_varints_decode_to_what_was_encoded() -> None:
    values = [0, 1, 31, 32, 1000, 4095, 2**20]
    assert unvarints("".join(postings.varint(v) for v in values)) == values


def test_index_is_deterministic_and_pinned(converted: tuple[RunReport, Path]) -> None:
    kb = corpus_kb()
    first = pipeline.render(kb)
    second = pipeline.render(corpus_kb())
    written = {k: v for k, v in first.items() if k.startswith("sok/")}
    assert written == {k: v for k, v in second.items() if k.startswith("sok/")}
    assert sorted(written) == ["sok/indeks.js", "sok/poster-0.js", "sok/tekst-0.js"]
    data = json.loads(written["sok/indeks.js"].removeprefix("window.__helsekbSok = ")[:-2])
    info = unvarints(data["entryInfo"])
    kinds_all = [data["kinds"][i >> len(data["roles"])] for i in info]
    kinds = [k for k in kinds_all if k != "view"]
    assert len(kinds) == 53
    assert kinds.count("referanser") == 3
    assert kinds.count("document") == len(kb.documents) == 4
    targets = len(unvarints(data["targetDocs"]))
    assert targets == len(kb.pages()) + 4 + 3 + kinds_all.count("view")
    assert sum(unvarints(data["entryTargets"])) == targets - 1
    assert kinds_all.count("view") >= 4  # bibliography, glossary, topics, changes …
    assert len(unvarints(data["df"])) == len(data["keys"].split(" "))
    assert written == {k: (converted[1] / k).read_text(encoding="utf-8") for k in written}


def test_every_page_has_a_lead_entry_without_anchor() -> None:
    kb = corpus_kb()
    rendered = pipeline.render_parts(kb)
    collected = search_index.collect(kb, rendered.page_keys, rendered.views)
    urls = {collected.targets[f.target].url for f in collected.found if not f.entry.anchor}
    assert {p.path.removesuffix(".md") + ".html" for p in kb.pages()} <= urls


def test_index_built_in_parallel_is_the_same_as_built_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages' entries and the postings' weights are worked out in forked workers; the index
    must not depend on it."""
    kb = synthetic.knowledge_base(60, seed=5)
    monkeypatch.setattr(postings, "PARALLEL_ENTRIES", 0)  # fork for these few entries too
    forks: list[int] = []
    original = postings.parallel.fork_map

    def counting(func, items, workers, chunk=None, min_items=20):  # type: ignore[no-untyped-def]
        if getattr(func, "func", None) is postings._pairs:
            forks.append(len(items))
        return original(func, items, workers, chunk, min_items)

    monkeypatch.setattr(postings.parallel, "fork_map", counting)
    indexes = []
    for workers in (1, 2, 3):
        rendered = pipeline.render_parts(kb, workers=workers)
        keys, views = rendered.page_keys, rendered.views
        indexes.append(search_index.render_index(kb, keys, views, workers))
    assert forks == [1, 2, 3], "the entries in one, two and three runs"
    assert indexes[0] == indexes[1] == indexes[2] and len(indexes[0]) > 2


@given(st.integers(min_value=0, max_value=2**40))
def test_varint_lookup_agrees_with_the_encoding(value: int) -> None:
    assert postings.varint(value) == postings._varint(value)
    assert (
        not postings.varint(value)[-1:] or postings.ALPHABET.index(postings.varint(value)[-1]) < 32
    )


def test_synthetic_pages_are_seeded() -> None:
    first = pipeline.render(synthetic.knowledge_base(12, seed=3))
    assert first == pipeline.render(synthetic.knowledge_base(12, seed=3))
    assert first != pipeline.render(synthetic.knowledge_base(12, seed=4))


# The query set ------------------------------------------------------------------------


def _check(case: dict[str, Any], got: dict[str, Any]) -> None:
    where = f"{case['query']!r} {case.get('role', '')}"
    assert got["pending"] == [], where
    if "count" in case:  # content hits: generated overview pages (views) come and go
        assert sum(k != "view" for k in got["kinds"]) == case["count"], where
    if "first" in case:
        assert got["titles"][:1] == [case["first"]], where
    for title in case.get("includes", []):
        assert title in got["titles"], f"{where}: {title}"
    for title in case.get("excludes", []):
        assert title not in got["titles"], f"{where}: {title}"
    assert set(case.get("matched", [])) <= set(got["matched"]), where
    assert got["partial"] == case.get("partial", False), where


def test_query_set_on_the_bundled_corpus(converted: tuple[RunReport, Path]) -> None:
    cases = QUERIES["queries"]
    results = node(SEARCH, {"docs": str(converted[1]), "queries": cases})
    for case, got in zip(cases, results, strict=True):
        _check(case, got)


def test_parts_load_on_demand_and_give_the_same_results(tmp_path: Path) -> None:
    docs = _index_dir(synthetic.knowledge_base(300), tmp_path)
    parts = sorted(p.name for p in (docs / "sok").glob("*-*.js"))
    assert {p.split("-")[0] for p in parts} == {"poster", "tekst"}
    assert len(parts) > 10
    queries = ["pasientene", "kommunen ", "fastlegen skal", '"skal ikke" tilby', "retningslnjer "]
    lazy = node(ON_DEMAND, {"docs": str(docs), "queries": queries})
    eager = node(SEARCH, {"docs": str(docs), "queries": [{"query": q} for q in queries]})
    for query, got, want in zip(queries, lazy, eager, strict=True):
        assert got["total"] == want["total"] > 0, query
        assert [t.split(" ", 1)[1] for t in got["titles"]] == want["titles"][:20], query
        assert got["rounds"] >= (1 if query == queries[0] else 0), query
    first = lazy[0]["loaded"]
    assert first < len(parts) / 3, "the first query loads a small part of the index"


def test_a_title_match_outranks_every_reference_list() -> None:
    kb = corpus_kb()
    assert any(p.references for p in kb.pages())
    query = {"query": "utmattelse ", "role": ""}
    docs = ROOT / "docs"
    got = node(SEARCH, {"docs": str(docs), "queries": [query]})[0]
    first_reference = got["kinds"].index("referanser")
    titled = [n for n, t in enumerate(got["titles"]) if re.search("(?i)utmattelse", t)]
    assert titled and max(titled) < first_reference


def _with_roles(kb: KnowledgeBase, roles: dict[str, list[str]]) -> KnowledgeBase:
    """Page roles by document title; block and list-item roles cleared."""
    for doc in kb.documents:
        for page in doc.pages:
            page.roles = list(roles.get(doc.title, []))
            for block in page.blocks():
                block.roles = []
                for item in all_items(block.items):
                    item.roles = []
    return kb


def all_items(items: list[ListItem]) -> list[ListItem]:
    return [*items, *(x for i in items for x in all_items(i.children))]


def _index_dir(kb: KnowledgeBase, out: Path) -> Path:
    for rel, text in pipeline.render(kb).items():
        if rel.startswith("sok/"):
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def roles_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's index with the page roles the query set gives."""
    kb = _with_roles(corpus_kb(), QUERIES["roles"])
    return _index_dir(kb, tmp_path_factory.mktemp("roles"))


def test_role_narrowed_queries(roles_docs: Path) -> None:
    cases = QUERIES["role_queries"]
    results = node(SEARCH, {"docs": str(roles_docs), "queries": cases})
    for case, got in zip(cases, results, strict=True):
        _check(case, got)


def test_role_counts_narrow_and_untagged_pages_count_for_every_role(
    roles_docs: Path, tmp_path: Path
) -> None:
    got = node(SEARCH, {"docs": str(roles_docs), "queries": [{"query": "pasienten "}]})[0]
    counts = got["counts"]["role"]
    assert counts[""] == got["total"] == 29
    # Utmattelse 14 (fastlege), Psykisk helse 4 (kommune, SH), covid 1 (none), Oslo 10 (FL, SH)
    assert counts == {"": 29, "fastlege": 25, "kommune": 5, "spesialisthelsetjenesten": 15}
    untagged = _index_dir(_with_roles(corpus_kb(), {}), tmp_path)
    roleless = node(SEARCH, {"docs": str(untagged), "queries": [{"query": "pasienten "}]})
    assert set(roleless[0]["counts"]["role"].values()) == {29}
