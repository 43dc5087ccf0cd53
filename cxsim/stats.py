"""Intervals and paired differences for Monte Carlo replications."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Interval", "mean_interval", "paired_difference"]


@dataclass(frozen=True)
class Interval:
    """A mean with its two-sided confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2.0

    def __str__(self) -> str:
        return f"{self.mean:.4g} [{self.low:.4g}, {self.high:.4g}] (n={self.n})"


def mean_interval(values, confidence: float = 0.95) -> Interval:
    """Student-t interval for the mean of independent replications.

    Args:
        values: One value per replication.
        confidence: Coverage of the interval.

    Raises:
        ValueError: With fewer than two values (no interval is possible).
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        raise ValueError("an interval needs at least two replications")
    mean = float(x.mean())
    sem = float(x.std(ddof=1) / np.sqrt(len(x)))
    t = float(stats.t.ppf(0.5 + confidence / 2.0, len(x) - 1))
    return Interval(mean, mean - t * sem, mean + t * sem, len(x))


def paired_difference(treatment, baseline, confidence: float = 0.95) -> Interval:
    """Interval for the mean of ``treatment - baseline`` over paired replications.

    Pairs share their seed (common random numbers), so the difference's variance is
    what remains after the shared luck cancels.
    """
    a = np.asarray(treatment, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired samples must have the same length")
    return mean_interval(a - b, confidence)
