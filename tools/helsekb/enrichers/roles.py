"""Roles: who acts in each page, section and statement, with the evidence (data/roles.yml).

Explicit rules find a role acting in a sentence: ``subject`` ("FL har ansvar"), ``inverted``
("… bør fastlege og pasient …"), ``member`` ("Tjenestene, både i kommunen og i
spesialisthelsetjenesten, bør"), ``possessor`` ("Fastlegens totalvurdering"), ``co-actor``
("Kommunen skal sammen med spesialisthelsetjenesten …"), ``passive-duty`` ("skal FL kunne
kontaktes"). A statement with no acting role takes its lead-in's actors (``lead-in``), or, if
it instructs, the one role its section or page addresses (``implicit``). A page takes its
title's actors, else the audience its document's title names (``audience``). It is a pure
function of the text: the enricher sets the roles, kb.json and the views ask for evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from helsekb import parallel
from helsekb.enrichers.crosslinks import DataError, load_data, require, walk_items
from helsekb.model import Block, BlockType, KnowledgeBase, ListItem, Page, Section
from helsekb.pickled import compact


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    view: str
    """Title of the role's page; "" for a secondary actor (no page, no picker entry)."""
    short: str


@compact
@dataclass(frozen=True, slots=True)
class Evidence:
    role: str
    rule: str
    phrase: str
    """The matched words, verbatim ("" when the role is inherited)."""
    location: str
    """Where: ``title``, ``document title``, a heading, ``#anchor``; or whence, if inherited."""


@compact
@dataclass(slots=True)
class Tag:
    roles: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    """Roles that act (passed on to list items); not a role that is only a passive subject."""


Index = dict[int, Tag]
"""Tags by ``id()`` of the Page, Section, Block or ListItem they belong to."""


def _words(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first (matched in any case: a term's own case,
    as in FL or Nav, is enforced when it is looked up)."""
    phrases = sorted({" ".join(str(w).split()) for w in words}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + ")"


_WORD = re.compile(r"[\w-]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"(\[]?[A-ZÆØÅ0-9])")


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Sentences of already clean text (the readers fold whitespace)."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()] or [text]


class Vocabulary:
    """data/roles.yml compiled: the role terms and the grammar the rules read."""

    def __init__(self, roles: list[dict[str, Any]], not_terms: list[str], g: dict) -> None:
        self.roles = [_role(entry, n) for n, entry in enumerate(roles, start=1)]
        self.order = [r.id for r in self.roles]
        self.terms: dict[str, str] = {}
        """Term (casefolded unless it has capitals) -> role id."""
        self.possessives = {str(p).casefold() for e in roles for p in e.get("possessives", [])}
        self.contextual: dict[str, dict[str, list[str]]] = {}
        for entry, role in zip(roles, self.roles, strict=True):
            for term in [*entry.get("terms", []), *entry.get("possessives", [])]:
                self.terms[_key(str(term))] = role.id
            for rule in entry.get("contextual", []):
                self.terms.update({_key(str(t)): role.id for t in rule["terms"]})
                self.contextual.update({_key(str(t)): rule for t in rule["terms"]})
        w = {key: _words(value) for key, value in g.items()}
        term = rf"(?<![\w-]){_words([*self.terms, *not_terms])}(?![\w-])"
        adv, nxt = rf"(?:\s+{w['adverbs']})*", r"(?:\s+og\s+[^\W\d]+)?"
        self.term_words = _table([*self.terms, *not_terms])
        self.phrase_words = _table(g["normative_phrases"])
        self.sets = {k: {str(x).casefold() for x in v} for k, v in g.items() if isinstance(v, list)}
        self.modals = {str(m).casefold() for m in g["modals"]}
        self.clause_start = _rx(rf"(?:^[\W\d]*|\b{w['clause_openers']}\s+|,\s*(?:og|men)\s+|;\s*)$")
        self.verb_after = _rx(rf"{nxt}{adv}\s+(?P<verb>{w['verbs']})\b")
        self.inverted_left = _rx(rf"\b{w['modals']}{adv}\s+(?:(?:den|det)\s+)?$")
        self.har_left = _rx(rf"\bhar{adv}\s+$")
        self.ansvar_after = _rx(r"\s+(?:\S+\s+){0,2}?\S*ansvar")
        self.passive_after = _rx(rf"{nxt}{adv}\s+(kunne\s+)?[^\W\d]{{2,}}s\b")
        self.co_actor = _rx(rf"\s+sammen\s+med\s+(?:(?:den|det)\s+)?({term})")
        self.member = _rx(
            rf"{w['member_nouns']},?\s+(?:både\s+)?i\s+(?P<first>{term})"
            rf"(?:,?\s+og\s+i\s+(?P<second>{term}))?,?"
        )
        self.audience = _rx(rf"\b{w['audience_cues']}\s+({term})(?:\s+og\s+({term}))?")

    def role_of(self, text: str, context: str) -> str | None:
        """The role a matched term names; a contextual term only where ``context`` allows it."""
        key = " ".join(text.split())
        key = key if key in self.terms else key.casefold()
        rule = self.contextual.get(key)
        if rule and not _applies(rule, context):
            return None
        return self.terms.get(key)

    def find_terms(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each term or not-term in ``text``, longest first; linear in it."""
        spans, words = _tokens(text)
        after = 0
        for n in [i for i, w in enumerate(words) if w in self.term_words]:
            size = _phrase_at(text, spans, words, n, self.term_words) if n >= after else 0
            if size:
                after = n + size
                yield spans[n][0], spans[after - 1][1]

    def is_possessive(self, text: str) -> bool:
        return text.casefold() in self.possessives

    def names(self) -> dict[str, str]:
        return {r.id: r.name for r in self.roles}

    def markers(self, text: str) -> list[str]:
        """The words that make ``text`` an instruction, in order; none in pointer sentences."""
        found: list[str] = []
        for sentence in split_sentences(text):
            spans, words = _tokens(sentence)
            while words and words[0].isdigit():
                spans, words = spans[1:], words[1:]
            if words and words[0] not in self.sets["pointers"]:
                found += [sentence[a:b] for a, b in self._markers(sentence, spans, words)]
        return found

    def _markers(self, text: str, spans: list[Span], words: list[str]) -> list[Span]:
        s, out = self.sets, []
        noun = len(words) > 1 and words[1] in s["noun_markers"]  # "Bruk av …" is no imperative
        if words[0] in s["example_leads"] or (words[0] in s["imperatives"] and not noun):
            out.append(spans[0])
        end = len(text.rstrip())
        for ending in (e for e in s["example_lead_endings"] if text[:end].casefold().endswith(e)):
            out.append((end - len(ending), end))
        duties = s["duty_modals"] | s["normative_passives"]
        for n, word in enumerate(words):
            if word in duties and not self._relative(words, n):
                out.append(spans[n])
            size = _phrase_at(text, spans, words, n, self.phrase_words)
            if size:
                out.append((spans[n][0], spans[n + size - 1][1]))
        return sorted(out)

    def _relative(self, words: list[str], n: int) -> bool:
        """A duty word in a relative clause ("som skal …") or of a non-actor ("pasienter selv
        skal …") instructs no one."""
        before = [w for w in words[max(0, n - 2) : n] if w not in ("ikke", "selv")]
        return bool(before) and (before[-1] == "som" or before[-1] in self.sets["non_actors"])


Span = tuple[int, int]


def _table(phrases: Iterable[str]) -> dict[str, list[list[str]]]:
    """First word -> the phrases (as words) starting with it, longest first."""
    table: dict[str, list[list[str]]] = {}
    for phrase in sorted({str(p) for p in phrases}, key=len, reverse=True):
        words = _WORD.findall(phrase.casefold())
        table.setdefault(words[0], []).append(words)
    return table


def _tokens(text: str) -> tuple[list[Span], list[str]]:
    spans = [m.span() for m in _WORD.finditer(text)]
    return spans, [text[a:b].casefold() for a, b in spans]


def _phrase_at(
    text: str, spans: list[Span], words: list[str], n: int, table: dict[str, list[list[str]]]
) -> int:
    """The length in words of the longest phrase of ``table`` at word ``n``, or 0."""
    for phrase in table.get(words[n], []):
        end = n + len(phrase)
        gaps = (text[spans[i][1] : spans[i + 1][0]] for i in range(n, end - 1))
        if words[n:end] == phrase and all(g.isspace() for g in gaps):
            return len(phrase)
    return 0


def _key(term: str) -> str:
    """How a term is looked up: as written if it has capitals (FL, Nav), else casefolded."""
    term = " ".join(term.split())
    return term if term != term.lower() else term.casefold()


def _applies(rule: dict[str, list[str]], context: str) -> bool:
    when, unless = rule.get("when", []), rule.get("unless", [])
    return any(w in context for w in when) and not any(w in context for w in unless)


def _role(entry: Any, n: int) -> Role:
    where = f"roles.yml: roles[{n}]"
    name = str(require(entry, "name", where))
    view, short = str(entry.get("view", "")), str(entry.get("short") or name)
    return Role(str(require(entry, "id", where)), name, view, short)


@cache
def load_vocabulary() -> Vocabulary:
    """data/roles.yml, compiled once; a clear DataError if it cannot be used."""
    roles = load_data("roles.yml", "roles")
    ids = [str(require(e, "id", f"roles.yml: roles[{n}]")) for n, e in enumerate(roles, 1)]
    if len(set(ids)) != len(ids) or not all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids):
        raise DataError("roles.yml: role ids must be unique and [a-z0-9-] (HTML attributes)")
    try:
        grammar = load_data("roles.yml", "grammar", dict)
        return Vocabulary(roles, load_data("roles.yml", "not_terms"), grammar)
    except (KeyError, TypeError, AttributeError, re.error) as exc:
        raise DataError(f"roles.yml: malformed ({type(exc).__name__}: {exc})") from None


def _tag(evidence: list[Evidence], order: list[str]) -> Tag:
    evidence = list(dict.fromkeys(evidence))
    found = {e.role for e in evidence}
    agents = {e.role for e in evidence if e.rule != "passive-duty"}
    return Tag([r for r in order if r in found], evidence, [r for r in order if r in agents])


class Rules:
    """The explicit rules, for the pages that share one context (title, chapter, document)."""

    def __init__(self, vocab: Vocabulary, context: str) -> None:
        self.vocab, self.context = vocab, context

    def explicit(self, text: str, where: str) -> list[Evidence]:
        """Evidence of every role acting in ``text`` (a title, heading or statement)."""
        out: list[Evidence] = []
        for sentence in split_sentences(text):
            out.extend(self._member(sentence, where))
            for start, end in self.vocab.find_terms(sentence):
                role = self.vocab.role_of(sentence[start:end], self.context)
                out.extend(self._acting(sentence, start, end, role, where) if role else [])
        return out

    def _acting(self, text: str, start: int, end: int, role: str, where: str) -> list[Evidence]:
        v, left, right = self.vocab, text[:start], text[end:]
        at_start = v.clause_start.search(left)
        if v.is_possessive(text[start:end]):
            return [Evidence(role, "possessor", text[start:end], where)] if at_start else []
        verb = v.verb_after.match(right) if at_start else None
        if verb:
            phrase, rest = text[start : end + verb.end()], right[verb.end() :]
            modal = verb.group("verb").casefold() in v.modals
            return self._subject(role, "subject", phrase, rest, modal, where)
        inverted = v.inverted_left.search(left)
        if not inverted and v.ansvar_after.match(right):
            inverted = v.har_left.search(left)
        if not inverted:
            return []
        return self._subject(role, "inverted", text[inverted.start() : end], right, True, where)

    def _subject(
        self, role: str, rule: str, phrase: str, rest: str, modal: bool, where: str
    ) -> list[Evidence]:
        """The subject's evidence unless its verb is passive; and a ``sammen med`` co-actor."""
        passive = self.vocab.passive_after.match(rest) if modal else None
        if passive:  # only "skal FL kunne kontaktes" (FL must be reachable) is a duty
            duty = passive.group(1) is not None
            return (
                [Evidence(role, "passive-duty", phrase + passive.group(0), where)] if duty else []
            )
        out = [Evidence(role, rule, phrase, where)]
        co = self.vocab.co_actor.match(rest)
        partner = self.vocab.role_of(co.group(1), self.context) if co else None
        if co and partner:
            out.append(Evidence(partner, "co-actor", phrase + co.group(0), where))
        return out

    def _member(self, text: str, where: str) -> list[Evidence]:
        """ "Tjenestene, både i kommunen og i spesialisthelsetjenesten, bør …": each role."""
        m = self.vocab.member.match(text)
        verb = self.vocab.verb_after.match(text, m.end()) if m else None
        if not m or not verb:
            return []
        phrase, rest = text[: verb.end()], text[verb.end() :]
        named = [self.vocab.role_of(t, self.context) for t in m.group("first", "second") if t]
        return [
            e for r in named if r for e in self._subject(r, "member", phrase, rest, True, where)
        ]

    def page(self, page: Page, document: str) -> Tag:
        """A page's audience: its title's actors, else the audience its document's title names."""
        evidence = self.explicit(page.title, "title")
        for m in [] if evidence else self.vocab.audience.finditer(document):
            for term in filter(None, m.groups()):
                role = self.vocab.role_of(term, self.context)
                if role:
                    evidence.append(Evidence(role, "audience", m.group(0), "document title"))
        return _tag(evidence, self.vocab.order)


def _context(page: Page, document: str) -> str:
    """What a contextual term is judged by: the page's title, chapter and document."""
    return " ".join([page.title, page.chapter, document]).casefold()


def explain(kb: KnowledgeBase, vocab: Vocabulary | None = None, workers: int = 1) -> Index:
    """Tags for every page, section, heading, paragraph, notice and list item of ``kb``.

    Pages are independent, so they are tagged in ``workers`` forked processes, each
    page's tags listed by position (:func:`page_tags`) and keyed here."""
    vocab = vocab or load_vocabulary()
    pages = [(doc.title, page) for doc in kb.documents for page in doc.pages]
    tagged = parallel.fork_map(partial(_page_tags, vocab), pages, workers)
    return index_of(kb, tagged)


def _page_tags(vocab: Vocabulary, doc_page: tuple[str, Page]) -> list[Tag]:
    return page_tags(vocab, *doc_page)


def index_of(kb: KnowledgeBase, tags: Iterable[list[Tag]]) -> Index:
    """The tags of every page's parts (``tags``: :func:`page_tags` of every page, in order)
    keyed by ``id()`` of the part."""
    index: Index = {}
    for page, tagged in zip(kb.pages(), tags, strict=True):
        index.update(zip(map(id, parts(page)), tagged, strict=True))
    return index


def _explain_page(vocab: Vocabulary, doc_page: tuple[str, Page]) -> Index:
    document, page = doc_page
    rules = Rules(vocab, _context(page, document))
    index = {id(page): rules.page(page, document)}
    _Walker(page, rules, index).run()
    return index


class _Walker:
    """Tags one page's sections, headings and statements in reading order."""

    def __init__(self, page: Page, rules: Rules, index: Index) -> None:
        self.page, self.rules, self.vocab, self.index = page, rules, rules.vocab, index
        self.stack: list[tuple[int, Tag]] = []

    def run(self) -> None:
        for section in self.page.sections:
            self.stack = [(0, self._section(section))]
            previous: Block | None = None
            for block in section.blocks:
                self._block(block, previous)
                previous = block

    def _section(self, section: Section) -> Tag:
        tag = self.index[id(self.page)]
        if section.title:
            tag = self._heading(section.title, tag, "page")
        self.index[id(section)] = tag
        return tag

    def _heading(self, title: str, parent: Tag, whence: str) -> Tag:
        own = self.rules.explicit(title, f"heading «{title}»")
        if own:
            return _tag(own, self.vocab.order)
        inherited = [Evidence(r, "inherited", "", whence) for r in parent.roles]
        return Tag(list(parent.roles), inherited, list(parent.agents))

    def _block(self, block: Block, previous: Block | None) -> None:
        if block.type is BlockType.HEADING:
            while self.stack[-1][0] >= block.level:
                self.stack.pop()
            whence = "section" if len(self.stack) == 1 else "parent heading"
            tag = self._heading(block.text, self.stack[-1][1], whence)
            self.stack.append((block.level, tag))
            self.index[id(block)] = tag
        elif block.type is BlockType.LIST:
            lead = previous if previous and _is_lead_in(previous) else None
            for item in block.items:
                self._item(item, self.index[id(lead)] if lead else None, lead)
        else:
            self.index[id(block)] = self._statement(block.text, block.anchor, None, "")

    def _item(self, item: ListItem, lead: Tag | None, lead_block: Block | ListItem | None) -> None:
        whence = f"#{lead_block.anchor}" if lead_block else ""
        tag = self._statement(item.text, item.anchor, lead, whence)
        self.index[id(item)] = tag
        for child in item.children:
            self._item(child, tag, item)

    def _statement(self, text: str, anchor: str, lead: Tag | None, whence: str) -> Tag:
        where = f"#{anchor}"
        own = self.rules.explicit(text, where)
        if any(e.rule != "passive-duty" for e in own):
            return _tag(own, self.vocab.order)
        if lead and lead.agents:
            own += [Evidence(r, "lead-in", "", whence) for r in lead.agents]
        else:
            own += self._implicit(text, where)
        return _tag(own, self.vocab.order)

    def _implicit(self, text: str, where: str) -> list[Evidence]:
        """An instruction without a named actor: the one role its section or page addresses."""
        addressed = self.stack[-1][1].roles
        found = self.vocab.markers(text) if len(addressed) == 1 else []
        return [Evidence(addressed[0], "implicit", m, where) for m in found]


def _is_lead_in(block: Block) -> bool:
    kinds = (BlockType.PARAGRAPH, BlockType.NOTICE)
    return block.type in kinds and block.text.rstrip().endswith(":")


def tags(kb: KnowledgeBase) -> Index:
    """The role tags of ``kb``'s parts with their evidence, worked out once per knowledge base."""
    if not kb.role_tags:
        kb.role_tags = explain(kb)
    return kb.role_tags


def page_tags(vocab: Vocabulary, document: str, page: Page) -> list[Tag]:
    """The tags of the page's parts, in :func:`parts` order (no ``id()``: a result kept
    from another process is put in place by position)."""
    index = _explain_page(vocab, (document, page))
    tags = [index[id(part)] for part in parts(page)]
    if len(tags) != len(index):
        raise AssertionError(f"{page.path}: {len(index)} parts tagged, {len(tags)} listed")
    return tags


def parts(page: Page) -> Iterator[Page | Section | Block | ListItem]:
    """What the role tagger tags: the page, each section, each block but lists, and each
    list item (depth first), in reading order."""
    yield page
    for section in page.sections:
        yield section
        for block in section.blocks:
            if block.type is BlockType.LIST:
                yield from walk_items(block.items)
            else:
                yield block


def put_tags(kb: KnowledgeBase, vocab: Vocabulary, tags: Iterable[list[Tag]]) -> None:
    """Set ``roles`` on pages (their names added to ``tags``), headings, statements, items
    (``tags``: :func:`page_tags` of every page, in order); ``kb.role_tags`` to all of them."""
    index = kb.role_tags = index_of(kb, tags)
    names = vocab.names()
    for page in kb.pages():
        page.roles = index[id(page)].roles
        page.tags = list(dict.fromkeys([*page.tags, *(names[r] for r in page.roles)]))
        for block in page.blocks():
            if block.type is BlockType.LIST:
                for item in walk_items(block.items):
                    item.roles = index[id(item)].roles
            else:
                block.roles = index[id(block)].roles
