"""The static site in dist/site: every page and document there, every link resolving to a file,
the same pages the server shows, the ontology documented term by term, and byte-identical
output whatever the hash seed."""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from canada_korea.load import Project
from canada_korea.namespaces import CK, CKR
from canada_korea.pipeline import BuildReport, build
from canada_korea.query import named_queries
from canada_korea.serve.app import Settings, create_app
from canada_korea.serve.description import describe
from canada_korea.serve.pages import Page, Row, Source, Value, page_path
from canada_korea.serve.publication import LANGUAGES, Publication
from canada_korea.site import FINGERPRINTS

from .conftest import CASES, copy_project, small_project

OWL = "http://www.w3.org/2002/07/owl#"


@pytest.fixture(scope="module")
def site(built: BuildReport) -> Path:
    return built.dist / "site"


@pytest.fixture(scope="module")
def publication(built: BuildReport, built_project: Project) -> Publication:
    return Publication(built.dist, named_queries(built_project))


class _Anchors(HTMLParser):
    """The link targets (href, src, action, data-index) and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "data-index") and value:
                self.targets.append(value)
            elif name == "id" and value:
                self.ids.add(value)


def _anchors(path: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text("utf-8"))
    return parser


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_every_internal_link_resolves_to_a_file(site: Path) -> None:
    files = {str(path.relative_to(site)) for path in site.rglob("*") if path.is_file()}
    pages = {name: _anchors(site / name) for name in sorted(files) if name.endswith(".html")}
    assert len(pages) > 1000
    broken = []
    for page, anchors in pages.items():
        for target in anchors.targets:
            parts = urllib.parse.urlsplit(target)
            if parts.scheme or parts.netloc:
                continue
            resolved = page
            if parts.path:
                joined = posixpath.join(posixpath.dirname(page), urllib.parse.unquote(parts.path))
                resolved = posixpath.normpath(joined)
            if resolved not in files:
                broken.append(f"{page}: {target}")
            elif parts.fragment and parts.fragment not in pages[resolved].ids:
                broken.append(f"{page}: {target} (no such id)")
    assert not broken, broken[:10]


def test_every_resource_and_term_has_its_pages_and_documents(
    site: Path, publication: Publication
) -> None:
    missing = []
    for iri in [*publication.resources, *publication.terms]:
        path = page_path(publication, iri)
        names = [f"{path}.html", *(f"{path}.{lang}.html" for lang in LANGUAGES[1:])]
        names += [f"{path}.ttl", f"{path}.jsonld", f"{path}.nt"]
        missing += [name for name in names if not (site / name).is_file()]
    assert not missing
    assert len(publication.resources) > 400
    assert len(publication.terms) > 90


def test_documents_hold_the_description_in_every_format(
    site: Path, publication: Publication
) -> None:
    for iri in [*publication.resources, *publication.terms]:
        path = site / str(page_path(publication, iri))
        expected = set(describe(publication, iri).triples)  # type: ignore[union-attr]
        nt = path.with_suffix(".nt").read_bytes()
        assert nt.splitlines() == sorted(nt.splitlines())
        for suffix, fmt in (
            (".nt", ox.RdfFormat.N_TRIPLES),
            (".ttl", ox.RdfFormat.TURTLE),
            (".jsonld", ox.RdfFormat.JSON_LD),
        ):
            parsed = {
                quad.triple for quad in ox.parse(path=str(path.with_suffix(suffix)), format=fmt)
            }
            assert parsed == expected, f"{path.with_suffix(suffix)}"


@pytest.mark.parametrize("name", ["korean-war", "stat-two-way-trade-2022", "gc-canada-dprk"])
def test_rdflib_reads_the_jsonld_and_turtle_alike(name: str, site: Path) -> None:
    turtle = Graph().parse(site / "id" / f"{name}.ttl", format="turtle")
    jsonld = Graph().parse(site / "id" / f"{name}.jsonld", format="json-ld")
    assert len(turtle) > 5
    assert isomorphic(turtle, jsonld)


def test_static_pages_show_what_the_server_shows(site: Path, built_project: Project) -> None:
    """The same renderer and link scheme: only the server's SPARQL link differs."""
    settings = Settings(workers=1)
    with TestClient(create_app(built_project, settings)) as client:
        for path in (
            "id/korean-war.html",
            "id/csp.fr.html",
            "def/Statistic.ko.html",
            "timeline.html",
            "ontology/index.html",
        ):
            served = BeautifulSoup(client.get("/" + path).text, "html.parser")
            static = _soup(site / path)
            assert served.select_one("main") == static.select_one("main"), path
            assert served.select_one("nav.languages") == static.select_one("nav.languages")


def test_static_landing_links_queries_to_their_text(site: Path, built_project: Project) -> None:
    page = _soup(site / "index.html")
    hrefs = [a["href"] for a in page.select("dl.queries a")]
    queries = named_queries(built_project)
    assert hrefs == [f"queries/{named.name}.rq" for named in queries]
    for named in queries:
        assert (site / "queries" / f"{named.name}.rq").read_text("utf-8") == named.text
    assert not [a for a in page.select("a") if a["href"].startswith("sparql")]


def test_dumps_are_copied_into_the_site(site: Path, built: BuildReport) -> None:
    for published in built.files:
        assert (site / "dumps" / published.name).read_bytes() == published.path.read_bytes()


def test_static_search_page_loads_the_index(site: Path) -> None:
    results = _soup(site / "search.fr.html").select_one("ol#results")
    assert results["data-index"] == "search-index.json"
    assert results["data-lang"] == "fr"
    index = (site / "search-index.json").read_text("utf-8")
    assert '"guerre de coree"' in index


def test_ontology_documentation_covers_every_term(site: Path, publication: Publication) -> None:
    page = _soup(site / "ontology" / "index.html")
    kinds = {
        "classes": OWL + "Class",
        "object_properties": OWL + "ObjectProperty",
        "datatype_properties": OWL + "DatatypeProperty",
    }
    for section, kind in kinds.items():
        terms = publication.terms_of_kind(kind)
        assert terms
        for iri in terms:
            entry = page.select_one(f"section#{section} section#{iri.rsplit('/', 1)[-1]}")
            assert entry is not None, iri
            languages = {dd["lang"] for dd in entry.select("dd[lang]")}
            assert {"en", "fr"} <= languages, iri

    def facts(name: str) -> dict[str, str]:
        entry = page.select_one(f"section#{name}")
        return {
            dt.get_text(" ", strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
            for dt in entry.select("dl > dt")
        }

    statistic = facts("Statistic")
    assert statistic["Resources"] == str(publication.count_instances(str(CK.Statistic)))
    assert "cksh:FactShape" in statistic["Constrained by the shapes"]
    measure = facts("measure")
    assert measure["Domain"] == "statistic"
    assert measure["Range"] == "measure"
    stated_in = facts("statedIn")
    assert "cksh:FactShape-statedIn" in stated_in["Constrained by the shapes"]
    assert int(stated_in["Triples using it"].replace(",", "")) > 300


def test_site_is_the_same_bytes_whatever_the_hash_seed(
    site: Path, built: BuildReport, built_project: Project, tmp_path: Path
) -> None:
    """Re-written from the same dumps in a fresh process with another hash seed."""
    dist = tmp_path / "dist"
    dist.mkdir()
    for published in built.files:
        shutil.copyfile(published.path, dist / published.name)
    script = (
        "import sys; from pathlib import Path; from canada_korea.site import write_site; "
        "from canada_korea.load import Project; "
        "write_site(Path(sys.argv[1]), Project(Path(sys.argv[2])))"
    )
    seed = "7" if os.environ.get("PYTHONHASHSEED") != "7" else "8"
    subprocess.run(
        [sys.executable, "-c", script, str(dist), str(built_project.root)],
        check=True,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert dict(_files(dist / "site")) == dict(_files(site))


def _files(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield str(path.relative_to(folder)), path.read_bytes()


def _inode(path: Path) -> int:
    return path.stat().st_ino


def test_a_build_renders_again_only_what_a_change_touched(tmp_path: Path) -> None:
    """Renaming a place re-renders its page and the pages that link to it; a page the change
    does not touch is the previous build's file (a hard link); and the site is byte for byte
    what a build from scratch of the changed sources writes."""
    project = small_project(tmp_path / "project", CASES / "diff" / "old.trig")
    first = build(project, source_date_epoch="0").dist.resolve() / "site"
    data = project.data_dir / "old.trig"
    data.write_text(data.read_text("utf-8").replace('"Test city"@en', '"Renamed city"@en'))
    second = build(project, source_date_epoch="0").dist.resolve() / "site"
    scratch = copy_project(tmp_path / "scratch")
    for path in scratch.data_dir.glob("*.trig"):
        path.unlink()
    shutil.copyfile(data, scratch.data_dir / data.name)
    fresh = build(scratch, source_date_epoch="0").dist / "site"
    assert dict(_files(second)) == dict(_files(fresh))
    for changed in ("id/test-city.html", "id/test-summit.html", "id/test-city.ttl"):
        assert _inode(second / changed) != _inode(first / changed), changed
    assert "Renamed city" in (second / "id" / "test-summit.fr.html").read_text("utf-8")
    for kept in ("id/test-retired-event.html", "id/test-retired-event.ko.html"):
        assert _inode(second / kept) == _inode(first / kept), kept
        assert (second / kept).read_bytes() == (first / kept).read_bytes()


def test_a_build_without_readable_fingerprints_renders_every_page(tmp_path: Path) -> None:
    """A damaged record of the build before is no reason to fail nor to trust it: every page
    is rendered again, to the same bytes."""
    project = small_project(tmp_path / "project", CASES / "diff" / "old.trig")
    first = build(project, source_date_epoch="0").dist.resolve()
    (first / FINGERPRINTS).write_text("{not json", "utf-8")
    second = build(project, source_date_epoch="0").dist.resolve()
    pages = [path.relative_to(second / "site") for path in (second / "site" / "id").iterdir()]
    assert pages
    assert all(_inode(second / "site" / p) != _inode(first / "site" / p) for p in pages)
    assert dict(_files(second / "site")) == dict(_files(first / "site"))


_TEXT = st.one_of(st.none(), st.sampled_from(["", "a", "A", "b", "1", "<b>", "la Corée"]))
_FIELDS = {
    # Each field of a Value and the values a test draws for it.
    "text": st.sampled_from(["", "a", "b", "12", "<i>", "한국"]),
    "href": _TEXT,
    "lang": st.sampled_from([None, "en", "fr", "ko"]),
    "title": _TEXT,
    "datetime": st.sampled_from([None, "2024", "2024-01-02"]),
    "data": st.booleans(),
}
_LEAF = st.builds(Value, **_FIELDS)
_VALUES = st.recursive(
    _LEAF,
    lambda inner: st.builds(
        Value,
        text=st.sampled_from(["a", "b"]),
        sources=st.lists(st.builds(Source, inner, inner), max_size=2).map(tuple),
        inferences=st.lists(inner, max_size=2).map(tuple),
        data=st.booleans(),
    ),
    max_leaves=6,
)


def _changed(value: Value, data: st.DataObject) -> Value:
    """``value`` with one field changed, here or in one of the values it holds."""
    inner = [
        ("sources", i, part) for i in range(len(value.sources)) for part in ("document", "section")
    ]
    inner += [("inferences", i, None) for i in range(len(value.inferences))]
    where = data.draw(st.sampled_from([*_FIELDS, *inner]))
    if isinstance(where, str):
        new = data.draw(_FIELDS[where].filter(lambda x: x != getattr(value, where)))
        return replace(value, **{where: new})
    name, index, part = where
    held = list(getattr(value, name))
    if part is None:
        held[index] = _changed(held[index], data)
    else:
        held[index] = replace(held[index], **{part: _changed(getattr(held[index], part), data)})
    return replace(value, **{name: tuple(held)})


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_VALUES, min_size=1, max_size=3), data=st.data())
def test_what_a_page_shows_changes_with_any_field_of_any_value(
    values: list[Value], data: st.DataObject
) -> None:
    """A page whose values differ in any field of any value, source or row shows another
    JSON, and equal values the same: a field left out of it would let the next build reuse
    a page whose value changed (a resource's fingerprint is a digest of it)."""

    def page(values: list[Value]) -> Page:
        return Page("resource.html", {"title": "t", "rows": [Row(values[0], values)]})

    index = data.draw(st.integers(0, len(values) - 1))
    changed = [*values[:index], _changed(values[index], data), *values[index + 1 :]]
    assert page(changed).shown() != page(values).shown()
    assert page(list(values)).shown() == page(values).shown()


def test_pages_link_resources_by_their_iri(site: Path) -> None:
    page = _soup(site / "id" / "csp.html")
    assert page.select_one("article")["resource"] == str(CKR.csp)


@pytest.mark.parametrize(("folder", "members"), [("id", "resources"), ("def", "terms")])
def test_static_site_lists_its_resources_and_terms(
    folder: str, members: str, site: Path, built_project: Project
) -> None:
    """id/index.html and def/index.html, in three languages and as RDF, as the server's /id/."""
    from canada_korea.serve.publication import Publication

    publication = Publication(built_project.dist_dir, [])
    slugs = [iri.rsplit("/", 1)[1] for iri in getattr(publication, members)]
    for suffix in ("", ".fr", ".ko"):
        expected = {f"../{folder}/{slug}{suffix}.html" for slug in slugs}
        page = site / folder / f"index{suffix}.html"
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        linked = {a["href"] for a in soup.select("main a") if a["href"] in expected}
        assert linked == expected, page
    listing = Graph().parse(site / folder / "index.ttl")
    for other in ("index.jsonld", "index.nt"):
        assert isomorphic(listing, Graph().parse(site / folder / other))
    assert len(listing) > len(expected)


def test_a_file_is_written_whole_when_the_system_takes_part_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write may take fewer bytes than it was given (a signal, a full pipe): the site's
    files are written on until every byte is."""
    from canada_korea import site as site_module

    content = "<p>한-캐나다 관계</p>\n".encode() * 50
    write = os.write
    calls = []

    def partly(handle: int, data: bytes) -> int:
        calls.append(len(data))
        return write(handle, bytes(data[:7]))

    with monkeypatch.context() as patched:
        patched.setattr(site_module.os, "write", partly)
        site_module._write_file(tmp_path / "page.html", content)
    assert (tmp_path / "page.html").read_bytes() == content
    assert len(calls) == -(-len(content) // 7)


def test_the_graphs_stating_a_statement_are_those_that_hold_it(
    publication: Publication,
) -> None:
    """A statement's sections and inferences, read with every statement of its subject at
    once, are the named graphs the store holds that very statement in; a statement the graph
    does not hold has none."""
    store, checked = publication.store, 0
    for iri in publication.resources:
        subject = ox.NamedNode(iri)
        for quad in store.quads_for_pattern(subject, None, None, ox.DefaultGraph()):
            holding = store.quads_for_pattern(quad.subject, quad.predicate, quad.object)
            named = [q.graph_name for q in holding if isinstance(q.graph_name, ox.NamedNode)]
            expected = sorted(name.value for name in named)
            assert publication.graphs_stating(subject, quad.predicate, quad.object) == expected
            checked += 1
    assert checked > 3000
    csp = ox.NamedNode(str(CKR.csp))
    assert publication.graphs_stating(csp, ox.NamedNode(str(CK.date)), ox.Literal("1066")) == []


def test_a_description_holds_the_labels_of_every_resource_it_links(
    publication: Publication,
) -> None:
    """Each resource a description links to or is linked from has its labels in it, sorted,
    resource by resource, however many descriptions before asked for the same one's."""
    store, label = publication.store, ox.NamedNode(str(RDFS.label))
    for iri in [*publication.resources, *publication.terms]:
        subject = ox.NamedNode(iri)
        description = describe(publication, iri)
        assert description is not None
        linked = {t.object for t in description.own if isinstance(t.object, ox.NamedNode)}
        neighbours = sorted(
            (linked | {t.subject for t in description.incoming}) - {subject}, key=str
        )
        expected = [
            quad.triple
            for neighbour in neighbours
            for quad in sorted(
                store.quads_for_pattern(neighbour, label, None, ox.DefaultGraph()), key=str
            )
        ]
        assert description.neighbour_labels == expected
