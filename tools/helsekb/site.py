"""Build the MkDocs site from docs/: strict, atomic, deterministic, optionally zipped."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import lxml.html
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils import get_build_datetime
from mkdocs.utils.yaml import yaml_load

from helsekb import SITE_URL_ENV, sitebuild
from helsekb.fsutil import replace_dir, staging_dir
from helsekb.limits import configured_workers

_MAX_REPORTED = 10


class BuildError(Exception):
    """The site could not be built; the message says why (and which file), in plain words."""


def build_site(
    project_dir: Path,
    site_dir: Path,
    *,
    site_url: str | None = None,
    zip_path: Path | None = None,
) -> None:
    """Build ``project_dir``'s docs/ into ``site_dir`` (swapped in whole), then zip it if asked.

    ``site_url`` (else env HELSEKB_SITE_URL, else mkdocs.yml) only matters for an HTTP
    deployment: canonical links, sitemap and the 404 page. Strict-mode warnings fail the build.
    """
    with staging_dir(site_dir) as staging:
        render_site(project_dir, staging, site_url=site_url)
        replace_dir(staging, site_dir)
    if zip_path is not None:
        write_zip(site_dir, zip_path)


def render_site(
    project_dir: Path, out_dir: Path, *, site_url: str | None = None, docs: Path | None = None
) -> None:
    """Build ``project_dir``'s site into ``out_dir`` (see :func:`build_site`).

    ``docs``: a staged copy of the docs directory to build from instead, beside which
    :func:`builds_from` said it may stand (``helsekb build`` builds the site from the
    conversion while its fidelity is still being checked)."""
    config_file = project_dir / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found (the site configuration)")
    site_url = site_url or os.environ.get(SITE_URL_ENV) or None
    if site_url and not re.match(r"https?://[^/\s]+", site_url):
        raise BuildError(f"site URL {site_url!r}: must be an absolute http(s) URL")
    _run_mkdocs(config_file, out_dir, site_url, docs)


def builds_from(project_dir: Path, docs: Path) -> bool:
    """Whether a staged copy of ``docs`` can stand in for the site's docs directory: it is
    the configured ``docs_dir``, right in the project, and an inherited file (the generated
    nav) is inside it. The staged copy is then read as if the project stood beside it."""
    config_file = project_dir / "mkdocs.yml"
    try:
        raw = yaml_load(config_file.read_text(encoding="utf-8"))  # a str: INHERIT not followed
    except (OSError, MkDocsException):
        return False
    if not isinstance(raw, dict):
        return False
    configured = (project_dir / str(raw.get("docs_dir", "docs"))).resolve()
    if "INHERIT" in raw:  # read relative to where the config seems to be: inside docs/ only
        inherited = Path(str(raw["INHERIT"]))
        if inherited.is_absolute():
            return False
        if not (project_dir / inherited).resolve().is_relative_to(configured):
            return False
    return configured == docs.resolve() and configured.parent == project_dir.resolve()


def _run_mkdocs(
    config_file: Path, out_dir: Path, site_url: str | None, docs: Path | None = None
) -> None:
    """Load the config, build in strict mode; any warning becomes the error.

    With ``docs`` (a staged docs directory), the config is read as if it stood beside it, so
    its INHERIT (the nav) comes from there, while its other paths stay the project's."""
    with _collect_warnings() as warnings:
        try:
            source: str | io.BytesIO = str(config_file)
            staged: dict[str, str] = {}
            if docs is not None:
                source = io.BytesIO(config_file.read_bytes())
                source.name = str(docs.parent / config_file.name)
                staged = {"config_file_path": str(config_file), "docs_dir": str(docs)}
            config = load_config(
                source, site_dir=str(out_dir), site_url=site_url, strict=True, **staged
            )
            _require_home(config)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                sitebuild.build(config, configured_workers())
            finally:
                config.plugins.on_shutdown()
        except MkDocsException as exc:
            raise BuildError(_failure_message(str(exc), warnings)) from None


def _require_home(config: MkDocsConfig) -> None:
    home = Path(config.docs_dir) / "index.md"
    if not home.is_file():
        raise BuildError(f"{home}: not found; run `helsekb convert` first")


def _failure_message(reason: str, warnings: list[str]) -> str:
    if not warnings:
        return reason
    shown = [f"  - {w}" for w in warnings[:_MAX_REPORTED]]
    if len(warnings) > _MAX_REPORTED:
        shown.append(f"  … and {len(warnings) - _MAX_REPORTED} more")
    return "\n".join([f"{len(warnings)} problem(s) in strict mode:", *shown])


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextlib.contextmanager
def _collect_warnings() -> Iterator[list[str]]:
    """Capture MkDocs' warnings (they name the file) instead of letting them print."""
    handler = _ListHandler()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def write_zip(site_dir: Path, zip_path: Path) -> None:
    """Zip ``site_dir`` under one top folder, byte-for-byte reproducibly, replacing atomically."""
    stamp = get_build_datetime()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    top = zip_path.name.removesuffix(".zip") or "site"
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.fchmod(fd, 0o644)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            for path in _site_files(site_dir):
                info = zipfile.ZipInfo(f"{top}/{path.relative_to(site_dir).as_posix()}", date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o100644 << 16
                archive.writestr(info, path.read_bytes())
        os.replace(tmp, zip_path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _site_files(site_dir: Path) -> list[Path]:
    return sorted((p for p in site_dir.rglob("*") if p.is_file()), key=lambda p: p.as_posix())


def content_security_policy(site_dir: Path) -> str:
    """A Content-Security-Policy header value that this built site satisfies.

    The theme has a few small inline scripts (one varies with page depth); they are allowed
    by hash, so no 'unsafe-inline' is needed. Recompute after upgrading the theme.
    """
    hashes = sorted(set(_inline_script_hashes(site_dir)))
    scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in hashes)])
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def _inline_script_hashes(site_dir: Path) -> Iterator[str]:
    """sha256 of every executable inline script (JSON data blocks are not executed)."""
    for page in site_dir.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        for script in tree.xpath("//script[not(@src)]"):
            if script.get("type", "text/javascript").endswith("json"):
                continue
            digest = hashlib.sha256((script.text or "").encode("utf-8")).digest()
            yield base64.b64encode(digest).decode("ascii")
