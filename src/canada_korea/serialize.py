"""The byte formats of the dumps and of every RDF document: N-Triples and N-Quads with sorted
lines, Turtle and TriG laid out for people, compacted JSON-LD with sorted keys and values.

Everything is written from pyoxigraph terms: Oxigraph's writers and the few lines of Python
around them take a fraction of the time of rdflib's (at 10x, the TriG dump 0.6 s where rdflib
took 4.7 s), so the build converts its rdflib graph and dataset once (:class:`OxigraphTerms`)
and writes every dump from them, and the site and the server write each resource's documents
with the same functions. Output is deterministic: statements, lines and graphs are sorted, JSON
keys and values are sorted, prefixes are the canonical ones in their fixed order, and blank
nodes keep their labels (the sources have none; a query's answer may).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import orjson
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .load import NamedQuad, collection_paused
from .memo import Computed
from .namespaces import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal
TYPE = ox.NamedNode(str(RDF.type))
_DEFAULT_GRAPH = ox.DefaultGraph()
_XSD_STRING = str(XSD.string)
_XSD_BOOLEAN = str(XSD.boolean)
_XSD_INTEGER = str(XSD.integer)
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,14}")
"""An ``xsd:integer`` JSON-LD may write as a JSON number and read back as the same literal: in
canonical form (``-0`` or ``007`` would come back as ``0`` and ``7``) and of at most 15 digits,
below 2^53, which every JSON reader holds exactly."""


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context of the dumps: the canonical prefixes, nothing remote."""
    return {"@context": dict(PREFIXES)}


def json_bytes(document: object) -> bytes:
    """JSON with sorted keys, indented by two spaces, in UTF-8 rather than ``\\u`` escapes.

    orjson writes the bytes the standard library writes with these options (``indent=2,
    sort_keys=True, ensure_ascii=False``) some twenty times faster: the standard library's
    indenting encoder is pure Python, and was most of the time of every resource's JSON-LD.
    The documents hold no floats and no integer beyond 64 bits (see ``_CANONICAL_INTEGER``),
    the two values orjson writes differently or refuses."""
    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(document, option=options)


# --- from rdflib ------------------------------------------------------------------------------


class OxigraphTerms:
    """rdflib statements as pyoxigraph ones, for one graph and its dataset.

    A term is converted wherever it occurs: pyoxigraph builds one in about the time a dict
    finds an rdflib term (whose hash is Python code), and each statement copies its terms
    anyway, so a cache of converted terms measured slower (0.40 s against 0.34 s for the 10x
    union graph, of which 0.12 s is rdflib's iteration). Only blank nodes are remembered: one
    whose label Turtle cannot write (rdflib takes any string) is given a new label, the same
    wherever it occurs, in the graph and the dataset alike. The garbage collector is paused
    while a graph is converted, as while it is built: each statement allocates, and with the
    build's graphs alive every collection walks them (a third of the conversion at 10x).
    """

    def __init__(self) -> None:
        self._blank_nodes: dict[BNode, ox.BlankNode] = {}

    @collection_paused()
    def triples(self, graph: Graph) -> list[ox.Triple]:
        """Every triple of ``graph``, in no particular order."""
        term = self.term
        return [ox.Triple(term(s), term(p), term(o)) for s, p, o in graph]

    @collection_paused()
    def quads(self, statements: Iterable[NamedQuad]) -> list[ox.Quad]:
        """``statements`` (see ``load.NamedQuad``) as quads, in the same order."""
        term = self.term
        return [
            ox.Quad(term(s), term(p), term(o), _DEFAULT_GRAPH if name is None else term(name))
            for s, p, o, name in statements
        ]

    def term(self, node: Node) -> Term:
        """``node`` as a pyoxigraph term."""
        if isinstance(node, URIRef):
            return ox.NamedNode(node)
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(node, language=node.language)
            if node.datatype is not None:
                return ox.Literal(node, datatype=ox.NamedNode(node.datatype))
            return ox.Literal(node)
        if isinstance(node, BNode):
            converted = self._blank_nodes.get(node)
            if converted is None:
                converted = self._blank_nodes[node] = _blank_node(node)
            return converted
        raise TypeError(f"{type(node).__name__} {node!r} is not an RDF term")


def _blank_node(node: BNode) -> ox.BlankNode:
    try:
        return ox.BlankNode(node)
    except ValueError:
        return ox.BlankNode()


# --- order ------------------------------------------------------------------------------------


def triple_order(triple: ox.Triple | ox.Quad) -> str:
    """The order of the Turtle and TriG dumps: by subject, then by predicate with ``rdf:type``
    first (what a reader wants to know first), then by object in its N-Triples form.

    One string, the parts joined by NUL, sorts as the tuple of the parts would (an IRI or a
    blank node's label holds no NUL, and NUL sorts first), and compares in C: at 100x the
    Turtle dump's 545,000 triples sort in 1.7 s instead of 2.4 s."""
    predicate = "" if triple.predicate == TYPE else triple.predicate.value
    return f"{triple.subject.value}\0{predicate}\0{triple.object}"


def quad_order(quad: ox.Quad) -> str:
    """The default graph first, then the named graphs in IRI order, each in
    :func:`triple_order`."""
    graph = quad.graph_name
    name = "" if isinstance(graph, ox.DefaultGraph) else graph.value
    return f"{name}\0{triple_order(quad)}"


# --- writers ----------------------------------------------------------------------------------


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples with sorted lines: the canonical, diff-friendly form."""
    return _sorted_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads with sorted lines (a default-graph statement has no fourth term)."""
    return _sorted_lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


def _sorted_lines(text: bytes) -> bytes:
    """Lines sorted as bytes, which is code point order since UTF-8 keeps it; a line is a
    statement, as both formats escape line breaks inside literals.

    Sorted without their line breaks, which orders them the same: each ends in `` .``, which
    ends no statement but the whole line, so no line begins another. The text is let go once
    split, and no line is copied: at 100x the N-Quads dump (112 MB) took 410 MB to write."""
    lines = text.split(b"\n")
    del text
    lines.sort()
    del lines[: lines.count(b"")]  # sorted first
    if lines:
        lines.append(b"")  # the last line's break
    return b"\n".join(lines)


def turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle grouped by subject in the order given (sort them by :func:`triple_order` for a
    dump), declaring only the prefixes it uses, laid out by :func:`readable`."""
    used = used_prefixes(triples, prefixes)
    return readable(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used), used)


def trig(quads: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """TriG grouped by graph then subject in the order given (sort them by :func:`quad_order`
    for a dump), declaring only the prefixes it uses, laid out by :func:`readable`."""
    used = used_prefixes(quads, prefixes)
    return readable(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used), used)


def readable(text: bytes, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's Turtle or TriG laid out like the project's own files: the prefixes in the order
    of ``prefixes`` (Oxigraph's order is unspecified), then a blank line, a blank line between
    subjects and between graphs, and four spaces for each tab of indentation.

    Oxigraph writes each literal on one line with its tabs and line breaks escaped (``\\t``,
    ``\\n``, ``\\r``), so every line of its output starts a subject, a predicate or a graph:
    leading tabs are all its indentation, and a line ending ``" ."`` or ``"}"`` ends a subject's
    statements or a graph.
    """
    lines = text.split(b"\n")
    del text
    count = next(
        (i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines)
    )
    order = {f"@prefix {prefix}:".encode(): index for index, prefix in enumerate(prefixes)}
    header = sorted(lines[:count], key=lambda line: order.get(line.split(b" <", 1)[0], len(order)))
    out = [*header, b""] if header else []
    ended = False
    for line in lines[count:]:
        if not line:
            continue
        if ended and line != b"}":
            out.append(b"")
        depth = len(line) - len(line.lstrip(b"\t"))
        out.append(b"    " * depth + line[depth:] if depth else line)
        ended = line.endswith(b" .") or line == b"}"
    if out:
        out.append(b"")  # the last line's break
    return b"\n".join(out)


def jsonld(triples: Iterable[ox.Triple | ox.Quad], prefixes: dict[str, str]) -> bytes:
    """Compacted JSON-LD with ``prefixes`` as its inline context: one node per subject sorted by
    ``@id``, keys and values sorted, single values unwrapped, plain strings, canonical integers
    and booleans as JSON values, IRIs compacted with the prefixes."""
    compact = _compactor(prefixes)
    nodes: dict[str, dict[str, list[object]]] = {}
    # Plain dicts, where nested defaultdicts called a lambda per node and a Python function per
    # key; with the compactor's dict (see _compactor_of), a resource's document at 100x takes
    # 61-68 µs instead of 78-82 µs, the JSON-LD dump 3.0 s instead of 3.2 s.
    for triple in triples:  # or quads, whose graph is left out (the server's descriptions)
        predicate, term = triple.predicate, triple.object
        node_id = _node_id(triple.subject, compact)
        node = nodes.get(node_id)
        if node is None:
            node = nodes[node_id] = {}
        if predicate == TYPE and not isinstance(term, ox.Literal):
            key, value = "@type", _node_id(term, compact)
        else:
            key, value = compact(predicate.value), _jsonld_value(term, compact)
        values = node.get(key)
        if values is None:
            node[key] = [value]
        else:
            values.append(value)
    graph = []
    for subject in sorted(nodes):
        entry: dict[str, object] = {"@id": subject}
        for key, values in nodes[subject].items():
            if len(values) == 1:
                entry[key] = values[0]
                continue
            # Sorted by their JSON, written by orjson: compact, it sorts as the standard
            # library's spaced JSON would (the values differ inside a string first), 30 times
            # faster.
            unique = sorted(
                {orjson.dumps(v, option=orjson.OPT_SORT_KEYS): v for v in values}.items()
            )
            entry[key] = unique[0][1] if len(unique) == 1 else [v for _k, v in unique]
        graph.append(entry)
    return json_bytes({"@context": dict(prefixes), "@graph": graph})


def _node_id(term: ox.NamedNode | ox.BlankNode, compact: Callable[[str], str]) -> str:
    """A node's ``@id``: a compacted IRI, or ``_:name`` for a blank node (a SPARQL answer or
    the service description may hold them)."""
    return compact(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _jsonld_value(term: Term, compact: Callable[[str], str]) -> object:
    if not isinstance(term, ox.Literal):
        return {"@id": _node_id(term, compact)}
    if term.language:
        return {"@language": term.language, "@value": term.value}
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return term.value
    if datatype == _XSD_BOOLEAN and term.value in ("true", "false"):
        return term.value == "true"
    if datatype == _XSD_INTEGER and _CANONICAL_INTEGER.fullmatch(term.value):
        return int(term.value)
    return {"@type": compact(datatype), "@value": term.value}


def _compactor(prefixes: dict[str, str]) -> Callable[[str], str]:
    """IRI → compact IRI with the longest namespace that applies, or the IRI itself: never a
    suffix starting ``//``, which would read as the IRI ``prefix://…``. One compactor per set
    of prefixes, which compacts each IRI once: a site's documents name the same IRIs in
    document after document."""
    return _compactor_of(tuple(prefixes.items()))


@lru_cache(maxsize=8)
def _compactor_of(prefixes: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    longest_first = sorted(prefixes, key=lambda item: -len(item[1]))

    def compacted_anew(iri: str) -> str:
        return next(
            (
                f"{prefix}:{iri[len(namespace) :]}"
                for prefix, namespace in longest_first
                if iri.startswith(namespace) and not iri[len(namespace) :].startswith("//")
            ),
            iri,
        )

    return Computed(compacted_anew).__getitem__


def used_prefixes(
    statements: Iterable[ox.Triple | ox.Quad], prefixes: dict[str, str]
) -> dict[str, str]:
    """The prefixes whose namespace holds an IRI of ``statements`` (a subject, predicate,
    object, datatype or graph name), in the order of ``prefixes``."""
    iris = set()
    for statement in statements:
        iris.add(statement.subject.value)
        if statement.predicate != TYPE:  # written `a`
            iris.add(statement.predicate.value)
        term = statement.object
        if not isinstance(term, ox.Literal):
            iris.add(term.value)
        elif not term.language and term.datatype.value != _XSD_STRING:
            iris.add(term.datatype.value)
        if isinstance(statement, ox.Quad) and isinstance(statement.graph_name, ox.NamedNode):
            iris.add(statement.graph_name.value)
    # Each namespace is looked for once among all the IRIs, each after a line break (which no
    # IRI holds): in C, where testing every IRI against every namespace in Python was a third
    # of writing a resource's documents.
    written = "\n" + "\n".join(iris) if iris else ""
    return {
        prefix: namespace for prefix, namespace in prefixes.items() if f"\n{namespace}" in written
    }
