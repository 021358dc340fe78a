"""``helsekb fetch``: keep ``source_docs/`` current from helsedirektoratet.no and its content API.

Polite and safe by construction: robots.txt, a per-host rate limit, retries with backoff,
timeouts, a byte cap, an allow-list of hosts checked on every redirect hop, conditional
requests, and atomic writes that never delete or truncate a source.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "FetchConfig": "config",
    "FetchSettings": "config",
    "load_config": "config",
    "FetchError": "http",
    "SetupError": "run",
    "fetch_sources": "run",
    "Outcome": "session",
    "Result": "session",
    "Session": "session",
}
"""Each name this package gives, by its module: imported when first asked for, so that
importing ``helsekb.fetch.cli`` (as every ``helsekb`` command does) does not wait for the
HTTP client and the HTML parser."""

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
