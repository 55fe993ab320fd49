"""The web publication: Linked Data pages, a SPARQL 1.1 endpoint and the static site's pages.

``publication`` reads a built ``dist/`` once into memory, ``description`` turns one resource
into its RDF documents, ``pages`` renders HTML with the templates, ``negotiation`` reads the
``Accept`` headers, ``workers`` runs SPARQL in processes that can be stopped, ``service``
describes the endpoint and lists what ``id/`` and ``def/`` hold, ``protocol`` reads SPARQL
Protocol requests, ``web`` holds the HTTP hardening (headers, validators, connection limits),
and ``app`` the routes. Only ``app``, ``protocol`` and ``web`` import the web framework, so the
build (``canada_korea.site``) can render the same pages without it.
"""

SERVE_TIMEOUT = 10.0
"""Seconds a SPARQL query may run on the server (``canada-korea serve --timeout``): shorter
than ``query``'s 30 s, since a public endpoint shares its workers among visitors."""

SERVE_MEMORY_LIMIT = 1024
"""Megabytes of memory one SPARQL query may use on the server (``serve --memory-limit``): the
store of this graph takes about 60 MB, a costly but reasonable query a few hundred."""
