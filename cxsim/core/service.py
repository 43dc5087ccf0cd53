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

from cxsim.core import casework, kernels
from cxsim.core.cases import PROBLEM, TOUCHPOINT, CaseBatch
from cxsim.core.levers import StructureLevers
from cxsim.core.parameters import ModelParameters
from cxsim.core.streams import Streams

__all__ = [
    "CaseDraws",
    "Clientele",
    "Conditions",
    "Handoffs",
    "Outcomes",
    "Resolution",
    "Routed",
    "Routing",
    "Staff",
    "WorkWeek",
    "hand_off",
    "handoff_failure_probability",
    "resolve",
    "route",
    "settle",
    "tally",
    "work_week",
]


@dataclass
class Routing:
    """Where a department's cases go: rebuilt when the structure or the workforce changes.

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
        functioning: Whether each pod works as a team (all True without pods).
        breadth: Share of its department's case mix each slot covers beyond what a
            specialist in a whole department would: 1 - unit size / department size
            (0 without pods).
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
    functioning: np.ndarray
    breadth: np.ndarray

    @classmethod
    def build(
        cls,
        departments: np.ndarray,
        pods: np.ndarray,
        n_departments: int,
        functioning: np.ndarray | None = None,
    ) -> Routing:
        """Build the routing of a workforce.

        Args:
            departments: Department of each employee slot.
            pods: Pod of each slot, -1 everywhere when the structure has no pods.
            n_departments: Number of departments.
            functioning: Whether each pod works as a team (default: all do). Its length
                is the number of pods, so a pod that attrition has emptied keeps its
                customers, who are then served by other pods' members.
        """
        has_pods = bool((pods >= 0).any())
        pod = np.where(pods >= 0, pods, 0)
        n_pods = int(pod.max()) + 1 if len(pod) else 1
        if functioning is not None:
            n_pods = max(n_pods, len(functioning))
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
        unit_size = (stops - starts)[slot_unit]
        department_size = np.bincount(departments, minlength=n_departments)[departments]
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
            functioning=np.ones(n_pods, dtype=bool) if functioning is None else functioning,
            breadth=1.0 - unit_size / np.maximum(department_size, 1),
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
    depth_loss: np.ndarray | float = 0.0  # skill lost on cases to a wider case mix
    ownership: np.ndarray | float = 1.0  # serving speed on one's own unit's queue
    sought: np.ndarray | float = 1.0  # how much colleagues seek each one's help (mean 1)


@dataclass
class WorkWeek:
    """What happened to the week's cases, by case, customer, employee and department.

    Per employee slot: ``assigned`` (cases routed to the employee's unit, share),
    ``load``, ``handled``, ``problems``, ``resolved``, ``first_contact``, ``failed``,
    ``handoffs`` and ``handoff_failures`` (as owner), ``help_given``, ``help_failed`` (as partner),
    ``survey_sum``, ``survey_count``, ``help_used`` (help time spent on handoffs, in
    cases). Per customer row: ``performance_sum``, ``cases``,
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
    friction, internal_trust, coverage = np.broadcast_arrays(
        np.asarray(friction, dtype=float),
        np.asarray(internal_trust, dtype=float),
        np.asarray(coverage, dtype=float),
    )
    p = casework.failure_probabilities(
        float(base),
        friction.ravel(),
        internal_trust.ravel(),
        float(h.trust_effect),
        1.0 - h.structured_effect * float(structured),
        float(h.help_effect),
        coverage.ravel(),
        float(relief),
    )
    return p.reshape(friction.shape)


# -- the week's work, step by step (docs/ODD.md, "Routing and work") -------------------


@dataclass(frozen=True)
class Conditions:
    """What the week's work happens under.

    Attributes:
        levers: The structure's levers this week.
        internal_trust: Department-by-department trust.
    """

    levers: StructureLevers
    internal_trust: np.ndarray


@dataclass(frozen=True)
class Clientele:
    """What the work needs to know of the customers, one entry per customer row.

    Attributes:
        pod: Pod of each customer row (0 without pods).
        expectation: Expectation of each slot (survey scores are disconfirmation).
        size: Number of customer rows in use.
    """

    pod: np.ndarray
    expectation: np.ndarray
    size: int


class CaseDraws:
    """The week's uniform draws for each case, one named decision at a time.

    Each case's draw is keyed by the case's identity (:meth:`CaseBatch.draw_keys`), so a
    decision's draws do not depend on the order the steps take them in.
    """

    def __init__(self, streams: Streams, week: int, cases: CaseBatch) -> None:
        self.streams, self.week, self.key = streams, week, cases.draw_keys()

    def __call__(self, decision: str) -> np.ndarray:
        """Uniform draws in [0, 1) for the named decision, one per case."""
        return self.streams.keyed_uniform(decision, self.week, self.key)


@dataclass
class Routed:
    """Step 1, route: who handles each case, within capacity.

    Per case: ``unit`` (the unit it goes to), ``is_problem``, ``needs_partner``,
    ``partner_unit`` (the partner department's unit for the customer's pod), ``handled``
    (served this week) and ``owner`` (the slot that handled it, or the department's
    first slot for a waiting case). Per slot: ``serve_capacity`` and ``help_capacity``
    after help time no handoff needs went back to serving, ``load`` and ``assigned``.
    """

    unit: np.ndarray
    is_problem: np.ndarray
    needs_partner: np.ndarray
    partner_unit: np.ndarray
    handled: np.ndarray
    owner: np.ndarray
    serve_capacity: np.ndarray
    help_capacity: np.ndarray
    load: np.ndarray


@dataclass
class Resolution:
    """Step 2, resolve: the quality of the owner's work and whether it solved the case.

    Per case: ``quality`` (q), ``noise`` (the performance noise) and ``solved``.
    """

    quality: np.ndarray
    noise: np.ndarray
    solved: np.ndarray


@dataclass
class Handoffs:
    """Step 3, hand off: problems that need a partner department.

    Per case: ``cross`` (handed off), ``failed`` (the handoff failed), ``partner_slot``
    (who helped; -1 for a case not handed off) and ``joint`` (the helper's coverage: how
    much the handoff was joint work; 0 for a case not handed off). Per slot:
    ``help_used`` (help time spent on handoffs, in cases) and ``overload`` (requests for
    help beyond the employee's help time, in cases).
    """

    cross: np.ndarray
    failed: np.ndarray
    partner_slot: np.ndarray
    joint: np.ndarray
    help_used: np.ndarray
    overload: np.ndarray


@dataclass
class Outcomes:
    """Step 4, outcomes: what each case came to, and what the customer experienced.

    Per case: ``resolved``, ``failed`` (handled, unresolved), ``repeat`` (comes back),
    ``still_waiting``, ``abandoned``, ``recovery`` (resolved on a repeat contact),
    ``performance`` (0-1), ``experienced`` (counts for satisfaction), ``effort``,
    ``surveyed``, ``survey_score`` (the measured score, which gaming lifts) and
    ``satisfied`` (surveyed with a rating in the top two boxes).
    """

    resolved: np.ndarray
    failed: np.ndarray
    repeat: np.ndarray
    still_waiting: np.ndarray
    abandoned: np.ndarray
    recovery: np.ndarray
    performance: np.ndarray
    experienced: np.ndarray
    effort: np.ndarray
    surveyed: np.ndarray
    survey_score: np.ndarray
    satisfied: np.ndarray


def route(
    cases: CaseBatch,
    staff: Staff,
    routing: Routing,
    clientele: Clientele,
    draws: CaseDraws,
    borrowing: float = 1.0,
    specialist_share: float = 0.0,
) -> Routed:
    """Route cases within capacity: the unit first, then the department's spare capacity.

    Help time that no handoff will need goes back to serving the unit's own cases; under
    pods a unit expects its own pod's handoffs, except the share ``specialist_share``
    that seeks a specialist anywhere in the department, which it expects in proportion
    to its help time. A unit's overflow can use only the share ``borrowing`` of other
    units' spare capacity: one queue served by all of a department pools its capacity,
    pods borrow from one another only at a cost (Whitt 1992). A slot serves its own
    unit's queue at the speed ``staff.ownership`` gives it and lends spare time to other
    units at the plain speed.
    """
    is_problem = cases.kind == PROBLEM
    (unit, needs_partner, partner_unit, handled, owner, serve_capacity, help_capacity, load) = (
        casework.route_cases(
            cases.department,
            cases.partner,
            is_problem,
            clientele.pod[cases.customer],
            cases.attempts * 7 + cases.waited,  # age: attempts first, then weeks waited
            draws("service/priority"),
            staff.department,
            np.asarray(staff.serve_capacity, dtype=float),
            np.asarray(staff.help_capacity, dtype=float),
            np.ones(len(staff.department)) * staff.ownership,
            routing.order,
            routing.unit_start,
            routing.unit_stop,
            routing.unit_of,
            routing.slot_unit,
            routing.department_start,
            routing.department_stop,
            routing.pods,
            float(borrowing),
            float(specialist_share),
        )
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


def resolve(
    staff: Staff, routed: Routed, levers: StructureLevers, params: ModelParameters, draws: CaseDraws
) -> Resolution:
    """The owner's work: its quality, and whether it solves the problem.

    Quality rises with skill on the case (skill less the depth lost to a wider case mix),
    morale and the customer information the structure shares, and falls with effort spent
    gaming measures. The information's worth grows with the
    share of problems that cross departments (Galbraith 1974): where little work crosses,
    what other departments know of the customer matters little.
    """
    sp = params.service
    # what the other departments know of a customer matters as much as the work crosses them
    interdependence = params.cases.cross_functional_share / sp.information_reference_share
    quality = (
        sp.skill_effect * (staff.skill - staff.depth_loss - params.employees.initial_skill)
        + sp.morale_effect * staff.morale
        + sp.information_effect * interdependence * (levers.information - 0.5)
        - sp.gaming_cost * staff.allocation[:, 3]
    )
    q = quality[routed.owner]
    noise = sp.noise * (2.0 * draws("service/noise") - 1.0) * np.sqrt(3.0)
    solved = draws("service/solve") < np.clip(sp.solve_base + q, 0.02, 0.995)
    return Resolution(quality=q, noise=noise, solved=solved)


def hand_off(
    cases: CaseBatch,
    staff: Staff,
    routing: Routing,
    routed: Routed,
    conditions: Conditions,
    params: ModelParameters,
    draws: CaseDraws,
) -> Handoffs:
    """Hand problems that need a partner department to a colleague in the partner unit.

    Colleagues turn to some people far more than to others: who is asked is drawn in
    proportion to help time times how much each is sought (Cross, Rebele & Grant 2016).
    Each helper covers the requests their help time allows; beyond it, help is rushed
    (lower coverage) and the excess is overload. A handoff fails with the probability
    :func:`handoff_failure_probability` gives, at the helper's coverage.
    """
    levers, h = conditions.levers, params.handoffs
    cross = routed.handled & routed.needs_partner
    if routing.pods > 1 and params.cases.specialist_share > 0:
        # the step needs a particular specialist, who may sit in any pod (Borgatti & Cross 2003)
        specialist = draws("service/specialist") < params.cases.specialist_share
    else:
        specialist = np.zeros(len(cross), dtype=bool)
    helper, failed, joint, requests = casework.handoff_cases(
        cross,
        cases.department,
        cases.partner,
        routed.partner_unit,
        routed.owner,
        specialist,
        draws("service/partner"),
        draws("service/handoff"),
        routed.help_capacity * staff.sought,
        routed.help_capacity,
        routing.order,
        routing.unit_start,
        routing.unit_stop,
        routing.department_start,
        routing.department_stop,
        routing.slot_unit,
        routing.unit_pod,
        routing.functioning,
        np.asarray(conditions.internal_trust, dtype=float),
        float(h.base_failure),
        float(levers.pod_friction),
        float(levers.handoff_friction),
        float(h.trust_effect),
        1.0 - h.structured_effect * float(levers.structured),
        float(h.help_effect),
        float(levers.handoff_relief),
    )
    return Handoffs(
        cross=cross,
        failed=failed,
        partner_slot=helper,
        joint=joint,
        help_used=np.minimum(routed.help_capacity, requests),
        overload=np.maximum(0.0, requests - routed.help_capacity),
    )


def settle(
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
    """What each case comes to: resolved, repeated, waiting or abandoned.

    Also the performance and effort the customer experiences, and the survey score as
    measured.
    """
    sp, ep, sat = params.service, params.effort, params.satisfaction
    flags, performance, effort, survey_score = casework.case_outcomes(
        routed.handled,
        routed.is_problem,
        cases.kind == TOUCHPOINT,
        resolution.solved,
        handoffs.failed,
        cases.attempts,
        cases.waited,
        resolution.quality,
        resolution.noise,
        staff.allocation[routed.owner, 3],  # the owner's gaming
        clientele.expectation[cases.customer],
        draws("service/survey"),
        float(levers.information),
        int(params.cases.max_attempts),
        int(params.cases.max_wait_weeks),
        np.array(
            [
                sp.abandoned_performance,
                sp.failed_performance,
                sp.resolved_performance,
                sp.touch_performance,
                sp.repeat_contact_cost,
            ],
            dtype=float,
        ),
        np.array(
            [ep.per_repeat, ep.per_transfer, ep.per_wait, ep.per_abandon, ep.repeat_information],
            dtype=float,
        ),
        np.array(
            [sp.gaming_screening, sp.survey_rate, sp.gaming_lift, sp.satisfied_rating], dtype=float
        ),
        np.array(
            [sat.intercept, sat.performance_weight, sat.positive_weight, sat.negative_weight],
            dtype=float,
        ),
    )
    resolved, failed, repeat, still_waiting, abandoned, recovery, experienced, surveyed = flags[:8]
    return Outcomes(
        resolved=resolved,
        failed=failed,
        repeat=repeat,
        still_waiting=still_waiting,
        abandoned=abandoned,
        recovery=recovery,
        performance=performance,
        experienced=experienced,
        effort=effort,
        surveyed=surveyed,
        survey_score=survey_score,
        satisfied=flags[8],
    )


def tally(
    cases: CaseBatch,
    n_staff: int,
    n_departments: int,
    clientele: Clientele,
    routed: Routed,
    handoffs: Handoffs,
    outcomes: Outcomes,
) -> WorkWeek:
    """Count the week's outcomes per employee slot, customer row and department pair."""
    owner, handled, is_problem = routed.owner, routed.handled, routed.is_problem
    o, n_dept = outcomes, n_departments
    first = cases.attempts == 0
    cross, handoff_failed = handoffs.cross, handoffs.failed

    pair = cases.department * n_dept + np.maximum(cases.partner, 0)
    flags = np.stack(
        [
            handled,
            is_problem,
            first,
            o.resolved,
            o.failed,
            cross,
            handoff_failed,
            o.surveyed,
            o.experienced,
            o.recovery,
            o.satisfied,
            o.abandoned,
            o.still_waiting,
            cases.waited == 0,
        ]
    )  # the rows of kernels.TALLY_FLAGS
    weights = np.stack([o.survey_score, o.performance, o.effort, handoffs.joint])
    staff, per_customer, pair_success, pair_counts, counts, departments = kernels.tally_cases(
        owner,
        handoffs.partner_slot,
        cases.customer,
        cases.department,
        pair,
        flags,
        weights,
        n_staff,
        clientele.size,
        n_dept,
        n_dept * n_dept,
    )
    kept = np.flatnonzero(o.repeat | o.still_waiting)
    carried = cases.take(kept)
    carried.attempts = carried.attempts + o.repeat[kept]
    carried.waited = np.where(o.still_waiting[kept], carried.waited + 1, 0)
    totals = {"cases": float(len(cases))}
    totals.update(zip(kernels.TALLY_TOTALS, map(float, counts.tolist()), strict=True))
    # a float sum, by NumPy's pairwise summation as before
    totals["survey_sum"] = float(o.survey_score[o.surveyed].sum())
    return WorkWeek(
        carried=carried,
        # help asked of an employee beyond their help time is extra load (overload)
        load=routed.load + handoffs.overload / np.maximum(routed.serve_capacity, 1.0),
        handled=staff[0],
        problems=staff[1],
        resolved=staff[2],
        first_contact=staff[3],
        failed=staff[4],
        handoffs=staff[5],
        handoff_failures=staff[6],
        help_given=staff[7],
        help_failed=staff[8],
        survey_sum=staff[9],
        survey_count=staff[10],
        help_used=handoffs.help_used,
        performance_sum=per_customer[0],
        cases=per_customer[1],
        recoveries=per_customer[2],
        effort=per_customer[3],
        # a handoff is joint work to the extent the partner unit had time to help with it
        pair_success=pair_success.reshape(n_dept, n_dept),
        pair_failure=pair_counts[0].reshape(n_dept, n_dept),
        pair_handoffs=pair_counts[1].reshape(n_dept, n_dept),
        department_cases=departments[0],
        department_waiting=departments[1],
        totals=totals,
    )


def work_week(
    cases: CaseBatch,
    staff: Staff,
    routing: Routing,
    conditions: Conditions,
    clientele: Clientele,
    params: ModelParameters,
    draws: CaseDraws,
) -> WorkWeek:
    """Route, resolve, hand off and settle one week of cases, then tally the outcomes.

    Args:
        cases: Carried and new cases.
        staff: The workforce snapshot.
        routing: The run's routing.
        conditions: The structure's levers and internal trust this week.
        clientele: Pods and expectations of the customer rows.
        params: Model parameters.
        draws: The week's draws for each case.

    Returns:
        The week's outcomes.
    """
    routed = route(
        cases,
        staff,
        routing,
        clientele,
        draws,
        conditions.levers.borrowing,
        params.cases.specialist_share,
    )
    resolution = resolve(staff, routed, conditions.levers, params, draws)
    handoffs = hand_off(cases, staff, routing, routed, conditions, params, draws)
    outcomes = settle(
        cases, staff, routed, resolution, handoffs, conditions.levers, clientele, params, draws
    )
    n_departments = conditions.internal_trust.shape[0]
    return tally(cases, len(staff.department), n_departments, clientele, routed, handoffs, outcomes)
