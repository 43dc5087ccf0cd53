"""Incentive schemes: what is measured and rewarded, and so where effort goes.

A scheme measures each employee's week, turns the measure into an *achievement* (the
employee's standing, 0-1, which feeds morale and the bonus pool) and *pulls* effort
toward the uses of time that raise the measure (Holmstrom & Milgrom 1991; Kerr 1975).
What it rewards at team or organization level is shared, so its pull is diluted by
free-riding as the group grows (Garbers & Konradt 2014). A measure that can be raised
without raising the experience (a survey score, a count of closed cases) draws effort
into gaming it (Campbell's law; Bevan & Hood 2006).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from cxsim.components.registry import Component, register
from cxsim.core import kernels
from cxsim.core.policies import Performance
from cxsim.validation.declare import param

__all__ = [
    "BalancedScorecard",
    "IncentiveScheme",
    "IndividualCsat",
    "IndividualThroughput",
    "Performance",
    "PreventionBonus",
    "ResolutionBonus",
    "TeamRecognition",
    "Universal",
    "percentile",
]

INDIVIDUAL, TEAM, ORGANIZATION = "individual", "team", "organization"


def percentile(values: np.ndarray) -> np.ndarray:
    """Standing of each value among all, in (0, 1); ties share their mean rank."""
    n = len(values)
    if n == 0:
        return values.astype(float)
    return (kernels.average_ranks(np.asarray(values, dtype=float)) - 0.5) / n


def _group_mean(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    sums = np.bincount(group, weights=values)
    counts = np.maximum(np.bincount(group), 1)
    return sums / counts


def _standing(by_group: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Each slot's group's standing among the groups that have members, in (0, 1).

    A pod that attrition has emptied is not ranked.
    """
    present = np.bincount(group, minlength=len(by_group)) > 0
    standing = np.zeros(len(by_group))
    standing[present] = percentile(by_group[present])
    return standing[group]


@dataclass(kw_only=True)
class IncentiveScheme(Component):
    """Base of incentive schemes.

    Subclasses set ``level`` and ``uses`` (the pull over serve, help, prevent, game)
    and implement :meth:`measure`.
    """

    kind = "incentives"
    level: ClassVar[str] = INDIVIDUAL
    uses: ClassVar[tuple[float, float, float, float]] = (1.0, 0.0, 0.0, 0.0)

    strength: float = param(
        1.0,
        ge=0,
        unit="multiplier",
        source="Holmstrom & Milgrom 1991",
        help="how strongly the scheme pulls effort (times allocation.incentive_strength)",
    )

    def measure(self, performance: Performance) -> np.ndarray:
        """Return the raw measure of each employee slot (higher is better)."""
        raise NotImplementedError

    def use_weights(self) -> np.ndarray:
        """Return the scheme's pull over the four uses, summing to 1."""
        weights = np.asarray(self.uses, dtype=float)
        return weights / weights.sum()

    def achievement(self, performance: Performance) -> np.ndarray:
        """Return each slot's standing on the measure, 0-1.

        Individual schemes rank employees against each other; team schemes rank groups
        and give every member the group's standing; organization schemes give everyone
        the same value.
        """
        measured = self.measure(performance)
        if self.level == INDIVIDUAL:
            return percentile(measured)
        if self.level == TEAM:
            return _standing(_group_mean(measured, performance.group), performance.group)
        return np.clip(measured, 0.0, 1.0)

    def reward_group_size(self, group: np.ndarray) -> np.ndarray:
        """Return the size of the group whose result each slot's reward depends on."""
        if self.level == INDIVIDUAL:
            return np.ones(len(group))
        if self.level == TEAM:
            return np.bincount(group)[group].astype(float)
        return np.full(len(group), float(len(group)))

    def pull(self, group: np.ndarray, strength: float, free_riding_size: float) -> np.ndarray:
        """Return the pull on each use for each slot (slots x 4).

        Args:
            group: Reward group of each slot.
            strength: ``allocation.incentive_strength``.
            free_riding_size: Group size at which a shared reward's pull halves.
        """
        size = self.reward_group_size(group)
        dilution = 1.0 / (1.0 + (size - 1.0) / free_riding_size)
        return (strength * self.strength * dilution)[:, None] * self.use_weights()[None, :]


def _survey_mean(performance: Performance) -> np.ndarray:
    work = performance.work
    overall = work.survey_sum.sum() / max(work.survey_count.sum(), 1.0)
    return np.where(
        work.survey_count > 0, work.survey_sum / np.maximum(work.survey_count, 1.0), overall
    )


@register("individual_throughput")
@dataclass(kw_only=True)
class IndividualThroughput(IncentiveScheme):
    """Each employee is ranked on cases closed; rushing inflates the count."""

    uses = (0.8, 0.0, 0.0, 0.2)

    def measure(self, performance: Performance) -> np.ndarray:
        """Cases handled, inflated by rushing (gaming) them closed."""
        game = performance.allocation[:, 3]
        return performance.work.handled * (1.0 + performance.gaming_lift * game)


@register("individual_csat")
@dataclass(kw_only=True)
class IndividualCsat(IncentiveScheme):
    """Each employee is ranked on the survey score of their cases: a gameable measure."""

    uses = (0.45, 0.0, 0.0, 0.55)

    def measure(self, performance: Performance) -> np.ndarray:
        """Mean survey score of the employee's surveyed cases (gaming lifts it)."""
        return _survey_mean(performance)


@register("resolution_bonus")
@dataclass(kw_only=True)
class ResolutionBonus(IncentiveScheme):
    """Each employee is paid per problem resolved, including repeat contacts: fire-fighting."""

    uses = (0.8, 0.15, 0.0, 0.05)

    def measure(self, performance: Performance) -> np.ndarray:
        """Problems resolved, however often they came back."""
        return performance.work.resolved


@register("prevention_bonus")
@dataclass(kw_only=True)
class PreventionBonus(IncentiveScheme):
    """Each employee is rewarded for root-cause fixes that stop problems recurring."""

    uses = (0.3, 0.05, 0.65, 0.0)

    def measure(self, performance: Performance) -> np.ndarray:
        """Root-cause work done: prevent effort times skill."""
        return performance.allocation[:, 2] * performance.skill


@register("team_recognition")
@dataclass(kw_only=True)
class TeamRecognition(IncentiveScheme):
    """Teams (pods, or departments in a silo) are recognised for resolutions and help."""

    level = TEAM
    uses = (0.4, 0.5, 0.1, 0.0)

    def measure(self, performance: Performance) -> np.ndarray:
        """Problems resolved plus handoffs helped to success."""
        return performance.work.resolved + performance.work.help_given


@register("universal")
@dataclass(kw_only=True)
class Universal(IncentiveScheme):
    """One scheme for everyone on organization-wide customer outcomes (customer trust)."""

    level = ORGANIZATION
    uses = (0.4, 0.3, 0.3, 0.0)

    sensitivity: float = param(
        5.0,
        ge=0,
        unit="achievement per unit trust",
        source="assumed",
        help="how fast the shared payout rises with customer trust above its start",
    )

    def measure(self, performance: Performance) -> np.ndarray:
        """Everyone's achievement: 0.5 plus the rise of mean customer trust since week 0."""
        value = 0.5 + self.sensitivity * (performance.trust - performance.initial_trust)
        return np.full(len(performance.group), value)


@register("balanced_scorecard")
@dataclass(kw_only=True)
class BalancedScorecard(IncentiveScheme):
    """Team score: action-plan metric first, negative-theme trend next, survey rating last.

    The action-plan metric tracks the root-cause actions a team agreed on (prevention and
    help to partners); the negative-theme trend rewards fewer failed cases than the
    team's own recent past; the survey rating weighs least (Hunsaker).
    """

    level = TEAM

    action_plan_weight: float = param(
        0.5,
        ge=0,
        unit="weight",
        source="Hunsaker (Applied Materials practice)",
        help="weight of the action-plan metric (root-cause actions: prevention, help)",
    )
    negative_theme_weight: float = param(
        0.3,
        ge=0,
        unit="weight",
        source="Hunsaker",
        help="weight of the downward trend of negative comment themes (failed cases)",
    )
    survey_weight: float = param(
        0.2, ge=0, unit="weight", source="Hunsaker", help="weight of the survey rating"
    )
    trend_weeks: float = param(
        8.0, ge=1, unit="weeks", source="assumed", help="memory of the negative-theme trend"
    )

    def setup(self, model) -> None:
        """Start the negative-theme memory empty."""
        self.failure_trend_: np.ndarray | None = None

    def measure_weights(self) -> np.ndarray:
        """The weights of the action plan, negative themes and survey, summing to 1."""
        w = np.array(
            [self.action_plan_weight, self.negative_theme_weight, self.survey_weight], float
        )
        return w / w.sum() if w.sum() > 0 else np.full(3, 1 / 3)

    def use_weights(self) -> np.ndarray:
        """Action plan pulls prevent and help; themes pull serve and help; survey, serve+game."""
        w = self.measure_weights()
        per_measure = np.array(
            [
                [0.0, 0.4, 0.6, 0.0],  # action plan
                [0.5, 0.5, 0.0, 0.0],  # negative themes
                [0.5, 0.0, 0.0, 0.5],  # survey rating
            ]
        )
        return w @ per_measure

    def achievement(self, performance: Performance) -> np.ndarray:
        """Weighted group standing on the three measures."""
        group = performance.group
        work = performance.work
        action = _group_mean(
            performance.allocation[:, 2] + performance.allocation[:, 1], group
        ) + _group_mean(work.help_given, group) / max(work.help_given.mean(), 1.0)
        failures = _group_mean(work.failed + work.handoff_failures, group)
        trend = getattr(self, "failure_trend_", None)
        if trend is None or len(trend) != len(failures):
            trend = failures.copy()
        themes = trend - failures  # positive when failures fall below their recent level
        self.failure_trend_ = trend + (failures - trend) / self.trend_weeks
        survey = _group_mean(_survey_mean(performance), group)
        w = self.measure_weights()
        return (
            w[0] * _standing(action, group)
            + w[1] * _standing(themes, group)
            + w[2] * _standing(survey, group)
        )

    def measure(self, performance: Performance) -> np.ndarray:
        """The scorecard's achievement (see :meth:`achievement`)."""
        return self.achievement(performance)
