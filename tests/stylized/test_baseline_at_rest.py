"""A scenario that changes nothing stays flat (docs/ODD.md 5, warm-up).

The siloed baseline settles for the default warm-up, then runs its two reported years at
full size on seeds never used to explore or tune the model. For each headline metric
(the rates, and the customer book, the workload and the money that follow it), the
change from the first reported quarter to the last is compared with the run-to-run
spread: the standard deviation of the last quarter over the replications. The test fails
when the replications show the mean change to be larger than that spread (its 95%
interval lies wholly beyond it), so a drift that would make results depend on the
horizon rather than on the policy is caught, while a quarter's sampling noise is not
mistaken for one.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

from cxsim import Scenario, run
from cxsim.analysis.stats import mean_interval
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.slow

HELD_OUT = tuple(range(9300, 9308))  # never used to explore or tune the model
AT_REST = (
    "trust",
    "morale",
    "churn_rate",
    "first_contact_resolution",
    "csat",
    "nps",
    "active_customers",
    "occupancy",
    "revenue",
    "profit",
)
QUARTER = 13


def _quarters(seed: int) -> pd.DataFrame:
    metrics = run(Scenario.load(SCENARIOS / "siloed.toml"), seed=seed).metrics
    return pd.DataFrame(
        {
            "first": metrics[list(AT_REST)].iloc[:QUARTER].mean(),
            "last": metrics.iloc[-QUARTER:][list(AT_REST)].mean(),
        }
    )


@pytest.fixture(scope="module")
def quarters() -> list[pd.DataFrame]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=context) as pool:
        return list(pool.map(_quarters, HELD_OUT))


@pytest.mark.parametrize("metric", AT_REST)
def test_the_siloed_baseline_stays_flat(quarters, metric):
    first = np.array([q.loc[metric, "first"] for q in quarters])
    last = np.array([q.loc[metric, "last"] for q in quarters])
    drift = mean_interval(last - first)
    spread = float(last.std(ddof=1))
    assert drift.low <= spread and drift.high >= -spread, f"{metric}: {drift} beyond {spread:.4f}"


def test_the_warm_up_is_what_keeps_it_flat():
    """Without the warm-up, trust falls for years: the test above can fail."""
    metrics = run(
        Scenario.load(SCENARIOS / "siloed.toml", {"warm_up.weeks": 0}), seed=HELD_OUT[0]
    ).metrics
    drift = metrics["trust"].iloc[-QUARTER:].mean() - metrics["trust"].iloc[:QUARTER].mean()
    assert drift < -0.03  # ten times the run-to-run spread of trust
