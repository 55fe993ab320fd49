"""The build, end to end: sources, then checks, then dumps, then the static site, swapped into
``dist/`` at once or not at all; and the readers of what a build wrote.

``build`` is the only writer of ``dist/``. ``published_graph`` and ``published_shapes`` read a
build back (building first when it is missing or older than the sources), for ``query``,
``validate`` and the API; the server reads ``dist/`` through ``ensure_built``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import ValidationFailed
from .load import Project, load_shapes, load_sources
from .namespaces import new_dataset, new_graph
from .provenance import published_dataset, query_dataset
from .publish import PublishedFile, class_counts, write_dumps
from .site import write_site
from .validate import ValidationResult, validate_dataset


@dataclass
class BuildReport:
    """What a successful build published: where, how big, and what kinds of things it holds."""

    dist: Path
    triples: int
    class_counts: list[tuple[str, int]]
    files: list[PublishedFile]
    validation: ValidationResult


def build(project: Project, source_date_epoch: str | None = None) -> BuildReport:
    """Load and validate the sources, then publish them to ``project.dist_dir`` atomically.

    On a violation :class:`ValidationFailed` is raised and ``dist/`` is left exactly as it was.
    """
    sources = load_sources(project)
    shapes = load_shapes(project)
    graph, validation = validate_dataset(sources, shapes)
    if not validation.conforms:
        count = len(validation.violations)
        raise ValidationFailed(
            f"the graph does not conform to the shapes ({count} violation"
            f"{'' if count == 1 else 's'}); nothing was published",
            validation,
        )
    modified = _source_date(source_date_epoch)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=project.root))
    try:
        files = write_dumps(graph, published_dataset(sources), shapes, project, staging, modified)
        write_site(staging, project)
        _swap_in(staging, project.dist_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = [
        PublishedFile(f.name, project.dist_dir / f.name, f.media_type, f.size, f.sha256)
        for f in files
    ]
    return BuildReport(
        dist=project.dist_dir,
        triples=len(graph),
        class_counts=class_counts(graph),
        files=files,
        validation=validation,
    )


def is_stale(project: Project) -> bool:
    """Whether the dumps are missing or older than any source (ontology, data or shapes)."""
    dump = project.dist_dir / "canada-korea.nq"
    if not dump.exists() or not (project.dist_dir / "shapes.ttl").exists():
        return True
    built = dump.stat().st_mtime
    sources = [*project.source_files(), *project.shape_files()]
    return any(path.stat().st_mtime > built for path in sources)


def ensure_built(project: Project) -> None:
    """Build the dumps when they are missing or older than the sources, without parsing them:
    readers that hold the graph elsewhere (the server's Oxigraph store) need only the files."""
    if is_stale(project):
        build(project)


def published_graph(project: Project) -> Dataset:
    """The published dataset as queries see it, building the dumps first when they are missing
    or stale: its default graph is the union of all graphs (with the derived ``ck:statedIn``),
    its named graphs are the sections' and inferences' (see ``provenance.query_dataset``).

    Parsed once per process and dump (N-Quads parse fastest); callers must treat the returned
    dataset as read-only.
    """
    ensure_built(project)
    dump = project.dist_dir / "canada-korea.nq"
    return _parse_dump(dump, dump.stat().st_mtime_ns)


def published_shapes(project: Project) -> Graph:
    """The shapes published beside the dumps, building first when they are missing or stale."""
    ensure_built(project)
    shapes = project.dist_dir / "shapes.ttl"
    return _parse_shapes(shapes, shapes.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _parse_dump(path: Path, _mtime_ns: int) -> Dataset:
    dataset = new_dataset()
    dataset.parse(path, format="nquads")
    return query_dataset(dataset)


@lru_cache(maxsize=2)
def _parse_shapes(path: Path, _mtime_ns: int) -> Graph:
    graph = new_graph()
    graph.parse(path, format="turtle")
    return graph


def _source_date(epoch: str | None) -> str | None:
    if epoch is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()


def _swap_in(staging: Path, dist: Path) -> None:
    """Swap ``staging`` in for ``dist`` with two renames: readers never see a half-written dist."""
    retired = dist.with_name(f".{dist.name}-previous")
    if retired.exists():
        shutil.rmtree(retired)
    if dist.exists():
        dist.rename(retired)
    staging.rename(dist)
    shutil.rmtree(retired, ignore_errors=True)
