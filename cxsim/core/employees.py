"""Employees (Mesa agents) and the departments they belong to.

An employee carries skill, morale (engagement minus strain), service orientation,
tenure and an effort allocation over four uses of working time:

* ``serve``: handle the cases of the employee's own department;
* ``help``: work the handoffs other departments send;
* ``prevent``: fix root causes, so fewer problems arise;
* ``game``: raise the measured metric without raising the experience.

The per-case work is vectorised in :mod:`cxsim.core.service`. What employees do with a
week's outcome (morale, learning, effort reallocation, quitting) is their own behaviour,
applied to the whole workforce at once: each agent's state lives in its slot's row of the
model's :class:`Workforce` arrays (the agent's attributes read and write that row), and
:func:`end_week` updates every row with whole-array arithmetic (:func:`update_morale`,
:func:`learn`, :func:`reallocate_effort`), so the week's work does not pass over the
agents at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from cxsim.core import employee_formulas, kernels
from cxsim.validation.declare import param
from cxsim.validation.limits import MAX_EMPLOYEES

if TYPE_CHECKING:
    from cxsim.core.parameters import ModelParameters

__all__ = [
    "USES",
    "Department",
    "Employee",
    "WeekAtWork",
    "Workforce",
    "end_week",
    "learn",
    "quit_probability",
    "reallocate_effort",
    "shares",
    "starting_allocation",
    "update_morale",
]

USES: tuple[str, ...] = ("serve", "help", "prevent", "game")
"""The four uses of an employee's working time, in allocation order."""


@dataclass(kw_only=True)
class Department:
    """A department: its name, headcount and the journey stages it owns."""

    name: str = param("", help="department name")
    headcount: int = param(
        1, ge=1, le=MAX_EMPLOYEES, unit="employees", help="employees in the department"
    )
    stages: list[str] = param([], help="journey stages the department owns")


@dataclass(frozen=True, slots=True)
class WeekAtWork:
    """What each employee's week was like, as the morale and effort updates need it.

    Every attribute holds one value per employee, in the order the employees are given.

    Attributes:
        load: Cases assigned over serve capacity (1 = exactly full).
        conflict: Failed handoffs the employee was part of, per case handled.
        success: Share of the employee's problems resolved.
        support: Social support from the structure and from partners' help.
        achievement: Standing on what the incentive scheme measures, 0-1.
        partner_trust: The department's mean internal trust toward the others, 0-1.
        engagement_boost: Engagement programmes add this week (may be negative).
        change_strain: Strain the running changes add this week.
        pull: Incentive pull on each use of time (employees x :data:`USES`).
    """

    load: np.ndarray
    conflict: np.ndarray
    success: np.ndarray
    support: np.ndarray
    achievement: np.ndarray
    partner_trust: np.ndarray
    engagement_boost: np.ndarray
    change_strain: np.ndarray
    pull: np.ndarray


_ENGAGEMENT, _STRAIN, _SKILL, _ORIENTATION, _SOUGHT = 0, 1, 2, 3, 8
_ALLOCATION = slice(4, 8)


class Workforce:
    """The employees' state, one row per slot, for whole-array updates.

    Columns: engagement, strain, skill, service orientation, the four effort shares over
    :data:`USES`, and how much colleagues seek the employee's help; ``tenure`` holds weeks
    of service. Rows ``[0, size)`` are the slots in use. A model's employees share one
    workforce (``model.workforce``), created with the first of them.
    """

    ENGAGEMENT, STRAIN, SKILL, ORIENTATION, SOUGHT = (
        _ENGAGEMENT,
        _STRAIN,
        _SKILL,
        _ORIENTATION,
        _SOUGHT,
    )
    ALLOCATION = _ALLOCATION

    def __init__(self) -> None:
        self.state = np.zeros((0, 9))
        self.tenure = np.zeros(0, dtype=np.int64)
        self.size = 0

    def place(self, slot: int, values: Sequence[float]) -> None:
        """Write a new employee's state into ``slot``, growing the arrays if needed."""
        if slot >= len(self.state):
            capacity = max(slot + 1, 2 * len(self.state), 16)
            state = np.zeros((capacity, self.state.shape[1]))
            state[: len(self.state)] = self.state
            tenure = np.zeros(capacity, dtype=np.int64)
            tenure[: len(self.tenure)] = self.tenure
            self.state, self.tenure = state, tenure
        self.state[slot] = values
        self.tenure[slot] = 0
        self.size = max(self.size, slot + 1)

    def keep(self, kept: np.ndarray) -> None:
        """Keep the rows of the slots ``kept`` marks (one flag per slot in use), in order."""
        n = int(np.count_nonzero(kept))
        self.state[:n] = self.state[: self.size][kept]
        self.tenure[:n] = self.tenure[: self.size][kept]
        self.size = n

    @property
    def morale(self) -> np.ndarray:
        """Morale M = engagement - strain of each slot in use."""
        rows = self.state[: self.size]
        return rows[:, _ENGAGEMENT] - rows[:, _STRAIN]


class Employee(mesa.Agent):
    """An employee who serves, helps, prevents and (when rewarded for it) games.

    The agent is the record of the person; its state lives in its slot's row of the
    model's :class:`Workforce`, which the weekly behaviour (:func:`end_week`) updates for
    all employees at once.

    Args:
        model: The organization model.
        slot: Position in the model's staff list (a new hire takes a leaver's slot).
        department: Index of the department.
        skill: Starting skill, 0-1.
        orientation: Service orientation, 0-1 (a trait; recruiting shifts it).
        engagement: Starting engagement, 0-1.
        strain: Starting strain, 0-1.
        allocation: Starting effort shares over :data:`USES` (sum to 1).
        sought: How much colleagues seek this employee's help, relative to others (mean 1).
    """

    def __init__(
        self,
        model: mesa.Model,
        *,
        slot: int,
        department: int,
        skill: float,
        orientation: float,
        engagement: float,
        strain: float,
        allocation: tuple[float, float, float, float],
        sought: float = 1.0,
    ) -> None:
        super().__init__(model)
        workforce = getattr(model, "workforce", None)
        if workforce is None:
            workforce = model.workforce = Workforce()
        self.workforce = workforce
        self.slot = slot
        self.department = department
        workforce.place(slot, (engagement, strain, skill, orientation, *allocation, sought))

    def _get(self, column: int) -> float:
        return float(self.workforce.state[self.slot, column])

    def _set(self, column: int, value: float) -> None:
        self.workforce.state[self.slot, column] = value

    engagement = property(
        lambda self: self._get(_ENGAGEMENT),
        lambda self, v: self._set(_ENGAGEMENT, v),
        doc="Engagement, 0-1.",
    )
    strain = property(
        lambda self: self._get(_STRAIN), lambda self, v: self._set(_STRAIN, v), doc="Strain, 0-1."
    )
    skill = property(
        lambda self: self._get(_SKILL), lambda self, v: self._set(_SKILL, v), doc="Skill, 0-1."
    )
    orientation = property(
        lambda self: self._get(_ORIENTATION),
        lambda self, v: self._set(_ORIENTATION, v),
        doc="Service orientation, 0-1.",
    )
    sought = property(
        lambda self: self._get(_SOUGHT),
        lambda self, v: self._set(_SOUGHT, v),
        doc="How much colleagues seek this employee's help, relative to others (mean 1).",
    )

    @property
    def allocation(self) -> tuple[float, ...]:
        """Effort shares over :data:`USES`."""
        return tuple(self.workforce.state[self.slot, _ALLOCATION].tolist())

    @allocation.setter
    def allocation(self, shares_: Sequence[float]) -> None:
        self.workforce.state[self.slot, _ALLOCATION] = shares_

    @property
    def tenure(self) -> int:
        """Weeks of service."""
        return int(self.workforce.tenure[self.slot])

    @tenure.setter
    def tenure(self, weeks: int) -> None:
        self.workforce.tenure[self.slot] = weeks

    @property
    def morale(self) -> float:
        """Morale M = engagement - strain, in [-1, 1]."""
        return self.engagement - self.strain

    def train(self, rate: float, target: float) -> None:
        """Learn in training: close a share ``rate`` of the gap to the target skill."""
        if target > self.skill:
            self.skill += rate * (target - self.skill)


def update_morale(
    engagement: np.ndarray,
    strain: np.ndarray,
    game: np.ndarray,
    orientation: np.ndarray,
    week: WeekAtWork,
    params: ModelParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """Move engagement toward job resources and strain toward job demands.

    Engagement rises with rewards, support and success (resources); strain with
    overload, conflict in failed handoffs, the dissonance of gaming (``game``, the share
    of time spent gaming) against one's service orientation and the strain of change
    (demands). Programmes may add engagement directly. Both adjust with a lag of
    ``adjustment_weeks`` and stay within 0-1
    (:func:`cxsim.core.employee_formulas.morale_after`).

    Returns:
        The new engagement and strain.
    """
    return employee_formulas.morales_after(
        _floats(engagement),
        _floats(strain),
        _floats(game),
        _floats(orientation),
        _morale_week(week),
        _morale_constants(params),
    )


def learn(skill: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Close part of the gap to the skill ceiling (the learning curve); the new skill."""
    p = params.employees
    return employee_formulas.skills_after(
        _floats(skill), float(p.learning_rate), float(p.skill_ceiling)
    )


def reallocate_effort(
    allocation: np.ndarray,
    morale: np.ndarray,
    orientation: np.ndarray,
    week: WeekAtWork,
    params: ModelParameters,
    help_norm: float,
) -> np.ndarray:
    """Shift effort toward what is rewarded and what each employee values.

    The target allocation weighs each use by a base weight (help and prevention grow
    with service orientation and shrink with low morale: discretionary effort), the
    structure's help norm and the incentive pull; effort moves toward it with a lag.
    Willingness to help other departments also follows internal trust (Carley 1991):
    a department that trusts its partners less helps them less. Weights that are all
    zero leave the employee serving only
    (:func:`cxsim.core.employee_formulas.allocation_after`).
    Unmeasured uses therefore decay toward their base (Holmstrom & Milgrom 1991).

    Args:
        allocation: Effort shares (employees x :data:`USES`).
        morale: Each employee's morale this week.
        orientation: Each employee's service orientation.
        week: The week at work.
        params: Model parameters.
        help_norm: The structure's help norm.

    Returns:
        The new effort shares (employees x :data:`USES`).
    """
    return employee_formulas.allocations_after(
        _floats(allocation, 2),
        _floats(morale),
        _floats(orientation),
        _floats(week.partner_trust),
        _floats(week.pull, 2),
        _allocation_constants(params),
        float(help_norm),
    )


def quit_probability(morale: np.ndarray, params: ModelParameters) -> np.ndarray:
    """Each employee's chance of quitting this week: q0 exp(-k M) (Boushey & Glynn; Homer).

    ``math.exp`` rather than NumPy's, which may round differently on some machines: the
    same seed gives the same leavers everywhere.
    """
    p = params.turnover
    exponent = (-p.morale_sensitivity * np.asarray(morale, dtype=float)).tolist()
    return p.base_quit * np.fromiter(map(math.exp, exponent), dtype=float, count=len(exponent))


def end_week(
    workforce: Workforce, week: WeekAtWork, params: ModelParameters, help_norm: float
) -> None:
    """The employees' own part of a week: morale, learning, effort reallocation.

    Updates every slot in use of ``workforce`` in one compiled pass
    (:func:`cxsim.core.employee_formulas.employees_week`); ``week`` holds one value per
    slot.
    """
    p = params.employees
    employee_formulas.employees_week(
        workforce.state[: workforce.size],
        workforce.tenure[: workforce.size],
        _morale_week(week),
        _floats(week.partner_trust),
        _floats(week.pull, 2),
        _morale_constants(params),
        _allocation_constants(params),
        float(p.learning_rate),
        float(p.skill_ceiling),
        float(help_norm),
    )


def _floats(values: object, ndim: int = 1) -> np.ndarray:
    array = np.ascontiguousarray(values, dtype=float)
    return array.reshape(-1, 4) if ndim == 2 else array.reshape(-1)


def _morale_week(week: WeekAtWork) -> tuple[np.ndarray, ...]:
    """The week's arrays in the order :func:`employee_formulas.morales_after` reads them."""
    return tuple(
        _floats(values)
        for values in (
            week.load,
            week.conflict,
            week.success,
            week.support,
            week.achievement,
            week.engagement_boost,
            week.change_strain,
        )
    )


def _morale_constants(params: ModelParameters) -> np.ndarray:
    p = params.morale
    return np.array(
        [
            p.engagement_base,
            p.reward_effect,
            p.support_effect,
            p.success_effect,
            p.strain_base,
            p.load_effect,
            p.load_threshold,
            p.conflict_effect,
            p.dissonance_effect,
            1.0 / p.adjustment_weeks,
        ],
        dtype=float,
    )


def _allocation_constants(params: ModelParameters) -> np.ndarray:
    p = params.allocation
    return np.array(
        [
            p.serve_base,
            p.help_base,
            p.orientation_help,
            p.prevent_base,
            p.orientation_prevent,
            p.gaming_distaste,
            p.discretionary_reference,
            p.trust_effect,
            1.0 / p.adjustment_weeks,
        ],
        dtype=float,
    )


def shares(weights: np.ndarray) -> np.ndarray:
    """Normalise allocation weights (employees x :data:`USES`) to shares, row by row.

    A row whose weights are all zero goes all to serving. Each total is rounded correctly
    (:func:`cxsim.core.kernels.exact_sum`, ``math.fsum``'s algorithm), so that it is the
    same on every Python (3.12 changed how the built-in ``sum`` adds floats).
    """
    return kernels.allocation_shares(np.ascontiguousarray(weights, dtype=float))


def starting_allocation(orientation: float, params: ModelParameters) -> tuple[float, ...]:
    """The allocation an employee's orientation gives without incentives or norms."""
    p = params.allocation
    weights = (
        p.serve_base,
        p.help_base + p.orientation_help * orientation,
        p.prevent_base + p.orientation_prevent * orientation,
        0.0,
    )
    return tuple(shares(np.array([weights]))[0].tolist())
