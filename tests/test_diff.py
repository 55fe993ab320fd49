"""canada-korea diff: what changed between two builds, by meaning, from dist/ folders, dumps or
git revisions, with exit codes as diff(1) and an exact message for every unusable input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from canada_korea.cli import main
from canada_korea.diff import compare, read_dist
from canada_korea.load import Project
from canada_korea.namespaces import DATASET
from canada_korea.pipeline import build

from .conftest import CASES, commit, fake_checkout, git, set_version, small_project

ID = "https://w3id.org/canada-korea/id/"
CK = "https://w3id.org/canada-korea/def/"
FIRST, SECOND = f"<{ID}test-document--first>", f"<{ID}test-document--second>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
GYEAR = "<http://www.w3.org/2001/XMLSchema#gYear>"


def _statement(subject: str, predicate: str, obj: str, graph: str | None = None) -> dict:
    found = {"subject": f"<{ID}{subject}>", "predicate": predicate, "object": obj}
    return found if graph is None else {**found, "graph": graph}


def _year(year: int) -> str:
    return f'"{year}"^^{GYEAR}'


# What tests/cases/diff/old.trig → new.trig changes, exactly: a changed value (the summit's
# year), a statement moved to another section (its location), a removed resource and an added
# one, and the ck:statedIn the build derives from where the statements sit.
EXPECTED = {
    "added": [
        _statement("test-new-event", TYPE, f"<{CK}Event>"),
        _statement("test-new-event", LABEL, '"New test event"@en'),
        _statement("test-new-event", f"<{CK}date>", _year(2026), FIRST),
        _statement("test-new-event", f"<{CK}statedIn>", FIRST),
        _statement("test-summit", f"<{CK}statedIn>", SECOND),
    ],
    "removed": [
        _statement("test-retired-event", TYPE, f"<{CK}Event>"),
        _statement("test-retired-event", LABEL, '"Retired test event"@en'),
        _statement("test-retired-event", f"<{CK}date>", _year(2020), FIRST),
        _statement("test-retired-event", f"<{CK}statedIn>", FIRST),
    ],
    "changed": [
        {
            "old": _statement("test-summit", f"<{CK}date>", _year(2024), FIRST),
            "new": _statement("test-summit", f"<{CK}date>", _year(2025), FIRST),
        },
        {
            "old": _statement("test-summit", f"<{CK}location>", f"<{ID}test-city>", FIRST),
            "new": _statement("test-summit", f"<{CK}location>", f"<{ID}test-city>", SECOND),
        },
    ],
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The dist/ folders of two small builds: tests/cases/diff/old.trig and new.trig."""
    folders = []
    for case in ("old", "new"):
        project = small_project(tmp_path_factory.mktemp(case), CASES / "diff" / f"{case}.trig")
        folders.append(build(project, source_date_epoch="0").dist)
    return folders[0], folders[1]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_report_lists_changed_value_moved_statement_added_and_removed_resources(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = (folder / "canada-korea.nq" for folder in builds)
    code, out, err = run(capsys, "diff", old, new, "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == EXPECTED


def test_text_report_groups_changes_by_resource_with_labels(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = (folder / "canada-korea.nq" for folder in builds)
    code, out, _err = run(capsys, "diff", old, new)
    assert code == 1
    assert out == (
        f"{old} → {new}: 5 statements added, 4 removed, 2 changed (1 of value, 1 of source), "
        "in 3 resources.\n"
        "\n"
        "ckr:test-new-event  New test event\n"
        "  added    rdf:type ck:Event\n"
        '  added    rdfs:label "New test event"@en\n'
        '  added    ck:date "2026"^^xsd:gYear  (in ckr:test-document--first)\n'
        "  added    ck:statedIn ckr:test-document--first\n"
        "\n"
        "ckr:test-retired-event  Retired test event\n"
        "  removed  rdf:type ck:Event\n"
        '  removed  rdfs:label "Retired test event"@en\n'
        '  removed  ck:date "2020"^^xsd:gYear  (in ckr:test-document--first)\n'
        "  removed  ck:statedIn ckr:test-document--first\n"
        "\n"
        "ckr:test-summit  Test summit\n"
        '  changed  ck:date "2024"^^xsd:gYear → "2025"^^xsd:gYear  (in ckr:test-document--first)\n'
        "  moved    ck:location ckr:test-city  (ckr:test-document--first → "
        "ckr:test-document--second)\n"
        "  added    ck:statedIn ckr:test-document--second\n"
    )


def test_html_report_is_a_page_of_the_same_changes(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "diff", *builds, "--format", "html")
    assert code == 1
    page = BeautifulSoup(out, "html.parser")
    resources = page.select("section.changed-resource")
    headings = [section.select_one("h2 code").text for section in resources]
    assert headings[-3:] == ["ckr:test-new-event", "ckr:test-retired-event", "ckr:test-summit"]
    summit = resources[-1]
    assert summit.select_one("h2 a").text == "Test summit"
    kinds = [item["class"] for item in summit.select("li")]
    assert kinds == [["changed"], ["moved"], ["added"]]
    graphs = summit.select("li.moved .graph a")
    assert [(a.text, a["title"]) for a in graphs] == [
        ("First section", "ckr:test-document--first"),
        ("Second section", "ckr:test-document--second"),
    ]


def test_dist_folders_compare_void_too_but_not_what_every_build_changes(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Beyond the dataset, the VoID descriptions differ by one triple in the count; their
    checksums and byte sizes differ too, which only --build-metadata shows."""
    old, new = builds
    code, out, _err = run(capsys, "diff", old, new, "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert (report["added"], report["removed"]) == (EXPECTED["added"], EXPECTED["removed"])
    triples = [
        Graph().parse(folder / "void.ttl").value(URIRef(DATASET), VOID.triples) for folder in builds
    ]
    count = f"<{VOID.triples}>"
    assert report["changed"] == [
        {
            "old": {"subject": f"<{DATASET}>", "predicate": count, "object": triples[0].n3()},
            "new": {"subject": f"<{DATASET}>", "predicate": count, "object": triples[1].n3()},
        },
        *EXPECTED["changed"],
    ]
    code, out, _err = run(capsys, "diff", old, new, "--format", "json", "--build-metadata")
    predicates = {change["new"]["predicate"] for change in json.loads(out)["changed"]}
    assert "<http://spdx.org/rdf/terms#checksumValue>" in predicates
    assert "<http://www.w3.org/ns/dcat#byteSize>" in predicates


def test_a_build_from_before_named_graphs_is_compared_graph_less(
    builds: tuple[Path, Path], tmp_path: Path
) -> None:
    """A flat build (1.0.0 wrote no dataset dump) has no graphs: a statement that now sits in
    a section's graph is a change of source, and a value keeps its place in any graph."""
    old, new = builds
    flat = tmp_path / "dist"
    flat.mkdir()
    (flat / "canada-korea.nt").write_bytes((old / "canada-korea.nt").read_bytes())
    report = compare(read_dist(flat), read_dist(new, void=False)).as_json()
    without_graph = {"subject": f"<{ID}test-summit>", "predicate": f"<{CK}location>"}
    location = {**without_graph, "object": f"<{ID}test-city>"}
    assert {"old": location, "new": {**location, "graph": SECOND}} in report["changed"]
    year = {"subject": f"<{ID}test-summit>", "predicate": f"<{CK}date>"}
    assert {
        "old": {**year, "object": _year(2024)},
        "new": {**year, "object": _year(2025), "graph": FIRST},
    } in report["changed"]
    assert _statement("test-new-event", f"<{CK}date>", _year(2026), FIRST) in report["added"]
    assert _statement("test-retired-event", f"<{CK}date>", _year(2020)) in report["removed"]
    assert all(change["old"].get("graph") is None for change in report["changed"])


def test_the_same_build_twice_is_no_difference(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old = builds[0]
    assert run(capsys, "diff", old, old) == (0, f"{old} → {old}: No differences.\n", "")
    code, out, _err = run(capsys, "diff", old / "canada-korea.trig", old, "--format", "json")
    assert (code, json.loads(out)) == (0, {"added": [], "removed": [], "changed": []})


# --- git revisions and released versions --------------------------------------------------------


def _nq(*statements: tuple[str, str, str]) -> str:
    return "".join(f'<{ID}{s}> <{CK}{p}> "{o}" <{ID}section> .\n' for s, p, o in statements)


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout whose code is a stand-in build: 1.0.0, a later commit, then 2.0.0."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = fake_checkout(tmp_path / "checkout", "1.0.0")
    (root / "dataset.nq").write_text(_nq(("war", "dead", "516")), "utf-8")
    commit(root, "1.0.0")
    (root / "dataset.nq").write_text(_nq(("war", "dead", "516"), ("war", "ended", "1953")), "utf-8")
    commit(root, "a fact added after 1.0.0")
    set_version(root, "2.0.0")
    (root / "dataset.nq").write_text(_nq(("war", "dead", "517"), ("war", "ended", "1953")), "utf-8")
    commit(root, "2.0.0")
    return root


def test_versions_and_revisions_are_built_by_their_own_code(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--project", history, "diff", "1.0.0", "HEAD", "--format", "json")
    assert (code, err) == (1, "")
    dead = {"subject": f"<{ID}war>", "predicate": f"<{CK}dead>", "graph": f"<{ID}section>"}
    ended = {"subject": f"<{ID}war>", "predicate": f"<{CK}ended>", "graph": f"<{ID}section>"}
    assert json.loads(out) == {
        "added": [{**ended, "object": '"1953"'}],
        "removed": [],
        "changed": [{"old": {**dead, "object": '"516"'}, "new": {**dead, "object": '"517"'}}],
    }
    code, out, _err = run(
        capsys, "--project", history, "diff", "HEAD~2", "HEAD~1", "--format", "json"
    )
    assert (code, json.loads(out)["added"]) == (1, [{**ended, "object": '"1953"'}])
    assert run(capsys, "--project", history, "diff", "2.0.0", "main")[0] == 0


def test_a_revision_is_built_once_and_stamped_with_its_commit_date(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--project", history, "diff", "1.0.0", "2.0.0")
    first = git(history, "rev-parse", "HEAD~2").strip()
    stamp = tmp_path / "cache" / "canada-korea" / "builds" / first / "source-date-epoch"
    assert stamp.read_text("utf-8") == git(history, "show", "-s", "--format=%ct", first).strip()
    stamp.write_text("kept", "utf-8")
    run(capsys, "--project", history, "diff", "1.0.0", "2.0.0")
    assert stamp.read_text("utf-8") == "kept"


def test_a_revision_whose_build_fails_is_unusable_input(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (history / "broken").write_text("", "utf-8")
    broken = commit(history, "broken")
    code, out, err = run(capsys, "--project", history, "diff", "2.0.0", "HEAD")
    assert (code, out) == (2, "")
    assert err == (
        f"Error: the build of {broken[:7]} by its own code failed: "
        "data/broken.trig:1:1: TriG syntax error\n"
    )


# --- unusable input: exact exit code and message ------------------------------------------------

BAD = CASES / "bad"
BAD_INPUTS = {
    "data.txt": "Error: {path}: unknown dump format (.txt): expected a dist/ folder or a .nq,"
    " .trig, .nt, .ttl or .jsonld dump",
    "broken.nt": "Error: {path}:2:83: not a readable dump: Unexpected end of file",
    "truncated.ttl": "Error: {path}:6:16: not a readable dump: Unexpected end",
    "blank-node.nt": "Error: {path}: holds blank nodes, which two builds name differently:"
    " cannot be compared",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_unusable_dump_exit_code_and_message(
    name: str, builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = BAD / name
    assert run(capsys, "diff", path, builds[1]) == (
        2,
        "",
        BAD_INPUTS[name].format(path=path) + "\n",
    )


def test_a_folder_without_a_build_is_unusable(
    tmp_path: Path, builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "diff", builds[0], tmp_path) == (
        2,
        "",
        f"Error: {tmp_path}: not a build: expected a dist/ folder holding canada-korea.nq"
        " (or, before 2.0.0, canada-korea.nt)\n",
    )


def test_unknown_revisions_and_versions_are_unusable(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--project", history, "diff", "no-such-thing", "HEAD") == (
        2,
        "",
        f"Error: no-such-thing: no such file or folder, and not a git revision of {history}:"
        " expected a dist/ folder, a dump file (.nq, .trig, .nt, .ttl, .jsonld), a git revision"
        " such as HEAD, or a released version such as 1.0.0\n",
    )
    assert run(capsys, "--project", history, "diff", "HEAD", "3.0.0") == (
        2,
        "",
        f"Error: 3.0.0: no release 3.0.0 in the git history of {history} (releases: 1.0.0,"
        " 2.0.0); expected a released version, a git revision, a dist/ folder or a dump file\n",
    )


def test_revisions_need_git_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = Project(tmp_path)
    for folder in (project.ontology_dir, project.data_dir, project.shapes_dir):
        folder.mkdir()
    code, _out, err = run(capsys, "--project", tmp_path, "diff", "HEAD", "1.0.0")
    assert code == 2
    assert err.startswith(
        f"Error: HEAD: no such file or folder, and not a git revision of {tmp_path}"
    )


def test_help_says_what_is_compared_and_the_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for text in (
        "OLD and NEW are each a dist/ folder, a dump",
        "git revision (HEAD, a commit, a branch) or released version (1.0.0)",
        "--format {text,json,html}",
        "--build-metadata",
        "exit codes: 0 success: no difference (as diff(1) answers) 1 the answer is no: the builds"
        " differ",
        "2 unusable input",
    ):
        assert text in out
