"""The one table of RDF formats: media type, rdflib's and Oxigraph's names for it, file extension.

Everything that reads or writes RDF looks formats up here, so adding a format is one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """An RDF serialisation as the different layers name it."""

    name: str
    media_type: str
    rdflib: str
    extensions: tuple[str, ...]
    label: str
    oxigraph: ox.RdfFormat


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "text/turtle", "turtle", (".ttl",), "Turtle", ox.RdfFormat.TURTLE),
    RdfFormat("nt", "application/n-triples", "nt", (".nt",), "N-Triples", ox.RdfFormat.N_TRIPLES),
    RdfFormat(
        "json-ld",
        "application/ld+json",
        "json-ld",
        (".jsonld", ".json"),
        "JSON-LD",
        ox.RdfFormat.JSON_LD,
    ),
    RdfFormat("trig", "application/trig", "trig", (".trig",), "TriG", ox.RdfFormat.TRIG),
    RdfFormat("nquads", "application/n-quads", "nquads", (".nq",), "N-Quads", ox.RdfFormat.N_QUADS),
    RdfFormat(
        "xml", "application/rdf+xml", "xml", (".rdf", ".owl"), "RDF/XML", ox.RdfFormat.RDF_XML
    ),
)


def by_name(name: str) -> RdfFormat | None:
    """The format called ``name`` (as on the command line), or None."""
    return next((f for f in FORMATS if f.name == name), None)


def by_path(path: Path) -> RdfFormat | None:
    """The format a file's extension implies, or None when the extension is unknown."""
    suffix = path.suffix.lower()
    return next((f for f in FORMATS if suffix in f.extensions), None)
