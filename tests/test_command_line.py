"""The command line helps a person who mistypes: ``--version``, "did you mean" for subcommands
and named queries, the output format from ``--output``'s extension, text that ends in a
newline."""

from __future__ import annotations

import csv
import json
import os
import pty
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest

from canada_korea.cli import main
from canada_korea.load import Project
from canada_korea.pipeline import STEPS

SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"


def test_version_comes_from_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"canada-korea {metadata.version('canada-korea')}\n"


def test_mistyped_subcommand_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["biuld"])
    assert exit_.value.code == 2
    assert "did you mean 'build'?" in capsys.readouterr().err


def test_mistyped_named_query_gets_a_suggestion(
    built_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--project", str(built_project.root), "query", "casualties-by-fat"])
    assert code == 2
    assert capsys.readouterr().err == (
        "Error: unknown named query 'casualties-by-fat' (did you mean 'casualties-by-fate'?); "
        "`canada-korea query --list` shows them\n"
    )


@pytest.mark.parametrize(
    ("suffix", "read"),
    [
        (".csv", lambda text: next(csv.reader(text.splitlines()))),
        (".json", lambda text: json.loads(text)["head"]["vars"]),
        (
            ".xml",
            lambda text: [
                variable.get("name")
                for variable in ET.fromstring(text).iter(f"{{{SPARQL_RESULTS}}}variable")
            ],
        ),
    ],
)
def test_output_format_follows_the_file_extension_and_ends_in_a_newline(
    suffix: str, read: object, built_project: Project, tmp_path: Path
) -> None:
    target = tmp_path / f"answer{suffix}"
    argv = ["--project", str(built_project.root), "query", "casualties-by-fate", "-o"]
    assert main([*argv, str(target)]) == 0
    text = target.read_text("utf-8")
    assert text.endswith("\n")
    assert read(text) == ["fate", "value"]  # type: ignore[operator]


def _build_on_a_terminal(project: Project, *options: str) -> tuple[int, str, str]:
    """Run ``canada-korea build`` with its stderr on a pseudo-terminal (stdout on a pipe, as
    when a build's summary is piped): the exit code, stdout, and what the terminal showed."""
    primary, secondary = pty.openpty()
    command = [sys.executable, "-m", "canada_korea", "--project", str(project.root), "build"]
    process = subprocess.Popen(
        [*command, *options], stdout=subprocess.PIPE, stderr=secondary, text=True
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when the build ends
            break
        if not chunk:
            break
        shown += chunk
    out, _ = process.communicate(timeout=300)
    os.close(primary)
    return process.returncode, out, shown.decode("utf-8")


def test_build_shows_each_step_on_a_terminal_then_clears_the_line(scratch: Project) -> None:
    code, out, shown = _build_on_a_terminal(scratch)
    assert code == 0, shown
    steps = [shown.index(f"[{n}/{len(STEPS)}] {step}…") for n, step in enumerate(STEPS, 1)]
    assert steps == sorted(steps), "the steps are shown in order"
    assert shown.endswith("\r"), "the progress line is cleared at the end"
    assert "[" not in out, "the summary on stdout carries no progress"


def test_build_is_quiet_with_quiet_or_when_stderr_is_not_a_terminal(scratch: Project) -> None:
    code, _out, shown = _build_on_a_terminal(scratch, "--quiet")
    assert (code, shown) == (0, "")
    assert main(["--project", str(scratch.root), "build"]) == 0  # stderr is pytest's pipe here


class _Finalized:
    """An object whose finalizer raises what it is given, as a Ctrl-C landing in one does."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __del__(self) -> None:
        raise self.error


def test_ctrl_c_in_a_finalizer_leaves_the_one_line_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C Python cannot raise (it landed in a ``__del__``) prints nothing of its own; the
    one that stops the command prints its one line; any other error in a finalizer is still
    reported as Python reports it, until Ctrl-C has reached the process: what a finalizer
    raises then comes of an object the interrupt left half-made (multiprocessing's
    ``Finalize`` without its key, at exit), and the one line says all."""
    from canada_korea import cli

    def interrupted(_argv: object = None) -> int:
        _Finalized(KeyboardInterrupt())
        _Finalized(ValueError("a finalizer's own bug"))
        raise KeyboardInterrupt

    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(cli, "main", interrupted)
    monkeypatch.setattr(cli, "_INTERRUPTED", threading.Event())
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.run()
        assert signal.getsignal(signal.SIGINT).func is cli._interrupt  # type: ignore[union-attr]
        _Finalized(AttributeError("'Finalize' object has no attribute '_key'"))
    finally:
        signal.signal(signal.SIGINT, handler)
    err = capsys.readouterr().err
    assert stopped.value.code == 130
    assert err.startswith("Exception ignored in: <function _Finalized.__del__")
    assert "ValueError: a finalizer's own bug" in err
    assert "KeyboardInterrupt" not in err and "AttributeError" not in err
    assert err.endswith("\nInterrupted.\n")


def test_ctrl_c_is_remembered_by_the_process_it_reaches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's Ctrl-C handler raises Python's KeyboardInterrupt, as the default
    one does, having noted first that the process was interrupted; in a process the command
    forked, it ends that process at once with the shell's code for Ctrl-C."""
    from canada_korea import cli

    monkeypatch.setattr(cli, "_INTERRUPTED", threading.Event())
    with pytest.raises(KeyboardInterrupt):
        cli._interrupt(os.getpid(), signal.SIGINT, None)
    assert cli._INTERRUPTED.is_set()
    command = os.getpid()
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked process
        try:
            cli._interrupt(command, signal.SIGINT, None)
        finally:
            os._exit(1)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 130
