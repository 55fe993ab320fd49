"""The byte formats (``serialize``): Turtle and TriG laid out for people that read back, in rdflib
and in Oxigraph, as the statements written whatever their literals hold; sorted N-Triples and
N-Quads; JSON-LD compacted by hand that reads back as the same graph; rdflib statements
converted to pyoxigraph ones, blank nodes included."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from canada_korea.memo import Computed
from canada_korea.namespaces import CK, CKR, PREFIXES, new_dataset, new_graph
from canada_korea.provenance import named_quads
from canada_korea.serialize import (
    OxigraphTerms,
    _sorted_lines,
    json_bytes,
    jsonld,
    nquads,
    ntriples,
    quad_order,
    trig,
    triple_order,
    turtle,
)

CANONICAL = dict(PREFIXES)


def _named(node: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(node))


def test_turtle_and_trig_are_laid_out_for_people() -> None:
    """The layout of the dumps and of every resource's document, in full."""
    a, b = _named(CKR.a), _named(CKR.b)
    label = _named(RDFS.label)
    triples = [
        ox.Triple(b, label, ox.Literal("b", language="en")),
        ox.Triple(a, _named(CK.partOf), b),
        ox.Triple(a, _named(RDF.type), _named(CK.Event)),
        ox.Triple(a, label, ox.Literal("tab\there,\nnew line .", language="en")),
        ox.Triple(a, label, ox.Literal("une", language="fr")),
    ]
    header = (
        "@prefix ck: <https://w3id.org/canada-korea/def/> .\n"
        "@prefix ckr: <https://w3id.org/canada-korea/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
    )
    assert turtle(sorted(triples, key=triple_order), CANONICAL).decode() == header + (
        "ckr:a a ck:Event ;\n"
        '    rdfs:label "tab\\there,\\nnew line ."@en , "une"@fr ;\n'
        "    ck:partOf ckr:b .\n"
        "\n"
        'ckr:b rdfs:label "b"@en .\n'
    )
    graphs = [_named(CKR.g2), _named(CKR.g1), ox.DefaultGraph(), _named(CKR.g1), _named(CKR.g1)]
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, g) for t, g in zip(triples, graphs, strict=True)
    ]
    assert trig(sorted(quads, key=quad_order), CANONICAL).decode() == header + (
        "ckr:a a ck:Event .\n"
        "\n"
        "ckr:g1 {\n"
        '    ckr:a rdfs:label "tab\\there,\\nnew line ."@en , "une"@fr ;\n'
        "        ck:partOf ckr:b .\n"
        "}\n"
        "\n"
        "ckr:g2 {\n"
        '    ckr:b rdfs:label "b"@en .\n'
        "}\n"
    )


def test_turtle_declares_prefixes_in_the_order_given() -> None:
    """A server rebased on another address passes its own prefixes: their order is kept."""
    triple = ox.Triple(_named(CKR.a), _named(RDFS.label), ox.Literal("x", datatype=_named(CK.t)))
    prefixes = {"rdfs": str(RDFS), "ck": str(CK), "ckr": str(CKR), "unused": "urn:x:"}
    lines = turtle([triple], prefixes).decode().splitlines()
    assert [line.split()[1] for line in lines[:3]] == ["rdfs:", "ck:", "ckr:"]
    assert lines[3:] == ["", 'ckr:a rdfs:label "x"^^ck:t .']


# --- any literal ------------------------------------------------------------------------------

TEXT = st.text(
    st.one_of(
        st.characters(blacklist_categories=["Cs"]),  # any code point UTF-8 can encode
        st.sampled_from(list("\"\\'\n\r\t\x00\x7f\u2028{}<>.,;:#@^_ ")),
    ),
    max_size=20,
)
NUMERAL = st.from_regex(r"[+-]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)
LANGUAGE = st.one_of(
    st.sampled_from(["en", "fr", "ko", "en-GB", "EN-us", "zh-Hant-TW", "de-CH-1996"]),
    st.from_regex(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?", fullmatch=True),
)
DATATYPES = [
    XSD.string, XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.date, XSD.gYear, CK.code,
]  # fmt: skip
LITERALS = st.one_of(
    st.builds(Literal, TEXT),
    st.builds(lambda text, language: Literal(text, lang=language), TEXT, LANGUAGE),
    st.builds(
        lambda text, datatype: Literal(text, datatype=datatype),
        st.one_of(TEXT, NUMERAL, st.sampled_from(["true", "false", "INF", "NaN", "-0"])),
        st.sampled_from(DATATYPES),
    ),
)
STATEMENTS = st.lists(
    st.tuples(
        st.sampled_from([CKR.a, CKR.b, URIRef("http://example.org/x.y")]),
        st.sampled_from([RDFS.label, CK.value, RDF.type]),
        LITERALS,
        st.sampled_from([None, CKR.g1, CKR.g2]),
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")
@settings(max_examples=300, deadline=None)
@given(statements=STATEMENTS)
def test_any_literal_reads_back_from_turtle_and_trig(
    statements: list[tuple[URIRef, URIRef, Literal, URIRef | None]],
) -> None:
    """Quotes, backslashes, line breaks, tabs and control characters, language tags in any case,
    any lexical form of any datatype: what the dumps write is what they were given, read by
    Oxigraph term for term and by rdflib as the same graph; and no tab remains, since Oxigraph
    escapes those of literals and the layout replaces those of indentation."""
    graph, dataset = new_graph(), new_dataset()
    for s, p, o, name in statements:
        graph.add((s, p, o))
        (dataset.graph(name) if name else dataset.default_graph).add((s, p, o))
    terms = OxigraphTerms()
    triples, quads = terms.triples(graph), terms.quads(dataset)
    written = turtle(sorted(triples, key=triple_order), CANONICAL)
    assert {q.triple for q in ox.parse(written, format=ox.RdfFormat.TURTLE)} == set(triples)
    assert _rdf11(Graph().parse(data=written, format="turtle")) == _rdf11(graph)
    written_trig = trig(sorted(quads, key=quad_order), CANONICAL)
    assert set(ox.parse(written_trig, format=ox.RdfFormat.TRIG)) == set(quads)
    parsed = Dataset()
    parsed.parse(data=written_trig, format="trig")
    assert _rdf11_quads(parsed) == _rdf11_quads(dataset)
    assert b"\t" not in written and b"\t" not in written_trig


def _rdf11(graph: Graph) -> set[tuple[Node, ...]]:
    """The triples with ``"x"^^xsd:string`` written ``"x"``: one term in RDF 1.1, written the
    short way by Oxigraph, two to rdflib."""
    return {(s, p, _plain(o)) for s, p, o in graph}


def _rdf11_quads(dataset: Dataset) -> set[tuple[Node, ...]]:
    return {
        (s, p, _plain(o), None if g in (None, dataset.default_graph.identifier) else g)
        for s, p, o, g in dataset.quads()
    }


def _plain(term: Node) -> Node:
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


# --- the line formats -------------------------------------------------------------------------


def test_ntriples_and_nquads_have_sorted_lines() -> None:
    a, b = _named(CKR.a), _named(CKR.b)
    triples = [
        ox.Triple(b, _named(RDFS.label), ox.Literal("b\nline")),
        ox.Triple(a, _named(RDFS.label), ox.Literal("a")),
    ]
    lines = ntriples(triples).decode().split("\n")
    assert lines == [*sorted(lines[:-1]), ""] and lines[1].endswith('"b\\nline" .')
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, g) for t, g in zip(triples, [a, b], strict=True)
    ]
    lines = nquads([*quads, ox.Quad(b, _named(RDFS.label), ox.Literal("c"))]).decode().split("\n")
    assert len(lines) == 4 and lines == [*sorted(lines[:-1]), ""]
    assert ntriples([]) == nquads([]) == b""


_WORD = st.text(alphabet="ab\t .\\é<>_:", max_size=6)
_STATEMENT = st.builds(
    lambda subject, value, graph: f'<{subject}> <p> "{value}" {graph}.',
    st.sampled_from(["a", "a/b", "b"]),
    _WORD,
    st.sampled_from(["", "<g> ", "<g\t> "]),
)


@given(st.lists(_STATEMENT, max_size=12))
def test_lines_are_sorted_as_with_their_line_breaks(statements: list[str]) -> None:
    """Statements, which each end in `` .`` (tabs, spaces and dots in their literals, a graph
    or none), sort the same without their line breaks as with them (how they were once
    sorted), duplicates kept."""
    text = "".join(f"{line}\n" for line in statements).encode()
    expected = b"".join(sorted(line + b"\n" for line in text.split(b"\n") if line))
    assert _sorted_lines(text) == expected


_IRIS = st.sampled_from(["http://x/a", "http://x/a/b", "http://x/ab", "http://x/a#"])
_OX_TERMS = st.one_of(
    _IRIS.map(ox.NamedNode),
    st.sampled_from(["b", "b1", "c"]).map(ox.BlankNode),
    st.text(alphabet='a\x00\x01 é\n"', max_size=4).map(ox.Literal),
)
_QUADS = st.lists(
    st.builds(
        ox.Quad,
        st.one_of(_IRIS.map(ox.NamedNode), st.sampled_from(["b", "b1"]).map(ox.BlankNode)),
        st.one_of(_IRIS, st.just(str(RDF.type))).map(ox.NamedNode),
        _OX_TERMS,
        st.one_of(st.just(ox.DefaultGraph()), _IRIS.map(ox.NamedNode)),
    ),
    max_size=12,
)


@given(_QUADS)
def test_the_dumps_order_is_the_order_of_its_parts(quads: list[ox.Quad]) -> None:
    """:func:`quad_order` is one string, that sorts as the tuple of the graph, the subject, the
    predicate (``rdf:type`` first) and the object would: with IRIs that begin others, blank
    nodes, and literals holding NUL and line breaks."""

    def parts(quad: ox.Quad) -> tuple[str, ...]:
        graph, predicate = quad.graph_name, quad.predicate
        return (
            "" if isinstance(graph, ox.DefaultGraph) else graph.value,
            quad.subject.value,
            "" if predicate.value == str(RDF.type) else predicate.value,
            str(quad.object),
        )

    assert sorted(quads, key=quad_order) == sorted(quads, key=parts)
    assert sorted(quads, key=triple_order) == sorted(quads, key=lambda q: parts(q)[1:])


# --- JSON-LD ----------------------------------------------------------------------------------


def test_jsonld_reads_back_as_the_same_graph() -> None:
    """Only what a JSON number or boolean gives back exactly is written as one (rdflib has
    already made most lexical forms canonical, Oxigraph keeps them: ``-0`` stays ``-0``);
    ``rdf:type`` of a literal is not ``@type``; blank nodes keep their labels."""
    x = CKR.x
    graph = new_graph()
    for value in (
        Literal(5),
        Literal("-0", datatype=XSD.integer),
        Literal(10**15 - 1),
        Literal(10**16),
        Literal(True),
        Literal("1", datatype=XSD.boolean),
        Literal(1.5),
        Literal("2.50", datatype=XSD.decimal),
        Literal("x", lang="en"),
        Literal("plain"),
        URIRef("http://example.org/a"),
        URIRef(str(CKR) + "//odd"),
        BNode("b1"),
    ):
        graph.add((x, CK.value, value))
    graph.add((x, RDF.type, CK.Event))
    graph.add((x, RDF.type, Literal("not a class")))
    graph.add((x, RDF.type, BNode("b2")))
    graph.add((BNode("b1"), RDFS.label, Literal("blank")))
    integer = _named(XSD.integer)
    kept = [ox.Literal(lexical, datatype=integer) for lexical in ("-0", "007", "+1")]
    triples = OxigraphTerms().triples(graph)
    triples += [ox.Triple(_named(x), _named(CK.value), literal) for literal in kept]
    for literal in kept:  # rdflib makes them canonical as it reads them, on both sides
        graph.add((x, CK.value, Literal(literal.value, datatype=XSD.integer)))
    written = jsonld(triples, CANONICAL)
    document = json.loads(written)
    assert document["@context"] == CANONICAL
    node = next(node for node in document["@graph"] if node["@id"] == "ckr:x")
    assert node["@type"] == ["_:b2", "ck:Event"] and node["rdf:type"] == "not a class"
    assert {5, 10**15 - 1, True} <= {v for v in node["ck:value"] if not isinstance(v, dict)}
    assert {"@id": "https://w3id.org/canada-korea/id///odd"} in node["ck:value"]
    assert set(ox.parse(written, format=ox.RdfFormat.JSON_LD)) == {
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples
    }
    assert isomorphic(Graph().parse(data=written, format="json-ld"), graph)


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=200), st.integers(1, 16))
def test_a_computed_dict_answers_as_its_function_and_holds_at_most_its_bound(
    keys: list[int], size: int
) -> None:
    """:class:`Computed`, the compactor's memory: each key is answered as the function answers
    it, computed once while it is held, and never more than ``size`` answers are held (the
    server compacts IRIs its clients send, as many as they like)."""
    calls: list[int] = []

    def square(key: int) -> int:
        calls.append(key)
        return key * key

    computed = Computed(square, size)
    for key in keys:
        held, before = key in computed, len(calls)
        assert computed[key] == key * key
        assert len(computed) <= size
        assert calls[before:] == ([] if held else [key])  # computed again only once forgotten


# --- from rdflib ------------------------------------------------------------------------------


def test_rdflib_statements_convert_with_their_blank_nodes() -> None:
    """A blank node whose rdflib label Turtle cannot write gets a new one, the same wherever the
    node occurs; the default graph of a dataset is Oxigraph's."""
    dataset = new_dataset()
    odd = BNode("not a label")
    dataset.default_graph.add((CKR.a, CK.value, odd))
    dataset.graph(CKR.g).add((odd, RDFS.label, Literal("odd")))
    dataset.graph(CKR.g).add((BNode("b1"), RDFS.label, Literal("b1")))
    quads = OxigraphTerms().quads(named_quads(dataset))
    by_label = {q.object.value: q.subject for q in quads if q.predicate == _named(RDFS.label)}
    assert by_label["b1"] == ox.BlankNode("b1")
    (first,) = [q for q in quads if q.graph_name == ox.DefaultGraph()]
    assert first.object == by_label["odd"] and isinstance(first.object, ox.BlankNode)
    written = trig(sorted(quads, key=quad_order), CANONICAL)
    assert set(ox.parse(written, format=ox.RdfFormat.TRIG)) == set(quads)


# --- JSON -------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.text(st.characters(codec="utf-8")),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(document=JSON_VALUES)
def test_json_is_written_as_the_standard_library_writes_it(document: object) -> None:
    """orjson stands in for the standard library's slow indenting encoder: the same bytes for
    every value the documents can hold (keys and strings with any character, quotes, control
    characters and Hangul included; nesting; empty lists and objects; integers)."""
    expected = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert json_bytes(document) == expected.encode("utf-8")
