"""A worked example: a user's own structure and incentive scheme for cxsim.

Put this file on your Python path (or in your own package) and name its classes in a
scenario by import path::

    [structure]
    type = "custom_policies:DailyHuddles"
    huddle_minutes = 20

    [incentives]
    type = "custom_policies:RepeatFreeBonus"

or register them under short names through your package's entry points
(``pyproject.toml``)::

    [project.entry-points."cxsim.components"]
    daily_huddles = "custom_policies:DailyHuddles"
    repeat_free_bonus = "custom_policies:RepeatFreeBonus"
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxsim import IncentiveScheme, Structure, param
from cxsim.incentives import Performance


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
