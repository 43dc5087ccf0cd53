"""The compiled case work gives exactly what the whole-array NumPy steps it replaced gave.

The references below are the NumPy formulations of routing, handoffs and outcomes as
they were before they were compiled (:mod:`cxsim.core.casework`); every field must be
equal bit for bit (``array_equal``), on real weeks of several structures, so that runs
are unchanged by compiling.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cxsim import OrganizationModel, Scenario
from cxsim.core import kernels
from cxsim.core.cases import PROBLEM, TOUCHPOINT, CaseBatch
from cxsim.core.levers import StructureLevers
from cxsim.core.parameters import ModelParameters
from cxsim.core.service import (
    CaseDraws,
    Clientele,
    Conditions,
    Handoffs,
    Outcomes,
    Resolution,
    Routed,
    Routing,
    Staff,
    hand_off,
    handoff_failure_probability,
    resolve,
    route,
    settle,
)

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _satisfaction_reference(performance, expectation, p):
    d = performance - expectation
    s = (
        p.intercept
        + p.performance_weight * performance
        + p.positive_weight * np.maximum(d, 0.0)
        - p.negative_weight * np.maximum(-d, 0.0)
    )
    return np.clip(s, 0.0, 1.0)


def _allocate_reference(group, age, priority, capacity, order, starts, stops):
    queue = kernels.serving_order(group, age, priority, len(starts))
    return kernels.allocate(group, queue, capacity, order, starts, stops)


def _failure_reference(
    base: float,
    friction: np.ndarray | float,
    internal_trust: np.ndarray | float,
    structured: float,
    coverage: np.ndarray | float,
    params: ModelParameters,
    relief: float = 0.0,
) -> np.ndarray:
    h = params.handoffs
    p = (
        base
        * np.asarray(friction)
        * (1.0 - h.trust_effect * np.asarray(internal_trust))
        * (1.0 - h.structured_effect * float(structured))
        * (1.0 - h.help_effect * np.asarray(coverage))
        * (1.0 - relief)
    )
    return np.clip(p, 0.0, 1.0)


def _cumulative(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(values[order])))


def _range_sums(values: np.ndarray, order: np.ndarray, starts, stops) -> np.ndarray:
    cum = _cumulative(values, order)
    return cum[stops] - cum[starts]


# -- the week's work, step by step (docs/ODD.md, "Routing and work") -------------------


def _route_reference(
    cases: CaseBatch,
    staff: Staff,
    routing: Routing,
    clientele: Clientele,
    draws: CaseDraws,
    borrowing: float = 1.0,
    specialist_share: float = 0.0,
) -> Routed:
    n_staff = len(staff.department)
    n_dept = len(routing.department_start)
    age = cases.attempts * 7 + cases.waited
    pod = clientele.pod[cases.customer]
    n_units = len(routing.unit_start)
    unit = routing.unit_of[cases.department, pod]
    is_problem = cases.kind == PROBLEM
    needs_partner = is_problem & (cases.partner >= 0)
    partner_unit = routing.unit_of[np.maximum(cases.partner, 0), pod]
    expected = np.bincount(partner_unit[needs_partner], minlength=n_units).astype(float)
    unit_help = _range_sums(
        staff.help_capacity, routing.order, routing.unit_start, routing.unit_stop
    )
    if routing.pods > 1 and specialist_share > 0:
        unit_department = staff.department[routing.order[routing.unit_start]]
        department_help = np.bincount(unit_department, weights=unit_help, minlength=n_dept)
        department_expected = np.bincount(unit_department, weights=expected, minlength=n_dept)
        spread = unit_help / np.maximum(department_help[unit_department], 1e-9)
        expected = (1.0 - specialist_share) * expected + (
            specialist_share * department_expected[unit_department] * spread
        )
    idle = np.where(unit_help > 0, np.maximum(0.0, 1.0 - expected / np.maximum(unit_help, 1e-9)), 0)
    help_capacity = staff.help_capacity * (1.0 - idle[routing.slot_unit])
    ownership = np.ones(n_staff) * staff.ownership  # own queue's speed; lent time at plain
    serve_capacity = (
        staff.serve_capacity + staff.help_capacity * idle[routing.slot_unit] * ownership
    )

    priority = draws("service/priority")
    handled, owner = _allocate_reference(
        unit, age, priority, serve_capacity, routing.order, routing.unit_start, routing.unit_stop
    )
    used = np.bincount(owner[handled], minlength=n_staff)
    spare = borrowing * np.maximum(0.0, serve_capacity - used) / ownership
    overflow = np.flatnonzero(~handled)
    handled_2, owner_2 = _allocate_reference(
        cases.department[overflow],
        age[overflow],
        priority[overflow],
        spare,
        routing.order,
        routing.department_start,
        routing.department_stop,
    )
    handled[overflow] = handled_2
    owner[overflow] = owner_2
    owner = np.where(handled, owner, routing.order[routing.department_start[cases.department]])
    assigned = np.bincount(owner[handled], minlength=n_staff)
    left_waiting = np.bincount(cases.department[~handled], minlength=n_dept)
    department_capacity = np.bincount(staff.department, weights=serve_capacity, minlength=n_dept)
    load = (
        assigned / np.maximum(serve_capacity, 1e-9)
        + (left_waiting / np.maximum(department_capacity, 1e-9))[staff.department]
    )
    return Routed(
        unit=unit,
        is_problem=is_problem,
        needs_partner=needs_partner,
        partner_unit=partner_unit,
        handled=handled,
        owner=owner,
        serve_capacity=serve_capacity,
        help_capacity=help_capacity,
        load=load,
    )


def _hand_off_reference(
    cases: CaseBatch,
    staff: Staff,
    routing: Routing,
    routed: Routed,
    conditions: Conditions,
    params: ModelParameters,
    draws: CaseDraws,
) -> Handoffs:
    levers = conditions.levers
    n_staff = len(routed.help_capacity)
    partner_unit = routed.partner_unit
    cross = routed.handled & routed.needs_partner
    pull_cum = _cumulative(routed.help_capacity * staff.sought, routing.order)
    start, stop = routing.unit_start[partner_unit], routing.unit_stop[partner_unit]
    share = params.cases.specialist_share
    if routing.pods > 1 and share > 0:
        # the step needs a particular specialist, who may sit in any pod (Borgatti & Cross 2003)
        partner = np.maximum(cases.partner, 0)
        specialist = draws("service/specialist") < share
        start = np.where(specialist, routing.department_start[partner], start)
        stop = np.where(specialist, routing.department_stop[partner], stop)
    pull = pull_cum[stop] - pull_cum[start]
    pick = draws("service/partner")
    index = np.where(
        pull > 0,
        np.searchsorted(pull_cum, pull_cum[start] + pick * pull, side="right") - 1,
        start + (pick * (stop - start)).astype(np.int64),
    )
    helper = routing.order[np.clip(index, start, stop - 1)]
    requests = np.bincount(helper[cross], minlength=n_staff).astype(float)
    coverage = np.minimum(1.0, routed.help_capacity / np.maximum(requests, 1.0))
    owner_pod = routing.unit_pod[routing.slot_unit[routed.owner]]
    same_pod = (owner_pod >= 0) & (owner_pod == routing.unit_pod[routing.slot_unit[helper]])
    # a pod that does not work as a team hands off as departments do (Tabrizi 2015)
    same_pod &= routing.functioning[np.maximum(owner_pod, 0)]
    friction = np.where(same_pod, levers.pod_friction, levers.handoff_friction)
    p_fail = _failure_reference(
        params.handoffs.base_failure,
        friction,
        conditions.internal_trust[cases.department, np.maximum(cases.partner, 0)],
        levers.structured,
        coverage[helper],
        params,
        levers.handoff_relief,
    )
    failed = cross & (draws("service/handoff") < p_fail)
    return Handoffs(
        cross=cross,
        failed=failed,
        # a case not handed off has no helper
        partner_slot=np.where(cross, helper, -1),
        joint=np.where(cross, coverage[helper], 0.0),
        help_used=np.minimum(routed.help_capacity, requests),
        overload=np.maximum(0.0, requests - routed.help_capacity),
    )


def _settle_reference(
    cases: CaseBatch,
    staff: Staff,
    routed: Routed,
    resolution: Resolution,
    handoffs: Handoffs,
    levers: StructureLevers,
    clientele: Clientele,
    params: ModelParameters,
    draws: CaseDraws,
) -> Outcomes:
    sp, cp, ep = params.service, params.cases, params.effort
    handled, is_problem = routed.handled, routed.is_problem
    q, first = resolution.quality, cases.attempts == 0
    resolved = handled & is_problem & resolution.solved & ~handoffs.failed
    failed = handled & is_problem & ~resolved
    abandoned_contact = failed & (cases.attempts + 1 >= cp.max_attempts)
    repeat = failed & ~abandoned_contact
    waiting = ~handled
    abandoned_wait = waiting & (cases.waited + 1 > cp.max_wait_weeks)
    still_waiting = waiting & ~abandoned_wait
    abandoned = abandoned_contact | abandoned_wait
    recovery = resolved & ~first

    performance = np.select(
        [
            abandoned,
            failed,
            resolved,
            handled & (cases.kind == TOUCHPOINT),
        ],
        [
            np.full(len(q), sp.abandoned_performance),
            np.full(len(q), sp.failed_performance),
            # each earlier contact on the problem costs the customer (SQM Group)
            sp.resolved_performance + q - sp.repeat_contact_cost * cases.attempts,
            sp.touch_performance + q,
        ],
        default=0.0,
    )
    performance = np.clip(performance + resolution.noise * handled, 0.0, 1.0)
    effort = (
        ep.per_repeat * (handled & ~first)
        + ep.per_transfer * handoffs.failed
        + ep.per_wait * still_waiting
        + ep.per_abandon * abandoned
        + ep.repeat_information * (1.0 - levers.information) * (handled & is_problem)
    )
    gaming = staff.allocation[routed.owner, 3]
    # gaming keeps some contacts that went badly away from the survey (survey steering)
    screened = failed * np.minimum(sp.gaming_screening * gaming, 1.0)
    surveyed = handled & is_problem & (draws("service/survey") < sp.survey_rate * (1 - screened))
    survey_score = np.clip(
        _satisfaction_reference(
            performance, clientele.expectation[cases.customer], params.satisfaction
        )
        + sp.gaming_lift * gaming,
        0.0,
        1.0,
    )
    return Outcomes(
        resolved=resolved,
        failed=failed,
        repeat=repeat,
        still_waiting=still_waiting,
        abandoned=abandoned,
        recovery=recovery,
        performance=performance,
        experienced=handled | abandoned,
        effort=effort,
        surveyed=surveyed,
        survey_score=survey_score,
        satisfied=surveyed & (survey_score >= sp.satisfied_rating),
    )


def _weeks(name: str, overrides: dict, weeks: int):
    """The inputs of each of a few weeks of a run, as the model passes them to the work."""
    scenario = Scenario.load(
        SCENARIOS / f"{name}.toml", overrides={"warm_up.weeks": 8, **overrides}
    )
    model = OrganizationModel(scenario, seed=11)
    seen = []
    serve = model.serve

    def watched_serve(cases, staff, time):
        c = model.customers
        seen.append(
            (
                model.routing,
                cases,
                staff,
                Conditions(model.structure_levers_, model.internal_trust.matrix.copy()),
                Clientele(c.pod[c.slots].copy(), c.expectation[c.slots].copy(), c.size),
                CaseDraws(model.streams, time, cases),
            )
        )
        return serve(cases, staff, time)

    model.serve = watched_serve
    for _ in range(weeks):
        model.step()
        yield (model, *seen[-1])


def _assert_same(got, expected):
    for field in vars(expected):
        a, b = getattr(got, field), getattr(expected, field)
        assert np.asarray(a).dtype == np.asarray(b).dtype or field == "handled", field
        assert np.array_equal(a, b), field


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("siloed", {}),
        ("collaborative", {}),
        ("collaborative", {"cases.specialist_share": 0.3, "structure.borrowing": 0.5}),
        ("siloed", {"employees.capacity": 20}),  # queues: cases wait and overflow
    ],
)
def test_the_compiled_steps_give_the_numpy_steps_bit_for_bit(name, overrides):
    for model, routing, cases, staff, conditions, clientele, draws in _weeks(name, overrides, 6):
        params, levers = model.params, conditions.levers
        share = params.cases.specialist_share
        routed = route(cases, staff, routing, clientele, draws, levers.borrowing, share)
        expected = _route_reference(
            cases, staff, routing, clientele, draws, levers.borrowing, share
        )
        _assert_same(routed, expected)
        handoffs = hand_off(cases, staff, routing, routed, conditions, params, draws)
        _assert_same(
            handoffs, _hand_off_reference(cases, staff, routing, routed, conditions, params, draws)
        )
        resolution = resolve(staff, routed, levers, params, draws)
        args = (cases, staff, routed, resolution, handoffs, levers, clientele, params, draws)
        _assert_same(settle(*args), _settle_reference(*args))


def test_failure_probability_is_the_numpy_formula_bit_for_bit():
    rng = np.random.default_rng(5)
    params = Scenario.load(SCENARIOS / "siloed.toml").parameters
    friction, trust, coverage = rng.random(500) * 2, rng.random(500), rng.random(500)
    for structured, relief in ((0.0, 0.0), (0.7, 0.25)):
        got = handoff_failure_probability(
            0.4, friction, trust, structured, coverage, params, relief
        )
        expected = _failure_reference(0.4, friction, trust, structured, coverage, params, relief)
        assert np.array_equal(got, expected)
    assert float(handoff_failure_probability(9.0, 1.0, 0.0, 0.0, 0.0, params)) == 1.0  # clipped


def test_the_weeks_compared_include_repeat_contacts_waiting_and_overflow():
    routed = waiting = repeats = 0
    for model, routing, cases, staff, _, clientele, draws in _weeks(
        "siloed", {"employees.capacity": 20}, 6
    ):
        share = model.params.cases.specialist_share
        r = route(cases, staff, routing, clientele, draws, 1.0, share)
        routed += r.handled.sum()
        waiting += (~r.handled).sum()
        repeats += (cases.attempts > 0).sum()
    assert routed > 0 and waiting > 0 and repeats > 0
