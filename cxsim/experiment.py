"""Replications: common random numbers, batched workers, any Executor, a resumable store.

Replicate seeds come from ``numpy.random.SeedSequence(experiment_seed).spawn(n)``;
replicate *r* uses the same seed under every scenario, so comparisons are paired
(common random numbers). Workers receive scenario dicts and seeds, never models, run a
batch of replications (so that a task lasts long enough to be worth sending), and
return plain records; the parent writes each finished run to the store as it arrives.
"""

from __future__ import annotations

import math
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from cxsim.scenario import Scenario
from cxsim.store import RunRecord, Store, run_key

__all__ = ["RunSpec", "execute", "replicate_seeds", "run_batch", "specs_for"]

MIN_TASK_SECONDS = 0.1
"""A task should run at least this long, or its overhead dominates."""


def replicate_seeds(experiment_seed: int, replications: int) -> list[int]:
    """Seeds of replications 0..n-1, the same for every scenario of an experiment."""
    children = np.random.SeedSequence(experiment_seed).spawn(replications)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children]


@dataclass(frozen=True)
class RunSpec:
    """One run to do: a scenario (as a plain dict), a replicate and its seed."""

    scenario: dict[str, Any]
    scenario_name: str
    scenario_hash: str
    replicate: int
    seed: int

    @property
    def key(self) -> str:
        """The run's identity in the store."""
        return run_key(self.scenario_hash, self.seed)


def specs_for(scenarios: Sequence[Scenario], seeds: Sequence[int]) -> list[RunSpec]:
    """Every (scenario, replicate) pair, replicate by replicate."""
    plain = [(s.to_dict(), s.name, s.hash()) for s in scenarios]
    return [
        RunSpec(data, name, digest, replicate, seed)
        for replicate, seed in enumerate(seeds)
        for data, name, digest in plain
    ]


def run_batch(specs: Sequence[RunSpec]) -> list[RunRecord]:
    """Run a batch of replications in this process; a run that raises is recorded.

    The model of each run is released after its results are taken (Mesa 3.3 keeps every
    model alive in ``Agent._ids`` otherwise), so a worker's memory stays flat.
    """
    from cxsim.simulation import release, run

    records = []
    for spec in specs:
        started = time.perf_counter()
        try:
            result = run(Scenario.from_dict(spec.scenario), seed=spec.seed)
            metrics = result.metrics
            record = RunRecord(
                run_key=spec.key,
                scenario_name=spec.scenario_name,
                scenario_hash=spec.scenario_hash,
                replicate=spec.replicate,
                seed=spec.seed,
                status="done",
                error=None,
                final=result.final(),
                weekly={name: [float(v) for v in metrics[name]] for name in metrics.columns},
                scenario=spec.scenario,
                provenance=result.provenance,
                seconds=time.perf_counter() - started,
            )
            release(result.model)
        except Exception as exc:  # a failed run is recorded; the experiment goes on
            record = RunRecord(
                run_key=spec.key,
                scenario_name=spec.scenario_name,
                scenario_hash=spec.scenario_hash,
                replicate=spec.replicate,
                seed=spec.seed,
                status="failed",
                error="".join(traceback.format_exception_only(type(exc), exc)).strip(),
                final=None,
                weekly=None,
                scenario=spec.scenario,
                provenance={"seed": spec.seed, "scenario_hash": spec.scenario_hash},
                seconds=time.perf_counter() - started,
            )
        records.append(record)
    return records


def batch_size(seconds_per_run: float) -> int:
    """Runs per task so that a task lasts at least :data:`MIN_TASK_SECONDS`."""
    return max(1, math.ceil(MIN_TASK_SECONDS / max(seconds_per_run, 1e-6)))


def _batches(specs: Sequence[RunSpec], size: int) -> Iterable[list[RunSpec]]:
    for i in range(0, len(specs), size):
        yield list(specs[i : i + size])


class Progress:
    """A one-line progress bar on stderr: runs done, failures, time left."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.started = time.perf_counter()
        self.enabled = enabled and total > 0

    def update(self, records: Sequence[RunRecord]) -> None:
        """Count finished runs and redraw."""
        self.done += len(records)
        self.failed += sum(r.status == "failed" for r in records)
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        width = 30
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "-" * (width - filled)
        print(
            f"\r[{bar}] {self.done}/{self.total} runs, {self.failed} failed, "
            f"{_duration(left)} left ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if self.done >= self.total:
            print(file=sys.stderr)


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def execute(
    specs: Sequence[RunSpec],
    store: Store,
    executor: Executor | None = None,
    progress: bool = True,
    on_records: Callable[[list[RunRecord]], None] | None = None,
) -> dict[str, int]:
    """Run every spec not already done in the store, writing each result as it arrives.

    Args:
        specs: The runs of the experiment.
        store: Where finished runs are written (and which runs are skipped).
        executor: Any ``concurrent.futures.Executor``; None runs in this process.
        progress: Whether to draw a progress bar on stderr.
        on_records: Called with each batch of finished records, after it is stored.

    Returns:
        Counts of runs ``skipped`` (already done), ``done`` and ``failed`` now.
    """
    done = store.done_keys()
    pending = [s for s in specs if s.key not in done]
    counts = {"skipped": len(specs) - len(pending), "done": 0, "failed": 0}
    bar = Progress(len(pending), enabled=progress)
    if not pending:
        return counts

    def finish(records: list[RunRecord]) -> None:
        store.record(records)
        bar.update(records)
        for r in records:
            counts["done" if r.status == "done" else "failed"] += 1
        if on_records:
            on_records(records)

    first = run_batch(pending[:1])  # also measures how long a run takes
    finish(first)
    size = batch_size(first[0].seconds)
    rest = pending[1:]
    if executor is None:
        for batch in _batches(rest, size):
            finish(run_batch(batch))
        return counts
    futures: list[Future] = [executor.submit(run_batch, b) for b in _batches(rest, size)]
    for future in as_completed(futures):
        finish(future.result())
    return counts
