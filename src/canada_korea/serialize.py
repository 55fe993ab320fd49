"""The dumps' byte formats: sorted N-Triples and N-Quads, TriG and JSON-LD written the same way
for the same statements, whatever the order they were read in.

Deterministic by construction: lines and graphs are sorted, JSON keys and values are sorted,
and no blank node is ever minted (the sources have none).
"""

from __future__ import annotations

import json

from rdflib import Dataset, Graph

from .namespaces import PREFIXES, new_graph
from .provenance import graph_name, graph_of


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context of the dumps: the canonical prefixes, nothing remote."""
    return {"@context": {prefix: iri for prefix, iri in PREFIXES}}


def sorted_ntriples(graph: Graph) -> bytes:
    """N-Triples with the lines sorted: the canonical, diff-friendly dump."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def sorted_nquads(dataset: Dataset) -> bytes:
    """N-Quads with the lines sorted (default-graph triples have no fourth term)."""
    text = dataset.serialize(format="nquads", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def sorted_trig(dataset: Dataset) -> bytes:
    """TriG for people: the canonical prefixes, the default graph, then each named graph in IRI
    order, each written by rdflib's (deterministic) Turtle writer."""
    header = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in PREFIXES)
    parts = [header, "\n", _turtle_body(graph_of(dataset, None), "")]
    names = sorted(name for name in (graph_name(g) for g in dataset.graphs()) if name is not None)
    for name in names:
        body = _turtle_body(graph_of(dataset, name), "    ")
        if body:
            parts.append(f"\n<{name}> {{\n{body}}}\n")
    return "".join(parts).encode("utf-8")


def _turtle_body(graph: Graph, indent: str) -> str:
    """``graph`` in Turtle without its prefix lines, every line indented by ``indent``."""
    copy = new_graph()
    for triple in graph:
        copy.add(triple)
    text = copy.serialize(format="turtle")
    lines = [line for line in text.splitlines() if not line.startswith("@prefix")]
    while lines and not lines[0].strip():
        lines.pop(0)
    return "".join(f"{indent}{line}\n" if line.strip() else "\n" for line in lines).rstrip("\n") + (
        "\n" if lines else ""
    )


def canonical_jsonld(graph: Graph) -> bytes:
    """Compacted JSON-LD with the context inline, nodes sorted by ``@id`` and values sorted."""
    context = jsonld_context()["@context"]
    raw = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = json.loads(raw)
    nodes = document.get("@graph", [document])
    nodes = [_sorted_values(node) for node in nodes]
    nodes.sort(key=lambda node: str(node.get("@id", "")))
    return json_bytes({"@context": context, "@graph": nodes})


def _sorted_values(node: dict[str, object]) -> dict[str, object]:
    return {
        key: sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        if isinstance(value, list)
        else value
        for key, value in node.items()
    }


def json_bytes(document: object) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )
