"""SPARQL in worker processes the server can stop: the endpoint's engine and its limits.

Each worker opens its own pyoxigraph Store of the build (the union as the default graph, the
sections' and inferences' graphs named): the build's persistent index, read-only, which opens in
milliseconds at any size and keeps the graph on disk, shared by every worker through the page
cache; only a rebased server parses the dumps into each worker's memory (see ``open_store``).
It answers one query at a time: it
checks the query with :func:`canada_korea.query.prepare` (the same refusals and messages as the
command line), evaluates the very text it checked in Oxigraph (~0.3 ms for a shipped question,
against ~10–130 ms in rdflib's engine) with the endpoint's base IRI and the dataset the request
chose, and writes the answer: SELECT and ASK with :func:`canada_korea.query.serialize_result`, so
the result formats are byte for byte those of ``canada-korea query --format``; CONSTRUCT and
DESCRIBE with :func:`.description.document`, like every other RDF document of the server.
``FROM`` and ``FROM NAMED`` pass the check here: in Oxigraph they only select among the store's
own graphs (one it does not hold is empty), and nothing is ever fetched.

Every limit ends a query with a message that names it and says how to ask for less:

- time: Oxigraph cannot be interrupted from Python, so a query past its time limit is stopped
  by killing its worker, and a fresh worker takes its place.
- memory: a worker runs under an address-space limit (``RLIMIT_AS``), set once its store is
  opened (see :func:`_serve`); a query that needs more fails to allocate, and its worker dies
  (Oxigraph aborts) or reports the ``MemoryError``. Either way the answer says the query
  needed too much memory, and a fresh worker takes its place.
- size: an answer of more than ``max_rows`` rows or triples, or more than ``max_bytes`` bytes,
  is refused whole, never cut short.
- the processor: workers run at a lower priority than the server, so pages keep the CPU.

A worker is shut off the network (:func:`canada_korea.offline.forbid_network`) before it loads
anything, so no query, however it is written, makes the server fetch a URL.

Requests wait for a free worker in the server's event loop, holding no thread: at most
``max_waiting`` of them wait, one more is refused at once with :class:`ServerBusy`, and so is one
that has waited the time limit. The blocking exchange with a worker runs on the pool's own
threads (one per worker), never on the threads that render pages. Workers are forked from a fork
server started on first use (``multiprocessing``'s ``forkserver``): never from the threaded
server process itself, and with this module and rdflib already imported, so a replacement is
ready in tens of milliseconds.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import resource
import signal
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier

from ..errors import CanadaKoreaError, QueryError
from ..namespaces import BASE
from ..offline import forbid_network, require_sandbox
from ..query import SERVICE_REFUSED, prepare, serialize_result
from . import SERVE_MEMORY_LIMIT
from .description import UnwritableGraph, document
from .publication import XSD, open_store, rebased_prefixes

DEFAULT_WORKERS = max(2, os.cpu_count() or 1)
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BYTES = 16 * 2**20
DEFAULT_MAX_WAITING = 32
WORKER_NICENESS = 10
SELECT_FORMS = ("SELECT", "ASK")
SELECT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
"""The result formats of SELECT and ASK, by media type, as :func:`serialize_result` names them."""
_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the number of malloc arenas (malloc.h)."""
_DIED_OF_MEMORY = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGKILL, -signal.SIGBUS)
"""How a worker ends when an allocation fails under its limit: Rust aborts, a thread's stack
cannot grow, or the kernel's out-of-memory killer picks it."""


class QueryTimeout(QueryError):
    """The query ran past the time limit and its worker was stopped: sending it again will not
    help."""


class AnswerTooLarge(QueryError):
    """The answer (or the work to reach it) is over a limit of rows, bytes or memory; the
    message says which and how to ask for less."""


class ServerBusy(CanadaKoreaError):
    """Every worker is answering and the waiting line is full, or stayed full too long: the
    same query may well succeed a few seconds later."""


class NotAcceptable(CanadaKoreaError):
    """The client accepts none of the formats this query form can be written in."""

    def __init__(self, form: str) -> None:
        super().__init__(f"a {form} answer cannot be written in any format the client accepts")
        self.form = form


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds, rows (or triples), bytes of answer, megabytes of
    memory; and how many requests may wait for a worker."""

    timeout: float = 10.0
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES
    memory_mb: int = SERVE_MEMORY_LIMIT
    max_waiting: int = DEFAULT_MAX_WAITING

    def too_many(self, what: str) -> AnswerTooLarge:
        return AnswerTooLarge(
            f"the answer has more than {self.max_rows:,} {what}, the most this endpoint sends; "
            f"ask for fewer: add LIMIT {self.max_rows} (and OFFSET to page through the rest), "
            "or make the patterns more selective"
        )

    def too_big(self) -> AnswerTooLarge:
        return AnswerTooLarge(
            f"the answer is larger than {self.max_bytes / 2**20:g} MB, the most this endpoint "
            "sends; ask for fewer or shorter values: add LIMIT, select fewer variables, or "
            "shorten long strings (SUBSTR) rather than joining many values (GROUP_CONCAT)"
        )

    def out_of_memory(self) -> AnswerTooLarge:
        return AnswerTooLarge(
            f"the query needed more than the {self.memory_mb} MB of memory a query may use "
            "here and was stopped; ask for less: add LIMIT, avoid ORDER BY, DISTINCT or "
            "GROUP_CONCAT over very many rows, or make the patterns more selective"
        )

    def timed_out(self) -> QueryTimeout:
        return QueryTimeout(
            f"the query ran past the {self.timeout:g} s time limit and was stopped; it will "
            "not finish if sent again: make it more selective (bind more terms, drop cross "
            "products, add LIMIT)"
        )


@dataclass(frozen=True)
class QueryJob:
    """A query, the media type to write its answer in by form (None: not acceptable), and the
    dataset the request chose (None: the service's own; see :func:`_dataset`)."""

    text: str
    select_format: str | None
    graph_format: str | None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """The written answer: the query's form, its media type and the bytes."""

    form: str
    media_type: str
    body: bytes


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection


class QueryPool:
    """A fixed number of query workers shared by the server's requests.

    :meth:`start` and :meth:`run` belong to one event loop (the server's). Raises
    :class:`~canada_korea.offline.NetworkSandboxUnavailable` where workers could not be shut
    off the network: the endpoint runs no query it cannot keep from fetching URLs.
    """

    def __init__(
        self, dist: Path, *, base: str = BASE, size: int = DEFAULT_WORKERS, limits: Limits
    ) -> None:
        require_sandbox()
        # The build the server started with: a worker started later (to replace one stopped at
        # its time limit) opens the same one, even when a newer build has been swapped in.
        self.dist = dist.resolve()
        self.base = base
        self.size = size
        self.limits = limits
        self._context = multiprocessing.get_context("forkserver")
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sparql")
        self._free: list[_Worker] = []
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    def start(self) -> None:
        """Start the workers (and the fork server, preloaded with this module); call it from
        the event loop that will :meth:`run` queries."""
        self._loop = asyncio.get_running_loop()
        self._context.set_forkserver_preload([__name__])
        self._free = [self._spawn() for _ in range(self.size)]

    def close(self) -> None:
        """Stop every worker; queries still running are cut short."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            _stop(worker)
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def run(self, job: QueryJob) -> QueryAnswer:
        """Answer ``job`` in the first free worker, within the limits.

        Raises :class:`QueryError` for a query the user must fix (:class:`QueryTimeout`,
        :class:`AnswerTooLarge` for the limits), :class:`ServerBusy` when no worker is free and
        the line is full or stayed full, :class:`NotAcceptable` when the answer's form has no
        acceptable format and :class:`UnwritableGraph` when the one asked for cannot write it.
        """
        worker = await self._acquire()
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(self._executor, self._exchange, worker, job)
        kind = reply[0]
        if kind == "error":
            raise QueryError(reply[1])
        if kind == "too-large":
            raise AnswerTooLarge(reply[1])
        if kind == "not-acceptable":
            raise NotAcceptable(reply[1])
        if kind == "unwritable":
            raise UnwritableGraph(reply[1])
        if kind == "internal":
            raise RuntimeError(f"the query worker failed: {reply[1]}")
        _kind, form, media_type, body = reply
        return QueryAnswer(form, media_type, body)

    async def _acquire(self) -> _Worker:
        """A free worker, waiting in line for one without holding a thread."""
        if self._free:
            return self._free.pop()
        if len(self._waiters) >= self.limits.max_waiting:
            raise ServerBusy(
                f"the endpoint is busy: {self.size} queries are running and "
                f"{len(self._waiters)} waiting, as many as it holds; try again in a few seconds"
            )
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, self.limits.timeout)
        except BaseException as error:
            # Whatever interrupted the wait, a worker handed over meanwhile goes back.
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            with suppress(ValueError):
                self._waiters.remove(waiter)
            if isinstance(error, TimeoutError):
                raise ServerBusy(
                    f"every query worker stayed busy for {self.limits.timeout:g} s; "
                    "try again in a few seconds"
                ) from None
            raise

    def _release(self, worker: _Worker) -> None:
        """Hand ``worker`` to the first request still waiting, else keep it free (event loop)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._free.append(worker)

    def _exchange(self, worker: _Worker, job: QueryJob) -> tuple[object, ...]:
        """On a pool thread: send the job, wait for the reply within the time limit, and give
        the worker (or its replacement) back to the event loop."""
        healthy = False
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self.limits.timeout):
                raise self.limits.timed_out()
            reply = worker.connection.recv()
            healthy = True
            return reply  # type: ignore[no-any-return]
        except (EOFError, OSError) as error:
            worker.process.join(timeout=5)
            if worker.process.exitcode in _DIED_OF_MEMORY:
                raise self.limits.out_of_memory() from error
            raise RuntimeError(
                f"the query worker ended without answering (exit code {worker.process.exitcode})"
            ) from error
        finally:
            if not healthy:
                self._retire(worker)
                worker = self._spawn()
            if self._loop is not None and not self._closed:
                with suppress(RuntimeError):  # the loop closed: the server is stopping
                    self._loop.call_soon_threadsafe(self._release, worker)

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child_end, str(self.dist), self.base, self.limits),
            name="canada-korea-sparql",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        with self._lock:
            if not self._closed:
                self._all.add(worker)
                return worker
        _stop(worker)
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


def _serve(connection: Connection, dist: str, base: str, limits: Limits) -> None:
    """A worker's whole life: leave the network for good, give way to the server, open the
    store, cap its memory, then answer jobs until the pipe closes.

    The cap comes after opening: Oxigraph's bulk loader (a rebased server's) reserves a stack
    per thread for a moment (about 200 MB of address space), which a tight cap would refuse,
    and a worker that cannot start would fail every query after it. The index's store starts
    three RocksDB threads as it opens; glibc would reserve 64 MB of address space for each of
    their heaps (330 MB that count against the cap, unused), so the worker keeps one heap for
    all its threads (:func:`_one_heap`): the open index then takes about 100 MB of the cap, as
    the in-memory store did. A failed allocation reports one line, not a backtrace per query,
    whatever ``RUST_BACKTRACE`` the server runs with."""
    forbid_network()
    os.nice(WORKER_NICENESS)
    os.environ["RUST_BACKTRACE"] = "0"
    _one_heap()
    store = open_store(Path(dist), base)
    cap = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    prefixes = rebased_prefixes(base)
    manager = Graph(bind_namespaces="none").namespace_manager
    for prefix, namespace in prefixes.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    context = _Context(store, prefixes, manager, base + "sparql", limits)
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        connection.send(_answer(context, job))


def _one_heap() -> None:
    """One malloc arena for every thread of this process (glibc's ``M_ARENA_MAX``), set before
    any thread starts; elsewhere than glibc, nothing to do."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)


@dataclass(frozen=True)
class _Context:
    """What a worker answers with: the store, the prefixes (for the engine and the writers),
    the base IRI of relative IRIs (the endpoint's own IRI) and the limits."""

    store: ox.Store
    prefixes: dict[str, str]
    manager: NamespaceManager
    base_iri: str
    limits: Limits


@lru_cache(maxsize=1024)
def _checked(text: str) -> tuple[str, str]:
    """The form and the checked text of a query that passes the project's checks; parsing it
    with rdflib costs 10–60 ms, so a repeated query is checked once per worker."""
    prepared = prepare(text, local=False)
    return prepared.form, prepared.text


def _answer(context: _Context, job: QueryJob) -> tuple[object, ...]:
    """One job's reply: ``("ok", form, media type, body)`` or the kind of refusal and its
    message. Nothing a query does ends the worker but a failed allocation or its time limit."""
    try:
        form, text = _checked(job.text)
        media_type = job.select_format if form in SELECT_FORMS else job.graph_format
        if media_type is None:
            return ("not-acceptable", form)
        answer = context.store.query(
            text, prefixes=context.prefixes, base_iri=context.base_iri, **_dataset(job)
        )
        if isinstance(answer, ox.QueryTriples):
            body = _graph_body(context, answer, media_type)
        else:
            result = _result(context.limits, form, answer)
            body = serialize_result(result, SELECT_FORMATS[media_type], context.manager)
        if len(body) > context.limits.max_bytes:
            raise context.limits.too_big()
    except AnswerTooLarge as error:
        return ("too-large", str(error))
    except MemoryError:
        return ("too-large", str(context.limits.out_of_memory()))
    except RecursionError:
        return ("error", "the query is nested too deeply to evaluate; write it flatter")
    except SyntaxError as error:
        # Oxigraph's parser is stricter than rdflib's in a few places; its message says where.
        return ("error", f"SPARQL syntax error: {error}")
    except PermissionError:
        # The seccomp filter refused a socket: the engine tried the network (SERVICE).
        return ("error", SERVICE_REFUSED)
    except UnwritableGraph as error:
        return ("unwritable", str(error))
    except QueryError as error:
        return ("error", str(error))
    except Exception as error:
        # The boundary with the engines: a failure no check foresaw is reported as the
        # server's own (a 500), and the worker lives on to answer the next query.
        return ("internal", f"{type(error).__name__}: {error}")
    return ("ok", form, media_type, body)


def _dataset(job: QueryJob) -> dict[str, object]:
    """The protocol's dataset as Oxigraph's arguments (SPARQL 1.1 Protocol §2.1.4): when the
    request names default or named graphs, they replace the query's own FROM and FROM NAMED,
    and a kind it does not name is empty; a graph the store does not hold is empty."""
    if job.default_graphs is None and job.named_graphs is None:
        return {}
    return {
        "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs or ()],
        "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()],
    }


def _graph_body(context: _Context, answer: ox.QueryTriples, media_type: str) -> bytes:
    """A CONSTRUCT or DESCRIBE answer written whole, or refused when over a limit."""
    limits = context.limits
    triples: dict[ox.Triple, None] = {}
    size = 0
    for triple in answer:
        if triple in triples:
            continue
        if len(triples) == limits.max_rows:
            raise limits.too_many("triples")
        size += len(str(triple))
        if size > limits.max_bytes:
            raise limits.too_big()
        triples[triple] = None
    return document(list(triples), media_type, context.prefixes)


def _result(limits: Limits, form: str, answer: ox.QuerySolutions | ox.QueryBoolean) -> Result:
    """Oxigraph's answer as an rdflib ``Result``, or a refusal when over a limit."""
    result = Result(form)
    if isinstance(answer, ox.QueryBoolean):
        result.askAnswer = bool(answer)
        return result
    variables = [Variable(variable.value) for variable in answer.variables]
    rows = []
    size = 0
    for solution in answer:
        if len(rows) == limits.max_rows:
            raise limits.too_many("rows")
        row = {}
        for var, term in zip(variables, solution, strict=True):
            if term is not None:
                row[var] = _term(term)
                size += len(row[var])
        if size > limits.max_bytes:
            raise limits.too_big()
        rows.append(row)
    result.vars = variables
    result.bindings = rows
    return result


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
