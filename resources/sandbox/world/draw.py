"""Seeded randomness: the per-aspect random streams, weighted tables and hash-derived identifiers.

What belongs here: the primitives every generator draws with, so that a seed means the same world
in every process and Python version.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
import uuid
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class _Rng(random.Random):
    """`random.Random` with integer draws built on `random()` alone.

    Besides being several times faster than the stdlib's rejection sampling (generation time matters:
    the world is rebuilt by every process), this pins the meaning of a seed to `random()`, whose output
    Python keeps stable, rather than to the implementation details of `choice`/`randint`.
    """

    def _randbelow(self, n: int) -> int:
        return int(self.random() * n)

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def sample(self, population: Sequence[T], k: int, *, counts: None = None) -> list[T]:  # type: ignore[override]
        pool = list(population)
        n = len(pool)
        for i in range(k):
            j = i + int(self.random() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def _rng(seed: int, *parts: object) -> random.Random:
    return _Rng(":".join((str(seed), *map(str, parts))))


def _hex(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _uuid(text: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(text.encode()).digest()[:16], version=4))


class _Table(Generic[T]):
    """Weighted choices with the cumulative weights computed once."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(weight for _, weight in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]
