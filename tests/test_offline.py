"""No query reaches the network unless the user asks: the SERVICE bypass and its defences.

A canary HTTP server on a free loopback port records every request it gets; each attack names it
as its SERVICE or endpoint target, and the test asserts both the refusal and that the canary
heard nothing. The seccomp filter is shown to hold on its own, with Oxigraph executing a SERVICE
call no check has seen.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from canada_korea.cli import main
from canada_korea.load import Project
from canada_korea.offline import canonical_text, forbid_network, network_forbidden
from canada_korea.query import SERVICE_REFUSED
from canada_korea.serve.app import Settings, create_app


class _Canary(ThreadingHTTPServer):
    requests: list[str]


class _Record(BaseHTTPRequestHandler):
    def _record(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        body = b'{"head": {"vars": []}, "results": {"bindings": [{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _record

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads ``requests`` instead."""


@pytest.fixture
def canary() -> Iterator[_Canary]:
    server = _Canary(("127.0.0.1", 0), _Record)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _url(canary: _Canary) -> str:
    return f"http://127.0.0.1:{canary.server_address[1]}/private"


def _attacks(url: str) -> list[str]:
    """Ways to write SERVICE so that one parser sees it and another does not."""
    return [
        # rdflib ends a comment at LF only, Oxigraph (and the grammar) at CR too.
        f"SELECT * WHERE {{ # x\rSERVICE <{url}> {{ ?a ?b ?c }}\n }}",
        f"SELECT * WHERE {{ # x\rSERVICE SILENT <{url}> {{ ?a ?b ?c }}\n }}",
        # a codepoint escape in the keyword, expanded before parsing
        f"SELECT * WHERE {{ SERVIC\\u0045 <{url}> {{ ?a ?b ?c }} }}",
        f"ASK {{ FILTER EXISTS {{ # \r SERVICE <{url}> {{ ?a ?b ?c }}\n }} }}",
    ]


def test_canary_hears_a_plain_request(canary: _Canary) -> None:
    """The canary works: without the defences, a request to it is recorded."""
    import urllib.request

    with urllib.request.urlopen(_url(canary), timeout=5) as response:
        assert response.status == 200
    assert canary.requests == ["GET /private"]


def test_endpoint_refuses_every_hidden_service(built_project: Project, canary: _Canary) -> None:
    settings = Settings(timeout=5.0, workers=1)
    with TestClient(create_app(built_project, settings)) as client:
        for attack in _attacks(_url(canary)):
            response = client.get("/sparql", params={"query": attack})
            assert response.status_code == 400, attack
            assert response.text.startswith("SERVICE is refused"), response.text
    assert canary.requests == []


def test_command_line_refuses_hidden_service_locally_and_on_an_endpoint(
    built_project: Project, canary: _Canary, capsys: pytest.CaptureFixture[str]
) -> None:
    project = ["--project", str(built_project.root)]
    for attack in _attacks(_url(canary)):
        for where in ([], ["--endpoint", f"http://127.0.0.1:{canary.server_address[1]}/sparql"]):
            assert main([*project, "query", *where, attack]) == 2
            assert capsys.readouterr().err == f"Error: {SERVICE_REFUSED}\n"
    assert canary.requests == []


def _service_in_sandbox(url: str, results: multiprocessing.Queue) -> None:
    forbid_network()
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?a ?b ?c }} }}"))
    except OSError as error:
        results.put(type(error).__name__)
    else:
        results.put("answered")


def test_sandboxed_oxigraph_cannot_run_service_no_check_has_seen(canary: _Canary) -> None:
    """The last line of defence alone: Oxigraph executes SERVICE and the kernel refuses it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_service_in_sandbox, args=(_url(canary), results))
    child.start()
    child.join(30)
    assert results.get(timeout=5) == "PermissionError"
    assert canary.requests == []


def _probe(results: multiprocessing.Queue) -> None:
    forbid_network()
    left, right = socket.socketpair()
    left.sendall(b"x")
    results.put((network_forbidden(), right.recv(1)))


def test_forbid_network_refuses_internet_sockets_and_keeps_local_ones() -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_probe, args=(results,))
    child.start()
    child.join(30)
    assert results.get(timeout=5) == (True, b"x")
    assert not network_forbidden(), "the filter must stay in the child"


def test_canonical_text_blanks_comments_to_cr_or_lf_and_keeps_strings_and_iris() -> None:
    text = "SELECT * { ?s ?p \"# kept\" . <http://a.example/#kept> ?p '#' } # gone\rASK # gone\n"
    assert canonical_text(text) == (
        "SELECT * { ?s ?p \"# kept\" . <http://a.example/#kept> ?p '#' }       \rASK       \n"
    )
    assert canonical_text('"""a # b\n"""# c') == '"""a # b\n"""   '
    assert canonical_text("SERVIC\\u0045 \\U0001F600 \\uD800") == "SERVICE \U0001f600 \\uD800"


@given(st.text(alphabet=st.sampled_from(list("#<>'\"\\ \r\nab{}")), max_size=60))
def test_canonical_text_keeps_every_position_and_leaves_no_comment(text: str) -> None:
    canonical = canonical_text(text)
    assert len(canonical) == len(text)
    assert [i for i, c in enumerate(canonical) if c in "\r\n"] == [
        i for i, c in enumerate(text) if c in "\r\n"
    ]
    assert canonical_text(canonical) == canonical
