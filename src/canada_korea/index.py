"""The persistent index: each build's dataset in an on-disk Oxigraph store, so that ``query``
and the API open it in milliseconds instead of re-parsing a dump (0.2 s per call at 1x, ~15 s
at 100x with rdflib).

The store is laid out as queries see the dataset (``provenance.query_dataset``): the default
graph is the union of all graphs with the derived ``ck:statedIn`` (the N-Triples dump), the
named graphs are the sections' and inferences' (the N-Quads dump). It lives in the build folder,
``dist/index/``, so it is swapped in with the dumps it was loaded from and pruned with them; it
is a cache of the dumps, not a published file (it is not in the VoID description, nor
byte-identical from one build to the next), and never committed.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

INDEX = "index"
"""The index's folder inside a build."""


def index_path(dist: Path) -> Path:
    """The index of the build ``dist``, with the ``dist`` link resolved: a reader keeps the
    build it started with when the next build is swapped in (older builds are kept a while)."""
    return dist.resolve() / INDEX


def write_index(build: Path) -> Path:
    """Load the build's N-Triples and N-Quads dumps into a new store at ``build/index``.

    Oxigraph's bulk loader reads the files itself (~30x rdflib's parser); the default-graph
    lines of the N-Quads dump are already in the N-Triples dump and load once.
    """
    path = build / INDEX
    store = ox.Store(str(path))
    store.bulk_load(path=str(build / "canada-korea.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(path=str(build / "canada-korea.nq"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    return path


def open_index(path: Path) -> ox.Store:
    """The index at ``path``, read-only: any number of processes may open it at once."""
    return ox.Store.read_only(str(path))
