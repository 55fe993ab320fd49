"""The canonical prefix table: one prefix per namespace, in one fixed order, used everywhere.

Data files, dumps, the JSON-LD context and queries all take their prefixes from here, so a
namespace is never spelt two ways (``dct:`` here and ``dcterms:`` there, ``http`` and ``https``).
"""

from __future__ import annotations

from rdflib import Dataset, Graph, Namespace

BASE = "https://w3id.org/canada-korea/"
CK = Namespace(BASE + "def/")
CKR = Namespace(BASE + "id/")
CKSH = Namespace(BASE + "shapes/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
"""W3C's WGS84 vocabulary: ``geo:lat`` and ``geo:long`` of the places the map draws."""
ONTOLOGY = BASE + "ontology"
DATASET = BASE + "dataset"

PREFIXES: tuple[tuple[str, str], ...] = (
    ("ck", str(CK)),
    ("ckr", str(CKR)),
    ("cksh", str(CKSH)),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("geo", "http://www.w3.org/2003/01/geo/wgs84_pos#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("schema", "https://schema.org/"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("void", "http://rdfs.org/ns/void#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
)


def new_graph() -> Graph:
    """An empty in-memory graph bound to the canonical prefixes and no others."""
    graph = Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES:
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def new_dataset() -> Dataset:
    """An empty in-memory dataset bound to the canonical prefixes, its default graph apart from
    the named ones (a query's default graph is what ``provenance.query_dataset`` puts in it)."""
    dataset = Dataset(default_union=False)
    for prefix, iri in PREFIXES:
        dataset.bind(prefix, iri, override=True, replace=True)
    return dataset


def sparql_prologue() -> str:
    """PREFIX declarations for every canonical prefix, to put before a user's query."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES)
