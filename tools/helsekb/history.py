"""The change log: what each conversion changed, kept in ``docs/endringer/``.

The previous conversion's ``docs/kb.json`` is the snapshot a new conversion compares with
(or, with a cache, the documents of it that changed: ``snapshot.py``).
A conversion that changes pages adds one entry (dated by :func:`today`) to the log; one that
changes nothing keeps the log as it is, so the same sources give the same ``docs/``. The
first conversion into an empty directory has nothing to compare with and logs nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from helsekb import changes
from helsekb.model import KnowledgeBase
from helsekb.writers import export, frontmatter

DIR = "endringer"
LOG = f"{DIR}/endringer.json"
PAGE = f"{DIR}/index.md"
FEED = f"{DIR}/feed.xml"
ROLES = ("fastlege", "kommune", "spesialisthelsetjenesten")
KEEP = 50
"""Change sets kept in the log (the newest)."""
TITLE = "Endringer"


def today() -> date:
    """The build day: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return now.date()


def load_snapshot(out: Path) -> dict[str, Any] | None:
    """The previous conversion's ``kb.json`` (None if there is none or it is unreadable)."""
    try:
        return json.loads((out / export.KB_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_log(out: Path) -> list[dict[str, Any]]:
    """The change log so far (empty if there is none or it is unreadable)."""
    try:
        log = json.loads((out / LOG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return log if isinstance(log, list) else []


def update(
    snapshot: dict[str, Any] | None, log: list[dict[str, Any]], new: dict[str, Any], day: date
) -> list[dict[str, Any]]:
    """The log after this conversion: a new dated entry first when pages changed."""
    if snapshot is None:
        return log
    found = changes.compare(snapshot, new)
    if not found.all():
        return log
    entry = {"date": day.isoformat(), **{k: [asdict(p) for p in v] for k, v in _groups(found)}}
    return [entry, *log][:KEEP]


def _groups(found: changes.Changes) -> list[tuple[str, tuple[changes.PageChange, ...]]]:
    return [("added", found.added), ("removed", found.removed), ("changed", found.changed)]


def _changes(entry: dict[str, Any]) -> changes.Changes:
    def pages(key: str) -> tuple[changes.PageChange, ...]:
        return tuple(
            changes.PageChange(**{**p, "kind": changes.Kind(p["kind"]), "roles": tuple(p["roles"])})
            for p in entry.get(key, [])
        )

    return changes.Changes(pages("added"), pages("removed"), pages("changed"))


def mark_changed(kb: KnowledgeBase, log: list[dict[str, Any]]) -> None:
    """Set ``Page.changed`` to the newest logged date the page was added or changed."""
    latest: dict[str, date] = {}
    for entry in reversed(log):
        for page in entry.get("added", []) + entry.get("changed", []):
            latest[page["id"]] = date.fromisoformat(entry["date"])
    for page in kb.pages():
        page.changed = latest.get(page.path.removesuffix(".md"))


def render(log: list[dict[str, Any]], site_url: str = "") -> dict[str, str]:
    """The Endringer page, the log itself, and Atom feeds (all changes and per role)."""
    files = {
        PAGE: _page(log),
        LOG: json.dumps(log, ensure_ascii=False, indent=1) + "\n",
        FEED: _feed(log, None, site_url),
    }
    files.update({f"{DIR}/{role}.xml": _feed(log, role, site_url) for role in ROLES})
    return files


def _page(log: list[dict[str, Any]]) -> str:
    meta = frontmatter.render({"kind": "view", "title": TITLE})
    intro = (
        "Sider som er nye, fjernet eller endret siden en tidligere konvertering, nyeste først, "
        "med tekstendringene. Abonner på endringene: [alle](feed.xml), "
        + ", ".join(f"[{role}]({role}.xml)" for role in ROLES)
        + "."
    )
    parts = [f"{meta}\n# {TITLE}", intro]
    if not log:
        parts.append("Ingen endringer er registrert ennå.")
    for entry in log:
        body = changes.render_section(_changes(entry), link_prefix="../", level=3)
        parts.append(f"## {changes.nb_date(entry['date'])}\n\n{body}")
    return "\n\n".join(parts).rstrip() + "\n"


def _feed(log: list[dict[str, Any]], role: str | None, site_url: str) -> str:
    dated = [(_noon(entry["date"]), _changes(entry)) for entry in log]
    return changes.render_atom_log(dated, role=role, site_url=site_url)


def _noon(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(hour=12, tzinfo=UTC)
