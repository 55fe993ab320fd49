"""Competency questions: every named query in queries/ gives the answer the documents give.

Rows are compared as tuples of plain values: IRIs in prefixed form, literals as Python values,
unbound variables as None.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from canada_korea.namespaces import sparql_prologue

from .conftest import ROOT

QUERIES = ROOT / "queries"
D = Decimal

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
        ("United Nations Memorial Cemetery", 378),
        ("Canada and Japan", 117),
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
            "ckr:submarine-programme-cooperation-understanding-2025",
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
            "ban on the provision of financial services to North Korea"
            " and to persons in North Korea",
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
}

# Answers too long to list in full are checked on the rows that answer the question.
CONTAINS: dict[str, list[tuple[object, ...]]] = {
    "agreements-timeline": [
        (
            "1953-07-27",
            "Korean Armistice Agreement",
            "Democratic People's Republic of Korea; Republic of Korea",
        ),
        ("2014", "Canada-Korea Free Trade Agreement", "Canada; Republic of Korea"),
        (
            "2022-09",
            "Canada-Korea Comprehensive Strategic Partnership",
            "Canada; Republic of Korea",
        ),
    ],
    "post-holders": [
        ("Wayne D. Eyre", "Deputy Commander of the United Nations Command", "2018", "2019", None),
        ("Kim Jong Un", "leader of North Korea", "2011", None, None),
        ("Justin Trudeau", "Prime Minister of Canada", None, None, "2022-09"),
        ("Canada", "Canadian Defence Attaché", "1979", None, None),
    ],
    "dprk-timeline": [
        ("1993", "North Korea's declared withdrawal from the Non-proliferation Treaty"),
        ("2006", "North Korea's first nuclear test"),
        ("2018-06", "Singapore Summit"),
        ("2019-02", "Hanoi Summit"),
    ],
    "facts-per-document": [],
}


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
    return [
        tuple(_plain(term, graph) for term in row) for row in graph.query(sparql_prologue() + text)
    ]


def test_every_named_query_has_a_golden_answer() -> None:
    names = {path.stem for path in QUERIES.glob("*.rq")}
    assert names == set(GOLDEN) | set(CONTAINS)
    assert len(names) >= 10


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_named_query_starts_with_a_description(path: Path) -> None:
    first = path.read_text("utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 20


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_named_query_gives_the_documented_answer(name: str, source_graph: Graph) -> None:
    assert _answer(source_graph, name) == GOLDEN[name]


@pytest.mark.parametrize("name", sorted(CONTAINS))
def test_named_query_includes_the_documented_rows(name: str, source_graph: Graph) -> None:
    rows = _answer(source_graph, name)
    assert rows
    for expected in CONTAINS[name]:
        assert expected in rows


def test_facts_per_document_counts_every_source(source_graph: Graph) -> None:
    rows = _answer(source_graph, "facts-per-document")
    assert [str(row[0])[:3] for row in rows] == ["000", "001", "002", "003", "004"]
    assert all(isinstance(row[2], int) and row[2] > 10 for row in rows)
