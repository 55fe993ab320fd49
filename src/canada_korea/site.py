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

import os
import shutil
from collections.abc import Callable
from functools import partial
from importlib.resources import files
from pathlib import Path

from .changelog import ReleaseChanges
from .load import Project
from .parallel import for_each
from .query import named_queries
from .serve.description import describe, jsonld, ntriples, turtle
from .serve.hosting import write_server_config
from .serve.pages import Links, Renderer, page_path
from .serve.publication import LANGUAGES, Publication
from .serve.service import LISTS, container

SITE = "site"
Job = Callable[[], object]
"""One file (or a few) of the site to write: the unit the build shares among the cores."""


def write_site(dist: Path, project: Project, changes: ReleaseChanges | None = None) -> Path:
    """Write the static site into ``dist/site`` from the files already in ``dist``, with a
    changes page when ``changes`` (since the release before) are known; returns the folder.
    The folder is replaced whole."""
    site = dist / SITE
    if site.exists():
        shutil.rmtree(site)
    publication = Publication(dist, named_queries(project))
    renderer = Renderer(publication, changes_link=changes is not None)
    prefixes = publication.prefixes

    def page(path: str, lang: str, render: Callable[[], str]) -> Job:
        return lambda: _write(site, path, lang, render())

    def document(name: str, render: Callable[[], bytes]) -> Job:
        return lambda: (site / name).write_bytes(render())

    def container_documents(folder: str, title: str) -> None:
        triples = container(publication, folder, title)
        (site / f"{folder}index.ttl").write_bytes(turtle(triples, prefixes))
        (site / f"{folder}index.jsonld").write_bytes(jsonld(triples, prefixes))
        (site / f"{folder}index.nt").write_bytes(ntriples(triples))

    def write_resource(iri: str) -> None:
        description = describe(publication, iri)
        path = page_path(publication, iri)
        if description is None or path is None:
            return
        for lang in LANGUAGES:
            _write(site, path, lang, renderer.describe(description, Links(path, lang)))
        triples = description.triples
        (site / f"{path}.ttl").write_bytes(turtle(triples, prefixes))
        (site / f"{path}.jsonld").write_bytes(jsonld(triples, prefixes))
        (site / f"{path}.nt").write_bytes(ntriples(triples))

    # The site-wide documents first (the costliest), then every resource's page: all of them
    # written on every core (see ``canada_korea.parallel``), most of a build's time.
    jobs: list[Job] = [
        document("search-index.json", renderer.search_index),
        document("sitemap.xml", renderer.sitemap),
        document("robots.txt", renderer.robots),
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
    jobs += [partial(write_resource, iri) for iri in [*publication.resources, *publication.terms]]
    for folder in LISTS:
        (site / folder).mkdir(parents=True, exist_ok=True)
    for_each(jobs, _run)
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
    return site


def _run(job: Job) -> None:
    job()


def _write(site: Path, path: str, lang: str, html: str) -> None:
    target = site / Links(path, lang).page(path).removeprefix(Links(path, lang).root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, "utf-8")


def _copy_files(dist: Path, target: Path) -> None:
    """The dumps in the site, as hard links where the file system has them: at 100x they are
    gigabytes that need not be written twice (no build ever writes into a published file)."""
    target.mkdir(parents=True)
    for path in sorted(dist.iterdir()):
        if path.is_file():
            try:
                os.link(path, target / path.name)
            except OSError:
                shutil.copyfile(path, target / path.name)
