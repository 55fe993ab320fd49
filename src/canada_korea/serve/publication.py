"""The published dataset as the web layer reads it: a built ``dist/`` parsed once into memory.

The server and the static site both read a :class:`Publication`: a pyoxigraph Store of the
N-Triples dump (a pattern lookup costs microseconds, and SPARQL over it ~300 times less than
rdflib's engine, see PERFORMANCE.md) plus the indexes every page needs: labels per language,
types, the dataset description from ``void.ttl``, the shapes, the timeline and the search keys.
It is built once per process and only read afterwards, so threads may share it.

IRIs follow ``base``: the canonical ``https://w3id.org/canada-korea/`` unless a server is asked
to answer with the address it is served at, in which case the dump is rebased as it is read.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

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
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).casefold()


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
    """A shape that constrains a term: its IRI and the sentence that says what it checks."""

    iri: str
    text: str


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


class Publication:
    """The published graph and its indexes, read from one ``dist/`` folder."""

    def __init__(self, dist: Path, queries: list[NamedQuery], base: str = BASE) -> None:
        self.dist = dist
        self.base = base
        self.queries = queries
        self.prefixes = rebased_prefixes(base)
        self._curies: dict[str, str] = {}
        self.store = load_store(dist, base)
        self.void = _parse_turtle(dist / "void.ttl", base)
        self.shapes = _parse_turtle(dist / "shapes.ttl", base)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for quad in self.quads(None, LABEL, None):
            if isinstance(quad.object, ox.Literal):
                self.labels[quad.subject.value][quad.object.language or ""] = quad.object.value
        self.types: dict[str, list[str]] = defaultdict(list)
        for quad in self.quads(None, TYPE, None):
            self.types[quad.subject.value].append(quad.object.value)
        for types in self.types.values():
            types.sort()

    # --- the store ---------------------------------------------------------------------------

    def quads(
        self,
        subject: ox.NamedNode | None,
        predicate: ox.NamedNode | None,
        obj: ox.NamedNode | ox.Literal | None,
    ) -> Iterator[ox.Quad]:
        """The matching statements of the union graph (the store's default graph), once each."""
        return self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph())

    @cached_property
    def graph_sizes(self) -> dict[str, int]:
        """The number of triples in each named graph (section or inference), by its IRI."""
        sizes: dict[str, int] = defaultdict(int)
        for quad in self.store.quads_for_pattern(None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                sizes[quad.graph_name.value] += 1
        return dict(sizes)

    @cached_property
    def default_graph_size(self) -> int:
        """The number of triples of the default graph: the union queries see."""
        return sum(1 for _ in self.quads(None, None, None))

    def graphs_stating(
        self,
        subject: ox.NamedNode,
        predicate: ox.NamedNode,
        obj: ox.NamedNode | ox.Literal,
    ) -> list[str]:
        """The named graphs (sections and inferences) that hold this statement, sorted."""
        return sorted(
            quad.graph_name.value
            for quad in self.store.quads_for_pattern(subject, predicate, obj)
            if isinstance(quad.graph_name, ox.NamedNode)
        )

    # --- names -----------------------------------------------------------------------------

    def ck(self, name: str) -> ox.NamedNode:
        """A term of the ontology (``ck:name``) under this publication's base."""
        return node(self.prefixes["ck"] + name)

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
        """Whether ``iri`` has a page of its own: a resource, an ontology term or the ontology."""
        return iri in self._pages

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

    @property
    def ontology_iri(self) -> str:
        return self.base + "ontology"

    def _subjects_under(self, namespace: str) -> list[str]:
        subjects = {
            quad.subject.value
            for quad in self.quads(None, None, None)
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(namespace)
        }
        return sorted(subjects)

    # --- lookups ---------------------------------------------------------------------------

    def objects(self, subject: str, predicate: ox.NamedNode) -> list[ox.NamedNode | ox.Literal]:
        """The values of ``predicate`` on ``subject``, sorted by their N-Triples form."""
        found = self.quads(node(subject), predicate, None)
        return sorted((quad.object for quad in found), key=str)  # type: ignore[misc]

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
        return sum(1 for _ in self.quads(None, TYPE, node(cls)))

    def count_uses(self, predicate: str) -> int:
        """Triples whose predicate is ``predicate``."""
        return sum(1 for _ in self.quads(None, node(predicate), None))

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
            term: [ShapeNote(iri, self._shape_text(iri)) for iri in sorted(owners)]
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

    def _shape_text(self, iri: str) -> str:
        for predicate in (SH + "message", RDFS + "comment", RDFS + "label"):
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
            """SELECT DISTINCT ?r ?date ?end WHERE {
                VALUES ?top { ck:Event ck:Agreement }
                ?r a ?class . ?class rdfs:subClassOf* ?top .
                OPTIONAL { ?r ck:date ?on } OPTIONAL { ?r ck:startDate ?start }
                OPTIONAL { ?r ck:endDate ?end }
                BIND(COALESCE(?on, ?start) AS ?date)
                FILTER(BOUND(?date) && DATATYPE(?date) != xsd:gMonthDay)
            }""",
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
    def search_entries(self) -> list[SearchEntry]:
        """Every page with the folded form of each of its labels, alternative labels and
        descriptions."""
        entries = []
        for iri in [*self.resources, *self.terms]:
            names = [term.value for term in self.objects(iri, LABEL)]
            names += [term.value for term in self.objects(iri, ALT_LABEL)]
            texts = [term.value for term in self.objects(iri, node(DCTERMS + "description"))]
            texts += [term.value for term in self.objects(iri, node(RDFS + "comment"))]
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
