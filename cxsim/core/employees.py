"""Employees (Mesa agents) and the departments they belong to.

An employee carries skill, morale (engagement minus strain), service orientation,
tenure and an effort allocation over four uses of working time:

* ``serve``: handle the cases of the employee's own department;
* ``help``: work the handoffs other departments send;
* ``prevent``: fix root causes, so fewer problems arise;
* ``game``: raise the measured metric without raising the experience.

The per-case work is vectorised in :mod:`cxsim.core.service`; what an employee does with a
week's outcome (morale, learning, effort reallocation, quitting) is the employee's own
behaviour, one call per employee per week.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa

from cxsim.validation.declare import param
from cxsim.validation.limits import MAX_EMPLOYEES

if TYPE_CHECKING:
    from cxsim.core.parameters import ModelParameters

__all__ = ["USES", "Department", "Employee", "WeekAtWork", "shares", "starting_allocation"]

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
    """What one employee's week was like, as the morale and effort updates need it.

    Attributes:
        load: Cases assigned over serve capacity (1 = exactly full).
        conflict: Failed handoffs the employee was part of, per case handled.
        success: Share of the employee's problems resolved.
        support: Social support from the structure and from partners' help.
        achievement: Standing on what the incentive scheme measures, 0-1.
        partner_trust: The department's mean internal trust toward the others, 0-1.
        engagement_boost: Engagement programmes add this week (may be negative).
        change_strain: Strain the running changes add this week.
        pull_serve: Incentive pull on serving.
        pull_help: Incentive pull on helping.
        pull_prevent: Incentive pull on preventing.
        pull_game: Incentive pull on gaming.
    """

    load: float
    conflict: float
    success: float
    support: float
    achievement: float
    partner_trust: float
    engagement_boost: float
    change_strain: float
    pull_serve: float
    pull_help: float
    pull_prevent: float
    pull_game: float


class Employee(mesa.Agent):
    """An employee who serves, helps, prevents and (when rewarded for it) games.

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
        self.slot = slot
        self.department = department
        self.skill = skill
        self.orientation = orientation
        self.engagement = engagement
        self.strain = strain
        self.allocation = allocation
        self.sought = sought
        self.tenure = 0

    @property
    def morale(self) -> float:
        """Morale M = engagement - strain, in [-1, 1]."""
        return self.engagement - self.strain

    def update_morale(self, week: WeekAtWork, params: ModelParameters) -> None:
        """Move engagement toward job resources and strain toward job demands.

        Engagement rises with rewards, support and success (resources); strain with
        overload, conflict in failed handoffs, the dissonance of gaming against one's
        service orientation and the strain of change (demands). Programmes may add
        engagement directly. Both adjust with a lag of ``adjustment_weeks``.
        """
        p = params.morale
        game = self.allocation[3]
        engagement_target = (
            p.engagement_base
            + p.reward_effect * (week.achievement - 0.5) * 2.0
            + p.support_effect * week.support
            + p.success_effect * week.success
            + week.engagement_boost
        )
        strain_target = (
            p.strain_base
            + p.load_effect * max(0.0, week.load - p.load_threshold)
            + p.conflict_effect * week.conflict
            + p.dissonance_effect * game * self.orientation
            + week.change_strain
        )
        rate = 1.0 / p.adjustment_weeks
        self.engagement = _unit(self.engagement + rate * (engagement_target - self.engagement))
        self.strain = _unit(self.strain + rate * (strain_target - self.strain))

    def learn(self, params: ModelParameters) -> None:
        """Close part of the gap to the skill ceiling (the learning curve)."""
        p = params.employees
        self.skill += p.learning_rate * max(0.0, p.skill_ceiling - self.skill)
        self.tenure += 1

    def train(self, rate: float, target: float) -> None:
        """Learn in training: close a share ``rate`` of the gap to the target skill."""
        if target > self.skill:
            self.skill += rate * (target - self.skill)

    def reallocate_effort(self, week: WeekAtWork, params: ModelParameters, help_norm: float):
        """Shift effort toward what is rewarded and what the employee values.

        The target allocation weighs each use by a base weight (help and prevention grow
        with service orientation and shrink with low morale: discretionary effort), the
        structure's help norm and the incentive pull; effort moves toward it with a lag.
        Willingness to help other departments also follows internal trust (Carley 1991):
        a department that trusts its partners less helps them less. Weights that are all
        zero leave the employee serving only.
        Unmeasured uses therefore decay toward their base (Holmstrom & Milgrom 1991).
        """
        p = params.allocation
        discretionary = min(1.5, max(0.1, 1.0 + self.morale - p.discretionary_reference))
        willingness = 1.0 - p.trust_effect + 2.0 * p.trust_effect * week.partner_trust
        weights = (
            p.serve_base + week.pull_serve,
            (p.help_base + p.orientation_help * self.orientation) * discretionary * willingness
            + help_norm
            + week.pull_help,
            (p.prevent_base + p.orientation_prevent * self.orientation) * discretionary
            + week.pull_prevent,
            week.pull_game * (1.0 - p.gaming_distaste * self.orientation),
        )
        target = shares(weights)
        rate = 1.0 / p.adjustment_weeks
        self.allocation = tuple(
            a + rate * (t - a) for a, t in zip(self.allocation, target, strict=True)
        )

    def quits(self, draw: float, params: ModelParameters) -> bool:
        """Decide whether to quit this week: P = q0 exp(-k M) (Boushey & Glynn; Homer)."""
        p = params.turnover
        return draw < p.base_quit * math.exp(-p.morale_sensitivity * self.morale)

    def end_week(self, week: WeekAtWork, params: ModelParameters, help_norm: float) -> None:
        """The employee's own part of a week: morale, learning, effort reallocation."""
        self.update_morale(week, params)
        self.learn(params)
        self.reallocate_effort(week, params, help_norm)


def shares(weights: tuple[float, ...]) -> tuple[float, ...]:
    """Normalise allocation weights to shares; all to serving if every weight is zero.

    ``math.fsum`` rounds the total correctly, so that it is the same on every Python
    (3.12 changed how the built-in ``sum`` adds floats).
    """
    total = math.fsum(weights)
    if total <= 0.0:
        return (1.0,) + (0.0,) * (len(weights) - 1)
    return tuple(w / total for w in weights)


def starting_allocation(orientation: float, params: ModelParameters) -> tuple[float, ...]:
    """The allocation an employee's orientation gives without incentives or norms."""
    p = params.allocation
    return shares(
        (
            p.serve_base,
            p.help_base + p.orientation_help * orientation,
            p.prevent_base + p.orientation_prevent * orientation,
            0.0,
        )
    )


def _unit(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x
