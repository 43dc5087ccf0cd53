"""The employees' formulas, compiled (Numba): morale, learning and effort reallocation.

Each formula is written once, as a scalar function, and used both by the NumPy-facing
API of :mod:`cxsim.core.employees` and by the employees' week, which updates every
employee in one pass. The arithmetic is NumPy's in NumPy's order (no fast-math), so
results are the same bit for bit as the whole-array formulation
(``tests/core/test_employee_formulas.py``).

Constants travel as small arrays, in the orders :data:`MORALE_CONSTANTS` and
:data:`ALLOCATION_CONSTANTS` name.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from cxsim.core import kernels

__all__ = [
    "ALLOCATION_CONSTANTS",
    "MORALE_CONSTANTS",
    "allocation_after",
    "allocations_after",
    "employees_week",
    "morale_after",
    "morales_after",
    "skill_after",
    "skills_after",
]

MORALE_CONSTANTS = (
    "engagement_base",
    "reward_effect",
    "support_effect",
    "success_effect",
    "strain_base",
    "load_effect",
    "load_threshold",
    "conflict_effect",
    "dissonance_effect",
    "rate",  # 1 / adjustment_weeks
)
"""The ``morale`` constants' order (``rate`` is one over ``morale.adjustment_weeks``)."""

ALLOCATION_CONSTANTS = (
    "serve_base",
    "help_base",
    "orientation_help",
    "prevent_base",
    "orientation_prevent",
    "gaming_distaste",
    "discretionary_reference",
    "trust_effect",
    "rate",  # 1 / adjustment_weeks
)
"""The ``allocation`` constants' order (``rate`` is one over its ``adjustment_weeks``)."""


@njit(cache=True, nogil=True)
def morale_after(
    engagement: float,
    strain: float,
    game: float,
    orientation: float,
    load: float,
    conflict: float,
    success: float,
    support: float,
    achievement: float,
    boost: float,
    change_strain: float,
    m: np.ndarray,
) -> tuple[float, float]:
    """Engagement toward job resources, strain toward job demands; each clipped to 0-1."""
    engagement_target = (
        m[0] + m[1] * (achievement - 0.5) * 2.0 + m[2] * support + m[3] * success + boost
    )
    strain_target = (
        m[4]
        + m[5] * max(0.0, load - m[6])
        + m[7] * conflict
        + m[8] * game * orientation
        + change_strain
    )
    rate = m[9]
    return (
        min(max(engagement + rate * (engagement_target - engagement), 0.0), 1.0),
        min(max(strain + rate * (strain_target - strain), 0.0), 1.0),
    )


@njit(cache=True, nogil=True)
def skill_after(skill: float, learning_rate: float, ceiling: float) -> float:
    """Close ``learning_rate`` of the gap to the skill ceiling."""
    return skill + learning_rate * max(0.0, ceiling - skill)


@njit(cache=True, nogil=True)
def allocation_after(
    allocation: np.ndarray,
    morale: float,
    orientation: float,
    partner_trust: float,
    pull: np.ndarray,
    a: np.ndarray,
    help_norm: float,
    out: np.ndarray,
    weights: np.ndarray,
    partials: np.ndarray,
) -> None:
    """Move one employee's effort shares toward the weights of each use; into ``out``.

    ``weights`` is room for the four weights and ``partials`` for their exact sum (five
    entries); both are overwritten.
    """
    discretionary = min(1.5, max(0.1, 1.0 + morale - a[6]))
    willingness = 1.0 - a[7] + 2.0 * a[7] * partner_trust
    weights[0] = a[0] + pull[0]
    weights[1] = (a[1] + a[2] * orientation) * discretionary * willingness + help_norm + pull[1]
    weights[2] = (a[3] + a[4] * orientation) * discretionary + pull[2]
    weights[3] = pull[3] * (1.0 - a[5] * orientation)
    total = kernels.exact_sum_in(weights, partials)
    rate = a[8]
    for j in range(4):
        if total > 0.0:
            share = weights[j] / total
        else:
            share = 1.0 if j == 0 else 0.0
        out[j] = allocation[j] + rate * (share - allocation[j])


@njit(cache=True, nogil=True)
def skills_after(skill: np.ndarray, learning_rate: float, ceiling: float) -> np.ndarray:
    """:func:`skill_after` of each employee."""
    out = np.empty(len(skill))
    for i in range(len(skill)):
        out[i] = skill_after(skill[i], learning_rate, ceiling)
    return out


@njit(cache=True, nogil=True)
def _morale_in_week(
    engagement: float, strain: float, game: float, orientation: float, week: tuple, i: int, m
) -> tuple[float, float]:
    """:func:`morale_after` of employee ``i``, with ``week`` as :func:`morales_after` reads it."""
    load, conflict, success, support, achievement, boost, change_strain = week
    return morale_after(
        engagement,
        strain,
        game,
        orientation,
        load[i],
        conflict[i],
        success[i],
        support[i],
        achievement[i],
        boost[i],
        change_strain[i],
        m,
    )


@njit(cache=True, nogil=True)
def morales_after(
    engagement: np.ndarray,
    strain: np.ndarray,
    game: np.ndarray,
    orientation: np.ndarray,
    week: tuple,
    m: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`morale_after` of each employee.

    ``week`` holds load, conflict, success, support, achievement, engagement boost and
    change strain, one array each.
    """
    n = len(engagement)
    new_engagement, new_strain = np.empty(n), np.empty(n)
    for i in range(n):
        new_engagement[i], new_strain[i] = _morale_in_week(
            engagement[i], strain[i], game[i], orientation[i], week, i, m
        )
    return new_engagement, new_strain


@njit(cache=True, nogil=True)
def allocations_after(
    allocation: np.ndarray,
    morale: np.ndarray,
    orientation: np.ndarray,
    partner_trust: np.ndarray,
    pull: np.ndarray,
    a: np.ndarray,
    help_norm: float,
) -> np.ndarray:
    """:func:`allocation_after` of each employee (rows of ``allocation`` and ``pull``)."""
    out, weights, partials = np.empty((allocation.shape[0], 4)), np.empty(4), np.empty(5)
    for i in range(allocation.shape[0]):
        allocation_after(
            allocation[i],
            morale[i],
            orientation[i],
            partner_trust[i],
            pull[i],
            a,
            help_norm,
            out[i],
            weights,
            partials,
        )
    return out


@njit(cache=True, nogil=True)
def employees_week(
    state: np.ndarray,
    tenure: np.ndarray,
    week: tuple,
    partner_trust: np.ndarray,
    pull: np.ndarray,
    m: np.ndarray,
    a: np.ndarray,
    learning_rate: float,
    ceiling: float,
    help_norm: float,
) -> None:
    """The employees' own week, in place: morale, then learning, then effort, then tenure.

    ``state`` holds the workforce's rows in use (columns as
    :class:`cxsim.core.employees.Workforce`: engagement, strain, skill, orientation, the
    four effort shares, sought); ``week`` as :func:`morales_after` reads it.
    """
    allocation, weights, partials = np.empty(4), np.empty(4), np.empty(5)
    for i in range(state.shape[0]):
        orientation = state[i, 3]
        engagement, strain = _morale_in_week(
            state[i, 0], state[i, 1], state[i, 7], orientation, week, i, m
        )
        state[i, 2] = skill_after(state[i, 2], learning_rate, ceiling)
        allocation_after(
            state[i, 4:8],
            engagement - strain,
            orientation,
            partner_trust[i],
            pull[i],
            a,
            help_norm,
            allocation,
            weights,
            partials,
        )
        state[i, 0], state[i, 1] = engagement, strain
        state[i, 4:8] = allocation
        tenure[i] += 1
