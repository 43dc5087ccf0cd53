import numpy as np

from cxsim import OrganizationModel
from cxsim.core.parameters import StaffingParameters
from cxsim.core.staffing import StaffingPlan
from tests.conftest import small


def _weeks(plan: StaffingPlan, demand, capacity_per_head, headcount, weeks):
    """Run the plan for some weeks at constant demand; return hires starting each week."""
    headcount = np.array(headcount)
    started = []
    for time in range(weeks):
        hires = plan.review(np.array(demand, float), capacity_per_head * headcount, headcount, time)
        headcount = headcount + hires
        started.append(hires)
    return np.array(started), headcount


def test_a_department_hires_to_its_occupancy_target_after_the_lead_time():
    params = StaffingParameters(target_occupancy=0.8, lead_weeks=6, demand_weeks=1, hiring_rate=1)
    plan = StaffingPlan(np.array([10, 10]), params)
    # department 0 faces 100 cases a week with 10 people of 10 cases: it needs 12.5 -> 13;
    # department 1 faces 40 with 10 people: it is below target and keeps its people
    started, headcount = _weeks(plan, [100, 40], 10.0, [10, 10], 20)
    assert list(headcount) == [13, 10]
    assert started[:6].sum() == 0 and started[6, 0] == 3  # positions open at once, start after 6
    assert started[7:].sum() == 0  # open positions are not opened twice


def test_the_plan_follows_a_smoothed_trend_not_one_busy_week():
    params = StaffingParameters(target_occupancy=0.8, lead_weeks=0, demand_weeks=13, hiring_rate=1)
    plan = StaffingPlan(np.array([10]), params)
    plan.review(np.array([80.0]), np.array([100.0]), np.array([10]), 0)  # at target
    hires = plan.review(np.array([200.0]), np.array([100.0]), np.array([10]), 1)  # one spike
    assert hires[0] == 2  # 80 + (200 - 80) / 13 = 89.2 cases -> 11.2 people -> 12


def test_recruiting_opens_a_few_positions_a_week_up_to_the_budget():
    params = StaffingParameters(target_occupancy=0.8, lead_weeks=0, demand_weeks=1)
    plan = StaffingPlan(np.array([100, 5]), params)
    # demand for 4x the people: 1% of 100 a week (at least one for the small department)
    started, headcount = _weeks(plan, [4000, 200], 10.0, [100, 5], 150)
    assert list(started[0]) == [1, 1]
    assert np.all(started.max(axis=0) <= [2, 1])  # 1% of up to 200 people
    assert list(headcount) == [200, 10]  # the ceiling, twice the starting headcount


def test_without_a_plan_headcount_is_fixed():
    plan = StaffingPlan(np.array([10]), StaffingParameters(plan=False))
    _, headcount = _weeks(plan, [500], 10.0, [10], 30)
    assert headcount[0] == 10


def test_an_understaffed_organization_hires_and_new_hires_join_the_pods():
    scenario = small(
        {"employees.capacity": 12.0, "structure.type": "cross_functional", "structure.pod_size": 6},
        weeks=30,
    )
    model = OrganizationModel(scenario, seed=3)
    pods_before = model.routing.pods
    start = len(model.employees)
    model.run()
    employees = model.employees
    assert len(employees) > start
    assert [e.slot for e in employees] == list(range(len(employees)))
    assert len(model.slot_department) == len(model.slot_pod) == len(employees)
    assert model.routing.pods == pods_before and (model.slot_pod >= 0).all()
    # each department's members stay spread over the pods: counts differ by at most one
    for d in np.unique(model.slot_department):
        counts = np.bincount(model.slot_pod[model.slot_department == d], minlength=pods_before)
        assert counts.max() - counts.min() <= 1
    assert len(np.unique(model.slot_key)) == len(employees)
    again = OrganizationModel(scenario, seed=3)
    again.run()
    assert len(again.employees) == len(employees)
    assert again.metrics_frame().equals(model.metrics_frame())


def test_the_plan_sees_the_work_done_and_the_cases_left_waiting():
    model = OrganizationModel(small({"employees.capacity": 12.0}, weeks=3), seed=1)
    seen = []
    review = model.staffing.review
    model.staffing.review = lambda demand, *rest: seen.append(demand) or review(demand, *rest)
    model.step()
    work = model.observation.work
    done = np.bincount(model.slot_department, weights=work.handled + work.help_used)
    assert work.department_waiting.sum() > 0  # a backlog, which the plan must see
    assert np.allclose(seen[0], done + work.department_waiting)
    # help asked beyond one's help time is rushed, not waiting: it is not demand
    asked = np.bincount(model.slot_department, weights=work.help_given + work.help_failed)
    given = np.bincount(model.slot_department, weights=work.help_used)
    assert (asked > given).any()
