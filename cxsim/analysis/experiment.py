"""Replications: common random numbers, batched workers, any Executor, a resumable store.

Replicate seeds come from ``numpy.random.SeedSequence(experiment_seed).spawn(n)``;
replicate *r* uses the same seed under every scenario, so comparisons are paired
(common random numbers). Workers receive scenario dicts and seeds, never models, run a
batch of replications (so that a task lasts long enough to be worth sending), and
return plain records; the parent writes each finished run to the store as it arrives.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from cxsim.analysis.store import RunRecord, Store, run_key
from cxsim.config.scenario import Scenario
from cxsim.core.provenance import package_versions
from cxsim.validation.errors import InputError

__all__ = [
    "NotEnoughRuns",
    "describe_comparison",
    "RunSpec",
    "open_executor",
    "compare_scenarios",
    "execute",
    "replicate_seeds",
    "run_batch",
    "specs_for",
]

_PROFILER = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED"

MIN_TASK_SECONDS = 0.1
"""A task should run at least this long, or its overhead dominates."""


@contextmanager
def open_executor(
    kind: str = "process", workers: int = 1, scheduler: str | None = None
) -> Iterator[Executor | None]:
    """Open the executor runs go to, and close it afterwards.

    Args:
        kind: ``"process"`` (a local process pool; one worker runs in this process) or
            ``"dask"`` (a Dask cluster, through ``client.get_executor(pure=False)`` so
            that identical replications are not merged).
        workers: Processes for the pool, or for a local Dask cluster.
        scheduler: Address of a Dask scheduler; by default ``DASK_SCHEDULER_ADDRESS``,
            and without either a local Dask cluster of ``workers`` processes.

    Raises:
        InputError: For an unknown kind, or Dask requested but not installed.
    """
    if kind == "process":
        if workers <= 1:
            yield None
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, explicitly: Mesa 3.3 forces it process-wide at import anyway
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),)
        ) as pool:
            yield pool
        return
    if kind != "dask":
        raise InputError("--executor", "process or dask", kind)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "--executor", 'Dask installed for --executor dask: pip install "cxsim[dask]"'
        ) from None
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        try:
            client = Client(address, timeout=30)
        except (OSError, ValueError, TimeoutError) as exc:
            raise InputError(
                "--scheduler", f"the address of a reachable Dask scheduler ({exc})", address
            ) from None
        cluster = None
    else:
        # workers read this at start-up: the statistical profiler samples every task's
        # stack every 10 ms, a cost worth avoiding for long CPU-bound tasks
        previous = os.environ.get(_PROFILER)
        os.environ[_PROFILER] = "False"
        try:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        finally:
            if previous is None:
                os.environ.pop(_PROFILER, None)
            else:
                os.environ[_PROFILER] = previous
        client = Client(cluster)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


PARENT_CHECK_SECONDS = 1.0
"""How often a pool worker checks that the process that started it is still alive."""


def watch_parent(parent: int) -> None:
    """In a pool worker: exit as soon as the process that started the pool is gone.

    A pool's parent that is killed (``kill -9``, an out-of-memory kill) cannot shut its
    workers down; without this they would wait for work forever, holding their memory.
    A daemon thread waits on the parent's sentinel (readable when it dies, on every
    platform), checking the parent's id every :data:`PARENT_CHECK_SECONDS` as well, and
    ends the worker.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    origin = multiprocessing.parent_process()
    sentinel = None if origin is None else origin.sentinel

    def watch() -> None:
        while os.getppid() == parent:
            if sentinel is not None and wait([sentinel], PARENT_CHECK_SECONDS):
                break
            if sentinel is None:
                time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="cxsim-watch-parent", daemon=True).start()


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

    def record(self, **outcome: Any) -> RunRecord:
        """The stored record of this run, given how it went."""
        return RunRecord(
            run_key=self.key,
            scenario_name=self.scenario_name,
            scenario_hash=self.scenario_hash,
            replicate=self.replicate,
            seed=self.seed,
            scenario=self.scenario,
            **outcome,
        )

    def failed(self, error: str, seconds: float) -> RunRecord:
        """The record of this run when it did not finish (retried next time)."""
        return self.record(
            status="failed",
            error=error,
            final=None,
            weekly=None,
            provenance={
                "seed": self.seed,
                "scenario_hash": self.scenario_hash,
                "versions": package_versions(),
            },
            seconds=seconds,
        )


def specs_for(scenarios: Sequence[Scenario], seeds: Sequence[int]) -> list[RunSpec]:
    """Every (scenario, replicate) pair, replicate by replicate."""
    plain = [(s.to_dict(), s.name, s.model_hash()) for s in scenarios]
    return [
        RunSpec(data, name, digest, replicate, seed)
        for replicate, seed in enumerate(seeds)
        for data, name, digest in plain
    ]


def tune_allocator() -> bool:
    """Keep glibc from mapping and unmapping the week's arrays afresh, in a worker.

    A week allocates and frees NumPy arrays of a few hundred KiB. Dask starts its workers
    with ``MALLOC_TRIM_THRESHOLD_=65536``, which also pins glibc's mmap threshold at
    128 KiB, so each such array is mapped, faulted in and unmapped again: runs take half
    as long again. Raising both thresholds (``mallopt``) restores the speed of a plain
    process. Only in worker processes on glibc; returns whether it applied.
    """
    import ctypes
    import multiprocessing

    if sys.platform != "linux" or multiprocessing.parent_process() is None:
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(libc.mallopt(m_mmap_threshold, 32 << 20)) and bool(
        libc.mallopt(m_trim_threshold, 64 << 20)
    )


def run_batch(specs: Sequence[RunSpec]) -> list[RunRecord]:
    """Run a batch of replications in this process; a run that raises is recorded.

    Runs of one seed whose scenarios settle alike share their warm-up
    (:func:`cxsim.core.simulation.run_settled`): each result is the one a run alone
    gives, bit for bit. When a shared run fails, the rest of its group run alone. The
    model of each run is released after its results are taken (Mesa 3.3 keeps every
    model alive in ``Agent._ids`` otherwise), so a worker's memory stays flat.
    """
    tune_allocator()
    records: dict[int, RunRecord] = {}
    parsed: list[tuple[int, RunSpec, Scenario]] = []
    for i, spec in enumerate(specs):
        try:
            parsed.append((i, spec, Scenario.from_dict(spec.scenario)))
        except Exception as exc:  # a failed run is recorded; the experiment goes on
            records[i] = spec.failed(_error(exc), 0.0)
    for group in _settling_groups(parsed):
        records.update(_run_group(group))
    return [records[i] for i in range(len(specs))]


def _error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _settling_groups(
    parsed: Sequence[tuple[int, RunSpec, Scenario]],
) -> list[list[tuple[int, RunSpec, Scenario]]]:
    """The runs that can share a warm-up: one seed, scenarios that settle alike."""
    from cxsim.core.simulation import settles_alike

    groups: list[list[tuple[int, RunSpec, Scenario]]] = []
    for item in parsed:
        _, spec, scenario = item
        for group in groups:
            _, first, settled = group[0]
            if first.seed == spec.seed and settles_alike(settled, scenario):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def _run_group(group: Sequence[tuple[int, RunSpec, Scenario]]) -> dict[int, RunRecord]:
    """Records of one group's runs, sharing the warm-up; alone after a failure."""
    from cxsim.core.simulation import release, run, run_settled

    records: dict[int, RunRecord] = {}
    started = time.perf_counter()
    results = run_settled([scenario for _, _, scenario in group], seed=group[0][1].seed)
    for i, spec, scenario in group:
        try:
            result = next(results) if results is not None else run(scenario, seed=spec.seed)
            records[i] = _done(spec, result, time.perf_counter() - started)
            release(result.model)
        except Exception as exc:  # a failed run is recorded; the experiment goes on
            records[i] = spec.failed(_error(exc), time.perf_counter() - started)
            results = None  # a shared warm-up cannot go on past a failure
        started = time.perf_counter()
    return records


def _done(spec: RunSpec, result: Any, seconds: float) -> RunRecord:
    metrics = result.metrics
    return spec.record(
        status="done",
        error=None,
        final=result.final(),
        weekly={name: [float(v) for v in metrics[name]] for name in metrics.columns},
        provenance=result.provenance,
        seconds=seconds,
        network=result.network(),
    )


def batch_size(seconds_per_run: float) -> int:
    """Runs per task so that a task lasts at least :data:`MIN_TASK_SECONDS`."""
    return max(1, math.ceil(MIN_TASK_SECONDS / max(seconds_per_run, 1e-6)))


def _batches(specs: Sequence[RunSpec], size: int) -> Iterable[list[RunSpec]]:
    """Batches of at least ``size`` runs (the last may be shorter).

    A batch never splits the runs of one seed, so that they can share their warm-up.
    """
    batch: list[RunSpec] = []
    for spec in specs:
        if len(batch) >= size and spec.seed != batch[-1].seed:
            yield batch
            batch = []
        batch.append(spec)
    if batch:
        yield batch


def progress_bar(total: int, enabled: bool = True) -> tqdm:
    """A progress bar on stderr (tqdm): runs done, rate and time left.

    Redrawn at most five times a second; silent when not ``enabled`` or when there is
    nothing to run.
    """
    return tqdm(
        total=total,
        unit="run",
        desc="runs",
        file=sys.stderr,
        mininterval=0.2,
        disable=not enabled or total == 0,
        dynamic_ncols=True,
    )


def execute(
    specs: Sequence[RunSpec],
    store: Store,
    executor: Executor | None = None,
    progress: bool = True,
    on_records: Callable[[list[RunRecord]], None] | None = None,
    batch: int | None = None,
) -> dict[str, int]:
    """Run every spec not already done in the store, writing each result as it arrives.

    Args:
        specs: The runs of the experiment.
        store: Where finished runs are written (and which runs are skipped).
        executor: Any ``concurrent.futures.Executor``; None runs in this process.
        progress: Whether to draw a progress bar on stderr.
        on_records: Called with each batch of finished records, after it is stored.
        batch: Runs per task. By default the first runs are timed and set it (in the
            pool when there is an executor); a caller that sends a few runs at a time
            (a calibration) gives 1 so that every run goes to the executor at once.

    Returns:
        Counts of runs ``skipped`` (already done), ``done`` and ``failed`` now.
    """
    store.plan((s.key, s.scenario_name, s.replicate) for s in specs)
    done = store.done_keys()
    pending = [s for s in specs if s.key not in done]
    counts = {"skipped": len(specs) - len(pending), "done": 0, "failed": 0}
    if not pending:
        return counts
    with progress_bar(len(pending), enabled=progress) as bar:

        def finish(records: list[RunRecord]) -> None:
            store.record(records)
            for r in records:
                counts["done" if r.status == "done" else "failed"] += 1
            bar.update(len(records))
            if counts["failed"]:
                bar.set_postfix(failed=counts["failed"], refresh=False)
            if on_records:
                on_records(records)

        _run_pending(pending, executor, finish, batch)
    return counts


def _run_pending(
    pending: Sequence[RunSpec],
    executor: Executor | None,
    finish: Callable[[list[RunRecord]], None],
    batch: int | None,
) -> None:
    """Run the pending specs, handing each batch of records to ``finish``.

    Unless ``batch`` is given, the first runs are timed to set the batch size: in this
    process without an executor; in the pool with one, a seed at a time on two workers,
    so that no worker waits while the main process runs.
    """
    rest = list(pending)
    if executor is None:
        seconds = None
        while rest and seconds is None and batch is None:
            first = next(iter(_batches(rest, 1)))
            records = run_batch(first)
            finish(records)
            rest = rest[len(first) :]
            seconds = _seconds_per_run(records)
        for chunk in _batches(rest, _size(batch, seconds, rest)):
            finish(run_batch(chunk))
        return
    futures: dict[Future, list[RunSpec]] = {}
    seconds = None
    while rest and seconds is None and batch is None:
        while rest and len(futures) < _PROBES:
            first = next(iter(_batches(rest, 1)))
            _submit(executor, futures, first, finish)
            rest = rest[len(first) :]
        if not futures:
            break
        done = next(as_completed(futures))
        records = _records(done, futures.pop(done))
        finish(records)
        seconds = _seconds_per_run(records)
    for chunk in _batches(rest, _size(batch, seconds, rest)):
        _submit(executor, futures, chunk, finish)
    for future in as_completed(list(futures)):
        finish(_records(future, futures.pop(future)))


_PROBES = 2
"""Batches of one seed sent to a pool while the first runs are timed."""


def _seconds_per_run(records: Sequence[RunRecord]) -> float | None:
    """The mean time of a batch's runs, or None when none of them finished."""
    if not any(r.status == "done" for r in records):
        return None
    return sum(r.seconds for r in records) / len(records)


def _size(batch: int | None, seconds: float | None, rest: Sequence[RunSpec]) -> int:
    return batch or min(batch_size(seconds or 1.0), max(1, math.ceil(len(rest) / 8)))


def _submit(
    executor: Executor,
    futures: dict[Future, list[RunSpec]],
    chunk: list[RunSpec],
    finish: Callable[[list[RunRecord]], None],
) -> None:
    try:
        futures[executor.submit(run_batch, chunk)] = chunk
    except Exception as exc:  # a broken pool takes no more work
        finish(_lost(chunk, exc))


def _records(future: Future, chunk: list[RunSpec]) -> list[RunRecord]:
    try:
        return future.result()
    except Exception as exc:  # a worker died or the cluster lost the task
        return _lost(chunk, exc)


def _lost(batch: Sequence[RunSpec], exc: BaseException) -> list[RunRecord]:
    """Failed records for a batch whose worker was lost, so it is retried next time."""
    return [spec.failed(f"worker lost: {type(exc).__name__}: {exc}", 0.0) for spec in batch]


def compare_scenarios(
    scenarios: Sequence[Scenario],
    store: Store,
    executor: Executor | None = None,
    *,
    reps: int = 30,
    seed: int = 0,
    precision: float | None = None,
    metrics: Sequence[str] = (),
    max_reps: int = 1000,
    progress: bool = True,
) -> dict[str, Any]:
    """Run scenarios over paired replications and compare each with the first.

    With ``precision``, replications are added until every metric in ``metrics`` has a
    paired difference whose 95% half-width is at most ``precision``, or ``max_reps`` is
    spent: sequential stopping after Law (2015), where each round asks for
    n (h / precision)^2 replications, the number the current half-width h suggests.

    Args:
        scenarios: The baseline first, then the scenarios to compare with it.
        store: Where runs are stored (and found again).
        executor: Any ``concurrent.futures.Executor``; None runs in this process.
        reps: Replications (the first round, with ``precision``).
        seed: Experiment seed; replicate seeds are spawned from it.
        precision: Target half-width of the watched differences, or None.
        metrics: Metrics whose half-width ``precision`` targets.
        max_reps: Budget of replications for sequential stopping.
        progress: Whether to draw a progress bar.

    Returns:
        The report: ``baseline``, ``reps``, ``scenarios``, ``differences``,
        ``variance_reduction``, ``runs`` (counts) and, with ``precision``, ``precision``.
    """
    from cxsim.analysis.stats import compare

    baseline = scenarios[0].name
    counts = {"skipped": 0, "done": 0, "failed": 0}
    comparison = describe_comparison(scenarios, seed)
    n = min(reps, max_reps) if precision is not None else reps
    first_round = True
    while True:
        seeds = replicate_seeds(seed, n)
        ran = execute(specs_for(scenarios, seeds), store, executor, progress)
        counts["done"] += ran["done"]
        counts["failed"] = ran["failed"]  # failures are retried each round: count the last
        if first_round:  # later rounds find the earlier rounds' runs: not "from the store"
            counts["skipped"] = ran["skipped"]
            first_round = False
        finals = {s.name: store.finals(s.model_hash(), seeds) for s in scenarios}
        base_runs = finals[baseline].index
        short = [  # a difference needs two replicates that ran under both scenarios
            name
            for name, frame in finals.items()
            if len(frame) < 2 or len(frame.index.intersection(base_runs)) < 2
        ]
        if short:
            raise NotEnoughRuns(short[0])
        report = compare(finals, baseline=baseline)
        store.remember("comparison", {**comparison, "reps": n})  # what the report reads
        if precision is None:
            break
        widths = _half_widths(report, metrics)
        worst = max(widths.values())
        if worst <= precision or n >= max_reps:
            report["precision"] = {
                "target": precision,
                "metrics": list(metrics),
                "half_widths": widths,
                "reached": worst <= precision,
            }
            break
        n = min(max_reps, max(n + 1, math.ceil(n * (worst / precision) ** 2)))
    return {"baseline": baseline, "reps": n, **report, "runs": counts}


class NotEnoughRuns(Exception):
    """Fewer than two successful runs of a scenario: no interval can be given."""

    def __init__(self, scenario: str) -> None:
        super().__init__(f"fewer than two successful runs of {scenario}")
        self.scenario = scenario


def describe_comparison(scenarios: Sequence[Scenario], seed: int, reps: int = 0) -> dict:
    """What a comparison is, as kept in its store: baseline, seed, reps, scenarios."""
    return {
        "baseline": scenarios[0].name,
        "seed": seed,
        "reps": reps,
        "scenarios": [
            {
                "name": s.name,
                "model_hash": s.model_hash(),
                "source": s.source,
                "scenario": s.to_dict(),
                "economics_given": "economics" in s.given,
            }
            for s in scenarios
        ],
    }


def _half_widths(report: dict[str, Any], metrics: Sequence[str]) -> dict[str, float]:
    """The largest half-width of each watched metric's differences."""
    widths: dict[str, float] = {}
    for d in report["differences"]:
        if d["metric"] in metrics:
            half = (d["ci_high"] - d["ci_low"]) / 2.0
            widths[d["metric"]] = max(widths.get(d["metric"], 0.0), half)
    return widths
