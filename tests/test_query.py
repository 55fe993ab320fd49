"""The query library: named queries, safe execution, both engines agreeing, result formats, and
a real SPARQL endpoint (Oxigraph's server) answering like the local engine.

Rows are compared by meaning: numbers by value (Oxigraph writes ``65.0`` as ``65``), other terms
by their N-Triples form. The order of rows is checked by the golden answers in
``test_queries.py``; here rows are compared as multisets.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.query import Result

import canada_korea
from canada_korea import pipeline
from canada_korea.cli import main
from canada_korea.errors import QueryError
from canada_korea.index import ANSWERS, index_path, open_index
from canada_korea.load import Project
from canada_korea.namespaces import CKR, PREFIXES
from canada_korea.pipeline import BuildReport, build, published_graph
from canada_korea.query import (
    DEFAULT_TIMEOUT,
    GRAPH_FORMATS,
    SELECT_FORMATS,
    Description,
    NamedQuery,
    binding_term,
    kept_table,
    named_queries,
    prepare,
    resolve,
    run_query,
    serialize_result,
    write_answers,
)
from canada_korea.serve.publication import load_store

from .conftest import CASES, free_port, running_server
from .test_queries import BINDINGS

QUERY_MODULE = sys.modules["canada_korea.query"]
"""The module itself: the package's ``query`` is the API's function of that name."""
UPDATE_REFUSED = (
    "updates are refused: the graph is read-only (INSERT, DELETE, LOAD, CLEAR, … are not run)"
)
SERVICE_REFUSED = (
    "SERVICE is refused: queries do not touch the network unless you pass --allow-service"
)
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

# One row per kind of term a result can hold: IRIs, language-tagged and typed literals, an
# unbound variable, Hangul, and a literal with a tab, quotes, a comma and a newline.
MIXED_SELECT = """
SELECT ?statistic ?label ?value ?qualifier ?odd ?korean WHERE {
    ?statistic a ck:Statistic ; rdfs:label ?label ; ck:value ?value .
    FILTER(?statistic IN (ckr:stat-humanitarian-funding, ckr:stat-working-holiday-youth,
                          ckr:stat-canadian-war-dead))
    FILTER(LANG(?label) = "en")
    OPTIONAL { ?statistic ck:qualifier ?qualifier }
    BIND(IF(?value = 516, "tab\\there, \\"quoted\\"\\nnew line", ?nothing) AS ?odd)
    BIND(STRLANG("김정은", "ko") AS ?korean)
}
ORDER BY ?statistic
"""
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
CONSTRUCT = "CONSTRUCT { ckr:csp ?p ?o } WHERE { ckr:csp ?p ?o }"


def _key(term: object) -> object:
    """A term as compared across engines: numbers by value, everything else by N-Triples."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype in (XSD_INTEGER, XSD_DECIMAL):
        return Decimal(str(term.toPython()))
    return term.n3()  # type: ignore[attr-defined]


def _rows(result: Result, name: str | None = None) -> list[tuple[object, ...]]:
    """Rows as comparable keys. Shipped queries avoid GROUP_CONCAT of labels: SPARQL leaves its
    order undefined, and rdflib and Oxigraph do differ."""
    variables = list(result.vars or [])
    rows = [tuple(_key(binding.get(var)) for var in variables) for binding in result.bindings]
    return sorted(rows, key=repr)


def _oxigraph_result(store: ox.Store, text: str, bindings: dict[str, object]) -> Result:
    """Oxigraph's answer read back by rdflib's own SPARQL JSON parser."""
    substitutions = {
        ox.Variable(var): ox.NamedNode(str(binding_term(value))) for var, value in bindings.items()
    }
    answer = store.query(text, prefixes=dict(PREFIXES), substitutions=substitutions)
    data = answer.serialize(format=ox.QueryResultsFormat.JSON)
    return Result.parse(io.BytesIO(data), format="json")


@pytest.fixture(scope="module")
def dump(built: BuildReport) -> Path:
    """The dataset dump, which holds the named graphs (sections and inferences)."""
    return built.dist / "canada-korea.nq"


@pytest.fixture(scope="module")
def graph(built_project: Project) -> Graph:
    """The published dataset as rdflib queries it: the union as default graph (read-only)."""
    return published_graph(built_project)


@pytest.fixture(scope="module")
def store(built: BuildReport) -> ox.Store:
    """The same dataset as the server's Oxigraph workers hold it."""
    return load_store(built.dist)


@pytest.fixture(scope="module")
def index(built: BuildReport) -> Path:
    """The build's persistent index, which the command line and the API query."""
    return index_path(built.dist)


NAMES = [query.name for query in named_queries(Project(Path(__file__).resolve().parents[1]))]


# --- named queries --------------------------------------------------------------------------


def test_named_queries_are_sorted_and_described(project: Project) -> None:
    queries = named_queries(project)
    assert len(queries) >= 20
    assert [query.name for query in queries] == sorted(query.name for query in queries)
    for query in queries:
        assert query.path == project.queries_dir / f"{query.name}.rq"
        assert query.text.splitlines()[0] == f"# {query.description}"


def test_resolve_reads_a_named_query(project: Project) -> None:
    text, name = resolve("csp-pillars", project)
    assert name == "csp-pillars"
    assert text == (project.queries_dir / "csp-pillars.rq").read_text("utf-8")


def test_resolve_passes_sparql_through(project: Project) -> None:
    assert resolve("ASK { ?s ?p ?o }", project) == ("ASK { ?s ?p ?o }", None)


def test_resolve_refuses_an_unknown_named_query(project: Project) -> None:
    with pytest.raises(QueryError) as caught:
        resolve("no-such-query", project)
    assert str(caught.value) == (
        "unknown named query 'no-such-query'; `canada-korea query --list` shows them"
    )


# --- both engines ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_named_query_gives_the_same_rows_on_rdflib_oxigraph_and_the_index(
    name: str, project: Project, graph: Graph, store: ox.Store, index: Path
) -> None:
    text, _ = resolve(name, project)
    bindings = BINDINGS.get(name, {})
    local = run_query(text, graph, bindings=bindings)
    rows = _rows(local, name)
    assert rows
    assert _rows(_oxigraph_result(store, text, bindings), name) == rows
    on_index = run_query(text, index=index, bindings=bindings)
    assert _rows(on_index, name) == rows
    assert list(on_index.vars or []) == list(local.vars or [])


def test_the_index_holds_the_quads_queries_see(store: ox.Store, index: Path) -> None:
    opened = open_index(index)
    assert set(opened.quads_for_pattern(None, None, None)) == set(
        store.quads_for_pattern(None, None, None)
    )


def test_the_index_loaded_a_few_statements_at_a_time_is_the_same(
    index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk loader is given a few statements at a time (see ``index.write_index``), and
    here many times over: it holds what the build's index holds, and answers alike."""
    monkeypatch.setattr(canada_korea.index, "LOADED_AT_ONCE", 500)
    dist = index.parent
    triples = ox.parse(path=str(dist / "canada-korea.nt"), format=ox.RdfFormat.N_TRIPLES)
    quads = ox.parse(path=str(dist / "canada-korea.nq"), format=ox.RdfFormat.N_QUADS)
    written = canada_korea.index.write_index(tmp_path, triples, quads)  # type: ignore[arg-type]
    everything = (None, None, None)
    assert set(open_index(written).quads_for_pattern(*everything)) == set(
        open_index(index).quads_for_pattern(*everything)
    )
    assert sorted(map(str, run_query(CONSTRUCT, index=written))) == sorted(
        map(str, run_query(CONSTRUCT, index=index))
    )


def test_graph_queries_and_bindings_on_the_index(graph: Graph, index: Path) -> None:
    constructed = run_query(CONSTRUCT, index=index)
    assert isomorphic(constructed.graph, run_query(CONSTRUCT, graph).graph)  # type: ignore[arg-type]
    ask = "ASK { ?s ck:value ?value }"
    assert run_query(ask, index=index, bindings={"value": 516}).askAnswer is True
    assert run_query(ask, index=index, bindings={"value": 517}).askAnswer is False
    language = run_query(
        "ASK { ?s rdfs:label ?label }",
        index=index,
        bindings={"label": Literal("Korean War", lang="en")},
    )
    assert language.askAnswer is True


def test_the_index_keeps_the_query_limits(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(SLOW_QUERY, index=index, timeout=0.5)
    assert caught.value.message == "the query took longer than 0.5 s and was stopped"
    with pytest.raises(QueryError, match=r"^SERVICE is refused"):
        run_query("SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }", index=index)
    import importlib

    QUERY_MODULE = importlib.import_module("canada_korea.query")
    monkeypatch.setattr(QUERY_MODULE, "QUERY_MEMORY", 64 * 2**20)
    with pytest.raises(QueryError) as caught:
        text = (
            "SELECT (GROUP_CONCAT(CONCAT(STR(?a), STR(?b), STR(?c))) AS ?x) { ?a ?b ?c . ?d ?e ?f }"
        )
        run_query(text, index=index, timeout=60)
    assert caught.value.message.startswith(
        "the query needed more than 64 MiB of memory and was stopped"
    )


def test_an_oxigraph_failure_is_a_query_error(index: Path) -> None:
    with pytest.raises(QueryError, match=r"^Oxigraph failed on this query: "):
        run_query("SELECT * { ?s ?p ?o }", index=index.parent / "no-index")


# --- the answers a build keeps ---------------------------------------------------------------


def _in_order(result: Result) -> object:
    """A result's variables and rows in order, each term in N-Triples form."""
    variables = list(result.vars or [])
    rows = [[binding.get(var) for var in variables] for binding in result.bindings]
    return (variables, [[None if t is None else t.n3() for t in row] for row in rows])


def _answers(folder: Path) -> list[Path]:
    """The answers kept in ``folder``, without the tables kept beside them."""
    return sorted(path for path in folder.iterdir() if path.suffix != ".table")


def test_the_build_keeps_one_whole_answer_per_named_query(built: BuildReport) -> None:
    kept = [path.name for path in _answers(built.dist / ANSWERS)]
    assert len(kept) == len(NAMES)
    form = r"[0-9a-f]{40}\.(select|ask|construct|describe)"
    assert all(re.fullmatch(form, name) for name in kept)
    tables = [path for path in (built.dist / ANSWERS).iterdir() if path.suffix == ".table"]
    assert len(tables) == sum(name.endswith(".select") for name in kept)


@pytest.mark.parametrize("name", NAMES)
def test_a_kept_answer_is_the_engines_answer_in_the_same_order(
    name: str, project: Project, index: Path
) -> None:
    text, _ = resolve(name, project)
    # The same query in a text the build did not answer (one more line) is evaluated.
    evaluated = run_query(text + "\n", index=index)
    # Tables, TSV, CSV and JSON are written from the kept numbers, never from the rows
    # rdflib reads: the same bytes as from the engine's answer, and as rdflib's own writers.
    formats = SELECT_FORMATS if evaluated.type in ("SELECT", "ASK") else GRAPH_FORMATS
    for fmt in formats:
        kept = run_query(text, index=index)
        assert serialize_result(kept, fmt) == serialize_result(evaluated, fmt), fmt
        if fmt in ("csv", "json") and kept.type == "SELECT":
            assert serialize_result(kept, fmt) == kept.serialize(format=fmt, encoding="utf-8")
    assert _in_order(run_query(text, index=index)) == _in_order(evaluated)
    # The table kept as `query NAME` prints it is the evaluated answer's table.
    table = kept_table(index, text)
    assert table == (serialize_result(evaluated, "table") if evaluated.type == "SELECT" else None)


@pytest.fixture
def small_index(tmp_path: Path) -> Path:
    """A build folder holding only an index of two statements, and its answer to ANSWERED."""
    store = ox.Store(str(tmp_path / "index"))
    store.load(f"<{CKR}a> <{CKR}p> 1 . <{CKR}b> <{CKR}p> 2 .".encode(), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    queries = [
        NamedQuery("answered", Description(""), ANSWERED, tmp_path / "answered.rq"),
        NamedQuery("refused", Description(""), REFUSED, tmp_path / "refused.rq"),
    ]
    write_answers(tmp_path, queries)
    return tmp_path / "index"


ANSWERED = "SELECT ?s ?n WHERE { ?s ckr:p ?n } ORDER BY ?n"
REFUSED = "SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }"


def test_only_what_would_run_is_answered(small_index: Path) -> None:
    kept = sorted(path.suffix for path in (small_index.parent / ANSWERS).iterdir())
    assert kept == [".select", ".table"]
    with pytest.raises(QueryError, match=r"^SERVICE is refused"):
        run_query(REFUSED, index=small_index)


def test_a_kept_answer_is_read_only_for_its_own_text_and_no_bindings(small_index: Path) -> None:
    (kept,) = _answers(small_index.parent / ANSWERS)
    # Changed behind the build's back, so that reading it shows.
    kept.write_bytes(kept.read_bytes().replace(b'"1"', b'"7"'))
    assert [int(row.n) for row in run_query(ANSWERED, index=small_index)] == [7, 2]
    assert [int(row.n) for row in run_query(ANSWERED + " ", index=small_index)] == [1, 2]
    bound = run_query(ANSWERED, index=small_index, bindings={"s": f"<{CKR}b>"})
    assert [int(row.n) for row in bound] == [2]


_KEPT = b'{"vars": ["s", "n"], "terms": [["uri", "x", null, null]], "rows": [%s]}'


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b'{"head": {}, "results": {"bindings": [1]}}',
        # Rows that are not a term's number or null for each variable: read only when a row
        # is, they are refused when the answer is.
        *(_KEPT % row for row in [b"[0, 1]", b"[0, -1]", b"[0, 0.0]", b'[0, "0"]', b"[0, true]"]),
        *(_KEPT % row for row in [b"[0]", b"[0, 0, 0]", b"0", b"[[0], 0]"]),
    ],
)
def test_a_damaged_kept_answer_is_evaluated_instead(small_index: Path, damage: bytes) -> None:
    (kept,) = _answers(small_index.parent / ANSWERS)
    kept.write_bytes(damage)
    assert [int(row.n) for row in run_query(ANSWERED, index=small_index)] == [1, 2]


def test_a_kept_table_is_read_only_for_its_own_text_and_code(
    small_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluated = run_query(ANSWERED + " ", index=small_index)
    assert kept_table(small_index, ANSWERED) == serialize_result(evaluated, "table")
    assert kept_table(small_index, ANSWERED + " ") is None
    assert kept_table(small_index, REFUSED) is None
    # Another version of the code lays tables out its own way: it never reads this one.
    monkeypatch.setattr(QUERY_MODULE, "code_fingerprint", lambda: "other code")
    assert kept_table(small_index, ANSWERED) is None


def test_cli_prints_the_kept_table_only_as_it_was_kept(built_project: Project, capsys) -> None:
    """`query NAME` prints the table the build kept (here changed behind its back, so that
    reading it shows); another format, a binding or another text is worked out anew."""
    text, _ = resolve("casualties-by-fate", built_project)
    table = QUERY_MODULE._table_file(index_path(built_project.dist_dir), text)
    kept = table.read_bytes()
    table.write_bytes(kept.replace(b" rows)", b" rows, as kept)"))
    try:
        code, out, _ = cli(capsys, built_project, "casualties-by-fate")
        assert (code, out) == (0, kept.decode().replace(" rows)", " rows, as kept)"))
        named = "casualties-by-fate"
        for argv in ([named, "--format", "tsv"], [named, "--bind", "fate=x"], [text + " "]):
            assert "as kept" not in cli(capsys, built_project, *argv)[1]
    finally:
        table.write_bytes(kept)
    assert cli(capsys, built_project, "casualties-by-fate")[:2] == (0, kept.decode())


def test_a_build_does_not_wait_long_for_a_slow_answer(
    scratch: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    (scratch.queries_dir / "zz-slow.rq").write_text(f"# Never ends\n{SLOW_QUERY}\n", "utf-8")
    monkeypatch.setattr(pipeline, "ANSWERING_TIME", 0.5)
    report = build(scratch)
    kept = {path.name for path in _answers(report.dist / ANSWERS)}
    assert len(kept) == len(NAMES)
    assert not any(path.name.startswith(".") for path in (report.dist / ANSWERS).iterdir())
    text, _ = resolve("zz-slow", scratch)
    with pytest.raises(QueryError, match=r"took longer than 0\.5 s"):
        run_query(text, index=index_path(report.dist), timeout=0.5)


def test_bound_document_limits_the_facts_to_that_document(project: Project, graph: Graph) -> None:
    text, _ = resolve("facts-from-document", project)
    bound = run_query(text, graph, bindings={"document": "ckr:gc-canada-dprk"})
    facts = {row[Variable("fact")] for row in bound.bindings}
    assert {row[Variable("document")] for row in bound.bindings} == {CKR["gc-canada-dprk"]}
    per_document = run_query(resolve("facts-per-document", project)[0], graph)
    counts = {
        str(row[Variable("file")])[:3]: int(row[Variable("facts")])  # type: ignore[call-overload]
        for row in per_document.bindings
    }
    assert len(facts) == counts["004"]
    every = run_query(text, graph)
    assert len({row[Variable("document")] for row in every.bindings}) == 5


# --- bindings -------------------------------------------------------------------------------


def test_binding_values_become_rdf_terms() -> None:
    assert binding_term("ckr:korean-war") == CKR["korean-war"]
    assert binding_term("<https://example.org/x>") == URIRef("https://example.org/x")
    assert binding_term(516) == Literal(516)
    assert binding_term(Decimal("38.9")) == Literal(Decimal("38.9"))
    assert binding_term("unknown:prefix") == Literal("unknown:prefix")
    assert binding_term("plain text") == Literal("plain text")


def test_bindings_constrain_the_query(graph: Graph) -> None:
    result = run_query(
        "SELECT ?value WHERE { ?statistic ck:value ?value }",
        graph,
        bindings={"?statistic": "ckr:stat-canadian-war-dead"},
    )
    assert [row[Variable("value")] for row in result.bindings] == [Literal(516)]
    ask = "ASK { ckr:stat-canadian-war-dead ck:value ?value }"
    assert run_query(ask, graph, bindings={"value": 516}).askAnswer is True
    assert run_query(ask, graph, bindings={"value": 517}).askAnswer is False


def test_bindings_refuse_a_name_that_is_not_a_variable(graph: Graph) -> None:
    with pytest.raises(QueryError, match="'not a name' is not a SPARQL variable name"):
        run_query("ASK {}", graph, bindings={"not a name": 1})


# --- refusals and errors --------------------------------------------------------------------


def test_syntax_error_gives_line_and_column(graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = ) }", graph)
    assert caught.value.message.startswith("SPARQL syntax error: Expected")
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_unknown_prefix_is_reported_where_it_is_used(graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query("SELECT * WHERE {\n  ?s foo:bar ?o }", graph)
    assert caught.value.message.startswith("unknown prefix 'foo:'")
    assert (caught.value.line, caught.value.column) == (2, 6)


def test_query_may_redeclare_a_project_prefix(graph: Graph) -> None:
    text = "PREFIX ck: <https://example.org/other/>\nASK { ?s ck:value ?v }"
    assert run_query(text, graph).askAnswer is False


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { ckr:a ckr:b ckr:c }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused(update: str, graph: Graph) -> None:
    size = len(graph)
    with pytest.raises(QueryError) as caught:
        run_query(update, graph)
    assert caught.value.message == UPDATE_REFUSED
    assert len(graph) == size


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "ASK { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://example.org/q> { ?s ?q ?r } } }",
    ],
)
def test_service_is_refused_unless_allowed(text: str, graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(text, graph)
    assert caught.value.message == SERVICE_REFUSED
    assert prepare(text, allow_service=True).form in ("SELECT", "ASK")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_datasets_from_the_web_are_refused(text: str, graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"^FROM and FROM NAMED are refused"):
        run_query(text, graph)


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_query_is_refused(text: str, graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"^the query is empty"):
        run_query(text, graph)


def test_engine_failure_is_a_query_error(graph: Graph) -> None:
    text = (
        "SELECT ?qualifier WHERE { ?s ck:value ?v OPTIONAL { ?s ck:qualifier ?qualifier } }"
        " ORDER BY STR(?qualifier)"
    )
    with pytest.raises(QueryError, match=r"^rdflib's SPARQL engine failed on this query: "):
        run_query(text, graph)


def test_slow_query_is_stopped_and_the_next_one_runs(graph: Graph) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(SLOW_QUERY, graph, timeout=0.5)
    assert caught.value.message == "the query took longer than 0.5 s and was stopped"
    assert multiprocessing.active_children() == []
    assert run_query("ASK { ckr:korean-war ?p ?o }", graph).askAnswer is True
    assert DEFAULT_TIMEOUT > 1


def test_run_query_needs_an_index_a_graph_or_an_endpoint() -> None:
    with pytest.raises(ValueError, match="needs an index, a graph or an endpoint"):
        run_query("ASK {}")


@given(
    st.sampled_from(NAMES),
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=1, max_value=40),
    st.text(alphabet="{}()?<>\"'#.;,:^@!=*\n PREFIXSELECTck", max_size=8),
)
@settings(max_examples=60, deadline=None)
def test_mangled_queries_raise_only_query_errors(
    name: str, start: int, length: int, insert: str
) -> None:
    """Cut a span out of a real query and put odd characters there: the check either passes
    or says what is wrong; no parser exception escapes."""
    text = (Path(__file__).resolve().parents[1] / "queries" / f"{name}.rq").read_text("utf-8")
    start = min(start, len(text))
    mangled = text[:start] + insert + text[start + length :]
    try:
        prepare(mangled)
    except QueryError as error:
        assert error.message


# --- result formats -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed(graph: Graph) -> Result:
    return run_query(MIXED_SELECT, graph)


def _same_bindings(left: Result, right: Result) -> None:
    assert [str(var) for var in left.vars or []] == [str(var) for var in right.vars or []]
    assert [dict(row) for row in left.bindings] == [dict(row) for row in right.bindings]


def test_select_has_every_kind_of_term(mixed: Result) -> None:
    rows = mixed.bindings
    assert len(rows) == 3
    assert any(Variable("qualifier") not in row for row in rows)
    assert any("\t" in str(row.get(Variable("odd"), "")) for row in rows)


def test_csv_is_the_w3c_format(mixed: Result) -> None:
    data = serialize_result(mixed, "csv")
    assert data.endswith(b"\r\n") and b"\r\n" in data.rstrip(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == ["statistic", "label", "value", "qualifier", "odd", "korean"]
    expected = [[str(row.get(var, "")) for var in mixed.vars or []] for row in mixed.bindings]
    assert rows[1:] == expected


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_result_format_parses_back_to_the_same_bindings(mixed: Result, fmt: str) -> None:
    data = serialize_result(mixed, fmt)
    _same_bindings(Result.parse(io.BytesIO(data), format=fmt), mixed)


def test_json_is_the_w3c_format(mixed: Result) -> None:
    document = json.loads(serialize_result(mixed, "json"))
    assert document["head"]["vars"] == ["statistic", "label", "value", "qualifier", "odd", "korean"]
    first = document["results"]["bindings"][0]
    assert first["statistic"] == {"type": "uri", "value": str(CKR["stat-canadian-war-dead"])}
    assert first["value"]["datatype"] == str(XSD_INTEGER)
    assert first["korean"] == {"type": "literal", "value": "김정은", "xml:lang": "ko"}


def test_tsv_header_and_terms(mixed: Result) -> None:
    lines = serialize_result(mixed, "tsv").decode("utf-8").split("\n")
    assert lines[0] == "?statistic\t?label\t?value\t?qualifier\t?odd\t?korean"
    first = lines[1].split("\t")
    assert first[0] == f"<{CKR['stat-canadian-war-dead']}>"
    assert first[2] == f'"516"^^<{XSD_INTEGER}>'
    assert first[4] == '"tab\\there, \\"quoted\\"\\nnew line"'


def test_table_prefixes_iris_and_counts_rows(mixed: Result) -> None:
    lines = serialize_result(mixed, "table").decode("utf-8").splitlines()
    assert lines[0].split() == ["statistic", "label", "value", "qualifier", "odd", "korean"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert re.split(r"\s{2,}", lines[2])[:3] == [
        "ckr:stat-canadian-war-dead",
        "Canadian dead in the Korean War",
        "516",
    ]
    assert "ck:upTo" in "\n".join(lines)
    assert lines[-1] == "(3 rows)"
    widths = {len(line.rstrip()) for line in lines[:2]}
    assert len(widths) == 1


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", b"_askResult\r\ntrue\r\n"),
        ("tsv", b"?_askResult\ntrue\n"),
        ("table", b"true\n"),
    ],
)
def test_ask_in_tabular_formats(graph: Graph, fmt: str, expected: bytes) -> None:
    assert serialize_result(run_query("ASK { ?s ?p ?o }", graph), fmt) == expected


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_parses_back(graph: Graph, fmt: str) -> None:
    for text, answer in (("ASK { ckr:csp ?p ?o }", True), ("ASK { ckr:nothing ?p ?o }", False)):
        data = serialize_result(run_query(text, graph), fmt)
        assert Result.parse(io.BytesIO(data), format=fmt).askAnswer is answer


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt"])
def test_graph_formats_parse_back_isomorphic(graph: Graph, fmt: str) -> None:
    result = run_query(CONSTRUCT, graph)
    data = serialize_result(result, fmt)
    assert data == serialize_result(run_query(CONSTRUCT, graph), fmt)
    back = Graph().parse(data=data.decode("utf-8"), format=fmt)
    assert len(back) > 5
    assert isomorphic(back, result.graph)  # type: ignore[arg-type]


def test_nt_is_sorted_and_json_ld_has_the_context_inline(graph: Graph) -> None:
    result = run_query(CONSTRUCT, graph)
    lines = serialize_result(result, "nt").decode("utf-8").splitlines()
    assert lines == sorted(lines)
    document = json.loads(serialize_result(result, "json-ld"))
    assert document["@context"]["ckr"] == str(CKR)


def test_describe_and_graph_table(graph: Graph) -> None:
    result = run_query("DESCRIBE ckr:csp", graph)
    lines = serialize_result(result, "table").decode("utf-8").splitlines()
    assert lines[0].split() == ["subject", "predicate", "object"]
    assert lines[-1] == f"({len(result.graph)} triples)"  # type: ignore[arg-type]
    assert any(line.startswith("ckr:csp  rdf:type") for line in lines)


def test_unknown_formats_are_refused(graph: Graph) -> None:
    assert "turtle" not in SELECT_FORMATS and "csv" not in GRAPH_FORMATS
    with pytest.raises(QueryError, match="unknown format 'turtle' for SELECT results"):
        serialize_result(run_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", graph), "turtle")
    with pytest.raises(QueryError, match="unknown format 'csv' for CONSTRUCT results"):
        serialize_result(run_query(CONSTRUCT, graph), "csv")


# --- a real SPARQL endpoint -----------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(dump: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Oxigraph's own server, loaded with the dump, on a port chosen now; stopped afterwards."""
    executable = Path(sys.executable).parent / "oxigraph"
    assert executable.exists(), (
        "the `oxigraph` server comes with the test extra: pip install -e '.[test]'"
    )
    location = tmp_path_factory.mktemp("oxigraph")
    # The union (with ck:statedIn) as the default graph, the sections' graphs named: the layout
    # the README gives, and the one the project's own server holds.
    for name in ("canada-korea.nt", "canada-korea.nq"):
        subprocess.run(
            [executable, "load", "--location", location, "--file", dump.parent / name],
            check=True,
            capture_output=True,
        )
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    command = [executable, "serve-read-only", "--location", location]
    with running_server([*command, "--bind", f"127.0.0.1:{port}"], f"{url}?query=ASK%7B%7D"):
        yield url


@pytest.mark.parametrize("name", NAMES)
def test_named_query_on_an_endpoint_matches_the_local_answer(
    name: str, project: Project, graph: Graph, endpoint: str
) -> None:
    text, _ = resolve(name, project)
    bindings = BINDINGS.get(name, {})
    remote = run_query(text, endpoint=endpoint, bindings=bindings)
    assert _rows(remote, name) == _rows(run_query(text, graph, bindings=bindings), name)


def test_graph_and_ask_queries_on_an_endpoint(graph: Graph, endpoint: str) -> None:
    remote = run_query(CONSTRUCT, endpoint=endpoint)
    assert isomorphic(remote.graph, run_query(CONSTRUCT, graph).graph)  # type: ignore[arg-type]
    ask = "ASK { ckr:stat-canadian-war-dead ck:value ?value }"
    assert run_query(ask, endpoint=endpoint, bindings={"value": 516}).askAnswer is True
    assert run_query(ask, endpoint=endpoint, bindings={"value": 517}).askAnswer is False


def test_endpoint_errors_carry_the_status_and_message(endpoint: str) -> None:
    with pytest.raises(QueryError) as caught:
        run_query("ASK { ?s ?p ?o }", endpoint=endpoint.replace("/query", "/nowhere"))
    assert "answered 404" in caught.value.message
    # Oxigraph refuses what rdflib accepts: a variable both bound by BIND and already in scope.
    with pytest.raises(QueryError, match=r"answered 400 Bad Request: \S"):
        run_query("SELECT * WHERE { ?s ?p ?o . BIND(1 AS ?o) }", endpoint=endpoint)


def test_unreachable_endpoint_is_a_query_error() -> None:
    with pytest.raises(QueryError, match=r"^cannot reach the endpoint http://127.0.0.1:"):
        run_query("ASK {}", endpoint=f"http://127.0.0.1:{free_port()}/query", timeout=5)


def test_endpoint_must_be_http() -> None:
    with pytest.raises(QueryError, match="must be an http or https URL"):
        run_query("ASK {}", endpoint="file:///etc/passwd")


def test_endpoint_bindings_need_a_query_without_its_own_values(endpoint: str) -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { ckr:csp }"
    with pytest.raises(QueryError, match="ends with its own VALUES clause"):
        run_query(text, endpoint=endpoint, bindings={"p": "rdf:type"})


# --- the command line: `canada-korea query` ---------------------------------------------------


def cli(
    capsys: pytest.CaptureFixture[str], project: Project, *argv: object
) -> tuple[int, str, str]:
    code = main(["--project", str(project.root), "query", *(str(arg) for arg in argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_lists_the_named_queries(built_project: Project, capsys) -> None:
    code, out, _ = cli(capsys, built_project, "--list")
    names = [line.split()[0] for line in out.splitlines()]
    assert code == 0
    assert names == [named.name for named in named_queries(built_project)]
    assert len(names) >= 20
    assert "csp-pillars  " in out or "csp-pillars " in out


def test_cli_named_query_as_a_table(built_project: Project, capsys) -> None:
    code, out, err = cli(capsys, built_project, "csp-pillars")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "position  pillar",
        "--------  "
        + "-" * len("CSP pillar 4: climate change, the environment and sustainability"),
        "       1  CSP pillar 1: values and human rights",
        "       2  CSP pillar 2: security and defence",
        "       3  CSP pillar 3: economic prosperity and security",
        "       4  CSP pillar 4: climate change, the environment and sustainability",
        "       5  CSP pillar 5: health and culture",
        "(5 rows)",
    ]


def test_cli_query_from_a_file_as_csv(built_project: Project, tmp_path: Path, capsys) -> None:
    path = tmp_path / "dead.rq"
    path.write_text("SELECT ?v WHERE { ckr:stat-canadian-war-dead ck:value ?v }", "utf-8")
    code, out, _ = cli(capsys, built_project, "-f", path, "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out, newline=""))) == [["v"], ["516"]]


def test_cli_json_output_is_sparql_results_json(built_project: Project, capsys) -> None:
    code, out, _ = cli(capsys, built_project, "trade-balance", "--format", "json")
    document = json.loads(out)
    assert code == 0
    [row] = document["results"]["bindings"]
    assert Decimal(row["balance"]["value"]) == Decimal("-4.6")


def test_cli_output_file_is_written_whole(built_project: Project, tmp_path: Path, capsys) -> None:
    target = tmp_path / "pillars.tsv"
    code, out, _ = cli(capsys, built_project, "csp-pillars", "--format", "tsv", "--output", target)
    assert (code, out) == (0, "")
    assert target.read_text("utf-8").splitlines()[0] == "?position\t?pillar"
    assert [p.name for p in tmp_path.iterdir()] == ["pillars.tsv"]


def test_cli_bind_fixes_a_variable(built_project: Project, capsys) -> None:
    code, out, _ = cli(
        capsys,
        built_project,
        "facts-from-document",
        "--bind",
        "document=ckr:news-defence-conference",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert code == 0
    assert rows and all(row["document"].endswith("/id/news-defence-conference") for row in rows)


def test_cli_construct_as_turtle(built_project: Project, capsys) -> None:
    code, out, _ = cli(capsys, built_project, CONSTRUCT, "--format", "turtle")
    graph = Graph().parse(data=out, format="turtle")
    assert code == 0
    assert (CKR["csp"], None, None) in graph


def test_cli_ask_answers_with_its_exit_code(built_project: Project, capsys) -> None:
    assert cli(capsys, built_project, "ASK { ckr:korean-war a ck:War }")[:2] == (0, "true\n")
    assert cli(capsys, built_project, "ASK { ckr:korean-war a ck:Summit }")[:2] == (1, "false\n")


def test_cli_on_an_endpoint_gives_the_local_answer(
    built_project: Project, endpoint: str, capsys
) -> None:
    local = cli(capsys, built_project, "casualties-by-fate", "--format", "csv")
    remote = cli(
        capsys, built_project, "casualties-by-fate", "--format", "csv", "--endpoint", endpoint
    )
    assert remote == local
    assert local[0] == 0


BAD_QUERIES = {
    "service.rq": "Error: {path}: SERVICE is refused: queries do not touch the network unless"
    " you pass --allow-service",
    "insert.rq": "Error: {path}: updates are refused: the graph is read-only"
    " (INSERT, DELETE, LOAD, CLEAR, … are not run)",
    "syntax-error.rq": "Error: {path}:3:3: SPARQL syntax error: Expected SelectQuery,"
    " found 'FILTER'",
}


@pytest.mark.parametrize("name", sorted(BAD_QUERIES))
def test_cli_bad_query_exit_code_and_message(name: str, built_project: Project, capsys) -> None:
    path = CASES / "bad" / name
    code, out, err = cli(capsys, built_project, "-f", path)
    assert (code, out, err) == (2, "", BAD_QUERIES[name].format(path=path) + "\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["no-such-query"],
            "Error: unknown named query 'no-such-query'; `canada-korea query --list` shows them",
        ),
        (["-f", "missing.rq"], "Error: missing.rq: cannot read the query:"),
        (["csp-pillars", "--format", "turtle"], "Error: unknown format 'turtle' for SELECT"),
        (["csp-pillars", "--bind", "oops"], "Error: --bind takes NAME=VALUE, not 'oops'"),
        (
            [
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                "--timeout",
                "0.5",
            ],
            "Error: the query took longer than 0.5 s and was stopped",
        ),
    ],
)
def test_cli_refusals(argv: list[str], message: str, built_project: Project, capsys) -> None:
    code, out, err = cli(capsys, built_project, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert "Traceback" not in err


def test_api_query_runs_named_queries_with_bindings(built_project: Project) -> None:
    result = canada_korea.query("source-of-fact", project=built_project)
    assert {str(row.file) for row in result} == {
        "000_cb871b86bc0543f5.txt",
        "001_2f870c38f5897081.txt",
    }
    bound = canada_korea.query(
        "SELECT ?v WHERE { ?s ck:value ?v }", project=built_project, s="ckr:stat-lost-at-sea"
    )
    assert [int(row.v) for row in bound] == [5]


def test_a_query_past_its_memory_is_stopped_with_a_clear_error(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    QUERY_MODULE = importlib.import_module("canada_korea.query")
    monkeypatch.setattr(QUERY_MODULE, "QUERY_MEMORY", 64 * 2**20)
    with pytest.raises(QueryError) as caught:
        run_query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", graph, timeout=60)
    assert caught.value.message.startswith(
        "the query needed more than 64 MiB of memory and was stopped"
    )


def test_the_time_limit_covers_work_outside_the_engine() -> None:
    """Parsing and writing the answer happen in this process; the limit stops them too."""
    from canada_korea.query import time_limit

    started = time.monotonic()
    with pytest.raises(QueryError) as caught, time_limit(0.3):
        while True:
            pass
    assert time.monotonic() - started < 5
    assert caught.value.message == "the query took longer than 0.3 s and was stopped"
