"""Seeded Norwegian guidance text for the benchmark corpus (benchcorpus.py).

One recommendation page as a ``fuzzdocs.Doc``: a recommendation title, paragraphs of
``search.synthetic`` sentences, a nested list, subheadings, role statements, abbreviations
from data/abbreviations.yml, laws from data/laws.yml, a mention of another document by its
exact title, and a reference list in the corpus's styles with matching in-text citations.
Everything is windows-1252 text (the PDF writer's fonts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import product

from helsekb.fuzzdocs import Block, Doc, Item
from helsekb.search.synthetic import ADJECTIVES, LINKS, NOUNS, sentence

PREFIXES = (
    "Utredning og oppfølging av", "Behandling og rehabilitering ved", "Tidlig innsats ved",
    "Samhandling om pasienter med", "Kommunale tjenester ved", "Legemiddelbehandling ved",
    "Forebygging og oppfølging av", "Tverrfaglig oppfølging ved",
)  # fmt: skip
CONDITIONS = (
    "langvarig smerte", "hjertesvikt", "diabetes type 2", "depresjon hos eldre", "demens",
    "hjerneslag", "astma hos barn", "overvekt hos barn og unge", "spiseforstyrrelser",
    "angstlidelser", "kreft hos voksne", "kronisk nyresykdom", "epilepsi", "revmatoid artritt",
    "rusmiddelproblemer", "kronisk obstruktiv lungesykdom", "multippel sklerose", "psykoser",
)  # fmt: skip
CHAPTERS = (
    "Utredning og diagnostikk", "Behandling", "Oppfølging i kommunen",
    "Samhandling og koordinering", "Rehabilitering og mestring", "Legemidler",
    "Pårørende og nettverk", "Organisering og ledelse", "Dokumentasjon og informasjon",
    "Overganger mellom tjenestenivåer",
)  # fmt: skip
VERBS = ("tilby", "vurdere", "kartlegge", "sikre", "dokumentere", "planlegge", "evaluere")
ROLE_SENTENCES = (
    "Fastlegen bør {verb} {np} og vurdere henvisning til spesialisthelsetjenesten ved behov.",
    "Kommunen skal sammen med spesialisthelsetjenesten {verb} {np} for pasienten.",
    "Spesialisthelsetjenesten skal {verb} {np} og gi fastlegen skriftlig informasjon.",
    "Tjenestene, både i kommunen og i spesialisthelsetjenesten, bør {verb} {np}.",
    "Kommunen har ansvar for å {verb} {np} i samarbeid med fastlegen.",
)
ABBREVIATION_SENTENCES = (
    "FL bør {verb} {np} og sende henvisning til SH når det er nødvendig.",
    "SH skal gi FL epikrise med plan for {np}.",
    "Pasienter med behov for langvarige og koordinerte tjenester har rett til IP.",
    "Opplæring ved LMS kan bidra til {np} og bedre mestring.",
    "DPS kan gi FL råd og veiledning om {np}.",
)
LAWS = (
    "helsepersonelloven § 10a", "helsepersonelloven § 39", "§ 4 i helsepersonelloven",
    "pasient- og brukerrettighetsloven § 3-1", "helse- og omsorgstjenesteloven § 3-2",
    "spesialisthelsetjenesteloven § 2-1", "pasientjournalloven § 9", "fastlegeforskriften § 19",
)  # fmt: skip
LAW_SENTENCES = (
    "Helsepersonell må {verb} {np}, jf. {law}.",
    "Plikten til å {verb} {np} følger av {law}.",
)
MENTION_SENTENCES = (
    "Anbefalingen bør ses i sammenheng med «{title}».",
    "Se også «{title}» om {np}.",
)
SURNAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Eriksen", "Bakken", "Lie", "Dahl",
    "Ødegård", "Aasen", "Solberg", "Strand", "Moen", "Holm", "Lunde",
)  # fmt: skip
ORGANISATIONS = ("Helsedirektoratet", "Folkehelseinstituttet", "Statens helsetilsyn")
JOURNALS = (
    ("Tidsskrift for Den norske legeforening", "Tidsskr Nor Legeforen"),
    ("Scandinavian Journal of Primary Health Care", "Scand J Prim Health Care"),
    ("Nordic Journal of Psychiatry", "Nord J Psychiatry"),
    ("Journal of Advanced Nursing", "J Adv Nurs"),
    ("Family Practice", "Fam Pract"),
)
DESIGNS = (
    "en kvalitativ studie",
    "en systematisk oversikt",
    "en kohortstudie",
    "en tverrsnittsstudie",
)


@dataclass(frozen=True, slots=True)
class Shape:
    """How much text a page has: (min, max) counts, ``words`` as ``sentence()`` takes them."""

    paragraphs: tuple[int, int]
    sentences: tuple[int, int]
    words: tuple[int, int]
    items: tuple[int, int]
    references: tuple[int, int]


FULL = Shape(paragraphs=(4, 6), sentences=(3, 5), words=(4, 10), items=(3, 6), references=(2, 6))
"""About 7 KB of source text, like a real recommendation page."""
SHORT = Shape(paragraphs=(3, 3), sentences=(2, 2), words=(2, 6), items=(3, 3), references=(2, 3))
"""Fits one PDF page (after the cover)."""


def document_titles(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct titles; past the combinations, a numbered part ("– del 2")."""
    base = [f"{prefix} {condition}" for prefix, condition in product(PREFIXES, CONDITIONS)]
    rng.shuffle(base)
    return [
        base[n % len(base)] + (f" – del {n // len(base) + 1}" if n >= len(base) else "")
        for n in range(count)
    ]


def _np(rng: random.Random) -> str:
    """A short noun phrase ("tverrfaglig oppfølging")."""
    return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"


def _fill(rng: random.Random, templates: tuple[str, ...], **known: str) -> str:
    return rng.choice(templates).format(verb=rng.choice(VERBS), np=_np(rng), **known)


def _heading(rng: random.Random) -> str:
    """A subheading or title ("Tverrfaglig oppfølging av pasient")."""
    adjective, link = rng.choice(ADJECTIVES).capitalize(), rng.choice(LINKS)
    return f"{adjective} {rng.choice(NOUNS)} {link} {rng.choice(NOUNS)}"


def _items(rng: random.Random, shape: Shape) -> tuple[Item, ...]:
    """List items, more than half the time one of them with 2–3 children."""
    items = [Item(sentence(rng, shape.words)) for _ in range(rng.randint(*shape.items))]
    if rng.random() < 0.6:
        children = tuple(Item(sentence(rng, (1, 4))) for _ in range(rng.randint(2, 3)))
        at = rng.randrange(len(items))
        items[at] = Item(items[at].text, children)
    return tuple(items)


def _references(rng: random.Random, count: int, vancouver: bool) -> list[tuple[str, str]]:
    """(entry, in-text citation) pairs with distinct first authors."""
    leads = rng.sample([*SURNAMES, *ORGANISATIONS], count)
    return [_reference(rng, lead, vancouver and rng.random() < 0.5) for lead in leads]


def _reference(rng: random.Random, lead: str, vancouver: bool) -> tuple[str, str]:
    """An entry by ``lead`` and its in-text citation ("(Hansen et al., 2019)")."""
    year = rng.randint(2005, 2025)
    if lead in ORGANISATIONS:
        entry = f"{lead} ({year}). {_heading(rng)} {rng.choice(LINKS)} {_np(rng)}. Oslo: {lead}."
        return entry, f"({lead}, {year})"
    names = [lead, *rng.sample([s for s in SURNAMES if s != lead], rng.randint(0, 3))]
    cited = {1: lead, 2: f"{lead} & {names[-1]}"}.get(len(names), f"{lead} et al.")
    return _article(rng, names, year, vancouver), f"({cited}, {year})"


def _article(rng: random.Random, names: list[str], year: int, vancouver: bool) -> str:
    """A journal article, APA ("Hansen, K. (2019). …") or Vancouver ("Hansen K. … 2019;…")."""
    title = f"{_heading(rng)}: {rng.choice(DESIGNS)}"
    journal, short = rng.choice(JOURNALS)
    volume, issue, first = rng.randint(5, 140), rng.randint(1, 12), rng.randint(10, 900)
    pages = f"{first}-{first + 9}"
    if vancouver:
        authors = ", ".join(f"{name} {_initials(rng, '')}" for name in names)
        return f"{authors}. {title}. {short}. {year};{volume}({issue}):{pages}."
    people = [f"{name}, {_initials(rng, '. ')}." for name in names]
    authors = people[0] if len(people) == 1 else f"{', '.join(people[:-1])}, & {people[-1]}"
    return f"{authors} ({year}). {title}. {journal}, {volume}({issue}), {pages}."


def _initials(rng: random.Random, sep: str) -> str:
    return sep.join(rng.sample("ABEGHIKLMNORST", rng.randint(1, 2)))


def _paragraphs(rng: random.Random, shape: Shape) -> list[list[str]]:
    return [
        [sentence(rng, shape.words) for _ in range(rng.randint(*shape.sentences))]
        for _ in range(rng.randint(*shape.paragraphs))
    ]


def _cite(rng: random.Random, paragraphs: list[list[str]], citations: list[str]) -> None:
    """Put each citation before the full stop of a sentence of the body."""
    for citation in citations:
        sentences = rng.choice(paragraphs)
        at = rng.randrange(len(sentences))
        sentences[at] = f"{sentences[at][:-1]} {citation}."


def page(
    rng: random.Random, other_titles: list[str], shape: Shape, *, cited: bool, vancouver: bool
) -> Doc:
    """One recommendation page; ``cited`` where the reader parses the reference list (so
    in-text citations can be linked), ``vancouver`` to mix in Vancouver-style entries."""
    title = sentence(rng, (1, 3)).rstrip(".")
    paragraphs = _paragraphs(rng, shape)
    paragraphs[0].insert(1, _fill(rng, ROLE_SENTENCES))
    paragraphs[1].append(_fill(rng, LAW_SENTENCES, law=rng.choice(LAWS)))
    paragraphs[2].insert(0, _fill(rng, ABBREVIATION_SENTENCES))
    if other_titles:
        paragraphs[-1].append(_fill(rng, MENTION_SENTENCES, title=rng.choice(other_titles)))
    references = _references(rng, rng.randint(*shape.references), vancouver)
    if cited:
        _cite(rng, paragraphs, [citation for _, citation in references])
    blocks = [Block("paragraph", sentences=tuple(p)) for p in paragraphs]
    blocks.insert(1, Block("list", items=_items(rng, shape)))
    blocks.insert(3, Block("heading", text=_heading(rng)))
    if len(paragraphs) > 3 and rng.random() < 0.5:
        blocks.insert(len(blocks) - 1, Block("heading", text=_heading(rng)))
    return Doc(title, tuple(blocks), tuple(entry for entry, _ in references))
