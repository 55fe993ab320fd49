"""Every page reads in English, French and Korean: the ontology's terms and the resources are
named in the three languages, the interface's strings, the named queries' descriptions and the
shapes' sentences exist in each, values are formatted and sorted as each language writes them
(dates, numbers, money in Korean myriads), and relations read in the right direction from both
ends."""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, RDFS, Graph, URIRef

from canada_korea.load import Project
from canada_korea.pipeline import BuildReport
from canada_korea.query import named_queries
from canada_korea.serve.formatting import (
    MESSAGES,
    WELL_KNOWN_LABELS,
    XSD,
    collation_key,
    format_date,
    format_number,
    format_statistic,
    korean_amount,
    status_sentence,
)
from canada_korea.serve.publication import Publication

from .conftest import ROOT

CK = "https://w3id.org/canada-korea/def/"
ID = "https://w3id.org/canada-korea/id/"


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


def test_every_resource_is_named_in_english_french_and_korean(source_graph: Graph) -> None:
    """Resources are named in the reader's language; source documents and their sections
    keep the title the document prints (a citation names a work as published)."""
    kept = {URIRef(CK + "SourceDocument"), URIRef(CK + "Section")}
    missing = []
    for subject in sorted(set(source_graph.subjects(RDFS.label))):
        if not str(subject).startswith(ID) or kept & set(source_graph.objects(subject, RDF.type)):
            continue
        languages = {label.language for label in source_graph.objects(subject, RDFS.label)}
        if lacking := sorted({"en", "fr", "ko"} - languages):
            missing.append((str(subject).removeprefix(ID), lacking))
    assert not missing, missing


def test_every_interface_string_exists_in_the_three_languages() -> None:
    keys = {lang: set(messages) for lang, messages in MESSAGES.items()}
    assert keys["fr"] == keys["en"] == keys["ko"]
    for iri, names in WELL_KNOWN_LABELS.items():
        assert set(names) == {"en", "fr", "ko"}, iri


def test_named_queries_are_described_in_the_three_languages(project: Project) -> None:
    for named in named_queries(project):
        assert named.text.splitlines()[0] == f"# {named.description}", "English stays first"
        assert named.description("en") == named.description
        for lang in ("fr", "ko"):
            assert named.description(lang) != named.description, (named.name, lang)
    first = named_queries(project)[0]
    assert first.description("de") == first.description, "English when there is none"


def test_shape_notes_read_in_french_and_korean(built: BuildReport) -> None:
    """The sentence that says what a shape checks, shown on the ontology's pages, is written
    in every language of the pages."""
    publication = Publication(built.dist, [])
    notes = {note.iri: note for notes in publication.shape_notes.values() for note in notes}
    assert notes
    lacking = [iri for iri, note in notes.items() if set(note.translations) != {"fr", "ko"}]
    assert not lacking, lacking
    # The English is the sentence the translations translate: a shape with both a comment and
    # a message showed its message in English and its comment in French and Korean.
    shapes = Graph().parse(built.dist / "shapes.ttl", format="turtle")
    for iri, note in notes.items():
        comments = {
            str(c) for c in shapes.objects(URIRef(iri), RDFS.comment) if c.language in ("en", None)
        }
        if comments:
            assert note.text in comments, iri


def test_korean_counts_money_in_myriads_and_names_the_currency() -> None:
    trade = format_statistic("21.87", "ko", currency="CAD", scale="billion", factor="1000000000")
    assert trade == ("218억 7,000만 캐나다 달러", None)
    assert korean_amount(Decimal("47400000")) == "4,740만"
    assert korean_amount(Decimal("-4600000000")) == "-46억"
    assert korean_amount(Decimal("9999")) == "9,999"
    assert (
        format_statistic("21.87", "fr", currency="CAD", scale="billion", factor="1000000000")[1]
        == "21\u202f870\u202f000\u202f000 CAD"
    )


def test_dates_read_as_each_language_writes_them() -> None:
    assert format_date("2022-09", XSD + "gYearMonth", "ko") == "2022년 9월"
    assert format_date("1953-07-27", XSD + "date", "ko") == "1953년 7월 27일"
    assert format_date("1950", XSD + "gYear", "ko") == "1950년"
    assert format_date("2022-09-01", XSD + "date", "fr") == "1er septembre 2022"
    assert format_date("--11-11", XSD + "gMonthDay", "fr") == "11 novembre"


def test_error_pages_say_what_happened_in_the_readers_words() -> None:
    assert status_sentence("ko", 404, "/x") == "/x에 게시된 항목이 없습니다."
    assert status_sentence("fr", 418, "/x") == MESSAGES["fr"]["status_other"]
