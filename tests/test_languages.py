"""Every page reads in English, French and Korean: the ontology's terms are named in the three
languages, values are formatted and sorted as each language writes them, and relations read in
the right direction from both ends."""

from __future__ import annotations

from rdflib import RDFS, Graph, URIRef

from canada_korea.serve.formatting import collation_key, format_number

from .conftest import ROOT

CK = "https://w3id.org/canada-korea/def/"


def test_every_ontology_term_has_english_french_and_korean_labels_and_a_comment() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "canada-korea.ttl")
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(CK)}
    missing = []
    for term in sorted(terms):
        languages = {label.language for label in ontology.objects(term, RDFS.label)}
        lacking = sorted({"en", "fr", "ko"} - languages)
        if lacking or not list(ontology.objects(term, RDFS.comment)):
            missing.append((str(term).removeprefix(CK), lacking))
    assert not missing, missing


def test_french_sorts_accented_words_with_their_base_letter() -> None:
    words = ["valeur", "échelle", "à propos de", "date", "zone"]
    assert sorted(words, key=lambda w: collation_key(w, "fr")) == [
        "à propos de",
        "date",
        "échelle",
        "valeur",
        "zone",
    ]


def test_korean_sorts_by_hangul_order() -> None:
    words = ["한국", "가나", "나라", "Canada"]
    assert sorted(words, key=lambda w: collation_key(w, "ko")) == ["Canada", "가나", "나라", "한국"]


def test_numbers_are_grouped_as_each_language_writes_them() -> None:
    assert format_number("26000", "en") == "26,000"
    assert format_number("21.87", "fr") == "21,87"
    assert format_number("26000", "fr") == "26\u202f000"
    assert format_number("26000", "ko") == "26,000"
