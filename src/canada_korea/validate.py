"""SHACL validation plus the checks SHACL cannot say, turned into entries a person can act on.

SHACL runs with ``inference="none"``: SHACL's own ``rdfs:subClassOf`` handling of
``sh:targetClass`` and ``sh:class`` over the ontology (which is part of the data graph) is all
the shapes need, and whole-graph inference would cost more than the validation itself
(see ``../shared/PERFORMANCE.md``). A contribution is checked in the context of the published
graph but only on the resources it touches, which keeps a small patch well under a second.

The shapes are checked by pyshacl-turbo, a Rust engine with pySHACL's API: 15-20x faster than
pySHACL on the whole graph (the build), and a tenth of a second quicker on a contribution's
few nodes. pySHACL is the reference it is held to: the same entries on the shipped graph and
on every crafted bad case, full and focused (``tests/test_shapes.py`` keeps that true).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rdflib import BNode, Dataset, Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from .load import Contribution, collection_paused, rdflib_quads
from .namespaces import CK, CKR, new_dataset, new_graph
from .provenance import (
    Problem,
    graph_name,
    graph_of,
    model_problems,
    published_statements,
    quad_problems,
    union,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

Triple = tuple[Node, Node, Node]

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass(frozen=True)
class Entry:
    """One problem: where (file, line, focus node, property, value), what is wrong, and which
    shape or check says so. Terms are in prefixed form, so a report reads like Turtle."""

    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    constraint: str
    file: str = ""
    line: int | None = None
    node: Node | None = field(default=None, compare=False, repr=False)
    predicate: Node | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """The entry as one readable line."""
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        where = where or (f"{self.file}: " if self.file else "")
        parts = [f"{where}{self.severity}: {self.focus}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message} (shape {self.shape})"

    def as_dict(self) -> dict[str, object]:
        """The entry for JSON reports."""
        return {
            "severity": self.severity,
            "file": self.file or None,
            "line": self.line,
            "focus": self.focus,
            "path": self.path or None,
            "value": self.value or None,
            "message": self.message,
            "shape": self.shape,
            "constraint": self.constraint,
        }


@dataclass
class ValidationResult:
    """Whether the graph conforms, one entry per problem (worst first), and the report graph
    (a standard SHACL validation report that also holds the non-SHACL checks' results)."""

    conforms: bool
    entries: list[Entry] = field(default_factory=list)
    report: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.severity == "Violation"]

    @property
    def warnings(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.severity == "Warning"]


def validate_graph(
    data: Graph, shapes: Graph, focus_nodes: Iterable[Node] | None = None
) -> ValidationResult:
    """Validate ``data`` against ``shapes``; only violations make it non-conforming.

    ``focus_nodes`` restricts validation to those resources, which is how a small patch is
    checked quickly against the whole graph.
    """
    focus = set(focus_nodes) if focus_nodes is not None else None
    if focus is not None:
        shapes = focused_shapes(shapes, data, focus)
    return _validated(data, data, data, shapes, focus)


def _validated(
    shacl_data: object,
    triples: Collection[Triple],
    names: Graph,
    shapes: Graph,
    focus: set[Node] | None = None,
) -> ValidationResult:
    """The shapes' findings on ``shacl_data`` (what the SHACL engine reads: a graph, or the
    same statements encoded as it reads them, see :func:`_shacl_input`) and the undefined
    terms among ``triples``, terms shown with the prefixes of ``names``."""
    _conforms, report, _text = shacl_engine()(
        shacl_data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
    entries = list(_shacl_entries(report, names, shapes))
    for entry in undefined_terms(triples, names, focus):
        entries.append(entry)
        _report_result(report, entry)
    return _finish(entries, report)


def shacl_engine() -> Callable[..., tuple[bool, Graph, str]]:
    """pyshacl-turbo's ``validate``, for whole graphs (the build) and contributions alike: it
    takes pySHACL's arguments and gives its report (tests/test_shapes.py shows it on every
    crafted bad case, whole and focused), 15-20x faster on the whole graph and a tenth of a
    second less on a patch. Imported on first use, as the commands that only query need none."""
    from pyshacl_turbo import validate as turbo_validate

    return turbo_validate  # type: ignore[no-any-return]


@collection_paused()
def check_sources(sources: list[ox.Quad], shapes: Graph) -> ValidationResult:
    """:func:`check_dataset` on the sources as the build reads them (``load.read_sources``):
    the build runs this in a process of its own while it writes the dumps and the site. No
    rdflib graph is built, which at 100x took 6 s and 700 MB for the dataset, 5 s and 350 MB
    for the union graph: the model's rules read the statements as a list in rdflib's terms
    (``provenance.quad_problems``), the shapes engine and the check for undefined terms the
    distinct triples of the published statements (``provenance.published_statements``), each
    term made once for all of them."""
    made: dict[object, Node] = {}
    problems = quad_problems(list(rdflib_quads(sources, made)))
    # Shared terms, so distinct by identity: hashing rdflib's terms is Python code.
    triples = list(
        {
            (id(s), id(p), id(o)): (s, p, o)
            for s, p, o, _graph in rdflib_quads(published_statements(sources), made)
        }.values()
    )
    names = new_graph()
    result = _validated(_shacl_input(triples, names), triples, names, shapes)
    return _checked(result, names, problems)


def _shacl_input(triples: list[Triple], names: Graph) -> object:
    """``triples`` as pyshacl-turbo reads a data graph, without a graph to read them from:
    each distinct term once (found by identity: ``triples`` share their terms), each triple as
    the numbers of its terms. pyshacl-turbo encodes an rdflib graph so, term by term, which
    took 4 s at 100x; here 0.5 s. (Its other inputs do not serve: N-Triples text held 200 MB
    at 100x, and a pyoxigraph store is read as typing a plain literal ``xsd:string``, which
    then differs from a plain literal in the shapes.)"""
    from pyshacl_turbo.rdf import Input
    from pyshacl_turbo.term_input import _TermBatch

    blank_nodes: dict[str, BNode] = {}
    batch = _TermBatch(blank_nodes)
    numbers: dict[int, int] = {}

    def number(term: Node) -> int:
        found = numbers.get(id(term))
        if found is None:
            found = numbers[id(term)] = batch.intern(term)
        return found  # type: ignore[no-any-return]

    encoded = [(number(s), number(p), number(o), None) for s, p, o in triples]
    return Input((batch.records, encoded), "terms", None, blank_nodes, dict(names.namespaces()))


@collection_paused()
def check_dataset(dataset: Dataset, shapes: Graph) -> ValidationResult:
    """Check the model's rules on ``dataset`` and the shapes on its ``provenance.union``."""
    graph = union(dataset)
    return _checked(validate_graph(graph, shapes), graph, model_problems(dataset))


def _checked(result: ValidationResult, names: Graph, problems: list[Problem]) -> ValidationResult:
    """The shapes' findings and the model's ``problems``, in one report."""
    entries = [_problem_entry(problem, names) for problem in problems]
    for entry in entries:
        _report_result(result.report, entry)
    return _finish([*result.entries, *entries], result.report)


def _problem_entry(problem: Problem, names: Graph) -> Entry:
    where = "the default graph" if problem.graph is None else f"graph {_show(problem.graph, names)}"
    return _entry(
        names,
        problem.severity,
        problem.subject,
        problem.predicate,
        problem.object,
        f"{problem.message} (in {where})",
        problem.check,
    )


def validate_contributions(
    contributions: Sequence[Contribution], published: Dataset, shapes: Graph
) -> ValidationResult:
    """Check contributed statements in the context of the published dataset (as queries see
    it: the union in its default graph, the sections' and inferences' graphs named).

    References to existing resources resolve and their types count; only the resources the
    contributions mention are validated. Beyond the shapes this reports the model's rules
    (facts outside a section or inference graph, graphs that are neither, editorial triples in
    a named graph, …), ill-typed literals, resources that reuse an existing IRI with a
    conflicting type, new resources with no type (no shape would see them) and triples the
    graph already holds. ``data/`` is never touched.
    """
    written = new_dataset()
    for contribution in contributions:
        for s, p, o, context in contribution.dataset.quads((None, None, None, None)):
            graph_of(written, graph_name(context)).add((s, p, o))
    patch = union(written, published)
    flat = published.default_graph
    combined, focus = combine(flat, patch)
    result = validate_graph(combined, shapes, focus_nodes=focus)
    extra = [
        *(_problem_entry(problem, combined) for problem in model_problems(written, published)),
        *ill_typed_literals(patch, combined),
        *conflicting_types(patch, flat, combined),
        *untyped_resources(patch, combined),
        *already_published(patch, flat, combined),
    ]
    for entry in extra:
        _report_result(result.report, entry)
    located = [_locate(entry, contributions) for entry in (*result.entries, *extra)]
    return _finish(located, result.report)


def combine(published: Graph, patch: Graph) -> tuple[Graph, set[Node]]:
    """The published graph plus ``patch`` (a copy: the published graph is never changed), and
    the IRIs the patch mentions, which are the focus nodes of its validation."""
    combined = Graph(bind_namespaces="none")
    for prefix, namespace in published.namespaces():
        combined.bind(prefix, namespace)
    for triple in (*published, *patch):
        combined.add(triple)
    focus = {term for triple in patch for term in triple if isinstance(term, URIRef)}
    return combined, focus


def _finish(entries: list[Entry], report: Graph) -> ValidationResult:
    entries.sort(key=_sort_key)
    conforms = not any(entry.severity == "Violation" for entry in entries)
    for node in list(report.subjects(RDF.type, SH.ValidationReport)):
        report.set((node, SH.conforms, Literal(conforms)))
    return ValidationResult(conforms=conforms, entries=entries, report=report)


def _sort_key(entry: Entry) -> tuple[object, ...]:
    """Every field that tells entries apart, so the report's order is the same whatever order
    the SHACL engine found them in."""
    return (
        SEVERITY_ORDER.get(entry.severity, 3),
        entry.file,
        entry.line or 0,
        entry.focus,
        entry.path,
        entry.value,
        entry.message,
        entry.shape,
        entry.constraint,
    )


def _locate(entry: Entry, contributions: Sequence[Contribution]) -> Entry:
    """The entry with the file and line of the contribution its focus node comes from (or,
    failing that, that mentions it). Contributions passed as graphs have no file to point at."""
    if entry.node is None:
        return entry
    files = [c for c in contributions if c.text]
    for contribution in files:
        if (entry.node, None, None) in contribution.graph:
            line = contribution.line_of(entry.node, entry.predicate)
            return replace(entry, file=str(contribution.path), line=line)
    for contribution in files:
        line = contribution.line_of(entry.node, entry.predicate)
        if line is not None:
            return replace(entry, file=str(contribution.path), line=line)
    return entry


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
    for shape in set(shapes.subjects()):
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
    return bool(classes & _types(data, node)) if classes else False


def _types(graph: Graph, node: Node) -> set[Node]:
    """The classes of ``node`` with all their superclasses."""
    return {
        ancestor
        for cls in graph.objects(node, RDF.type)
        for ancestor in graph.transitive_objects(cls, RDFS.subClassOf)
    }


def _entry(
    graph: Graph,
    severity: str,
    focus: Node,
    path: Node | None,
    value: Node | None,
    message: str,
    check: str,
) -> Entry:
    return Entry(
        severity=severity,
        focus=_show(focus, graph),
        path=_show(path, graph) if path is not None else "",
        value=_show(value, graph) if value is not None else "",
        message=message,
        shape=check,
        constraint=check,
        node=focus,
        predicate=path,
    )


def undefined_terms(
    triples: Collection[Triple], names: Graph, focus: set[Node] | None = None
) -> list[Entry]:
    """Terms from the ontology's namespace that the ontology does not define: almost always typos.

    One pass over the triples (a graph, or a set of them) after one over their types; as a
    SHACL-SPARQL constraint run per node it cost seconds.
    """
    namespace = str(CK)
    defined = {s for s, p, _o in triples if p == RDF.type and str(s).startswith(namespace)}
    entries = []
    for subject, predicate, obj in triples:
        if focus is not None and subject not in focus:
            continue
        for term in (predicate, obj):
            if isinstance(term, URIRef) and term.startswith(namespace) and term not in defined:
                message = f"{_show(term, names)} is not defined by the ontology (a typo?)"
                entries.append(
                    _entry(names, "Violation", subject, predicate, term, message, "UndefinedTerm")
                )
    return entries


# rdflib checks most XSD lexical forms (Literal.ill_typed) but not these two, which the
# project uses for dates known only to the year or month.
TIMEZONE = r"(Z|[+-](0\d|1[0-4]):[0-5]\d)?"
LEXICAL_FORMS = {
    XSD.gYear: re.compile(rf"-?[0-9]{{4,}}{TIMEZONE}"),
    XSD.gYearMonth: re.compile(rf"-?[0-9]{{4,}}-(0[1-9]|1[0-2]){TIMEZONE}"),
}


def ill_typed_literals(patch: Graph, names: Graph) -> list[Entry]:
    """Literals whose text is no valid value of their datatype (``"2022-13-45"^^xsd:date``)."""
    return [
        _entry(
            names,
            "Violation",
            subject,
            predicate,
            obj,
            f"{obj!s} is not a valid {_show(obj.datatype, names)}",
            "IllTypedLiteral",
        )
        for subject, predicate, obj in patch
        if isinstance(obj, Literal) and _ill_typed(obj)
    ]


def _ill_typed(literal: Literal) -> bool:
    pattern = LEXICAL_FORMS.get(literal.datatype)  # type: ignore[arg-type]
    if pattern is not None:
        return pattern.fullmatch(str(literal)) is None
    return bool(literal.ill_typed)


def conflicting_types(patch: Graph, published: Graph, names: Graph) -> list[Entry]:
    """An existing resource given a type that is neither one of its types' sub- nor superclass:
    usually an IRI reused by mistake (``ckr:canada a ck:Person``)."""
    entries = []
    for subject, new_type in patch.subject_objects(RDF.type):
        existing = set(published.objects(subject, RDF.type))
        if not existing or new_type in existing:
            continue
        new_ancestors = _ancestors(names, new_type)
        compatible = any(
            old in new_ancestors or new_type in _ancestors(names, old) for old in existing
        )
        if not compatible:
            was = ", ".join(sorted(_show(old, names) for old in existing))
            entries.append(
                _entry(
                    names,
                    "Violation",
                    subject,
                    RDF.type,
                    new_type,
                    f"{_show(subject, names)} already exists as {was}; "
                    f"{_show(new_type, names)} conflicts (reused IRI?)",
                    "ConflictingType",
                )
            )
    return entries


def _ancestors(graph: Graph, cls: Node) -> set[Node]:
    return set(graph.transitive_objects(cls, RDFS.subClassOf))


def untyped_resources(patch: Graph, combined: Graph) -> list[Entry]:
    """New resources of the project's namespace with no type: no shape would ever check them."""
    return [
        _entry(
            combined,
            "Violation",
            subject,
            None,
            None,
            f"{_show(subject, combined)} has no rdf:type, so no shape applies to it",
            "UntypedResource",
        )
        for subject in sorted(set(patch.subjects()))
        if isinstance(subject, URIRef)
        and subject.startswith(str(CKR))
        and (subject, RDF.type, None) not in combined
    ]


def already_published(patch: Graph, published: Graph, names: Graph) -> list[Entry]:
    """Triples the published graph already holds: harmless, but usually not what was meant."""
    return [
        _entry(names, "Warning", s, p, o, "this triple is already in the graph", "AlreadyPublished")
        for s, p, o in patch
        if (s, p, o) in published
    ]


def _report_result(report: Graph, entry: Entry) -> None:
    """Add a non-SHACL check's finding to the report graph as a standard sh:ValidationResult."""
    if entry.node is None:
        return
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    result = BNode()
    if reports:
        report.add((reports[0], SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, entry.node))
    report.add((result, SH.resultSeverity, SH[entry.severity]))
    report.add((result, SH.resultMessage, Literal(entry.message)))
    report.add((result, SH.sourceConstraintComponent, CK[entry.constraint]))


def _shacl_entries(report: Graph, data: Graph, shapes: Graph) -> Iterable[Entry]:
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
            node=report.value(result, SH.focusNode),
            predicate=report.value(result, SH.resultPath),
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
