"""The static site on real web servers keeps content negotiation: Debian's nginx and Apache,
each started on a free port with its own configuration and temporary folders, serve
``dist/site/`` with the configuration the build wrote (``dist/web/nginx.conf``,
``dist/site/.htaccess``) and answer ``/id/korean-war`` as HTML, Turtle, JSON-LD and N-Triples,
and every download URL of the VoID description. Apache also runs the w3id.org rules
(``dist/web/w3id.htaccess``) and must redirect each permanent IRI to the right file.

``.ci/run`` installs both; where one is missing its tests are skipped with a reason.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, VOID

from canada_korea.namespaces import BASE, CKR
from canada_korea.pipeline import BuildReport
from canada_korea.serve.hosting import PLACEHOLDER_SITE

from .conftest import free_port, running_server


def _program(name: str) -> str | None:
    found = shutil.which(name) or f"/usr/sbin/{name}"
    return found if Path(found).exists() else None


NGINX = _program("nginx")
APACHE = _program("apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
SPDX = "http://spdx.org/rdf/terms#"
DOWNLOAD_URL = URIRef("http://www.w3.org/ns/dcat#downloadURL")


def _nginx(dist: Path, prefix: Path, port: int) -> list[object]:
    """nginx in the foreground, as the invoking user (no master process, so no change of user
    that could not read a private temporary folder)."""
    config = prefix / "nginx.conf"
    config.write_text(
        f"""daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {dist}/site;
        include {dist}/web/nginx.conf;
    }}
}}
""",
        "utf-8",
    )
    return [NGINX, "-p", prefix, "-c", config, "-e", prefix / "error.log"]


def _apache(dist: Path, prefix: Path, port: int) -> list[object]:
    """Apache in the foreground with the site's .htaccess, and the w3id.org rules at
    /canada-korea/. Apache refuses to serve as root, so as root it runs as www-data."""
    modules = "\n".join(
        f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so"
        for name in ("mpm_event", "authz_core", "rewrite", "headers", "mime", "dir", "alias")
    )
    user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
    config = prefix / "httpd.conf"
    config.write_text(
        f"""ServerRoot {prefix}
DefaultRuntimeDir {prefix}
PidFile {prefix}/httpd.pid
ErrorLog {prefix}/error.log
{modules}
{user}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1:{port}
UseCanonicalName On
TypesConfig /etc/mime.types
AccessFileName .htaccess w3id.htaccess
DocumentRoot {dist}/site
Alias /canada-korea/ {dist}/web/
<Directory {dist}>
    AllowOverride All
    Require all granted
</Directory>
""",
        "utf-8",
    )
    return [APACHE, "-f", config, "-DFOREGROUND"]


SERVERS = {"nginx": (NGINX, _nginx), "apache": (APACHE, _apache)}


@dataclass(frozen=True)
class StaticHost:
    """A web server serving the site: which one, and its address."""

    server: str
    url: str


@pytest.fixture(scope="module", params=sorted(SERVERS))
def static_host(built: BuildReport, request: pytest.FixtureRequest) -> Iterator[StaticHost]:
    """The build's site on a real web server: a world-readable copy of ``dist/``, since the
    server may run as another user."""
    program, configure = SERVERS[request.param]
    if program is None:
        pytest.skip(f"{request.param} is not installed (.ci/run installs it)")
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder)
        dist = prefix / "dist"
        shutil.copytree(built.dist.resolve(), dist)
        for path in [prefix, *prefix.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with running_server(configure(dist, prefix, port), url + "/"):
            yield StaticHost(request.param, url)


def _get(url: str, accept: str, language: str = "en") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept, "Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/plain, */*;q=0.1", "application/n-triples", "nt"),
        ("text/turtle, application/x-turtle, */*;q=0.1", "text/turtle", "turtle"),
    ],
)
def test_a_resource_is_rdf_for_rdf_clients(
    accept: str, media_type: str, rdflib_format: str, static_host: StaticHost
) -> None:
    status, headers, body = _get(static_host.url + "/id/korean-war", accept)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in headers["Vary"]
    graph = Graph().parse(data=body, format=rdflib_format)
    assert (CKR["korean-war"], RDFS.label, Literal("Korean War", lang="en")) in graph


@pytest.mark.parametrize(
    ("language", "title"), [("en-CA,en;q=0.9", "Korean War"), ("fr", "guerre de Corée")]
)
def test_a_resource_is_a_page_for_browsers(
    language: str, title: str, static_host: StaticHost
) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, headers, body = _get(static_host.url + "/id/korean-war", browser, language)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert BeautifulSoup(body, "html.parser").h1.get_text(strip=True) == title
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["ETag"]


def test_every_download_url_of_void_is_served_with_its_checksum(
    static_host: StaticHost, built: BuildReport
) -> None:
    void = Graph().parse(built.dist / "void.ttl", format="turtle")
    downloads = list(void.subject_objects(DOWNLOAD_URL))
    described = {str(url).removeprefix(BASE) for _distribution, url in downloads}
    assert described == {published.name for published in built.files} - {"void.ttl"}
    dumps = set(void.objects(URIRef(BASE + "dataset"), VOID.dataDump))
    assert dumps <= {url for _distribution, url in downloads}
    for distribution, url in downloads:
        local = str(url).replace(BASE, static_host.url + "/", 1)
        status, _headers, body = _get(local, "*/*")
        assert status == 200, local
        checksum = void.value(distribution, URIRef(SPDX + "checksum"))
        assert hashlib.sha256(body).hexdigest() == str(
            void.value(checksum, URIRef(SPDX + "checksumValue"))
        )


def test_the_dataset_and_ontology_iris_answer_rdf_and_redirect_browsers(
    static_host: StaticHost,
) -> None:
    status, headers, body = _get(static_host.url + "/dataset", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert (URIRef(BASE + "dataset"), VOID.sparqlEndpoint, None) in Graph().parse(
        data=body, format="turtle"
    )
    request = urllib.request.Request(static_host.url + "/ontology", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.url == static_host.url + "/ontology/"
        assert BeautifulSoup(response.read(), "html.parser").select_one("section#classes")
    status, _headers, _body = _get(static_host.url + "/.htaccess", "*/*")
    assert status == 404


@pytest.mark.parametrize("static_host", ["apache"], indirect=True)
@pytest.mark.parametrize(
    ("path", "accept", "language", "target"),
    [
        ("id/korean-war", "text/turtle", "en", "id/korean-war.ttl"),
        ("id/korean-war", "application/ld+json", "en", "id/korean-war.jsonld"),
        ("id/korean-war", "text/plain, */*;q=0.1", "en", "id/korean-war.nt"),
        ("def/Statistic", "text/html", "fr-CA", "def/Statistic.fr.html"),
        ("id/korean-war", "text/html,application/xhtml+xml", "en", "id/korean-war.html"),
        ("canada-korea.nt", "*/*", "en", "dumps/canada-korea.nt"),
        ("ontology", "text/turtle", "en", "dumps/ontology.ttl"),
        ("ontology", "text/html", "en", "ontology/"),
        ("dataset", "text/turtle", "en", "dumps/void.ttl"),
        ("timeline", "text/html", "ko", "timeline.ko.html"),
        ("static/style.css", "text/css", "en", "static/style.css"),
    ],
)
def test_w3id_rules_redirect_each_iri_to_its_file(
    path: str, accept: str, language: str, target: str, static_host: StaticHost
) -> None:
    host, port = static_host.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            "GET", f"/canada-korea/{path}", headers={"Accept": accept, "Accept-Language": language}
        )
        response = connection.getresponse()
        assert response.status == 303
        assert response.getheader("Location") == PLACEHOLDER_SITE + target
    finally:
        connection.close()
