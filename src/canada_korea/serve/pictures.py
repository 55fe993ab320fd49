"""Pictures drawn by the project itself: the time axis of the timeline, the map of places, bar
charts of figures, and a picture of a SPARQL answer when its shape allows one.

Every picture is SVG written here, inside HTML, and styled by classes from ``style.css``: no
script, no ``style`` attribute or element, no third-party service at view time, so the pages
keep the site's Content-Security-Policy (``style-src 'self'; script-src 'self'``) on the
server and on any static host. Charting libraries were tried and set aside: pygal writes a
``<style>`` and a ``<script>`` element into each chart and stamps it with a random id and the
date, which the policy blocks and which would make the static site differ between builds.

Output is deterministic: positions are written with fixed decimals from sorted inputs.

- The time axis places each item at the start of its period, and draws the period at the
  precision the graph holds (a year or a month as the whole period, a day as a dot, a range
  from its start to the end of its end's period). Each row is HTML (its label wraps on a
  phone) above an SVG track whose coordinates are percentages of its width, so text never
  scales. Kinds are filtered by checkboxes and the CSS ``:has()`` rules in ``style.css``.
- The map draws country outlines from the ``countryinfo`` package (Natural Earth 1:110m,
  through johan/world.geo.json), in a Pacific-centred equirectangular projection, and the
  places at their recorded ``geo:lat``/``geo:long``; places too close to tell apart get an
  inset of their own.
- Bar charts are rows of a table: the label (HTML, linked), a bar, the value as the page's
  language writes it.
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Protocol

import pyoxigraph as ox
from markupsafe import Markup, escape

from .formatting import MESSAGES, XSD, format_date, format_number, is_number

KIND_SLOTS = 24
"""Kinds the timeline can filter: ``style.css`` has a rule for each slot ``k0`` … ``k23``."""
RESULT_ROWS = 200
"""A SPARQL answer with more rows than this is not drawn: a picture of it would be a blur."""
DATE_TYPES = (XSD + "date", XSD + "gYearMonth", XSD + "gYear")


class Linked(Protocol):
    """What a picture needs of a link (``pages.Value`` is one): text, target, language, title."""

    @property
    def text(self) -> str: ...
    @property
    def href(self) -> str | None: ...
    @property
    def lang(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...


@dataclass(frozen=True)
class Label:
    """A plain :class:`Linked`, for labels made here (from a SPARQL answer: data, so
    ``data``)."""

    text: str
    href: str | None = None
    lang: str | None = None
    title: str | None = None
    data: bool = True


def _is_data(link: Linked) -> bool:
    """Whether ``link``'s text is the graph's (a label, a literal), not the interface's: marked
    ``class="data"`` as the templates mark it, so checks of the interface's language skip it."""
    return bool(getattr(link, "data", False))


def _link(link: Linked, inner: Markup | None = None, css: str = "") -> Markup:
    """``inner`` (by default the link's text) in an ``<a>`` to ``link.href``, with its language
    and title; without an address, as is (the text as :func:`_text`)."""
    if not link.href:
        return _text(link) if inner is None else inner
    if inner is None:
        inner = escape(link.text)
    attributes = [f'href="{escape(link.href)}"']
    if link.title:
        attributes.append(f'title="{escape(link.title)}"')
    if link.lang:
        attributes.append(f'lang="{escape(link.lang)}"')
    classes = " ".join(name for name in (css, "data" if _is_data(link) else "") if name)
    if classes:
        attributes.append(f'class="{classes}"')
    return Markup(f"<a {' '.join(attributes)}>{inner}</a>")


def _text(link: Linked) -> Markup:
    """A link's text as a span, marked with its language when it differs from the page's and
    as data when it is the graph's."""
    lang = f' lang="{escape(link.lang)}"' if link.lang else ""
    data = ' class="data"' if _is_data(link) else ""
    return Markup(f"<span{lang}{data}>{escape(link.text)}</span>")


def _pct(value: float) -> str:
    return f"{value:.3f}%"


# --- bar charts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: what it measures (a link), its value, and the value as the page writes it."""

    link: Linked
    value: Decimal
    text: str


def bar_chart(bars: Sequence[Bar], caption: str, *, css: str = "figures") -> Markup:
    """Horizontal bars, each as long as its value relative to the largest (negative values are
    drawn as empty bars): a row per bar of label, bar and value, in the order given."""
    largest = max((bar.value for bar in bars), default=Decimal(0))
    rows = []
    for bar in bars:
        width = float(bar.value / largest * 100) if largest > 0 and bar.value > 0 else 0.0
        rows.append(
            f'<tr><th scope="row">{_link(bar.link)}</th>'
            f'<td class="bar"><svg viewBox="0 0 100 4" preserveAspectRatio="none" '
            f'aria-hidden="true"><rect class="mark" x="0" y="0" width="{width:.3f}" '
            f'height="4"/></svg></td><td class="number">{escape(bar.text)}</td></tr>'
        )
    return Markup(
        f'<figure class="bar-chart {css}"><figcaption>{escape(caption)}</figcaption>\n'
        f'<table class="chart"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>\n</figure>"
    )


# --- the time axis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeItem:
    """A dated thing on the time axis: its link, its date (and end) as the graph holds them,
    that date as the page writes it, its classes and whether it is an agreement."""

    link: Linked
    start: ox.Literal
    end: ox.Literal | None
    date_text: str
    kinds: tuple[str, ...] = ()
    agreement: bool = False


def _fraction(day: date) -> float:
    """``day`` as a fractional year: 1953-07-27 is 1953.566."""
    first = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - first).days
    return day.year + (day - first).days / length


def period(literal: ox.Literal) -> tuple[float, float, str] | None:
    """The period a date covers, as fractional years [start, end), and its precision (``year``,
    ``month``, ``day``); None for a literal that is no such date (a day without its year)."""
    datatype, text = literal.datatype.value, literal.value
    try:
        if datatype == XSD + "gYear":
            year = int(text[:4])
            return float(year), float(year + 1), "year"
        if datatype == XSD + "gYearMonth":
            year, month = int(text[:4]), int(text[5:7])
            after = date(year + (month == 12), month % 12 + 1, 1)
            return _fraction(date(year, month, 1)), _fraction(after), "month"
        if datatype == XSD + "date":
            day = date.fromisoformat(text[:10])
            return _fraction(day), _fraction(day) + 1 / 366, "day"
    except ValueError:
        return None
    return None


def time_axis(
    items: Sequence[TimeItem],
    kinds: Sequence[tuple[str, Linked]],
    lang: str,
    *,
    ident: str = "timeline",
) -> Markup:
    """The items on one time axis, in the order given (date order), with decade ticks; with
    more than one kind, a checkbox per kind (the first :data:`KIND_SLOTS`) that hides or
    shows its items. ``kinds`` are (class IRI, link) in the order the filters show them."""
    messages = MESSAGES[lang]
    spans = [(item, period(item.start), period(item.end) if item.end else None) for item in items]
    placed = [(item, start, end) for item, start, end in spans if start is not None]
    if not placed:
        return Markup("")
    first = math.floor(min(start[0] for _item, start, _end in placed))
    last = math.ceil(max((end or start)[1] for _item, start, end in placed))
    last = max(last, first + 1)

    def x(year: float) -> float:
        return (year - first) / (last - first) * 100

    ticks = [year for year in range(first, last + 1) if year % 10 == 0]
    slots = {iri: index for index, (iri, _link) in enumerate(kinds[:KIND_SLOTS])}
    names = dict(kinds)
    counts = {iri: sum(iri in item.kinds for item, _s, _e in placed) for iri, _link in kinds}
    grid = "".join(
        f'<line class="tick" x1="{_pct(x(year))}" x2="{_pct(x(year))}" y1="0" y2="100%"/>'
        for year in ticks
    )
    out = [f'<figure class="time-axis" id="{ident}-axis">']
    if len(slots) > 1:
        out.append(f'<fieldset class="kind-filters"><legend>{escape(messages["show"])}</legend>')
        for iri, index in slots.items():
            link = names[iri]
            out.append(
                f'<label class="k{index}"><input type="checkbox" id="{ident}-k{index}" '
                f'name="kind" value="{escape(iri)}" checked> {_text(link)} '
                f'<span class="count">({format_number(str(counts[iri]), lang)})</span></label>'
            )
        out.append("</fieldset>")
    labels = []
    for year in ticks:
        labels.append(f'<text x="{_pct(x(year))}" y="16" text-anchor="middle">{year}</text>')
    scale = (
        f'<svg class="scale" width="100%" height="22" aria-hidden="true">{grid}'
        + "".join(labels)
        + "</svg>"
    )
    out.append(scale)
    out.append('<ol class="time-items">')
    for item, start, end in placed:
        begin = start[0]
        finish = end[1] if end is not None else start[1]
        precision = "range" if end is not None else start[2]
        if precision == "day":
            mark = f'<circle class="mark day" cx="{_pct(x(begin))}" cy="7" r="4"/>'
        else:
            mark = (
                f'<rect class="mark {precision}" x="{_pct(x(begin))}" y="2" '
                f'width="{_pct(x(finish) - x(begin))}" height="10"/>'
            )
        css = " ".join(
            [f"k{slots[kind]}" for kind in item.kinds if kind in slots]
            + ["agreement" if item.agreement else "event"]
        )
        datetime = item.start.value + (f"/{item.end.value}" if item.end is not None else "")
        out.append(
            f'<li class="{css}" data-start="{begin:.4f}">{_link(item.link)}'
            f' <time datetime="{escape(datetime)}">{escape(item.date_text)}</time>'
            f'<svg class="track {precision}" width="100%" height="14" aria-hidden="true">'
            f"{grid}{mark}</svg></li>"
        )
    out.append("</ol>")
    out.append(scale)
    out.append(f"<figcaption>{escape(messages['time_axis_help'])}</figcaption>")
    out.append("</figure>")
    return Markup("\n".join(out))


# --- the map ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPlace:
    """A place to draw: its link and its WGS84 coordinates."""

    link: Linked
    lat: float
    long: float


@dataclass(frozen=True)
class Outline:
    """A country's outline as rings of (longitude, latitude), and its English name."""

    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class Frame:
    """A rectangle of the map, in the Pacific-centred longitudes of :func:`_east`."""

    key: str
    west: float
    east: float
    south: float
    north: float

    def holds(self, place: MapPlace) -> bool:
        return self.west <= _east(place.long) <= self.east and self.south <= place.lat <= self.north


INSETS = (
    Frame("map_korea", 123.5, 131.5, 33.0, 43.0),
    Frame("map_north_america", 277.5, 289.5, 38.5, 47.0),
)
"""Where places crowd: a frame of its own, drawn when it holds two places or more."""
WIDTH = {"overview": 1000.0, "inset": 400.0}
"""Widths of the frames in SVG units (``style.css`` sizes their text)."""
FONT = {"overview": 38.0, "inset": 15.0}
"""The largest font size ``style.css`` gives each frame's labels, to keep them inside it."""
RADIUS = {"overview": 6.0, "inset": 5.0}
"""The radius of a place's dot in each frame, in SVG units."""


def _east(longitude: float) -> float:
    """A longitude in [-30, 330): the Pacific in the middle, Korea left of Canada."""
    return longitude + 360 if longitude < -30 else longitude


@cache
def outlines() -> tuple[Outline, ...]:
    """Every country outline the ``countryinfo`` package holds, by name; loaded once."""
    from countryinfo import CountryInfo

    found: dict[str, Outline] = {}
    for data in CountryInfo.all().values():
        features = (data.get("geoJSON") or {}).get("features") or []
        rings: list[tuple[tuple[float, float], ...]] = []
        for feature in features:
            geometry = feature.get("geometry") or {}
            polygons = geometry.get("coordinates") or []
            if geometry.get("type") == "Polygon":
                polygons = [polygons]
            for polygon in polygons:
                rings.extend(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon)
        if rings and data["name"] not in found:
            found[data["name"]] = Outline(data["name"], tuple(rings))
    return tuple(found[name] for name in sorted(found))


def _clip(ring: Sequence[tuple[float, float]], frame: Frame) -> list[tuple[float, float]]:
    """``ring`` cut to ``frame`` (Sutherland–Hodgman): what of it the frame shows."""
    edges = (
        (0, frame.west, True),
        (0, frame.east, False),
        (1, frame.south, True),
        (1, frame.north, False),
    )
    points = list(ring)
    for axis, bound, lower in edges:
        if not points:
            break

        def inside(
            point: tuple[float, float], axis: int = axis, bound: float = bound, lower: bool = lower
        ) -> bool:
            return point[axis] >= bound if lower else point[axis] <= bound

        def cross(
            a: tuple[float, float], b: tuple[float, float], axis: int = axis, bound: float = bound
        ) -> tuple[float, float]:
            t = (bound - a[axis]) / (b[axis] - a[axis])
            other = a[1 - axis] + t * (b[1 - axis] - a[1 - axis])
            return (bound, other) if axis == 0 else (other, bound)

        kept: list[tuple[float, float]] = []
        for index, current in enumerate(points):
            previous = points[index - 1]
            if inside(current):
                if not inside(previous):
                    kept.append(cross(previous, current))
                kept.append(current)
            elif inside(previous):
                kept.append(cross(previous, current))
        points = kept
    return points


class _Projection:
    """Equirectangular, true to scale along the frame's middle latitude, ``width`` units wide."""

    def __init__(self, frame: Frame, width: float) -> None:
        self.frame = frame
        self.stretch = math.cos(math.radians((frame.south + frame.north) / 2))
        self.scale = width / ((frame.east - frame.west) * self.stretch)
        self.width = width
        self.height = (frame.north - frame.south) * self.scale

    def __call__(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (
            (longitude - self.frame.west) * self.stretch * self.scale,
            (self.frame.north - latitude) * self.scale,
        )


def _overview(places: Sequence[MapPlace]) -> Frame:
    """A frame round every place with a margin, no wider than 2.4 times its height."""
    longs = [_east(place.long) for place in places]
    lats = [place.lat for place in places]
    west, east = min(longs) - 6, max(longs) + 6
    south, north = max(-80.0, min(lats) - 8), min(84.0, max(lats) + 8)
    stretch = math.cos(math.radians((south + north) / 2))
    wanted = (east - west) * stretch / 2.4
    if north - south < wanted:
        grow = (wanted - (north - south)) / 2
        south, north = max(-80.0, south - grow), min(84.0, north + grow)
    return Frame("overview", west, east, south, north)


def _country_paths(
    frame: Frame, project: _Projection, countries: Mapping[str, Linked]
) -> list[str]:
    paths = []
    for outline in outlines():
        parts = []
        for ring in outline.rings:
            mean = sum(long for long, _lat in ring) / len(ring)
            shift = 360.0 if mean < -30 else 0.0
            clipped = _clip([(long + shift, lat) for long, lat in ring], frame)
            points: list[str] = []
            for long, lat in clipped:
                x, y = project(long, lat)
                point = f"{x:.1f},{y:.1f}"
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) >= 3:
                parts.append("M" + "L".join(points) + "Z")
        if not parts:
            continue
        ours = countries.get(outline.name.casefold())
        path = f'<path class="country{" ours" if ours else ""}" d="{"".join(parts)}">'
        if ours:
            path += f"<title>{escape(ours.text)}</title></path>"
            paths.append(str(_link(ours, Markup(path))))
        else:
            paths.append(path + "</path>")
    return paths


def _graticule(frame: Frame, project: _Projection) -> str:
    lines = []
    for long in range(math.ceil(frame.west / 10) * 10, math.floor(frame.east) + 1, 10):
        (x, top), (_x, bottom) = project(long, frame.north), project(long, frame.south)
        lines.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}"/>')
    for lat in range(math.ceil(frame.south / 10) * 10, math.floor(frame.north) + 1, 10):
        (left, y), (right, _y) = project(frame.west, lat), project(frame.east, lat)
        lines.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}"/>')
    return '<g class="graticule">' + "".join(lines) + "</g>"


def _place_mark(
    place: MapPlace, project: _Projection, font: float, radius: float, labelled: bool
) -> str:
    x, y = project(_east(place.long), place.lat)
    dot = f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
    if not labelled:
        return str(_link(place.link, Markup(dot + f"<title>{escape(place.link.text)}</title>")))
    room = len(place.link.text) * font * 0.62 + font
    left = x + room > project.width
    lang = f' lang="{escape(place.link.lang)}"' if place.link.lang else ""
    label = (
        f'<text x="{x:.1f}" y="{y:.1f}" dx="{"-" if left else ""}0.8em" '
        f'dominant-baseline="central" text-anchor="{"end" if left else "start"}"{lang}>'
        f"{escape(place.link.text)}</text>"
    )
    return str(_link(place.link, Markup(dot + label)))


def _frame_svg(
    frame: Frame,
    kind: str,
    places: Sequence[MapPlace],
    countries: Mapping[str, Linked],
    caption: str,
    insets: Sequence[Frame] = (),
) -> str:
    project = _Projection(frame, WIDTH[kind])
    font = FONT[kind]
    body = [
        f'<rect class="sea" x="0" y="0" width="{project.width:.1f}" height="{project.height:.1f}"/>'
    ]
    body.append('<g class="land">' + "".join(_country_paths(frame, project, countries)) + "</g>")
    body.append(_graticule(frame, project))
    for inset in insets:
        (left, top), (right, bottom) = (
            project(inset.west, inset.north),
            project(inset.east, inset.south),
        )
        body.append(
            f'<rect class="inset-frame" x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
            f'height="{bottom - top:.1f}"/>'
        )
    marks = [
        _place_mark(
            place, project, font, RADIUS[kind], not any(inset.holds(place) for inset in insets)
        )
        for place in places
        if frame.holds(place)
    ]
    body.append('<g class="places">' + "".join(marks) + "</g>")
    return (
        f'<figure class="map-frame {kind}"><svg viewBox="0 0 {project.width:.1f} '
        f'{project.height:.1f}" role="img" aria-label="{escape(caption)}">'
        + "".join(body)
        + f"</svg><figcaption>{escape(caption)}</figcaption></figure>"
    )


def place_map(
    places: Sequence[MapPlace], countries: Mapping[str, Linked], lang: str, caption: str
) -> Markup:
    """The places on a map of their part of the world, titled ``caption``, with an inset for
    each of :data:`INSETS` that holds two places or more (those places are labelled there and
    shown as dots on the overview). ``countries`` links the outlines whose English name
    (casefolded) it holds to their pages; the others are drawn unnamed."""
    if not places:
        return Markup("")
    messages = MESSAGES[lang]
    overview = _overview(places)
    insets = [frame for frame in INSETS if sum(frame.holds(place) for place in places) >= 2]
    parts = [_frame_svg(overview, "overview", places, countries, caption, insets)]
    parts += [
        _frame_svg(frame, "inset", places, countries, messages[frame.key]) for frame in insets
    ]
    return Markup(
        '<div class="map">\n'
        + parts[0]
        + '\n<div class="insets">\n'
        + "\n".join(parts[1:])
        + "\n</div>\n</div>"
    )


# --- a SPARQL answer as a picture ------------------------------------------------------------


def _number(term: object) -> Decimal | None:
    if isinstance(term, ox.Literal) and is_number(term.datatype.value):
        try:
            return Decimal(term.value)
        except InvalidOperation:
            return None
    return None


def _row_label(row: Mapping[str, object], skip: Sequence[str], variables: Sequence[str]) -> Label:
    """The row's name: its first IRI (linked when a browser may follow it) or text, in the
    order of ``variables``, leaving out the ``skip`` ones."""
    link: str | None = None
    text: str | None = None
    lang: str | None = None
    for name in variables:
        term = row.get(name)
        if name in skip or term is None:
            continue
        if isinstance(term, ox.NamedNode) and link is None:
            link = term.value
        elif isinstance(term, ox.Literal) and text is None and _number(term) is None:
            text, lang = term.value, term.language
    href = link if link and urllib.parse.urlsplit(link).scheme in ("http", "https") else None
    return Label(text or link or "", href=href, lang=lang, title=link if text and link else None)


def _variable(
    variables: Sequence[str], rows: Sequence[Mapping[str, object]], test: Callable[[object], object]
) -> str | None:
    """The first variable whose value in every row passes ``test``."""
    for name in variables:
        if rows and all(test(row.get(name)) for row in rows):
            return name
    return None


def result_picture(
    variables: list[str],
    rows: list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]],
    lang: str,
) -> Markup | None:
    """A picture of a SELECT answer, or None when its shape has none: a map when every row has
    a latitude and a longitude (variables named ``lat``/``latitude`` and ``long``/``lon``/
    ``lng``/``longitude``), a time axis when every row has a date (``xsd:date``,
    ``xsd:gYearMonth``, ``xsd:gYear``), a bar chart when every row has a label and a number."""
    if not rows or len(rows) > RESULT_ROWS:
        return None
    messages = MESSAGES[lang]
    names = {name.casefold(): name for name in variables}
    lat = next((names[n] for n in ("lat", "latitude") if n in names), None)
    long = next((names[n] for n in ("long", "lon", "lng", "longitude") if n in names), None)
    if (
        lat
        and long
        and all(_number(row.get(lat)) is not None for row in rows)
        and all(_number(row.get(long)) is not None for row in rows)
    ):
        places = [
            MapPlace(
                _row_label(row, (lat, long), variables),
                float(_number(row[lat])),  # type: ignore[arg-type]
                float(_number(row[long])),  # type: ignore[arg-type]
            )
            for row in rows
        ]
        if all(-90 <= p.lat <= 90 and -180 <= p.long <= 180 for p in places):
            return place_map(places, {}, lang, messages["answer_map"])
    when = _variable(
        variables,
        rows,
        lambda t: isinstance(t, ox.Literal) and t.datatype.value in DATE_TYPES and period(t),
    )
    if when:
        items = sorted(
            (
                TimeItem(
                    _row_label(row, (when,), variables),
                    row[when],  # type: ignore[arg-type]
                    None,
                    format_date(row[when].value, row[when].datatype.value, lang),  # type: ignore[union-attr]
                )
                for row in rows
            ),
            key=lambda item: (period(item.start) or (0.0,))[0],
        )
        return time_axis(items, [], lang, ident="answer")
    amount = _variable(variables, rows, lambda t: _number(t) is not None)
    if amount and len(variables) > 1:
        bars = [
            Bar(
                _row_label(row, (amount,), variables),
                _number(row[amount]) or Decimal(0),
                format_number(row[amount].value, lang),  # type: ignore[union-attr]
            )
            for row in rows
        ]
        if all(bar.link.text for bar in bars):
            return bar_chart(bars, messages["answer_chart"], css="answer")
    return None


def coordinates(value: ox.Literal | None) -> float | None:
    """A ``geo:lat`` or ``geo:long`` value as a number, or None when it is not a number."""
    number = _number(value)
    return float(number) if number is not None else None
