"""Whatever the input, the command line ends in an answer or one ``Error: …`` line with exit 2,
never a traceback and never the internal-error code (70), which is kept for real bugs.

Property-based: mutated TriG, Turtle, JSON-LD and SPARQL; nesting at every depth around the
limits; sizes; odd numbers and code points; odd option values.
"""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canada_korea.cli import EXIT_INTERNAL, main
from canada_korea.load import MAX_FILE_BYTES, MAX_NESTING, MAX_PREFIXES, Project, first_too_deep
from canada_korea.query import MAX_QUERY_NESTING

from .conftest import ROOT

SEED_TRIG = (ROOT / "examples" / "csp-pillar-count.trig").read_text("utf-8")
SEED_JSONLD = json.dumps(
    {
        "@context": {
            "ck": "https://w3id.org/canada-korea/def/",
            "ckr": "https://w3id.org/canada-korea/id/",
        },
        "@graph": [{"@id": "ckr:csp", "ck:date": {"@value": "2022-09", "@type": "xsd:gYearMonth"}}],
    },
    indent=1,
)
SEED_QUERY = (ROOT / "queries" / "sections-stating.rq").read_text("utf-8")
ALPHABET = string.printable + "\"'<>@^:;.,[](){}#\\é한\x00\ufeff\u2028"
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def project(built_project: Project) -> Project:
    return built_project


def _outcome(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str]:
    code = main([str(arg) for arg in argv])
    err = capsys.readouterr().err
    return code, err


def _assert_handled(code: int, err: str) -> None:
    assert code != EXIT_INTERNAL, err
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("Error: ") and err.count("\n") == 1, err


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = text[:position] + draw(st.text(ALPHABET, max_size=12)) + text[position:]
        else:
            text = text[:position] + text[position : position + 40] + text[position:]
    return text


@SETTINGS
@given(text=mutated(SEED_TRIG), suffix=st.sampled_from([".trig", ".ttl"]))
def test_mutated_trig_and_turtle_never_crash(
    text: str, suffix: str, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"mutated{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _assert_handled(*_outcome(capsys, "--project", project.root, "validate", path))


@SETTINGS
@given(text=mutated(SEED_JSONLD))
def test_mutated_jsonld_never_crashes(
    text: str, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mutated.jsonld"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _assert_handled(*_outcome(capsys, "--project", project.root, "validate", path))


@SETTINGS
@given(text=mutated(SEED_QUERY))
def test_mutated_sparql_never_crashes(
    text: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _assert_handled(*_outcome(capsys, "--project", project.root, "query", "--timeout", "3", text))


@pytest.mark.parametrize("depth", [1, MAX_NESTING, MAX_NESTING + 1, 150, 1000])
@pytest.mark.parametrize("brackets", ["[]", "()"])
def test_nested_turtle_at_any_depth(
    depth: int,
    brackets: str,
    project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    opening, closing = brackets
    inner = " <https://w3id.org/canada-korea/def/value> 1 " if opening == "[" else " 1 "
    path = tmp_path / "deep.ttl"
    path.write_text(
        "<https://w3id.org/canada-korea/id/x> <https://w3id.org/canada-korea/def/value> "
        + opening * depth
        + inner
        + closing * depth
        + " .\n",
        encoding="utf-8",
    )
    code, err = _outcome(capsys, "--project", project.root, "validate", path)
    _assert_handled(code, err)
    if depth > MAX_NESTING:
        assert code == 2 and f"nested more than {MAX_NESTING} levels deep" in err


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5000])
def test_nested_jsonld_is_refused_with_the_limit(
    depth: int, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@id": "urn:x:a", "urn:x:p": ' + "[" * depth + "1" + "]" * depth + "}")
    code, err = _outcome(capsys, "--project", project.root, "validate", path)
    assert code == 2 and f"nested more than {MAX_NESTING} levels deep" in err


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { FILTER(" + "(" * 25 + "1" + ")" * 25 + ") }",
        "SELECT * WHERE " + "{" * 40 + "}" * 40,
        "SELECT * WHERE { ?s " + "(" * 40 + "<urn:x:p>" + ")" * 40 + " ?o }",
        "SELECT * WHERE " + "{ SELECT * WHERE " * 40 + "{}" + "}" * 40,
    ],
    ids=["parentheses", "groups", "paths", "subqueries"],
)
def test_deeply_nested_sparql_is_refused_with_the_limit(
    query: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _outcome(capsys, "--project", project.root, "query", query)
    assert code == 2
    assert f"more than {MAX_QUERY_NESTING} levels deep" in err


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("9" * 100_000, "digits is too large"),
        ('"\\U00110000"', "syntax error"),
        ('"\\uD800"', ""),
        ('"1e99999"^^<http://www.w3.org/2001/XMLSchema#double>', ""),
        ('"' + "x" * 2_000_000 + '"', ""),
    ],
    ids=["huge-integer", "beyond-unicode", "surrogate", "huge-double", "long-string"],
)
def test_odd_numbers_and_code_points(
    literal: str,
    expected: str,
    project: Project,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "odd.ttl"
    path.write_text(
        "<https://w3id.org/canada-korea/id/x> <https://w3id.org/canada-korea/def/value> "
        + literal
        + " .\n",
        encoding="utf-8",
    )
    code, err = _outcome(capsys, "--project", project.root, "validate", path)
    _assert_handled(code, err)
    assert expected in err


@pytest.mark.parametrize(
    "query", ['SELECT * WHERE { ?s ?p "\\U00110000" }', "SELECT * WHERE { ?s ?p '\\uDC00' }"]
)
def test_odd_code_points_in_a_query(
    query: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _assert_handled(*_outcome(capsys, "--project", project.root, "query", query))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "0", "-5", "ten", ""])
def test_odd_timeouts_are_refused(
    value: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(project.root), "query", "--timeout", value, "ASK {}"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("Error: argument --timeout: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "--format", "pdf", "ASK {}"],
        ["query", "--bind", "=", "ASK {}"],
        ["query", "--bind", "1x=2", "ASK {}"],
        ["validate", "--input-format", "csv", "x.ttl"],
        ["frobnicate"],
    ],
)
def test_odd_option_values(
    argv: list[str], project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["--project", str(project.root), *argv])
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    err = capsys.readouterr().err
    _assert_handled(code, err)
    assert code == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bom.trig", "\ufeff" + SEED_TRIG),
        ("cr.trig", SEED_TRIG.replace("\n", "\r")),
        ("crlf.trig", SEED_TRIG.replace("\n", "\r\n")),
    ],
)
def test_byte_order_mark_and_line_ends_are_read(
    name: str, content: str, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    assert _outcome(capsys, "--project", project.root, "validate", path) == (0, "")


def test_internal_errors_have_their_own_code_and_a_report_file(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from canada_korea import cli

    def broken(_args: object) -> int:
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "_build", broken)
    code, err = _outcome(capsys, "--project", project.root, "build")
    assert code == EXIT_INTERNAL
    assert err.startswith("Error: internal error (KeyError), a bug in canada-korea")
    report = Path(err.rsplit("written to ", 1)[1].strip())
    assert "KeyError: 'a bug'" in report.read_text("utf-8")
    report.unlink()


def test_only_regular_files_are_read(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link to /proc/self/environ would print the environment in a syntax error; a FIFO or
    /dev/zero would hang. None is read."""
    secret = tmp_path / "facts.nt"
    secret.symlink_to("/proc/self/environ")
    fifo = tmp_path / "fifo.ttl"
    os.mkfifo(fifo)
    cases = {
        secret: "is a symbolic link: only regular files are read",
        fifo: "is not a regular file: only regular files are read",
        Path("/dev/zero"): "is not a regular file: only regular files are read",
    }
    for path, message in cases.items():
        code, err = _outcome(
            capsys, "--project", project.root, "validate", "--input-format", "nt", path
        )
        assert (code, err) == (2, f"Error: {path}: {message}\n")


def test_size_and_prefix_limits(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.nt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    code, err = _outcome(capsys, "--project", project.root, "validate", big)
    assert (code, err) == (
        2,
        f"Error: {big}: is larger than the {MAX_FILE_BYTES // 2**20} MiB a file may be\n",
    )
    prefixes = tmp_path / "prefixes.ttl"
    prefixes.write_text(
        "".join(f"@prefix p{i}: <urn:x:{i}#> .\n" for i in range(MAX_PREFIXES + 5)),
        encoding="utf-8",
    )
    code, err = _outcome(capsys, "--project", project.root, "validate", prefixes)
    assert (code, err) == (
        2,
        f"Error: {prefixes}:{MAX_PREFIXES + 1}:1: Turtle: more than {MAX_PREFIXES}"
        " prefix declarations\n",
    )


def test_terminal_escape_codes_are_shown_escaped(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "escape.ttl"
    path.write_text(
        "<https://w3id.org/canada-korea/id/x> <https://w3id.org/canada-korea/def/vaule>"
        ' "\\u001b[31mred\\u001b[0m" .\n',
        encoding="utf-8",
    )
    assert main(["--project", str(project.root), "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[31mred" in out


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet="[](){}\"'<>#\\\na ", max_size=60),
    limit=st.integers(min_value=0, max_value=6),
)
def test_a_text_with_few_brackets_is_found_no_deeper_than_a_scan_finds_it(
    text: str, limit: int
) -> None:
    """A text opening at most ``limit`` brackets is not scanned for nesting. The same text
    followed by a comment holding more brackets than that is scanned (a comment's brackets
    do not count), and the answer is the same."""
    scanned = f"{text}\n#{'[' * (limit + 1)}\n"
    assert first_too_deep(text, limit) == first_too_deep(scanned, limit)
