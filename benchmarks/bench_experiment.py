"""Replications per minute: one worker, two workers, and Dask, measured in one run.

Usage: python benchmarks/bench_experiment.py [--reps N] [--json FILE]

Runs the siloed baseline through the experiment machinery (``execute`` with a results
store) on a process pool of one worker, a process pool of two, and a local Dask cluster
of two worker processes. Pools are started and warmed before the clock starts,
so the figures are steady-state rates, the ones that matter for long experiments.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cxsim import Scenario
from cxsim.analysis.experiment import execute, open_executor, replicate_seeds, run_batch, specs_for
from cxsim.analysis.store import Store

ROOT = Path(__file__).resolve().parents[1]
SILOED = ROOT / "scenarios" / "siloed.toml"


def warm(executor, workers: int) -> None:
    """Start every worker and import cxsim there before timing."""
    tiny = Scenario.load(SILOED, overrides={"customers.count": 100, "scenario.weeks": 1})
    specs = specs_for([tiny], replicate_seeds(99, workers * 2))
    for future in [executor.submit(run_batch, [s]) for s in specs]:
        future.result()


def rate(executor, reps: int, seed: int) -> float:
    """Replications per minute of the siloed baseline."""
    specs = specs_for([Scenario.load(SILOED)], replicate_seeds(seed, reps))
    with tempfile.TemporaryDirectory() as scratch, Store(Path(scratch) / "b.db") as store:
        started = time.perf_counter()
        execute(specs, store, executor, progress=False)
        return reps / (time.perf_counter() - started) * 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=24, help="replications per measurement")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        warm(pool, 1)
        one = rate(pool, args.reps // 2, seed=1)
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        warm(pool, 2)
        two = rate(pool, args.reps, seed=2)
    figures = {"one_worker": one, "two_workers": two, "two_over_one": two / one}
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        print("Dask not installed: pip install 'cxsim[dask]' to measure it")
    else:
        with open_executor("dask", workers=2) as executor:  # as cxsim compare opens it
            warm(executor, 2)
            dask = rate(executor, args.reps, seed=3)
        figures.update(dask_two_workers=dask, dask_over_pool=dask / two)
    print("siloed baseline, replications per minute (steady state):")
    print(f"  one worker            {one:6.1f}")
    print(f"  two workers (pool)    {two:6.1f}   x{two / one:.2f} one worker")
    if "dask_two_workers" in figures:
        print(
            f"  two workers (Dask)    {figures['dask_two_workers']:6.1f}   "
            f"x{figures['dask_over_pool']:.2f} the pool"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
