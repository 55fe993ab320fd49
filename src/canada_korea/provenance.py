"""The named-graph model of provenance: who says each triple.

- **What a source says** sits in the named graph of the section that says it; the graph's name
  is the ``ck:Section`` IRI, so a value two sections state is in both graphs.
- **What the project says** (types, labels, descriptions, notes, links out, and the description
  of the documents, their sections and the inferences themselves) sits in the default graph.
- **What the project infers** sits in the graph of a ``ck:Inference``, which the default graph
  describes: ``prov:wasDerivedFrom`` the sections it rests on, ``skos:editorialNote`` the
  reasoning. An inferred triple is in no section's graph.

This module states those rules once (:func:`model_problems`), derives ``ck:statedIn`` from graph
membership (:func:`citations`, so "which document says so?" stays one join), and gives the two
views the build publishes: the flat :func:`union` graph and the :func:`query_dataset` whose
default graph is that union and whose named graphs are the sections' and inferences'.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Node, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .load import NamedQuad, add_quads, collection_paused
from .namespaces import CK, CKR, GEO, new_dataset, new_graph

EDITORIAL_PREDICATES = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        SKOS.altLabel,
        SKOS.editorialNote,
        SKOS.exactMatch,
        SKOS.closeMatch,
        DCTERMS.description,
        OWL.sameAs,
        GEO.lat,
        GEO.long,
        CK.coordinatesSource,
    }
)
"""Predicates whose triples are the project's own words, wherever their subject is."""

BIBLIOGRAPHIC_CLASSES = frozenset({CK.SourceDocument, CK.Section, CK.Inference})
"""Classes whose every triple is the project's record of where statements come from."""

# The terms the rules compare every quad with, looked up once: an attribute of an rdflib
# namespace builds a new URIRef on each access, which the rules' loops would pay per quad.
TYPE = RDF.type
SAME_AS = OWL.sameAs
STATED_IN = CK.statedIn
ONTOLOGY_NAMESPACE = str(CK)
RESOURCE_NAMESPACE = str(CKR)


@dataclass(frozen=True)
class Problem:
    """A quad that breaks the model: where it is (subject, predicate, object, graph) and why."""

    subject: Node
    predicate: Node | None
    object: Node | None
    graph: Node | None
    message: str
    check: str
    severity: str = "Violation"


def graph_name(context: Graph | Node | None) -> Node | None:
    """The name of a quad's graph, or None for the default graph."""
    name = context.identifier if isinstance(context, Graph) else context
    return None if name in (None, DATASET_DEFAULT_GRAPH_ID) else name


def sections(dataset: Dataset) -> set[Node]:
    return set(dataset.subjects(RDF.type, CK.Section))


def inferences(dataset: Dataset) -> set[Node]:
    return set(dataset.subjects(RDF.type, CK.Inference))


def model_problems(dataset: Dataset, context: Dataset | None = None) -> list[Problem]:
    """Every quad of ``dataset`` that puts a statement in the wrong graph, in a stable order.

    Checked: a fact (a non-editorial triple about a project resource) in the default graph; an
    editorial triple inside a named graph; a named graph that is neither a section nor an
    inference; ``ck:statedIn`` written by hand (the build derives it); a triple that is both
    stated by a section and inferred; a blank node (two builds would name it differently); and,
    as a warning, a resource that no section or inference mentions.

    ``context`` is the published dataset a contribution joins: its sections, inferences and
    statements count, but only ``dataset``'s own quads are reported.
    """
    return quad_problems(named_quads(dataset), context)


def quad_problems(own: list[NamedQuad], context: Dataset | None = None) -> list[Problem]:
    """:func:`model_problems` of the dataset whose statements are ``own`` (see
    :func:`named_quads`): the build's checks read them without building rdflib's dataset,
    which at 100x took 6 s and 700 MB."""
    scopes = [own] if context is None else [own, named_quads(context)]
    typed = [(s, o) for quads in scopes for s, p, o, g in quads if g is None and p == TYPE]
    known_sections = {s for s, cls in typed if cls == CK.Section}
    known_inferences = {s for s, cls in typed if cls == CK.Inference}
    bibliographic = {s for s, cls in typed if cls in BIBLIOGRAPHIC_CLASSES}
    named = [quad for quads in scopes for quad in quads if quad[3] is not None]
    mentioned = {term for s, _p, o, _g in named for term in (s, o)}
    stated = {(s, p, o) for s, p, o, g in named if g in known_sections}
    unsourced_kinds = BIBLIOGRAPHIC_CLASSES | {CK.Measure, SKOS.Concept}
    classes: dict[Node, set[Node]] = {}
    for s, p, o, g in own:
        if g is None and p == TYPE:
            classes.setdefault(s, set()).add(o)
    problems: list[Problem] = [
        Problem(
            resource,
            TYPE,
            cls,
            None,
            "no section or inference mentions this "
            "resource: state what a source says of it in that section's graph, or remove it",
            "Unmentioned",
            "Warning",
        )
        for resource, kinds in classes.items()
        if isinstance(resource, URIRef)
        and resource.startswith(RESOURCE_NAMESPACE)
        and resource not in mentioned
        and not kinds & unsourced_kinds
        for cls in kinds
    ]
    for s, p, o, graph in own:
        problems.extend(_vocabulary_problems(s, p, o, graph, context))
        if isinstance(s, BNode) or isinstance(o, BNode):
            problems.append(
                Problem(
                    s,
                    p,
                    o,
                    graph,
                    "blank nodes are not allowed: name the resource with a "
                    "slug IRI so every build gives it the same name",
                    "BlankNode",
                )
            )
        elif p == STATED_IN:
            problems.append(
                Problem(
                    s,
                    p,
                    o,
                    graph,
                    "ck:statedIn is derived by the build from the graph a "
                    "triple sits in: put the triple in the section's graph instead",
                    "HandWrittenCitation",
                )
            )
        elif graph is None:
            if (
                p not in EDITORIAL_PREDICATES
                and isinstance(s, URIRef)
                and s.startswith(RESOURCE_NAMESPACE)
                and s not in bibliographic
            ):
                problems.append(
                    Problem(
                        s,
                        p,
                        o,
                        None,
                        "a statement of fact outside any named graph: put it "
                        "in the graph of the section that states it, or of an inference",
                        "FactInDefaultGraph",
                    )
                )
        elif graph not in known_sections and graph not in known_inferences:
            problems.append(
                Problem(
                    s,
                    p,
                    o,
                    graph,
                    "this graph is neither a ck:Section nor a ck:Inference (declare a new one "
                    "in the default graph, or correct the name)",
                    "UnknownGraph",
                )
            )
        elif p in EDITORIAL_PREDICATES:
            problems.append(
                Problem(
                    s,
                    p,
                    o,
                    graph,
                    "types, labels, descriptions, notes and links out are "
                    "the project's words: they belong in the default graph",
                    "EditorialInNamedGraph",
                )
            )
        elif graph in known_inferences and (s, p, o) in stated:
            problems.append(
                Problem(
                    s,
                    p,
                    o,
                    graph,
                    "a section states this triple, so it is no inference: "
                    "remove it from the inference's graph",
                    "StatedAndInferred",
                )
            )
    problems.sort(
        key=lambda pr: tuple(
            str(t) for t in (pr.check, pr.subject, pr.predicate, pr.object, pr.graph)
        )
    )
    return problems


FOREIGN_CLASSES_ALLOWED = frozenset({SKOS.Concept})
"""Classes from outside the ontology a project resource may have (categories of goods)."""


def _vocabulary_problems(
    s: Node, p: Node, o: Node, graph: Node | None, published: Dataset | None
) -> list[Problem]:
    """The vocabulary kept apart: project resources typed with the ontology's classes,
    ``owl:sameAs`` only to other publishers, and (in a contribution) no statement about an
    ontology term that the published ontology does not already make."""
    problems = []
    own = isinstance(s, URIRef) and s.startswith(RESOURCE_NAMESPACE)
    if (
        own
        and p == TYPE
        and isinstance(o, URIRef)
        and not o.startswith(ONTOLOGY_NAMESPACE)
        and o not in FOREIGN_CLASSES_ALLOWED
    ):
        problems.append(
            Problem(
                s,
                p,
                o,
                graph,
                "project resources are typed with the ontology's "
                "classes (ck:…) or skos:Concept; link to another vocabulary's class "
                "in the ontology instead",
                "ForeignClass",
            )
        )
    if own and p == SAME_AS and isinstance(o, URIRef) and o.startswith(RESOURCE_NAMESPACE):
        problems.append(
            Problem(
                s,
                p,
                o,
                graph,
                "owl:sameAs between two of the project's own IRIs: one "
                "thing has one IRI here, so merge them",
                "OwnSameAs",
            )
        )
    if (
        published is not None
        and isinstance(s, URIRef)
        and s.startswith(ONTOLOGY_NAMESPACE)
        and (s, p, o) not in published.default_graph
    ):
        problems.append(
            Problem(
                s,
                p,
                o,
                graph,
                "the vocabulary is the ontology's to define: a "
                "contribution does not describe or redefine a ck: term",
                "TermRedefined",
            )
        )
    return problems


def citations(
    dataset: Dataset, context: Dataset | None = None
) -> Iterator[tuple[Node, Node, Node]]:
    """``(resource, ck:statedIn, section)`` for every project resource that is the subject of a
    triple in a section's graph (sections declared in ``dataset`` or its ``context``)."""
    return _citations(named_quads(dataset), _sections_of(dataset, context))


def _sections_of(dataset: Dataset, context: Dataset | None) -> set[Node]:
    return sections(dataset) | (sections(context) if context is not None else set())


def _citations(
    quads: list[NamedQuad], known_sections: set[Node]
) -> Iterator[tuple[Node, Node, Node]]:
    for s, graph in _cited(quads, known_sections):
        yield (s, STATED_IN, graph)


def _cited(
    quads: Iterable[NamedQuad] | Iterable[ox.Quad], known_sections: set[Node] | set[ox.NamedNode]
) -> Iterator[tuple[Any, Any]]:
    """``(resource, section)``, once each, for every project resource that is the subject of
    a statement in a section's graph: the rule of ``ck:statedIn``, for rdflib's terms and
    pyoxigraph's alike."""
    seen: set[tuple[object, object]] = set()
    for s, _p, _o, graph in quads:
        if graph in known_sections and (s, graph) not in seen and _is_resource(s):
            seen.add((s, graph))
            yield (s, graph)


def _is_resource(term: object) -> bool:
    """Whether ``term`` is a project resource's IRI (``ckr:…``), in either library's terms."""
    if isinstance(term, ox.NamedNode):
        return term.value.startswith(RESOURCE_NAMESPACE)
    return isinstance(term, URIRef) and term.startswith(RESOURCE_NAMESPACE)


def named_quads(dataset: Dataset) -> list[NamedQuad]:
    """Every statement of ``dataset`` with its graph's name, read once, graph by graph.

    Each pass over an rdflib Dataset costs about as much as parsing it again, so the build's
    rules, the union and the citations share one list. Reading each graph's own triples from
    the store takes a quarter less time than ``Dataset.quads``, which looks up every triple's
    graphs anew (``Dataset.graphs`` is not used: it would add an empty default graph).
    """
    store = dataset.store
    return [
        (s, p, o, name)
        for graph in store.contexts()
        for name in (graph_name(graph),)
        for (s, p, o), _graphs in store.triples((None, None, None), graph)
    ]


@collection_paused()
def union(dataset: Dataset, context: Dataset | None = None) -> Graph:
    """Every triple of every graph, plus the derived ``ck:statedIn`` (sections declared in
    ``dataset`` or its ``context``): the flat published graph."""
    graph = new_graph()
    quads = named_quads(dataset)
    for s, p, o, _graph in quads:
        graph.add((s, p, o))
    for triple in _citations(quads, _sections_of(dataset, context)):
        graph.add(triple)
    return graph


@collection_paused()
def published_dataset(dataset: Dataset) -> Dataset:
    """A copy of ``dataset`` as the dumps carry it (see :func:`published_quads`); ``dataset``
    is left as it was."""
    published = new_dataset()
    add_quads(published, published_quads(dataset))
    return published


def published_quads(dataset: Dataset) -> list[NamedQuad]:
    """The statements of ``dataset`` as the dumps carry them: the named graphs as written, and
    in the default graph the project's statements plus the derived ``ck:statedIn`` (each
    once, as a graph would hold it).

    Read in one pass over ``dataset``, which the build converts for its dumps as they are:
    adding the citations to the sources' rdflib graph and reading it again took 0.56 s at 10x,
    this 0.15 s."""
    quads = named_quads(dataset)
    stated = {(s, o) for s, p, o, name in quads if name is None and p == STATED_IN}
    derived = [
        (s, p, o, None) for s, p, o in _citations(quads, sections(dataset)) if (s, o) not in stated
    ]
    return quads + derived


def published_statements(quads: list[ox.Quad]) -> list[ox.Quad]:
    """:func:`published_quads` for the sources as the build reads them (``load.read_sources``,
    pyoxigraph's terms): the same statements, without building rdflib's dataset."""
    default = [quad for quad in quads if isinstance(quad.graph_name, ox.DefaultGraph)]
    known_sections = {
        quad.subject for quad in default if quad.predicate == _TYPE and quad.object == _SECTION
    }
    stated = {(quad.subject, quad.object) for quad in default if quad.predicate == _STATED_IN}
    derived = [
        ox.Quad(s, _STATED_IN, graph)
        for s, graph in _cited(quads, known_sections)
        if (s, graph) not in stated
    ]
    return quads + derived


_TYPE = ox.NamedNode(str(RDF.type))
_SECTION = ox.NamedNode(str(CK.Section))
_STATED_IN = ox.NamedNode(str(STATED_IN))


@collection_paused()
def query_dataset(published: Dataset) -> Dataset:
    """The dataset queries run over: the default graph is the union of all graphs (with the
    derived ``ck:statedIn``), the named graphs are the sections' and inferences'. Oxigraph's
    ``use_default_graph_as_union`` gives the same view of the same quads."""
    dataset = new_dataset()
    default = dataset.default_graph
    quads = named_quads(published)
    for s, p, o, _graph in quads:
        default.add((s, p, o))
    add_quads(dataset, (quad for quad in quads if quad[3] is not None))
    return dataset


def _context_id(name: Node | None) -> Node:
    return DATASET_DEFAULT_GRAPH_ID if name is None else name


def graph_of(dataset: Dataset, name: Node | None) -> Graph:
    """One graph of ``dataset`` by name (None: the default graph)."""
    return dataset.graph(_context_id(name))
