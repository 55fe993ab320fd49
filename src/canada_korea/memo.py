"""Answers remembered for as long as they are likely to be asked again, within a bound.

A build asks the same small questions over and over (a resource's link text on thousands of
pages, a value's sections on its three language pages, an IRI's compact form in document after
document); a server asks them with whatever a request brings. :class:`Memo` and
:class:`Computed` keep answers until they hold a fixed number, then forget them all at once
(:class:`Bounded`): no bookkeeping per hit, and a server's memory stays bounded whatever it is
asked.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()
SIZE = 1 << 16
"""How many answers are kept unless a caller says otherwise."""


class Bounded(dict[Hashable, Any]):
    """A dict that forgets everything once it holds ``size`` answers and is given another."""

    def __init__(self, size: int = SIZE) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: Hashable, answer: Any) -> Any:
        """Hold ``answer`` under ``key`` (after forgetting all the others if full); return it."""
        if len(self) >= self.size:
            self.clear()
        self[key] = answer
        return answer


class Memo:
    """``memo(key, compute, *arguments)`` is ``compute(*arguments)``, remembered under ``key``
    (which must name the arguments) until ``size`` answers are held."""

    def __init__(self, size: int = SIZE) -> None:
        self._answers = Bounded(size)

    def __call__(self, key: Hashable, compute: Callable[..., Any], *arguments: object) -> Any:
        answer = self._answers.get(key, _MISSING)
        if answer is _MISSING:
            answer = self._answers.keep(key, compute(*arguments))
        return answer


class Computed(Bounded):
    """A dict whose missing entries are ``compute(key)``, within the bound of :class:`Bounded`.
    For the hottest one-argument questions: ``computed[key]`` is answered by the dict itself, in
    C, where a :class:`Memo` call is two Python calls more (the JSON-LD writer compacts an IRI
    per term, 1.25 million at 100x)."""

    def __init__(self, compute: Callable[[Any], Any], size: int = SIZE) -> None:
        super().__init__(size)
        self.compute = compute

    def __missing__(self, key: Hashable) -> Any:
        return self.keep(key, self.compute(key))
