"""Work shared among the machine's cores by forking, for the build's CPU-bound Python (rendering
the static site's pages, ~40 % of a build), which threads cannot speed up.

Forked children share what the parent has already loaded (the publication, the templates)
copy-on-write, so nothing is pickled on the way in; each writes its own files and sends back
only how it ended.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import TypeVar

Item = TypeVar("Item")


def for_each(items: Sequence[Item], work: Callable[[Item], None]) -> None:
    """Call ``work`` on every item, in one process per core (this process is one of them).

    Each process takes the next item not yet taken, so a few costly items (the Turtle dump)
    do not leave the other cores idle. The first error of any process is raised here once all
    have ended, as the same exception (an ``OSError`` stays an ``OSError``)."""
    processes = min(os.cpu_count() or 1, len(items))
    if processes <= 1:
        for item in items:
            work(item)
        return
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
    try:
        _take_and_work(items, work, taken)
    except BaseException as error:
        failure = error
    for child, receiver in children:
        try:
            outcome = receiver.recv()
        except EOFError:
            outcome = None
        child.join()
        receiver.close()
        if outcome is None and child.exitcode != 0:
            outcome = RuntimeError(f"a build process ended with exit code {child.exitcode}")
        failure = failure or outcome
    if failure is not None:
        raise failure


def _take_and_work(
    items: Sequence[Item], work: Callable[[Item], None], taken: Synchronized[int]
) -> None:
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value += 1
        if index >= len(items):
            return
        work(items[index])


def _run_share(
    sender: Connection,
    items: Sequence[Item],
    work: Callable[[Item], None],
    taken: Synchronized[int],
) -> None:
    try:
        _take_and_work(items, work, taken)
    except Exception as error:
        try:
            sender.send(error)
        except (TypeError, AttributeError, ValueError):  # an exception pickle cannot carry
            sender.send(RuntimeError(f"{type(error).__name__}: {error}"))
    else:
        sender.send(None)
    sender.close()
