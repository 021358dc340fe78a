"""File-system tricks: titles whose slugs would be path traversal, absolute paths,
reserved or device names, very long, or the same as another's."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.hostile.cases.case import Case


def _capture(title: str) -> Callable[[], bytes]:
    return lambda: f"{title}\n\nEn setning om et tema.\n".encode()


def _api(title: str, chapter: str | None) -> Callable[[], bytes]:
    links = [{"rel": "root", "type": "retningslinje", "tittel": "Felles dokument"}]
    if chapter is not None:
        links.append({"rel": "forelder", "type": "kapittel", "tittel": chapter})
    item = {"tittel": title, "tekst": "<p>En setning fra API-et.</p>", "links": links}
    item["tekniskeData"] = {"infoType": "anbefaling"}
    return lambda: json.dumps(item).encode()


def _traversal_html() -> bytes:
    return (
        b'<html><head><link rel="canonical" href="https://www.helsedirektoratet.no/a/../../'
        b'../etc/passwd"></head><body><nav class="b-breadcrumbs"><a href="/">Forsiden</a>'
        b'<a href="../../../../etc">../../etc</a></nav><main id="main"><h1>../</h1>'
        b"<p>Tekst med stier i adressene.</p></main></body></html>"
    )


LONG_TITLE = "Svært lang tittel som gjentas " * 12
FILE_SYSTEM = {
    # source file -> (title, chapter for API items, expected docs-relative page path)
    "fs-01.txt": ("..", None, "side/side.md"),
    "fs-02.txt": (".", None, "side-2/side.md"),
    "fs-03.txt": ("../../../etc/passwd", None, "etc-passwd/etc-passwd.md"),
    "fs-04.txt": ("/etc/passwd", None, "etc-passwd-2/etc-passwd.md"),
    "fs-05.txt": (
        "C:\\Windows\\System32\\drivers\\etc\\hosts",
        None,
        "c-windows-system32-drivers-etc-hosts/c-windows-system32-drivers-etc-hosts.md",
    ),
    "fs-06.txt": ("CON", None, "con-2/con-2.md"),
    "fs-07.txt": ("index", None, "index-2/index-2.md"),
    "fs-08.txt": ("bibliografi", None, "bibliografi-2/bibliografi-2.md"),
    "fs-09.txt": ("assets", None, "assets-2/assets-2.md"),
    "fs-10.txt": ("sok", None, "sok-2/sok-2.md"),
    "fs-11.txt": ("Å være", None, "a-vaere/a-vaere.md"),
    "fs-12.txt": ("A være", None, "a-vaere-2/a-vaere.md"),
    "fs-13.txt": ("a-være!", None, "a-vaere-3/a-vaere.md"),
    "fs-14.txt": ("日本語のタイトル", None, "side-3/side.md"),
    "fs-15.txt": (
        LONG_TITLE.strip(),
        None,
        "svaert-lang-tittel-som-gjentas-svaert-lang-tittel-som-gjentas-svaert-lang/"
        "svaert-lang-tittel-som-gjentas-svaert-lang-tittel-som-gjentas-svaert-lang.md",
    ),
    "fs-16.txt": ("%2e%2e%2f%2e%2e%2f", None, "2e-2e-2f-2e-2e-2f/2e-2e-2f-2e-2e-2f.md"),
    "fs-17.txt": ("~/.ssh/authorized_keys", None, "ssh-authorized-keys/ssh-authorized-keys.md"),
    "fs-18.txt": ("NUL", None, "nul-2/nul-2.md"),
    "fs-19.txt": ("LPT1", None, "lpt1-2/lpt1-2.md"),
    "fs-20.txt": ("Index", None, "index-3/index-2.md"),
    "fs-21.json": ("..", "..", "felles-dokument/side/side.md"),
    "fs-22.json": (".", "..", "felles-dokument/side/side-2.md"),
    "fs-23.json": ("index", "../..", "felles-dokument/side-2/index-2.md"),
    "fs-24.json": ("side", None, "felles-dokument/side-3.md"),
    "fs-25.html": ("../", None, "etc/side.md"),
}
FILES = [
    Case(
        name,
        "files",
        _traversal_html
        if name.endswith(".html")
        else _api(title, chapter)
        if name.endswith(".json")
        else _capture(title),
        title=" ".join(title.split()),
    )
    for name, (title, chapter, _) in FILE_SYSTEM.items()
]
