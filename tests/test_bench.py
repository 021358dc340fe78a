"""``helsekb bench`` end to end on a small corpus: every step runs and every figure is there."""

from __future__ import annotations

from pathlib import Path

from helsekb import benchmark, benchtables

CONVERT = ["cache check", "read", "enrich", "markdown", "search index", "fidelity", "write"]
BUILD = [*CONVERT[:5], "site", "fidelity", "write"]
"""A build writes the staged conversion, builds the site from it while the fidelity check
runs beside it, and then waits for what is left of the check."""


def test_bench_measures_every_step_on_a_small_corpus(tmp_path: Path) -> None:
    result = benchmark.bench_size(40, tmp_path / "40", seed=7)
    assert result.corpus.pages == 40 and sum(result.corpus.files_by_format.values()) == 40
    assert [s["name"] for s in result.cold.stages] == BUILD
    assert [s["name"] for s in result.warm.stages] == ["cache check", "site"], "warm: replayed"
    incremental = [s["name"] for s in result.incremental.stages]
    assert incremental == CONVERT, "one source changed: converted again, no site step"
    for run in (result.cold, result.warm, result.incremental, result.plain):
        assert run.seconds > 0 and run.peak_mb > 20
    # Sampled while it ran (the largest process's figure counts shared pages in full, the
    # sum splits them, so the two are not ordered).
    assert result.cold.total_mb > 20 and result.warm.total_mb > 20
    assert 0 < result.floor_s < result.plain.seconds
    assert result.site_bytes > result.docs_bytes > 100_000
    assert 10_000 < result.html_mean < result.html_max
    assert [(r.fmt, r.files) for r in result.readers] == [("html", 18), ("pdf", 2)]
    assert all(r.helsekb_ms > 0 and r.other_ms > 0 for r in result.readers)
    assert 0.5 < result.readers[0].other_kept <= 1
    text = benchtables.tables([result])
    assert text.count("| 40 |") == 6 and "trafilatura extract()" in text
    assert f"| {result.cold.total_mb:,.0f} MiB |" in text
    result.cold.stages[1]["peak_mb"] = 4321.0  # a stage's high-water mark is the run's too
    assert "| 4,321 MiB |" in benchtables.tables([result])


def test_plain_build_has_the_sites_markdown_extensions_and_features(tmp_path: Path) -> None:
    """The baseline is like for like: MkDocs loads the same extensions and theme features."""
    from mkdocs.config import load_config

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / ".nav.yml").write_text("nav:\n- Forside: index.md\n", encoding="utf-8")
    benchmark._plain_build(tmp_path, docs)
    plain = load_config(str(tmp_path / "plain.yml"))
    site = load_config(str(benchmark.ROOT / "mkdocs.yml"))
    assert plain.markdown_extensions == site.markdown_extensions
    assert "pymdownx.escapeall" in plain.markdown_extensions
    assert repr(plain.mdx_configs) == repr(site.mdx_configs)  # toc.slugify: a partial
    assert plain.theme["features"] == site.theme["features"]
