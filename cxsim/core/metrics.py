"""Declared metrics: names, units, definitions and ranges, measured every week.

Scripts rely on these names. Rates "over the last quarter" use the trailing 13 weeks
(fewer at the start of a run) and are annualised by 52/13.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from cxsim.core.service import Staff, WorkWeek

__all__ = ["METRICS", "Metric", "Observation", "RollingCounts", "metric_names"]

QUARTER = 13


class RollingCounts:
    """Sums of weekly counts over the trailing quarter."""

    def __init__(self, weeks: int = QUARTER) -> None:
        self.weeks: deque[dict[str, float]] = deque(maxlen=weeks)

    def add(self, **counts: float) -> None:
        """Record one week's counts."""
        self.weeks.append(counts)

    def total(self, name: str) -> float:
        """Sum of a count over the window."""
        return math.fsum(w[name] for w in self.weeks)  # the same on every Python

    def annualised(self, events: str, exposure: str) -> float:
        """Events per mean exposure over the window, times 52 / window length."""
        n = len(self.weeks)
        if n == 0:
            return 0.0
        mean_exposure = self.total(exposure) / n
        if mean_exposure <= 0:
            return 0.0
        return self.total(events) / mean_exposure * 52.0 / n

    def ratio(self, numerator: str, denominator: str, default: float) -> float:
        """Sum of one count over the sum of another, or ``default`` when there is none."""
        d = self.total(denominator)
        return self.total(numerator) / d if d > 0 else default


@dataclass
class Observation:
    """The week as the metrics see it, assembled by the model's record phase.

    Attributes:
        work: The week's work outcomes.
        staff: The workforce snapshot the week was worked with.
        trust: Trust of each active customer.
        effort: Accumulated effort of each active customer.
        csat: Share satisfied (top two boxes) of the latest week with surveys.
        promoters: Active customers who would recommend.
        detractors: Active customers who would warn others off.
        retained: Week-0 customers still active.
        starting_customers: Customers at week 0.
        rolling: Renewals, churn and quits over the trailing quarter.
        morale: Morale of each employee, by slot.
        revenue: Margin earned this week.
        costs: This week's costs by kind (salary, incentive, leaver, acquisition,
            programme).
    """

    work: WorkWeek
    staff: Staff
    trust: np.ndarray
    effort: np.ndarray
    csat: float
    promoters: int
    detractors: int
    retained: int
    starting_customers: int
    rolling: RollingCounts
    morale: np.ndarray
    revenue: float
    costs: dict[str, float]

    @property
    def active(self) -> int:
        """Active customers."""
        return len(self.trust)

    @property
    def cost(self) -> float:
        """All of this week's costs (``math.fsum``: the same on every Python)."""
        return math.fsum(self.costs.values())


@dataclass(frozen=True)
class Metric:
    """A declared metric: what it is, and how it is measured from the week.

    Attributes:
        name: The name scripts use.
        unit: Its unit, in words.
        definition: What it measures.
        low: The lowest value it can take.
        high: The highest value it can take.
        measure: Computes it from the week's :class:`Observation`.
        lower_is_better: Whether an option is better when this metric is lower (churn,
            effort, failures, cost).
    """

    name: str
    unit: str
    definition: str
    low: float = -np.inf
    high: float = np.inf
    measure: Callable[[Observation], float] = field(kw_only=True, compare=False, repr=False)
    lower_is_better: bool = field(default=False, kw_only=True)

    def reporter(self) -> Callable[[Any], float]:
        """This metric as a Mesa DataCollector model reporter.

        The reporter measures the model's latest :class:`Observation`
        (``model.observation``).
        """
        measure = self.measure

        def report(model: Any) -> float:
            return measure(model.observation)

        report.__name__ = f"report_{self.name}"
        return report


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0


def _per_active(count: float, week: Observation) -> float:
    return count / week.active if week.active else 0.0


def _share(totals: dict[str, float], part: str, whole: str, empty: float) -> float:
    return totals[part] / totals[whole] if totals[whole] else empty


def _cost(kind: str) -> Callable[[Observation], float]:
    return lambda week: week.costs[kind]


METRICS: tuple[Metric, ...] = (
    Metric(
        "trust",
        "0-1",
        "mean trust of active customers",
        0,
        1,
        measure=lambda week: _mean(week.trust),
    ),
    Metric(
        "csat",
        "0-1",
        "share of the week's surveyed customers who are satisfied (top two boxes of five), "
        "surveyed after a contact on a problem, as measured (gaming lifts it)",
        0,
        1,
        measure=lambda week: week.csat,
    ),
    Metric(
        "nps",
        "-100 to 100",
        "net promoter score of active customers: % promoters minus % detractors",
        -100,
        100,
        measure=lambda week: (
            100.0 * (week.promoters - week.detractors) / week.active if week.active else 0.0
        ),
    ),
    Metric(
        "customer_effort",
        "effort units",
        "mean accumulated effort of active customers (repeats, transfers, waits)",
        0,
        measure=lambda week: _mean(week.effort),
        lower_is_better=True,
    ),
    Metric(
        "repurchase_rate",
        "0-1",
        "share of renewals over the last quarter that repurchased",
        0,
        1,
        measure=lambda week: week.rolling.ratio("renewed", "due", 1.0),
    ),
    Metric(
        "retention",
        "0-1",
        "share of the week-0 customers still active (0 when there were none)",
        0,
        1,
        measure=lambda week: float(week.retained) / max(week.starting_customers, 1),
    ),
    Metric(
        "churn_rate",
        "per year",
        "customers lost over the last quarter per mean active customer, annualised",
        0,
        measure=lambda week: week.rolling.annualised("churned", "active"),
        lower_is_better=True,
    ),
    Metric(
        "active_customers",
        "customers",
        "active customers at the end of the week",
        0,
        measure=lambda week: float(week.active),
    ),
    Metric(
        "morale",
        "-1 to 1",
        "mean employee morale (engagement minus strain)",
        -1,
        1,
        measure=lambda week: float(week.morale.mean()),
    ),
    Metric(
        "turnover_rate",
        "per year",
        "employees who quit over the last quarter per employee, annualised",
        0,
        measure=lambda week: week.rolling.annualised("quits", "headcount"),
        lower_is_better=True,
    ),
    Metric(
        "cross_dept_help_rate",
        "0-1",
        "share of working time spent helping with other departments' handoffs (used, not planned)",
        0,
        1,
        measure=lambda week: float(week.work.help_used.sum() / max(week.staff.working.sum(), 1e-9)),
    ),
    Metric(
        "handoff_failure_rate",
        "0-1",
        "share of the week's handoffs between departments that failed",
        0,
        1,
        measure=lambda week: _share(week.work.totals, "handoff_failures", "handoffs", 0.0),
        lower_is_better=True,
    ),
    Metric(
        "first_contact_resolution",
        "0-1",
        "share of the week's first contacts about a problem that resolved it",
        0,
        1,
        measure=lambda week: _share(
            week.work.totals, "first_contact_resolved", "first_contact_problems", 1.0
        ),
    ),
    Metric(
        "incidents_per_customer",
        "per customer-week",
        "new problems this week per active customer",
        0,
        measure=lambda week: _per_active(week.work.totals["problems_new"], week),
        lower_is_better=True,
    ),
    Metric(
        "revenue",
        "currency per week",
        "margin earned on active customers this week",
        0,
        measure=lambda week: week.revenue,
    ),
    Metric(
        "cost",
        "currency per week",
        "salaries, incentive payouts, leaver replacement, acquisition and programmes this week",
        0,
        measure=lambda week: week.cost,
        lower_is_better=True,
    ),
    Metric(
        "profit",
        "currency per week",
        "revenue minus cost",
        measure=lambda week: week.revenue - week.cost,
    ),
    Metric(
        "programme_cost",
        "currency per week",
        "what the running interventions cost this week (included in cost)",
        0,
        measure=_cost("programme_cost"),
    ),
    Metric(
        "salary_cost",
        "currency per week",
        "salaries of the workforce (in cost)",
        0,
        measure=_cost("salary_cost"),
    ),
    Metric(
        "incentive_cost",
        "currency per week",
        "incentive payouts (in cost)",
        0,
        measure=_cost("incentive_cost"),
    ),
    Metric(
        "leaver_cost",
        "currency per week",
        "replacing this week's leavers, a share of annual salary each (in cost)",
        0,
        measure=_cost("leaver_cost"),
    ),
    Metric(
        "acquisition_spend",
        "currency per week",
        "acquiring this week's new customers",
        0,
        measure=_cost("acquisition_spend"),
    ),
    Metric(
        "occupancy",
        "0-1",
        "share of the time available for case work (serving and helping) spent on cases; "
        "coordination, prevention and gaming are shrinkage (contact centres run at 0.75-0.90)",
        0,
        1,
        # at most 1: a unit's last case served may round its capacity up by half a case
        measure=lambda week: min(
            1.0,
            float(
                (week.work.handled.sum() + week.work.help_used.sum())
                / max(week.staff.serve_capacity.sum() + week.staff.help_capacity.sum(), 1e-9)
            ),
        ),
    ),
    Metric(
        "headcount",
        "employees",
        "employees at work this week (leavers are replaced; departments hire as demand grows)",
        0,
        measure=lambda week: float(len(week.staff.department)),
    ),
)


def metric_names() -> list[str]:
    """Return the names of all metrics, in declaration order."""
    return [m.name for m in METRICS]
