"""YAML front matter, always written by PyYAML (never by string concatenation)."""

from __future__ import annotations

import re
from typing import Any

import yaml

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
"""Characters YAML cannot carry through a dump and load unchanged."""
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's (about ten times faster), which PyYAML's wheels bundle. A PyYAML built without
it writes the same, except that characters beyond the BMP are not escaped (tested)."""


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
    body = dump(kept)
    return f"---\n{body}---\n"


def dump(data: Any, dumper: type = DUMPER) -> str:
    """YAML for ``data`` (already :func:`yaml_safe`) in the front matter's style."""
    return yaml.dump(
        data,
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )


def parse(text: str) -> tuple[dict[str, Any], str]:
    """Split a Markdown file into (front matter, body); the inverse of :func:`render`."""
    end = _end(text)
    if end < 0:
        return {}, text
    meta = yaml.load(text[4 : end + 1], Loader=LOADER) or {}  # a safe loader
    return meta, text[end + 5 :]


def body(text: str) -> str:
    """A Markdown file without its front matter (not parsed: cheap)."""
    end = _end(text)
    return text if end < 0 else text[end + 5 :]


def _end(text: str) -> int:
    """Where the front matter's closing ``---`` line starts, or -1."""
    return text.find("\n---\n", 3) if text.startswith("---\n") else -1
