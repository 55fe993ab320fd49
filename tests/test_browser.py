"""End to end in a real headless browser (Debian's Chromium driven by Playwright): a person
searches for Canada from the landing page, clicks through to the Korean War, to its casualty
figure and the section of the document that states it, and switches the page to French; and
every page type, in English, French and Korean, on the server and on the static site, at a
phone's and a desktop's width, fits the screen and speaks the reader's language.

`.ci/run` installs Chromium; where it is missing (a fresh machine without it) the test is
skipped with a reason rather than failing on a missing program.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from canada_korea.pipeline import BuildReport

from .conftest import ROOT, free_port, running_server
from .test_search import _count_in_dump

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium's own background connections are refused on a closed network; these flags stop them.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


def test_click_from_landing_page_to_a_casualty_figure_and_its_source_then_french(
    live_server: str,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="en-CA")
            page.goto(live_server + "/")
            page.fill("form.search input[name=q]", "Canada")
            page.press("form.search input[name=q]", "Enter")
            page.wait_for_load_state()

            page.click('ol.results a[title="ckr:canada"]')
            assert page.text_content("h1") == "Canada"

            page.locator('a[title="ckr:korean-war"]').first.click()
            assert page.text_content("h1") == "Korean War"

            page.locator('a[title="ckr:stat-canadian-war-dead"]').first.click()
            assert "516" in page.text_content("p.statistic")

            page.locator(
                'ul.sources a[title="ckr:gc-defence-relations--canada-and-korean-war"]'
            ).click()
            assert page.text_content("h1") == "Canada and Korean War"

            page.locator('a[title="ckr:korean-war"]').first.click()
            page.click('nav.languages a[hreflang="fr"]')
            assert page.get_attribute("html", "lang") == "fr"
            assert page.text_content("h1") == "guerre de Corée"
        finally:
            browser.close()


SCREENSHOTS = ROOT / "build" / "screenshots"
WIDTHS = (390, 1280)
SEARCH_WORD = "korea"
NAMED_QUERY = (ROOT / "queries" / "casualties-by-fate.rq").read_text("utf-8")


def _variant(lang: str) -> str:
    return "" if lang == "en" else f".{lang}"


# Every page type, as a path on the server and on the static site for a language (None where
# that site has no such page: the SPARQL workbench and error pages exist only on the server).
Paths = Callable[[str], str | None]
PAGE_TYPES: dict[str, tuple[Paths, Paths]] = {
    "landing": (lambda lang: f"/index{_variant(lang)}.html",) * 2,
    "resource": (lambda lang: f"/id/korean-war{_variant(lang)}.html",) * 2,
    "statistic": (lambda lang: f"/id/stat-canadian-war-dead{_variant(lang)}.html",) * 2,
    "money": (lambda lang: f"/id/stat-two-way-trade-2022{_variant(lang)}.html",) * 2,
    "class": (lambda lang: f"/def/Statistic{_variant(lang)}.html",) * 2,
    "property": (lambda lang: f"/def/partOfTotal{_variant(lang)}.html",) * 2,
    "resources": (
        lambda lang: f"/id/?lang={lang}",
        lambda lang: f"/id/index{_variant(lang)}.html",
    ),
    "terms": (
        lambda lang: f"/def/?lang={lang}",
        lambda lang: f"/def/index{_variant(lang)}.html",
    ),
    "ontology": (lambda lang: f"/ontology/index{_variant(lang)}.html",) * 2,
    "timeline": (lambda lang: f"/timeline{_variant(lang)}.html",) * 2,
    "search": (lambda lang: f"/search{_variant(lang)}.html?q={SEARCH_WORD}",) * 2,
    "changes": (lambda lang: None, lambda lang: f"/changes{_variant(lang)}.html"),
    "sparql": (lambda lang: f"/sparql?lang={lang}", lambda lang: None),
    "named-query": (
        lambda lang: "/sparql?" + urllib.parse.urlencode({"query": NAMED_QUERY, "lang": lang}),
        lambda lang: None,
    ),
    "error": (lambda lang: f"/no-such-page?lang={lang}", lambda lang: None),  # the address typed
}

INTERFACE_TEXT = """() => {
    const labels = [...document.querySelectorAll('[aria-label]')]
        .map(element => element.getAttribute('aria-label'));
    document.querySelectorAll(
        'script, style, code, pre, textarea, input, svg, nav.languages, .data, .curie, .iri'
    ).forEach(element => element.remove());
    return [document.body.innerText, ...labels].join('\\n');
}"""
"""The words of the page's interface as a reader sees them: the visible text (``innerText``
leaves out what is hidden) and the accessible names, without what holds data or code: the
graph's own names and literals (``class="data"``, which the templates put on every label,
literal and description, whatever its language), identifiers (``code``, ``pre``, the IRI
and CURIE lines), the query being edited, and the language switch (each language's own name)."""

NOT_WORDS = re.compile(
    r"https?://\S+"  # an address: the dataset's IRI in the citation, an error's path
    r"|\?\w+"  # a SPARQL variable heading an answer column
    r"|\b[a-z][a-z0-9-]*:[A-Za-z0-9_-]*"  # a CURIE or a prefix: xsd:gYear, ck:, schema:Person
    r"|[\w-]*\.(?:ttl|nt|nq|trig|jsonld|json|rq|txt)\b"  # a file name or its extension: .rq
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\u2019+-]*")
NOT_TRANSLATED = {
    # Names of standards and formats, written the same in every language.
    "SPARQL", "SHACL", "RDF", "IRI", "Turtle", "JSON-LD", "N-Triples", "CSV", "TSV", "JSON",
    "XML", "BibTeX",
    # SPARQL's own keyword, as it is typed in a query (the workbench's help names it).
    "SERVICE",
    # Key names, as printed on the keyboard.
    "Ctrl+Enter",
    # The licence's name, and the project's.
    "CC", "BY", "canada-korea",
    # Size units: Korean writes KB and MB, not a transliteration.
    "KB", "MB", "GB",
}  # fmt: skip
"""Latin-letter words a Korean page may show outside the data: names that are not translated
in Korean writing either. Every other Latin word on a Korean page is an interface string left
in English."""
ENGLISH_WORDS = {"the", "and", "of", "with", "which", "where", "from", "than", "this", "rows"}
"""Words that are English and never French: one of them on a French page outside the data is
an interface string left in English (French shares too many words with English, such as
"date" or "version", for a check as strict as the Korean one)."""


def untranslated(text: str, lang: str, typed: str = "") -> list[str]:
    """The words of an interface ``text`` that are not in ``lang``: on a Korean page every
    Latin-letter word but :data:`NOT_TRANSLATED`, on a French page :data:`ENGLISH_WORDS`;
    ``typed`` is what the reader typed (a search), shown back as written."""
    if typed:
        text = text.replace(typed, " ")
    words = LATIN_WORD.findall(NOT_WORDS.sub(" ", text))
    if lang == "ko":
        return sorted({word for word in words if word not in NOT_TRANSLATED})
    if lang == "fr":
        return sorted({word for word in words if word.lower() in ENGLISH_WORDS})
    return []


def test_the_check_finds_english_and_lets_names_of_formats_through() -> None:
    assert untranslated("트리플 5개 · 2 rows · Turtle · xsd:gYear · ?value", "ko") == ["rows"]
    assert untranslated("“korea” 검색 결과 3건.", "ko", typed="korea") == []
    assert untranslated("Les 5 premières lignes sur 9", "fr") == []
    assert untranslated("The first 5 of 9 rows", "fr") == ["The", "of", "rows"]


@pytest.fixture(scope="module")
def static_site(built: BuildReport) -> Iterator[str]:
    """The built static site on a plain file server (Python's), as any static host serves it."""
    port = free_port()
    folder = built.dist / "site"
    command = [sys.executable, "-m", "http.server", port, "--bind", "127.0.0.1"]
    command += ["--directory", folder]
    url = f"http://127.0.0.1:{port}"
    with running_server(command, url + "/index.html"):
        yield url


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("site", ["server", "static"])
def test_every_page_type_fits_the_screen_and_speaks_the_readers_language(
    site: str, width: int, live_server: str, static_site: str, built: BuildReport
) -> None:
    """No page scrolls sideways, on a phone or a desktop; no Korean page shows a word of
    English outside the data's own names, and no French page an English word; a screenshot
    of each page type in each language is written under build/screenshots/ (git-ignored)
    for people to look at."""
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base, column = (live_server, 0) if site == "server" else (static_site, 1)
    has_changes = (built.dist / "site" / "changes.html").exists()
    overflowing: list[tuple[str, str, int]] = []
    english: list[tuple[str, str, list[str]]] = []
    shot: list[Path] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 844})
            for lang in ("en", "fr", "ko"):
                for kind, paths in PAGE_TYPES.items():
                    path = paths[column](lang)
                    if path is None or (kind == "changes" and not has_changes):
                        continue
                    page.goto(base + path)
                    if kind == "search":
                        page.wait_for_selector("#results li, ol.results li")
                    assert page.get_attribute("html", "lang") == lang, (kind, path)
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        overflowing.append((kind, lang, wide))
                    screenshot = SCREENSHOTS / f"{site}-{kind}-{lang}-{width}.png"
                    page.screenshot(path=str(screenshot), full_page=True)
                    shot.append(screenshot)
                    typed = {"search": SEARCH_WORD, "error": "/no-such-page"}.get(kind, "")
                    words = untranslated(page.evaluate(INTERFACE_TEXT), lang, typed)
                    if words:
                        english.append((kind, lang, words))
            page.goto(base + PAGE_TYPES["statistic"][column]("ko"))
            bar = page.locator("figure.parts-chart svg.stacked rect").first.bounding_box()
            assert bar is not None and bar["width"] > width * 0.3, "the chart is drawn"
        finally:
            browser.close()
    assert not overflowing, overflowing
    assert not english, english
    assert all(path.stat().st_size > 0 for path in shot)


@pytest.mark.parametrize("site", ["server", "static"])
def test_search_total_in_the_browser_is_the_count_from_the_dump(
    site: str, live_server: str, static_site: str, built: BuildReport
) -> None:
    """The total a Korean reader sees for a search, on the server (rendered there) and on the
    static site (counted by its script), is the number of pages the dump's labels and
    descriptions match, counted apart from either."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base = live_server if site == "server" else static_site
    expected = _count_in_dump(built, SEARCH_WORD)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/search.ko.html?q={SEARCH_WORD}")
            page.wait_for_selector("#results li, ol.results li")
            summary = page.text_content("p.summary") or ""
        finally:
            browser.close()
    assert f"검색 결과 {expected:,}건" in summary, summary


@pytest.mark.parametrize("site", ["server", "static"])
def test_landing_page_dataset_markup_parses_in_the_browser(
    site: str, live_server: str, static_site: str, built: BuildReport
) -> None:
    """The schema.org Dataset block, as a browser (and a search engine's renderer) reads it
    from the Korean landing page: JSON that parses, a Dataset in the three languages whose
    downloads are the published files."""
    sync_api = pytest.importorskip("playwright.sync_api")
    base = live_server if site == "server" else static_site
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(base + "/index.ko.html")
            block = page.text_content('script[type="application/ld+json"]') or ""
        finally:
            browser.close()
    data = json.loads(block)
    assert (data["@context"], data["@type"]) == ("https://schema.org/", "Dataset")
    assert data["name"] and data["description"] and data["license"]
    assert set(data["inLanguage"]) == {"en", "fr", "ko"}
    published = {f.name for f in built.files if f.name != "void.ttl"}
    assert {d["name"] for d in data["distribution"]} == published
    assert all(d["contentSize"].endswith(" B") for d in data["distribution"])
