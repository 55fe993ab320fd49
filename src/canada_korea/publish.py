"""Graph to dumps: Turtle, N-Triples, JSON-LD, the JSON-LD context, the ontology, the shapes and
a VoID/DCAT description, written to ``dist/`` all at once or not at all.

Output is byte-identical for the same sources: N-Triples lines are sorted, JSON-LD nodes and
values are sorted, no blank nodes are minted, and the only date written comes from
``SOURCE_DATE_EPOCH`` when it is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from .errors import ValidationFailed
from .formats import by_name
from .load import Project, load_shapes, load_sources
from .namespaces import BASE, CKR, DATASET, PREFIXES, new_graph
from .validate import ValidationResult, validate_graph

SPDX = "http://spdx.org/rdf/terms#"
LICENCE = URIRef("http://creativecommons.org/licenses/by/4.0/")
PUBLISHER = URIRef(BASE + "project")
DESCRIPTION = (
    "A curated knowledge graph of Canada–Korea relations (the Korean War and its legacy, "
    "the United Nations Command, defence and defence-industry cooperation, trade, diplomacy, "
    "people-to-people ties, North Korea's weapons programmes and sanctions), every fact "
    "citing the section of the source document that states it."
)
EXAMPLE_RESOURCES = ("korean-war", "csp", "stat-canadian-war-dead", "ckfta")


@dataclass(frozen=True)
class PublishedFile:
    """One file of a build, with what a consumer needs to fetch and check it."""

    name: str
    path: Path
    media_type: str
    size: int
    sha256: str


@dataclass
class BuildReport:
    """What a successful build published: where, how big, and what kinds of things it holds."""

    dist: Path
    triples: int
    class_counts: list[tuple[str, int]]
    files: list[PublishedFile]
    validation: ValidationResult


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context of the dumps: the canonical prefixes, nothing remote."""
    return {"@context": {prefix: iri for prefix, iri in PREFIXES}}


def build(project: Project, source_date_epoch: str | None = None) -> BuildReport:
    """Load and validate the sources, then publish them to ``project.dist_dir`` atomically.

    On a violation :class:`ValidationFailed` is raised and ``dist/`` is left exactly as it was.
    """
    graph = load_sources(project)
    shapes = load_shapes(project)
    validation = validate_graph(graph, shapes)
    if not validation.conforms:
        count = len(validation.violations)
        raise ValidationFailed(
            f"the graph does not conform to the shapes ({count} violation"
            f"{'' if count == 1 else 's'}); nothing was published",
            validation,
        )
    modified = _source_date(source_date_epoch)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=project.root))
    try:
        files = write_dumps(graph, shapes, project, staging, modified)
        # Imported here: the site's modules import canada_korea.query, which imports this one.
        from .site import write_site

        write_site(staging, project)
        _swap_in(staging, project.dist_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [
        PublishedFile(f.name, project.dist_dir / f.name, f.media_type, f.size, f.sha256)
        for f in files
    ]
    return BuildReport(
        dist=project.dist_dir,
        triples=len(graph),
        class_counts=class_counts(graph),
        files=files,
        validation=validation,
    )


def is_stale(project: Project) -> bool:
    """Whether the dumps are missing or older than any source (ontology, data or shapes)."""
    dump = project.dist_dir / "canada-korea.nt"
    if not dump.exists() or not (project.dist_dir / "shapes.ttl").exists():
        return True
    built = dump.stat().st_mtime
    sources = [*project.source_files(), *project.shape_files()]
    return any(path.stat().st_mtime > built for path in sources)


def ensure_built(project: Project) -> None:
    """Build the dumps when they are missing or older than the sources, without parsing them:
    readers that hold the graph elsewhere (the server's Oxigraph store) need only the files."""
    if is_stale(project):
        build(project)


def published_graph(project: Project) -> Graph:
    """The published graph, building the dumps first when they are missing or stale.

    Parsed once per process and dump (the sorted N-Triples parse fastest); callers must treat
    the returned graph as read-only.
    """
    ensure_built(project)
    dump = project.dist_dir / "canada-korea.nt"
    return _parse_dump(dump, dump.stat().st_mtime_ns)


def published_shapes(project: Project) -> Graph:
    """The shapes published beside the dumps, building first when they are missing or stale."""
    ensure_built(project)
    shapes = project.dist_dir / "shapes.ttl"
    return _parse_shapes(shapes, shapes.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _parse_dump(path: Path, _mtime_ns: int) -> Graph:
    graph = new_graph()
    graph.parse(path, format="nt")
    return graph


@lru_cache(maxsize=2)
def _parse_shapes(path: Path, _mtime_ns: int) -> Graph:
    graph = new_graph()
    graph.parse(path, format="turtle")
    return graph


def _source_date(epoch: str | None) -> str | None:
    if epoch is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()


def _swap_in(staging: Path, dist: Path) -> None:
    """Swap ``staging`` in for ``dist`` with two renames: readers never see a half-written dist."""
    retired = dist.with_name(f".{dist.name}-previous")
    if retired.exists():
        shutil.rmtree(retired)
    if dist.exists():
        dist.rename(retired)
    staging.rename(dist)
    shutil.rmtree(retired, ignore_errors=True)


def class_counts(graph: Graph) -> list[tuple[str, int]]:
    """Instances per class among the project's resources, most frequent first."""
    counts = Counter(
        graph.namespace_manager.normalizeUri(cls)
        for subject, cls in graph.subject_objects(RDF.type)
        if isinstance(subject, URIRef) and str(subject).startswith(str(CKR))
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def write_dumps(
    graph: Graph, shapes: Graph, project: Project, out: Path, modified: str | None
) -> list[PublishedFile]:
    """Write every published file into ``out`` and return them, the VoID description last."""
    writers: list[tuple[str, str, Callable[[], bytes]]] = [
        ("canada-korea.ttl", "turtle", lambda: graph.serialize(format="turtle", encoding="utf-8")),
        ("canada-korea.nt", "nt", lambda: sorted_ntriples(graph)),
        ("canada-korea.jsonld", "json-ld", lambda: canonical_jsonld(graph)),
        ("context.jsonld", "json-ld", lambda: _json_bytes(jsonld_context())),
        ("ontology.ttl", "turtle", lambda: _concatenate(project.ontology_dir.glob("*.ttl"))),
        ("shapes.ttl", "turtle", lambda: _concatenate(project.shapes_dir.glob("*.ttl"))),
    ]
    files = [_write(out, name, fmt, produce()) for name, fmt, produce in writers]
    void = describe_dataset(graph, files, modified)
    files.append(
        _write(out, "void.ttl", "turtle", void.serialize(format="turtle", encoding="utf-8"))
    )
    return files


def _write(out: Path, name: str, fmt: str, content: bytes) -> PublishedFile:
    path = out / name
    path.write_bytes(content)
    rdf_format = by_name(fmt)
    media_type = rdf_format.media_type if rdf_format else "application/octet-stream"
    return PublishedFile(name, path, media_type, len(content), hashlib.sha256(content).hexdigest())


def _concatenate(paths: object) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(paths))  # type: ignore[attr-defined]


def sorted_ntriples(graph: Graph) -> bytes:
    """N-Triples with the lines sorted: the canonical, diff-friendly dump."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def canonical_jsonld(graph: Graph) -> bytes:
    """Compacted JSON-LD with the context inline, nodes sorted by ``@id`` and values sorted."""
    context = jsonld_context()["@context"]
    raw = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(raw)
    nodes = document.get("@graph", [document])
    nodes = [_sorted_values(node) for node in nodes]
    nodes.sort(key=lambda node: str(node.get("@id", "")))
    return _json_bytes({"@context": context, "@graph": nodes})


def _sorted_values(node: dict[str, object]) -> dict[str, object]:
    return {
        key: sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        if isinstance(value, list)
        else value
        for key, value in node.items()
    }


def _json_bytes(document: object) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )


def describe_dataset(graph: Graph, files: list[PublishedFile], modified: str | None) -> Graph:
    """The VoID + DCAT description: size, classes with counts, examples, and each dump."""
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
    void.add((dataset, VOID.uriSpace, Literal(str(CKR))))
    void.add((dataset, VOID.triples, Literal(len(graph))))
    void.add((dataset, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    void.add((dataset, VOID.properties, Literal(len(set(graph.predicates())))))
    for _prefix, namespace in PREFIXES:
        void.add((dataset, VOID.vocabulary, URIRef(namespace)))
    for source in graph.subjects(RDF.type, URIRef(BASE + "def/SourceDocument")):
        void.add((dataset, DCTERMS.source, source))
    for name in EXAMPLE_RESOURCES:
        if (CKR[name], None, None) in graph:
            void.add((dataset, VOID.exampleResource, CKR[name]))
    counts = class_counts(graph)
    void.add((dataset, VOID.classes, Literal(len(counts))))
    for curie, count in counts:
        cls = graph.namespace_manager.expand_curie(curie)
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
