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


class Computed(dict[Hashable, Any]):
    """A dict whose missing entries are ``compute(key)``, kept until ``size`` are held, then
    all forgotten at once (as :class:`Memo` does). For the hottest one-argument questions:
    ``computed[key]`` is answered by the dict itself, in C, where a :class:`Memo` call is two
    Python calls more (the JSON-LD writer compacts an IRI per term, 1.25 million at 100x)."""

    def __init__(self, compute: Callable[[Any], Any], size: int = 1 << 16) -> None:
        super().__init__()
        self.compute = compute
        self.size = size

    def __missing__(self, key: Hashable) -> Any:
        if len(self) >= self.size:
            self.clear()
        answer = self[key] = self.compute(key)
        return answer
