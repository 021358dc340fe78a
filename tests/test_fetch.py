"""``helsekb fetch`` against a real HTTP server on 127.0.0.1 (tests/fetch_server.py).

The client is given a transport that refuses any host but 127.0.0.1, so no test can
reach the internet; the CLI tests allow only 127.0.0.1 in their catalogue.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from helsekb import pipeline
from helsekb.fetch import Outcome, Session, SetupError, fetch_sources, load_config
from helsekb.fetch.cli import register
from helsekb.fetch.http import retry_after
from helsekb.fetch.ratelimit import RateLimiter
from helsekb.fetch.store import MAX_PAGE_SLUG, page_name
from helsekb.readers import SourceEntry
from helsekb.readers.hapi import read_hapi
from tests.fetch_server import TREE, FetchServer, Route, install_site

CONTACT = "https://example.org/helsekb-kontakt"
KEY = "test-key"
DOC = TREE["document"]
ROOT = DOC["path"]
CH1, CH2 = (f"{ROOT}/{c['path']}" for c in DOC["chapters"])
FASTLEGEN = f"{CH1}/{DOC['chapters'][0]['pages'][0]['path']}"
KARTLEGGING = f"{CH1}/{DOC['chapters'][0]['pages'][1]['path']}"
VIRKSOMHET = f"{CH2}/{DOC['chapters'][1]['pages'][0]['path']}"
PDF = DOC["pdf"]["path"]
SINGLE = TREE["single"]["path"]
API_ROOT = TREE["api"][0]["path"]
NOW = datetime(2026, 2, 9, 12, 0, tzinfo=UTC)
OLD_SENTENCE = "Sørg for nødvendig dokumentasjon og dialog med Nav (se praktisk informasjon)."
NEW_SENTENCE = (
    "Sørg for nødvendig dokumentasjon og tidlig dialog med Nav (se praktisk informasjon)."
)
CRAWLED = {
    "utmattelse--index.html",
    "utmattelse--utredning-behandling-og-oppfolging.html",
    "utmattelse--behov-for-helsehjelp-i-hjemmet-eller-pa-institusjon.html",
    "utmattelse--attachment-inline-utmattelse.pdf",
    "utmattelse--utredning-behandling-og-oppfolging-fastlegen-bor-igangsette-og-2560a256.html",
    "utmattelse--utredning-behandling-og-oppfolging-en-helhetlig-kartlegging-av-43c50ea4.html",
    "utmattelse--behov-for-helsehjelp-i-hjemmet-eller-pa-institusjon-virksomhetsleder-9a1ebd76.html",
}
FASTLEGEN_FILE = next(n for n in CRAWLED if "fastlegen" in n)


class LoopbackOnly(httpx.HTTPTransport):
    """A real transport that refuses (AssertionError, not a fetch error) any other host."""

    def __init__(self) -> None:
        super().__init__()
        self.hosts: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hosts.add(request.url.host)
        assert request.url.host == "127.0.0.1", f"a test tried to reach {request.url}"
        return super().handle_request(request)


@pytest.fixture
def server() -> Iterator[FetchServer]:
    site = FetchServer()
    install_site(site)
    with site.running():
        yield site


@pytest.fixture
def transport() -> Iterator[LoopbackOnly]:
    guard = LoopbackOnly()
    yield guard
    assert guard.hosts <= {"127.0.0.1"}


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI builds its own client: keep any proxy setting from rerouting 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def catalogue(
    src: Path, server: FetchServer, documents: list[dict[str, Any]], **fetch: Any
) -> Path:
    """Write ``sources.yml`` with fast test limits (overridable) and the given documents."""
    settings = {
        "user_agent_contact": CONTACT,
        "rate_limit": 50,
        "allowed_hosts": ["127.0.0.1"],
        "connect_timeout": 2,
        "read_timeout": 0.5,
        "retries": 1,
        "backoff": 0.05,
        "max_retry_after": 2,
        "api_base": server.url("/innhold"),
        **fetch,
    }
    src.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"fetch": settings, "documents": documents}, allow_unicode=True)
    (src / "sources.yml").write_text(text, encoding="utf-8")
    return src


def site_documents(server: FetchServer) -> list[dict[str, Any]]:
    return [
        {"title": DOC["title"], "url": server.url(ROOT), "crawl": True, "slug": "utmattelse"},
        {
            "title": "Nasjonal plan for covid-19-rehabilitering",
            "sources": [{"file": "covid.html", "format": "html", "url": server.url(SINGLE)}],
        },
        {
            "title": "Langtids mekanisk ventilasjon (LTMV)",
            "url": "https://www.helsedirektoratet.no/retningslinjer/langtids-mekanisk-ventilasjon-ltmv",
            "api_path": API_ROOT,
            "slug": "ltmv",
        },
    ]


def single(server: FetchServer, path: str, file: str = "side.html") -> list[dict[str, Any]]:
    return [{"title": "Side", "sources": [{"file": file, "url": server.url(path)}]}]


def run(src: Path, transport: httpx.BaseTransport, **kwargs: Any) -> Session:
    kwargs.setdefault("env", {"HELSEDIR_API_KEY": KEY})
    return fetch_sources(src, transport=transport, now=lambda: NOW, **kwargs)


def outcomes(session: Session) -> dict[str, tuple[Outcome, str]]:
    return {r.url: (r.outcome, r.message) for r in session.results}


def fetched_files(src: Path) -> set[str]:
    return {p.name for p in src.iterdir()} - {"sources.yml", "manifest.json"}


# The full crawl, then a second run with one changed page ---------------------------------


def test_full_crawl_stores_the_tree_and_a_manifest(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    src = catalogue(tmp_path / "src", server, site_documents(server))
    session = run(src, transport)
    assert session.summary() == "fetched 8, unchanged 0, failed 0"
    assert fetched_files(src) == CRAWLED | {"covid.html"}
    assert outcomes(session)[server.url(f"{ROOT}/intern/utkast")] == (
        Outcome.SKIPPED,
        "disallowed by robots.txt",
    )
    for off_limits in [f"{ROOT}/intern/utkast", "/retningslinjer", f"{ROOT}-arkiv", "/innhold"]:
        assert not server.requested(off_limits)
    assert len(server.requested("/robots.txt")) == 1
    assert all(CONTACT in r.headers["User-Agent"] for r in server.log)
    assert all(r.headers["User-Agent"].startswith("helsekb/") for r in server.log)
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(manifest) == fetched_files(src)
    for name, record in manifest.items():
        data = (src / name).read_bytes()
        assert record["sha256"] == hashlib.sha256(data).hexdigest() and record["size"] == len(data)
        assert record["status"] == 200 and record["fetched_at"] == "2026-02-09T12:00:00Z"
    pdf = manifest["utmattelse--attachment-inline-utmattelse.pdf"]
    assert pdf["content_type"] == "application/pdf" and pdf["etag"] is None
    assert pdf["last_modified"] == DOC["pdf"]["last_modified"]
    assert manifest[FASTLEGEN_FILE]["url"] == server.url(FASTLEGEN)
    assert manifest["covid.html"]["document"] == "Nasjonal plan for covid-19-rehabilitering"


def test_manifest_is_deterministic(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    texts = []
    for name in ("a", "b"):
        src = catalogue(tmp_path / name, server, site_documents(server))
        run(src, transport)
        texts.append((src / "manifest.json").read_bytes())
    assert texts[0] == texts[1]


def _convert(src: Path, docs: Path) -> None:
    """Convert the fetched files (not the fetch catalogue) into ``docs`` (kept between runs)."""
    work = docs.parent / "src"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in fetched_files(src):
        shutil.copy(src / name, work / name)
    report = pipeline.convert(work, docs)
    assert not report.failed, [str(d) for d in report.all_diagnostics()]


def test_second_run_downloads_only_the_changed_page_and_endringer_shows_it(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    src = catalogue(tmp_path / "src", server, site_documents(server))
    run(src, transport)
    docs = tmp_path / "convert" / "docs"
    _convert(src, docs)
    mtimes = {name: (src / name).stat().st_mtime_ns for name in CRAWLED}
    page = server.routes[FASTLEGEN]
    assert OLD_SENTENCE.encode() in page.body
    page.body = page.body.replace(OLD_SENTENCE.encode(), NEW_SENTENCE.encode())
    mark = len(server.log)

    session = run(src, transport)

    assert session.summary() == "fetched 1, unchanged 7, failed 0"
    second = server.log[mark:]
    assert sorted(r.path for r in second if r.status == 200) == sorted(["/robots.txt", FASTLEGEN])
    assert all(r.status == 304 for r in second if r.path not in ("/robots.txt", FASTLEGEN))
    assert all("If-None-Match" in r.headers for r in second if r.path not in ("/robots.txt", PDF))
    assert "If-Modified-Since" in next(r for r in second if r.path == PDF).headers
    for name in CRAWLED - {FASTLEGEN_FILE}:
        assert (src / name).stat().st_mtime_ns == mtimes[name], name
    assert NEW_SENTENCE.encode() in (src / FASTLEGEN_FILE).read_bytes()

    _convert(src, docs)
    log = json.loads((docs / "endringer" / "endringer.json").read_text(encoding="utf-8"))
    assert len(log) == 1 and (log[0]["added"], log[0]["removed"]) == ([], [])
    (changed,) = log[0]["changed"]
    assert changed["title"].startswith("Fastlegen bør igangsette og koordinere tiltak")
    diff = changed["diff"].splitlines()
    removed = [line for line in diff if line.startswith("-") and line[1:2] != "-"]
    added = [line for line in diff if line.startswith("+") and line[1:2] != "+"]
    assert (removed, added) == ([f"-{OLD_SENTENCE}"], [f"+{NEW_SENTENCE}"])
    page_md = (docs / "endringer" / "index.md").read_text(encoding="utf-8")
    assert "### Endrede sider (1)" in page_md and "Nye sider" not in page_md
    assert "Fjernede sider" not in page_md and f"+{NEW_SENTENCE}" in page_md
    assert NEW_SENTENCE in (docs / "endringer" / "feed.xml").read_text(encoding="utf-8")


# Limits and failures ----------------------------------------------------------------------


def test_same_bytes_without_validators_are_not_rewritten(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/uten-etag"] = Route(b"<p>Samme.</p>", etag=False)
    src = catalogue(tmp_path, server, single(server, "/uten-etag"))
    run(src, transport)
    written = (src / "side.html").stat().st_mtime_ns
    assert run(src, transport).summary() == "fetched 0, unchanged 1, failed 0"
    assert [r.status for r in server.requested("/uten-etag")] == [200, 200]
    assert (src / "side.html").stat().st_mtime_ns == written


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ({"max_depth": 1}, "depth limit of 1 reached: 3 linked pages not fetched"),
        ({"max_pages": 3}, "page limit of 3 reached: 5 linked pages not fetched"),
    ],
)
def test_tree_limits_fail_the_document_by_name(
    tmp_path: Path,
    server: FetchServer,
    transport: LoopbackOnly,
    limit: dict[str, int],
    message: str,
) -> None:
    docs = site_documents(server)[:1]
    session = run(catalogue(tmp_path, server, docs, **limit), transport)
    assert session.count(Outcome.FAILED) == 1
    assert outcomes(session)[server.url(ROOT)] == (
        Outcome.FAILED,
        message + f" (raise fetch.{next(iter(limit))})",
    )


def test_404_fails_with_the_status(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    session = run(catalogue(tmp_path, server, single(server, "/finnes-ikke")), transport)
    assert outcomes(session) == {server.url("/finnes-ikke"): (Outcome.FAILED, "HTTP 404 Not Found")}
    assert not (tmp_path / "side.html").exists()
    assert len(server.requested("/finnes-ikke")) == 1


def test_500_then_200_is_retried(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/ustabil"] = Route(b"<html><body><p>Svar.</p></body></html>", fail_first=1)
    session = run(catalogue(tmp_path, server, single(server, "/ustabil")), transport)
    assert session.summary() == "fetched 1, unchanged 0, failed 0"
    assert [r.status for r in server.requested("/ustabil")] == [500, 200]


def test_repeated_500_fails_after_the_retries(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/nede"] = Route(b"x", fail_first=10, fail_status=503)
    session = run(catalogue(tmp_path, server, single(server, "/nede"), retries=2), transport)
    assert outcomes(session)[server.url("/nede")] == (
        Outcome.FAILED,
        "HTTP 503 Service Unavailable after 3 attempts",
    )


def test_429_waits_for_retry_after(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/travel"] = Route(
        b"<p>Svar.</p>", fail_first=1, fail_status=429, fail_headers={"Retry-After": "1"}
    )
    session = run(catalogue(tmp_path, server, single(server, "/travel")), transport)
    assert session.count(Outcome.FETCHED) == 1
    first, second = server.requested("/travel")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.95


def test_429_asking_longer_than_the_cap_fails_at_once(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/travel"] = Route(
        b"x", fail_first=1, fail_status=429, fail_headers={"Retry-After": "3600"}
    )
    session = run(catalogue(tmp_path, server, single(server, "/travel")), transport)
    assert outcomes(session)[server.url("/travel")] == (
        Outcome.FAILED,
        "HTTP 429 Too Many Requests: the server asks to wait 3600 s, more than the 2 s allowed "
        "(fetch.max_retry_after)",
    )
    assert len(server.requested("/travel")) == 1


def test_stalled_response_times_out(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/treg"] = Route(b"<p>Svar.</p>", stall=3)
    started = time.monotonic()
    session = run(catalogue(tmp_path, server, single(server, "/treg"), retries=0), transport)
    assert outcomes(session)[server.url("/treg")] == (
        Outcome.FAILED,
        "no data for 0.5 s: the server stalled (1 attempts)",
    )
    assert time.monotonic() - started < 2


def test_redirect_to_a_host_outside_the_allow_list_is_refused(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    elsewhere = server.url("/annet").replace("127.0.0.1", "localhost")
    server.routes["/flyttet"] = Route(status=302, headers={"Location": elsewhere})
    session = run(catalogue(tmp_path, server, single(server, "/flyttet")), transport)
    assert outcomes(session)[server.url("/flyttet")] == (
        Outcome.FAILED,
        f"redirect to {elsewhere} refused: host 'localhost' is not in fetch.allowed_hosts",
    )
    assert not server.requested("/annet") and transport.hosts == {"127.0.0.1"}


def test_redirect_within_the_allow_list_is_followed(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/gammel"] = Route(status=301, headers={"Location": SINGLE})
    src = catalogue(tmp_path, server, single(server, "/gammel"))
    assert run(src, transport).summary() == "fetched 1, unchanged 0, failed 0"
    record = json.loads((src / "manifest.json").read_text(encoding="utf-8"))["files"]["side.html"]
    assert (record["url"], record["final_url"]) == (server.url("/gammel"), server.url(SINGLE))


def test_wrong_kind_of_file_is_not_stored(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    session = run(catalogue(tmp_path, server, single(server, SINGLE, "plan.pdf")), transport)
    assert outcomes(session)[server.url(SINGLE)] == (
        Outcome.FAILED,
        "expected a PDF for plan.pdf, got text/html",
    )
    assert not (tmp_path / "plan.pdf").exists()


def test_a_file_outside_the_sources_directory_is_refused(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    src = catalogue(tmp_path / "src", server, single(server, SINGLE, "../utenfor.html"))
    session = run(src, transport)
    assert (
        session.count(Outcome.FAILED) == 1
        and "refused: not a file inside" in session.results[0].message
    )
    assert not (tmp_path / "utenfor.html").exists()


BIG = b"<p>" + b"x" * 5000 + b"</p>"


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(BIG), "response larger than 1000 bytes"),
        (Route(BIG, no_length=True), "response larger than 1000 bytes"),
        (Route(b"<p>Svar.</p>", stall=3), "no data for 0.5 s: the server stalled (1 attempts)"),
        (Route(b"x", fail_first=5), "HTTP 500 Internal Server Error after 1 attempts"),
        (Route(b"x", status=404), "HTTP 404 Not Found"),
        (
            Route(b"x", status=302, headers={"Location": "javascript:alert(1)"}),
            "redirect to javascript:alert(1) refused: only http and https URLs are fetched",
        ),
    ],
    ids=["oversized", "oversized-streamed", "stall", "500", "404", "javascript-redirect"],
)
def test_a_failed_fetch_never_touches_the_existing_file(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly, route: Route, message: str
) -> None:
    server.routes["/side"] = Route(b"<html><body><p>Forrige versjon.</p></body></html>")
    src = catalogue(tmp_path, server, single(server, "/side"), max_bytes=1000, retries=0)
    run(src, transport)
    kept, manifest = (src / "side.html").read_bytes(), (src / "manifest.json").read_bytes()
    server.routes["/side"] = route
    session = run(src, transport)
    assert outcomes(session) == {server.url("/side"): (Outcome.FAILED, message)}
    assert (src / "side.html").read_bytes() == kept
    assert (src / "manifest.json").read_bytes() == manifest
    assert [p.name for p in src.iterdir() if p.name.startswith(".")] == []


def test_robots_crawl_delay_slows_the_requests(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    server.routes["/robots.txt"].body = b"User-agent: *\nCrawl-delay: 1\n"
    run(catalogue(tmp_path, server, single(server, SINGLE)), transport)
    robots, page = server.requested("/robots.txt")[0], server.requested(SINGLE)[0]
    assert page.at - robots.at >= 0.95  # the rate limit alone allows 0.02 s


# Content-API mode -------------------------------------------------------------------------

API_FILES = {
    "ltmv--index.json": TREE["api"][0]["path"],
    "ltmv--0006-0041-5ba4c6d0-3a10-450e-946d-19e6da8202b3.json": TREE["api"][1]["path"],
    "ltmv--0006-0002-2422fdad-c242-4175-921d-a7218670bbb4.json": TREE["api"][2]["path"],
    "ltmv--0006-0023-8ed73637-ebdb-4125-9d49-6a4b4b300050.json": TREE["api"][3]["path"],
}


def test_api_mode_fetches_the_item_tree_with_the_key(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    src = catalogue(tmp_path, server, site_documents(server)[2:])
    session = run(src, transport, api=True)
    assert session.summary() == "fetched 4, unchanged 0, failed 0"
    assert fetched_files(src) == set(API_FILES)
    for name, path in API_FILES.items():
        assert (src / name).read_bytes() == server.routes[f"/innhold/{path}"].body
    api_requests = [r for r in server.log if r.path.startswith("/innhold/")]
    assert len(api_requests) == 4
    assert all(r.headers["Ocp-Apim-Subscription-Key"] == KEY for r in api_requests)
    assert not server.requested("/robots.txt")
    name = "ltmv--0006-0002-2422fdad-c242-4175-921d-a7218670bbb4.json"
    result = read_hapi((src / name).read_bytes(), SourceEntry(src / name, "hapi", name))
    assert result.pages[0].title.startswith("Sentrale ledergrep for å sikre bedre oppfølging")


def test_api_mode_without_a_key_is_one_clear_error_and_no_request(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    src = catalogue(tmp_path, server, site_documents(server))
    with pytest.raises(SetupError, match=r"^HELSEDIR_API_KEY: error: not set; the content API"):
        run(src, transport, api=True, env={})
    assert server.log == [] and not (src / "manifest.json").exists()


def test_api_mode_with_a_wrong_key_fails(
    tmp_path: Path, server: FetchServer, transport: LoopbackOnly
) -> None:
    src = catalogue(tmp_path, server, site_documents(server)[2:])
    session = run(src, transport, api=True, env={"HELSEDIR_API_KEY": "feil"})
    assert outcomes(session) == {
        server.url(f"/innhold/{API_ROOT}"): (Outcome.FAILED, "HTTP 401 Unauthorized")
    }


# The command line -------------------------------------------------------------------------


def fetch_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="helsekb")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["fetch", *argv])
    return int(args.func(args))


def test_cli_help_ends_in_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        fetch_cli(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "helsekb fetch" in out.split("Example:")[1] and "--quiet" in out and "--api" in out


def test_cli_quiet_prints_failures_and_the_summary(
    tmp_path: Path, server: FetchServer, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = site_documents(server)[:2] + single(server, "/finnes-ikke")
    code = fetch_cli(["--quiet", "--sources", str(catalogue(tmp_path, server, docs))])
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{server.url('/finnes-ikke')}: failed: HTTP 404 Not Found",
        "fetched 8, unchanged 0, failed 1",
    ]


def test_cli_lists_every_url_and_exits_zero(
    tmp_path: Path, server: FetchServer, capsys: pytest.CaptureFixture[str]
) -> None:
    src = catalogue(tmp_path, server, single(server, SINGLE))
    assert fetch_cli(["--sources", str(src)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{server.url(SINGLE)}: fetched -> side.html",
        "fetched 1, unchanged 0, failed 0",
    ]


def test_cli_api_without_key_exits_two(
    tmp_path: Path,
    server: FetchServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HELSEDIR_API_KEY", raising=False)
    src = catalogue(tmp_path, server, site_documents(server))
    assert fetch_cli(["--api", "--sources", str(src)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("HELSEDIR_API_KEY: error: not set")
    assert server.log == []


@pytest.mark.parametrize(
    ("fetch", "message"),
    [
        ({"rate_limit": 0}, "sources.yml:fetch.rate_limit: error: must be positive"),
        ({"max_pages": 2.5}, "sources.yml:fetch.max_pages: error: must be a whole number"),
        ({"timeout": 3}, "sources.yml:fetch: error: unknown key 'timeout' (allowed: "),
        ({"user_agent_contact": "kontakt"}, "sources.yml:fetch.user_agent_contact: error: must be"),
        ({"allowed_hosts": "127.0.0.1"}, "sources.yml:fetch.allowed_hosts: error: must be a list"),
    ],
)
def test_cli_bad_settings_exit_two_naming_the_key(
    tmp_path: Path,
    server: FetchServer,
    capsys: pytest.CaptureFixture[str],
    fetch: dict[str, Any],
    message: str,
) -> None:
    src = catalogue(tmp_path, server, site_documents(server), **fetch)
    assert fetch_cli(["--sources", str(src)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(message)
    assert server.log == []


def test_cli_missing_contact_and_crawl_without_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sources.yml").write_text("documents: []\n", encoding="utf-8")
    assert fetch_cli(["--sources", str(tmp_path)]) == 2
    (tmp_path / "sources.yml").write_text(
        "fetch: {user_agent_contact: 'https://example.org/'}\n"
        "documents: [{title: X, crawl: true, sources: []}]\n",
        encoding="utf-8",
    )
    assert fetch_cli(["--sources", str(tmp_path)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        "sources.yml: error: needs a 'fetch:' mapping with 'user_agent_contact'",
        "sources.yml:documents[1]: error: 'crawl: true' needs the document's 'url'",
    ]


def test_default_allow_list_is_the_catalogue_hosts(tmp_path: Path, server: FetchServer) -> None:
    src = catalogue(tmp_path, server, site_documents(server))
    data = yaml.safe_load((src / "sources.yml").read_text(encoding="utf-8"))
    del data["fetch"]["allowed_hosts"]
    (src / "sources.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_config(src).settings.allowed_hosts == ("127.0.0.1", "www.helsedirektoratet.no")


# Units: rate limit, Retry-After, file names ----------------------------------------------


def test_rate_limiter_spaces_requests_per_host() -> None:
    clock, slept = [100.0], []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        clock[0] += seconds

    limiter = RateLimiter(2, clock=lambda: clock[0], sleep=sleep)
    for host in ("a", "a", "b", "a"):
        limiter.wait(host)
    assert slept == [0.5, 0.5]
    limiter.slow_down("b", 3)
    limiter.wait("b")
    assert slept[-1] == 2.5  # 3 s after the last request to b, which was 0.5 s ago


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("7", NOW) == 7.0
    assert retry_after("Mon, 09 Feb 2026 12:00:30 GMT", NOW) == 30.0
    assert retry_after("Mon, 09 Feb 2026 11:00:00 GMT", NOW) == 0.0
    assert retry_after("snart", NOW) is None and retry_after(None, NOW) is None


def test_page_names_are_stable_and_bounded() -> None:
    assert page_name("doc", "/r/doc", "/r/doc", ".html") == "doc--index.html"
    assert page_name("doc", "/r/doc", "/r/doc/kap/side", ".html") == "doc--kap-side.html"
    assert page_name("doc", "/r/doc", "/r/doc/vedlegg/plan.PDF", ".pdf") == "doc--vedlegg-plan.pdf"
    assert (
        page_name("doc", "/r/doc", "/r/doc/p%C3%A5-h%C3%B8ring", ".html") == "doc--pa-horing.html"
    )
    long_a = page_name("doc", "/r", "/r/" + "a" * 100 + "/x", ".html")
    long_b = page_name("doc", "/r", "/r/" + "a" * 100 + "/y", ".html")
    assert long_a != long_b and len(long_a) == len("doc--.html") + MAX_PAGE_SLUG


@given(st.text(max_size=300))
def test_page_names_never_leave_the_directory(path: str) -> None:
    name = page_name("doc", "/r", "/r/" + path, ".html")
    assert re.fullmatch(r"doc--[a-z0-9-]+\.html", name)
    assert len(name) <= len("doc--.html") + MAX_PAGE_SLUG
