"""The employees' compiled formulas give exactly what their NumPy formulations give.

The references below are the whole-array NumPy formulation the kernels replaced, kept
here so that the compiled week can be checked against it bit for bit.
"""

import math
from dataclasses import replace

import numpy as np

from cxsim.core.employees import (
    WeekAtWork,
    Workforce,
    end_week,
    learn,
    quit_probability,
    reallocate_effort,
    update_morale,
)
from cxsim.core.kernels import allocation_shares
from cxsim.core.parameters import ModelParameters

P = ModelParameters()


def _morale_reference(engagement, strain, game, orientation, week, params):
    p = params.morale
    engagement_target = (
        p.engagement_base
        + p.reward_effect * (week.achievement - 0.5) * 2.0
        + p.support_effect * week.support
        + p.success_effect * week.success
        + week.engagement_boost
    )
    strain_target = (
        p.strain_base
        + p.load_effect * np.maximum(0.0, week.load - p.load_threshold)
        + p.conflict_effect * week.conflict
        + p.dissonance_effect * game * orientation
        + week.change_strain
    )
    rate = 1.0 / p.adjustment_weeks
    return (
        np.clip(engagement + rate * (engagement_target - engagement), 0.0, 1.0),
        np.clip(strain + rate * (strain_target - strain), 0.0, 1.0),
    )


def _allocation_reference(allocation, morale, orientation, week, params, help_norm):
    p, pull = params.allocation, week.pull
    discretionary = np.minimum(1.5, np.maximum(0.1, 1.0 + morale - p.discretionary_reference))
    willingness = 1.0 - p.trust_effect + 2.0 * p.trust_effect * week.partner_trust
    weights = np.column_stack(
        [
            p.serve_base + pull[:, 0],
            (p.help_base + p.orientation_help * orientation) * discretionary * willingness
            + help_norm
            + pull[:, 1],
            (p.prevent_base + p.orientation_prevent * orientation) * discretionary + pull[:, 2],
            pull[:, 3] * (1.0 - p.gaming_distaste * orientation),
        ]
    )
    rate = 1.0 / p.adjustment_weeks
    return allocation + rate * (allocation_shares(weights) - allocation)


def _week(rng, n):
    pull = rng.normal(0.0, 0.3, (n, 4))
    pull[:5] = 0.0
    pull[5:10, 0] = -P.allocation.serve_base  # weights that sum to zero or less serve only
    pull[5:10, 1:3] = -5.0
    pull[5:10, 3] = 0.0
    return WeekAtWork(
        load=rng.uniform(0.0, 2.0, n),
        conflict=rng.random(n),
        success=rng.random(n),
        support=rng.random(n),
        achievement=rng.random(n),
        partner_trust=rng.random(n),
        engagement_boost=np.full(n, rng.normal(0.0, 0.3)),  # large enough to clip
        change_strain=np.full(n, abs(rng.normal(0.0, 0.3))),
        pull=pull,
    )


def _workforce(rng, n):
    workforce = Workforce()
    for slot in range(n):
        allocation = rng.dirichlet(np.ones(4))
        workforce.place(
            slot,
            (rng.random(), rng.random(), rng.random(), rng.random(), *allocation, rng.random()),
        )
    workforce.tenure[:n] = rng.integers(0, 500, n)
    return workforce


def _same(a, b):
    return np.array_equal(np.asarray(a).view(np.uint64), np.asarray(b).view(np.uint64))


def test_morale_effort_and_learning_are_the_numpy_formulas_bit_for_bit():
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = int(rng.integers(1, 400))
        week, w = _week(rng, n + 10), _workforce(rng, n + 10)
        rows = w.state[: w.size]
        params = replace(P, morale=replace(P.morale, adjustment_weeks=float(rng.uniform(1, 20))))
        e, z, alloc = rows[:, 0], rows[:, 1], rows[:, 4:8]
        expected = _morale_reference(e, z, alloc[:, 3], rows[:, 3], week, params)
        got = update_morale(e, z, alloc[:, 3], rows[:, 3], week, params)
        assert _same(got[0], expected[0]) and _same(got[1], expected[1])
        morale = expected[0] - expected[1]
        help_norm = float(rng.uniform(0.0, 0.2))
        expected_allocation = _allocation_reference(
            alloc, morale, rows[:, 3], week, params, help_norm
        )
        got_allocation = reallocate_effort(alloc, morale, rows[:, 3], week, params, help_norm)
        assert _same(got_allocation, expected_allocation)
        # weights that sum to zero or less move those employees toward serving only
        rate = 1.0 / params.allocation.adjustment_weeks
        serving = alloc[5:10] + rate * (np.array([1.0, 0.0, 0.0, 0.0]) - alloc[5:10])
        assert np.allclose(got_allocation[5:10], serving, rtol=0, atol=1e-15)
        p = params.employees
        expected_skill = rows[:, 2] + p.learning_rate * np.maximum(
            0.0, p.skill_ceiling - rows[:, 2]
        )
        assert _same(learn(rows[:, 2], params), expected_skill)

        # the compiled week in place does all three, and counts a week of tenure
        tenure = w.tenure[: w.size].copy()
        end_week(w, week, params, help_norm)
        rows = w.state[: w.size]
        assert _same(rows[:, 0], expected[0]) and _same(rows[:, 1], expected[1])
        assert _same(rows[:, 2], expected_skill)
        assert _same(rows[:, 4:8], expected_allocation)
        assert np.array_equal(w.tenure[: w.size], tenure + 1)


def test_quitting_takes_math_exp_of_each_employee():
    rng = np.random.default_rng(12)
    morale = rng.uniform(-1.0, 1.0, 300)
    p = P.turnover
    expected = [p.base_quit * math.exp(x) for x in (-p.morale_sensitivity * morale).tolist()]
    assert _same(quit_probability(morale, P), np.array(expected))
    assert quit_probability(np.zeros(0), P).shape == (0,)
