"""SPARQL in worker processes the server can stop: the endpoint's engine and its time limit.

Each worker holds its own pyoxigraph Store of the build (the union as the default graph, the
sections' and inferences' graphs named: see ``load_store``) and answers one query at a time: it
checks the query with :func:`canada_korea.query.prepare` (the same refusals and messages as the
command line), evaluates the very text it checked in Oxigraph (~0.3 ms for a shipped question,
against ~10–130 ms in rdflib's engine), converts at most ``max_rows`` solutions to an rdflib
``Result`` and writes it with :func:`canada_korea.query.serialize_result`, so every format is
byte for byte the one ``canada-korea query --format`` writes. Oxigraph cannot be interrupted
from Python, so a query past its time limit is stopped by killing its worker, and a fresh
worker takes its place: the other workers keep answering meanwhile. A worker is shut off the
network (:func:`canada_korea.offline.forbid_network`) before it loads anything, so no query,
however it is written, makes the server fetch a URL.

Workers are forked from a fork server started on first use (``multiprocessing``'s
``forkserver``): never from the threaded server process itself, and with this module and
rdflib already imported, so a replacement is ready in tens of milliseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Identifier

from ..errors import CanadaKoreaError, QueryError
from ..namespaces import BASE, new_graph
from ..offline import forbid_network, require_sandbox
from ..query import SERVICE_REFUSED, prepare, serialize_result
from .publication import XSD, load_store, rebased_prefixes

DEFAULT_WORKERS = max(2, os.cpu_count() or 1)
DEFAULT_MAX_ROWS = 10_000
SELECT_FORMS = ("SELECT", "ASK")


class QueryTimeout(QueryError):
    """The query ran past the time limit and its worker was stopped."""


class ServerBusy(CanadaKoreaError):
    """No worker became free within the time limit: every one is answering a query."""


class NotAcceptable(CanadaKoreaError):
    """The client accepts none of the formats this query form can be written in."""

    def __init__(self, form: str) -> None:
        super().__init__(f"a {form} answer cannot be written in any format the client accepts")
        self.form = form


@dataclass(frozen=True)
class QueryJob:
    """A query and the format to write its answer in, by form (None: not acceptable)."""

    text: str
    select_format: str | None
    graph_format: str | None


@dataclass(frozen=True)
class QueryAnswer:
    """The written answer: the query's form, the format name and the bytes; ``truncated``
    when more than ``max_rows`` rows (or triples) existed and only that many were kept."""

    form: str
    format: str
    body: bytes
    truncated: bool


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection


class QueryPool:
    """A fixed number of query workers shared by the server's threads.

    Raises :class:`~canada_korea.offline.NetworkSandboxUnavailable` where workers could not be
    shut off the network: the endpoint runs no query it cannot keep from fetching URLs.
    """

    def __init__(
        self,
        dist: Path,
        *,
        base: str = BASE,
        size: int = DEFAULT_WORKERS,
        timeout: float = 10.0,
        max_rows: int = DEFAULT_MAX_ROWS,
    ) -> None:
        require_sandbox()
        self.dist = dist
        self.base = base
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self._context = multiprocessing.get_context("forkserver")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers (and the fork server, preloaded with this module)."""
        self._context.set_forkserver_preload([__name__])
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def close(self) -> None:
        """Stop every worker; queries still running are cut short."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            _stop(worker)

    def run(self, job: QueryJob) -> QueryAnswer:
        """Answer ``job`` in the first free worker, within the time limit.

        Raises :class:`QueryError` for a query the user must fix, :class:`QueryTimeout` when it
        ran too long, :class:`ServerBusy` when no worker became free in time and
        :class:`NotAcceptable` when the answer's form has no acceptable format.
        """
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty as error:
            raise ServerBusy(
                f"every query worker stayed busy for {self.timeout:g} s; try again later"
            ) from error
        healthy = False
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self.timeout):
                raise QueryTimeout(f"the query took longer than {self.timeout:g} s and was stopped")
            reply = worker.connection.recv()
            healthy = True
        except (EOFError, OSError) as error:
            raise RuntimeError("the query worker ended without answering") from error
        finally:
            if not healthy:
                self._retire(worker)
                worker = self._spawn()
            self._idle.put(worker)
        kind = reply[0]
        if kind == "error":
            raise QueryError(reply[1])
        if kind == "not-acceptable":
            raise NotAcceptable(reply[1])
        _kind, form, fmt, body, truncated = reply
        return QueryAnswer(form, fmt, body, truncated)

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child_end, str(self.dist), self.base, self.max_rows),
            name="canada-korea-sparql",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        with self._lock:
            if self._closed:
                _stop(worker)
            else:
                self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        _stop(worker)


def _stop(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.connection.close()


# --- inside a worker -----------------------------------------------------------------------


def _serve(connection: Connection, dist: str, base: str, max_rows: int) -> None:
    """A worker's whole life: leave the network for good, load the dump, then answer jobs until
    the pipe closes."""
    forbid_network()
    store = load_store(Path(dist), base)
    prefixes = rebased_prefixes(base)
    manager = Graph(bind_namespaces="none").namespace_manager
    for prefix, namespace in prefixes.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        connection.send(_answer(store, prefixes, manager, job, max_rows))


@lru_cache(maxsize=1024)
def _checked(text: str) -> tuple[str, str]:
    """The form and the checked text of a query that passes the project's checks; parsing it
    with rdflib costs 10–60 ms, so a repeated query is checked once per worker."""
    prepared = prepare(text)
    return prepared.form, prepared.text


def _answer(
    store: ox.Store, prefixes: dict[str, str], manager: object, job: QueryJob, max_rows: int
) -> tuple[object, ...]:
    try:
        form, text = _checked(job.text)
    except QueryError as error:
        return ("error", str(error))
    fmt = job.select_format if form in SELECT_FORMS else job.graph_format
    if fmt is None:
        return ("not-acceptable", form)
    try:
        answer = store.query(text, prefixes=prefixes)
        result, truncated = _result(form, answer, max_rows)
    except SyntaxError as error:
        # Oxigraph's parser is stricter than rdflib's in a few places; its message says where.
        return ("error", f"SPARQL syntax error: {error}")
    except PermissionError:
        # The seccomp filter refused a socket: the engine tried the network (SERVICE).
        return ("error", SERVICE_REFUSED)
    except QueryError as error:
        return ("error", str(error))
    body = serialize_result(result, fmt, manager)  # type: ignore[arg-type]
    return ("ok", form, fmt, body, truncated)


def _result(
    form: str, answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, max_rows: int
) -> tuple[Result, bool]:
    """Oxigraph's answer as an rdflib ``Result`` of at most ``max_rows`` rows or triples."""
    result = Result(form)
    truncated = False
    if isinstance(answer, ox.QueryBoolean):
        result.askAnswer = bool(answer)
    elif isinstance(answer, ox.QuerySolutions):
        variables = [Variable(variable.value) for variable in answer.variables]
        rows = []
        for solution in answer:
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append(
                {
                    var: _term(term)
                    for var, term in zip(variables, solution, strict=True)
                    if term is not None
                }
            )
        result.vars = variables
        result.bindings = rows
    else:
        graph = new_graph()
        for triple in answer:
            if len(graph) == max_rows:
                truncated = True
                break
            graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
        result.graph = graph
    return result, truncated


def _term(term: object) -> Identifier:
    """A pyoxigraph term as the rdflib term rdflib's own engine would give (a plain literal
    has no datatype in rdflib, ``xsd:string`` in Oxigraph)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD + "string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise QueryError("the answer holds RDF 1.2 triple terms, which no result format here can write")
