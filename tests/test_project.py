"""The project keeps its promises to a new user: the README's commands are the real ones, every
subcommand explains itself, and the code is lint-clean."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from canada_korea.cli import main

from .conftest import ROOT


def _readme_commands() -> list[str]:
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    return [line for line in lines if line.startswith("python3 -m venv .venv && ")]


def test_readme_has_exactly_two_quick_start_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith(".venv/bin/canada-korea build")
    assert commands[1].endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert _readme_commands()[1] in ci


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["build", "--help"],
        ["validate", "--help"],
        ["query", "--help"],
        ["serve", "--help"],
        ["diff", "--help"],
        ["changelog", "--help"],
    ],
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out
    assert "0  success" in out
    assert "1  the answer is no" in out
    assert "2  unusable input" in out


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_code_is_ruff_clean() -> None:
    paths = ["src", "tests", "bench", "build.py"]
    for args in (["check", *paths], ["format", "--check", *paths]):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr


WHO_STATES = """SELECT ?document ?section WHERE {
  GRAPH ?s { ?statistic ck:measure ckr:measure-war-dead ; ck:value 516 }
  ?s rdfs:label ?section ; dcterms:isPartOf/dcterms:title ?document } ORDER BY ?document"""


def _readme_output_after(command: str) -> list[str]:
    """The lines of the output block that follows the README's code block running ``command``."""
    text = (ROOT / "README.md").read_text("utf-8")
    after = text[text.index(command) :]
    block = after.split("```\n", 3)[2]
    return block.splitlines()


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("canada-korea query casualties-by-fate", ["query", "casualties-by-fate"]),
        ("canada-korea validate examples/typos.trig", ["validate", "examples/typos.trig"]),
        ("canada-korea query 'SELECT ?document ?section WHERE {", ["query", WHO_STATES]),
    ],
)
def test_readme_shows_real_output(
    command: str,
    argv: list[str],
    built_project,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    main(["--project", str(built_project.root), *argv])
    assert capsys.readouterr().out.splitlines() == _readme_output_after(command)


PIPELINE = ["load", "provenance", "validate", "serialize", "publish", "site", "pipeline"]
"""The build's stages in order (sources → checks → dumps → site): each imports only earlier ones."""


def _package_imports() -> dict[str, set[str]]:
    """Module → the package modules it imports (anywhere in the file, lazily or not)."""
    package = ROOT / "src" / "canada_korea"
    graph: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        name = ".".join(path.relative_to(package).with_suffix("").parts)
        name = name.removesuffix(".__init__") if name != "__init__" else ""
        imported = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = name.split(".")[: len(name.split(".")) - node.level] if name else []
                if path.name == "__init__.py":
                    base = name.split(".")[: len(name.split(".")) - node.level + 1]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
                for alias in node.names:
                    full = f"{target}.{alias.name}".strip(".")
                    imported.add(
                        full if (package / f"{full.replace('.', '/')}.py").exists() else target
                    )
        graph[name] = {m for m in imported if m != name}
    return graph


def test_the_command_line_starts_without_the_engines() -> None:
    """Every command pays the package's import at start-up: the SHACL engines, rdflib's SPARQL
    parser, the page templates and the web framework are imported where they are used, so
    ``validate`` skips the SPARQL parser and ``query`` the SHACL engines (a third of their
    start-up each)."""
    heavy = ["pyshacl", "pyshacl_turbo", "rdflib.plugins.sparql", "pyparsing", "jinja2", "fastapi"]
    probe = (
        "import sys, canada_korea, canada_korea.cli\n"
        f"print(*[name for name in {heavy!r} if name in sys.modules])"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == []


def test_imports_run_one_way() -> None:
    graph = _package_imports()
    for index, stage in enumerate(PIPELINE):
        later = set(PIPELINE[index + 1 :])
        assert not graph[stage] & later, f"{stage} imports a later stage: {graph[stage] & later}"
    for module in ("query", "serve.pages", "serve.publication", "site"):
        assert "pipeline" not in graph[module] and "publish" not in graph[module], module
    seen: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' → '.join((*path, module))}"
        if module in seen:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        seen.add(module)

    for module in graph:
        visit(module, ())
