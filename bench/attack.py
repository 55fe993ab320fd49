"""Benchmark: do pages stay fast while attackers flood ``/sparql`` with costly queries?

Starts ``canada-korea serve`` on a free port with its default limits, then for a bounded time
runs ``--attackers`` clients (48 by default, in a process of their own so that their threads do
not slow the measuring client) that each send costly queries back to back: cross products that
run into the time limit, sorts that run into the memory limit, a GROUP_CONCAT over everything,
answers over the row cap, nesting that the parser refuses. Meanwhile ``--probes`` clients load
pages (``/`` and ``/id/…``) one after another and time them. Prints the pages' latency (p50,
p99, max), what the attackers got (status and reason), and the workers' peak memory, sampled
from ``/proc`` (resident and peak resident size of every worker that lived, against the limit).

    .venv/bin/python bench/attack.py --seconds 30 --attackers 48

The target is a p99 under 100 ms for pages. Figures are printed, never asserted in a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from serve import RESOURCES, free_port, wait_until_up  # bench/serve.py, beside this file

from canada_korea.load import find_project
from canada_korea.pipeline import ensure_built
from canada_korea.serve import SERVE_MEMORY_LIMIT

COSTLY_QUERIES = {
    "cross product (time limit)": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    ),
    "sorted cross product (memory limit)": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    "GROUP_CONCAT of everything": (
        "SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o . ?x ?y ?z }"
    ),
    "every triple, thrice (row cap)": "SELECT * WHERE { ?s ?p ?o VALUES ?n { 1 2 3 } }",
    "40 nested groups": "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40,
}


@dataclass
class Latencies:
    """Page latencies in seconds, by path kind, and failed page requests."""

    by_kind: dict[str, list[float]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def attack(base: str, attackers: int, seconds: float, outcomes: multiprocessing.Queue) -> None:
    """In a process of its own: ``attackers`` threads send costly queries until the time is up,
    then the tally of (query, status, first words of the answer) goes back on ``outcomes``."""
    deadline = time.monotonic() + seconds
    tally: Counter[tuple[str, int, str]] = Counter()
    lock = threading.Lock()
    names = list(COSTLY_QUERIES)

    def attacker(offset: int) -> None:
        n = offset
        while time.monotonic() < deadline:
            name = names[n % len(names)]
            n += 1
            body = urllib.parse.urlencode({"query": COSTLY_QUERIES[name]}).encode()
            request = urllib.request.Request(
                base + "/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    outcome = (name, response.status, "")
            except urllib.error.HTTPError as error:
                words = " ".join(error.read().decode("utf-8", "replace").split()[:5])
                outcome = (name, error.code, words)
            except OSError as error:
                outcome = (name, 0, type(error).__name__)
            with lock:
                tally[outcome] += 1

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(attackers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes.put(dict(tally))


def probe(base: str, deadline: float, latencies: Latencies, offset: int) -> None:
    """Load pages one after another until ``deadline``, timing each."""
    n = offset
    while time.monotonic() < deadline:
        kind, path = ("/", "/") if n % 2 == 0 else ("/id/…", f"/id/{RESOURCES[n % len(RESOURCES)]}")
        n += 1
        request = urllib.request.Request(base + path, headers={"Accept": "text/html"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            elapsed = time.perf_counter() - started
            with latencies.lock:
                latencies.by_kind.setdefault(kind, []).append(elapsed)
        except OSError as error:
            with latencies.lock:
                latencies.failures[f"{kind}: {error}"] += 1
        time.sleep(0.01)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid`` in kB (empty once it has ended)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {key: int(fields[key].split()[0]) for key in ("VmRSS", "VmHWM") if key in fields}


def _workers(server: int) -> list[int]:
    """The query workers: the children of the fork server, itself a child of the server."""
    workers = []
    for child in _children(server):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command:
            workers += _children(child)
    return workers


def sample_memory(server: int, stop: threading.Event, peaks: dict[int, int]) -> None:
    """Every 50 ms, the peak resident size (kB) each worker has reached so far."""
    while not stop.is_set():
        for pid in _workers(server):
            status = _status(pid)
            if status:
                peaks[pid] = max(peaks.get(pid, 0), status.get("VmHWM", 0), status.get("VmRSS", 0))
        stop.wait(0.05)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="attack length (default: 30)")
    parser.add_argument("--attackers", type=int, default=48, help="costly-query clients (48)")
    parser.add_argument("--probes", type=int, default=2, help="page-loading clients (2)")
    args = parser.parse_args()
    project = find_project()
    ensure_built(project)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "canada_korea", "--project", str(project.root), "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(base + "/", server)
        quiet = Latencies()
        probe(base, time.monotonic() + 3, quiet, 0)  # warm the page caches, and measure at rest
        peaks: dict[int, int] = {}
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(server.pid, stop, peaks))
        sampler.start()
        outcomes: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
        attackers = multiprocessing.get_context("fork").Process(
            target=attack, args=(base, args.attackers, args.seconds, outcomes)
        )
        attackers.start()
        loaded = Latencies()
        deadline = time.monotonic() + args.seconds
        probes = [
            threading.Thread(target=probe, args=(base, deadline, loaded, i))
            for i in range(args.probes)
        ]
        for thread in probes:
            thread.start()
        for thread in probes:
            thread.join()
        tally = outcomes.get(timeout=args.seconds + 120)
        attackers.join()
        stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"{args.attackers} attackers sending costly queries for {args.seconds:g} s, "
        f"{args.probes} clients loading pages; {os.cpu_count()} CPUs"
    )
    print(f"{'pages':<10} {'state':<8} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for state, latencies in (("at rest", quiet), ("attacked", loaded)):
        for kind, values in sorted(latencies.by_kind.items()):
            print(
                f"{kind:<10} {state:<8} {len(values):>6} {statistics.median(values) * 1000:>8.1f} "
                f"{percentile(values, 0.99) * 1000:>8.1f} {max(values) * 1000:>8.1f}"
            )
        everything = [v for values in latencies.by_kind.values() for v in values]
        print(
            f"{'all pages':<10} {state:<8} {len(everything):>6} "
            f"{statistics.median(everything) * 1000:>8.1f} "
            f"{percentile(everything, 0.99) * 1000:>8.1f} {max(everything) * 1000:>8.1f}"
        )
    failed = sum(loaded.failures.values())
    print(f"page requests that failed: {failed} {dict(loaded.failures.most_common(3))}")
    print("attack answers:")
    for (name, status, words), count in sorted(tally.items(), key=lambda item: -item[1]):
        print(f"  {count:>6}  {status}  {name}: {words}")
    limit = SERVE_MEMORY_LIMIT * 1024
    if peaks:
        print(
            f"workers seen: {len(peaks)}; peak resident memory of a worker: "
            f"{max(peaks.values()) / 1024:.0f} MB (limit {SERVE_MEMORY_LIMIT} MB of address "
            f"space; over it: {sum(1 for kb in peaks.values() if kb > limit)})"
        )


if __name__ == "__main__":
    main()
