"""What the build's kept output is keyed by besides its inputs: the code that wrote it.

A build keeps what took long to make for later runs: each resource's pages, for the next build
(see ``canada_korea.site``), and each named query's table, for ``query`` (see
``canada_korea.query``). Made by other code (an upgraded package, another version of a library
that writes their bytes) they may differ, so each is kept under a digest of the code as well.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the package's own files (code, templates, assets) and the versions of the
    libraries that write the kept bytes (10 ms; once per process)."""
    parts: list[object] = [
        (name, version(name)) for name in ("jinja2", "markupsafe", "pyoxigraph", "rdflib")
    ]
    package = Path(str(files("canada_korea")))
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts.append((str(path.relative_to(package)), path.read_bytes()))
    return digest(parts)


def digest(parts: list[object]) -> str:
    """A short digest of ``parts`` as Python writes them (``repr``)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()
