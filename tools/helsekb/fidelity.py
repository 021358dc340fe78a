"""The fidelity check: every sentence of a source's main content is in what was written.

The written Markdown is rendered with Python-Markdown and the same extensions the site
uses, so the check sees the text a reader of the site sees (escapes resolved, syntax
gone), plus the front matter values the page templates show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import markdown
import pymdownx
from lxml import html as lxml_html

from helsekb.cache import code_fingerprint
from helsekb.pickled import compact
from helsekb.readers.clean import clean_inline, sentences
from helsekb.writers import frontmatter

EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.escapeall",
    "attr_list",
    "abbr",
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "pymdownx.escapeall": {"hardbreak": False, "nbsp": False}
}


@compact
@dataclass(slots=True)
class Fidelity:
    total: int
    missing: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    """Known site-chrome strings that were found in the output."""

    @property
    def kept(self) -> int:
        return self.total - len(self.missing)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.boilerplate


def markdown_renderer(toc: dict[str, Any] | None = None) -> markdown.Markdown:
    """A Python-Markdown renderer with the site's extensions (and ``toc``, if configured).

    Building one loads every extension; callers keep theirs and ``reset()`` it per page.
    """
    extensions, configs = list(EXTENSIONS), dict(EXTENSION_CONFIGS)
    if toc is not None:
        extensions.append("toc")
        configs["toc"] = toc
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


_MD = markdown_renderer()


@cache
def _page_key_salt() -> bytes:
    """helsekb's code and the renderer versions, which a page's plain text depends on too."""
    versions = f"markdown {markdown.__version__} pymdownx {pymdownx.__version__}"
    return f"{code_fingerprint()} {versions}\0".encode()


def page_key(text: str) -> str:
    """What a page's plain text depends on: its Markdown, helsekb and the renderer versions."""
    return hashlib.sha256(_page_key_salt() + text.encode("utf-8")).hexdigest()


def check_key(main_text: str, boilerplate: list[str], page_keys: list[str]) -> str:
    """What a source's check depends on: its main text, its chrome strings, the texts of
    its pages (by :func:`page_key`), helsekb and the renderer versions."""
    digest = hashlib.sha256(_page_key_salt())
    for part in [main_text, *boilerplate, "\0", *page_keys]:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def page_text(text: str) -> str:
    """Plain text of one Markdown file as the site shows it: front matter values and body."""
    meta, body = frontmatter.parse(text)
    parts = [str(v) for v in meta.values() if isinstance(v, str)]
    html = _MD.reset().convert(body)
    if html.strip():
        parts.append(lxml_html.fromstring(f"<div>{html}</div>").text_content())
    return clean_inline(" ".join(parts))


def rendered_text(documents: list[str]) -> str:
    """Plain text of Markdown files as the site shows them, one after another."""
    return " ".join(page_text(text) for text in documents)


def _normal(sentence: str) -> str:
    """A sentence without the list separator (" ,") the site prints after reference entries."""
    return clean_inline(sentence).rstrip(" ,;")


def missing_sentences(wanted: list[str], out: str) -> list[str]:
    """The sentences not in ``out``. Each is looked for after the previous one first (they
    mostly come in order), then anywhere: linear for a long source, not quadratic."""
    missing, at = [], 0
    for sentence in wanted:
        normal = _normal(sentence)
        found = out.find(normal, at)
        if found < 0:
            found = out.find(normal)
        if found < 0:
            missing.append(sentence)
        else:
            at = found + len(normal)
    return missing


def check(main_text: str, boilerplate: list[str], texts: list[str]) -> Fidelity:
    """Check a source's main text against the plain texts (:func:`page_text`) written for it."""
    out = " ".join(texts)
    wanted = sentences(main_text)
    found = [b for b in boilerplate if clean_inline(b) in out]
    return Fidelity(total=len(wanted), missing=missing_sentences(wanted, out), boilerplate=found)
