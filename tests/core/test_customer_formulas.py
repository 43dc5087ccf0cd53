"""The customers' compiled formulas give exactly what their NumPy formulations give."""

import numpy as np

from cxsim.core import customer_formulas
from cxsim.core.customers import disconfirmation_satisfaction, recommendation_score
from cxsim.core.parameters import AcquisitionParameters, SatisfactionParameters


def test_recommenders_count_as_the_recommendation_score_does():
    rng = np.random.default_rng(3)
    p = AcquisitionParameters()
    trust, satisfaction = rng.random(20000), rng.random(20000)
    advocacy = rng.standard_normal(20000)
    active = rng.random(20000) < 0.6
    w = p.trust_in_recommendation
    score = np.clip(
        10.0 * (w * trust[active] + (1.0 - w) * satisfaction[active])
        + p.recommendation_offset
        + p.recommendation_spread * advocacy[active],
        0,
        10,
    )
    assert np.array_equal(
        recommendation_score(trust[active], satisfaction[active], p, advocacy[active]), score
    )
    got = customer_formulas.recommenders(
        active,
        trust,
        satisfaction,
        advocacy,
        p.trust_in_recommendation,
        p.recommendation_offset,
        p.recommendation_spread,
        p.promoter_threshold,
        p.detractor_threshold,
    )
    assert got == ((score >= p.promoter_threshold).sum(), (score < p.detractor_threshold).sum())


def test_satisfaction_is_the_numpy_disconfirmation_formula_bit_for_bit():
    rng = np.random.default_rng(4)
    p = SatisfactionParameters()
    performance, expectation = rng.random(5000), rng.random(5000)
    performance[:10] = expectation[:10]  # no disconfirmation at all
    d = performance - expectation
    expected = np.clip(
        p.intercept
        + p.performance_weight * performance
        + p.positive_weight * np.maximum(d, 0.0)
        - p.negative_weight * np.maximum(-d, 0.0),
        0.0,
        1.0,
    )
    assert np.array_equal(disconfirmation_satisfaction(performance, expectation, p), expected)
    grid = disconfirmation_satisfaction(performance.reshape(50, 100), 0.6, p)
    assert grid.shape == (50, 100)
    assert np.array_equal(grid.ravel(), disconfirmation_satisfaction(performance, 0.6, p))


def _trust_reference(trust, disconfirmation, recovery, p):
    tol = p.tolerance
    met = disconfirmation >= -tol
    gain_size = np.minimum(1.0, (disconfirmation + tol) / (2.0 * tol))
    loss_size = np.minimum(1.0, (-disconfirmation - tol) / (2.0 * tol))
    gain = p.gain * gain_size * (1.0 - trust) * (1.0 - recovery * (1.0 - p.recovery_share))
    loss = p.loss * loss_size * trust
    return np.clip(np.where(met, trust + gain, trust - loss), 0.0, 1.0)


def _experience_reference(effort, satisfaction, trust, expectation, week, p, decay, alignment):
    performance_sum, cases, recoveries, effort_added = week
    effort[:] = effort * (1.0 - decay) + effort_added
    touched = np.flatnonzero(cases > 0)
    out = np.full(len(effort), np.nan)
    perf = performance_sum[touched] / cases[touched]
    expect = expectation[touched]
    d = perf - expect
    s = p.satisfaction
    week_satisfaction = np.clip(
        s.intercept
        + s.performance_weight * perf
        + s.positive_weight * np.maximum(d, 0.0)
        - s.negative_weight * np.maximum(-d, 0.0),
        0.0,
        1.0,
    )
    satisfaction[touched] += s.smoothing * (week_satisfaction - satisfaction[touched])
    trust[touched] = _trust_reference(
        trust[touched], d, recoveries[touched] / cases[touched], p.trust
    )
    target = np.minimum(1.0, perf + s.promise * (1.0 - alignment))
    expectation[touched] = expect + s.expectation_drift * (target - expect)
    out[touched] = d
    return out


def test_the_customers_week_is_the_numpy_formulation_bit_for_bit():
    from cxsim.core.customers import drift_expectation, update_trust
    from cxsim.core.parameters import ModelParameters

    p = ModelParameters()
    rng = np.random.default_rng(9)
    n = 4000
    cases = rng.integers(0, 4, n).astype(float)
    week = (cases * rng.random(n), cases, np.floor(cases * rng.random(n)), rng.random(n))
    state = [rng.random(n) for _ in range(4)]  # effort, satisfaction, trust, expectation
    expected_state = [s.copy() for s in state]
    s, t = p.satisfaction, p.trust
    got = customer_formulas.customers_week(
        *state,
        *week,
        1.0 - 0.1,
        np.array([s.intercept, s.performance_weight, s.positive_weight, s.negative_weight]),
        s.smoothing,
        np.array([t.tolerance, t.gain, t.loss, t.recovery_share]),
        s.promise * (1.0 - 0.3),
        s.expectation_drift,
    )
    expected = _experience_reference(*expected_state, week, p, 0.1, 0.3)
    assert np.array_equal(got, expected, equal_nan=True)
    for a, b in zip(state, expected_state, strict=True):
        assert np.array_equal(a, b)
    d, recovery = rng.normal(0, 0.3, n), rng.random(n)
    trust = rng.random(n)
    assert np.array_equal(
        update_trust(trust, d, recovery, t), _trust_reference(trust, d, recovery, t)
    )
    performance = rng.random(n)
    assert np.array_equal(
        drift_expectation(trust, performance, s, 0.3),
        trust + s.expectation_drift * (np.minimum(1.0, performance + s.promise * 0.7) - trust),
    )


def test_journey_phases_are_the_numpy_formulation():
    rng = np.random.default_rng(2)
    renewal_week, tenure = rng.integers(0, 80, 5000), rng.integers(0, 30, 5000)
    expected = np.full(5000, 1, dtype=np.int64)
    expected[renewal_week - 40 <= 4] = 2
    expected[tenure < 8] = 0
    got = customer_formulas.journey_phases(renewal_week, tenure, 40, 4, 8, (0, 1, 2))
    assert np.array_equal(got, expected)
    assert {0, 1, 2} <= set(got.tolist())


def test_renewals_due_are_the_numpy_formulation_bit_for_bit():
    from cxsim.core.customers import Customers, repurchase_probability
    from cxsim.core.parameters import CustomerParameters, ModelParameters
    from cxsim.core.streams import Streams

    P = ModelParameters()
    c = Customers(CustomerParameters(count=3000), P.satisfaction, Streams(3), pods=4)
    rng = np.random.default_rng(5)
    n = c.size
    c.trust[:n], c.satisfaction[:n], c.effort[:n] = rng.random(n), rng.random(n), rng.random(n)
    c.renew(c.due_for_renewal(week=3), rng.random(len(c.due_for_renewal(week=3))) < 0.5, 3)
    streams = Streams(42)
    for week in (1, 2, 4, 25, 26):
        due = c.due_for_renewal(week)
        draws = streams.keyed_uniform("customers/renewal", week, c.slot_id[due])
        p = P.repurchase
        logit = (
            p.intercept
            + p.trust_weight * c.trust[due]
            + p.satisfaction_weight * c.satisfaction[due]
            - p.effort_weight * c.effort[due]
        )
        untouched = (1.0 - p.unavoidable_churn) ** (P.customers.renewal_weeks / 52.0)
        expected = untouched / (1.0 + np.exp(-logit))
        got = c.renewals(week, streams.stream_key("customers/renewal", week), p)
        assert np.array_equal(got[0], due) and len(due) > 0
        assert np.array_equal(got[1], draws)
        assert np.array_equal(got[2], expected)
        assert got[3] == c.active_count
        assert np.array_equal(
            repurchase_probability(
                c.trust[due], c.satisfaction[due], c.effort[due], p, P.customers.renewal_weeks
            ),
            expected,
        )
