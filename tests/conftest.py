"""Shared fixtures: the real project, a scratch copy of it to build in, and the built graph.

Builds happen in a copy under a temporary folder, so tests never touch the checkout's dist/.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from rdflib import Graph

from canada_korea.load import Project, find_project, load_shapes, load_sources
from canada_korea.publish import BuildReport, build

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "cases"


def copy_project(destination: Path) -> Project:
    """A fresh copy of the sources (ontology, data, shapes, queries) at ``destination``."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, destination / folder)
    return Project(destination)


@pytest.fixture(scope="session")
def project() -> Project:
    return find_project(ROOT)


@pytest.fixture(scope="session")
def source_graph(project: Project) -> Graph:
    """The ontology and data as loaded from the sources (read-only: copy before changing)."""
    return load_sources(project)


@pytest.fixture(scope="session")
def shapes_graph(project: Project) -> Graph:
    return load_shapes(project)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """One successful build of a copy of the project, shared by the tests that read dist/."""
    return build(copy_project(tmp_path_factory.mktemp("built")), source_date_epoch="0")


@pytest.fixture(scope="session")
def built_project(built: BuildReport) -> Project:
    """The scratch checkout ``built`` published into: commands read its dumps, never the repo's."""
    return Project(built.dist.parent)


@pytest.fixture
def scratch(tmp_path: Path) -> Project:
    """A private copy of the project that a test may break."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test: parsing must not fetch anything."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
