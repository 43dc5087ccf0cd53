"""Random streams keyed by decision, so that policies share every draw they do not touch.

Each stochastic decision in the model has a name ("cases/occurrence", "turnover/quit",
...). Its draws for a given week come from ``SeedSequence([seed, crc32(name), week])`` (computed
by a compiled copy of NumPy's algorithm, :func:`cxsim.core.kernels.seed_words`):

* per-slot decisions take their decision's generator's draws in slot order, one (or
  one per opportunity) for every slot number, whoever holds it (:meth:`Streams.generator`;
  case occurrence jumps over the draws of slot numbers nobody holds, :mod:`cxsim.core.pcg`);
* per-case decisions draw by the case's identity (:meth:`Streams.keyed_uniform`): a
  counter-based draw that hashes the identity with the decision's stream key, so a case
  gets the same luck whatever other cases exist, at a cost that grows with the cases
  present rather than with every slot that could have had one.

Two scenarios that differ in one policy therefore see the same luck in every decision
that policy does not change: common random numbers.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

from cxsim.core import kernels

__all__ = ["Streams", "decision_key"]


@functools.lru_cache(maxsize=4096)
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
        self._seed_words = _words(self.seed).tolist()

    def generator(self, decision: str, week: int = 0, *keys: int) -> np.random.Generator:
        """Return the generator of one decision in one week (and, optionally, one entity).

        Args:
            decision: The decision's name, for example ``"cases/problem"``.
            week: The week (or block) the draws belong to.
            *keys: Non-negative integers naming the entity the draws are for.

        Returns:
            A fresh ``numpy.random.Generator``; the same arguments always give the same draws.
        """
        entropy = _Entropy(_words(self.seed, decision_key(decision), int(week), *keys))
        return np.random.Generator(np.random.PCG64(entropy))

    def keyed_uniform(self, decision: str, week: int, keys: np.ndarray) -> np.ndarray:
        """Draw one uniform on [0, 1) per key, the same for a key whatever the other keys.

        The decision's stream key comes from its ``SeedSequence``; each identity is
        mixed with it by the SplitMix64 finalizer (Steele, Lea & Flood 2014), a
        counter-based generator.

        Args:
            decision: The decision's name.
            week: The week the draws belong to.
            keys: Non-negative integer identities (for example case ids).
        """
        stream = self.stream_key(decision, week)
        return kernels.keyed_uniform(np.asarray(keys, dtype=np.int64), stream)

    def stream_key(self, decision: str, week: int) -> np.uint64:
        """The 64-bit key of a decision's keyed draws in a week (its ``SeedSequence``)."""
        week = int(week)
        if 0 <= week <= 0xFFFFFFFF:  # one word each for the decision and the week
            words = np.array([*self._seed_words, decision_key(decision), week], dtype=np.uint32)
        else:
            words = _words(self.seed, decision_key(decision), week)
        return kernels.seed_words(words, 2).view(np.uint64)[0]


def _words(*entropy: int) -> np.ndarray:
    """Non-negative integers as the 32-bit words SeedSequence reads (little-endian)."""
    if all(0 <= int(n) <= 0xFFFFFFFF for n in entropy):
        return np.array(entropy, dtype=np.uint32)
    words = []
    for n in map(int, entropy):
        if n < 0:
            raise ValueError(f"entropy must be non-negative, got {n}")
        words.append(n & 0xFFFFFFFF)
        while n > 0xFFFFFFFF:
            n >>= 32
            words.append(n & 0xFFFFFFFF)
    return np.array(words, dtype=np.uint32)


class _Entropy(np.random.bit_generator.ISeedSequence):
    """The state a ``SeedSequence`` of the same entropy gives, computed compiled."""

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype=np.uint32) -> np.ndarray:
        per_word = 2 if np.dtype(dtype) == np.dtype(np.uint64) else 1
        return kernels.seed_words(self.words, n_words * per_word).view(dtype)
