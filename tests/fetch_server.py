"""A real HTTP server on 127.0.0.1 for the fetch tests: the fixture site plus misbehaviours.

Every route is plain data (body, status, headers) with optional behaviour: fail the first
N requests, stall after the headers, send no Content-Length, require an API key. ETag and
Last-Modified are honoured with 304. Every request is logged for the tests to inspect.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES.parents[1] / "source_docs"
TREE = yaml.safe_load((FIXTURES / "site" / "tree.yml").read_text(encoding="utf-8"))
HTML_TYPE = "text/html; charset=utf-8"
MAX_STALL = 3.0
"""Upper bound of any stall, so that no server thread outlives its test by much."""


@dataclass(slots=True)
class Route:
    body: bytes = b""
    content_type: str = HTML_TYPE
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0
    """Answer the first N requests with ``fail_status`` (and ``fail_headers``)."""
    fail_status: int = 500
    fail_headers: dict[str, str] = field(default_factory=dict)
    stall: float = 0.0
    """Seconds to wait after the headers before the body."""
    no_length: bool = False
    """Send the body without Content-Length, ending it by closing the connection."""
    key: str = ""
    """The Ocp-Apim-Subscription-Key this route requires (401 without it)."""
    etag: bool = True


@dataclass(frozen=True, slots=True)
class Request:
    path: str
    headers: dict[str, str]
    status: int
    at: float


class FetchServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def requested(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    def take_failure(self, route: Route) -> bool:
        with self._lock:
            if route.fail_first <= 0:
                return False
            route.fail_first -= 1
            return True

    @contextmanager
    def running(self) -> Iterator[FetchServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self.closing.set()
            self._httpd.shutdown()
            self._httpd.server_close()


def _handler(server: FetchServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            route = server.routes.get(path)
            status, headers, body = _answer(server, route, dict(self.headers.items()))
            server.record(Request(path, dict(self.headers.items()), status, time.monotonic()))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if route is None or not route.no_length or status != 200:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if route is not None and route.stall and status == 200:
                self.wfile.flush()
                server.closing.wait(min(route.stall, MAX_STALL))
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read ``server.log`` instead."""

    return Handler


def _answer(
    server: FetchServer, route: Route | None, asked: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    if route is None:
        return 404, {"Content-Type": HTML_TYPE}, b"<h1>404</h1>"
    if route.key and asked.get("Ocp-Apim-Subscription-Key") != route.key:
        return 401, {"Content-Type": "application/json"}, b'{"message": "Access denied"}'
    if server.take_failure(route):
        return route.fail_status, route.fail_headers, b"<h1>failure</h1>"
    headers = {"Content-Type": route.content_type, **route.headers}
    if route.status != 200:
        return route.status, headers, route.body
    if route.etag:
        headers["ETag"] = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
    validators = {"If-None-Match": "ETag", "If-Modified-Since": "Last-Modified"}
    if any(name in headers and asked.get(h) == headers[name] for h, name in validators.items()):
        return 304, {k: v for k, v in headers.items() if k == "ETag"}, b""
    return 200, headers, route.body


# The fixture site (tree.yml) -------------------------------------------------------------


def install_site(server: FetchServer) -> None:
    """Routes for robots.txt, the document tree, the single page and the API items."""
    server.routes["/robots.txt"] = Route(TREE["robots"].encode(), "text/plain")
    doc = TREE["document"]
    root = doc["path"]
    chapters = [(f"{root}/{c['path']}", c) for c in doc["chapters"]]
    links = [(p, c["title"]) for p, c in chapters] + [(doc["pdf"]["path"], "Last ned PDF")]
    links += [(href, href) for href in doc["off_limits"]]
    server.routes[root] = Route(_page(doc["title"], links))
    for path, chapter in chapters:
        pages = [(f"{path}/{p['path']}", p) for p in chapter["pages"]]
        # Relative links, as a chapter page may have them.
        rel = [(f"{chapter['path']}/{p['path']}", _title(p)) for _, p in pages]
        server.routes[path] = Route(_page(chapter["title"], rel))
        for page_path, page in pages:
            server.routes[page_path] = Route(_recommendation(server, page))
    pdf = doc["pdf"]
    server.routes[pdf["path"]] = Route(
        (CORPUS / pdf["corpus"]).read_bytes(),
        "application/pdf",
        headers={"Last-Modified": pdf["last_modified"]},
        etag=False,
    )
    single = TREE["single"]
    server.routes[single["path"]] = Route(_fixture_html(server, single["html"]))
    install_api(server)


def install_api(server: FetchServer, key: str = "test-key") -> None:
    base = server.url("/innhold")
    for item in TREE["api"]:
        text = (FIXTURES / "hapi" / item["json"]).read_text(encoding="utf-8-sig")
        data = json.loads(text.replace("https://api.helsedirektoratet.no/innhold", base))
        for key_name in ("links", "lenker"):
            children = [{"rel": "barn", "href": f"{base}/{p}"} for p in item.get(key_name, [])]
            if children:
                data[key_name] = [*data.get(key_name, []), *children]
        body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        route = Route(b"\xef\xbb\xbf" + body, "application/json; charset=utf-8", key=key)
        server.routes[f"/innhold/{item['path']}"] = route


def _title(page: dict[str, str]) -> str:
    return page.get("title") or page["path"].replace("-", " ").capitalize()


def _recommendation(server: FetchServer, page: dict[str, str]) -> bytes:
    if "html" in page:
        return _fixture_html(server, page["html"])
    return _page(page["title"], [], text=page["title"] + ".")


def _fixture_html(server: FetchServer, name: str) -> bytes:
    text = (FIXTURES / "html" / name).read_text(encoding="utf-8")
    return text.replace("https://www.helsedirektoratet.no/", server.base + "/").encode("utf-8")


def _page(title: str, links: list[tuple[str, str]], text: str = "") -> bytes:
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(label)}</a></li>' for href, label in links
    )
    body = f"<p>{html.escape(text)}</p>" if text else f"<ul>{items}</ul>"
    return (
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title></head><body><main id="main">'
        f"<h1>{html.escape(title)}</h1>{body}</main></body></html>\n"
    ).encode()
