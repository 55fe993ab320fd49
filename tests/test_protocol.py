"""The SPARQL 1.1 Protocol and Service Description as the W3C tests them, and real clients with
their default settings, against ``python -m canada_korea serve`` on a free port.

The W3C manifests are read from ``../shared/w3c/`` beside the checkout (every test of
``sparql11-protocol-manifest.ttl`` and ``sparql11-service-description-manifest.ttl``); where they
are absent the tests are skipped, saying so. The manifests were written for an endpoint whose
data a test may load and change; this one serves a fixed graph, read-only, so three groups of
tests are adapted, each saying how (:data:`ADAPTED`):

- the dataset tests name graphs ``data1.rdf`` … ``data3.rdf`` of the W3C's own data: they run
  with three of this dataset's section graphs in their place, and the patterns ``<dataN.rdf> a
  ?type`` become a triple that only graph N holds. Each also runs once more with every graph
  replaced by one the dataset does not hold, and must then answer false: the protocol's
  dataset really selects.
- the update tests that expect success get the read-only refusal (403) instead, and their
  follow-up query runs and answers false: nothing changed.
- ``update_base_uri`` (a relative IRI resolved against the service's base) runs as a query.

The others run exactly as written; ``data0.rdf``, which they name, is a graph the dataset does
not hold, hence an empty default graph.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from xml.dom.minidom import Document

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, VOID
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import SPARQLWrapper

from canada_korea.load import Project

from .conftest import ROOT, free_port, running_server

W3C = ROOT.parent / "shared" / "w3c"
PROTOCOL_MANIFEST = W3C / "sparql11-protocol-manifest.ttl"
SD_MANIFEST = W3C / "sparql11-service-description-manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
KASEI = "http://kasei.us/2009/09/sparql/data/"
ABSENT = "http://example.org/a-graph-this-dataset-does-not-hold"

ADAPTED = {
    "query_dataset_default_graphs_get": "dataset",
    "query_dataset_default_graphs_post": "dataset",
    "query_dataset_named_graphs_post": "dataset",
    "query_dataset_named_graphs_get": "dataset",
    "query_dataset_full": "dataset",
    "query_multiple_dataset": "dataset",
    "update_dataset_default_graph": "read-only",
    "update_dataset_default_graphs": "read-only",
    "update_dataset_named_graphs": "read-only",
    "update_dataset_full": "read-only",
    "update_post_form": "read-only",
    "update_post_direct": "read-only",
    "update_base_uri": "base",
}
"""How each W3C test that cannot run as written is adapted (see the module's docstring)."""

RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


# --- the W3C manifests -----------------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    """One request of a protocol test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]
    result_format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    requests: tuple[HttpRequest, ...]
    uses_data: bool


def _manifest_tests(path: Path) -> list[tuple[str, Graph, URIRef]]:
    """The entries of a manifest in its order: (local name, manifest graph, entry)."""
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return [(str(entry).rsplit("#", 1)[1], graph, entry) for entry in entries]  # type: ignore[misc]


def _protocol_test(name: str, graph: Graph, entry: URIRef) -> ProtocolTest:
    action = graph.value(entry, MF.action)
    requests = []
    for request in Collection(graph, graph.value(action, HT.requests)):
        headers = {}
        header_list = graph.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(graph, header_list):
                headers[str(graph.value(header, HT.fieldName))] = str(
                    graph.value(header, HT.fieldValue)
                )
        body = graph.value(request, HT.body)
        data = None
        if body is not None:
            encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
            data = str(graph.value(body, CNT.chars)).encode(encoding.lower())
        response = graph.value(request, HT.resp)
        boolean = graph.value(response, MF.expectedBoolean)
        result_format = graph.value(response, MF.expectedFormat)
        requests.append(
            HttpRequest(
                method=str(graph.value(request, HT.methodName)),
                path=str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                headers=headers,
                body=data,
                statuses=frozenset(
                    str(code).rsplit("#", 1)[1]
                    for code in graph.objects(response, MF.expectedStatus)
                ),
                result_format=None if result_format is None else str(result_format),
                boolean=None if boolean is None else bool(boolean.toPython()),
            )
        )
    return ProtocolTest(
        name,
        str(graph.value(entry, MF.name)),
        tuple(requests),
        (entry, UT.graphData, None) in graph,
    )


def _protocol_tests() -> list[ProtocolTest]:
    if not PROTOCOL_MANIFEST.exists():
        return []
    return [_protocol_test(*entry) for entry in _manifest_tests(PROTOCOL_MANIFEST)]


def _sd_tests() -> list[str]:
    if not SD_MANIFEST.exists():
        return []
    return [name for name, _graph, _entry in _manifest_tests(SD_MANIFEST)]


MISSING = f"the W3C manifests are not beside the checkout ({W3C})"
PROTOCOL_TESTS = _protocol_tests() or [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]
SD_TESTS = _sd_tests() or [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]


def test_the_manifests_hold_every_test() -> None:
    if not W3C.exists():
        pytest.skip(MISSING)
    assert len(_protocol_tests()) == 34
    assert len(_sd_tests()) == 3


# --- the server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(built_project: Project) -> Iterator[str]:
    """The real server, answering with its own address as base: the service description's
    ``sd:endpoint`` is then the very URL clients use."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "canada_korea", "--project", built_project.root, "serve"]
    with running_server([*command, "--port", port, "--base", base], base):
        yield base + "sparql"


def _send(endpoint: str, request: HttpRequest) -> tuple[int, str, bytes]:
    """Send ``request`` as written (http.client adds no Content-Type of its own)."""
    parts = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def _check(request: HttpRequest, status: int, content_type: str, body: bytes) -> None:
    assert f"StatusCode{str(status)[0]}xx" in request.statuses, (status, body[:300])
    media_type = content_type.split(";")[0].strip()
    if request.result_format == "boolean":
        answer = _boolean(media_type, body)
        assert request.boolean is None or answer is request.boolean
    elif request.result_format == "tabular":
        assert media_type in RESULT_TYPES
        Result.parse(io.BytesIO(body), content_type=media_type)
    elif request.result_format == "RDF":
        assert media_type in RDF_TYPES
        Graph().parse(data=body, format=RDF_TYPES[media_type])


def _boolean(media_type: str, body: bytes) -> bool:
    assert media_type in ("application/sparql-results+json", "application/sparql-results+xml")
    return bool(Result.parse(io.BytesIO(body), content_type=media_type).askAnswer)


@dataclass(frozen=True)
class _Stand:
    """A graph of this dataset standing for a W3C data graph, and a triple only it holds."""

    graph: str
    triple: str


@pytest.fixture(scope="module")
def stand_ins(endpoint: str) -> dict[str, _Stand]:
    """Three section graphs, each with a triple neither of the others holds."""
    query = """SELECT ?g ?s ?p ?o WHERE {
        ?g a ck:Section . GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?o))
    } ORDER BY ?g ?s ?p ?o"""
    rows = _select(endpoint, query)
    by_graph: dict[str, list[tuple[str, str, str]]] = {}
    for row in rows:
        by_graph.setdefault(row["g"], []).append((row["s"], row["p"], row["o"]))
    chosen: dict[str, _Stand] = {}
    graphs = sorted(by_graph, key=lambda g: -len(by_graph[g]))
    for name in ("data1.rdf", "data2.rdf", "data3.rdf"):
        taken = {stand.graph for stand in chosen.values()}
        for graph in graphs:
            if graph in taken:
                continue
            others = {t for g in taken for t in by_graph[g]}
            unique = [t for t in by_graph[graph] if t not in others]
            if unique:
                s, p, o = unique[0]
                chosen[name] = _Stand(graph, f"<{s}> <{p}> <{o}>")
                break
    assert len(chosen) == 3
    return chosen


def _select(endpoint: str, query: str) -> list[dict[str, str]]:
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def _adapt_dataset(request: HttpRequest, stands: dict[str, _Stand], absent: bool) -> HttpRequest:
    """The request with this dataset's graphs and triples in place of the W3C's data (or, with
    ``absent``, with a graph the dataset does not hold in place of every graph)."""

    def text(value: str) -> str:
        for name, stand in stands.items():
            value = value.replace(f"<{KASEI}{name}> a ?type", stand.triple)
            value = value.replace(KASEI + name, ABSENT if absent else stand.graph)
        return value

    path, _, query = request.path.partition("?")
    pairs = [(key, text(value)) for key, value in urllib.parse.parse_qsl(query)]
    body = None if request.body is None else text(request.body.decode("utf-8")).encode("utf-8")
    return replace(
        request,
        path=path + ("?" + urllib.parse.urlencode(pairs) if pairs else ""),
        body=body,
        boolean=False if absent else request.boolean,
    )


@pytest.mark.parametrize(
    "test", PROTOCOL_TESTS, ids=lambda t: t.name if isinstance(t, ProtocolTest) else "missing"
)
def test_w3c_protocol(test: ProtocolTest, endpoint: str, request: pytest.FixtureRequest) -> None:
    adaptation = ADAPTED.get(test.name)
    if adaptation == "dataset":
        assert test.uses_data
        stands = request.getfixturevalue("stand_ins")
        for absent in (False, True):
            for step in test.requests:
                adapted = _adapt_dataset(step, stands, absent)
                _check(adapted, *_send(endpoint, adapted))
        return
    if adaptation == "read-only":
        update, *follow_up = test.requests
        status, _type, body = _send(endpoint, update)
        assert status == 403
        assert body == b"this endpoint is read-only: updates are refused\n"
        for step in follow_up:
            _check(replace(step, boolean=False), *_send(endpoint, step))
        return
    if adaptation == "base":
        query = 'ASK { FILTER(isIRI(<test>) && STR(<test>) != "test") }'
        relative = HttpRequest(
            "POST",
            "/sparql",
            {"Content-Type": "application/sparql-query"},
            query.encode(),
            frozenset({"StatusCode2xx"}),
            "boolean",
            True,
        )
        _check(relative, *_send(endpoint, relative))
        resolved = _select(endpoint, "SELECT (<test> AS ?iri) {}")
        assert resolved == [{"iri": endpoint.removesuffix("sparql") + "test"}]
        return
    assert not test.uses_data, "a test with its own data must be adapted"
    for step in test.requests:
        _check(step, *_send(endpoint, step))


# --- the service description -----------------------------------------------------------------

SD_SCHEMA = {
    # property: (domain, range), from the SPARQL 1.1 Service Description vocabulary (§3.4)
    SD.endpoint: (SD.Service, None),
    SD.feature: (SD.Service, SD.Feature),
    SD.defaultEntailmentRegime: (SD.Service, SD.EntailmentRegime),
    SD.supportedLanguage: (SD.Service, SD.Language),
    SD.resultFormat: (SD.Service, None),
    SD.inputFormat: (SD.Service, None),
    SD.defaultDataset: (SD.Service, SD.Dataset),
    SD.defaultGraph: (SD.Dataset, SD.Graph),
    SD.namedGraph: (SD.GraphCollection, SD.NamedGraph),
    SD.name: (SD.NamedGraph, None),
    SD.graph: (SD.NamedGraph, SD.Graph),
}
SD_SUBCLASSES = {SD.Dataset: {SD.GraphCollection}}
SD_INSTANCES = {
    **{SD[name]: SD.Language for name in ("SPARQL10Query", "SPARQL11Query", "SPARQL11Update")},
    **{
        SD[name]: SD.Feature
        for name in (
            "DereferencesURIs",
            "UnionDefaultGraph",
            "RequiresDataset",
            "EmptyGraphs",
            "BasicFederatedQuery",
        )
    },
}


def _description(endpoint: str, accept: str) -> tuple[str, Graph]:
    request = urllib.request.Request(endpoint, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        media_type = response.headers.get_content_type()
        return media_type, Graph().parse(data=response.read(), format=RDF_TYPES[media_type])


def _types(graph: Graph, node: object) -> set[URIRef]:
    types = set(graph.objects(node, RDF.type))  # type: ignore[arg-type]
    if node in SD_INSTANCES:
        types.add(SD_INSTANCES[node])  # type: ignore[index]
    for known in list(types):
        types |= SD_SUBCLASSES.get(known, set())  # type: ignore[arg-type]
    return types  # type: ignore[return-value]


@pytest.mark.parametrize("name", SD_TESTS)
def test_w3c_service_description(name: str, endpoint: str) -> None:
    if name == "returns-rdf":
        for accept, media_type in (
            ("application/rdf+xml", "application/rdf+xml"),
            ("text/turtle", "text/turtle"),
            ("application/ld+json", "application/ld+json"),
            ("application/n-triples", "application/n-triples"),
            ("*/*", "text/turtle"),
        ):
            answered, graph = _description(endpoint, accept)
            assert answered == media_type and len(graph) > 20
    elif name == "has-endpoint-triple":
        _type, graph = _description(endpoint, "application/rdf+xml")
        assert (None, SD.endpoint, URIRef(endpoint)) in graph
    else:
        _type, graph = _description(endpoint, "text/turtle")
        used = {p for p in graph.predicates() if str(p).startswith(str(SD))}
        assert used <= set(SD_SCHEMA), used - set(SD_SCHEMA)
        for subject, predicate, obj in graph:
            if predicate in SD_SCHEMA:
                domain, range_ = SD_SCHEMA[predicate]  # type: ignore[index]
                assert domain in _types(graph, subject), (subject, predicate)
                assert range_ is None or range_ in _types(graph, obj), (predicate, obj)


def test_service_description_describes_the_dataset_and_its_graphs(
    endpoint: str, built_project: Project
) -> None:
    _type, graph = _description(endpoint, "text/turtle")
    service = graph.value(None, SD.endpoint, URIRef(endpoint))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "RDF_XML", "N-Quads", "TriG"} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    base = endpoint.removesuffix("sparql")
    assert dataset == URIRef(base + "dataset")
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(endpoint)
    void = Graph().parse(built_project.dist_dir / "void.ttl", format="turtle")
    triples = void.value(URIRef("https://w3id.org/canada-korea/dataset"), VOID.triples)
    assert graph.value(dataset, VOID.triples) == triples
    assert graph.value(graph.value(dataset, SD.defaultGraph), VOID.triples) == triples
    named = {
        str(graph.value(n, SD.name)): graph.value(graph.value(n, SD.graph), VOID.triples).toPython()
        for n in graph.objects(dataset, SD.namedGraph)
    }
    sections = _select(endpoint, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert named == {row["g"]: int(row["n"]) for row in sections}


# --- the protocol beyond the W3C tests -------------------------------------------------------


def _post(endpoint: str, path: str, body: str, content_type: str) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        headers = {"Content-Type": content_type, "Accept": "application/sparql-results+json"}
        connection.request("POST", path, body=body.encode("utf-8"), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_dataset_parameters_and_from_select_among_the_graphs(
    endpoint: str, stand_ins: dict[str, _Stand]
) -> None:
    one, two = stand_ins["data1.rdf"].graph, stand_ins["data2.rdf"].graph
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sizes = {
        row["g"]: int(row["n"])
        for row in _select(
            endpoint, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
    }

    def counted(query: str, **dataset: list[str]) -> int:
        pairs = [("query", query)] + [
            (name.replace("_", "-"), iri) for name, iris in dataset.items() for iri in iris
        ]
        url = endpoint + "?" + urllib.parse.urlencode(pairs)
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            rows = json.load(response)["results"]["bindings"]
        return int(rows[0]["n"]["value"])

    assert counted(count, default_graph_uri=[one]) == sizes[one]
    assert counted(count, default_graph_uri=[one, two]) <= sizes[one] + sizes[two]
    assert counted(count, default_graph_uri=[ABSENT]) == 0
    assert counted(count.replace("WHERE", f"FROM <{one}> WHERE")) == sizes[one]
    assert counted(count.replace("WHERE", f"FROM <{ABSENT}> WHERE")) == 0
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert counted(graphs) == len(sizes)
    assert counted(graphs, named_graph_uri=[one, ABSENT]) == 1
    assert counted(graphs.replace("WHERE", f"FROM NAMED <{two}> WHERE")) == 1
    # the protocol's dataset overrides the query's; a form body may carry it too
    body = urllib.parse.urlencode(
        [("query", count.replace("WHERE", f"FROM <{two}> WHERE")), ("default-graph-uri", one)]
    )
    status, answer = _post(endpoint, "/sparql", body, "application/x-www-form-urlencoded")
    assert status == 200
    assert int(json.loads(answer)["results"]["bindings"][0]["n"]["value"]) == sizes[one]


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/sparql?query=ASK%7B%7D", "ASK {}", "application/sparql-query"),
        ("/sparql?query=ASK%7B%7D", "query=ASK%7B%7D", "application/x-www-form-urlencoded"),
        ("/sparql", "query=ASK%7B%7D&query=ASK%7B%7D", "application/x-www-form-urlencoded"),
    ],
)
def test_a_query_given_twice_is_400(endpoint: str, path: str, body: str, content_type: str) -> None:
    status, answer = _post(endpoint, path, body, content_type)
    assert status == 400
    assert re.match(rb"(the query is given twice|give one query parameter)", answer)


def test_a_dataset_iri_that_is_not_absolute_is_400(endpoint: str) -> None:
    status, answer = _post(
        endpoint, "/sparql?default-graph-uri=graph", "ASK {}", "application/sparql-query"
    )
    assert status == 400
    assert answer == b"default-graph-uri must be an absolute IRI, not 'graph'\n"


# --- real clients with their default settings ------------------------------------------------

WAR = "SELECT ?war WHERE { ?war a <%sdef/War> }"


def test_sparqlwrapper_defaults(endpoint: str) -> None:
    """SPARQLWrapper asks for XML results and RDF/XML graphs unless told otherwise."""
    base = endpoint.removesuffix("sparql")
    client = SPARQLWrapper(endpoint)
    client.setQuery(WAR % base)
    document = client.query().convert()
    assert isinstance(document, Document)
    values = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert values == [base + "id/korean-war"]
    client.setQuery(f"ASK {{ <{base}id/csp> a <{base}def/Partnership> }}")
    assert client.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    client.setQuery(f"CONSTRUCT WHERE {{ <{base}id/csp> a ?type }}")
    graph = client.query().convert()
    assert (URIRef(base + "id/csp"), RDF.type, URIRef(base + "def/Partnership")) in graph


def test_rdflib_sparqlstore_and_dereferencing_defaults(endpoint: str) -> None:
    base = endpoint.removesuffix("sparql")
    store = Graph(store=SPARQLStore(endpoint))
    assert [str(row[0]) for row in store.query(WAR % base)] == [base + "id/korean-war"]  # type: ignore[index]
    assert store.query(f"ASK {{ <{base}id/csp> ?p ?o }}").askAnswer is True
    constructed = store.query(f"CONSTRUCT WHERE {{ <{base}id/csp> a ?type }}").graph
    assert (URIRef(base + "id/csp"), RDF.type, URIRef(base + "def/Partnership")) in constructed
    for rdf_format in (None, "xml", "nt", "turtle", "json-ld"):
        graph = Graph().parse(base + "id/korean-war", format=rdf_format)
        assert (
            URIRef(base + "id/korean-war"),
            RDFS.label,
            Literal("Korean War", lang="en"),
        ) in graph
    dataset = Dataset()
    dataset.parse(base + "id/korean-war", format="trig")
    assert len(dataset) > 10


COMUNICA = Path(sys.prefix) / "comunica" / "node_modules" / ".bin" / "comunica-sparql"


def test_comunica_defaults(endpoint: str) -> None:
    """Comunica learns from the service description that the URL is a SPARQL endpoint."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed, so Comunica cannot be (.ci/run installs both)")
    assert COMUNICA.exists(), (
        f"Comunica is missing: npm install --prefix {COMUNICA.parents[2]} "
        "@comunica/query-sparql@4 (as .ci/run does)"
    )
    base = endpoint.removesuffix("sparql")

    def comunica(query: str) -> str:
        done = subprocess.run(
            [str(COMUNICA), endpoint, query], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert json.loads(comunica(WAR % base)) == [{"war": base + "id/korean-war"}]
    assert comunica(f"ASK {{ <{base}id/csp> ?p ?o }}").strip() == "true"
    constructed = Graph().parse(
        data=comunica(f"CONSTRUCT WHERE {{ <{base}id/csp> a ?type }}"), format="turtle"
    )
    assert (URIRef(base + "id/csp"), RDF.type, URIRef(base + "def/Partnership")) in constructed
