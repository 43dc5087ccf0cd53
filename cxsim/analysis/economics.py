"""What it is worth: NPV, customer lifetime value, and returns against a baseline.

Per run, from its weekly metrics: revenue, costs by kind, profit, the net present value
of weekly profit over the horizon, and customer lifetime value CLV = m r / (1 + d - r)
(Gupta & Lehmann 2003) with m the annual margin of an average customer, r the annual
retention the run achieved and d the annual discount rate. Against a baseline run with
the same seed: incremental profit and NPV, the programme's cost, ROI = (gain before
programme cost - programme cost) / programme cost, the payback week, the first week from
which the cumulative incremental profit stays at or above zero, and the break-even
margin, the gross margin per customer-week at which the incremental profit over the
horizon is zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cxsim.analysis.stats import Interval, ratio_interval
from cxsim.core.parameters import EconomicsParameters

__all__ = [
    "RunEconomics",
    "Versus",
    "annual_retention",
    "break_even_interval",
    "break_even_margin",
    "clv",
    "npv",
    "payback_week",
    "roi",
    "run_economics",
    "versus_baseline",
    "weekly_rate",
]

COSTS = ("salary_cost", "incentive_cost", "leaver_cost", "acquisition_spend", "programme_cost")


def weekly_rate(annual: float) -> float:
    """The weekly discount rate equivalent to an annual one."""
    return (1.0 + annual) ** (1.0 / 52.0) - 1.0


def npv(weekly_cash: Sequence[float], annual_rate: float) -> float:
    """Net present value of weekly cash flows, each discounted from the end of its week."""
    cash = np.asarray(weekly_cash, dtype=float)
    factors = (1.0 + weekly_rate(annual_rate)) ** -np.arange(1, len(cash) + 1)
    return float(cash @ factors)


def annual_retention(retained_share: float, weeks: int) -> float:
    """The annual retention rate that leaves ``retained_share`` after ``weeks`` weeks."""
    if weeks <= 0:
        raise ValueError("weeks must be positive")
    return float(max(retained_share, 0.0) ** (52.0 / weeks))


def clv(annual_margin: float, retention: float, discount: float) -> float:
    """Customer lifetime value m r / (1 + d - r) (Gupta & Lehmann 2003)."""
    return annual_margin * retention / (1.0 + discount - retention)


def roi(gain: float, programme_cost: float) -> float | None:
    """(gain - cost) / cost; None when nothing was spent (no return can be defined)."""
    if programme_cost <= 0:
        return None
    return (gain - programme_cost) / programme_cost


def payback_week(incremental_net: Sequence[float]) -> int | None:
    """First week (1-based) from which cumulative incremental profit stays >= 0.

    Returns None when it is still negative at the horizon.
    """
    cumulative = np.cumsum(np.asarray(incremental_net, dtype=float))
    if len(cumulative) == 0 or cumulative[-1] < 0:
        return None
    negative = np.flatnonzero(cumulative < 0)
    return 1 if len(negative) == 0 else int(negative[-1]) + 2


def break_even_margin(revenue_gain: float, cost_gain: float, margin: float) -> float | None:
    """The gross margin per customer-week at which an option's extra profit is zero.

    Revenue is the margin per customer-week times the customer-weeks kept, so an
    option's extra revenue scales with the margin while its extra cost does not: at the
    margin ``margin x cost_gain / revenue_gain`` the two cancel. An option that keeps
    more customers (``revenue_gain`` > 0) earns more than its baseline at any margin
    above this one, and less below it; the scenario's own margin is usually an
    assumption, and this says how far the verdict rests on it.

    Args:
        revenue_gain: Extra revenue over the horizon at ``margin``.
        cost_gain: Extra cost over the horizon (every cost kind).
        margin: The margin per customer-week the revenue was earned at.

    Returns:
        The break-even margin, or None when the option changes no revenue.
    """
    if revenue_gain == 0:
        return None
    return margin * cost_gain / revenue_gain


def break_even_interval(
    revenue_gains: Sequence[float],
    cost_gains: Sequence[float],
    margin: float,
    confidence: float = 0.95,
) -> Interval | None:
    """The break-even margin over paired replications, with Fieller's interval.

    The margin at which the mean extra profit is zero, ``margin x mean(cost_gains) /
    mean(revenue_gains)``, and the margins at which the paired interval of the extra
    profit still holds zero (:func:`cxsim.analysis.stats.ratio_interval`).

    Args:
        revenue_gains: Extra revenue over the horizon, one per replication, at ``margin``.
        cost_gains: Extra cost over the horizon, paired with ``revenue_gains``.
        margin: The margin per customer-week the revenue was earned at.
        confidence: Coverage of the interval.

    Returns:
        The interval, or None when the revenue gained or lost is within chance (no
        margin then decides the verdict).
    """
    ratio = ratio_interval(cost_gains, revenue_gains, confidence)
    if not np.isfinite(ratio.low):
        return None
    return Interval(ratio.mean * margin, ratio.low * margin, ratio.high * margin, ratio.n)


@dataclass(frozen=True)
class RunEconomics:
    """The money of one run over its horizon."""

    revenue: float
    costs: dict[str, float]
    profit: float
    npv: float
    clv: float


def run_economics(
    weekly: Mapping[str, Sequence[float]], params: EconomicsParameters
) -> RunEconomics:
    """Sum a run's weekly money and value its customers.

    Args:
        weekly: Weekly metrics (at least revenue, profit, retention and the cost kinds).
        params: The scenario's economics.
    """
    weeks = len(weekly["profit"])
    retention = annual_retention(float(weekly["retention"][-1]), weeks)
    return RunEconomics(
        revenue=float(np.sum(weekly["revenue"])),
        costs={kind: float(np.sum(weekly[kind])) for kind in COSTS},
        profit=float(np.sum(weekly["profit"])),
        npv=npv(weekly["profit"], params.discount_rate),
        clv=clv(params.margin_per_customer_week * 52.0, retention, params.discount_rate),
    )


@dataclass(frozen=True)
class Versus:
    """A run against its baseline (same seed)."""

    incremental_profit: float
    incremental_revenue: float
    incremental_npv: float
    programme_cost: float
    roi: float | None
    payback_week: int | None
    break_even_margin: float | None


def versus_baseline(
    weekly: Mapping[str, Sequence[float]],
    baseline: Mapping[str, Sequence[float]],
    params: EconomicsParameters,
) -> Versus:
    """Incremental profit, NPV, programme cost, ROI, payback and break-even margin."""
    profit = np.asarray(weekly["profit"], dtype=float) - np.asarray(baseline["profit"], float)
    revenue = float(np.sum(weekly["revenue"]) - np.sum(baseline["revenue"]))
    programme = np.asarray(weekly["programme_cost"], float) - np.asarray(
        baseline["programme_cost"], float
    )
    spent = float(programme.sum())
    gain = float(profit.sum()) + spent  # the gain before paying for the programme
    return Versus(
        incremental_profit=float(profit.sum()),
        incremental_revenue=revenue,
        incremental_npv=npv(profit, params.discount_rate),
        programme_cost=spent,
        roi=roi(gain, spent),
        payback_week=payback_week(profit),
        break_even_margin=break_even_margin(
            revenue, revenue - float(profit.sum()), params.margin_per_customer_week
        ),
    )
