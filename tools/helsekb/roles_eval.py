"""``helsekb eval-roles``: the role tagger against the labelled set, per role and level.

The labels (tests/fixtures/roles_eval.yml) name every page, section and statement of the
bundled corpus with its roles; statements by source file and their first 60 characters.
Targets (issue #5): statements precision ≥ 0.95 and recall ≥ 0.90 per role; pages exact.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helsekb import catalogue, pipeline
from helsekb.enrichers.crosslinks import walk_items
from helsekb.enrichers.roles import Tag, explain, load_vocabulary
from helsekb.model import BlockType, KnowledgeBase, Page
from helsekb.readers import ReaderError
from helsekb.report import Level

KEY_CHARS = 60
LEVELS = ("page", "section", "statement")
TARGETS = {"page": (1.0, 1.0), "statement": (0.95, 0.90)}
"""Minimum (precision, recall) per role at each level that has a target."""


class LabelError(ValueError):
    """The labelled set cannot be used; the message names the file and the entry."""


@dataclass(slots=True)
class Score:
    level: str
    role: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def meets_target(self) -> bool:
        low_p, low_r = TARGETS.get(self.level, (0.0, 0.0))
        return self.precision >= low_p and self.recall >= low_r


@dataclass(slots=True)
class Evaluation:
    scores: list[Score]
    mismatches: list[str] = field(default_factory=list)
    """One line per item whose roles differ from its label: what, expected, got, why."""
    unmatched: list[str] = field(default_factory=list)
    """Labels without an item, and items without a label: the set must cover the corpus."""

    def passed(self) -> bool:
        return not self.unmatched and all(s.meets_target() for s in self.scores)


@dataclass(slots=True)
class _Item:
    level: str
    key: str
    expected: set[str]
    got: set[str]
    why: str = ""


def evaluate(labels_path: Path, sources: Path) -> Evaluation:
    """Convert ``sources`` in memory and compare every tag with its label."""
    labels = _load_labels(labels_path)
    kb = _knowledge_base(sources)
    roles = [r.id for r in load_vocabulary().roles if r.view]
    items, unmatched = _pair(labels, kb, labels_path.name)
    scores = [Score(level, role) for level in LEVELS for role in roles]
    by_key = {(s.level, s.role): s for s in scores}
    mismatches = []
    for item in items:
        for role in roles:
            score = by_key[(item.level, role)]
            hit, want = role in item.got, role in item.expected
            score.tp += hit and want
            score.fp += hit and not want
            score.fn += want and not hit
        if item.got & set(roles) != item.expected:
            mismatches.append(
                f"{item.level} {item.key!r}: expected {sorted(item.expected)}, "
                f"got {sorted(item.got & set(roles))}{item.why}"
            )
    return Evaluation(scores, mismatches, unmatched)


def _load_labels(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LabelError(f"{path}: cannot read the labels ({exc})") from None
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, list):
        raise LabelError(f"{path}: expected a list under 'pages'")
    for n, page in enumerate(pages, start=1):
        entries = [page] + [e for k in ("sections", "statements") for e in _list(page, k)]
        if not all(isinstance(e, dict) for e in entries) or not isinstance(page.get("roles"), list):
            raise LabelError(
                f"{path}: pages[{n}]: expected source, page, roles, sections, statements"
            )
    return pages


def _list(entry: Any, key: str) -> list[Any]:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, list) else []


def _knowledge_base(sources: Path) -> KnowledgeBase:
    try:
        entries, _ = catalogue.load(sources)
    except ReaderError as exc:
        raise LabelError(str(exc)) from None
    read, reports = pipeline.read_all(entries)
    failed = [d for r in reports for d in r.diagnostics if d.level is Level.ERROR]
    if failed:
        raise LabelError(f"{sources}: the corpus does not read: {failed[0]}")
    kb = pipeline.assemble(read)
    pipeline.enrich(kb)
    return kb


def _pair(
    labels: list[dict[str, Any]], kb: KnowledgeBase, name: str
) -> tuple[list[_Item], list[str]]:
    """Each labelled page, section and statement with the tagger's tag for it."""
    index = explain(kb)
    pages = {(p.source_file, p.title): p for p in kb.pages()}
    labelled = {(label.get("source"), label.get("page")) for label in labels}
    unmatched = [
        f"{src}: page {title!r} has no label"
        for src, title in pages
        if (src, title) not in labelled
    ]
    items: list[_Item] = []
    for n, label in enumerate(labels, start=1):
        page = pages.get((label.get("source"), label.get("page")))
        if page is None:
            unmatched.append(f"{name}: pages[{n}]: no such page {label.get('page')!r}")
            continue
        items.append(_item("page", page.title, label, index[id(page)]))
        for level, found in (("section", _sections(page)), ("statement", _statements(page))):
            wanted = label.get(f"{level}s") or []
            items += _paired(level, wanted, [(k, index[i]) for k, i in found], page, unmatched)
    return items, unmatched


def _item(level: str, key: str, label: dict[str, Any], tag: Tag) -> _Item:
    why = "; ".join(
        f"{e.rule} {e.phrase!r} at {e.location}".replace(" '' ", " ") for e in tag.evidence
    )
    return _Item(
        level, key, set(label.get("roles") or []), set(tag.roles), f" ({why})" if why else ""
    )


def _paired(
    level: str,
    wanted: list[dict[str, Any]],
    found: list[tuple[str, Tag]],
    page: Page,
    unmatched: list[str],
) -> list[_Item]:
    """Labels and items matched by key (title, or the first characters of the text), in order."""
    field_name = "title" if level == "section" else "text"
    by_key: dict[str, list[Tag]] = {}
    for key, tag in found:
        by_key.setdefault(key, []).append(tag)
    out = []
    for label in wanted:
        key = str(label.get(field_name, ""))
        tags = by_key.get(key)
        if not tags:
            unmatched.append(f"{page.source_file}: {level} {key!r}: labelled but not found")
            continue
        out.append(_item(level, key, label, tags.pop(0)))
    for key, left in by_key.items():
        unmatched += [f"{page.source_file}: {level} {key!r}: not labelled" for _ in left]
    return out


def _sections(page: Page) -> Iterator[tuple[str, int]]:
    """(title, id) of each titled section and each subheading, in reading order."""
    for section in page.sections:
        if section.title:
            yield section.title, id(section)
        for block in section.blocks:
            if block.type is BlockType.HEADING:
                yield block.text, id(block)


def _statements(page: Page) -> Iterator[tuple[str, int]]:
    """(first characters, id) of each paragraph, notice and list item, in reading order."""
    for block in page.blocks():
        if block.type is BlockType.LIST:
            yield from ((item.text[:KEY_CHARS], id(item)) for item in walk_items(block.items))
        elif block.type is not BlockType.HEADING:
            yield block.text[:KEY_CHARS], id(block)


def render_table(evaluation: Evaluation) -> str:
    """Precision and recall per level and role, as a plain-text table."""
    head = f"{'level':<10} {'role':<26} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} "
    head += f"{'recall':>7}  target"
    lines = [head, "-" * len(head)]
    for s in evaluation.scores:
        target = ("met" if s.meets_target() else "MISSED") if s.level in TARGETS else "-"
        lines.append(
            f"{s.level:<10} {s.role:<26} {s.tp:>4} {s.fp:>4} {s.fn:>4} "
            f"{s.precision:>10.3f} {s.recall:>7.3f}  {target}"
        )
    return "\n".join(lines)


SUMMARY = "Measure the role tagger against the labelled set: precision and recall per role."
EPILOG = (
    "Example:\n"
    "  helsekb eval-roles\n"
    "  helsekb eval-roles --labels tests/fixtures/roles_eval.yml --sources source_docs -v"
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``eval-roles`` sub-command to the main parser's sub-parsers."""
    p = sub.add_parser(
        "eval-roles",
        help=SUMMARY,
        description=SUMMARY + " Exit status 1 if a target is missed or the labels do not "
        "cover the corpus exactly (statements: precision >= 0.95, recall >= 0.90; pages: exact).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--labels",
        type=Path,
        default=Path("tests/fixtures/roles_eval.yml"),
        help="labelled set (default: %(default)s)",
    )
    p.add_argument(
        "--sources", type=Path, default=Path("source_docs"), help="corpus (default: %(default)s)"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="also list every disagreement and its evidence"
    )
    p.set_defaults(func=cmd_eval_roles)


def cmd_eval_roles(args: argparse.Namespace) -> int:
    try:
        evaluation = evaluate(args.labels, args.sources)
    except LabelError as exc:
        print(f"error: {exc}")
        return 2
    print(render_table(evaluation))
    for line in evaluation.unmatched:
        print(f"unmatched: {line}")
    if args.verbose:
        for line in evaluation.mismatches:
            print(f"differs: {line}")
    verdict = "all targets met" if evaluation.passed() else "TARGET MISSED"
    counts = f"{len(evaluation.mismatches)} disagreements, {len(evaluation.unmatched)} unmatched"
    print(f"{counts}: {verdict}")
    return 0 if evaluation.passed() else 1
