"""Sources to graphs: the only place that finds and parses the project's Turtle and TriG files.

Parsing errors become :class:`SourceSyntaxError` with the file, line and column, so a
contributor's typo reads as a pointer into their file rather than a parser traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Dataset, Graph, Node, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError, ProjectError, SourceSyntaxError
from .formats import RdfFormat, by_name, by_path
from .namespaces import new_dataset, new_graph

CONTRIBUTION_FORMATS = ("turtle", "trig", "nt", "nquads", "json-ld")

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

    def ontology_files(self) -> list[Path]:
        return _files(self.ontology_dir, "*.ttl")

    def data_files(self) -> list[Path]:
        """The data: one TriG file per topic, sorted, so every build reads them in one order."""
        return _files(self.data_dir, "*.trig")

    def source_files(self) -> list[Path]:
        """Ontology then data files: everything the published dataset is built from."""
        return self.ontology_files() + self.data_files()

    def shape_files(self) -> list[Path]:
        return _files(self.shapes_dir, "*.ttl")


def _files(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        raise ProjectError(f"folder {folder} is missing: is this a canada-korea checkout?")
    return sorted(folder.glob(pattern))


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


def parse_turtle_into(graph: Graph, path: Path, rdf_format: str = "turtle") -> Graph:
    """Parse one Turtle (or, into a Dataset, TriG) file into ``graph``; syntax errors carry the
    file, line and column."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise SourceSyntaxError(f"cannot read file: {error.strerror}", file=path) from error
    except UnicodeDecodeError as error:
        raise SourceSyntaxError(
            f"not UTF-8 text (byte {error.start}); source files must be UTF-8", file=path
        ) from error
    name = "TriG" if rdf_format == "trig" else "Turtle"
    try:
        if rdf_format == "trig":
            # No publicID: TriG's triples outside any GRAPH block must land in the default graph.
            graph.parse(data=text, format="trig")
        else:
            graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        line, column = _position(text, error)
        raise SourceSyntaxError(
            f"{name} syntax error: {error._why}", file=path, line=line, column=column
        ) from error
    return graph


def _position(text: str, error: BadSyntax) -> tuple[int, int]:
    """1-based line and column of a notation3 parser error within ``text``."""
    offset = min(error._i, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def load_sources(project: Project) -> Dataset:
    """The ontology (in the default graph) and every data file with its named graphs: the
    dataset as written, before the build derives anything from it."""
    dataset = new_dataset()
    for path in project.ontology_files():
        parse_turtle_into(dataset.default_graph, path)
    for path in project.data_files():
        parse_turtle_into(dataset, path, "trig")
    return dataset


def load_shapes(project: Project) -> Graph:
    """Every shapes file as one shapes graph."""
    graph = new_graph()
    for path in project.shape_files():
        parse_turtle_into(graph, path)
    return graph


@dataclass
class Contribution:
    """Statements a contributor proposes, with their text so problems can point at a line.

    ``dataset`` keeps the graphs they were written in (everything in the default graph for
    formats without graphs); ``graph`` is all of them flattened."""

    path: Path
    rdf_format: RdfFormat
    text: str
    graph: Graph
    dataset: Dataset

    def line_of(self, node: Node, predicate: Node | None = None) -> int | None:
        """The line of ``node``'s triple with ``predicate`` when the file shows it, else the line
        where ``node``'s description starts, else the first line that mentions it; None when the
        file has no such line (or no lines at all, as for a Graph passed in memory)."""
        if not isinstance(node, URIRef):
            return None
        lines = self.text.splitlines()
        subject = re.compile(r"^\s*\{?\s*(" + self._forms(node) + ")")
        mention = re.compile(self._forms(node))
        starts = [n for n, line in enumerate(lines) if subject.match(line)]
        if not starts:
            found = next((n for n, line in enumerate(lines) if mention.search(line)), None)
            return None if found is None else found + 1
        if isinstance(predicate, URIRef):
            forms = self._forms(predicate)
            if predicate == RDF.type and self.rdf_format.name != "json-ld":
                forms += r"|\sa\s"
            pattern = re.compile(forms)
            # The node may start several statements (one per graph in TriG): the first one
            # that shows the predicate wins.
            for start in starts:
                for number in range(start, len(lines)):
                    if pattern.search(lines[number]):
                        return number + 1
                    if re.search(r"\.\s*(#.*)?$", lines[number]):
                        break
        return starts[0] + 1

    def _forms(self, term: URIRef) -> str:
        """A regular expression matching the ways this file can write ``term``."""
        if self.rdf_format.name == "json-ld":
            return re.escape(json.dumps(str(term)))
        forms = [re.escape(f"<{term}>")]
        for prefix, namespace in self.graph.namespaces():
            local = str(term).removeprefix(str(namespace))
            if local != str(term) and prefix:
                forms.append(re.escape(f"{prefix}:{local}") + r"(?![\w:-])")
        return "|".join(forms)


def parse_contribution(path: Path, format_name: str | None = None) -> Contribution:
    """Read a contributor's file of triples in any of the contribution formats.

    Every way the bytes can be unusable becomes an :class:`InputError` or a
    :class:`SourceSyntaxError` with the line and column: an unknown extension, a missing file,
    text that is not UTF-8, a syntax error, or a JSON-LD context that would need the network
    (it is never fetched).
    """
    rdf_format = by_name(format_name) if format_name else by_path(path)
    if rdf_format is None or rdf_format.name not in CONTRIBUTION_FORMATS:
        wanted = format_name or (path.suffix or "no extension")
        raise InputError(
            f"unknown format ({wanted}): use a .ttl, .trig, .nt, .nq or .jsonld file, "
            f"or --input-format {'|'.join(CONTRIBUTION_FORMATS)}",
            file=path,
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError("no such file", file=path) from error
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror}", file=path) from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text (byte {error.start}): RDF files must be UTF-8", file=path
        ) from error
    if rdf_format.name == "json-ld":
        _refuse_remote_contexts(path, text)
    dataset = Dataset()
    try:
        dataset.parse(data=text, format=rdf_format.rdflib, publicID=path.resolve().as_uri())
    except BadSyntax as error:
        line, column = _position(text, error)
        raise SourceSyntaxError(
            f"{rdf_format.name} syntax error: {error._why}", file=path, line=line, column=column
        ) from error
    except ParserError as error:
        line = _first_bad_line(text, rdf_format)
        raise SourceSyntaxError(
            f"{rdf_format.name} syntax error: {str(error).splitlines()[0]}", file=path, line=line
        ) from error
    except IndexError as error:
        # rdflib's Turtle parser reads past the end of a truncated statement.
        lines = text.splitlines() or [""]
        raise SourceSyntaxError(
            f"{rdf_format.name} syntax error: the file ends in the middle of a statement",
            file=path,
            line=len(lines),
            column=len(lines[-1]) + 1,
        ) from error
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        # The JSON-LD and N-Quads parsers report some malformed input this way.
        raise SourceSyntaxError(
            f"{rdf_format.name} could not be read: {error}", file=path
        ) from error
    graph = new_graph()
    written = new_dataset()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=False)
    public_id = URIRef(path.resolve().as_uri())
    for subject, predicate, obj, context in dataset.quads():
        graph.add((subject, predicate, obj))
        # A format without graphs (Turtle, N-Triples) lands in a graph named after the file.
        name = getattr(context, "identifier", context)
        target = written.default_graph if name == public_id else written.graph(name)
        target.add((subject, predicate, obj))
    if len(graph) == 0:
        raise InputError("contains no triples: nothing to validate", file=path)
    _refuse_invalid_iris(path, text, graph)
    return Contribution(path, rdf_format, text, graph, written)


# Characters RFC 3987 never allows in an IRI; rdflib's parsers let some of them through.
INVALID_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _refuse_invalid_iris(path: Path, text: str, graph: Graph) -> None:
    """Refuse IRIs with spaces, quotes, brackets or control characters, pointing at the text."""
    for term in sorted({t for triple in graph for t in triple if isinstance(t, URIRef)}):
        bad = INVALID_IRI.search(term)
        if bad is None:
            continue
        head = str(term)[: bad.start()]
        offset = text.find(head) if head else -1
        line = column = None
        if offset >= 0:
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise SourceSyntaxError(
            f"invalid IRI {json.dumps(str(term))[:80]}: IRIs cannot contain spaces, quotes,"
            " angle brackets or control characters",
            file=path,
            line=line,
            column=column,
        )


def _first_bad_line(text: str, rdf_format: RdfFormat) -> int | None:
    """The first line of a line-based file (N-Triples, N-Quads) that does not parse alone."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Dataset().parse(data=line + "\n", format=rdf_format.rdflib)
        except (ParserError, ValueError):
            return number
    return None


def _refuse_remote_contexts(path: Path, text: str) -> None:
    """Refuse a JSON-LD document any of whose contexts is a URL: resolving it needs the network."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceSyntaxError(
            f"JSON syntax error: {error.msg}", file=path, line=error.lineno, column=error.colno
        ) from error
    for context in _contexts(document):
        remote = [
            item
            for item in (context if isinstance(context, list) else [context])
            if isinstance(item, str) or (isinstance(item, dict) and "@import" in item)
        ]
        if remote:
            raise InputError(
                f"the JSON-LD context {json.dumps(remote[0])} is remote and would need the "
                "network, which is never used: put the context inline "
                "(dist/context.jsonld holds the project's)",
                file=path,
            )


def _contexts(node: object) -> Iterator[object]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield value
            yield from _contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _contexts(item)
