"""Work shared among the machine's cores by forking, for the build's CPU-bound Python (rendering
the static site's pages, ~40 % of a build), which threads cannot speed up.

Forked children share what the parent has already loaded (the publication, the templates)
copy-on-write, so nothing is pickled on the way in; each writes its own files and sends back
only how it ended and what its items returned (small: a fingerprint, a name).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def for_each(items: Sequence[Item], work: Callable[[Item], Result]) -> list[Result]:
    """Call ``work`` on every item, in one process per core (this process is one of them), and
    return what it returned for each, in the items' order.

    Each process takes the next item not yet taken, so a few costly items (the Turtle dump)
    do not leave the other cores idle. The first error of any process is raised here once all
    have ended, as the same exception (an ``OSError`` stays an ``OSError``)."""
    processes = min(os.cpu_count() or 1, len(items))
    if processes <= 1:
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
            outcome = RuntimeError(f"a build process ended with exit code {child.exitcode}")
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
    except Exception as error:
        try:
            sender.send((error, {}))
        except (TypeError, AttributeError, ValueError):  # an exception pickle cannot carry
            sender.send((RuntimeError(f"{type(error).__name__}: {error}"), {}))
    else:
        sender.send((None, results))
    sender.close()
