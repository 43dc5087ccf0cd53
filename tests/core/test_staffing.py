import numpy as np

from cxsim import OrganizationModel, Scenario
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


def test_a_leaver_is_replaced_only_where_the_plan_needs_the_position():
    params = StaffingParameters(
        target_occupancy=0.8, lead_weeks=0, demand_weeks=1, shrink_by_attrition=True
    )
    plan = StaffingPlan(np.array([10, 10, 2]), params)
    assert plan.replaces(0, 10)  # before its first review the plan replaces every leaver
    # 10 people of 10 cases: 40 cases need 5 people, 100 need 12.5 -> 13, 1 needs 1
    plan.review(
        np.array([40.0, 100.0, 1.0]), np.array([100.0, 100.0, 20.0]), np.array([10, 10, 2]), 0
    )
    assert list(plan.needed) == [5, 13, 1]
    assert not plan.replaces(0, 10) and not plan.replaces(0, 6)  # 9 or 5 left: enough
    assert plan.replaces(0, 5)  # 4 left: too few
    assert plan.replaces(1, 10)  # short of people already
    assert not plan.replaces(2, 2) and plan.replaces(2, 1)  # never down to nobody
    for fixed in (
        StaffingParameters(plan=False, shrink_by_attrition=True),
        StaffingParameters(shrink_by_attrition=False),
    ):
        plan = StaffingPlan(np.array([10]), fixed)
        plan.review(np.array([10.0]), np.array([100.0]), np.array([10]), 0)
        assert plan.replaces(0, 10)


def test_unfilled_positions_do_not_count_toward_the_plan():
    params = StaffingParameters(target_occupancy=0.8, lead_weeks=0, demand_weeks=1)
    plan = StaffingPlan(np.array([10]), params)
    # needs 13; 10 people of whom 2 left unreplaced this week: 5 positions open
    hires = plan.review(np.array([100.0]), np.array([100.0]), np.array([10]), 0, np.array([2]))
    assert hires[0] == 1  # recruiting opens at most 1% of 10 a week: at least one
    assert len(plan.openings) == 0  # it starts at once (no lead time)


def test_an_overstaffed_organization_shrinks_by_attrition_and_keeps_its_slots_in_order():
    shrinking = {
        "turnover.base_quit": 0.02,
        "structure.type": "cross_functional",
        "structure.pod_size": 6,
        "staffing.shrink_by_attrition": True,
    }
    scenario = small(shrinking, weeks=60)
    model = OrganizationModel(scenario, seed=5)
    start = np.bincount(model.slot_department)
    model.run()
    employees = model.employees
    end = np.bincount(model.slot_department, minlength=len(start))
    assert end.sum() < start.sum() and (end >= 1).all()  # leavers not replaced, none laid off
    assert [e.slot for e in employees] == list(range(len(employees)))
    assert [e.department for e in employees] == list(model.slot_department)
    assert len(model.slot_pod) == len(model.slot_key) == len(employees)
    assert len(np.unique(model.slot_key)) == len(employees)  # no position number reused
    occupancy = model.metrics_frame()["occupancy"]
    assert occupancy.iloc[-8:].mean() > occupancy.iloc[:8].mean()
    kept = OrganizationModel(
        small({**shrinking, "staffing.shrink_by_attrition": False}, weeks=60), seed=5
    )
    kept.run()
    assert len(kept.employees) >= start.sum()
    again = OrganizationModel(scenario, seed=5)
    again.run()
    assert again.metrics_frame().equals(model.metrics_frame())


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


def test_a_pod_that_attrition_empties_keeps_its_customers_served_by_other_pods():
    scenario = small(
        {
            "turnover.base_quit": 0.1,
            "employees.capacity": 200.0,  # far more people than the work needs
            "structure.type": "cross_functional",
            "structure.pod_size": 2,
            "staffing.shrink_by_attrition": True,
            "incentives.type": "team_recognition",
        },
        weeks=40,
    )
    model = OrganizationModel(scenario, seed=1)
    pods = model.routing.pods
    model.run()
    members = np.bincount(model.slot_pod, minlength=pods)
    assert (members == 0).any() and model.routing.pods == pods
    assert (model.routing.unit_of >= 0).all()  # every pod's customers have someone to go to
    frame = model.metrics_frame()
    assert frame["first_contact_resolution"].iloc[-4:].min() > 0


def test_the_plan_does_not_hire_for_the_time_a_programme_takes():
    """A training class takes working time for its window only: the plan converts demand
    into headcount at the capacity people have without it, so a temporary programme does
    not become permanent positions (7.19)."""
    seen = {}
    for training in (False, True):
        scenario = small(weeks=3)
        if training:
            data = scenario.to_dict()
            # a class that takes time and, for this test, teaches nothing
            data["interventions"] = [
                {"type": "training", "start": 0, "stop": 3, "hours_share": 0.3, "rate": 0.0}
            ]
            scenario = Scenario.from_dict(data)
        model = OrganizationModel(scenario, seed=1)
        capacities = []

        def review(demand, capacity, *rest, plan=model.staffing.review, into=capacities):
            into.append(capacity)
            return plan(demand, capacity, *rest)

        model.staffing.review = review
        model.step()
        seen[training] = (capacities[0], model.observation.staff.working.sum())
    (plain, plain_working), (trained, trained_working) = seen[False], seen[True]
    assert trained_working < 0.75 * plain_working  # the class did take the time
    assert np.allclose(trained, plain)  # yet the plan sees the capacity without it
