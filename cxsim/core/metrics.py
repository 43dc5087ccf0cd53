"""Declared metrics: names, units, definitions and ranges, measured every week.

Scripts rely on these names. Rates "over the last quarter" use the trailing 13 weeks
(fewer at the start of a run) and are annualised by 52/13.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

__all__ = ["METRICS", "Metric", "RollingCounts", "metric_names"]

QUARTER = 13


@dataclass(frozen=True)
class Metric:
    """A declared metric."""

    name: str
    unit: str
    definition: str
    low: float = -np.inf
    high: float = np.inf


METRICS: tuple[Metric, ...] = (
    Metric("trust", "0-1", "mean trust of active customers", 0, 1),
    Metric(
        "csat",
        "0-1",
        "mean survey rating of the week's surveyed cases, as measured (gaming lifts it)",
        0,
        1,
    ),
    Metric(
        "nps",
        "-100 to 100",
        "net promoter score of active customers: % promoters minus % detractors",
        -100,
        100,
    ),
    Metric(
        "customer_effort",
        "effort units",
        "mean accumulated effort of active customers (repeats, transfers, waits)",
        0,
    ),
    Metric(
        "repurchase_rate",
        "0-1",
        "share of renewals over the last quarter that repurchased",
        0,
        1,
    ),
    Metric("retention", "0-1", "share of the week-0 customers still active", 0, 1),
    Metric(
        "churn_rate",
        "per year",
        "customers lost over the last quarter per mean active customer, annualised",
        0,
    ),
    Metric("active_customers", "customers", "active customers at the end of the week", 0),
    Metric("morale", "-1 to 1", "mean employee morale (engagement minus strain)", -1, 1),
    Metric(
        "turnover_rate",
        "per year",
        "employees who quit over the last quarter per employee, annualised",
        0,
    ),
    Metric(
        "cross_dept_help_rate",
        "0-1",
        "share of working time spent helping with other departments' handoffs (used, not planned)",
        0,
        1,
    ),
    Metric(
        "handoff_failure_rate",
        "0-1",
        "share of the week's handoffs between departments that failed",
        0,
        1,
    ),
    Metric(
        "first_contact_resolution",
        "0-1",
        "share of the week's first contacts about a problem that resolved it",
        0,
        1,
    ),
    Metric(
        "incidents_per_customer",
        "per customer-week",
        "new problems this week per active customer",
        0,
    ),
    Metric("revenue", "currency per week", "margin earned on active customers this week", 0),
    Metric(
        "cost",
        "currency per week",
        "salaries, incentive payouts, leaver replacement, acquisition and programmes this week",
        0,
    ),
    Metric("profit", "currency per week", "revenue minus cost"),
    Metric(
        "programme_cost",
        "currency per week",
        "what the running interventions cost this week (included in cost)",
        0,
    ),
    Metric("salary_cost", "currency per week", "salaries of the workforce (in cost)", 0),
    Metric("incentive_cost", "currency per week", "incentive payouts (in cost)", 0),
    Metric(
        "leaver_cost",
        "currency per week",
        "replacing this week's leavers, a share of annual salary each (in cost)",
        0,
    ),
    Metric("acquisition_spend", "currency per week", "acquiring this week's new customers", 0),
)


def metric_names() -> list[str]:
    """Return the names of all metrics, in declaration order."""
    return [m.name for m in METRICS]


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
