"""What every fuzz example must satisfy, checked on a real ``convert`` of the example.

- Reading ends in a result or one clear error: never a traceback, a crash, or a time or
  memory limit (generated inputs are small, so hitting a limit is a bug).
- Nothing written can run script or load anything: the Markdown, rendered as the site
  renders it, holds only known elements and attributes and only safe link targets.
- For generated documents: the run succeeds and every sentence reaches its source's pages.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import markdown
from lxml import html as lxml_html

from helsekb import fidelity, pipeline
from helsekb.readers.clean import clean_inline, safe_href
from helsekb.report import Level, RunReport
from helsekb.writers import frontmatter

ALLOWED_TAGS = frozenset(
    {"div", "p", "ul", "ol", "li", "a", "abbr", "details", "summary", "pre", "code", "span"}
    | {"em", "strong", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
)
ALLOWED_ATTRIBUTES = frozenset({"href", "id", "class", "title", "open"})
BROKEN_PROMISES = (
    "took longer than", "needed more than", "reading crashed", "failed unexpectedly",
    "ended without a result",
)  # fmt: skip
"""Error messages that mean a bug, not a bad input, when the input is small."""
_SAFE_TARGET = re.compile(r"(https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)


class Finding(AssertionError):
    """A fuzz example broke one of the promises above; the message says which."""


def unsafe_markup(files: dict[str, str]) -> list[str]:
    """Every element, attribute or link target in the rendered Markdown that is not plain
    content, as ``path: problem``."""
    md = markdown.Markdown(
        extensions=fidelity.EXTENSIONS, extension_configs=fidelity.EXTENSION_CONFIGS
    )
    problems = []
    for path, text in sorted(files.items()):
        if not path.endswith(".md"):
            continue
        _, body = frontmatter.parse(text)
        tree = lxml_html.fromstring(f"<div>{md.reset().convert(body)}</div>")
        problems += [f"{problem} in {path}" for problem in _element_problems(tree)]
    return problems


def _element_problems(tree: lxml_html.HtmlElement) -> list[str]:
    """Problems as "what: detail" (the part before the colon names the kind)."""
    problems = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag not in ALLOWED_TAGS:
            problems.append(f"element <{element.tag}>: {lxml_html.tostring(element)[:80]!r}")
        for name, value in element.attrib.items():
            if name not in ALLOWED_ATTRIBUTES and not name.startswith("data-"):
                problems.append(f"attribute {name} on <{element.tag}>: {value!r}")
            elif name == "href" and not _safe_target(value):
                problems.append(f"link target on <{element.tag}>: {value!r}")
    return problems


def _safe_target(href: str) -> bool:
    return safe_href(href) is not None and bool(_SAFE_TARGET.match(href.strip()))


def written(out: Path) -> dict[str, str]:
    """Every text file under ``out``, docs-relative path -> content."""
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".md", ".yml", ".json", ".js")
    }


def source_text(files: dict[str, str], source: str) -> str:
    """The rendered text of the pages read from ``source`` and of their documents' index."""
    pages, docs = [], set()
    for path, text in files.items():
        meta, _ = frontmatter.parse(text) if path.endswith(".md") else ({}, "")
        if meta.get("source_file") == source:
            pages.append(text)
            docs.add(meta.get("document_slug", ""))
    pages += [files[f"{slug}/index.md"] for slug in sorted(docs) if f"{slug}/index.md" in files]
    return fidelity.rendered_text(pages)


def convert(sources: dict[str, bytes]) -> tuple[RunReport, dict[str, str]]:
    """``pipeline.convert`` of the given files in a fresh directory; the files it wrote.

    The read limits come from the environment (``limits.py``), as in any run."""
    with tempfile.TemporaryDirectory(prefix="helsekb-fuzz-") as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "docs"
        src.mkdir()
        for name, data in sources.items():
            (src / name).write_bytes(data)
        run = pipeline.convert(src, out)
        return run, written(out) if out.is_dir() else {}


def check(sources: dict[str, bytes], expected: dict[str, list[str]] | None = None) -> None:
    """Convert ``sources`` and raise Finding for any broken promise (``expected``: the texts
    each generated source must keep; None for raw input, which may be refused)."""
    run, files = convert(sources)
    errors = [str(d) for d in run.all_diagnostics() if d.level is Level.ERROR]
    for error in errors:
        broken = [p for p in (*BROKEN_PROMISES, "\n") if p in error]
        if broken:
            raise Finding(f"broken promise ({broken[0]!r}): {error}")
    if problems := unsafe_markup(files):
        raise Finding(f"unsafe output, {problems[0]}")
    if expected is None:
        return
    if errors:
        raise Finding(f"generated document refused: {errors[0]}")
    for name, texts in expected.items():
        text = source_text(files, name)
        if lost := [t for t in texts if clean_inline(t) not in text]:
            raise Finding(f"text lost from {name}: {lost[0]!r}")
