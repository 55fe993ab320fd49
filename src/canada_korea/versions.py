"""The version, and the releases before it, in one place: ``pyproject.toml`` and git history.

The version is the ``version`` of the project's ``pyproject.toml`` (the package metadata); the
build derives from it the ontology's ``owl:versionInfo`` and version IRI, the VoID
``dcat:version`` and the site's footer, so it is written once.

A release is a commit whose version differs from its parent's, so releases are read from git
history rather than recorded by hand; a version number names its release commit. Releases made
before that rule held are listed in ``[tool.canada-korea] earlier-releases`` of
``pyproject.toml``. Without git history (an exported tree, a shallow clone) there are no
releases, and whatever depends on them is left out rather than guessed.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import OWL

from .errors import ProjectError
from .namespaces import DATASET, ONTOLOGY

PYPROJECT = "pyproject.toml"
VERSION_NUMBER = re.compile(r"\d+\.\d+\.\d+(?:[-+.][0-9A-Za-z.+-]+)?")
"""What a version number looks like on the command line (``1.0.0``, ``2.0.0-rc.1``)."""


def current_version(root: Path) -> str:
    """The version of the checkout at ``root``: the ``version`` in its ``pyproject.toml``, else
    (a folder of sources only) the installed package's. Read from the file first, so a version
    just set there counts before the package is reinstalled."""
    version = _pyproject(root).get("project", {}).get("version")
    if isinstance(version, str):
        return version
    try:
        return installed_version("canada-korea")
    except PackageNotFoundError as error:
        raise ProjectError(
            f"no version: {root / PYPROJECT} is missing and canada-korea is not installed"
        ) from error


def ontology_version(version: str) -> list[tuple[URIRef, URIRef, Literal | URIRef]]:
    """The ontology header's version triples, which the build adds to the ontology as loaded:
    ``owl:versionInfo`` and ``owl:versionIRI``."""
    ontology = URIRef(ONTOLOGY)
    return [
        (ontology, OWL.versionIRI, URIRef(ontology_version_iri(version))),
        (ontology, OWL.versionInfo, Literal(version)),
    ]


def ontology_version_iri(version: str) -> str:
    """The ontology's ``owl:versionIRI`` for ``version``."""
    return f"{ONTOLOGY}/{version}"


def dataset_version_iri(version: str) -> str:
    """The IRI of one release of the dataset, which a later one names as ``prov:wasRevisionOf``."""
    return f"{DATASET}/{version}"


@dataclass(frozen=True)
class Release:
    """A released version: the commit that made it and that commit's date (UTC)."""

    version: str
    commit: str
    date: str

    @property
    def short(self) -> str:
        return self.commit[:7]


@dataclass(frozen=True)
class Edition:
    """What a build publishes: its version, and the release it revises (None for the first
    release, or without git history)."""

    version: str
    previous: Release | None


@dataclass(frozen=True)
class Baseline:
    """What the current sources are compared with: the release before them, and whether they
    are that release's successor ``version`` (the release being made, or made at HEAD) or
    changes not yet released (``version`` None)."""

    release: Release
    version: str | None

    @property
    def title(self) -> str:
        """The changelog heading for the current sources: the version, or "Unreleased"."""
        return self.version or "Unreleased"


def edition(root: Path) -> Edition:
    """The version the checkout at ``root`` builds and the release before it."""
    version = current_version(root)
    return Edition(version, previous_release(root, version))


def history_available(root: Path) -> bool:
    """Whether ``root`` is the top of a git checkout with its full history (not shallow)."""
    top = _git(root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if top is None:
        return False
    toplevel, shallow = top.splitlines()
    return Path(toplevel).resolve() == root.resolve() and shallow == "false"


def releases(root: Path) -> list[Release]:
    """Every release in the history of ``root``, oldest first; empty without git history.

    Follows the first parent, so a release is where the version changed on the main line."""
    if not history_available(root):
        return []
    log = _git(root, "log", "--first-parent", "--reverse", "--format=%H", "--", PYPROJECT)
    found: dict[str, str] = {}
    previous = None
    for commit in (log or "").split():
        version = _pyproject_at(root, commit).get("project", {}).get("version")
        if isinstance(version, str) and version != previous and version not in found:
            found[version] = commit
        previous = version
    earlier = _pyproject(root).get("tool", {}).get("canada-korea", {}).get("earlier-releases", {})
    for version, revision in earlier.items():
        commit = _commit(root, revision)
        if commit is None:
            raise ProjectError(
                f"earlier-releases names {revision!r} for {version}, which is not a commit here",
                file=root / PYPROJECT,
            )
        found[version] = commit
    times = {commit: commit_time(root, commit) for commit in found.values()}
    listed = sorted(found.items(), key=lambda item: times[item[1]])
    return [Release(version, commit, _date(times[commit])) for version, commit in listed]


def find_release(root: Path, version: str) -> Release | None:
    """The release of ``version`` in the history of ``root``, or None."""
    return _find(releases(root), version)


def previous_release(root: Path, version: str) -> Release | None:
    """The release before ``version``: the one before it when ``version`` is released, else the
    latest (``version`` is being released); None without history or for the first release."""
    return _previous(releases(root), version)


def baseline(root: Path) -> Baseline | None:
    """The release the current sources of ``root`` are compared with, for the changelog and the
    site's changes page; None without history or before the first release.

    When the current version is released and HEAD is not its release commit, the sources hold
    changes since that release ("Unreleased"); otherwise they are the current version, compared
    with the release before it."""
    version = current_version(root)
    listed = releases(root)
    current = _find(listed, version)
    if current is not None and current.commit != _commit(root, "HEAD"):
        return Baseline(current, None)
    previous = _previous(listed, version)
    return None if previous is None else Baseline(previous, version)


def resolve_commit(root: Path, revision: str) -> str | None:
    """The full commit a git revision (``HEAD``, ``aff7bd7``, a branch or tag) names in the
    checkout at ``root``, or None when there is no such commit or no git history."""
    return _commit(root, revision) if history_available(root) else None


def _find(listed: list[Release], version: str) -> Release | None:
    return next((release for release in listed if release.version == version), None)


def _previous(listed: list[Release], version: str) -> Release | None:
    versions = [release.version for release in listed]
    if version in versions:
        index = versions.index(version)
        return listed[index - 1] if index else None
    return listed[-1] if listed else None


def _pyproject(folder: Path) -> dict:
    try:
        return tomllib.loads((folder / PYPROJECT).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProjectError(f"cannot read the version: {error}", file=folder / PYPROJECT) from error


@lru_cache(maxsize=64)
def _pyproject_at(root: Path, commit: str) -> dict:
    """``pyproject.toml`` as committed in ``commit`` (commits never change: cached)."""
    text = _git(root, "show", f"{commit}:{PYPROJECT}")
    try:
        return tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return {}


def _commit(root: Path, revision: str) -> str | None:
    found = _git(
        root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    return found.strip() if found else None


def commit_time(root: Path, commit: str) -> int:
    """The commit time of ``commit`` in seconds since the epoch: a build of it is stamped with
    this date, so two builds of one commit are the same bytes."""
    return int((_git(root, "show", "-s", "--format=%ct", commit) or "0").strip())


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).date().isoformat()


def _git(root: Path, *args: str) -> str | None:
    """The output of a git command in ``root``, or None when git or the answer is missing."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return completed.stdout if completed.returncode == 0 else None
