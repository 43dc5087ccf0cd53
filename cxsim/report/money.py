"""Money over the horizon of a comparison: per run, and per scenario with intervals.

What each run earned and cost, and what each scenario's runs return against the
baseline's runs of the same replicate (incremental profit and NPV, programme cost, ROI,
payback week and break-even margin, :mod:`cxsim.analysis.economics`), and the same
summarised over the paired replications as the table the report prints and
``cxsim compare`` shows under its outcomes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cxsim.analysis.economics import (
    break_even_interval,
    break_even_margin,
    run_economics,
    versus_baseline,
)
from cxsim.analysis.stats import mean_interval
from cxsim.core.parameters import EconomicsParameters

__all__ = ["VERSUS", "interval_text", "money_by_run", "money_table"]

VERSUS = (
    "incremental_profit",
    "incremental_revenue",
    "incremental_npv",
    "programme_cost",
    "roi",
    "payback_week",
)
"""What a scenario's run returns against its baseline run."""


def interval_text(values: np.ndarray, scale: float = 1.0, digits: int = 1) -> str:
    """A mean with its 95% interval over replications, as the tables print it."""

    def fmt(x: float) -> str:
        return f"{x * scale:,.{digits}f}"

    if len(values) < 2:
        return f"{fmt(float(np.mean(values)))} (one replication: no interval)"
    i = mean_interval(values)
    return f"{fmt(i.mean)} [{fmt(i.low)}, {fmt(i.high)}]"


def money_by_run(
    weekly: Mapping[str, Mapping[str, pd.DataFrame]],
    economics: Mapping[str, EconomicsParameters],
    baseline: str,
) -> pd.DataFrame:
    """Per scenario and replicate: money of the run and, against the baseline, returns.

    A scenario's returns pair each of its runs with the baseline's run of the same
    replicate; a replicate that failed on either side is left out of that pair only.

    Args:
        weekly: Per scenario, its weekly metrics (metric -> replicates x weeks).
        economics: Per scenario, in the order to report them, its economics.
        baseline: The scenario the others are compared with.
    """
    rows = []
    base = weekly[baseline]
    for name, params in economics.items():
        series = weekly[name]
        if not series:
            continue
        for r in series["profit"].index:
            run_week = {k: v.loc[r].to_numpy() for k, v in series.items()}
            money = run_economics(run_week, params)
            row = {
                "scenario": name,
                "replicate": int(r),
                "margin": params.margin_per_customer_week,
                "revenue": money.revenue,
                "profit": money.profit,
                "npv": money.npv,
                "clv": money.clv,
                **{f"total_{k}": v for k, v in money.costs.items()},
            }
            if name != baseline:
                row.update(dict.fromkeys(VERSUS, np.nan))
                row["paired"] = r in base["profit"].index
                if not row["paired"]:  # its baseline run failed: no pair, no return
                    rows.append(row)
                    continue
                versus = versus_baseline(
                    run_week, {k: v.loc[r].to_numpy() for k, v in base.items()}, params
                )
                row.update(
                    incremental_profit=versus.incremental_profit,
                    incremental_revenue=versus.incremental_revenue,
                    incremental_npv=versus.incremental_npv,
                    programme_cost=versus.programme_cost,
                    roi=np.nan if versus.roi is None else versus.roi,
                    payback_week=np.nan if versus.payback_week is None else versus.payback_week,
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _break_even_words(group: pd.DataFrame, money: pd.DataFrame, baseline: str) -> str:
    """The margin per customer-week at which a scenario's extra profit is zero, in words."""
    margin = float(group["margin"].iloc[0])
    if set(money.loc[money.scenario == baseline, "margin"]) != {margin}:
        return "the baseline earns a different margin"
    revenue = group["incremental_revenue"].to_numpy()
    cost = revenue - group["incremental_profit"].to_numpy()
    if len(group) < 2:
        point = break_even_margin(float(revenue[0]), float(cost[0]), margin)
        return "no revenue gained or lost" if point is None else f"{point:,.1f} (one replication)"
    even = break_even_interval(revenue, cost, margin)
    if even is None:
        return "none: the revenue it gains or loses is within chance"
    gains = revenue.mean() > 0
    if even.high < 0:  # every positive margin lies on one side of it
        return "earns more at any margin" if gains else "earns less at any margin"
    return (
        f"{even.mean:,.1f} [{even.low:,.1f}, {even.high:,.1f}] a customer-week (the "
        f"scenario's: {margin:g}); it earns more {'above' if gains else 'below'} it"
    )


def money_table(money: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per scenario, its money over the horizon in words, with 95% intervals.

    Args:
        money: Per run, as :func:`money_by_run` gives it.
        baseline: The scenario the others are compared with.
    """
    rows = []
    for name, group in money.groupby("scenario", sort=False):
        row = {
            "scenario": name,
            "profit": interval_text(group["profit"].to_numpy(), 1, 0),
            "NPV of profit": interval_text(group["npv"].to_numpy(), 1, 0),
            "customer lifetime value": interval_text(group["clv"].to_numpy(), 1, 0),
        }
        if name != baseline:
            group = group[group["paired"].eq(True)]  # the runs whose baseline run finished
            if group.empty:
                row["incremental profit"] = "no run paired with a baseline run"
                rows.append(row)
                continue
            row["incremental profit"] = interval_text(group["incremental_profit"].to_numpy(), 1, 0)
            row["programme cost"] = interval_text(group["programme_cost"].to_numpy(), 1, 0)
            rois = group["roi"].dropna().to_numpy()
            row["ROI %"] = interval_text(rois, 100, 0) if len(rois) else "no programme cost"
            paid = group["payback_week"].dropna().to_numpy()
            if len(paid) == 0:
                row["payback week"] = "not within the horizon"
            else:
                row["payback week"] = (
                    f"{interval_text(paid, 1, 1)}; {len(paid)} of {len(group)} replications "
                    "paid back"
                )
            row["break-even margin"] = _break_even_words(group, money, baseline)
        rows.append(row)
    return pd.DataFrame(rows)
