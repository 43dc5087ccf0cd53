"""Timed interventions: the change programmes organizations run, each with a window.

An intervention runs in the half-open window ``[start, stop)``, like ``range``. The
model's scheduler calls :meth:`Intervention.on_start` in the start week,
:meth:`Intervention.step` in every week of the window (with the weeks elapsed since
start) and :meth:`Intervention.on_stop` in the stop week; no intervention reads the
clock itself. Per-week effects go into the week's :class:`~cxsim.core.levers.WeekLevers`;
lasting ones into agent state (skill learned) or a change level that approaches its
target with a lag and drifts back without leadership (:mod:`cxsim.core.change`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from cxsim.components.incentives import IncentiveScheme
from cxsim.components.registry import Component, build_named, register
from cxsim.components.structures import Structure
from cxsim.core.levers import WeekLevers
from cxsim.validation.declare import param, redeclare

if TYPE_CHECKING:
    from cxsim.core.policies import Organization

__all__ = [
    "Communication",
    "CustomerAdvisory",
    "EmployeeVoice",
    "Gamification",
    "Intervention",
    "KnowledgeSharing",
    "LeadershipBuyIn",
    "RecognitionProgram",
    "Recruiting",
    "Restructure",
    "Training",
]


@dataclass(kw_only=True)
class Intervention(Component):
    """Base of interventions: a named programme with a window, costs and change strain."""

    kind = "intervention"
    order: ClassVar[int] = 1
    """Scheduling order within a week (leadership, 0, goes first)."""

    name: str = param("", source="scenario", help="label in results (defaults to the type name)")
    start: int = param(0, ge=0, unit="week", source="scenario", help="first week it runs")
    stop: int | None = param(
        None,
        unit="week",
        source="scenario",
        help="first week it no longer runs (half-open, like range); omitted: to the horizon",
    )
    cost_per_week: float = param(
        0.0, ge=0, unit="currency per week", source="assumed", help="running cost"
    )
    one_off_cost: float = param(
        0.0, ge=0, unit="currency", source="assumed", help="cost paid in the start week"
    )
    strain: float = param(
        0.0,
        ge=0,
        le=1,
        unit="0-1",
        source="job demands-resources: change is a demand",
        help="strain the change adds to every employee while it runs",
    )

    def on_start(self, organization: Organization) -> None:
        """Called once, in the start week, before the first :meth:`step`."""

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Called every week of the window; ``elapsed`` is the weeks since ``start``."""

    def on_stop(self, organization: Organization) -> None:
        """Called once, in the stop week (when the window ends before the horizon)."""

    def running(self, levers: WeekLevers) -> None:
        """Add what every running intervention does: its change strain."""
        levers.change_strain += self.strain


@register("leadership_buy_in")
@dataclass(kw_only=True)
class LeadershipBuyIn(Intervention):
    """Leaders champion the change: other programmes work harder and changes hold."""

    order = 0
    multiplier: float = param(
        1.5,
        ge=1,
        le=5,
        unit="multiplier",
        source="Kotter 1995; source articles (management buy-in)",
        help="multiplies the effect of the other interventions while it lasts",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 2000.0)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Raise the buy-in multiplier and hold changes against drifting back."""
        levers.buy_in *= self.multiplier
        levers.sustained = True


@register("training")
@dataclass(kw_only=True)
class Training(Intervention):
    """Customer-experience training: skill rises along a learning curve; it costs hours."""

    target_skill: float = param(
        0.97,
        ge=0,
        le=1,
        unit="0-1",
        source="source articles (learning plan for everyone)",
        help="skill the training works toward",
    )
    rate: float = param(
        0.08,
        ge=0,
        le=1,
        unit="per week",
        source="learning curve (Argote 1999)",
        help="share of the gap to the target closed each week of training",
    )
    hours_share: float = param(
        0.1, ge=0, le=0.5, unit="share of working time", source="assumed", help="time in class"
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 5000.0)
    strain: float = redeclare(Intervention, "strain", 0.02)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Every employee learns toward the target; the class takes working time."""
        rate = min(1.0, self.rate * levers.buy_in)
        organization.train(rate, self.target_skill)
        levers.time_away += self.hours_share


@register("communication")
@dataclass(kw_only=True)
class Communication(Intervention):
    """Over-communicate the why and the progress: the strain of change falls."""

    relief: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        source="source articles (communicate early and often); JD-R",
        help="share of the change strain removed",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 500.0)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Relieve the strain of the running changes."""
        levers.strain_relief += self.relief * min(1.0, levers.buy_in)


@register("recognition_program")
@dataclass(kw_only=True)
class RecognitionProgram(Intervention):
    """Peer recognition of customer-focused behaviour: a "customer champion" board."""

    engagement: float = param(
        0.05,
        ge=0,
        le=1,
        unit="0-1",
        source="source articles (Customer Champion recognition)",
        help="engagement added while the board runs",
    )
    help_culture: float = param(
        0.04,
        ge=0,
        le=1,
        unit="allocation weight",
        source="source articles; Garbers & Konradt 2014",
        help="weight helping gains as a norm (a lasting change)",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 300.0)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Engagement now; helping becomes a norm that lasts while it is sustained."""
        levers.engagement += self.engagement * levers.buy_in
        organization.aim("help", self.help_culture * levers.buy_in)


@register("gamification")
@dataclass(kw_only=True)
class Gamification(Intervention):
    """Points and badges: a short boost that fades, and sours without restructuring."""

    boost: float = param(
        0.12,
        ge=0,
        le=1,
        unit="0-1",
        source="Kim & Castelli 2021; source articles",
        help="engagement added at launch",
    )
    fade_weeks: float = param(
        6.0, gt=0, unit="weeks", source="Kim & Castelli 2021", help="e-folding time of the boost"
    )
    backlash: float = param(
        0.08,
        ge=0,
        le=1,
        unit="0-1",
        source="Hunsaker: restructure first, or it is lipstick on a pig",
        help="engagement lost once the novelty is gone and nothing else changed",
    )
    backlash_after_weeks: float = param(
        20.0, ge=0, unit="weeks", source="assumed", help="when cynicism starts"
    )
    backlash_ramp_weeks: float = param(
        26.0, gt=0, unit="weeks", source="assumed", help="time for cynicism to reach full"
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 400.0)
    one_off_cost: float = redeclare(Intervention, "one_off_cost", 20000.0)

    def effect(self, elapsed: int, buy_in: float, restructured: bool) -> float:
        """Engagement effect ``elapsed`` weeks after launch."""
        value = self.boost * buy_in * math.exp(-elapsed / self.fade_weeks)
        if not restructured and elapsed > self.backlash_after_weeks:
            ramp = min(1.0, (elapsed - self.backlash_after_weeks) / self.backlash_ramp_weeks)
            value -= self.backlash * ramp
        return value

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Add the fading boost, or the backlash when structure and incentives stayed."""
        levers.engagement += self.effect(elapsed, levers.buy_in, organization.restructured)


@register("employee_voice")
@dataclass(kw_only=True)
class EmployeeVoice(Intervention):
    """An advisory group of front-line employees; their input is acted on, or not."""

    acted_on: bool = param(
        True,
        source="BlessingWhite 2011; source articles (don't ask and then ignore)",
        help="whether the organization acts on the group's input",
    )
    gain: float = param(
        0.08,
        ge=0,
        le=1,
        unit="0-1",
        source="BlessingWhite 2011",
        help="engagement gained when input is acted on",
    )
    penalty: float = param(
        0.015,
        ge=0,
        le=1,
        unit="0-1",
        source="BlessingWhite 2011 (24% engaged when ignored, 27% when not asked); source articles",
        help="engagement lost when input is asked for and ignored",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 600.0)
    strain: float = redeclare(Intervention, "strain", 0.01)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Aim engagement up when the input is used, below the old level when ignored."""
        if self.acted_on:
            organization.aim("engagement", self.gain * levers.buy_in)
        else:
            organization.aim("engagement", -self.penalty)


@register("recruiting")
@dataclass(kw_only=True)
class Recruiting(Intervention):
    """Recruit for service mentality: new hires' service orientation shifts."""

    orientation_shift: float = param(
        0.15,
        ge=-0.9,
        le=0.9,
        unit="0-1",
        source="Maoz (Gartner): recruit differently",
        help="shift of new hires' mean service orientation",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 300.0)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Shift the orientation of this week's hires."""
        levers.hiring_orientation += self.orientation_shift * min(levers.buy_in, 2.0)


@register("knowledge_sharing")
@dataclass(kw_only=True)
class KnowledgeSharing(Intervention):
    """Shared customer information: fewer failed handoffs and repeated questions."""

    information_gain: float = param(
        0.25,
        ge=0,
        le=1,
        unit="0-1",
        source="source articles (knowledge is free and open)",
        help="rise in the share of the customer's history employees can see",
    )
    handoff_relief: float = param(
        0.25,
        ge=0,
        le=1,
        unit="share",
        source="Starmer et al. 2014 (shared information in handoffs)",
        help="share of handoff failures shared information prevents",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 1500.0)
    one_off_cost: float = redeclare(Intervention, "one_off_cost", 50000.0)
    strain: float = redeclare(Intervention, "strain", 0.01)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Aim information and handoff relief up (lasting changes)."""
        organization.aim("information", min(1.0, self.information_gain * levers.buy_in))
        organization.aim("handoff_relief", min(1.0, self.handoff_relief * levers.buy_in))


@register("customer_advisory")
@dataclass(kw_only=True)
class CustomerAdvisory(Intervention):
    """Customers involved in redesign: promises meet expectations, less incongruence."""

    alignment: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        source="Hunsaker (incongruence erodes trust); source articles",
        help="share of the promise gap closed",
    )
    cost_per_week: float = redeclare(Intervention, "cost_per_week", 800.0)

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Aim promise alignment up (a lasting change)."""
        organization.aim("promise_alignment", min(1.0, self.alignment * levers.buy_in))


@register("restructure")
@dataclass(kw_only=True)
class Restructure(Intervention):
    """Switch the structure and/or incentive scheme in the start week; disruption follows.

    The window (which must end: give ``stop``) is the disruption: time spent
    reorganizing and the strain of it, while the new ways are pursued. The new
    structure's levers are adopted gradually (``change.adoption_weeks``); after the
    window, without leadership, adoption slides back toward the old ways.
    """

    structure: str | dict[str, Any] = param(
        "",
        source="scenario",
        help="structure to switch to: a component name, or a table with its type and "
        "parameters (empty: keep)",
    )
    incentives: str | dict[str, Any] = param(
        "",
        source="scenario",
        help="incentive scheme to switch to: a name, or a table (empty: keep)",
    )
    disruption: float = param(
        0.05,
        ge=0,
        le=0.5,
        unit="share of working time",
        source="assumed",
        help="working time lost to reorganizing during the window",
    )
    strain: float = redeclare(Intervention, "strain", 0.12)
    one_off_cost: float = redeclare(Intervention, "one_off_cost", 100000.0)

    def targets(self, path: str = "") -> dict[str, Component]:
        """Build what the restructure switches to, by kind (``structure``, ``incentives``).

        Raises:
            InputError: For a target that names no component or has invalid parameters.
        """
        prefix = f"{path}." if path else ""
        built: dict[str, Component] = {}
        for kind, base in (("structure", Structure), ("incentives", IncentiveScheme)):
            target = getattr(self, kind)
            if target:  # empty: keep what is in force
                built[kind] = build_named(base, target, f"{prefix}{kind}")
        return built

    def on_start(self, organization: Organization) -> None:
        """Switch structure and scheme."""
        organization.restructure(**self.targets())

    def step(self, organization: Organization, levers: WeekLevers, elapsed: int) -> None:
        """Reorganizing takes working time; the new ways are pursued while it runs."""
        levers.time_away += self.disruption
        organization.aim("adoption", 1.0)
