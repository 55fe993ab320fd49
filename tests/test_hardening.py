"""The server under attack: every limit answers with a message that says which limit and how to
ask for less, pages stay up while SPARQL is saturated, results never become live links to other
schemes, every response carries its security headers, stable data its validators, redirects
never repeat the ``Host`` header, and ``serve`` refuses unusable options in one line.

Most tests use the in-process client over the scratch build, with small limits; the last ones
start ``python -m canada_korea serve`` and talk to it over sockets.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Iterator

import markupsafe
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from canada_korea.cli import main
from canada_korea.load import Project
from canada_korea.serve import pages
from canada_korea.serve.app import Settings, create_app

from .conftest import free_port
from .test_query import SLOW_QUERY

TIMEOUT = 3.0
MAX_BYTES = 64 * 1024
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WAR = "SELECT ?war WHERE { ?war a ck:War }"


@pytest.fixture(scope="module")
def client(built_project: Project) -> Iterator[TestClient]:
    settings = Settings(timeout=TIMEOUT, max_bytes=MAX_BYTES, memory_limit=256, workers=2)
    with TestClient(create_app(built_project, settings)) as test_client:
        yield test_client


def _ok(client: TestClient) -> None:
    """A plain query still gets its answer: the workers live on."""
    response = client.get("/sparql", params={"query": WAR})
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 1


# --- limits ----------------------------------------------------------------------------------


def test_a_query_that_needs_too_much_memory_is_refused_and_its_worker_replaced(
    client: TestClient,
) -> None:
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    response = client.get("/sparql", params={"query": hungry})
    assert response.status_code == 422
    assert response.text.startswith(
        "the query needed more than the 256 MB of memory a query may use here and was stopped; "
        "ask for less: add LIMIT"
    )
    _ok(client)


def test_an_answer_over_the_byte_cap_is_refused_whole(client: TestClient) -> None:
    """One row of GROUP_CONCAT holding every literal: 200 KB, over the 64 KB cap."""
    query = "SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 422
    assert response.text.startswith(
        "the answer is larger than 0.0625 MB, the most this endpoint sends; ask for fewer or "
        "shorter values"
    )
    assert "GROUP_CONCAT" in response.text
    _ok(client)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { FILTER(" + "(" * 25 + "1" + ")" * 25 + ") }",
        "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40,
        "SELECT * WHERE { " + "{ SELECT * WHERE " * 40 + "{ ?s ?p ?o }" + " }" * 40 + " }",
        "SELECT * WHERE { ?s " + "(" * 40 + "rdfs:label" + ")" * 40 + " ?o }",
    ],
    ids=["parentheses", "groups", "subqueries", "property-paths"],
)
def test_deeply_nested_queries_are_400_and_no_worker_crashes(
    query: str, client: TestClient
) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "nest" in response.text and "flatter" in response.text
    _ok(client)


def test_a_timeout_says_the_limit_and_does_not_invite_a_retry(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SLOW_QUERY})
    assert response.status_code == 503
    assert response.text.startswith(f"the query ran past the {TIMEOUT:g} s time limit")
    assert "will not finish if sent again" in response.text
    assert "retry-after" not in response.headers
    _ok(client)


def test_html_answers_are_bounded_and_say_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "HTML_ROWS", 3)
    monkeypatch.setattr(pages, "HTML_CELL_CHARS", 10)
    query = (
        "SELECT ?n ?text WHERE { VALUES ?n { 1 2 3 4 5 } "
        'BIND(CONCAT("abcdefghij", "klmnop") AS ?text) }'
    )
    page = BeautifulSoup(
        client.get("/sparql", params={"query": query}, headers={"Accept": BROWSER}).text,
        "html.parser",
    )
    assert len(page.select("table.answer tbody tr")) == 3
    assert page.select_one("p.truncated").get_text() == (
        "The first 3 of 5 rows are shown; ask for CSV or JSON to get them all."
    )
    assert page.select("table.answer tbody td")[1].get_text() == "abcdefghij… (6 more characters)"


def test_a_full_waiting_line_is_refused_at_once_while_pages_answer(
    built_project: Project,
) -> None:
    """One worker and room for one waiting query: of three slow queries sent together, one
    runs, one waits and one is refused at once; pages answer while the other two still hold
    the worker and the line, since SPARQL holds none of the threads pages use."""
    settings = Settings(timeout=TIMEOUT, workers=1, max_waiting=1)
    with TestClient(create_app(built_project, settings)) as local:
        answers: list[Response] = []
        arrived = threading.Event()

        def slow() -> None:
            answers.append(local.get("/sparql", params={"query": SLOW_QUERY}))
            arrived.set()

        queries = [threading.Thread(target=slow) for _ in range(3)]
        for thread in queries:
            thread.start()
        assert arrived.wait(TIMEOUT * 3)
        pages = [local.get(path).status_code for path in ("/", "/id/korean-war", "/def/")]
        still_held = sum(thread.is_alive() for thread in queries)
        for thread in queries:
            thread.join()
    refused = answers[0]
    assert refused.status_code == 503
    assert refused.text.startswith("the endpoint is busy: 1 queries are running and 1 waiting")
    assert refused.headers["retry-after"] == "5"
    assert pages == [200, 200, 200]
    assert still_held == 2
    assert [answer.status_code for answer in answers] == [503, 503, 503]


# --- safe pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "binding",
    [
        'IRI("javascript:alert(document.domain)")',
        '"javascript:alert(document.domain)"^^xsd:anyURI',
        'IRI("data:text/html,alert(1)")',
        '" javascript:alert(1)"^^xsd:anyURI',
    ],
)
def test_results_never_link_to_other_schemes(binding: str, client: TestClient) -> None:
    query = (
        f"SELECT ?x ?web WHERE {{ BIND({binding} AS ?x) "
        'BIND(IRI("https://example.org/") AS ?web) }'
    )
    response = client.get("/sparql", params={"query": query}, headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text
    cells = BeautifulSoup(response.text, "html.parser").select("table.answer td")
    assert cells[0].select("a") == [] and "alert" in cells[0].get_text()
    assert cells[1].a["href"] == "https://example.org/"


@pytest.mark.parametrize(
    "path", ["/", "/id/korean-war", "/search?q=korea", "/sparql", "/timeline", "/id/"]
)
def test_pages_have_no_inline_script_or_style(path: str, client: TestClient) -> None:
    """What the Content-Security-Policy relies on: scripts and styles come from files."""
    page = BeautifulSoup(client.get(path, headers={"Accept": BROWSER}).text, "html.parser")
    # A JSON-LD block is data the browser never runs (schema.org markup for dataset search).
    assert all(
        script.get("src") or script.get("type") == "application/ld+json"
        for script in page.select("script")
    )
    assert page.select("style, [style]") == []
    assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


@given(st.one_of(st.text(), st.text().map(Markup), st.integers(), st.none()))
def test_the_pages_escape_a_value_as_markupsafe_does(value: object) -> None:
    """The pages' own escaping (faster than ``markupsafe.escape``, through its C function) gives
    its bytes for any text, leaves what is already markup alone, and prints other values."""
    assert pages.escaped(value) == str(markupsafe.escape(value))


def test_a_template_prints_hostile_text_escaped_once() -> None:
    """What the templates print is escaped by :func:`pages.escaped`: text once, markup not at
    all, and text inside a ``{% set %}`` block once, not again when the block is printed."""
    template = pages.environment().from_string(
        "{{ text }}|{{ markup }}|{{ number }}|{% set kept %}<i>{{ text }}</i>{% endset %}{{ kept }}"
    )
    assert template.root_render_func.__globals__["escape"] is pages.escaped
    hostile = "<script>alert('x')</script> & \"q\""
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;q&#34;"
    assert template.render(text=hostile, markup=Markup("<b>safe</b>"), number=7) == (
        f"{escaped}|<b>safe</b>|7|<i>{escaped}</i>"
    )
    value = pages.Value(hostile, href='javascript:"x"', title="'t'", lang='"en"', data=True)
    assert pages.value_html(value) == (
        '<a href="javascript:&#34;x&#34;" title="&#39;t&#39;" lang="&#34;en&#34;" class="data">'
        f"{escaped}</a>"
    )


def test_a_value_shown_on_a_page_is_not_kept() -> None:
    """The server shows every value of a SPARQL answer as HTML in its own process: none may
    stay in memory after its page, or a client asking for new values grows it for ever."""
    value = pages.Value(f"answer {uuid.uuid4()}", href="https://example.org/", data=True)
    kept = weakref.ref(value)
    assert "https://example.org/" in pages.value_html(value)
    assert pages.cited_html(value, pages.MESSAGES["en"]).startswith("<a ")
    del value
    assert kept() is None


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", BROWSER),
        ("/id/korean-war", "text/turtle"),
        ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
        ("/id/nothing", BROWSER),
        ("/canada-korea.nt", "*/*"),
    ],
)
def test_every_response_carries_the_security_headers(
    path: str, accept: str, client: TestClient
) -> None:
    response = client.get(path, headers={"Accept": accept})
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", BROWSER),
        ("/id/korean-war", BROWSER),
        ("/id/korean-war", "text/turtle"),
        ("/id/korean-war.jsonld", "*/*"),
        ("/def/", "application/n-triples"),
        ("/dumps/canada-korea.nt", "*/*"),
        ("/canada-korea.trig", "*/*"),
        ("/dataset", "text/turtle"),
        ("/sparql", "text/turtle"),
        ("/queries/casualties-by-fate.rq", "*/*"),
    ],
)
def test_stable_data_has_validators_and_answers_304(
    path: str, accept: str, client: TestClient
) -> None:
    first = client.get(path, headers={"Accept": accept})
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert first.headers["cache-control"] == "public, max-age=300"
    again = client.get(path, headers={"Accept": accept, "If-None-Match": f'"other", W/{etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    changed = client.get(path, headers={"Accept": accept, "If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_each_representation_has_its_own_etag(client: TestClient) -> None:
    tags = {
        client.get("/id/korean-war", headers={"Accept": accept}).headers["etag"]
        for accept in ("text/turtle", "application/ld+json", BROWSER)
    }
    tags.add(
        client.get("/id/korean-war", headers={"Accept": BROWSER, "Accept-Language": "fr"}).headers[
            "etag"
        ]
    )
    assert len(tags) == 4


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/ontology", BROWSER),
        ("/dataset", BROWSER),
        ("/.well-known/void", BROWSER),
        ("/sparql/", BROWSER),
        ("/timeline/", BROWSER),
        ("/id", BROWSER),
        ("/ontology/index/", BROWSER),
    ],
)
def test_redirects_never_repeat_the_host_header(path: str, accept: str, client: TestClient) -> None:
    response = client.get(
        path,
        headers={"Accept": accept, "Host": "attacker.example"},
        follow_redirects=False,
    )
    assert "attacker" not in response.headers.get("location", "")
    assert "attacker" not in response.text
    if response.is_redirect:
        assert not response.headers["location"].startswith(("http:", "https:", "//"))


# --- the command ------------------------------------------------------------------------------


def test_serve_refuses_a_port_out_of_range_a_busy_port_and_a_quoted_base(
    built_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    serve = ["--project", str(built_project.root), "serve"]
    assert main([*serve, "--port", "99999"]) == 2
    assert capsys.readouterr().err == "Error: the port must be between 1 and 65535, not 99999\n"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main([*serve, "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )
    base = 'http://example.org/"><script>'
    assert main([*serve, "--port", str(free_port()), "--base", base]) == 2
    assert capsys.readouterr().err == f"Error: the base cannot contain '\"': '{base}'\n"


# --- the real server --------------------------------------------------------------------------


def test_a_client_that_never_finishes_its_headers_is_disconnected(live_server: str) -> None:
    """Slow clients cannot hold connections (and file descriptors) for ever: one that sends
    half a request is cut off after the header deadline, while others are served."""
    host, port = live_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: example\r\n")
        started = time.monotonic()
        with socket.create_connection((host, int(port)), timeout=10) as quick:
            quick.sendall(b"GET /id/csp.nt HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n")
            assert quick.recv(12) == b"HTTP/1.1 200"
        assert slow.recv(1) == b""  # closed by the server, not by our timeout
        assert time.monotonic() - started < 25
