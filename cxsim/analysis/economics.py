"""What it is worth: NPV, customer lifetime value, and returns against a baseline.

Per run, from its weekly metrics: revenue, costs by kind, profit, the net present value
of weekly profit over the horizon, and customer lifetime value CLV = m r / (1 + d - r)
(Gupta & Lehmann 2003) with m the annual margin of an average customer, r the annual
retention the run achieved and d the annual discount rate. Against a baseline run with
the same seed: incremental profit and NPV, the programme's cost, ROI = (gain before
programme cost - programme cost) / programme cost, and the payback week, the first week
from which the cumulative incremental profit stays at or above zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cxsim.core.parameters import EconomicsParameters

__all__ = [
    "RunEconomics",
    "Versus",
    "annual_retention",
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
    incremental_npv: float
    programme_cost: float
    roi: float | None
    payback_week: int | None


def versus_baseline(
    weekly: Mapping[str, Sequence[float]],
    baseline: Mapping[str, Sequence[float]],
    params: EconomicsParameters,
) -> Versus:
    """Incremental profit, NPV, programme cost, ROI and payback against a baseline run."""
    profit = np.asarray(weekly["profit"], dtype=float) - np.asarray(baseline["profit"], float)
    programme = np.asarray(weekly["programme_cost"], float) - np.asarray(
        baseline["programme_cost"], float
    )
    spent = float(programme.sum())
    gain = float(profit.sum()) + spent  # the gain before paying for the programme
    return Versus(
        incremental_profit=float(profit.sum()),
        incremental_npv=npv(profit, params.discount_rate),
        programme_cost=spent,
        roi=roi(gain, spent),
        payback_week=payback_week(profit),
    )
