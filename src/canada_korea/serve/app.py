"""The web server: Linked Data with content negotiation, HTML for people, a SPARQL 1.1 endpoint.

Routes (read-only; ``GET`` and ``HEAD`` everywhere, ``POST`` on ``/sparql`` only):

    /                     the landing page        /index.html, /index.fr.html, /index.ko.html
    /id/NAME, /def/NAME   a resource or term: HTML, Turtle, JSON-LD or N-Triples by ``Accept``
                          (``Vary: Accept, Accept-Language``), or by extension: NAME.html,
                          NAME.fr.html, NAME.ko.html, NAME.ttl, NAME.jsonld, NAME.nt
    /ontology             the ontology: RDF by ``Accept``; a browser is sent to /ontology/
    /ontology/            its documentation (/ontology/index.html …)
    /dataset, /.well-known/void   the VoID description (Turtle unless ``Accept`` asks otherwise)
    /timeline, /search?q=  (also as .html files, like the static site)
    /sparql               the SPARQL 1.1 Protocol; a browser without a query gets a form
    /dumps/FILE, /FILE    the published files of dist/ (the VoID download URLs are /FILE)
    /queries/NAME.rq, /static/…, /search-index.json

The pages are the static site's: the same relative links name the same files (see
``pages``), so each page works in both places. HTML is in English, French or Korean, from the
file name, else ``?lang=``, else ``Accept-Language``.

SPARQL answers come from :mod:`.workers` (Oxigraph in processes that can be stopped) or, with
``sparql_endpoint``, from that endpoint. Refusals: a malformed query, an update sent as
``query=``, ``SERVICE`` and ``FROM`` are 400 with the reason; an update operation
(``update=`` or ``application/sparql-update``) is 403 — the request is understood and this
endpoint is read-only; a body over ``max_body`` bytes 413; an unsupported request body 415; no
acceptable result format 406; a query past the time limit (or no free worker) 503.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import anyio
import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient
from starlette.exceptions import HTTPException

from ..errors import InputError, QueryError
from ..formats import by_path
from ..load import Project
from ..namespaces import BASE
from ..pipeline import ensure_built
from ..query import GRAPH_FORMS, named_queries, run_query, serialize_result
from . import SERVE_TIMEOUT
from .description import describe, jsonld, ntriples, turtle
from .negotiation import language, negotiate
from .pages import Renderer
from .publication import LANGUAGES, Publication, rebase_text
from .workers import (
    DEFAULT_MAX_ROWS,
    DEFAULT_WORKERS,
    NotAcceptable,
    QueryAnswer,
    QueryJob,
    QueryPool,
    QueryTimeout,
    ServerBusy,
)

DEFAULT_MAX_BODY = 64 * 1024
HTML = "text/html"
RDF_MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
CONTENT_TYPES = {
    HTML: "text/html; charset=utf-8",
    "text/turtle": "text/turtle; charset=utf-8",
    "application/ld+json": "application/ld+json",
    "application/n-triples": "application/n-triples; charset=utf-8",
}
RESULT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
FORMAT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples; charset=utf-8",
}
EXAMPLE_QUERY = """SELECT ?statistic ?label ?value WHERE {
  ?statistic a ck:Statistic ; rdfs:label ?label ; ck:value ?value .
  FILTER(LANG(?label) = "en")
}
ORDER BY DESC(?value)
LIMIT 10
"""


@dataclass(frozen=True)
class Settings:
    """How the server answers; every field has the default ``canada-korea serve`` uses."""

    base: str = BASE
    sparql_endpoint: str | None = None
    timeout: float = SERVE_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_body: int = DEFAULT_MAX_BODY
    workers: int = DEFAULT_WORKERS


def create_app(project: Project, settings: Settings | None = None) -> FastAPI:
    """The application serving ``project``'s published graph (built first when the dumps are
    missing or older than the sources, as ``query`` does). Its query workers start and stop
    with the application's lifespan."""
    settings = settings or Settings()
    base = settings.base if settings.base.endswith("/") else settings.base + "/"
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise InputError(f"the base must be an http or https URL, not '{settings.base}'")
    ensure_built(project)
    publication = Publication(project.dist_dir, named_queries(project), base)
    site = _Site(publication, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if site.pool is not None:
            site.pool.start()
        try:
            yield
        finally:
            if site.pool is not None:
                site.pool.close()

    app = FastAPI(
        title="canada-korea",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Accept-Language", "Content-Type"],
        expose_headers=["Content-Location", "Link", "Vary", "X-SPARQL-MaxRows"],
    )
    app.mount(
        "/static",
        StaticFiles(directory=str(files("canada_korea.serve").joinpath("static"))),
        name="static",
    )
    site.add_routes(app)
    app.add_exception_handler(HTTPException, site.http_error)  # type: ignore[arg-type]
    return app


class _Site:
    """The routes' shared state: the publication, its renderer and the query workers."""

    def __init__(self, publication: Publication, settings: Settings) -> None:
        self.publication = publication
        self.settings = settings
        self.renderer = Renderer(publication, sparql="sparql")
        self.pool = (
            None
            if settings.sparql_endpoint
            else QueryPool(
                publication.dist,
                base=publication.base,
                size=settings.workers,
                timeout=settings.timeout,
                max_rows=settings.max_rows,
            )
        )
        self.page = lru_cache(maxsize=4096)(self._page)
        self.document = lru_cache(maxsize=4096)(self._document)

    def add_routes(self, app: FastAPI) -> None:
        get = ["GET", "HEAD"]
        app.add_api_route("/", self.landing, methods=get)
        app.add_api_route("/index{variant:path}", self.landing, methods=get)
        app.add_api_route("/timeline", self.timeline, methods=get)
        app.add_api_route("/timeline{variant:path}", self.timeline, methods=get)
        app.add_api_route("/search-index.json", self.search_index, methods=get)
        app.add_api_route("/search", self.search, methods=get)
        app.add_api_route("/search{variant:path}", self.search, methods=get)
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
        app.add_api_route("/{name}", self.dump, methods=get)

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

    def _html(self, html: str, *, status: int = 200, vary: bool = True) -> Response:
        headers = {"Vary": "Accept-Language"} if vary else {}
        return Response(html, status_code=status, media_type=CONTENT_TYPES[HTML], headers=headers)

    def _page(self, kind: str, lang: str, argument: str = "") -> str | None:
        if kind == "landing":
            return self.renderer.landing(lang)
        if kind == "timeline":
            return self.renderer.timeline(lang)
        if kind == "ontology":
            return self.renderer.ontology(lang)
        return self.renderer.resource(argument, lang)

    def landing(self, request: Request, variant: str = "") -> Response:
        lang = self._lang(request, variant)
        if lang is None:
            raise HTTPException(404)
        return self._html(self.page("landing", lang))  # type: ignore[arg-type]

    def timeline(self, request: Request, variant: str = "") -> Response:
        lang = self._lang(request, variant)
        if lang is None:
            raise HTTPException(404)
        return self._html(self.page("timeline", lang))  # type: ignore[arg-type]

    def ontology_page(self, request: Request, variant: str = "") -> Response:
        lang = self._lang(request, variant)
        if lang is None:
            raise HTTPException(404)
        return self._html(self.page("ontology", lang))  # type: ignore[arg-type]

    def search(self, request: Request, variant: str = "") -> Response:
        lang = self._lang(request, variant)
        if lang is None:
            raise HTTPException(404)
        query = request.query_params.get("q")
        return self._html(self.renderer.search(lang, query))

    def search_index(self) -> Response:
        return Response(self.renderer.search_index(), media_type="application/json")

    # --- Linked Data ---------------------------------------------------------------------------

    def resource(self, request: Request, name: str) -> Response:
        return self._linked_data(request, "ckr", "id/", name)

    def term(self, request: Request, name: str) -> Response:
        return self._linked_data(request, "ck", "def/", name)

    def _linked_data(self, request: Request, prefix: str, folder: str, name: str) -> Response:
        """A resource's description: the format from the extension, else from ``Accept``."""
        stem, dot, extension = name.partition(".")
        iri = self.publication.prefixes[prefix] + stem
        if not self.publication.is_page(iri):
            raise HTTPException(404, f"nothing is published at {iri}")
        if dot:
            if extension in RDF_MEDIA_TYPES:
                return self._rdf_response(iri, RDF_MEDIA_TYPES[extension])
            lang = self._lang(request, "." + extension)
            if lang is None:
                raise HTTPException(404, f"no such document: {folder}{name}")
            return self._html(self.page("resource", lang, iri))  # type: ignore[arg-type]
        offers = [HTML, *RDF_MEDIA_TYPES.values()]
        chosen = negotiate(request.headers.get("accept"), offers)
        if chosen is None:
            raise HTTPException(406, "acceptable here: " + ", ".join(offers))
        extension = next((ext for ext, media in RDF_MEDIA_TYPES.items() if media == chosen), "")
        links = ", ".join(
            f'<{stem}.{ext}>; rel="alternate"; type="{media}"'
            for ext, media in RDF_MEDIA_TYPES.items()
        )
        if chosen == HTML:
            lang = self._negotiated_lang(request)
            response = self._html(self.page("resource", lang, iri))  # type: ignore[arg-type]
            variant = "" if lang == LANGUAGES[0] else f".{lang}"
            response.headers["Content-Location"] = f"{stem}{variant}.html"
        else:
            response = self._rdf_response(iri, chosen)
            response.headers["Content-Location"] = f"{stem}.{extension}"
        response.headers["Vary"] = "Accept, Accept-Language"
        response.headers["Link"] = links
        return response

    def _document(self, iri: str, media_type: str) -> bytes | None:
        description = describe(self.publication, iri)
        if description is None:
            return None
        triples, prefixes = description.triples, self.publication.prefixes
        if media_type == "text/turtle":
            return turtle(triples, prefixes)
        if media_type == "application/ld+json":
            return jsonld(triples, prefixes)
        return ntriples(triples)

    def _rdf_response(self, iri: str, media_type: str) -> Response:
        body = self.document(iri, media_type)
        if body is None:
            raise HTTPException(404, f"nothing is published at {iri}")
        return Response(body, media_type=CONTENT_TYPES[media_type])

    def ontology(self, request: Request) -> Response:
        """The ontology document by ``Accept``; a browser goes to its documentation."""
        chosen = negotiate(request.headers.get("accept"), [*RDF_MEDIA_TYPES.values(), HTML])
        if chosen == HTML:
            return RedirectResponse("ontology/", status_code=303)
        return self._file_as_rdf("ontology.ttl", chosen)

    def dataset(self, request: Request) -> Response:
        """The VoID description by ``Accept`` (Turtle by default); a browser gets the landing
        page, which shows the same description."""
        chosen = negotiate(request.headers.get("accept"), [*RDF_MEDIA_TYPES.values(), HTML])
        if chosen == HTML:
            root = "../" if request.url.path.startswith("/.well-known/") else ""
            return RedirectResponse(root + "index.html", status_code=303)
        return self._file_as_rdf("void.ttl", chosen)

    def _file_as_rdf(self, name: str, media_type: str | None) -> Response:
        """A Turtle file of ``dist/`` (rebased), as written for Turtle, converted otherwise."""
        if media_type is None:
            raise HTTPException(406, "acceptable here: " + ", ".join(RDF_MEDIA_TYPES.values()))
        text = rebase_text((self.publication.dist / name).read_text("utf-8"), self.publication.base)
        if media_type == "text/turtle":
            body = text.encode("utf-8")
        else:
            triples = sorted(
                ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE), key=str
            )
            if media_type == "application/ld+json":
                body = jsonld(triples, self.publication.prefixes)
            else:
                body = ntriples(triples)
        return Response(body, media_type=CONTENT_TYPES[media_type], headers={"Vary": "Accept"})

    # --- files ---------------------------------------------------------------------------------

    def dump(self, name: str) -> Response:
        """A published file of ``dist/``, exactly as built (checksums hold)."""
        path = self.publication.dist / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404, f"no published file is called {name}")
        rdf_format = by_path(path)
        media_type = rdf_format.media_type if rdf_format else "application/octet-stream"
        return FileResponse(path, media_type=media_type)

    def named_query(self, name: str) -> Response:
        stem = name.removesuffix(".rq")
        named = next((q for q in self.publication.queries if q.name == stem), None)
        if named is None or not name.endswith(".rq"):
            raise HTTPException(404, f"no named query is called {stem}")
        return Response(named.text, media_type="application/sparql-query")

    # --- SPARQL --------------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol query operation, with the refusals listed above."""
        accept = request.headers.get("accept")
        if request.method == "POST":
            query = await self._posted_query(request)
        else:
            if "update" in request.query_params:
                raise HTTPException(403, "this endpoint is read-only: updates are refused")
            queries = request.query_params.getlist("query")
            if len(queries) > 1:
                raise HTTPException(400, "give one query parameter, not several")
            query = queries[0] if queries else None
        for parameter in ("default-graph-uri", "named-graph-uri"):
            if parameter in request.query_params:
                raise HTTPException(
                    400, f"{parameter} is not supported: queries run over the published graph"
                )
        select_choice = negotiate(accept, [*RESULT_FORMATS, HTML])
        graph_choice = negotiate(accept, [*GRAPH_FORMATS, HTML])
        wants_html = HTML in (select_choice, graph_choice) and select_choice == graph_choice
        lang = self._negotiated_lang(request)
        if query is None:
            if wants_html:
                return self._html(self.renderer.sparql_page(lang, EXAMPLE_QUERY))
            raise HTTPException(400, "no query: pass it as ?query=… or POST it")
        if wants_html:
            job = QueryJob(query, "json", "turtle")
        else:
            job = QueryJob(
                query,
                RESULT_FORMATS.get(select_choice or ""),
                GRAPH_FORMATS.get(graph_choice or ""),
            )
        try:
            answer = await anyio.to_thread.run_sync(self._answer, job)
        except NotAcceptable as error:
            offers = RESULT_FORMATS if error.form in ("SELECT", "ASK") else GRAPH_FORMATS
            raise HTTPException(
                406, f"{error}; acceptable for {error.form}: {', '.join(offers)}"
            ) from error
        except (QueryTimeout, ServerBusy) as error:
            if wants_html:
                return self._html(
                    self.renderer.sparql_page(lang, query, error=str(error)), status=503
                )
            raise HTTPException(503, str(error), headers={"Retry-After": "1"}) from error
        except QueryError as error:
            if wants_html:
                return self._html(
                    self.renderer.sparql_page(lang, query, error=str(error)), status=400
                )
            raise HTTPException(400, str(error)) from error
        headers = {"Vary": "Accept"}
        if answer.truncated:
            headers["X-SPARQL-MaxRows"] = str(self.settings.max_rows)
        if wants_html:
            page = self.renderer.sparql_page(
                lang,
                query,
                answer=json.loads(answer.body) if answer.form not in GRAPH_FORMS else None,
                graph=answer.body.decode("utf-8") if answer.form in GRAPH_FORMS else None,
                truncated=self.settings.max_rows if answer.truncated else None,
            )
            return Response(page, media_type=CONTENT_TYPES[HTML], headers=headers)
        return Response(answer.body, media_type=FORMAT_MEDIA_TYPES[answer.format], headers=headers)

    async def _posted_query(self, request: Request) -> str | None:
        """The query of a POST: a form's ``query=`` or an ``application/sparql-query`` body."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.settings.max_body:
            raise HTTPException(413, f"the request body is over {self.settings.max_body} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > self.settings.max_body:
                raise HTTPException(413, f"the request body is over {self.settings.max_body} bytes")
        media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as error:
            raise HTTPException(400, "the request body is not UTF-8") from error
        if media_type == "application/sparql-update":
            raise HTTPException(403, "this endpoint is read-only: updates are refused")
        if media_type == "application/sparql-query":
            return text
        if media_type == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(text, keep_blank_values=True)
            if "update" in form:
                raise HTTPException(403, "this endpoint is read-only: updates are refused")
            queries = form.get("query", [])
            if len(queries) > 1:
                raise HTTPException(400, "give one query parameter, not several")
            return queries[0] if queries else None
        raise HTTPException(
            415,
            "POST a query as application/x-www-form-urlencoded (query=…) "
            "or as application/sparql-query",
        )

    def _answer(self, job: QueryJob) -> QueryAnswer:
        """Run in a thread: the local workers, or the configured endpoint."""
        if self.pool is not None:
            return self.pool.run(job)
        result = run_query(
            job.text, endpoint=self.settings.sparql_endpoint, timeout=self.settings.timeout
        )
        fmt = job.graph_format if result.type in GRAPH_FORMS else job.select_format
        if fmt is None:
            raise NotAcceptable(result.type)
        return QueryAnswer(result.type, fmt, serialize_result(result, fmt), False)

    # --- errors --------------------------------------------------------------------------------

    def http_error(self, request: Request, error: HTTPException) -> Response:
        """An error as a short page for browsers, one line of text for everyone else."""
        message = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = f"nothing is published at {request.url.path}"
        headers = dict(error.headers or {})
        if negotiate(request.headers.get("accept"), ["text/plain", HTML]) == HTML:
            depth = request.url.path.count("/") - 1
            path = "/".join(["x"] * depth + ["error"])
            lang = self._negotiated_lang(request)
            html = self.renderer.error(lang, error.status_code, message, path)
            return Response(
                html, status_code=error.status_code, media_type=CONTENT_TYPES[HTML], headers=headers
            )
        return Response(
            message + "\n",
            status_code=error.status_code,
            media_type="text/plain; charset=utf-8",
            headers=headers,
        )


def get_once(app: FastAPI, path: str) -> tuple[int, bytes]:
    """Answer one GET in-process (``serve --get``): the status and the body."""
    with TestClient(app) as client:
        response = client.get(path)
    return response.status_code, response.content


def run(app: FastAPI, host: str, port: int) -> None:
    """Serve ``app`` until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level="info")
