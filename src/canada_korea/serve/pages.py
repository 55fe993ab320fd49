"""HTML for people: the pages of resources, terms, the ontology, the landing page, the timeline,
search and the SPARQL workbench, rendered from Jinja2 templates with autoescaping.

The server and the static site render the same pages with the same links. Links are relative
and name files, so they resolve on any static host and on the server alike:

    id/korean-war.html        the page of ckr:korean-war (English)
    id/korean-war.fr.html     the same in French (``.ko.html`` Korean)
    id/korean-war.ttl         its description in Turtle (``.jsonld``, ``.nt``)
    def/Statistic.html        an ontology term;  ontology/index.html  the ontology
    index.html, timeline.html, search.html, dumps/NAME, queries/NAME.rq, static/style.css

A page's language is part of its file name, so the language switch on every page links to the
page's variants, and every link on a page keeps its language.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from html import escape
from typing import Any

import orjson
import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, _escape_inner

from ..changelog import ReleaseChanges
from ..diff import DiffReport, Entry, display, summary
from ..memo import Memo
from . import pictures
from .description import Description, describe
from .formatting import (
    LANGUAGE_NAMES,
    MESSAGES,
    WELL_KNOWN_LABELS,
    collation_key,
    format_date,
    format_number,
    format_size,
    format_statistic,
    inverse_label,
    is_date,
    is_number,
    plural_message,
)
from .publication import (
    DCTERMS,
    LABEL,
    LANGUAGES,
    OWL,
    RDFS,
    SKOS,
    TYPE,
    XSD,
    Publication,
    matched_spans,
    node,
    query_words,
)

DESCRIPTION = ox.NamedNode(DCTERMS + "description")
IS_PART_OF = ox.NamedNode(DCTERMS + "isPartOf")
LICENCE_NAMES = {"http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0"}
HTML_ROWS = 1000
MEMO_SIZE = 1 << 16
"""Answers a renderer remembers (links, sections' places) before it forgets them all: a
server's, whose memory this bounds; a build's renderer keeps more (``site.SITE_LOOKUPS``)."""
HTML_CELL_CHARS = 2000
HTML_GRAPH_CHARS = 200_000
_WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>\\`]+", re.IGNORECASE)
LINK_OUT_SITES = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("https://www.wikidata.org/wiki/", "Wikidata"),
    ("https://sws.geonames.org/", "GeoNames"),
    ("https://www.geonames.org/", "GeoNames"),
)
"""Sites the graph links out to, named on the pages by the site and the item's identifier
("Wikidata Q8663") rather than by a raw URL."""
SEARCH_PAGE = 50
"""Results per page of a search."""
SEARCH_SCRIPT_MESSAGES = (
    "results",
    "result_one",
    "no_results",
    "results_range",
    "previous",
    "next",
    "all_classes",
    "by_class",
)
"""The words the static site's search script writes, handed to it in the page's language."""
DATE_PROPERTIES = ("date", "startDate", "endDate")
"""The ck: properties a page lists first, in this order: when, then from and until."""
CK = "https://w3id.org/canada-korea/def/"
RDF_DOCUMENTS = (
    ("ttl", "text/turtle", "Turtle"),
    ("jsonld", "application/ld+json", "JSON-LD"),
    ("nt", "application/n-triples", "N-Triples"),
)
_RESULT_DOWNLOADS = (
    ("CSV", "csv", "text/csv"),
    ("TSV", "tsv", "text/tab-separated-values"),
    ("JSON", "json", "application/sparql-results+json"),
    ("XML", "xml", "application/sparql-results+xml"),
)
_GRAPH_DOWNLOADS = tuple((name, ext, media) for ext, media, name in RDF_DOCUMENTS)
DOWNLOADS = {
    "SELECT": _RESULT_DOWNLOADS,
    "ASK": _RESULT_DOWNLOADS,
    "CONSTRUCT": _GRAPH_DOWNLOADS,
    "DESCRIBE": _GRAPH_DOWNLOADS,
}
"""The formats the workbench offers an answer in, by the query's form: name, the endpoint's
``format`` parameter, media type."""


@dataclass(frozen=True)
class Links:
    """Relative links from the page at ``path`` (``id/korean-war``: no extension) in ``lang``."""

    path: str
    lang: str

    @cached_property
    def root(self) -> str:
        return "../" * self.path.count("/")

    def page(self, target: str, lang: str | None = None) -> str:
        """The HTML page ``target`` (``id/csp``, ``index``) in ``lang`` (default: this one)."""
        lang = lang or self.lang
        return f"{self.root}{target}{'' if lang == LANGUAGES[0] else '.' + lang}.html"

    def file(self, target: str) -> str:
        """Any other file of the site, such as ``dumps/canada-korea.nt``."""
        return self.root + target


@dataclass(frozen=True)
class Source:
    """A section of a source document, as "document, section"."""

    document: Value
    section: Value


@dataclass(frozen=True)
class Value:
    """One thing shown on a page: text, where it links to, its language and machine form; for
    a property's value, the sections that state it and the inferences that hold it. ``data``
    says the text is the graph's own (a label, a literal as written), not words of the
    interface: the page marks it (``class="data"``), so a check for untranslated interface
    text can tell a Korean label that names "APEC 2025" from an English word left behind."""

    text: str
    href: str | None = None
    lang: str | None = None
    title: str | None = None
    datetime: str | None = None
    sources: tuple[Source, ...] = ()
    inferences: tuple[Value, ...] = ()
    data: bool = False


_DERIVED = frozenset({"t", "header", "footer"})
"""What a page's other values decide (see :meth:`Page.shown`)."""


@dataclass(frozen=True)
class Page:
    """A page ready to render: its template and every value the template reads. The HTML is a
    function of these and of the code alone, so a page whose values a build has seen before
    need not be rendered again (see ``canada_korea.site``)."""

    template: str
    context: dict[str, Any]

    def shown(self) -> bytes:
        """The template's name and the values, as JSON: what, with the code, decides the HTML
        (the interface strings ``t``, the header and the footer are left out: the page's
        language, links and the code decide them). A build keeps a digest of it per resource.

        The values are written by orjson, each dataclass as an object of its attributes: in
        half the time of their repr (a site fingerprints 160,000 pages at 100x). A value
        orjson cannot write stops the build with a TypeError rather than going unseen."""
        shown = {key: value for key, value in self.context.items() if key not in _DERIVED}
        return orjson.dumps([self.template, shown])


@dataclass(frozen=True)
class ChartBar:
    """One part of a total in the chart on the total's page: the part, its value as shown,
    and where its bar starts and how long it is, in percent of the total."""

    part: Value
    text: str
    start: float
    width: float


@dataclass(frozen=True)
class PartsChart:
    """The statistics that are parts of a total (``ck:partOfTotal``), drawn on its page: a
    bar per part and one stacked bar of them all; ``rest`` what the parts leave uncounted."""

    total: str
    bars: list[ChartBar]
    rest: str | None
    rest_width: float


@dataclass(frozen=True)
class SearchResult:
    """A page a search found: its link, its label cut into pieces with the matched words
    marked, its types, and its description so marked when the description matched."""

    link: Value
    label: list[tuple[str, bool]]
    types: list[Value]
    snippet: list[tuple[str, bool]]
    snippet_lang: str | None


@dataclass(frozen=True)
class Row:
    """A property and its values (or, for incoming links, the resources that use it)."""

    prop: Value
    values: list[Value]


@dataclass(frozen=True)
class ChangeRow:
    """One change of a resource as shown: its kind (added, removed, changed, moved), the
    property, the value (or old → new) and the graph it sits in (or old → new)."""

    kind: str
    predicate: Value
    values: list[Value]
    graphs: list[Value]


@dataclass(frozen=True)
class ChangedResource:
    """A resource and its changes, for the changes page."""

    resource: Value
    curie: str
    rows: list[ChangeRow]


def changed_resources(
    report: DiffReport, term: Callable[[str], Value], default_graph: str
) -> list[ChangedResource]:
    """The report by resource, each term shown by ``term`` (an N-Triples term to a Value)."""

    def graph(name: str | None) -> Value:
        return Value(default_graph) if name is None else term(name)

    def row(entry: Entry) -> ChangeRow:
        statement, old = entry.statement, entry.old
        values = [term(statement.object)]
        graphs = [] if statement.graph is None else [graph(statement.graph)]
        if old is not None and old.object != statement.object:
            values.insert(0, term(old.object))
        if old is not None and old.graph != statement.graph:
            graphs = [graph(old.graph), graph(statement.graph)]
        return ChangeRow(entry.kind, term(statement.predicate), values, graphs)

    return [
        ChangedResource(
            term(resource.subject),
            display(resource.subject),
            [row(entry) for entry in resource.entries],
        )
        for resource in report.resources()
    ]


def changes_document(report: DiffReport) -> str:
    """A diff report as a standalone HTML document (English): what ``diff --format html``
    prints. Terms are CURIEs, resources show their labels, IRIs link to themselves."""

    def term(text: str) -> Value:
        if text.startswith("<"):
            label = report.labels.get(text)
            return Value(label or display(text), href=text[1:-1], title=display(text))
        return Value(display(text))

    messages = MESSAGES["en"]
    return (
        environment()
        .get_template("diff.html")
        .render(
            t=messages,
            title=f"{report.old} → {report.new}",
            summary=summary(report),
            resources=changed_resources(report, term, messages["default_graph"]),
        )
    )


@dataclass
class TermDoc:
    """One class, property or controlled value in the ontology documentation."""

    anchor: str
    label: str
    curie: str
    iri: str
    page: str
    labels: list[tuple[str, str]]
    comments: list[tuple[str, str]]
    facts: list[Row] = field(default_factory=list)
    shapes: list[Value] = field(default_factory=list)
    count: int = 0


def page_path(publication: Publication, iri: str) -> str | None:
    """The site path of ``iri``'s page (``id/csp``), or None when it has none here."""
    if iri == publication.ontology_iri:
        return "ontology/index"
    if not publication.is_page(iri):
        return None
    for prefix, folder in (("ckr", "id/"), ("ck", "def/")):
        namespace = publication.prefixes[prefix]
        if iri.startswith(namespace):
            return folder + iri[len(namespace) :]
    return None


def escaped(value: object) -> str:
    """``value`` escaped for HTML, as ``markupsafe.escape`` escapes it, but as a plain string:
    a str is escaped, an object with ``__html__`` (a ``Markup``) is taken as it is. A build
    escapes some ten million values at 100x; ``markupsafe.escape`` wraps each answer in a new
    ``Markup`` from Python, which cost four times the escaping itself. ``_escape_inner`` is the
    C function it calls (not public API: the pin on markupsafe and a property test guard it)."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))


class _Template(Template):
    """A template whose printed values are escaped by :func:`escaped`.

    Jinja's compiled templates escape each ``{{ value }}`` with the module-level name
    ``escape`` of the code they were compiled to; this binds it to :func:`escaped`. Only
    printed values use that name: the output is joined as it is (a ``{% set %}`` block's is
    marked safe by Jinja), so plain strings print the same bytes as ``Markup`` would."""

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: Any,
        globals: Any,
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escaped
        return template


def value_html(v: Value | None) -> Markup:
    """One value as the pages show it: a link, a ``<time>`` or a ``<span>``, with its title,
    language and data mark (see :func:`_value_text`)."""
    return Markup(_value_text(v))


def _value_text(v: Value | None) -> str:
    """:func:`value_html` as a plain string, for the functions here that put it in larger
    HTML: written with f-strings over :func:`escaped` rather than as a template macro or
    ``Markup.format``, which pages would call tens of thousands of times per build at several
    times the cost (the bytes are the same); and wrapped in a ``Markup`` only where a template
    takes it, since each ``Markup`` made and added is a call into Python.

    Nothing is remembered: the server renders every value of a SPARQL answer through this
    function, so a cache of them grew with every answer for as long as the server ran; and a
    build, which renders each page once, was no faster with one."""
    if v is None:
        return ""
    title = f' title="{escaped(v.title)}"' if v.title else ""
    if v.datetime and not v.href:
        return f'<time datetime="{escaped(v.datetime)}"{title}>{escaped(v.text)}</time>'
    lang = f' lang="{escaped(v.lang)}"' if v.lang else ""
    data = ' class="data"' if v.data else ""
    if v.href:
        return f'<a href="{escaped(v.href)}"{title}{lang}{data}>{escaped(v.text)}</a>'
    return f"<span{title}{lang}{data}>{escaped(v.text)}</span>"


def values_html(values: Iterable[Value], separator: str) -> Markup:
    """``values`` each as :func:`value_html` shows it, ``separator`` (text) between them: the
    lists of types and values the templates print, in one call where a template loop asked
    Jinja for ``loop.last`` at every value."""
    return Markup(escaped(separator).join(_value_text(v) for v in values))


def cited_html(v: Value, t: dict[str, str]) -> str:
    """A property's value followed by the sections that state it and the inferences that hold
    it (``t`` the page's interface strings), as HTML in a plain string (see :func:`rows_html`)."""
    out = _value_text(v)
    if v.sources:
        sources = "; ".join(
            f'<span class="source">{_value_text(s.document)} › {_value_text(s.section)}</span>'
            for s in v.sources
        )
        out += f' <span class="stated-by" title="{escaped(t["stated_by"])}">{sources}</span>'
    if v.inferences:
        held = ", ".join(_value_text(i) for i in v.inferences)
        out += f' <span class="inferred">{escaped(t["inferred"])}: {held}</span>'
    return out


def rows_html(rows: Iterable[Row], css: str, t: dict[str, str]) -> Markup:
    """A table of properties and their values, each cited (see :func:`cited_html`)."""
    out = [f'<table class="{escaped(css)}">\n<tbody>\n']
    for row in rows:
        if len(row.values) == 1:
            values = cited_html(row.values[0], t)
        else:
            items = "".join(f"<li>{cited_html(v, t)}</li>\n" for v in row.values)
            values = f'<ul class="values">\n{items}</ul>\n'
        prop = _value_text(row.prop)
        out.append(f'<tr>\n<th scope="row">{prop}</th>\n<td>{values}</td>\n</tr>\n')
    out.append("</tbody>\n</table>")
    return Markup("".join(out))


def environment() -> Environment:
    """The templates, autoescaped, failing loudly on an undefined name; built once."""
    env = Environment(
        loader=PackageLoader("canada_korea.serve", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.template_class = _Template
    # Filters (``{{ v|value }}``), not globals: Jinja calls a filter directly, and a function a
    # template calls through its context's ``call``, about 30 times a resource page.
    env.filters["value"] = value_html
    env.filters["values"] = values_html
    env.filters["property_table"] = rows_html
    env.filters["number"] = lambda value, lang: format_number(str(value), lang)
    env.filters["quote"] = lambda text: urllib.parse.quote(text, safe="")
    return env


class Renderer:
    """Renders the pages of one publication. ``sparql`` is the href of a SPARQL endpoint
    relative to the site root (the server's ``sparql``), or None for the static site;
    ``changes_link`` whether the footer links to a changes page (the static site's, when the
    build found the release before); ``remembered`` how many answers it keeps (see
    :data:`MEMO_SIZE`)."""

    def __init__(
        self,
        publication: Publication,
        sparql: str | None = None,
        changes_link: bool = False,
        remembered: int = MEMO_SIZE,
    ) -> None:
        self.publication = publication
        self.sparql = sparql
        self.changes_link = changes_link
        self.env = environment()
        self._remembered = Memo(remembered)

    # --- the frame every page shares ---------------------------------------------------------

    def _render(self, template: str, links: Links, title: str, **context: Any) -> str:
        return self.render(self._page(template, links, title, **context))

    def render(self, page: Page) -> str:
        """The HTML of ``page``."""
        return self.env.get_template(page.template).render(page.context)

    def _page(
        self,
        template: str,
        links: Links,
        title: str,
        *,
        lang_query: str = "",
        alternates: Iterable[tuple[str, str]] = (),
        search_query: str = "",
        **context: object,
    ) -> Page:
        lang = links.lang
        lang_links = [
            (code, LANGUAGE_NAMES[code], self._variant(links, code) + lang_query, code == lang)
            for code in LANGUAGES
        ]
        frame = dict(
            lang=lang,
            t=MESSAGES[lang],
            links=links,
            search_query=search_query,
            sparql=links.file(self.sparql) if self.sparql else None,
            licence=self._licence(),
            site_version=self.version(),
            changes_link=self.changes_link,
        )
        key = (lang, links.root)
        header = (
            self._frame("_header.html", frame)
            if search_query  # a search's own page: its query is remembered nowhere
            else self._remembered(("header", *key), self._frame, "_header.html", frame)
        )
        return Page(
            template,
            dict(
                frame,
                title=title,
                lang_links=lang_links,
                alternates=list(alternates),
                dataset_iri=self.publication.dataset.iri,
                citation=self.citation(lang),
                canonical=self.canonical(links),
                header=header,
                footer=self._remembered(("footer", *key), self._frame, "_footer.html", frame),
                **context,
            ),
        )

    def _frame(self, template: str, frame: dict[str, Any]) -> Markup:
        """The page header's links and search form, or its footer: rendered once for each
        language and depth, where a build has tens of thousands of pages."""
        return Markup(self.env.get_template(template).render(frame))

    def canonical(self, links: Links) -> str | None:
        """The absolute address of this page at the publication's base, for search engines
        to list one address per page and language; None for pages made from a request (a
        search, a query)."""
        if links.path in ("search", "sparql"):
            return None
        if links.path == "index" and links.lang == LANGUAGES[0]:
            return self.publication.base
        return self.publication.base + links.page(links.path).removeprefix(links.root)

    def page_paths(self) -> list[str]:
        """Every HTML page of the site (paths without extension), in a fixed order."""
        paths = ["index", "timeline", "map", "ontology/index"]
        paths += [
            path
            for iri in [*self.publication.resources, *self.publication.terms]
            if (path := page_path(self.publication, iri)) and path not in paths
        ]
        return paths

    def sitemap(self) -> bytes:
        """The sitemap (sitemaps.org) of every page in every language, each URL with its
        language alternates, at the publication's base."""
        entries = []
        for path in self.page_paths():
            variants = {lang: self.canonical(Links(path, lang)) for lang in LANGUAGES}
            alternates = "".join(
                f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(href or "")}"/>'
                for lang, href in variants.items()
            )
            entries += [
                f"<url><loc>{escape(href or '')}</loc>{alternates}</url>"
                for href in variants.values()
            ]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(entries) + "\n</urlset>\n"
        ).encode("utf-8")

    def robots(self) -> bytes:
        """``robots.txt``: everything may be crawled except the SPARQL endpoint (answers are
        computed per request) and the search (one page per query); the sitemap's address."""
        return (
            f"User-agent: *\nDisallow: /sparql\nDisallow: /search\n\n"
            f"Sitemap: {self.publication.base}sitemap.xml\n"
        ).encode()

    def _variant(self, links: Links, lang: str) -> str:
        if links.path == "sparql":
            return f"{links.file('sparql')}?lang={lang}"
        return links.page(links.path, lang)

    def _licence(self) -> Value:
        iri = self.publication.dataset.licence
        return Value(LICENCE_NAMES.get(iri, iri), href=iri)

    def version(self) -> str:
        """The published version (the ontology's ``owl:versionInfo``), or "" when it has none.
        Remembered, as :meth:`citation` is: every page's footer and citation show them, a
        twentieth of the time to work out a resource's pages when asked anew each time."""
        return self._remembered(("version",), self._version)  # type: ignore[no-any-return]

    def _version(self) -> str:
        version = self.publication.value(self.publication.ontology_iri, node(OWL + "versionInfo"))
        return version.value if version is not None else ""

    def citation(self, lang: str = "en") -> str:
        """How to cite the dataset, in ``lang``: its title, version and IRI."""
        return self._remembered(("citation", lang), self._citation, lang)  # type: ignore[no-any-return]

    def _citation(self, lang: str) -> str:
        messages, version = MESSAGES[lang], self.version()
        return messages["citation" if version else "citation_unversioned"].format(
            title=messages["citation_title"], version=version, iri=self.publication.dataset.iri
        )

    # --- values --------------------------------------------------------------------------------

    def label(self, iri: str, lang: str) -> tuple[str, str | None]:
        """The label of ``iri`` for a page in ``lang`` and its language when it differs."""
        labels = self.publication.labels.get(iri) or WELL_KNOWN_LABELS.get(iri, {})
        if lang in labels:
            return labels[lang], None
        text = labels.get("en") or self.publication.label(iri, lang)
        actual = next((code for code, value in labels.items() if value == text), None)
        return text, (actual if actual and actual != lang else None)

    def link(self, iri: str, links: Links) -> Value:
        """A link to ``iri``: its page on this site, else the IRI itself when it is a web
        address (an IRI such as ``javascript:…`` from a SPARQL answer is shown, never linked);
        text is its label. Remembered per page language and depth: a build asks for the same
        links on thousands of pages."""
        return self._remembered(("link", iri, links.lang, links.root), self._link, iri, links)

    def _link(self, iri: str, links: Links) -> Value:
        text, text_lang = self.label(iri, links.lang)
        path = page_path(self.publication, iri)
        href = links.page(path) if path else web_address(iri)
        site = next((name for host, name in LINK_OUT_SITES if iri.startswith(host)), None)
        if site and text == iri:
            text, text_lang = f"{site} {iri.rstrip('/').rsplit('/', 1)[-1]}", None
        data = bool(self.publication.labels.get(iri)) or site is not None
        return Value(text, href=href, lang=text_lang, title=self.publication.curie(iri), data=data)

    def value(self, term: ox.NamedNode | ox.Literal | ox.BlankNode, links: Links) -> Value:
        """A term as shown: a link for an IRI, dates and numbers formatted, text as written."""
        if isinstance(term, ox.NamedNode):
            return self.link(term.value, links)
        if not isinstance(term, ox.Literal):
            return Value(f"_:{term.value}")
        if term.language:
            language = term.language if term.language != links.lang else None
            return Value(term.value, lang=language, data=True)
        datatype = term.datatype.value
        title = self.publication.curie(datatype)
        if is_date(datatype):
            return Value(
                format_date(term.value, datatype, links.lang), title=title, datetime=term.value
            )
        if is_number(datatype):
            return Value(format_number(term.value, links.lang), title=title)
        if datatype == XSD + "boolean":
            word = "yes" if term.value in ("true", "1") else "no"
            return Value(MESSAGES[links.lang][word], title=title)
        if datatype == XSD + "anyURI":
            return Value(term.value, href=web_address(term.value), title=title, data=True)
        return Value(term.value, title=None if datatype == XSD + "string" else title, data=True)

    def _sorted(self, values: Iterable[Value], lang: str) -> list[Value]:
        """``values`` in the collation of ``lang`` (see :func:`collation_key`)."""
        return sorted(
            values, key=lambda v: (collation_key(v.text, lang), v.title or "", v.href or "")
        )

    # --- a resource or term ----------------------------------------------------------------------

    def resource(self, iri: str, lang: str) -> str | None:
        """The page of a resource or ontology term, or None when the graph has nothing on it."""
        description = describe(self.publication, iri)
        path = page_path(self.publication, iri)
        if description is None or path is None:
            return None
        return self.describe(description, Links(path, lang))

    def describe(self, description: Description, links: Links) -> str:
        """The page of ``description`` (see :meth:`resource_page`)."""
        return self.render(self.resource_page(description, links))

    def resource_page(self, description: Description, links: Links) -> Page:
        """The page of ``description``: names, types, properties grouped by property and sorted
        by its label, the statistic's value, sources (document and section) and incoming links."""
        publication, lang, iri = self.publication, links.lang, description.iri
        shown_elsewhere = {TYPE, LABEL, DESCRIPTION, publication.ck("statedIn")}
        grouped: dict[ox.NamedNode, list[Value]] = defaultdict(list)
        for triple in description.own:
            if triple.predicate not in shown_elsewhere:
                grouped[triple.predicate].append(self._stated(triple, links))
        incoming: dict[ox.NamedNode, list[Value]] = defaultdict(list)
        for triple in description.incoming:
            incoming[triple.predicate].append(self.link(triple.subject.value, links))
        title, title_lang = self.label(iri, lang)
        descriptions = publication.localized(iri, DESCRIPTION)
        text = descriptions.get(lang) or descriptions.get("en")
        path = links.path
        return self._page(
            "resource.html",
            links,
            title,
            alternates=[(media, links.file(f"{path}.{ext}")) for ext, media, _ in RDF_DOCUMENTS],
            iri=iri,
            curie=publication.curie(iri),
            types=self._sorted((self.link(t, links) for t in publication.types.get(iri, [])), lang),
            names=sorted(
                publication.localized(iri, LABEL).items(),
                key=lambda item: (*LANGUAGES, item[0]).index(item[0]),
            ),
            description=text,
            description_lang=None if descriptions.get(lang) else "en",
            title_lang=title_lang,
            statistic=self._statistic(iri, lang),
            chart=self._parts_chart(iri, links),
            figures=self._compared_figures(iri, links),
            rows=self._rows(grouped, links),
            sources=self._sources(iri, links),
            incoming=self._rows(incoming, links, inverse=True),
            documents=[(name, links.file(f"{path}.{ext}")) for ext, _, name in RDF_DOCUMENTS],
            documentation=(
                links.page("ontology/index") + "#" + iri.rsplit("/", 1)[-1]
                if path.startswith("def/")
                else None
            ),
        )

    def _rows(
        self, grouped: dict[ox.NamedNode, list[Value]], links: Links, *, inverse: bool = False
    ) -> list[Row]:
        """Properties by label in the page's collation, dates first and the start before the
        end; ``inverse`` names each property as read from the object's end ("has part")."""
        keyed = []
        for predicate, values in grouped.items():
            key, prop = self._remembered(
                ("property", predicate.value, inverse, links.lang, links.root),
                self._property,
                predicate.value,
                links,
                inverse,
            )
            keyed.append((key, Row(prop, self._sorted(values, links.lang))))
        return [row for _key, row in sorted(keyed, key=lambda item: item[0])]

    def _property(
        self, predicate: str, links: Links, inverse: bool
    ) -> tuple[tuple[int, tuple[str, str], str], Value]:
        """A row's property as :meth:`_rows` shows it, and where it sorts: remembered per
        language and depth, as every page of a kind shows the same few properties."""
        prop = self.link(predicate, links)
        if inverse:
            iri = predicate.replace(self.publication.prefixes["ck"], CK)
            prop = replace(prop, text=inverse_label(iri, prop.text, links.lang))
        dates = [self.publication.ck(name).value for name in DATE_PROPERTIES]
        first = dates.index(predicate) if predicate in dates else len(dates)
        return (first, collation_key(prop.text, links.lang), prop.title or ""), prop

    def _stated(self, triple: ox.Triple, links: Links) -> Value:
        """A property's value with its own sources: the sections whose graphs hold this very
        triple, and the inferences that hold it (a value no section states is marked)."""
        graphs = self.publication.graphs_stating(triple.subject, triple.predicate, triple.object)
        key = ("citing", tuple(graphs), links.lang, links.root)
        sources, inferences = self._remembered(key, self._citing, graphs, links)
        shown = self.value(triple.object, links)
        # Made directly: dataclasses.replace checks its fields on every call, and a build makes
        # a hundred thousand of these.
        return Value(
            shown.text,
            shown.href,
            shown.lang,
            shown.title,
            shown.datetime,
            sources,
            inferences,
            shown.data,
        )

    def _citing(
        self, graphs: list[str], links: Links
    ) -> tuple[tuple[Source, ...], tuple[Value, ...]]:
        """The sections among ``graphs`` as cited, and the inferences among them as linked.
        Remembered per page language and depth: a resource's values mostly come from the same
        one or two sections, and a section states the values of many resources."""
        publication = self.publication
        inference = publication.ck("Inference").value
        inferred = [g for g in graphs if inference in publication.types.get(g, [])]
        sections = [g for g in graphs if g not in inferred]
        return tuple(self._cite(sections, links)), tuple(self.link(g, links) for g in inferred)

    def _sources(self, iri: str, links: Links) -> list[Source]:
        """Every section any statement about ``iri`` comes from (its derived ck:statedIn)."""
        sections = [s.value for s in self.publication.objects(iri, self.publication.ck("statedIn"))]
        return self._cite(sections, links)

    def _place(self, section: str) -> tuple[str | None, int]:
        """The document ``section`` is part of, and its position in it (0 when unknown)."""
        publication = self.publication
        document = publication.value(section, IS_PART_OF)
        position = publication.value(section, publication.ck("position"))
        order = int(position.value) if isinstance(position, ox.Literal) else 0
        return (document.value if document else None), order

    def _cite(self, sections: Iterable[str], links: Links) -> list[Source]:
        """Sections as "document, section", sorted by document, then by place in it."""
        cited = []
        for section in sections:
            document, order = self._remembered(("place", section), self._place, section)
            cited.append(
                (
                    self.link(document, links) if document else Value(""),
                    order,
                    self.link(section, links),
                )
            )
        cited.sort(
            key=lambda item: (collation_key(item[0].text, links.lang), item[1], item[2].text)
        )
        return [Source(document, section) for document, _order, section in cited]

    def _parts_chart(self, iri: str, links: Links) -> PartsChart | None:
        """The chart of the statistics that are parts of ``iri``, largest first, or None when
        no statistic is (a total whose value is not a number has no chart either)."""
        publication = self.publication
        total = publication.value(iri, publication.ck("value"))
        if not isinstance(total, ox.Literal):
            return None
        quads = publication.quads(None, publication.ck("partOfTotal"), node(iri))
        parts = []
        for quad in quads:
            value = publication.value(quad.subject.value, publication.ck("value"))
            if isinstance(value, ox.Literal):
                parts.append((Decimal(value.value), self.link(quad.subject.value, links)))
        if not parts or not isinstance(total, ox.Literal) or Decimal(total.value) <= 0:
            return None
        whole = Decimal(total.value)
        parts.sort(key=lambda part: (-part[0], collation_key(part[1].text, links.lang)))
        bars, start = [], 0.0
        for amount, part in parts:
            width = float(amount / whole * 100)
            bars.append(ChartBar(part, format_number(str(amount), links.lang), start, width))
            start += width
        rest = whole - sum(amount for amount, _part in parts)
        return PartsChart(
            total=format_number(total.value, links.lang),
            bars=bars,
            rest=format_number(str(rest), links.lang) if rest > 0 else None,
            rest_width=max(0.0, 100 - start),
        )

    def _statistic(self, iri: str, lang: str) -> tuple[str, str | None] | None:
        publication = self.publication
        if publication.ck("Statistic").value not in publication.types.get(iri, []):
            return None
        value = publication.value(iri, publication.ck("value"))
        if not isinstance(value, ox.Literal):
            return None

        def local(name: str) -> str | None:
            term = publication.value(iri, publication.ck(name))
            return term.value.rsplit("/", 1)[-1] if isinstance(term, ox.NamedNode) else None

        scale = publication.value(iri, publication.ck("scale"))
        factor = publication.value(scale.value, publication.ck("factor")) if scale else None
        currency = publication.value(iri, publication.ck("currency"))
        return format_statistic(
            value.value,
            lang,
            unit=local("unit"),
            currency=currency.value if currency else None,
            scale=local("scale"),
            factor=factor.value if factor else None,
            qualifier=local("qualifier"),
        )

    # --- the landing page, timeline, search ------------------------------------------------------

    def landing(self, lang: str) -> str:
        """What the dataset is, its size, classes, examples, questions, files, licence, citation."""
        publication, links = self.publication, Links("index", lang)
        dataset = publication.dataset
        title = dataset.titles.get(lang) or MESSAGES[lang]["site"]
        queries = [
            (
                named.name,
                named.description(lang),
                links.file(f"queries/{named.name}.rq"),
                workbench_href(links.file(self.sparql), named.text, ("lang", lang))
                if self.sparql
                else None,
            )
            for named in publication.queries
        ]
        return self._render(
            "landing.html",
            links,
            title,
            alternates=[("text/turtle", links.file("dumps/void.ttl"))],
            dataset=dataset,
            intro=MESSAGES[lang]["intro"],
            classes=[(self.link(cls, links), count) for cls, count in dataset.classes],
            examples=[self.link(iri, links) for iri in dataset.examples],
            documents=self._sorted((self.link(iri, links) for iri in dataset.sources), lang),
            queries=queries,
            dumps=[
                (d, links.file(f"dumps/{d.name}"), format_size(d.size, lang))
                for d in dataset.distributions
            ],
            ontology=links.page("ontology/index"),
            bibtex=self.bibtex(),
            structured_data=self.dataset_jsonld(),
        )

    def bibtex(self) -> str:
        """The citation as a BibTeX ``@misc`` entry, for reference managers."""
        version = self.version()
        fields = [
            ("title", "canada-korea: a knowledge graph of Canada--Korea relations"),
            ("author", "{The canada-korea project}"),
            ("howpublished", "\\url{" + self.publication.dataset.iri + "}"),
            ("note", "Dataset" + (f", version {version}" if version else "")),
        ]
        if version:
            fields.insert(2, ("version", version))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{canada-korea{'-' + version if version else ''},\n{body}\n}}"

    def dataset_jsonld(self) -> str:
        """The schema.org ``Dataset`` for dataset search engines, as JSON-LD text safe inside
        a ``<script type="application/ld+json">`` data block (``<`` is escaped, so no
        ``</script>`` can end it early). A data block is not executed, so the policy's
        ``script-src 'self'`` does not apply to it."""
        publication = self.publication
        dataset = publication.dataset
        base = publication.base
        coverage = publication.temporal_coverage
        data = {
            "@context": "https://schema.org/",
            "@type": "Dataset",
            "@id": dataset.iri,
            "name": dataset.titles.get("en", ""),
            "description": dataset.descriptions.get("en", ""),
            "url": base,
            "license": dataset.licence,
            "version": self.version() or None,
            "inLanguage": list(LANGUAGES),
            "isAccessibleForFree": True,
            "creator": {"@type": "Organization", "name": "The canada-korea project"},
            "distribution": [
                {
                    "@type": "DataDownload",
                    "name": d.name,
                    "contentUrl": base + d.name,
                    "encodingFormat": d.media_type,
                    "contentSize": f"{d.size} B",
                }
                for d in dataset.distributions
            ],
            "temporalCoverage": "/".join(coverage) if coverage else None,
            "spatialCoverage": [
                {"@type": "Place", "name": "Canada"},
                {"@type": "Place", "name": "Korean Peninsula"},
            ],
            "isBasedOn": [
                {
                    "@type": "CreativeWork",
                    "@id": iri,
                    "name": publication.label(iri, "en"),
                }
                for iri in dataset.sources
            ],
        }
        text = json.dumps(
            {key: value for key, value in data.items() if value is not None},
            ensure_ascii=False,
            indent=1,
        )
        return text.replace("<", "\\u003c")

    def timeline(self, lang: str) -> str:
        """Every dated event and agreement on a time axis, in date order, at the precision held,
        with a filter per class; and the same as a table below it."""
        links = Links("timeline", lang)
        publication = self.publication
        agreement = publication.ck("Agreement").value
        entries, items = [], []
        kinds: dict[str, Value] = {}
        for entry in publication.timeline:
            date, end = self.value(entry.date, links), None
            if entry.end is not None:
                end = self.value(entry.end, links)
            item = self.link(entry.iri, links)
            types = publication.types.get(entry.iri, [])
            entries.append(
                (date, end, item, self._sorted((self.link(t, links) for t in types), lang))
            )
            for type_ in types:
                kinds.setdefault(type_, self.link(type_, links))
            items.append(
                pictures.TimeItem(
                    item,
                    entry.date,
                    entry.end,
                    date.text + (f" – {end.text}" if end else ""),
                    tuple(types),
                    any(agreement in self._superclasses(type_) for type_ in types),
                )
            )
        ordered = sorted(
            kinds.items(),
            key=lambda kind: (
                agreement in self._superclasses(kind[0]),
                collation_key(kind[1].text, lang),
                kind[0],
            ),
        )
        return self._render(
            "timeline.html",
            links,
            MESSAGES[lang]["timeline"],
            entries=entries,
            picture=pictures.time_axis(items, ordered, lang),
        )

    def _superclasses(self, cls: str) -> set[str]:
        """``cls`` and every class above it (``rdfs:subClassOf*``)."""
        found, todo = set(), [cls]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo += [
                    term.value
                    for term in self.publication.objects(current, node(RDFS + "subClassOf"))
                ]
        return found

    def map_page(self, lang: str) -> str:
        """The places the documents name: those with coordinates on a map (an overview and an
        inset where they crowd) and in a table with the GeoNames feature each comes from; the
        others listed below."""
        links, publication = Links("map", lang), self.publication
        answer = publication.store.query(
            """SELECT DISTINCT ?place ?lat ?long ?source WHERE {
                ?place a ?class . ?class rdfs:subClassOf* ck:Place .
                OPTIONAL {
                    ?place <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat ;
                        <http://www.w3.org/2003/01/geo/wgs84_pos#long> ?long .
                    OPTIONAL { ?place ck:coordinatesSource ?source }
                }
            }""",
            prefixes=publication.prefixes,
        )
        placed, unplaced = [], []
        for row in answer:  # type: ignore[union-attr]
            link = self.link(row["place"].value, links)  # type: ignore[index]
            lat = pictures.coordinates(row["lat"])  # type: ignore[index]
            long = pictures.coordinates(row["long"])  # type: ignore[index]
            if lat is None or long is None:
                unplaced.append(link)
                continue
            source = row["source"]  # type: ignore[index]
            placed.append(
                (
                    pictures.MapPlace(link, lat, long),
                    self.value(row["lat"], links),  # type: ignore[index]
                    self.value(row["long"], links),  # type: ignore[index]
                    self.link(source.value, links) if source is not None else None,
                )
            )
        placed.sort(key=lambda row: (collation_key(row[0].link.text, lang), row[0].link.title))
        countries = {}
        for iri in publication.resources:
            if publication.ck("Country").value in publication.types.get(iri, []):
                names = publication.objects(iri, LABEL) + publication.objects(
                    iri, node(SKOS + "altLabel")
                )
                for name in names:
                    if isinstance(name, ox.Literal) and name.language == "en":
                        countries[name.value.casefold()] = self.link(iri, links)
        messages = MESSAGES[lang]
        return self._render(
            "map.html",
            links,
            messages["map"],
            picture=pictures.place_map(
                [row[0] for row in placed], countries, lang, messages["map_overview"]
            ),
            placed=placed,
            unplaced=self._sorted(unplaced, lang),
        )

    def _compared_figures(self, iri: str, links: Links) -> Markup | None:
        """The statistics about ``iri`` (``ck:about``) or of it (``ck:measure``, on a measure's
        page) that count the same thing, side by side as bars: people with people, amounts in
        one currency with each other (scales multiplied out). Ranks and durations are not
        drawn, and nor is a group of fewer than two. Bars follow the date when every figure
        has a distinct one (a series), else the value, largest first."""
        publication, lang = self.publication, links.lang
        statistics = sorted(
            {
                statistic
                for predicate in ("about", "measure")
                for statistic in publication.subjects(publication.ck(predicate), iri)
            }
        )
        groups: dict[tuple[str, str], list[tuple[Decimal, str, pictures.Bar]]] = defaultdict(list)
        for statistic in statistics:
            value = publication.value(statistic, publication.ck("value"))
            if not isinstance(value, ox.Literal) or not is_number(value.datatype.value):
                continue

            def local(name: str, statistic: str = statistic) -> str | None:
                term = publication.value(statistic, publication.ck(name))
                return term.value.rsplit("/", 1)[-1] if isinstance(term, ox.NamedNode) else None

            unit = local("unit")
            currency = publication.value(statistic, publication.ck("currency"))
            symbol = publication.value(statistic, publication.ck("currencySymbol"))
            if currency is not None or symbol is not None:
                key = ("money", (currency or symbol).value)  # type: ignore[union-attr]
            elif unit in ("person", "item", "kilometre", "percent"):
                key = ("unit", unit)
            else:
                continue
            scale = publication.value(statistic, publication.ck("scale"))
            factor = publication.value(scale.value, publication.ck("factor")) if scale else None
            amount = Decimal(value.value) * (Decimal(factor.value) if factor else 1)
            text = format_statistic(
                value.value,
                lang,
                unit=unit,
                currency=currency.value if currency else None,
                scale=local("scale"),
                factor=factor.value if factor else None,
                qualifier=local("qualifier"),
            )[0]
            when = publication.value(statistic, publication.ck("date"))
            link = self.link(statistic, links)
            if isinstance(when, ox.Literal) and self.value(when, links).text not in link.text:
                link = replace(link, text=f"{link.text} ({self.value(when, links).text})")
            groups[key].append(
                (
                    amount,
                    when.value if isinstance(when, ox.Literal) else "",
                    pictures.Bar(link, amount, text),
                )
            )
        charts = []
        for _key, figures in sorted(groups.items()):
            if len(figures) < 2:
                continue
            dates = [when for _amount, when, _bar in figures]
            if all(dates) and len(set(dates)) == len(dates):
                figures.sort(key=lambda figure: figure[1])
            else:
                figures.sort(key=lambda f: (-f[0], collation_key(f[2].link.text, lang)))
            charts.append(
                pictures.bar_chart(
                    [bar for _amount, _when, bar in figures], MESSAGES[lang]["figures_compared"]
                )
            )
        return Markup("\n".join(charts)) if charts else None

    def search(self, lang: str, query: str | None, *, page: int = 1, cls: str | None = None) -> str:
        """The search page: with ``query`` the results (server), the true total, the classes
        of what matched with their counts (``cls``, a CURIE, keeps one), :data:`SEARCH_PAGE`
        results per ``page`` and the matched words marked; without it the form and the script
        that does the same over the index in the browser (static site)."""
        links, messages = Links("search", lang), MESSAGES[lang]
        if query is None:
            return self._render(
                "search.html",
                links,
                messages["search"],
                results=None,
                search_query="",
                search_messages=json.dumps(
                    {key: messages[key] for key in SEARCH_SCRIPT_MESSAGES}, ensure_ascii=False
                ),
            )
        publication = self.publication
        found = publication.search(query)
        counts: dict[str, int] = defaultdict(int)
        for iri in found:
            for type_ in publication.types.get(iri, []):
                counts[type_] += 1
        chosen = [
            iri
            for iri in found
            if cls is None or cls in map(publication.curie, publication.types.get(iri, []))
        ]
        pages = max(1, -(-len(chosen) // SEARCH_PAGE))
        page = min(max(page, 1), pages)
        shown = chosen[(page - 1) * SEARCH_PAGE : page * SEARCH_PAGE]
        words = query_words(query)

        def href(**changes: object) -> str:
            params = {"q": query, "class": cls, "page": None, **changes}
            kept = {name: value for name, value in params.items() if value not in (None, 1)}
            return links.page("search") + "?" + urllib.parse.urlencode(kept)

        facets = sorted(
            (
                (self.link(type_, links), count, href(**{"class": publication.curie(type_)}))
                for type_, count in counts.items()
            ),
            key=lambda facet: (-facet[1], collation_key(facet[0].text, lang)),
        )
        results = []
        for iri in shown:
            descriptions = publication.localized(iri, DESCRIPTION) or publication.localized(
                iri, node(RDFS + "comment")
            )
            text = descriptions.get(lang) or descriptions.get("en", "")
            snippet = matched_spans(text, words) if text else []
            results.append(
                SearchResult(
                    link=self.link(iri, links),
                    label=matched_spans(self.link(iri, links).text, words),
                    types=self._sorted(
                        (self.link(t, links) for t in publication.types.get(iri, [])), lang
                    ),
                    snippet=snippet if any(hit for _piece, hit in snippet) else [],
                    snippet_lang=None if lang in descriptions else "en",
                )
            )
        count = len(chosen)
        summary = plural_message(lang, "results", count) if count else messages["no_results"]
        first = (page - 1) * SEARCH_PAGE + 1
        return self._render(
            "search.html",
            links,
            messages["search"],
            lang_query="?" + urllib.parse.urlencode({"q": query}),
            search_query=query,
            summary=summary.format(count=format_number(str(count), lang), query=query),
            range_text=messages["results_range"].format(
                first=format_number(str(first), lang),
                last=format_number(str(first + len(shown) - 1), lang),
            )
            if pages > 1
            else "",
            results=results,
            facets=facets,
            all_href=href(**{"class": None}),
            total=len(found),
            current_class=cls,
            previous=href(page=page - 1) if page > 1 else None,
            next=href(page=page + 1) if page < pages else None,
        )

    def search_index(self) -> bytes:
        """What the static site's search script needs: per page, the folded labels and
        descriptions it matches, the label and description in each language, its path and
        its classes; and per class, its CURIE and label in each language."""
        publication = self.publication
        classes = sorted(
            {
                t
                for entry in publication.search_entries
                for t in publication.types.get(entry.iri, [])
            }
        )
        entries = []
        for entry in publication.search_entries:
            descriptions = publication.localized(entry.iri, DESCRIPTION) or publication.localized(
                entry.iri, node(RDFS + "comment")
            )
            entries.append(
                {
                    "k": list(entry.keys),
                    "x": list(entry.texts),
                    "l": {lang: self.label(entry.iri, lang)[0] for lang in LANGUAGES},
                    "d": {lang: descriptions[lang] for lang in LANGUAGES if lang in descriptions},
                    "p": page_path(publication, entry.iri),
                    "c": sorted(classes.index(t) for t in publication.types.get(entry.iri, [])),
                }
            )
        index = {
            "classes": [
                {
                    "curie": publication.curie(cls),
                    "l": {lang: self.label(cls, lang)[0] for lang in LANGUAGES},
                    "p": page_path(publication, cls),
                }
                for cls in classes
            ],
            "entries": entries,
        }
        # orjson: the standard library took a tenth of the index's time at 100x (0.4 s).
        return orjson.dumps(index, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)

    def changes(self, lang: str, changes: ReleaseChanges) -> str:
        """What changed since the release before: the counts, then each resource's changes."""
        links, messages = Links("changes", lang), MESSAGES[lang]
        release, report = changes.baseline.release, changes.report
        if changes.baseline.version:
            title = messages["changes_in"].format(version=changes.baseline.version)
        else:
            title = messages["changes_since"].format(version=release.version)
        counts = {
            "added": len(report.added),
            "removed": len(report.removed),
            "changed": len(report.changed),
            "values": len(report.value_changes),
            "sources": len(report.source_changes),
            "resources": len(report.resources()),
        }
        text = messages["changes_summary"].format(
            version=release.version,
            date=format_date(release.date, XSD + "date", lang),
            **{name: format_number(str(count), lang) for name, count in counts.items()},
        )

        def term(text: str) -> Value:
            if text.startswith("<"):
                return self.link(text[1:-1], links)
            return Value(display(text), data=True)

        return self._render(
            "changes.html",
            links,
            title,
            summary=text if report.differs else messages["no_changes"],
            resources=changed_resources(report, term, messages["default_graph"]),
        )

    # --- the ontology ----------------------------------------------------------------------------

    def ontology(self, lang: str) -> str:
        """The ontology documentation: every class, property and controlled value with its
        labels and comments in English and French, hierarchy, domain, range, the shapes that
        constrain it and how often the data uses it."""
        publication, links = self.publication, Links("ontology/index", lang)
        iri = publication.ontology_iri
        classes = publication.terms_of_kind(OWL + "Class")
        object_properties = publication.terms_of_kind(OWL + "ObjectProperty")
        datatype_properties = publication.terms_of_kind(OWL + "DatatypeProperty")
        kinds = set(classes) | set(object_properties) | set(datatype_properties)
        values = [term for term in publication.terms if term not in kinds]
        sections = [
            ("classes", self._term_docs(classes, links, "class")),
            ("object_properties", self._term_docs(object_properties, links, "property")),
            ("datatype_properties", self._term_docs(datatype_properties, links, "property")),
            ("values", self._term_docs(values, links, "value")),
        ]
        titles = publication.localized(iri, node(DCTERMS + "title"))
        descriptions = publication.localized(iri, DESCRIPTION)
        version = publication.value(iri, node(OWL + "versionInfo"))
        return self._render(
            "ontology.html",
            links,
            titles.get(lang) or titles.get("en", ""),
            alternates=[("text/turtle", links.file("dumps/ontology.ttl"))],
            iri=iri,
            description=descriptions.get(lang) or descriptions.get("en", ""),
            version=version.value if version else "",
            sections=sections,
            downloads=[
                (name, links.file(f"dumps/{name}")) for name in ("ontology.ttl", "shapes.ttl")
            ],
        )

    def _term_docs(self, terms: list[str], links: Links, kind: str) -> list[TermDoc]:
        publication, lang = self.publication, links.lang
        messages = MESSAGES[lang]
        docs = []
        for iri in terms:
            anchor = iri.rsplit("/", 1)[-1]
            doc = TermDoc(
                anchor=anchor,
                label=self.label(iri, lang)[0],
                curie=publication.curie(iri),
                iri=iri,
                page=links.page(f"def/{anchor}"),
                labels=sorted(publication.localized(iri, LABEL).items()),
                comments=sorted(publication.localized(iri, node(RDFS + "comment")).items()),
            )
            facts = [
                ("superclasses", publication.objects(iri, node(RDFS + "subClassOf"))),
                ("superproperties", publication.objects(iri, node(RDFS + "subPropertyOf"))),
                ("subclasses", self._subjects(iri, RDFS + "subClassOf")),
                ("domain", publication.objects(iri, node(RDFS + "domain"))),
                ("range", publication.objects(iri, node(RDFS + "range"))),
            ]
            doc.facts = [
                Row(
                    Value(messages[name]),
                    self._sorted((self._doc_link(t, links) for t in terms_), lang),
                )
                for name, terms_ in facts
                if terms_
            ]
            doc.shapes = [
                Value(
                    note.translations.get(lang, note.text),
                    title=publication.curie(note.iri),
                    lang=None if lang in note.translations or lang == "en" else "en",
                )
                for note in publication.shape_notes.get(iri, [])
            ]
            if kind == "class":
                doc.count = publication.count_instances(iri)
            elif kind == "property":
                doc.count = publication.count_uses(iri)
            else:
                doc.count = sum(1 for _ in publication.quads(None, None, node(iri)))
            docs.append(doc)
        return sorted(docs, key=lambda doc: (collation_key(doc.label, lang), doc.iri))

    def _subjects(self, iri: str, predicate: str) -> list[ox.NamedNode]:
        quads = self.publication.quads(None, node(predicate), node(iri))
        return sorted((quad.subject for quad in quads), key=str)  # type: ignore[misc]

    def _doc_link(self, term: ox.NamedNode | ox.Literal, links: Links) -> Value:
        """Within the ontology documentation a term links to its entry on the same page."""
        value = self.value(term, links)
        if isinstance(term, ox.NamedNode) and term.value in self.publication.terms:
            return Value(value.text, href="#" + term.value.rsplit("/", 1)[-1], title=value.title)
        return value

    # --- the lists of resources and terms --------------------------------------------------------

    def listing(self, folder: str, lang: str) -> str:
        """Every resource (``folder`` ``id/``) or ontology term (``def/``) with its types, by
        label: what the server answers at ``/id/`` and ``/def/``."""
        publication, links = self.publication, Links(folder + "index", lang)
        members = publication.resources if folder == "id/" else publication.terms
        entries = sorted(
            (
                (
                    self.link(iri, links),
                    self._sorted(
                        (self.link(t, links) for t in publication.types.get(iri, [])), lang
                    ),
                )
                for iri in members
            ),
            key=lambda entry: (collation_key(entry[0].text, lang), entry[0].title or ""),
        )
        documents = [
            (media, name, links.file(f"{folder}index.{ext}")) for ext, media, name in RDF_DOCUMENTS
        ]
        return self._render(
            "list.html",
            links,
            MESSAGES[lang]["resources" if folder == "id/" else "terms"],
            alternates=[(media, href) for media, _name, href in documents],
            entries=entries,
            documents=[(name, href) for _media, name, href in documents],
        )

    # --- SPARQL and errors -----------------------------------------------------------------------

    def sparql_page(
        self,
        lang: str,
        query: str,
        *,
        answer: dict[str, object] | None = None,
        graph: str | None = None,
        error: str | None = None,
        form: str | None = None,
        seconds: float | None = None,
        dataset: Sequence[tuple[str, str]] = (),
    ) -> str:
        """The SPARQL workbench: the editor with ``query``, the prefixes the endpoint
        predeclares, the named queries to start from and, when a query was run, its answer:
        ``answer`` a SPARQL JSON results document, ``graph`` Turtle text, ``error`` the message
        of a refused query. ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE) chooses the download
        formats offered, ``seconds`` is the time the server took, and ``dataset`` the
        ``default-graph-uri`` and ``named-graph-uri`` parameters every link to the same answer
        (permalink, downloads, language switch) keeps.

        The page is bounded whatever the answer: at most :data:`HTML_ROWS` rows, each value cut
        at :data:`HTML_CELL_CHARS` characters and a graph at :data:`HTML_GRAPH_CHARS`, each cut
        said on the page (the downloads carry the whole answer)."""
        links = Links("sparql", lang)
        messages = MESSAGES[lang]
        endpoint = links.file(self.sparql or "sparql")

        def href(*parameters: tuple[str, str]) -> str:
            return workbench_href(endpoint, query, *dataset, *parameters)

        table = None
        boolean = None
        shown = None
        picture = None
        counted = None
        if answer is not None:
            if "boolean" in answer:
                boolean = messages["yes" if answer["boolean"] else "no"]
            else:
                table, total = self._result_table(answer, links)
                counted = self._count(lang, "rows", total)
                picture = self._picture(answer, lang)
                if total > len(table[1]):
                    shown = messages["shown_rows"].format(
                        shown=format_number(str(len(table[1])), lang),
                        rows=format_number(str(total), lang),
                    )
        if graph is not None:
            triples = sum(1 for _ in ox.parse(graph.encode("utf-8"), format=ox.RdfFormat.TURTLE))
            counted = self._count(lang, "triples", triples)
            if len(graph) > HTML_GRAPH_CHARS:
                shown = messages["shown_characters"].format(
                    shown=format_number(str(HTML_GRAPH_CHARS), lang),
                    total=format_number(str(len(graph)), lang),
                )
                graph = graph[:HTML_GRAPH_CHARS]
        took = None
        if seconds is not None:
            took = messages["took"].format(seconds=format_number(f"{seconds:.3f}", lang))
        formats = DOWNLOADS.get(form or "", ())
        ran = answer is not None or graph is not None or error is not None
        return self._render(
            "sparql.html",
            links,
            MESSAGES[lang]["query_form"],
            lang_query="&" + query_string(query, *dataset) if ran else "",
            query=query,
            table=table,
            boolean=boolean,
            graph=graph,
            error=error,
            shown=shown,
            picture=picture,
            summary=[part for part in (counted, took) if part],
            downloads=[(name, href(("format", ext)), media) for name, ext, media in formats],
            permalink=href() if ran else None,
            prefixes="".join(
                f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in self.publication.prefixes.items()
            ),
            named_queries=[
                (
                    named.name,
                    named.description(lang),
                    workbench_href(endpoint, named.text, ("lang", lang)),
                )
                for named in self.publication.queries
            ],
        )

    @staticmethod
    def _count(lang: str, key: str, count: int) -> str:
        """``12 rows``, ``1 triple``: a count with the language's plural and separators."""
        return plural_message(lang, key, count).format(count=format_number(str(count), lang))

    def _picture(self, answer: dict[str, object], lang: str) -> Markup | None:
        """A picture of a SELECT answer shown above its table (a map, a time axis, a bar
        chart; see ``pictures.result_picture``), or None when its shape has none."""
        variables: list[str] = answer["head"]["vars"]  # type: ignore[index]
        bindings: list[dict[str, dict[str, str]]] = answer["results"]["bindings"]  # type: ignore[index]
        if len(bindings) > pictures.RESULT_ROWS:
            return None
        rows = [{name: _json_term(term) for name, term in binding.items()} for binding in bindings]
        return pictures.result_picture(variables, rows, lang)  # type: ignore[arg-type]

    def _result_table(
        self, answer: dict[str, object], links: Links
    ) -> tuple[tuple[list[str], list[list[Value | None]]], int]:
        """The first :data:`HTML_ROWS` rows as values, long ones cut; and the number of rows."""
        variables: list[str] = answer["head"]["vars"]  # type: ignore[index]
        bindings: list[dict[str, dict[str, str]]] = answer["results"]["bindings"]  # type: ignore[index]
        cut = MESSAGES[links.lang]["cut"]
        rows = []
        for binding in bindings[:HTML_ROWS]:
            row: list[Value | None] = []
            for name in variables:
                term = binding.get(name)
                value = None if term is None else self.value(_json_term(term), links)
                if value is not None and len(value.text) > HTML_CELL_CHARS:
                    more = format_number(str(len(value.text) - HTML_CELL_CHARS), links.lang)
                    value = replace(
                        value, text=value.text[:HTML_CELL_CHARS] + cut.format(more=more)
                    )
                row.append(value)
            rows.append(row)
        return (variables, rows), len(bindings)

    def error(self, lang: str, status: int, message: str, path: str = "index") -> str:
        """An error page: the status, and what went wrong in a sentence."""
        return self._render(
            "error.html",
            Links(path, lang),
            f"{status} {MESSAGES[lang]['error']}",
            status=status,
            message=message,
        )


def workbench_href(endpoint: str, query: str, *parameters: tuple[str, str]) -> str:
    """The GET address of ``query`` on the endpoint at ``endpoint`` with more ``parameters``:
    for a browser the workbench with the query and its answer, for anyone else the answer."""
    return f"{endpoint}?{query_string(query, *parameters)}"


def query_string(query: str, *parameters: tuple[str, str]) -> str:
    """``query=…`` and the other ``parameters``, spaces as ``%20`` as in the protocol's
    examples (``+`` would be read the same, but reads worse in a permalink)."""
    pairs = [("query", query), *parameters]
    return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)


def web_address(iri: str) -> str | None:
    """``iri`` when a browser may follow it as a link: an http(s) URL with nothing a browser
    would drop or read differently (spaces, controls, quotes). Anything else (``javascript:``,
    ``data:``, ``file:``) is shown as text."""
    return iri if _WEB_ADDRESS.fullmatch(iri) else None


def _json_term(term: dict[str, str]) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A term of a SPARQL JSON result as a pyoxigraph term."""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in term:
        return ox.Literal(value, language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(value, datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(value)
