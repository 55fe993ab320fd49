"""`canada-korea validate` and `canada_korea.validate`: contributions are checked against the
shapes in the context of the published graph, with reports a person can act on, exit codes
0/1/2, and never a traceback whatever the bytes."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

import canada_korea
from canada_korea.cli import main
from canada_korea.errors import CanadaKoreaError
from canada_korea.load import Project, parse_contribution
from canada_korea.namespaces import CK, CKR
from canada_korea.pipeline import published_context, published_graph, published_shapes
from canada_korea.provenance import graph_name
from canada_korea.validate import validate_contributions, validate_graph

from .conftest import CASES, ROOT
from .test_robustness import SEED_TRIG, mutated

EXAMPLES = ROOT / "examples"
BAD = CASES / "bad"


@pytest.fixture
def project(built_project: Project) -> Project:
    """Validation reads the published dumps of the built scratch checkout."""
    return built_project


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _validate(project: Project, *paths: Path, input_format: str | None = None):
    return canada_korea.validate(list(paths), project=project, input_format=input_format)


# --- the examples the README uses ---------------------------------------------------------


def test_conforming_example_exits_0(project: Project, capsys) -> None:
    code, out, err = run(
        capsys, "--project", project.root, "validate", EXAMPLES / "csp-pillar-count.trig"
    )
    assert (code, out, err) == (0, "Conforms: 0 violation(s), 0 warning(s).\n", "")


def test_missing_source_is_reported_with_file_and_line(project: Project, capsys) -> None:
    path = EXAMPLES / "missing-source.trig"
    code, out, _err = run(capsys, "--project", project.root, "validate", path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Violations (5)"
    assert f"  {path}:8: ckr:stat-csp-pillars ck:statedIn" in lines
    assert f'  {path}:12: ckr:stat-csp-pillars ck:value "5"^^xsd:integer' in lines
    assert (
        "      a statement of fact outside any named graph: put it in the graph of the section"
        " that states it, or of an inference (in the default graph) [FactInDefaultGraph]"
    ) in lines
    assert lines[-1] == "Does not conform: 5 violation(s), 1 warning(s)."


def test_typos_point_at_each_offending_line(project: Project) -> None:
    result = _validate(project, EXAMPLES / "typos.trig")
    found = {(entry.line, entry.shape) for entry in result.entries}
    assert found == {
        (13, "IllTypedLiteral"),
        (13, "cksh:DatedShape-date"),
        (15, "cksh:EndNotBeforeStartShape"),
        (16, "UndefinedTerm"),
        (20, "UnknownGraph"),
    }
    assert not result.conforms


def test_reused_iri_untyped_resource_and_known_triple(project: Project) -> None:
    result = _validate(project, EXAMPLES / "reused-iri.trig")
    by_check = {entry.shape: entry for entry in result.entries}
    conflict = by_check["ConflictingType"]
    assert conflict.message == (
        "ckr:canada already exists as ck:Country; ck:Person conflicts (reused IRI?)"
    )
    assert conflict.line == 8
    assert by_check["UntypedResource"].focus == "ckr:new-thing"
    assert by_check["AlreadyPublished"].severity == "Warning"
    assert by_check["AlreadyPublished"].value == '"Canada"@en'


def test_compatible_subclass_type_is_not_a_conflict(project: Project, tmp_path: Path) -> None:
    patch = tmp_path / "subclass.ttl"
    patch.write_text(
        "@prefix ck: <https://w3id.org/canada-korea/def/> .\n"
        "@prefix ckr: <https://w3id.org/canada-korea/id/> .\n"
        "ckr:dapa a ck:Organization .\n",
        encoding="utf-8",
    )
    result = _validate(project, patch)
    assert not [e for e in result.entries if e.shape == "ConflictingType"]


# --- report formats --------------------------------------------------------------------------


def test_json_report(project: Project, capsys) -> None:
    path = EXAMPLES / "typos.trig"
    code, out, _ = run(capsys, "--project", project.root, "validate", "--format", "json", path)
    report = json.loads(out)
    assert code == 1
    assert report["conforms"] is False
    assert report["violations"] == 5 and report["warnings"] == 0
    first = report["entries"][0]
    assert set(first) == {
        "severity",
        "file",
        "line",
        "focus",
        "path",
        "value",
        "message",
        "shape",
        "constraint",
    }
    assert first["file"] == str(path)


def test_turtle_report_is_a_shacl_validation_report(project: Project, capsys) -> None:
    path = EXAMPLES / "typos.trig"
    code, out, _ = run(capsys, "--project", project.root, "validate", "--format", "turtle", path)
    report = Graph().parse(data=out, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert code == 1
    assert report.value(node, SH.conforms) == Literal(False)
    results = list(report.objects(node, SH.result))
    assert len(results) == 5
    assert all(report.value(r, SH.focusNode) for r in results)


# --- input formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "rdflib_format"),
    [(".nt", "nt"), (".trig", "trig"), (".nq", "nquads"), (".jsonld", "json-ld")],
)
def test_every_input_format_gives_the_same_findings(
    suffix: str, rdflib_format: str, project: Project, tmp_path: Path
) -> None:
    """The same statements in another format give the same entries; formats without graphs
    (N-Triples, and JSON-LD here) put every fact in the default graph, which the model reports."""
    example = EXAMPLES / "csp-pillar-count.trig"
    dataset = Dataset()
    dataset.parse(example, format="trig")
    converted = tmp_path / f"example{suffix}"
    if rdflib_format in ("trig", "nquads"):
        dataset.serialize(converted, format=rdflib_format)
        other = _validate(project, converted)
        assert other.conforms, [e.describe() for e in other.entries]
        return
    graph = Graph()
    for s, p, o, _g in dataset.quads():
        graph.add((s, p, o))
    graph.serialize(converted, format=rdflib_format)
    turtle = tmp_path / "example.ttl"
    graph.serialize(turtle, format="turtle")
    other, flat = _validate(project, converted), _validate(project, turtle)
    assert "FactInDefaultGraph" in {e.shape for e in other.violations}

    def findings(result):
        return sorted((e.focus, e.path, e.value, e.message) for e in result.entries)

    assert findings(other) == findings(flat)
    assert all(entry.file == str(converted) for entry in other.entries)


def test_ntriples_lines_are_exact(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "patch.nt"
    path.write_text(
        "<https://w3id.org/canada-korea/id/csp> <http://www.w3.org/2000/01/rdf-schema#label>"
        ' "Comprehensive Strategic Partnership"@en .\n'
        "<https://w3id.org/canada-korea/id/csp> <https://w3id.org/canada-korea/def/date>"
        ' "2022-13"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .\n',
        encoding="utf-8",
    )
    result = _validate(project, path)
    assert {(e.line, e.shape) for e in result.violations} >= {(2, "IllTypedLiteral")}


def test_input_format_option_overrides_the_extension(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "patch.txt"
    path.write_bytes((EXAMPLES / "csp-pillar-count.trig").read_bytes())
    assert _validate(project, path, input_format="trig").conforms


# --- bad input: exact exit code and message ---------------------------------------------------

BAD_INPUTS = {
    "empty.ttl": (2, "Error: {path}: contains no triples: nothing to validate"),
    "binary.ttl": (2, "Error: {path}: not UTF-8 text (byte 0): RDF files must be UTF-8"),
    "truncated.ttl": (
        2,
        "Error: {path}:6:16: Turtle syntax error: the file ends in the middle of a statement",
    ),
    "unknown-prefix.ttl": (2, 'Error: {path}:3:14: Turtle syntax error: Prefix "ck:" not bound'),
    "data.txt": (
        2,
        "Error: {path}: unknown format (.txt): use a .ttl, .trig, .nt, .nq or .jsonld file,"
        " or --input-format turtle|trig|nt|nquads|json-ld",
    ),
    "remote-context.jsonld": (
        2,
        'Error: {path}: the JSON-LD context "https://example.org/context.jsonld" is remote and'
        " would need the network, which is never used: put the context inline"
        " (dist/context.jsonld holds the project's)",
    ),
    "bad-json.jsonld": (
        2,
        "Error: {path}:4:1: JSON syntax error: Expecting property name enclosed in double quotes",
    ),
    "broken.nt": (2, 'Error: {path}:2: N-Triples syntax error: Invalid line: "not closed .'),
    "missing.ttl": (2, "Error: {path}: no such file"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exit_code_and_message(
    name: str, project: Project, capsys, no_network: None
) -> None:
    path = BAD / name
    code, out, err = run(capsys, "--project", project.root, "validate", path)
    expected_code, message = BAD_INPUTS[name]
    assert (code, out, err) == (expected_code, "", message.format(path=path) + "\n")


def test_ill_typed_literal_is_a_violation_with_its_line(project: Project, capsys) -> None:
    path = BAD / "ill-typed.ttl"
    code, out, err = run(capsys, "--project", project.root, "validate", path)
    assert (code, err) == (1, "")
    assert f'  {path}:6: ckr:csp ck:date "2022-13-45"^^xsd:date' in out
    assert "      2022-13-45 is not a valid xsd:date [IllTypedLiteral]" in out
    assert "Traceback" not in out + err


def test_ten_megabyte_literal(project: Project, tmp_path: Path, capsys) -> None:
    path = tmp_path / "huge.ttl"
    path.write_text(
        "@prefix ckr: <https://w3id.org/canada-korea/id/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f'ckr:korean-war dcterms:description "{"x" * 10_000_000}"@en .\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--project", project.root, "validate", path)
    assert (code, err) == (1, "")
    assert "descriptions are language-tagged sentences (en, fr or ko), one per language" in out


def test_validate_never_modifies_data(project: Project, capsys) -> None:
    def digest() -> str:
        files = sorted(ROOT.glob("data/*.trig")) + sorted(project.root.glob("data/*.trig"))
        return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()

    before = digest()
    run(capsys, "--project", project.root, "validate", *sorted(EXAMPLES.glob("*.trig")))
    assert digest() == before


# --- the Python API ----------------------------------------------------------------------------


def test_api_validates_a_graph(project: Project) -> None:
    graph = Graph()
    graph.add((CKR["csp"], URIRef("https://w3id.org/canada-korea/def/positon"), Literal(1)))
    result = canada_korea.validate(graph, project=project)
    assert not result.conforms
    # A graph has no named graphs: its facts are outside any section's graph.
    by_check = {entry.shape: entry for entry in result.violations}
    assert set(by_check) == {"UndefinedTerm", "FactInDefaultGraph"}
    entry = by_check["UndefinedTerm"]
    assert (entry.file, entry.line) == ("", None)


@pytest.mark.parametrize(
    "iri", ["https://w3id.org/canada-korea/id/a b", "://w3id.org/canada-korea/def/value"]
)
def test_api_refuses_a_graph_with_an_invalid_iri(project: Project, iri: str) -> None:
    """A graph is held to the IRIs a file is: the SHACL engine, like the index, takes only
    absolute IRIs without spaces, and a refusal is the project's error, not the engine's."""
    graph = Graph()
    graph.add((CKR["csp"], URIRef(iri), Literal(1)))
    with pytest.raises(CanadaKoreaError, match="invalid IRI"):
        canada_korea.validate(graph, project=project)


def test_a_jsonld_prefix_without_a_scheme_is_refused(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON-LD expands ``ck:date`` with a prefix ``://…`` to an IRI that is not absolute."""
    path = tmp_path / "relative.jsonld"
    path.write_text(
        json.dumps(
            {
                "@context": {"ck": "://w3id.org/canada-korea/def/", "ckr": str(CKR)},
                "@id": "ckr:csp",
                "ck:date": "2022",
            }
        ),
        encoding="utf-8",
    )
    assert main(["--project", str(project.root), "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {path}: invalid IRI")
    assert "://w3id.org/canada-korea/def/date" in err


def test_a_datatype_that_is_not_an_iri_is_refused(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A literal's datatype is an IRI the SHACL engine refuses like any other (found by
    hypothesis: ``"@type": "<xsd:gYearMonth"``): from a file with where it is, from a graph."""
    path = tmp_path / "datatype.jsonld"
    path.write_text(
        json.dumps(
            {
                "@context": {"ck": str(CK), "ckr": str(CKR)},
                "@id": "ckr:csp",
                "ck:date": {"@value": "2022-09", "@type": "<xsd:gYearMonth"},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    assert main(["--project", str(project.root), "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {path}:9:13: invalid IRI")
    assert "/<xsd:gYea" in err  # the IRI as resolved, cut at 80 characters
    graph = Graph()
    graph.add((CKR["csp"], CK.date, Literal("2022-09", datatype=URIRef("xsd gYearMonth"))))
    with pytest.raises(CanadaKoreaError, match="invalid IRI"):
        canada_korea.validate(graph, project=project)


def test_a_language_tag_that_is_not_bcp_47_is_refused(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``@n`` is a language tag by Turtle's grammar but none by BCP 47, which the SHACL engine
    refuses (found by hypothesis): from a file with where it is, from a graph."""
    path = tmp_path / "language.ttl"
    path.write_text(
        f'@prefix rdfs: <{RDFS}> .\n<{CKR}csp>\n    rdfs:label "partenariat"@N .\n', "utf-8"
    )
    assert main(["--project", str(project.root), "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'Error: {path}:3:29: invalid language tag "N"')
    graph = Graph()
    graph.add((CKR["csp"], RDFS.label, Literal("partenariat", lang="n")))
    with pytest.raises(CanadaKoreaError, match="invalid language tag"):
        canada_korea.validate(graph, project=project)


def test_an_invalid_language_tag_is_shown_where_it_is_not_where_a_longer_one_starts(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The error points at the invalid tag itself, not at a valid tag it begins (``@nl``)."""
    path = tmp_path / "language.ttl"
    path.write_text(
        f'@prefix rdfs: <{RDFS}> .\n<{CKR}csp>\n    rdfs:label "partnerschap"@nl ,\n'
        '        "partenariat"@n .\n',
        "utf-8",
    )
    assert main(["--project", str(project.root), "validate", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f'Error: {path}:4:22: invalid language tag "n"')


def test_api_load_returns_the_published_graph(project: Project) -> None:
    graph = canada_korea.load(project)
    assert (CKR["korean-war"], RDF.type, None) in graph
    assert (CKR["korean-war"], CK.statedIn, None) in graph
    assert canada_korea.load(project) is graph


def test_trig_contribution_may_open_a_new_inference(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "inference.trig"
    path.write_text(
        "@prefix ck: <https://w3id.org/canada-korea/def/> .\n"
        "@prefix ckr: <https://w3id.org/canada-korea/id/> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "ckr:inference-new a ck:Inference ;\n"
        '    rdfs:label "A new inference"@en ;\n'
        "    prov:wasDerivedFrom ckr:gc-canada-dprk--bilateral-relations ;\n"
        '    skos:editorialNote "Read from the section, which does not say it outright."@en .\n'
        "ckr:inference-new { ckr:sweden ck:memberOf ckr:united-nations . }\n",
        encoding="utf-8",
    )
    result = _validate(project, path)
    assert result.conforms, [e.describe() for e in result.entries]
    unexplained = path.read_text("utf-8").replace("    skos:editorialNote", "    rdfs:comment")
    path.write_text(unexplained, encoding="utf-8")
    result = _validate(project, path)
    [entry] = result.violations
    assert (entry.shape, entry.line) == ("cksh:InferenceShape-note", 6)


def test_focused_validation_of_a_patch_equals_full_validation(project: Project) -> None:
    published = published_graph(project)
    shapes = published_shapes(project)
    contribution = parse_contribution(EXAMPLES / "typos.trig")
    focused = validate_contributions([contribution], published, shapes)
    combined = Graph()
    for triple in (*published.default_graph, *contribution.graph):
        combined.add(triple)
    combined.namespace_manager = published.namespace_manager
    full = validate_graph(combined, shapes)
    beyond_graph_checks = {
        "IllTypedLiteral",
        "ConflictingType",
        "UntypedResource",
        "AlreadyPublished",
        "UnknownGraph",
    }
    shacl = {
        (e.focus, e.path, e.value, e.message)
        for e in focused.entries
        if e.shape not in beyond_graph_checks
    }
    assert shacl == {(e.focus, e.path, e.value, e.message) for e in full.entries}


CONTRIBUTIONS = sorted(
    [
        *EXAMPLES.glob("*.trig"),
        *(CASES / "model").glob("*.trig"),
        *(CASES / "shapes").glob("*.ttl"),
        *(CASES / "rules").glob("*.ttl"),
    ]
)


@pytest.mark.parametrize("path", CONTRIBUTIONS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_validating_in_the_index_context_equals_validating_in_the_whole_dataset(
    project: Project, path: Path
) -> None:
    """``validate`` reads from the persistent index only what the contribution touches; every
    crafted case gets exactly the entries it gets against the whole published dataset."""
    contribution = parse_contribution(path)
    terms = {
        term
        for s, p, o, graph in contribution.dataset.quads((None, None, None, None))
        for term in (s, p, o, graph_name(graph))
        if isinstance(term, URIRef)
    }
    shapes = published_shapes(project)
    context = published_context(project, terms)
    assert len(context) < len(published_graph(project))
    in_context = validate_contributions([contribution], context, shapes)
    in_whole = validate_contributions([contribution], published_graph(project), shapes)
    assert in_context.entries == in_whole.entries


# --- whatever the bytes ------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated(SEED_TRIG))
def test_the_api_raises_only_the_projects_errors_on_mutated_trig(
    text: str, project: Project, tmp_path: Path
) -> None:
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    path = tmp_path / "mutated.trig"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        result = _validate(project, path)
    except CanadaKoreaError as error:
        assert str(error).startswith(str(path))
    else:
        assert isinstance(result.conforms, bool)


def test_a_contribution_may_not_redefine_the_vocabulary(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "redefine.trig"
    path.write_text(
        "@prefix ck: <https://w3id.org/canada-korea/def/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ck:Meeting rdfs:subClassOf ck:Country .\n",
        encoding="utf-8",
    )
    result = _validate(project, path)
    [entry] = [e for e in result.violations if e.shape == "TermRedefined"]
    assert (entry.focus, entry.line) == ("ck:Meeting", 3)


@pytest.mark.parametrize(
    "statement",
    [
        "ck:Meeting rdfs:subClassOf ck:Country .",
        # Oxigraph's parser refuses the relative IRI, so rdflib's reads the file, and the
        # statements about ontology terms are found by reading the dataset again.
        "ck:Meeting rdfs:subClassOf ck:Country ; rdfs:seeAlso <notes> .",
    ],
    ids=["oxigraph-reads", "rdflib-reads"],
)
def test_a_data_file_may_not_redefine_the_vocabulary(
    statement: str, scratch: Project, capsys
) -> None:
    path = scratch.data_dir / "zz-redefine.trig"
    path.write_text(
        "@prefix ck: <https://w3id.org/canada-korea/def/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"{statement}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--project", scratch.root, "build")
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {path}:3:1: ck:Meeting is an ontology term: data files do not describe or"
        " redefine the vocabulary (ontology/ does)\n"
    )


def test_the_api_never_prints(project: Project, capfd: pytest.CaptureFixture[str]) -> None:
    """rdflib logs a traceback for an ill-typed literal; the library keeps it off the console."""
    capfd.readouterr()
    result = canada_korea.validate(BAD / "ill-typed.ttl", project=project)
    assert not result.conforms
    assert capfd.readouterr() == ("", "")
