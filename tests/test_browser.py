"""End to end in a real headless browser (Debian's Chromium driven by Playwright): a person
searches for Canada from the landing page, clicks through to the Korean War, to its casualty
figure and the section of the document that states it, and switches the page to French.

`.ci/run` installs Chromium; where it is missing (a fresh machine without it) the test is
skipped with a reason rather than failing on a missing program.
"""

from __future__ import annotations

import shutil

import pytest

from .conftest import ROOT

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
PAGE_TYPES = {
    "landing": "/index{v}.html",
    "resource": "/id/korean-war{v}.html",
    "statistic": "/id/stat-canadian-war-dead{v}.html",
    "term": "/def/Statistic{v}.html",
    "ontology": "/ontology/index{v}.html",
    "timeline": "/timeline{v}.html",
    "search": "/search{v}.html?q=korea",
}


@pytest.mark.parametrize("width", [390, 1280])
def test_every_page_type_fits_the_screen_in_every_language(live_server: str, width: int) -> None:
    """No page scrolls sideways, on a phone or a desktop; a screenshot of each page type in
    each language is written under build/screenshots/ (git-ignored) for people to look at."""
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 844})
            for lang in ("en", "fr", "ko"):
                variant = "" if lang == "en" else f".{lang}"
                for kind, path in PAGE_TYPES.items():
                    page.goto(live_server + path.format(v=variant))
                    assert page.get_attribute("html", "lang") == lang
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        overflowing.append((kind, lang, wide))
                    page.screenshot(path=str(SCREENSHOTS / f"{kind}-{lang}-{width}.png"))
            page.goto(live_server + "/id/stat-canadian-war-dead.ko.html")
            bar = page.locator("figure.parts-chart svg.stacked rect").first.bounding_box()
            assert bar is not None and bar["width"] > width * 0.3, "the chart is drawn"
        finally:
            browser.close()
    assert not overflowing, overflowing
