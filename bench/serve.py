"""Benchmark: one mix of requests against this server, rdflib-endpoint and the Oxigraph server.

All three serve the same N-Triples dump on 127.0.0.1, are started by this script and stopped by
it, and get the same mix in the same run: every named query over SPARQL, resource pages, and
Turtle lookups (for the two plain SPARQL servers, which have no resource pages, the equivalent
``DESCRIBE`` query). Prints each server's throughput and p50/p99 latency and the ratios. Needs
the ``bench`` extra (rdflib-endpoint) and the ``test`` extra (the oxigraph server); a server
that is not installed is skipped:

    .venv/bin/pip install -e '.[test,bench]' && .venv/bin/python bench/serve.py
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from canada_korea.load import Project, find_project
from canada_korea.namespaces import CKR, sparql_prologue
from canada_korea.pipeline import published_graph
from canada_korea.query import named_queries

RESOURCES = (
    "korean-war",
    "canada",
    "csp",
    "stat-canadian-war-dead",
    "armistice-agreement",
    "unc",
    "kim-jong-un",
    "ckfta",
    "operation-neon",
    "gc-defence-relations",
)
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Request:
    """One HTTP request of the mix."""

    url: str
    data: bytes | None
    headers: dict[str, str]


@dataclass
class Tally:
    """Latencies of successful requests and the count of failed ones."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered, if only with an error status: it is up
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"server for {url} did not answer within {limit:g} s")


@contextmanager
def running(command: list[str], probe: str) -> Iterator[None]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(probe, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def sparql_request(endpoint: str, text: str, accept: str) -> Request:
    body = urllib.parse.urlencode({"query": sparql_prologue() + text}).encode()
    headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
    return Request(endpoint, body, headers)


def mix_for(project: Project, endpoint: str, own_pages: str | None) -> list[Request]:
    """The mix: each named query, then a page and a Turtle lookup per sample resource."""
    mix = []
    for named in named_queries(project):
        graph_form = any(word in named.text for word in ("CONSTRUCT", "DESCRIBE"))
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        mix.append(sparql_request(endpoint, named.text, accept))
    for slug in RESOURCES:
        if own_pages is None:
            describe = f"DESCRIBE <{CKR[slug]}>"
            mix.append(sparql_request(endpoint, describe, "text/turtle"))
            mix.append(sparql_request(endpoint, describe, "text/turtle"))
        else:
            mix.append(Request(f"{own_pages}/id/{slug}", None, {"Accept": "text/html"}))
            mix.append(Request(f"{own_pages}/id/{slug}.ttl", None, {}))
    return mix


def hammer(mix: list[Request], seconds: float, clients: int) -> Tally:
    """``clients`` threads cycle through the mix (each from its own offset) for ``seconds``."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        n = offset
        while time.monotonic() < deadline:
            request = mix[n % len(mix)]
            n += 1
            start = time.perf_counter()
            try:
                outgoing = urllib.request.Request(
                    request.url, data=request.data, headers=request.headers
                )
                with urllib.request.urlopen(outgoing, timeout=120) as response:
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = time.perf_counter() - start
            with tally.lock:
                if ok:
                    tally.latencies.append(elapsed)
                else:
                    tally.failures += 1

    threads = [threading.Thread(target=client, args=(i * 7,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def measure(name: str, mix: list[Request], seconds: float, clients: int) -> float:
    """Run the mix, print the server's line, and return its throughput."""
    hammer(mix, min(2.0, seconds), 1)  # warm caches and lazy start-up work
    tally = hammer(mix, seconds, clients)
    latencies = sorted(tally.latencies)
    throughput = len(latencies) / seconds
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else float("nan")
    print(
        f"{name:<16} {len(latencies):>8} {tally.failures:>8} {throughput:>9.1f} "
        f"{p50:>9.1f} {p99:>9.1f}",
        flush=True,
    )
    return throughput


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per server (default: 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    args = parser.parse_args()
    project = find_project()
    published_graph(project)  # builds the dumps if they are missing or stale
    dump = project.dist_dir / "canada-korea.nt"
    print(
        f"mix: {len(named_queries(project))} named queries + {len(RESOURCES)} pages + "
        f"{len(RESOURCES)} Turtle lookups; {args.clients} clients, {args.seconds:g} s each"
    )
    print(
        f"{'server':<16} {'requests':>8} {'failures':>8} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}"
    )
    rates: dict[str, float] = {}

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "canada_korea", "--project", str(project.root), "serve"]
    with running([*command, "--port", str(port)], base + "/"):
        mix = mix_for(project, base + "/sparql", own_pages=base)
        rates["canada-korea"] = measure("canada-korea", mix, args.seconds, args.clients)

    endpoint = BIN / "rdflib-endpoint"
    if endpoint.exists():
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(endpoint), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)]
        # rdflib-endpoint 0.6 answers SPARQL at its root path.
        with running(command, base + "/?query=ASK%7B%7D"):
            mix = mix_for(project, base + "/", own_pages=None)
            rates["rdflib-endpoint"] = measure("rdflib-endpoint", mix, args.seconds, args.clients)
    else:
        print("rdflib-endpoint  not installed: pip install -e '.[bench]'")

    oxigraph = BIN / "oxigraph"
    if oxigraph.exists():
        with tempfile.TemporaryDirectory() as location:
            load = [str(oxigraph), "load", "--location", location, "--file", str(dump)]
            subprocess.run(load, check=True, capture_output=True)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            command = [str(oxigraph), "serve-read-only", "--location", location]
            with running(
                [*command, "--bind", f"127.0.0.1:{port}"], base + "/query?query=ASK%7B%7D"
            ):
                mix = mix_for(project, base + "/query", own_pages=None)
                rates["oxigraph"] = measure("oxigraph", mix, args.seconds, args.clients)
    else:
        print("oxigraph         not installed: pip install -e '.[test]'")

    for other in ("rdflib-endpoint", "oxigraph"):
        if rates.get(other):
            print(f"throughput canada-korea / {other}: {rates['canada-korea'] / rates[other]:.2f}x")


if __name__ == "__main__":
    main()
