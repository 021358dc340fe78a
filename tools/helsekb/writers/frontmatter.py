"""YAML front matter, always written by PyYAML (never by string concatenation)."""

from __future__ import annotations

import re
from typing import Any

import yaml

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
"""Characters YAML cannot carry through a dump and load unchanged."""


def yaml_safe(value: Any) -> Any:
    """``value`` with the characters YAML cannot round-trip removed from every string."""
    if isinstance(value, str):
        return _UNSAFE.sub("", value)
    if isinstance(value, list):
        return [yaml_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: yaml_safe(v) for k, v in value.items()}
    return value


def render(meta: dict[str, Any]) -> str:
    """``---``-fenced YAML for ``meta``; empty values are omitted, key order is kept."""
    kept = {k: yaml_safe(v) for k, v in meta.items() if v not in (None, "", [], {})}
    body = yaml.safe_dump(
        kept, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000
    )
    return f"---\n{body}---\n"


def parse(text: str) -> tuple[dict[str, Any], str]:
    """Split a Markdown file into (front matter, body); the inverse of :func:`render`."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text
    meta = yaml.safe_load(text[4 : end + 1]) or {}
    return meta, text[end + 5 :]
