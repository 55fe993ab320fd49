"""The SPARQL 1.1 Service Description of the endpoint, and the lists of what ``id/`` and ``def/``
hold: RDF the server writes about itself rather than reads from the build.

A client that fetches ``/sparql`` without a query (Comunica does, to learn what it talks to) gets
the description: the endpoint, the query language, every result format, the default entailment
regime, and the default dataset with each named graph, all with the VoID statistics of
``void.ttl`` and the size of every graph. Blank nodes are named after what they stand for, so the
description is the same bytes on every run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from .publication import DCTERMS, LABEL, RDFS, TYPE, VOID, XSD, Publication, node

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"
LDP = "http://www.w3.org/ns/ldp#"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
    "N-Quads",
    "TriG",
)
"""The W3C format IRIs (``http://www.w3.org/ns/formats/…``) of every answer the endpoint writes."""
VOID_STATISTICS = ("triples", "distinctSubjects", "properties", "classes")


def service_description(publication: Publication, endpoint: str, limits: str) -> list[ox.Triple]:
    """The endpoint at ``endpoint`` described with the SPARQL Service Description vocabulary;
    ``limits`` is a sentence on what one query may cost, for people."""
    service = ox.BlankNode("service")
    dataset = node(publication.dataset.iri)
    default_graph = ox.BlankNode("default-graph")
    simple = node(ENTAILMENT + "Simple")
    triples = [
        ox.Triple(service, TYPE, node(SD + "Service")),
        ox.Triple(service, node(SD + "endpoint"), node(endpoint)),
        ox.Triple(service, node(SD + "supportedLanguage"), node(SD + "SPARQL11Query")),
        ox.Triple(service, node(SD + "feature"), node(SD + "UnionDefaultGraph")),
        ox.Triple(service, node(SD + "defaultEntailmentRegime"), simple),
        ox.Triple(simple, TYPE, node(SD + "EntailmentRegime")),
        ox.Triple(service, node(SD + "defaultDataset"), dataset),
        ox.Triple(service, node(DCTERMS + "title"), ox.Literal("canada-korea SPARQL endpoint")),
        ox.Triple(
            service,
            node(RDFS + "comment"),
            ox.Literal(
                "Read-only SPARQL 1.1 queries over the Canada–Korea relations knowledge graph. "
                "The default graph is the union of all graphs (with the derived ck:statedIn); "
                "each section's and inference's graph is also named. Updates and SERVICE are "
                f"refused; FROM, FROM NAMED and the protocol's dataset select among these "
                f"graphs only. {limits}",
                language="en",
            ),
        ),
        *(
            ox.Triple(service, node(SD + "resultFormat"), node(FORMATS + name))
            for name in RESULT_FORMATS
        ),
        ox.Triple(dataset, TYPE, node(SD + "Dataset")),
        ox.Triple(dataset, TYPE, node(VOID + "Dataset")),
        ox.Triple(dataset, node(VOID + "sparqlEndpoint"), node(endpoint)),
        *_copied_statistics(publication, dataset),
        ox.Triple(dataset, node(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, TYPE, node(SD + "Graph")),
        ox.Triple(default_graph, node(VOID + "triples"), _count(publication.default_graph_size)),
    ]
    for index, (name, size) in enumerate(sorted(publication.graph_sizes.items()), start=1):
        named = ox.BlankNode(f"named-graph-{index}")
        graph = ox.BlankNode(f"graph-{index}")
        triples += [
            ox.Triple(dataset, node(SD + "namedGraph"), named),
            ox.Triple(named, TYPE, node(SD + "NamedGraph")),
            ox.Triple(named, node(SD + "name"), node(name)),
            ox.Triple(named, node(SD + "graph"), graph),
            ox.Triple(graph, TYPE, node(SD + "Graph")),
            ox.Triple(graph, node(VOID + "triples"), _count(size)),
        ]
    return triples


def _count(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=node(XSD + "integer"))


def _copied_statistics(publication: Publication, dataset: ox.NamedNode) -> Iterator[ox.Triple]:
    """The dataset's title and VoID statistics as ``void.ttl`` states them."""
    for predicate in (DCTERMS + "title", *(VOID + name for name in VOID_STATISTICS)):
        for quad in publication.void.quads_for_pattern(dataset, node(predicate), None):
            yield quad.triple


LISTS = {"id/": "Resources", "def/": "Ontology terms"}
"""The folders listed as a whole (``/id/``, ``/def/``; ``id/index.html`` on the static site),
with the title of their RDF listing."""


def container(publication: Publication, folder: str, title: str) -> list[ox.Triple]:
    """The list of what ``folder`` (``id/`` or ``def/``) holds, as a Linked Data Platform
    container: each member with its types and labels, so a client can show the list at once."""
    members = publication.resources if folder == "id/" else publication.terms
    iri = node(publication.base + folder)
    triples = [
        ox.Triple(iri, TYPE, node(LDP + "BasicContainer")),
        ox.Triple(iri, LABEL, ox.Literal(title, language="en")),
    ]
    for member in members:
        subject = node(member)
        triples.append(ox.Triple(iri, node(LDP + "contains"), subject))
        triples += [
            ox.Triple(subject, TYPE, node(cls)) for cls in publication.types.get(member, [])
        ]
        triples += [quad.triple for quad in publication.quads(subject, LABEL, None)]
    return triples
