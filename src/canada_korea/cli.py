"""The ``canada-korea`` command: argument parsing and formatting only.

Each subcommand parses its options, calls one library function, prints the outcome and picks
the exit code: 0 success, 1 the answer is "no" (the graph has violations), 2 unusable input
(a syntax error, a missing file or folder). Errors are one ``Error: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import math
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import NoReturn, TextIO

from . import validate as validate_triples
from .errors import CanadaKoreaError, InputError, ProjectError, QueryError, ValidationFailed
from .load import CONTRIBUTION_FORMATS, find_project
from .namespaces import BASE
from .parallel import INTERRUPTED
from .pipeline import STEPS, BuildReport, build, published_index
from .query import (
    DEFAULT_TIMEOUT,
    GRAPH_FORMATS,
    SELECT_FORMATS,
    kept_table,
    named_queries,
    resolve,
    run_query,
    serialize_result,
    time_limit,
)
from .serve import SERVE_MEMORY_LIMIT, SERVE_TIMEOUT
from .validate import ValidationResult

REPORT_FORMATS = ("text", "json", "turtle")

EXIT_OK, EXIT_NO, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_INTERRUPTED = INTERRUPTED
"""Ctrl-C: the shell's code for a command the signal stopped."""
MAX_TIMEOUT = 86_400.0

EPILOG = """exit codes:
  0  success (validate: the triples conform, warnings may be listed; query: answered)
  1  the answer is no: the graph does not conform to the shapes (violations are listed),
     or an ASK query answered false
  2  unusable input: a syntax error (with file, line and column), a missing file or folder,
     an unknown format, a JSON-LD context that would need the network, a query that is
     malformed (line and column given), an update, SERVICE without --allow-service, or one
     that ran past --timeout; input too deep or too large is unusable too, and says which limit
 70  internal error: a bug in canada-korea, not in your input; the message names the file
     its details were written to (please report it)
"""

DIFF_FORMATS = ("text", "json", "html")

# diff answers like diff(1); the internal-error line is the shared one.
DIFF_EPILOG = """exit codes:
  0  success: no difference (as diff(1) answers)
  1  the answer is no: the builds differ (the differences are listed)
  2  unusable input: a path that is neither a dist/ folder nor a dump (.nq, .trig, .nt,
     .ttl, .jsonld), a dump that does not parse (with file, line and column), a name that is
     neither a git revision nor a released version, or a revision whose build failed
""" + EPILOG[EPILOG.index(" 70  ") :]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code rather than exiting, so tests can call it."""
    parser = _parser()
    args = parser.parse_args(argv)
    # rdflib logs a traceback for every ill-typed literal; validate reports them itself.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        return int(args.run(args))
    except ValidationFailed as error:
        _print_violations(error.result)  # type: ignore[arg-type]
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_NO
    except CanadaKoreaError as error:
        print(f"Error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:
        raise
    except Exception as error:
        # The last line of defence, and only for bugs: every user mistake is a CanadaKoreaError
        # above. A bug gets its own exit code and its traceback goes to a file, not the screen.
        print(
            f"Error: internal error ({type(error).__name__}), a bug in canada-korea rather than"
            f" in the input; details were written to {_crash_report(argv)}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _crash_report(argv: Sequence[str] | None) -> str:
    """Write the current exception's traceback and the arguments to a new file; its path."""
    descriptor, path = tempfile.mkstemp(prefix="canada-korea-crash-", suffix=".txt")
    with os.fdopen(descriptor, "w", encoding="utf-8") as report:
        report.write(f"canada-korea {_version()}\narguments: {list(argv or sys.argv[1:])!r}\n\n")
        report.write(traceback.format_exc())
    return path


def _version() -> str:
    try:
        return metadata.version("canada-korea")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _printable(text: str) -> str:
    """``text`` with control characters escaped: a file or query cannot send escape codes to
    the terminal through an error message."""
    return "".join(c if c.isprintable() or c == "\n" else f"\\x{ord(c):02x}" for c in text)


def _one_line(text: str) -> str:
    """An error message on one line, whatever a library put in it."""
    return _printable(" ".join(text.split()))


class _Parser(argparse.ArgumentParser):
    """argparse with its errors as the project's one ``Error: …`` line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            EXIT_UNUSABLE, f"Error: {message}{_suggestion(message)} (see {self.prog} --help)\n"
        )


def _suggestion(message: str) -> str:
    """ "; did you mean 'build'?" for argparse's "invalid choice: 'biuld' (choose from …)"."""
    if not message.startswith("argument") or "invalid choice: '" not in message:
        return ""
    wrong = message.split("invalid choice: '", 1)[1].split("'", 1)[0]
    choices = [c.strip(" '") for c in message.split("(choose from", 1)[-1].rstrip(")").split(",")]
    close = difflib.get_close_matches(wrong, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


OUTPUT_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".xml": "xml",
    ".srx": "xml",
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".nt": "nt",
}
"""The format ``query --output FILE`` writes when ``--format`` is not given, by FILE's suffix."""


def _output_format(chosen: str | None, output: Path | None) -> str:
    """``--format`` when given, else the one ``--output``'s extension names, else table."""
    if chosen is not None:
        return chosen
    return OUTPUT_EXTENSIONS.get(output.suffix.lower(), "table") if output else "table"


def _seconds(text: str) -> float:
    """A time limit: a finite number of seconds above 0 and at most a day."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value <= MAX_TIMEOUT):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time limit: give seconds above 0 and at most {MAX_TIMEOUT:g}"
        )
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_parser = _subcommand(
        commands,
        "build",
        help="validate the sources and publish the dumps to dist/",
        description="Load ontology/ and data/, validate them against shapes/, and publish "
        "Turtle, N-Triples, JSON-LD, the JSON-LD context, the ontology, the shapes and a "
        "VoID description to dist/. On a violation nothing is published.",
    )
    build_parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress line while building (there is none when stderr is not a terminal)",
    )
    build_parser.set_defaults(run=_build)

    validate_parser = _subcommand(
        commands,
        "validate",
        help="check new triples against the shapes in the context of the published graph",
        description="Check the triples in FILE... (Turtle, TriG, N-Triples, N-Quads or JSON-LD, "
        "by extension or --input-format) against the shapes, in the context of the published "
        "graph so references to existing resources resolve. Also reports terms the ontology "
        "does not define, ill-typed literals, resources that reuse an existing IRI with a "
        "conflicting type, new resources with no type, and triples already in the graph. "
        "data/ is never modified.",
    )
    validate_parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate_parser.add_argument(
        "--input-format",
        choices=CONTRIBUTION_FORMATS,
        help="the format of every FILE (default: from each file's extension)",
    )
    validate_parser.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help="report as text grouped by severity, as JSON, or as a standard SHACL "
        "validation report in Turtle (default: text)",
    )
    validate_parser.set_defaults(run=_validate)

    query_parser = _subcommand(
        commands,
        "query",
        help="run SPARQL (or a named query from queries/) over the published graph",
        description="Run a SELECT, ASK, CONSTRUCT or DESCRIBE query over the published graph "
        "(built first when the dumps are missing or older than the sources), or on a SPARQL "
        "1.1 endpoint where the dumps were loaded. The project's prefixes (ck:, ckr:, rdfs:, "
        "…) are predeclared. Read-only: updates are refused, and SERVICE unless allowed.",
    )
    source = query_parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "query", nargs="?", metavar="SPARQL_OR_NAME", help="SPARQL text, or a named query"
    )
    source.add_argument("-f", "--file", type=Path, help="read the query from FILE")
    source.add_argument(
        "--list", action="store_true", help="list the named queries with their descriptions"
    )
    query_parser.add_argument(
        "--format",
        choices=sorted(set(SELECT_FORMATS) | set(GRAPH_FORMATS)),
        default=None,
        help=f"output format: {', '.join(SELECT_FORMATS)} for SELECT/ASK (the W3C SPARQL "
        f"result formats); {', '.join(GRAPH_FORMATS)} for CONSTRUCT/DESCRIBE (default: from "
        "--output's extension, .csv .tsv .json .xml .ttl .jsonld .nt; else table)",
    )
    query_parser.add_argument(
        "-o", "--output", type=Path, help="write the answer to FILE, atomically (default: stdout)"
    )
    query_parser.add_argument(
        "--bind",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a variable before running: a CURIE or <IRI> becomes an IRI, a number a "
        "number, anything else a string (repeatable)",
    )
    query_parser.add_argument(
        "--endpoint", metavar="URL", help="run on this SPARQL 1.1 endpoint instead (default: none)"
    )
    query_parser.add_argument(
        "--allow-service",
        action="store_true",
        help="let SERVICE clauses reach the network (default: refused)",
    )
    query_parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"stop a query after this many seconds (default: {DEFAULT_TIMEOUT:g})",
    )
    query_parser.set_defaults(run=_query)

    serve_parser = _subcommand(
        commands,
        "serve",
        help="serve the published graph: Linked Data pages and a SPARQL endpoint",
        description="Serve the published graph over HTTP (built first when the dumps are missing "
        "or older than the sources): every resource and ontology term as HTML, Turtle, JSON-LD "
        "or N-Triples by content negotiation, the landing page, timeline, search and ontology "
        "documentation, the dumps, and a read-only SPARQL 1.1 endpoint at /sparql.",
    )
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    serve_parser.add_argument(
        "--port", type=int, default=8000, help="the port to listen on (default: 8000)"
    )
    serve_parser.add_argument(
        "--base",
        metavar="URL",
        default=BASE,
        help="write IRIs under this URL instead, such as the address the server is reached at "
        f"(default: the canonical {BASE})",
    )
    serve_parser.add_argument(
        "--sparql-endpoint",
        metavar="URL",
        help="serve everything from this SPARQL 1.1 endpoint where the dumps were loaded (see "
        "the README), with no checkout or build: pages, documents, search and /sparql "
        "(default: none, the build is served with the built-in Oxigraph workers)",
    )
    serve_parser.add_argument(
        "--default-graph",
        metavar="IRI",
        help="with --sparql-endpoint, the graph canada-korea.nt was loaded into, for a store "
        "whose default graph is not its own (Virtuoso's is every graph); sent as "
        "default-graph-uri (default: the store's default graph)",
    )
    serve_parser.add_argument(
        "--timeout",
        type=_seconds,
        default=SERVE_TIMEOUT,
        help=f"stop a SPARQL query after this many seconds (default: {SERVE_TIMEOUT:g})",
    )
    serve_parser.add_argument(
        "--memory-limit",
        type=int,
        default=SERVE_MEMORY_LIMIT,
        metavar="MB",
        help="the memory one SPARQL query may use, in megabytes; a query that needs more is "
        f"stopped and its answer says so (default: {SERVE_MEMORY_LIMIT})",
    )
    serve_parser.add_argument(
        "--get",
        metavar="PATH",
        help="answer one GET of PATH in-process, print the body and exit: 0 when the status is "
        "200, 1 otherwise (default: serve until interrupted)",
    )
    serve_parser.set_defaults(run=_serve)

    diff_parser = _subcommand(
        commands,
        "diff",
        help="what changed between two builds: statements added, removed, changed, moved",
        description="Compare two builds by meaning. OLD and NEW are each a dist/ folder, a "
        "dump (.nq or .trig with the named graphs; .nt, .ttl or .jsonld flat), or a git "
        "revision (HEAD, a commit, a branch) or released version (1.0.0) of the checkout, "
        "built on the fly by its own code (kept in ~/.cache/canada-korea/builds). Reports "
        "the statements added and removed, a value changed where a subject and predicate keep "
        "their graph (516 → 517), and a statement that moved to another section's graph (a "
        "change of source; a build before 2.0.0 has no graphs, so each of its statements "
        "that now sits in a section's graph is one). Each resource is shown with its label. "
        "The VoID descriptions of two dist/ folders are compared too, less what changes "
        "with every build.",
        epilog=DIFF_EPILOG,
    )
    diff_parser.add_argument("old", metavar="OLD", help="the earlier build")
    diff_parser.add_argument("new", metavar="NEW", help="the later build")
    diff_parser.add_argument(
        "--format",
        choices=DIFF_FORMATS,
        default="text",
        help="text grouped by resource; JSON (added, removed and changed lists of statements "
        "as N-Triples terms, with their graph when named; a change has old and new); or an "
        "HTML page (default: text)",
    )
    diff_parser.add_argument(
        "--build-metadata",
        action="store_true",
        help="also compare what changes with every build: the VoID checksums, byte sizes and "
        "dcterms:modified (default: left out)",
    )
    diff_parser.set_defaults(run=_diff)

    changelog_parser = _subcommand(
        commands,
        "changelog",
        help="the data part of the changelog's current section, from a diff",
        description="Build the sources (as build does), compare them with the release before "
        "them, found from git history and built by its own code, and print the data part of "
        "CHANGELOG.md's current section as Markdown: the counts, the resources added and "
        "removed, and every change by resource. The section is Unreleased while the version "
        "in pyproject.toml is already released, else that version (the release being made).",
    )
    changelog_parser.add_argument(
        "--write",
        action="store_true",
        help="write it into CHANGELOG.md instead, naming the section after the version being "
        "released, or adding an Unreleased section after a release (default: print it)",
    )
    changelog_parser.set_defaults(run=_changelog)
    return parser


def _subcommand(
    commands: argparse._SubParsersAction,
    name: str,
    help: str,
    description: str,
    epilog: str = EPILOG,
) -> argparse.ArgumentParser:
    """A subcommand with an exit-code epilog (by default the shared one), so every --help
    documents them."""
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _build(args: argparse.Namespace) -> int:
    progress = None if args.quiet or not sys.stderr.isatty() else _ProgressLine(sys.stderr)
    try:
        report = build(find_project(args.project), progress=progress)
    finally:
        if progress is not None:
            progress.clear()
    _print_build(report)
    return EXIT_OK


class _ProgressLine:
    """One line on a terminal that says which build step is running and how long the build has
    taken, rewritten in place and cleared at the end, so a build is never silent for seconds."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.width = 0

    def __call__(self, step: str) -> None:
        number = STEPS.index(step) + 1 if step in STEPS else 0
        elapsed = time.monotonic() - self.started
        text = f"[{number}/{len(STEPS)}] {step}… ({elapsed:.1f} s)"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def clear(self) -> None:
        self.stream.write("\r" + " " * self.width + "\r")
        self.stream.flush()


def _diff(args: argparse.Namespace) -> int:
    # Imported here, as in _changelog: comparing builds is code the other commands never run.
    from .diff import diff, text_report

    report = diff(args.old, args.new, project=args.project, build_metadata=args.build_metadata)
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    elif args.format == "html":
        # Imported here: the templates cost a tenth of a second that the other formats skip.
        from .serve.pages import changes_document

        print(changes_document(report), end="")
    else:
        print(text_report(report))
    return EXIT_NO if report.differs else EXIT_OK


def _changelog(args: argparse.Namespace) -> int:
    from .changelog import data_section, write_changelog

    project = find_project(args.project)
    changes = build(project).changes
    if changes is None:
        raise ProjectError(
            "no release to compare with: the git history is missing (an exported tree or a "
            "shallow clone) or holds no release yet",
            file=project.root,
        )
    if args.write:
        today = datetime.now(UTC).date().isoformat()
        path = write_changelog(project.root, changes, today)
        print(f"Wrote the data part of [{changes.title}] to {path}.")
    else:
        print(data_section(changes))
    return EXIT_OK


def _query(args: argparse.Namespace) -> int:
    project = find_project(args.project)
    if args.list:
        queries = named_queries(project)
        width = max((len(named.name) for named in queries), default=0)
        for named in queries:
            print(f"{named.name:<{width}}  {named.description}")
        return EXIT_OK
    if args.file is not None:
        try:
            text = args.file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the query: {error}", file=args.file) from error
    else:
        text, _name = resolve(args.query, project)
    bindings = dict(_binding(item) for item in args.bind)
    # run_query rather than canada_korea.query(): the latter takes bindings as keyword
    # arguments, so a --bind named like one of its options (timeout, project) would collide.
    index = None if args.endpoint else published_index(project)
    fmt = _output_format(args.format, args.output)
    # The table the build kept for a named query, when this is one run as it was kept.
    output = None
    if index is not None and not bindings and fmt == "table":
        output = kept_table(index, text)
    answered_no = False
    try:
        # One limit for the whole query: parsing, evaluation and writing the answer.
        with time_limit(args.timeout):
            if output is None:
                result = run_query(
                    text,
                    index=index,
                    endpoint=args.endpoint,
                    bindings=bindings,
                    allow_service=args.allow_service,
                    timeout=args.timeout,
                )
                answered_no = result.type == "ASK" and not result.askAnswer
                output = serialize_result(result, fmt)
            if output and not output.endswith(b"\n"):
                output += b"\n"
    except QueryError as error:
        error.file = error.file or args.file
        raise
    if args.output is not None:
        _write_atomically(args.output, output)
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
    return EXIT_NO if answered_no else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    # Imported here: the web framework costs a third of a second that other commands skip.
    from .serve.app import Settings, create_app, get_once
    from .serve.web import listen, serve

    # The port first: a port in use is reported before the graph is loaded.
    listener = listen(args.host, args.port) if args.get is None else None
    settings = Settings(
        base=args.base,
        sparql_endpoint=args.sparql_endpoint,
        default_graph=args.default_graph,
        timeout=args.timeout,
        memory_limit=args.memory_limit,
    )
    try:
        # A front end on an endpoint reads no checkout: it runs from an installed package.
        project = None if args.sparql_endpoint else find_project(args.project)
        app = create_app(project, settings)
    except BaseException:
        if listener is not None:
            listener.close()
        raise
    if listener is not None:
        serve(app, listener)
        return EXIT_OK
    status, body = get_once(app, args.get)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    if status != 200:
        print(f"Error: GET {args.get} answered {status}", file=sys.stderr)
        return EXIT_NO
    return EXIT_OK


def _binding(item: str) -> tuple[str, str]:
    name, equals, value = item.partition("=")
    if not equals or not name:
        raise QueryError(f"--bind takes NAME=VALUE, not {item!r}")
    return name, value


def _write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: readers never see half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write the answer: {error.strerror}", file=path) from error


def _validate(args: argparse.Namespace) -> int:
    project = find_project(args.project)
    result = validate_triples(args.files, project=project, input_format=args.input_format)
    if args.format == "json":
        print(json.dumps(_json_report(result), indent=2, ensure_ascii=False))
    elif args.format == "turtle":
        print(result.report.serialize(format="turtle"), end="")
    else:
        # Literals may carry terminal escape codes: the text report shows them escaped.
        print(_printable(_text_report(result)))
    return EXIT_OK if result.conforms else EXIT_NO


def _json_report(result: ValidationResult) -> dict[str, object]:
    return {
        "conforms": result.conforms,
        "violations": len(result.violations),
        "warnings": len(result.warnings),
        "entries": [entry.as_dict() for entry in result.entries],
    }


def _text_report(result: ValidationResult) -> str:
    lines = []
    for severity in ("Violation", "Warning", "Info"):
        entries = [entry for entry in result.entries if entry.severity == severity]
        if not entries:
            continue
        lines.append(f"{severity}s ({len(entries)})")
        for entry in entries:
            where = f"{entry.file}:{entry.line}" if entry.line else entry.file or "(graph)"
            what = " ".join(part for part in (entry.focus, entry.path, entry.value) if part)
            lines.append(f"  {where}: {what}")
            lines.append(f"      {entry.message} [{entry.shape}]")
    counts = f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s)"
    verdict = "Conforms" if result.conforms else "Does not conform"
    lines.append(f"{verdict}: {counts}.")
    return "\n".join(lines)


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
    """Console-script entry point; a reader that stops early (``| head``) ends it quietly, and
    Ctrl-C with one line (a build interrupted publishes nothing: see ``pipeline.build``)."""
    sys.unraisablehook = _quiet_interrupt
    signal.signal(signal.SIGINT, partial(_interrupt, os.getpid()))
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    except KeyboardInterrupt:
        _INTERRUPTED.set()
        print("Interrupted.", file=sys.stderr)
        code = EXIT_INTERRUPTED
    sys.exit(code)


_INTERRUPTED = threading.Event()
"""Set once Ctrl-C has reached this process (the build's processes inherit it at fork)."""


def _interrupt(command: int, _signum: int, _frame: object) -> NoReturn:
    """Python's own Ctrl-C (a KeyboardInterrupt), remembered first (see
    :func:`_quiet_interrupt`), in the command's process (``command``, its pid).

    A process the command forked (the build's checks, writers and pruning) ends at once with
    the shell's code for Ctrl-C instead: the command, which Ctrl-C reaches too, stops them all
    and removes what they wrote. Raised in such a process, a KeyboardInterrupt could land
    before the process had a chance to catch it (multiprocessing's start-up), which then
    ended with code 1 and a traceback, and the build with an internal error."""
    if os.getpid() != command:
        os._exit(EXIT_INTERRUPTED)
    _INTERRUPTED.set()
    raise KeyboardInterrupt


def _quiet_interrupt(unraisable: sys.UnraisableHookArgs) -> None:
    """Say nothing of a Ctrl-C that lands in a finalizer (a ``__del__``, a weakref callback),
    nor of what finalizers raise once Ctrl-C has reached the process.

    Python cannot raise a Ctrl-C there, so it prints the start of a report instead, which ran
    into the one line "Interrupted." on a shared stderr. And a Ctrl-C that stopped an object
    half-made leaves it to fail when it is finalized: multiprocessing's ``Finalize`` stopped
    before it had its key raised AttributeError at exit. The build's processes inherit this
    hook at fork; each other process Ctrl-C reached still stops, and the build with it."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt) and not _INTERRUPTED.is_set():
        sys.__unraisablehook__(unraisable)
