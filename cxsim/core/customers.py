"""Customers: a vectorised population, one row per customer.

Customers are not agents: they are NumPy arrays (active, trust, expectation,
satisfaction, accumulated effort, tenure, renewal week, margin, advocacy, pod), updated
for all customers at once. Each customer has a slot number, given in order of arrival and
never reused; a slot's traits (starting trust and expectation, renewal phase, margin, pod
draw, own propensity to recommend) and its weekly draws depend on its slot number, not
on the week it is filled, so the k-th customer acquired is the same person under every
policy (common random numbers). Rows hold the customers in slot order; the rows of
customers who have left are dropped from time to time (:meth:`Customers.compact`), so
that the week's work follows the customers there are, not every customer there has ever
been.
"""

from __future__ import annotations

import numpy as np

from cxsim.core import customer_formulas
from cxsim.core.parameters import (
    AcquisitionParameters,
    CustomerParameters,
    RepurchaseParameters,
    SatisfactionParameters,
    TrustParameters,
)
from cxsim.core.streams import Streams

__all__ = [
    "Customers",
    "disconfirmation_satisfaction",
    "drift_expectation",
    "recommendation_score",
    "repurchase_probability",
    "update_trust",
]

ONBOARDING, USAGE, RENEWAL = 0, 1, 2
_BLOCK = 4096
_COMPACT_SHARE = 8
"""Rows are compacted once more than one in this many belong to customers who have left."""


def disconfirmation_satisfaction(
    performance: np.ndarray, expectation: np.ndarray, p: SatisfactionParameters
) -> np.ndarray:
    """Satisfaction by expectation-disconfirmation (Oliver 1980; Anderson & Sullivan 1993).

    S = s0 + bP P + b+ max(D, 0) - b- max(-D, 0), with D = P - E, clipped to [0, 1].
    """
    performance, expectation = np.broadcast_arrays(
        np.asarray(performance, dtype=float), np.asarray(expectation, dtype=float)
    )
    weights = np.array(
        [p.intercept, p.performance_weight, p.positive_weight, p.negative_weight], dtype=float
    )
    scores = customer_formulas.satisfaction_scores(
        performance.ravel(), expectation.ravel(), weights
    )
    return scores.reshape(performance.shape)


def update_trust(
    trust: np.ndarray, disconfirmation: np.ndarray, recovery: np.ndarray, p: TrustParameters
) -> np.ndarray:
    """Asymmetric trust: slow to build, quick to lose (Slovic 1993; Mittal et al. 1998).

    Within the zone of tolerance (D >= -tolerance) trust grows toward 1 in proportion to
    how far expectations were met or exceeded; below it trust falls toward 0. The loss
    rate exceeds the gain rate. A recovered problem earns only ``recovery_share`` of the
    usual gain (de Matos et al. 2007).

    Args:
        trust: Current trust, 0-1.
        disconfirmation: D = P - E of the week's experience.
        recovery: Share of the week's cases that were recoveries, 0-1.
        p: Trust parameters.
    """
    trust, disconfirmation, recovery = np.broadcast_arrays(
        *(np.asarray(a, dtype=float) for a in (trust, disconfirmation, recovery))
    )
    after = customer_formulas.trusts_after(
        trust.ravel(), disconfirmation.ravel(), recovery.ravel(), _trust_weights(p)
    )
    return after.reshape(trust.shape)


def _trust_weights(p: TrustParameters) -> np.ndarray:
    return np.array([p.tolerance, p.gain, p.loss, p.recovery_share], dtype=float)


def drift_expectation(
    expectation: np.ndarray,
    performance: np.ndarray,
    p: SatisfactionParameters,
    promise_alignment: float = 0.0,
) -> np.ndarray:
    """Expectations move toward experience, held up by promises (Boulding et al. 1993).

    ``promise_alignment`` (0-1) is the share of the promise gap closed by involving
    customers in design: promises then match what is delivered.
    """
    expectation, performance = np.broadcast_arrays(
        np.asarray(expectation, dtype=float), np.asarray(performance, dtype=float)
    )
    after = customer_formulas.expectations_after(
        expectation.ravel(),
        performance.ravel(),
        p.promise * (1.0 - promise_alignment),
        float(p.expectation_drift),
    )
    return after.reshape(expectation.shape)


def repurchase_probability(
    trust: np.ndarray,
    satisfaction: np.ndarray,
    effort: np.ndarray,
    p: RepurchaseParameters,
    renewal_weeks: int = 26,
) -> np.ndarray:
    """Repurchase at renewal: logistic in trust, satisfaction and effort (Bolton 1998).

    Some customers leave whatever their experience: the business closes, a head office
    decides, the budget goes (Bogomolova & Romaniuk 2009). Only those who face no such
    event decide on their experience: the logistic is scaled by the chance of escaping
    ``unavoidable_churn`` (a yearly rate) over one renewal cycle of ``renewal_weeks``.
    """
    trust, satisfaction, effort = np.broadcast_arrays(
        np.asarray(trust, dtype=float),
        np.asarray(satisfaction, dtype=float),
        np.asarray(effort, dtype=float),
    )
    logit = customer_formulas.repurchase_logits(
        trust.ravel(), satisfaction.ravel(), effort.ravel(), _repurchase_weights(p)
    ).reshape(trust.shape)
    return renewal_probability(logit, p, renewal_weeks)


def renewal_probability(
    logit: np.ndarray, p: RepurchaseParameters, renewal_weeks: int = 26
) -> np.ndarray:
    """Repurchase at renewal from the log-odds of :func:`repurchase_probability`.

    NumPy's exponential, as the whole-array formula always used (a compiled one may
    round differently), so renewals are the same on every machine NumPy runs the same.
    """
    untouched = (1.0 - p.unavoidable_churn) ** (renewal_weeks / 52.0)
    return untouched / (1.0 + np.exp(-logit))


def _repurchase_weights(p: RepurchaseParameters) -> np.ndarray:
    return np.array(
        [p.intercept, p.trust_weight, p.satisfaction_weight, p.effort_weight], dtype=float
    )


def recommendation_score(
    trust: np.ndarray,
    satisfaction: np.ndarray,
    p: AcquisitionParameters,
    advocacy: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Likelihood to recommend on 0-10, from trust, satisfaction and the customer's own bent.

    Args:
        trust: Trust, 0-1.
        satisfaction: Satisfaction, 0-1.
        p: Acquisition parameters.
        advocacy: Each customer's own propensity to recommend, in standard deviations
            (scaled by ``p.recommendation_spread``); 0 is the typical customer.
    """
    trust, satisfaction, advocacy = np.broadcast_arrays(
        np.asarray(trust, dtype=float),
        np.asarray(satisfaction, dtype=float),
        np.asarray(advocacy, dtype=float),
    )
    scores = customer_formulas.recommendations(
        trust.ravel(),
        satisfaction.ravel(),
        advocacy.ravel(),
        float(p.trust_in_recommendation),
        float(p.recommendation_offset),
        float(p.recommendation_spread),
    )
    return scores.reshape(trust.shape)


_COLUMNS = (
    "pod_draw",
    "active",
    "initial",
    "trust",
    "expectation",
    "satisfaction",
    "effort",
    "margin",
    "advocacy",
    "tenure",
    "renewal_week",
    "pod",
    "slot_id",
)


class Customers:
    """The customer population as struct-of-arrays with room to grow.

    Args:
        params: Customer parameters.
        satisfaction: Satisfaction parameters (for the starting satisfaction).
        streams: The run's random streams (slot traits come from them).
        pods: Number of pods customers are spread over (1 without pods).
    """

    def __init__(
        self,
        params: CustomerParameters,
        satisfaction: SatisfactionParameters,
        streams: Streams,
        pods: int = 1,
    ) -> None:
        self.params = params
        self.satisfaction_params = satisfaction
        self.streams = streams
        self.pods = max(1, pods)
        self.size = 0
        self._cached_block: tuple[int, dict[str, np.ndarray]] | None = None
        capacity = max(_BLOCK, int(params.count * 1.5))
        self._allocate(capacity)
        self.ever_acquired = 0
        self.churned = 0
        self._add(params.count, week=0, initial=True)

    # -- storage ---------------------------------------------------------------
    def _allocate(self, capacity: int) -> None:
        def grow(name: str, dtype: type, fill: float) -> None:
            old = getattr(self, name, None)
            new = np.full(capacity, fill, dtype=dtype)
            if old is not None:
                new[: len(old)] = old
            setattr(self, name, new)

        grow("pod_draw", float, 0.0)
        grow("active", bool, False)
        grow("initial", bool, False)
        for name in ("trust", "expectation", "satisfaction", "effort", "margin", "advocacy"):
            grow(name, float, 0.0)
        for name in ("tenure", "renewal_week", "pod", "slot_id"):
            grow(name, np.int64, 0)

    def _traits(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """Traits of slots [start, stop), drawn block by block from the slot number."""
        parts: dict[str, list[np.ndarray]] = {}
        for block in range(start // _BLOCK, (stop - 1) // _BLOCK + 1):
            values = self._block_traits(block)
            lo = max(start, block * _BLOCK) - block * _BLOCK
            hi = min(stop, (block + 1) * _BLOCK) - block * _BLOCK
            for name, array in values.items():
                parts.setdefault(name, []).append(array[lo:hi])
        return {name: np.concatenate(chunks) for name, chunks in parts.items()}

    def _block_traits(self, block: int) -> dict[str, np.ndarray]:
        """Traits of one block of slots (the last block is kept, as acquisitions fill it)."""
        cached = self._cached_block
        if cached is not None and cached[0] == block:
            return cached[1]
        p = self.params
        rng = self.streams.generator("customers/traits", block)
        k = p.spread
        values = {
            "trust": rng.beta(p.initial_trust * k, (1 - p.initial_trust) * k, _BLOCK),
            "expectation": rng.beta(
                max(p.initial_expectation, 1e-3) * k,
                max(1 - p.initial_expectation, 1e-3) * k,
                _BLOCK,
            ),
            "phase": rng.random(_BLOCK),
            "margin": rng.lognormal(-0.5 * p.margin_spread**2, p.margin_spread, _BLOCK),
            "pod": rng.random(_BLOCK),
            "advocacy": rng.standard_normal(_BLOCK),
        }
        self._cached_block = (block, values)
        return values

    def _add(self, n: int, week: int, initial: bool = False) -> None:
        if n <= 0:
            return
        start, stop = self.size, self.size + n
        if stop > len(self.active):
            self._allocate(max(stop, 2 * len(self.active)))
        first = self.ever_acquired  # slot numbers run 0, 1, ... in order of arrival
        traits = self._traits(first, first + n)
        p = self.params
        sl = slice(start, stop)
        self.active[sl] = True
        self.initial[sl] = initial
        self.trust[sl] = traits["trust"]
        self.expectation[sl] = traits["expectation"]
        sp = self.satisfaction_params
        self.satisfaction[sl] = np.clip(
            sp.intercept + sp.performance_weight * traits["expectation"], 0.0, 1.0
        )
        self.effort[sl] = 0.0
        self.margin[sl] = traits["margin"]
        self.advocacy[sl] = traits["advocacy"]
        self.pod_draw[sl] = traits["pod"]
        self.pod[sl] = (traits["pod"] * self.pods).astype(np.int64)
        offset = (traits["phase"] * p.renewal_weeks).astype(np.int64)
        if initial:
            # existing customers: past onboarding, renewals spread over the cycle
            self.tenure[sl] = p.onboarding_weeks + offset
            self.renewal_week[sl] = week + 1 + offset
        else:
            self.tenure[sl] = 0
            self.renewal_week[sl] = week + p.renewal_weeks
        self.slot_id[sl] = np.arange(first, first + n)
        self.size = stop
        self.ever_acquired += n

    def compact(self) -> np.ndarray | None:
        """Drop the rows of customers who have left, once they are many enough.

        Rows keep their order, so every sum over the active customers adds the same
        numbers in the same order as before, and results do not depend on when rows are
        dropped. Anything holding rows across the call (the cases carried to next week)
        must be moved to the new rows.

        Returns:
            The new row of each old row (-1 for a dropped one), or None when nothing moved.
        """
        n = self.size
        keep = self.active[:n].copy()
        kept = int(np.count_nonzero(keep))
        if (n - kept) * _COMPACT_SHARE <= n:
            return None
        moved = np.full(n, -1, dtype=np.int64)
        moved[keep] = np.arange(kept)
        for name in _COLUMNS:
            column = getattr(self, name)
            column[:kept] = column[:n][keep]
        self.active[kept:n] = False
        self.size = kept
        return moved

    def assign_pods(self, pods: int) -> None:
        """Spread the customers over a new number of pods (after a restructure)."""
        self.pods = max(1, pods)
        n = self.size
        self.pod[:n] = (self.pod_draw[:n] * self.pods).astype(np.int64)

    def mark_initial(self) -> None:
        """Make the customers active now the starting cohort (retention counts them)."""
        n = self.size
        self.initial[:n] = self.active[:n]

    def acquire(self, n: int, week: int) -> None:
        """Add ``n`` new customers, who start onboarding and renew after a full cycle."""
        self._add(n, week)

    # -- views -----------------------------------------------------------------
    @property
    def slots(self) -> slice:
        """The rows in use (by slot number: ``slot_id``)."""
        return slice(0, self.size)

    @property
    def active_count(self) -> int:
        """Number of active customers."""
        return int(self.active[: self.size].sum())

    def phase(self, week: int) -> np.ndarray:
        """Journey phase of every used slot: onboarding, usage or renewal."""
        p, n = self.params, self.size
        return customer_formulas.journey_phases(
            self.renewal_week[:n],
            self.tenure[:n],
            int(week),
            int(p.renewal_window_weeks),
            int(p.onboarding_weeks),
            (ONBOARDING, USAGE, RENEWAL),
        )

    # -- weekly updates --------------------------------------------------------
    def experience(
        self,
        performance_sum: np.ndarray,
        cases: np.ndarray,
        recoveries: np.ndarray,
        effort_added: np.ndarray,
        params_satisfaction: SatisfactionParameters,
        params_trust: TrustParameters,
        effort_decay: float,
        promise_alignment: float = 0.0,
    ) -> np.ndarray:
        """Update satisfaction, trust, expectation and effort from the week's cases.

        Args:
            performance_sum: Sum of perceived performance over each slot's cases.
            cases: Number of cases each slot experienced.
            recoveries: Number of those that were recovered problems.
            effort_added: Effort each slot spent this week.
            params_satisfaction: Satisfaction and expectation parameters.
            params_trust: Trust parameters.
            effort_decay: Share of past effort forgotten each week.
            promise_alignment: Share of the promise gap closed (customer advisory).

        Returns:
            The disconfirmation D of each slot that had cases (NaN elsewhere).
        """
        n = self.size
        s = params_satisfaction
        return customer_formulas.customers_week(
            self.effort[:n],
            self.satisfaction[:n],
            self.trust[:n],
            self.expectation[:n],
            np.asarray(performance_sum, dtype=float),
            np.asarray(cases, dtype=float),
            np.asarray(recoveries, dtype=float),
            np.asarray(effort_added, dtype=float),
            1.0 - effort_decay,
            np.array(
                [s.intercept, s.performance_weight, s.positive_weight, s.negative_weight],
                dtype=float,
            ),
            float(s.smoothing),
            _trust_weights(params_trust),
            s.promise * (1.0 - promise_alignment),
            float(s.expectation_drift),
        )

    def due_for_renewal(self, week: int) -> np.ndarray:
        """Rows of active customers whose renewal falls in this week."""
        n = self.size
        return np.flatnonzero(self.active[:n] & (self.renewal_week[:n] == week))

    def renewals(
        self, week: int, stream: np.uint64, p: RepurchaseParameters
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The renewals due this week, in one pass over the customers.

        Returns the rows due (:meth:`due_for_renewal`), each one's uniform draw keyed by
        its slot number on ``stream``, each one's chance of repurchase
        (:func:`repurchase_probability`) and the number of active customers before
        anyone leaves.
        """
        n = self.size
        due, draws, logit, active = customer_formulas.renewals_due(
            self.active[:n],
            self.renewal_week[:n],
            int(week),
            self.slot_id[:n],
            self.trust[:n],
            self.satisfaction[:n],
            self.effort[:n],
            stream,
            _repurchase_weights(p),
        )
        return due, draws, renewal_probability(logit, p, self.params.renewal_weeks), int(active)

    def renew(self, due: np.ndarray, stays: np.ndarray, week: int) -> None:
        """Apply renewal decisions: stayers start a new cycle, the others churn."""
        stayers, leavers = due[stays], due[~stays]
        self.renewal_week[stayers] = week + self.params.renewal_weeks
        self.active[leavers] = False
        self.churned += len(leavers)

    def age(self) -> None:
        """Add a week of tenure to every active customer."""
        n = self.size
        self.tenure[:n] += self.active[:n]
