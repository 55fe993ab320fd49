"""Reading ``Accept`` and ``Accept-Language`` (RFC 9110 §12.5) without a framework.

The most specific media range that matches an offer gives its quality (``text/turtle;q=0.5``
beats ``*/*`` for Turtle); among offers of equal quality the server's order decides, so the
first offer is the default for ``*/*`` and for a missing header. Quality 0 means "not this".
"""

from __future__ import annotations

from collections.abc import Sequence


def _ranges(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [field.strip() for field in part.split(";")]
        media_range = fields[0].lower()
        if not media_range:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media_range, quality))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    kind = offer.split("/", 1)[0]
    best_specificity, best_quality = -1, 0.0
    for media_range, quality in ranges:
        if media_range == offer:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, quality
    return best_quality


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the ``Accept`` header prefers, or None when it accepts none of them."""
    if not header or not header.strip():
        return offers[0] if offers else None
    ranges = _ranges(header)
    best, best_quality = None, 0.0
    for offer in offers:
        quality = _quality(offer, ranges)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def language(header: str | None, supported: Sequence[str]) -> str:
    """The supported language ``Accept-Language`` prefers (by primary subtag: ``fr-CA`` is
    French), else the first supported one."""
    best, best_quality = supported[0], 0.0
    for tag, quality in _ranges(header or ""):
        primary = tag.split("-", 1)[0]
        if primary in supported and quality > best_quality:
            best, best_quality = primary, quality
    return best
