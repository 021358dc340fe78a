"""Abbreviations: tooltips on the pages where they occur, the glossary page, the report."""

from __future__ import annotations

import json
from pathlib import Path

import markdown

from helsekb.enrichers.crosslinks import load_data
from helsekb.enrichers.glossary import KEY, curated, expansion
from helsekb.fidelity import EXTENSION_CONFIGS, EXTENSIONS
from helsekb.report import Level, RunReport
from helsekb.writers import frontmatter
from helsekb.writers.markdown import escape
from helsekb.writers.pages import abbreviations

OSLO = "pakkeforlop-for-psykisk-helse-og-rus-anbefalinger-om-samarbeid-mellom-fastleger"
PDF = "pakkeforlop-psykisk-helse-og-rus-fastleger-og-spesialisthelsetjeneste.pdf"
FL = "Fastlege(r)"
SH = (
    "Spesialisthelsetjenesten i Oslo universitetssykehus, Akershus universitetssykehus, "
    "Lovisenberg diakonale sykehus og Diakonhjemmet sykehus for Psykisk helsevern voksne, "
    "Psykisk helsevern for barn og unge, Tverrfaglig spesialisert rusbehandling"
)


def rendered(path: Path) -> str:
    _, body = frontmatter.parse(path.read_text(encoding="utf-8"))
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return md.convert(body)


def test_fl_and_sh_tooltips_on_the_oslo_pages(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    for name, fl, sh in [
        ("2-overordnet-for-alle-pakkeforlopene.md", 8, 9),
        ("3-anbefalinger-knyttet-til-samhandlingspunktene-i-pakkeforlopene.md", 12, 5),
    ]:
        page = out / OSLO / name
        assert f"\n*[FL]: {FL}\n" in page.read_text(encoding="utf-8")
        html = rendered(page)
        assert html.count(f'<abbr title="{FL}">FL</abbr>') == fl, name
        assert html.count(f'<abbr title="{SH}">SH</abbr>') == sh, name
        assert "*[" not in html


def test_tooltips_only_for_abbreviations_on_the_page(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    wanted = {
        "1-hva-anbefalingene-gjelder": [],
        "2-overordnet-for-alle-pakkeforlopene": ["FL", "KOLS", "SH"],
        "3-anbefalinger-knyttet-til-samhandlingspunktene-i-pakkeforlopene": ["EPJ", "FL", "SH"],
        "4-oppsummering-av-de-mest-sentrale-tiltakene": ["EPJ", "FHI"],
        "i-hovedforlop-3-bor-kommunen-samarbeide-med-spesialisthelsetjenesten-om": [
            "ACT", "FACT", "IDDT", "IP", "IPS", "NAV", "ROP",
        ],
        "virksomhetsleder-bor-sorge-for-en-forutsigbar-og-koordinert-oppfolging-av": [
            "ADL", "ME/CFS",
        ],
        "fastlegen-bor-igangsette-og-koordinere-tiltak-som-kan-stabilisere-og-fremme": [
            "FHI", "HF", "ICF", "ME/CFS", "NAV", "NICE", "Nav", "PEM", "SBU",
        ],
    }  # fmt: skip
    found = {}
    for page in (p for d in kb["documents"] for p in d["pages"]):
        text = (out / page["path"]).read_text(encoding="utf-8")
        found[page["id"].split("/")[-1]] = [
            line[2:].split("]")[0] for line in text.splitlines() if line.startswith("*[")
        ]
    assert found == wanted


def test_glossary_page_and_kb_json(converted: tuple[RunReport, Path]) -> None:
    _, out = converted
    page = (out / "forkortelser" / "index.md").read_text(encoding="utf-8")
    assert "title: Forkortelser og begreper" in page and "kind: view" in page
    assert f"- FL: {FL} (forkortelseslisten i Pakkeforløp for psykisk helse og rus" in page
    assert "- EPJ: Elektronisk pasientjournal – brukt på" in page
    assert page.count("\n- ") == 21 + 25
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    assert kb["abbreviations"]["FL"] == FL and kb["abbreviations"]["SH"] == SH
    assert kb["abbreviations"]["TSB"] == "Tverrfaglig spesialisert rusbehandling"


def test_unknown_capitals_are_reported(converted: tuple[RunReport, Path]) -> None:
    run, _ = converted
    unknown = [
        (f.file, d.level, d.message.split("'")[1])
        for f in run.files
        for d in f.diagnostics
        if "abbreviation" in d.message
    ]
    assert unknown == [(PDF, Level.INFO, "IS")]


def test_curated_abbreviations_are_usable() -> None:
    data = load_data("abbreviations.yml", "abbreviations", dict)
    assert curated().keys() == data.keys()
    for abbr in ("FL", "SH", "EPJ", "NAV", "Nav", "PEM", "ADL", "ICF", "IP", "ACT", "FACT",
                 "IPS", "IDDT", "ROP", "TSB", "DPS", "LMS", "ME/CFS"):  # fmt: skip
        assert curated()[abbr], abbr
    assert not set(load_data("abbreviations.yml", "ignore")) & set(data)


def test_hostile_abbreviations_never_become_markup() -> None:
    """Expansions come from sources: a definition is always consumed, its title escaped."""
    hostile = {
        "<img>": "<script>alert(1)</script>",
        "X&Y": "[x](javascript:alert(1)) *bold* <b onclick=x>",
        "FL": '" onmouseover="x',
        "A]B": "never a key",
        "LF\nX": "never a key",
    }
    glossary = {k: expansion(v) for k, v in hostile.items() if KEY.match(k)}
    assert set(glossary) == {"<img>", "X&Y", "FL"}
    body = escape("Tekst med <img> og X&Y og FL her.") + "\n\n" + abbreviations(glossary)
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = md.convert(body)
    assert html == (
        '<p>Tekst med &lt;img&gt; og X&amp;Y og <abbr title="&quot; onmouseover=&quot;x">FL</abbr>'
        " her.</p>"
    )


def test_an_abbreviation_used_on_many_pages_lists_a_dozen_and_counts_the_rest() -> None:
    from helsekb.model import GlossaryEntry
    from helsekb.writers import views

    paths = [f"d/side-{n}.md" for n in range(30)]
    entry = GlossaryEntry("FL", "fastlege", pages=paths)
    line = views._glossary_item(entry, {p: f"Side {n}" for n, p in enumerate(paths)})
    assert line.count("](") == views.GLOSSARY_PAGES == 12
    assert line.endswith("og 18 sider til")
