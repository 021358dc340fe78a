"""The built site (once per session), a local HTTP server under /kb/, and Chromium pages."""

from __future__ import annotations

import os
import re
import shutil
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from helsekb.report import RunReport
from helsekb.site import build_site, content_security_policy

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_CACHE = ROOT / ".cache" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SUB_PATH = "/kb/"


def require(ok: bool, reason: str) -> None:
    """Skip with a visible reason locally; fail in CI, where nothing may be skipped."""
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


@dataclass(frozen=True)
class BuiltSite:
    project: Path
    site: Path
    zip: Path
    unzipped: Path


@pytest.fixture(scope="session")
def kb_project(converted: tuple[RunReport, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project directory: the repo's mkdocs.yml and overrides/ with the converted corpus."""
    report, docs = converted
    assert not report.failed, "the bundled corpus did not convert"
    project = tmp_path_factory.mktemp("project")
    (project / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    (project / "overrides").symlink_to(ROOT / "overrides")
    (project / "docs").symlink_to(docs)
    return project


@pytest.fixture(scope="session")
def built(kb_project: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    out = tmp_path_factory.mktemp("built").resolve()
    site, archive = out / "site", out / "helsekb-site.zip"
    build_site(kb_project, site, zip_path=archive)
    unpacked = out / "unzipped"
    with zipfile.ZipFile(archive) as z:
        z.extractall(unpacked)
    return BuiltSite(kb_project, site, archive, unpacked / "helsekb-site")


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site under /kb/ only, with the CSP the README recommends."""

    csp = ""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUB_PATH):
            return "/nonexistent"
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests record requests in the browser."""


@pytest.fixture(scope="session")
def http_root(built: BuiltSite) -> Iterator[str]:
    """http://127.0.0.1:<free port>/kb/ serving the built site."""
    handler = type("Handler", (_SubPathHandler,), {"csp": content_security_policy(built.site)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(built.site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require(CHROMIUM.is_file(), f"{CHROMIUM} not found: apt-get install -y chromium")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = Path(os.environ.get("AXE_CORE_JS") or AXE_CACHE)
    require(
        path.is_file(),
        f"axe-core not found at {path}: npm install --prefix .cache/browser axe-core@4 "
        "(or set AXE_CORE_JS)",
    )
    return path.read_text(encoding="utf-8")


@pytest.fixture(params=["file", "http", "zip"])
def root(request: pytest.FixtureRequest, built: BuiltSite) -> str:
    """The site's base URL: from file://, over HTTP under /kb/, and from the unpacked zip."""
    if request.param == "http":
        return request.getfixturevalue("http_root")
    site = built.site if request.param == "file" else built.unzipped
    return site.as_uri() + "/"


@dataclass
class Visit:
    """A browser page that records every request and a screenshot of every page visited."""

    page: Page
    root: str
    requests: list[str] = field(default_factory=list)
    shots: list[tuple[str, bytes]] = field(default_factory=list)

    def goto(self, rel: str = "") -> None:
        self.page.goto(self.root + rel)
        self.page.wait_for_load_state("load")
        self.snap()

    def snap(self) -> None:
        self.shots.append((self.page.url, self.page.screenshot(full_page=True)))

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the site itself (data: URLs are not requests)."""
        return [u for u in self.requests if not _inside(u, self.root)]


def _inside(url: str, root: str) -> bool:
    return url.startswith((root, "data:", "about:blank", "about:srcdoc"))


@pytest.fixture
def open_site(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Visit]]:
    """open_site(root) -> Visit; on failure, screenshots of every visit go to test-artifacts/."""
    visits: list[Visit] = []
    contexts: list[BrowserContext] = []

    def _open(root: str, *, bypass_csp: bool = False, media: str = "screen") -> Visit:
        context = browser.new_context(
            bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.emulate_media(media=media)
        visit = Visit(page, root)
        context.on("request", lambda r: visit.requests.append(r.url))
        visits.append(visit)
        return visit

    yield _open
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_shots(request.node.name, visits)
    for context in contexts:
        context.close()


def _save_shots(test_name: str, visits: list[Visit]) -> None:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for v, visit in enumerate(visits):
        visit.snap()  # the state at the failure too
        for n, (url, png) in enumerate(visit.shots):
            name = re.sub(r"[^\w.-]+", "_", url.rsplit("/", 1)[-1] or "index")[:80]
            (folder / f"{v}-{n:02d}-{name}.png").write_bytes(png)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@dataclass(frozen=True)
class DocPage:
    """A page of the converted corpus: its URL relative to the site root and its front matter."""

    rel: str
    meta: dict[str, object]


@pytest.fixture(scope="session")
def doc_pages(converted: tuple[RunReport, Path]) -> list[DocPage]:
    docs = converted[1]
    return [
        DocPage(md.relative_to(docs).with_suffix(".html").as_posix(), _front_matter(md))
        for md in sorted(docs.rglob("*.md"))
    ]


def _front_matter(md: Path) -> dict[str, object]:
    text = md.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1]) if text.startswith("---") else {}


def find_page(pages: list[DocPage], **meta: object) -> DocPage:
    """The one page whose front matter has all of ``meta``."""
    found = [p for p in pages if all(p.meta.get(k) == v for k, v in meta.items())]
    assert len(found) == 1, f"expected one page with {meta}, found {[p.rel for p in found]}"
    return found[0]
