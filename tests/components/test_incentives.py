import numpy as np
import pytest

from cxsim.components.incentives import (
    BalancedScorecard,
    IndividualCsat,
    IndividualThroughput,
    Performance,
    PreventionBonus,
    ResolutionBonus,
    TeamRecognition,
    Universal,
    percentile,
)
from cxsim.core.service import WorkWeek


def work(n=6, **arrays):
    zeros = np.zeros(n)
    fields = {
        name: zeros.copy()
        for name in (
            "load handled problems resolved first_contact failed handoffs handoff_failures "
            "help_given help_failed survey_sum survey_count help_used performance_sum cases "
            "recoveries effort"
        ).split()
    }
    fields.update(arrays)
    return WorkWeek(
        carried=None,
        pair_success=np.zeros((2, 2)),
        pair_failure=np.zeros((2, 2)),
        pair_handoffs=np.zeros((2, 2)),
        department_cases=np.zeros(2),
        department_waiting=np.zeros(2),
        totals={},
        **fields,
    )


def performance(w, allocation=None, group=None, trust=0.7):
    n = len(w.handled)
    return Performance(
        work=w,
        allocation=np.tile([0.8, 0.1, 0.1, 0.0], (n, 1)) if allocation is None else allocation,
        skill=np.full(n, 0.75),
        group=np.array([0, 0, 0, 1, 1, 1]) if group is None else group,
        trust=trust,
        initial_trust=0.7,
        gaming_lift=0.8,
    )


def test_percentile_ranks_with_ties():
    assert list(percentile(np.array([1.0, 3.0, 2.0, 2.0]))) == [0.125, 0.875, 0.5, 0.5]


def test_individual_schemes_rank_employees_on_their_measure():
    w = work(handled=np.array([1.0, 2, 3, 4, 5, 6]))
    a = IndividualThroughput().achievement(performance(w))
    assert np.all(np.diff(a) > 0)


def test_gaming_lifts_throughput_and_survey_measures():
    w = work(handled=np.full(6, 10.0), survey_sum=np.full(6, 3.0), survey_count=np.full(6, 5.0))
    allocation = np.tile([0.8, 0.1, 0.1, 0.0], (6, 1))
    allocation[0] = [0.6, 0.1, 0.1, 0.2]
    p = performance(w, allocation)
    assert IndividualThroughput().measure(p)[0] > IndividualThroughput().measure(p)[1]
    assert IndividualCsat().use_weights()[3] > 0.5


def test_team_schemes_give_every_member_the_group_standing():
    w = work(resolved=np.array([5.0, 5, 5, 1, 1, 1]))
    a = TeamRecognition().achievement(performance(w))
    assert len(set(a[:3])) == 1 and len(set(a[3:])) == 1 and a[0] > a[3]


def test_shared_rewards_pull_less_as_groups_grow():
    small_groups = np.arange(6) // 2
    one_group = np.zeros(6, dtype=np.int64)
    scheme = TeamRecognition()
    assert scheme.pull(small_groups, 0.5, 10)[0, 1] > scheme.pull(one_group, 0.5, 10)[0, 1]
    assert IndividualThroughput().pull(one_group, 0.5, 10)[0, 0] == pytest.approx(0.5 * 0.8)


def test_pulls_point_where_the_schemes_say():
    assert ResolutionBonus().use_weights()[2] == 0  # nothing for prevention
    assert PreventionBonus().use_weights()[2] == max(PreventionBonus().use_weights())
    assert TeamRecognition().use_weights()[1] == max(TeamRecognition().use_weights())
    assert IndividualThroughput().use_weights()[1] == 0  # nothing for help


def test_universal_pays_everyone_the_same_for_customer_trust():
    w = work()
    up = Universal().achievement(performance(w, trust=0.75))
    down = Universal().achievement(performance(w, trust=0.65))
    assert len(set(up)) == 1 and up[0] > down[0]


def test_balanced_scorecard_weights_action_plan_then_themes_then_survey():
    scheme = BalancedScorecard()
    assert scheme.action_plan_weight > scheme.negative_theme_weight > scheme.survey_weight
    weights = scheme.use_weights()
    assert weights[2] + weights[1] > weights[3] and sum(weights) == pytest.approx(1)


def test_balanced_scorecard_rewards_falling_failures():
    scheme = BalancedScorecard()
    scheme.setup(None)
    group = np.array([0, 0, 0, 1, 1, 1])
    scheme.achievement(performance(work(failed=np.full(6, 4.0)), group=group))
    improving = work(failed=np.array([1.0, 1, 1, 4, 4, 4]))
    a = scheme.achievement(performance(improving, group=group))
    assert a[0] > a[3]
