"""The week's work: routing cases within capacity, resolving them, handing them off.

Everything here is vectorised over cases: the Python work of a week does not grow with
the number of customers or cases. Cases go to a *unit* (a department, or a department's
members in the customer's pod); each unit's serve capacity is pooled, cases beyond it
wait. A problem that needs a partner department is handed off; the handoff fails with a
probability that friction, internal trust, structured handoffs and the partner unit's
help coverage set (Carley 1991; Starmer et al. 2014).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim.core.cases import PROBLEM, TOUCHPOINT, CaseBatch
from cxsim.core.customers import disconfirmation_satisfaction
from cxsim.core.levers import StructureLevers
from cxsim.core.parameters import ModelParameters
from cxsim.core.streams import Streams

__all__ = ["Routing", "Staff", "WorkWeek", "handoff_failure_probability", "work_week"]


@dataclass
class Routing:
    """Where a department's cases go, fixed for a run (a new hire takes a leaver's slot).

    Attributes:
        order: Employee slots sorted by (department, pod).
        unit_start: First position in ``order`` of each unit.
        unit_stop: One past the last position of each unit.
        unit_pod: Pod of each unit (-1 without pods).
        unit_of: Unit that serves department d for a customer of pod p: ``unit_of[d, p]``.
        slot_unit: Unit of each employee slot.
        department_start: First position in ``order`` of each department.
        department_stop: One past the last position of each department.
        pods: Number of pods (1 without pods).
    """

    order: np.ndarray
    unit_start: np.ndarray
    unit_stop: np.ndarray
    unit_pod: np.ndarray
    unit_of: np.ndarray
    slot_unit: np.ndarray
    department_start: np.ndarray
    department_stop: np.ndarray
    pods: int

    @classmethod
    def build(cls, departments: np.ndarray, pods: np.ndarray, n_departments: int) -> Routing:
        """Build the routing of a workforce.

        Args:
            departments: Department of each employee slot.
            pods: Pod of each slot, -1 everywhere when the structure has no pods.
            n_departments: Number of departments.
        """
        has_pods = bool((pods >= 0).any())
        pod = np.where(pods >= 0, pods, 0)
        n_pods = int(pod.max()) + 1 if len(pod) else 1
        order = np.lexsort((pod, departments))
        key = departments[order] * n_pods + pod[order]
        keys, starts = np.unique(key, return_index=True)
        stops = np.append(starts[1:], len(order))
        unit_of = np.full((n_departments, n_pods), -1, dtype=np.int64)
        unit_of[keys // n_pods, keys % n_pods] = np.arange(len(keys))
        slot_unit = np.empty(len(order), dtype=np.int64)
        slot_unit[order] = np.repeat(np.arange(len(keys)), stops - starts)
        for d in range(n_departments):
            present = np.flatnonzero(unit_of[d] >= 0)
            missing = np.flatnonzero(unit_of[d] < 0)
            # a pod without this department sends its cases to another pod's members
            unit_of[d, missing] = unit_of[d, present[missing % len(present)]]
        return cls(
            order=order,
            unit_start=starts,
            unit_stop=stops,
            unit_pod=np.where(has_pods, keys % n_pods, -1),
            unit_of=unit_of,
            slot_unit=slot_unit,
            department_start=np.searchsorted(departments[order], np.arange(n_departments)),
            department_stop=np.searchsorted(
                departments[order], np.arange(n_departments), side="right"
            ),
            pods=n_pods,
        )


@dataclass
class Staff:
    """A snapshot of the workforce for the week's vectorised work, one row per slot."""

    department: np.ndarray
    skill: np.ndarray
    morale: np.ndarray
    allocation: np.ndarray  # (slots, 4): serve, help, prevent, game
    serve_capacity: np.ndarray
    help_capacity: np.ndarray
    working: np.ndarray  # all working time, in cases per week


@dataclass
class WorkWeek:
    """What happened to the week's cases, by case, customer, employee and department.

    Per employee slot: ``assigned`` (cases routed to the employee's unit, share),
    ``load``, ``handled``, ``problems``, ``resolved``, ``first_contact``, ``failed``,
    ``handoffs`` and ``handoff_failures`` (as owner), ``help_given``, ``help_failed`` (as partner),
    ``survey_sum``, ``survey_count``, ``help_used`` (help time spent on handoffs, in
    cases). Per customer slot: ``performance_sum``, ``cases``,
    ``recoveries``, ``effort``. Per department pair: ``pair_handoffs``, ``pair_failure`` and
    ``pair_success`` (successful handoffs weighted by the partner unit's help coverage:
    joint work).
    """

    carried: CaseBatch
    load: np.ndarray
    handled: np.ndarray
    problems: np.ndarray
    resolved: np.ndarray
    first_contact: np.ndarray
    failed: np.ndarray
    handoffs: np.ndarray
    handoff_failures: np.ndarray
    help_given: np.ndarray
    help_failed: np.ndarray
    survey_sum: np.ndarray
    survey_count: np.ndarray
    help_used: np.ndarray
    performance_sum: np.ndarray
    cases: np.ndarray
    recoveries: np.ndarray
    effort: np.ndarray
    pair_success: np.ndarray
    pair_failure: np.ndarray
    pair_handoffs: np.ndarray
    department_cases: np.ndarray
    department_waiting: np.ndarray
    totals: dict[str, float]


def handoff_failure_probability(
    base: float,
    friction: np.ndarray | float,
    internal_trust: np.ndarray | float,
    structured: float,
    coverage: np.ndarray | float,
    params: ModelParameters,
    relief: float = 0.0,
) -> np.ndarray:
    """Return p = p0 friction (1 - kT) (1 - s structured) (1 - h coverage) (1 - relief).

    Args:
        base: p0, the base failure probability.
        friction: The structure's friction on this handoff.
        internal_trust: Trust between the two departments, 0-1 (T, weighted by kappa).
        structured: Weight of structured handoffs (a shared checklist, I-PASS), 0-1.
        coverage: Share of the handoffs the partner unit has help capacity for, 0-1.
        params: Model parameters (kappa, sigma, h).
        relief: Share of failures shared customer information prevents, 0-1.
    """
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


def _range_sums(values: np.ndarray, order: np.ndarray, starts, stops) -> np.ndarray:
    cum = np.r_[0.0, np.cumsum(values[order])]
    return cum[stops] - cum[starts]


def _allocate(
    group: np.ndarray,
    age: np.ndarray,
    priority: np.ndarray,
    capacity: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    stops: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Serve cases from pooled group capacity: oldest first, then in random order.

    Each group's members are ``order[starts[g]:stops[g]]``. Cases beyond the group's
    capacity wait; served cases are spread over the members in proportion to capacity.

    Returns:
        Whether each case is served, and the employee slot serving it (-1 if none).
    """
    queue = np.lexsort((priority, -age, group))
    rank = np.empty(len(queue), dtype=np.int64)
    rank[queue] = _rank_within(group[queue])
    cum = np.r_[0.0, np.cumsum(capacity[order])]
    group_capacity = cum[stops] - cum[starts]
    demand = np.bincount(group, minlength=len(starts)).astype(float)
    spacing = np.maximum(1.0, group_capacity / np.maximum(demand, 1.0))
    served = rank + 0.5 < group_capacity[group]
    position = cum[starts[group]] + (rank + 0.5) * spacing[group]
    index = np.searchsorted(cum, position, side="right") - 1
    index = np.clip(index, starts[group], stops[group] - 1)
    return served, np.where(served, order[index], -1)


def _rank_within(groups_sorted: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values (input sorted)."""
    n = len(groups_sorted)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, groups_sorted[1:] != groups_sorted[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    return np.arange(n) - run_start


def work_week(
    *,
    cases: CaseBatch,
    staff: Staff,
    routing: Routing,
    levers: StructureLevers,
    internal_trust: np.ndarray,
    customer_pod: np.ndarray,
    customer_expectation: np.ndarray,
    n_customers: int,
    params: ModelParameters,
    streams: Streams,
    week: int,
) -> WorkWeek:
    """Route, serve and resolve one week of cases.

    Args:
        cases: Carried and new cases.
        staff: The workforce snapshot.
        routing: The run's routing.
        levers: The structure's levers this week.
        internal_trust: Department-by-department trust.
        customer_pod: Pod of every customer slot.
        customer_expectation: Expectation of every customer slot (for survey scores).
        n_customers: Number of used customer slots.
        params: Model parameters.
        streams: Random streams.
        week: The week.

    Returns:
        The week's outcomes.
    """
    sp, cp, ep = params.service, params.cases, params.effort
    n_staff = len(staff.department)
    n_dept = internal_trust.shape[0]
    age = cases.attempts * 7 + cases.waited
    key = cases.draw_keys()

    def draw(name: str) -> np.ndarray:
        return streams.keyed_uniform(name, week, key)

    # help time that no handoff will need goes back to serving the unit's own cases
    n_units = len(routing.unit_start)
    unit = routing.unit_of[cases.department, customer_pod[cases.customer]]
    is_problem = cases.kind == PROBLEM
    needs_partner = is_problem & (cases.partner >= 0)
    partner_unit = routing.unit_of[np.maximum(cases.partner, 0), customer_pod[cases.customer]]
    expected = np.bincount(partner_unit[needs_partner], minlength=n_units).astype(float)
    unit_help = _range_sums(
        staff.help_capacity, routing.order, routing.unit_start, routing.unit_stop
    )
    idle = np.where(unit_help > 0, np.maximum(0.0, 1.0 - expected / np.maximum(unit_help, 1e-9)), 0)
    help_capacity = staff.help_capacity * (1.0 - idle[routing.slot_unit])
    serve_capacity = staff.serve_capacity + staff.help_capacity * idle[routing.slot_unit]

    # -- routing within capacity: the unit first, then the department's spare capacity --
    priority = draw("service/priority")
    handled, owner = _allocate(
        unit, age, priority, serve_capacity, routing.order, routing.unit_start, routing.unit_stop
    )
    used = np.bincount(owner[handled], minlength=n_staff)
    spare = np.maximum(0.0, serve_capacity - used)
    overflow = np.flatnonzero(~handled)
    handled_2, owner_2 = _allocate(
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
    owner_pod = routing.unit_pod[routing.slot_unit[owner]]

    # -- quality of the owner's work -----------------------------------------------------
    quality = (
        sp.skill_effect * (staff.skill - params.employees.initial_skill)
        + sp.morale_effect * staff.morale
        + sp.information_effect * (levers.information - 0.5)
        - sp.gaming_cost * staff.allocation[:, 3]
    )
    q = quality[owner]
    noise = sp.noise * (2.0 * draw("service/noise") - 1.0) * np.sqrt(3.0)
    first = cases.attempts == 0

    solved = draw("service/solve") < np.clip(sp.solve_base + q, 0.02, 0.995)

    # -- handoffs to the partner department ------------------------------------------------
    cross = handled & needs_partner
    help_cum = np.r_[0.0, np.cumsum(help_capacity[routing.order])]
    unit_help = help_cum[routing.unit_stop] - help_cum[routing.unit_start]
    volume = np.bincount(partner_unit[cross], minlength=n_units).astype(float)
    coverage = np.minimum(1.0, unit_help / np.maximum(volume, 1.0))
    busy = np.minimum(1.0, volume / np.maximum(unit_help, 1e-9))  # share of help time used
    help_used = help_capacity * busy[routing.slot_unit]
    same_pod = (owner_pod >= 0) & (owner_pod == routing.unit_pod[partner_unit])
    friction = np.where(same_pod, levers.pod_friction, levers.handoff_friction)
    p_fail = handoff_failure_probability(
        params.handoffs.base_failure,
        friction,
        internal_trust[cases.department, np.maximum(cases.partner, 0)],
        levers.structured,
        coverage[partner_unit],
        params,
        levers.handoff_relief,
    )
    handoff_failed = cross & (draw("service/handoff") < p_fail)
    pick = draw("service/partner")
    start, stop = routing.unit_start[partner_unit], routing.unit_stop[partner_unit]
    helped_pos = help_cum[start] + pick * unit_help[partner_unit]
    partner_index = np.where(
        unit_help[partner_unit] > 0,
        np.searchsorted(help_cum, helped_pos, side="right") - 1,
        start + (pick * (stop - start)).astype(np.int64),
    )
    partner_slot = routing.order[np.clip(partner_index, start, stop - 1)]

    # -- outcomes -------------------------------------------------------------------
    resolved = handled & is_problem & solved & ~handoff_failed
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
            recovery,
            resolved,
            handled & (cases.kind == TOUCHPOINT),
        ],
        [
            np.full(len(q), sp.abandoned_performance),
            np.full(len(q), sp.failed_performance),
            sp.recovery_performance + sp.recovery_quality_share * q,
            sp.resolved_performance + q,
            sp.touch_performance + q,
        ],
        default=0.0,
    )
    performance = np.clip(performance + noise * handled, 0.0, 1.0)
    experienced = handled | abandoned

    effort = (
        ep.per_repeat * (handled & ~first)
        + ep.per_transfer * handoff_failed
        + ep.per_wait * still_waiting
        + ep.per_abandon * abandoned
        + ep.repeat_information * (1.0 - levers.information) * (handled & is_problem)
    )

    # -- surveys: the measured score, which gaming lifts --------------------------------
    surveyed = handled & (draw("service/survey") < sp.survey_rate)
    survey_score = np.clip(
        disconfirmation_satisfaction(
            performance, customer_expectation[cases.customer], params.satisfaction
        )
        + sp.gaming_lift * staff.allocation[owner, 3],
        0.0,
        1.0,
    )

    # -- tallies ------------------------------------------------------------------------
    def per_staff(mask: np.ndarray, who: np.ndarray = owner, weights=None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(who[mask], weights=w, minlength=n_staff).astype(float)

    def per_customer(mask: np.ndarray, weights=None) -> np.ndarray:
        w = None if weights is None else weights[mask]
        return np.bincount(cases.customer[mask], weights=w, minlength=n_customers).astype(float)

    pair = cases.department * n_dept + np.maximum(cases.partner, 0)
    handoff_ok = cross & ~handoff_failed
    # a handoff is joint work to the extent the partner unit had time to help with it
    joint = coverage[partner_unit]
    pair_success = np.bincount(
        pair[handoff_ok], weights=joint[handoff_ok], minlength=n_dept * n_dept
    ).reshape(n_dept, -1)
    pair_failure = np.bincount(pair[handoff_failed], minlength=n_dept * n_dept).reshape(n_dept, -1)
    pair_handoffs = np.bincount(pair[cross], minlength=n_dept * n_dept).reshape(n_dept, -1)

    carried = cases.take(repeat | still_waiting)
    carried.attempts = carried.attempts + repeat[repeat | still_waiting]
    carried.waited = np.where(still_waiting[repeat | still_waiting], carried.waited + 1, 0)

    first_problems = handled & is_problem & first
    totals = {
        "cases": float(len(cases)),
        "handled": float(handled.sum()),
        "problems_new": float((is_problem & first & (cases.waited == 0)).sum()),
        "first_contact_problems": float(first_problems.sum()),
        "first_contact_resolved": float((resolved & first).sum()),
        "handoffs": float(cross.sum()),
        "handoff_failures": float(handoff_failed.sum()),
        "surveyed": float(surveyed.sum()),
        "survey_sum": float(survey_score[surveyed].sum()),
        "abandoned": float(abandoned.sum()),
        "waiting": float(still_waiting.sum()),
    }
    return WorkWeek(
        carried=carried,
        load=load,
        handled=per_staff(handled),
        problems=per_staff(handled & is_problem),
        resolved=per_staff(resolved),
        first_contact=per_staff(resolved & first),
        failed=per_staff(failed),
        handoffs=per_staff(cross),
        handoff_failures=per_staff(handoff_failed),
        help_given=per_staff(handoff_ok, partner_slot),
        help_failed=per_staff(handoff_failed, partner_slot),
        survey_sum=per_staff(surveyed, owner, survey_score),
        survey_count=per_staff(surveyed),
        help_used=help_used,
        performance_sum=per_customer(experienced, performance),
        cases=per_customer(experienced),
        recoveries=per_customer(recovery),
        effort=per_customer(np.ones(len(q), dtype=bool), effort),
        pair_success=pair_success,
        pair_failure=pair_failure,
        pair_handoffs=pair_handoffs,
        department_cases=np.bincount(cases.department, minlength=n_dept).astype(float),
        department_waiting=np.bincount(cases.department[still_waiting], minlength=n_dept).astype(
            float
        ),
        totals=totals,
    )
