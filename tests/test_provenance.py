"""The named-graph model: each rule rejects a crafted case, ck:statedIn is derived from graph
membership, and the union and dataset views hold the same statements.

Each file in tests/cases/model/ is named after the check it must trip and opens with a comment
saying what is wrong; it is parsed into a copy of the real dataset, as a data file would be.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Node, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from canada_korea.cli import main
from canada_korea.load import (
    Project,
    load_sources,
    parse_turtle_into,
    rdflib_quads,
    read_sources,
    to_dataset,
)
from canada_korea.namespaces import CK, CKR
from canada_korea.provenance import (
    citations,
    collection_paused,
    graph_name,
    model_problems,
    published_dataset,
    published_quads,
    published_statements,
    query_dataset,
    sections,
    union,
)
from canada_korea.validate import check_dataset, check_sources

from .conftest import CASES

MODEL_CASES = sorted((CASES / "model").glob("*.trig"))


def _with_case(project: Project, case: Path) -> Dataset:
    dataset = load_sources(project)
    return parse_turtle_into(dataset, case, "trig")  # type: ignore[return-value]


def test_shipped_data_breaks_no_rule(source_dataset: Dataset) -> None:
    violations = [p for p in model_problems(source_dataset) if p.severity == "Violation"]
    assert not violations, "\n".join(f"{p.check}: {p.subject} {p.predicate}" for p in violations)


@pytest.mark.parametrize("case", MODEL_CASES, ids=lambda path: path.stem)
def test_model_rule_rejects_its_bad_example(case: Path, project: Project) -> None:
    problems = model_problems(_with_case(project, case))
    tripped = [p for p in problems if p.check == case.stem]
    assert tripped, f"{case.stem} did not fire; got {sorted({p.check for p in problems})}"
    assert all(problem.message for problem in tripped)


def test_every_fact_sits_in_a_section_or_inference_graph(source_dataset: Dataset) -> None:
    known = sections(source_dataset) | set(source_dataset.subjects(RDF.type, CK.Inference))
    names = {graph_name(g) for g in source_dataset.graphs()} - {None}
    assert names <= known
    assert len(names) >= 30


def test_stated_in_is_derived_from_the_graphs_a_resource_has_triples_in(
    source_dataset: Dataset,
) -> None:
    derived = {(s, o) for s, _p, o in citations(source_dataset)}
    war_dead = CKR["stat-canadian-war-dead"]
    expected = {
        graph_name(g)
        for s, _p, _o, g in source_dataset.quads((war_dead, None, None, None))
        if graph_name(g) in sections(source_dataset)
    }
    assert expected and {o for s, o in derived if s == war_dead} == expected
    assert not list(source_dataset.quads((None, CK.statedIn, None, None)))


def test_published_quads_are_the_statements_plus_each_citation_once(
    source_dataset: Dataset,
) -> None:
    """The dumps' statements: every quad as written, and each derived ck:statedIn once in the
    default graph, also where a source already states it there (a graph would hold it once)."""
    quads = published_quads(source_dataset)
    written = {(s, p, o, graph_name(g)) for s, p, o, g in source_dataset.quads()}
    cited = {(s, p, o, None) for s, p, o in citations(source_dataset)}
    assert len(quads) == len(set(quads)) and set(quads) == written | cited
    resource, section = next(iter(cited))[0], next(iter(cited))[2]
    source_dataset.default_graph.add((resource, CK.statedIn, section))
    try:
        again = published_quads(source_dataset)
        assert len(again) == len(set(again)) and set(again) == set(quads)
    finally:
        source_dataset.default_graph.remove((resource, CK.statedIn, section))


def test_union_is_every_graph_flattened_plus_the_citations(source_dataset: Dataset) -> None:
    flat = union(source_dataset)
    triples = {(s, p, o) for s, p, o, _g in source_dataset.quads((None, None, None, None))}
    assert set(flat) == triples | set(citations(source_dataset))


def test_statements_in_rdflibs_terms_share_each_term(project: Project) -> None:
    """Each distinct term is made once, for the statements of one call and of every call given
    the same ``made`` (the checks' rules and the published statements): the same terms as made
    one by one."""
    sources = read_sources(project)
    made: dict[object, Node] = {}
    converted = list(rdflib_quads(sources, made))
    published = list(rdflib_quads(published_statements(sources), made))
    terms = [term for quad in [*converted, *published] for term in quad if term is not None]
    assert len({id(term) for term in terms}) == len(set(terms)) == len(made)
    assert converted == list(rdflib_quads(sources))
    assert published == list(rdflib_quads(published_statements(sources)))


@pytest.mark.parametrize("cases", [False, True], ids=["shipped", "with the crafted cases"])
def test_the_checks_of_the_sources_as_read_are_those_of_rdflibs_dataset(
    cases: bool, scratch: Project, shapes_graph: Graph
) -> None:
    """The build's checks read the statements as Oxigraph read them (the shapes engine their
    terms encoded as it encodes a graph's): the same graph, and the same findings, as from
    rdflib's dataset (with every crafted case of the model's rules and of the shapes among the
    data, the same violations)."""
    if cases:
        for case in sorted((CASES / "model").glob("*.trig")):
            (scratch.data_dir / f"zz-{case.name}").write_bytes(case.read_bytes())
        for case in sorted((CASES / "shapes").glob("*.ttl")):
            # data files may not describe the ontology
            if case.stem.split("--")[0] != "OntologyTermShape":
                (scratch.data_dir / f"zz-{case.stem}.trig").write_bytes(case.read_bytes())
    sources = read_sources(scratch)
    dataset = to_dataset(sources)  # one reading: a blank node has one label
    published = {(s, p, o) for s, p, o, _g in rdflib_quads(published_statements(sources))}
    assert published == set(union(dataset))
    checked = check_sources(sources, shapes_graph)
    expected = check_dataset(dataset, shapes_graph)
    assert checked.entries == expected.entries and checked.conforms == expected.conforms
    assert bool(expected.violations) == cases
    assert isomorphic(checked.report, expected.report)


def test_query_dataset_default_graph_is_the_union_and_graph_gives_the_section(
    source_dataset: Dataset,
) -> None:
    dataset = query_dataset(published_dataset(source_dataset))
    assert set(dataset.default_graph) == set(union(source_dataset))
    rows = dataset.query(
        """SELECT DISTINCT ?document WHERE {
               GRAPH ?section { ckr:stat-canadian-war-dead ck:value 516 }
               ?section dcterms:isPartOf ?document }"""
    )
    documents = {row[0] for row in rows}
    assert CKR["gc-defence-relations"] in documents
    assert documents <= set(source_dataset.subjects(RDF.type, CK.SourceDocument))


def test_build_refuses_a_fact_outside_any_graph_and_keeps_dist(
    scratch: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--project", str(scratch.root), "build"]) == 0
    before = (scratch.dist_dir / "canada-korea.nq").read_bytes()
    (scratch.data_dir / "zz-bad.trig").write_bytes(
        (CASES / "model" / "FactInDefaultGraph.trig").read_bytes()
    )
    capsys.readouterr()
    assert main(["--project", str(scratch.root), "build"]) == 1
    err = capsys.readouterr().err
    assert "Violation: ckr:bad-event, property ck:date" in err
    assert "a statement of fact outside any named graph" in err
    assert "(shape FactInDefaultGraph)" in err
    assert (scratch.dist_dir / "canada-korea.nq").read_bytes() == before


def test_union_graph_is_a_graph_of_triples(source_graph: Graph) -> None:
    assert isinstance(source_graph, Graph)
    assert (CKR["korean-war"], CK.statedIn, None) in source_graph
    assert all(isinstance(s, URIRef) for s in source_graph.subjects())


def test_the_views_leave_the_garbage_collector_as_they_found_it(
    source_dataset: Dataset, shapes_graph: Graph
) -> None:
    """Validating and building the views pause the collector (a third of their time at 10x)
    and restore its state, whatever it was and however they end."""
    check_dataset(source_dataset, shapes_graph)
    query_dataset(published_dataset(source_dataset))
    assert gc.isenabled()
    gc.disable()
    try:
        union(source_dataset)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError), collection_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
