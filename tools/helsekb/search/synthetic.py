"""A synthetic knowledge base of N recommendation pages in realistic Norwegian (seeded).

For the search benchmark: guidance-like sentences with inflected nouns, compounds (the long
tail of a real vocabulary), modal verbs, lists, subheadings, a *Praktisk* section and a
reference list per page. The same seed gives the same pages.
"""

from __future__ import annotations

import random

from helsekb.enrichers import references, topics
from helsekb.model import (
    Block,
    BlockType,
    Document,
    DocumentRef,
    KnowledgeBase,
    ListItem,
    Page,
    Reference,
    Section,
    SectionKind,
    Span,
)
from helsekb.pipeline import _assign_paths

NOUNS = [
    "pasient",
    "bruker",
    "fastlege",
    "kommune",
    "lege",
    "sykepleier",
    "behandling",
    "oppfølging",
    "utredning",
    "plan",
    "tiltak",
    "tjeneste",
    "henvisning",
    "samarbeid",
    "kartlegging",
    "rehabilitering",
    "medisin",
    "legemiddel",
    "helse",
    "tilbud",
    "vurdering",
    "forløp",
    "rutine",
    "samtale",
    "journal",
    "avtale",
    "ansvar",
    "koordinator",
    "team",
    "sykehus",
    "institusjon",
    "familie",
    "pårørende",
    "barn",
    "ungdom",
    "eldre",
    "risiko",
    "symptom",
    "diagnose",
    "smerte",
    "søvn",
    "ernæring",
    "aktivitet",
    "arbeid",
    "bolig",
    "økonomi",
    "nettverk",
    "veileder",
    "retningslinje",
    "anbefaling",
    "kompetanse",
    "opplæring",
    "dokumentasjon",
    "informasjon",
    "samtykke",
    "beslutning",
    "mestring",
    "livskvalitet",
]
ADJECTIVES = [
    "god",
    "tidlig",
    "systematisk",
    "helhetlig",
    "tverrfaglig",
    "individuell",
    "alvorlig",
    "langvarig",
    "kronisk",
    "psykisk",
    "somatisk",
    "faglig",
    "tilpasset",
    "regelmessig",
    "koordinert",
    "nødvendig",
    "relevant",
    "lokal",
]
VERBS = [
    "tilby",
    "vurdere",
    "følge",
    "opp",
    "kartlegge",
    "sikre",
    "involvere",
    "dokumentere",
    "informere",
    "henvise",
    "samarbeide",
    "behandle",
    "evaluere",
    "avklare",
    "planlegge",
    "støtte",
    "prioritere",
    "tilrettelegge",
]
MODALS = ("bør", "skal", "kan", "må", "bør ikke", "skal ikke")
SUBJECTS = ("Fastlegen", "Kommunen", "Spesialisthelsetjenesten", "Helsepersonell", "Virksomheten")
LINKS = ["og", "i", "av", "for", "med", "til", "ved", "om", "på", "etter", "uten", "hos", "innen"]
TYPES = ("Nasjonal faglig retningslinje", "Nasjonal veileder", "Rapport", "Regional anbefaling")
ROLES = ("fastlege", "kommune", "spesialisthelsetjenesten")


def _inflect(rng: random.Random, noun: str) -> str:
    ending = rng.choice(["", "", "en", "er", "ene", "s"])
    if noun.endswith("e") and ending and ending[0] == "e":
        ending = ending[1:]
    return noun + ending


def _noun(rng: random.Random) -> str:
    """A noun, one time in four a compound (fastlege + tilbud -> fastlegetilbud)."""
    noun = rng.choice(NOUNS)
    if rng.random() < 0.25:
        noun = rng.choice(NOUNS) + rng.choice(["", "s"]) + noun
    return _inflect(rng, noun)


def sentence(rng: random.Random, parts: tuple[int, int] = (3, 9)) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(MODALS), rng.choice(VERBS)]
    for _ in range(rng.randint(*parts)):
        words += [rng.choice([*ADJECTIVES, ""]), _noun(rng), rng.choice(LINKS)]
    return " ".join(w for w in words[:-1] if w) + "."


def _paragraph(rng: random.Random, sentences: int) -> Block:
    text = " ".join(sentence(rng) for _ in range(sentences))
    return Block(BlockType.PARAGRAPH, [Span(text)])


def _list(rng: random.Random) -> Block:
    items = [ListItem([Span(sentence(rng))]) for _ in range(rng.randint(3, 6))]
    return Block(BlockType.LIST, items=items)


def _heading(rng: random.Random) -> Block:
    text = f"{rng.choice(ADJECTIVES).capitalize()} {_noun(rng)} {rng.choice(LINKS)} {_noun(rng)}"
    return Block(BlockType.HEADING, [Span(text)], level=1)


def _page(rng: random.Random, doc: DocumentRef, chapter: str, n: int) -> Page:
    title = sentence(rng, (1, 3)).rstrip(".")
    body = [_paragraph(rng, rng.randint(2, 4)), _list(rng), _paragraph(rng, 3)]
    body += [_heading(rng), _paragraph(rng, rng.randint(2, 5))]
    praktisk = [_paragraph(rng, 3), _heading(rng), _list(rng), _paragraph(rng, 2)]
    page = Page(title=title, source_file=f"syntetisk-{n}.txt", document=doc, chapter=chapter)
    page.sections = [
        Section(SectionKind.RECOMMENDATION, "", body),
        Section(SectionKind.PRAKTISK, "Praktisk – slik kan anbefalingen følges", praktisk),
    ]
    page.references = [Reference(raw=_reference(rng)) for _ in range(rng.randint(2, 6))]
    page.roles = sorted(rng.sample(ROLES, rng.randint(0, 2)))
    page.status = "høringsutkast" if rng.random() < 0.2 else ""
    return page


def _reference(rng: random.Random) -> str:
    author = rng.choice(["Hansen", "Olsen", "Berg", "Larsen", "Nilsen", "Haugen"])
    year = rng.randint(1995, 2025)
    return f"{author} A, {rng.choice(NOUNS).capitalize()} B. {sentence(rng)} Tidsskr. {year}."


def knowledge_base(pages: int, seed: int = 2024) -> KnowledgeBase:
    """``pages`` recommendation pages in documents of 50 and chapters of 10 pages."""
    rng = random.Random(seed)
    kb = KnowledgeBase()
    for n in range(pages):
        if n % 50 == 0:
            title = f"Syntetisk retningslinje {n // 50 + 1}: {_noun(rng)} og {_noun(rng)}"
            kb.documents.append(Document(title=title, type=TYPES[(n // 50) % len(TYPES)]))
        doc = kb.documents[-1]
        ref = DocumentRef(doc.title, doc.type)
        chapter = f"Kapittel {n // 10 % 5 + 1}: {NOUNS[n // 10 % len(NOUNS)]}"
        doc.pages.append(_page(rng, ref, chapter, n))
    _assign_paths(kb)
    references.assign_ids(kb)
    topics.assign_anchors(kb)
    return kb
