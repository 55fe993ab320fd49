"""The SPARQL 1.1 Protocol's query operation as a read-only service reads it (W3C
Recommendation, §2.1): where the query and the dataset come from, and what is refused.

- ``GET /sparql?query=…``, ``POST`` of a form (``query=…``) and ``POST`` of
  ``application/sparql-query`` are the three ways to send a query; a query given twice (twice in
  one place, or in the URL and in the body) is a 400.
- ``default-graph-uri`` and ``named-graph-uri`` (repeatable; in the URL, and for a form also in
  its body) choose the dataset; each must be an absolute IRI.
- An update (``update=…``, ``application/sparql-update``) is a 403: the request is understood and
  this endpoint is read-only. Any other body is a 415, as is a body in another encoding than
  UTF-8; a body over the size limit is a 413, and one that takes longer than the time limit to
  arrive a 408.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import Request
from starlette.datastructures import MultiDict
from starlette.exceptions import HTTPException

READ_ONLY = "this endpoint is read-only: updates are refused"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")


@dataclass(frozen=True)
class ProtocolRequest:
    """What a request asks: the query (None: none was given) and the dataset it names (None
    for a kind of graph it does not name)."""

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None

    @property
    def names_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


async def read_request(request: Request, max_body: int, timeout: float) -> ProtocolRequest:
    """The query and dataset of a GET or POST to the endpoint, or an :class:`HTTPException`
    with the reason it is refused."""
    url = request.query_params
    if "update" in url:
        raise HTTPException(403, READ_ONLY)
    if request.method != "POST":
        return _protocol_request(url, url.getlist("query"))
    media_type, charset = _content_type(request.headers.get("content-type", ""))
    if media_type == "application/sparql-update":
        raise HTTPException(403, READ_ONLY)
    if media_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise HTTPException(
            415,
            "POST a query as application/x-www-form-urlencoded (query=…) "
            "or as application/sparql-query",
        )
    if charset not in (None, "utf-8", "utf8"):
        raise HTTPException(415, f"the body must be UTF-8, not {charset}")
    text = await _body(request, max_body, timeout)
    if media_type == "application/sparql-query":
        if "query" in url:
            raise HTTPException(400, "the query is given twice: in the URL and in the body")
        return _protocol_request(url, [text])
    form = MultiDict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if "update" in form:
        raise HTTPException(403, READ_ONLY)
    if "query" in url and "query" in form:
        raise HTTPException(400, "the query is given twice: in the URL and in the body")
    merged = MultiDict([*url.multi_items(), *form.multi_items()])
    return _protocol_request(merged, merged.getlist("query"))


def _protocol_request(parameters: MultiDict, queries: list[str]) -> ProtocolRequest:
    if len(queries) > 1:
        raise HTTPException(400, "give one query parameter, not several")
    default_graphs, named_graphs = (_graphs(parameters, name) for name in DATASET_PARAMETERS)
    return ProtocolRequest(queries[0] if queries else None, default_graphs, named_graphs)


def _graphs(parameters: MultiDict, name: str) -> tuple[str, ...] | None:
    """The IRIs of one dataset parameter, each checked to be an absolute IRI."""
    iris = tuple(parameters.getlist(name))
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise HTTPException(400, f"{name} must be an absolute IRI, not '{iri}'") from error
    return iris or None


def _content_type(header: str) -> tuple[str, str | None]:
    """The media type of a ``Content-Type`` header and its charset (None when not given)."""
    media_type, *parameters = (part.strip() for part in header.split(";"))
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


async def _body(request: Request, max_body: int, timeout: float) -> str:
    """The request body as text, refused when over ``max_body`` bytes, not UTF-8, or slower to
    arrive than ``timeout`` seconds (a client that trickles a body holds no thread, but it must
    not hold a connection forever either)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_body:
        raise HTTPException(413, f"the request body is over {max_body} bytes")
    body = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                body.extend(chunk)
                if len(body) > max_body:
                    raise HTTPException(413, f"the request body is over {max_body} bytes")
    except TimeoutError as error:
        raise HTTPException(408, f"the request body took longer than {timeout:g} s") from error
    try:
        return bytes(body).decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(415, "the body must be UTF-8") from error
