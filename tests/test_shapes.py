"""The shipped data conforms, and every shape rejects a crafted bad example.

Each file in tests/cases/shapes/ is named after the shape it must trip and opens with a comment
saying what is wrong with it; its triples are added to the real graph, so references to real
resources resolve the way a contributor's would. A further case for a shape already covered
adds ``--`` and what it shows to the shape's name (``StatisticShape--location.ttl``).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Node
from rdflib.namespace import RDF, SH

from canada_korea.load import parse_turtle_into
from canada_korea.namespaces import CKSH
from canada_korea.validate import combine, validate_graph

from .conftest import CASES

SHAPE_CASES = sorted((CASES / "shapes").glob("*.ttl"))


def _with_case(source_graph: Graph, case: Path) -> tuple[Graph, set[Node]]:
    """The real graph plus the case's triples, and the IRIs the case mentions.

    Validation is focused on those IRIs (as for a contributor's patch), which keeps each case
    to a fraction of a second; test_focused_validation_equals_full shows nothing is lost.
    """
    return combine(source_graph, parse_turtle_into(Graph(), case))


def test_shipped_data_conforms(source_graph: Graph, shapes_graph: Graph) -> None:
    result = validate_graph(source_graph, shapes_graph)
    assert result.conforms, "\n".join(entry.describe() for entry in result.entries)


@pytest.mark.parametrize("case", SHAPE_CASES, ids=lambda path: path.stem)
def test_shape_rejects_its_bad_example(
    case: Path, source_graph: Graph, shapes_graph: Graph
) -> None:
    graph, focus = _with_case(source_graph, case)
    result = validate_graph(graph, shapes_graph, focus_nodes=focus)
    shape = f"cksh:{case.stem.split('--')[0]}"
    tripped = [e for e in result.violations if e.shape == shape or e.shape.startswith(shape + " ")]
    assert not result.conforms
    assert tripped, f"{shape} did not fire; got:\n" + "\n".join(
        entry.describe() for entry in result.entries
    )
    assert all(entry.message for entry in tripped)


def test_every_shape_has_a_bad_example(shapes_graph: Graph) -> None:
    stems = {case.stem for case in SHAPE_CASES}
    missing = []
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes_graph.subjects(RDF.type, kind):
            name = str(shape).removeprefix(str(CKSH))
            if not str(shape).startswith(str(CKSH)):
                continue
            covered = name in stems or (
                kind == SH.NodeShape and any(stem.startswith(name + "-") for stem in stems)
            )
            if not covered:
                missing.append(name)
    assert not missing, f"shapes without a bad example in tests/cases/shapes/: {sorted(missing)}"


def test_undefined_ontology_term_is_reported(source_graph: Graph, shapes_graph: Graph) -> None:
    graph, focus = _with_case(source_graph, CASES / "rules" / "misspelt-property.ttl")
    result = validate_graph(graph, shapes_graph, focus_nodes=focus)
    assert not result.conforms
    [entry] = [e for e in result.violations if e.constraint == "UndefinedTerm"]
    assert (entry.focus, entry.path, entry.value) == (
        "ckr:korean-war",
        "ck:startDat",
        "ck:startDat",
    )
    assert entry.message == "ck:startDat is not defined by the ontology (a typo?)"


@pytest.mark.parametrize(
    "case", ["EndNotBeforeStartShape", "BreakdownSumShape", "ProvisionListShape", "CountShape"]
)
def test_focused_validation_equals_full(
    case: str, source_graph: Graph, shapes_graph: Graph
) -> None:
    graph, focus = _with_case(source_graph, CASES / "shapes" / f"{case}.ttl")
    full = validate_graph(graph, shapes_graph)
    focused = validate_graph(graph, shapes_graph, focus_nodes=focus)
    assert focused.entries == full.entries


@pytest.mark.parametrize("case", SHAPE_CASES, ids=lambda path: path.stem)
def test_the_engine_reports_what_pyshacl_reports(
    case: Path, source_graph: Graph, shapes_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyshacl-turbo validates (the build's whole graph, a contributor's focus nodes); pySHACL
    is the reference, on the whole graph and focused alike."""
    graph, focus = _with_case(source_graph, case)
    fast = validate_graph(graph, shapes_graph)
    fast_focused = validate_graph(graph, shapes_graph, focus_nodes=focus)
    validate = importlib.import_module("canada_korea.validate")
    monkeypatch.setattr(validate, "shacl_engine", lambda: pyshacl.validate)
    reference = validate_graph(graph, shapes_graph)
    reference_focused = validate_graph(graph, shapes_graph, focus_nodes=focus)
    assert sorted(fast.entries, key=repr) == sorted(reference.entries, key=repr)
    assert fast.conforms == reference.conforms
    assert fast_focused.entries == reference_focused.entries


def test_korean_war_casualty_breakdown_adds_up(source_graph: Graph) -> None:
    rows = source_graph.query(
        """
        SELECT (SUM(?part) AS ?sum) ?total WHERE {
            ?component ck:partOfTotal ckr:stat-canadian-war-dead ; ck:value ?part .
            ckr:stat-canadian-war-dead ck:value ?total .
        } GROUP BY ?total
        """
    )
    [(total_of_parts, total)] = [(int(row[0]), int(row[1])) for row in rows]
    assert total_of_parts == total == 516
