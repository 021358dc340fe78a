"""Document types from helsedirektoratet.no URL paths."""

from __future__ import annotations

import pytest

from helsekb.readers.doctype import document_type_from_url

SITE = "https://www.helsedirektoratet.no"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/retningslinjer/utmattelse/x", "Nasjonal faglig retningslinje"),
        ("/veiledere/psykisk-helse-og-rusarbeid-for-voksne-horingsutkast/k/p", "Nasjonal veileder"),
        ("/veiledere/prioriteringsveiledere/psykisk-helsevern/x", "Prioriteringsveileder"),
        ("/rapporter/nasjonal-plan-for-covid-19-rehabilitering", "Rapport"),
        ("/faglige-rad/multidose/samhandling", "Nasjonale faglige råd"),
        ("/tema/ukjent", ""),
        ("", ""),
    ],
)
def test_document_type_from_url(path: str, expected: str) -> None:
    assert document_type_from_url(SITE + path) == expected
