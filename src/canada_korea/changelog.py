"""What changed in the current release, for the changelog and the site's changes page.

The current sources are compared with the release before them (:func:`versions.baseline`):
the previous release when they are the release being made, the current one when they hold
changes not yet released. The comparison is the dataset's statements only (the VoID
description restates counts and files, which the code part of the changelog covers).

``CHANGELOG.md`` keeps a section per release, Keep a Changelog style, each with a hand-written
"Code" part and a "Data" part between two markers that only ``canada-korea changelog --write``
writes, from that comparison, so it cannot drift from the data (a test checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diff import DiffReport, compare, display, entry_text, read_dist, summary
from .errors import InputError, ProjectError
from .revisions import build_revision
from .versions import Baseline, baseline

CHANGELOG = "CHANGELOG.md"
BEGIN = "<!-- data: written by `canada-korea changelog --write`; do not edit by hand -->"
END = "<!-- end of data -->"
_SECTION = re.compile(r"^## \[(?P<title>[^\]]+)\].*$", re.M)


@dataclass(frozen=True)
class ReleaseChanges:
    """The comparison of the current sources with the release before them."""

    baseline: Baseline
    report: DiffReport

    @property
    def title(self) -> str:
        """The changelog section these changes belong to: a version, or "Unreleased"."""
        return self.baseline.title


def release_changes(root: Path, dist: Path, cache: Path | None = None) -> ReleaseChanges | None:
    """The changes from the release before the sources of the checkout ``root`` to the build
    in ``dist`` (the release is built by its own code, or found in ``cache``); None without git
    history or before the first release."""
    found = baseline(root)
    if found is None:
        return None
    release = found.release
    old = read_dist(build_revision(root, release.commit, cache), void=False, name=release.version)
    return ReleaseChanges(found, compare(old, read_dist(dist, void=False, name=found.title)))


def data_section(changes: ReleaseChanges) -> str:
    """The changelog's data part for ``changes``, between its markers: the counts, then, folded
    as they are long, the resources added, those removed, and every change by resource."""
    report, release = changes.report, changes.baseline.release
    lines = [
        BEGIN,
        f"Compared with {release.version} ({release.short}, {release.date}): {summary(report)}",
    ]
    folds = [
        (f"{len(report.new_resources):,} new resources", report.new_resources),
        (f"{len(report.gone_resources):,} resources removed", report.gone_resources),
    ]
    for title, subjects in folds:
        if subjects:
            lines += ["", "<details>", f"<summary>{title}</summary>", ""]
            lines += [f"- {_resource(subject, report)}" for subject in subjects]
            lines += ["", "</details>"]
    if report.differs:
        lines += ["", "<details>", "<summary>Every change, by resource</summary>", ""]
        for resource in report.resources():
            lines.append(f"- {_resource(resource.subject, report)}")
            lines += [f"  - {entry.kind} {_code(entry_text(entry))}" for entry in resource.entries]
        lines += ["", "</details>"]
    lines.append(END)
    return "\n".join(lines)


def current_section(text: str) -> tuple[str, str | None]:
    """The title of the changelog's first release section and its data part (None if it has
    none)."""
    heading, body, _stop = _first_section(text)
    start, end = _data_span(body)
    return heading["title"], body[start:end] if start is not None else None


def update_changelog(text: str, changes: ReleaseChanges, date: str) -> str:
    """``text`` with the data part of the current section written from ``changes``.

    The first section is the current one when its title is ``changes.title``, or when it is
    "Unreleased" and a version is being released (it is renamed ``[version] - date``);
    otherwise (the first section is a past release) a new "Unreleased" section goes on top."""
    heading, body, stop = _first_section(text)
    data = data_section(changes)
    title = heading["title"]
    if title != changes.title and not (title == "Unreleased" and changes.baseline.version):
        section = f"## [Unreleased]\n\n### Code\n\n### Data\n\n{data}\n\n"
        return text[: heading.start()] + section + text[heading.start() :]
    line = heading.group(0) if title == changes.title else f"## [{changes.title}] - {date}"
    start, end = _data_span(body)
    if start is not None:
        body = body[:start] + data + body[end:]
    else:
        body = body.rstrip("\n") + f"\n\n### Data\n\n{data}\n\n"
    return text[: heading.start()] + line + body + text[stop:]


def _first_section(text: str) -> tuple[re.Match[str], str, int]:
    """The first release section: its heading, its body and where the next one starts."""
    heading = _SECTION.search(text)
    if heading is None:
        raise ProjectError(
            f"{CHANGELOG} has no release section (## [Unreleased] or ## [1.0.0])", file=CHANGELOG
        )
    following = _SECTION.search(text, heading.end())
    stop = following.start() if following else len(text)
    return heading, text[heading.end() : stop], stop


def _data_span(body: str) -> tuple[int | None, int]:
    """Where a section's data part (with its markers) starts and ends; None when it has none."""
    start, end = body.find(BEGIN), body.find(END)
    return (start, end + len(END)) if 0 <= start < end else (None, 0)


def write_changelog(root: Path, changes: ReleaseChanges, date: str) -> Path:
    """Rewrite the current section's data part of ``root/CHANGELOG.md`` (see
    :func:`update_changelog`); returns the file."""
    path = root / CHANGELOG
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise InputError(f"cannot read the changelog: {error.strerror}", file=path) from error
    updated = update_changelog(text, changes, date)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(updated, "utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write the changelog: {error.strerror}", file=path) from error
    return path


def _resource(subject: str, report: DiffReport) -> str:
    label = report.labels.get(subject)
    return _code(display(subject)) + (f" {_escape(label)}" if label else "")


def _code(text: str) -> str:
    """``text`` as a Markdown code span, fenced with more backticks than it holds."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _escape(text: str) -> str:
    """Plain text that Markdown shows as written."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
