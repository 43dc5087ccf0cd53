import math

import mesa
import pytest

from cxsim.core.employees import Employee, WeekAtWork
from cxsim.core.parameters import ModelParameters

P = ModelParameters()


def employee(**kw):
    values = dict(
        slot=0,
        department=0,
        skill=0.4,
        orientation=0.5,
        engagement=0.5,
        strain=0.2,
        allocation=(0.85, 0.08, 0.07, 0.0),
    )
    values.update(kw)
    return Employee(mesa.Model(rng=1), **values)


def week_at_work(**kw):
    values = dict(
        load=0.8,
        conflict=0.0,
        success=0.8,
        support=0.5,
        achievement=0.5,
        partner_trust=0.5,
        engagement_boost=0.0,
        change_strain=0.0,
        pull_serve=0.0,
        pull_help=0.0,
        pull_prevent=0.0,
        pull_game=0.0,
    )
    values.update(kw)
    return WeekAtWork(**values)


def test_overload_and_conflict_raise_strain_and_lower_morale():
    calm, stressed = employee(), employee()
    calm.update_morale(week_at_work(), P)
    stressed.update_morale(week_at_work(load=1.6, conflict=0.4), P)
    assert stressed.strain > calm.strain and stressed.morale < calm.morale


def test_rewards_and_support_raise_engagement():
    low, high = employee(), employee()
    low.update_morale(week_at_work(achievement=0.1, support=0.1), P)
    high.update_morale(week_at_work(achievement=0.9, support=0.9), P)
    assert high.engagement > low.engagement


def test_skill_follows_a_learning_curve_to_the_ceiling():
    e = employee(skill=P.employees.new_hire_skill)
    gains = []
    for _ in range(200):
        before = e.skill
        e.learn(P)
        gains.append(e.skill - before)
    assert gains[0] > gains[10] > gains[100] >= 0
    assert e.skill == pytest.approx(P.employees.skill_ceiling, abs=1e-3)
    assert e.tenure == 200


def test_effort_moves_toward_what_is_rewarded_and_stays_a_distribution():
    e = employee()
    for _ in range(30):
        e.reallocate_effort(week_at_work(pull_help=0.6), P, help_norm=0.0)
    assert e.allocation[1] > 0.3
    assert sum(e.allocation) == pytest.approx(1.0)
    assert all(a >= 0 for a in e.allocation)


def test_unmeasured_uses_decay_back_when_the_reward_stops():
    e = employee(allocation=(0.4, 0.5, 0.1, 0.0))
    for _ in range(60):
        e.reallocate_effort(week_at_work(), P, help_norm=0.0)
    assert e.allocation[1] < 0.2


def test_service_orientation_damps_gaming():
    cynic, servant = employee(orientation=0.05), employee(orientation=0.95)
    for e in (cynic, servant):
        for _ in range(30):
            e.reallocate_effort(week_at_work(pull_game=0.5), P, help_norm=0.0)
    assert cynic.allocation[3] > servant.allocation[3] > 0


def test_distrust_of_partners_lowers_help():
    trusting, wary = employee(), employee()
    for _ in range(30):
        trusting.reallocate_effort(week_at_work(partner_trust=0.9), P, help_norm=0.0)
        wary.reallocate_effort(week_at_work(partner_trust=0.1), P, help_norm=0.0)
    assert trusting.allocation[1] > wary.allocation[1]


def test_quitting_follows_q0_exp_minus_k_morale():
    e = employee(engagement=0.6, strain=0.2)
    p = P.turnover.base_quit * math.exp(-P.turnover.morale_sensitivity * 0.4)
    assert e.quits(p * 0.99, P) and not e.quits(p * 1.01, P)
    unhappy = employee(engagement=0.1, strain=0.6)
    assert unhappy.quits(p * 1.01, P)


def test_programmes_add_engagement_and_the_strain_of_change():
    plain, boosted, strained = employee(), employee(), employee()
    plain.update_morale(week_at_work(), P)
    boosted.update_morale(week_at_work(engagement_boost=0.3), P)
    strained.update_morale(week_at_work(change_strain=0.3), P)
    assert boosted.engagement > plain.engagement
    assert strained.strain > plain.strain


def test_training_raises_skill_toward_its_target_only():
    e = employee(skill=0.5)
    e.train(0.5, 0.9)
    assert e.skill == pytest.approx(0.7)
    e.train(0.5, 0.6)
    assert e.skill == pytest.approx(0.7)
