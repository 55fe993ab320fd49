"""The build: dumps that round-trip, a dataset description that tells the truth, byte-identical
output, and a failed build that leaves the published files untouched."""

from __future__ import annotations

import gc
import hashlib
import importlib
import itertools
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCAT, RDF, VOID

from canada_korea.cli import main
from canada_korea.errors import CanadaKoreaError
from canada_korea.index import INDEX, open_index
from canada_korea.load import (
    MAX_NESTING,
    Project,
    load_sources,
    parse_turtle_into,
    read_sources,
)
from canada_korea.namespaces import DATASET, PREFIXES, new_dataset
from canada_korea.pipeline import BuildReport, build
from canada_korea.provenance import (
    graph_name,
    published_dataset,
    published_quads,
    published_statements,
)
from canada_korea.serialize import OxigraphTerms, quad_order
from canada_korea.versions import current_version, ontology_version

from .conftest import CASES, ROOT, small_project

DUMPS = {"canada-korea.ttl": "turtle", "canada-korea.nt": "nt", "canada-korea.jsonld": "json-ld"}
DATASET_DUMPS = {"canada-korea.trig": "trig", "canada-korea.nq": "nquads"}


def _dist_bytes(project: Project) -> dict[str, bytes]:
    """Every published file (the dumps and the static site), by path within dist/: not the
    index, a store whose files differ from one build to the next."""
    return {
        str(path.relative_to(project.dist_dir)): path.read_bytes()
        for path in sorted(project.dist_dir.rglob("*"))
        if path.is_file() and path.relative_to(project.dist_dir).parts[0] != INDEX
    }


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_each_dump_parses_back_to_the_built_graph(
    name: str, built: BuildReport, source_graph: Graph, no_network: None
) -> None:
    """In rdflib and in Oxigraph: the JSON-LD dump is compacted by hand, so a second parser
    checks that the compaction says what the graph says."""
    path = built.dist / name
    parsed = Graph().parse(path, format=DUMPS[name])
    assert len(parsed) == len(source_graph) == built.triples
    assert isomorphic(parsed, source_graph)
    oxigraph = {quad.triple for quad in ox.parse(path=str(path), format=_oxigraph_format(path))}
    assert oxigraph == set(OxigraphTerms().triples(source_graph))


def _oxigraph_format(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.from_extension(path.suffix[1:])  # type: ignore[return-value]


def _quads(text: str) -> set[str]:
    return {line for line in text.splitlines() if line.strip()}


def test_dataset_dumps_are_the_same_quads_in_rdflib_oxigraph_and_raptor(
    built: BuildReport, source_dataset: Dataset
) -> None:
    """TriG and N-Quads, read by three independent parsers, give one set of quads: the sources'
    named graphs as written, plus the derived ck:statedIn in the default graph."""
    expected = published_dataset(source_dataset)
    reference = _quads(expected.serialize(format="nquads"))
    for name, rdflib_format in DATASET_DUMPS.items():
        path = built.dist / name
        parsed = Dataset()
        parsed.parse(path, format=rdflib_format)
        assert _quads(parsed.serialize(format="nquads")) == reference, f"rdflib: {name}"
        # The parser, not a Store: a Store keeps xsd:decimal in canonical form ("244.0" → "244").
        quads = ox.parse(path=str(path), format=_oxigraph_format(path))
        oxigraph = {str(quad) + " ." for quad in quads}
        assert _normalised(oxigraph) == _normalised(reference), f"Oxigraph: {name}"
        if shutil.which("rapper"):
            raptor = subprocess.run(
                ["rapper", "-q", "-i", rdflib_format, "-o", "nquads", str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert _normalised(_quads(raptor)) == _normalised(reference), f"raptor: {name}"


def test_raptor_is_installed_where_ci_runs() -> None:
    """.ci/run installs raptor2-utils; without it the test above would silently lose a parser."""
    if os.environ.get("CI") and not shutil.which("rapper"):
        pytest.fail("rapper (raptor2-utils) is not installed")


def _normalised(lines: set[str]) -> set[str]:
    """N-Quads lines as parsed back by rdflib, so escapes and spacing compare equal."""
    dataset = Dataset()
    dataset.parse(data="\n".join(sorted(lines)) + "\n", format="nquads")
    return {
        f"{s.n3()} {p.n3()} {o.n3()}" + ("" if graph_name(g) is None else f" {graph_name(g).n3()}")  # type: ignore[union-attr]
        for s, p, o, g in dataset.quads()
    }


def test_dataset_dumps_are_sorted_and_hold_every_named_graph(built: BuildReport) -> None:
    """N-Quads lines sorted; TriG the default graph first, then each named graph once, in IRI
    order."""
    lines = (built.dist / "canada-korea.nq").read_text("utf-8").splitlines()
    assert lines == sorted(lines)
    named = {quad.graph_name for quad in ox.parse(path=str(built.dist / "canada-korea.nq"))}
    named.discard(ox.DefaultGraph())
    trig = ox.parse(path=str(built.dist / "canada-korea.trig"))
    blocks = [name for name, _quads in itertools.groupby(quad.graph_name for quad in trig)]
    assert named and blocks == [ox.DefaultGraph(), *sorted(named, key=lambda name: name.value)]


def test_dumps_hold_the_ontology_and_the_data(built: BuildReport) -> None:
    graph = Graph().parse(built.dist / "canada-korea.nt", format="nt")
    ck = "https://w3id.org/canada-korea/def/"
    assert (URIRef(ck + "Statistic"), RDF.type, None) in graph
    assert (URIRef("https://w3id.org/canada-korea/id/korean-war"), RDF.type, None) in graph


def test_ntriples_dump_is_sorted_and_has_no_blank_nodes(built: BuildReport) -> None:
    lines = (built.dist / "canada-korea.nt").read_text("utf-8").splitlines()
    assert lines == sorted(lines)
    assert not [line for line in lines if line.startswith("_:") or " _:" in line]


def test_jsonld_carries_its_context_inline(built: BuildReport) -> None:
    document = json.loads((built.dist / "canada-korea.jsonld").read_text("utf-8"))
    context = json.loads((built.dist / "context.jsonld").read_text("utf-8"))
    assert document["@context"] == context["@context"] == dict(PREFIXES)
    assert all(isinstance(value, str) for value in document["@context"].values())


@pytest.mark.parametrize("name", ["canada-korea.ttl", "canada-korea.trig"])
def test_turtle_and_trig_dumps_are_laid_out_for_people(name: str, built: BuildReport) -> None:
    """The canonical prefixes in their order, only those used; the project's IRIs abbreviated;
    four spaces of indentation, no tab; a blank line before each subject and each graph; the
    statements in the order of :func:`quad_order` (subjects sorted, ``rdf:type`` first)."""
    path = built.dist / name
    text = path.read_text("utf-8")
    lines = text.split("\n")
    declared = [line.split()[1:3] for line in lines if line.startswith("@prefix")]
    canonical = [[f"{prefix}:", f"<{iri}>"] for prefix, iri in PREFIXES]
    assert declared == [entry for entry in canonical if entry in declared]
    body = lines[len(declared) :]
    for prefix, _iri in declared:
        assert re.search(rf"(^|[\s,]){prefix}", "\n".join(body), re.M), f"unused {prefix}"
    assert not [line for line in body if "<https://w3id.org/canada-korea/id/" in line]
    assert "\t" not in text and body[0] == body[-1] == "" and body[-2]
    in_graph = False
    for previous, line in itertools.pairwise(body):
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 4 == 0, line
        if line and line != "}" and indent == (4 if in_graph else 0):  # a subject or a graph
            assert previous == "" or previous.endswith(" {"), f"no blank line before {line!r}"
            in_graph = in_graph or line.endswith(" {")
        in_graph = in_graph and line != "}"
    quads = list(ox.parse(path=str(path), format=_oxigraph_format(path)))
    assert quads == sorted(quads, key=quad_order)


def test_ontology_and_shapes_are_published_as_written(built: BuildReport) -> None:
    """The ontology as written, then the version the build adds (see tests/test_releases.py)."""
    published = (built.dist / "ontology.ttl").read_bytes()
    assert published.startswith((ROOT / "ontology" / "canada-korea.ttl").read_bytes())
    assert b"\n# The version, added by the build from pyproject.toml.\n" in published
    shapes = Graph().parse(built.dist / "shapes.ttl", format="turtle")
    assert len(shapes) > 100


def test_void_describes_size_classes_and_each_dump(built: BuildReport) -> None:
    void = Graph().parse(built.dist / "void.ttl", format="turtle")
    dataset = URIRef(DATASET)
    assert void.value(dataset, VOID.triples) == Literal(built.triples)
    partitions = {
        void.value(part, VOID["class"]).n3(void.namespace_manager): void.value(part, VOID.entities)
        for part in void.objects(dataset, VOID.classPartition)
    }
    assert partitions == {name: Literal(count) for name, count in built.class_counts}
    assert partitions["ck:Statistic"].toPython() >= 40
    distributions = list(void.objects(dataset, DCAT.distribution))
    assert len(distributions) == 8
    for distribution in distributions:
        name = str(void.value(distribution, URIRef("http://purl.org/dc/terms/title")))
        content = (built.dist / name).read_bytes()
        assert void.value(distribution, DCAT.byteSize).toPython() == len(content)
        checksum = void.value(distribution, URIRef("http://spdx.org/rdf/terms#checksum"))
        value = void.value(checksum, URIRef("http://spdx.org/rdf/terms#checksumValue"))
        assert str(value) == hashlib.sha256(content).hexdigest()
        assert void.value(distribution, DCAT.mediaType) is not None
    assert set(void.objects(dataset, VOID.exampleResource))


def test_build_writes_the_index_of_what_it_published(built: BuildReport) -> None:
    """The index holds the union (the N-Triples dump) as its default graph and the sections'
    and inferences' graphs; it is a cache, not a published file."""
    store = open_index(built.dist / INDEX)
    union = (built.dist / "canada-korea.nt").read_bytes().count(b"\n")
    assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == union
    named = {quad.graph_name for quad in store.quads_for_pattern(None, None, None)}
    dataset = Dataset()
    dataset.parse(built.dist / "canada-korea.nq", format="nquads")
    names = {graph_name(g) for g in dataset.graphs()} - {None}
    assert {n.value for n in named if isinstance(n, ox.NamedNode)} == {str(n) for n in names}
    assert INDEX not in (built.dist / "void.ttl").read_text("utf-8")


def test_two_builds_give_identical_bytes(tmp_path: Path) -> None:
    """Two builds in separate checkouts, in fresh processes with different hash seeds."""
    outputs = []
    for seed in ("1", "2"):
        root = tmp_path / f"checkout-{seed}"
        from .conftest import copy_project

        copy_project(root)
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1764000000"}
        subprocess.run(
            [sys.executable, "-m", "canada_korea", "--project", str(root), "build"],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(_dist_bytes(Project(root)))
    assert outputs[0] == outputs[1]
    assert b"2025-11-24" in outputs[0]["void.ttl"]


def test_build_refuses_violation_and_keeps_dist(scratch: Project, capsys) -> None:
    assert main(["--project", str(scratch.root), "build"]) == 0
    before = _dist_bytes(scratch)
    (scratch.data_dir / "zz-unsourced.trig").write_bytes(
        (CASES / "shapes" / "FactShape-statedIn.ttl").read_bytes()
    )
    capsys.readouterr()
    assert main(["--project", str(scratch.root), "build"]) == 1
    err = capsys.readouterr().err
    assert "Violation: ckr:bad-statistic, property ck:statedIn" in err
    assert "a fact needs a source" in err
    assert "(shape cksh:FactShape-statedIn)" in err
    assert err.rstrip().endswith("nothing was published")
    assert _dist_bytes(scratch) == before
    assert not [p for p in scratch.root.iterdir() if p.name.startswith(".dist")]
    builds = [p for p in (scratch.root / ".builds").iterdir() if p.is_dir()]
    assert builds == [scratch.dist_dir.resolve()], "the staging folder written beside the checks"


def test_build_reports_syntax_error_with_line_and_column(scratch: Project, capsys) -> None:
    (scratch.data_dir / "zz-broken.trig").write_text(
        '@prefix ckr: <https://w3id.org/canada-korea/id/> .\n\nckr:x ckr:y "unterminated .\n',
        encoding="utf-8",
    )
    assert main(["--project", str(scratch.root), "build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ")
    assert "zz-broken.trig:3:" in err
    assert "TriG syntax error" in err
    assert not scratch.dist_dir.exists()


UNUSUAL_LITERALS = """@prefix ck: <https://w3id.org/canada-korea/def/> .
@prefix ckr: <https://w3id.org/canada-korea/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ckr:odd-figures ckr:n "01"^^xsd:integer, "+5"^^xsd:integer, "1"^^xsd:integer, "1.50"^^xsd:decimal,
    "1e3"^^xsd:double, "0.10"^^xsd:float, "1"^^xsd:boolean, "abc"^^xsd:integer,
    "2022-01-01"^^xsd:date, "x"^^ckr:own-type, "y"@EN-CA, "z" .
ckr:section-x { ckr:odd-figures ckr:m "007"^^xsd:integer . }
"""


@pytest.fixture(params=["shipped", "unusual literals"])
def sources_project(request: pytest.FixtureRequest, project: Project, tmp_path: Path) -> Project:
    """The project's sources, and a data file of literals whose written form is not the one
    rdflib holds (numbers with leading zeros, a boolean as 1, an ill-typed integer, …)."""
    if request.param == "shipped":
        return project
    data = tmp_path / "odd.trig"
    data.write_text(UNUSUAL_LITERALS, "utf-8")
    return small_project(tmp_path / "small", data)


def test_sources_read_by_oxigraph_are_what_rdflib_reads(sources_project: Project) -> None:
    """The build reads its sources with Oxigraph's parser: the same statements, in the same
    graphs, with the same terms (plain literals without a datatype, typed ones in rdflib's
    canonical form: what the dumps have always carried) as rdflib's own parser gives."""
    project = sources_project
    expected = new_dataset()
    for path in project.ontology_files():
        parse_turtle_into(expected.default_graph, path)
    for path in project.data_files():
        parse_turtle_into(expected, path, "trig")
    for triple in ontology_version(current_version(project.root)):
        expected.default_graph.add(triple)
    loaded = load_sources(project)

    def statements(dataset: Dataset) -> set[tuple[object, ...]]:
        return {(s, p, o, graph_name(g)) for s, p, o, g in dataset.quads()}

    assert statements(loaded) == statements(expected)
    terms = OxigraphTerms()
    as_read = {
        ox.Quad(terms.term(s), terms.term(p), terms.term(o), _graph(terms, graph_name(g)))
        for s, p, o, g in expected.quads()
    }
    read = read_sources(project)
    assert len(read) == len(set(read)) and set(read) == as_read


def test_statements_rdflib_holds_as_read_are_kept_and_only_the_others_made_anew() -> None:
    """Reading keeps a statement as Oxigraph parsed it unless rdflib holds it otherwise (a
    typed literal in another lexical form, a graph named as rdflib names its default graph):
    the same statements as making every one anew from its terms, as reading did before."""
    load = importlib.import_module("canada_korea.load")
    text = f"""@prefix ckr: <https://w3id.org/canada-korea/id/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ckr:a ckr:p "01"^^xsd:integer , "2024-01-02"^^xsd:date , "x"@en , "y" , ckr:b , _:n .
        <{DATASET_DEFAULT_GRAPH_ID}> {{ ckr:a ckr:p "1.50"^^xsd:decimal , "z" }}
        ckr:g {{ ckr:a ckr:p "true"^^xsd:boolean , "w"@ko , ckr:c }}"""
    parsed = list(ox.parse(text, format=ox.RdfFormat.TRIG))
    made_anew = [
        ox.Quad(
            load._held(q.subject), q.predicate, load._held(q.object), load._graph_held(q.graph_name)
        )
        for q in parsed
    ]
    held = load._held_quads(parsed)
    assert held == made_anew
    assert sum(a is b for a, b in zip(held, parsed, strict=True)) == 6  # the other five made anew
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    assert ox.Literal("1", datatype=integer) in {q.object for q in held}
    assert ox.DefaultGraph() in {q.graph_name for q in held if q.object == ox.Literal("z")}


def test_the_build_publishes_what_it_published_from_rdflibs_dataset(project: Project) -> None:
    """The dumps come from the sources as read (pyoxigraph's terms), never from rdflib's
    dataset: the same statements and citations as from that dataset."""
    terms = OxigraphTerms()
    expected = {
        ox.Quad(terms.term(s), terms.term(p), terms.term(o), _graph(terms, g))
        for s, p, o, g in published_quads(load_sources(project))
    }
    published = published_statements(read_sources(project))
    assert len(published) == len(set(published)) and set(published) == expected


def _graph(terms: OxigraphTerms, name: object) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    return ox.DefaultGraph() if name is None else terms.term(name)  # type: ignore[arg-type]


def test_sources_are_read_by_oxigraph_not_rdflib(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rdflib's parser is only the fallback for a file Oxigraph refuses: the shipped sources
    load without it."""
    load = importlib.import_module("canada_korea.load")

    def refuse(*_args: object) -> None:
        raise AssertionError("rdflib's parser read a source Oxigraph reads")

    monkeypatch.setattr(load, "_parse_with_rdflib", refuse)
    assert len(load_sources(project)) > 0


@pytest.mark.parametrize(
    "statement",
    ["ckr:x ckr:y <<( ckr:a ckr:b ckr:c )>> .", 'ckr:x ckr:y "x"@en--ltr .'],
    ids=["triple-term", "directional-literal"],
)
def test_build_refuses_rdf_1_2_that_rdflib_cannot_hold(
    statement: str, scratch: Project, capsys
) -> None:
    """Oxigraph reads RDF 1.2 (triple terms, literals with a direction); the graph is RDF 1.1,
    so such a source is a syntax error at its line, never a crash."""
    (scratch.data_dir / "zz-rdf12.trig").write_text(
        f"@prefix ckr: <https://w3id.org/canada-korea/id/> .\n{statement}\n", encoding="utf-8"
    )
    assert main(["--project", str(scratch.root), "build"]) == 2
    err = capsys.readouterr().err
    assert "zz-rdf12.trig:2:" in err
    assert "TriG syntax error" in err


def test_build_refuses_a_source_nested_too_deep(scratch: Project, capsys) -> None:
    """The limits of any input hold for the sources too, before any parser reads them."""
    depth = MAX_NESTING + 1
    (scratch.data_dir / "zz-deep.trig").write_text(
        "@prefix ckr: <https://w3id.org/canada-korea/id/> .\n"
        f"ckr:x ckr:y {'[ ckr:y ' * depth}ckr:z{' ]' * depth} .\n",
        encoding="utf-8",
    )
    assert main(["--project", str(scratch.root), "build"]) == 2
    err = capsys.readouterr().err
    assert "zz-deep.trig:2:" in err
    assert f"nested more than {MAX_NESTING} levels deep" in err


def test_build_reports_unknown_prefix(scratch: Project, capsys) -> None:
    (scratch.data_dir / "zz-prefix.trig").write_text("foo:a foo:b foo:c .\n", encoding="utf-8")
    assert main(["--project", str(scratch.root), "build"]) == 2
    err = capsys.readouterr().err
    assert 'zz-prefix.trig:1:1: TriG syntax error: Prefix "foo:" not bound' in err


def test_build_reports_non_utf8_file(scratch: Project, capsys) -> None:
    (scratch.data_dir / "zz-binary.trig").write_bytes(b"\xff\xfe\x00bad")
    assert main(["--project", str(scratch.root), "build"]) == 2
    assert "not UTF-8 text" in capsys.readouterr().err


def test_build_reports_missing_folder(tmp_path: Path, capsys) -> None:
    (tmp_path / "ontology").mkdir()
    assert main(["--project", str(tmp_path), "build"]) == 2
    assert capsys.readouterr().err == (
        f"Error: {tmp_path} is not a canada-korea checkout"
        " (it needs ontology/, data/ and shapes/)\n"
    )


def test_build_summary_says_what_and_where(scratch: Project, capsys) -> None:
    assert main(["--project", str(scratch.root), "build"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Built and validated ")
    assert "ck:Statistic" in out
    assert f"Published to {scratch.dist_dir}/:" in out
    for name in (*DUMPS, "context.jsonld", "ontology.ttl", "shapes.ttl", "void.ttl"):
        assert name in out


def test_build_py_is_the_build_command(scratch: Project) -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "build.py")], cwd=scratch.root, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert (scratch.dist_dir / "canada-korea.ttl").exists()


def test_library_build_returns_report(scratch: Project) -> None:
    report = build(scratch)
    assert report.dist == scratch.dist_dir
    assert report.validation.conforms
    assert {f.name for f in report.files} >= set(DUMPS)


def test_the_collector_is_paused_for_a_build_and_restored_after(scratch: Project) -> None:
    """The build's objects hold no cycles, so it runs without the cyclic collector (whose
    walks over them cost a tenth of the site at 100x); whatever state it found comes back,
    after a build that failed too."""
    seen: list[bool] = []
    assert gc.isenabled()
    build(scratch, progress=lambda _step: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        build(scratch)
        assert not gc.isenabled()
    finally:
        gc.enable()
    (scratch.data_dir / "broken.trig").write_text("ckr:x a ", "utf-8")
    with pytest.raises(CanadaKoreaError):
        build(scratch)
    assert gc.isenabled()


def test_concurrent_builds_take_turns_and_readers_never_miss_dist(scratch: Project) -> None:
    """Four builds at once all succeed; meanwhile dist/ is always there and complete."""
    assert main(["--project", str(scratch.root), "build"]) == 0
    command = [sys.executable, "-m", "canada_korea", "--project", str(scratch.root), "build"]
    builds = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(4)]
    misses = 0
    while any(process.poll() is None for process in builds):
        nq = scratch.dist_dir / "canada-korea.nq"
        void = scratch.dist_dir / "void.ttl"
        if not (nq.is_file() and void.is_file()):
            misses += 1
    assert [process.wait() for process in builds] == [0, 0, 0, 0]
    assert misses == 0
    kept = [path for path in (scratch.root / ".builds").iterdir() if path.is_dir()]
    assert 1 <= len(kept) <= 3
    assert scratch.dist_dir.resolve() in kept


def test_a_killed_build_leaves_nothing_behind(scratch: Project) -> None:
    assert main(["--project", str(scratch.root), "build"]) == 0
    before = _dist_bytes(scratch)
    command = [sys.executable, "-m", "canada_korea", "--project", str(scratch.root), "build"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    builds = scratch.root / ".builds"
    # Kill it once it has started writing a new build folder (or finished, on a fast machine).
    while process.poll() is None and len([p for p in builds.iterdir() if p.is_dir()]) < 2:
        time.sleep(0.01)
    process.kill()
    process.wait()
    assert _dist_bytes(scratch) == before
    assert main(["--project", str(scratch.root), "build"]) == 0
    assert len([p for p in builds.iterdir() if p.is_dir()]) <= 3


def test_ctrl_c_stops_a_build_with_one_line_and_publishes_nothing(scratch: Project) -> None:
    """Ctrl-C reaches every process of the build (the checks, the writers, the pruning): one
    line, the shell's exit code for it, and neither a traceback nor a staging folder left."""
    assert main(["--project", str(scratch.root), "build"]) == 0
    builds = scratch.root / ".builds"
    command = [sys.executable, "-m", "canada_korea", "--project", str(scratch.root), "build"]
    # A Ctrl-C that lands while the build forks is lost by Python (the fork's handlers ignore
    # exceptions), and that build completes as if nothing happened: then another try.
    for _attempt in range(5):
        before = _dist_bytes(scratch)
        published = _folders(builds)
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        while process.poll() is None and _folders(builds) == published:
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=60)
        if process.returncode != 0:
            break
    assert (process.returncode, err.decode()) == (130, "Interrupted.\n")
    assert _dist_bytes(scratch) == before
    # No staging folder is left; the build's pruning may have removed an old build meanwhile.
    assert _folders(builds) <= published


def _folders(path: Path) -> set[Path]:
    return {child for child in path.iterdir() if child.is_dir()}


def test_dist_is_readable_by_other_users(scratch: Project) -> None:
    """A web server running as another user must be able to read what the build wrote."""
    assert main(["--project", str(scratch.root), "build"]) == 0
    mode = scratch.dist_dir.resolve().stat().st_mode
    assert mode & 0o055 == 0o055
    assert (scratch.dist_dir / "canada-korea.nq").stat().st_mode & 0o044 == 0o044
    for page in ("index.html", "id/csp.ko.html", "id/csp.jsonld"):
        assert (scratch.dist_dir / "site" / page).stat().st_mode & 0o044 == 0o044


def test_a_full_disk_is_an_error_not_a_traceback(
    scratch: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from canada_korea import site

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(site, "write_site", full)
    assert main(["--project", str(scratch.root), "build"]) == 2
    assert capsys.readouterr().err == ("Error: cannot write the build: No space left on device\n")
    assert not scratch.dist_dir.exists()
    assert not [p for p in (scratch.root / ".builds").iterdir() if p.is_dir()]


def test_work_shared_among_cores_is_all_done_and_an_error_reaches_the_build(
    tmp_path: Path,
) -> None:
    """The site and the dumps are written by forked processes: every item is done once, what
    each returned comes back in the items' order, and a child's OSError (a full disk) is raised
    in the build as the same OSError."""
    from canada_korea.parallel import for_each

    def touch(n: int) -> None:
        (tmp_path / str(n)).write_text(str(n))

    for_each(list(range(40)), touch)
    assert sorted(int(path.name) for path in tmp_path.iterdir()) == list(range(40))
    assert for_each(list(range(40)), lambda n: n * n) == [n * n for n in range(40)]

    def fail_on_last(n: int) -> None:
        if n == 39:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"):
        for_each(list(range(40)), fail_on_last)


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_freed_before_a_fork_leaves_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the build frees before it forks its last processes is given back to the system
    (glibc keeps it otherwise, below a block still in use), and where the C library cannot
    give it back, nothing happens."""
    from canada_korea import parallel

    size = 1000
    blocks = [b"x" * size for _ in range(100_000)]  # each its own malloc, 100 MB
    _still_in_use = blocks[::100]  # between the freed ones, as a build's memory is left
    del blocks
    before = _resident_mb()
    parallel.release_memory()
    assert before - _resident_mb() > 50

    def missing(_name: object) -> None:
        raise OSError("no C library here")

    monkeypatch.setattr(parallel.ctypes, "CDLL", missing)
    parallel.release_memory()


def test_work_in_the_background_returns_or_raises_in_the_build(tmp_path: Path) -> None:
    """The build checks the graph in a forked process while it writes: what the check returns
    comes back, what it raises is raised by ``result`` (as the same exception when pickle can
    carry it), a process that dies is an error, and ``cancel`` stops one still running."""
    import threading

    from canada_korea.parallel import Background

    seen = {"value": 1}
    job = Background(lambda: seen["value"] * 10)
    seen["value"] = 2  # after the fork: the child reads the memory as it was
    assert job.result() == 10
    assert job.done() and job.result() == 10

    def full() -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"):
        Background(full).result()

    def unpicklable() -> None:
        raise ValueError(threading.Lock())

    with pytest.raises(RuntimeError, match="ValueError"):
        Background(unpicklable).result()

    with pytest.raises(RuntimeError, match="exit code 3"):
        Background(lambda: os._exit(3)).result()

    started = tmp_path / "started"
    slow = Background(lambda: (started.touch(), time.sleep(60)))
    while not started.exists():
        time.sleep(0.01)
    assert not slow.done()
    began = time.monotonic()
    slow.cancel()
    assert time.monotonic() - began < 10
