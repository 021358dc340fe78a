"""Text that looks like markup or template syntax, in every source kind, and titles that
would break YAML front matter."""

from __future__ import annotations

from tests.hostile import inputs
from tests.hostile.cases.case import Case

API_PAYLOADS = (
    "tekst-script", "tekst-onclick", "api-svg", "api-img", "api-comment", "'styrke'",
    "OBJECT-PAYLOAD", "expression", "evil.example", "FORELDER", "ROOT", "window.__pwned='url'",
)  # fmt: skip

TEXT = [
    Case(
        "markup-i-tekstfangst.txt",
        "text",
        must=(
            '<script>window.__pwned = "capture-script"; alert("CAPTURE")</script>',
            "<img src=x onerror=\"window.__pwned='capture-img'\"> står på en egen linje.",
            "[klikk](javascript:window.__pwned='md-link')",
            "![alt](javascript:alert('MD-IMG'))",
            "[referanse]: javascript:alert('MD-REF')",
            "<javascript:alert('AUTOLINK')>",
            "{{ config.site_name }}",
            '{% include "partials/x.html" %}',
            "{# kommentar #}",
            "<!-- En HTML-kommentar som skal vises som tekst -->",
            "*[PAYLOAD]: Falsk forkortelse som ikke skal bli en forkortelse",
            "{: onclick=\"window.__pwned='attr-list'\" }",
            '!!! danger "Falsk advarsel"',
            "title: falsk front matter",
            "# Falsk overskrift med firkant",
            "```html",
            "Punkt med <script>window.__pwned='bullet'</script> i en liste",
            "Underpunkt med {{ mal }}",
            "Innrykket tekst med <b onclick=\"window.__pwned='indented'\">fet</b> markup.",
        ),
        links=frozenset(),
        title="Tekstfangst med <script>window.__pwned='title'</script> bør vises som tekst",
    ),
    Case(
        "front-matter-brytere.txt",
        "text",
        must=(
            '!!python/object/apply:subprocess.check_output [["id"]]',
            "&anchor *alias << : merge ? kompleks nøkkel",
        ),
        title="--- title: \"Front matter\" brytes: med !!python/object/apply:os.system ['id'] "
        "& <b>tagger</b> ---",
    ),
    Case(
        "markup-som-tekst.html",
        "text",
        must=(
            "<script>window.__pwned='text'</script> skal vises bokstavelig.",
            "<img src=x onerror=\"window.__pwned='img'\"> skal også vises bokstavelig.",
            "[klikk her](javascript:window.__pwned='md')",
            "[1]: javascript:alert('MD-REF')",
            '{{ config.extra }} og {% include "x.html" %} og {# kommentar #}.',
            "<!-- skjult -->",
            "*[FL]: Falsk forkortelse",
            "{: onclick=\"window.__pwned='attr'\" }",
            "&lt;script&gt; og &#106;avascript: og &amp;.",
            "Backslash \\ og \\\\ og \\* stjerne \\_ understrek.",
            "[falsk](javascript:alert('X'))",
        ),
        links=frozenset({"https://www.helsedirektoratet.no/x"}),
        title="Tekst som ligner markup <script>window.__pwned='h1'</script> bør vises som tekst",
    ),
    Case(
        "fiendtlige-felter.json",
        "text",
        must=(
            "Trygt første avsnitt fra API-et.",
            "Avsnitt med klikkhendelse.",
            "farlig lenke og kodet lenke og datalenke og API-lenke og relativ lenke.",
            "Mal-syntaks {{ config }} og {% include 'x' %} og <script>alert('TEKST')</script>",
            "Markdown [lenke](javascript:alert('MD')) og ![bilde](javascript:alert('IMG')) og "
            "<!-- kommentar --> som tekst.",
            "Sterk anbefaling",
            "Begrunnelse del to med vbscript.",
            "Fordeler er mange.",
        ),
        must_not=API_PAYLOADS,
        links=frozenset(),
        title="API-anbefaling --- kind: home !!python/object/apply:os.system ['id'] "
        "<script>window.__pwned='tittel'</script> bør vises som tekst",
    ),
    Case(
        "markup-i-pdf.pdf",
        "text",
        inputs.markup_pdf,
        must=(
            "PDF med <script>window.__pwned='pdf'</script> i tittelen",
            "Avsnitt med [lenke](javascript:alert(1)) og {{ config }} i teksten.",
            "Avsnitt med <img src=x onerror=alert(1)> og {% raw %} som tekst.",
            '--- title: falsk: "front matter" !!python/object:os.system ---',
            "*[FL]: falsk forkortelse og {: onclick=alert(1) } og \\ og `kode`.",
            "En <!-- kommentar --> og ![bilde](javascript:alert(2)) i PDF-en.",
        ),
        links=frozenset(),
    ),
]
