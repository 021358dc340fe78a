"""The changes between two conversions: on the real corpus's kb.json, edited as a new build."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from helsekb import changes
from helsekb.report import RunReport

NOW = datetime(2026, 2, 9, 12, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
FASTLEGEN = (
    "utmattelse-langvarig-utmattelse-inkl-me-cfs/utredning-behandling-og-oppfolging/"
    "fastlegen-bor-igangsette-og-koordinere-tiltak-som-kan-stabilisere-og-fremme"
)
PSYKISK = (
    "psykisk-helse-og-rusarbeid-for-voksne/kartlegging-og-hovedforlop/"
    "i-hovedforlop-3-bor-kommunen-samarbeide-med-spesialisthelsetjenesten-om"
)
COVID = "nasjonal-plan-for-covid-19-rehabilitering/4-oppsummering-av-de-mest-sentrale-tiltakene"
NAV_OLD = "Sørg for nødvendig dokumentasjon og dialog med Nav (se praktisk informasjon)."
NAV_NEW = "Sørg for nødvendig dokumentasjon og tidlig dialog med Nav (se praktisk informasjon)."


@pytest.fixture(scope="module")
def kb(converted: tuple[RunReport, Path]) -> dict[str, Any]:
    run, out = converted
    assert not run.failed
    return json.loads((out / "kb.json").read_text(encoding="utf-8"))


def page(data: dict[str, Any], page_id: str) -> dict[str, Any]:
    return next(p for d in data["documents"] for p in d["pages"] if p["id"] == page_id)


def paragraphs(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for s in p["sections"] for b in s["blocks"] if b["type"] == "paragraph"]


def edited(kb: dict[str, Any]) -> dict[str, Any]:
    """A next build: one sentence reworded, one page gone, one page new, roles set."""
    new = copy.deepcopy(kb)
    nav = next(b for b in paragraphs(page(new, FASTLEGEN)) if b["text"] == NAV_OLD)
    nav["text"] = NAV_NEW
    page(new, FASTLEGEN)["roles"] = ["fastlege"]
    page(new, PSYKISK)["roles"] = ["kommune"]
    for doc in new["documents"]:
        doc["pages"] = [p for p in doc["pages"] if p["id"] != COVID]
    return new


def without(kb: dict[str, Any], page_id: str) -> dict[str, Any]:
    old = copy.deepcopy(kb)
    for doc in old["documents"]:
        doc["pages"] = [p for p in doc["pages"] if p["id"] != page_id]
    return old


def test_the_same_build_has_no_changes(kb: dict[str, Any]) -> None:
    found = changes.compare(kb, copy.deepcopy(kb))
    assert found.all() == ()
    assert changes.render_markdown(found) == (
        "# Endringer\n\nIngen endringer siden forrige konvertering.\n"
    )


def test_first_build_lists_every_page_as_new(kb: dict[str, Any]) -> None:
    found = changes.compare({}, kb)
    assert len(found.added) == 7 and found.removed == () and found.changed == ()


def test_added_removed_and_changed_pages(kb: dict[str, Any]) -> None:
    found = changes.compare(without(kb, PSYKISK), edited(kb))
    assert [p.id for p in found.added] == [PSYKISK]
    assert [p.id for p in found.removed] == [COVID]
    assert [p.id for p in found.changed] == [FASTLEGEN]
    assert found.added[0].last_reviewed == "2024-02-16"
    assert found.removed[0].title == "4. Oppsummering av de mest sentrale tiltakene"
    diff = found.changed[0].diff.splitlines()
    assert diff[0] == f"--- forrige/{FASTLEGEN}.md" and diff[1] == f"+++ ny/{FASTLEGEN}.md"
    assert [line for line in diff[2:] if line[:1] in "+-"] == [f"-{NAV_OLD}", f"+{NAV_NEW}"]


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        ("title", "Ny tittel", "+Tittel: Ny tittel"),
        ("status", None, "-Status: høringsutkast"),
        ("last_reviewed", "2025-03-01", "+Siste faglige endring: 1. mars 2025"),
        ("hearing_deadline", "2024-06-01", "+Høringsfrist: 1. juni 2024"),
        ("chapter", "Et annet kapittel", "+Kapittel: Et annet kapittel"),
    ],
)
def test_title_status_and_dates_count_as_changes(
    kb: dict[str, Any], field: str, value: str | None, line: str
) -> None:
    new = copy.deepcopy(kb)
    page(new, PSYKISK)[field] = value
    found = changes.compare(kb, new)
    assert [p.id for p in found.changed] == [PSYKISK]
    assert line in found.changed[0].diff.splitlines()


def test_list_items_and_references_are_compared_line_by_line(kb: dict[str, Any]) -> None:
    new = copy.deepcopy(kb)
    p = page(new, FASTLEGEN)
    first_list = next(b for s in p["sections"] for b in s["blocks"] if b["type"] == "list")
    first_list["items"][0]["text"] = "Endret punkt"
    p["references"][0]["raw"] = "Endret referanse."
    diff = changes.compare(kb, new).changed[0].diff.splitlines()
    assert "+- Endret punkt" in diff and "+Endret referanse." in diff
    assert len([line for line in diff[2:] if line[:1] in "+-"]) == 4


def test_retrieved_date_and_roles_alone_are_not_changes(kb: dict[str, Any]) -> None:
    new = copy.deepcopy(kb)
    page(new, PSYKISK)["retrieved"] = "2026-02-01"
    page(new, PSYKISK)["roles"] = ["kommune"]
    assert changes.compare(kb, new).all() == ()


def test_endringer_page_lists_and_diffs(kb: dict[str, Any]) -> None:
    text = changes.render_markdown(changes.compare(without(kb, PSYKISK), edited(kb)), "../")
    assert text.startswith("# Endringer\n\n## Nye sider (1)\n\n- [I hovedforløp 3 bør")
    assert f"](../{PSYKISK}.md) – Siste faglige endring: 16. februar 2024\n" in text
    assert "## Fjernede sider (1)\n\n- 4\\. Oppsummering av de mest sentrale tiltakene" in text
    assert "## Endrede sider (1)\n\n### [Fastlegen bør igangsette" in text
    assert f"```diff\n--- forrige/{FASTLEGEN}.md\n" in text and f"\n+{NAV_NEW}\n" in text
    assert text.count("```diff") == 1 and COVID not in text


def test_page_text_outside_the_diff_is_escaped(kb: dict[str, Any]) -> None:
    new = copy.deepcopy(kb)
    page(new, PSYKISK)["title"] = "<script>alert(1)</script> *fet* [lenke](javascript:x)"
    text = changes.render_markdown(changes.compare(kb, new))
    heading = next(line for line in text.splitlines() if line.startswith("### "))
    assert "<script>" not in heading and "\\<script\\>" in heading and "\\*fet\\*" in heading
    html = MarkdownIt("commonmark").render(text)
    before_code = html.split("<pre>")[0]
    assert "<script>" not in before_code and 'href="javascript' not in html


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["```", " ````", "`````` x", "~~~", "`", "- a", "# b", ""]), max_size=4
    ).map("\n".join)
    | st.text(alphabet=st.sampled_from("`~ \n-+#>*x"), max_size=40)
)
def test_no_text_can_close_the_diff_fence(kb: dict[str, Any], text: str) -> None:
    """Unchanged lines around a change appear in the diff as context, one space in."""
    old = copy.deepcopy(kb)
    blocks = page(old, FASTLEGEN)["sections"][0]["blocks"]
    blocks.insert(0, {"type": "paragraph", "text": text, "anchor": None, "roles": []})
    new = copy.deepcopy(old)
    paragraphs(page(new, FASTLEGEN))[1]["text"] += " Ny setning."
    found = changes.compare(old, new)
    tokens = MarkdownIt("commonmark").parse(changes.render_markdown(found))
    fences = [t for t in tokens if t.type == "fence"]
    assert [(t.info, t.content) for t in fences] == [("diff", found.changed[0].diff + "\n")]


def test_atom_feed_all_and_per_role(kb: dict[str, Any]) -> None:
    found = changes.compare(without(kb, PSYKISK), edited(kb))
    feed = ET.fromstring(changes.render_atom(found, NOW, site_url="https://intra.example/kb/"))
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id") == "urn:helsekb:endringer"
    assert feed.findtext(f"{ATOM}updated") == "2026-02-09T12:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert [t.split(":")[0] for t in titles] == ["Ny side", "Fjernet", "Endret"]
    assert all(e.findtext(f"{ATOM}updated") == "2026-02-09T12:00:00Z" for e in entries)
    assert (
        entries[2].find(f"{ATOM}link").get("href") == f"https://intra.example/kb/{FASTLEGEN}.html"
    )
    assert entries[1].find(f"{ATOM}link") is None
    assert f"+{NAV_NEW}" in entries[2].findtext(f"{ATOM}content")
    fastlege = ET.fromstring(changes.render_atom(found, NOW, role="fastlege"))
    assert fastlege.findtext(f"{ATOM}id") == "urn:helsekb:endringer:rolle:fastlege"
    assert [e.findtext(f"{ATOM}title") for e in fastlege.findall(f"{ATOM}entry")] == [titles[2]]
    kommune = ET.fromstring(changes.render_atom(found, NOW, role="kommune"))
    assert [e.findtext(f"{ATOM}title") for e in kommune.findall(f"{ATOM}entry")] == [titles[0]]


def entry_ids(feed: str) -> list[str | None]:
    return [e.findtext(f"{ATOM}id") for e in ET.fromstring(feed).findall(f"{ATOM}entry")]


def test_atom_feed_is_deterministic_with_stable_ids(kb: dict[str, Any]) -> None:
    found = changes.compare(without(kb, PSYKISK), edited(kb))
    assert changes.render_atom(found, NOW) == changes.render_atom(found, NOW)
    ids = entry_ids(changes.render_atom(found, NOW))
    assert entry_ids(changes.render_atom(found, datetime(2026, 3, 1, tzinfo=UTC))) == ids
    assert [i.rsplit(":", 1)[0] for i in ids if i] == [
        f"urn:helsekb:ny:{PSYKISK}",
        f"urn:helsekb:fjernet:{COVID}",
        f"urn:helsekb:endret:{FASTLEGEN}",
    ]
    again = changes.compare(without(kb, PSYKISK), edited(kb))
    assert entry_ids(changes.render_atom(again, NOW)) == ids
    other = edited(kb)
    next(b for b in paragraphs(page(other, FASTLEGEN)) if b["text"] == NAV_NEW)["text"] += " Ny."
    changed = entry_ids(changes.render_atom(changes.compare(kb, other), NOW))
    assert ids[2] not in changed  # a different change to the same page is a new entry


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_atom_feed_is_well_formed_for_any_title(kb: dict[str, Any], title: str) -> None:
    new = copy.deepcopy(kb)
    page(new, PSYKISK)["title"] = title
    found = changes.compare(kb, new)
    feed = ET.fromstring(changes.render_atom(found, NOW).encode("utf-8"))
    assert len(feed.findall(f"{ATOM}entry")) == (0 if title == page(kb, PSYKISK)["title"] else 1)


def test_nb_date() -> None:
    assert changes.nb_date("2024-02-16") == "16. februar 2024"
    assert changes.nb_date("ukjent") == "ukjent"
