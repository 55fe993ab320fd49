"""HTTP hardening that does not depend on what is served: security headers, validators for
caches, and a listening socket and uvicorn settings that idle or slow clients cannot exhaust.

- Every response carries :data:`~.hosting.SECURITY_HEADERS` (what a browser may do with it),
  as the static site's web-server configuration does.
- Stable data (pages, RDF documents, dumps: they change only with a new build, which means a
  new server) carries a strong ``ETag`` from its content and ``Cache-Control``; a request whose
  ``If-None-Match`` names it gets ``304 Not Modified`` without the body.
- Connections are capped, a client gets :data:`HEADER_TIMEOUT` seconds to send a request's
  headers (uvicorn itself waits forever for the first request of a connection) and
  ``KEEP_ALIVE`` seconds between requests, and headers may not exceed
  :data:`MAX_HEADER_BYTES`: a crowd of idle or slow clients costs file descriptors only briefly.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import resource
import socket
from dataclasses import dataclass

import h11
import uvicorn
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import InputError
from .hosting import SECURITY_HEADERS

NO_STORE = "no-store"

HEADER_TIMEOUT = 10.0
KEEP_ALIVE = 5
MAX_HEADER_BYTES = 16 * 1024
MAX_CONNECTIONS = 1024
_SPARE_DESCRIPTORS = 256
"""File descriptors kept for the server's own files, pipes and workers, beyond connections."""


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every response (a pure ASGI
    middleware: it adds microseconds, where Starlette's ``BaseHTTPMiddleware`` adds a task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True)
class Representation:
    """Bytes to send and their strong entity tag (the content's SHA-256)."""

    body: bytes
    etag: str


def representation(body: bytes) -> Representation:
    """``body`` with its entity tag, computed once for as long as the caller keeps it."""
    return Representation(body, '"' + hashlib.sha256(body).hexdigest()[:40] + '"')


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or is ``*``): RFC 9110 §13.1.2, where the
    comparison is weak, so ``W/"x"`` names ``"x"``."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


class _GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a cap on open connections and a deadline for each
    request's headers; everything else is uvicorn's."""

    max_connections = MAX_CONNECTIONS
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.close()
            return
        self._expect_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._header_deadline is not None and self.conn.their_state is not h11.IDLE:
            self._header_deadline.cancel()
            self._header_deadline = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._expect_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)

    def _expect_headers(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT, self._headers_late)

    def _headers_late(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``, or :class:`InputError` saying why not (a port out
    of range, an address in use or not of this machine)."""
    if not 1 <= port <= 65535:
        raise InputError(f"the port must be between 1 and 65535, not {port}")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as error:
        # The system's own words: create_server appends the address, said here already.
        known = error.errno and not isinstance(error, socket.gaierror)
        reason = os.strerror(error.errno) if known else (error.strerror or str(error))
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from error


def serve(app: ASGIApp, listener: socket.socket) -> None:
    """Serve ``app`` on ``listener`` until interrupted, with connections capped to what the
    process's file-descriptor limit (raised toward its hard limit first) leaves room for."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_CONNECTIONS + _SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    room = MAX_CONNECTIONS if soft == resource.RLIM_INFINITY else soft - _SPARE_DESCRIPTORS
    _GuardedH11Protocol.max_connections = max(16, min(MAX_CONNECTIONS, room))
    config = uvicorn.Config(
        app,
        http=_GuardedH11Protocol,
        ws="none",
        log_level="info",
        timeout_keep_alive=KEEP_ALIVE,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[listener])
