"""Where collaboration pays: paired differences from the sweep's store.

Usage: python experiments/when_collaboration_pays.py [STORE]

Reads the runs of ``cxsim sweep experiments/when_collaboration_pays.toml`` (default store
experiments/when_collaboration_pays.db) and prints, for each workload (the shipped
departments, sized to their work, or the 250 people they once had, with slack), each
share of problems that need a partner department, and each structure and incentive
scheme against the
siloed baseline at the same workload and share (silo, individual throughput targets):
the paired difference in two-year profit (the sum of weekly profit) and in two-year
retention, each with a 95% t-interval over the replicates (all points share their
replicate seeds); the point's occupancy and headcount in its last quarter; and the
break-even margin, the gross margin per customer-week at which its two-year profit
equals the baseline's, with Fieller's 95% interval. A second table sets each structure
against the silo under the *same* scheme, so that the structure's own part shows apart
from the switch of scheme. Findings: experiments/when_collaboration_pays.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from cxsim import Scenario
from cxsim.analysis.economics import break_even_interval
from cxsim.analysis.stats import t_interval
from cxsim.analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ("silo", "individual_throughput")
SHIPPED_PEOPLE = sum(d.headcount for d in Scenario.load(ROOT / "scenarios/siloed.toml").departments)
QUARTER = 13


def points(store: Store) -> pd.DataFrame:
    """One row per finished run: its design point, replicate and outcomes."""
    rows = []
    runs = store.runs()
    for scenario_hash, scenario in runs.groupby("scenario_hash")["scenario"].first().items():
        scenario = json.loads(scenario)
        structure = scenario["structure"]
        label = structure["type"]
        if "pod_size" in structure:
            label = f"pods of {structure['pod_size']}"
        weekly = store.weekly(scenario_hash)
        if not weekly:
            continue
        for replicate in weekly["profit"].index:
            rows.append(
                {
                    "workload": _workload(scenario),
                    "share": scenario["cases"]["cross_functional_share"],
                    "structure": label,
                    "incentives": scenario["incentives"]["type"],
                    "margin": scenario["economics"]["margin_per_customer_week"],
                    "replicate": replicate,
                    "profit": weekly["profit"].loc[replicate].sum(),
                    "revenue": weekly["revenue"].loc[replicate].sum(),
                    "retention": weekly["retention"].loc[replicate].iloc[-1],
                    "occupancy": weekly["occupancy"].loc[replicate].iloc[-QUARTER:].mean(),
                    "headcount": weekly["headcount"].loc[replicate].iloc[-QUARTER:].mean(),
                }
            )
    return pd.DataFrame(rows)


def _workload(scenario: dict) -> str:
    """The shipped departments, sized to their work, or more people: slack."""
    people = sum(department["headcount"] for department in scenario["departments"])
    return "sized to work" if people == SHIPPED_PEOPLE else "with slack"


def _break_even(paired: pd.DataFrame) -> str:
    """The margin at which the point's two-year profit equals the baseline's, in words."""
    revenue = (paired.revenue - paired.revenue_base).to_numpy()
    cost = revenue - (paired.profit - paired.profit_base).to_numpy()
    even = break_even_interval(revenue, cost, paired.margin.iloc[0])
    if even is None:
        return "none (revenue unchanged within chance)"
    gains = revenue.mean() > 0
    if even.high < 0:  # every positive margin is on one side of it
        return "pays at any margin" if gains else "pays at no margin"
    side = "above" if gains else "below"
    return f"{even.mean:6.1f} [{even.low:6.1f}, {even.high:6.1f}] pays {side}"


def _table(runs: pd.DataFrame, baseline: tuple[str, str], same_scheme: bool) -> None:
    """Print each point's paired difference from a baseline at its workload and share.

    Args:
        runs: One row per finished run, as :func:`points` gives them.
        baseline: The (structure, incentives) every point is set against; with
            ``same_scheme`` only its structure counts: each point is set against it under
            the point's own scheme, and the baseline's structure is left out.
        same_scheme: Whether the baseline runs under each point's scheme.
    """
    keys = ["workload", "share", "replicate"]
    print(
        "workload       share  structure     incentives             "
        "two-year profit, M [95%]   retention, points [95%]   occupancy  headcount  "
        "break-even margin a customer-week [95%]"
    )
    for (workload, share, structure, incentives), group in runs.groupby(
        ["workload", "share", "structure", "incentives"]
    ):
        if same_scheme and structure == baseline[0]:
            continue  # the silo against itself
        scheme = incentives if same_scheme else baseline[1]
        base = runs[(runs.structure == baseline[0]) & (runs.incentives == scheme)]
        base = base.set_index(keys)[["profit", "revenue", "retention", "occupancy", "headcount"]]
        paired = group.set_index(keys).join(base.add_suffix("_base"), how="inner")
        if structure == baseline[0] and incentives == scheme:
            print(
                f"{workload:13s}  {share:5.2f}  {structure:12s}  {incentives:21s}  "
                f"{'baseline':>50s}  {paired.occupancy.mean():9.2f}  "
                f"{paired.headcount.mean():9.0f}"
            )
            continue
        profit = (paired.profit - paired.profit_base) / 1e6
        retention = (paired.retention - paired.retention_base) * 100
        (p, p_half), (r, r_half) = t_interval(profit.to_numpy()), t_interval(retention.to_numpy())
        print(
            f"{workload:13s}  {share:5.2f}  {structure:12s}  {incentives:21s}  "
            f"{p:+6.2f} [{p - p_half:+6.2f}, {p + p_half:+6.2f}]      "
            f"{r:+6.1f} [{r - r_half:+6.1f}, {r + r_half:+6.1f}]  "
            f"{paired.occupancy.mean():9.2f}  {paired.headcount.mean():9.0f}  "
            f"{_break_even(paired)}"
        )


def main() -> None:
    """Print each point against the baseline, then against the silo under its scheme."""
    path = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "experiments/when_collaboration_pays.db"
    )
    with Store(path, writable=False) as store:
        runs = points(store)
    _table(runs, BASELINE, same_scheme=False)
    print()
    print("Against the silo under the same scheme (the structure's own part):")
    _table(runs, BASELINE, same_scheme=True)


if __name__ == "__main__":
    main()
