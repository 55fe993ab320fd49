"""Web-server configuration for the static site, so that a static host answers like the Linked
Data server: ``/id/korean-war`` is HTML for a browser and Turtle, JSON-LD or N-Triples for an
RDF client, the VoID download URLs (``/canada-korea.nt``) find the dumps, and every answer has
the server's security and caching headers.

The build writes three files (see :func:`write_server_config`):

    dist/site/.htaccess     Apache (mod_rewrite, mod_headers, mod_mime), in the site's folder
    dist/web/nginx.conf     nginx: directives for a ``server`` block whose root is dist/site/
    dist/web/w3id.htaccess  the w3id.org rules for ``https://w3id.org/canada-korea/``: each IRI
                            redirected (303) to the file of the format asked for on the host
                            named by ``CK_SITE`` on its first rule

A static server cannot weigh quality values, so the rules read ``Accept`` with patterns: an
``Accept`` that starts with HTML (every browser's) gets HTML; otherwise one that names Turtle,
JSON-LD or N-Triples gets it, in that order of preference; anything else gets HTML.
Language follows the first tag of ``Accept-Language``. Redirects are relative (nginx) so the
``Host`` a client sends never becomes part of an answer. Nothing here depends on the web
framework: the build writes these files without importing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
)
"""Headers on every answer, of the server and of the static site alike: scripts, styles and
fetches from this origin only (the pages have no inline script or style), no framing, no
sniffing of media types, and no query string (a SPARQL query) leaking to another site."""
STABLE = "public, max-age=300"
"""``Cache-Control`` of stable data: five minutes fresh, then revalidated by its ETag."""

MEDIA_TYPES = (
    ("text/html", "html"),
    ("text/css", "css"),
    ("application/javascript", "js"),
    ("application/json", "json"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/n-quads", "nq"),
    ("application/trig", "trig"),
    ("application/sparql-query", "rq"),
)
TEXT_TYPES = ("text/turtle", "application/n-triples", "application/n-quads", "application/trig")
HTML_FIRST = r"^\s*(text/html|application/xhtml\+xml)"
RDF_PATTERNS = (
    # (extension, Accept pattern), most preferred last: a later match wins in nginx.
    ("nt", r"(application/n-triples|text/plain)"),
    ("jsonld", r"application/(ld\+)?json"),
    ("ttl", r"(text/turtle|application/x-turtle)"),
)
LANGUAGE_PATTERNS = (("fr", r"^\s*fr"), ("ko", r"^\s*ko"))
ANY_RDF = "(" + "|".join(pattern for _ext, pattern in RDF_PATTERNS) + ")"
PAGE = "(id|def)/[^/.]+"
HTML_ONLY = f"{PAGE}|timeline|search"
"""Paths with a page in each language but no RDF document."""
PLACEHOLDER_SITE = "https://static-host.invalid/canada-korea/"
WEB = "web"


def write_server_config(dist: Path, site: Path) -> None:
    """Write the Apache, nginx and w3id.org configuration for the site at ``site``, whose
    ``dumps/`` already holds the published files."""
    dumps = sorted(path.name for path in (site / "dumps").iterdir())
    (site / ".htaccess").write_text(apache(dumps), "utf-8")
    web = dist / WEB
    if web.exists():
        shutil.rmtree(web)
    web.mkdir()
    (web / "nginx.conf").write_text(nginx(dumps), "utf-8")
    (web / "w3id.htaccess").write_text(w3id(dumps), "utf-8")


def nginx(dumps: list[str]) -> str:
    """Directives for an nginx ``server`` block whose ``root`` is ``dist/site``."""

    def headers(vary: str | None = None) -> str:
        lines = [f'    add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS]
        lines.append(f'    add_header Cache-Control "{STABLE}";')
        if vary:
            lines.append(f'    add_header Vary "{vary}";')
        return "\n".join(lines)

    types = "\n".join(f"    {media} {ext};" for media, ext in MEDIA_TYPES)
    formats = "\n".join(
        f'if ($http_accept ~* "{pattern}") {{ set $ck_format ".{ext}"; }}'
        for ext, pattern in RDF_PATTERNS
    )
    languages = "\n".join(
        f'if ($http_accept_language ~* "{pattern}") {{ set $ck_lang ".{code}"; }}'
        for code, pattern in LANGUAGE_PATTERNS
    )
    negotiated, by_language = headers("Accept, Accept-Language"), headers("Accept-Language")
    dump_locations = "\n".join(
        f"location = /{name} {{\n{headers()}\n    try_files /dumps/{name} =404;\n}}"
        for name in dumps
    )
    return f"""# canada-korea: dist/site/ served as the Linked Data server answers (content
# negotiation, the VoID download URLs, security and caching headers). Include it in a server
# block whose root is dist/site/:
#     server {{
#         listen 80;
#         root /srv/canada-korea/dist/site;
#         include /srv/canada-korea/dist/web/nginx.conf;
#     }}
# Written by `canada-korea build` (canada_korea/serve/hosting.py).

index index.html;
absolute_redirect off;
charset utf-8;
charset_types text/html text/css application/javascript {" ".join(TEXT_TYPES)};
types {{
{types}
}}
default_type application/octet-stream;

# The format and language asked for: patterns stand in for quality values, and an Accept that
# starts with HTML (a browser's) always gets HTML.
set $ck_format ".html";
{formats}
if ($http_accept ~* "{HTML_FIRST}") {{ set $ck_format ".html"; }}
set $ck_lang "";
{languages}
set $ck_variant $ck_format;
if ($ck_format = ".html") {{ set $ck_variant "${{ck_lang}}.html"; }}

location ~ "/\\." {{
    return 404;
}}
location ~ "^/{PAGE}$" {{
{negotiated}
    try_files $uri$ck_variant =404;
}}
location = / {{
{by_language}
    try_files /index${{ck_lang}}.html =404;
}}
location ~ "^/(timeline|search)$" {{
{by_language}
    try_files $uri${{ck_lang}}.html =404;
}}
location = /ontology/ {{
{by_language}
    try_files /ontology/index${{ck_lang}}.html =404;
}}
location = /ontology {{
{headers("Accept")}
    if ($ck_format = ".html") {{ return 303 ontology/; }}
    try_files /dumps/ontology.ttl =404;
}}
location = /dataset {{
{headers("Accept")}
    if ($ck_format = ".html") {{ return 303 index.html; }}
    try_files /dumps/void.ttl =404;
}}
location = /.well-known/void {{
{headers("Accept")}
    if ($ck_format = ".html") {{ return 303 ../index.html; }}
    try_files /dumps/void.ttl =404;
}}
{dump_locations}
location / {{
{headers()}
    try_files $uri =404;
}}
"""


def apache(dumps: list[str]) -> str:
    """``.htaccess`` for ``dist/site`` on Apache 2.4."""
    headers = "\n".join(f'  Header always set {name} "{value}"' for name, value in SECURITY_HEADERS)
    types = "\n".join(f"AddType {media} .{ext}" for media, ext in MEDIA_TYPES)
    rdf = "\n".join(
        f"RewriteCond %{{HTTP_ACCEPT}} !{HTML_FIRST} [NC]\n"
        f"RewriteCond %{{HTTP_ACCEPT}} {pattern} [NC]\n"
        f"RewriteRule ^({PAGE})$ $1.{ext} [L]"
        for ext, pattern in reversed(RDF_PATTERNS)
    )
    languages = "\n".join(
        f"RewriteCond %{{HTTP:Accept-Language}} {pattern} [NC]\n"
        f"RewriteRule ^({HTML_ONLY})$ $1.{code}.html [L]"
        for code, pattern in LANGUAGE_PATTERNS
    )
    dump_names = "|".join(name.replace(".", r"\.") for name in dumps)
    return f"""# canada-korea: dist/site/ served as the Linked Data server answers (content
# negotiation, the VoID download URLs, security and caching headers), on Apache 2.4 with
# mod_rewrite, mod_headers and mod_mime. Redirects are made absolute by Apache: set ServerName and
# UseCanonicalName On for the site, so that they never repeat the Host a client sent.
# Written by `canada-korea build` (canada_korea/serve/hosting.py).

Options -Indexes -MultiViews
DirectoryIndex index.html
# /ontology is negotiated below (the folder ontology/ is its documentation).
DirectorySlash Off
{types}
AddCharset utf-8 .html .css .js .ttl .nt .nq .trig .rq
<IfModule mod_headers.c>
{headers}
  Header set Cache-Control "{STABLE}"
  Header merge Vary "Accept, Accept-Language"
</IfModule>

RewriteEngine on
RewriteRule ^\\.well-known/void$ dumps/void.ttl [L]
RewriteRule (^|/)\\. - [R=404,L]
RewriteRule ^({dump_names})$ dumps/$1 [L]
RewriteCond %{{HTTP_ACCEPT}} {HTML_FIRST} [NC,OR]
RewriteCond %{{HTTP_ACCEPT}} !{ANY_RDF} [NC]
RewriteRule ^ontology$ %{{REQUEST_URI}}/ [R=303,L]
RewriteRule ^ontology$ dumps/ontology.ttl [L]
RewriteCond %{{HTTP_ACCEPT}} {HTML_FIRST} [NC,OR]
RewriteCond %{{HTTP_ACCEPT}} !{ANY_RDF} [NC]
RewriteCond %{{REQUEST_URI}} ^(.*)dataset$
RewriteRule ^dataset$ %1index.html [R=303,L]
RewriteRule ^dataset$ dumps/void.ttl [L]
{rdf}
{languages}
RewriteRule ^({HTML_ONLY})$ $1.html [L]
"""


def w3id(dumps: list[str]) -> str:
    """The w3id.org rules for ``https://w3id.org/canada-korea/``: every IRI redirected to the
    file of the format asked for on the host where ``dist/site`` is published."""
    rdf = "\n".join(
        f"RewriteCond %{{HTTP_ACCEPT}} !{HTML_FIRST} [NC]\n"
        f"RewriteCond %{{HTTP_ACCEPT}} {pattern} [NC]\n"
        f"RewriteRule ^({PAGE})$ %{{ENV:CK_SITE}}$1.{ext} [R=303,L]"
        for ext, pattern in reversed(RDF_PATTERNS)
    )
    languages = "\n".join(
        f"RewriteCond %{{HTTP:Accept-Language}} {pattern} [NC]\n"
        f"RewriteRule ^({HTML_ONLY})$ %{{ENV:CK_SITE}}$1.{code}.html [R=303,L]"
        for code, pattern in LANGUAGE_PATTERNS
    )
    dump_names = "|".join(name.replace(".", r"\.") for name in dumps)
    return f"""# w3id.org/canada-korea/: the permanent IRIs of the canada-korea knowledge graph,
# redirected (303 See Other) to the file of the format asked for where dist/site/ is
# published. Set that address once, in CK_SITE on the first rule (it ends with a slash).
# Written by `canada-korea build` (canada_korea/serve/hosting.py).

Options +FollowSymLinks
RewriteEngine on
RewriteRule ^ - [E=CK_SITE:{PLACEHOLDER_SITE}]
{rdf}
{languages}
RewriteRule ^({HTML_ONLY})$ %{{ENV:CK_SITE}}$1.html [R=303,L]
RewriteRule ^({dump_names})$ %{{ENV:CK_SITE}}dumps/$1 [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} {HTML_FIRST} [NC]
RewriteRule ^ontology$ %{{ENV:CK_SITE}}ontology/ [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} {HTML_FIRST} [NC]
RewriteRule ^dataset$ %{{ENV:CK_SITE}}index.html [R=303,L]
RewriteRule ^ontology$ %{{ENV:CK_SITE}}dumps/ontology.ttl [R=303,L]
RewriteRule ^dataset$ %{{ENV:CK_SITE}}dumps/void.ttl [R=303,L]
RewriteRule ^(.*)$ %{{ENV:CK_SITE}}$1 [R=303,L]
"""
