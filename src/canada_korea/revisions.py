"""A git revision of the checkout, built on the fly: what ``diff 1.0.0 HEAD`` compares.

The revision's tree is exported into a temporary folder and built by that revision's own code
(``python -m canada_korea build`` with its ``src/`` first on the path), since the code that
builds the dumps changes between releases as much as the data does. The build is stamped with
the commit's date, so two builds of one commit give the same files; those files are kept in a
cache under the commit's hash, and a commit never changes.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from .errors import InputError
from .versions import VERSION_NUMBER, commit_time, find_release, releases, resolve_commit


def default_cache() -> Path:
    """Where builds of revisions are kept: ``$XDG_CACHE_HOME/canada-korea/builds`` (by default
    ``~/.cache/canada-korea/builds``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "canada-korea" / "builds"


def resolve(root: Path, name: str) -> str:
    """The commit that ``name`` names in the checkout at ``root``: a released version number
    (``1.0.0``) or any git revision (``HEAD``, ``aff7bd7``, a branch or tag)."""
    if VERSION_NUMBER.fullmatch(name):
        release = find_release(root, name)
        if release is None:
            known = ", ".join(release.version for release in releases(root)) or "none"
            raise InputError(
                f"no release {name} in the git history of {root} (releases: {known}); "
                "expected a released version, a git revision, a dist/ folder or a dump file",
                file=name,
            )
        return release.commit
    commit = resolve_commit(root, name)
    if commit is None:
        raise InputError(
            f"no such file or folder, and not a git revision of {root}: expected a dist/ "
            "folder, a dump file (.nq, .trig, .nt, .ttl, .jsonld), a git revision such as "
            "HEAD, or a released version such as 1.0.0",
            file=name,
        )
    return commit


def build_revision(root: Path, commit: str, cache: Path | None = None) -> Path:
    """The ``dist/`` folder of ``commit``, built by its own code (or found in ``cache``, by
    default :func:`default_cache`). Any failure is an :class:`InputError` naming the commit."""
    cache = cache or default_cache()
    built = cache / commit
    if built.is_dir():
        return built
    with tempfile.TemporaryDirectory(prefix="canada-korea-revision-") as folder:
        tree = Path(folder) / "tree"
        _export(root, commit, tree)
        _build(tree, commit, commit_time(root, commit))
        staging = cache / f".{commit}.{os.getpid()}"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            for path in sorted((tree / "dist").iterdir()):
                if path.is_file():
                    shutil.copyfile(path, staging / path.name)
            staging.rename(built)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            if not built.is_dir():
                raise InputError(
                    f"cannot keep the build of {commit[:7]}: {error}", file=cache
                ) from error
    return built


def _export(root: Path, commit: str, tree: Path) -> None:
    """Write the files of ``commit`` into ``tree`` (``git archive``, read safely)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", commit],
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise InputError(f"cannot run git to export {commit[:7]}: {error}") from error
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip()
        raise InputError(f"cannot export {commit[:7]}: {message}", file=root)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")


def _build(tree: Path, commit: str, timestamp: int) -> None:
    """Run the build of the exported ``tree`` with its own code, stamped ``timestamp``."""
    path = os.pathsep.join(filter(None, [str(tree / "src"), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "SOURCE_DATE_EPOCH": str(timestamp)}
    command = [sys.executable, "-m", "canada_korea", "--project", str(tree), "build"]
    completed = subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0 or not (tree / "dist").is_dir():
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        reason = lines[-1].removeprefix("Error: ") if lines else f"exit {completed.returncode}"
        raise InputError(f"the build of {commit[:7]} by its own code failed: {reason}")
