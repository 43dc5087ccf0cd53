"""Comparisons under uncertainty: paired draws, a resumable store, the summary's measures."""

import numpy as np
import pandas as pd
import pytest

from cxsim.analysis.store import Store
from cxsim.analysis.uncertain import (
    MIN_FLIPS,
    UncertainRuns,
    load_uncertain_runs,
    run_under_uncertainty,
    summarise_uncertainty,
)
from cxsim.config.uncertainty import read_uncertainty
from tests.conftest import small

UNCERTAIN = {
    "default": "none",
    "cases.cross_functional_share": {"distribution": "uniform", "low": 0.1, "high": 0.9},
    "trust.loss": {"distribution": "triangular", "low": 0.1, "mode": 0.18, "high": 0.3},
    "handoffs.base_failure": {"fixed": 0.3},
}


def _scenarios():
    silo = small({"scenario.name": "silo"}, weeks=8, customers=600)
    pods = small(
        {"scenario.name": "pods", "structure.type": "cross_functional"}, weeks=8, customers=600
    )
    return [silo, pods]


def test_every_scenario_runs_on_the_same_draws_and_a_second_call_reruns_nothing(tmp_path):
    scenarios = _scenarios()
    uncertainty = read_uncertainty(UNCERTAIN, scenarios[0])
    with Store(tmp_path / "runs.db") as store:
        runs = run_under_uncertainty(
            scenarios, uncertainty, store, draws=6, seed=4, noise_reps=3, progress=False
        )
        assert list(runs.draws.columns) == ["cases.cross_functional_share", "trust.loss"]
        assert len(runs.outcomes) == 12 and len(runs.noise) == 6
        assert store.status()["done"] == 18
        again = run_under_uncertainty(
            scenarios, uncertainty, store, draws=6, seed=4, noise_reps=3, progress=False
        )
        assert store.status()["done"] == 18  # resumed: nothing ran twice
        pd.testing.assert_frame_equal(again.outcomes, runs.outcomes)
        kept = store.recall("uncertainty")
    # the draws are kept in the store: the figures can be recomputed from it alone
    assert kept["constants"]["trust.loss"] == pytest.approx(list(runs.draws["trust.loss"]))
    assert kept["table"]["handoffs.base_failure"] == {"fixed": 0.3}
    # each draw's constants reached the runs: the same draw, the same seed, both scenarios
    with Store(tmp_path / "runs.db", writable=False) as kept_store:
        assert kept_store.runs()["seed"].nunique() == 9
        alone = load_uncertain_runs(kept_store)  # every figure from the store alone
    pd.testing.assert_frame_equal(alone.outcomes, runs.outcomes)
    pd.testing.assert_frame_equal(alone.noise, runs.noise)
    pd.testing.assert_frame_equal(alone.draws, runs.draws, check_names=False)
    assert summarise_uncertainty(alone) == summarise_uncertainty(runs)
    draw_three = runs.outcomes.xs(3, level="draw")
    assert draw_three.loc["silo", "trust"] != draw_three.loc["pods", "trust"]


def test_the_summary_reports_each_measure_from_the_paired_draws():
    rng = np.random.default_rng(1)
    n = 400
    draws = pd.DataFrame(
        {"share": rng.uniform(0.1, 0.9, n), "other": rng.uniform(0, 1, n)},
        index=pd.RangeIndex(n, name="draw"),
    )
    # the scenario gains money where more than 30% of the work crosses departments
    gain = 10.0 * (draws["share"].to_numpy() - 0.3) + rng.normal(0, 0.5, n)
    rows = []
    for draw in range(n):
        rows.append({"draw": draw, "scenario": "base", "profit_total": 0.0, "churn_rate": 0.2})
        rows.append(
            {"draw": draw, "scenario": "pods", "profit_total": gain[draw], "churn_rate": 0.18}
        )
    outcomes = pd.DataFrame(rows).set_index(["draw", "scenario"])
    noise_rows = []
    for rep in range(50):
        noise_rows.append(
            {"draw": n + rep, "scenario": "base", "profit_total": 0.0, "churn_rate": 0.2}
        )
        noise_rows.append(
            {
                "draw": n + rep,
                "scenario": "pods",
                "profit_total": rng.normal(0, 0.5),
                "churn_rate": 0.18,
            }
        )
    noise = pd.DataFrame(noise_rows).set_index(["draw", "scenario"])
    summary = summarise_uncertainty(
        UncertainRuns(draws, outcomes, noise, "base"), metrics=("churn_rate",)
    )
    pods = summary["scenarios"]["pods"]
    assert summary["draws"] == n
    assert pods["p_better"]["profit_total"] == pytest.approx(np.mean(gain > 0))
    assert pods["p_better"]["churn_rate"] == 1.0  # lower churn is better
    # variance 10^2 * 0.8^2 / 12 = 5.33 from the share, 0.25 noise: share ~ 0.95
    assert pods["parameter_share"]["profit_total"] == pytest.approx(0.955, abs=0.03)
    assert pods["evppi"]["share"] == pytest.approx(pods["evpi"], rel=0.1)
    assert pods["evppi"]["other"] < 0.05 * pods["evpi"]
    (box,) = pods["boxes"][:1]
    assert list(box["limits"]) == ["share"]
    # losses reach a little past 0.3, where the noise (0.05 of share) can still sink it
    assert box["limits"]["share"][1] == pytest.approx(0.3, abs=0.06)
    assert box["density"] >= 0.8 and box["coverage"] >= 0.8
    assert (
        pods["differences"]["profit_total"]["p5"] < 0 < pods["differences"]["profit_total"]["p95"]
    )


def _against_the_baseline(draws: pd.DataFrame, gain: np.ndarray) -> dict:
    """The summary of a scenario whose two-year profit is ``gain`` above the baseline's."""
    rows = []
    for draw, value in zip(draws.index, gain, strict=True):
        rows.append({"draw": draw, "scenario": "base", "profit_total": 0.0})
        rows.append({"draw": draw, "scenario": "pods", "profit_total": value})
    outcomes = pd.DataFrame(rows).set_index(["draw", "scenario"])
    empty = pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["draw", "scenario"]))
    summary = summarise_uncertainty(UncertainRuns(draws, outcomes, empty, "base"), metrics=())
    return summary["scenarios"]["pods"]


def test_scenario_discovery_waits_for_enough_losing_draws():
    n = 200
    rng = np.random.default_rng(3)
    draws = pd.DataFrame({"x": rng.uniform(0, 1, n)}, index=pd.RangeIndex(n, name="draw"))
    gain = np.where(draws["x"].to_numpy() < 0.01, -1.0, 1.0)  # loses in a sliver only
    pods = _against_the_baseline(draws, gain)
    assert pods["flips_to"] == "loses" and 0 < pods["losses"] == pods["flips"] < MIN_FLIPS
    assert pods["boxes"] == []


def test_draws_that_tie_count_for_neither_answer():
    n = 40
    draws = pd.DataFrame({"x": np.linspace(0, 1, n)}, index=pd.RangeIndex(n, name="draw"))
    gain = np.where(np.arange(n) < 30, 0.0, -1.0)  # the same as the baseline, or worse
    same = _against_the_baseline(draws, gain)
    assert same["p_better"]["profit_total"] == 0.0
    # it never pays, so the answer can only flip toward paying, and never does
    assert same["flips_to"] == "pays" and same["flips"] == 0 and same["boxes"] == []
    same = _against_the_baseline(draws, np.zeros(n))  # identical everywhere
    assert same["flips_to"] == "loses" and same["flips"] == 0 and same["losses"] == 0


def test_where_an_option_usually_loses_discovery_describes_where_it_pays():
    rng = np.random.default_rng(5)
    n = 400
    draws = pd.DataFrame(
        {"share": rng.uniform(0.1, 0.9, n), "other": rng.uniform(0, 1, n)},
        index=pd.RangeIndex(n, name="draw"),
    )
    # the scenario pays only where more than 70% of the work crosses departments
    gain = 10.0 * (draws["share"].to_numpy() - 0.7) + rng.normal(0, 0.5, n)
    pods = _against_the_baseline(draws, gain)
    assert pods["p_better"]["profit_total"] < 0.5
    assert pods["flips_to"] == "pays" and pods["flips"] == int((gain > 0).sum())
    assert pods["losses"] == int((gain < 0).sum())
    (box,) = pods["boxes"][:1]
    assert list(box["limits"]) == ["share"]
    low, high = box["limits"]["share"]
    assert low == pytest.approx(0.7, abs=0.06) and high == pytest.approx(0.9, abs=0.01)
    assert box["density"] >= 0.8 and box["coverage"] >= 0.8


def test_the_acceptability_curve_is_of_roi_where_a_programme_was_paid_for():
    n = 1000
    rng = np.random.default_rng(7)
    draws = pd.DataFrame({"x": rng.uniform(0, 1, n)}, index=pd.RangeIndex(n, name="draw"))
    roi = rng.normal(1.5, 0.8, n)
    rows = []
    for draw in range(n):
        rows.append(
            {"draw": draw, "scenario": "base", "profit_total": 0.0, "programme_cost_total": 0.0}
        )
        rows.append(
            {
                "draw": draw,
                "scenario": "programme",
                "profit_total": roi[draw] * 2e5,
                "programme_cost_total": 2e5,
            }
        )
    outcomes = pd.DataFrame(rows).set_index(["draw", "scenario"])
    summary = summarise_uncertainty(UncertainRuns(draws, outcomes, outcomes.iloc[:0], "base"), ())
    curve = summary["scenarios"]["programme"]["acceptability"]
    assert curve["of"] == "roi"
    thresholds = np.array(curve["thresholds"])
    expected = (roi[None, :] > thresholds[:, None]).mean(axis=1)
    assert np.allclose(curve["probability"], expected)
    assert thresholds[0] <= 0 <= thresholds[-1]
    assert (
        summary["scenarios"]["programme"]["parameter_share"]["profit_total"] is None
    )  # no noise runs
