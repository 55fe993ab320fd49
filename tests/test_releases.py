"""Releases a consumer can follow: one version, written once and published everywhere; releases
read from git history; a changelog whose data part is what `canada-korea changelog` writes, and
a changes page on the site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV

from canada_korea.changelog import (
    BEGIN,
    END,
    ReleaseChanges,
    current_section,
    data_section,
    release_changes,
    update_changelog,
)
from canada_korea.cli import main
from canada_korea.diff import DiffReport, Statement
from canada_korea.load import Project
from canada_korea.namespaces import DATASET, ONTOLOGY
from canada_korea.pipeline import BuildReport, build
from canada_korea.publish import DCAT_VERSION
from canada_korea.versions import (
    Baseline,
    Release,
    baseline,
    current_version,
    history_available,
    previous_release,
    releases,
)

from .conftest import CASES, ROOT, commit, fake_checkout, git, set_version, small_project
from .test_diff import EXPECTED

VERSION = current_version(ROOT)


def test_the_version_is_written_once_and_published_everywhere(built: BuildReport) -> None:
    ontology = URIRef(ONTOLOGY)
    written = Graph().parse(ROOT / "ontology" / "canada-korea.ttl")
    assert not set(written.objects(ontology, OWL.versionInfo) or ())
    assert not set(written.objects(ontology, OWL.versionIRI) or ())
    for name in ("ontology.ttl", "canada-korea.ttl"):
        graph = Graph().parse(built.dist / name)
        assert graph.value(ontology, OWL.versionInfo) == Literal(VERSION), name
        assert graph.value(ontology, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/{VERSION}"), name
    void = Graph().parse(built.dist / "void.ttl")
    assert void.value(URIRef(DATASET), DCAT_VERSION) == Literal(VERSION)
    footer = BeautifulSoup((built.dist / "site" / "index.html").read_text("utf-8"), "html.parser")
    assert footer.select_one("footer .version").get_text(strip=True) == f"Version {VERSION}"


# --- releases from git history ------------------------------------------------------------------


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = fake_checkout(tmp_path / "checkout", "1.0.0")
    (root / "dataset.nq").write_text("", "utf-8")
    return root


def test_a_release_is_the_commit_that_changes_the_version(checkout: Path) -> None:
    first = commit(checkout, "1.0.0")
    commit_time = git(checkout, "show", "-s", "--format=%cs", first).strip()
    (checkout / "fix").write_text("", "utf-8")
    commit(checkout, "a fix, still 1.0.0")
    set_version(checkout, "2.0.0")
    second = commit(checkout, "2.0.0")
    assert [(r.version, r.commit) for r in releases(checkout)] == [
        ("1.0.0", first),
        ("2.0.0", second),
    ]
    assert releases(checkout)[0].date == commit_time
    assert previous_release(checkout, "2.0.0") == releases(checkout)[0]
    assert previous_release(checkout, "1.0.0") is None
    assert previous_release(checkout, "3.0.0") == releases(checkout)[1]


def test_the_changelog_compares_with_the_release_before(checkout: Path) -> None:
    """At a release the changes are that version's; after it they are unreleased; with a new
    version set (the release being made) they are the new version's."""
    assert baseline(checkout) is None
    first = commit(checkout, "1.0.0")
    assert baseline(checkout) is None
    set_version(checkout, "2.0.0")
    second = commit(checkout, "2.0.0")
    one, two = releases(checkout)
    assert baseline(checkout) == Baseline(one, "2.0.0")
    (checkout / "fix").write_text("", "utf-8")
    commit(checkout, "after 2.0.0")
    assert baseline(checkout) == Baseline(two, None)
    set_version(checkout, "3.0.0")
    assert baseline(checkout) == Baseline(two, "3.0.0")
    assert (first, second) == (one.commit, two.commit)


def test_earlier_releases_name_their_commit(checkout: Path) -> None:
    commit(checkout, "first commit, already 1.0.0")
    (checkout / "fix").write_text("", "utf-8")
    released = commit(checkout, "1.0.0 as released")
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8")
        + f'\n[tool.canada-korea]\nearlier-releases = {{ "1.0.0" = "{released}" }}\n',
        "utf-8",
    )
    assert [(r.version, r.commit) for r in releases(checkout)] == [("1.0.0", released)]


def test_without_git_history_there_are_no_releases(tmp_path: Path) -> None:
    set_version(tmp_path, "2.0.0")
    assert (history_available(tmp_path), releases(tmp_path)) == (False, [])
    assert (baseline(tmp_path), previous_release(tmp_path, "2.0.0")) == (None, None)
    assert current_version(tmp_path) == "2.0.0"


# --- a release build: version, the release before, the changes page, the changelog -------------


@dataclass(frozen=True)
class ReleaseBuild:
    """A checkout where a release is being made, its build, and where revisions were built."""

    root: Path
    report: BuildReport
    cache: Path


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> ReleaseBuild:
    """A checkout at 1.0.0 whose dataset is the small build of tests/cases/diff/old.trig, with
    new.trig as its sources and 2.0.0 set (not yet committed), built: a release being made."""
    cache = tmp_path_factory.mktemp("cache")
    old = small_project(tmp_path_factory.mktemp("old"), CASES / "diff" / "old.trig")
    set_version(old.root, "1.0.0")  # whatever the repository's own version is now
    old_dist = build(old, source_date_epoch="0").dist
    root = tmp_path_factory.mktemp("release") / "checkout"
    small_project(root, CASES / "diff" / "new.trig")
    fake_checkout(root, "1.0.0")
    (root / "dataset.nq").write_bytes((old_dist / "canada-korea.nq").read_bytes())
    (root / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n### Code\n- Something new.\n\n### Data\n\n"
        f"{BEGIN}\n{END}\n\n## [1.0.0] - 2026-01-01\n\n### Data\nThe first release.\n",
        "utf-8",
    )
    commit(root, "1.0.0")
    set_version(root, "2.0.0")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        return ReleaseBuild(root, build(Project(root), source_date_epoch="0"), cache)


def test_a_release_build_publishes_its_version_and_the_release_it_revises(
    release: ReleaseBuild,
) -> None:
    report = release.report
    void = Graph().parse(report.dist / "void.ttl")
    assert void.value(URIRef(DATASET), DCAT_VERSION) == Literal("2.0.0")
    assert void.value(URIRef(DATASET), PROV.wasRevisionOf) == URIRef(f"{DATASET}/1.0.0")
    ontology = Graph().parse(report.dist / "ontology.ttl")
    assert ontology.value(URIRef(ONTOLOGY), OWL.versionInfo) == Literal("2.0.0")


def test_a_release_build_knows_its_changes_since_the_release_before(
    release: ReleaseBuild,
) -> None:
    report = release.report
    assert report.changes is not None
    assert (report.changes.title, report.changes.baseline.release.version) == ("2.0.0", "1.0.0")
    assert report.changes.report.as_json() == {
        **EXPECTED,
        "changed": [*EXPECTED["changed"], *_version_changes("1.0.0", "2.0.0")],
    }


def _version_changes(old: str, new: str) -> list[dict[str, dict[str, str]]]:
    """The changes of the ontology's version triples from ``old`` to ``new``."""
    ontology = f"<{ONTOLOGY}>"
    return [
        {
            "old": {"subject": ontology, "predicate": f"<{predicate}>", "object": before},
            "new": {"subject": ontology, "predicate": f"<{predicate}>", "object": after},
        }
        for predicate, before, after in (
            (OWL.versionIRI, f"<{ONTOLOGY}/{old}>", f"<{ONTOLOGY}/{new}>"),
            (OWL.versionInfo, f'"{old}"', f'"{new}"'),
        )
    ]


def test_the_site_has_a_changes_page_linked_from_every_footer(
    release: ReleaseBuild,
) -> None:
    report = release.report
    site = report.dist / "site"
    page = BeautifulSoup((site / "changes.html").read_text("utf-8"), "html.parser")
    assert page.h1.text == "Changes in 2.0.0"
    assert page.select_one("p.summary").text.endswith(
        "): 5 statements added, 4 removed and 4 changed (3 of value, 1 of source), in 4 resources."
    )
    summit = next(
        section
        for section in page.select("section.changed-resource")
        if section.select_one("h2 code").text == "ckr:test-summit"
    )
    assert summit.select_one("h2 a")["href"] == "id/test-summit.html"
    assert [item["class"] for item in summit.select("li")] == [["changed"], ["moved"], ["added"]]
    french = BeautifulSoup((site / "changes.fr.html").read_text("utf-8"), "html.parser")
    assert french.h1.text == "Modifications de la version 2.0.0"
    index = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    assert index.select_one("footer .version a")["href"] == "changes.html"


def test_changelog_writes_the_data_part_of_the_release(
    release: ReleaseBuild, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, report = release.root, release.report
    assert report.changes is not None
    monkeypatch.setenv("XDG_CACHE_HOME", str(release.cache))
    assert main(["--project", str(root), "changelog"]) == 0
    assert capsys.readouterr().out == data_section(report.changes) + "\n"
    assert main(["--project", str(root), "changelog", "--write"]) == 0
    assert capsys.readouterr().out == f"Wrote the data part of [2.0.0] to {root}/CHANGELOG.md.\n"
    text = (root / "CHANGELOG.md").read_text("utf-8")
    assert current_section(text) == ("2.0.0", data_section(report.changes))
    assert "### Code\n- Something new.\n" in text


def _changes(title_version: str | None) -> ReleaseChanges:
    release = Release("1.0.0", "a" * 40, "2026-01-01")
    statement = Statement("<https://w3id.org/canada-korea/id/x>", "<urn:p>", '"1"')
    report = DiffReport("1.0.0", "now", added=[statement], removed=[], changed=[])
    return ReleaseChanges(Baseline(release, title_version), report)


@pytest.mark.parametrize(
    ("before", "title", "after"),
    [
        ("## [Unreleased]\n\n### Data\n\n{old}\n", None, "## [Unreleased]\n\n### Data\n\n{new}\n"),
        (
            "## [Unreleased]\n\n### Data\n\n{old}\n",
            "2.0.0",
            "## [2.0.0] - today\n\n### Data\n\n{new}\n",
        ),
        (
            "## [2.0.0] - then\n\n### Data\n\n{old}\n",
            None,
            "## [Unreleased]\n\n### Code\n\n### Data\n\n{new}\n\n"
            "## [2.0.0] - then\n\n### Data\n\n{old}\n",
        ),
        (
            "## [Unreleased]\n\n### Code\n- x\n",
            None,
            "## [Unreleased]\n\n### Code\n- x\n\n### Data\n\n{new}\n\n",
        ),
    ],
    ids=["unreleased", "release", "after-a-release", "no-data-part-yet"],
)
def test_update_changelog_writes_the_current_section(
    before: str, title: str | None, after: str
) -> None:
    changes = _changes(title)
    old, new = f"{BEGIN}\nstale\n{END}", data_section(changes)
    text = "# Changelog\n\n" + before.format(old=old)
    assert update_changelog(text, changes, "today") == "# Changelog\n\n" + after.format(
        old=old, new=new
    )


@pytest.mark.skipif(
    not history_available(ROOT),
    reason="needs the checkout's full git history (not an export or a shallow clone) to build "
    "the previous release",
)
def test_the_committed_changelog_data_is_what_the_command_writes_now(
    built: BuildReport, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Regenerate with `canada-korea changelog --write` when the data change."""
    changes = release_changes(ROOT, built.dist, cache=tmp_path_factory.mktemp("cache"))
    assert changes is not None
    title, data = current_section((ROOT / "CHANGELOG.md").read_text("utf-8"))
    assert (title, data) == (changes.title, data_section(changes)), (
        "CHANGELOG.md is out of date: run `canada-korea changelog --write`"
    )


def test_changelog_help_says_it_builds_and_compares(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["changelog", "--help"])
    out = capsys.readouterr().out
    assert "compare them with the release before them" in " ".join(out.split())
    assert "--write" in out
    assert "2  unusable input" in out
