"""Intervals and paired differences for Monte Carlo replications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import stats

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Interval",
    "bootstrap_interval",
    "compare",
    "mean_interval",
    "mser_truncation",
    "paired_difference",
    "paired_p_value",
    "ratio_interval",
    "t_interval",
]


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


def t_interval(values, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Mean and half-width of the Student-t interval over replications (the first axis).

    The one interval every table and figure uses: a metric at the horizon (one value
    per replication) or a weekly series (replications x weeks, one interval a week).

    Args:
        values: Replications along the first axis.
        confidence: Coverage of the interval.

    Raises:
        ValueError: With fewer than two replications (no interval is possible).
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        raise ValueError("an interval needs at least two replications")
    t = stats.t.ppf(0.5 + confidence / 2.0, len(x) - 1)
    return x.mean(axis=0), t * x.std(axis=0, ddof=1) / np.sqrt(len(x))


def mean_interval(values, confidence: float = 0.95) -> Interval:
    """Student-t interval for the mean of independent replications.

    Args:
        values: One value per replication.
        confidence: Coverage of the interval.

    Raises:
        ValueError: With fewer than two values (no interval is possible).
    """
    mean, half = t_interval(np.ravel(values), confidence)
    mean, half = float(mean), float(half)
    return Interval(mean, mean - half, mean + half, np.size(values))


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


def paired_p_value(treatment, baseline) -> float:
    """Two-sided p-value of the paired t-test (1 when every pair is equal)."""
    d = np.asarray(treatment, dtype=float) - np.asarray(baseline, dtype=float)
    if np.ptp(d) == 0:  # every pair differs by exactly the same amount
        return 1.0 if d[0] == 0 else 0.0
    return float(stats.ttest_rel(treatment, baseline).pvalue)


def ratio_interval(numerator, denominator, confidence: float = 0.95) -> Interval:
    """Fieller's interval for the ratio of two means over paired replications.

    The ratio is mean(numerator) / mean(denominator); the interval holds every ratio r
    for which the paired t-interval of mean(numerator - r denominator) contains zero
    (Fieller 1954), so it is exact for normal means and needs no delta-method
    approximation. Where the denominator's mean is not clearly away from zero at this
    confidence, no finite interval holds the ratio and both bounds are infinite.

    Args:
        numerator: One value per replication.
        denominator: One value per replication, paired with ``numerator``.
        confidence: Coverage of the interval.

    Raises:
        ValueError: With fewer than two replications, or samples of different lengths.
    """
    a = np.ravel(np.asarray(numerator, dtype=float))
    b = np.ravel(np.asarray(denominator, dtype=float))
    if a.shape != b.shape:
        raise ValueError("paired samples must have the same length")
    n = len(a)
    if n < 2:
        raise ValueError("an interval needs at least two replications")
    t2 = stats.t.ppf(0.5 + confidence / 2.0, n - 1) ** 2
    mean_a, mean_b = a.mean(), b.mean()
    covariance = np.cov(a, b, ddof=1) / n  # of the two means
    ratio = mean_a / mean_b if mean_b != 0 else float("nan")
    # (mean_a - r mean_b)^2 <= t^2 var(mean_a - r mean_b): a quadratic in r
    qa = mean_b**2 - t2 * covariance[1, 1]
    qb = mean_a * mean_b - t2 * covariance[0, 1]
    qc = mean_a**2 - t2 * covariance[0, 0]
    if qa <= 0:
        return Interval(float(ratio), -np.inf, np.inf, n)
    root = np.sqrt(max(qb**2 - qa * qc, 0.0))
    return Interval(float(ratio), float((qb - root) / qa), float((qb + root) / qa), n)


def bootstrap_interval(values, confidence: float = 0.95, seed: int = 0) -> Interval:
    """Bias-corrected bootstrap interval of a mean (for skewed metrics and ratios)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        raise ValueError("an interval needs at least two replications")
    if np.ptp(x) == 0:
        return Interval(float(x[0]), float(x[0]), float(x[0]), len(x))
    result = stats.bootstrap(
        (x,),
        np.mean,
        confidence_level=confidence,
        n_resamples=2000,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return Interval(float(x.mean()), float(low), float(high), len(x))


def compare(finals: dict[str, pd.DataFrame], baseline: str, confidence: float = 0.95) -> dict:
    """Means with intervals per scenario, and paired differences against the baseline.

    Args:
        finals: Per scenario name, a frame of final metrics (rows: replicates, shared by
            every scenario; columns: metrics).
        baseline: Name of the baseline scenario.
        confidence: Coverage of the intervals.

    Returns:
        A dict with ``scenarios``, ``differences`` and ``variance_reduction`` (per
        scenario and metric: the unpaired half-width over the paired one).
    """
    base = finals[baseline]
    metrics = list(base.columns)
    scenarios = []
    for name, frame in finals.items():
        summary = {}
        for metric in metrics:
            interval = mean_interval(frame[metric], confidence)
            summary[metric] = {
                "mean": interval.mean,
                "ci_low": interval.low,
                "ci_high": interval.high,
            }
        scenarios.append({"name": name, "metrics": summary})
    differences, reduction = [], {}
    for name, frame in finals.items():
        if name == baseline:
            continue
        common = frame.index.intersection(base.index)
        reduction[name] = {}
        for metric in metrics:
            a, b = frame.loc[common, metric], base.loc[common, metric]
            paired = paired_difference(a, b, confidence)
            boot = bootstrap_interval(a.to_numpy() - b.to_numpy(), confidence)
            differences.append(
                {
                    "scenario": name,
                    "metric": metric,
                    "mean": paired.mean,
                    "ci_low": paired.low,
                    "ci_high": paired.high,
                    "p_value": paired_p_value(a, b),
                    "bootstrap_low": boot.low,
                    "bootstrap_high": boot.high,
                }
            )
            unpaired = _unpaired_half_width(a, b, confidence)
            # None when the paired interval has no width (identical runs)
            reduction[name][metric] = (
                unpaired / paired.half_width if paired.half_width > 0 else None
            )
    return {"scenarios": scenarios, "differences": differences, "variance_reduction": reduction}


def _unpaired_half_width(a, b, confidence: float) -> float:
    """Half-width of the Welch interval, as if the runs had not shared their seeds."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return 0.0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(stats.t.ppf(0.5 + confidence / 2.0, dof) * se)


def mser_truncation(series: np.ndarray, batch: int = 5) -> int | None:
    """The warm-up to delete from a series, by MSER-5 (White 1997; White, Cobb & Spratt 2000).

    The series is averaged in batches of ``batch`` (5: MSER-5); for each candidate
    truncation d (in batches) over the first half, the statistic is the variance of the
    batch means that remain divided by their number. The truncation that minimises it
    balances the bias of keeping transient weeks against the noise of deleting data.

    Args:
        series: One observation per week (average replications first).
        batch: Batch size.

    Returns:
        The weeks to delete, or None when the minimum falls at the end of the first
        half: the series has not settled (a trend, or a transient longer than half of
        it), and a longer series is needed.
    """
    y = np.asarray(series, dtype=float)
    batches = len(y) // batch
    if batches < 4:
        raise ValueError(f"MSER-{batch} needs at least {4 * batch} observations")
    means = y[: batches * batch].reshape(batches, batch).mean(axis=1)
    candidates = batches // 2
    statistic = [means[d:].var() / (batches - d) for d in range(candidates + 1)]
    best = int(np.argmin(statistic))
    return None if best == candidates else best * batch
