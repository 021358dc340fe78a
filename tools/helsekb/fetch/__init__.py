"""``helsekb fetch``: keep ``source_docs/`` current from helsedirektoratet.no and its content API.

Polite and safe by construction: robots.txt, a per-host rate limit, retries with backoff,
timeouts, a byte cap, an allow-list of hosts checked on every redirect hop, conditional
requests, and atomic writes that never delete or truncate a source.
"""

from __future__ import annotations

from helsekb.fetch.config import FetchConfig, FetchSettings, load_config
from helsekb.fetch.http import FetchError
from helsekb.fetch.run import SetupError, fetch_sources
from helsekb.fetch.session import Outcome, Result, Session

__all__ = [
    "FetchConfig",
    "FetchError",
    "FetchSettings",
    "Outcome",
    "Result",
    "Session",
    "SetupError",
    "fetch_sources",
    "load_config",
]
