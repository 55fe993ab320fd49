"""Benchmark: validating a 100-triple patch against the whole published graph.

Prints the median time of focused validation (only the resources the patch touches), of a full
validation of the same graph, and of rdflib parsing and serialising the published graph as a
yardstick measured in the same run, with the ratios. Run from a checkout:

    .venv/bin/python bench/validate.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from canada_korea.formats import by_name
from canada_korea.load import Contribution, find_project
from canada_korea.namespaces import CK, CKR, new_dataset
from canada_korea.pipeline import published_context, published_graph, published_shapes
from canada_korea.validate import validate_contributions, validate_graph


def patch_of_100_triples() -> Graph:
    """Ten new statistics of ten triples each, citing real sections and measures."""
    patch = Graph()
    for n in range(10):
        stat = CKR[f"stat-bench-{n}"]
        patch.add((stat, RDF.type, CK.Statistic))
        patch.add((stat, RDFS.label, Literal(f"Benchmark statistic {n}", lang="en")))
        patch.add((stat, RDFS.label, Literal(f"Statistique d'essai {n}", lang="fr")))
        patch.add((stat, CK.measure, CKR["measure-war-dead"]))
        patch.add((stat, CK.about, CKR["korean-war"]))
        patch.add((stat, CK.value, Literal(n)))
        patch.add((stat, CK.unit, CK.person))
        patch.add((stat, CK.date, Literal("1953", datatype=XSD.gYear)))
        patch.add((stat, CK.statedIn, CKR["gc-defence-relations--canada-and-korean-war"]))
        patch.add((stat, CK.statedIn, CKR["gc-canada-rok-relations--canada-and-korean-war"]))
    assert len(patch) == 100
    return patch


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default: 5)")
    runs = parser.parse_args().runs
    project = find_project()
    published = published_graph(project)
    shapes = published_shapes(project)
    patch = patch_of_100_triples()
    written = new_dataset()
    for triple in patch:
        written.default_graph.add(triple)
    contribution = Contribution(Path("<bench>"), by_name("nt"), "", patch, written)  # type: ignore[arg-type]
    terms = {term for triple in patch for term in triple if isinstance(term, URIRef)}
    combined = Graph()
    for triple in (*published.default_graph, *patch):
        combined.add(triple)
    dump = project.dist_dir / "canada-korea.nt"

    focused = median_seconds(
        lambda: validate_contributions([contribution], published, shapes), runs
    )
    indexed = median_seconds(
        lambda: validate_contributions([contribution], published_context(project, terms), shapes),
        runs,
    )
    full = median_seconds(lambda: validate_graph(combined, shapes), max(1, runs // 2))
    parse = median_seconds(lambda: Graph().parse(dump, format="nt"), runs)
    serialise = median_seconds(lambda: published.default_graph.serialize(format="turtle"), runs)

    size = len(published.default_graph)
    print(f"published graph: {size} triples; patch: {len(patch)} triples; runs: {runs}")
    print(
        f"validate patch (its context from the index, as `validate` does): {indexed * 1000:8.1f} ms"
    )
    print(f"validate patch (in the whole parsed graph): {focused * 1000:8.1f} ms")
    print(f"validate whole graph + patch (full):   {full * 1000:8.1f} ms")
    print(f"rdflib parse of the N-Triples dump:     {parse * 1000:8.1f} ms")
    print(f"rdflib Turtle serialisation of graph:   {serialise * 1000:8.1f} ms")
    print(f"full / focused:                {full / focused:6.1f}x")
    print(f"focused / (rdflib parse + serialise): {focused / (parse + serialise):6.2f}x")


if __name__ == "__main__":
    main()
