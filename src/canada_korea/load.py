"""Sources to graphs: the only place that finds and parses the project's Turtle files.

Parsing errors become :class:`SourceSyntaxError` with the file, line and column, so a
contributor's typo reads as a pointer into their file rather than a parser traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import ProjectError, SourceSyntaxError
from .namespaces import new_graph

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Project:
    """The folders of a canada-korea checkout; every path the build reads or writes."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    def source_files(self) -> list[Path]:
        """Ontology then data files, sorted, so every build reads them in the same order."""
        return _turtle_files(self.ontology_dir) + _turtle_files(self.data_dir)

    def shape_files(self) -> list[Path]:
        return _turtle_files(self.shapes_dir)


def _turtle_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ProjectError(f"folder {folder} is missing: is this a canada-korea checkout?")
    return sorted(folder.glob("*.ttl"))


def _is_project(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in ("ontology", "data", "shapes"))


def find_project(start: Path | None = None) -> Project:
    """The checkout to work in: ``start`` itself when given, else the one around the working
    directory, else the one this package is installed from.

    Looking upward from the working directory lets a contributor run the command anywhere in
    their checkout; an explicit folder that is not a checkout is an error, never a fallback.
    """
    if start is not None:
        if _is_project(start):
            return Project(start.resolve())
        raise ProjectError(
            f"{start} is not a canada-korea checkout (it needs ontology/, data/ and shapes/)"
        )
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_project(folder):
            return Project(folder)
    if _is_project(PACKAGE_ROOT):
        return Project(PACKAGE_ROOT)
    raise ProjectError(
        f"no canada-korea checkout (folders ontology/, data/, shapes/) at or above {here}"
    )


def parse_turtle_into(graph: Graph, path: Path) -> Graph:
    """Parse one Turtle file into ``graph``; syntax errors carry the file, line and column."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise SourceSyntaxError(f"cannot read file: {error.strerror}", file=path) from error
    except UnicodeDecodeError as error:
        raise SourceSyntaxError(
            f"not UTF-8 text (byte {error.start}); Turtle files must be UTF-8", file=path
        ) from error
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        line, column = _position(text, error)
        raise SourceSyntaxError(
            f"Turtle syntax error: {error._why}", file=path, line=line, column=column
        ) from error
    return graph


def _position(text: str, error: BadSyntax) -> tuple[int, int]:
    """1-based line and column of a notation3 parser error within ``text``."""
    offset = min(error._i, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def load_sources(project: Project) -> Graph:
    """The ontology and every data file as one graph: what the dumps publish."""
    graph = new_graph()
    for path in project.source_files():
        parse_turtle_into(graph, path)
    return graph


def load_shapes(project: Project) -> Graph:
    """Every shapes file as one shapes graph."""
    graph = new_graph()
    for path in project.shape_files():
        parse_turtle_into(graph, path)
    return graph
