"""A front end on other SPARQL stores: ``serve --sparql-endpoint`` from an installed wheel.

A wheel of this checkout is built and installed in a fresh virtual environment (its
dependencies are this environment's own, so nothing is downloaded but the build backend), and
its ``canada-korea serve --sparql-endpoint`` runs from a folder outside any checkout, in front of
two real stores loaded with the dumps of the test build as the README says: the Oxigraph server
(the ``oxigraph`` package of the test extras) and Virtuoso Open Source (Debian's
``virtuoso-opensource``, which ``.ci/run`` installs; the tests skip without it except in CI).
Each store is started on free ports and stopped after. The front end must answer as the local
server does: the same pages, the same RDF, the same search, timeline, VoID and SPARQL rows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import XSD, Graph, Literal
from rdflib.compare import isomorphic

from canada_korea.load import Project
from canada_korea.namespaces import BASE
from canada_korea.query import named_queries
from canada_korea.serve.app import Settings, create_app
from canada_korea.serve.remote import DESCRIPTION_GRAPHS

from .conftest import free_port, running_server

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GRAPH = BASE + "canada-korea.nt"
"""The graph Virtuoso holds ``canada-korea.nt`` in (it has no default graph of its own)."""
PAGES = [
    "/",
    "/index.fr.html",
    "/id/korean-war",
    "/id/csp.ko.html",
    "/def/Statistic",
    "/ontology/",
    "/id/",
    "/def/",
    "/timeline",
    "/search?q=korea",
    "/search?q=%EC%A0%84%EC%9F%81",
    "/sparql",
]
DOCUMENTS = [
    "/id/korean-war.ttl",
    "/id/csp.jsonld",
    "/def/Statistic.nt",
    "/def/index.nt",
    "/id/index.ttl",
    "/dataset",
    "/.well-known/void",
    "/ontology",
]
INTEGER_TYPES = {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.long, XSD.int}
QUERIES = ("casualties-by-fate", "sections-stating", "document-disagreements", "summits")


# --- the installed command --------------------------------------------------------------------


@pytest.fixture(scope="module")
def command(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``canada-korea`` installed from a wheel of this checkout into a fresh environment."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copyfile(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    shutil.copytree(ROOT / "queries", source / "queries")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", folder / "wheels", source], check=True)
    wheel = next((folder / "wheels").glob("canada_korea-*.whl"))
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", python, "install", "--no-deps", wheel], check=True)
    # The dependencies are this environment's: a path line, read after the venv's own packages
    # (so canada_korea comes from the wheel); the editable install's .pth there is not read.
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "canada-korea"


def test_the_wheel_runs_from_outside_any_checkout(command: Path, tmp_path: Path) -> None:
    location = subprocess.run(
        [command.with_name("python"), "-c", "import canada_korea; print(canada_korea.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert location.startswith(str(command.parents[1]))
    installed = Path(location.strip()).parent
    assert sorted(path.name for path in (installed / "queries").glob("*.rq")) == sorted(
        path.name for path in (ROOT / "queries").glob("*.rq")
    )


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists the packages (for the named queries' mapping): a new one must be
    added there, or the wheel would ship without it."""
    found = {
        ".".join(path.parent.relative_to(ROOT / "src").parts)
        for path in (ROOT / "src").rglob("__init__.py")
    }
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    listed = set(re.findall(r'"(canada_korea[\w.]*)"', text.split("packages = [", 1)[1]))
    assert found <= listed


def test_an_endpoint_that_cannot_be_reached_is_one_line(command: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    completed = subprocess.run(
        [command, "serve", "--sparql-endpoint", url, "--get", "/"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith(f"Error: cannot reach the SPARQL endpoint {url}: ")
    assert completed.stderr.count("\n") == 1


# --- the stores ---------------------------------------------------------------------------------


def oxigraph_store(dist: Path, folder: Path) -> Iterator[tuple[str, str | None]]:
    """The Oxigraph server over a store loaded as the README says."""
    oxigraph = Path(sys.executable).with_name("oxigraph")
    location = folder / "oxigraph"
    load = [oxigraph, "load", "--location", location]
    subprocess.run(
        [*load, "--file", dist / "canada-korea.nt", dist / "canada-korea.nq"],
        check=True,
        capture_output=True,
    )
    for name, graph in DESCRIPTION_GRAPHS.items():
        subprocess.run(
            [*load, "--file", dist / name, "--graph", graph], check=True, capture_output=True
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [oxigraph, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{port}"]
    with running_server(serve, url + "/"):
        yield url + "/query", None


def virtuoso_store(dist: Path, folder: Path) -> Iterator[tuple[str, str | None]]:
    """A private Virtuoso, its own database and ports, loaded as the README says: its default
    graph is every graph, so canada-korea.nt goes into a graph of its own, named on requests."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt")
    if server is None or isql is None:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-opensource is not installed: .ci/run installs it")
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource)")
    database = folder / "virtuoso"
    database.mkdir()
    for name in ("canada-korea.nt", "canada-korea.nq", *DESCRIPTION_GRAPHS):
        shutil.copyfile(dist / name, database / name)
    sql, http = free_port(), free_port()
    (database / "virtuoso.ini").write_text(
        textwrap.dedent(f"""\
            [Database]
            DatabaseFile = {database}/virtuoso.db
            ErrorLogFile = {database}/virtuoso.log
            LockFile = {database}/virtuoso.lck
            TransactionFile = {database}/virtuoso.trx
            xa_persistent_file = {database}/virtuoso.pxa
            [TempDatabase]
            DatabaseFile = {database}/virtuoso-temp.db
            TransactionFile = {database}/virtuoso-temp.trx
            [Parameters]
            ServerPort = 127.0.0.1:{sql}
            DisableUnixSocket = 1
            DirsAllowed = ., {database}
            NumberOfBuffers = 10000
            MaxDirtyBuffers = 6000
            [HTTPServer]
            ServerPort = 127.0.0.1:{http}
            ServerThreads = 10
            [SPARQL]
            ResultSetMaxRows = 1000000
            MaxQueryExecutionTime = 60
            """),
        "utf-8",
    )
    url = f"http://127.0.0.1:{http}/sparql"
    with running_server([server, "-c", database / "virtuoso.ini", "+foreground"], url):
        graphs = {"canada-korea.nt": DEFAULT_GRAPH, "canada-korea.nq": DEFAULT_GRAPH}
        graphs.update(DESCRIPTION_GRAPHS)
        script = "".join(f"ld_dir('{database}', '{name}', '{graphs[name]}');" for name in graphs)
        script += "rdf_loader_run(); SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST;"
        loaded = subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={script}"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "Error" not in loaded.stdout, loaded.stdout
        yield url, DEFAULT_GRAPH


STORES = {"oxigraph": oxigraph_store, "virtuoso": virtuoso_store}


@pytest.fixture(scope="module", params=sorted(STORES))
def front_end(
    request: pytest.FixtureRequest,
    built_project: Project,
    command: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The installed front end on a store, run from a folder outside any checkout."""
    folder = tmp_path_factory.mktemp(request.param)
    stores = STORES[request.param](built_project.dist_dir.resolve(), folder)
    endpoint, default_graph = next(stores)
    try:
        port = free_port()
        elsewhere = folder / "elsewhere"
        elsewhere.mkdir()
        # env -C: the front end's working folder is in no checkout.
        serve = ["env", "-C", elsewhere, command, "serve", "--sparql-endpoint", endpoint]
        serve += ["--port", port]
        if default_graph:
            serve += ["--default-graph", default_graph]
        url = f"http://127.0.0.1:{port}"
        with running_server(serve, url + "/"):
            yield url
    finally:
        stores.close()


@pytest.fixture(scope="module")
def local(built_project: Project) -> Iterator[TestClient]:
    with TestClient(create_app(built_project, Settings(workers=1))) as client:
        yield client


def fetch(url: str, accept: str = "text/html") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- the same answers -------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_the_local_servers(front_end: str, local: TestClient, path: str) -> None:
    status, body = fetch(front_end + path)
    expected = local.get(path, headers={"Accept": "text/html"})
    assert status == expected.status_code == 200
    assert body.decode("utf-8") == expected.text


@pytest.mark.parametrize("path", DOCUMENTS)
def test_documents_hold_the_local_servers_triples(
    front_end: str, local: TestClient, path: str
) -> None:
    status, body = fetch(front_end + path, "text/turtle")
    expected = local.get(path, headers={"Accept": "text/turtle"})
    assert status == expected.status_code == 200
    if path.endswith(".jsonld"):
        kind = "json-ld"
    elif path.endswith(".nt"):
        kind = "nt"
    else:
        kind = "turtle"
    remote_graph = Graph().parse(data=body, format=kind)
    local_graph = integers(Graph().parse(data=expected.content, format=kind))
    assert len(remote_graph) == len(local_graph) > 0
    assert isomorphic(remote_graph, local_graph)


def integers(graph: Graph) -> Graph:
    """``graph`` with every integer typed ``xsd:integer``, as both stores give them back (they
    keep a value, not its derived type: VoID's xsd:nonNegativeInteger byte sizes)."""
    typed = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in INTEGER_TYPES:
            o = Literal(str(o), datatype=XSD.integer)
        typed.add((s, p, o))
    return typed


@pytest.mark.parametrize("name", QUERIES)
def test_sparql_rows_are_the_local_servers(
    front_end: str, local: TestClient, built_project: Project, name: str
) -> None:
    text = next(q.text for q in named_queries(built_project) if q.name == name)
    accept = "application/sparql-results+json"
    status, body = fetch(f"{front_end}/sparql?query={urllib.parse.quote(text)}", accept)
    expected = local.get("/sparql", params={"query": text}, headers={"Accept": accept})
    assert status == expected.status_code == 200, body

    def rows(answer: dict) -> list[list[tuple[str, str]]]:
        return sorted(
            sorted((name, binding["value"]) for name, binding in row.items())
            for row in answer["results"]["bindings"]
        )

    assert rows(json.loads(body)) == rows(expected.json())
    assert rows(expected.json())


def test_published_files_are_not_pretended(front_end: str) -> None:
    status, body = fetch(front_end + "/canada-korea.nt", "text/plain")
    assert status == 404
    assert body.decode("utf-8") == (
        "this server reads a SPARQL endpoint and holds no copy of the published files: "
        f"canada-korea.nt is published at {BASE}canada-korea.nt\n"
    )
    status, body = fetch(front_end + "/queries/summits.rq", "*/*")
    assert status == 200
    assert body == (ROOT / "queries" / "summits.rq").read_bytes()
