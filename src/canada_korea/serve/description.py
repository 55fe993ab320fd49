"""One resource's description and its RDF documents (Turtle, JSON-LD, N-Triples, RDF/XML,
N-Quads, TriG).

A description is what a Linked Data client needs to show a resource without a second request:
the resource's own triples, the labels of every resource it links to or is linked from, and
the triples that point to it. The documents are written from pyoxigraph terms directly: at
~0.1 ms a document the static site's ~1,700 files cost a fraction of a second, where rdflib's
serialisers take 3–6 ms each. Output is deterministic: triples are sorted, prefixes are the
canonical ones in their fixed order, JSON-LD keys and values are sorted.

:func:`document` writes any list of triples in any of :data:`RDF_MEDIA_TYPES`: the server uses it
for resources, terms, the lists of them, SPARQL ``CONSTRUCT`` and ``DESCRIBE`` answers and its
service description alike, so every RDF answer comes in the same six formats.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import CanadaKoreaError
from .publication import LABEL, TYPE, XSD, Publication, node

RDF_MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "nq": "application/n-quads",
    "trig": "application/trig",
}
"""The RDF formats of every document, by file extension, in the server's order of preference
(the first is the answer to ``Accept: */*`` among them)."""

RDF_ALIASES = {
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
}
"""Other names clients ask for these formats by: rdflib asks for N-Triples as ``text/plain``,
SPARQLWrapper for Turtle as ``application/turtle``."""

CONTENT_TYPES = {
    "text/turtle": "text/turtle; charset=utf-8",
    "application/ld+json": "application/ld+json",
    "application/n-triples": "application/n-triples; charset=utf-8",
    "application/rdf+xml": "application/rdf+xml",
    "application/n-quads": "application/n-quads; charset=utf-8",
    "application/trig": "application/trig; charset=utf-8",
}
"""The ``Content-Type`` of each format: the text formats say their encoding, the JSON and XML
ones carry it themselves."""

_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_FIRST = {TYPE.value: "0", LABEL.value: "1"}
_XML_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*$")


class UnwritableGraph(CanadaKoreaError):
    """The triples cannot be written in the format asked for (RDF/XML cannot write a predicate
    whose IRI does not end with an XML name)."""


@dataclass(frozen=True)
class Description:
    """What is said about ``iri``: its own triples (type and labels first), the labels of its
    neighbours, and the triples whose object it is."""

    iri: str
    own: list[ox.Triple]
    neighbour_labels: list[ox.Triple]
    incoming: list[ox.Triple]

    @property
    def triples(self) -> list[ox.Triple]:
        """Every triple of the description, in document order (deduplicated)."""
        return list(dict.fromkeys([*self.own, *self.neighbour_labels, *self.incoming]))


def describe(publication: Publication, iri: str) -> Description | None:
    """The description of ``iri``, or None when the graph says nothing about it."""
    subject = node(iri)
    own = sorted(
        (quad.triple for quad in publication.quads(subject, None, None)),
        key=lambda t: (_FIRST.get(t.predicate.value, "2"), str(t.predicate), str(t.object)),
    )
    if not own:
        return None
    incoming = sorted(
        (quad.triple for quad in publication.quads(None, None, subject)),
        key=lambda t: (str(t.subject), str(t.predicate)),
    )
    neighbours = sorted(
        {t.object for t in own if isinstance(t.object, ox.NamedNode) and t.object != subject}
        | {t.subject for t in incoming if t.subject != subject},
        key=str,
    )
    labels = [
        quad.triple
        for neighbour in neighbours
        for quad in sorted(publication.quads(neighbour, LABEL, None), key=str)
    ]
    return Description(iri, own, labels, incoming)


# --- documents ------------------------------------------------------------------------------


def document(triples: list[ox.Triple], media_type: str, prefixes: dict[str, str]) -> bytes:
    """``triples`` written in ``media_type`` (a key of :data:`CONTENT_TYPES`), in a stable order.

    Raises :class:`UnwritableGraph` when RDF/XML cannot write them."""
    if media_type == "text/turtle":
        return turtle(triples, prefixes)
    if media_type == "application/ld+json":
        return jsonld(triples, prefixes)
    if media_type == "application/n-triples":
        return ntriples(triples)
    ordered = sorted(triples, key=str)
    if media_type == "application/rdf+xml":
        return rdfxml(ordered, prefixes)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in ordered]
    if media_type == "application/n-quads":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_used_prefixes(triples, prefixes))


def rdfxml(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """RDF/XML, refusing what it cannot write rather than writing invalid XML: a predicate
    must end with an XML name (Oxigraph would write ``<oxprefix:>`` for ``<http://x/1>``)."""
    for triple in triples:
        if not _XML_LOCAL_NAME.search(triple.predicate.value):
            raise UnwritableGraph(
                f"RDF/XML cannot write the predicate <{triple.predicate.value}>, which does not "
                "end with an XML name; ask for Turtle, N-Triples or JSON-LD instead"
            )
    return ox.serialize(
        triples, format=ox.RdfFormat.RDF_XML, prefixes=_used_prefixes(triples, prefixes)
    )


def turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle grouped by subject in the given order, declaring only the prefixes it uses, in
    the canonical order (pyoxigraph's own order of declarations is not specified)."""
    used = _used_prefixes(triples, prefixes)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used)
    lines = text.split(b"\n")
    count = next(i for i, line in enumerate(lines) if not line.startswith(b"@prefix "))
    header, body = lines[:count], lines[count:]
    order = {f"@prefix {prefix}:".encode(): index for index, prefix in enumerate(prefixes)}
    header.sort(key=lambda line: order.get(line.split(b" <", 1)[0], len(order)))
    return b"\n".join([*header, b"", *body])


def ntriples(triples: list[ox.Triple]) -> bytes:
    """N-Triples with sorted lines, as the dump is written."""
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return b"".join(sorted(line + b"\n" for line in text.splitlines() if line))


def jsonld(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Compacted JSON-LD with the project context inline, like the JSON-LD dump: one node per
    subject sorted by ``@id``, keys and values sorted, single values unwrapped, plain strings,
    canonical integers and booleans as JSON values."""
    compact = _compactor(prefixes)
    nodes: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        subject = _node_id(triple.subject, compact)
        if triple.predicate == TYPE:
            nodes[subject]["@type"].append(compact(triple.object.value))
        else:
            key = compact(triple.predicate.value)
            nodes[subject][key].append(_jsonld_value(triple.object, compact))
    graph = []
    for subject in sorted(nodes):
        entry: dict[str, object] = {"@id": subject}
        for key, values in nodes[subject].items():
            unique = sorted(
                {json.dumps(v, sort_keys=True, ensure_ascii=False): v for v in values}.items()
            )
            entry[key] = unique[0][1] if len(unique) == 1 else [v for _k, v in unique]
        graph.append(entry)
    document = {"@context": dict(prefixes), "@graph": graph}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _node_id(term: ox.NamedNode | ox.BlankNode, compact: Callable[[str], str]) -> str:
    """A node's ``@id``: a compacted IRI, or ``_:name`` for a blank node (a SPARQL answer or
    the service description may hold them)."""
    return compact(term.value) if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _jsonld_value(term: ox.NamedNode | ox.Literal, compact: Callable[[str], str]) -> object:
    if not isinstance(term, ox.Literal):
        return {"@id": _node_id(term, compact)}
    if term.language:
        return {"@language": term.language, "@value": term.value}
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return term.value
    if datatype == XSD + "boolean" and term.value in ("true", "false"):
        return term.value == "true"
    if datatype == XSD + "integer" and _CANONICAL_INTEGER.fullmatch(term.value):
        return int(term.value)
    return {"@type": compact(datatype), "@value": term.value}


def _compactor(prefixes: dict[str, str]) -> Callable[[str], str]:
    longest_first = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def compact(iri: str) -> str:
        for prefix, namespace in longest_first:
            if iri.startswith(namespace) and not iri[len(namespace) :].startswith("//"):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    return compact


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    iris = set()
    for triple in triples:
        iris.add(triple.subject.value)
        if triple.predicate != TYPE:  # written `a`
            iris.add(triple.predicate.value)
        term = triple.object
        if not isinstance(term, ox.Literal):
            iris.add(term.value)
        elif not term.language and term.datatype.value != XSD + "string":
            iris.add(term.datatype.value)
    return {
        prefix: namespace
        for prefix, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
