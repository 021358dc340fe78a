"""read -> assemble -> enrich -> write, in that order, with a report of every file.

The output is written into a staging directory as it is rendered; the fidelity check runs on
the written files; only a run with no error is swapped into place, else the staging
directory is dropped. (``helsekb build`` converts in a process of its own, then builds the
site from the staging directory while the check runs in another process; the swap still
waits for the check.)
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from helsekb import (
    SITE_URL_ENV,
    catalogue,
    fidelity,
    fsutil,
    history,
    merge,
    parallel,
    snapshot,
)
from helsekb.cache import (
    READ,
    RENDERED,
    SEARCH,
    Cache,
    Placed,
    Snapshot,
    file_stamp,
    file_stamps,
    run_fingerprint,
    source_key,
)
from helsekb.enrichers import (
    citations,
    crosslinks,
    pagework,
    references,
    related,
    roles,
    topics,
)
from helsekb.limits import Limits, SettingError, configured_workers, read_sources
from helsekb.model import HOERINGSUTKAST, Document, KnowledgeBase, Page
from helsekb.readers import ReaderError, ReadResult, SourceEntry
from helsekb.readers.clean import MAX_SOURCE_BYTES
from helsekb.report import Diagnostic, FileReport, Level, RunReport
from helsekb.slug import slugify, unique
from helsekb.stages import Stage, Stages
from helsekb.writers import (
    export,
    nav,
    pages,
    roleviews,
    search_index,
    views,
)

Progress = Callable[[str], None]
Alongside = Callable[[Path], None]
"""Work on the staged output (a directory named like ``out``) while its fidelity is checked."""


@dataclass(slots=True)
class Source:
    entry: SourceEntry
    result: ReadResult
    report: FileReport


def read_all(
    entries: list[SourceEntry],
    progress: Progress | None = None,
    limits: Limits | None = None,
    cached: Cached | None = None,
) -> tuple[list[Source], list[FileReport]]:
    """Read every source, each bounded in size, time and memory (``limits.py``); a failure
    is reported and the other sources still convert. Results come in ``entries`` order.

    ``cached`` gives the sources' cache keys and the cache: an unchanged source comes from
    the cache, and what is read is stored there."""
    try:
        limits = limits or Limits.from_env()
    except SettingError as exc:  # no source is read with a limit nobody meant
        report = FileReport(exc.file)
        report.diagnostics.append(Diagnostic(Level.ERROR, exc.file, exc.message))
        return [], [report]
    sources, reports = [], []
    for entry, outcome in _read_or_recall(entries, limits, cached):
        if progress:
            progress(entry.name)
        report = FileReport(entry.name)
        reports.append(report)
        if isinstance(outcome, ReaderError):
            error = Diagnostic(Level.ERROR, entry.name, outcome.message, outcome.location)
            report.diagnostics.append(error)
            continue
        report.format = entry.format
        report.diagnostics.extend(outcome.diagnostics)
        sources.append(Source(entry, outcome, report))
    return sources, reports


@dataclass(slots=True)
class Cached:
    """The cache and each source's key in it (``None``: not cacheable, e.g. missing)."""

    cache: Cache
    keys: list[str | None]


def _read_or_recall(
    entries: list[SourceEntry], limits: Limits, cached: Cached | None
) -> Iterator[tuple[SourceEntry, ReadResult | ReaderError]]:
    """Each entry with its outcome, in order: from the cache if it has it, else read."""
    if cached is None:
        yield from read_sources(entries, limits)
        return
    recalled: dict[int, ReadResult] = {}
    keys: dict[int, str] = {}
    for entry, key in zip(entries, cached.keys, strict=True):
        found = cached.cache.get_read(key) if key else None
        if found:
            entry.format, recalled[id(entry)] = found
        elif key:
            keys[id(entry)] = key
    missing = [e for e in entries if id(e) not in recalled]

    def keep(entry: SourceEntry, pickled: bytes) -> None:
        if key := keys.get(id(entry)):
            cached.cache.put_read(key, pickled)

    read = {id(e): outcome for e, outcome in read_sources(missing, limits, keep)}
    for entry in entries:
        yield entry, recalled.get(id(entry)) or read[id(entry)]


def read_one(entry: SourceEntry, limits: Limits | None = None) -> ReadResult:
    """One source, bounded like every source of ``read_all``; its error is raised."""
    ((_, outcome),) = read_sources([entry], limits or Limits.from_env())
    if isinstance(outcome, ReaderError):
        raise outcome
    return outcome


def assemble(sources: list[Source]) -> KnowledgeBase:
    """Group pages into documents (catalogue order), merge pages that several sources give
    for one URL (``merge.PRECEDENCE``), and give every file a unique path."""
    kb = KnowledgeBase()
    by_title: dict[str, Document] = {}
    merged_away = _merge_same_url(sources)
    for src in sources:
        ref = src.result.document
        title = src.entry.document or ref.title
        doc = by_title.get(title)
        if doc is None:
            doc = by_title[title] = Document(title=title)
            kb.documents.append(doc)
        doc.type = doc.type or src.entry.document_type or ref.type
        doc.source_url = doc.source_url or src.entry.document_url or ref.url
        if ref.status == HOERINGSUTKAST:
            doc.status = HOERINGSUTKAST
        doc.intro.extend(src.result.intro)
        doc.pages.extend(p for p in src.result.pages if id(p) not in merged_away)
        for page in src.result.pages:
            kb.abbreviations.update(page.abbreviations)
    _assign_paths(kb)
    for page, survivor in merged_away.values():
        page.path = survivor.path
    return kb


def _merge_same_url(sources: list[Source]) -> dict[int, tuple[Page, Page]]:
    """Merge pages that several sources give for one URL; id(merged-away page) -> (it, survivor)."""
    by_url: dict[str, list[tuple[str, Page]]] = {}
    for src in sources:
        for page in src.result.pages:
            if key := merge.url_key(page.source_url):
                by_url.setdefault(key, []).append((src.entry.format, page))
    merged_away: dict[int, tuple[Page, Page]] = {}
    for group in by_url.values():
        if len(group) > 1:
            survivor = merge.merge(group)
            merged_away.update({id(p): (p, survivor) for _, p in group[1:]})
    return merged_away


def _assign_paths(kb: KnowledgeBase) -> None:
    doc_slugs: set[str] = set()
    for doc in kb.documents:
        doc.slug = unique(slugify(doc.title), doc_slugs)
        chapters: dict[str, str] = {}
        dirs: dict[str, set[str]] = {"": set()}
        for page in doc.pages:
            if page.chapter and page.chapter not in chapters:
                chapters[page.chapter] = unique(slugify(page.chapter), dirs[""])
                dirs[chapters[page.chapter]] = set()
            page.chapter_slug = chapters.get(page.chapter, "")
            page.slug = unique(slugify(page.title), dirs[page.chapter_slug])
            parts = [doc.slug, page.chapter_slug, f"{page.slug}.md"]
            page.path = "/".join(p for p in parts if p)


def enrich(kb: KnowledgeBase, workers: int = 1, cache: Cache | None = None) -> list[Diagnostic]:
    """Anchors, reference fields, links, glossary, topics, roles, bibliography, Se også
    (the per-page work of the law and mention links, glossary, topics and role tagger in
    ``workers`` processes, each page's from the ``cache`` if unchanged: ``pagework``).

    Returns what a reader of the convert report should know: unresolved citations,
    ambiguous mentions, unexplained abbreviations (each naming its source file).
    """
    references.assign_ids(kb)
    known = cache.parsed_references() if cache else {}
    parsed = references.parse_all(kb, known)
    if cache and parsed.keys() != known.keys():
        cache.put_parsed_references(parsed)
    topics.assign_anchors(kb)
    try:
        crosslinks.rewrite_links(kb)
        diagnostics = citations.link_citations(kb)
        diagnostics += pagework.work(kb, workers, cache)
    except crosslinks.DataError as exc:
        return [Diagnostic(Level.ERROR, "helsekb/data", str(exc))]
    citations.build_bibliography(kb)
    related.relate(kb)
    return diagnostics


def _attach(run: RunReport, diagnostics: list[Diagnostic]) -> None:
    """Each enrichment diagnostic goes to its source's report, or to the run's."""
    reports = {r.file: r for r in run.files}
    for diagnostic in diagnostics:
        report = reports.get(diagnostic.file)
        (report.diagnostics if report else run.diagnostics).append(diagnostic)


def render(kb: KnowledgeBase, log: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """Every output file, docs-relative path -> content (with the change log's pages)."""
    rendered = render_parts(kb, log)
    return rendered.files | search_index.render_index(kb, rendered.page_keys, rendered.views)


@dataclass(slots=True)
class Rendered:
    """What rendering gave: the files (those not written to a directory), the overview
    pages (title, path), every page's search keys, in the model's page order; for each
    document its files' cache key ("": rendered without a cache), its files' paths, its
    ``kb.json`` data (encoded) and where that is in ``kb.json`` (offset, length in bytes);
    and what follows the documents there."""

    files: dict[str, str]
    views: list[tuple[str, str]]
    page_keys: list[search_index.PageKeys]
    documents: list[str] = field(default_factory=list)
    paths: list[tuple[str, ...]] = field(default_factory=list)
    pieces: list[bytes] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    tail: str = ""


@dataclass(slots=True)
class DocumentPart:
    """A document to render, with its cache key before the change log set its pages'
    ``changed`` dates ("": not cached), the role tags of its parts and the role views (of
    which it renders its own pages, if they have a page per document)."""

    doc: Document
    key: str
    why: roles.Index
    role_views: roleviews.RoleViews

    def render_key(self) -> str:
        """The key of what rendering it gives: the model's, then the dates (the only field
        set after the model's key was taken) and the roles with a page per document (a
        choice made for the whole knowledge base)."""
        dates = repr([page.changed for page in self.doc.pages])
        role_ids = " ".join(role.id for role in self.role_views.per_document)
        return hashlib.sha256(f"{self.key}\0{dates}\0{role_ids}".encode()).hexdigest()


@dataclass(slots=True)
class KbTail:
    """What follows the documents in ``kb.json`` (the bibliography, topics, abbreviations):
    rendered in a worker while the others render documents, written last."""

    kb: KnowledgeBase


Part = Callable[[], dict[str, str]] | DocumentPart | KbTail
"""A part of the output: a function giving its files, a document (its pages), or the end
of ``kb.json``."""


@dataclass(slots=True)
class Previous:
    """The last conversion's output directory, and what the cache vouches it wrote there."""

    out: Path
    snapshot: Snapshot


def render_parts(
    kb: KnowledgeBase,
    log: list[dict[str, Any]] | None = None,
    workers: int = 1,
    into: Path | None = None,
    cache: Cache | None = None,
    keys: list[str] | None = None,
    previous: Previous | None = None,
) -> Rendered:
    """The Markdown pages, kb.json and the navigation (everything but the search index),
    with what the search index needs of them.

    The parts (the views, the role views, each document's pages, its role view pages and
    its ``kb.json`` data) are rendered in ``workers`` forked processes, and merged in a
    fixed order. With ``into``, each part's files are written there by the process that
    rendered it, and ``kb.json`` here a document at a time as they come: no process holds
    every page at once (hundreds of MB at 5,000 pages). With a ``cache`` and each
    document's key in ``keys`` (``snapshot.document_keys``), a document rendered before
    from the same model is taken from it. With ``previous`` too, such a document is taken
    from the last output (:class:`_Reuse`)."""
    site_url = os.environ.get(SITE_URL_ENV, "")
    role_views = roleviews.role_views(kb)
    why = roles.tags(kb)
    parts: list[Part] = [
        KbTail(kb),
        lambda: {"index.md": pages.render_home(kb)},
        lambda: history.render(log or [], site_url),
        lambda: views.render_views(kb),
        *role_views.parts,
        *(
            DocumentPart(doc, keys[n] if keys else "", why, role_views)
            for n, doc in enumerate(kb.documents)
        ),
    ]
    words: dict[str, str] = {}
    reuse = _Reuse(previous, cache, into, words)
    reuse.parts = {n: part for n, part in enumerate(parts) if reuse.may(part)}
    todo = [part for n, part in enumerate(parts) if n not in reuse.parts]
    render = partial(_render_part, into, cache)
    done = parallel.fork_imap(render, todo, workers, chunk=1, min_items=2, meanwhile=reuse)
    rendered = Rendered({}, [], [])
    stream = _inside(into, export.KB_JSON).open("wb") if into else io.BytesIO()
    with stream:  # kb.json as the documents' data come in
        kb_json = export.KbJsonWriter(stream)
        for n in range(len(parts)):
            taken = n in reuse.parts
            part = reuse.take(n) if taken else next(done)
            rendered.files.update(part.files)
            rendered.views.extend(part.views)
            rendered.documents.extend(part.documents)
            rendered.paths.extend(part.paths)
            if not taken:  # (the reused parts' keys were shared as they loaded)
                part.page_keys = [search_index.shared(k, words) for k in part.page_keys]
            rendered.page_keys.extend(part.page_keys)
            rendered.spans.extend(map(kb_json.add, part.pieces))
            rendered.tail += part.tail
        kb_json.end(rendered.tail)
        if isinstance(stream, io.BytesIO):
            rendered.files[export.KB_JSON] = stream.getvalue().decode()
    navigation = {nav.NAV_FILE: nav.render_nav(kb, rendered.views)}
    rendered.files.update(_kept(navigation, into))
    return rendered


def _render_part(into: Path | None, cache: Cache | None, part: Part) -> Rendered:
    """One part's files (written to ``into`` if given), its views and its pages' keys."""
    if isinstance(part, KbTail):
        return Rendered({}, [], [], tail=export.kb_tail(part.kb))
    if not isinstance(part, DocumentPart):
        files = part()
        return Rendered(_kept(files, into), views.view_pages(files), [])
    doc = part.doc
    key = part.render_key() if cache and part.key else ""
    found = cache.get_rendered(key) if cache and key else None
    search = cache.get_search(key) if cache and found else None
    if found is None or search is None:
        files = _document_files(doc) | part.role_views.document_pages(doc)
        keys = [search_index.page_keys(doc, p, files[p.path]) for p in doc.pages]
        search = keys, views.view_pages(files)
        piece = export.document_json(doc, part.why).encode()
        if cache and key:
            cache.put_rendered(key, (files, piece))
            cache.put_search(key, search)
    else:
        files, piece = found
    keys, view_pages = search
    paths = tuple(files)
    return Rendered(_kept(files, into), view_pages, keys, [key], [paths], [piece])


@dataclass(slots=True)
class _Reuse:
    """Documents taken as the last conversion left them in its output directory: those
    that render the same (their files' key is the one recorded there) and whose files are
    untouched since. Their files are linked from there (not written again), their search
    keys come from the cache (each word kept once, in ``words``, as they load: loaded all
    at once first, at 5,000 pages they took 100 MB more) and their ``kb.json`` data from
    the old file. This is done in this process, while the workers render the other parts;
    a document whose files or cache entry turn out not to be as recorded is rendered here
    instead."""

    previous: Previous | None
    cache: Cache | None
    into: Path | None
    words: dict[str, str]
    parts: dict[int, DocumentPart] = field(default_factory=dict)
    done: dict[int, Rendered] | None = None
    folders: set[Path] = field(default_factory=set)

    def may(self, part: Part) -> bool:
        """Whether ``part`` would render what the last conversion wrote."""
        if not (isinstance(part, DocumentPart) and part.key and self.cache and self.into):
            return False
        placed = self.previous.snapshot.documents.get(part.doc.slug) if self.previous else None
        return placed is not None and placed.rendered == part.render_key()

    def __call__(self) -> None:
        if self.done is None:
            self.done = {n: self._taken(part) for n, part in self.parts.items()}

    def take(self, n: int) -> Rendered:
        """Part ``n`` (one of :attr:`parts`)."""
        self()
        assert self.done is not None
        return self.done.pop(n)

    def _taken(self, part: DocumentPart) -> Rendered:
        assert self.previous and self.cache and self.into
        placed = self.previous.snapshot.documents[part.doc.slug]
        search = self.cache.get_search(placed.rendered)
        old = snapshot.read_spans(self.previous.out / export.KB_JSON, [placed])
        if search is None or old is None or not self._linked(placed.files):
            return _render_part(self.into, self.cache, part)
        keys = [search_index.shared(k, self.words) for k in search[0]]
        return Rendered({}, search[1], keys, [placed.rendered], [placed.files], old)

    def _linked(self, files: tuple[str, ...]) -> bool:
        """Link each of ``files`` from the last output into ours, if every one is as it was
        written (else link none)."""
        assert self.previous and self.into
        made: list[Path] = []
        try:
            for rel in files:
                source = self.previous.out / rel
                if file_stamp(source) != self.previous.snapshot.stamps.get(rel):
                    raise OSError(f"changed since written: {rel}")
                made.append(self.into / rel)  # (paths this conversion wrote: see _inside)
                if made[-1].parent not in self.folders:
                    made[-1].parent.mkdir(parents=True, exist_ok=True)
                    self.folders.add(made[-1].parent)
                os.link(source, made[-1])
        except OSError:
            for path in made:
                path.unlink(missing_ok=True)
            return False
        return True


def _kept(files: dict[str, str], into: Path | None) -> dict[str, str]:
    """``files``, or, written to ``into``, none of them."""
    if into is None:
        return files
    write_tree(files, into)
    return {}


def _document_files(doc: Document) -> dict[str, str]:
    """A document's index page, its pages and its chapters' index pages."""
    files = {f"{doc.slug}/index.md": pages.render_document_index(doc)}
    chapters: dict[str, list[Page]] = {}
    for page in doc.pages:
        files[page.path] = pages.render_page(doc, page)
        if page.chapter:
            chapters.setdefault(page.chapter, []).append(page)
    for chapter, members in chapters.items():
        path = f"{doc.slug}/{members[0].chapter_slug}/index.md"
        files[path] = pages.render_chapter_index(doc, chapter, members)
    return files


@dataclass(slots=True)
class FidelityJob:
    """One source's part of the fidelity check: its main text and the files written for it."""

    main_text: str
    boilerplate: list[str]
    paths: list[str]


def fidelity_jobs(sources: list[Source], kb: KnowledgeBase) -> list[FidelityJob]:
    """Each source's job: its pages and the index pages of its documents (which carry its
    introduction)."""
    doc_of = {p.path: d for d in kb.documents for p in d.pages}
    intro_of = {id(s): d for d in kb.documents for s in d.intro}
    jobs = []
    for src in sources:
        paths = [p.path for p in src.result.pages]
        docs = {doc_of[p.path].slug for p in src.result.pages} | {
            intro_of[id(s)].slug for s in src.result.intro
        }
        paths += [f"{slug}/index.md" for slug in sorted(docs)]
        jobs.append(FidelityJob(src.result.main_text, src.result.boilerplate, paths))
    return jobs


@dataclass(slots=True)
class Checked:
    """What the last run's fidelity check found: page texts by ``fidelity.page_key`` and
    each source's result by ``fidelity.check_key``."""

    texts: dict[str, str] = field(default_factory=dict)
    checks: dict[str, fidelity.Fidelity] = field(default_factory=dict)

    @classmethod
    def recall(cls, cache: Cache | None) -> Checked:
        """From the cache (nothing without one)."""
        return cls(cache.page_texts(), cache.checks()) if cache and cache.root else cls()

    def keep(self, cache: Cache | None) -> None:
        if cache and cache.root:
            cache.put_page_texts(self.texts)
            cache.put_checks(self.checks)


def check_pages(
    jobs: list[FidelityJob],
    page: Callable[[str], str],
    known: Checked | None = None,
    workers: int = 1,
) -> tuple[Checked, list[fidelity.Fidelity]]:
    """Check every job against the plain text of its files (``page`` gives a file's Markdown).

    Every file is rendered once (a document's index serves all its sources), in ``workers``
    processes; a file whose Markdown is unchanged since the last run takes its text from
    ``known``, and a job whose main text and files' texts are all unchanged its result.
    Returns what this run found (for the next) and each job's result."""
    unique = list(dict.fromkeys(p for job in jobs for p in job.paths))
    # ``page`` is asked again for the files to render rather than all Markdown held at once
    keys = {path: fidelity.page_key(page(path)) for path in unique}
    known = known or Checked()
    found = Checked(_page_texts(unique, keys, page, known.texts, workers))
    job_keys = [
        fidelity.check_key(j.main_text, j.boilerplate, [keys[p] for p in j.paths]) for j in jobs
    ]
    todo = [(j, k) for j, k in zip(jobs, job_keys, strict=True) if k not in known.checks]
    checks = [
        (j.main_text, j.boilerplate, [found.texts[keys[p]] for p in j.paths]) for j, _ in todo
    ]
    found.checks = {k: known.checks[k] for k in job_keys if k in known.checks}
    results = parallel.fork_map(_check, checks, workers)
    found.checks.update((k, result) for (_, k), result in zip(todo, results, strict=True))
    return found, [found.checks[k] for k in job_keys]


def _page_texts(
    paths: list[str],
    keys: dict[str, str],
    page: Callable[[str], str],
    known: dict[str, str],
    workers: int,
) -> dict[str, str]:
    """The plain text of each file by its key: known, else rendered (in ``workers``)."""
    todo = [path for path in paths if keys[path] not in known]
    rendered = parallel.fork_map(lambda path: fidelity.page_text(page(path)), todo, workers)
    texts = {keys[path]: known[keys[path]] for path in paths if keys[path] in known}
    texts.update((keys[path], text) for path, text in zip(todo, rendered, strict=True))
    return texts


def check_fidelity(
    sources: list[Source],
    kb: KnowledgeBase,
    page: Callable[[str], str],
    known: Checked | None = None,
    workers: int = 1,
) -> Checked:
    """Record sentences kept per source; a lost sentence or leaked chrome is an error.

    See :func:`check_pages`; returns what this run found."""
    found, results = check_pages(fidelity_jobs(sources, kb), page, known, workers)
    for count, result in zip(_counts(sources), results, strict=True):
        _record(count, result)
    return found


def check_staged(
    docs: Path, jobs: list[FidelityJob], cache_root: Path | None
) -> list[fidelity.Fidelity]:
    """The fidelity check of files written to ``docs``, in a process of its own (see
    :func:`convert`); what it found goes to the cache there, not back through a pipe."""
    cache = Cache(cache_root)
    found, results = check_pages(jobs, partial(read_page, docs), Checked.recall(cache))
    found.keep(cache)
    return results


def read_page(docs: Path, path: str) -> str:
    """A written file's Markdown (``path`` relative to ``docs``)."""
    return (docs / path).read_text(encoding="utf-8")


def _check(job: tuple[str, list[str], list[str]]) -> fidelity.Fidelity:
    return fidelity.check(*job)


@dataclass(slots=True)
class _Count:
    """What a source's report says besides the fidelity result."""

    report: FileReport
    pages: int
    references: int


def _counts(sources: list[Source]) -> list[_Count]:
    return [
        _Count(s.report, len(s.result.pages), sum(len(p.references) for p in s.result.pages))
        for s in sources
    ]


def _record(count: _Count, result: fidelity.Fidelity) -> None:
    report = count.report
    report.pages, report.references = count.pages, count.references
    report.sentences_total, report.sentences_kept = result.total, result.kept
    for sentence in result.missing:
        report.diagnostics.append(
            Diagnostic(Level.ERROR, report.file, f"sentence lost: {sentence!r}")
        )
    for chrome in result.boilerplate:
        report.diagnostics.append(
            Diagnostic(Level.ERROR, report.file, f"site chrome in output: {chrome!r}")
        )


def write_tree(files: dict[str, str], root: Path) -> None:
    """Write all files under ``root`` (docs-relative paths), never outside it: UTF-8, Unix
    line ends. Each is a new file: writing one that exists is an error, never a write into
    a file of the last output linked there (``_Reuse``)."""
    for rel, content in sorted(files.items()):
        with _inside(root, rel).open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(content)


def _inside(root: Path, rel: str) -> Path:
    """``root / rel``, its folder made; an error if it would be outside ``root``."""
    path = root / rel
    if not path.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"refusing to write outside the output directory: {rel}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _log_changes(
    kb: KnowledgeBase, out: Path, keys: list[str] | None, previous: Previous | None
) -> list[dict[str, Any]]:
    """Compare with the previous conversion in ``out``; mark the pages that changed."""
    log = history.load_log(out)
    if (out / export.KB_JSON).is_file():  # else nothing to compare with
        known = previous.snapshot if previous else None
        before, after = snapshot.compared(kb, keys, out, known)
        log = history.update(before, log, after, history.today())
    history.mark_changed(kb, log)
    return log


def convert(
    sources_dir: Path,
    out: Path,
    progress: Progress | None = None,
    *,
    cache: Cache | None = None,
    stages: Stages | None = None,
    alongside: Alongside | None = None,
) -> RunReport:
    """Convert every source in ``sources_dir`` into ``out``; ``out`` is untouched on failure.

    With a ``cache``, unchanged sources are not read again, and a run whose inputs are all
    unchanged (and whose ``out`` was not touched since) is not done again. ``stages``
    records the time and memory of each stage.

    With ``alongside``, the conversion runs in a forked process of its own (its memory goes
    back before what follows), a run with no error so far is written to a staging directory
    first, and ``alongside`` is called with it (``helsekb build`` builds the site from it)
    while another process checks its fidelity; ``out`` is replaced only if the check
    passes."""
    with parallel.rare_collections():
        return _convert(sources_dir, out, progress, cache, stages or Stages(), alongside)


def _convert(
    sources_dir: Path,
    out: Path,
    progress: Progress | None,
    cache: Cache | None,
    stages: Stages,
    alongside: Alongside | None,
) -> RunReport:
    run = RunReport()
    try:
        entries, uncatalogued = catalogue.load(sources_dir)
    except ReaderError as exc:
        run.diagnostics.append(Diagnostic(Level.ERROR, exc.file, exc.message, exc.location))
        return run
    if not entries:
        run.diagnostics.append(Diagnostic(Level.ERROR, str(sources_dir), "no source files found"))
        return run
    for name in uncatalogued:
        run.diagnostics.append(
            Diagnostic(
                Level.WARNING, name, f"not in {catalogue.CATALOGUE}; metadata taken from the file"
            )
        )
    with stages.stage("cache check"):
        cached, fingerprint = _cached(cache, entries)
        replay = cached.cache.last_run(fingerprint, out) if cached else None
    if replay:
        replay.diagnostics.append(Diagnostic(Level.INFO, str(sources_dir), UNCHANGED))
        return replay
    with fsutil.staging_dir(out) as tmp:
        staged = tmp / out.name
        work = partial(_staged, run, entries, cached, stages, out, staged, alongside is not None)
        try:  # beside a site build: in a process of its own, whose memory then goes back
            done = parallel.in_child(work, progress) if alongside else work(progress)
        except parallel.ChildError as exc:
            run.diagnostics.append(Diagnostic(Level.ERROR, str(sources_dir), f"stopped: {exc}"))
            return run
        run, stages.done = done.run, done.stages
        if done.beside is not None and alongside is not None:
            jobs, counts = done.beside
            results = _check_beside(staged, jobs, cached, stages, alongside)
            for count, result in zip(counts, results, strict=True):
                _record(count, result)
        if not run.failed:
            with stages.stage("write"):
                fsutil.replace_dir(staged, out)
    if cached and done.doc_keys is not None and not run.failed:
        stamps = file_stamps(out)
        cached.cache.remember_run(fingerprint, stamps, run)
        where = zip(done.slugs, done.doc_keys, done.spans, done.documents, done.paths, strict=True)
        placed = {
            slug: Placed(key, *span, rendered, files) for slug, key, span, rendered, files in where
        }
        cached.cache.put_snapshot(Snapshot(placed, stamps))
        for kind, keys in (
            (READ, cached.keys),
            (RENDERED, done.documents),
            (SEARCH, done.documents),
        ):
            cached.cache.use(kind, keys)
        cached.cache.prune()
    return run


@dataclass(slots=True)
class _Staged:
    """What converting into the staging directory leaves for the steps after it: the report
    and stages so far, each document's slug, key, files, their key and its place in
    ``kb.json`` (for the cache), and, if it is to be done beside a site build, the fidelity
    check (its jobs, and where their results go in the report)."""

    run: RunReport
    stages: list[Stage]
    slugs: list[str]
    doc_keys: list[str] | None
    documents: list[str]
    paths: list[tuple[str, ...]]
    spans: list[tuple[int, int]]
    beside: tuple[list[FidelityJob], list[_Count]] | None = None


def _staged(
    run: RunReport,
    entries: list[SourceEntry],
    cached: Cached | None,
    stages: Stages,
    out: Path,
    staged: Path,
    beside: bool,
    progress: Progress | None,
) -> _Staged:
    """Read, enrich and write into ``staged``; then check the fidelity, unless ``beside``
    (and nothing failed): the check is then left to be done beside the site build."""
    with stages.stage("read"):
        sources, run.files = read_all(entries, progress, cached=cached)
    workers = configured_workers()
    cache = cached.cache if cached else None
    with stages.stage("enrich"):
        kb = assemble(sources)
        _attach(run, enrich(kb, workers, cache))
        doc_keys = snapshot.document_keys(kb, workers) if cache else None
        known = cache.snapshot(out) if cache and doc_keys else None
        previous = Previous(out, known) if known else None
        log = _log_changes(kb, out, doc_keys, previous)
    with stages.stage("markdown"):
        rendered = render_parts(kb, log, workers, staged, cache, doc_keys, previous)
    with stages.stage("search index"):
        index = search_index.render_index(kb, rendered.page_keys, rendered.views, workers)
        write_tree(index, staged)
    slugs = [doc.slug for doc in kb.documents]
    done = _Staged(
        run, stages.done, slugs, doc_keys, rendered.documents, rendered.paths, rendered.spans
    )
    del rendered, index  # (every page's search keys: not needed by the check)
    if beside and not run.failed:
        done.beside = fidelity_jobs(sources, kb), _counts(sources)
    else:
        with stages.stage("fidelity"):
            page = partial(read_page, staged)
            check_fidelity(sources, kb, page, Checked.recall(cache), workers).keep(cache)
    return done


def _check_beside(
    staged: Path,
    jobs: list[FidelityJob],
    cached: Cached | None,
    stages: Stages,
    alongside: Alongside,
) -> list[fidelity.Fidelity]:
    """Check the staged output's fidelity in a fresh process while ``alongside`` works on it.

    Spawned, not forked: a fresh process needs little, and takes none of this one's memory
    beside the work ``alongside`` does (the site build). It ends with this one, even killed
    (a build killed mid-way leaves no checker running)."""
    root = cached.cache.root if cached else None
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1, parallel.die_with_parent, (os.getpid(),)) as checker:
        pending = checker.apply_async(check_staged, (staged, jobs, root))
        with parallel.usual_collections():  # MkDocs: as a plain build collects
            alongside(staged)
        with stages.stage("fidelity"):  # what is left of it once ``alongside`` is done
            results = pending.get()
            checker.close()
            checker.join()
    return results


UNCHANGED = "no source, setting or helsekb file changed since the last conversion: nothing to do"


def _cached(cache: Cache | None, entries: list[SourceEntry]) -> tuple[Cached | None, str]:
    """The sources' cache keys and the run's fingerprint (no cache: nothing)."""
    if cache is None or cache.root is None:
        return None, ""
    keys = [_key(e) for e in entries]
    names = [k or f"unreadable:{e.name}" for k, e in zip(keys, entries, strict=True)]
    fingerprint = run_fingerprint(names)
    return Cached(cache, keys), fingerprint


def _key(entry: SourceEntry) -> str | None:
    """The entry's cache key; None for a file that reading will reject unread."""
    try:
        size = entry.path.stat().st_size
    except OSError:
        return None
    return source_key(entry) if 0 < size <= MAX_SOURCE_BYTES else None
