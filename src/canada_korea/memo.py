"""Answers remembered for as long as they are likely to be asked again, within a bound.

A build asks the same small questions over and over (a resource's link text on thousands of
pages, a value's sections on its three language pages, an IRI's compact form in document after
document); a server asks them with whatever a request brings. :class:`Memo` keeps answers until
it holds a fixed number, then forgets them all at once: no bookkeeping per hit, and a server's
memory stays bounded whatever it is asked.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class Memo:
    """``memo(key, compute, *arguments)`` is ``compute(*arguments)``, remembered under ``key``
    (which must name the arguments) until ``size`` answers are held."""

    def __init__(self, size: int = 1 << 16) -> None:
        self.size = size
        self._answers: dict[Hashable, Any] = {}

    def __call__(self, key: Hashable, compute: Callable[..., Any], *arguments: object) -> Any:
        answer = self._answers.get(key, _MISSING)
        if answer is _MISSING:
            if len(self._answers) >= self.size:
                self._answers.clear()
            answer = self._answers[key] = compute(*arguments)
        return answer
