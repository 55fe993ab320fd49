"""One exception family for everything a user can get wrong.

Each error carries where the problem is (file, line, column) and what was expected, so the
command line can print one actionable line and choose an exit code, and the web layer can turn
it into an HTTP response. The library raises these and never prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class CanadaKoreaError(Exception):
    """Base of the project's errors: a message and, where known, the place it points at."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    column: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = ""
        if self.file is None and self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column else "") + ": "
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.message


class ProjectError(CanadaKoreaError):
    """The project layout is unusable: a folder or file the build needs is missing."""


class BuildError(CanadaKoreaError):
    """The build could not be written (a full disk, a folder without write permission)."""


class SourceSyntaxError(CanadaKoreaError):
    """A source file cannot be parsed; line and column point at the offending text."""


class ValidationFailed(CanadaKoreaError):
    """The graph does not conform to the shapes; ``result`` holds the full report."""

    def __init__(self, message: str, result: object) -> None:
        super().__init__(message)
        self.result = result


class InputError(CanadaKoreaError):
    """A file given to a command is unusable: missing, unreadable, of unknown format, or needing
    the network (a remote JSON-LD context is never fetched)."""


class QueryError(CanadaKoreaError):
    """A query cannot be run: a syntax error (with line and column), an update, a ``SERVICE``
    call that was not allowed, an unknown named query, a time-out or a failing endpoint."""


class StoreError(CanadaKoreaError):
    """The SPARQL endpoint a front end reads cannot be reached, refuses a query, or does not
    hold the dataset as the README says to load it."""


class StoreTimeout(StoreError):
    """The SPARQL endpoint did not answer within the time allowed."""
