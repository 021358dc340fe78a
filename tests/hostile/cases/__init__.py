"""The hostile-input table: every input, its kind, and how it must end.

An input either converts to sanitised output (``error`` empty: ``must`` texts are in its
rendered pages, ``must_not`` strings are nowhere in its pages' own Markdown or text,
``links`` is the exact set of outside link targets, ``title`` the page title) or fails
with one clear error matching ``error``. Committed inputs live in ``corpus/<dir>/``; the
others are made by ``inputs.py`` at test time. One module per kind.
"""

from __future__ import annotations

from tests.hostile.cases.case import CORPUS, Case
from tests.hostile.cases.encoding import ENCODING
from tests.hostile.cases.files import FILE_SYSTEM, FILES
from tests.hostile.cases.html import HTML
from tests.hostile.cases.pdf import PDF
from tests.hostile.cases.text import TEXT

KINDS = ("html", "text", "files", "pdf", "encoding")
CASES = [*HTML, *TEXT, *FILES, *PDF, *ENCODING]
BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "hostile input names must be unique"


def of_kind(kind: str, alone: bool = False) -> list[Case]:
    return [case for case in CASES if case.kind == kind and case.alone == alone]


__all__ = ["BY_NAME", "CASES", "CORPUS", "FILE_SYSTEM", "KINDS", "Case", "of_kind"]
