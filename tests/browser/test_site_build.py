"""helsekb.site without a browser: strict, atomic, deterministic, escaped, self-contained."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from helsekb import pipeline
from helsekb.report import RunReport
from helsekb.site import BuildError, build_site, content_security_policy, write_zip
from tests.browser.conftest import ROOT, BuiltSite, DocPage, find_page
from tests.test_search import LOAD_INDEX, node

HEARING_CHAPTER = "Kartlegging og hovedforløp"
BOILERPLATE = ["Gå til hovedinnhold", "Følg oss", "Personvernerklæring", "Om Helsedirektoratet"]
HOSTILE = '<img src=x onerror="alert(1)"> & <script>alert(2)</script>'


def _html(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def make_project(
    converted: tuple[RunReport, Path], tmp_path: Path
) -> Callable[[Callable[[Path], None]], Path]:
    """A project with a private copy of the converted docs/, changed by ``edit(docs)``."""

    def _make(edit: Callable[[Path], None]) -> Path:
        project = tmp_path / "project"
        shutil.copytree(converted[1], project / "docs")
        (project / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
        (project / "overrides").symlink_to(ROOT / "overrides")
        edit(project / "docs")
        return project

    return _make


def test_every_markdown_file_becomes_a_page(built: BuiltSite, doc_pages: list[DocPage]) -> None:
    kinds = [p.meta["kind"] for p in doc_pages]
    assert (kinds.count("page"), kinds.count("document"), kinds.count("home")) == (7, 4, 1)
    for page in doc_pages:
        assert (built.site / page.rel).is_file(), page.rel
    assert (built.site / "kb.json").read_bytes() == (
        built.project / "docs" / "kb.json"
    ).read_bytes()


def test_recommendation_page_header(built: BuiltSite, doc_pages: list[DocPage]) -> None:
    html = _html(built.site, find_page(doc_pages, kind="page", chapter=HEARING_CHAPTER).rel)
    for text in [
        '<span class="kb-kicker__type">Nasjonal veileder</span>',
        '<span class="kb-kicker__document">Psykisk helse- og rusarbeid for voksne</span>',
        "<strong>Høringsutkast</strong>",
        'høringsfrist <time datetime="2024-05-16">16. mai 2024</time>',
        "Siste faglige endring: 16. februar 2024",
        'Hentet fra kilden: <time datetime="2025-11-02">2. november 2025</time>',
        'href="https://www.helsedirektoratet.no/veiledere/psykisk-helse-og-rusarbeid-for-voksne',
        ">Kilde: helsedirektoratet.no</a>",
        '<h2 id="kb-cite-title">Slik siterer du</h2>',
        "Norsk lisens for offentlige data (NLOD 2.0)",
        "Nettstedet ble bygget",
        '<details class="note">',
    ]:
        assert text in html, text
    for text in ["fonts.googleapis", "unpkg.com", "Begrunnelse –", "Praktisk –"]:
        assert text not in html, text


def test_nav_titles_come_from_front_matter(built: BuiltSite) -> None:
    nav = lxml.html.fromstring(_html(built.site, "index.html")).find_class("md-nav--primary")[0]
    text = " ".join(nav.text_content().split())
    assert "Utmattelse – langvarig utmattelse, inkl. ME/CFS" in text
    assert "Psykisk helse- og rusarbeid for voksne" in text
    assert "Utmattelse langvarig utmattelse inkl me cfs" not in text


def test_search_index_has_every_page_and_no_boilerplate(
    built: BuiltSite, doc_pages: list[DocPage]
) -> None:
    script = (
        LOAD_INDEX
        + """
const urls = new Set();
for (let id = 0; id < index.size; id++) urls.add(index.hit(id, 0).url.split("#")[0]);
console.log(JSON.stringify([...urls]));
"""
    )
    urls = set(node(script, {"docs": str(built.site)}))
    for page in doc_pages:  # the home page lists the documents: nothing of its own to find
        assert page.rel in urls or page.meta["kind"] == "home", page.rel
    text = "".join(p.read_text(encoding="utf-8") for p in (built.site / "sok").glob("*.js"))
    assert [b for b in BOILERPLATE if b in text] == []
    assert not (built.site / "search").exists(), "Material's lunr index is not built"


def test_site_loads_nothing_from_other_hosts(built: BuiltSite) -> None:
    for page in built.site.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        for url in tree.xpath("//script/@src | //link/@href | //img/@src | //iframe/@src"):
            assert not re.match(r"[a-z]+:|//", url), f"{page.name}: {url}"
    for css in built.site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert url.startswith("data:") or not re.match(r"[a-z]+:|//", url), f"{css}: {url}"


def test_builds_are_byte_identical(
    kb_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for name in ("a", "b"):
        build_site(kb_project, tmp_path / name / "site", zip_path=tmp_path / name / "kb.zip")
    first, second = _tree(tmp_path / "a" / "site"), _tree(tmp_path / "b" / "site")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    assert (tmp_path / "a" / "kb.zip").read_bytes() == (tmp_path / "b" / "kb.zip").read_bytes()
    assert 'Nettstedet ble bygget <time datetime="2023-11-14">14. november 2023</time>' in (
        first["index.html"].decode()
    )


def test_zip_holds_the_site_under_one_folder(built: BuiltSite) -> None:
    with zipfile.ZipFile(built.zip) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {n.removeprefix("helsekb-site/") for n in names} == set(_tree(built.site))
    assert len({i.date_time for i in infos}) == 1


def test_strict_warning_fails_naming_the_file_and_keeps_the_old_site(
    make_project: Callable[[Callable[[Path], None]], Path], tmp_path: Path
) -> None:
    def break_link(docs: Path) -> None:
        page = next(docs.glob("*/*/*.md"))
        page.write_text(page.read_text(encoding="utf-8") + "\n[x](missing.md)\n", "utf-8")

    project = make_project(break_link)
    site = tmp_path / "site"
    site.mkdir()
    (site / "old.html").write_text("old", encoding="utf-8")
    with pytest.raises(BuildError, match=r"problem\(s\) in strict mode:\n  - .*missing\.md"):
        build_site(project, site)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []
    assert (site / "old.html").read_text(encoding="utf-8") == "old"


def test_hostile_source_text_never_becomes_markup(
    make_project: Callable[[Callable[[Path], None]], Path], tmp_path: Path
) -> None:
    """Source text in every metadata position (title, document, chapter, citation) is text."""
    src = tmp_path / "hostile-sources"
    src.mkdir()
    capture = "\n\n".join(
        [
            "Gå til hovedinnhold",
            f"Forsiden{HOSTILE} HØRINGSUTKAST{HOSTILE}",
            f"{HOSTILE} bør skje",
            f"Tekst med {HOSTILE} i avsnittet.",
            f"Helsedirektoratet (2026). {HOSTILE} [nettdokument]. Oslo: Helsedirektoratet "
            "(lest 04. februar 2026). Tilgjengelig fra javascript:alert(3)",
        ]
    )
    (src / "fiendtlig.txt").write_text(capture + "\n", encoding="utf-8")

    def convert_hostile(docs: Path) -> None:
        report = pipeline.convert(src, docs)
        assert not report.failed, [str(d) for d in report.all_diagnostics()]

    build_site(make_project(convert_hostile), tmp_path / "site")
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for bad in ("<img src=x", "<script>alert"):
            assert bad not in html, f"{page.name}: {bad}"
        targets = lxml.html.fromstring(html).xpath("//@href | //@src | //@action")
        assert not [t for t in targets if "javascript:" in t.lower()], page.name
    home = _html(tmp_path / "site", "index.html")
    assert "&lt;img src=x onerror=" in home and "&lt;script&gt;alert(2)" in home


def test_site_url_from_option_or_environment(
    kb_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://intranett.example/retningslinjer/"
    build_site(kb_project, tmp_path / "opt", site_url=url)
    monkeypatch.setenv("HELSEKB_SITE_URL", url)
    build_site(kb_project, tmp_path / "env")
    for site in (tmp_path / "opt", tmp_path / "env"):
        assert f'<link rel="canonical" href="{url}index.html">' in _html(site, "index.html")
        assert f"<loc>{url}index.html</loc>" in _html(site, "sitemap.xml")
    with pytest.raises(BuildError, match="must be an absolute http"):
        build_site(kb_project, tmp_path / "bad", site_url="intranett/retningslinjer")


def test_missing_home_page_is_one_clear_error(
    make_project: Callable[[Callable[[Path], None]], Path], tmp_path: Path
) -> None:
    project = make_project(lambda docs: (docs / "index.md").unlink())
    with pytest.raises(BuildError, match=r"docs/index\.md: not found; run `helsekb convert`"):
        build_site(project, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_role_entry_points_link_only_existing_role_pages(
    make_project: Callable[[Callable[[Path], None]], Path], built: BuiltSite, tmp_path: Path
) -> None:
    def entries(site: Path) -> list[tuple[str | None, str]]:
        found = lxml.html.fromstring(_html(site, "index.html")).find_class("kb-role-entries")
        return [(a.get("href"), a.text_content()) for a in found[0].iter("a")]

    assert entries(built.site) == [
        ("roller/fastlege.html", "For fastleger"),
        ("roller/kommune.html", "For kommunen"),
        ("roller/spesialisthelsetjenesten.html", "For spesialisthelsetjenesten"),
    ]

    def drop_specialist_page(docs: Path) -> None:
        (docs / "roller" / "spesialisthelsetjenesten.md").unlink()
        nav = (docs / ".nav.yml").read_text(encoding="utf-8")
        kept = [ln for ln in nav.splitlines() if "roller/spesialisthelsetjenesten.md" not in ln]
        (docs / ".nav.yml").write_text("\n".join(kept) + "\n", encoding="utf-8")

    build_site(make_project(drop_specialist_page), tmp_path / "site")
    assert [href for href, _ in entries(tmp_path / "site")] == [
        "roller/fastlege.html",
        "roller/kommune.html",
    ]


def test_content_security_policy_allows_exactly_the_inline_scripts(built: BuiltSite) -> None:
    policy = content_security_policy(built.site)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert policy.startswith("default-src 'none'; script-src 'self' 'sha256-")
    assert 2 <= policy.count("'sha256-") <= 8  # the theme's few inline scripts, per page depth


def test_zip_is_rewritten_atomically(built: BuiltSite, tmp_path: Path) -> None:
    target = tmp_path / "out" / "kb.zip"
    write_zip(built.site, target)
    first = target.read_bytes()
    write_zip(built.site, target)
    assert target.read_bytes() == first
    assert [p.name for p in target.parent.iterdir()] == ["kb.zip"]


def test_role_badges_use_display_names(
    make_project: Callable[[Callable[[Path], None]], Path],
    doc_pages: list[DocPage],
    tmp_path: Path,
) -> None:
    target = find_page(doc_pages, kind="page", chapter=HEARING_CHAPTER)

    def add_roles(docs: Path) -> None:
        md = docs / target.rel.replace(".html", ".md")
        text = md.read_text(encoding="utf-8")
        md.write_text(re.sub(r"(?m)^roles:\n(?:- .*\n)+", "roles: [kommune, x<y]\n", text), "utf-8")

    build_site(make_project(add_roles), tmp_path / "site")
    badges = lxml.html.fromstring(_html(tmp_path / "site", target.rel)).find_class("kb-role")
    assert [b.text_content() for b in badges] == ["Kommune", "x<y"]


def test_navigation_carries_no_indentation(built: BuiltSite, doc_pages: list[DocPage]) -> None:
    """The sidebars are whitespace-collapsed (page weight), and still complete and linked."""
    page = _html(built.site, find_page(doc_pages, kind="page", chapter=HEARING_CHAPTER).rel)
    tree = lxml.html.fromstring(page)
    (primary,) = tree.xpath('//nav[contains(@class, "md-nav--primary")]')
    nav_html = lxml.html.tostring(primary, encoding="unicode")
    assert "\n" not in nav_html and "  " not in nav_html
    titles = [" ".join(a.text_content().split()) for a in primary.iter("a")]
    assert "Forside" in titles and len(titles) > 10
    assert all(a.get("href") for a in primary.iter("a"))


def test_navigation_fast_path_gives_materials_own_pages(
    kb_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """overrides/partials/nav-item.html (Material's, with a fast path for pruned items) builds
    the very pages that Material's own template builds: drafts' status markers included."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stock = tmp_path / "stock"
    shutil.copytree(ROOT / "overrides", stock / "overrides")
    (stock / "overrides" / "partials" / "nav-item.html").unlink()
    (stock / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (stock / "docs").symlink_to((kb_project / "docs").resolve())
    build_site(kb_project, tmp_path / "ours")
    build_site(stock, tmp_path / "theirs")
    ours, theirs = _tree(tmp_path / "ours"), _tree(tmp_path / "theirs")
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    pages = [v.decode() for k, v in ours.items() if k.endswith(".html")]
    assert sum("md-nav__item--pruned" in p for p in pages) > len(pages) / 2
    assert any('class="md-status md-status--høringsutkast"' in p for p in pages)
