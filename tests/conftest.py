"""Shared fixtures: the real project, a scratch copy of it to build in, and the built graph.

Builds happen in a copy under a temporary folder, so tests never touch the checkout's dist/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from canada_korea.load import Project, find_project, load_shapes, load_sources
from canada_korea.pipeline import BuildReport, build
from canada_korea.provenance import published_dataset, query_dataset, union

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).parent / "cases"


def copy_project(destination: Path) -> Project:
    """A fresh copy of the sources (ontology, data, shapes, queries) and of ``pyproject.toml``,
    which holds the version, at ``destination``."""
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(ROOT / folder, destination / folder)
    shutil.copyfile(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return Project(destination)


@pytest.fixture(scope="session")
def project() -> Project:
    return find_project(ROOT)


@pytest.fixture(scope="session")
def source_dataset(project: Project) -> Dataset:
    """The ontology and data as loaded from the sources, with their named graphs (read-only)."""
    return load_sources(project)


@pytest.fixture(scope="session")
def source_graph(source_dataset: Dataset) -> Graph:
    """The union of the sources' graphs with the derived ck:statedIn (read-only)."""
    return union(source_dataset)


@pytest.fixture(scope="session")
def query_view(source_dataset: Dataset) -> Dataset:
    """The sources as queries see the published dataset: the union as the default graph, the
    sections' and inferences' graphs named."""
    return query_dataset(published_dataset(source_dataset))


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


def free_port() -> int:
    """A port nothing listens on now, chosen by the system: tests never use fixed ports."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(command: list[object], probe: str, limit: float = 60.0) -> Iterator[None]:
    """Run ``command`` as a server, poll ``probe`` until it answers (any HTTP status), and stop
    it afterwards; if it dies or never answers, the failure shows what it printed."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(part) for part in command], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + limit
            while True:
                try:
                    with urllib.request.urlopen(probe, timeout=1):
                        break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        output = log.read().decode("utf-8", "replace")
                        raise AssertionError(f"{command[0]} did not answer:\n{output}") from None
                    time.sleep(0.05)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def live_server(built_project: Project) -> Iterator[str]:
    """``python -m canada_korea serve`` over the built scratch checkout, on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "canada_korea", "--project", built_project.root, "serve"]
    url = f"http://127.0.0.1:{port}"
    with running_server([*command, "--port", port], url + "/"):
        yield url


def small_project(destination: Path, data: Path) -> Project:
    """A copy of the project whose only data file is ``data``: it builds in about a second."""
    project = copy_project(destination)
    for path in project.data_dir.glob("*.trig"):
        path.unlink()
    shutil.copyfile(data, project.data_dir / data.name)
    return project


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` as a test author, without the user's configuration; its output."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    completed = subprocess.run(
        ["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True
    )
    return completed.stdout


def fake_checkout(root: Path, version: str) -> Path:
    """A git checkout at ``root`` whose code is ``tests/cases/diff/fake-build.py`` (its build
    publishes ``dataset.nq``), at ``version``, with nothing committed yet."""
    for folder in ("ontology", "data", "shapes"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    package = root / "src" / "canada_korea"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", "utf-8")
    shutil.copyfile(CASES / "diff" / "fake-build.py", package / "__main__.py")
    set_version(root, version)
    git(root, "init", "--quiet", "--initial-branch=main")
    return root


def set_version(root: Path, version: str) -> None:
    """Write ``pyproject.toml`` with ``version`` (nothing else a build needs)."""
    text = f'[project]\nname = "canada-korea"\nversion = "{version}"\n'
    (root / "pyproject.toml").write_text(text, "utf-8")


def commit(root: Path, message: str) -> str:
    """Commit everything in ``root``; the new commit's hash."""
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", message)
    return git(root, "rev-parse", "HEAD").strip()
