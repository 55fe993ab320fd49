"""The static publication: ``dist/site/``, the server's pages as files for any static host.

Written into the build's staging folder after the dumps, from those very files, so the site
always shows what was published. Every link is relative and names a file (see
``canada_korea.serve.pages`` for the scheme), so the folder can be served from any path of any
static host, or opened from disk. Output is deterministic: pages and documents are written in
sorted order from sorted data, and nothing records the time.

    index.html  timeline.html  map.html  search.html  search-index.json  (+ .fr.html, .ko.html)
    sitemap.xml  robots.txt                every page in every language; what crawlers skip
    changes.html                          what changed since the release before (with git)
    id/NAME.html .ttl .jsonld .nt         every resource           (+ .fr.html, .ko.html)
    def/NAME.html .ttl .jsonld .nt        every ontology term      (+ .fr.html, .ko.html)
    ontology/index.html                   the ontology documentation
    dumps/                                the published files, as in dist/
    queries/NAME.rq                       the named queries
    static/                               the stylesheet, the search script, the favicon
    .htaccess                             Apache configuration (content negotiation)

and beside it ``dist/web/``, the nginx configuration and the w3id.org redirect rules (see
``canada_korea.serve.hosting``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from functools import partial
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from .changelog import ReleaseChanges
from .fingerprint import code_fingerprint
from .load import Project
from .parallel import for_each
from .query import named_queries
from .serve.description import describe, document
from .serve.hosting import write_server_config
from .serve.pages import RDF_DOCUMENTS, Links, Page, Renderer, page_path
from .serve.publication import LANGUAGES, Publication
from .serve.service import LISTS, container

SITE = "site"
FINGERPRINTS = ".site-fingerprints.json"
"""Beside the site in a build (never published): each resource's fingerprint, for the next build."""
N_TRIPLES = "application/n-triples"
"""The media type of a resource's document that its fingerprint reads (see :func:`_fingerprint`)."""
SITE_LOOKUPS = 1 << 18
"""How many answers the site's publication and renderer each keep, where a server keeps a
quarter of it: a resource's pages link to the same neighbours, properties and sections as
pages rendered thousands of resources before, which a server's memos had forgotten by then.
At 100x (54,000 resources) the pages take a tenth less time to work out and render (0.66 to
0.59 ms a resource), for 130 MB more in each of the site's processes."""
Job = Callable[[], object]
"""One file (or a few) of the site to write: the unit the build shares among the cores."""


def write_site(
    dist: Path,
    project: Project,
    changes: ReleaseChanges | None = None,
    previous: Path | None = None,
    store: ox.Store | None = None,
) -> Path:
    """Write the static site into ``dist/site`` from the files already in ``dist``, with a
    changes page when ``changes`` (since the release before) are known; returns the folder.
    The folder is replaced whole.

    ``previous`` is the build before (its folder, which ``dist`` linked to): a resource whose
    fingerprint (its pages' values, its triples, the code) is the one recorded there gets that
    build's files as hard links instead of being rendered again, the same bytes at a fraction
    of the cost, so a build after a small change renders only what the change touched.

    ``store`` is the dataset in memory as ``serve.publication.load_store`` reads it from
    ``dist``, when the caller has read it already (the build, which answers the named queries
    on it too); else it is read here."""
    site = dist / SITE
    if site.exists():
        shutil.rmtree(site)
    publication = Publication(dist, named_queries(project), kept=SITE_LOOKUPS, store=store)
    renderer = Renderer(publication, changes_link=changes is not None, remembered=SITE_LOOKUPS)
    prefixes = publication.prefixes
    code = code_fingerprint()
    seen = _fingerprints(previous) if previous is not None else {}
    # Files are named by strings, joined with "/": a Path made and joined for each of the
    # site's 324,000 files at 100x cost 2 µs each, three quarters of a second of the build.
    root = f"{site}/"

    def page(path: str, lang: str, render: Callable[[], str]) -> Job:
        return lambda: _write(root, path, lang, render())

    def site_file(name: str, render: Callable[[], bytes]) -> Job:
        return lambda: _write_file(root + name, render())

    def rdf_documents(stem: str, triples: list[ox.Triple], written: dict[str, bytes]) -> None:
        """The RDF documents of ``triples``; ``written``: those already made, by media type."""
        for ext, media_type, _name in RDF_DOCUMENTS:
            content = written.get(media_type) or document(triples, media_type, prefixes)
            _write_file(f"{root}{stem}.{ext}", content)

    def container_documents(folder: str, title: str) -> None:
        rdf_documents(f"{folder}index", container(publication, folder, title), {})

    def write_resource(iri: str) -> str | None:
        """Write the files of ``iri`` (or link the previous build's); its fingerprint."""
        description = describe(publication, iri)
        path = page_path(publication, iri)
        if description is None or path is None:
            return None
        pages = {lang: renderer.resource_page(description, Links(path, lang)) for lang in LANGUAGES}
        triples = description.triples
        ntriples = document(triples, N_TRIPLES, prefixes)
        fingerprint = _fingerprint(code, pages.values(), ntriples)
        reusable = previous is not None and seen.get(iri) == fingerprint
        if reusable and _link_files(f"{previous}/{SITE}/", root, _resource_files(path)):
            return fingerprint
        for lang, resource_page in pages.items():
            _write(root, path, lang, renderer.render(resource_page))
        rdf_documents(path, triples, {N_TRIPLES: ntriples})
        return fingerprint

    # The site-wide documents first (the costliest), then every resource's page: all of them
    # written on every core (see ``canada_korea.parallel``), most of a build's time.
    jobs: list[Job] = [
        site_file("search-index.json", renderer.search_index),
        site_file("sitemap.xml", renderer.sitemap),
        site_file("robots.txt", renderer.robots),
    ]
    for folder, title in LISTS.items():
        jobs.append(partial(container_documents, folder, title))
    for lang in LANGUAGES:
        jobs += [
            page("ontology/index", lang, partial(renderer.ontology, lang)),
            page("map", lang, partial(renderer.map_page, lang)),
            page("timeline", lang, partial(renderer.timeline, lang)),
            page("index", lang, partial(renderer.landing, lang)),
            page("search", lang, partial(renderer.search, lang, None)),
            *(page(f + "index", lang, partial(renderer.listing, f, lang)) for f in LISTS),
        ]
        if changes is not None:
            jobs.append(page("changes", lang, partial(renderer.changes, lang, changes)))
    resources = [*publication.resources, *publication.terms]
    jobs += [partial(write_resource, iri) for iri in resources]
    for folder in LISTS:
        (site / folder).mkdir(parents=True, exist_ok=True)
    written = for_each(jobs, _run)[-len(resources) :] if resources else []
    _copy_files(dist, site / "dumps")
    queries = site / "queries"
    queries.mkdir()
    for named in publication.queries:
        (queries / f"{named.name}.rq").write_text(named.text, "utf-8")
    static = site / "static"
    static.mkdir()
    for asset in sorted(files("canada_korea.serve").joinpath("static").iterdir(), key=str):
        (static / asset.name).write_bytes(asset.read_bytes())
    write_server_config(dist, site)
    fingerprints = {iri: mark for iri, mark in zip(resources, written, strict=True) if mark}
    (dist / FINGERPRINTS).write_bytes(json.dumps(fingerprints, sort_keys=True).encode("utf-8"))
    return site


def _run(job: Job) -> object:
    return job()


def _fingerprint(code: str, pages: Iterable[Page], ntriples: bytes) -> str:
    """A digest of a resource's files' inputs: the code, its pages' values and its triples.
    The triples are taken as their N-Triples document, which the build writes anyway: in half
    the time of their repr, where a build fingerprints 54,000 resources at 100x."""
    hashed = hashlib.blake2b(code.encode("utf-8"), digest_size=16)
    for page in pages:
        hashed.update(page.shown())  # JSON arrays: each page's part ends where it began
    hashed.update(ntriples)
    return hashed.hexdigest()


def _fingerprints(build: Path) -> dict[str, str]:
    """The fingerprints a build recorded for its resources, or none when it recorded none
    readable (an older version's build, a damaged file): every page is then rendered."""
    try:
        recorded = json.loads((build / FINGERPRINTS).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict):
        return {}
    return {key: value for key, value in recorded.items() if isinstance(value, str)}


def _resource_files(path: str) -> list[str]:
    """The files of the resource whose pages are at ``path``, relative to the site."""
    pages = [_page_file(path, lang) for lang in LANGUAGES]
    return [*pages, *(f"{path}.{ext}" for ext, _media_type, _name in RDF_DOCUMENTS)]


def _link_files(source: str, target: str, names: list[str]) -> bool:
    """Hard-link each of ``names`` from the folder ``source`` into ``target`` (each ending
    "/"); False, with nothing left behind, when any is missing or the file system cannot link."""
    linked = []
    try:
        for name in names:
            _in_folder(partial(os.link, source + name, target + name), target + name)
            linked.append(target + name)
    except OSError:
        for path in linked:
            Path(path).unlink(missing_ok=True)
        return False
    return True


def _page_file(path: str, lang: str) -> str:
    """The HTML file of the page at ``path`` in ``lang``, relative to the site."""
    links = Links(path, lang)
    return links.page(path).removeprefix(links.root)


def _write(site: str, path: str, lang: str, html: str) -> None:
    """Write the page at ``path`` in ``lang`` into the site at ``site`` (ending "/")."""
    target = site + _page_file(path, lang)
    _in_folder(partial(_write_file, target, html.encode("utf-8")), target)


def _write_file(target: str, content: bytes) -> None:
    """Write ``content`` to the new file ``target`` with three system calls: ``open`` and
    ``Path.write_bytes`` ask the file for its size, whether it is a terminal and where it
    stands, six calls a file where a site writes 320,000 files at 100x (a third less time
    for each, measured)."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        left = memoryview(content)
        while left:  # a write may take only part of it
            left = left[os.write(handle, left) :]
    finally:
        os.close(handle)


def _in_folder(make: Callable[[], object], target: str) -> None:
    """``make`` the file ``target`` (write or link it), making its folder first only when it is
    missing: the folder of a page almost always exists, and making sure of it first was a
    system call for each of the site's files (325,000 at 100x)."""
    try:
        make()
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        make()


def _copy_files(dist: Path, target: Path) -> None:
    """The dumps in the site, as hard links where the file system has them: at 100x they are
    gigabytes that need not be written twice (no build ever writes into a published file)."""
    target.mkdir(parents=True)
    for path in sorted(dist.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            try:
                os.link(path, target / path.name)
            except OSError:
                shutil.copyfile(path, target / path.name)
