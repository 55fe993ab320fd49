"""A front end on any SPARQL 1.1 store: the publication read over the SPARQL protocol.

``canada-korea serve --sparql-endpoint URL`` holds no copy of the graph: every page, document,
listing and search is answered from the store behind ``URL``, where the dumps were loaded as
the README says (``canada-korea.nt`` as the default graph, ``canada-korea.nq`` for the named
graphs). :class:`RemoteStore` stands in for the pyoxigraph Store a :class:`.Publication` reads:
its two calls, a triple pattern and a SELECT, become SPARQL requests, and the JSON answers
become pyoxigraph terms, so the pages and the RDF are those of a local server.

Three published files the graph does not hold are read from named graphs of the same store,
each named by the file's own download URL (:data:`DESCRIPTION_GRAPHS`): ``void.ttl`` (the
dataset's description: the landing page, ``/dataset``), ``shapes.ttl`` (the notes on term pages)
and ``ontology.ttl`` (``/ontology``). They are read once at start, with labels and types (one
query each); the front end counts only the graphs under ``id/`` (sections and inferences) as the
dataset's named graphs, so neither these nor a store's own graphs are mistaken for them.

A store with no default graph of its own (Virtuoso's default graph is every graph) is read with
``default_graph``: the graph ``canada-korea.nt`` was loaded into, sent as ``default-graph-uri``
on every request whose query does not choose its dataset itself.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, StoreError, StoreTimeout
from ..load import PACKAGE_ROOT, Project
from ..namespaces import BASE
from ..query import EndpointTimeout, NamedQuery, named_queries, post_sparql
from .publication import DESCRIPTION_FILES, Publication, Term

DESCRIPTION_GRAPHS = {name: BASE + name for name in DESCRIPTION_FILES}
"""The named graph each description file is loaded into: its download URL."""
RESULTS_JSON = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
"""What a CONSTRUCT or DESCRIBE answer is asked in: N-Triples by either of its names (Virtuoso
knows it as ``text/plain``), else Turtle."""
DEFAULT_TIMEOUT = 30.0
"""Seconds a request for a page may wait for the store: a cold store's first whole-graph
answers (labels, the listings) take a while."""


class RemoteStore:
    """A SPARQL 1.1 endpoint read as a pyoxigraph Store is: triple patterns and SELECT queries.

    Requests are POSTed as forms (``query=``, and ``default-graph-uri=`` when the store needs
    one): any length of query, no caching proxy in the way. Threads may share it.
    """

    def __init__(
        self, endpoint: str, *, default_graph: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise StoreError(f"the SPARQL endpoint must be an http or https URL, not '{endpoint}'")
        self.endpoint = endpoint
        self.default_graph = default_graph
        self.timeout = timeout

    # --- what a Publication calls --------------------------------------------------------------

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        object: Term | None,
        graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The matching statements: of the default graph (``ox.DefaultGraph()``), of one named
        graph, or (None) of every named graph of the dataset, with the graph's name. A pattern
        with neither subject nor object bound reads the whole graph, so its answer is checked
        to be whole (see :meth:`_whole`)."""
        terms = (subject, predicate, object)
        names = ("s", "p", "o")
        pattern = " ".join(
            str(term) if term is not None else f"?{name}"
            for term, name in zip(terms, names, strict=True)
        )
        if isinstance(graph_name, ox.DefaultGraph):
            where, graph = f"{{ {pattern} }}", graph_name
        elif graph_name is None:
            where = (
                f"{{ GRAPH ?g {{ {pattern} }} "
                f"FILTER(STRSTARTS(STR(?g), {ox.Literal(BASE + 'id/')})) }}"
            )
            graph = None
        else:
            where, graph = f"{{ GRAPH {graph_name} {{ {pattern} }} }}", graph_name
        variables = [f"?{n}" for t, n in zip(terms, names, strict=True) if t is None]
        if graph is None:
            variables.append("?g")
        text = f"SELECT {' '.join(variables) or '*'} WHERE {where}"
        # A named graph is read without the configured default graph: with one, the protocol
        # leaves no named graphs to read (Virtuoso then finds GRAPH <g> empty).
        default = isinstance(graph_name, ox.DefaultGraph)
        bulk = subject is None and object is None
        rows = self._whole(text, where, default) if bulk else self.select(text, dataset=default)
        for row in rows:
            found = [row[n] if t is None else t for t, n in zip(terms, names, strict=True)]
            yield ox.Quad(*found, graph if graph is not None else row["g"])  # type: ignore[arg-type]

    def query(self, query: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """A SELECT query's rows, each a dict of every variable to its term (None unbound);
        ``prefixes`` are declared before it, as pyoxigraph's argument of that name does."""
        prologue = "".join(
            f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in (prefixes or {}).items()
        )
        return self.select(prologue + query)

    # --- requests ------------------------------------------------------------------------------

    def select(self, query: str, *, dataset: bool = True) -> list[dict[str, Any]]:
        """The rows of a SELECT ``query``; ``dataset`` False sends no default graph."""
        body, _type = self.post(query, RESULTS_JSON, default_graph=dataset)
        try:
            answer = json.loads(body)
            variables = answer["head"].get("vars", [])
            return [
                {name: _term(row[name]) if name in row else None for name in variables}
                for row in answer["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise StoreError(
                f"the SPARQL endpoint {self.endpoint} did not answer in SPARQL JSON: {error}"
            ) from error

    def post(
        self,
        query: str,
        accept: str,
        *,
        default_graph: bool = True,
        dataset: tuple[tuple[str, ...] | None, tuple[str, ...] | None] = (None, None),
        timeout: float | None = None,
    ) -> tuple[bytes, str]:
        """The endpoint's answer to ``query`` in ``accept``, and its media type. ``dataset``
        (default graphs, named graphs) is the protocol's, sent as given; without one, the
        configured default graph is sent when ``default_graph`` holds. Raises
        :class:`StoreTimeout` past ``timeout`` seconds (else the store's own), and
        :class:`StoreError` for any other failure, with the endpoint's first line."""
        seconds = self.timeout if timeout is None else timeout
        fields = [("query", query)]
        default_graphs, named_graphs = dataset
        if default_graphs is None and named_graphs is None:
            if default_graph and self.default_graph is not None:
                fields.append(("default-graph-uri", self.default_graph))
        else:
            fields += [("default-graph-uri", iri) for iri in default_graphs or ()]
            fields += [("named-graph-uri", iri) for iri in named_graphs or ()]
        try:
            return post_sparql(self.endpoint, fields, accept, seconds, name="the SPARQL endpoint")
        except EndpointTimeout as error:
            raise StoreTimeout(error.message) from error
        except QueryError as error:
            raise StoreError(error.message) from error

    def _whole(self, text: str, where: str, dataset: bool = True) -> list[dict[str, Any]]:
        """The rows of ``text``, checked against a COUNT of ``where``: a store that caps its
        answers (Virtuoso's ``ResultSetMaxRows``) would otherwise leave pages silently short."""
        rows = self.select(text, dataset=dataset)
        counted = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {where}", dataset=dataset)
        expected = int(counted[0]["n"].value) if counted and counted[0].get("n") else 0
        if len(rows) < expected:
            raise StoreError(
                f"the SPARQL endpoint {self.endpoint} sent {len(rows):,} of {expected:,} rows: "
                "it caps the size of its answers (Virtuoso: ResultSetMaxRows in virtuoso.ini); "
                f"allow at least {expected:,}"
            )
        return rows

    def graph(self, name: str) -> ox.Store:
        """The named graph ``name`` as an in-memory Store (empty when the store lacks it)."""
        store = ox.Store()
        quads = self.quads_for_pattern(None, None, None, ox.NamedNode(name))
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        return store


def open_publication(
    endpoint: str,
    queries: list[NamedQuery],
    *,
    default_graph: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Publication:
    """The publication read from the store at ``endpoint``, checked to hold what pages need:
    raises :class:`StoreError`, in one line that says what to load, when the endpoint cannot
    be reached, its default graph holds no ontology (the dumps are not loaded, or not as the
    default graph: name the graph with ``default_graph``), or a description file's graph is
    missing."""
    store = RemoteStore(endpoint, default_graph=default_graph, timeout=timeout)
    ontology = ox.NamedNode(BASE + "ontology")
    if not store.select(f"SELECT ?p WHERE {{ {ontology} ?p ?o }} LIMIT 1"):
        where = f"the graph <{default_graph}>" if default_graph else "its default graph"
        raise StoreError(
            f"the SPARQL endpoint {endpoint} holds no canada-korea dataset in {where}: load "
            "canada-korea.nt into the default graph and canada-korea.nq (or, where the store "
            "has no default graph of its own, name the graph canada-korea.nt is in with "
            "--default-graph)"
        )
    descriptions = {name: store.graph(graph) for name, graph in DESCRIPTION_GRAPHS.items()}
    missing = [name for name, graph in descriptions.items() if not len(graph)]
    if missing:
        graphs = ", ".join(f"{name} into <{DESCRIPTION_GRAPHS[name]}>" for name in missing)
        raise StoreError(
            f"the SPARQL endpoint {endpoint} lacks the description files' graphs: load {graphs} "
            "(see the README, 'Loading the dumps into another store')"
        )
    return Publication(None, queries, BASE, store=store, descriptions=descriptions)


def installed_queries() -> list[NamedQuery]:
    """The named queries shipped with the package (``canada_korea/queries`` in the wheel),
    else those of the checkout the package runs from (an editable install): a front end on an
    endpoint lists and serves them without a checkout."""
    folder = Path(__file__).resolve().parents[1] / "queries"
    if not folder.is_dir():
        folder = PACKAGE_ROOT / "queries"
    # A project whose queries/ is that folder: named_queries reads it as it reads a checkout's.
    return named_queries(Project(folder.parent))


def parse_graph(body: bytes, media_type: str) -> list[ox.Triple]:
    """A CONSTRUCT or DESCRIBE answer (N-Triples or Turtle, by ``media_type``) as triples.
    Raises :class:`StoreError` when it is neither or does not parse."""
    formats = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "text/plain": ox.RdfFormat.N_TRIPLES,
        "text/turtle": ox.RdfFormat.TURTLE,
    }
    rdf_format = formats.get(media_type)
    if rdf_format is None:
        raise StoreError(f"the SPARQL endpoint answered a graph in {media_type}, not N-Triples")
    try:
        return list(ox.parse(body, format=rdf_format))
    except SyntaxError as error:
        raise StoreError(f"the SPARQL endpoint's graph does not parse: {error}") from error


def _term(value: dict[str, str]) -> Term:
    """A SPARQL JSON term (``uri``, ``literal``, Virtuoso's ``typed-literal``, ``bnode``) as the
    pyoxigraph term a local store would give."""
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        # Stores name blank nodes as they like (Virtuoso: nodeID://b1); pyoxigraph takes
        # letters and digits: the label is kept, hex-encoded, so one answer's nodes stay apart.
        return ox.BlankNode("b" + text.encode("utf-8").hex())
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang")
        if language:
            return ox.Literal(text, language=language)
        datatype = value.get("datatype")
        return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)
    raise ValueError(f"unknown term type {kind!r}")
