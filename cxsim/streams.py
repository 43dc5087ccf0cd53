"""Random streams keyed by decision, so that policies share every draw they do not touch.

Each stochastic decision in the model has a name ("cases/touchpoint", "turnover/quit",
...). Its draws for a given week come from ``SeedSequence([seed, crc32(name), week])``,
and they are drawn for every customer or employee slot before indexing. Two
scenarios that differ in one policy therefore see the same luck in every decision that
policy does not change: common random numbers.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["Streams", "decision_key"]


def decision_key(name: str) -> int:
    """Return the stable 32-bit key of a decision name (never Python's salted ``hash``)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Source of independent random generators, one per (decision, week).

    Args:
        seed: The run's seed, a non-negative integer.
    """

    def __init__(self, seed: int) -> None:
        if not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.seed = int(seed)

    def generator(self, decision: str, week: int = 0) -> np.random.Generator:
        """Return the generator of one decision in one week.

        Args:
            decision: The decision's name, for example ``"cases/problem"``.
            week: The week (or block) the draws belong to.

        Returns:
            A fresh ``numpy.random.Generator``; the same arguments always give the same draws.
        """
        sequence = np.random.SeedSequence([self.seed, decision_key(decision), int(week)])
        return np.random.Generator(np.random.PCG64(sequence))

    def uniform(self, decision: str, week: int, size: int | tuple[int, ...]) -> np.ndarray:
        """Draw uniforms on [0, 1) for every slot of a decision in a week."""
        return self.generator(decision, week).random(size)

    def normal(self, decision: str, week: int, size: int | tuple[int, ...]) -> np.ndarray:
        """Draw standard normals for every slot of a decision in a week."""
        return self.generator(decision, week).standard_normal(size)
