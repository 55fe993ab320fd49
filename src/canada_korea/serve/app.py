"""The web server: Linked Data with content negotiation, HTML for people, a SPARQL 1.1 endpoint.

Routes (read-only; ``GET`` and ``HEAD`` everywhere, ``POST`` on ``/sparql`` only):

    /                     the landing page        /index.html, /index.fr.html, /index.ko.html
    /id/NAME, /def/NAME   a resource or term: HTML, or RDF (Turtle, JSON-LD, N-Triples,
                          RDF/XML, N-Quads, TriG) by ``Accept`` (``Vary: Accept,
                          Accept-Language``), or by extension: NAME.html, NAME.fr.html,
                          NAME.ko.html, NAME.ttl, NAME.jsonld, NAME.nt, NAME.rdf, NAME.nq, NAME.trig
    /id/, /def/           the list of every resource or term, the same ways (/id/index.ttl …)
    /ontology             the ontology: RDF by ``Accept``; a browser is sent to /ontology/
    /ontology/            its documentation (/ontology/index.html …)
    /dataset, /.well-known/void   the VoID description (Turtle unless ``Accept`` asks otherwise)
    /timeline, /map, /search?q=  (also as .html files, like the static site)
    /sparql               the SPARQL 1.1 Protocol; without a query, the service description
                          (a browser gets the workbench); ``format=csv`` (``tsv``, ``json``,
                          ``xml``, ``ttl``, ``jsonld``, ``nt`` …) in the URL: that format as
                          a download, whatever ``Accept`` says (see FORMAT_PARAMETER)
    /dumps/FILE, /FILE    the published files of dist/ (the VoID download URLs are /FILE)
    /queries/NAME.rq, /static/…, /search-index.json, /sitemap.xml, /robots.txt, /favicon.ico

The pages are the static site's: the same relative links name the same files (see
``pages``), so each page works in both places. HTML is in English, French or Korean, from the
file name, else ``?lang=``, else ``Accept-Language``. Redirects name relative locations: the
``Host`` header a client sends never becomes part of an answer.

Pages and documents are rendered on the framework's thread pool and cached; SPARQL never takes
those threads: a query waits for a worker in the event loop (see :mod:`.workers`), and its HTML
is rendered on threads of its own. Answers to ``/sparql`` (:mod:`.protocol` reads the request):
a malformed query, ``SERVICE`` or a query given twice are 400 with the reason; an update 403;
a body over ``max_body`` bytes 413; an unsupported body 415; no acceptable format (or RDF/XML
for a graph it cannot write) 406; an answer
over the row, byte or memory limit 422 saying how to ask for less; a query past the time limit
503 without ``Retry-After`` (sending it again will not help); and a full waiting line 503 with
``Retry-After`` (the same query may succeed a few seconds later).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import math
import re
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient
from rdflib.query import Result
from starlette.exceptions import HTTPException

from ..errors import InputError, QueryError, StoreError, StoreTimeout
from ..formats import by_path
from ..load import Project
from ..namespaces import BASE, PREFIXES
from ..pipeline import ensure_built
from ..query import GRAPH_FORMS, named_queries, prepare, serialize_result
from . import SERVE_MEMORY_LIMIT, SERVE_TIMEOUT
from .description import (
    CONTENT_TYPES,
    RDF_ALIASES,
    RDF_MEDIA_TYPES,
    UnwritableGraph,
    describe,
    document,
)
from .formatting import status_sentence
from .hosting import STABLE
from .negotiation import language, negotiate
from .pages import Renderer
from .protocol import ProtocolRequest, read_request
from .publication import LANGUAGES, Publication, rebase_text
from .remote import DEFAULT_TIMEOUT as DEFAULT_STORE_TIMEOUT
from .remote import (
    GRAPH_ACCEPT,
    RemoteStore,
    installed_queries,
    open_publication,
    parse_graph,
)
from .service import LISTS, container, service_description
from .web import NO_STORE, Representation, SecurityHeaders, not_modified, representation
from .workers import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_WAITING,
    DEFAULT_WORKERS,
    SELECT_FORMATS,
    AnswerTooLarge,
    Limits,
    NotAcceptable,
    QueryAnswer,
    QueryJob,
    QueryPool,
    QueryTimeout,
    ServerBusy,
)

T = TypeVar("T")
DEFAULT_MAX_BODY = 64 * 1024
HTML = "text/html"
HTML_TYPE = "text/html; charset=utf-8"
SELECT_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
"""Other names of the result formats: SPARQLWrapper and browsers' XHR ask for these."""
SELECT_OFFERS = [*SELECT_FORMATS, *SELECT_ALIASES]
GRAPH_OFFERS = [*RDF_MEDIA_TYPES.values(), *RDF_ALIASES]
RESULT_CONTENT_TYPES = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml; charset=utf-8",
    "text/csv": "text/csv; charset=utf-8",
    "text/tab-separated-values": "text/tab-separated-values; charset=utf-8",
    **CONTENT_TYPES,
}
BUSY_RETRY_SECONDS = 5
RESULT_EXTENSIONS = {
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
}
EXTENSIONS = {**RESULT_EXTENSIONS, **{media: ext for ext, media in RDF_MEDIA_TYPES.items()}}
"""The file extension of each answer format, for the name of a download."""
FORMAT_PARAMETER = {
    **{ext: (media_type, None) for media_type, ext in RESULT_EXTENSIONS.items()},
    **{ext: (None, media_type) for ext, media_type in RDF_MEDIA_TYPES.items()},
    "turtle": (None, "text/turtle"),
    "json-ld": (None, "application/ld+json"),
    "rdf+xml": (None, "application/rdf+xml"),
}
"""``/sparql?query=…&format=NAME``: the result format (for SELECT and ASK) or RDF format (for
CONSTRUCT and DESCRIBE) NAME chooses whatever ``Accept`` says, the answer an attachment named
``query.csv``, ``query.ttl`` …: for links people click (a link cannot send ``Accept``). Names
are the extensions, and SPARQLWrapper's (``turtle``, ``json-ld``, ``rdf+xml``), which it sends
with every query; a name not listed here (SPARQLWrapper's ``n3``) leaves the choice to
``Accept``, as such clients expect."""
_UNSAFE_IN_BASE = re.compile(r"[\s\"'<>\\^`{|}\x00-\x1f\x7f]")
EXAMPLE_QUERY = """SELECT ?statistic ?label ?value WHERE {
  ?statistic a ck:Statistic ; rdfs:label ?label ; ck:value ?value .
  FILTER(LANG(?label) = "en")
}
ORDER BY DESC(?value)
LIMIT 10
"""


@dataclass(frozen=True)
class Settings:
    """How the server answers; every field has the default ``canada-korea serve`` uses.
    ``memory_limit`` is in megabytes per query worker, ``max_waiting`` the number of queries
    that may wait for a worker before more are refused. ``sparql_endpoint`` is the store a
    front end reads everything from (see :mod:`.remote`), ``default_graph`` the graph of that
    store holding ``canada-korea.nt`` when it has no default graph of its own (Virtuoso)."""

    base: str = BASE
    sparql_endpoint: str | None = None
    default_graph: str | None = None
    timeout: float = SERVE_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_body: int = DEFAULT_MAX_BODY
    workers: int = DEFAULT_WORKERS
    memory_limit: int = SERVE_MEMORY_LIMIT
    max_waiting: int = DEFAULT_MAX_WAITING

    @property
    def limits(self) -> Limits:
        return Limits(
            timeout=self.timeout,
            max_rows=self.max_rows,
            max_bytes=self.max_bytes,
            memory_mb=self.memory_limit,
            max_waiting=self.max_waiting,
        )


def create_app(project: Project | None, settings: Settings | None = None) -> FastAPI:
    """The application serving ``project``'s published graph (built first when the dumps are
    missing or older than the sources, as ``query`` does), or, with no project, the graph of
    the store at ``settings.sparql_endpoint``: a front end holding no copy of it (see
    :mod:`.remote`). Given both, pages come from the project and ``/sparql`` is forwarded.
    Its query workers start and stop with the application's lifespan. Raises
    :class:`InputError` for settings it cannot serve with (a base that is not a plain web
    address, a time limit that is not a positive number of seconds, a memory limit under
    256 MB, a front end with no endpoint or another base) and :class:`.errors.StoreError` when
    the endpoint cannot be reached or does not hold the dataset."""
    settings = settings or Settings()
    base = _checked_base(settings.base)
    if not (math.isfinite(settings.timeout) and 0 < settings.timeout <= 3600):
        raise InputError(f"the time limit must be between 0 and 3600 s, not {settings.timeout}")
    if settings.memory_limit < 256:
        raise InputError(f"the memory limit must be 256 MB or more, not {settings.memory_limit}")
    if settings.default_graph is not None and settings.sparql_endpoint is None:
        raise InputError("--default-graph names a graph of the store --sparql-endpoint reads")
    if project is not None:
        ensure_built(project)
        # The build's index: the server answers at once at any size (see Publication).
        publication = Publication(project.dist_dir, named_queries(project), base, index=True)
    elif settings.sparql_endpoint is None:
        raise InputError("a server needs a project's build or a SPARQL endpoint to read")
    elif base != BASE:
        raise InputError(
            "--base cannot be used with --sparql-endpoint: the store holds the canonical IRIs "
            f"({BASE}…), and pages link to each other by relative paths wherever they are served"
        )
    else:
        publication = open_publication(
            settings.sparql_endpoint,
            installed_queries(),
            default_graph=settings.default_graph,
            timeout=max(settings.timeout, DEFAULT_STORE_TIMEOUT),
        )
    site = _Site(publication, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        site.answerer.start()
        try:
            yield
        finally:
            site.close()

    app = FastAPI(
        title="canada-korea",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Accept-Language", "Content-Type", "If-None-Match"],
        expose_headers=["Content-Location", "ETag", "Link", "Vary"],
    )
    app.add_middleware(SecurityHeaders)
    app.mount(
        "/static",
        StaticFiles(directory=str(files("canada_korea.serve").joinpath("static"))),
        name="static",
    )
    site.add_routes(app)
    app.add_exception_handler(HTTPException, site.http_error)  # type: ignore[arg-type]
    app.add_exception_handler(StoreError, site.store_error)  # type: ignore[arg-type]
    return app


def _checked_base(base: str) -> str:
    """``base`` ending with a slash, or :class:`InputError`: IRIs are written by putting a name
    after it, so it must be an http(s) URL with a host and nothing Turtle, HTML or a header
    could read as the end of the IRI (spaces, quotes, angle brackets) and no query or fragment."""
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"the base must be an http or https URL, not '{base}'")
    unsafe = _UNSAFE_IN_BASE.search(base)
    if unsafe is not None:
        raise InputError(f"the base cannot contain {unsafe.group()!r}: '{base}'")
    if parts.query or parts.fragment or "?" in base or "#" in base:
        raise InputError(f"the base cannot have a query or a fragment: '{base}'")
    return base if base.endswith("/") else base + "/"


class _Forwarder:
    """Answers queries on the configured SPARQL endpoint (``--sparql-endpoint``), on threads
    of its own and with the same waiting line as the workers.

    A query passes the same checks as the workers' (:func:`~canada_korea.query.prepare`: no
    update, no ``SERVICE``) and is sent with the project's prefixes it does not declare. The
    protocol's dataset (``default-graph-uri``, ``named-graph-uri``) is passed on as given;
    without one, the store's default graph (``--default-graph``) is sent unless the query
    names its own with ``FROM``. Answers are written here, in the same formats and with the
    same limits on rows as the workers'."""

    def __init__(
        self, store: RemoteStore, size: int, limits: Limits, prefixes: dict[str, str]
    ) -> None:
        self.store = store
        self.endpoint = store.endpoint
        self.limits = limits
        self.prefixes = prefixes
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sparql")
        self._slots = asyncio.Semaphore(size + limits.max_waiting)

    def start(self) -> None:
        """Nothing to start: threads are made as queries come."""

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def run(self, job: QueryJob) -> QueryAnswer:
        if self._slots.locked():
            raise ServerBusy("the endpoint is busy; try again in a few seconds")
        async with self._slots:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._answer, job)

    def _answer(self, job: QueryJob) -> QueryAnswer:
        prepared = prepare(job.text, local=False)
        text = "".join(
            f"PREFIX {prefix}: <{iri}>\n"
            for prefix, iri in PREFIXES
            if prefix not in prepared.declared_prefixes
        )
        text += prepared.text
        own_dataset = bool(prepared.query.algebra.get("datasetClause"))
        dataset = (job.default_graphs, job.named_graphs)
        graph_form = prepared.form in GRAPH_FORMS
        media_type = job.graph_format if graph_form else job.select_format
        if media_type is None:
            raise NotAcceptable(prepared.form)
        accept = GRAPH_ACCEPT if graph_form else "application/sparql-results+json"
        try:
            body, content_type = self.store.post(
                text,
                accept,
                default_graph=not own_dataset,
                dataset=dataset,
                timeout=self.limits.timeout,
            )
            if graph_form:
                triples = list(dict.fromkeys(parse_graph(body, content_type)))
        except StoreTimeout as error:
            raise QueryTimeout(f"{error}; make the query more selective") from error
        except StoreError as error:
            raise QueryError(str(error)) from error
        if graph_form:
            if len(triples) > self.limits.max_rows:
                raise self.limits.too_many("triples")
            return QueryAnswer(
                prepared.form, media_type, document(triples, media_type, self.prefixes)
            )
        try:
            result = Result.parse(io.BytesIO(body), format="json")
        except (ValueError, KeyError, TypeError) as error:
            raise QueryError(
                f"the SPARQL endpoint {self.endpoint} did not answer in SPARQL JSON: {error}"
            ) from error
        if prepared.form == "SELECT" and len(result.bindings) > self.limits.max_rows:
            raise self.limits.too_many("rows")
        body = serialize_result(result, SELECT_FORMATS[media_type])
        if len(body) > self.limits.max_bytes:
            raise self.limits.too_big()
        return QueryAnswer(prepared.form, media_type, body)


class _Site:
    """The routes' shared state: the publication, its renderer, the query answerer and the
    caches of what is rendered."""

    def __init__(self, publication: Publication, settings: Settings) -> None:
        self.publication = publication
        self.settings = settings
        self.limits = settings.limits
        self.renderer = Renderer(publication, sparql="sparql")
        self.endpoint = publication.base + "sparql"
        self.answerer: QueryPool | _Forwarder
        if settings.sparql_endpoint:
            store = publication.store
            if not isinstance(store, RemoteStore):
                store = RemoteStore(settings.sparql_endpoint, default_graph=settings.default_graph)
            self.answerer = _Forwarder(store, settings.workers, self.limits, publication.prefixes)
        else:
            self.answerer = QueryPool(
                publication.dist,  # type: ignore[arg-type]
                base=publication.base,
                size=settings.workers,
                limits=self.limits,
            )
        # SPARQL answers are rendered as HTML here, never on the threads pages need.
        self.sparql_renderer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sparql-html")
        self.page = lru_cache(maxsize=4096)(self._page)
        self.document = lru_cache(maxsize=4096)(self._document)
        self.file_as_rdf = lru_cache(maxsize=64)(self._file_as_rdf)
        self.listing = lru_cache(maxsize=64)(self._listing)
        self.service = lru_cache(maxsize=16)(self._service)
        self.dump_etag = lru_cache(maxsize=64)(self._dump_etag)
        self.search_index = lru_cache(maxsize=1)(self._search_index)
        self.crawler_file = lru_cache(maxsize=2)(self._crawler_file)
        self.form = lru_cache(maxsize=8)(self._form)

    def close(self) -> None:
        """Stop the query answerer and the SPARQL rendering threads."""
        self.answerer.close()
        self.sparql_renderer.shutdown(wait=False, cancel_futures=True)

    def add_routes(self, app: FastAPI) -> None:
        get = ["GET", "HEAD"]
        app.add_api_route("/", self.landing, methods=get)
        app.add_api_route("/index{variant:path}", self.landing, methods=get)
        app.add_api_route("/timeline", self.timeline, methods=get)
        app.add_api_route("/timeline{variant:path}", self.timeline, methods=get)
        app.add_api_route("/map", self.map, methods=get)
        app.add_api_route("/map{variant:path}", self.map, methods=get)
        app.add_api_route("/search-index.json", self.search_index_file, methods=get)
        app.add_api_route("/search", self.search, methods=get)
        app.add_api_route("/search{variant:path}", self.search, methods=get)
        app.add_api_route("/id/", self.resources, methods=get)
        app.add_api_route("/def/", self.terms, methods=get)
        app.add_api_route("/id/{name}", self.resource, methods=get)
        app.add_api_route("/def/{name}", self.term, methods=get)
        app.add_api_route("/ontology", self.ontology, methods=get)
        app.add_api_route("/ontology/", self.ontology_page, methods=get)
        app.add_api_route("/ontology/index{variant:path}", self.ontology_page, methods=get)
        app.add_api_route("/dataset", self.dataset, methods=get)
        app.add_api_route("/.well-known/void", self.dataset, methods=get)
        app.add_api_route("/sparql", self.sparql, methods=["GET", "HEAD", "POST"])
        app.add_api_route("/dumps/{name}", self.dump, methods=get)
        app.add_api_route("/queries/{name}", self.named_query, methods=get)
        app.add_api_route("/sitemap.xml", self.sitemap, methods=get)
        app.add_api_route("/robots.txt", self.robots, methods=get)
        app.add_api_route("/favicon.ico", self.favicon, methods=get)
        app.add_api_route("/{name}", self.dump, methods=get)

    # --- responses ---------------------------------------------------------------------------

    def _stable(
        self,
        request: Request,
        content: Representation,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Stable data with its validators: the body, or 304 when the client holds it."""
        headers = {**(headers or {}), "ETag": content.etag, "Cache-Control": STABLE}
        if not_modified(request.headers.get("if-none-match"), content.etag):
            return Response(status_code=304, headers=headers)
        return Response(content.body, media_type=content_type, headers=headers)

    # --- HTML pages ----------------------------------------------------------------------------

    def _lang(self, request: Request, variant: str = "") -> str | None:
        """The page language: from the file name (``.html`` English, ``.fr.html`` French,
        ``.ko.html`` Korean, as on the static site), else :meth:`_negotiated_lang`. None when
        ``variant`` names no page."""
        if not variant:
            return self._negotiated_lang(request)
        if variant == ".html":
            return LANGUAGES[0]
        code = variant.removeprefix(".").removesuffix(".html")
        return code if variant.endswith(".html") and code in LANGUAGES[1:] else None

    def _negotiated_lang(self, request: Request) -> str:
        """``?lang=`` when it names a language, else the ``Accept-Language`` header's choice."""
        chosen = request.query_params.get("lang")
        if chosen in LANGUAGES:
            return chosen  # type: ignore[return-value]
        return language(request.headers.get("accept-language"), LANGUAGES)

    def _html(self, request: Request, page: Representation) -> Response:
        """A page whose language follows the file name, ``?lang=`` or ``Accept-Language``."""
        return self._stable(request, page, HTML_TYPE, {"Vary": "Accept-Language"})

    def _page(self, kind: str, lang: str, argument: str = "") -> Representation | None:
        if kind == "landing":
            html = self.renderer.landing(lang)
        elif kind == "timeline":
            html = self.renderer.timeline(lang)
        elif kind == "map":
            html = self.renderer.map_page(lang)
        elif kind == "ontology":
            html = self.renderer.ontology(lang)
        elif kind == "list":
            html = self.renderer.listing(argument, lang)
        else:
            html = self.renderer.resource(argument, lang)
        return None if html is None else representation(html.encode("utf-8"))

    def _page_in(self, request: Request, kind: str, variant: str) -> Response:
        lang = self._lang(request, variant)
        if lang is None:
            raise HTTPException(404)
        return self._html(request, self.page(kind, lang))  # type: ignore[arg-type]

    def landing(self, request: Request, variant: str = "") -> Response:
        return self._page_in(request, "landing", variant)

    def timeline(self, request: Request, variant: str = "") -> Response:
        return self._page_in(request, "timeline", variant)

    def map(self, request: Request, variant: str = "") -> Response:
        return self._page_in(request, "map", variant)

    def ontology_page(self, request: Request, variant: str = "") -> Response:
        return self._page_in(request, "ontology", variant)

    def search(self, request: Request, variant: str = "") -> Response:
        lang = self._lang(request, variant)
        if lang is None:
            raise HTTPException(404)
        query = request.query_params.get("q")
        page = request.query_params.get("page", "1")
        html = self.renderer.search(
            lang,
            query,
            page=int(page) if page.isdigit() else 1,
            cls=request.query_params.get("class") or None,
        )
        return Response(html, media_type=HTML_TYPE, headers={"Vary": "Accept-Language"})

    def _search_index(self) -> Representation:
        return representation(self.renderer.search_index())

    def search_index_file(self, request: Request) -> Response:
        return self._stable(request, self.search_index(), "application/json")

    def sitemap(self, request: Request) -> Response:
        return self._stable(request, self.crawler_file("sitemap.xml"), "application/xml")

    def robots(self, request: Request) -> Response:
        return self._stable(request, self.crawler_file("robots.txt"), "text/plain; charset=utf-8")

    def _crawler_file(self, name: str) -> Representation:
        body = self.renderer.sitemap() if name == "sitemap.xml" else self.renderer.robots()
        return representation(body)

    def favicon(self) -> Response:
        """Browsers ask for ``/favicon.ico`` whatever the page says; the icon is an SVG."""
        return RedirectResponse("static/favicon.svg", status_code=301)

    # --- Linked Data ---------------------------------------------------------------------------

    def resource(self, request: Request, name: str) -> Response:
        return self._linked_data(request, "ckr", "id/", name)

    def term(self, request: Request, name: str) -> Response:
        return self._linked_data(request, "ck", "def/", name)

    def resources(self, request: Request) -> Response:
        return self._linked_data(request, "ckr", "id/", "index")

    def terms(self, request: Request) -> Response:
        return self._linked_data(request, "ck", "def/", "index")

    def _linked_data(self, request: Request, prefix: str, folder: str, name: str) -> Response:
        """A resource's description, or the list of the folder's (``index``): the format from
        the extension, else from ``Accept``."""
        stem, dot, extension = name.partition(".")
        iri = self.publication.prefixes[prefix] + stem
        listing = stem == "index" and not self.publication.is_page(iri)
        if not listing and not self.publication.is_page(iri):
            raise HTTPException(404, f"nothing is published at {iri}")

        def rdf(media_type: str) -> Representation:
            return self.listing(folder, media_type) if listing else self._rdf(iri, media_type)

        def html(lang: str) -> Representation:
            return self.page("list" if listing else "resource", lang, folder if listing else iri)  # type: ignore[return-value]

        if dot:
            if extension in RDF_MEDIA_TYPES:
                media_type = RDF_MEDIA_TYPES[extension]
                return self._stable(request, rdf(media_type), CONTENT_TYPES[media_type])
            lang = self._lang(request, "." + extension)
            if lang is None:
                raise HTTPException(404, f"no such document: {folder}{name}")
            return self._html(request, html(lang))
        offers = [HTML, *GRAPH_OFFERS]
        chosen = negotiate(request.headers.get("accept"), offers)
        if chosen is None:
            raise HTTPException(406, "acceptable here: " + ", ".join(offers))
        chosen = RDF_ALIASES.get(chosen, chosen)
        links = ", ".join(
            f'<{stem}.{ext}>; rel="alternate"; type="{media}"'
            for ext, media in RDF_MEDIA_TYPES.items()
        )
        headers = {"Vary": "Accept, Accept-Language", "Link": links}
        if chosen == HTML:
            lang = self._negotiated_lang(request)
            variant = "" if lang == LANGUAGES[0] else f".{lang}"
            headers["Content-Location"] = f"{stem}{variant}.html"
            return self._stable(request, html(lang), HTML_TYPE, headers)
        extension = next(ext for ext, media in RDF_MEDIA_TYPES.items() if media == chosen)
        headers["Content-Location"] = f"{stem}.{extension}"
        return self._stable(request, rdf(chosen), CONTENT_TYPES[chosen], headers)

    def _document(self, iri: str, media_type: str) -> Representation | None:
        description = describe(self.publication, iri)
        if description is None:
            return None
        return representation(document(description.triples, media_type, self.publication.prefixes))

    def _rdf(self, iri: str, media_type: str) -> Representation:
        content = self.document(iri, media_type)
        if content is None:
            raise HTTPException(404, f"nothing is published at {iri}")
        return content

    def _listing(self, folder: str, media_type: str) -> Representation:
        triples = container(self.publication, folder, LISTS[folder])
        return representation(document(triples, media_type, self.publication.prefixes))

    def ontology(self, request: Request) -> Response:
        """The ontology document by ``Accept``; a browser goes to its documentation."""
        return self._file_negotiated(request, "ontology.ttl", "ontology/")

    def dataset(self, request: Request) -> Response:
        """The VoID description by ``Accept`` (Turtle by default); a browser gets the landing
        page, which shows the same description."""
        root = "../" if request.url.path.startswith("/.well-known/") else ""
        return self._file_negotiated(request, "void.ttl", root + "index.html")

    def _file_negotiated(self, request: Request, name: str, page: str) -> Response:
        chosen = negotiate(request.headers.get("accept"), [*GRAPH_OFFERS, HTML])
        if chosen == HTML:
            return RedirectResponse(page, status_code=303, headers={"Vary": "Accept"})
        if chosen is None:
            raise HTTPException(406, "acceptable here: " + ", ".join(GRAPH_OFFERS))
        chosen = RDF_ALIASES.get(chosen, chosen)
        content = self.file_as_rdf(name, chosen)
        return self._stable(request, content, CONTENT_TYPES[chosen], {"Vary": "Accept"})

    def _file_as_rdf(self, name: str, media_type: str) -> Representation:
        """A Turtle file of ``dist/`` (rebased), as written for Turtle, converted otherwise; a
        front end on an endpoint writes the same triples from the file's graph in the store."""
        if self.publication.dist is None:
            triples = [quad.triple for quad in self.publication.description(name)]
            return representation(document(triples, media_type, self.publication.prefixes))
        text = rebase_text((self.publication.dist / name).read_text("utf-8"), self.publication.base)
        if media_type == "text/turtle":
            return representation(text.encode("utf-8"))
        triples = list(ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
        return representation(document(triples, media_type, self.publication.prefixes))

    # --- files ---------------------------------------------------------------------------------

    def _dump_etag(self, path: Path) -> str:
        return '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:40] + '"'

    def dump(self, request: Request, name: str) -> Response:
        """A published file of ``dist/``, exactly as built (checksums hold). A front end on an
        endpoint holds none: the answer is a 404 that says where the file is published."""
        if self.publication.dist is None:
            raise HTTPException(404, self._absent_file(name))
        path = self.publication.dist / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404, f"no published file is called {name}")
        etag = self.dump_etag(path)
        headers = {"ETag": etag, "Cache-Control": STABLE}
        if not_modified(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        rdf_format = by_path(path)
        media_type = rdf_format.media_type if rdf_format else "application/octet-stream"
        return FileResponse(path, media_type=media_type, headers=headers)

    def _absent_file(self, name: str) -> str:
        if name == "void.ttl":
            return (
                "this server reads a SPARQL endpoint and holds no files: the dataset's "
                "description is at dataset"
            )
        if name in {d.name for d in self.publication.dataset.distributions}:
            return (
                "this server reads a SPARQL endpoint and holds no copy of the published files: "
                f"{name} is published at {self.publication.base}{name}"
            )
        return f"no published file is called {name}"

    def named_query(self, request: Request, name: str) -> Response:
        stem = name.removesuffix(".rq")
        named = next((q for q in self.publication.queries if q.name == stem), None)
        if named is None or not name.endswith(".rq"):
            raise HTTPException(404, f"no named query is called {stem}")
        content = representation(named.text.encode("utf-8"))
        return self._stable(request, content, "application/sparql-query")

    # --- SPARQL --------------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol query operation, with the answers listed above."""
        protocol = await read_request(request, self.settings.max_body, self.settings.timeout)
        accept = request.headers.get("accept")
        if protocol.query is None:
            return await self._service_or_form(request)
        select_format, graph_format = _format_parameter(request)
        select_choice = select_format or negotiate(accept, [*SELECT_OFFERS, HTML])
        graph_choice = graph_format or negotiate(accept, [*GRAPH_OFFERS, HTML])
        wants_html = HTML in (select_choice, graph_choice) and select_choice == graph_choice
        lang = self._negotiated_lang(request)
        if wants_html:
            job = self._job(protocol, "application/sparql-results+json", "text/turtle")
        else:
            job = self._job(
                protocol,
                SELECT_ALIASES.get(select_choice or "", select_choice),
                RDF_ALIASES.get(graph_choice or "", graph_choice),
            )
        started = time.perf_counter()
        try:
            answer = await self.answerer.run(job)
        except NotAcceptable as error:
            offers = SELECT_OFFERS if error.form in ("SELECT", "ASK") else GRAPH_OFFERS
            message = f"{error}; acceptable for {error.form}: {', '.join(offers)}"
            return await self._sparql_error(406, message, wants_html, lang, protocol.query)
        except UnwritableGraph as error:
            return await self._sparql_error(406, str(error), wants_html, lang, protocol.query)
        except ServerBusy as error:
            retry = {"Retry-After": str(BUSY_RETRY_SECONDS)}
            return await self._sparql_error(
                503, str(error), wants_html, lang, protocol.query, retry
            )
        except QueryTimeout as error:
            return await self._sparql_error(503, str(error), wants_html, lang, protocol.query)
        except AnswerTooLarge as error:
            return await self._sparql_error(422, str(error), wants_html, lang, protocol.query)
        except QueryError as error:
            return await self._sparql_error(400, str(error), wants_html, lang, protocol.query)
        seconds = time.perf_counter() - started
        headers = {"Vary": "Accept"}
        if wants_html:
            page = await self._render(partial(self._answer_page, lang, protocol, answer, seconds))
            return Response(page, media_type=HTML_TYPE, headers=headers)
        if answer.media_type in (select_format, graph_format):
            ext = EXTENSIONS[answer.media_type]
            headers["Content-Disposition"] = f'attachment; filename="query.{ext}"'
        content_type = RESULT_CONTENT_TYPES[answer.media_type]
        return Response(answer.body, media_type=content_type, headers=headers)

    @staticmethod
    def _job(
        protocol: ProtocolRequest, select_format: str | None, graph_format: str | None
    ) -> QueryJob:
        return QueryJob(
            protocol.query or "",
            None if select_format == HTML else select_format,
            None if graph_format == HTML else graph_format,
            protocol.default_graphs,
            protocol.named_graphs,
        )

    async def _render(self, render: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.sparql_renderer, render)

    def _answer_page(
        self, lang: str, protocol: ProtocolRequest, answer: QueryAnswer, seconds: float
    ) -> str:
        """The workbench with the query, its answer, the time it took (waiting for a worker
        included: that is what the person waited) and links to the same answer in other
        formats, which name the same dataset."""
        graph_form = answer.form in GRAPH_FORMS
        return self.renderer.sparql_page(
            lang,
            protocol.query or "",
            answer=None if graph_form else json.loads(answer.body),
            graph=answer.body.decode("utf-8") if graph_form else None,
            form=answer.form,
            seconds=seconds,
            dataset=_dataset_parameters(protocol),
        )

    async def _sparql_error(
        self,
        status: int,
        message: str,
        wants_html: bool,
        lang: str,
        query: str,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A refused query: the form with the message for a browser, one line otherwise."""
        headers = {**(headers or {}), "Vary": "Accept", "Cache-Control": NO_STORE}
        if wants_html:
            page = await self._render(
                partial(self.renderer.sparql_page, lang, query, error=message)
            )
            return Response(page, status_code=status, media_type=HTML_TYPE, headers=headers)
        return Response(
            message + "\n",
            status_code=status,
            media_type="text/plain; charset=utf-8",
            headers=headers,
        )

    async def _service_or_form(self, request: Request) -> Response:
        """``/sparql`` without a query: the service description by ``Accept`` (Turtle for
        ``*/*``), or the query form for a browser."""
        chosen = negotiate(request.headers.get("accept"), [*GRAPH_OFFERS, HTML])
        if chosen is None:
            raise HTTPException(406, "acceptable here: " + ", ".join([*GRAPH_OFFERS, HTML]))
        if chosen == HTML:
            lang = self._negotiated_lang(request)
            page = await self._render(partial(self.form, lang))
            return self._stable(request, page, HTML_TYPE, {"Vary": "Accept, Accept-Language"})
        chosen = RDF_ALIASES.get(chosen, chosen)
        description = await self._render(partial(self.service, chosen))
        return self._stable(request, description, CONTENT_TYPES[chosen], {"Vary": "Accept"})

    def _form(self, lang: str) -> Representation:
        return representation(self.renderer.sparql_page(lang, EXAMPLE_QUERY).encode("utf-8"))

    def _service(self, media_type: str) -> Representation:
        limits = self.limits
        sentence = (
            f"A query may run {limits.timeout:g} s, use {limits.memory_mb} MB of memory and "
            f"answer {limits.max_rows:,} rows or triples and {limits.max_bytes / 2**20:g} MB."
        )
        triples = service_description(self.publication, self.endpoint, sentence)
        return representation(document(triples, media_type, self.publication.prefixes))

    # --- errors --------------------------------------------------------------------------------

    def store_error(self, request: Request, error: StoreError) -> Response:
        """The store a front end reads failed while answering: a 502 that says so in one line
        (a 504 when it did not answer in time)."""
        status = 504 if isinstance(error, StoreTimeout) else 502
        return self.http_error(request, HTTPException(status, str(error)))

    def http_error(self, request: Request, error: HTTPException) -> Response:
        """An error as a short page for browsers, one line of text for everyone else."""
        message = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = f"nothing is published at {request.url.path}"
        headers = {**(error.headers or {}), "Vary": "Accept", "Cache-Control": NO_STORE}
        if negotiate(request.headers.get("accept"), ["text/plain", HTML]) == HTML:
            depth = request.url.path.count("/") - 1
            path = "/".join(["x"] * depth + ["error"])
            lang = self._negotiated_lang(request)
            if lang != LANGUAGES[0]:
                message = status_sentence(lang, error.status_code, request.url.path)
            html = self.renderer.error(lang, error.status_code, message, path)
            return Response(
                html, status_code=error.status_code, media_type=HTML_TYPE, headers=headers
            )
        return Response(
            message + "\n",
            status_code=error.status_code,
            media_type="text/plain; charset=utf-8",
            headers=headers,
        )


def _format_parameter(request: Request) -> tuple[str | None, str | None]:
    """The result and RDF formats the URL's ``format`` chooses (see :data:`FORMAT_PARAMETER`):
    the first value it lists there, None for each kind it does not choose."""
    for name in request.query_params.getlist("format"):
        if name in FORMAT_PARAMETER:
            return FORMAT_PARAMETER[name]
    return None, None


def _dataset_parameters(protocol: ProtocolRequest) -> list[tuple[str, str]]:
    """The request's ``default-graph-uri`` and ``named-graph-uri`` parameters, for links to the
    same answer."""
    return [
        *(("default-graph-uri", iri) for iri in protocol.default_graphs or ()),
        *(("named-graph-uri", iri) for iri in protocol.named_graphs or ()),
    ]


def get_once(app: FastAPI, path: str) -> tuple[int, bytes]:
    """Answer one GET in-process (``serve --get``): the status and the body."""
    with TestClient(app) as client:
        response = client.get(path)
    return response.status_code, response.content
