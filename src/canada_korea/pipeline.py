"""The build, end to end: sources, then checks, then dumps, then the static site, swapped into
``dist/`` at once or not at all; and the readers of what a build wrote.

``build`` is the only writer of ``dist/``. ``published_index``, ``published_graph`` and
``published_shapes`` read a build back (building first when it is missing or older than the
sources): the index for ``query``, the parsed dump for ``validate`` and the API; the server reads
``dist/`` through ``ensure_built``.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef

from .errors import BuildError, ValidationFailed
from .index import ANSWERS, INDEX, context_of, index_path, write_index
from .load import Project, collection_paused
from .namespaces import new_dataset, new_graph
from .parallel import Background, release_memory
from .publish import PublishedFile
from .query import named_queries, write_answers
from .versions import PYPROJECT, edition

if TYPE_CHECKING:
    from .changelog import ReleaseChanges
    from .validate import ValidationResult


@dataclass
class BuildReport:
    """What a successful build published: where, how big, and what kinds of things it holds."""

    dist: Path
    triples: int
    class_counts: list[tuple[str, int]]
    files: list[PublishedFile]
    validation: ValidationResult
    changes: ReleaseChanges | None = None
    """What changed since the release before (None without git history, or for the first)."""


KEEP_BUILDS = 3
"""Builds kept under ``.builds/``: the current one (``dist`` links to it) and the two before,
so a reader that resolved ``dist`` just before a swap (a server's snapshot, a query in flight)
still finds every file."""


Progress = Callable[[str], None]
"""Told the name of each build step as it starts (``"validating"``), so a command line can
show where a long build is; the library itself never prints."""

STEPS = (
    "loading the sources",
    "validating",
    "writing the dumps and the index",
    "comparing with the last release",
    "writing the site",
    "finishing the validation",
)
"""The build's steps, in order, as :data:`Progress` is told them. The validation goes on
beside the next three (see :func:`_build_locked`)."""
ANSWERING_TIME = 30.0
"""How long a build waits, once its site is written, for the named queries' answers (at 100x
they are ready seconds before the site)."""


def build(
    project: Project, source_date_epoch: str | None = None, progress: Progress | None = None
) -> BuildReport:
    """Load and validate the sources, then publish them to ``project.dist_dir`` atomically.

    On a violation :class:`ValidationFailed` is raised and ``dist/`` is left exactly as it was.
    Builds of one checkout take turns (a lock), so concurrent builds neither crash nor mix.
    """
    with _build_lock(project):
        return _build_locked(project, source_date_epoch, progress or _silent)


def _silent(_step: str) -> None:
    """The progress of a build nobody watches."""


@collection_paused()
def _build_locked(
    project: Project, source_date_epoch: str | None, progress: Progress = _silent
) -> BuildReport:
    """The build, with the graph checked in a forked process while this one writes the dumps,
    the index and the site into a staging folder from the same graph: at 10x the checks take
    1.5 s, at 100x 12 s, that the build used to wait for. Nothing is published until they
    pass; the staging folder is removed as soon as they fail.

    Python's cyclic garbage collector is paused throughout, in this process and in every one
    it forks (they inherit it): the build's statements, pages and documents hold no reference
    cycles, and each collection walked every object alive (the publication, the pages'
    memos), a tenth of the site's time at 100x and a third of writing the TriG dump."""
    # Imported here: the SHACL engine, the release comparison and the dump writers cost a tenth
    # of a second that the commands which only read a build (query, validate) would pay at
    # start-up.
    from .changelog import release_changes
    from .load import load_shapes, read_sources
    from .publish import statements, write_dumps
    from .validate import check_sources

    loading, validating, dumping, comparing, site, finishing = STEPS
    progress(loading)
    sources = read_sources(project)
    shapes = load_shapes(project)
    progress(validating)
    modified = _source_date(source_date_epoch)
    published = edition(project.root)
    builds = _builds_dir(project)
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    pruning: multiprocessing.process.BaseProcess | None = None
    checks: Background[ValidationResult] | None = None
    answering: Background[None] | None = None
    try:
        pruning = _pruning(builds, keep=staging)
        # The checks take the statements into rdflib's terms in their own process: this one
        # never holds rdflib's graphs, and publishes from the statements as read meanwhile.
        checks = Background(partial(check_sources, sources, shapes))
        staging.chmod(0o777 & ~_umask())
        progress(dumping)
        # The published statements (the sources' and the derived citations), from which the
        # dumps and the index are written.
        published_statements = statements(sources)
        _stop_if_failed(checks)
        index = partial(
            write_index, staging, published_statements.triples, published_statements.quads
        )
        files = write_dumps(
            published_statements, shapes, project, staging, modified, published, index
        )
        triples, classes = published_statements.size, published_statements.class_counts
        # Nothing below reads the statements: the processes forked from here on (the
        # answering, the site's writers) and this one carry none of their memory.
        del published_statements, index, sources
        release_memory()
        # Imported here as well: the page templates and their web stack cost a quarter of a
        # second more.
        from .serve.publication import load_store
        from .site import write_site

        # The dataset in memory, read from the dumps just written: the site's pages read it,
        # and the named queries are answered on it in a process of their own, beside the site
        # (see query.write_answers), which shares it as forked.
        store = load_store(staging)
        answering = Background(partial(write_answers, staging, named_queries(project), store))
        _stop_if_failed(checks)
        progress(comparing)
        changes = release_changes(project.root, staging)
        _stop_if_failed(checks)
        progress(site)
        write_site(staging, project, changes, previous=_current_build(project), store=store)
        progress(finishing)
        validation = checks.result()
        _raise_unless_conforms(validation)
        _finish_answers(answering, staging)
        _link(staging, project.dist_dir)
    except OSError as error:
        _discard(staging, checks, answering)
        raise BuildError(f"cannot write the build: {error.strerror or error}") from error
    except BaseException:
        _discard(staging, checks, answering)
        raise
    finally:
        if pruning is not None:
            pruning.join()
    files = [
        PublishedFile(f.name, project.dist_dir / f.name, f.media_type, f.size, f.sha256)
        for f in files
    ]
    return BuildReport(
        dist=project.dist_dir,
        triples=triples,
        class_counts=classes,
        files=files,
        validation=validation,
        changes=changes,
    )


def _discard(staging: Path, *running: Background[object] | None) -> None:
    """Stop the checks and the answering if they still run and remove the staging folder: a
    build that failed or was interrupted leaves nothing behind."""
    for work in running:
        if work is not None:
            work.cancel()
    shutil.rmtree(staging, ignore_errors=True)


def _finish_answers(answering: Background[None], staging: Path) -> None:
    """Wait for the named queries' answers, at most :data:`ANSWERING_TIME` once the site is
    written; past it, publish the build with the answers kept so far (the others are
    evaluated when run, as any query is) rather than hold it back for a cache."""
    if answering.wait(ANSWERING_TIME):
        answering.result()
        return
    answering.cancel()
    for partial_answer in (staging / ANSWERS).glob(".*"):
        partial_answer.unlink()


def _stop_if_failed(checks: Background[ValidationResult]) -> None:
    """Stop the build here if the checks have ended and found violations: a failing build
    ends about when it did before the checks ran beside the writing."""
    if checks.done():
        _raise_unless_conforms(checks.result())


def _raise_unless_conforms(validation: ValidationResult) -> None:
    if not validation.conforms:
        count = len(validation.violations)
        raise ValidationFailed(
            f"the graph does not conform to the shapes ({count} violation"
            f"{'' if count == 1 else 's'}); nothing was published",
            validation,
        )


def _current_build(project: Project) -> Path | None:
    """The build folder ``dist`` links to now, if any: the next build's site reuses its pages
    that did not change."""
    dist = project.dist_dir
    return dist.resolve() if dist.is_symlink() and dist.exists() else None


def _builds_dir(project: Project) -> Path:
    builds = project.root / ".builds"
    try:
        builds.mkdir(exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create {builds}: {error.strerror}") from error
    return builds


@contextmanager
def _build_lock(project: Project) -> Iterator[None]:
    """Hold the checkout's build lock (``.builds/.lock``) for the block; waits for another
    build to finish rather than racing it."""
    path = _builds_dir(project) / ".lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _link(build_dir: Path, dist: Path) -> None:
    """Point ``dist`` at ``build_dir`` with one rename of a symbolic link: a reader sees the
    old build or the new one, never a missing or half-written ``dist``. A ``dist`` left as a
    real folder by an older version is moved aside first (once)."""
    if dist.exists() and not dist.is_symlink():
        dist.rename(build_dir.parent / f"legacy-{os.getpid()}")
    link = dist.with_name(f".{dist.name}-{os.getpid()}.link")
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(build_dir, dist.parent))
    link.replace(dist)


def _pruning(builds: Path, keep: Path) -> multiprocessing.process.BaseProcess:
    """:func:`_prune` started in a forked process, to run while this one builds: removing a
    build's tens of thousands of files took seconds at 10x that the build need not wait for."""
    process = multiprocessing.get_context("fork").Process(target=_prune, args=(builds, keep))
    process.start()
    return process


def _prune(builds: Path, keep: Path) -> None:
    """Remove the builds beyond the last :data:`KEEP_BUILDS` (newest kept, ``keep`` always),
    including what a killed build left half-written. Stopped by Ctrl-C, it ends quietly: the
    next build removes the rest."""
    try:
        candidates = sorted(
            (path for path in builds.iterdir() if path.is_dir() and path != keep),
            key=lambda path: path.stat().st_mtime,
            reverse=True,
        )
        for stale in candidates[KEEP_BUILDS - 1 :]:
            shutil.rmtree(stale, ignore_errors=True)
    except KeyboardInterrupt:
        return


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def is_stale(project: Project) -> bool:
    """Whether the dumps or their index are missing or older than any source (ontology, data,
    shapes, or the version in ``pyproject.toml``)."""
    dump = project.dist_dir / "canada-korea.nq"
    written = [dump, project.dist_dir / "shapes.ttl", project.dist_dir / INDEX]
    if not all(path.exists() for path in written):
        return True
    built = dump.stat().st_mtime
    sources = [*project.source_files(), *project.shape_files()]
    version = project.root / PYPROJECT
    if version.exists():
        sources.append(version)
    return any(path.stat().st_mtime > built for path in sources)


def ensure_built(project: Project) -> None:
    """Build the dumps when they are missing or older than the sources, without parsing them:
    readers that hold the graph elsewhere (the server's Oxigraph store) need only the files.
    Checked again under the build lock, so readers starting together build once."""
    if is_stale(project):
        with _build_lock(project):
            if is_stale(project):
                _build_locked(project, None)


def published_index(project: Project) -> Path:
    """The persistent index of the published dataset (see ``index``), building first when it
    is missing or stale: an on-disk Oxigraph store laid out as :func:`published_graph` is, for
    queries to open read-only instead of parsing a dump."""
    ensure_built(project)
    return index_path(project.dist_dir)


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


def published_context(project: Project, terms: Iterable[URIRef]) -> Dataset:
    """The part of the published dataset a contribution mentioning ``terms`` is validated
    against (see ``index.context_of``), read from the persistent index, building first when it
    is missing or stale: its cost grows with the contribution, not with the graph."""
    ensure_built(project)
    return context_of(project.dist_dir.resolve(), terms)


def published_shapes(project: Project) -> Graph:
    """The shapes published beside the dumps, building first when they are missing or stale."""
    ensure_built(project)
    shapes = project.dist_dir / "shapes.ttl"
    return _parse_shapes(shapes, shapes.stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _parse_dump(path: Path, _mtime_ns: int) -> Dataset:
    from .provenance import query_dataset

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
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    except (ValueError, OverflowError, OSError) as error:
        raise BuildError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
        ) from error
