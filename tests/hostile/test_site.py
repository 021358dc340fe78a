"""The site built from the hostile docs/, read without a browser: no script, handler,
dangerous URL, frame, base or refresh from a source anywhere in any page."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

ARTICLE_TAGS = frozenset(
    {"article", "section", "nav", "footer", "div", "span", "p", "ul", "ol", "li", "a", "abbr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "details", "summary", "strong", "em", "time"}
    | {"code", "pre", "br", "hr", "mark"}
)
"""What page content may consist of: text structure, links, dates; never media or script."""
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset")
MARKERS = ("__pwned", "alert(", "evil.example", "msgbox", "expression(")
_SCHEME = re.compile(r"\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def trees(hostile_site: Path) -> dict[str, lxml.html.HtmlElement]:
    return {
        p.relative_to(hostile_site).as_posix(): lxml.html.fromstring(p.read_bytes())
        for p in _pages(hostile_site)
    }


def test_every_hostile_page_was_built(trees: dict[str, lxml.html.HtmlElement]) -> None:
    assert len(trees) > 100
    titles = " ".join(t.findtext(".//title") or "" for t in trees.values())
    assert "Skript og innbygde objekter bør fjernes" in titles
    assert "&lt;script&gt;" not in titles and "<script>window.__pwned='h1'</script>" in titles


def test_scripts_are_the_themes_own(trees: dict[str, lxml.html.HtmlElement]) -> None:
    for rel, tree in trees.items():
        for script in tree.iter("script"):
            src = script.get("src")
            assert src is None or (not _SCHEME.match(src) and not src.startswith("//")), rel
            assert not any(marker in (script.text or "") for marker in MARKERS), rel
        assert not tree.xpath("//article//script | //article//noscript"), rel


def test_no_handler_or_dangerous_url_anywhere(trees: dict[str, lxml.html.HtmlElement]) -> None:
    for rel, tree in trees.items():
        for element in tree.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), f"{rel}: {name}={value!r}"
                scheme = _SCHEME.match(value) if name in URL_ATTRIBUTES else None
                assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto"), (
                    f"{rel}: {name}={value!r}"
                )


def test_content_is_text_structure_only(trees: dict[str, lxml.html.HtmlElement]) -> None:
    for rel, tree in trees.items():
        for article in tree.iter("article"):
            tags = {el.tag for el in article.iter() if isinstance(el.tag, str)}
            assert tags <= ARTICLE_TAGS, f"{rel}: {sorted(tags - ARTICLE_TAGS)}"
        forbidden = "//iframe | //object | //embed | //base | //meta[@http-equiv] | //form[@action]"
        assert tree.xpath(forbidden) == [], rel
