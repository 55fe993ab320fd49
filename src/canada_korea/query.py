"""Queries over the graph: the project's prefixes, named queries, safe execution, result formats.

A query is parsed before anything runs, so a mistake is reported as a :class:`QueryError` with
the line and column of the user's own text (the project prefixes are predeclared, never pasted
in front of it). What could change data or reach the network is refused at that stage: updates,
``SERVICE`` (unless allowed) and ``FROM``/``FROM NAMED`` (rdflib would fetch them from the web).

A local query runs on the build's persistent index (an on-disk Oxigraph store, see ``index``)
or on an rdflib graph given in memory. Neither engine can be interrupted, so each local query
runs in a forked child process, off the network and under a memory cap, and is killed when the
time limit passes; the child opens the index read-only itself, or shares the parsed graph. It
sends its answer back in a standard serialisation (SPARQL JSON results, or N-Triples for
graphs), which the parent parses into an ordinary :class:`rdflib.query.Result`.

The build also answers every named query once, unbound, and keeps each answer beside the
index (``answers/``, see :func:`write_answers`): a query whose text is one of them, run with
no bindings on that build's index, reads the kept answer instead of evaluating it again (at
100x the slowest took 2.6 s in the engine). A build never changes, so a kept answer is the
engine's answer on that index for as long as the index exists.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import faulthandler
import hashlib
import io
import multiprocessing
import os
import re
import resource
import signal
import string
import threading
import unicodedata
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from multiprocessing.connection import Connection
from operator import getitem
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import orjson
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD, NamespaceManager
from rdflib.plugins.parsers.ntriples import ParseError as NTriplesError
from rdflib.query import Result
from rdflib.term import Identifier

from .errors import QueryError
from .fingerprint import code_fingerprint
from .index import ANSWERS, INDEX, open_index
from .load import Project, first_surrogate_escape, first_too_deep, position
from .namespaces import PREFIXES, new_graph
from .offline import NetworkSandboxUnavailable, canonical_text, forbid_network
from .serialize import OxigraphTerms, jsonld, ntriples

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

DEFAULT_TIMEOUT: float = 30.0
QUERY_MEMORY = 1024 * 2**20
"""Memory a local query may use beyond the process it forks from (the parsed graph is shared)."""
MAX_QUERY_NESTING = 16
"""The deepest nesting of parentheses, groups and brackets a query may have: the parsers
recurse once per level (rdflib's overflows its stack at about 25, Oxigraph's workers crash),
and no question about this graph needs more."""
SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("table", "turtle", "json-ld", "nt")

GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
SERVICE_REFUSED = (
    "SERVICE is refused: queries do not touch the network unless you pass --allow-service"
)
ASK_HEADER = "_askResult"
"""CSV and TSV have no form for an ASK answer; like Apache Jena, one column of this name."""

_NAME = re.compile(r"[a-z0-9-]+")
_VARIABLE = re.compile(r"[?$]?([A-Za-z_][A-Za-z0-9_]*)")
_CURIE = re.compile(r"([A-Za-z][\w.-]*):([^\s<>\"{}|^`\\]*)")
_IRI = re.compile(r"<([^\s<>\"{}|^`\\]*)>")
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_ACCEPT = {"graph": "application/n-triples", "results": "application/sparql-results+json"}


class Description(str):
    """What a named query answers: the English sentence itself (so ``named.description`` reads,
    prints and compares as the file's first line, as it always has), and called with a
    language, the sentence in that language: ``named.description("ko")``, English when the
    file has none in it. One name serves both, so no caller has to choose between them."""

    translations: Mapping[str, str]

    def __new__(cls, english: str, translations: Mapping[str, str] | None = None) -> Description:
        text = super().__new__(cls, english)
        text.translations = dict(translations or {})
        return text

    def __call__(self, lang: str = "en") -> str:
        return self.translations.get(lang) or str(self)


@dataclass(frozen=True)
class NamedQuery:
    """A competency question shipped in ``queries/``: what it answers and its SPARQL text.

    The file opens with comment lines: the English description, then one per translation,
    ``# fr: …`` and ``# ko: …``; ``description`` is the English one, ``description(lang)``
    the one in ``lang``."""

    name: str
    description: Description
    text: str
    path: Path


@dataclass(frozen=True)
class PreparedQuery:
    """A query that parsed and passed the safety checks, ready to run here or on an endpoint."""

    text: str
    form: str
    query: Query
    declared_prefixes: frozenset[str]
    has_values_clause: bool


def named_queries(project: Project) -> list[NamedQuery]:
    """Every ``queries/*.rq`` of the project, sorted by name (none when the folder is missing)."""
    folder = project.queries_dir
    if not folder.is_dir():
        return []
    return [_read_named(path) for path in sorted(folder.glob("*.rq"), key=lambda p: p.stem)]


def _read_named(path: Path) -> NamedQuery:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read the named query: {error}", file=path) from error
    lines = text.splitlines()
    first = lines[0] if lines else ""
    english = first[1:].strip() if first.startswith("#") else ""
    translations = {}
    for line in lines[1:]:
        match = _TRANSLATED_DESCRIPTION.fullmatch(line.strip())
        if match is None:
            break
        translations[match.group(1)] = match.group(2).strip()
    return NamedQuery(path.stem, Description(english, translations), text, path)


_TRANSLATED_DESCRIPTION = re.compile(r"#\s*([a-z]{2}):\s*(.+)")
"""A comment line after a named query's first that gives its description in another
language: ``# fr: …``. The first line that is not one ends the header."""


def resolve(sparql_or_name: str, project: Project) -> tuple[str, str | None]:
    """The SPARQL text to run and the named query's name, or ``None`` for SPARQL given inline.

    A bare lower-case word (letters, digits, hyphens) names ``queries/NAME.rq``: a word that names
    no query is an error rather than being sent to the parser as (certainly broken) SPARQL.
    """
    candidate = sparql_or_name.strip()
    if not _NAME.fullmatch(candidate):
        return sparql_or_name, None
    path = project.queries_dir / f"{candidate}.rq"
    if not path.is_file():
        names = [known.stem for known in project.queries_dir.glob("*.rq")]
        close = difflib.get_close_matches(candidate, names, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise QueryError(
            f"unknown named query '{candidate}'{hint}; `canada-korea query --list` shows them"
        )
    return _read_named(path).text, candidate


def prepare(text: str, *, allow_service: bool = False, local: bool = True) -> PreparedQuery:
    """Parse ``text`` with the project prefixes predeclared and refuse what must not run.

    Refused: updates (the graph is read-only), ``SERVICE`` unless ``allow_service``, and, when the
    query runs ``local``-ly, ``FROM``/``FROM NAMED`` (rdflib would download the named graphs; an
    endpoint resolves them against its own store, so there they are passed through).

    The checks read :func:`~canada_korea.offline.canonical_text` of ``text``, and that same text
    is what :attr:`PreparedQuery.text` hands on to be executed or sent: no engine can read a
    part of it that rdflib took for a comment.
    """
    text = canonical_text(text)
    surrogate = first_surrogate_escape(text)
    if surrogate is not None:
        line, column = position(text, surrogate)
        raise QueryError(
            f"SPARQL syntax error: {text[surrogate : surrogate + 6]} names half of a UTF-16"
            " surrogate pair, not a character",
            line=line,
            column=column,
        )
    too_deep = first_too_deep(text, MAX_QUERY_NESTING)
    if too_deep is not None:
        line, column = position(text, too_deep)
        raise QueryError(
            f"the query nests brackets, groups or paths more than {MAX_QUERY_NESTING} levels"
            " deep; write it flatter",
            line=line,
            column=column,
        )
    # Imported here: rdflib's SPARQL parser (pyparsing's grammar) costs 60 ms that commands
    # which run no query (validate, --help) would pay at start-up.
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except ValueError as error:
        # A \u or \U escape that names no character (beyond U+10FFFF, or a surrogate).
        raise QueryError(f"SPARQL syntax error: {error}") from error
    except RecursionError as error:
        raise QueryError(
            "the query is nested too deeply for the parser; write it flatter"
        ) from error
    except ParseBaseException as error:
        if not any(
            line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()
        ):
            raise QueryError("the query is empty (only blanks and comments)") from error
        if _is_update(text):
            raise QueryError(
                "updates are refused: the graph is read-only "
                "(INSERT, DELETE, LOAD, CLEAR, … are not run)"
            ) from error
        message = re.sub(r"\s*\(at char \d+\).*$", "", str(error), flags=re.DOTALL)
        raise QueryError(
            f"SPARQL syntax error: {message}", line=error.lineno, column=error.col
        ) from error
    if not allow_service and any(
        node.name == "ServiceGraphPattern" for node in _comp_values(parsed)
    ):
        raise QueryError(SERVICE_REFUSED)
    try:
        query = translateQuery(parsed, base=None, initNs=dict(PREFIXES))
    except Exception as error:
        # rdflib raises bare Exceptions for mistakes it finds after parsing (an undeclared
        # prefix, a variable grouped wrongly); they are the user's, so they are reported.
        raise _translation_error(text, error) from error
    if local and "datasetClause" in query.algebra and query.algebra["datasetClause"]:
        raise QueryError(
            "FROM and FROM NAMED are refused: datasets are not loaded from the web; "
            "the query runs over the project's graph"
        )
    body = parsed[1]
    declared = frozenset(
        str(decl.prefix or "") for decl in parsed[0] if getattr(decl, "name", "") == "PrefixDecl"
    )
    return PreparedQuery(
        text=text,
        form=_FORMS[body.name],
        query=query,
        declared_prefixes=declared,
        has_values_clause="valuesClause" in body and body["valuesClause"] is not None,
    )


def _is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL update with at least one operation (a bare prologue, or
    nothing at all, also parses as an update: that is an empty query, not an update)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except ParseBaseException:
        return False
    # CompValue.get answers a missing key with the key's own name: test membership instead.
    return "request" in update and bool(update["request"])


def _comp_values(node: object) -> Iterator[CompValue]:
    """Every node of a parse tree, however deeply nested (``SERVICE`` may hide in ``EXISTS``)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    def walk(node: object) -> Iterator[CompValue]:
        if isinstance(node, CompValue):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, ParseResults | list | tuple):
            for item in node:
                yield from walk(item)

    return walk(node)


def _translation_error(text: str, error: Exception) -> QueryError:
    message = str(error)
    unknown = re.match(r"Unknown namespace prefix : (\S*)", message)
    if unknown is None:
        return QueryError(f"SPARQL error: {message}")
    prefix = unknown.group(1)
    line = column = None
    found = re.search(rf"(?<![\w.-]){re.escape(prefix)}:", text)
    if found:
        line, column = position(text, found.start())
    known = ", ".join(name for name, _iri in PREFIXES)
    return QueryError(
        f"unknown prefix '{prefix}:'; declare it with PREFIX or use one of {known}",
        line=line,
        column=column,
    )


def binding_term(value: object) -> Identifier:
    """The RDF term a caller's binding stands for.

    rdflib terms are kept; a string is an IRI when written ``<iri>`` or as a CURIE with one of the
    project prefixes (``ckr:korean-war``), else a plain literal; other values (int, Decimal, bool,
    date) become typed literals, so ``516`` matches ``"516"^^xsd:integer``.
    """
    if isinstance(value, Identifier):
        return value
    if isinstance(value, str):
        namespaces = dict(PREFIXES)
        curie = _CURIE.fullmatch(value)
        if curie and curie.group(1) in namespaces:
            return URIRef(namespaces[curie.group(1)] + curie.group(2))
        iri = _IRI.fullmatch(value)
        if iri:
            return URIRef(iri.group(1))
    return Literal(value)


def _terms(bindings: Mapping[str, object] | None) -> dict[str, Identifier]:
    terms: dict[str, Identifier] = {}
    for name, value in (bindings or {}).items():
        match = _VARIABLE.fullmatch(name)
        if match is None:
            raise QueryError(f"'{name}' is not a SPARQL variable name to bind")
        terms[match.group(1)] = binding_term(value)
    return terms


def run_query(
    text: str,
    graph: Graph | None = None,
    *,
    index: Path | None = None,
    endpoint: str | None = None,
    bindings: Mapping[str, object] | None = None,
    allow_service: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> Result:
    """Run a SPARQL query over a build's ``index`` (Oxigraph), over ``graph`` (rdflib's engine)
    or on a SPARQL 1.1 ``endpoint``.

    ``bindings`` maps variable names to values (see :func:`binding_term`). Locally they are
    rdflib's ``initBindings`` or Oxigraph's ``substitutions``: the variables are bound before
    evaluation. On an endpoint they are
    sent as a trailing ``VALUES`` clause, which SPARQL joins with the solutions before projection:
    the same answer whenever the variable is in scope at the top level of the query (for an
    aggregate query, when it is one of the GROUP BY keys).

    The answer is a complete, in-memory :class:`Result` (rows read, graph parsed). Every user
    mistake, refusal, engine failure, time-out or endpoint failure raises :class:`QueryError`.
    """
    with time_limit(timeout):
        if index is not None and endpoint is None and not bindings:
            kept = _kept_answer(index, text)
            if kept is not None:
                return kept
        prepared = prepare(text, allow_service=allow_service, local=endpoint is None)
        terms = _terms(bindings)
        if endpoint is not None:
            return _run_on_endpoint(endpoint, prepared, terms, timeout)
        source = index if index is not None else graph
        if source is None:
            raise ValueError("run_query needs an index, a graph or an endpoint")
        return _run_forked(source, prepared, terms, timeout, allow_service)


def write_answers(
    build: Path, queries: Iterable[NamedQuery], store: ox.Store | None = None
) -> None:
    """Answer each of ``queries`` on the index of ``build`` (or on ``store``), unbound, and keep
    each answer in ``build/answers/`` under a digest of the query's text, for :func:`run_query`
    to read (a SELECT's in the compact form of :func:`_compact`, the others as the engine
    writes them).

    ``store`` is the same dataset in memory, when the caller holds it (the build, for its
    site): the same engine answers there in less than half the time, reading no term from
    disk (at 100x the 27 named queries took 6.1 s on the index, 2.7 s in memory, with the
    same answers in the same order, since each named query orders its rows completely).

    Only what :func:`prepare` lets run locally with no network is answered, each query under
    the memory cap of any query (the build runs this in a process of its own, which it stops
    when it takes too long). A query that fails is left unanswered: run, it reports its error
    then. Each answer is written whole or not at all (a temporary file renamed)."""
    folder = build / ANSWERS
    folder.mkdir(exist_ok=True)
    if store is None:
        store = open_index(build / INDEX)
    for named in queries:
        try:
            prepared = prepare(named.text)
            with _memory_capped(QUERY_MEMORY):
                answer = _answer(store, prepared, {})
        except Exception:
            # The query's own failure (Oxigraph refuses it, it needs too much memory): run,
            # it reports the error then.
            continue
        if prepared.form == "SELECT":
            answer = _compact(answer)
            # As `query NAME` prints it: at 100x laying out facts-from-document's table
            # (48,600 rows, 12 MB) from the kept answer took 0.15-0.2 s on every call.
            table = serialize_result(_decode_compact(answer), "table")
            _keep(_table_file(build / INDEX, named.text), table)
        _keep(_answer_file(build / INDEX, named.text, prepared.form), answer)


def _keep(target: Path, content: bytes) -> None:
    """Write ``target`` whole or not at all: a temporary file renamed."""
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_bytes(content)
    partial.replace(target)


def kept_table(index: Path, text: str) -> bytes | None:
    """The answer to ``text`` as :func:`serialize_result` writes it as a table, as the build
    beside ``index`` kept it for a named SELECT query run without bindings; None when it kept
    none (another text, another form, an older build), or when other code made it: the
    layout is the code's, so the table is kept under a digest of the code as well."""
    try:
        return _table_file(index, text).read_bytes()
    except OSError:
        return None


def _table_file(index: Path, text: str) -> Path:
    return _answer_file(index, f"{code_fingerprint()}\n{text}", "table")


JsonKey = tuple[object, object, object, object]
"""A SPARQL JSON term's fields, which the answers read here hold equal when the terms are."""


def _json_key(value: Mapping[str, object]) -> JsonKey:
    """Every field of a SPARQL JSON term that ``parseJsonTerm`` reads (and :func:`_json_term`
    takes, in this order), so that equal keys always make equal terms."""
    return (value["type"], value["value"], value.get("datatype"), value.get("xml:lang"))


def _compact(payload: bytes) -> bytes:
    """A SELECT answer in SPARQL JSON, kept as each distinct term once and each row as the
    terms' numbers (``null`` unbound): a tenth of the bytes, read without building a dict per
    cell (``facts-from-document`` at 100x: 18.7 MB of JSON)."""
    loaded = orjson.loads(payload)
    variables = loaded["head"]["vars"]
    numbers: dict[JsonKey, int] = {}
    rows = []
    for binding in loaded["results"]["bindings"]:
        row = []
        for name in variables:
            value = binding.get(name)
            if value is None:
                row.append(None)
                continue
            row.append(numbers.setdefault(_json_key(value), len(numbers)))
        rows.append(row)
    return orjson.dumps({"vars": variables, "terms": list(numbers), "rows": rows})


T = TypeVar("T")


class KeptSolutions(Result):
    """A SELECT answer as the build kept it (:func:`_compact`): each distinct term once, each
    row the terms' numbers. A table is laid out from the numbers as they are; rdflib's
    ``bindings``, a dict per row, are made on first use (as rdflib makes them from a
    generator), which a 48,600-row table never needs."""

    def __init__(
        self, variables: list[Variable], terms: list[Identifier], rows: list[list[int | None]]
    ) -> None:
        super().__init__("SELECT")
        self.vars = variables
        self.terms = terms
        self.numbered = rows
        self.bindings = _by_variable(variables, terms, rows)


def _by_variable(
    variables: list[Variable], values: list[T], rows: list[list[int | None]]
) -> Iterator[dict[Variable, T]]:
    """Each row of term numbers as a dict from its bound variables to their terms' ``values``
    (the terms, or what is written of each), in the variables' order."""
    for row in rows:
        yield {variables[i]: values[number] for i, number in enumerate(row) if number is not None}


def _decode_compact(payload: bytes) -> KeptSolutions:
    """A SELECT answer kept by :func:`_compact`, as :func:`_decode_solutions` reads the
    SPARQL JSON it came from. What is not one raises ValueError, KeyError, TypeError or
    IndexError."""
    loaded = orjson.loads(payload)
    variables = [Variable(name) for name in loaded["vars"]]
    terms = []
    for fields in loaded["terms"]:
        if fields[0] not in _JSON_TERM_TYPES:
            raise ValueError(f"{fields[0]!r:.80} is not a SPARQL JSON term type")
        terms.append(_json_term(*fields))
    rows = loaded["rows"]
    # Checked now: the rows are read later, when reading them can no longer fall back.
    if any(len(row) != len(variables) for row in rows) or not set(
        map(type, chain.from_iterable(rows))
    ) <= {int, type(None)}:
        raise TypeError("a row is not, for each variable, a term's number or null")
    used = set(chain.from_iterable(rows)) - {None}
    if used and (min(used) < 0 or max(used) >= len(terms)):
        raise IndexError("a row names a term the answer does not hold")
    return KeptSolutions(variables, terms, rows)


def _kept_answer(index: Path, text: str) -> Result | None:
    """The answer the build kept for ``text``, or None when it kept none (another text, a
    query it could not answer, an older build) or what it kept cannot be read as one."""
    for form in _FORMS.values():
        try:
            payload = _answer_file(index, text, form).read_bytes()
        except OSError:
            continue
        try:
            return _decode_compact(payload) if form == "SELECT" else _decode(form, payload)
        except (ValueError, KeyError, TypeError, IndexError, NTriplesError):
            return None
    return None


def _answer_file(index: Path, text: str, form: str) -> Path:
    """Where the build beside ``index`` keeps the answer to ``text``, a query of ``form``:
    named by a digest of the text itself, so a query edited since the build never finds the
    old text's answer."""
    digest = hashlib.blake2b(
        text.encode("utf-8", errors="surrogatepass"), digest_size=20
    ).hexdigest()
    return index.parent / ANSWERS / f"{digest}.{form.lower()}"


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop the block with :class:`QueryError` after ``seconds``: parsing, evaluation and
    formatting alike, so ``--timeout`` bounds the whole query. Uses the process's interval
    timer, so it acts only in the main thread, and an enclosing limit, already running, is
    left to act on its own."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0]
    ):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise QueryError(f"the query took longer than {seconds:g} s and was stopped")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run_forked(
    source: Graph | Path,
    prepared: PreparedQuery,
    terms: dict[str, Identifier],
    timeout: float,
    allow_service: bool,
) -> Result:
    """Evaluate in a forked child so that a runaway query can be stopped; the fork shares a
    parsed graph (copy-on-write), or opens the index at a path itself, so nothing is parsed or
    pickled on the way in. Unless ``allow_service``, the child is shut off the network before
    it evaluates anything."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_evaluate_in_child,
        args=(sender, source, prepared, terms, allow_service),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryError(f"the query took longer than {timeout:g} s and was stopped")
        kind, payload = receiver.recv()
    except EOFError as error:
        child.join()
        if isinstance(source, Path) and child.exitcode in _DIED_OF_MEMORY:
            raise QueryError(_out_of_memory()) from error
        raise QueryError(
            f"the query process ended without an answer (exit code {child.exitcode})"
        ) from error
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if kind == "error":
        raise QueryError(payload.decode("utf-8"))
    return _decode(prepared.form, payload)


def _evaluate_in_child(
    sender: Connection,
    source: Graph | Path,
    prepared: PreparedQuery,
    terms: dict[str, Identifier],
    allow_service: bool,
) -> None:
    """The child's whole life: leave the network, open the index, cap its memory, evaluate,
    serialise, send one message, exit. Its stderr goes nowhere: what it has to say travels in
    the message. The cap comes after the index is open, so that opening it (a few threads'
    stacks for a moment) never counts against the query."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    faulthandler.disable()  # a parent's handler writes to its own copy of stderr
    os.environ["RUST_BACKTRACE"] = "0"
    if not allow_service:
        # Both engines execute the very text prepare() checked for SERVICE, so on a platform
        # without seccomp that check alone still holds.
        with contextlib.suppress(NetworkSandboxUnavailable):
            forbid_network()
    try:
        payload = _evaluate(source, prepared, terms)
    except MemoryError:
        sender.send(("error", _out_of_memory().encode("utf-8")))
        sender.close()
        return
    except Exception as error:
        # The boundary with the engines: rdflib's fails on some valid queries (ORDER BY STR(?x)
        # with ?x unbound raises TypeError in its sort), Oxigraph raises for what it refuses.
        # Report it as the engine's failure, named and with its message, rather than a
        # traceback from a child process.
        engine = "Oxigraph" if isinstance(source, Path) else "rdflib's SPARQL engine"
        detail = " ".join(str(error).split())
        detail = detail if len(detail) <= 300 else detail[:299] + "…"
        if isinstance(error, SyntaxError):
            # Oxigraph's parser refuses a few queries rdflib's accepted; it says where.
            message = f"SPARQL syntax error ({engine}): {detail}"
        else:
            message = f"{engine} failed on this query: {type(error).__name__}: {detail}"
        sender.send(("error", message.encode("utf-8")))
    else:
        sender.send(("result", payload))
    sender.close()


def _out_of_memory() -> str:
    return (
        f"the query needed more than {QUERY_MEMORY // 2**20} MiB of memory and was stopped;"
        " narrow it (LIMIT, fewer joins or OPTIONALs)"
    )


_DIED_OF_MEMORY = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS)
"""How a child running Oxigraph ends when an allocation fails under its cap: Rust aborts, or
a thread's stack cannot grow."""


def _evaluate(source: Graph | Path, prepared: PreparedQuery, terms: dict[str, Identifier]) -> bytes:
    """The answer, serialised: rdflib's engine runs the checked parse tree on a graph, Oxigraph
    the checked text on an index, which is opened before the memory cap is set."""
    if isinstance(source, Graph):
        _limit_memory(QUERY_MEMORY)
        return _encode(source.query(prepared.query, initBindings=terms))
    store = open_index(source)
    _limit_memory(QUERY_MEMORY)
    return _answer(store, prepared, terms)


def _answer(store: ox.Store, prepared: PreparedQuery, terms: dict[str, Identifier]) -> bytes:
    """Oxigraph's answer to ``prepared`` on ``store``, serialised: SPARQL JSON, or N-Triples
    for a graph."""
    # Oxigraph substitutes a variable (SEP-0007, what rdflib's initBindings does) only where a
    # SELECT projects it; any other binding joins as a trailing VALUES clause, as on an endpoint.
    projected = set(prepared.query.algebra["PV"]) if prepared.form == "SELECT" else None
    substituted = {
        name: term
        for name, term in terms.items()
        if projected is None or Variable(name) in projected
    }
    joined = {name: term for name, term in terms.items() if name not in substituted}
    answer = store.query(
        _endpoint_text(prepared, joined) if joined else prepared.text,
        prefixes=dict(PREFIXES),
        substitutions={
            ox.Variable(name): _oxigraph_term(term) for name, term in substituted.items()
        },
    )
    if isinstance(answer, ox.QueryTriples):
        return answer.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    return answer.serialize(format=ox.QueryResultsFormat.JSON) or b""


def _oxigraph_term(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), datatype=datatype)
    raise QueryError(f"cannot bind a variable to {term!r}")


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at what it maps now plus ``extra`` bytes, for good, so
    a runaway query fails with MemoryError instead of taking the machine (Linux; elsewhere a
    no-op)."""
    limit = _mapped_memory() + extra
    if limit > extra:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@contextmanager
def _memory_capped(extra: int) -> Iterator[None]:
    """:func:`_limit_memory` for the block only: the soft limit, lifted after it."""
    limit = _mapped_memory() + extra
    previous = resource.getrlimit(resource.RLIMIT_AS)
    if limit > extra:
        hard = previous[1]
        soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, previous)


def _mapped_memory() -> int:
    """The bytes this process maps (its VmSize), or 0 where that cannot be read."""
    try:
        status = Path("/proc/self/status").read_text("ascii")
    except OSError:
        return 0
    found = re.search(r"^VmSize:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 if found is not None else 0


def _encode(result: Result) -> bytes:
    if result.type in GRAPH_FORMS:
        return result.graph.serialize(format="nt", encoding="utf-8")  # type: ignore[union-attr]
    return result.serialize(format="json") or b""


def _decode(form: str, payload: bytes) -> Result:
    if form in GRAPH_FORMS:
        graph = new_graph()
        graph.parse(data=payload.decode("utf-8"), format="nt")
        result = Result(form)
        result.graph = graph
        return result
    return _decode_solutions(payload)


_JSON_TERM_TYPES = frozenset({"uri", "literal", "typed-literal", "bnode"})
"""The term types of SPARQL JSON (``typed-literal`` from its first draft, which rdflib reads)."""


def _decode_solutions(payload: bytes) -> Result:
    """A SELECT or ASK answer in SPARQL JSON, as rdflib's parser reads it (the same variables,
    rows and terms, each made as its ``parseJsonTerm`` makes it), but with each distinct term
    built once: a large answer names the same IRIs and literals in row after row, and building
    rdflib terms was most of the parser's time (at 48,600 rows, 1.1 s where this takes 0.3 s).
    What is not SPARQL JSON raises ValueError, KeyError or TypeError, which the endpoint path
    reports as such."""
    loaded = orjson.loads(payload)
    if not isinstance(loaded, dict):
        raise ValueError("the SPARQL JSON answer is not a JSON object")
    if "boolean" in loaded:
        answer = Result("ASK")
        answer.askAnswer = bool(loaded["boolean"])
        return answer
    if "results" not in loaded:
        raise ValueError("neither 'boolean' nor 'results' in the SPARQL JSON answer")
    terms: dict[JsonKey, Identifier] = {}
    variables: dict[str, Variable] = {}
    rows: list[Mapping[Variable, Identifier]] = []
    for binding in loaded["results"]["bindings"]:
        if not isinstance(binding, dict):
            raise ValueError(f"a solution is not a JSON object: {binding!r:.80}")
        row: dict[Variable, Identifier] = {}
        for name, value in binding.items():
            key = _json_key(value)
            if key[0] not in _JSON_TERM_TYPES:
                raise ValueError(f"{key[0]!r:.80} is not a SPARQL JSON term type")
            term = terms.get(key)
            if term is None:
                term = terms[key] = _json_term(*key)
            variable = variables.get(name)
            if variable is None:
                variable = variables[name] = Variable(name)
            row[variable] = term
        rows.append(row)
    answer = Result("SELECT")
    # The rows' own variables, so that reading a row by a variable finds it by identity.
    answer.vars = [variables.get(name) or Variable(name) for name in loaded["head"]["vars"]]
    answer.bindings = rows
    return answer


def _json_term(kind: object, value: object, datatype: object, lang: object) -> Identifier:
    """The term rdflib's ``parseJsonTerm`` makes of a SPARQL JSON term with these fields
    (written out: importing rdflib's results parser loads its whole SPARQL engine)."""
    if kind == "uri":
        return URIRef(value)  # type: ignore[arg-type]
    if kind == "bnode":
        return BNode(value)  # type: ignore[arg-type]
    if kind == "typed-literal":
        if datatype is None:
            raise KeyError("datatype")
        return Literal(value, datatype=URIRef(datatype))  # type: ignore[arg-type]
    return Literal(value, datatype=datatype, lang=lang)  # type: ignore[arg-type]


def _run_on_endpoint(
    endpoint: str, prepared: PreparedQuery, terms: dict[str, Identifier], timeout: float
) -> Result:
    """POST the query as a form (``query=``), asking for SPARQL JSON or N-Triples.

    ``timeout`` bounds each wait on the connection (urllib's meaning), not the whole transfer;
    the endpoint's own time limit, if it has one, applies on its side.
    """
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise QueryError(f"the endpoint must be an http or https URL, not '{endpoint}'")
    text = _endpoint_text(prepared, terms)
    kind = "graph" if prepared.form in GRAPH_FORMS else "results"
    try:
        payload, _media_type = post_sparql(
            endpoint, [("query", text)], _ACCEPT[kind], timeout, name="the endpoint"
        )
    except EndpointTimeout as error:
        raise QueryError(
            f"the query took longer than {timeout:g} s and was stopped (endpoint {endpoint})"
        ) from error
    try:
        return _decode(prepared.form, payload)
    except (ValueError, KeyError, TypeError, NTriplesError) as error:
        raise QueryError(
            f"the endpoint {endpoint} did not answer in {_ACCEPT[kind]}: {error}"
        ) from error


def _endpoint_text(prepared: PreparedQuery, terms: dict[str, Identifier]) -> str:
    """The query as sent: project PREFIX lines the query does not declare itself, the user's
    text, then the bindings as a trailing VALUES clause."""
    prologue = "".join(
        f"PREFIX {prefix}: <{iri}>\n"
        for prefix, iri in PREFIXES
        if prefix not in prepared.declared_prefixes
    )
    values = ""
    if terms:
        if prepared.has_values_clause:
            raise QueryError(
                "bindings cannot be sent to an endpoint for a query that ends with its own "
                "VALUES clause; add the values to that clause instead"
            )
        names = " ".join(f"?{name}" for name in terms)
        row = " ".join(_ntriples(term) for term in terms.values())
        values = f"\nVALUES ({names}) {{ ({row}) }}\n"
    return prologue + prepared.text + values


class EndpointTimeout(QueryError):
    """A SPARQL endpoint did not answer in the time allowed."""


def post_sparql(
    endpoint: str, fields: list[tuple[str, str]], accept: str, timeout: float, *, name: str
) -> tuple[bytes, str]:
    """POST a SPARQL protocol form (``query=`` and any dataset fields) to ``endpoint`` and
    return the answer's bytes and media type: the one client of the project's command line and
    of a front end on a store. ``name`` is how messages call the endpoint.

    ``timeout`` bounds each wait on the connection (urllib's meaning). Raises
    :class:`EndpointTimeout` past it and :class:`QueryError` for any other failure, with the
    endpoint's first line when it answered an error.
    """
    # Imported here: with its TLS stack it costs a tenth of a second that local queries skip.
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    request = Request(
        endpoint,
        data=urllib.parse.urlencode(fields).encode("utf-8"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        method="POST",
    )
    late = f"{name} {endpoint} did not answer within {timeout:g} s"
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.read(), response.headers.get_content_type()
    except HTTPError as error:
        detail = _first_line(error.read())
        raise QueryError(
            f"{name} {endpoint} answered {error.code} {error.reason}"
            + (f": {detail}" if detail else "")
        ) from error
    except TimeoutError as error:
        raise EndpointTimeout(late) from error
    except URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise EndpointTimeout(late) from error
        raise QueryError(f"cannot reach {name} {endpoint}: {error.reason}") from error
    except (OSError, ValueError) as error:
        raise QueryError(f"cannot reach {name} {endpoint}: {error}") from error


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return text.splitlines()[0].strip()[:300] if text else ""


def serialize_result(
    result: Result, fmt: str, namespace_manager: NamespaceManager | None = None
) -> bytes:
    """``result`` as bytes in ``fmt``: one of :data:`SELECT_FORMATS` for SELECT and ASK, one of
    :data:`GRAPH_FORMATS` for CONSTRUCT and DESCRIBE.

    csv, json and xml are the W3C SPARQL 1.1 result formats, tsv the W3C TSV format (terms in
    N-Triples form); ASK in csv/tsv is one column ``_askResult`` holding ``true`` or ``false``.
    ``table`` is aligned text for people: IRIs prefixed with ``namespace_manager`` (by default
    the project prefixes), literals as their plain value, then ``(N rows)``. Graph output is
    deterministic: triples sorted for nt and table, JSON-LD compacted with the project context
    inline (never fetched).
    """
    manager = namespace_manager or new_graph().namespace_manager
    if result.type in GRAPH_FORMS:
        return _serialize_graph(result, fmt, manager)
    if fmt not in SELECT_FORMATS:
        raise QueryError(
            f"unknown format '{fmt}' for {result.type} results; choose one of "
            + ", ".join(SELECT_FORMATS)
        )
    if result.type == "ASK" and fmt in ("csv", "tsv", "table"):
        return _serialize_ask(bool(result.askAnswer), fmt)
    if fmt == "table":
        return _select_table(result, manager).encode("utf-8")
    if fmt == "tsv":
        return _select_tsv(result).encode("utf-8")
    if fmt == "csv":
        return _select_csv(result).encode("utf-8")
    if fmt == "json" and isinstance(result, KeptSolutions):
        return _select_json(result)
    return result.serialize(format=fmt, encoding="utf-8") or b""


def _serialize_ask(answer: bool, fmt: str) -> bytes:
    word = "true" if answer else "false"
    if fmt == "csv":
        return f"{ASK_HEADER}\r\n{word}\r\n".encode()
    if fmt == "tsv":
        return f"?{ASK_HEADER}\n{word}\n".encode()
    return f"{word}\n".encode()


def _variables(result: Result) -> list[Variable]:
    return list(result.vars or [])


def _select_tsv(result: Result) -> str:
    """W3C SPARQL 1.1 TSV: a ``?var`` header, then one line per solution, terms in N-Triples
    form (tabs and newlines inside literals escaped), an unbound variable an empty field."""
    terms, rows = _numbered_solutions(result)
    texts = [_ntriples(term) for term in terms]
    lines = ["\t".join(f"?{var}" for var in _variables(result))]
    lines.extend("\t".join(["" if n is None else texts[n] for n in row]) for row in rows)
    return "\n".join(lines) + "\n"


def _select_csv(result: Result) -> str:
    """W3C SPARQL 1.1 CSV as rdflib writes it (the ``csv`` module's quoting and line ends, a
    blank node ``_:label``, any other term its plain text, an unbound variable empty), each
    distinct term's text worked out once."""
    terms, rows = _numbered_solutions(result)
    texts = [f"_:{term}" if isinstance(term, BNode) else str(term) for term in terms]
    written = io.StringIO(newline="")
    writer = csv.writer(written)
    writer.writerow([str(var) for var in _variables(result)])
    writer.writerows(["" if n is None else texts[n] for n in row] for row in rows)
    return written.getvalue()


def _select_json(result: KeptSolutions) -> bytes:
    """SPARQL JSON as rdflib's serializer writes it with orjson (which it uses when installed,
    as here), from the kept numbers: each term's JSON object made once. Only for a kept
    answer, whose rows' keys are in the variables' order, as rdflib would write them; an
    answer read from an engine keeps the engine's order, which rdflib's serializer keeps."""
    variables = result.vars or []
    terms = [_term_json(term) for term in result.terms]
    bindings = list(_by_variable(variables, terms, result.numbered))
    document = {"results": {"bindings": bindings}, "head": {"vars": variables}}
    return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)


def _term_json(term: Identifier) -> dict[str, str]:
    """A term as rdflib's ``termToJSON`` writes it in SPARQL JSON."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    written = {"type": "literal", "value": str(term)}
    if term.datatype is not None:  # type: ignore[attr-defined]
        written["datatype"] = str(term.datatype)  # type: ignore[attr-defined]
    if term.language is not None:  # type: ignore[attr-defined]
        written["xml:lang"] = term.language  # type: ignore[attr-defined]
    return written


def _numbered_solutions(result: Result) -> tuple[list[Identifier], list[list[int | None]]]:
    """A SELECT answer's rows as term numbers (see :func:`_numbered`), the variables in order:
    as kept, or numbered now."""
    if isinstance(result, KeptSolutions):
        return result.terms, result.numbered
    variables = _variables(result)
    return _numbered([row.get(var) for var in variables] for row in result.bindings)


def _ntriples(term: Identifier) -> str:
    """A term as N-Triples writes it, every literal quoted and escaped (never triple quotes)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        escaped = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{escaped}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{escaped}"^^<{term.datatype}>'
        return f'"{escaped}"'
    return term.n3()


def _select_table(result: Result, manager: NamespaceManager) -> str:
    terms, rows = _numbered_solutions(result)
    count = len(rows)
    footer = f"({count} row{'' if count == 1 else 's'})"
    return _table([str(var) for var in _variables(result)], terms, rows, manager, footer)


def _numbered(
    rows: Iterable[Iterable[Identifier | None]],
) -> tuple[list[Identifier], list[list[int | None]]]:
    """Rows of terms as :class:`KeptSolutions` holds them: each distinct term once, each row
    the terms' numbers (None where a variable is unbound)."""
    numbers: dict[Identifier, int] = {}
    numbered = [
        [None if term is None else numbers.setdefault(term, len(numbers)) for term in row]
        for row in rows
    ]
    return list(numbers), numbered


def _serialize_graph(result: Result, fmt: str, manager: NamespaceManager) -> bytes:
    if fmt not in GRAPH_FORMATS:
        raise QueryError(
            f"unknown format '{fmt}' for {result.type} results; choose one of "
            + ", ".join(GRAPH_FORMATS)
        )
    graph = new_graph()
    graph += result.graph  # type: ignore[operator]
    if fmt == "turtle":
        return graph.serialize(format="turtle", encoding="utf-8")
    if fmt == "json-ld":
        return jsonld(OxigraphTerms().triples(graph), dict(PREFIXES))
    if fmt == "nt":
        return ntriples(OxigraphTerms().triples(graph))
    triples = sorted(graph, key=lambda triple: tuple(_ntriples(term) for term in triple))
    count = len(triples)
    footer = f"({count} triple{'' if count == 1 else 's'})"
    terms, rows = _numbered(triples)
    return _table(["subject", "predicate", "object"], terms, rows, manager, footer).encode("utf-8")


def _table(
    header: list[str],
    terms: list[Identifier],
    rows: list[list[int | None]],
    manager: NamespaceManager,
    footer: str,
) -> str:
    """Aligned columns separated by two spaces, numbers right-aligned, widths measured as a
    terminal shows them (Hangul takes two cells).

    ``rows`` hold the numbers of ``terms`` (see :func:`_numbered`): a large table repeats the
    same terms row after row, so each term is written (IRIs prefixed, see :class:`Prefixed`)
    and measured once, padded once per column it is in, and a row is the join of its padded
    cells: 48,600 rows in 0.1 s where a cell at a time took 0.4 s."""
    prefixed = Prefixed(manager)
    measured: dict[str, int] = {}
    texts = [_cell(term, prefixed) for term in terms]
    widths_of = [_width(text, measured) for text in texts]
    columns = range(len(header))
    used = [{row[i] for row in rows} for i in columns]
    numeric = [
        bool(rows) and all(number is None or _is_number(terms[number]) for number in used[i])
        for i in columns
    ]
    header_widths = [_width(name, measured) for name in header]
    widths = [
        max([header_widths[i], *(widths_of[n] for n in used[i] if n is not None)]) for i in columns
    ]
    padded = [
        {
            number: _pad(texts[number], widths[i] - widths_of[number], right=numeric[i])
            if number is not None
            else " " * widths[i]
            for number in used[i]
        }
        for i in columns
    ]

    def line(values: list[str], value_widths: list[int]) -> str:
        cells = [
            _pad(value, widths[i] - value_widths[i], right=numeric[i])
            for i, value in enumerate(values)
        ]
        return "  ".join(cells).rstrip()

    lines = [line(header, header_widths), line(["-" * width for width in widths], widths)]
    lines.extend("  ".join(map(getitem, padded, row)).rstrip() for row in rows)
    lines.append(footer)
    return "\n".join(lines) + "\n"


class Prefixed:
    """IRIs as ``iri.n3(manager)`` writes them (``ckr:korean-war``, or ``<…>``), most without
    rdflib.

    rdflib splits an IRI where its trailing name begins, testing the Unicode category of
    every character from the end (30 µs an IRI: 1.1 s of a 48,600-row table). When the
    trailing name is ASCII, begins with a letter, digit or ``_``, and follows an ASCII
    character that no name holds (``/``, ``#``), rdflib splits it there and writes the
    prefix bound to the part before, unless a bound namespace that the name could extend
    (``…/abc`` ending in a name character) begins the IRI: that case, and every other, is
    rdflib's to answer. What depends only on the part before the name is worked out once
    per namespace. A property-based test holds the two to the same text."""

    def __init__(self, manager: NamespaceManager) -> None:
        self._manager = manager
        self._namespaces: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        namespaces = [_XML_NAMESPACE, *(str(bound) for _prefix, bound in manager.namespaces())]
        self._extended = tuple(
            namespace
            for namespace in namespaces
            if not (namespace and _OUTSIDE_A_NAME.match(namespace, len(namespace) - 1))
        )

    def __call__(self, iri: URIRef) -> str:
        return self._prefixed(str(iri)) or iri.n3(self._manager)

    def _prefixed(self, iri: str) -> str | None:
        start = len(iri.rstrip(_NAME_CHARACTERS))
        if start == len(iri) or iri[start] not in _NAME_START:
            return None
        namespace = iri[:start]
        known = self._namespaces.get(namespace)
        if known is None:
            known = self._namespaces[namespace] = self._namespace(namespace)
        prefix, extending = known
        if prefix is None or (extending and iri.startswith(extending, start)):
            return None
        return f"{prefix}:{iri[start:]}"

    def _namespace(self, namespace: str) -> tuple[str | None, tuple[str, ...]]:
        """The prefix to write before a name that follows ``namespace`` (None: rdflib's to
        answer), and the rest of each namespace a name could extend that begins with it (a
        name that begins with one of those is rdflib's to answer too)."""
        if (
            not namespace
            or not _OUTSIDE_A_NAME.match(namespace, len(namespace) - 1)
            or _NOT_IN_IRIS.search(namespace)
            or namespace.startswith(self._extended)
        ):
            return None, ()
        extending = tuple(
            longer[len(namespace) :] for longer in self._extended if longer.startswith(namespace)
        )
        return self._manager.store.prefix(URIRef(namespace)), extending


_NAME_CHARACTERS = string.ascii_letters + string.digits + "_.%()-"
"""The ASCII characters rdflib's ``split_uri`` takes as part of a name (the letters and digits,
and ``-._%()``)."""
_NAME_START = string.ascii_letters + string.digits + "_"
"""Where ``split_uri`` lets a name begin, among them."""
_OUTSIDE_A_NAME = re.compile(r"[^A-Za-z0-9_.%()\x80-\U0010ffff-]")
"""An ASCII character that is part of no name (``/``, ``#``, ``:``)."""
_NOT_IN_IRIS = re.compile(r'[<>" {}|\\^`]')
"""What makes rdflib refuse to prefix an IRI (its ``_is_valid_uri``)."""
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
"""Which rdflib splits its own way."""


def _cell(term: Identifier | None, prefixed: Prefixed) -> str:
    """A term as the table shows it: an IRI prefixed, a literal its text on one line."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return prefixed(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _is_number(term: Identifier | None) -> bool:
    if not isinstance(term, Literal):
        return False
    value = term.toPython()
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return is_number or term.datatype == XSD.decimal


def _width(text: str, measured: dict[str, int]) -> int:
    """How many terminal cells ``text`` takes: one per character, two for wide and full-width
    ones (Hangul, CJK). ASCII needs no look-up; other strings are measured once each and
    remembered in ``measured``."""
    if text.isascii():
        return len(text)
    width = measured.get(text)
    if width is None:
        width = measured[text] = sum(
            2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text
        )
    return width


def _pad(text: str, spaces: int, *, right: bool) -> str:
    space = " " * spaces
    return space + text if right else text + space


__all__ = [
    "DEFAULT_TIMEOUT",
    "GRAPH_FORMATS",
    "SELECT_FORMATS",
    "Description",
    "NamedQuery",
    "PreparedQuery",
    "binding_term",
    "named_queries",
    "prepare",
    "resolve",
    "run_query",
    "serialize_result",
]
