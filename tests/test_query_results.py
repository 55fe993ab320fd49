"""Reading an engine's answer and laying it out: the compact SPARQL JSON reader gives exactly
what rdflib's parser gives, and the table's caches (prefixed IRIs, measured widths) change
nothing it prints. Large answers are what these shortcuts are for; small ones show they are
exact."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier

from canada_korea.namespaces import CK, CKR, new_graph
from canada_korea.query import (
    Prefixed,
    _compact,
    _decode_compact,
    _decode_solutions,
    _width,
    run_query,
    serialize_result,
)

EXAMPLE = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def _exactly(result: Result) -> object:
    """Everything a result holds, term by term: the kind of term, its text, datatype and
    language (rdflib's ``==`` alone would let a URIRef equal a str)."""
    if result.type == "ASK":
        return ("ASK", result.askAnswer)

    def term(value: Identifier) -> tuple[object, ...]:
        datatype, language = getattr(value, "datatype", None), getattr(value, "language", None)
        return (type(value), str(value), datatype, language)

    rows = [[(str(var), term(value)) for var, value in row.items()] for row in result.bindings]
    return (result.type, [(type(var), str(var)) for var in result.vars or []], rows)


def _rdflib(payload: bytes) -> Result:
    return Result.parse(io.BytesIO(payload), format="json")


def _answer(names: list[str], bindings: list[dict[str, dict[str, str]]]) -> bytes:
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode()


def test_every_kind_of_term_reads_as_rdflibs_parser_reads_it() -> None:
    integer, decimal = XSD + "integer", XSD + "decimal"
    first = {
        "iri": {"type": "uri", "value": str(CKR["korean-war"])},
        "label": {"type": "literal", "value": "Korean War", "xml:lang": "en"},
        "korean": {"type": "literal", "value": "한국 전쟁", "xml:lang": "ko"},
        "number": {"type": "literal", "value": "0516", "datatype": integer},
        "amount": {"type": "literal", "value": "1.50", "datatype": decimal},
        "odd": {"type": "literal", "value": "x", "datatype": EXAMPLE + "datatype"},
        "legacy": {"type": "typed-literal", "value": "7", "datatype": integer},
        "node": {"type": "bnode", "value": "b0"},
        "plain": {"type": "literal", "value": 'tab\there "quoted"\nnew line'},
    }
    # The same lexical form as every kind of term, and the first row's terms again: distinct
    # terms stay distinct, and a term met twice reads the same.
    second = {
        "iri": {"type": "uri", "value": "1"},
        "label": {"type": "literal", "value": "1", "xml:lang": "en"},
        "number": {"type": "literal", "value": "1", "datatype": integer},
        "node": {"type": "bnode", "value": "1"},
        "plain": {"type": "literal", "value": "1"},
    }
    payload = _answer([*first, "unbound"], [first, second, first])
    ours, theirs = _decode_solutions(payload), _rdflib(payload)
    assert _exactly(ours) == _exactly(theirs)
    assert ours == theirs
    assert Variable("unbound") in (ours.vars or [])
    assert all(Variable("unbound") not in row for row in ours.bindings)
    assert ours.bindings[1][Variable("node")] == BNode("1")


@pytest.mark.parametrize("answer", [True, False])
def test_ask_reads_as_rdflibs_parser_reads_it(answer: bool) -> None:
    payload = json.dumps({"head": {}, "boolean": answer}).encode()
    ours = _decode_solutions(payload)
    assert _exactly(ours) == _exactly(_rdflib(payload))
    assert ours.askAnswer is answer and bool(ours) is answer


def test_an_empty_answer_keeps_its_variables() -> None:
    payload = _answer(["a", "b"], [])
    assert _exactly(_decode_solutions(payload)) == _exactly(_rdflib(payload))


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"head": {"vars": []}}',
        b"[]",
        b'{"results": {"bindings": []}}',
        b'{"head": {"vars": ["x"]}, "results": {"bindings": [1]}}',
        b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "x", "value": ""}}]}}',
    ],
)
def test_what_is_not_sparql_json_is_an_error_the_endpoint_path_reports(payload: bytes) -> None:
    # _run_on_endpoint turns exactly these into "the endpoint did not answer in …".
    with pytest.raises((ValueError, KeyError, TypeError)):
        _decode_solutions(payload)


_LEXICAL = st.text(alphabet='a1 .-김\n"\\', max_size=3)
_TERM = st.one_of(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["uri", "bnode", "literal"]), "value": _LEXICAL}
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("literal"),
            "value": _LEXICAL,
            "xml:lang": st.sampled_from(["en", "ko", "en-CA"]),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["literal", "typed-literal"]),
            "value": _LEXICAL,
            "datatype": st.sampled_from([XSD + "integer", XSD + "string", EXAMPLE + "t"]),
        }
    ),
)


@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), _TERM), max_size=12))
@settings(max_examples=150, deadline=None)
def test_any_answer_reads_as_rdflibs_parser_reads_it(rows: list[dict[str, dict[str, str]]]) -> None:
    payload = _answer(["a", "b", "c"], rows)
    assert _exactly(_decode_solutions(payload)) == _exactly(_rdflib(payload))
    # As the build keeps it: each distinct term once, rows of their numbers (each row's
    # variables then in the answer's order, as Oxigraph writes them).
    kept, expected = _exactly(_decode_compact(_compact(payload))), _exactly(_rdflib(payload))
    assert kept[:2] == expected[:2]  # type: ignore[index]
    assert [sorted(row) for row in kept[2]] == [sorted(row) for row in expected[2]]  # type: ignore[index]
    # Written from the kept numbers, or from any answer's rows numbered, as rdflib writes them
    # (TSV is the project's own writer, from the rows rdflib reads).
    for fmt in ("csv", "json"):
        theirs = _decode_compact(_compact(payload)).serialize(format=fmt, encoding="utf-8")
        assert serialize_result(_decode_compact(_compact(payload)), fmt) == theirs
    theirs = _rdflib(payload).serialize(format="csv", encoding="utf-8")
    assert serialize_result(_rdflib(payload), "csv") == theirs
    tsv = serialize_result(_rdflib(payload), "tsv")
    assert serialize_result(_decode_compact(_compact(payload)), "tsv") == tsv


def test_a_kept_answer_is_written_without_reading_its_rows_as_dicts() -> None:
    """A table, TSV, CSV and JSON of a kept answer come from its numbers: rdflib's dict per
    row (here a generator that fails if read) is never made, which is what keeps a large
    answer fast; the text is still the answer's."""
    rows = [{"a": {"type": "uri", "value": EXAMPLE + "s"}, "b": {"type": "literal", "value": "1"}}]
    payload = _answer(["a", "b"], rows)

    def never() -> Iterator[dict[Variable, Identifier]]:
        raise AssertionError("the rows were read as dicts")
        yield {}

    for fmt in ("table", "tsv", "csv", "json"):
        kept = _decode_compact(_compact(payload))
        kept.bindings = never()
        assert serialize_result(kept, fmt) == serialize_result(_rdflib(payload), fmt), fmt


TERMS_GRAPH = f"""
<{EXAMPLE}s> <{EXAMPLE}p> "plain", "en"@en, "한국"@ko, 42, 1.5, "x"^^<{EXAMPLE}t>, _:b,
    <{EXAMPLE}o> .
<{EXAMPLE}s2> <{EXAMPLE}p> "en"@en .
"""
TERMS_QUERY = f"""
SELECT ?s ?o ?missing WHERE {{ ?s <{EXAMPLE}p> ?o OPTIONAL {{ ?s <{EXAMPLE}q> ?missing }} }}
ORDER BY ?s STR(?o)
"""


def test_both_engines_answer_as_their_own_serialisation_parsed_by_rdflib(tmp_path: Path) -> None:
    graph = new_graph()
    graph.parse(data=TERMS_GRAPH, format="turtle")
    expected = _rdflib(graph.query(TERMS_QUERY).serialize(format="json") or b"")
    assert _exactly(run_query(TERMS_QUERY, graph)) == _exactly(expected)

    store = ox.Store(str(tmp_path / "index"))
    store.load(TERMS_GRAPH.encode(), format=ox.RdfFormat.TURTLE)
    expected = _rdflib(store.query(TERMS_QUERY).serialize(format=ox.QueryResultsFormat.JSON))
    store.flush()
    del store
    assert _exactly(run_query(TERMS_QUERY, index=tmp_path / "index")) == _exactly(expected)


def _select(names: list[str], rows: list[list[Identifier | None]]) -> Result:
    result = Result("SELECT")
    result.vars = [Variable(name) for name in names]
    result.bindings = [
        {Variable(name): term for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    return result


def test_hangul_takes_two_cells_and_columns_stay_aligned() -> None:
    answer = _select(
        ["person", "name", "n"],
        [
            [CKR["kim-jong-un"], Literal("김정은", lang="ko"), Literal(3)],
            [CKR["x"], Literal("Kim"), Literal(10)],
            [None, Literal("김 Kim"), None],
        ],
    )
    assert serialize_result(answer, "table").decode() == (
        "person           name     n\n"
        "---------------  ------  --\n"
        "ckr:kim-jong-un  김정은   3\n"
        "ckr:x            Kim     10\n"
        "                 김 Kim\n"
        "(3 rows)\n"
    )


@given(st.text(max_size=20))
def test_width_counts_wide_characters_twice(text: str) -> None:
    expected = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    measured: dict[str, int] = {}
    assert _width(text, measured) == expected
    assert _width(text, measured) == expected


# IRIs rdflib prefixes, and ones it writes whole: no prefix for the namespace, a local name
# that starts with a digit (rdflib splits after it), a namespace below a bound one.
_IRIS = [
    CKR["korean-war"],
    CKR["fact-1"],
    CK.Event,
    RDFS_LABEL,
    URIRef(CKR + "1950-war"),
    URIRef(CKR + "sub/x"),
    URIRef(EXAMPLE + "x#y"),
    URIRef(EXAMPLE + "123"),
    URIRef("urn:x:y"),
]


@given(st.lists(st.lists(st.sampled_from(_IRIS), min_size=2, max_size=2), max_size=15))
@settings(max_examples=60, deadline=None)
def test_table_cells_are_what_rdflib_prefixes_each_time(rows: list[list[URIRef]]) -> None:
    """Each distinct IRI is prefixed once per table; the cells are still, row by row, what
    ``n3`` gives with a fresh manager asked about every cell in turn."""
    manager = new_graph().namespace_manager
    expected = [[iri.n3(manager) for iri in row] for row in rows]
    lines = serialize_result(_select(["a", "b"], list(rows)), "table").decode().splitlines()
    assert [line.split() for line in lines[2:-1]] == expected


# Namespaces bound and not, one that a name could extend (…/ab), the XML namespace (split its
# own way), and local names of every kind of character split_uri tells apart.
_NAMESPACES = [
    str(CKR),
    str(CK),
    EXAMPLE,
    EXAMPLE + "ab",
    EXAMPLE + "a/",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/XML/1998/namespace",
    "urn:x:",
    "",
]
_LOCAL_NAME = st.text(alphabet="aZ09_-.%()/#:·김\u0301<", max_size=8)


def _manager() -> NamespaceManager:
    manager = new_graph().namespace_manager
    manager.bind("ex", EXAMPLE)
    manager.bind("ab", EXAMPLE + "ab")
    return manager


def _written(write: Callable[[URIRef], str], iri: URIRef) -> object:
    try:
        return write(iri)
    except Exception as error:  # rdflib refuses an IRI it cannot write with a bare Exception
        return type(error)


@given(st.lists(st.tuples(st.sampled_from(_NAMESPACES), _LOCAL_NAME), max_size=10))
@settings(max_examples=400, deadline=None)
def test_prefixed_iris_are_what_rdflib_writes(parts: list[tuple[str, str]]) -> None:
    """IRIs in turn, each side with a manager of its own: the same text, or the same refusal."""
    theirs, ours = _manager(), Prefixed(_manager())
    for namespace, local in parts:
        iri = URIRef(namespace + local)
        assert _written(ours, iri) == _written(lambda i: i.n3(theirs), iri)
