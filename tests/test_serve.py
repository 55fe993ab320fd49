"""The web server: Linked Data by content negotiation, pages for people in three languages, the
SPARQL 1.1 Protocol with its refusals and time limit, and the real server under load.

Most tests use the in-process client over the scratch build; the last ones start
``python -m canada_korea serve`` on a free port and talk to it over HTTP (SPARQLWrapper, a load
test with concurrent clients). RDF answers are parsed and compared by their triples, HTML with
a parser and selectors.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx2 import Response
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, VOID
from rdflib.query import Result
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from canada_korea.cli import main
from canada_korea.load import Project
from canada_korea.namespaces import BASE, CK, CKR
from canada_korea.pipeline import BuildReport, published_graph
from canada_korea.query import named_queries, resolve, run_query
from canada_korea.serve.app import Settings, create_app
from canada_korea.serve.formatting import collation_key

from .test_query import NAMES, SLOW_QUERY, _rows

TIMEOUT = 2.0
MAX_ROWS = 1000
MAX_BODY = 4096
SELECT_JSON = "application/sparql-results+json"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WAR = "SELECT ?war WHERE { ?war a ck:War }"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def client(built_project: Project) -> Iterator[TestClient]:
    """The application over the scratch build, its query workers running for the module."""
    settings = Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, max_body=MAX_BODY, workers=2)
    with TestClient(create_app(built_project, settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def graph(built_project: Project) -> Graph:
    return published_graph(built_project)


def _soup(response: Response) -> BeautifulSoup:
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.text, "html.parser")


def _vary(response: Response) -> set[str]:
    return {name.strip() for name in response.headers["vary"].split(",")}


def _text(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, f"no {selector}"
    return re.sub(r"[ \t\r\n]+", " ", found.get_text(" ", strip=True))


# --- Linked Data -----------------------------------------------------------------------------


RDF_FORMATS = [
    # (Accept, media type answered, rdflib parser, extension)
    ("text/turtle", "text/turtle", "turtle", "ttl"),
    ("application/ld+json", "application/ld+json", "json-ld", "jsonld"),
    ("application/n-triples", "application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml", "rdf"),
    ("application/n-quads", "application/n-quads", "nquads", "nq"),
    ("application/trig", "application/trig", "trig", "trig"),
    # rdflib's own Accept headers: Graph().parse(url, format="nt") and format="xml"
    ("text/plain, */*;q=0.1", "application/n-triples", "nt", "nt"),
    ("application/rdf+xml, */*;q=0.1", "application/rdf+xml", "xml", "rdf"),
    ("text/turtle, application/x-turtle, */*;q=0.1", "text/turtle", "turtle", "ttl"),
]


def _parsed(text: str, rdflib_format: str) -> Graph:
    """A response as one graph, whatever the format (N-Quads and TriG parse into a Dataset)."""
    if rdflib_format in ("nquads", "trig"):
        dataset = Dataset()
        dataset.parse(data=text, format=rdflib_format)
        graph = Graph()
        for triple in dataset.triples((None, None, None)):
            graph.add(triple)
        return graph
    return Graph().parse(data=text, format=rdflib_format)


@pytest.mark.parametrize(("accept", "media_type", "rdflib_format", "extension"), RDF_FORMATS)
def test_resource_negotiates_each_rdf_format(
    accept: str, media_type: str, rdflib_format: str, extension: str, client: TestClient
) -> None:
    response = client.get("/id/korean-war", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert {"Accept", "Accept-Language"} <= _vary(response)
    assert response.headers["content-location"] == f"korean-war.{extension}"
    described = _parsed(response.text, rdflib_format)
    war = CKR["korean-war"]
    assert (war, RDF.type, CK.War) in described
    assert (war, RDFS.label, Literal("guerre de Corée", lang="fr")) in described
    # labels of what it links to, and the triples pointing to it
    assert (CKR.canada, RDFS.label, Literal("Canada", lang="en")) in described
    assert (CKR["stat-canadian-war-dead"], CK.about, war) in described


def test_resource_documents_are_the_same_graph_in_every_format(client: TestClient) -> None:
    graphs = [
        _parsed(client.get(f"/id/csp.{extension}").text, rdflib_format)
        for _accept, _media, rdflib_format, extension in RDF_FORMATS[:6]
    ]
    assert len(graphs[0]) > 10
    for other in graphs[1:]:
        assert isomorphic(graphs[0], other)


def test_resource_is_html_for_browsers_with_alternates_languages_and_search(
    client: TestClient,
) -> None:
    response = client.get("/id/korean-war", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-location"] == "korean-war.html"
    page = _soup(response)
    assert _text(page, "h1") == "Korean War"
    alternates = {link["type"]: link["href"] for link in page.select('link[rel="alternate"][type]')}
    assert alternates == {
        "text/turtle": "../id/korean-war.ttl",
        "application/ld+json": "../id/korean-war.jsonld",
        "application/n-triples": "../id/korean-war.nt",
    }
    switch = {a["hreflang"]: a["href"] for a in page.select("nav.languages a")}
    assert switch == {
        "en": "../id/korean-war.html",
        "fr": "../id/korean-war.fr.html",
        "ko": "../id/korean-war.ko.html",
    }
    assert page.select_one('form[role="search"] input[name="q"]') is not None
    assert page.select_one('form[role="search"]')["action"] == "../search.html"


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/id/korean-war.ttl", "text/turtle"),
        ("/id/korean-war.jsonld", "application/ld+json"),
        ("/id/korean-war.nt", "application/n-triples"),
        ("/id/korean-war.html", "text/html"),
        ("/id/korean-war.ko.html", "text/html"),
        ("/def/Statistic.ttl", "text/turtle"),
        ("/def/Statistic.html", "text/html"),
    ],
)
def test_extension_chooses_the_format(path: str, media_type: str, client: TestClient) -> None:
    response = client.get(path, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    "path", ["/id/no-such-thing", "/id/no-such-thing.ttl", "/id/korean-war.xml", "/def/Nothing"]
)
def test_unknown_iri_is_404(path: str, client: TestClient) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    page = _soup(client.get(path, headers={"Accept": BROWSER}))
    assert _text(page, "h1").startswith("404")


def _row(page: BeautifulSoup, label: str):  # type: ignore[no-untyped-def]
    rows = page.select("table.properties tr")
    return next(r for r in rows if r.select_one("th").get_text(strip=True) == label)


def test_each_value_shows_the_sections_that_state_it(client: TestClient, graph: Graph) -> None:
    """Sources per value, not per resource: 516 shows exactly the sections whose graphs hold it."""
    war_dead = CKR["stat-canadian-war-dead"]
    expected = {
        "../id/" + str(named.identifier).rsplit("/", 1)[1] + ".html"
        for named in graph.graphs()  # type: ignore[attr-defined]
        if (named.identifier, RDF.type, CK.Section) in graph
        and (war_dead, CK.value, Literal(516)) in named
    }
    page = _soup(client.get("/id/stat-canadian-war-dead", headers={"Accept": "text/html"}))
    cell = _row(page, "value").select_one("td")
    shown = {s.select("a")[-1]["href"] for s in cell.select(".stated-by .source")}
    assert len(expected) >= 2 and shown == expected
    assert not cell.select(".inferred")


def test_an_inferred_value_links_its_inference(client: TestClient, graph: Graph) -> None:
    [row] = graph.query(
        """SELECT ?subject ?label ?inference WHERE {
               ?inference a ck:Inference .
               GRAPH ?inference { ?subject ?p ?o }
               ?p rdfs:label ?label . FILTER(LANG(?label) = "en")
               FILTER(STRSTARTS(STR(?subject), STR(ckr:)))
           } ORDER BY ?subject ?label LIMIT 1"""
    )
    path = "/id/" + str(row[0]).rsplit("/", 1)[1]
    page = _soup(client.get(path, headers={"Accept": "text/html"}))
    marked = _row(page, str(row[1])).select_one(".inferred a")
    assert marked is not None and marked["href"].endswith(str(row[2]).rsplit("/", 1)[1] + ".html")


def test_term_page_links_its_documentation(client: TestClient) -> None:
    page = _soup(client.get("/def/Statistic", headers={"Accept": "text/html"}))
    assert _text(page, "h1") == "statistic"
    documentation = [a["href"] for a in page.select("article a") if "#" in a["href"]]
    assert "../ontology/index.html#Statistic" in documentation
    described = Graph().parse(data=client.get("/def/Statistic.ttl").text, format="turtle")
    assert (CK.Statistic, RDFS.subClassOf, URIRef("https://schema.org/Observation")) in described
    assert (CKR["stat-canadian-war-dead"], RDF.type, CK.Statistic) in described


def test_ontology_is_the_document_and_browsers_see_its_documentation(
    client: TestClient, built: BuildReport
) -> None:
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.content == (built.dist / "ontology.ttl").read_bytes()
    redirect = client.get("/ontology", headers={"Accept": BROWSER}, follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "ontology/"
    page = _soup(client.get("/ontology/"))
    assert page.select_one("section#classes section#Statistic") is not None


@pytest.mark.parametrize("path", ["/dataset", "/.well-known/void"])
def test_dataset_is_the_void_description(path: str, client: TestClient, built: BuildReport) -> None:
    response = client.get(path)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.content == (built.dist / "void.ttl").read_bytes()
    as_jsonld = client.get(path, headers={"Accept": "application/ld+json"})
    void = Graph().parse(data=as_jsonld.text, format="json-ld")
    dataset = URIRef("https://w3id.org/canada-korea/dataset")
    assert void.value(dataset, VOID.triples) == Literal(built.triples)


def test_dumps_are_served_as_built(client: TestClient, built: BuildReport) -> None:
    for published in built.files:
        for path in (f"/dumps/{published.name}", f"/{published.name}"):
            response = client.get(path)
            assert response.status_code == 200
            assert hashlib.sha256(response.content).hexdigest() == published.sha256
    assert client.get("/dumps/site").status_code == 404
    assert client.get("/dumps/..%2Fpyproject.toml").status_code == 404


LDP = Namespace("http://www.w3.org/ns/ldp#")


@pytest.mark.parametrize(
    ("folder", "member", "label"),
    [("id", CKR["korean-war"], "Korean War"), ("def", CK.Statistic, "statistic")],
)
def test_id_and_def_list_what_they_hold(
    folder: str, member: URIRef, label: str, client: TestClient, graph: Graph
) -> None:
    listed = client.get(f"/{folder}/", headers={"Accept": "text/turtle"})
    assert {"Accept", "Accept-Language"} <= _vary(listed)
    container = Graph().parse(data=listed.text, format="turtle")
    members = set(container.objects(URIRef(f"{BASE}{folder}/"), LDP.contains))
    namespace = str(CKR if folder == "id" else CK)
    expected = {s for s in graph.subjects() if str(s).startswith(namespace)}
    assert member in members and members == expected
    page = _soup(client.get(f"/{folder}/", headers={"Accept": BROWSER}))
    links = {
        a.get_text(strip=True): a["href"] for a in page.select("table.listing td:first-child a")
    }
    assert links[label] == f"../{folder}/{str(member).rsplit('/', 1)[1]}.html"
    french = _soup(client.get(f"/{folder}/index.fr.html"))
    assert french.html["lang"] == "fr"
    assert len(french.select("table.listing tbody tr")) == len(expected)


def test_every_ontology_term_is_defined_by_the_ontology(client: TestClient, graph: Graph) -> None:
    """A term added to ontology/canada-korea.ttl needs its line in ontology/defined-by.ttl."""
    ontology = URIRef(BASE + "ontology")
    terms = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CK))}
    undefined = sorted(t for t in terms if (t, RDFS.isDefinedBy, ontology) not in graph)
    assert not undefined, f"add to ontology/defined-by.ttl: {undefined}"
    described = Graph().parse(data=client.get("/def/Statistic.ttl").text, format="turtle")
    assert (CK.Statistic, RDFS.isDefinedBy, ontology) in described


def test_void_names_the_sparql_endpoint(client: TestClient) -> None:
    void = Graph().parse(data=client.get("/dataset").text, format="turtle")
    dataset = URIRef(BASE + "dataset")
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")


# --- pages for people ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "path", "title", "language"),
    [
        ({"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}, "/id/korean-war", "guerre de Corée", "fr"),
        ({"Accept-Language": "fr"}, "/id/korean-war?lang=ko", "한국전쟁", "ko"),
        ({}, "/id/republic-of-korea.ko.html", "대한민국", "ko"),
        ({"Accept-Language": "ko"}, "/id/korean-war.html", "Korean War", "en"),
    ],
)
def test_page_language_from_file_name_switch_or_header(
    headers: dict[str, str], path: str, title: str, language: str, client: TestClient
) -> None:
    page = _soup(client.get(path, headers={"Accept": "text/html", **headers}))
    assert page.html["lang"] == language
    assert _text(page, "h1") == title
    current = page.select_one("nav.languages a[aria-current]")
    assert current["hreflang"] == language


@pytest.mark.parametrize(
    ("resource", "lang", "statistic"),
    [
        ("stat-canadians-served-korean-war", "en", "more than 26,000 people"),
        ("stat-canadians-served-korean-war", "fr", "plus de 26\u202f000 personnes"),
        ("stat-canadians-served-korean-war", "ko", "26,000명 이상"),
        ("stat-two-way-trade-2022", "en", "21.87 billion CAD (21,870,000,000 CAD)"),
        (
            "stat-two-way-trade-2022",
            "fr",
            "21,87 milliards CAD (21\u202f870\u202f000\u202f000 CAD)",
        ),
    ],
)
def test_statistic_shows_value_scale_currency_unit_and_qualifier(
    resource: str, lang: str, statistic: str, client: TestClient
) -> None:
    page = _soup(client.get(f"/id/{resource}?lang={lang}", headers={"Accept": "text/html"}))
    assert _text(page, "p.statistic") == statistic


@pytest.mark.parametrize(
    ("resource", "lang", "datetime", "shown"),
    [
        ("korean-war", "en", "1950", "1950"),
        ("csp", "en", "2022-09", "September 2022"),
        ("csp", "ko", "2022-09", "2022년 9월"),
        ("armistice-agreement", "en", "1953-07-27", "27 July 1953"),
        ("armistice-agreement", "fr", "1953-07-27", "27 juillet 1953"),
    ],
)
def test_dates_are_shown_at_their_precision(
    resource: str, lang: str, datetime: str, shown: str, client: TestClient
) -> None:
    page = _soup(client.get(f"/id/{resource}?lang={lang}", headers={"Accept": "text/html"}))
    times = {time_.get_text(strip=True) for time_ in page.select(f'time[datetime="{datetime}"]')}
    assert times == {shown}


def test_properties_are_grouped_sorted_and_linked(client: TestClient) -> None:
    page = _soup(client.get("/id/korean-war.html"))
    rows = page.select("table.properties tr")
    names = [_text(row, "th") for row in rows]
    dates = [name for name in names if name in ("date", "start date", "end date")]
    assert names[: len(dates)] == dates, "dates come first"
    assert dates.index("start date") < dates.index("end date")
    rest = names[len(dates) :]
    assert rest == sorted(rest, key=lambda name: collation_key(name, "en"))
    participants = next(row for row in rows if _text(row, "th") == "participant")
    for cited in participants.select(".stated-by, .inferred"):
        cited.decompose()
    links = [a["href"] for a in participants.select("td a")]
    assert "../id/canada.html" in links
    assert len(links) == len(set(links)) >= 2


def test_sources_name_the_document_and_the_section(client: TestClient) -> None:
    page = _soup(client.get("/id/stat-canadians-served-korean-war.html"))
    sources = [
        [(a.get_text(strip=True), a["href"]) for a in item.select("a")]
        for item in page.select("ul.sources li")
    ]
    assert [
        ("The Future of Canada-ROK Defence Cooperation", "../id/cgai-defence-cooperation.html"),
        (
            "Canada-South Korea Relations",
            "../id/cgai-defence-cooperation--relations.html",
        ),
    ] in sources


def test_incoming_links_are_listed(client: TestClient) -> None:
    page = _soup(client.get("/id/korean-war.html"))
    incoming = page.select("table.incoming tr")
    about = next(row for row in incoming if _text(row, "th") == "subject of")
    assert "../id/stat-canadian-war-dead.html" in [a["href"] for a in about.select("td a")]
    assert "about" not in [_text(row, "th") for row in incoming], "read from this end"


def test_landing_page_describes_the_dataset(client: TestClient, built: BuildReport) -> None:
    page = _soup(client.get("/"))
    classes = {
        _text(row, "td:first-child a"): int(_text(row, "td.number").replace(",", ""))
        for row in page.select("table.classes tbody tr")
    }
    assert sum(classes.values()) == sum(count for _name, count in built.class_counts)
    assert classes["statistic"] == dict(built.class_counts)["ck:Statistic"]
    dumps = {
        _text(row, "td a"): row.select_one("td.number span")["title"].removeprefix("SHA-256 ")
        for row in page.select("table.dumps tbody tr")
    }
    sizes = [_text(row, "td.number") for row in page.select("table.dumps tbody tr")]
    assert all(re.fullmatch(r"[\d.]+\xa0(bytes|kB|MB)", size) for size in sizes), sizes
    assert dumps == {
        published.name: published.sha256
        for published in built.files
        if published.name != "void.ttl"
    }
    runs = [a["href"] for a in page.select("dl.queries a") if a["href"].startswith("sparql?")]
    assert len(runs) == len(named_queries(Project(built.dist.parent)))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(runs[0]).query)["query"][0]
    assert client.get("/sparql", params={"query": query}).status_code == 200
    assert "CC BY 4.0" in _text(page, "footer")
    assert _text(page, "cite").startswith("canada-korea: a knowledge graph")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("guerre cor", "id/korean-war.html"),
        ("CORÉE guerre", "id/korean-war.html"),
        ("Korean W", "id/korean-war.html"),
        ("대한", "id/republic-of-korea.html"),
        ("comprehensive strat", "id/csp.html"),
    ],
)
def test_search_is_prefix_and_accent_insensitive(
    query: str, expected: str, client: TestClient
) -> None:
    page = _soup(client.get("/search", params={"q": query}))
    assert expected in [a["href"] for a in page.select("ol.results > li > a")]
    assert page.select_one('form[role="search"] input[name="q"]')["value"] == query


def test_search_without_matches_says_so(client: TestClient) -> None:
    page = _soup(client.get("/search.html", params={"q": "zzzqqq"}))
    assert page.select("ol.results > li") == []
    assert "zzzqqq" in _text(page, "p.summary")


def test_timeline_lists_dated_events_and_agreements_in_order(client: TestClient) -> None:
    page = _soup(client.get("/timeline"))
    rows = page.select("table.timeline tbody tr")
    dates = [row.select_one("td time")["datetime"] for row in rows]
    assert dates == sorted(dates)
    linked = [row.select("td")[2].a["href"] for row in rows]
    assert {"id/korean-war.html", "id/armistice-agreement.html", "id/csp.html"} <= set(linked)
    armistice = next(
        row for row in rows if row.select("td")[2].a["href"].endswith("armistice-agreement.html")
    )
    assert _text(armistice, "td time") == "27 July 1953"


# --- SPARQL 1.1 Protocol ---------------------------------------------------------------------


def _bindings(response: Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [
        {name: term["value"] for name, term in row.items()}
        for row in response.json()["results"]["bindings"]
    ]


def test_get_post_form_and_post_query_give_the_same_answer(client: TestClient) -> None:
    answers = [
        client.get("/sparql", params={"query": WAR}),
        client.post("/sparql", data={"query": WAR}),
        client.post("/sparql", content=WAR, headers={"Content-Type": "application/sparql-query"}),
    ]
    assert _bindings(answers[0]) == [{"war": str(CKR["korean-war"])}]
    assert _bindings(answers[1]) == _bindings(answers[2]) == _bindings(answers[0])
    assert "Accept" in _vary(answers[0])


@pytest.mark.parametrize("name", NAMES)
def test_named_query_answers_as_rdflib_does(
    name: str, built_project: Project, graph: Graph, client: TestClient
) -> None:
    text, _ = resolve(name, built_project)
    response = client.get("/sparql", params={"query": text}, headers={"Accept": SELECT_JSON})
    assert response.status_code == 200, response.text
    served = Result.parse(io.BytesIO(response.content), format="json")
    assert _rows(served, name) == _rows(run_query(text, graph), name)


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml; charset=utf-8"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("application/json", "application/sparql-results+json"),
        ("application/xml", "application/sparql-results+xml; charset=utf-8"),
    ],
)
def test_select_result_formats(accept: str, content_type: str, client: TestClient) -> None:
    response = client.get("/sparql", params={"query": WAR}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if accept == "text/csv":
        assert list(csv.reader(io.StringIO(response.text))) == [["war"], [str(CKR["korean-war"])]]
    elif accept == "text/tab-separated-values":
        assert response.text == f"?war\n<{CKR['korean-war']}>\n"
    else:
        fmt = "xml" if "xml" in accept else "json"
        result = Result.parse(io.BytesIO(response.content), format=fmt)
        assert [row[0] for row in result] == [CKR["korean-war"]]  # type: ignore[index]


@pytest.mark.parametrize(("accept", "media_type", "rdflib_format", "extension"), RDF_FORMATS)
def test_construct_formats_give_the_local_graph(
    accept: str,
    media_type: str,
    rdflib_format: str,
    extension: str,
    client: TestClient,
    graph: Graph,
) -> None:
    query = "CONSTRUCT { ckr:csp ?p ?o } WHERE { ckr:csp ?p ?o }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in _vary(response)
    served = _parsed(response.text, rdflib_format)
    assert isomorphic(served, run_query(query, graph).graph)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/id/korean-war", "text/turtle"),
        ("/def/Statistic", BROWSER),
        ("/id/", "application/rdf+xml"),
        ("/ontology", "application/ld+json"),
        ("/dataset", "text/turtle"),
        ("/sparql", "application/n-triples"),
        ("/sparql?query=ASK%7B%7D", "text/csv"),
        ("/sparql?query=ASK%7B", SELECT_JSON),
        ("/sparql?query=ASK%7B%7D", "image/png"),
        ("/id/korean-war", "image/png"),
    ],
)
def test_every_negotiated_answer_varies_by_accept(
    path: str, accept: str, client: TestClient
) -> None:
    """Caches must keep one answer per Accept, refusals included."""
    assert "Accept" in _vary(client.get(path, headers={"Accept": accept}))


def test_malformed_query_is_400_with_line_and_column(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y \n"})
    assert response.status_code == 400
    assert re.match(r"line 2, column \d+: SPARQL syntax error: ", response.text)


def test_updates_are_refused(client: TestClient) -> None:
    update = "INSERT DATA { ckr:x rdfs:label 'x' }"
    as_form = client.post("/sparql", data={"update": update})
    as_body = client.post(
        "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
    )
    assert as_form.status_code == as_body.status_code == 403
    assert as_form.text == "this endpoint is read-only: updates are refused\n"
    as_query = client.get("/sparql", params={"query": update})
    assert as_query.status_code == 400
    assert as_query.text.startswith("updates are refused")
    assert len(_bindings(client.get("/sparql", params={"query": WAR}))) == 1


def test_service_is_refused(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert response.text.startswith("SERVICE is refused")


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (WAR, "text/turtle"),
        ("CONSTRUCT WHERE { ckr:csp ?p ?o }", "text/csv"),
        (WAR, "image/png"),
    ],
)
def test_unsupported_accept_is_406(query: str, accept: str, client: TestClient) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "acceptable" in response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/sparql"), ("DELETE", "/sparql"), ("POST", "/id/korean-war"), ("PATCH", "/")],
)
def test_wrong_method_is_405(method: str, path: str, client: TestClient) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    query = "ASK {}" + " " * MAX_BODY
    response = client.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_unsupported_body_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content=WAR, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_no_query_gives_the_service_description_and_browsers_a_form(client: TestClient) -> None:
    description = client.get("/sparql")
    assert description.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "Accept" in _vary(description)
    service = Graph().parse(data=description.text, format="turtle")
    assert (None, SD.endpoint, URIRef(BASE + "sparql")) in service
    page = _soup(client.get("/sparql", headers={"Accept": BROWSER}))
    form = page.select_one("form.sparql")
    assert form["action"] == "sparql"
    assert form.select_one("textarea[name=query]").get_text().strip().startswith("SELECT")


def test_browsers_get_the_answer_as_a_table(client: TestClient) -> None:
    page = _soup(client.get("/sparql", params={"query": WAR}, headers={"Accept": BROWSER}))
    assert [th.get_text() for th in page.select("table.answer th")] == ["?war"]
    assert page.select_one("table.answer td a")["href"] == "id/korean-war.html"


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", SELECT_JSON),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"),
    ],
)
def test_an_answer_over_the_row_cap_is_refused_whole(
    query: str, accept: str, client: TestClient
) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 422
    assert re.fullmatch(
        rf"the answer has more than {MAX_ROWS:,} (rows|triples), the most this endpoint sends; "
        rf"ask for fewer: add LIMIT {MAX_ROWS} \(and OFFSET to page through the rest\), or make "
        r"the patterns more selective\n",
        response.text,
    )
    paged = client.get("/sparql", params={"query": f"{query} LIMIT {MAX_ROWS}"})
    assert paged.status_code == 200


def test_cors_headers_let_browsers_elsewhere_query(client: TestClient) -> None:
    simple = client.get("/sparql", params={"query": WAR}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_slow_query_is_stopped_while_another_is_answered(client: TestClient) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": SLOW_QUERY})
        outcome.update(
            status=response.status_code,
            text=response.text,
            headers=response.headers,
            took=time.monotonic() - started,
        )

    worker = threading.Thread(target=slow)
    started = time.monotonic()
    worker.start()
    answered_meanwhile = []
    for _ in range(5000):
        if not worker.is_alive():
            break
        response = client.get("/sparql", params={"query": "ASK { ckr:korean-war ?p ?o }"})
        assert response.status_code == 200
        if worker.is_alive():
            answered_meanwhile.append(time.monotonic() - started)
    worker.join()
    assert outcome["status"] == 503
    assert outcome["text"] == (
        f"the query ran past the {TIMEOUT:g} s time limit and was stopped; it will not finish "
        "if sent again: make it more selective (bind more terms, drop cross products, add "
        "LIMIT)\n"
    )
    assert "retry-after" not in outcome["headers"]  # type: ignore[operator]
    assert TIMEOUT <= outcome["took"] < TIMEOUT + 5  # type: ignore[operator]
    assert [t for t in answered_meanwhile if t > TIMEOUT / 2], "nothing answered meanwhile"
    assert _bindings(client.get("/sparql", params={"query": WAR}))


# --- the command ------------------------------------------------------------------------------


def test_serve_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--base",
        "--sparql-endpoint",
        "--timeout",
        "--memory-limit",
        "--get",
    ):
        assert option in out
    assert "exit codes:" in out


def test_get_answers_one_request_and_exits(
    built_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--project", str(built_project.root), "serve", "--get", "/id/csp.nt"]) == 0
    assert f"<{CKR.csp}> <{RDF.type}> <{CK.Partnership}> ." in capsys.readouterr().out
    assert main(["--project", str(built_project.root), "serve", "--get", "/id/nothing"]) == 1
    assert capsys.readouterr().err == "Error: GET /id/nothing answered 404\n"


def test_base_rebases_every_iri(built_project: Project) -> None:
    base = "http://127.0.0.1:8000/"
    settings = Settings(base=base, workers=1, timeout=TIMEOUT)
    with TestClient(create_app(built_project, settings)) as local:
        described = Graph().parse(data=local.get("/id/korean-war.ttl").text, format="turtle")
        assert (URIRef(base + "id/korean-war"), RDF.type, URIRef(base + "def/War")) in described
        assert _bindings(local.get("/sparql", params={"query": WAR})) == [
            {"war": base + "id/korean-war"}
        ]
        assert local.get("/dataset").text.count(base + "dataset") >= 1


def test_base_must_be_a_web_address(built_project: Project, capsys) -> None:
    argv = ["--project", str(built_project.root), "serve", "--base", "ftp://x/", "--get", "/"]
    assert main(argv) == 2
    assert (
        capsys.readouterr().err == "Error: the base must be an http or https URL, not 'ftp://x/'\n"
    )


# --- the real server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(live_server: str) -> str:
    return live_server


def test_sparqlwrapper_select_ask_and_construct(server: str) -> None:
    endpoint = SPARQLWrapper(server + "/sparql")
    endpoint.setQuery(WAR)
    endpoint.setReturnFormat(JSON)
    rows = endpoint.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [row["war"]["value"] for row in rows] == [str(CKR["korean-war"])]
    endpoint.setQuery("ASK { ckr:csp a ck:Partnership }")
    assert endpoint.query().convert()["boolean"] is True  # type: ignore[index]
    endpoint.setQuery("CONSTRUCT WHERE { ckr:csp a ?type }")
    endpoint.setReturnFormat(TURTLE)
    answer = endpoint.query().convert()
    graph = Graph().parse(data=answer, format="turtle")  # type: ignore[arg-type]
    assert (CKR.csp, RDF.type, CK.Partnership) in graph
    endpoint.setMethod("POST")
    endpoint.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s a ck:Statistic }")
    endpoint.setReturnFormat(JSON)
    count = endpoint.query().convert()["results"]["bindings"][0]["n"]["value"]  # type: ignore[index]
    assert int(count) > 40


def test_real_server_dereferences_and_refuses(server: str) -> None:
    request = urllib.request.Request(server + "/id/csp", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        graph = Graph().parse(data=response.read(), format="turtle")
    assert (CKR.csp, RDF.type, CK.Partnership) in graph
    head = urllib.request.Request(server + "/id/csp.html", method="HEAD")
    with urllib.request.urlopen(head, timeout=10) as response:
        assert response.status == 200
        assert response.read() == b""
    put = urllib.request.Request(server + "/sparql", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(put, timeout=10)
    assert refused.value.code == 405


def test_sparql_endpoint_option_forwards_queries(server: str, built_project: Project) -> None:
    settings = Settings(sparql_endpoint=server + "/sparql")
    with TestClient(create_app(built_project, settings)) as forwarding:
        assert _bindings(forwarding.get("/sparql", params={"query": WAR})) == [
            {"war": str(CKR["korean-war"])}
        ]
        refused = forwarding.get("/sparql", params={"query": "SELECT WHERE"})
        assert refused.status_code == 400


LOAD_CLIENTS = 20
LOAD_SECONDS = 5.0


def test_load_of_concurrent_clients_has_no_failures(
    server: str, built_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """20 clients for 5 s over pages, documents, search and named queries: every request
    answered 200. The throughput is printed (run with -s to see it), never asserted."""
    queries = [named.text for named in named_queries(built_project)[:5]]
    paths = [
        "/",
        "/id/korean-war",
        "/id/csp.ttl",
        "/def/Statistic.jsonld",
        "/timeline",
        "/search?q=kor",
        *[f"/sparql?query={urllib.parse.quote(text)}" for text in queries],
    ]
    counts = {"ok": 0, "failed": 0}
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def client_loop(offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            path = paths[index % len(paths)]
            index += 1
            try:
                with urllib.request.urlopen(server + path, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except OSError as error:
                ok = False
                with lock:
                    failures.append(f"{path}: {error}")
            with lock:
                counts["ok" if ok else "failed"] += 1

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(LOAD_CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nload: {LOAD_CLIENTS} clients, {elapsed:.1f} s, {counts['ok']} ok, "
            f"{counts['failed']} failed, {counts['ok'] / elapsed:.0f} requests/s"
        )
    assert counts["failed"] == 0, failures[:5]
    assert counts["ok"] > LOAD_CLIENTS


def test_json_answer_is_the_command_line_answer(
    client: TestClient, built_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The endpoint writes results with the library's serialiser, as ``query --format json``."""
    assert main(["--project", str(built_project.root), "query", WAR, "--format", "json"]) == 0
    served = client.get("/sparql", params={"query": WAR})
    assert json.loads(served.content) == json.loads(capsys.readouterr().out)
