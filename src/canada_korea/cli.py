"""The ``canada-korea`` command: argument parsing and formatting only.

Each subcommand parses its options, calls one library function, prints the outcome and picks
the exit code: 0 success, 1 the answer is "no" (the graph has violations), 2 unusable input
(a syntax error, a missing file or folder). Errors are one ``Error: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import validate as validate_triples
from .errors import CanadaKoreaError, InputError, QueryError, ValidationFailed
from .load import CONTRIBUTION_FORMATS, find_project
from .namespaces import BASE
from .pipeline import BuildReport, build, published_graph
from .query import (
    DEFAULT_TIMEOUT,
    GRAPH_FORMATS,
    SELECT_FORMATS,
    named_queries,
    resolve,
    run_query,
    serialize_result,
)
from .serve import SERVE_TIMEOUT
from .validate import ValidationResult

REPORT_FORMATS = ("text", "json", "turtle")

EXIT_OK, EXIT_NO, EXIT_UNUSABLE = 0, 1, 2

EPILOG = """exit codes:
  0  success (validate: the triples conform, warnings may be listed; query: answered)
  1  the answer is no: the graph does not conform to the shapes (violations are listed),
     or an ASK query answered false
  2  unusable input: a syntax error (with file, line and column), a missing file or folder,
     an unknown format, a JSON-LD context that would need the network, a query that is
     malformed (line and column given), an update, SERVICE without --allow-service, or one
     that ran past --timeout
"""


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
    build_parser = _subcommand(
        commands,
        "build",
        help="validate the sources and publish the dumps to dist/",
        description="Load ontology/ and data/, validate them against shapes/, and publish "
        "Turtle, N-Triples, JSON-LD, the JSON-LD context, the ontology, the shapes and a "
        "VoID description to dist/. On a violation nothing is published.",
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
        default="table",
        help=f"output format: {', '.join(SELECT_FORMATS)} for SELECT/ASK (the W3C SPARQL "
        f"result formats); {', '.join(GRAPH_FORMATS)} for CONSTRUCT/DESCRIBE (default: table)",
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
        type=float,
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
        help="answer /sparql by running the queries on this SPARQL 1.1 endpoint where the dumps "
        "were loaded (default: none, the built-in Oxigraph workers answer)",
    )
    serve_parser.add_argument(
        "--timeout",
        type=float,
        default=SERVE_TIMEOUT,
        help=f"stop a SPARQL query after this many seconds (default: {SERVE_TIMEOUT:g})",
    )
    serve_parser.add_argument(
        "--get",
        metavar="PATH",
        help="answer one GET of PATH in-process, print the body and exit: 0 when the status is "
        "200, 1 otherwise (default: serve until interrupted)",
    )
    serve_parser.set_defaults(run=_serve)
    return parser


def _subcommand(
    commands: argparse._SubParsersAction, name: str, help: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand with the shared exit-code epilog, so every --help documents them."""
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _build(args: argparse.Namespace) -> int:
    report = build(find_project(args.project))
    _print_build(report)
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
    graph = None if args.endpoint else published_graph(project)
    try:
        result = run_query(
            text,
            graph,
            endpoint=args.endpoint,
            bindings=bindings,
            allow_service=args.allow_service,
            timeout=args.timeout,
        )
    except QueryError as error:
        error.file = error.file or args.file
        raise
    manager = graph.namespace_manager if graph is not None else None
    output = serialize_result(result, args.format, manager)
    if args.output is not None:
        _write_atomically(args.output, output)
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
    return EXIT_NO if result.type == "ASK" and not result.askAnswer else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    # Imported here: the web framework costs a third of a second that other commands skip.
    from .serve.app import Settings, create_app, get_once, run

    settings = Settings(base=args.base, sparql_endpoint=args.sparql_endpoint, timeout=args.timeout)
    app = create_app(find_project(args.project), settings)
    if args.get is None:
        run(app, args.host, args.port)
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
        print(_text_report(result))
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
    """Console-script entry point; a reader that stops early (``| head``) ends it quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
