"""End to end in a real headless browser (Debian's Chromium driven by Playwright): a person
searches for Canada from the landing page, clicks through to the Korean War, to its casualty
figure and the section of the document that states it, and switches the page to French.

`.ci/run` installs Chromium; where it is missing (a fresh machine without it) the test is
skipped with a reason rather than failing on a missing program.
"""

from __future__ import annotations

import shutil

import pytest

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
