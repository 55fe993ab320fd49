"""Sources to graphs: the only place that finds and parses the project's Turtle and TriG files.

Parsing errors become :class:`SourceSyntaxError` with the file, line and column, so a
contributor's typo reads as a pointer into their file rather than a parser traceback.
"""

from __future__ import annotations

import gc
import json
import os
import re
import stat
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Dataset, Graph, Literal, Node, URIRef
from rdflib.exceptions import ParserError
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError, ProjectError, SourceSyntaxError
from .formats import RdfFormat, by_name, by_path
from .namespaces import CK, new_dataset, new_graph
from .versions import current_version, ontology_version

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


MAX_FILE_BYTES = 32 * 1024 * 1024
"""The largest source or contribution read: a bigger file is refused, not parsed for minutes."""

MAX_NESTING = 64
"""The deepest nesting of blank nodes, collections, graph blocks or JSON accepted: parsers
recurse once per level, so a deeper file is refused before it can exhaust the stack."""

MAX_PREFIXES = 1000
"""The most prefix declarations a file may make: rdflib binds each one in time that grows with
the number already bound, so 20,000 of them take minutes; no file needs more than a few."""

_PREFIX_DECLARATION = re.compile(r"^[ \t]*(?:@prefix|PREFIX)\b", re.MULTILINE | re.IGNORECASE)

MAX_MESSAGE = 160
"""The most of a parser's message repeated: enough to say what was expected, never a dump of
the file (which could hold a secret the user did not mean to show)."""


def read_text(path: Path) -> str:
    """The text of a regular file of at most :data:`MAX_FILE_BYTES`, as UTF-8 with any byte
    order mark dropped and CR or CRLF line ends read as LF.

    Only regular files are read, and never through a symbolic link: a link to a device, a FIFO
    or ``/proc`` would hang or show what it should not. Raises :class:`InputError`.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError as error:
        raise InputError("no such file", file=path) from error
    except OSError as error:
        if path.is_symlink():
            raise InputError(
                "is a symbolic link: only regular files are read", file=path
            ) from error
        raise InputError(f"cannot read file: {error.strerror}", file=path) from error
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise InputError("is not a regular file: only regular files are read", file=path)
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            f"is larger than the {MAX_FILE_BYTES // 2**20} MiB a file may be", file=path
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text (byte {error.start}): RDF files must be UTF-8", file=path
        ) from error
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_into(target: Graph, text: str, rdf_format: RdfFormat, path: Path) -> None:
    """Parse ``text`` (read from ``path``) into ``target``: every way it can be malformed, too
    deep or too large becomes a :class:`SourceSyntaxError`, with the line and column where known.

    Formats without graphs are parsed with the file as base IRI; TriG and N-Quads are parsed
    without one, so that what lies outside any graph block stays in the default graph.
    """
    _refuse_beyond_limits(path, text, rdf_format)
    public_id = None if rdf_format.name in ("trig", "nquads") else path.resolve().as_uri()
    _parse_with_rdflib(target, text, rdf_format, path, public_id)


def _refuse_beyond_limits(path: Path, text: str, rdf_format: RdfFormat) -> None:
    """What no parser is given: a surrogate escape, nesting deeper than :data:`MAX_NESTING`,
    more than :data:`MAX_PREFIXES` prefixes, a remote JSON-LD context."""
    label = rdf_format.label
    surrogate = first_surrogate_escape(text)
    if surrogate is not None:
        raise _error_at(
            path,
            text,
            surrogate,
            f"{label}: {text[surrogate : surrogate + 6]} names half of a UTF-16 surrogate pair,"
            " not a character",
        )
    if rdf_format.name in ("turtle", "trig", "json-ld"):
        _refuse_deep_nesting(path, text, label)
    prefixes = (
        list(_PREFIX_DECLARATION.finditer(text)) if rdf_format.name in ("turtle", "trig") else []
    )
    if len(prefixes) > MAX_PREFIXES:
        raise _error_at(
            path,
            text,
            prefixes[MAX_PREFIXES].start(),
            f"{label}: more than {MAX_PREFIXES} prefix declarations",
        )
    if rdf_format.name == "json-ld":
        _refuse_remote_contexts(path, text)


def _parse_with_rdflib(
    target: Graph, text: str, rdf_format: RdfFormat, path: Path, public_id: str | None
) -> None:
    """rdflib's parse, each of its ways of failing turned into a :class:`SourceSyntaxError`."""
    label = rdf_format.label
    try:
        target.parse(data=text, format=rdf_format.rdflib, publicID=public_id)
    except BadSyntax as error:
        line, column = position(text, error._i)
        raise SourceSyntaxError(
            f"{label} syntax error: {_excerpt(error._why)}", file=path, line=line, column=column
        ) from error
    except ParserError as error:
        line = _first_bad_line(text, rdf_format)
        raise SourceSyntaxError(
            f"{label} syntax error: {_excerpt(str(error).splitlines()[0])}", file=path, line=line
        ) from error
    except (IndexError, AssertionError) as error:
        # rdflib's Turtle parser reads past the end of a truncated statement (IndexError) and
        # asserts on a string left open at the end (AssertionError): the text stops too soon.
        line, column = position(text, len(text))
        raise SourceSyntaxError(
            f"{label} syntax error: the file ends in the middle of a statement",
            file=path,
            line=line,
            column=column,
        ) from error
    except ValueError as error:
        digits = re.search(r"\d{4301,}", text)
        if digits is None:
            raise SourceSyntaxError(
                f"{label} could not be read: {_excerpt(str(error))}", file=path
            ) from error
        line, column = position(text, digits.start())
        raise SourceSyntaxError(
            f"{label}: a number of {len(digits.group())} digits is too large (4300 at most)",
            file=path,
            line=line,
            column=column,
        ) from error
    except (TypeError, KeyError, AttributeError, UnboundLocalError) as error:
        # The JSON-LD and N-Quads parsers report some malformed input this way.
        raise SourceSyntaxError(
            f"{label} could not be read: {_excerpt(str(error))}", file=path
        ) from error


def parse_turtle_into(graph: Graph, path: Path, rdf_format: str = "turtle") -> Graph:
    """Parse one Turtle (or, into a Dataset, TriG) source file into ``graph``."""
    parse_into(graph, read_text(path), by_name(rdf_format), path)  # type: ignore[arg-type]
    return graph


# Strings, IRIs and comments are skipped, so that their brackets do not count as nesting.
_TOKENS = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n]*
      |(?P<open>[\[({])|(?P<close>[\])}])""",
    re.VERBOSE,
)


def _refuse_deep_nesting(path: Path, text: str, label: str) -> None:
    offset = first_too_deep(text, MAX_NESTING)
    if offset is not None:
        raise _error_at(
            path,
            text,
            offset,
            f"{label}: nested more than {MAX_NESTING} levels deep (blank nodes,"
            " collections, graph blocks or JSON arrays and objects)",
        )


def _error_at(path: Path, text: str, offset: int, message: str) -> SourceSyntaxError:
    """The error for ``message`` pointing at ``offset`` of ``path``'s ``text``, or at the file
    alone when ``offset`` is negative (the culprit could not be found in the text)."""
    line, column = position(text, offset) if offset >= 0 else (None, None)
    return SourceSyntaxError(message, file=path, line=line, column=column)


_SURROGATE_ESCAPE = re.compile(
    r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F][0-9a-fA-F]{2})"
)


def first_surrogate_escape(text: str) -> int | None:
    """The offset of the first ``\\uD800``-style escape: it names half a UTF-16 pair, which
    RDF and SPARQL text cannot hold (rdflib would accept it and fail when writing it out)."""
    found = _SURROGATE_ESCAPE.search(text)
    return None if found is None else found.start()


def first_too_deep(text: str, limit: int) -> int | None:
    """The offset of the first bracket (``[``, ``(`` or ``{``, outside strings, IRIs and
    comments) that opens a level deeper than ``limit``, or None. Turtle, TriG, JSON and
    SPARQL write strings and IRIs alike, so one scanner serves them all, in linear time.

    No bracket opens a level deeper than the brackets opened in the whole text, so a text
    with at most ``limit`` of them is not scanned: every source file so far (the scan took a
    third of reading the sources at 100x)."""
    if text.count("[") + text.count("(") + text.count("{") <= limit:
        return None
    depth = 0
    for match in _TOKENS.finditer(text):
        if match.group("open"):
            depth += 1
            if depth > limit:
                return match.start()
        elif match.group("close"):
            depth = max(depth - 1, 0)
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` within ``text`` (clamped into the text)."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _excerpt(message: str) -> str:
    """A parser's message on one line, at most :data:`MAX_MESSAGE` characters, controls
    escaped (a terminal must not run escape codes a file smuggles into a message)."""
    line = " ".join(message.split())
    line = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in line)
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


def rdflib_term(term: object) -> Node:
    """A pyoxigraph term as rdflib writes it (a plain literal has no datatype in rdflib).

    Raises ValueError for what RDF 1.2 adds and rdflib cannot hold: a triple term, a literal
    with a base direction."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if not isinstance(term, ox.Literal) or term.direction:
        raise ValueError(f"{term} is RDF 1.2, which rdflib cannot hold")
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


_XSD_STRING = str(XSD.string)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a whole graph is built or checked.

    Each triple rdflib stores allocates several containers, so building a graph of the 10x
    data sets off collections that walk every object alive (the sources, the union, …):
    up to a third of validating and publishing at 10x. What is built here holds no reference
    cycles to reclaim; the collector's state is restored afterwards, whatever it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_sources(project: Project) -> Dataset:
    """The ontology (in the default graph, with its version from ``pyproject.toml``) and every
    data file with its named graphs: the dataset as written, before the build derives anything
    from it (:func:`read_sources` in rdflib's terms)."""
    return to_dataset(read_sources(project))


@collection_paused()
def read_sources(project: Project) -> list[ox.Quad]:
    """What :func:`load_sources` holds, as pyoxigraph statements: each once per graph, its
    terms as rdflib holds them (see :func:`_as_rdflib_holds`).

    The build publishes from these and converts them to rdflib's terms only where rdflib
    checks them (in the process that runs the checks): building rdflib's dataset was most of
    reading the sources, which nothing else could do meanwhile."""
    statements: dict[ox.Quad, None] = {}
    for path in project.ontology_files():
        _read_source(statements, path, by_name("turtle"))
    for s, p, o in ontology_version(current_version(project.root)):
        value = ox.Literal(o) if isinstance(o, Literal) else ox.NamedNode(o)
        statements[ox.Quad(ox.NamedNode(s), ox.NamedNode(p), value)] = None
    vocabulary = {quad for quad in statements if _is_term(quad.subject)}
    for path in project.data_files():
        _read_source(statements, path, by_name("trig"))
    if any(_is_term(quad.subject) and quad not in vocabulary for quad in statements):
        # Checked once over everything (per file it made loading quadratic); only to say
        # which file redefines a term is each file read again on its own.
        described = {
            (s, p, o, DATASET_DEFAULT_GRAPH_ID if g is None else g)
            for s, p, o, g in rdflib_quads(vocabulary)
        }
        for path in project.data_files():
            _refuse_vocabulary(path, described)
    return list(statements)


@collection_paused()
def to_dataset(quads: Iterable[ox.Quad]) -> Dataset:
    """``quads`` in an rdflib dataset, each in its graph (the default graph for the default
    graph's)."""
    dataset = new_dataset()
    add_quads(dataset, rdflib_quads(quads))
    return dataset


NamedQuad = tuple[Node, Node, Node, Node | None]
"""A statement and the name of its graph (None for the default graph), in rdflib's terms."""


def rdflib_quads(
    quads: Iterable[ox.Quad], made: dict[object, Node] | None = None
) -> Iterator[NamedQuad]:
    """pyoxigraph's ``quads`` in rdflib's terms, as ``provenance.named_quads`` gives an rdflib
    dataset's statements.

    Each distinct term is made once and shared by every statement that holds it, in ``made``
    (pass one dict to calls whose statements should share terms). The sources at 100x hold
    59,000 distinct terms in 522,000 statements: a list of them in rdflib's terms took 2.1 s
    and 390 MB with a term made wherever it occurs, 0.6 s and 70 MB with the terms shared."""
    made = {} if made is None else made

    def term(value: object) -> Node:
        known = made.get(value)
        if known is None:
            known = made[value] = rdflib_term(value)
        return known

    for quad in quads:
        name = quad.graph_name
        yield (
            term(quad.subject),
            term(quad.predicate),
            term(quad.object),
            None if isinstance(name, ox.DefaultGraph) else term(name),
        )


def add_quads(dataset: Dataset, quads: Iterable[NamedQuad]) -> None:
    """Add each of ``quads`` to ``dataset``'s graph of the same name, looking each graph up
    once (``Dataset.graph`` per quad was a quarter of the time of copying the dataset)."""
    graphs: dict[Node | None, Graph] = {}
    for s, p, o, name in quads:
        if name not in graphs:
            graphs[name] = dataset.graph(DATASET_DEFAULT_GRAPH_ID if name is None else name)
        graphs[name].add((s, p, o))


def _read_source(statements: dict[ox.Quad, None], path: Path, rdf_format: RdfFormat) -> None:
    """One source file into ``statements``: Turtle into the default graph, TriG as written.

    Read by Oxigraph's parser, which takes a fraction of the time of rdflib's. The limits of
    any input are checked first, as :func:`parse_into` checks them, and a file Oxigraph
    refuses, or reads as RDF 1.2 that rdflib cannot hold (a triple term, a literal with a
    direction), is parsed by rdflib instead: its errors, with their line and column, are those
    every input gets.
    """
    text = read_text(path)
    _refuse_beyond_limits(path, text, rdf_format)
    turtle = rdf_format.name == "turtle"
    base = path.resolve().as_uri() if turtle else None
    try:
        quads = _held_quads(ox.parse(text, format=rdf_format.oxigraph, base_iri=base))
    except (SyntaxError, ValueError):
        written = new_dataset()
        _parse_with_rdflib(
            written.default_graph if turtle else written, text, rdf_format, path, base
        )
        # What rdflib read, through N-Quads, which both write and read alike.
        quads = [
            ox.Quad(q.subject, q.predicate, _held(q.object), _graph_held(q.graph_name))
            for q in ox.parse(written.serialize(format="nquads"), format=ox.RdfFormat.N_QUADS)
        ]
    statements.update(dict.fromkeys(quads))


def _held_quads(parsed: Iterable[ox.Quad]) -> list[ox.Quad]:
    """``parsed`` as rdflib holds them (see :func:`_held` and :func:`_graph_held`): a statement
    rdflib holds as Oxigraph read it is kept as it is, and only the others are made anew from
    their terms. Making every one anew was two thirds of reading the sources at 100x. Only an
    object can change: a subject is an IRI or a blank node (Oxigraph puts a triple term only
    in objects), which rdflib holds as they are."""
    held = []
    for quad in parsed:
        term, graph = quad.object, quad.graph_name
        held_graph = _graph_held(graph)
        if held_graph is graph and not _held_otherwise(term):
            held.append(quad)
        else:
            held.append(ox.Quad(quad.subject, quad.predicate, _held(term), held_graph))
    return held


def _held_otherwise(term: ox.Term) -> bool:
    """Whether :func:`_held` may give another term than ``term`` (or refuse it)."""
    if type(term) is ox.Literal:
        return bool(term.direction) or (not term.language and term.datatype != _OX_XSD_STRING)
    return type(term) is ox.Triple


def _held(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> ox.Term:
    """``term`` as rdflib holds it (see :func:`_as_rdflib_holds`); ValueError for what rdflib
    cannot hold (RDF 1.2's triple terms and literals with a direction)."""
    if isinstance(term, ox.Literal):
        if term.direction:
            raise ValueError(f"{term} is RDF 1.2, which rdflib cannot hold")
        if not term.language and term.datatype != _OX_XSD_STRING:
            lexical = _as_rdflib_holds(term.value, term.datatype.value)
            if lexical != term.value:
                return ox.Literal(lexical, datatype=term.datatype)
        return term
    if isinstance(term, ox.Triple):
        raise ValueError(f"{term} is RDF 1.2, which rdflib cannot hold")
    return term


@lru_cache(maxsize=65536)
def _as_rdflib_holds(lexical: str, datatype: str) -> str:
    """The lexical form rdflib gives a typed literal: its canonical one for the datatypes it
    reads (``"01"^^xsd:integer`` is ``"1"``), as written for the others. The dumps have always
    carried rdflib's form."""
    return str(Literal(lexical, datatype=URIRef(datatype)))


def _graph_held(name: GraphName) -> GraphName:
    """A graph's name as rdflib's dataset reads it: its own default graph's IRI is that graph."""
    if isinstance(name, ox.NamedNode) and name.value == _RDFLIB_DEFAULT_GRAPH:
        return _OX_DEFAULT_GRAPH
    return name


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
_OX_XSD_STRING = ox.NamedNode(str(XSD.string))
_OX_DEFAULT_GRAPH = ox.DefaultGraph()
_RDFLIB_DEFAULT_GRAPH = str(DATASET_DEFAULT_GRAPH_ID)


def _refuse_vocabulary(path: Path, vocabulary: set[tuple[Node, Node, Node, Node]]) -> None:
    """Raise :class:`SourceSyntaxError` at the first ontology term the data file ``path``
    describes beyond the ontology's own ``vocabulary``."""
    written = parse_turtle_into(new_dataset(), path, "trig")
    redefined = sorted(set(_vocabulary_quads(written)) - vocabulary, key=str)
    if not redefined:
        return
    curie = redefined[0][0].n3(written.namespace_manager)
    text = path.read_text("utf-8")
    raise _error_at(
        path,
        text,
        text.find(curie),
        f"{curie} is an ontology term: data files do not describe or redefine the"
        " vocabulary (ontology/ does)",
    )


def _vocabulary_quads(dataset: Dataset) -> Iterator[tuple[Node, Node, Node, Node]]:
    """The statements about the vocabulary's own terms (``ck:…``), in any graph."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if _is_term(s):
            yield (s, p, o, getattr(g, "identifier", g))


def _is_term(subject: object) -> bool:
    """Whether ``subject`` is one of the vocabulary's terms (``ck:…``), in rdflib's terms or
    pyoxigraph's."""
    if isinstance(subject, ox.NamedNode):
        return subject.value.startswith(_VOCABULARY)
    return isinstance(subject, URIRef) and subject.startswith(_VOCABULARY)


_VOCABULARY = str(CK)


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
    formats without graphs); ``graph`` is all of them flattened. Locating a problem costs a
    dictionary lookup: the lines and the statements' starting lines are indexed once, so a
    large file with many problems is reported in time linear in its size."""

    path: Path
    rdf_format: RdfFormat
    text: str
    graph: Graph
    dataset: Dataset
    _located: dict[tuple[Node, Node | None], int | None] = field(
        default_factory=dict, repr=False, compare=False
    )
    _patterns: dict[URIRef, re.Pattern[str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def line_of(self, node: Node, predicate: Node | None = None) -> int | None:
        """The line of ``node``'s triple with ``predicate`` when the file shows it, else the line
        where ``node``'s description starts, else the first line that mentions it; None when the
        file has no such line (or no lines at all, as for a Graph passed in memory)."""
        if not isinstance(node, URIRef):
            return None
        key = (node, predicate)
        if key not in self._located:
            self._located[key] = self._find(node, predicate)
        return self._located[key]

    def _find(self, node: URIRef, predicate: Node | None) -> int | None:
        lines = self._lines
        starts = self._starts.get(node, [])
        if not starts:
            mention = self._pattern(node)
            found = next((n for n, line in enumerate(lines) if mention.search(line)), None)
            return None if found is None else found + 1
        if isinstance(predicate, URIRef):
            pattern = self._pattern(predicate)
            # The node may start several statements (one per graph in TriG): the first one
            # that shows the predicate wins.
            for start in starts:
                for number in range(start, len(lines)):
                    if pattern.search(lines[number]):
                        return number + 1
                    if _STATEMENT_END.search(lines[number]):
                        break
        return starts[0] + 1

    def _pattern(self, term: URIRef) -> re.Pattern[str]:
        """A regular expression for the ways this file writes ``term`` (compiled once)."""
        if term not in self._patterns:
            forms = [
                re.escape(form) + (r"(?![\w:-])" if not form.startswith(("<", '"')) else "")
                for form in self._forms(term)
            ]
            if term == RDF.type and self.rdf_format.name != "json-ld":
                forms.append(r"\sa\s")
            self._patterns[term] = re.compile("|".join(forms))
        return self._patterns[term]

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def _namespaces(self) -> dict[str, str]:
        return {prefix: str(namespace) for prefix, namespace in self.graph.namespaces() if prefix}

    @cached_property
    def _starts(self) -> dict[URIRef, list[int]]:
        """Each IRI with the lines (0-based) where a statement about it starts."""
        starts: dict[URIRef, list[int]] = defaultdict(list)
        if self.rdf_format.name == "json-ld":
            return starts
        for number, line in enumerate(self._lines):
            match = _LEADING_TERM.match(line)
            if match is None:
                continue
            token = match.group(1)
            if token.startswith("<"):
                starts[URIRef(token[1:-1])].append(number)
            else:
                prefix, _, local = token.partition(":")
                if prefix in self._namespaces:
                    starts[URIRef(self._namespaces[prefix] + local)].append(number)
        return starts

    def _forms(self, term: URIRef) -> tuple[str, ...]:
        """The ways this file can write ``term``."""
        if self.rdf_format.name == "json-ld":
            return (json.dumps(str(term)),)
        forms = [f"<{term}>"]
        for prefix, namespace in self._namespaces.items():
            local = str(term).removeprefix(namespace)
            if local != str(term):
                forms.append(f"{prefix}:{local}")
        return tuple(forms)


# A statement's first term at the start of a line (after a TriG graph's opening brace).
_LEADING_TERM = re.compile(r"\s*\{?\s*(<[^<>\s]*>|[A-Za-z][\w.-]*:[^\s;,<>\"]*?)(?=[\s;,]|\.?$)")
_STATEMENT_END = re.compile(r"\.\s*(#.*)?$")


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
    text = read_text(path)
    dataset = Dataset()
    parse_into(dataset, text, rdf_format, path)
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
    refuse_invalid_iris(path, text, graph)
    return Contribution(path, rdf_format, text, graph, written)


# Characters RFC 3987 never allows in an IRI; rdflib's parsers let some of them through.
INVALID_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def refuse_invalid_iris(path: Path, text: str, graph: Graph) -> None:
    """Refuse IRIs with spaces, quotes, brackets or control characters, and IRIs that are not
    absolute (``://host/x``, left by a JSON-LD prefix without a scheme), literals' datatypes
    among them: pointing at the text where it shows them, as Oxigraph and the SHACL engine
    would refuse them later, mid-check; and language tags that are no BCP 47 tag (``@n``,
    which Turtle's grammar allows and the SHACL engine refuses). Raises
    :class:`SourceSyntaxError`."""
    for tag in sorted({o.language for _s, _p, o in graph if isinstance(o, Literal)} - {None}):
        try:
            ox.Literal("", language=tag)
        except ValueError as error:
            # The tag as written, not the start of a longer one (``@n`` in ``@nl``).
            written = re.search(rf"@{re.escape(tag)}(?![\w-])", text, re.IGNORECASE)
            at = written.start() if written else -1
            raise _error_at(
                path,
                text,
                at,
                f"invalid language tag {json.dumps(tag)[:80]}: {_excerpt(str(error))}",
            ) from error
    iris = {
        term.datatype if isinstance(term, Literal) else term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) or (isinstance(term, Literal) and term.datatype)
    }
    for term in sorted(iris):
        shown = json.dumps(str(term))[:80]
        bad = INVALID_IRI.search(term)
        if bad is not None:
            head = str(term)[: bad.start()]
            at = text.find(head) if head else -1
            if at < 0:
                # Resolved against the file's address, the IRI's start is not in the text;
                # what follows the character refused was written as it is.
                at = text.find(str(term)[bad.start() :])
            raise _error_at(
                path,
                text,
                at,
                f"invalid IRI {shown}: IRIs cannot contain spaces, quotes, angle brackets or"
                " control characters",
            )
        try:
            ox.NamedNode(term)
        except ValueError as error:
            raise _error_at(
                path, text, text.find(term), f"invalid IRI {shown}: {_excerpt(str(error))}"
            ) from error


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
    if not isinstance(document, dict | list):
        raise SourceSyntaxError(
            f"a JSON-LD document is an object or an array, not {type(document).__name__}".replace(
                "NoneType", "null"
            ),
            file=path,
            line=1,
            column=1,
        )
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
