import numpy as np
import pytest

from cxsim.core.customers import (
    Customers,
    disconfirmation_satisfaction,
    drift_expectation,
    recommendation_score,
    repurchase_probability,
    update_trust,
)
from cxsim.core.parameters import ModelParameters
from cxsim.core.streams import Streams

P = ModelParameters()


def test_satisfaction_punishes_shortfalls_more_than_it_rewards_surprises():
    e = np.array([0.6, 0.6])
    s = disconfirmation_satisfaction(np.array([0.7, 0.5]), e, P.satisfaction)
    base = disconfirmation_satisfaction(np.array([0.6]), np.array([0.6]), P.satisfaction)[0]
    assert base - s[1] > s[0] - base > 0


def test_satisfaction_rises_with_performance_and_falls_with_expectation():
    p = np.linspace(0, 1, 11)
    s = disconfirmation_satisfaction(p, np.full(11, 0.6), P.satisfaction)
    assert np.all(np.diff(s) >= 0)
    lower = disconfirmation_satisfaction(np.full(11, 0.6), np.linspace(0, 1, 11), P.satisfaction)
    assert np.all(np.diff(lower) <= 0)


def test_trust_falls_faster_than_it_rises():
    t = np.array([0.5, 0.5])
    d = np.array([0.4, -0.4])
    after = update_trust(t, d, np.zeros(2), P.trust)
    assert 0.5 - after[1] > after[0] - 0.5 > 0


def test_meeting_expectations_builds_trust_slowly_and_recovery_earns_less():
    t = np.array([0.5])
    met = update_trust(t, np.array([0.0]), np.array([0.0]), P.trust)[0]
    recovered = update_trust(t, np.array([0.0]), np.array([1.0]), P.trust)[0]
    assert 0.5 < recovered < met


def test_trust_stays_in_unit_interval():
    t = np.array([0.0, 1.0, 0.999, 0.001])
    after = update_trust(t, np.array([1.0, -1.0, 1.0, -1.0]), np.zeros(4), P.trust)
    assert np.all((after >= 0) & (after <= 1))


def test_expectations_drift_toward_experience_plus_promise():
    e = drift_expectation(np.array([0.3]), np.array([0.8]), P.satisfaction)[0]
    assert 0.3 < e < 0.8 + P.satisfaction.promise


def test_repurchase_rises_with_trust_and_satisfaction_and_falls_with_effort():
    base = repurchase_probability(np.array([0.5]), np.array([0.5]), np.array([0.5]), P.repurchase)
    assert (
        repurchase_probability(np.array([0.8]), np.array([0.5]), np.array([0.5]), P.repurchase)
        > base
    )
    assert (
        repurchase_probability(np.array([0.5]), np.array([0.8]), np.array([0.5]), P.repurchase)
        > base
    )
    assert (
        repurchase_probability(np.array([0.5]), np.array([0.5]), np.array([2.0]), P.repurchase)
        < base
    )


def test_some_customers_leave_whatever_their_experience():
    best = (np.array([1.0]), np.array([1.0]), np.array([0.0]))
    none = P.repurchase.__class__(unavoidable_churn=0.0)
    some = P.repurchase.__class__(unavoidable_churn=0.19)
    logistic = repurchase_probability(*best, none, renewal_weeks=26)[0]
    # a yearly 19% leaves 0.9 of customers through each half-year renewal
    assert repurchase_probability(*best, some, renewal_weeks=26)[0] == pytest.approx(0.9 * logistic)
    assert repurchase_probability(*best, some, renewal_weeks=52)[0] == pytest.approx(
        0.81 * logistic
    )


def test_recommendation_is_on_a_zero_to_ten_scale():
    score = recommendation_score(np.array([0.0, 1.0]), np.array([0.0, 1.0]), P.acquisition)
    assert score[0] >= 0 and score[1] == 10


def make(count=1000, seed=3):
    return Customers(P.customers.__class__(count=count), P.satisfaction, Streams(seed), pods=4)


def test_population_starts_active_with_traits_in_range():
    c = make()
    assert c.active_count == 1000 == c.ever_acquired
    n = c.slots
    assert np.all((c.trust[n] > 0) & (c.trust[n] < 1))
    assert set(np.unique(c.pod[n])) <= {0, 1, 2, 3}
    # renewals of existing customers are spread over the cycle
    assert len(np.unique(c.renewal_week[n])) == P.customers.renewal_weeks


def test_a_customers_own_propensity_to_recommend_moves_their_score_by_the_spread():
    c = make(count=20000)
    advocacy = c.advocacy[c.slots]
    assert abs(advocacy.mean()) < 0.03 and abs(advocacy.std() - 1.0) < 0.03
    p = P.acquisition
    trust, satisfaction = np.full(3, 0.5), np.full(3, 0.5)
    score = recommendation_score(trust, satisfaction, p, np.array([-1.0, 0.0, 1.0]))
    assert score[2] - score[1] == pytest.approx(p.recommendation_spread)
    assert score[1] - score[0] == pytest.approx(p.recommendation_spread)


def test_slot_traits_do_not_depend_on_when_the_slot_is_filled():
    a, b = make(count=100), make(count=100)
    a.acquire(5000, week=3)  # crosses a trait block
    b.acquire(2000, week=9)
    b.acquire(3000, week=11)
    assert np.array_equal(a.trust[: a.size], b.trust[: b.size])
    assert np.array_equal(a.margin[: a.size], b.margin[: b.size])
    assert np.array_equal(a.advocacy[: a.size], b.advocacy[: b.size])


def test_renewal_keeps_stayers_and_conserves_customers():
    c = make()
    due = c.due_for_renewal(week=1)
    stays = np.arange(len(due)) % 2 == 0
    c.renew(due, stays, week=1)
    assert c.churned == (~stays).sum()
    assert c.active_count + c.churned == c.ever_acquired
    assert np.all(c.renewal_week[due[stays]] == 1 + P.customers.renewal_weeks)


def test_compacting_drops_the_leavers_and_keeps_everyone_else_in_order():
    c = make(count=2000)
    assert c.compact() is None  # nobody has left yet
    for week in range(1, 11):  # everyone due in ten weeks leaves: about a fifth
        due = c.due_for_renewal(week)
        c.renew(due, np.zeros(len(due), dtype=bool), week)
    here = np.flatnonzero(c.active[: c.size])
    trust, margin, advocacy = c.trust[here].copy(), c.margin[here].copy(), c.advocacy[here].copy()
    moved = c.compact()
    assert moved is not None and np.array_equal(moved[here], np.arange(len(here)))
    assert np.all(moved[np.setdiff1d(np.arange(len(moved)), here)] == -1)
    assert c.size == len(here) == c.active_count
    assert np.array_equal(c.slot_id[: c.size], here)
    assert np.array_equal(c.trust[: c.size], trust)
    assert np.array_equal(c.margin[: c.size], margin)
    assert np.array_equal(c.advocacy[: c.size], advocacy)
    c.acquire(10, week=4)  # newcomers take the next slot numbers, after the compacted rows
    assert np.array_equal(c.slot_id[c.size - 10 : c.size], np.arange(2000, 2010))
    assert c.active_count + c.churned == c.ever_acquired


def test_experience_only_moves_customers_who_had_cases():
    c = make(count=10)
    before = c.trust[:10].copy()
    perf = np.zeros(10)
    cases = np.zeros(10)
    perf[2], cases[2] = 0.0, 1  # a failure
    d = c.experience(perf, cases, np.zeros(10), np.zeros(10), P.satisfaction, P.trust, 0.05)
    changed = np.flatnonzero(c.trust[:10] != before)
    assert list(changed) == [2] and c.trust[2] < before[2]
    assert np.isnan(d[0]) and d[2] < 0


def test_phases_follow_tenure_and_renewal():
    c = make(count=10)
    c.acquire(1, week=0)
    phase = c.phase(week=0)
    assert phase[10] == 0  # new customer onboarding
    assert set(phase[:10]) <= {1, 2}


@pytest.mark.parametrize("count", [1, 5000])
def test_growth_beyond_preallocated_room(count):
    c = make(count=count)
    c.acquire(20000, week=1)
    assert c.size == count + 20000 and c.active_count == count + 20000
