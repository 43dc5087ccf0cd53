"""Run a test module's scenarios from one warm-up a seed, as comparisons do.

The stylized tests compare many scenarios that settle alike (the shipped programmes
and incentive switches all settle as the siloed baseline). Each seed's scenarios are
grouped by :func:`cxsim.core.simulation.settles_alike` and each group runs from one
shared warm-up (:func:`cxsim.core.simulation.run_settled`); each result is the one
:func:`cxsim.run` gives alone, bit for bit, so the tests assert on the same figures at a
fraction of the cost.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from cxsim.core.simulation import RunResult, release, run_settled, settles_alike

__all__ = ["replicate_together"]

Spec = Hashable


def _groups(scenarios: list) -> list[list[int]]:
    """Indices of the scenarios, in groups that settle alike (first come, first grouped)."""
    groups: list[list[int]] = []
    for i, scenario in enumerate(scenarios):
        for group in groups:
            if settles_alike(scenarios[group[0]], scenario):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def _one_seed(job: tuple) -> list[dict]:
    specs, seed, weeks, scenario_of, summarize = job
    scenarios = [scenario_of(spec) for spec in specs]
    rows: list[dict | None] = [None] * len(specs)
    for group in _groups(scenarios):
        results = run_settled([scenarios[i] for i in group], seed=seed, weeks=weeks)
        for i, result in zip(group, results, strict=True):
            rows[i] = summarize(result)
            release(result.model)  # Mesa 3.3 would keep every finished model alive
    return rows


def replicate_together(
    specs: Sequence[Spec],
    seeds: Sequence[int],
    scenario_of: Callable[[Spec], object],
    summarize: Callable[[RunResult], dict],
    weeks: int | None = None,
) -> dict[Spec, dict[str, np.ndarray]]:
    """Run every scenario on every seed, one warm-up per seed and settled group.

    Args:
        specs: What to run; ``scenario_of(spec)`` builds each scenario.
        seeds: The seeds, the same for every scenario (common random numbers).
        scenario_of: Module-level function from a spec to its scenario.
        summarize: Module-level function from a run's result to a row of figures.
        weeks: Horizon of every run (each scenario's own by default).

    Returns:
        For each spec, its figures by name, each an array over the seeds.
    """
    specs = list(dict.fromkeys(specs))
    jobs = [(specs, seed, weeks, scenario_of, summarize) for seed in seeds]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=context) as pool:
        by_seed = list(pool.map(_one_seed, jobs))
    return {
        spec: {key: np.array([rows[i][key] for rows in by_seed]) for key in by_seed[0][i]}
        for i, spec in enumerate(specs)
    }
