"""How long the siloed baseline takes to settle: MSER-5 on its weekly metrics.

Usage: python experiments/warm_up.py [--weeks 520] [--seeds 4]

Runs the siloed baseline with no warm-up for ``--weeks`` weeks on seeds 5000, 5001, ...
(never used for tuning), averages each headline metric over the seeds week by week,
and reports the MSER-5 truncation (cxsim.analysis.stats.mser_truncation) with the
metric's mean in the first and second year and the last year. Findings:
experiments/warm_up.md.
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from cxsim import Scenario, run
from cxsim.analysis.stats import mser_truncation

ROOT = Path(__file__).resolve().parents[1]
METRICS = (
    "trust",
    "morale",
    "churn_rate",
    "first_contact_resolution",
    "csat",
    "nps",
    "turnover_rate",
    "active_customers",
    "profit",
)


def _metrics(scenario: Scenario, seed: int):
    return run(scenario, seed=seed).metrics


def main() -> None:
    """Run the baseline long and print each metric's MSER-5 truncation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args()
    scenario = Scenario.load(
        ROOT / "scenarios" / "siloed.toml",
        overrides={"scenario.weeks": args.weeks, "warm_up.weeks": 0},
    )
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        runs = list(pool.map(_metrics, [scenario] * args.seeds, range(5000, 5000 + args.seeds)))
    print(f"siloed baseline, {args.weeks} weeks, {args.seeds} seeds (5000...)")
    print(f"{'metric':26s} {'MSER-5 cut':>10s} {'year 1':>12s} {'year 2':>12s} {'last year':>12s}")
    for metric in METRICS:
        mean = np.mean([frame[metric].to_numpy() for frame in runs], axis=0)
        cut = mser_truncation(mean)
        shown = "none" if cut is None else f"{cut} wk"
        years = [mean[:52].mean(), mean[52:104].mean(), mean[-52:].mean()]
        print(f"{metric:26s} {shown:>10s} " + " ".join(f"{y:12.4g}" for y in years))


if __name__ == "__main__":
    main()
