"""The graph against the documents: every number and date a section's graph holds is printed in
that section, and every number and year the section prints is in its graph or in the reasoned
list of exclusions (``tests/cases/fidelity-exclusions.toml``).

The documents are read where they lie beside the checkout (``../shared/seeds/``); they are
never copied into the project, so without them these tests skip and say why. A section's text
runs from its heading (its ``rdfs:label``, found as a whole line after the previous section's)
to the next section's heading.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from canada_korea.namespaces import CK
from canada_korea.provenance import graph_name, sections

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
EXCLUSIONS = Path(__file__).parent / "cases" / "fidelity-exclusions.toml"
MONTHS = list(calendar.month_name)[1:]
"""English month names (the C locale's, which the documents use)."""
WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "first": 1, "second": 2, "third": 3,
    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "dozen": 12, "decades": 20, "decade": 10,
}  # fmt: skip
NUMBER = re.compile(r"(?<![\w.+])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:st|nd|rd|th)?(?![\w+])")
NUMERIC = {XSD.integer, XSD.decimal, XSD.nonNegativeInteger, XSD.positiveInteger}
DATES = {XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay}
STRUCTURAL = {CK.position}
"""Numbers that order things rather than state them (a provision's place in its list)."""

# Sections whose text has no heading line of its own: where their text starts.
UNHEADED = {"cgai-defence-cooperation--page-record": "Showing 1 reaction"}

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the source documents are not beside the checkout ({SEEDS})"
)


@dataclass(frozen=True)
class Value:
    """A number or date in a section's graph, with the triple that holds it."""

    triple: str
    literal: Literal


def _section_texts(dataset: Dataset) -> dict[URIRef, str]:
    """Each section's text, cut from its document at the headings."""
    texts: dict[URIRef, str] = {}
    for document in set(dataset.subjects(RDF.type, CK.SourceDocument)):
        name = str(dataset.value(document, CK.fileName))
        text = (SEEDS / name).read_text("utf-8")
        lines = text.splitlines()
        parts = sorted(
            (int(dataset.value(section, CK.position)), section)  # type: ignore[arg-type]
            for section in dataset.subjects(DCTERMS.isPartOf, document)
        )
        starts: list[tuple[int, URIRef]] = []
        cursor = 0
        for _position, section in parts:
            slug = str(section).rsplit("/", 1)[1]
            heading = UNHEADED.get(slug, str(dataset.value(section, RDFS.label)))
            found = next(
                (n for n in range(cursor, len(lines)) if lines[n].strip() == heading.strip()),
                None,
            )
            if found is None and len(parts) == 1:
                found = 0
            assert found is not None, f"{slug}: heading {heading!r} not found in {name}"
            starts.append((found, section))
            cursor = found + 1
        for index, (start, section) in enumerate(starts):
            end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
            texts[section] = "\n".join(lines[start:end])
    return texts


def _printed_numbers(text: str) -> set[Decimal]:
    numbers = set()
    for match in NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        numbers.add(Decimal(f"{whole}.{match.group(2)}" if match.group(2) else whole))
    return numbers


def _is_printed(literal: Literal, text: str, numbers: set[Decimal]) -> bool:
    """Whether ``text`` prints ``literal``: a number in digits (any thousands separators, at any
    scale) or in words; a date's year, month name and day."""
    lexical = str(literal)
    if literal.datatype == XSD.gMonthDay:
        month, day = lexical.removeprefix("--").split("-")[:2]
        return MONTHS[int(month) - 1] in text and Decimal(int(day[:2])) in numbers
    if literal.datatype in DATES:
        year, _, rest = lexical.lstrip("-").partition("-")
        if Decimal(year) not in numbers:
            return False
        if not rest:
            return True
        month, _, day = rest.partition("-")
        if MONTHS[int(month) - 1] not in text:
            return False
        return not day or Decimal(int(day)) in numbers
    value = Decimal(lexical)
    if value in numbers:
        return True
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    return any(WORDS.get(word) == value for word in words)


def _values(dataset: Dataset, section: URIRef) -> list[Value]:
    values = []
    for s, p, o in dataset.graph(section):
        if p in STRUCTURAL or not isinstance(o, Literal):
            continue
        if o.datatype in NUMERIC or o.datatype in DATES:
            names = dataset.namespace_manager
            values.append(Value(f"{s.n3(names)} {p.n3(names)} {o.n3(names)}", o))
    return values


def _graph_numbers(dataset: Dataset, section: URIRef) -> set[Decimal]:
    """The numbers a section's graph accounts for: numeric values, and a date's year and day."""
    numbers = set()
    for value in _values(dataset, section):
        lexical = str(value.literal)
        if value.literal.datatype == XSD.gMonthDay:
            numbers.add(Decimal(int(lexical.removeprefix("--").split("-")[1][:2])))
        elif value.literal.datatype in DATES:
            year, _, rest = lexical.lstrip("-").partition("-")
            numbers.add(Decimal(year))
            _month, _, day = rest.partition("-")
            if day:
                numbers.add(Decimal(int(day)))
        else:
            numbers.add(Decimal(lexical))
    return numbers


def _exclusions() -> dict[str, dict[Decimal, str]]:
    table = tomllib.loads(EXCLUSIONS.read_text("utf-8"))
    excluded: dict[str, dict[Decimal, str]] = {}
    for item in table["exclusion"]:
        assert item["reason"].strip(), f"exclusion without a reason: {item}"
        excluded.setdefault(item["section"], {})[Decimal(item["value"])] = item["reason"]
    return excluded


@pytest.fixture(scope="module")
def texts(source_dataset: Dataset) -> dict[URIRef, str]:
    return _section_texts(source_dataset)


def test_every_section_is_found_in_its_document(
    source_dataset: Dataset, texts: dict[URIRef, str]
) -> None:
    assert set(texts) == sections(source_dataset)


def test_every_number_and_date_in_a_section_graph_is_printed_in_that_section(
    source_dataset: Dataset, texts: dict[URIRef, str]
) -> None:
    unprinted = []
    for section, text in sorted(texts.items()):
        numbers = _printed_numbers(text)
        for value in _values(source_dataset, section):
            if not _is_printed(value.literal, text, numbers):
                unprinted.append(f"{section.rsplit('/', 1)[1]}: {value.triple}")
    assert not unprinted, "values the section does not print:\n" + "\n".join(sorted(unprinted))


def test_every_number_a_section_prints_is_in_its_graph_or_excluded(
    source_dataset: Dataset, texts: dict[URIRef, str]
) -> None:
    excluded = _exclusions()
    missing = []
    for section, text in sorted(texts.items()):
        slug = section.rsplit("/", 1)[1]
        known = _graph_numbers(source_dataset, section)
        for number in sorted(_printed_numbers(text)):
            if number not in known and number not in excluded.get(slug, {}):
                missing.append(f"{slug}: {number}")
    assert not missing, "printed but neither in the graph nor excluded:\n" + "\n".join(missing)


def test_every_exclusion_names_a_printed_number_the_graph_lacks(
    source_dataset: Dataset, texts: dict[URIRef, str]
) -> None:
    """The list stays short and true: no stale entry for a value since modelled or misspelt."""
    by_slug = {section.rsplit("/", 1)[1]: section for section in texts}
    stale = []
    for slug, values in _exclusions().items():
        section = by_slug.get(slug)
        if section is None:
            stale.append(f"{slug}: no such section")
            continue
        printed = _printed_numbers(texts[section])
        known = _graph_numbers(source_dataset, section)
        stale += [f"{slug}: {v}" for v in values if v not in printed or v in known]
    assert not stale, "stale exclusions:\n" + "\n".join(stale)


def test_inferred_triples_sit_in_no_section_graph(source_dataset: Dataset) -> None:
    known = sections(source_dataset)
    inferred = {
        (s, p, o)
        for s, p, o, g in source_dataset.quads((None, None, None, None))
        if graph_name(g) in set(source_dataset.subjects(RDF.type, CK.Inference))
    }
    stated = {
        (s, p, o)
        for s, p, o, g in source_dataset.quads((None, None, None, None))
        if graph_name(g) in known
    }
    assert not inferred & stated
