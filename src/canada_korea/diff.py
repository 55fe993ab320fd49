"""What changed between two builds, by meaning: statements added and removed, values changed,
and statements that moved from one section's graph to another's (a change of source).

A side is a built ``dist/`` folder, a dataset dump, or a git revision or released version of
the checkout (built on the fly by :mod:`canada_korea.revisions`). Statements are compared as
N-Triples terms, so a consumer can apply the report to their own store; blank nodes, which two
builds would name differently, are refused. A build from before the named-graph model has only
the flat graph: its statements have no graph, and one that now sits in a section's graph is
reported as a change of source. The VoID description is compared when both sides have one, less
what changes with every build (checksums, byte sizes, ``dcterms:modified``) unless asked for.

Pairing, in this order, so each statement is reported once:

1. the same triple in other graphs: a change of source (old graph → new graph);
2. the same subject and predicate in the same graph with one value gone and one come (per
   language tag when there are several): a change of value (516 → 517);
3. everything else: added or removed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, SourceSyntaxError
from .formats import by_path
from .load import find_project
from .namespaces import PREFIXES
from .revisions import build_revision, resolve

RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DCTERMS_TITLE = "<http://purl.org/dc/terms/title>"
BUILD_METADATA = frozenset(
    {
        "<http://spdx.org/rdf/terms#checksumValue>",
        "<http://www.w3.org/ns/dcat#byteSize>",
        "<http://purl.org/dc/terms/modified>",
    }
)
"""VoID predicates whose values change with every build, whatever the data."""

DATASET_DUMPS = ("canada-korea.nq", "canada-korea.trig")
FLAT_DUMPS = ("canada-korea.nt", "canada-korea.ttl")
"""The dumps a ``dist/`` folder is read from, in order of preference: the dataset with its
named graphs when the build wrote one, else (a build before 2.0.0) the flat graph."""

DUMP_FORMATS = frozenset({"nquads", "trig", "nt", "turtle", "json-ld"})
"""The formats a dump file may be in."""
_PARSER_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*: ")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_DATATYPES = {f"<{_XSD}integer>", f"<{_XSD}decimal>", f"<{_XSD}boolean>"}
_LONGEST_FIRST = sorted(PREFIXES, key=lambda item: -len(item[1]))
_CURIE_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


@dataclass(frozen=True, order=True)
class Statement:
    """A triple and the named graph it sits in (None: the default graph, or no graph at all in
    a flat build), every term in N-Triples form."""

    subject: str
    predicate: str
    object: str
    graph: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The statement as the JSON report writes it: ``graph`` only for a named graph."""
        found = {"subject": self.subject, "predicate": self.predicate, "object": self.object}
        if self.graph is not None:
            found["graph"] = self.graph
        return found


@dataclass(frozen=True)
class Change:
    """A statement that kept its place with another value, or its value in another graph."""

    old: Statement
    new: Statement

    @property
    def of_source(self) -> bool:
        """Whether only the graph changed (the same triple, stated by another section)."""
        return self.old.object == self.new.object

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {"old": self.old.as_dict(), "new": self.new.as_dict()}


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: the dataset's statements and, when there is one, the VoID
    description's; ``flat`` when the side has no named graphs (a flat dump, an old build)."""

    name: str
    statements: frozenset[Statement]
    flat: bool
    labels: dict[str, str]
    void: frozenset[Statement] | None = None


@dataclass(frozen=True)
class Entry:
    """One line of a resource's changes: ``kind`` is added, removed, changed (value) or moved
    (source); ``statement`` is as it is now (as it was, when removed), ``old`` as it was before
    a change."""

    kind: str
    statement: Statement
    old: Statement | None = None


@dataclass(frozen=True)
class ResourceChanges:
    """The changes of one subject, with its label, in a stable order."""

    subject: str
    label: str | None
    entries: list[Entry]


@dataclass
class DiffReport:
    """What changed from ``old`` to ``new``; sorted, so the same two builds give the same report.
    ``new_resources`` and ``gone_resources`` are the subjects only one side describes."""

    old: str
    new: str
    added: list[Statement]
    removed: list[Statement]
    changed: list[Change]
    new_resources: list[str] = field(default_factory=list)
    gone_resources: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def value_changes(self) -> list[Change]:
        return [change for change in self.changed if not change.of_source]

    @property
    def source_changes(self) -> list[Change]:
        return [change for change in self.changed if change.of_source]

    def as_json(self) -> dict[str, list[dict]]:
        """The report as ``--format json`` writes it: ``added``, ``removed``, ``changed``."""
        return {
            "added": [statement.as_dict() for statement in self.added],
            "removed": [statement.as_dict() for statement in self.removed],
            "changed": [change.as_dict() for change in self.changed],
        }

    def resources(self) -> list[ResourceChanges]:
        """The changes grouped by subject (in IRI order), each resource's by predicate."""
        grouped: dict[str, list[Entry]] = defaultdict(list)
        for statement in self.added:
            grouped[statement.subject].append(Entry("added", statement))
        for statement in self.removed:
            grouped[statement.subject].append(Entry("removed", statement))
        for change in self.changed:
            kind = "moved" if change.of_source else "changed"
            grouped[change.new.subject].append(Entry(kind, change.new, change.old))
        order = {"removed": 0, "changed": 1, "moved": 2, "added": 3}
        return [
            ResourceChanges(
                subject,
                self.labels.get(subject),
                sorted(
                    entries,
                    key=lambda e: (
                        e.statement.predicate,
                        order[e.kind],
                        e.statement,
                        e.old or e.statement,
                    ),
                ),
            )
            for subject, entries in sorted(grouped.items())
        ]


def diff(
    old: str,
    new: str,
    *,
    project: Path | None = None,
    build_metadata: bool = False,
    cache: Path | None = None,
) -> DiffReport:
    """Compare two builds, each named by a ``dist/`` folder, a dump file, or a git revision or
    released version of the checkout ``project`` (found from the working directory when None;
    needed only for revisions), built on the fly and kept in ``cache``."""
    return compare(
        read_side(old, project, build_metadata, cache),
        read_side(new, project, build_metadata, cache),
    )


def read_side(
    name: str, project: Path | None, build_metadata: bool = False, cache: Path | None = None
) -> Snapshot:
    """One side of a comparison as the user named it: a path when one exists, else a revision."""
    path = Path(name)
    if path.is_dir():
        return read_dist(path, build_metadata=build_metadata, name=name)
    if path.exists():
        return read_dump(path, name)
    root = find_project(project).root
    built = build_revision(root, resolve(root, name), cache)
    return read_dist(built, build_metadata=build_metadata, name=name)


def read_dist(
    folder: Path, *, void: bool = True, build_metadata: bool = False, name: str | None = None
) -> Snapshot:
    """A built ``dist/`` folder: its dataset dump (flat before 2.0.0) and, when ``void``, its
    VoID description, less the values that change with every build unless ``build_metadata``."""
    dump = next((folder / n for n in (*DATASET_DUMPS, *FLAT_DUMPS) if (folder / n).is_file()), None)
    if dump is None:
        raise InputError(
            "not a build: expected a dist/ folder holding canada-korea.nq (or, before 2.0.0, "
            "canada-korea.nt)",
            file=name or folder,
        )
    snapshot = read_dump(dump, name or str(folder))
    void_path = folder / "void.ttl"
    if not void or not void_path.is_file():
        return snapshot
    statements, labels = _read(void_path)
    described = frozenset(
        statement
        for statement in statements
        if build_metadata or statement.predicate not in BUILD_METADATA
    )
    return Snapshot(
        snapshot.name, snapshot.statements, snapshot.flat, labels | snapshot.labels, described
    )


def read_dump(path: Path, name: str | None = None) -> Snapshot:
    """A dump file: the dataset with its graphs (N-Quads, TriG), or a flat graph (N-Triples,
    Turtle, JSON-LD) whose statements have no graph."""
    rdf_format = by_path(path)
    if rdf_format is None or rdf_format.name not in DUMP_FORMATS:
        raise InputError(
            f"unknown dump format ({path.suffix or 'no extension'}): expected a dist/ folder "
            "or a .nq, .trig, .nt, .ttl or .jsonld dump",
            file=path,
        )
    statements, labels = _read(path)
    flat = rdf_format.name not in ("nquads", "trig")
    return Snapshot(name or str(path), frozenset(statements), flat, labels)


def _read(path: Path) -> tuple[list[Statement], dict[str, str]]:
    """Every statement of an RDF file, its terms in N-Triples form, and the English (or
    untagged) label of each subject; parse errors point at the line and column, and a blank
    node is refused."""
    rdf_format = by_path(path).oxigraph  # type: ignore[union-attr]
    try:
        quads = list(ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        # The position is the error's own; the parser also writes it at the start of the text.
        reason = _PARSER_POSITION.sub("", error.msg)
        raise SourceSyntaxError(
            f"not a readable dump: {reason}", file=path, line=error.lineno, column=error.offset
        ) from error
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the dump: {error}", file=path) from error
    statements = []
    labels: dict[str, tuple[int, str]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            raise InputError(
                "holds blank nodes, which two builds name differently: cannot be compared",
                file=path,
            )
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        statement = Statement(str(quad.subject), str(quad.predicate), str(quad.object), graph)
        statements.append(statement)
        rank = _label_rank(statement.predicate, quad.object)
        if rank is not None:
            candidate = (rank, quad.object.value)
            labels[statement.subject] = min(labels.get(statement.subject, candidate), candidate)
    return statements, {subject: text for subject, (_rank, text) in labels.items()}


def _label_rank(predicate: str, term: ox.NamedNode | ox.Literal) -> int | None:
    """How good a name ``term`` is (lower is better): an English ``rdfs:label``, an untagged
    one, then ``dcterms:title`` likewise; None when it is no name for an English reader."""
    if predicate not in (RDFS_LABEL, DCTERMS_TITLE) or not isinstance(term, ox.Literal):
        return None
    if term.language not in ("en", None):
        return None
    return (0 if predicate == RDFS_LABEL else 2) + (0 if term.language else 1)


def compare(old: Snapshot, new: Snapshot) -> DiffReport:
    """The differences from ``old`` to ``new`` (see the module's docstring for the pairing)."""
    old_statements, new_statements = set(old.statements), set(new.statements)
    if old.void is not None and new.void is not None:
        old_statements |= old.void
        new_statements |= new.void
    gone = sorted(old_statements - new_statements, key=_order)
    come = sorted(new_statements - old_statements, key=_order)
    changed, gone, come = _moves(gone, come)
    values, gone, come = _pair_values(gone, come, flat=old.flat or new.flat)
    old_subjects = {statement.subject for statement in old_statements}
    new_subjects = {statement.subject for statement in new_statements}
    return DiffReport(
        old=old.name,
        new=new.name,
        added=come,
        removed=gone,
        changed=sorted([*changed, *values], key=lambda c: (_order(c.new), _order(c.old))),
        new_resources=sorted(new_subjects - old_subjects),
        gone_resources=sorted(old_subjects - new_subjects),
        labels=old.labels | new.labels,
    )


def _order(statement: Statement) -> tuple[str, str, str, str]:
    return (statement.subject, statement.predicate, statement.object, statement.graph or "")


def _moves(
    gone: list[Statement], come: list[Statement]
) -> tuple[list[Change], list[Statement], list[Statement]]:
    """Changes of source: a triple that left graphs and entered others. A statement without a
    graph (a flat build) is reported against every graph the triple now sits in."""
    gone_by_triple = _by_triple(gone)
    come_by_triple = _by_triple(come)
    changes: list[Change] = []
    paired: set[Statement] = set()
    for triple in sorted(gone_by_triple.keys() & come_by_triple.keys()):
        left, entered = gone_by_triple[triple], come_by_triple[triple]
        if [s.graph for s in left] == [None]:
            pairs = [(left[0], statement) for statement in entered]
        elif [s.graph for s in entered] == [None]:
            pairs = [(statement, entered[0]) for statement in left]
        else:
            pairs = list(zip(left, entered, strict=False))
        for old_statement, new_statement in pairs:
            changes.append(Change(old_statement, new_statement))
            paired.update((old_statement, new_statement))
    return (
        changes,
        [s for s in gone if s not in paired],
        [s for s in come if s not in paired],
    )


def _by_triple(statements: Iterable[Statement]) -> dict[tuple[str, str, str], list[Statement]]:
    grouped: dict[tuple[str, str, str], list[Statement]] = defaultdict(list)
    for statement in statements:
        grouped[(statement.subject, statement.predicate, statement.object)].append(statement)
    return grouped


def _pair_values(
    gone: list[Statement], come: list[Statement], *, flat: bool
) -> tuple[list[Change], list[Statement], list[Statement]]:
    """Changes of value: one value gone and one come for a subject and predicate in one graph,
    then per language tag where several are. When a side is flat, a statement without a graph
    then keeps its place in any graph (its subject and predicate are its place)."""
    places: list[Callable[[Statement], tuple[str, ...]]] = [
        lambda s: (s.subject, s.predicate, s.graph or ""),
        lambda s: (s.subject, s.predicate, s.graph or "", _language(s.object)),
    ]
    if flat:
        places.append(lambda s: (s.subject, s.predicate, _language(s.object)))
    changes: list[Change] = []
    for place in places:
        left, entered = defaultdict(list), defaultdict(list)
        for statement in gone:
            left[place(statement)].append(statement)
        for statement in come:
            entered[place(statement)].append(statement)
        paired: set[Statement] = set()
        for where in sorted(left.keys() & entered.keys()):
            if len(left[where]) == 1 and len(entered[where]) == 1:
                changes.append(Change(left[where][0], entered[where][0]))
                paired.update((left[where][0], entered[where][0]))
        gone = [s for s in gone if s not in paired]
        come = [s for s in come if s not in paired]
    return changes, gone, come


def _language(term: str) -> str:
    """The language tag of a literal in N-Triples form, else the empty string."""
    if term.startswith('"'):
        tail = term[term.rfind('"') + 1 :]
        if tail.startswith("@"):
            return tail[1:]
    return ""


def display(term: str) -> str:
    """A term as people read it: an IRI as a CURIE where a canonical prefix fits, a number or
    boolean bare, another literal quoted with its language tag or datatype CURIE."""
    if term.startswith("<"):
        iri = term[1:-1]
        for prefix, namespace in _LONGEST_FIRST:
            local = iri.removeprefix(namespace)
            if local != iri and _CURIE_LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
        return term
    quoted, _, datatype = term.rpartition('"^^')
    if not quoted:
        return term
    if datatype in _BARE_DATATYPES:
        return quoted[1:]
    return f'{quoted}"^^{display(datatype)}'


def graph_text(graph: str | None) -> str:
    """Where a statement sits, for people: a graph's CURIE, or "the default graph"."""
    return "the default graph" if graph is None else display(graph)


def summary(report: DiffReport) -> str:
    """One sentence of counts: statements added, removed and changed, and how many resources."""
    if not report.differs:
        return "No differences."
    values, sources = len(report.value_changes), len(report.source_changes)
    return (
        f"{len(report.added):,} statements added, {len(report.removed):,} removed, "
        f"{len(report.changed):,} changed ({values:,} of value, {sources:,} of source), "
        f"in {len(report.resources()):,} resources."
    )


def text_report(report: DiffReport) -> str:
    """The report for a terminal: the counts, then each resource with its label and changes."""
    lines = [f"{report.old} → {report.new}: {summary(report)}"]
    for resource in report.resources():
        lines.append("")
        lines.append(f"{display(resource.subject)}  {resource.label or ''}".rstrip())
        for entry in resource.entries:
            lines.append(f"  {entry.kind:<8} {entry_text(entry)}")
    return "\n".join(lines)


def entry_text(entry: Entry) -> str:
    """An entry without its subject: the predicate, the value (old → new when it changed) and
    the named graph it sits in (old → new when it moved)."""
    statement, old = entry.statement, entry.old
    value = display(statement.object)
    where = "" if statement.graph is None else f"  (in {display(statement.graph)})"
    if old is not None and old.object != statement.object:
        value = f"{display(old.object)} → {value}"
    if old is not None and old.graph != statement.graph:
        where = f"  ({graph_text(old.graph)} → {graph_text(statement.graph)})"
    return f"{display(statement.predicate)} {value}{where}"
