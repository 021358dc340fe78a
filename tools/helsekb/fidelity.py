"""The fidelity check: every sentence of a source's main content is in what was written.

The written Markdown is rendered with Python-Markdown and the same extensions the site
uses, so the check sees the text a reader of the site sees (escapes resolved, syntax
gone), plus the front matter values the page templates show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import markdown
from lxml import html as lxml_html

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


def rendered_text(documents: list[str]) -> str:
    """Plain text of Markdown files as the site shows them: body and front matter values."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    parts: list[str] = []
    for text in documents:
        meta, body = frontmatter.parse(text)
        parts.extend(str(v) for v in meta.values() if isinstance(v, str))
        html = md.reset().convert(body)
        if html.strip():
            parts.append(lxml_html.fromstring(f"<div>{html}</div>").text_content())
    return clean_inline(" ".join(parts))


def _normal(sentence: str) -> str:
    """A sentence without the list separator (" ,") the site prints after reference entries."""
    return clean_inline(sentence).rstrip(" ,;")


def check(main_text: str, boilerplate: list[str], documents: list[str]) -> Fidelity:
    out = rendered_text(documents)
    wanted = sentences(main_text)
    missing = [s for s in wanted if _normal(s) not in out]
    found = [b for b in boilerplate if clean_inline(b) in out]
    return Fidelity(total=len(wanted), missing=missing, boilerplate=found)
