import math
from dataclasses import replace

import mesa
import numpy as np
import pytest

from cxsim.core.employees import (
    Employee,
    WeekAtWork,
    end_week,
    learn,
    quit_probability,
    reallocate_effort,
    update_morale,
)
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


def week_at_work(n=1, **kw):
    values = dict(
        load=0.8,
        conflict=0.0,
        success=0.8,
        support=0.5,
        achievement=0.5,
        partner_trust=0.5,
        engagement_boost=0.0,
        change_strain=0.0,
    )
    pull = [kw.pop(f"pull_{use}", 0.0) for use in ("serve", "help", "prevent", "game")]
    values.update(kw)
    return WeekAtWork(
        **{k: np.full(n, float(v)) for k, v in values.items()}, pull=np.tile(pull, (n, 1))
    )


def moved(e, week):
    """One employee's morale update, written back to the agent."""
    engagement, strain = update_morale(
        np.array([e.engagement]),
        np.array([e.strain]),
        np.array([e.allocation[3]]),
        np.array([e.orientation]),
        week,
        P,
    )
    e.engagement, e.strain = float(engagement[0]), float(strain[0])


def reallocated(e, week, help_norm=0.0):
    """One employee's effort reallocation, written back to the agent."""
    allocation = reallocate_effort(
        np.array([e.allocation]),
        np.array([e.morale]),
        np.array([e.orientation]),
        week,
        P,
        help_norm,
    )
    e.allocation = tuple(allocation[0].tolist())


def test_overload_and_conflict_raise_strain_and_lower_morale():
    calm, stressed = employee(), employee()
    moved(calm, week_at_work())
    moved(stressed, week_at_work(load=1.6, conflict=0.4))
    assert stressed.strain > calm.strain and stressed.morale < calm.morale


def test_rewards_and_support_raise_engagement():
    low, high = employee(), employee()
    moved(low, week_at_work(achievement=0.1, support=0.1))
    moved(high, week_at_work(achievement=0.9, support=0.9))
    assert high.engagement > low.engagement


def test_skill_follows_a_learning_curve_to_the_ceiling():
    skill = np.array([P.employees.new_hire_skill])
    gains = []
    for _ in range(200):
        before = skill[0]
        skill = learn(skill, P)
        gains.append(skill[0] - before)
    assert gains[0] > gains[10] > gains[100] >= 0
    assert skill[0] == pytest.approx(P.employees.skill_ceiling, abs=1e-3)


def test_effort_moves_toward_what_is_rewarded_and_stays_a_distribution():
    e = employee()
    for _ in range(30):
        reallocated(e, week_at_work(pull_help=0.6))
    assert e.allocation[1] > 0.3
    assert sum(e.allocation) == pytest.approx(1.0)
    assert all(a >= 0 for a in e.allocation)


def test_unmeasured_uses_decay_back_when_the_reward_stops():
    e = employee(allocation=(0.4, 0.5, 0.1, 0.0))
    for _ in range(60):
        reallocated(e, week_at_work())
    assert e.allocation[1] < 0.2


def test_service_orientation_damps_gaming():
    cynic, servant = employee(orientation=0.05), employee(orientation=0.95)
    for e in (cynic, servant):
        for _ in range(30):
            reallocated(e, week_at_work(pull_game=0.5))
    assert cynic.allocation[3] > servant.allocation[3] > 0


def test_distrust_of_partners_lowers_help():
    trusting, wary = employee(), employee()
    for _ in range(30):
        reallocated(trusting, week_at_work(partner_trust=0.9))
        reallocated(wary, week_at_work(partner_trust=0.1))
    assert trusting.allocation[1] > wary.allocation[1]


def test_quitting_follows_q0_exp_minus_k_morale():
    morale = np.array([0.4, 0.1 - 0.6])
    chance = quit_probability(morale, P)
    assert chance[0] == pytest.approx(
        P.turnover.base_quit * math.exp(-P.turnover.morale_sensitivity * 0.4), rel=1e-12
    )
    assert chance[1] > chance[0]


def test_programmes_add_engagement_and_the_strain_of_change():
    plain, boosted, strained = employee(), employee(), employee()
    moved(plain, week_at_work())
    moved(boosted, week_at_work(engagement_boost=0.3))
    moved(strained, week_at_work(change_strain=0.3))
    assert boosted.engagement > plain.engagement
    assert strained.strain > plain.strain


def test_training_raises_skill_toward_its_target_only():
    e = employee(skill=0.5)
    e.train(0.5, 0.9)
    assert e.skill == pytest.approx(0.7)
    e.train(0.5, 0.6)
    assert e.skill == pytest.approx(0.7)


def test_a_week_updates_every_employee_as_each_alone():
    """end_week over a workforce gives each employee what their own update gives."""
    model = mesa.Model(rng=1)
    staff = [
        Employee(
            model,
            slot=i,
            department=0,
            skill=0.3 + 0.1 * i,
            orientation=0.2 * i,
            engagement=0.4 + 0.05 * i,
            strain=0.1 + 0.03 * i,
            allocation=(0.7, 0.1, 0.1, 0.1),
        )
        for i in range(4)
    ]
    week = week_at_work(4, load=1.3, pull_help=0.4, pull_game=0.2)
    week = replace(week, success=np.linspace(0.2, 0.9, 4))
    alone = []
    for i, e in enumerate(staff):
        single = WeekAtWork(**{k: getattr(week, k)[i : i + 1] for k in week.__slots__})
        twin = employee(
            skill=e.skill,
            orientation=e.orientation,
            engagement=e.engagement,
            strain=e.strain,
            allocation=e.allocation,
        )
        moved(twin, single)
        twin.skill = float(learn(np.array([twin.skill]), P)[0])
        reallocated(twin, single, help_norm=0.05)
        alone.append(twin)
    end_week(model.workforce, week, P, help_norm=0.05)
    for e, twin in zip(staff, alone, strict=True):
        assert (e.engagement, e.strain, e.skill, e.allocation) == (
            twin.engagement,
            twin.strain,
            twin.skill,
            twin.allocation,
        )
        assert e.tenure == 1
    assert len({e.allocation for e in staff}) == 4  # each moved by their own week


def test_an_employee_with_nothing_to_weigh_only_serves():
    nothing = replace(
        P.allocation,
        serve_base=0.0,
        help_base=0.0,
        orientation_help=0.0,
        prevent_base=0.0,
        orientation_prevent=0.0,
    )
    params = replace(P, allocation=nothing)
    start = np.array([[0.4, 0.3, 0.2, 0.1], [0.4, 0.3, 0.2, 0.1]])
    week = week_at_work(2)
    week = replace(week, pull=np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 0.5, 0.0, 0.0]]))
    allocation = reallocate_effort(start, np.zeros(2), np.full(2, 0.5), week, params, 0.0)
    rate = 1.0 / params.allocation.adjustment_weeks
    assert allocation[0] == pytest.approx(start[0] + rate * (np.array([1, 0, 0, 0]) - start[0]))
    assert allocation[1] == pytest.approx(start[1] + rate * (np.array([0, 1, 0, 0]) - start[1]))


def test_an_employee_reads_and_writes_the_row_of_its_slot():
    model = mesa.Model(rng=1)
    traits = dict(orientation=0.5, engagement=0.5, strain=0.2)
    first = Employee(
        model, slot=0, department=0, skill=0.4, allocation=(0.85, 0.08, 0.07, 0.0), **traits
    )
    second = Employee(
        model, slot=1, department=1, skill=0.6, allocation=(0.7, 0.1, 0.1, 0.1), **traits
    )
    workforce = model.workforce
    assert workforce.size == 2 and first.workforce is second.workforce is workforce
    second.skill, second.allocation = 0.65, (0.6, 0.2, 0.1, 0.1)
    assert workforce.state[1, 2] == 0.65 and tuple(workforce.state[1, 4:8]) == (0.6, 0.2, 0.1, 0.1)
    workforce.state[0, 0] = 0.9  # the week's arithmetic writes the arrays...
    assert first.engagement == 0.9 and first.morale == 0.9 - 0.2  # ...which the agent reads
    assert list(workforce.morale) == [first.morale, second.morale]
    workforce.keep(np.array([False, True]))  # the first position closes
    second.slot = 0
    assert workforce.size == 1 and second.skill == 0.65 and second.tenure == 0
