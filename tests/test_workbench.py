"""The SPARQL workbench: ``/sparql`` in a browser. The named queries to start from with their
descriptions in the page's language, a permalink that shows a query with its answer, row count
and time, downloads of the same answer in every format, the landing page's questions opening
there, the highlighting editor (its tokeniser run in Chromium), no Content-Security-Policy
violation, a plain form without JavaScript, and no sideways scrolling on a phone.

The in-process client checks the HTML with a parser and selectors; the browser tests use the
real server and Debian's Chromium as ``test_browser`` does, and are skipped where it is missing.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx2 import Response
from markupsafe import Markup
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from canada_korea.load import Project
from canada_korea.namespaces import CK, CKR
from canada_korea.query import named_queries
from canada_korea.serve import pages
from canada_korea.serve.app import Settings, create_app

from .conftest import ROOT
from .test_browser import CHROMIUM, CHROMIUM_ARGS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WAR = "SELECT ?war WHERE { ?war a ck:War }"
WAR_GRAPH = "CONSTRUCT WHERE { ?war a ck:War }"
COUNTED = "SELECT ?n WHERE { VALUES ?n { " + " ".join(map(str, range(1234))) + " } }"
"""1,234 rows: more than a page shows, and a count with a thousands separator."""
NARROW_SPACE = "\u202f"
requires_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


@pytest.fixture(scope="module")
def client(built_project: Project) -> Iterator[TestClient]:
    with TestClient(create_app(built_project, Settings(workers=2))) as test_client:
        yield test_client


def _page(client: TestClient, **params: str) -> BeautifulSoup:
    response = client.get("/sparql", params=params, headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.text, "html.parser")


def _query_of(href: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)["query"][0]


@pytest.mark.parametrize("lang", ["en", "fr", "ko"])
def test_workbench_offers_the_named_queries_with_descriptions_in_the_page_language(
    client: TestClient, built_project: Project, lang: str
) -> None:
    page = _page(client, lang=lang)
    offered = [
        (dt.get_text(strip=True), dt.find_next_sibling("dd").get_text(strip=True), dt.a["href"])
        for dt in page.select("details.named-queries dt")
    ]
    named = named_queries(built_project)
    assert [(name, description) for name, description, _href in offered] == [
        (query.name, query.description(lang)) for query in named
    ]
    assert [_query_of(href) for _name, _description, href in offered] == [q.text for q in named]
    assert all(f"lang={lang}" in href for _name, _description, href in offered)
    if lang != "en":
        translated = [q for q in named if q.description(lang) != q.description]
        assert translated, f"no named query has a description in {lang}"


def test_workbench_shows_the_predeclared_prefixes_and_the_endpoint_uses_them(
    client: TestClient,
) -> None:
    page = _page(client)
    declared = page.select_one("details.prefixes pre").get_text()
    assert f"PREFIX ck: <{CK}>" in declared.splitlines()
    answer = client.get("/sparql", params={"query": WAR, "format": "json"}).json()
    assert answer["results"]["bindings"][0]["war"]["value"] == str(CKR["korean-war"])


@pytest.mark.parametrize(
    ("lang", "count"),
    [("en", "1,234 rows"), ("fr", f"1{NARROW_SPACE}234 lignes"), ("ko", "1,234행")],
)
def test_a_permalink_shows_the_query_its_answer_row_count_and_time(
    client: TestClient, lang: str, count: str
) -> None:
    page = _page(client, query=COUNTED, lang=lang)
    assert page.select_one("form.sparql textarea[name=query]").get_text() == COUNTED
    assert page.select_one("form.sparql input[name=lang]")["value"] == lang
    rows, took = page.select_one("p.summary").get_text().split(" · ")
    assert rows == count
    decimal = "," if lang == "fr" else "."
    unit = "초" if lang == "ko" else " s"
    assert re.fullmatch(rf"\d+{re.escape(decimal)}\d{{3}}{unit}", took), took
    assert len(page.select("table.answer tbody tr")) == pages.HTML_ROWS
    permalink = page.select_one("p.permalink a")["href"]
    assert permalink == page.select_one("p.permalink input")["value"]
    assert urllib.parse.urlsplit(permalink).path == "sparql"
    assert _query_of(permalink) == COUNTED
    again = _page(client, query=_query_of(permalink))
    assert again.select_one("form.sparql textarea").get_text() == COUNTED


def test_each_select_download_link_gives_its_format_as_an_attachment(client: TestClient) -> None:
    page = _page(client, query="SELECT ?war ?label WHERE { ?war a ck:War ; rdfs:label ?label }")
    links = {a.get_text(): a for a in page.select("p.downloads a")}
    assert list(links) == ["CSV", "TSV", "JSON", "XML"]
    expected = {
        (binding["war"]["value"], binding["label"]["value"])
        for binding in _download(client, links["JSON"], "json").json()["results"]["bindings"]
    }
    assert (str(CKR["korean-war"]), "Korean War") in expected
    as_csv = list(csv.DictReader(io.StringIO(_download(client, links["CSV"], "csv").text)))
    assert {(row["war"], row["label"]) for row in as_csv} == expected
    as_tsv = list(csv.reader(io.StringIO(_download(client, links["TSV"], "tsv").text), "excel-tab"))
    assert as_tsv[0] == ["?war", "?label"]
    assert len(as_tsv) == len(expected) + 1
    results = ElementTree.fromstring(_download(client, links["XML"], "xml").content)
    space = "{http://www.w3.org/2005/sparql-results#}"
    assert len(results.findall(f"{space}results/{space}result")) == len(expected)


def test_each_graph_download_link_gives_the_same_triples(client: TestClient) -> None:
    page = _page(client, query=WAR_GRAPH)
    assert page.select_one("p.summary").get_text().startswith("1 triple · ")
    links = {a.get_text(): a for a in page.select("p.downloads a")}
    assert list(links) == ["Turtle", "JSON-LD", "N-Triples"]
    graphs = [
        Graph().parse(data=_download(client, links[name], ext).text, format=rdflib_format)
        for name, ext, rdflib_format in (
            ("Turtle", "ttl", "turtle"),
            ("JSON-LD", "jsonld", "json-ld"),
            ("N-Triples", "nt", "nt"),
        )
    ]
    assert (URIRef(CKR["korean-war"]), RDF.type, URIRef(CK.War)) in graphs[0]
    assert all(isomorphic(graphs[0], graph) for graph in graphs[1:])


def _download(client: TestClient, link: object, ext: str) -> Response:
    """Follow a download link as a browser would (``Accept`` asking for HTML first): the
    ``format`` in the link decides, and the answer is an attachment of the link's type."""
    href = link["href"]  # type: ignore[index]
    assert href.startswith("sparql?") and href.endswith(f"&format={ext}")
    response = client.get("/" + href, headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == link["type"]  # type: ignore[index]
    assert response.headers["content-disposition"] == f'attachment; filename="query.{ext}"'
    return response


def test_format_chooses_only_its_kind_and_an_unknown_one_is_left_to_accept(
    client: TestClient,
) -> None:
    """SPARQLWrapper sends ``format=json`` (or ``xml``, ``n3`` …) along with ``Accept`` on
    every query, whatever its form: what ``format`` does not choose, ``Accept`` does."""
    csv_answer = client.get(
        "/sparql", params={"query": WAR, "format": "n3"}, headers={"Accept": "text/csv"}
    )
    assert csv_answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert "content-disposition" not in csv_answer.headers
    turtle = client.get(
        "/sparql", params={"query": WAR_GRAPH, "format": "json"}, headers={"Accept": "text/turtle"}
    )
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "content-disposition" not in turtle.headers
    json_answer = client.get("/sparql", params={"query": WAR, "format": "ttl"})
    assert json_answer.headers["content-type"] == "application/sparql-results+json"
    assert "content-disposition" not in json_answer.headers


def test_a_refused_query_comes_back_in_the_editor_with_the_reason(client: TestClient) -> None:
    broken = "SELECT ?war WHERE { ?war a ck:War"
    response = client.get("/sparql", params={"query": broken}, headers={"Accept": BROWSER})
    assert response.status_code == 400
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("form.sparql textarea").get_text() == broken
    assert page.select_one("p.error[role=alert]").get_text().strip()
    assert _query_of(page.select_one("p.permalink a")["href"]) == broken
    assert not page.select("p.summary, p.downloads, table.answer")


def test_landing_page_questions_open_in_the_workbench_and_the_raw_file_stays(
    client: TestClient,
) -> None:
    landing = BeautifulSoup(client.get("/", headers={"Accept": BROWSER}).text, "html.parser")
    first = landing.select_one("dl.queries dd")
    opened, raw = first.select("span.actions a")
    page = BeautifulSoup(
        client.get("/" + opened["href"], headers={"Accept": BROWSER}).text, "html.parser"
    )
    text = client.get("/" + raw["href"])
    assert text.headers["content-type"] == "application/sparql-query"
    assert page.select_one("form.sparql textarea").get_text() == text.text
    assert page.select_one("table.answer tbody tr") is not None


def test_a_picture_of_the_rows_is_shown_above_the_table(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    picture = Markup('<svg class="test-picture" viewBox="0 0 1 1"></svg>')
    monkeypatch.setattr(pages.Renderer, "_picture", lambda *_args: picture)
    page = _page(client, query=WAR)
    figure = page.select_one("figure.picture")
    assert figure.select_one("svg.test-picture") is not None
    assert figure.find_next("table") is page.select_one("table.answer")


def test_a_number_per_label_is_drawn_as_a_bar_chart_and_a_table_has_none(
    client: TestClient,
) -> None:
    """The casualty question (a label and a figure per row) gets a bar per row above its
    table, each bar as long as its figure; a list of wars (no number) gets no picture."""
    query = (ROOT / "queries" / "casualties-by-fate.rq").read_text("utf-8")
    page = _page(client, query=query)
    figure = page.select_one("figure.picture")
    assert figure is not None
    assert figure.find_next("table", class_="answer") is page.select_one("table.answer")
    widths = [float(rect["width"]) for rect in figure.select("rect.mark")]
    rows = page.select("table.answer tbody tr")
    assert len(widths) == len(rows) >= 2
    values = [int(row.select("td")[-1].get_text(strip=True).replace(",", "")) for row in rows]
    assert [round(w / widths[0], 3) for w in widths] == [round(v / values[0], 3) for v in values]
    assert _page(client, query=WAR).select_one("figure.picture") is None


def test_workbench_has_no_inline_script_style_or_handler(client: TestClient) -> None:
    """The Content-Security-Policy allows scripts and styles from the site only."""
    page = _page(client, query=WAR)
    assert [script["src"] for script in page.select("script")] == ["static/workbench.js"]
    assert not page.select("style, [style]")
    handlers = [
        (tag.name, name) for tag in page.find_all(True) for name in tag.attrs if name[:2] == "on"
    ]
    assert not handlers
    for asset in ("static/workbench.js", "static/workbench.css"):
        assert client.get("/" + asset).status_code == 200


# --- in Chromium ------------------------------------------------------------------------------

SOURCE = """PREFIX ex: <http://example.org/>
# people, "not a string"
SELECT ?who (COUNT(*) AS ?n) WHERE {
  ?who a ck:Person ; rdfs:label "Kim \\"K\\""@ko, '''long
text''' ; ck:value 3.5e2, .5 ; ex:ok true ; :x ckr:korean-war.
  FILTER(?n > 1 && $m != "open
} limit 10"""
TOKENS = [
    ["keyword", "PREFIX"],
    ["pname", "ex:"],
    ["iri", "<http://example.org/>"],
    ["comment", '# people, "not a string"'],
    ["keyword", "SELECT"],
    ["variable", "?who"],
    ["keyword", "COUNT"],
    ["keyword", "AS"],
    ["variable", "?n"],
    ["keyword", "WHERE"],
    ["variable", "?who"],
    ["keyword", "a"],
    ["pname", "ck:Person"],
    ["pname", "rdfs:label"],
    ["string", '"Kim \\"K\\""'],
    ["langtag", "@ko"],
    ["string", "'''long\ntext'''"],
    ["pname", "ck:value"],
    ["number", "3.5e2"],
    ["number", ".5"],
    ["pname", "ex:ok"],
    ["number", "true"],
    ["pname", ":x"],
    ["pname", "ckr:korean-war"],
    ["keyword", "FILTER"],
    ["variable", "?n"],
    ["number", "1"],
    ["variable", "$m"],
    ["string", '"open'],
    ["keyword", "limit"],
    ["number", "10"],
]
"""What the highlighter makes of SOURCE, leaving out plain text: keywords in any case, ``a``,
a prefixed name that stops before the triple's final dot, strings with escaped quotes, a long
string over two lines, and an unclosed string that stops at the end of its line."""


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _workbench_url(live_server: str, **params: str) -> str:
    return f"{live_server}/sparql?{urllib.parse.urlencode(params)}"


@requires_chromium
def test_highlighter_tokenises_sparql(chromium: object, live_server: str) -> None:
    page = chromium.new_page()  # type: ignore[attr-defined]
    page.goto(_workbench_url(live_server))
    tokens = page.evaluate("source => ckSparql.tokenize(source)", SOURCE)
    assert "".join(text for _kind, text in tokens) == SOURCE
    assert [token for token in tokens if token[0] != "text"] == TOKENS
    page.fill("#query", SOURCE)
    assert page.text_content(".editor pre.highlight code") == SOURCE + "\n\n"
    kinds = page.eval_on_selector_all(
        ".editor pre.highlight span", "spans => spans.map(s => [s.className, s.textContent])"
    )
    assert kinds == [[f"tok-{kind}", text] for kind, text in TOKENS]
    page.close()


@requires_chromium
def test_workbench_runs_with_ctrl_enter_copies_its_permalink_and_breaks_no_policy(
    chromium: object, live_server: str
) -> None:
    context = chromium.new_context(locale="fr-CA")  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(live_server + "/sparql")
    assert page.get_attribute("html", "lang") == "fr"
    editor, highlight = (page.locator(f".editor {part}") for part in ("textarea", "pre"))
    assert editor.bounding_box() == highlight.bounding_box(), "the text lies over its copy"
    assert page.is_visible("form.sparql .keys")
    page.fill("#query", WAR)
    with page.expect_navigation():
        page.press("#query", "Control+Enter")
    assert page.text_content("table.answer td") == "guerre de Corée"
    assert page.input_value("#query") == WAR
    permalink = page.input_value("p.permalink input")
    assert permalink.startswith(live_server + "/sparql?query=")
    assert page.text_content("p.permalink button.copy") == "Copier"
    page.click("p.permalink button.copy")
    page.wait_for_function(
        "document.querySelector('p.permalink button.copy').textContent == 'Copié'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == permalink
    assert not problems, problems
    context.close()


@requires_chromium
def test_workbench_is_a_plain_form_without_javascript(chromium: object, live_server: str) -> None:
    context = chromium.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(live_server + "/sparql?lang=ko")
    assert page.locator(".editor.enhanced").count() == 0
    assert not page.is_visible("form.sparql .keys")
    page.fill("#query", WAR)
    with page.expect_navigation():
        page.click("form.sparql button[type=submit]")
    assert page.text_content("table.answer td") == "한국전쟁"
    assert page.text_content("p.summary").startswith("1행 · ")
    context.close()


@requires_chromium
@pytest.mark.parametrize("lang", ["en", "fr", "ko"])
def test_workbench_fits_a_phone(chromium: object, live_server: str, lang: str) -> None:
    page = chromium.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    wide = "SELECT * WHERE { ?s ?p ?o } LIMIT 40"
    overflowing = []
    for params in ({}, {"query": wide}, {"query": "DESCRIBE ckr:korean-war"}):
        page.goto(_workbench_url(live_server, lang=lang, **params))
        page.click("details.prefixes summary")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            overflowing.append((params, width))
    page.close()
    assert not overflowing, overflowing
