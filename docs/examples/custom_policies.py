"""A worked example: a user's own structure, incentive scheme and intervention for cxsim.

Put this file on your Python path (or in your own package) and name its classes in a
scenario by import path::

    [structure]
    type = "custom_policies:DailyHuddles"
    huddle_minutes = 20

    [incentives]
    type = "custom_policies:RepeatFreeBonus"

    [[interventions]]
    type = "custom_policies:MentoringCircles"
    start = 13
    stop = 39

or register them under short names through your package's entry points
(``pyproject.toml``)::

    [project.entry-points."cxsim.components"]
    daily_huddles = "custom_policies:DailyHuddles"
    repeat_free_bonus = "custom_policies:RepeatFreeBonus"
    mentoring_circles = "custom_policies:MentoringCircles"
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim import IncentiveScheme, Intervention, Structure, param
from cxsim.components.incentives import Performance
from cxsim.core.levers import WeekLevers


@dataclass(kw_only=True)
class DailyHuddles(Structure):
    """Departments stay; partner departments meet in a short daily huddle."""

    huddle_minutes: float = param(
        15.0, ge=0, le=120, unit="minutes per day", source="assumed", help="huddle length"
    )
    structured_handoffs: bool = param(True, help="huddles agree a shared handoff checklist")
    information: float = param(0.55, ge=0, le=1, unit="0-1", help="cases are discussed daily")
    help_norm: float = param(0.03, ge=0, unit="allocation weight", help="")

    def coordination_share(self) -> float:
        """The huddle's time comes out of every employee's week (a 40-hour week)."""
        return min(0.5, self.huddle_minutes * 5 / 60 / 40)


@dataclass(kw_only=True)
class RepeatFreeBonus(IncentiveScheme):
    """Teams are rewarded for problems resolved at first contact, less those that failed."""

    level = "team"
    uses = (0.55, 0.35, 0.10, 0.0)

    def measure(self, performance: Performance) -> np.ndarray:
        """First-contact resolutions minus failed contacts, per employee."""
        work = performance.work
        return work.first_contact - 0.5 * work.failed


@dataclass(kw_only=True)
class MentoringCircles(Intervention):
    """Experienced employees mentor new hires across departments for an hour a week."""

    pairing_share: float = param(
        0.5, ge=0, le=1, unit="share", source="assumed", help="share of new hires paired"
    )
    cost_per_week: float = param(200.0, ge=0, unit="currency per week", help="running cost")

    def step(self, organization, levers: WeekLevers, elapsed: int) -> None:
        """New hires learn faster; mentors give an hour of their week; helping grows."""
        organization.train(0.05 * self.pairing_share * levers.buy_in, 0.85, newer_than=26)
        levers.time_away += 1 / 40 * self.pairing_share
        organization.aim("help", 0.02 * levers.buy_in)
