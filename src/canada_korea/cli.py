"""The ``canada-korea`` command: argument parsing and formatting only.

Each subcommand parses its options, calls one library function, prints the outcome and picks
the exit code: 0 success, 1 the answer is "no" (the graph has violations), 2 unusable input
(a syntax error, a missing file or folder). Errors are one ``Error: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import CanadaKoreaError, ValidationFailed
from .load import find_project
from .publish import BuildReport, build
from .validate import ValidationResult

EXIT_OK, EXIT_NO, EXIT_UNUSABLE = 0, 1, 2

EPILOG = """exit codes:
  0  success
  1  the graph does not conform to the shapes (violations are listed)
  2  unusable input: a syntax error (with file, line and column), a missing file or folder
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code rather than exiting, so tests can call it."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ValidationFailed as error:
        _print_violations(error.result)  # type: ignore[arg-type]
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_NO
    except CanadaKoreaError as error:
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canada-korea",
        description="Build, validate and query the Canada–Korea relations knowledge graph.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        help="the checkout to work in (default: the one containing the working directory)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_parser = commands.add_parser(
        "build",
        help="validate the sources and publish the dumps to dist/",
        description="Load ontology/ and data/, validate them against shapes/, and publish "
        "Turtle, N-Triples, JSON-LD, the JSON-LD context, the ontology, the shapes and a "
        "VoID description to dist/. On a violation nothing is published.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build_parser.set_defaults(run=_build)
    return parser


def _build(args: argparse.Namespace) -> int:
    report = build(find_project(args.project))
    _print_build(report)
    return EXIT_OK


def _print_build(report: BuildReport) -> None:
    print(f"Built and validated {report.triples} triples.")
    print("Resources per class:")
    width = max((len(name) for name, _ in report.class_counts), default=0)
    for name, count in report.class_counts:
        print(f"  {name:<{width}}  {count:>5}")
    print(f"Published to {report.dist}/:")
    for published in report.files:
        print(f"  {published.name:<22} {published.size:>9} bytes  sha256 {published.sha256[:16]}…")


def _print_violations(result: ValidationResult) -> None:
    for entry in result.entries:
        print(entry.describe(), file=sys.stderr)


def run() -> None:
    """Console-script entry point; a reader that stops early (``| head``) ends it quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
