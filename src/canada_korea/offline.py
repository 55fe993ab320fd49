"""Processes that cannot reach the network, and query text that every SPARQL parser reads alike.

A query is checked by rdflib but may be executed by another engine (Oxigraph in the server's
workers, any store behind ``--endpoint``). Two parsers never agree on every corner of the
grammar: rdflib ends a ``#`` comment only at a line feed, Oxigraph (as the SPARQL grammar says)
at a carriage return too, so ``# x<CR>SERVICE <…>`` hides a SERVICE call from the check. Two
defences, at two depths:

- :func:`forbid_network` is the refusal where the query is executed: it installs a seccomp
  filter in the process that evaluates queries, so the kernel refuses it every IPv4 and IPv6
  socket (and io_uring, which could open one behind the filter's back). Whatever an engine
  parses, ``SERVICE`` and friends fail there without a byte leaving the machine.
- :func:`canonical_text` removes what parsers disagree on before the query is checked, and the
  very text that was checked is the text executed or sent to an endpoint: codepoint escapes are
  expanded (SPARQL 1.1 §19.2, as rdflib and Oxigraph both do first) and every comment, ended at
  CR or LF as the grammar says, is blanked with spaces, so line and column still point at the
  user's own text.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import re
import socket

from .errors import CanadaKoreaError


class NetworkSandboxUnavailable(CanadaKoreaError):
    """This machine's kernel or processor gives no way to shut a process off the network."""


# SPARQL 1.1 §19.8 (terminals): strings and IRIs are lexed before comments, so a '#' inside one
# is kept; a comment runs to the end of the line, where EOL is CR or LF.
_LEXEMES = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>
      | (?P<comment>\#[^\r\n]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def canonical_text(text: str) -> str:
    """``text`` with codepoint escapes expanded and comments blanked: the form both rdflib and
    any standard engine read the same way. An escape that names no character is left for the
    parser to report."""

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        return chr(code)

    expanded = _ESCAPE.sub(expand, text)

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0)) if match.group("comment") else match.group(0)

    return _LEXEMES.sub(blank, expanded)


# --- seccomp ---------------------------------------------------------------------------------

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_X32_SYSCALL_BIT = 0x40000000

_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K

# Per processor: the audit architecture, and the numbers of socket, io_uring_setup and seccomp.
_ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425, 317),
    "aarch64": (0xC00000B7, 198, 425, 277),
}


class _SockFilter(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    )


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter)))


def _program(arch: int, socket_nr: int, io_uring_nr: int) -> list[tuple[int, int, int, int]]:
    """The BPF filter: foreign system-call conventions, io_uring and internet sockets get
    EACCES; every other call (AF_UNIX sockets and pipes included) is allowed."""
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    # seccomp_data: nr at offset 0, arch at 4, args[0] (low 32 bits, little-endian) at 16.
    return [
        (_LD_W_ABS, 0, 0, 4),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, 0),
        (_JSET_K, 6, 0, _X32_SYSCALL_BIT),
        (_JEQ_K, 5, 0, io_uring_nr),
        (_JEQ_K, 0, 3, socket_nr),
        (_LD_W_ABS, 0, 0, 16),
        (_JEQ_K, 2, 0, socket.AF_INET),
        (_JEQ_K, 1, 0, socket.AF_INET6),
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]


def require_sandbox() -> tuple[int, int, int, int]:
    """This processor's audit architecture and system-call numbers, or
    :class:`NetworkSandboxUnavailable` where :func:`forbid_network` cannot work: a server checks
    this once before it starts any query worker."""
    machine = platform.machine().lower()
    if platform.system() != "Linux" or machine not in _ARCHITECTURES:
        raise NetworkSandboxUnavailable(
            f"cannot shut query processes off the network on {platform.system()} {machine}"
            " (a seccomp filter needs Linux on x86_64 or aarch64)"
        )
    return _ARCHITECTURES[machine]


def forbid_network() -> None:
    """Shut this process and every thread and child it will have off IPv4 and IPv6 for good.

    Unprivileged (it sets ``no_new_privs`` first) and irreversible: call it in a process made to
    evaluate queries, never in the server itself. Raises :class:`NetworkSandboxUnavailable` on a
    kernel or processor where the filter cannot be installed.
    """
    arch, socket_nr, io_uring_nr, seccomp_nr = require_sandbox()
    instructions = _program(arch, socket_nr, io_uring_nr)
    filters = (_SockFilter * len(instructions))(*(_SockFilter(*i) for i in instructions))
    program = _SockFprog(len(instructions), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise NetworkSandboxUnavailable(
            f"cannot set no_new_privs: {errno.errorcode.get(ctypes.get_errno(), '?')}"
        )
    result = libc.syscall(
        ctypes.c_long(seccomp_nr),
        ctypes.c_ulong(_SECCOMP_SET_MODE_FILTER),
        ctypes.c_ulong(_SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(program),
    )
    if result != 0:
        raise NetworkSandboxUnavailable(
            f"the kernel refused the seccomp filter: {errno.errorcode.get(ctypes.get_errno(), '?')}"
        )


def network_forbidden() -> bool:
    """Whether this process can no longer open an internet socket: how a test sees the
    filter at work."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except PermissionError:
        return True
    probe.close()
    return False
