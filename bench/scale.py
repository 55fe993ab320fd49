"""Benchmark: how the project's commands cost as the graph grows, beside rdflib's own cost.

Makes the Nx replica of the checkout (every ``data/*.trig`` copied N times, copy K > 0 with each
``ckr:x`` renamed ``ckr:x-sK``: resources, sections and inferences alike, so each copy cites
its own sections and the replica builds and validates like the real data) and prints, for each
size, the figures the scaling targets of issue 12 are stated in:

- ``build``: wall time, peak resident memory and CPU time (Python's and the kernel's) of
  ``canada-korea build`` from scratch, and the wall time of the build after one label of one
  data file changed (the site's unchanged pages are then the build before's);
- ``query``: every named query end to end from the command line (median of ``--runs``): three
  of them by name, the slowest, and how many take under 0.5 s; and the slowest through the
  Python API (``canada_korea.query()`` in a new interpreter);
- ``validate``: a 100-triple patch end to end, and the command line's start-up alone;
- ``serve``: from starting the server to its landing page answering 200;
- the yardstick, measured in this run: one rdflib parse of the Turtle dump plus one Turtle
  serialisation of the same graph.

The figures are printed, never asserted. Run from a checkout (100x takes minutes):

    .venv/bin/python bench/scale.py [--hundred | --sizes 1,10,100] [--runs N] [--keep DIR]
        [--code CHECKOUT]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("casualties-by-fate", "sections-stating", "document-disagreements")
_RESOURCE = re.compile(r"\bckr:([\w-]+(?:\.[\w-]+)*)")


@dataclass
class Figures:
    """One size's measurements, in seconds and megabytes."""

    size: int
    triples: int
    build: Measured
    rebuild: float
    queries: dict[str, str]
    slowest: tuple[str, float]
    quick: tuple[int, int]
    api: str
    startup: str
    validate: str
    serve: float
    reference: float


def make_replica(size: int, destination: Path) -> Path:
    """The checkout's sources at ``destination`` with the data copied ``size`` times."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, destination / folder)
    shutil.copyfile(ROOT / "pyproject.toml", destination / "pyproject.toml")
    data = destination / "data"
    data.mkdir()
    for source in sorted((ROOT / "data").glob("*.trig")):
        text = source.read_text("utf-8")
        (data / source.name).write_text(text, "utf-8")
        for copy in range(1, size):
            renamed = _RESOURCE.sub(lambda m, k=copy: f"ckr:{m.group(1)}-s{k}", text)
            (data / f"{source.stem}-s{copy}.trig").write_text(renamed, "utf-8")
    return destination


class Failed(Exception):
    """A command that exited with 2 or more: its figure is its first line of error."""


@dataclass
class Measured:
    """One run of a command: wall seconds, the peak resident memory in MB of its largest
    process, and the CPU seconds of all its processes, in Python and in the kernel. The
    kernel's share shows what the machine's file system cost: on an ext4 volume, creating a
    file where many were deleted in the last minutes takes several times as long."""

    wall: float
    peak_mb: float
    user: float
    system: float


def run(command: list[str], cwd: Path | None = None) -> Measured:
    """Run ``command`` to completion and measure it (see :class:`Measured`)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    error = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise Failed(error.strip().splitlines()[0] if error.strip() else "failed")
    return Measured(elapsed, usage.ru_maxrss / 1024, usage.ru_utime, usage.ru_stime)


def median_run(command: list[str], runs: int, cwd: Path | None = None) -> str:
    """The median wall time of ``runs`` runs, or why the command failed."""
    try:
        return f"{statistics.median(run(command, cwd).wall for _ in range(runs)):.2f} s"
    except Failed as failure:
        return str(failure)


QUICK = 0.5
"""The issue's target for any named query at 100x, end to end."""
API = "import sys, canada_korea; canada_korea.query(sys.argv[1])"
"""A named query through the Python API, from a new interpreter in the checkout."""


def patch_file(folder: Path) -> Path:
    """A contribution of 100 triples: ten statistics, their words in the default graph and
    their figures in the graph of a real section."""
    lines = [
        "@prefix ck: <https://w3id.org/canada-korea/def/> .",
        "@prefix ckr: <https://w3id.org/canada-korea/id/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    for n in range(10):
        lines.append(
            f'ckr:stat-bench-{n} a ck:Statistic ; rdfs:label "Benchmark statistic {n}"@en ,'
            f' "Statistique d\'essai {n}"@fr .'
        )
    for section in (
        "gc-defence-relations--canada-and-korean-war",
        "gc-canada-rok-relations--canada-and-korean-war",
    ):
        lines.append(f"ckr:{section} {{")
        for n in range(10):
            lines.append(
                f"  ckr:stat-bench-{n} ck:measure ckr:measure-war-dead ; ck:about ckr:korean-war"
                f' ; ck:value {n} ; ck:unit ck:person ; ck:date "{1950 + n}"^^xsd:gYear .'
            )
        lines.append("}")
    path = folder / "patch.trig"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def serve_startup(cli: list[str]) -> float:
    """Seconds from starting ``serve`` on a free port to its landing page answering 200."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        raise SystemExit(f"serve exited with code {server.returncode}")
    finally:
        server.terminate()
        server.wait()


def reference(dist: Path) -> tuple[int, float]:
    """The yardstick: triples of the Turtle dump, and seconds for one rdflib parse of it
    plus one Turtle serialisation of the parsed graph."""
    started = time.perf_counter()
    graph = Graph()
    graph.parse(dist / "canada-korea.ttl", format="turtle")
    graph.serialize(format="turtle")
    return len(graph), time.perf_counter() - started


def measure(size: int, folder: Path, runs: int) -> Figures:
    root = make_replica(size, folder / f"x{size}")
    cli = [sys.executable, "-m", "canada_korea", "--project", str(root)]
    build = run([*cli, "build"])
    _rename_one_label(root)
    rebuild = run([*cli, "build"]).wall
    # The build's files flushed first: at 100x the kernel otherwise writes its 1.7 GB back to
    # disk during the queries, and times them with it.
    os.sync()
    names = sorted(path.stem for path in (root / "queries").glob("*.rq"))
    queries = {name: median_run([*cli, "query", name], runs) for name in names}
    seconds = {
        name: float(text.removesuffix(" s"))
        for name, text in queries.items()
        if text.endswith(" s")
    }
    slowest = max(seconds.items(), key=lambda item: item[1], default=("none", 0.0))
    quick = (sum(value < QUICK for value in seconds.values()), len(names))
    api = median_run([sys.executable, "-c", API, slowest[0]], runs, cwd=root)
    startup = median_run([*cli, "--help"], runs)
    validate = median_run([*cli, "validate", str(patch_file(folder))], runs)
    serve = statistics.median(serve_startup(cli) for _ in range(runs))
    triples, yardstick = reference(root / "dist")
    return Figures(
        size,
        triples,
        build,
        rebuild,
        queries,
        slowest,
        quick,
        api,
        startup,
        validate,
        serve,
        yardstick,
    )


def _rename_one_label(root: Path) -> None:
    """Change the first English label of the replica's first data file, as an editor's small
    correction would (the build after it is the one measured)."""
    source = sorted((root / "data").glob("*.trig"))[0]
    text = source.read_text("utf-8")
    source.write_text(
        re.sub(r'(rdfs:label "[^"]+)"@en', r'\1 (edited)"@en', text, count=1), "utf-8"
    )


def table(results: list[Figures]) -> str:
    """The figures as a Markdown table, one column per size."""
    header = "| | " + " | ".join(f"{r.size}x ({r.triples:,} triples)" for r in results) + " |"
    rows = [header, "|---|" + "---|" * len(results)]

    def row(label: str, cells: list[str]) -> None:
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row("`build`", [f"{r.build.wall:.1f} s, {r.build.peak_mb:,.0f} MB peak" for r in results])
    row("`build` / reference", [f"{r.build.wall / r.reference:.1f}x" for r in results])
    row(
        "`build` CPU: Python + kernel",
        [f"{r.build.user:.1f} s + {r.build.system:.1f} s" for r in results],
    )
    row("`build` after one label changed", [f"{r.rebuild:.1f} s" for r in results])
    for name in QUERIES:
        row(f"`query {name}`", [r.queries[name] for r in results])
    row("slowest named `query`", [f"{r.slowest[1]:.2f} s (`{r.slowest[0]}`)" for r in results])
    row(
        f"named queries under {QUICK} s",
        [f"{r.quick[0]} of {r.quick[1]}" for r in results],
    )
    row("the slowest through `canada_korea.query()`", [r.api for r in results])
    row("`validate` 100-triple patch", [r.validate for r in results])
    row("command start-up (`--help`)", [r.startup for r in results])
    row("`serve` start-up (to `/` 200)", [f"{r.serve:.2f} s" for r in results])
    row("rdflib parse + Turtle serialise (reference)", [f"{r.reference:.2f} s" for r in results])
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hundred", action="store_true", help="also measure 100x (slow)")
    parser.add_argument(
        "--sizes",
        help="the sizes to measure, comma-separated (default: 1,10, or 1,10,100 with --hundred)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per median (default: 3)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the replicas in this folder and keep them (default: a "
        "temporary folder, removed afterwards)",
    )
    parser.add_argument(
        "--code",
        type=Path,
        help="run the commands with the package from this checkout's src/ instead, to compare "
        "with an earlier version (default: the installed package)",
    )
    arguments = parser.parse_args()
    sizes = [1, 10, 100] if arguments.hundred else [1, 10]
    if arguments.sizes:
        sizes = [int(size) for size in arguments.sizes.split(",")]
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    if arguments.code is not None:
        os.environ["PYTHONPATH"] = str(arguments.code.resolve() / "src")
    with tempfile.TemporaryDirectory(prefix="canada-korea-scale-") as scratch:
        folder = arguments.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = []
        for size in sizes:
            results.append(measure(size, folder, arguments.runs))
            print(f"{size}x done", file=sys.stderr)
        print(table(results))


if __name__ == "__main__":
    main()
