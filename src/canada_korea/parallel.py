"""Work shared among the machine's cores by forking, for the build's CPU-bound Python (rendering
the static site's pages, ~40 % of a build; checking the graph while the dumps are written),
which threads cannot speed up.

Forked children share what the parent has already loaded (the publication, the templates, the
graph) copy-on-write, so nothing is pickled on the way in; each sends back only how it ended
and what it returned (small: a fingerprint, a name, a validation report).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import Generic, NoReturn, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def for_each(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    meanwhile: Callable[[], object] | None = None,
) -> list[Result]:
    """Call ``work`` on every item, in one process per core (this process is one of them), and
    return what it returned for each, in the items' order.

    Each process takes the next item not yet taken, so a few costly items (the Turtle dump)
    do not leave the other cores idle. The first error of any process is raised here once all
    have ended, as the same exception (an ``OSError`` stays an ``OSError``).

    ``meanwhile`` is work this process does first, while the others start on the items: work
    that must not run in a forked child, such as Oxigraph's bulk loader, whose threads hang in
    a child forked from a process where they had run before."""
    processes = min(os.cpu_count() or 1, len(items))
    if processes <= 1:
        if meanwhile is not None:
            meanwhile()
        return [work(item) for item in items]
    context = multiprocessing.get_context("fork")
    taken = context.Value("l", 0)
    children = []
    for _ in range(1, processes):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_run_share, args=(sender, items, work, taken), daemon=True)
        child.start()
        sender.close()
        children.append((child, receiver))
    failure: BaseException | None = None
    results: dict[int, Result] = {}
    try:
        if meanwhile is not None:
            meanwhile()
        _take_and_work(items, work, taken, results)
    except BaseException as error:
        failure = error
    for child, receiver in children:
        try:
            outcome, returned = receiver.recv()
            results.update(returned)
        except EOFError:
            outcome = None
        child.join()
        receiver.close()
        if outcome is None and child.exitcode != 0:
            outcome = _ended(child.exitcode)
        failure = failure or outcome
    if failure is not None:
        raise failure
    return [results[index] for index in range(len(items))]


def _take_and_work(
    items: Sequence[Item],
    work: Callable[[Item], Result],
    taken: Synchronized[int],
    results: dict[int, Result],
) -> None:
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value += 1
        if index >= len(items):
            return
        results[index] = work(items[index])


def _run_share(
    sender: Connection,
    items: Sequence[Item],
    work: Callable[[Item], Result],
    taken: Synchronized[int],
) -> None:
    results: dict[int, Result] = {}
    try:
        _take_and_work(items, work, taken, results)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as error:
        _send_failure(sender, error, {})
    else:
        sender.send((None, results))
    sender.close()


INTERRUPTED = 128 + signal.SIGINT
"""The exit code of a child that Ctrl-C stopped."""


def _interrupted() -> NoReturn:
    """End a child that Ctrl-C reached quietly: it reaches every process of the group, and the
    one that forked this child reports it once (each child's traceback said nothing more)."""
    raise SystemExit(INTERRUPTED)


def _ended(exitcode: int | None) -> BaseException:
    """Why a child that sent nothing back ended: Ctrl-C, which may stop it before this process
    sees it, or an exit code (a crash)."""
    if exitcode == INTERRUPTED:
        return KeyboardInterrupt()
    return RuntimeError(f"a build process ended with exit code {exitcode}")


def _send_failure(sender: Connection, error: Exception, returned: object) -> None:
    """Send ``error`` to the parent as it is, or as a RuntimeError naming it when pickle cannot
    carry it (an exception holding a lock, a module)."""
    try:
        sender.send((error, returned))
    except (TypeError, AttributeError, ValueError, pickle.PicklingError):
        sender.send((RuntimeError(f"{type(error).__name__}: {error}"), returned))


def release_memory() -> None:
    """Give the memory Python has freed back to the system, where the C library keeps it for
    reuse (glibc's ``malloc_trim``; elsewhere nothing). A forked process starts with its
    parent's resident memory: at 100x, freeing the published statements before the site is
    written left 370 MB resident, 70 MB once trimmed, which each process forked after it,
    and the build's peak, no longer carry."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the process runs on
    except (AttributeError, OSError):
        return
    trim(0)


class Background(Generic[Result]):
    """``work`` running in a forked process while this one goes on: the build checks the graph
    this way while it writes the dumps and the site from the same graph (at 10x the checks are
    1.5 s the build no longer waits for), and decides at the end whether to publish.

    The child sees this process's memory as it was at the fork, so ``work`` reads what the
    parent changes afterwards as it was. Its result comes back pickled."""

    def __init__(self, work: Callable[[], Result]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_run_background, args=(sender, work), daemon=True)
        self._process.start()
        sender.close()
        self._outcome: tuple[BaseException | None, Result | None] | None = None

    def done(self) -> bool:
        """Whether ``work`` has ended (its result is then ready without waiting)."""
        return self.wait(0)

    def wait(self, timeout: float) -> bool:
        """Whether ``work`` has ended, waiting for it at most ``timeout`` seconds."""
        return self._outcome is not None or self._receiver.poll(timeout)

    def result(self) -> Result:
        """What ``work`` returned, waiting for it; the exception it raised is raised here."""
        if self._outcome is None:
            try:
                self._outcome = self._receiver.recv()
            except EOFError:
                self._process.join()
                self._outcome = (_ended(self._process.exitcode), None)
            self._process.join()
            self._receiver.close()
        error, returned = self._outcome
        if error is not None:
            raise error
        return returned  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop ``work`` if it is still running (the build failed or was interrupted)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _run_background(sender: Connection, work: Callable[[], Result]) -> None:
    try:
        returned = work()
    except KeyboardInterrupt:
        _interrupted()
    except Exception as error:
        _send_failure(sender, error, None)
    else:
        sender.send((None, returned))
    sender.close()
