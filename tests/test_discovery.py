"""What finds and explains the dataset: the landing page (intro, search, ways in, sizes people
read, one citation with BibTeX), the schema.org Dataset markup, sitemap, robots.txt, favicon
and canonical links, on the server and the static site; and the picture of a total's parts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from canada_korea.load import Project
from canada_korea.pipeline import BuildReport
from canada_korea.query import named_queries
from canada_korea.serve.app import Settings, create_app
from canada_korea.serve.publication import Publication

from .conftest import ROOT

BASE = "https://w3id.org/canada-korea/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_G_YEAR = ox.NamedNode(f"{XSD}gYear")
XSD_G_MONTH_DAY = ox.NamedNode(f"{XSD}gMonthDay")


@pytest.fixture(scope="module")
def client(built_project: Project) -> Iterator[TestClient]:
    with TestClient(create_app(built_project, Settings(workers=1))) as test_client:
        yield test_client


def _soup(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def test_landing_page_has_schema_org_dataset_markup(client: TestClient, built: BuildReport) -> None:
    page = _soup(client, "/")
    [block] = page.select('head script[type="application/ld+json"]')
    data = json.loads(block.string)
    assert data["@type"] == "Dataset"
    assert data["@context"] == "https://schema.org/"
    assert data["name"] and data["description"]
    assert data["license"] == "http://creativecommons.org/licenses/by/4.0/"
    assert data["creator"]["name"]
    published = {f.name for f in built.files if f.name != "void.ttl"}
    downloads = {d["name"]: d for d in data["distribution"]}
    assert set(downloads) == published
    assert all(d["contentUrl"] == BASE + name for name, d in downloads.items())
    assert all("/" in d["encodingFormat"] for d in downloads.values())
    start, end = data["temporalCoverage"].split("/")
    assert start <= "1950" and end >= "2020"
    assert {place["name"] for place in data["spatialCoverage"]} >= {"Canada"}
    assert len(data["isBasedOn"]) >= 5
    assert all(source["name"] for source in data["isBasedOn"])


def test_landing_page_reads_intro_search_then_ways_in(client: TestClient) -> None:
    page = _soup(client, "/index.ko.html")
    main = page.select_one("main")
    order = [child.name for child in main.find_all(recursive=False)][:4]
    assert order == ["h1", "p", "form", "p"]
    assert "지식 그래프" in main.select_one("p.intro").text
    assert page.select_one("ul.ways-in a[href='timeline.ko.html']")
    assert page.select_one("pre.bibtex").text.startswith("@misc{canada-korea")
    assert len(page.select("cite")) == 1, "one citation block"


def test_sitemap_lists_every_page_in_every_language(client: TestClient, built: BuildReport) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = [loc.text for loc in ET.fromstring(response.content).iter(SITEMAP + "loc")]
    assert BASE in urls
    assert {BASE + "id/korean-war.html", BASE + "id/korean-war.ko.html"} <= set(urls)
    site = (built.dist / "site" / "sitemap.xml").read_bytes()
    assert site == response.content


def test_robots_names_the_sitemap_and_favicon_is_served(client: TestClient) -> None:
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    assert "Disallow: /sparql" in robots
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")


def test_pages_name_their_canonical_address(client: TestClient) -> None:
    page = _soup(client, "/id/korean-war.fr.html")
    assert page.select_one("link[rel=canonical]")["href"] == BASE + "id/korean-war.fr.html"
    assert page.select_one("link[rel=icon]")["href"] == "../static/favicon.svg"


def test_links_out_are_named_by_their_site(client: TestClient) -> None:
    page = _soup(client, "/id/korean-war.html")
    out = [a for a in page.select("a") if a["href"].startswith("http://www.wikidata.org/")]
    assert out
    assert all(a.get_text().startswith("Wikidata Q") for a in out)


def test_total_page_draws_its_parts_as_a_chart(client: TestClient) -> None:
    page = _soup(client, "/id/stat-canadian-war-dead.ko.html")
    chart = page.select_one("figure.parts-chart")
    bars = chart.select("svg.stacked rect")
    assert len(bars) == 4
    assert abs(sum(float(rect["width"]) for rect in bars) - 100) < 0.01
    assert [td.text for td in chart.select("table.chart td.number")] == ["378", "117", "16", "5"]


def test_citation_file_describes_the_dataset() -> None:
    text = (ROOT / "CITATION.cff").read_text("utf-8")
    version = next(
        line.split('"')[1]
        for line in (ROOT / "pyproject.toml").read_text().splitlines()
        if line.startswith("version")
    )
    assert "cff-version: 1.2.0" in text
    assert f'version: "{version}"' in text
    assert "type: dataset" in text


def test_static_site_has_sitemap_robots_and_favicon(built: BuildReport) -> None:
    site: Path = built.dist / "site"
    assert (site / "robots.txt").is_file()
    assert (site / "static" / "favicon.svg").is_file()


def test_the_temporal_coverage_spans_the_timelines_years(built_project: Project) -> None:
    """The schema.org markup's first and last year are the timeline's, asked of the store as
    two numbers (the timeline itself is not built for the landing page)."""
    publication = Publication(built_project.dist_dir, named_queries(built_project), index=True)
    years = sorted(e.date.value[:4] for e in publication.timeline if e.date.value[:1] != "-")
    assert publication.temporal_coverage == (years[0], years[-1])


@pytest.mark.parametrize(
    ("dates", "coverage"),
    [
        ([], None),
        ([ox.Literal("-0100", datatype=XSD_G_YEAR)], None),
        ([ox.Literal("--06-25", datatype=XSD_G_MONTH_DAY)], None),
        (
            [
                ox.Literal("1950-06-25", datatype=ox.NamedNode(f"{XSD}date")),
                ox.Literal("--07-27", datatype=XSD_G_MONTH_DAY),
                ox.Literal("2024", datatype=XSD_G_YEAR),
                ox.Literal("-0100", datatype=XSD_G_YEAR),
            ],
            ("1950", "2024"),
        ),
    ],
)
def test_the_temporal_coverage_leaves_out_what_has_no_year_of_the_common_era(
    dates: list[ox.Literal], coverage: tuple[str, str] | None
) -> None:
    """A yearly day (``xsd:gMonthDay``) and a year before the common era are no bound of it,
    and a graph with nothing dated has none (the markup then leaves it out)."""
    store = ox.Store()
    event = ox.NamedNode(f"{BASE}def/Event")
    for number, date in enumerate(dates):
        thing = ox.NamedNode(f"{BASE}id/event-{number}")
        store.add(ox.Quad(thing, ox.NamedNode(f"{RDF}type"), event))
        store.add(ox.Quad(thing, ox.NamedNode(f"{BASE}def/date"), date))
    publication = Publication(
        None, [], store=store, descriptions={"void.ttl": ox.Store(), "shapes.ttl": ox.Store()}
    )
    assert publication.temporal_coverage == coverage
