"""Writers: escaping, front matter and slugs, as properties over arbitrary input."""

from __future__ import annotations

from datetime import date

import markdown
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from helsekb.fidelity import EXTENSION_CONFIGS, EXTENSIONS
from helsekb.model import Block, BlockType, ListItem, Span
from helsekb.readers.clean import clean_inline
from helsekb.slug import RESERVED, slugify, unique
from helsekb.writers import frontmatter
from helsekb.writers.markdown import block, escape

MD = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
# Text as a reader produces it: cleaned, one line.
inline_text = st.text(max_size=300).map(clean_inline).filter(bool)
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klikk](javascript:alert(1))",
    "![bilde](javascript:alert(1))",
    "*[FL]: Fastlege",
    'tekst {: onclick="alert(1)" }',
    "{{ config }} {% include 'x' %}",
    "<!-- kommentar --> &amp; &#106;avascript:",
    '??? note "falsk"',
    "1. ikke en liste",
]


def rendered(markdown_text: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(f"<div>{MD.reset().convert(markdown_text)}</div>")


@settings(max_examples=300, deadline=None)
@given(st.one_of(inline_text, st.sampled_from(HOSTILE)))
def test_escaped_text_renders_as_itself_in_one_paragraph(text: str) -> None:
    tree = rendered(escape(text))
    assert [el.tag for el in tree.iter()] == ["div", "p"]
    assert clean_inline(tree.text_content()) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(inline_text, min_size=1, max_size=4), st.sampled_from(HOSTILE))
def test_list_items_render_without_markup_injection(texts: list[str], hostile: str) -> None:
    items = [ListItem([Span(t)], children=[ListItem([Span(hostile)])]) for t in texts]
    tree = rendered(block(Block(BlockType.LIST, items=items), 2))
    assert {el.tag for el in tree.iter()} <= {"div", "ul", "li", "p"}
    assert not any(el.attrib for el in tree.iter())


def test_unsafe_link_targets_never_become_links() -> None:
    spans = [Span("trygg", "https://lovdata.no/lov/1999-07-02-64/§10a"), Span(" tekst")]
    tree = rendered(block(Block(BlockType.PARAGRAPH, spans), 2))
    (a,) = tree.iter("a")
    assert a.get("href") == "https://lovdata.no/lov/1999-07-02-64/%C2%A710a"


metadata = st.fixed_dictionaries(
    {
        "title": st.text(max_size=200).filter(bool),
        "chapter": st.text(max_size=100),
        "cite_as": st.sampled_from(
            ["---", "a: b", "'\"", "!!python/object:os.system", "x\n---\ny"]
        ),
        "last_reviewed": st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1))),
        "roles": st.lists(
            st.sampled_from(["fastlege", "kommune", "spesialisthelsetjenesten"]), unique=True
        ),
    }
)


@settings(max_examples=300, deadline=None)
@given(metadata)
def test_front_matter_round_trips(meta: dict) -> None:
    text = frontmatter.render(meta)
    expected = {k: frontmatter.yaml_safe(v) for k, v in meta.items() if v not in (None, "", [], {})}
    assert frontmatter.parse(text + "# body\n") == (expected, "# body\n")
    assert yaml.safe_load(text.strip().strip("-")) == expected


@settings(max_examples=300, deadline=None)
@given(metadata)
def test_front_matter_is_the_same_with_and_without_libyaml(meta: dict) -> None:
    assert frontmatter.DUMPER is yaml.CSafeDumper, "PyYAML's wheels bundle libyaml"
    kept = {k: frontmatter.yaml_safe(v) for k, v in meta.items() if v not in (None, "", [], {})}
    text, pure = frontmatter.dump(kept), frontmatter.dump(kept, yaml.SafeDumper)
    if all(ord(c) <= 0xFFFF for c in pure):  # libyaml escapes characters beyond the BMP
        assert text == pure
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(pure, Loader=yaml.CSafeLoader)


@given(st.text(max_size=500))
def test_slugs_are_safe_ascii(text: str) -> None:
    slug = slugify(text)
    assert slug and len(slug) <= 80
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert slug not in {".", ".."} and not slug.startswith("-")


def test_slug_examples() -> None:
    assert slugify("Behov for helsehjelp i hjemmet eller på institusjon") == (
        "behov-for-helsehjelp-i-hjemmet-eller-pa-institusjon"
    )
    assert slugify("Ærlig talt: ØÅ") == "aerlig-talt-oa"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("///") == "side"


@given(st.lists(st.text(max_size=30), max_size=30))
def test_unique_slugs_are_distinct_and_stable(titles: list[str]) -> None:
    def run() -> list[str]:
        taken: set[str] = set()
        return [unique(slugify(t), taken) for t in titles]

    first = run()
    assert len(set(first)) == len(first) and first == run()
    assert not set(first) & RESERVED


def test_many_documents_are_grouped_by_type_in_the_nav() -> None:
    from helsekb.search import synthetic
    from helsekb.writers import nav

    few = synthetic.knowledge_base(50 * (nav.GROUP_FROM - 1))
    top = yaml.safe_load(nav.render_nav(few, []))["nav"]
    assert len(top) == 1 + nav.GROUP_FROM - 1, "below the threshold: documents at the top"
    many = synthetic.knowledge_base(50 * nav.GROUP_FROM)
    top = yaml.safe_load(nav.render_nav(many, []))["nav"]
    groups = [next(iter(entry)) for entry in top[1:]]
    assert groups == [
        "Nasjonale faglige retningslinjer", "Nasjonale veiledere", "Rapporter",
        "Regionale anbefalinger",
    ]  # fmt: skip
    listed = [next(iter(doc)) for entry in top[1:] for doc in next(iter(entry.values()))]
    assert sorted(listed) == sorted(d.title for d in many.documents)


def test_kb_json_encoded_a_document_at_a_time_is_the_whole_data_encoded() -> None:
    import json

    from helsekb import pipeline
    from helsekb.search import synthetic
    from helsekb.writers import export

    kb = synthetic.knowledge_base(60, seed=3)
    pipeline.enrich(kb)
    assert len(kb.documents) > 1 and kb.bibliography and kb.topics and kb.abbreviations
    whole = json.dumps(export.kb_data(kb), ensure_ascii=False, separators=(",", ":"))
    assert export.render_kb(kb) == whole + "\n"
