"""The published dataset as the web layer reads it: a store of the graph and what pages need.

The server and the static site both read a :class:`Publication`: a store of the dataset (a
pattern lookup costs microseconds, and SPARQL over it ~300 times less than rdflib's engine, see
PERFORMANCE.md) plus the indexes every page needs: labels per language, types, the dataset
description from ``void.ttl``, the shapes, the timeline and the search keys. It is built once
per process and only read afterwards, so threads may share it.

The store is one of three, all read through the two calls of :class:`GraphStore`:

- the build's persistent index (``dist/index``, see :mod:`canada_korea.index`), opened
  read-only: the default, since it opens in milliseconds whatever the size of the graph where
  parsing the dumps takes seconds (~10 s at 100x);
- an in-memory Store parsed from the dumps (:func:`load_store`), only when IRIs follow another
  ``base`` than the canonical ``https://w3id.org/canada-korea/`` (a server asked to answer with
  the address it is served at): the dump is rebased as it is read;
- a SPARQL endpoint the dumps were loaded into (:class:`.remote.RemoteStore`), for a front end
  that holds no copy of the graph at all.

Whatever the store, what pages read over the whole graph at start (labels, types, the
subjects of each namespace) is one pattern or query each, never a request per resource.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import pyoxigraph as ox

from ..index import index_path, open_index
from ..memo import Memo
from ..namespaces import BASE, PREFIXES

if TYPE_CHECKING:
    from ..query import NamedQuery

LANGUAGES = ("en", "fr", "ko")
"""The languages labels are written in; English is the one every resource has."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

TYPE = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
DESCRIPTION = ox.NamedNode(DCTERMS + "description")
COMMENT = ox.NamedNode(RDFS + "comment")
DESCRIPTION_FILES = ("void.ttl", "shapes.ttl", "ontology.ttl")
"""The published Turtle files pages read besides the graph: the dataset's description, the
shapes (for the notes on term pages) and the ontology document (``/ontology``)."""
KEPT_LOOKUPS = 1 << 16
"""How many answers of the store a publication keeps: a site renders each resource in three
languages, which ask the store the same questions (a value's sections, a resource's sources);
answered once, the pages take a sixth less time. A server keeps this many; a build, which
renders every resource once, keeps more (``site.SITE_LOOKUPS``)."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal
V = TypeVar("V")


class GraphStore(Protocol):
    """What a :class:`Publication` reads its graph through: a pyoxigraph ``Store`` (the
    build's index, or the dumps in memory) or a :class:`.remote.RemoteStore` (a SPARQL
    endpoint). The default graph is the union of all graphs, with the derived ``ck:statedIn``;
    the named graphs are the sections' and inferences'."""

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        object: Term | None,
        graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]: ...

    def query(self, query: str, *, prefixes: dict[str, str] | None = None) -> Any: ...


def node(iri: str) -> ox.NamedNode:
    """A pyoxigraph IRI term (a short name for the many lookups below)."""
    return ox.NamedNode(iri)


def rebase_text(text: str, base: str) -> str:
    """RDF text (N-Triples or Turtle, where every IRI is written ``<…>``) with the canonical
    base replaced by ``base``."""
    return text if base == BASE else text.replace("<" + BASE, "<" + base)


def rebased_prefixes(base: str) -> dict[str, str]:
    """The canonical prefix table, in its order, with the project's namespaces under ``base``."""
    return {
        prefix: base + iri.removeprefix(BASE) if iri.startswith(BASE) else iri
        for prefix, iri in PREFIXES
    }


def fold(text: str) -> str:
    """``text`` as search compares it: compatibility-decomposed, without combining marks, case
    folded. Hangul syllables decompose into jamo, so a partly typed syllable still matches."""
    return unicodedata.normalize("NFKD", text).translate(_UNMARKED).casefold()


class _Unmarked(dict[int, int | None]):
    """``str.translate``'s table that drops the combining marks (Unicode's categories M…) and
    keeps every other character, each looked up in Unicode's tables the first time it is met:
    the search index folds every label and description, and asking for each character's
    category in Python was most of that time."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)).startswith("M") else code
        self[code] = kept
        return kept


_UNMARKED = _Unmarked()


_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Distribution:
    """One published file as the VoID description lists it."""

    name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class DatasetSummary:
    """What the landing page says about the dataset, all read from ``void.ttl``."""

    iri: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    triples: int
    subjects: int
    classes: list[tuple[str, int]]
    examples: list[str]
    distributions: list[Distribution]
    licence: str
    sources: list[str]


@dataclass(frozen=True)
class ShapeNote:
    """A shape that constrains a term: its IRI and the sentence that says what it checks, in
    English (``text``) and in the other languages its ``rdfs:comment`` is written in
    (``translations``), so a French or Korean page need not show the English."""

    iri: str
    text: str
    translations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TimelineEntry:
    """A dated event or agreement: its date (and end) at the precision the graph holds."""

    iri: str
    date: ox.Literal
    end: ox.Literal | None


@dataclass(frozen=True)
class SearchEntry:
    """A page a search can find: the resource, the folded forms of its labels and of its
    descriptions (``dcterms:description``, ``rdfs:comment``), in every language."""

    iri: str
    keys: tuple[str, ...]
    texts: tuple[str, ...] = ()


_DATED = """VALUES ?top { ck:Event ck:Agreement }
    ?r a ?class . ?class rdfs:subClassOf* ?top .
    OPTIONAL { ?r ck:date ?on } OPTIONAL { ?r ck:startDate ?start }
    BIND(COALESCE(?on, ?start) AS ?date)
    FILTER(BOUND(?date) && DATATYPE(?date) != xsd:gMonthDay)"""
"""What puts a resource (``?r``) on the timeline: an event or an agreement whose ``?date`` (its
``ck:date``, else its ``ck:startDate``) has a year (see :attr:`Publication.timeline`)."""


class Publication:
    """The published graph and its indexes, read from one ``dist/`` folder, or from ``store``
    with the ``descriptions`` (each of :data:`DESCRIPTION_FILES` as a Store) when there is no
    folder (``dist`` None: a front end on a SPARQL endpoint).

    From a folder, ``index`` chooses the build's persistent index (opened in milliseconds at
    any size, but each lookup costs about three times as much: for a server, which must start
    at once and renders pages as they are asked for) over the dumps parsed into memory (a
    second or more per 100,000 triples, then the fastest lookups: for rendering every page of
    the static site)."""

    def __init__(
        self,
        dist: Path | None,
        queries: list[NamedQuery],
        base: str = BASE,
        *,
        store: GraphStore | None = None,
        descriptions: Mapping[str, ox.Store] | None = None,
        index: bool = False,
        kept: int = KEPT_LOOKUPS,
    ) -> None:
        self.dist = dist
        self.base = base
        self.queries = queries
        self.prefixes = rebased_prefixes(base)
        self._curies: dict[str, str] = {}
        self._kept = Memo(kept)
        self._terms: dict[str, ox.NamedNode] = {}
        if dist is None and (store is None or descriptions is None):
            raise ValueError("a publication reads a dist/ folder or a store and descriptions")
        # On disk, a lookup costs microseconds but reading a whole property about a second
        # at 100x: what pages need of every resource is then looked up as it is asked for.
        self._on_disk = index and store is None and base == BASE and index_path(dist).is_dir()  # type: ignore[arg-type]
        if store is None:
            store = open_index(index_path(dist)) if self._on_disk else load_store(dist, base)  # type: ignore[arg-type]
        self.store: GraphStore = store
        self._descriptions = dict(descriptions or {})
        self.void = self.description("void.ttl")
        self.shapes = self.description("shapes.ttl")
        self._columns: dict[str, dict[str, list[Term]]] = {}
        self.labels: Lookup[dict[str, str]] = Lookup(self._labels_of)
        self.types: Lookup[list[str]] = Lookup(self._types_of)
        if not self._on_disk:
            self.labels.fill(self._column(LABEL))
            self.types.fill(self._column(TYPE))

    def _labels_of(self, iri: str, values: list[Term] | None = None) -> dict[str, str] | None:
        """``iri``'s labels by language (the first in N-Triples order when a language has
        several, whichever way they were read); None when it has none."""
        if values is None:
            values = self._lookup(iri, LABEL)
        labels: dict[str, str] = {}
        for term in sorted(values, key=str):
            if isinstance(term, ox.Literal):
                labels.setdefault(term.language or "", term.value)
        return labels or None

    def _types_of(self, iri: str, values: list[Term] | None = None) -> list[str] | None:
        """``iri``'s types, sorted; None when it has none."""
        if values is None:
            values = self._lookup(iri, TYPE)
        return sorted(term.value for term in values) or None

    def _lookup(self, iri: str, predicate: ox.NamedNode) -> list[Term]:
        try:
            subject = node(iri)
        except ValueError:
            return []
        return [quad.object for quad in self.quads(subject, predicate, None)]  # type: ignore[misc]

    def description(self, name: str) -> ox.Store:
        """One of :data:`DESCRIPTION_FILES` as a Store (rebased): read from ``dist/`` once, or
        as given (a front end on an endpoint has them from the store's graphs)."""
        found = self._descriptions.get(name)
        if found is None:
            found = _parse_turtle(self.dist / name, self.base)  # type: ignore[operator]
            self._descriptions[name] = found
        return found

    # --- the store ---------------------------------------------------------------------------

    def quads(
        self,
        subject: ox.NamedNode | None,
        predicate: ox.NamedNode | None,
        obj: ox.NamedNode | ox.Literal | None,
    ) -> Iterator[ox.Quad]:
        """The matching statements of the union graph (the store's default graph), once each.
        From a remote store, a subject's values of a property read whole (labels, types, the
        texts search reads) come from that reading: it is asked once, not once per resource.
        A local store answers a lookup in microseconds, in its own order, whatever was read."""
        remote = not isinstance(self.store, ox.Store)
        if remote and subject is not None and predicate is not None and obj is None:
            column = self._columns.get(predicate.value)
            if column is not None:
                return iter(
                    [
                        ox.Quad(subject, predicate, term, ox.DefaultGraph())
                        for term in column.get(subject.value, ())
                    ]
                )
        return self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph())

    def _column(self, predicate: ox.NamedNode) -> dict[str, list[Term]]:
        """Every value of ``predicate`` by subject IRI: one pattern over the whole graph, kept
        (see :meth:`quads`)."""
        column = self._columns.get(predicate.value)
        if column is None:
            found: dict[str, list[Term]] = defaultdict(list)
            for quad in self.store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
                if isinstance(quad.subject, ox.NamedNode):
                    found[quad.subject.value].append(quad.object)  # type: ignore[arg-type]
            column = self._columns[predicate.value] = dict(found)
        return column

    @cached_property
    def graph_sizes(self) -> dict[str, int]:
        """The number of triples in each named graph (section or inference), by its IRI.

        Counted by the store (one query, not a scan of every quad here): the dataset's named
        graphs are its sections' and inferences', all under ``id/``, so a store's other graphs
        (a SPARQL endpoint's own, the description files') are not counted."""
        answer = self.store.query(
            """SELECT ?g (COUNT(*) AS ?n) WHERE {
                GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(ckr:)))
            } GROUP BY ?g""",
            prefixes=self.prefixes,
        )
        return {row["g"].value: int(row["n"].value) for row in answer}

    @cached_property
    def default_graph_size(self) -> int:
        """The number of triples of the default graph: the union queries see."""
        return self.count(None, None, None)

    def count(
        self,
        subject: ox.NamedNode | None,
        predicate: ox.NamedNode | None,
        obj: ox.NamedNode | ox.Literal | None,
    ) -> int:
        """The number of matching statements of the union graph, counted by the store: a local
        one counts its pattern's matches, a remote one answers one COUNT query."""
        if isinstance(self.store, ox.Store):
            return sum(1 for _ in self.quads(subject, predicate, obj))
        terms = [
            str(term) if term is not None else f"?{name}"
            for name, term in (("s", subject), ("p", predicate), ("o", obj))
        ]
        answer = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {' '.join(terms)} }}")
        return int(next(iter(answer))["n"].value)

    def graphs_stating(
        self,
        subject: ox.NamedNode,
        predicate: ox.NamedNode,
        obj: ox.NamedNode | ox.Literal,
    ) -> list[str]:
        """The named graphs (sections and inferences) that hold this statement, sorted."""
        stating = self._kept(("graphs", subject), self._graphs_stating, subject)
        return list(stating.get((predicate, obj), ()))

    def _graphs_stating(self, subject: ox.NamedNode) -> dict[tuple[Term, Term], list[str]]:
        """Each statement about ``subject`` (its predicate and object) and the named graphs
        that hold it, sorted: read in one lookup, where a page asks about each of its
        subject's statements in turn (a third of the time of a lookup per statement at 100x,
        and one request to a remote store instead of one per statement)."""
        stating = defaultdict(list)
        for quad in self.store.quads_for_pattern(subject, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                stating[quad.predicate, quad.object].append(quad.graph_name.value)
        return {statement: sorted(graphs) for statement, graphs in stating.items()}

    # --- names -----------------------------------------------------------------------------

    def ck(self, name: str) -> ox.NamedNode:
        """A term of the ontology (``ck:name``) under this publication's base (made once:
        a site's pages ask for a few terms hundreds of thousands of times)."""
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = node(self.prefixes["ck"] + name)
        return term

    def curie(self, iri: str) -> str:
        """``iri`` written with the longest matching canonical prefix, else whole."""
        known = self._curies.get(iri)
        if known is None:
            best = ""
            for prefix, namespace in self.prefixes.items():
                if iri.startswith(namespace) and len(namespace) > len(self.prefixes.get(best, "")):
                    best = prefix
            known = f"{best}:{iri[len(self.prefixes[best]) :]}" if best else iri
            self._curies[iri] = known
        return known

    def label(self, iri: str, lang: str) -> str:
        """The label in ``lang``, else English, else any, else the CURIE: never empty."""
        labels = self.labels.get(iri)
        if not labels:
            return self.curie(iri)
        return labels.get(lang) or labels.get("en") or labels[sorted(labels)[0]]

    def is_page(self, iri: str) -> bool:
        """Whether ``iri`` has a page of its own: a resource, an ontology term or the ontology.
        On disk, until every page has been listed, one lookup: whether it is a subject."""
        if "_pages" in self.__dict__ or not self._on_disk:
            return iri in self._pages
        if iri == self.ontology_iri:
            return True
        if not iri.startswith((self.prefixes["ckr"], self.prefixes["ck"])):
            return False
        try:
            subject = node(iri)
        except ValueError:
            return False
        return next(self.quads(subject, None, None), None) is not None

    @cached_property
    def _pages(self) -> frozenset[str]:
        return frozenset([*self.resources, *self.terms, self.ontology_iri])

    @cached_property
    def resources(self) -> list[str]:
        """Every described resource under ``id/``, sorted."""
        return self._subjects_under(self.prefixes["ckr"])

    @cached_property
    def terms(self) -> list[str]:
        """Every described ontology term under ``def/``, sorted."""
        return self._subjects_under(self.prefixes["ck"])

    @cached_property
    def _subjects(self) -> list[str]:
        """Every subject IRI of the union graph, sorted. One query: the store compares
        internal identifiers and writes each subject once (0.4 s for 450,000 triples on disk,
        where filtering them by namespace in the query writes every triple's subject: 1.6 s)."""
        answer = self.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")
        return sorted(row["s"].value for row in answer if isinstance(row["s"], ox.NamedNode))

    @property
    def ontology_iri(self) -> str:
        return self.base + "ontology"

    def _subjects_under(self, namespace: str) -> list[str]:
        return [iri for iri in self._subjects if iri.startswith(namespace)]

    # --- lookups ---------------------------------------------------------------------------

    def objects(self, subject: str, predicate: ox.NamedNode) -> list[ox.NamedNode | ox.Literal]:
        """The values of ``predicate`` on ``subject``, sorted by their N-Triples form."""
        return list(self._kept(("objects", subject, predicate), self._objects, subject, predicate))

    def _objects(self, subject: str, predicate: ox.NamedNode) -> tuple[Term, ...]:
        found = self.quads(node(subject), predicate, None)
        return tuple(sorted((quad.object for quad in found), key=str))

    def label_statements(self, subject: ox.NamedNode | ox.BlankNode) -> tuple[ox.Triple, ...]:
        """The labels of ``subject`` as statements, sorted: what a resource's description says
        of each resource it links to. Remembered: the sections, documents and classes one
        resource links to are linked from thousands (at 100x a description took half the time
        looking each one's labels up anew)."""
        return self._kept(("labels", subject), self._label_statements, subject)

    def _label_statements(self, subject: ox.NamedNode | ox.BlankNode) -> tuple[ox.Triple, ...]:
        return tuple(quad.triple for quad in sorted(self.quads(subject, LABEL, None), key=str))

    def subjects(self, predicate: ox.NamedNode, obj: str) -> list[str]:
        """The subjects (an IRI, or a blank node's label) whose ``predicate`` is the IRI
        ``obj``, each once, sorted."""
        return list(self._kept(("subjects", predicate, obj), self._subjects_of, predicate, obj))

    def _subjects_of(self, predicate: ox.NamedNode, obj: str) -> tuple[str, ...]:
        found = self.quads(None, predicate, node(obj))
        return tuple(sorted({quad.subject.value for quad in found}))

    def value(self, subject: str, predicate: ox.NamedNode) -> ox.NamedNode | ox.Literal | None:
        """One value of ``predicate`` on ``subject`` (the first in sort order), or None."""
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def localized(self, subject: str, predicate: ox.NamedNode) -> dict[str, str]:
        """The language-tagged values of ``predicate`` on ``subject``, by language."""
        return {
            term.language or "": term.value
            for term in self.objects(subject, predicate)
            if isinstance(term, ox.Literal)
        }

    def count_instances(self, cls: str) -> int:
        """Resources typed ``cls`` directly (as VoID counts them)."""
        return self.count(None, TYPE, node(cls))

    def count_uses(self, predicate: str) -> int:
        """Triples whose predicate is ``predicate``."""
        return self.count(None, node(predicate), None)

    # --- the dataset description -------------------------------------------------------------

    @cached_property
    def dataset(self) -> DatasetSummary:
        """The dataset as ``void.ttl`` describes it: size, classes, examples, files, licence."""
        void = self.void
        dataset = next(void.quads_for_pattern(None, TYPE, node(VOID + "Dataset"))).subject

        def one(subject: ox.NamedNode, predicate: str) -> ox.NamedNode | ox.Literal | None:
            found = sorted(
                (quad.object for quad in void.quads_for_pattern(subject, node(predicate), None)),
                key=str,
            )
            return found[0] if found else None  # type: ignore[return-value]

        def many(subject: ox.NamedNode, predicate: str) -> list[ox.NamedNode | ox.Literal]:
            quads = void.quads_for_pattern(subject, node(predicate), None)
            return sorted((quad.object for quad in quads), key=str)  # type: ignore[misc]

        classes = []
        for partition in many(dataset, VOID + "classPartition"):
            cls, entities = one(partition, VOID + "class"), one(partition, VOID + "entities")
            classes.append((cls.value, int(entities.value)))  # type: ignore[union-attr]
        classes.sort(key=lambda item: (-item[1], self.curie(item[0])))
        distributions = []
        for distribution in many(dataset, DCAT + "distribution"):
            checksum = one(distribution, SPDX + "checksum")
            distributions.append(
                Distribution(
                    name=one(distribution, DCTERMS + "title").value,  # type: ignore[union-attr]
                    media_type=one(distribution, DCAT + "mediaType").value.removeprefix(  # type: ignore[union-attr]
                        IANA_MEDIA_TYPES
                    ),
                    size=int(one(distribution, DCAT + "byteSize").value),  # type: ignore[union-attr]
                    sha256=one(checksum, SPDX + "checksumValue").value,  # type: ignore[arg-type,union-attr]
                )
            )
        distributions.sort(key=lambda item: item.name)

        def by_language(predicate: str) -> dict[str, str]:
            return {
                term.language or "": term.value
                for term in many(dataset, predicate)
                if isinstance(term, ox.Literal)
            }

        return DatasetSummary(
            iri=dataset.value,
            titles=by_language(DCTERMS + "title"),
            descriptions=by_language(DCTERMS + "description"),
            triples=int(one(dataset, VOID + "triples").value),  # type: ignore[union-attr]
            subjects=int(one(dataset, VOID + "distinctSubjects").value),  # type: ignore[union-attr]
            classes=classes,
            examples=[term.value for term in many(dataset, VOID + "exampleResource")],
            distributions=distributions,
            licence=one(dataset, DCTERMS + "license").value,  # type: ignore[union-attr]
            sources=[term.value for term in many(dataset, DCTERMS + "source")],
        )

    # --- the ontology --------------------------------------------------------------------------

    def terms_of_kind(self, kind: str) -> list[str]:
        """Ontology terms typed ``kind`` (an IRI such as ``owl:Class``), sorted by IRI."""
        return [term for term in self.terms if kind in self.types.get(term, [])]

    @cached_property
    def shape_notes(self) -> dict[str, list[ShapeNote]]:
        """For each class or property, the named shapes that constrain it: the shapes that
        target the class (or the subjects or objects of the property) and the shapes that
        hold a property shape on the property, however deeply nested in blank nodes."""
        shapes = self.shapes
        notes: dict[str, set[str]] = defaultdict(set)
        for target in ("targetClass", "targetSubjectsOf", "targetObjectsOf"):
            for quad in shapes.quads_for_pattern(None, node(SH + target), None):
                notes[quad.object.value].update(self._named_owners(quad.subject))
        for quad in shapes.quads_for_pattern(None, node(SH + "path"), None):
            if isinstance(quad.object, ox.NamedNode):
                notes[quad.object.value].update(self._named_owners(quad.subject))
        return {
            term: [
                ShapeNote(iri, self._shape_text(iri), self._shape_translations(iri))
                for iri in sorted(owners)
            ]
            for term, owners in notes.items()
        }

    def _named_owners(self, shape: ox.NamedNode | ox.BlankNode) -> set[str]:
        """The named shapes ``shape`` is, or is nested in (through lists, sh:or, sh:property…)."""
        owners, seen, pending = set(), set(), [shape]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            if isinstance(current, ox.NamedNode):
                owners.add(current.value)
                continue
            pending.extend(
                quad.subject for quad in self.shapes.quads_for_pattern(None, None, current)
            )
        return owners

    def _shape_translations(self, iri: str) -> dict[str, str]:
        """The shape's ``rdfs:comment`` in each language but English, by language."""
        return {
            quad.object.language: quad.object.value
            for quad in self.shapes.quads_for_pattern(node(iri), node(RDFS + "comment"), None)
            if isinstance(quad.object, ox.Literal) and quad.object.language not in ("", "en")
        }

    def _shape_text(self, iri: str) -> str:
        """The sentence that says what the shape checks, in English: its ``rdfs:comment``, which
        :meth:`_shape_translations` gives in the other languages, else its ``sh:message`` (a
        property shape's comments translate its message), else its label. A node shape with
        both says what it checks as a whole in its comment, and one of its constraints in its
        message: the English pages showed the message where the others showed the comment."""
        for predicate in (RDFS + "comment", SH + "message", RDFS + "label"):
            found = sorted(
                quad.object.value
                for quad in self.shapes.quads_for_pattern(node(iri), node(predicate), None)
                if isinstance(quad.object, ox.Literal) and (quad.object.language or "en") == "en"
            )
            if found:
                return found[0]
        return ""

    # --- timeline and search -----------------------------------------------------------------

    @cached_property
    def timeline(self) -> list[TimelineEntry]:
        """Every event and agreement with a ``ck:date`` (else its ``ck:startDate``), in date
        order (mixed precisions compare by their lexical form, which starts with the year),
        then by English label. A day with no year (``xsd:gMonthDay``: a yearly day, or a date
        printed without its year) has no place on a time axis and is left out."""
        answer = self.store.query(
            f"SELECT DISTINCT ?r ?date ?end WHERE {{ {_DATED} OPTIONAL {{ ?r ck:endDate ?end }} }}",
            prefixes=self.prefixes,
        )
        entries = {
            TimelineEntry(row["r"].value, row["date"], row["end"])  # type: ignore[index,union-attr]
            for row in answer  # type: ignore[union-attr]
        }
        return sorted(
            entries,
            key=lambda e: (e.date.value, self.label(e.iri, "en").casefold(), e.iri),
        )

    @cached_property
    def temporal_coverage(self) -> tuple[str, str] | None:
        """The first and the last year of the timeline (years before the common era left
        out), or None when nothing is dated: asked of the store as two numbers, where the
        timeline itself (every entry, sorted by label) took most of the landing page's first
        rendering at 100x, which a server's start-up waits for."""
        answer = self.store.query(
            f"""SELECT (MIN(?year) AS ?first) (MAX(?year) AS ?last) WHERE {{
                {_DATED} FILTER(!STRSTARTS(STR(?date), "-"))
                BIND(SUBSTR(STR(?date), 1, 4) AS ?year)
            }}""",
            prefixes=self.prefixes,
        )
        row = next(iter(answer), None)  # type: ignore[call-overload]
        first, last = (row["first"], row["last"]) if row is not None else (None, None)
        if first is None or last is None:
            return None
        return first.value, last.value

    @cached_property
    def search_entries(self) -> list[SearchEntry]:
        """Every page with the folded form of each of its labels, alternative labels and
        descriptions: one pattern per property over the whole graph (not four lookups per
        page, which a remote store would answer with a request each)."""
        columns = {p.value: self._column(p) for p in (LABEL, ALT_LABEL, DESCRIPTION, COMMENT)}

        def text(iri: str, predicate: ox.NamedNode) -> list[str]:
            values = columns[predicate.value].get(iri, [])
            return [term.value for term in sorted(values, key=str)]

        entries = []
        for iri in [*self.resources, *self.terms]:
            names = text(iri, LABEL) + text(iri, ALT_LABEL)
            texts = text(iri, DESCRIPTION) + text(iri, COMMENT)
            entries.append(
                SearchEntry(
                    iri,
                    tuple(dict.fromkeys(fold(name) for name in names)),
                    tuple(dict.fromkeys(fold(text) for text in texts)),
                )
            )
        return entries

    def search(self, text: str) -> list[str]:
        """Every page whose label (any language), alternative label or description has a word
        starting with each word of ``text``, ignoring case and accents: exact label matches
        first, then labels starting with the text, then other label matches, then pages
        found by their description only; each group by English label."""
        query = fold(text).strip()
        words = _WORD.findall(query)
        if not words:
            return []
        ranked = []
        for entry in self.search_entries:
            rank = _rank(entry.keys, query, words)
            if rank is None and _rank(entry.texts, query, words) is not None:
                rank = 3
            if rank is not None:
                ranked.append((rank, self.label(entry.iri, "en").casefold(), entry.iri))
        return [iri for _rank_, _label, iri in sorted(ranked)]


class Lookup(Generic[V]):
    """What pages read of each resource (its labels, its types) by IRI, with ``get`` as a dict
    has: filled at once from a property read whole (:meth:`fill`), else looked up the first
    time an IRI is asked for and kept. Threads may share it: two threads looking up the same
    IRI at once find the same answer."""

    def __init__(self, lookup: Callable[..., V | None]) -> None:
        self._lookup = lookup
        self._known: dict[str, V | None] = {}
        self._complete = False

    def fill(self, column: Mapping[str, list[Term]]) -> None:
        """Every IRI's value, from all the values of the property by subject."""
        self._known = {iri: self._lookup(iri, values) for iri, values in column.items()}
        self._complete = True

    def get(self, iri: str, default: V | None = None) -> V | None:
        try:
            found = self._known[iri]
        except KeyError:
            found = None if self._complete else self._lookup(iri)
            if not self._complete:
                self._known[iri] = found
        return default if found is None else found


def query_words(text: str) -> list[str]:
    """The folded words of a search, as :meth:`Publication.search` matches them."""
    return _WORD.findall(fold(text))


def matched_spans(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each marked whether it is a word a search for ``words``
    (folded, from :func:`query_words`) matched: what a results page highlights."""
    pieces: list[tuple[str, bool]] = []
    end = 0
    for match in _WORD.finditer(text):
        if any(fold(match.group()).startswith(word) for word in words):
            if match.start() > end:
                pieces.append((text[end : match.start()], False))
            pieces.append((match.group(), True))
            end = match.end()
    if end < len(text):
        pieces.append((text[end:], False))
    return pieces


def _rank(keys: Iterable[str], query: str, words: list[str]) -> int | None:
    best = None
    for key in keys:
        key_words = _WORD.findall(key)
        if not all(any(kw.startswith(word) for kw in key_words) for word in words):
            continue
        rank = 0 if key == query else 1 if key.startswith(query) else 2
        best = rank if best is None else min(best, rank)
    return best


def open_store(dist: Path, base: str = BASE) -> ox.Store:
    """The build ``dist`` as a Store: its persistent index opened read-only when IRIs stay
    canonical (milliseconds, and the graph stays on disk, shared through the page cache by
    every process that opens it), else the dumps parsed into memory and rebased.

    A build without an index (made before there was one) is parsed too."""
    index = index_path(dist)
    if base == BASE and index.is_dir():
        return open_index(index)
    return load_store(dist, base)


def load_store(dist: Path, base: str = BASE) -> ox.Store:
    """An in-memory Store of a build, rebased to ``base``, laid out as queries see the dataset:
    the union graph (the N-Triples dump, with the derived ``ck:statedIn``) is the default
    graph, and each section's and inference's graph (from the N-Quads dump) is a named graph,
    so ``GRAPH ?section { … }`` says who states a triple."""
    store = ox.Store()
    for name, rdf_format in (
        ("canada-korea.nt", ox.RdfFormat.N_TRIPLES),
        ("canada-korea.nq", ox.RdfFormat.N_QUADS),
    ):
        dump = dist / name
        if base == BASE:
            store.bulk_load(path=str(dump), format=rdf_format)
        else:
            text = rebase_text(dump.read_text("utf-8"), base)
            store.bulk_load(input=text.encode("utf-8"), format=rdf_format)
    return store


def _parse_turtle(path: Path, base: str) -> ox.Store:
    store = ox.Store()
    text = rebase_text(path.read_text("utf-8"), base)
    store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store
