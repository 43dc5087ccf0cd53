"""The customers' formulas, compiled (Numba): satisfaction, trust, expectation, advocacy.

Each formula is written once, as a scalar function, and used both by the NumPy-facing
API of :mod:`cxsim.core.customers` and by the customers' week, which updates every
customer in one pass. The arithmetic is NumPy's in NumPy's order (no fast-math), so
results are the same bit for bit as the whole-array formulation
(``tests/core/test_customer_formulas.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from cxsim.core import kernels

__all__ = [
    "customers_week",
    "journey_phases",
    "expectation_after",
    "expectations_after",
    "recommendation",
    "recommendations",
    "recommenders",
    "renewals_due",
    "repurchase_logit",
    "repurchase_logits",
    "satisfaction_score",
    "satisfaction_scores",
    "trust_after",
    "trusts_after",
]


@njit(cache=True, nogil=True)
def satisfaction_score(
    performance: float,
    expectation: float,
    intercept: float,
    performance_weight: float,
    positive_weight: float,
    negative_weight: float,
) -> float:
    """S = s0 + bP P + b+ max(D, 0) - b- max(-D, 0), D = P - E, clipped to [0, 1]."""
    d = performance - expectation
    s = (
        intercept
        + performance_weight * performance
        + positive_weight * max(d, 0.0)
        - negative_weight * max(-d, 0.0)
    )
    return min(max(s, 0.0), 1.0)


@njit(cache=True, nogil=True)
def satisfaction_scores(
    performance: np.ndarray, expectation: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """:func:`satisfaction_score` of each pair; ``weights``: s0, bP, b+, b-."""
    out = np.empty(len(performance))
    for i in range(len(performance)):
        out[i] = satisfaction_score(
            performance[i], expectation[i], weights[0], weights[1], weights[2], weights[3]
        )
    return out


@njit(cache=True, nogil=True)
def trust_after(
    trust: float,
    disconfirmation: float,
    recovery: float,
    tolerance: float,
    gain: float,
    loss: float,
    recovery_share: float,
) -> float:
    """Trust after a week's disconfirmation (``customers.update_trust``)."""
    if disconfirmation >= -tolerance:
        size = min(1.0, (disconfirmation + tolerance) / (2.0 * tolerance))
        after = trust + gain * size * (1.0 - trust) * (1.0 - recovery * (1.0 - recovery_share))
    else:
        size = min(1.0, (-disconfirmation - tolerance) / (2.0 * tolerance))
        after = trust - loss * size * trust
    return min(max(after, 0.0), 1.0)


@njit(cache=True, nogil=True)
def trusts_after(
    trust: np.ndarray, disconfirmation: np.ndarray, recovery: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """:func:`trust_after` of each customer; ``weights`` as in :func:`customers_week`."""
    out = np.empty(len(trust))
    for i in range(len(trust)):
        out[i] = trust_after(
            trust[i],
            disconfirmation[i],
            recovery[i],
            weights[0],
            weights[1],
            weights[2],
            weights[3],
        )
    return out


@njit(cache=True, nogil=True)
def expectation_after(
    expectation: float, performance: float, promise: float, drift: float
) -> float:
    """Expectation after a week (``customers.drift_expectation``); ``promise`` as kept."""
    target = min(1.0, performance + promise)
    return expectation + drift * (target - expectation)


@njit(cache=True, nogil=True)
def expectations_after(
    expectation: np.ndarray, performance: np.ndarray, promise: float, drift: float
) -> np.ndarray:
    """:func:`expectation_after` of each customer."""
    out = np.empty(len(expectation))
    for i in range(len(expectation)):
        out[i] = expectation_after(expectation[i], performance[i], promise, drift)
    return out


@njit(cache=True, nogil=True)
def customers_week(
    effort: np.ndarray,
    satisfaction: np.ndarray,
    trust: np.ndarray,
    expectation: np.ndarray,
    performance_sum: np.ndarray,
    cases: np.ndarray,
    recoveries: np.ndarray,
    effort_added: np.ndarray,
    effort_kept: float,
    satisfaction_weights: np.ndarray,
    smoothing: float,
    trust_weights: np.ndarray,
    promise: float,
    drift: float,
) -> np.ndarray:
    """The customers' week in place (``Customers.experience``); their disconfirmation.

    ``satisfaction_weights``: s0, bP, b+, b-. ``trust_weights``: tolerance, gain, loss,
    recovery share. ``promise``: the promise gap as kept this week.
    """
    n = len(effort)
    disconfirmation = np.full(n, np.nan)
    for i in range(n):
        effort[i] = effort[i] * effort_kept + effort_added[i]
        if not cases[i] > 0:
            continue
        performance = performance_sum[i] / cases[i]
        expected = expectation[i]
        d = performance - expected
        week = satisfaction_score(
            performance,
            expected,
            satisfaction_weights[0],
            satisfaction_weights[1],
            satisfaction_weights[2],
            satisfaction_weights[3],
        )
        satisfaction[i] += smoothing * (week - satisfaction[i])
        trust[i] = trust_after(
            trust[i],
            d,
            recoveries[i] / cases[i],
            trust_weights[0],
            trust_weights[1],
            trust_weights[2],
            trust_weights[3],
        )
        expectation[i] = expectation_after(expected, performance, promise, drift)
        disconfirmation[i] = d
    return disconfirmation


@njit(cache=True, nogil=True)
def recommendation(
    trust: float, satisfaction: float, trust_weight: float, offset: float, own: float
) -> float:
    """Likelihood to recommend on 0-10, from trust, satisfaction and the customer's own bent.

    ``own`` is the customer's own propensity to recommend, in points on the 0-10 scale
    (their advocacy trait times ``acquisition.recommendation_spread``).
    """
    score = 10.0 * (trust_weight * trust + (1.0 - trust_weight) * satisfaction)
    return min(max(score + offset + own, 0.0), 10.0)


@njit(cache=True, nogil=True)
def recommendations(
    trust: np.ndarray,
    satisfaction: np.ndarray,
    advocacy: np.ndarray,
    trust_weight: float,
    offset: float,
    spread: float,
) -> np.ndarray:
    """:func:`recommendation` of each customer."""
    out = np.empty(len(trust))
    for i in range(len(trust)):
        out[i] = recommendation(
            trust[i], satisfaction[i], trust_weight, offset, spread * advocacy[i]
        )
    return out


@njit(cache=True, nogil=True)
def recommenders(
    active: np.ndarray,
    trust: np.ndarray,
    satisfaction: np.ndarray,
    advocacy: np.ndarray,
    trust_weight: float,
    offset: float,
    spread: float,
    promoter_threshold: float,
    detractor_threshold: float,
) -> tuple[int, int]:
    """Promoters and detractors among the active slots (``recommendation_score``)."""
    promoters = detractors = 0
    for i in range(len(active)):
        if active[i]:
            score = recommendation(
                trust[i], satisfaction[i], trust_weight, offset, spread * advocacy[i]
            )
            promoters += score >= promoter_threshold
            detractors += score < detractor_threshold
    return promoters, detractors


@njit(cache=True, nogil=True)
def journey_phases(
    renewal_week: np.ndarray,
    tenure: np.ndarray,
    week: int,
    renewal_window: int,
    onboarding_weeks: int,
    phases: tuple[int, int, int],
) -> np.ndarray:
    """Each customer's journey phase (``Customers.phase``).

    Onboarding in the first weeks, renewal near the renewal week, usage otherwise;
    ``phases`` gives the onboarding, usage and renewal codes.
    """
    onboarding, usage, renewal = phases
    out = np.empty(len(tenure), dtype=np.int64)
    for i in range(len(tenure)):
        if tenure[i] < onboarding_weeks:
            out[i] = onboarding
        elif renewal_week[i] - week <= renewal_window:
            out[i] = renewal
        else:
            out[i] = usage
    return out


@njit(cache=True, nogil=True)
def repurchase_logit(
    trust: float,
    satisfaction: float,
    effort: float,
    intercept: float,
    trust_weight: float,
    satisfaction_weight: float,
    effort_weight: float,
) -> float:
    """Log-odds of repurchase: b0 + bT trust + bS satisfaction - bE effort (Bolton 1998)."""
    return (
        intercept
        + trust_weight * trust
        + satisfaction_weight * satisfaction
        - effort_weight * effort
    )


@njit(cache=True, nogil=True)
def repurchase_logits(
    trust: np.ndarray, satisfaction: np.ndarray, effort: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """:func:`repurchase_logit` of each customer; ``weights``: b0, bT, bS, bE."""
    out = np.empty(len(trust))
    for i in range(len(trust)):
        out[i] = repurchase_logit(
            trust[i], satisfaction[i], effort[i], weights[0], weights[1], weights[2], weights[3]
        )
    return out


@njit(cache=True, nogil=True)
def renewals_due(
    active: np.ndarray,
    renewal_week: np.ndarray,
    week: int,
    slot_id: np.ndarray,
    trust: np.ndarray,
    satisfaction: np.ndarray,
    effort: np.ndarray,
    stream: np.uint64,
    weights: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The rows whose renewal falls this week, in one pass over the customers.

    Returns those rows, each one's keyed draw (``Streams.keyed_uniform`` by slot number
    on ``stream``) and log-odds of repurchase (:func:`repurchase_logit`), and the number
    of active customers.
    """
    n = len(active)
    count = 0
    active_count = 0
    for i in range(n):
        if active[i]:
            active_count += 1
            count += renewal_week[i] == week
    due = np.empty(count, dtype=np.int64)
    draws = np.empty(count)
    logits = np.empty(count)
    k = 0
    for i in range(n):
        if active[i] and renewal_week[i] == week:
            due[k] = i
            draws[k] = kernels.keyed_draw(slot_id[i], stream)
            logits[k] = repurchase_logit(
                trust[i], satisfaction[i], effort[i], weights[0], weights[1], weights[2], weights[3]
            )
            k += 1
    return due, draws, logits, active_count
