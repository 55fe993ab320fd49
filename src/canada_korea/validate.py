"""SHACL validation, turned into entries a person can act on.

pySHACL runs with ``inference="none"``: SHACL's own ``rdfs:subClassOf`` handling of
``sh:targetClass`` and ``sh:class`` over the ontology (which is part of the data graph) is all
the shapes need, and whole-graph inference would cost more than the validation itself
(see ``../shared/PERFORMANCE.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH

from .namespaces import CK

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True, order=True)
class Entry:
    """One problem: where (focus node, property, value), what is wrong, and which shape says so.

    Terms are written in prefixed form so a report reads like the Turtle it is about.
    """

    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    constraint: str

    def describe(self) -> str:
        """The entry as one readable line."""
        parts = [f"{self.severity}: {self.focus}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message} (shape {self.shape})"


@dataclass
class ValidationResult:
    """Whether the graph conforms, one entry per problem (worst first), and the report graph."""

    conforms: bool
    entries: list[Entry] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.severity == "Violation"]


def validate_graph(
    data: Graph, shapes: Graph, focus_nodes: Iterable[Node] | None = None
) -> ValidationResult:
    """Validate ``data`` against ``shapes``; only violations make it non-conforming.

    ``focus_nodes`` restricts validation to those resources (and what their shapes reach),
    which is how a small patch is checked quickly against the whole graph.
    """
    focus = set(focus_nodes) if focus_nodes is not None else None
    if focus is not None:
        shapes = focused_shapes(shapes, data, focus)
    conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    entries = list(_entries(report, data, shapes))
    entries += undefined_terms(data, focus)
    entries.sort(key=_sort_key)
    conforms = bool(conforms) and not any(e.severity == "Violation" for e in entries)
    return ValidationResult(conforms=conforms, entries=entries, report=report)


TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


def focused_shapes(shapes: Graph, data: Graph, focus: set[Node]) -> Graph:
    """A copy of ``shapes`` whose targets are only the focus nodes each shape would target.

    pySHACL's own ``focus_nodes`` option also filters the value nodes of nested shapes
    (``sh:or``, ``sh:qualifiedValueShape``), so literals there are skipped and violations are
    missed; rewriting the targets as ``sh:targetNode`` gives the same result as a full run.
    """
    focused = Graph()
    for triple in shapes:
        if triple[1] not in TARGETS:
            focused.add(triple)
    for shape in set(shapes.subjects(predicate=None, object=None)):
        if not any((shape, target, None) in shapes for target in TARGETS):
            continue
        for node in focus:
            if _targets(shapes, shape, data, node):
                focused.add((shape, SH.targetNode, node))
    return focused


def _targets(shapes: Graph, shape: Node, data: Graph, node: Node) -> bool:
    """Whether ``shape`` targets ``node`` in ``data``, by any of SHACL's core target kinds."""
    if (shape, SH.targetNode, node) in shapes:
        return True
    if any((node, p, None) in data for p in shapes.objects(shape, SH.targetSubjectsOf)):
        return True
    if any((None, p, node) in data for p in shapes.objects(shape, SH.targetObjectsOf)):
        return True
    classes = set(shapes.objects(shape, SH.targetClass))
    if not classes:
        return False
    types = {
        ancestor
        for cls in data.objects(node, RDF.type)
        for ancestor in data.transitive_objects(cls, RDFS.subClassOf)
    }
    return bool(classes & types)


def undefined_terms(data: Graph, focus: set[Node] | None = None) -> list[Entry]:
    """Terms from the ontology's namespace that the ontology does not define: almost always typos.

    One pass over the triples; as a SHACL-SPARQL constraint run per node it cost seconds.
    """
    namespace = str(CK)
    defined = {term for term in data.subjects(RDF.type) if str(term).startswith(namespace)}
    entries = []
    for subject, predicate, obj in data:
        if focus is not None and subject not in focus:
            continue
        for term in (predicate, obj):
            if isinstance(term, URIRef) and term.startswith(namespace) and term not in defined:
                entries.append(
                    Entry(
                        severity="Violation",
                        focus=_show(subject, data),
                        path=_show(predicate, data),
                        value=_show(term, data),
                        message=f"{_show(term, data)} is not defined by the ontology (a typo?)",
                        shape="the ontology",
                        constraint="UndefinedTermConstraintComponent",
                    )
                )
    return entries


def _sort_key(entry: Entry) -> tuple[int, Entry]:
    return SEVERITY_ORDER.get(entry.severity, 3), entry


def _entries(report: Graph, data: Graph, shapes: Graph) -> Iterable[Entry]:
    for result in report.subjects(RDF.type, SH.ValidationResult):

        def term(predicate: Node, node: Node = result) -> str:
            value = report.value(node, predicate)
            return _show(value, data) if value is not None else ""

        severity = report.value(result, SH.resultSeverity)
        yield Entry(
            severity=_local(severity) if severity is not None else "Violation",
            focus=term(SH.focusNode),
            path=term(SH.resultPath),
            value=term(SH.value),
            message=str(report.value(result, SH.resultMessage) or "does not conform"),
            shape=_shape_name(report.value(result, SH.sourceShape), data, shapes),
            constraint=_local(report.value(result, SH.sourceConstraintComponent)),
        )


def _shape_name(shape: Node | None, data: Graph, shapes: Graph) -> str:
    """A shape's IRI; an anonymous property shape is named by its node shape and path."""
    if shape is None:
        return ""
    if not isinstance(shape, BNode):
        return _show(shape, data)
    owner = shapes.value(predicate=SH.property, object=shape)
    path = shapes.value(shape, SH.path)
    owner_name = _shape_name(owner, data, shapes) if owner is not None else "(anonymous shape)"
    return f"{owner_name} {_show(path, data)}" if path is not None else owner_name


def _local(node: Node | None) -> str:
    text = str(node or "")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _show(node: Node, data: Graph) -> str:
    """A term in prefixed form where the data graph knows the prefix, else in N-Triples form."""
    return node.n3(data.namespace_manager)
