"""canada-korea: a curated, validated knowledge graph of Canada–Korea relations.

The public API; the command line (``canada-korea``) is a thin layer over it.
"""

from .errors import CanadaKoreaError
from .load import Project, find_project
from .publish import BuildReport, build
from .validate import Entry, ValidationResult

__all__ = [
    "BuildReport",
    "CanadaKoreaError",
    "Entry",
    "Project",
    "ValidationResult",
    "build",
    "find_project",
]
