"""Decisions under uncertainty: the chance an option wins, and what information is worth.

Probabilistic sensitivity analysis, as health technology assessment does it (the R
packages dampack, voi and BCEA): each draw of the uncertain constants is run under every
option, which gives a matrix of net benefit, one row per draw and one column per option.
From it:

* the probability that each option is best, and that one option beats another;
* the acceptability curve: the probability that a value (a programme's ROI, say) exceeds
  a threshold, as the threshold varies;
* the expected value of perfect information (EVPI): what it would be worth to decide
  knowing every uncertain constant, E[max_j NB_j] - max_j E[NB_j];
* the expected value of partial perfect information (EVPPI) of one constant: what it
  would be worth to know that constant alone before deciding. It is estimated by Strong,
  Oakley & Brennan's (2014) regression method: the net benefit of each option relative
  to the first is regressed on the constant (a smoothing spline whose smoothness is
  chosen by generalised cross-validation, SciPy's ``make_smoothing_spline``, fitted to
  the means of up to 100 bins of equal count), and
  EVPPI = E[max_j g_j(theta)] - max_j E[g_j(theta)] over the fitted values g.

The regression also absorbs the simulation's own noise, which the single-constant fit
averages out, so EVPPI does not count luck as information.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import make_smoothing_spline

__all__ = [
    "acceptability",
    "conditional_mean",
    "evpi",
    "evppi",
    "probability_best",
]

MIN_DISTINCT = 8
"""Fewer distinct values of a constant than this: it is treated as discrete, and the
conditional mean is the mean at each value."""

MAX_BINS = 100
"""Most bins of equal count the draws are pooled into before the spline is fitted."""


def _net_benefit(net_benefit: np.ndarray) -> np.ndarray:
    values = np.asarray(net_benefit, dtype=float)
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 2:
        raise ValueError("net benefit must be a (draws x options) array, at least 2 x 2")
    if not np.isfinite(values).all():
        raise ValueError("net benefit must be finite")
    return values


def probability_best(net_benefit: np.ndarray) -> np.ndarray:
    """Share of draws in which each option has the highest net benefit.

    Ties share the draw equally, so the shares sum to 1.

    Args:
        net_benefit: Net benefit, one row per draw and one column per option.

    Returns:
        The probability that each option is best.
    """
    values = _net_benefit(net_benefit)
    best = values == values.max(axis=1, keepdims=True)
    return (best / best.sum(axis=1, keepdims=True)).mean(axis=0)


def acceptability(values: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """The acceptability curve: the share of draws whose value exceeds each threshold.

    Args:
        values: One value per draw (an option's ROI or its net benefit over another).
        thresholds: The thresholds, in the values' unit.

    Returns:
        P(value > threshold), one per threshold.
    """
    values = np.sort(np.asarray(values, dtype=float))
    if len(values) == 0:
        raise ValueError("acceptability needs at least one draw")
    thresholds = np.asarray(thresholds, dtype=float)
    return 1.0 - np.searchsorted(values, thresholds, side="right") / len(values)


def evpi(net_benefit: np.ndarray) -> float:
    """Expected value of perfect information: E[max_j NB_j] - max_j E[NB_j].

    Args:
        net_benefit: Net benefit, one row per draw and one column per option, in the
            currency the value is wanted in (over the decision's horizon).

    Returns:
        What deciding with every uncertain constant known is worth, per decision.
    """
    values = _net_benefit(net_benefit)
    return float(max(0.0, values.max(axis=1).mean() - values.mean(axis=0).max()))


def conditional_mean(parameter: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """E[outcome | parameter] at each draw, by a smoothing spline (GCV) on the parameter.

    A parameter with fewer than :data:`MIN_DISTINCT` distinct values is treated as
    discrete: the conditional mean is the outcome's mean at each value.

    Args:
        parameter: The constant's value in each draw.
        outcome: The outcome in each draw.

    Returns:
        The fitted conditional mean at each draw's parameter value.
    """
    x = np.asarray(parameter, dtype=float)
    y = np.asarray(outcome, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("parameter and outcome must be 1-d arrays of the same length")
    distinct, index = np.unique(x, return_inverse=True)
    counts = np.bincount(index)
    if len(distinct) < MIN_DISTINCT:
        return (np.bincount(index, weights=y) / counts)[index]
    # draws are pooled into at most MAX_BINS bins of equal count (ties kept together),
    # and the spline is fitted to the bins' means, weighted by their draws
    edges = np.unique(np.quantile(x, np.linspace(0, 1, min(MAX_BINS, len(distinct)) + 1)))
    bins = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    weight = np.bincount(bins, minlength=len(edges) - 1).astype(float)
    used = weight > 0
    centre = np.bincount(bins, weights=x, minlength=len(weight))[used] / weight[used]
    mean = np.bincount(bins, weights=y, minlength=len(weight))[used] / weight[used]
    if len(centre) < MIN_DISTINCT:
        return mean[np.cumsum(used)[bins] - 1]
    spline = make_smoothing_spline(centre, mean, w=weight[used])
    return spline(x)


def evppi(net_benefit: np.ndarray, parameter: np.ndarray) -> float:
    """Expected value of partial perfect information of one constant.

    Strong, Oakley & Brennan (2014): regress each option's net benefit relative to the
    first on the constant; EVPPI = E[max_j g_j] - max_j E[g_j] over the fitted values.

    Args:
        net_benefit: Net benefit, one row per draw and one column per option.
        parameter: The constant's value in each draw.

    Returns:
        What knowing this constant alone before deciding is worth, per decision.
    """
    values = _net_benefit(net_benefit)
    relative = values[:, 1:] - values[:, :1]
    fitted = np.column_stack(
        [np.zeros(len(values))] + [conditional_mean(parameter, column) for column in relative.T]
    )
    return float(max(0.0, fitted.max(axis=1).mean() - fitted.mean(axis=0).max()))
