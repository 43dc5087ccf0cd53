"""Comparisons that carry what we don't know: probabilistic sensitivity analysis.

Each draw is one vector of the uncertain constants (:mod:`cxsim.config.uncertainty`) and
one replicate seed; every scenario runs on that draw with that seed, so the scenarios
differ only by what they are (common random numbers and common constants). A few more
paired runs at the scenarios' own constants (``noise_reps``) measure the simulation's
noise alone. Every run goes to the store under its scenario-with-constants hash and its
seed, so a killed comparison resumes where it stopped, and the draws are remembered in
the store, so every figure can be recomputed from the store alone.

Per scenario against the baseline (the first), on the paired differences:

* their mean and 5-95% range, per metric, and the probability the scenario is better;
* the parameter share: 1 - (noise variance / total variance), where the noise variance is
  that of the paired differences at fixed constants (assumed the same at every draw);
* on the money (two-year profit by default, or NPV): EVPI of choosing between the
  scenario and the baseline, EVPPI of each constant, the acceptability curve of its ROI
  where it has a programme cost, and PRIM boxes where the answer flips: where the
  scenario loses money if it usually pays, where it pays if it usually loses.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxsim.analysis.decision import acceptability, evpi, evppi
from cxsim.analysis.discovery import find_boxes
from cxsim.analysis.economics import run_economics
from cxsim.analysis.experiment import RunSpec, execute, replicate_seeds
from cxsim.analysis.store import Store
from cxsim.config.scenario import Scenario
from cxsim.config.uncertainty import Uncertainty
from cxsim.core.metrics import METRICS
from cxsim.core.parameters import EconomicsParameters
from cxsim.validation.declare import build
from cxsim.validation.errors import InputError

__all__ = [
    "UncertainRuns",
    "paired_differences",
    "load_uncertain_runs",
    "run_under_uncertainty",
    "summarise_uncertainty",
]

MONEY = "profit_total"
"""The money a decision is valued in: profit over the horizon (currency)."""

MIN_FLIPS = 5
"""Draws against the usual answer needed before scenario discovery describes where the
answer flips: a box around one or two such draws describes the luck of the design, not a
region."""

LARGER_IS_WORSE = frozenset(m.name for m in METRICS if m.lower_is_better)
"""Metrics for which a scenario is better when it is lower (declared on each metric)."""


@dataclass
class UncertainRuns:
    """The runs of a comparison under uncertainty, as tables.

    Attributes:
        draws: The uncertain constants, one row per draw (index ``draw``).
        outcomes: Final metrics plus ``profit_total`` and ``npv``, one row per draw and
            scenario (index ``draw``, ``scenario``); runs that failed are missing.
        noise: The same at the scenarios' own constants, one row per noise replicate.
        baseline: Name of the baseline scenario.
    """

    draws: pd.DataFrame
    outcomes: pd.DataFrame
    noise: pd.DataFrame
    baseline: str


def _specs(
    scenarios: Sequence[Scenario], uncertainty: Uncertainty, draws: pd.DataFrame, seeds: list[int]
) -> tuple[list[RunSpec], list[tuple[str, str, int, int]]]:
    specs, plan = [], []
    for draw, seed in enumerate(seeds):
        # the noise replicates, after the draws, run at the scenarios' own constants
        drawn = draws.iloc[draw] if draw < len(draws) else {}
        for scenario in scenarios:
            variant = uncertainty.apply(scenario, drawn) if len(drawn) else scenario
            digest = variant.model_hash()
            specs.append(RunSpec(variant.to_dict(), scenario.name, digest, draw, seed))
            plan.append((scenario.name, digest, draw, seed))
    return specs, plan


def _outcomes(store: Store, plan: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    """Final metrics and money of each planned (scenario name, hash, draw, seed) run."""
    rows = []
    for name, digest, draw, seed in plan:
        run = store.finished(digest, seed)
        if run is None:
            continue
        money = run_economics(
            {metric: np.asarray(weeks, dtype=float) for metric, weeks in run["weekly"].items()},
            # the economics alone, validated: reading a store imports no component
            build(EconomicsParameters, run["scenario"].get("economics", {}), "economics"),
        )
        rows.append(
            {
                "draw": draw,
                "scenario": name,
                **run["final"],
                "profit_total": money.profit,
                "npv": money.npv,
                "programme_cost_total": money.costs["programme_cost"],
            }
        )
    if not rows:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["draw", "scenario"]))
    return pd.DataFrame(rows).set_index(["draw", "scenario"])


def run_under_uncertainty(
    scenarios: Sequence[Scenario],
    uncertainty: Uncertainty,
    store: Store,
    executor: Executor | None = None,
    *,
    draws: int = 300,
    seed: int = 0,
    design: str = "latin_hypercube",
    noise_reps: int = 10,
    noise_seeds: Sequence[int] | None = None,
    progress: bool = True,
) -> UncertainRuns:
    """Run every scenario on the same draws of the uncertain constants and seeds.

    Args:
        scenarios: The baseline first, then the scenarios compared with it.
        uncertainty: What is uncertain, and what is fixed.
        store: Where runs are stored (and found again when resuming).
        executor: Any ``concurrent.futures.Executor``; None runs in this process.
        draws: Vectors of constants drawn.
        seed: Seed of the draws' design and of the replicate seeds.
        design: ``latin_hypercube`` or ``sobol``.
        noise_reps: Paired replications at the scenarios' own constants, which measure
            the simulation's noise (at least 2 for a variance; 0 skips it).
        noise_seeds: The seeds of those replications instead, for instance a paired
            comparison's own replicates (whose runs the store then already holds).
        progress: Whether to draw a progress bar.
    """
    table = uncertainty.draws(draws, seed, design)
    # the draws' seeds come from their own stream; the noise replicates are those of a
    # paired comparison with the same seed (cxsim compare), so the store may hold them
    if noise_seeds is None:
        noise_seeds = replicate_seeds(seed, noise_reps)
    noise_reps = len(noise_seeds)
    seeds = replicate_seeds(seed + 1, draws) + [int(s) for s in noise_seeds]
    specs, plan = _specs(scenarios, uncertainty, table, seeds)
    store.remember(
        "uncertainty",
        {
            "baseline": scenarios[0].name,
            "scenarios": [s.name for s in scenarios],
            "draws": draws,
            "seed": seed,
            "design": design,
            "noise_reps": noise_reps,
            "table": uncertainty.to_table(),
            "constants": table.reset_index().to_dict(orient="list"),
            "runs": [list(entry) for entry in plan],
        },
    )
    execute(specs, store, executor, progress)
    return load_uncertain_runs(store)


def load_uncertain_runs(store: Store) -> UncertainRuns | None:
    """The last comparison under uncertainty a store holds, from the store alone.

    Returns:
        Its draws and the finished runs' outcomes, or None if the store has none.

    Raises:
        InputError: When the store's record of the draws cannot be read.
    """
    kept = store.recall("uncertainty")
    if not kept:
        return None
    try:
        draws = pd.DataFrame(kept["constants"]).set_index("draw")
        plan = [(name, digest, int(draw), int(seed)) for name, digest, draw, seed in kept["runs"]]
        count = int(kept["draws"])
        baseline = str(kept["baseline"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            "uncertainty", f"a readable record of the draws (it is damaged: {exc!r})"
        ) from None
    outcomes = _outcomes(store, plan)
    drawn = outcomes[outcomes.index.get_level_values("draw") < count]
    noise = outcomes[outcomes.index.get_level_values("draw") >= count]
    return UncertainRuns(draws, drawn, noise, baseline)


def paired_differences(outcomes: pd.DataFrame, name: str, baseline: str) -> pd.DataFrame:
    """Scenario minus baseline, per draw (or replicate) where both ran.

    Args:
        outcomes: Outcomes indexed by ``draw`` and ``scenario``.
        name: The scenario.
        baseline: The baseline scenario.
    """
    by = outcomes.unstack("scenario")
    if name not in by.columns.get_level_values("scenario"):
        return pd.DataFrame()
    mine = by.xs(name, axis=1, level="scenario")
    base = by.xs(baseline, axis=1, level="scenario")
    return (mine - base).dropna(how="any")


def _acceptability(paired: pd.DataFrame, money: str, points: int = 41) -> dict[str, Any]:
    """The acceptability curve: P(ROI > threshold) over thresholds, where money was spent.

    ROI is the incremental profit (which has paid for the programme) over the programme's
    cost, as :func:`cxsim.analysis.economics.versus_baseline` gives it. Where a draw spent
    nothing on a programme, the curve is of the gain itself: P(gain > threshold).
    """
    spent = paired["programme_cost_total"].to_numpy() if "programme_cost_total" in paired else None
    gain = paired[money].to_numpy()
    if spent is not None and (spent > 0).all():
        values, of = gain / spent, "roi"  # incremental profit already pays the programme
    else:
        values, of = gain, money
    low, high = np.percentile(values, [1, 99])
    thresholds = np.linspace(min(low, 0.0), max(high, 0.0), points)
    return {
        "of": of,
        "thresholds": thresholds.tolist(),
        "probability": acceptability(values, thresholds).tolist(),
    }


def summarise_uncertainty(
    runs: UncertainRuns,
    metrics: Sequence[str] = ("retention", "trust", "first_contact_resolution", "profit_total"),
    money: str = MONEY,
    threshold: float = 0.8,
) -> dict[str, Any]:
    """What the draws say about each scenario against the baseline.

    Args:
        runs: The comparison's runs.
        metrics: Metrics whose difference, chance of being better and parameter share
            are reported (``money`` is always included).
        money: The outcome decisions are valued in (``profit_total`` or ``npv``).
        threshold: Density a scenario-discovery box should reach.

    Returns:
        ``{"draws": N, "scenarios": {name: {...}}}`` as ``cxsim compare --json`` reports
        it: ``p_better``, ``parameter_share``, ``evpi``, ``evppi``, ``flips_to`` (the
        answer against the usual one: ``"loses"`` where the scenario pays in at least as
        many draws as it loses in, else ``"pays"``), ``flips`` (draws with that answer),
        ``boxes`` (where the answer flips, once at least :data:`MIN_FLIPS` draws flip),
        ``losses`` (draws that lose money) and ``differences`` (mean, p5, p95 per
        metric).
    """
    metrics = list(dict.fromkeys([*metrics, money]))
    names = list(dict.fromkeys(runs.outcomes.index.get_level_values("scenario")))
    summary: dict[str, Any] = {
        "draws": len(runs.draws),
        "money": money,
        "ranges": {p: [float(runs.draws[p].min()), float(runs.draws[p].max())] for p in runs.draws},
        "scenarios": {},
    }
    for name in names:
        if name == runs.baseline:
            continue
        paired = paired_differences(runs.outcomes, name, runs.baseline)
        if len(paired) < 2:
            continue
        noise = (
            paired_differences(runs.noise, name, runs.baseline)
            if len(runs.noise)
            else pd.DataFrame()
        )
        draws = runs.draws.loc[paired.index]
        gain = paired[money].to_numpy()
        net_benefit = np.column_stack([np.zeros(len(gain)), gain])
        entry: dict[str, Any] = {
            "p_better": {},
            "parameter_share": {},
            "differences": {},
            "evpi": evpi(net_benefit),
            "evppi": {path: evppi(net_benefit, draws[path].to_numpy()) for path in draws},
        }
        for metric in metrics:
            difference = paired[metric].to_numpy()
            better = difference < 0 if metric in LARGER_IS_WORSE else difference > 0
            entry["p_better"][metric] = float(better.mean())
            low, high = np.percentile(difference, [5, 95])
            entry["differences"][metric] = {
                "mean": float(difference.mean()),
                "p5": float(low),
                "p95": float(high),
            }
            total = float(np.var(difference, ddof=1))
            if len(noise) >= 2 and total > 0:
                share = 1.0 - float(np.var(noise[metric].to_numpy(), ddof=1)) / total
                entry["parameter_share"][metric] = min(1.0, max(0.0, share))
            else:
                entry["parameter_share"][metric] = None
        loses = gain < 0
        pays = gain > 0
        usually_pays = pays.sum() >= loses.sum()  # draws that tie count for neither
        flips = loses if usually_pays else pays
        boxes = []
        entry["losses"] = int(loses.sum())
        entry["flips_to"] = "loses" if usually_pays else "pays"
        entry["flips"] = int(flips.sum())
        if MIN_FLIPS <= flips.sum() < len(flips) and len(draws.columns):
            for box in find_boxes(draws.reset_index(drop=True), flips, threshold=threshold):
                boxes.append(
                    {
                        "limits": {path: list(limits) for path, limits in box.limits.items()},
                        "coverage": box.coverage,
                        "density": box.density,
                    }
                )
        entry["boxes"] = boxes
        entry["acceptability"] = _acceptability(paired, money)
        summary["scenarios"][name] = entry
    return summary
