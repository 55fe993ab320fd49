"""canada-korea: a curated, validated knowledge graph of Canada–Korea relations.

The public API: :func:`load` the published graph, :func:`query` it, :func:`validate` new
triples against it. The command line (``canada-korea``) is a thin layer over these; they never
print and never exit, and raise :class:`CanadaKoreaError` subclasses for anything a user can
get wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result

from .errors import CanadaKoreaError
from .formats import by_name
from .load import Contribution, Project, find_project, parse_contribution, refuse_invalid_iris
from .namespaces import new_dataset
from .pipeline import (
    BuildReport,
    build,
    published_context,
    published_graph,
    published_index,
    published_shapes,
)
from .provenance import graph_name
from .query import DEFAULT_TIMEOUT, resolve, run_query
from .validate import Entry, ValidationResult, validate_contributions

# The library never prints: without these, Python's last-resort handler would write the
# warnings rdflib and the SHACL engine log (an ill-typed literal, a parse hiccup) to the
# console. An application that configures logging still receives them through propagation.
for _name in ("rdflib", "pyshacl_turbo", "pyshacl-turbo"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

__all__ = [
    "BuildReport",
    "CanadaKoreaError",
    "Entry",
    "Project",
    "ValidationResult",
    "build",
    "load",
    "query",
    "validate",
]


def load(project: Project | None = None) -> Dataset:
    """The published dataset (ontology and data), built first if the dumps are missing or
    stale. Its default graph is the union of all graphs, with ``ck:statedIn`` derived, so it
    reads like one flat graph; ``GRAPH ?section { … }`` finds the section that states a triple.

    Parsed once per process: treat it as read-only.
    """
    return published_graph(project or find_project())


def query(
    sparql_or_name: str,
    *,
    project: Project | None = None,
    endpoint: str | None = None,
    allow_service: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    **bindings: object,
) -> Result:
    """Run SPARQL text, or the named query ``queries/NAME.rq``, over the published graph (or on
    a SPARQL 1.1 ``endpoint`` where the dumps were loaded), the project's prefixes predeclared.

    Keyword ``bindings`` fix variables: ``query("facts-from-document",
    document="ckr:gc-canada-dprk")``. Read-only, no network unless ``allow_service``, stopped
    after ``timeout`` seconds; every refusal raises :class:`CanadaKoreaError`.
    """
    project = project or find_project()
    text, _name = resolve(sparql_or_name, project)
    return run_query(
        text,
        index=None if endpoint else published_index(project),
        endpoint=endpoint,
        bindings=bindings,
        allow_service=allow_service,
        timeout=timeout,
    )


def validate(
    source: str | Path | Graph | Sequence[str | Path],
    *,
    project: Project | None = None,
    input_format: str | None = None,
) -> ValidationResult:
    """Check new triples (files, or a Graph) against the shapes in the context of the published
    graph, plus the checks SHACL cannot express. ``data/`` is never modified."""
    project = project or find_project()
    if isinstance(source, Graph):
        refuse_invalid_iris(Path("<graph>"), "", source)
        written = new_dataset()
        for triple in source:
            written.default_graph.add(triple)
        contributions = [Contribution(Path("<graph>"), by_name("trig"), "", source, written)]  # type: ignore[arg-type]
    else:
        paths = [source] if isinstance(source, str | Path) else list(source)
        contributions = [parse_contribution(Path(path), input_format) for path in paths]
    terms = {
        term
        for contribution in contributions
        for s, p, o, graph in contribution.dataset.quads((None, None, None, None))
        for term in (s, p, o, graph_name(graph))
        if isinstance(term, URIRef)
    }
    return validate_contributions(
        contributions, published_context(project, terms), published_shapes(project)
    )
