"""The week's case work, compiled (Numba): routing's bookkeeping, handoffs and outcomes.

Each kernel does, one case at a time, what :mod:`cxsim.core.service` once did in many
whole-array NumPy passes, with the same arithmetic in the same order (no fast-math, so no
fused multiply-adds): a run's results are the same bit for bit. ``tests/core/
test_casework.py`` checks each kernel against the NumPy formulation it replaced. The
per-slot and per-unit work (a few hundred entries) is here too, so that a week costs a
handful of calls rather than dozens of small array operations.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from cxsim.core.customer_formulas import satisfaction_score
from cxsim.core.kernels import allocate, serving_order

__all__ = [
    "case_outcomes",
    "failure_probabilities",
    "failure_probability",
    "handoff_cases",
    "route_cases",
]


@njit(cache=True, nogil=True)
def _range_sums(values: np.ndarray, order: np.ndarray, starts, stops) -> np.ndarray:
    """Sum of ``values`` over each range ``order[starts[g]:stops[g]]``, as running totals."""
    cum = np.empty(len(order) + 1)
    cum[0] = 0.0
    for i in range(len(order)):
        cum[i + 1] = cum[i] + values[order[i]]
    sums = np.empty(len(starts))
    for g in range(len(starts)):
        sums[g] = cum[stops[g]] - cum[starts[g]]
    return sums


@njit(cache=True, nogil=True)
def route_cases(
    department: np.ndarray,
    partner: np.ndarray,
    is_problem: np.ndarray,
    pod: np.ndarray,
    age: np.ndarray,
    priority: np.ndarray,
    staff_department: np.ndarray,
    serve: np.ndarray,
    help_time: np.ndarray,
    ownership: np.ndarray,
    order: np.ndarray,
    unit_start: np.ndarray,
    unit_stop: np.ndarray,
    unit_of: np.ndarray,
    slot_unit: np.ndarray,
    department_start: np.ndarray,
    department_stop: np.ndarray,
    pods: int,
    borrowing: float,
    specialist_share: float,
):
    """Route cases within capacity: the unit first, then the department's spare capacity.

    See :func:`cxsim.core.service.route` (and for ``ownership``, the speed on one's own
    unit's queue). Returns per case the unit, whether it needs a partner, the partner's
    unit, whether it was handled and its owner; per slot the serve and help capacity
    after idle help time went back to serving, and the load.
    """
    n, n_staff = len(department), len(staff_department)
    n_units, n_dept = len(unit_start), len(department_start)
    unit = np.empty(n, dtype=np.int64)
    partner_unit = np.empty(n, dtype=np.int64)
    needs_partner = np.empty(n, dtype=np.bool_)
    expected = np.zeros(n_units)
    for i in range(n):
        unit[i] = unit_of[department[i], pod[i]]
        needs_partner[i] = is_problem[i] and partner[i] >= 0
        partner_unit[i] = unit_of[max(partner[i], 0), pod[i]]
        if needs_partner[i]:
            expected[partner_unit[i]] += 1.0
    unit_help = _range_sums(help_time, order, unit_start, unit_stop)
    if pods > 1 and specialist_share > 0:
        unit_department = np.empty(n_units, dtype=np.int64)
        department_help = np.zeros(n_dept)
        department_expected = np.zeros(n_dept)
        for u in range(n_units):
            unit_department[u] = staff_department[order[unit_start[u]]]
            department_help[unit_department[u]] += unit_help[u]
            department_expected[unit_department[u]] += expected[u]
        for u in range(n_units):
            d = unit_department[u]
            spread = unit_help[u] / max(department_help[d], 1e-9)
            expected[u] = (1.0 - specialist_share) * expected[u] + (
                specialist_share * department_expected[d] * spread
            )
    idle = np.zeros(n_units)
    for u in range(n_units):
        if unit_help[u] > 0:
            idle[u] = max(0.0, 1.0 - expected[u] / max(unit_help[u], 1e-9))
    help_capacity = np.empty(n_staff)
    serve_capacity = np.empty(n_staff)
    for s in range(n_staff):
        share = idle[slot_unit[s]]
        help_capacity[s] = help_time[s] * (1.0 - share)
        serve_capacity[s] = serve[s] + help_time[s] * share * ownership[s]
    queue = serving_order(unit, age, priority, n_units)
    handled, owner = allocate(unit, queue, serve_capacity, order, unit_start, unit_stop)
    used = np.zeros(n_staff)
    overflow_count = 0
    for i in range(n):
        if handled[i]:
            used[owner[i]] += 1.0
        else:
            overflow_count += 1
    spare = np.empty(n_staff)
    for s in range(n_staff):
        spare[s] = borrowing * max(0.0, serve_capacity[s] - used[s]) / ownership[s]
    overflow = np.empty(overflow_count, dtype=np.int64)
    k = 0
    for i in range(n):
        if not handled[i]:
            overflow[k] = i
            k += 1
    overflow_department = department[overflow]
    queue = serving_order(overflow_department, age[overflow], priority[overflow], n_dept)
    handled_2, owner_2 = allocate(
        overflow_department, queue, spare, order, department_start, department_stop
    )
    assigned = np.zeros(n_staff)
    left_waiting = np.zeros(n_dept)
    for j in range(overflow_count):
        handled[overflow[j]] = handled_2[j]
        owner[overflow[j]] = owner_2[j]
    for i in range(n):
        if handled[i]:
            assigned[owner[i]] += 1.0
        else:
            owner[i] = order[department_start[department[i]]]
            left_waiting[department[i]] += 1.0
    department_capacity = np.zeros(n_dept)
    for s in range(n_staff):
        department_capacity[staff_department[s]] += serve_capacity[s]
    load = np.empty(n_staff)
    for s in range(n_staff):
        d = staff_department[s]
        load[s] = assigned[s] / max(serve_capacity[s], 1e-9) + left_waiting[d] / max(
            department_capacity[d], 1e-9
        )
    return (
        unit,
        needs_partner,
        partner_unit,
        handled,
        owner,
        serve_capacity,
        help_capacity,
        load,
    )


@njit(cache=True, nogil=True)
def failure_probability(
    base: float,
    friction: float,
    trust: float,
    trust_effect: float,
    structured_term: float,
    help_effect: float,
    coverage: float,
    relief: float,
) -> float:
    """Failure: p0 friction (1 - kT) structured_term (1 - h coverage) (1 - relief), in [0, 1]."""
    p = (
        base
        * friction
        * (1.0 - trust_effect * trust)
        * structured_term
        * (1.0 - help_effect * coverage)
        * (1.0 - relief)
    )
    return min(max(p, 0.0), 1.0)


@njit(cache=True, nogil=True)
def failure_probabilities(
    base: float,
    friction: np.ndarray,
    trust: np.ndarray,
    trust_effect: float,
    structured_term: float,
    help_effect: float,
    coverage: np.ndarray,
    relief: float,
) -> np.ndarray:
    """:func:`failure_probability` of each handoff."""
    out = np.empty(len(friction))
    for i in range(len(friction)):
        out[i] = failure_probability(
            base,
            friction[i],
            trust[i],
            trust_effect,
            structured_term,
            help_effect,
            coverage[i],
            relief,
        )
    return out


@njit(cache=True, nogil=True)
def handoff_cases(
    cross: np.ndarray,
    department: np.ndarray,
    partner: np.ndarray,
    partner_unit: np.ndarray,
    owner: np.ndarray,
    specialist: np.ndarray,
    pick: np.ndarray,
    draw: np.ndarray,
    pull: np.ndarray,
    help_capacity: np.ndarray,
    order: np.ndarray,
    unit_start: np.ndarray,
    unit_stop: np.ndarray,
    department_start: np.ndarray,
    department_stop: np.ndarray,
    slot_unit: np.ndarray,
    unit_pod: np.ndarray,
    functioning: np.ndarray,
    internal_trust: np.ndarray,
    base: float,
    pod_friction: float,
    handoff_friction: float,
    trust_effect: float,
    structured_term: float,
    help_effect: float,
    relief: float,
):
    """Hand problems to a colleague in the partner unit (:func:`cxsim.core.service.hand_off`).

    ``specialist`` marks the cases whose step seeks a specialist anywhere in the partner
    department; ``pick`` chooses the helper in proportion to ``pull`` (help time times
    how much each is sought); ``draw`` decides failure. ``structured_term`` is
    ``1 - structured_effect * structured``. Returns per case the helper, whether the
    handoff failed and the helper's coverage (-1 and 0 for a case not handed off); per
    slot the requests received.
    """
    n, n_staff = len(cross), len(help_capacity)
    pull_cum = np.empty(len(order) + 1)
    pull_cum[0] = 0.0
    for i in range(len(order)):
        pull_cum[i + 1] = pull_cum[i] + pull[order[i]]
    helper = np.full(n, -1, dtype=np.int64)
    requests = np.zeros(n_staff)
    for i in range(n):
        if not cross[i]:
            continue
        if specialist[i]:
            p = max(partner[i], 0)
            start, stop = department_start[p], department_stop[p]
        else:
            start, stop = unit_start[partner_unit[i]], unit_stop[partner_unit[i]]
        total = pull_cum[stop] - pull_cum[start]
        if total > 0:
            index = np.searchsorted(pull_cum, pull_cum[start] + pick[i] * total, side="right") - 1
        else:
            index = start + np.int64(pick[i] * (stop - start))
        helper[i] = order[min(max(index, start), stop - 1)]
        requests[helper[i]] += 1.0
    coverage = np.empty(n_staff)
    for s in range(n_staff):
        coverage[s] = min(1.0, help_capacity[s] / max(requests[s], 1.0))
    failed = np.zeros(n, dtype=np.bool_)
    joint = np.zeros(n)
    for i in range(n):
        if not cross[i]:
            continue
        joint[i] = coverage[helper[i]]
        owner_pod = unit_pod[slot_unit[owner[i]]]
        same_pod = (
            owner_pod >= 0
            and owner_pod == unit_pod[slot_unit[helper[i]]]
            and functioning[max(owner_pod, 0)]
        )
        friction = pod_friction if same_pod else handoff_friction
        trust = internal_trust[department[i], max(partner[i], 0)]
        p_fail = failure_probability(
            base, friction, trust, trust_effect, structured_term, help_effect, joint[i], relief
        )
        failed[i] = draw[i] < p_fail
    return helper, failed, joint, requests


@njit(cache=True, nogil=True)
def case_outcomes(
    handled: np.ndarray,
    is_problem: np.ndarray,
    is_touchpoint: np.ndarray,
    solved: np.ndarray,
    handoff_failed: np.ndarray,
    attempts: np.ndarray,
    waited: np.ndarray,
    quality: np.ndarray,
    noise: np.ndarray,
    gaming: np.ndarray,
    expectation: np.ndarray,
    survey_draw: np.ndarray,
    information: float,
    max_attempts: int,
    max_wait_weeks: int,
    performance_levels: np.ndarray,
    effort_costs: np.ndarray,
    survey: np.ndarray,
    satisfaction: np.ndarray,
):
    """What each case comes to (:func:`cxsim.core.service.settle`).

    ``performance_levels``: abandoned, failed, resolved, touchpoint, repeat-contact cost.
    ``effort_costs``: per repeat, per transfer, per wait, per abandon, repeat information.
    ``survey``: gaming screening, survey rate, gaming lift, satisfied rating.
    ``satisfaction``: intercept, performance weight, positive and negative weights.

    Returns flags (resolved, failed, repeat, still waiting, abandoned, recovery,
    experienced, surveyed, satisfied) as one boolean row each, and performance, effort
    and survey score.
    """
    n = len(handled)
    flags = np.zeros((9, n), dtype=np.bool_)
    performance = np.empty(n)
    effort = np.empty(n)
    score = np.empty(n)
    abandoned_level, failed_level, resolved_level, touch_level, repeat_cost = (
        performance_levels[0],
        performance_levels[1],
        performance_levels[2],
        performance_levels[3],
        performance_levels[4],
    )
    missing_information = effort_costs[4] * (1.0 - information)
    for i in range(n):
        first = attempts[i] == 0
        resolved = handled[i] and is_problem[i] and solved[i] and not handoff_failed[i]
        failed = handled[i] and is_problem[i] and not resolved
        abandoned_contact = failed and attempts[i] + 1 >= max_attempts
        waiting = not handled[i]
        abandoned_wait = waiting and waited[i] + 1 > max_wait_weeks
        still_waiting = waiting and not abandoned_wait
        abandoned = abandoned_contact or abandoned_wait
        if abandoned:
            level = abandoned_level
        elif failed:
            level = failed_level
        elif resolved:
            # each earlier contact on the problem costs the customer (SQM Group)
            level = resolved_level + quality[i] - repeat_cost * attempts[i]
        elif handled[i] and is_touchpoint[i]:
            level = touch_level + quality[i]
        else:
            level = 0.0
        level = min(max(level + noise[i] * handled[i], 0.0), 1.0)
        performance[i] = level
        effort[i] = (
            effort_costs[0] * (handled[i] and not first)
            + effort_costs[1] * handoff_failed[i]
            + effort_costs[2] * still_waiting
            + effort_costs[3] * abandoned
            + missing_information * (handled[i] and is_problem[i])
        )
        # gaming keeps some contacts that went badly away from the survey (survey steering)
        screened = failed * min(survey[0] * gaming[i], 1.0)
        surveyed = handled[i] and is_problem[i] and survey_draw[i] < survey[1] * (1 - screened)
        s = satisfaction_score(
            level,
            expectation[i],
            satisfaction[0],
            satisfaction[1],
            satisfaction[2],
            satisfaction[3],
        )
        s = min(max(s + survey[2] * gaming[i], 0.0), 1.0)
        score[i] = s
        flags[0, i], flags[1, i], flags[2, i] = resolved, failed, failed and not abandoned_contact
        flags[3, i], flags[4, i], flags[5, i] = still_waiting, abandoned, resolved and not first
        flags[6, i], flags[7, i] = handled[i] or abandoned, surveyed
        flags[8, i] = surveyed and s >= survey[3]
    return flags, performance, effort, score
