"""The Turtle and TriG sources are written for people, the same way everywhere (see
CONTRIBUTING.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Dataset

from canada_korea.namespaces import PREFIXES

from .conftest import ROOT

TURTLE = sorted(
    [*ROOT.glob("ontology/*.ttl"), *ROOT.glob("data/*.trig"), *ROOT.glob("shapes/*.ttl")]
)
PREFIX_LINE = re.compile(r"^@prefix (\w*): <([^>]*)> \.$")


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_turtle_file_opens_with_a_comment_and_canonical_prefixes(path: Path) -> None:
    lines = path.read_text("utf-8").splitlines()
    assert lines[0].startswith("# "), "open with a comment naming the topic and its sources"
    declared = [PREFIX_LINE.match(line).groups() for line in lines if line.startswith("@prefix")]
    canonical = [entry for entry in PREFIXES if entry in declared]
    assert declared == canonical, "use the canonical prefixes, in the canonical order"


@pytest.mark.parametrize("path", sorted(ROOT.glob("data/*.trig")), ids=lambda p: p.name)
def test_data_file_has_no_blank_nodes_and_uses_its_prefixes(path: Path) -> None:
    dataset = Dataset().parse(path, format="trig")
    assert not [q for q in dataset.quads() if any(isinstance(term, BNode) for term in q[:3])]
    text = path.read_text("utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    for prefix, _iri in PREFIXES:
        if f"@prefix {prefix}:" in text:
            assert re.search(rf"(^|[\s(,;^]){prefix}:", body, re.M), f"unused prefix {prefix}:"


def test_every_resource_is_defined_in_one_file_only() -> None:
    """A resource's `a` block lives in one file; others may only add triples to it."""
    owners: dict[str, str] = {}
    clashes = []
    for path in sorted(ROOT.glob("data/*.trig")):
        for match in re.finditer(r"^(ckr:[\w-]+) a ", path.read_text("utf-8"), re.M):
            if match.group(1) in owners:
                clashes.append((match.group(1), owners[match.group(1)], path.name))
            owners[match.group(1)] = path.name
    assert not clashes
