"""Dataset to dumps: the dataset with its named graphs (TriG, N-Quads), the union graph (Turtle,
N-Triples, JSON-LD), the JSON-LD context, the ontology, the shapes and a VoID/DCAT description
with each file's size and checksum, written into a folder the build then swaps in.

Output is byte-identical for the same sources (see ``serialize``); the only date written comes
from ``SOURCE_DATE_EPOCH`` when it is set.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, VOID, XSD

from .formats import by_name
from .load import Project, collection_paused
from .namespaces import BASE, CKR, DATASET, PREFIXES, new_graph
from .parallel import for_each, release_memory
from .provenance import published_statements
from .serialize import (
    json_bytes,
    jsonld,
    jsonld_context,
    nquads,
    ntriples,
    quad_order,
    trig,
    triple_order,
    turtle,
)
from .versions import Edition, dataset_version_iri, ontology_version

SPDX = "http://spdx.org/rdf/terms#"
LICENCE = URIRef("http://creativecommons.org/licenses/by/4.0/")
PUBLISHER = URIRef(BASE + "project")
DESCRIPTION = (
    "A curated knowledge graph of Canada–Korea relations (the Korean War and its legacy, "
    "the United Nations Command, defence and defence-industry cooperation, trade, diplomacy, "
    "people-to-people ties, North Korea's weapons programmes and sanctions), every fact "
    "citing the section of the source document that states it."
)
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
"""DCAT 3's ``dcat:version``, which rdflib's DCAT namespace (DCAT 2) does not define yet."""
EXAMPLE_RESOURCES = ("korean-war", "csp", "stat-canadian-war-dead", "ckfta")


@dataclass(frozen=True)
class PublishedFile:
    """One file of a build, with what a consumer needs to fetch and check it."""

    name: str
    path: Path
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Statements:
    """What the dumps are written from: the union graph's triples and the dataset's quads as
    pyoxigraph terms, and what the VoID description says of the graph. Taken from the rdflib
    graphs once, so that the build can free those (most of its memory) before the files are
    written: at 100x the rdflib graphs and the writers' work no longer add up to one peak."""

    triples: list[ox.Triple]
    quads: list[ox.Quad]
    size: int
    subjects: int
    properties: int
    sources: list[URIRef]
    examples: list[URIRef]
    classes: list[tuple[str, URIRef, int]]
    """Instances per class among the project's resources, most frequent first: the class as a
    compact IRI, the class, the count."""

    @property
    def class_counts(self) -> list[tuple[str, int]]:
        """Instances per class (compact IRI, count), most frequent first."""
        return [(name, count) for name, _cls, count in self.classes]


@collection_paused()
def statements(sources: list[ox.Quad]) -> Statements:
    """The statements published from ``sources`` (``load.read_sources``: their named graphs,
    and the derived ``ck:statedIn`` in the default graph, see
    ``provenance.published_statements``) as the dumps are written from them. The union graph
    is their distinct triples, and the VoID figures are counted among them: at 10x a tenth of
    the time of converting rdflib's union graph again or of counting in rdflib."""
    quads = published_statements(sources)
    triples = list({quad.triple for quad in quads})
    names = new_graph().namespace_manager
    resource = str(CKR)
    typed = [
        (triple.subject, triple.object)
        for triple in triples
        if triple.predicate == _RDF_TYPE
        and isinstance(triple.subject, ox.NamedNode)
        and isinstance(triple.object, ox.NamedNode)
    ]
    counts = Counter(
        URIRef(cls.value) for subject, cls in typed if subject.value.startswith(resource)
    )
    classes = sorted(
        ((names.normalizeUri(cls), cls, count) for cls, count in counts.items()),
        key=lambda item: (-item[2], item[0]),
    )
    subjects = {triple.subject for triple in triples}
    return Statements(
        triples=triples,
        quads=quads,
        size=len(triples),
        subjects=len(subjects),
        properties=len({triple.predicate for triple in triples}),
        sources=sorted(URIRef(s.value) for s, cls in typed if cls == _SOURCE_DOCUMENT),
        examples=[CKR[name] for name in EXAMPLE_RESOURCES if ox.NamedNode(CKR[name]) in subjects],
        classes=classes,
    )


_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SOURCE_DOCUMENT = ox.NamedNode(BASE + "def/SourceDocument")


def write_dumps(
    published: Statements,
    shapes: Graph,
    project: Project,
    out: Path,
    modified: str | None,
    edition: Edition,
    alongside: Callable[[], object] | None = None,
) -> list[PublishedFile]:
    """Write every published file into ``out`` and return them, the VoID description last.

    ``edition`` is the version the statements are published as, and the release they revise.
    The files are written on every core (the forked processes share the statements), while
    this process does ``alongside`` first (the build's index, from the same statements)."""
    triples, quads = published.triples, published.quads
    prefixes = dict(PREFIXES)
    # The costliest first, so that no core is left idle while another writes a large dump
    # at the end: at 100x TriG 3.7 s, Turtle 3.4 s, JSON-LD 2.9 s, N-Quads 1.6 s, N-Triples
    # 1.4 s (in the order trig, nq, ttl, nt, jsonld, one core idled 2.3 s at the end).
    writers: list[tuple[str, str, Callable[[], bytes]]] = [
        ("canada-korea.trig", "trig", lambda: trig(sorted(quads, key=quad_order), prefixes)),
        (
            "canada-korea.ttl",
            "turtle",
            lambda: turtle(sorted(triples, key=triple_order), prefixes),
        ),
        ("canada-korea.jsonld", "json-ld", lambda: jsonld(triples, prefixes)),
        ("canada-korea.nq", "nquads", lambda: nquads(quads)),
        ("canada-korea.nt", "nt", lambda: ntriples(triples)),
        ("context.jsonld", "json-ld", lambda: json_bytes(jsonld_context())),
        ("ontology.ttl", "turtle", lambda: _versioned_ontology(project, edition.version)),
        ("shapes.ttl", "turtle", lambda: _concatenate(project.shapes_dir.glob("*.ttl"))),
    ]

    # Each process gives back what a dump held before it takes the next (at 100x a dump
    # writer holds 250-300 MB beside the statements, and the building process the bulk
    # loader's memory): otherwise the C library keeps it, and one process that took two of
    # the largest came close to 1 GB.
    # What VoID says of each file is worked out by the process that wrote it, from the bytes it
    # wrote: the building process read the 400 MB of dumps back at 100x, alone, to hash them.
    def write(writer: tuple[str, str, Callable[[], bytes]]) -> PublishedFile:
        name, fmt, produce = writer
        written = _write(out, name, fmt, produce())
        release_memory()
        return written

    def first() -> None:
        if alongside is not None:
            alongside()
        release_memory()

    files = for_each(writers, write, meanwhile=first)
    void = describe_dataset(published, files, modified, edition)
    files.append(
        _write(out, "void.ttl", "turtle", void.serialize(format="turtle", encoding="utf-8"))
    )
    return files


def _write(out: Path, name: str, fmt: str, content: bytes) -> PublishedFile:
    (out / name).write_bytes(content)
    return _published(out, name, fmt, content)


def _published(out: Path, name: str, fmt: str, content: bytes) -> PublishedFile:
    """What the VoID description says of the file ``name`` written in ``out`` with ``content``."""
    path = out / name
    rdf_format = by_name(fmt)
    media_type = rdf_format.media_type if rdf_format else "application/octet-stream"
    return PublishedFile(name, path, media_type, len(content), hashlib.sha256(content).hexdigest())


def _concatenate(paths: object) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(paths))  # type: ignore[attr-defined]


def _versioned_ontology(project: Project, version: str) -> bytes:
    """The ontology files as written, then the version triples the build adds to them (the
    version is written only in ``pyproject.toml``)."""
    header = new_graph()
    for triple in ontology_version(version):
        header.add(triple)
    written = header.serialize(format="turtle", encoding="utf-8")
    comment = b"\n# The version, added by the build from pyproject.toml.\n"
    return _concatenate(project.ontology_dir.glob("*.ttl")) + comment + written.lstrip(b"\n")


def describe_dataset(
    published: Statements, files: list[PublishedFile], modified: str | None, edition: Edition
) -> Graph:
    """The VoID + DCAT description: version and the release it revises, size, classes with
    counts, examples, and each dump."""
    void = new_graph()
    dataset = URIRef(DATASET)
    void.add((dataset, RDF.type, VOID.Dataset))
    void.add((dataset, RDF.type, DCAT.Dataset))
    for lang, title in (
        ("en", "Canada–Korea relations knowledge graph"),
        ("fr", "Graphe de connaissances des relations Canada–Corée"),
    ):
        void.add((dataset, DCTERMS.title, Literal(title, lang=lang)))
        void.add((dataset, RDFS.label, Literal(title, lang=lang)))
    void.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    void.add((dataset, DCTERMS.license, LICENCE))
    void.add((dataset, DCTERMS.publisher, PUBLISHER))
    void.add((PUBLISHER, RDF.type, FOAF.Organization))
    void.add((PUBLISHER, RDFS.label, Literal("The canada-korea project", lang="en")))
    if modified:
        void.add((dataset, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    void.add((dataset, DCAT_VERSION, Literal(edition.version)))
    if edition.previous is not None:
        previous = URIRef(dataset_version_iri(edition.previous.version))
        void.add((dataset, PROV.wasRevisionOf, previous))
    void.add((dataset, VOID.uriSpace, Literal(str(CKR))))
    void.add((dataset, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    void.add((dataset, VOID.triples, Literal(published.size)))
    void.add((dataset, VOID.distinctSubjects, Literal(published.subjects)))
    void.add((dataset, VOID.properties, Literal(published.properties)))
    for _prefix, namespace in PREFIXES:
        void.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for source in published.sources:
        void.add((dataset, DCTERMS.source, source))
    for example in published.examples:
        void.add((dataset, VOID.exampleResource, example))
    void.add((dataset, VOID.classes, Literal(len(published.classes))))
    for curie, cls, count in published.classes:
        partition = URIRef(f"{DATASET}/class/{curie.replace(':', '-')}")
        void.add((dataset, VOID.classPartition, partition))
        void.add((partition, VOID["class"], cls))
        void.add((partition, VOID.entities, Literal(count)))
    for published in files:
        _describe_file(void, dataset, published)
    return void


def _describe_file(void: Graph, dataset: URIRef, published: PublishedFile) -> None:
    distribution = URIRef(f"{DATASET}/dump/{published.name}")
    checksum = URIRef(f"{distribution}/sha256")
    download = URIRef(BASE + published.name)
    void.add((dataset, DCAT.distribution, distribution))
    if published.name.startswith("canada-korea."):
        void.add((dataset, VOID.dataDump, download))
    void.add((distribution, RDF.type, DCAT.Distribution))
    void.add((distribution, DCTERMS.title, Literal(published.name)))
    void.add((distribution, DCAT.downloadURL, download))
    void.add(
        (
            distribution,
            DCAT.mediaType,
            URIRef("https://www.iana.org/assignments/media-types/" + published.media_type),
        )
    )
    void.add(
        (distribution, DCAT.byteSize, Literal(published.size, datatype=XSD.nonNegativeInteger))
    )
    void.add((distribution, URIRef(SPDX + "checksum"), checksum))
    void.add((checksum, RDF.type, URIRef(SPDX + "Checksum")))
    void.add((checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")))
    void.add(
        (
            checksum,
            URIRef(SPDX + "checksumValue"),
            Literal(published.sha256, datatype=XSD.hexBinary),
        )
    )
