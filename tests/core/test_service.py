import numpy as np
import pytest

from cxsim.components.structures import CrossFunctional, Silo
from cxsim.core.cases import CaseBatch
from cxsim.core.levers import StructureLevers
from cxsim.core.parameters import ModelParameters
from cxsim.core.service import (
    CaseDraws,
    Clientele,
    Conditions,
    Routing,
    Staff,
    handoff_failure_probability,
    work_week,
)
from cxsim.core.streams import Streams

P = ModelParameters()


def test_handoff_failure_falls_with_trust_structure_and_help():
    p = lambda **kw: float(  # noqa: E731
        handoff_failure_probability(
            0.4,
            kw.get("friction", 1.0),
            kw.get("trust", 0.5),
            kw.get("structured", False),
            kw.get("coverage", 0.5),
            P,
        )
    )
    base = p()
    assert p(trust=0.9) < base
    assert p(structured=True) == pytest.approx(base * (1 - P.handoffs.structured_effect))
    assert p(coverage=1.0) < base
    assert p(friction=0.35) < base
    relieved = float(handoff_failure_probability(0.4, 1.0, 0.5, False, 0.5, P, relief=0.25))
    assert relieved == pytest.approx(0.75 * base)
    assert 0 <= p(friction=2.0, trust=0.0, coverage=0.0) <= 1


def test_routing_without_pods_is_by_department():
    departments = np.array([0, 0, 1, 1, 1])
    routing = Routing.build(departments, np.full(5, -1), 2)
    assert routing.pods == 1 and routing.unit_of.shape == (2, 1)
    assert list(routing.slot_unit) == [0, 0, 1, 1, 1]


def test_pods_without_a_department_send_its_cases_to_another_pod():
    departments = np.array([0, 0, 1, 1, 1, 1])
    pods = np.array([0, 1, 0, 1, 2, 3])
    routing = Routing.build(departments, pods, 2)
    assert routing.pods == 4
    assert np.all(routing.unit_of >= 0)
    members = lambda u: set(routing.order[routing.unit_start[u] : routing.unit_stop[u]])  # noqa: E731
    assert members(routing.unit_of[0, 3]) <= {0, 1}


def week(
    cases,
    capacity,
    structure=None,
    pods=None,
    seed=0,
    help_capacity=2.0,
    functioning=None,
    specialist_share=P.cases.specialist_share,
    ownership=1.0,
):
    n = len(capacity)
    departments = np.array([0] * (n // 2) + [1] * (n - n // 2))
    pods = np.full(n, -1) if pods is None else pods
    routing = Routing.build(departments, pods, 2, functioning)
    staff = Staff(
        department=departments,
        skill=np.full(n, 0.75),
        morale=np.full(n, 0.3),
        allocation=np.tile([0.8, 0.1, 0.1, 0.0], (n, 1)),
        serve_capacity=np.asarray(capacity, float),
        help_capacity=np.full(n, help_capacity),
        working=np.asarray(capacity, float) + help_capacity,
        ownership=ownership,
    )
    customers = int(cases.customer.max()) + 1
    return work_week(
        cases,
        staff,
        routing,
        Conditions(StructureLevers.of(structure or Silo()), np.array([[1.0, 0.5], [0.5, 1.0]])),
        Clientele(np.zeros(customers, dtype=np.int64), np.full(customers, 0.6), customers),
        P.__class__(
            customers=P.customers.__class__(count=customers),
            cases=P.cases.__class__(specialist_share=specialist_share),
        ),
        CaseDraws(Streams(seed), 0, cases),
    )


def touchpoints(n, department=0):
    ids = np.arange(n)
    return CaseBatch(
        case_id=ids * 4,
        customer=ids,
        kind=np.zeros(n, dtype=np.int64),
        department=np.full(n, department),
        partner=np.full(n, -1),
        attempts=np.zeros(n, dtype=np.int64),
        waited=np.zeros(n, dtype=np.int64),
        origin=np.zeros(n, dtype=np.int64),
    )


def test_cases_beyond_capacity_wait_and_come_back():
    work = week(touchpoints(100), capacity=[20, 20, 50, 50], help_capacity=0.0)
    assert work.totals["handled"] == 40
    assert work.totals["waiting"] == 60
    assert len(work.carried) == 60 and np.all(work.carried.waited == 1)
    assert np.all(work.handled[:2] == 20) and np.all(work.handled[2:] == 0)


def test_served_cases_spread_over_the_unit_in_proportion_to_capacity():
    work = week(touchpoints(30), capacity=[10, 30, 5, 5])
    assert work.totals["waiting"] == 0
    assert work.handled[1] > work.handled[0] > 0


def test_help_time_no_handoff_needs_goes_back_to_serving():
    work = week(touchpoints(100), capacity=[20, 20, 50, 50], help_capacity=5.0)
    assert work.totals["handled"] == 50


def test_cases_that_waited_too_long_are_abandoned_with_effort():
    cases = touchpoints(10)
    cases.waited[:] = P.cases.max_wait_weeks
    work = week(cases, capacity=[0, 0, 5, 5], help_capacity=0.0)
    assert work.totals["abandoned"] == 10 and len(work.carried) == 0
    assert np.all(work.effort[:10] >= P.effort.per_abandon)


def test_failed_problems_come_back_as_repeat_contacts():
    n = 400
    cases = touchpoints(n)
    cases.kind[:] = 1
    cases.partner[:] = 1
    work = week(cases, capacity=[500, 500, 500, 500])
    failed = work.failed.sum()
    assert failed > 0
    repeats = work.carried.take(work.carried.attempts == 1)
    assert len(repeats) == failed - 0  # none has used up its attempts yet
    assert work.totals["handoffs"] == n
    assert work.pair_failure[0, 1] == work.totals["handoff_failures"]


def test_pods_lower_handoff_failures():
    n = 2000
    cases = touchpoints(n)
    cases.kind[:] = 1
    cases.partner[:] = 1
    pods = np.array([0, 1, 0, 1])
    silo = week(cases, [2000] * 4, Silo(), seed=2).totals
    pod = week(cases, [2000] * 4, CrossFunctional(), pods=pods, seed=2).totals
    assert pod["handoff_failures"] < silo["handoff_failures"]


def test_a_pod_that_is_not_a_team_hands_off_as_departments_do():
    n = 4000
    cases = touchpoints(n)
    cases.kind[:] = 1
    cases.partner[:] = 1
    pods = np.array([0, 1, 0, 1])
    broken = np.array([False, False])
    silo = week(cases, [4000] * 4, CrossFunctional(in_pod_friction=1.0), pods=pods, seed=3)
    pod = week(cases, [4000] * 4, CrossFunctional(), pods=pods, seed=3, functioning=broken)
    assert pod.totals["handoff_failures"] == silo.totals["handoff_failures"]
    # in a pod that works as a team, the partner in the pod is a familiar colleague: at
    # the default friction (0.75) handoffs fail less, and in proportion to the friction
    team = week(cases, [4000] * 4, CrossFunctional(), pods=pods, seed=3)
    assert team.totals["handoff_failures"] < 0.9 * pod.totals["handoff_failures"]
    familiar = CrossFunctional(in_pod_friction=0.35)
    closer = week(cases, [4000] * 4, familiar, pods=pods, seed=3)
    assert closer.totals["handoff_failures"] < 0.6 * pod.totals["handoff_failures"]


def test_specialist_steps_reach_the_partner_department_in_any_pod():
    n = 2000
    cases = touchpoints(n)  # every customer is in pod 0
    cases.kind[:] = 1
    cases.partner[:] = 1
    pods = np.array([0, 1, 0, 1])  # department 1: slot 2 in pod 0, slot 3 in pod 1
    # a pod's partners familiar enough that leaving the pod shows clearly in failures
    args = ([4000] * 4, CrossFunctional(in_pod_friction=0.35), pods)
    local = week(cases, *args, seed=4, help_capacity=4000, specialist_share=0.0)
    assert local.help_given[3] + local.help_failed[3] == 0
    anywhere = week(cases, *args, seed=4, help_capacity=4000, specialist_share=1.0)
    asked = anywhere.help_given + anywhere.help_failed
    assert 0.45 < asked[3] / asked[2:].sum() < 0.55
    # a step that leaves the pod crosses it at the departments' friction
    assert anywhere.totals["handoff_failures"] > 1.3 * local.totals["handoff_failures"]


def test_specialists_change_nothing_in_a_department_queue():
    n = 500
    cases = touchpoints(n)
    cases.kind[:] = 1
    cases.partner[:] = 1
    none = week(cases, [500] * 4, Silo(), seed=5, specialist_share=0.0)
    every = week(cases, [500] * 4, Silo(), seed=5, specialist_share=1.0)
    assert none.totals == every.totals
    assert np.array_equal(none.help_given, every.help_given)


def test_routing_measures_how_much_of_a_department_each_member_covers():
    departments = np.array([0, 0, 0, 0, 1, 1])
    assert np.all(Routing.build(departments, np.full(6, -1), 2).breadth == 0)
    pods = np.array([0, 1, 0, 1, 0, 1])
    assert np.allclose(Routing.build(departments, pods, 2).breadth, 0.5)


def test_pods_borrow_only_part_of_other_pods_spare_capacity():
    cases = touchpoints(40)  # all customers are in pod 0; department 0 serves them
    pods = np.array([0, 1, 0, 1])
    pooled = week(cases, [10, 30, 50, 50], CrossFunctional(borrowing=1.0), pods, help_capacity=0)
    split = week(cases, [10, 30, 50, 50], CrossFunctional(borrowing=0.5), pods, help_capacity=0)
    alone = week(cases, [10, 30, 50, 50], CrossFunctional(borrowing=0.0), pods, help_capacity=0)
    assert pooled.totals["handled"] == 40
    assert split.totals["handled"] == 10 + 15
    assert alone.totals["handled"] == 10


def test_time_lent_to_another_pods_queue_is_at_the_plain_speed():
    """Queue ownership speeds serving one's own pod's queue only (docs/ODD.md 7.16)."""
    cases = touchpoints(40)  # all customers are in pod 0; department 0 serves them
    pods = np.array([0, 1, 0, 1])
    # serve capacity on one's own queue, at 1.5 times the plain speed
    lent = week(
        cases, [15, 30, 50, 50], CrossFunctional(borrowing=1.0), pods, 0, 0.0, ownership=1.5
    )
    assert lent.totals["handled"] == 15 + 20  # the other pod's 30 is 20 at the plain speed
    plain = week(cases, [15, 30, 50, 50], CrossFunctional(borrowing=1.0), pods, 0, 0.0)
    assert plain.totals["handled"] == 40


def _quality_of_one_case(levers, params=P, depth_loss: float = 0.0) -> float:
    """Quality of one employee's work on one case (reference skill, morale 0.3)."""
    from types import SimpleNamespace

    from cxsim.core.service import resolve

    staff = Staff(
        department=np.zeros(1, dtype=np.int64),
        skill=np.full(1, 0.75),
        morale=np.full(1, 0.3),
        allocation=np.array([[0.8, 0.1, 0.1, 0.0]]),
        serve_capacity=np.ones(1),
        help_capacity=np.zeros(1),
        working=np.ones(1),
        depth_loss=np.full(1, depth_loss),
    )
    routed = SimpleNamespace(owner=np.zeros(1, dtype=np.int64))
    draws = lambda name: np.full(1, 0.5)  # noqa: E731
    return float(resolve(staff, routed, levers, params, draws).quality[0])


def test_a_wider_case_mix_costs_skill_on_cases():
    silo = StructureLevers.of(Silo())
    assert _quality_of_one_case(silo, depth_loss=0.1) == pytest.approx(
        _quality_of_one_case(silo) - P.service.skill_effect * 0.1
    )


def test_shared_information_pays_in_proportion_to_interdependence():
    from cxsim.validation.declare import build

    def advantage(share: float) -> float:
        params = build(ModelParameters, {"cases": {"cross_functional_share": share}})
        q = {
            info: _quality_of_one_case(StructureLevers.of(Silo(information=info)), params)
            for info in (0.4, 0.8)
        }
        return q[0.8] - q[0.4]

    full = P.service.information_effect * 0.4
    assert advantage(0.7) == pytest.approx(full)  # as calibrated at the default share
    assert advantage(0.1) == pytest.approx(full / 7)
    assert advantage(0.0) == pytest.approx(0.0)
