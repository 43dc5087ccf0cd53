"""Where collaboration pays: paired differences from the sweep's store.

Usage: python experiments/when_collaboration_pays.py [STORE]

Reads the runs of ``cxsim sweep experiments/when_collaboration_pays.toml`` (default store
experiments/when_collaboration_pays.db) and prints, for each share of problems that need
a partner department, each structure and incentive scheme against the siloed baseline at
the same share (silo, individual throughput targets): the paired difference in two-year
profit (the sum of weekly profit) and in two-year retention, each with a 95% t-interval
over the replicates (all points share their replicate seeds). Findings:
experiments/when_collaboration_pays.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from cxsim.analysis.stats import t_interval
from cxsim.analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ("silo", "individual_throughput")


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
                    "share": scenario["cases"]["cross_functional_share"],
                    "structure": label,
                    "incentives": scenario["incentives"]["type"],
                    "replicate": replicate,
                    "profit": weekly["profit"].loc[replicate].sum(),
                    "retention": weekly["retention"].loc[replicate].iloc[-1],
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    """Print each point's paired difference from the baseline at its share."""
    path = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "experiments/when_collaboration_pays.db"
    )
    with Store(path, writable=False) as store:
        runs = points(store)
    base = runs[(runs.structure == BASELINE[0]) & (runs.incentives == BASELINE[1])]
    base = base.set_index(["share", "replicate"])
    print("share  structure     incentives             two-year profit, M [95%]", end="")
    print("       retention, points [95%]")
    for (share, structure, incentives), group in runs.groupby(["share", "structure", "incentives"]):
        if (structure, incentives) == BASELINE:
            continue
        paired = group.set_index(["share", "replicate"]).join(base.add_suffix("_base"), how="inner")
        profit = (paired.profit - paired.profit_base) / 1e6
        retention = (paired.retention - paired.retention_base) * 100
        (p, p_half), (r, r_half) = t_interval(profit.to_numpy()), t_interval(retention.to_numpy())
        print(
            f"{share:5.2f}  {structure:12s}  {incentives:21s}  "
            f"{p:+6.2f} [{p - p_half:+6.2f}, {p + p_half:+6.2f}]       "
            f"{r:+6.1f} [{r - r_half:+6.1f}, {r + r_half:+6.1f}]"
        )


if __name__ == "__main__":
    main()
