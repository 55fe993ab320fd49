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

import shutil
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


def write_site(dist: Path, project: Project, changes: ReleaseChanges | None = None) -> Path:
    """Write the static site into ``dist/site`` from the files already in ``dist``, with a
    changes page when ``changes`` (since the release before) are known; returns the folder.
    The folder is replaced whole."""
    site = dist / SITE
    if site.exists():
        shutil.rmtree(site)
    publication = Publication(dist, named_queries(project))
    renderer = Renderer(publication, changes_link=changes is not None)
    for lang in LANGUAGES:
        _write(site, "index", lang, renderer.landing(lang))
        if changes is not None:
            _write(site, "changes", lang, renderer.changes(lang, changes))
        _write(site, "timeline", lang, renderer.timeline(lang))
        _write(site, "map", lang, renderer.map_page(lang))
        _write(site, "search", lang, renderer.search(lang, None))
        _write(site, "ontology/index", lang, renderer.ontology(lang))
        for folder in LISTS:
            _write(site, folder + "index", lang, renderer.listing(folder, lang))
    for folder, title in LISTS.items():
        triples = container(publication, folder, title)
        (site / f"{folder}index.ttl").write_bytes(turtle(triples, publication.prefixes))
        (site / f"{folder}index.jsonld").write_bytes(jsonld(triples, publication.prefixes))
        (site / f"{folder}index.nt").write_bytes(ntriples(triples))
    (site / "search-index.json").write_bytes(renderer.search_index())
    (site / "sitemap.xml").write_bytes(renderer.sitemap())
    (site / "robots.txt").write_bytes(renderer.robots())
    prefixes = publication.prefixes

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

    # Most of a build's time: rendered on every core (see ``canada_korea.parallel``).
    for_each([*publication.resources, *publication.terms], write_resource)
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


def _write(site: Path, path: str, lang: str, html: str) -> None:
    target = site / Links(path, lang).page(path).removeprefix(Links(path, lang).root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, "utf-8")


def _copy_files(dist: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for path in sorted(dist.iterdir()):
        if path.is_file():
            shutil.copyfile(path, target / path.name)
