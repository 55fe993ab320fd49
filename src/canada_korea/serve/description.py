"""One resource's description and its RDF documents (Turtle, JSON-LD, N-Triples, RDF/XML,
N-Quads, TriG).

A description is what a Linked Data client needs to show a resource without a second request:
the resource's own triples, the labels of every resource it links to or is linked from, and
the triples that point to it. The documents are written from pyoxigraph terms directly, by
the dumps' writers (:mod:`canada_korea.serialize`): at ~0.1 ms a document the static site's
~1,700 files cost a fraction of a second, where rdflib's serialisers take 3–6 ms each. Output
is deterministic: triples are sorted, prefixes are the canonical ones in their fixed order,
JSON-LD keys and values are sorted.

:func:`document` writes any list of triples in any of :data:`RDF_MEDIA_TYPES`: the server uses it
for resources, terms, the lists of them, SPARQL ``CONSTRUCT`` and ``DESCRIBE`` answers and its
service description alike, so every RDF answer comes in the same six formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import CanadaKoreaError
from ..serialize import jsonld, nquads, ntriples, trig, turtle, used_prefixes
from .publication import LABEL, TYPE, Publication, node

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
        triple for neighbour in neighbours for triple in publication.label_statements(neighbour)
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
        return nquads(quads)
    return trig(quads, prefixes)


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
        triples, format=ox.RdfFormat.RDF_XML, prefixes=used_prefixes(triples, prefixes)
    )
