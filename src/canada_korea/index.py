"""The persistent index: each build's dataset in an on-disk Oxigraph store, so that ``query``
and the API open it in milliseconds instead of re-parsing a dump (0.2 s per call at 1x, ~15 s
at 100x with rdflib).

The store is laid out as queries see the dataset (``provenance.query_dataset``): the default
graph is the union of all graphs with the derived ``ck:statedIn`` (the N-Triples dump), the
named graphs are the sections' and inferences' (the N-Quads dump). It lives in the build folder,
``dist/index/``, so it is swapped in with the dumps it was loaded from and pruned with them; it
is a cache of the dumps, not a published file (it is not in the VoID description, nor
byte-identical from one build to the next), and never committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from .load import rdflib_term
from .namespaces import new_dataset

INDEX = "index"
"""The index's folder inside a build."""
ANSWERS = "answers"
"""The folder inside a build where the named queries' answers on its index are kept (see
``query.write_answers``): a cache like the index, never published."""


LOADED_AT_ONCE = 100_000
"""How many statements :func:`write_index` gives Oxigraph's bulk loader at a time."""


def index_path(dist: Path) -> Path:
    """The index of the build ``dist``, with the ``dist`` link resolved: a reader keeps the
    build it started with when the next build is swapped in (older builds are kept a while)."""
    return dist.resolve() / INDEX


def write_index(build: Path, triples: Iterable[ox.Triple], quads: Iterable[ox.Quad]) -> Path:
    """Load the published statements into a new store at ``build/index``: ``triples``, the
    union graph (the N-Triples dump), as its default graph, and the named graphs of ``quads``
    (the N-Quads dump, whose default graph is part of the union).

    Oxigraph's bulk loader takes them from memory, beside the dump writers: 3 s at 100x,
    where reading the dumps back took 5 s after them. Loaded in two parts (the union, then the
    named graphs) and then optimised: the slowest named queries at 100x take 0.7 s and 2.7 s
    instead of 1.0 s and 4.7 s without the optimisation, which takes 0.03 s.

    Each call of the bulk loader is given :data:`LOADED_AT_ONCE` statements: it holds what it
    is given in memory while it sorts it, which at 100x (300,000 statements in the union) was
    450 MB at the build's peak, against 120 MB given 100,000 at a time, for 3 s more of a
    process that shares the machine's cores with the dump writers anyway.
    """
    path = build / INDEX
    store = ox.Store(str(path))
    union = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    named = (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
    for statements in (union, named):
        while batch := list(islice(statements, LOADED_AT_ONCE)):
            store.bulk_extend(batch)
    store.optimize()
    store.flush()
    del store
    return path


def open_index(path: Path) -> ox.Store:
    """The index at ``path``, read-only: any number of processes may open it at once."""
    return ox.Store.read_only(str(path))


def context_of(dist: Path, terms: Iterable[URIRef]) -> Dataset:
    """The part of the indexed dataset that a contribution mentioning ``terms`` is checked
    against, laid out as the whole one is (the union in the default graph, the sections' and
    inferences' graphs named), so that validating in it reports what validating in the whole
    dataset would, at a cost that grows with the contribution, not with the graph.

    It holds the ontology (every term the ontology defines, with its triples: the classes a
    type implies, the terms that exist); every statement, in every graph, whose subject or
    object is one of ``terms`` that is not an ontology term (what the shapes read from a focus
    node, its values and what points at it); the statements about those values and neighbours
    (their types for ``sh:class``, a total's parts, a provision's position); and the records of
    the graphs all these sit in (whether each is a section or an inference).
    """
    store = open_index(index_path(dist))
    context = new_dataset()
    ontology = {
        triple.subject
        for triple in ox.parse(path=str(dist / "ontology.ttl"), format=ox.RdfFormat.TURTLE)
        if isinstance(triple.subject, ox.NamedNode)
    }
    for term in ontology:
        _copy(store, context, term, None)
    focus = {iri for iri in map(_named_node, terms) if iri is not None} - ontology
    neighbours: set[ox.NamedNode] = set()
    for term in focus:
        neighbours.update(_copy(store, context, term, None))
        neighbours.update(_copy(store, context, None, term))
    graphs: set[ox.NamedNode] = set()
    for term in (neighbours - focus - ontology) | focus:
        for quad in store.quads_for_pattern(term, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.add(quad.graph_name)
        _copy(store, context, term, None)
    for graph in graphs:
        _copy(store, context, graph, None)
    return context


def _copy(
    store: ox.Store,
    context: Dataset,
    subject: ox.NamedNode | None,
    obj: ox.NamedNode | None,
) -> set[ox.NamedNode]:
    """Copy the matching quads of every graph into ``context``; return the IRIs at their other
    end (the objects of a subject's statements, the subjects of an object's)."""
    ends: set[ox.NamedNode] = set()
    for quad in store.quads_for_pattern(subject, None, obj):
        triple = (rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object))
        name = quad.graph_name
        graph = (
            context.default_graph
            if isinstance(name, ox.DefaultGraph)
            else context.graph(URIRef(name.value))
        )
        graph.add(triple)  # type: ignore[arg-type]
        end = quad.object if subject is not None else quad.subject
        if isinstance(end, ox.NamedNode):
            ends.add(end)
    return ends


def _named_node(term: URIRef) -> ox.NamedNode | None:
    """``term`` as a pyoxigraph IRI, or None for one rdflib takes but Oxigraph refuses (the
    index holds no such IRI, so the graph has nothing to say about it)."""
    try:
        return ox.NamedNode(str(term))
    except ValueError:
        return None
