"""What the model asks of its policies, and what it offers to change programmes.

The model calls structures, incentive schemes and interventions only through the
protocols here, so the core never imports a component: built-in and user components
(:mod:`cxsim.components`) implement these protocols, and the model runs whichever the
scenario names. An intervention changes the organization only through the small
:class:`Organization` protocol (aim a lasting change, train, restructure) and the
week's :class:`~cxsim.core.levers.WeekLevers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from cxsim.core.employees import Department
    from cxsim.core.levers import WeekLevers
    from cxsim.core.parameters import ModelParameters
    from cxsim.core.service import WorkWeek

__all__ = [
    "Design",
    "IncentivePolicy",
    "Organization",
    "Performance",
    "Programme",
    "StructurePolicy",
]


@dataclass
class Performance:
    """What an incentive scheme can observe about a week, per employee slot.

    Attributes:
        work: The week's work outcomes.
        allocation: Effort shares (slots x 4: serve, help, prevent, game).
        skill: Skill of each slot.
        group: Reward group of each slot (pod, or department without pods).
        trust: Mean customer trust now.
        initial_trust: Mean customer trust at week 0.
        gaming_lift: How much a unit of gaming effort lifts a gameable measure.
    """

    work: WorkWeek
    allocation: np.ndarray
    skill: np.ndarray
    group: np.ndarray
    trust: float
    initial_trust: float
    gaming_lift: float


class StructurePolicy(Protocol):
    """A structure: pods and the levers of :class:`~cxsim.core.levers.StructureLevers`.

    Its fields ``handoff_friction``, ``structured_handoffs``, ``information``,
    ``prevention_multiplier``, ``help_norm``, ``team_support``, ``borrowing``,
    ``specialization_loss`` and ``queue_ownership`` are read as levers.
    """

    def setup(self, model: Any) -> None:
        """Prepare runtime state for the model; called before the structure applies."""

    def assign_pods(self, departments: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Return the pod of each employee slot, or -1 everywhere without pods."""

    def pod_friction(self) -> float:
        """Return the handoff friction when the partner sits in the same pod."""

    def functioning_pods(self, pods: int, rng: np.random.Generator) -> np.ndarray:
        """Return whether each of ``pods`` pods works as a team."""

    def coordination_share(self) -> float:
        """Return the share of working time coordination takes."""


class IncentivePolicy(Protocol):
    """An incentive scheme: each slot's standing, and where it pulls effort."""

    def setup(self, model: Any) -> None:
        """Prepare runtime state for the model; called before the scheme applies."""

    def achievement(self, performance: Performance) -> np.ndarray:
        """Return each slot's standing on the scheme's measure, 0-1."""

    def pull(self, group: np.ndarray, strength: float, free_riding_size: float) -> np.ndarray:
        """Return the pull on each use (serve, help, prevent, game) for each slot."""


class Organization(Protocol):
    """What a change programme may do to the organization (the model implements it).

    Per-week effects go into the week's levers instead; nothing else of the model is
    an intervention's to touch.
    """

    @property
    def restructured(self) -> bool:
        """Whether a restructure has happened in this run."""

    def aim(self, change: str, target: float) -> None:
        """Aim a lasting change at ``target``.

        The changes are adoption, engagement, help, information, handoff relief and
        promise alignment; the aim only ever rises (or, for a negative target, falls).
        """

    def train(self, rate: float, target_skill: float, newer_than: int | None = None) -> None:
        """Employees close ``rate`` of the gap between their skill and the target.

        Every employee, or only those with fewer than ``newer_than`` weeks of tenure.
        """

    def restructure(
        self,
        structure: StructurePolicy | None = None,
        incentives: IncentivePolicy | None = None,
    ) -> None:
        """Switch the structure and/or the incentive scheme from now on."""


class Programme(Protocol):
    """A timed intervention, scheduled by the model in its window ``[start, stop)``."""

    name: str
    start: int
    stop: int | None
    cost_per_week: float
    one_off_cost: float
    order: int

    def setup(self, model: Any) -> None:
        """Prepare runtime state; called once, at week 0 (after any warm-up)."""

    def on_start(self, organization: Organization) -> None:
        """Called once, in the start week."""

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Called every week of the window, with the weeks elapsed since start."""

    def on_stop(self, organization: Organization) -> None:
        """Called once, in the stop week."""

    def running(self, levers: WeekLevers) -> None:
        """Add what every running programme does (its change strain)."""


class Design(Protocol):
    """What the model is built from.

    A validated scenario (:class:`cxsim.config.scenario.Scenario`) or anything shaped
    like one.
    """

    name: str
    source: str | None
    weeks: int
    departments: Sequence[Department]
    structure: StructurePolicy
    incentives: IncentivePolicy
    interventions: Sequence[Programme]
    parameters: ModelParameters

    def hash(self) -> str:
        """A short stable hash of the design's full contents."""
