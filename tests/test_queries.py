"""Competency questions: every named query in queries/ gives the answer the documents give.

Rows are compared as tuples of plain values: IRIs in prefixed form, literals as Python values,
unbound variables as None.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from canada_korea.namespaces import sparql_prologue
from canada_korea.query import binding_term

from .conftest import ROOT

QUERIES = ROOT / "queries"
D = Decimal
NK = "Democratic People's Republic of Korea"
NK_PAGE = "Canada - Democratic People's Republic of Korea"
CGAI_PAPER = "The Future of Canada-ROK Defence Cooperation"
DPRK_PAGE = "ckr:gc-canada-dprk"

GOLDEN: dict[str, list[tuple[object, ...]]] = {
    "soldiers-dispatched": [
        (
            "ckr:stat-soldiers-dispatched",
            "Canadian soldiers dispatched to South Korea, 1950 to 27 July 1953",
            26791,
            None,
        ),
        (
            "ckr:stat-canadians-served-korean-war",
            "More than 26,000 Canadians served in the Korean War",
            26000,
            "more than",
        ),
    ],
    "casualties-by-fate": [
        ("Canadian war dead", 516),
        ("Canadian war dead buried in the UN Memorial Cemetery", 378),
        ("Canadian war dead buried in Canada and Japan", 117),
        ("Canadian war dead whose remains were not found", 16),
        ("Canadian war dead lost at sea", 5),
    ],
    "burial-places": [
        (
            "Canadian soldiers buried in the UN Memorial Cemetery in Busan",
            "United Nations Memorial Cemetery",
            378,
        ),
        ("Canadian soldiers buried in Canada and Japan", "Canada", 117),
        ("Canadian soldiers buried in Canada and Japan", "Japan", 117),
    ],
    "trade-2022": [
        ("two-way merchandise trade", D("21.87"), "billion", "CAD"),
        ("Canadian merchandise imports from South Korea", D("13.2"), "billion", "CAD"),
        ("Canadian merchandise exports to South Korea", D("8.6"), "billion", "CAD"),
    ],
    "trade-balance": [(D("8.6"), D("13.2"), D("-4.6"), "billion", "CAD")],
    "agreements-since-2022": [
        ("ckr:csp", "Canada-Korea Comprehensive Strategic Partnership", "2022-09"),
        (
            "ckr:mou-arms-industry-logistics-cooperation",
            "Revised Memorandum of Understanding on Arms Industry and Logistics Cooperation",
            "2022-12",
        ),
        (
            "ckr:mou-defence-research-development-cooperation",
            "Memorandum of Understanding on Defence Research and Development Cooperation",
            "2023-01",
        ),
        (
            "ckr:dapa-ccc-defence-industry-procurement-mou",
            "DAPA–CCC Defence Industry and Procurement Cooperation MOU",
            "2024-06",
        ),
        (
            "ckr:foreign-defence-ministerial-2024-cyber-commitments",
            "Cyber commitments of the 2024 Canada-Korea 2+2 Ministerial Meeting",
            "2024-11",
        ),
        (
            "ckr:security-defence-cooperation-partnership",
            "Security and Defense Cooperation Partnership",
            "2025-11",
        ),
        (
            "ckr:submarine-programme-cooperation-understanding",
            "Understanding on the submarine programme as an accelerator of defence cooperation",
            "2025-12",
        ),
    ],
    "canada-operations": [
        ("military exercise", "Exercise PACIFIC VANGUARD"),
        ("military exercise", "Exercise Rim of the Pacific"),
        ("military operation", "Operation HORIZON"),
        ("military operation", "Operation NEON"),
    ],
    "canada-sanctions-dprk": [
        (
            "Canadian autonomous sanctions against North Korea",
            "Special Economic Measures Act",
            "2011",
            1,
            "import and export ban",
        ),
        (
            "Canadian autonomous sanctions against North Korea",
            "Special Economic Measures Act",
            "2011",
            2,
            "ban on all new investment in North Korea",
        ),
        (
            "Canadian autonomous sanctions against North Korea",
            "Special Economic Measures Act",
            "2011",
            3,
            "ban on providing financial services to North Korea and to persons in the country",
        ),
    ],
    "csp-pillars": [
        (1, "CSP pillar 1: values and human rights"),
        (2, "CSP pillar 2: security and defence"),
        (3, "CSP pillar 3: economic prosperity and security"),
        (4, "CSP pillar 4: climate change, the environment and sustainability"),
        (5, "CSP pillar 5: health and culture"),
    ],
    "source-of-fact": [
        ("Defence Relations", "Canada and Korean War", "000_cb871b86bc0543f5.txt"),
        (
            "Canada-the Republic of Korea relations",
            "Canada and Korean War",
            "001_2f870c38f5897081.txt",
        ),
    ],
    "people-to-people": [
        ("Canadians of Korean origin", "more than", 220000, "Canada"),
        ("Canadians residing in South Korea", "more than", 27000, "Republic of Korea"),
        ("Korean youth on working holiday in Canada per year", "up to", 4000, "Canada"),
        (
            "Canadian English language teachers in South Korea",
            "approximately",
            3200,
            "Republic of Korea",
        ),
        ("Korean-born adoptees in Canada", "approximately", 3000, "Canada"),
    ],
    "dprk-nuclear-tests": [
        ("North Korea's first nuclear test", None, "2006", None),
        ("North Korea's nuclear tests to date", 6, "2006", None),
        ("North Korea's nuclear tests in 2016 and 2017", 3, "2016", "2017"),
    ],
    "summits": [
        (
            "2018-06",
            "Singapore Summit",
            "Singapore",
            "participant",
            "Democratic People's Republic of Korea",
        ),
        ("2018-06", "Singapore Summit", "Singapore", "participant", "Donald Trump"),
        ("2018-06", "Singapore Summit", "Singapore", "participant", "Kim Jong Un"),
        ("2018-06", "Singapore Summit", "Singapore", "participant", "United States"),
        (
            "2019-02",
            "Hanoi Summit",
            "Hanoi",
            "participant",
            "Democratic People's Republic of Korea",
        ),
        ("2019-02", "Hanoi Summit", "Hanoi", "participant", "Donald Trump"),
        ("2019-02", "Hanoi Summit", "Hanoi", "participant", "Kim Jong Un"),
        ("2019-02", "Hanoi Summit", "Hanoi", "participant", "United States"),
        ("2023", "G7 Summit, 2023", None, "host", "Japan"),
        ("2023", "G7 Summit, 2023", None, "participant", "Group of Seven"),
        ("2023-08", "Camp David trilateral summit", "Camp David", "participant", "Japan"),
        (
            "2023-08",
            "Camp David trilateral summit",
            "Camp David",
            "participant",
            "Republic of Korea",
        ),
        ("2023-08", "Camp David trilateral summit", "Camp David", "participant", "United States"),
        ("2025-06", "G7 Summit, June 2025", None, "host", "Canada"),
        ("2025-06", "G7 Summit, June 2025", None, "participant", "Group of Seven"),
        (
            "2025-11",
            "Canada–South Korea bilateral summit at which the Security and Defense Cooperation"
            " Partnership was signed",
            None,
            "participant",
            "Canada",
        ),
        (
            "2025-11",
            "Canada–South Korea bilateral summit at which the Security and Defense Cooperation"
            " Partnership was signed",
            None,
            "participant",
            "Republic of Korea",
        ),
    ],
    "document-disagreements": [
        (
            "ckr:unc-war-remains-repatriation-ceremonies",
            "ck:fromLocation",
            "ckr:dprk",
            "Defence Relations",
            "ckr:korean-peninsula",
            "Canada-the Republic of Korea relations",
        ),
    ],
    "diplomatic-missions": [
        ("Canada", "Consulate of Canada in Busan", "Busan", None),
        ("Canada", "Embassy of Canada in Seoul", "Seoul", NK),
        (
            NK,
            "Permanent Mission of the Democratic People's Republic of Korea to the United Nations",
            "New York",
            None,
        ),
        (
            "Republic of Korea",
            "Consulate General of the Republic of Korea in Montreal",
            "Montreal",
            None,
        ),
        (
            "Republic of Korea",
            "Consulate General of the Republic of Korea in Toronto",
            "Toronto",
            None,
        ),
        (
            "Republic of Korea",
            "Consulate General of the Republic of Korea in Vancouver",
            "Vancouver",
            None,
        ),
        ("Republic of Korea", "Embassy of the Republic of Korea in Ottawa", "Ottawa", None),
    ],
    "humanitarian-funding": [
        (
            "Canada's humanitarian assistance to North Korea",
            D("38.9"),
            "million",
            "CAD",
            "2005",
            "UNICEF",
        ),
        (
            "Canada's humanitarian assistance to North Korea",
            D("38.9"),
            "million",
            "CAD",
            "2005",
            "World Food Programme",
        ),
    ],
    "unsc-sanctions-resolutions": [
        ("UN Security Council sanctions resolutions on North Korea to date", 10, None),
        ("UN Security Council sanctions resolutions on North Korea in 2017", 4, "2017"),
    ],
    "hedged-statistics": [
        (
            "ckr:stat-canadian-english-teachers-in-korea",
            "Canadian English language teachers residing in South Korea",
            "approximately",
            3200,
            "person",
        ),
        (
            "ckr:stat-korean-born-adoptees",
            "Korean-born adoptees in Canada",
            "approximately",
            3000,
            "person",
        ),
        (
            "ckr:stat-canadians-residing-in-korea",
            "Canadians currently residing in South Korea",
            "more than",
            27000,
            "person",
        ),
        (
            "ckr:stat-canadians-of-korean-origin",
            "Canadians identifying as of Korean origin",
            "more than",
            220000,
            "person",
        ),
        (
            "ckr:stat-canada-rok-years-of-friendly-relations",
            "Length of friendly Canada–South Korea relations",
            "more than",
            60,
            "year",
        ),
        (
            "ckr:stat-canadians-served-korean-war",
            "More than 26,000 Canadians served in the Korean War",
            "more than",
            26000,
            "person",
        ),
        (
            "ckr:stat-korea-canada-defence-conference-participants",
            "Participants in the Korea-Canada defence conference in Ottawa",
            "more than",
            120,
            "person",
        ),
        (
            "ckr:stat-canada-submarine-programme-value",
            "Estimated value of Canada's submarine programme",
            "up to",
            Decimal("60.0"),
            "trillion KRW",
        ),
        (
            "ckr:stat-working-holiday-youth",
            "Korean youth travelling to Canada each year on a working holiday",
            "up to",
            4000,
            "person",
        ),
        (
            "ckr:stat-cpsp-submarines",
            "Submarines to be procured under the CPSP",
            "up to",
            12,
            "item",
        ),
    ],
    "indo-pacific-figures": [
        ("annual two-way trade with Canada", D("226"), "billion CAD"),
        ("rank among Canada's regional export markets", 2, "rank"),
        ("rank among Canada's regional trading partners", 2, "rank"),
        ("rank among world regions by economic growth", 1, "rank"),
        ("share of world population", D("65"), "percent"),
    ],
}

# Answers too long to list in full are checked on the rows that answer the question.
CONTAINS: dict[str, list[tuple[object, ...]]] = {
    "agreements-timeline": [
        ("1953-07-27", "Korean Armistice Agreement", "Democratic People's Republic of Korea"),
        ("1953-07-27", "Korean Armistice Agreement", "Republic of Korea"),
        ("2014", "Canada-Korea Free Trade Agreement", "Canada"),
        ("2014", "Canada-Korea Free Trade Agreement", "Republic of Korea"),
        ("2022-09", "Canada-Korea Comprehensive Strategic Partnership", "Canada"),
        ("2022-09", "Canada-Korea Comprehensive Strategic Partnership", "Republic of Korea"),
        ("2025-11", "Security and Defense Cooperation Partnership", "Canada"),
    ],
    "post-holders": [
        ("Wayne D. Eyre", "Deputy Commander of the United Nations Command", "2018", "2019", None),
        ("Kim Jong Un", "leader of North Korea", "2011", None, None),
        ("Justin Trudeau", "Prime Minister of Canada", None, None, "2022-09"),
        ("Canada", "Canadian Defence Attaché", "1979", None, None),
    ],
    "dprk-timeline": [
        ("1953-07-27", "Korean Armistice Agreement"),
        ("1993", "North Korea's declared withdrawal from the Non-proliferation Treaty"),
        ("1994", "Geneva Agreed Framework"),
        ("2006", "North Korea's first nuclear test"),
        ("2018-04", "Panmunjom Declaration"),
        ("2018-06", "Singapore Summit"),
        ("2019-02", "Hanoi Summit"),
    ],
    "facts-per-document": [],
    "facts-from-document": [
        (
            DPRK_PAGE,
            "North Korea",
            "ckr:stat-dprk-nuclear-tests",
            "North Korea's nuclear tests to date",
        ),
        (
            DPRK_PAGE,
            "Canadian Sanctions Related to North Korea",
            "ckr:canada-sema-sanctions-dprk",
            "Canadian autonomous sanctions against North Korea",
        ),
        (
            DPRK_PAGE,
            "Humanitarian Assistance",
            "ckr:stat-humanitarian-funding",
            "Canada's humanitarian assistance funding for North Korea since 2005",
        ),
    ],
    "multi-document-facts": [
        ("ckr:korean-war", "Korean War", 4),
        ("ckr:stat-canadian-war-dead", "Canadian dead in the Korean War", 2),
        (
            "ckr:stat-soldiers-dispatched",
            "Canadian soldiers dispatched to South Korea, 1950 to 27 July 1953",
            2,
        ),
        ("ckr:csp", "Canada-Korea Comprehensive Strategic Partnership", 2),
        ("ckr:ckfta", "Canada-Korea Free Trade Agreement", 2),
    ],
    "sections-stating": [
        (
            "ckr:stat-canadian-war-dead",
            516,
            "Canada-the Republic of Korea relations",
            "Canada and Korean War",
        ),
        ("ckr:stat-canadian-war-dead", 516, "Defence Relations", "Canada and Korean War"),
        ("ckr:stat-soldiers-dispatched", 26791, "Defence Relations", "Canada and Korean War"),
        ("ckr:stat-canadians-served-korean-war", 26000, NK_PAGE, "North Korea"),
        ("ckr:stat-canadians-served-korean-war", 26000, CGAI_PAPER, "Canada-South Korea Relations"),
        (
            "ckr:stat-two-way-trade-2022",
            D("21.87"),
            "Canada-the Republic of Korea relations",
            "Trade relations",
        ),
    ],
    "inferences": [
        (
            "ckr:inference-trade-dollars-in-cad",
            f"ckr:{statistic}",
            "ck:currency",
            "CAD",
            "Trade relations",
            "The section prints Canada's 2022 merchandise trade with South Korea with a bare"
            ' "$" and no currency code. The amounts are read as Canadian dollars because a'
            " Government of Canada page is reporting Canada's own trade; the page does not"
            " name the currency.",
        )
        for statistic in (
            "stat-exports-to-korea-2022",
            "stat-imports-from-korea-2022",
            "stat-two-way-trade-2022",
        )
    ],
}

# Named queries that take parameters run bound to these values (variable name -> value).
BINDINGS: dict[str, dict[str, object]] = {"facts-from-document": {"document": DPRK_PAGE}}


def _plain(term: object, graph: Graph) -> object:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return term.n3(graph.namespace_manager)
    value = term.toPython()  # type: ignore[attr-defined]
    plain = isinstance(value, int | Decimal | str) and not isinstance(value, Literal)
    return value if plain else str(term)


def _answer(graph: Graph, name: str) -> list[tuple[object, ...]]:
    text = (QUERIES / f"{name}.rq").read_text("utf-8")
    bindings = {var: binding_term(value) for var, value in BINDINGS.get(name, {}).items()}
    result = graph.query(sparql_prologue() + text, initBindings=bindings)
    return [tuple(_plain(term, graph) for term in row) for row in result]


def test_every_named_query_has_a_golden_answer() -> None:
    names = {path.stem for path in QUERIES.glob("*.rq")}
    assert names == set(GOLDEN) | set(CONTAINS)
    assert len(names) >= 10


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_named_query_starts_with_a_description(path: Path) -> None:
    first = path.read_text("utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 20


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_named_query_gives_the_documented_answer(name: str, query_view: Dataset) -> None:
    assert _answer(query_view, name) == GOLDEN[name]


@pytest.mark.parametrize("name", sorted(CONTAINS))
def test_named_query_includes_the_documented_rows(name: str, query_view: Dataset) -> None:
    rows = _answer(query_view, name)
    assert rows
    for expected in CONTAINS[name]:
        assert expected in rows


def test_facts_per_document_counts_every_source(query_view: Dataset) -> None:
    rows = _answer(query_view, "facts-per-document")
    assert [str(row[0])[:3] for row in rows] == ["000", "001", "002", "003", "004"]
    assert all(isinstance(row[2], int) and row[2] > 10 for row in rows)
