"""Search finds everything: labels and descriptions in English, French and Korean, the true
total (checked against a count made from the N-Triples dump by other means), pages of 50, the
classes of what matched with their counts, the matched words marked; and the static site's
index carries what its script needs to do the same."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from canada_korea.load import Project
from canada_korea.pipeline import BuildReport
from canada_korea.serve.app import Settings, create_app
from canada_korea.serve.publication import fold

LABEL_OR_TEXT = (
    "<http://www.w3.org/2000/01/rdf-schema#label>",
    "<http://www.w3.org/2004/02/skos/core#altLabel>",
    "<http://purl.org/dc/terms/description>",
    "<http://www.w3.org/2000/01/rdf-schema#comment>",
)
PAGES = ("<https://w3id.org/canada-korea/id/", "<https://w3id.org/canada-korea/def/")


@pytest.fixture(scope="module")
def client(built_project: Project) -> Iterator[TestClient]:
    with TestClient(create_app(built_project, Settings(workers=1))) as test_client:
        yield test_client


def _soup(client: TestClient, path: str, **params: str) -> BeautifulSoup:
    response = client.get(path, params=params)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def _count_in_dump(built: BuildReport, word: str) -> int:
    """Pages with a label or description holding a word that starts with ``word``, counted
    from the N-Triples lines with a regular expression (not the server's index)."""
    matched = set()
    for line in (built.dist / "canada-korea.nt").read_text("utf-8").splitlines():
        subject, predicate, rest = line.split(" ", 2)
        if predicate not in LABEL_OR_TEXT or not subject.startswith(PAGES):
            continue
        text = json.loads(rest[: rest.rindex('"') + 1])
        folded = unicodedata.normalize("NFKD", text).casefold()
        if re.search(rf"(?<![^\W_]){re.escape(word)}", folded):
            matched.add(subject)
    return len(matched)


def _total(page: BeautifulSoup) -> int:
    return int(page.select_one("nav.facets li .count").get_text().replace(",", ""))


@pytest.mark.parametrize("word", ["korea", "war", "sanction"])
def test_search_total_is_every_page_that_matches(
    word: str, client: TestClient, built: BuildReport
) -> None:
    page = _soup(client, "/search", q=word)
    expected = _count_in_dump(built, word)
    assert expected > 0
    assert _total(page) == expected
    summary = page.select_one("p.summary").get_text()
    assert f"{expected:,} results" in summary


def test_search_pages_through_every_result(client: TestClient) -> None:
    first = _soup(client, "/search", q="korea")
    total = _total(first)
    assert total > 50
    seen = []
    page, number = first, 1
    while True:
        seen += [a["href"] for a in page.select("ol.results > li > a")]
        following = page.select_one('nav.pager a[rel="next"]')
        if following is None:
            break
        number += 1
        page = _soup(client, "/search", q="korea", page=str(number))
    assert len(seen) == len(set(seen)) == total
    assert "51–100" in _soup(client, "/search", q="korea", page="2").select_one("p.summary").text


def test_each_search_page_shows_its_own_query_and_pages_after_it_show_none(
    client: TestClient,
) -> None:
    """Every page's header is rendered once per language and depth, except a search's, which
    holds its query: no query shows on a page it was not asked on."""
    box = 'form[role="search"] input[name="q"]'
    for query in ("korea", "war <b>", "sanction"):
        for lang in ("en", "ko"):
            page = _soup(client, "/search", q=query, lang=lang)
            assert page.select_one(box)["value"] == query
    assert _soup(client, "/search").select_one(box)["value"] == ""
    assert BeautifulSoup(client.get("/").text, "html.parser").select_one(box)["value"] == ""


def test_search_facets_count_by_class_and_filter(client: TestClient) -> None:
    page = _soup(client, "/search", q="korea")
    facet = next(a for a in page.select("nav.facets a") if a.get("title") == "ck:Statistic")
    count = int(facet.find_next_sibling("span").get_text())
    filtered = _soup(client, "/search", q="korea", **{"class": "ck:Statistic"})
    results = filtered.select("ol.results > li")
    assert len(results) == count
    assert all("ck:Statistic" in [a.get("title") for a in li.select("small a")] for li in results)


def test_search_marks_the_matched_words(client: TestClient) -> None:
    page = _soup(client, "/search", q="korean w")
    first = page.select_one("ol.results > li > a")
    assert [mark.get_text() for mark in first.select("mark")] == ["Korean", "War"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/search.html", "1 result for"),
        ("/search.fr.html", "1 résultat pour"),
        ("/search.ko.html", "검색 결과 1건"),
    ],
)
def test_one_result_is_singular_in_every_language(
    path: str, expected: str, client: TestClient
) -> None:
    page = _soup(client, path, q="ckfta")
    assert len(page.select("ol.results > li")) == 1
    assert expected in page.select_one("p.summary").get_text()


def test_static_search_index_holds_descriptions_and_classes(client: TestClient) -> None:
    index = client.get("/search-index.json").json()
    korean_war = next(e for e in index["entries"] if e["p"] == "id/korean-war")
    assert korean_war["x"], "descriptions are searched too"
    assert {index["classes"][c]["curie"] for c in korean_war["c"]} == {"ck:War"}
    assert set(index["classes"][0]["l"]) == {"en", "fr", "ko"}


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_folding_drops_exactly_the_combining_marks(text: str) -> None:
    """The search's folding, however it is computed: compatibility decomposition, every
    character of Unicode's mark categories dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    expected = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    assert fold(text) == expected.casefold()
