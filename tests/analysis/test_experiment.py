import gc
import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from cxsim.analysis import experiment
from cxsim.analysis.experiment import batch_size, execute, replicate_seeds, run_batch, specs_for
from cxsim.analysis.store import Store
from cxsim.app.cli import main
from cxsim.core import simulation
from tests.conftest import SCENARIOS, small

SILOED = str(SCENARIOS / "siloed.toml")
COLLAB = str(SCENARIOS / "collaborative.toml")
COLD = ["--set", "warm_up.weeks=0"]  # mechanics, not the organization at rest
TINY = [
    "--set",
    "customers.count=600",
    "--set",
    "scenario.weeks=6",
    *COLD,
    "--workers",
    "1",
    "--quiet",
]


def test_replicate_seeds_are_reproducible_and_distinct():
    seeds = replicate_seeds(42, 50)
    assert seeds == replicate_seeds(42, 50) and len(set(seeds)) == 50
    assert replicate_seeds(42, 60)[:50] == seeds  # more replications extend, never reshuffle
    assert replicate_seeds(43, 5) != seeds[:5]


def test_every_scenario_gets_the_same_seeds():
    specs = specs_for([small(weeks=2), small({"structure.type": "cx_council"}, weeks=2)], [5, 9])
    assert [(s.replicate, s.seed) for s in specs] == [(0, 5), (0, 5), (1, 9), (1, 9)]
    assert len({s.key for s in specs}) == 4


def test_batches_last_long_enough():
    assert batch_size(1.0) == 1
    assert batch_size(0.01) == 10


def test_a_failing_run_is_recorded_and_the_rest_go_on(tmp_path):
    good = specs_for([small(weeks=2)], [1])[0]
    broken = type(good)({"scenario": {"weeks": "x"}}, "broken", "hash", 0, 3)
    records = run_batch([broken, good])
    assert [r.status for r in records] == ["failed", "done"]
    assert "scenario.weeks" in records[0].error


def _settling(overrides: dict | None = None):
    return small({"warm_up.weeks": 8, **(overrides or {})}, weeks=4, customers=500)


# a change programme's options all settle as the baseline they start from
OPTIONS = [
    {},
    {"structure.type": "cross_functional", "warm_up.structure": "silo"},
    {"incentives.type": "team_recognition", "warm_up.incentives": "individual_throughput"},
]


def test_runs_of_a_seed_that_settle_alike_share_one_warm_up(monkeypatch):
    specs = specs_for([_settling(o) for o in OPTIONS], [3, 8])
    alone = [run_batch([spec])[0] for spec in specs]
    built = []

    class Counted(simulation.OrganizationModel):
        def __init__(self, *args, **kwargs):
            built.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(simulation, "OrganizationModel", Counted)
    together = run_batch(specs)
    assert len(built) == 2  # one warm-up a seed, not one a run
    assert [r.status for r in together] == ["done"] * 6
    assert [r.final for r in together] == [r.final for r in alone]
    assert [r.weekly for r in together] == [r.weekly for r in alone]
    assert [r.run_key for r in together] == [s.key for s in specs]


def test_a_shared_warm_up_that_fails_leaves_the_rest_to_run_alone(monkeypatch):
    specs = specs_for([_settling(o) for o in OPTIONS], [3])
    real = simulation.run_settled

    def second_fails(scenarios, seed=0, weeks=None):
        results = real(scenarios, seed, weeks)
        yield next(results)
        raise RuntimeError("lost in the second run")

    monkeypatch.setattr(simulation, "run_settled", second_fails)
    records = run_batch(specs)
    assert [r.status for r in records] == ["done", "failed", "done"]
    assert "lost in the second run" in records[1].error
    assert records[2].final == run_batch([specs[2]])[0].final


def test_a_batch_never_splits_the_runs_of_one_seed():
    specs = specs_for([_settling(o) for o in OPTIONS], [1, 2, 3, 4])
    batches = list(experiment._batches(specs, 2))
    assert [len(b) for b in batches] == [3, 3, 3, 3]
    assert all(len({s.seed for s in b}) == 1 for b in batches)
    assert [s for b in batches for s in b] == specs
    assert [len(b) for b in experiment._batches(specs, 4)] == [6, 6]


def test_an_interrupted_experiment_resumes_without_redoing_runs(tmp_path):
    scenarios = [small(weeks=3), small({"incentives.type": "team_recognition"}, weeks=3)]
    specs = specs_for(scenarios, replicate_seeds(0, 4))
    with Store(tmp_path / "runs.db") as store:
        store.plan((s.key, s.scenario_name, s.replicate) for s in specs)
        first = execute(specs[:3], store, progress=False)  # "killed" after three runs
        assert first == {"skipped": 0, "done": 3, "failed": 0}
        assert store.status() == {"done": 3, "older": 0, "failed": 0, "pending": 5}
        resumed = execute(specs, store, progress=False)
        assert resumed == {"skipped": 3, "done": 5, "failed": 0}
        interrupted = {s.name: store.finals(s.hash()) for s in scenarios}
    with Store(tmp_path / "fresh.db") as store:
        execute(specs, store, progress=False)
        fresh = {s.name: store.finals(s.hash()) for s in scenarios}
    for name in fresh:
        assert interrupted[name].equals(fresh[name])


@pytest.mark.slow
def test_a_worker_keeps_a_flat_memory_footprint():
    """1,000 replications in one worker. Mesa 3.3 keeps every model alive in Agent._ids
    unless the run releases it; then these 700 runs would add about 350 MB."""
    scenario = small(
        {f"departments.{d}.headcount": 1 for d in ("product", "support", "billing")},
        weeks=1,
        customers=30,
    )
    specs = specs_for([scenario], replicate_seeds(1, 1000))

    def peak_kilobytes() -> int:
        gc.collect()
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    run_batch(specs[:300])
    after_300 = peak_kilobytes()
    run_batch(specs[300:])
    assert peak_kilobytes() - after_300 < 30_000  # under 30 MB for 700 more runs


def test_compare_prints_paired_differences_as_json(tmp_path, capsys):
    store = tmp_path / "runs.db"
    args = ["compare", SILOED, COLLAB, "--reps", "3", "--store", str(store), "--json", *TINY]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["baseline"] == "siloed-baseline" and report["reps"] == 3
    names = [s["name"] for s in report["scenarios"]]
    assert names == ["siloed-baseline", "collaborative"]
    trust = report["scenarios"][1]["metrics"]["trust"]
    assert trust["ci_low"] <= trust["mean"] <= trust["ci_high"]
    diff = next(d for d in report["differences"] if d["metric"] == "trust")
    assert set(diff) >= {"scenario", "metric", "mean", "ci_low", "ci_high", "p_value"}
    assert "trust" in report["variance_reduction"]["collaborative"]
    # run again: everything comes from the store, with the same numbers
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["runs"] == {"skipped": 6, "done": 0, "failed": 0}
    assert again["differences"] == report["differences"]
    assert main(["status", str(store)]) == 0
    assert "6 done, 0 failed, 0 pending" in capsys.readouterr().out


def test_compare_table_and_process_pool(capsys):
    args = ["compare", SILOED, COLLAB, "--reps", "2", "--set", "customers.count=600"]
    args += ["--set", "scenario.weeks=4", *COLD, "--workers", "2", "--quiet"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "collaborative - siloed-baseline" in out and "first_contact_resolution" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", SILOED, COLLAB, "--reps", "0"], "--reps: expected at least 2"),
        (["compare", SILOED, COLLAB, "--reps", "1"], "--reps: expected at least 2"),
        (["compare", "missing.toml", COLLAB], "missing.toml: expected an existing scenario file"),
        (["compare", SILOED, COLLAB, "--workers", "0"], "--workers: expected at least 1"),
        (["status", "missing.db"], "missing.db: expected an existing results store"),
        (["compare", SILOED, COLLAB, "--precision", "0.1"], "--metric: expected the metrics"),
        (["compare", SILOED, COLLAB, "--precision", "0", "--metric", "trust"], "--precision"),
        (["compare", SILOED, COLLAB, "--precision", "nan", "--metric", "trust"], "finite"),
        (
            ["compare", SILOED, COLLAB, "--precision", "0.1", "--metric", "happiness"],
            "--metric: expected one of",
        ),
        (["compare", SILOED, COLLAB, "--metric", "trust"], "--precision: expected a target"),
        (["compare", SILOED], "SCENARIO: expected a baseline and at least one scenario"),
        (["compare", SILOED, SILOED], "SCENARIO: expected scenarios that differ"),
        (["compare", SILOED, COLLAB, "--store", ""], "--store: expected a file name"),
    ],
)
def test_compare_bad_input_exits_2(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_a_dask_local_cluster_gives_the_same_results_as_one_process(tmp_path):
    distributed = pytest.importorskip("dask.distributed", reason="the test extra installs Dask")
    scenarios = [small(weeks=3, customers=800), small({"structure.type": "cx_council"}, weeks=3)]
    specs = specs_for(scenarios, replicate_seeds(5, 4))
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        with distributed.Client(cluster) as client, Store(tmp_path / "dask.db") as store:
            counts = execute(specs, store, client.get_executor(pure=False), progress=False)
            on_dask = {s.name: store.finals(s.hash()) for s in scenarios}
    finally:
        cluster.close()
    assert counts == {"skipped": 0, "done": 8, "failed": 0}
    with Store(tmp_path / "local.db") as store:
        execute(specs, store, progress=False)
        local = {s.name: store.finals(s.hash()) for s in scenarios}
    for name in local:
        assert on_dask[name].equals(local[name])


def test_compare_runs_on_dask_from_the_command_line(capsys):
    pytest.importorskip("dask.distributed", reason="the test extra installs Dask")
    args = ["compare", SILOED, COLLAB, "--reps", "2", "--set", "customers.count=600"]
    args += ["--set", "scenario.weeks=3", *COLD, "--executor", "dask", "--workers", "2", "--quiet"]
    assert main(args) == 0
    assert "collaborative - siloed-baseline" in capsys.readouterr().out


def test_a_comparison_under_uncertainty_gives_the_same_figures_on_dask(tmp_path, capsys):
    pytest.importorskip("dask.distributed", reason="the test extra installs Dask")
    args = ["compare", SILOED, COLLAB, "--reps", "2", "--uncertainty", "--draws", "4", "--json"]
    args += ["--set", "customers.count=600", "--set", "scenario.weeks=3", *COLD, "--quiet"]
    on_dask = [*args, "--executor", "dask", "--workers", "2", "--store", str(tmp_path / "d.db")]
    assert main(on_dask) == 0
    dask_report = json.loads(capsys.readouterr().out)
    assert main([*args, "--workers", "1", "--store", str(tmp_path / "p.db")]) == 0
    process_report = json.loads(capsys.readouterr().out)
    assert dask_report["uncertainty"]["draws"] == 4
    assert dask_report["uncertainty"] == process_report["uncertainty"]


def test_precision_adds_replications_until_the_half_width_is_reached(capsys):
    args = ["compare", SILOED, COLLAB, "--reps", "2", "--precision", "0.01", "--json"]
    args += ["--metric", "trust", *TINY]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["precision"]["reached"]
    assert report["precision"]["half_widths"]["trust"] <= 0.01
    assert report["reps"] >= 2


def test_precision_stops_at_the_budget(capsys):
    args = ["compare", SILOED, COLLAB, "--reps", "2", "--precision", "1e-9", "--max-reps", "3"]
    args += ["--metric", "trust", "--json", *TINY]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert not report["precision"]["reached"] and report["reps"] == 3


def test_a_corrupted_store_is_refused_and_left_as_it_was(tmp_path, capsys):
    bad = tmp_path / "runs.db"
    content = b"not a database" * 200
    bad.write_bytes(content)
    assert main(["compare", SILOED, COLLAB, "--reps", "2", "--store", str(bad), *TINY]) == 2
    assert f"{bad}: expected a cxsim results store" in capsys.readouterr().err
    assert bad.read_bytes() == content


def test_status_reads_stores_of_other_versions_and_refuses_other_files(tmp_path, capsys):
    import sqlite3

    path = tmp_path / "old.db"
    with Store(path) as store:
        store.plan([("k", "s", 0)])
    with sqlite3.connect(path) as db:
        db.execute("update meta set value = '0.0.1' where key = 'cxsim_version'")
    assert main(["status", str(path)]) == 0
    assert "0 done, 0 failed, 1 pending" in capsys.readouterr().out
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("create table customers (id integer)")
    assert main(["status", str(other)]) == 2
    assert "holds other tables" in capsys.readouterr().err
    assert main(["compare", SILOED, COLLAB, "--store", str(other), *TINY]) == 2
    with sqlite3.connect(other) as db:  # untouched
        assert {n for (n,) in db.execute("select name from sqlite_master")} == {"customers"}


def test_a_lost_worker_is_recorded_and_the_rest_goes_on(tmp_path):
    from concurrent.futures import Future

    class FlakyExecutor:
        """Loses every other task, as a dying worker would."""

        def __init__(self):
            self.calls = 0

        def submit(self, fn, *args):
            self.calls += 1
            future = Future()
            if self.calls % 2:
                future.set_exception(RuntimeError("worker died"))
            else:
                future.set_result(fn(*args))
            return future

    specs = specs_for([small(weeks=2, customers=300)], replicate_seeds(3, 9))
    with Store(tmp_path / "runs.db") as store:
        counts = execute(specs, store, FlakyExecutor(), progress=False)
        assert counts["done"] + counts["failed"] == 9 and counts["failed"] > 0
        assert all("worker lost" in error for _, _, error in store.failures())
        retried = execute(specs, store, None, progress=False)
        assert retried["done"] == counts["failed"] and store.status()["failed"] == 0


WORKER_PIDS = """
import os, sys, time
from cxsim.analysis.experiment import open_executor

with open_executor("process", 2) as pool:
    futures = [pool.submit(os.getpid) for _ in range(8)]
    pids = {f.result() for f in futures}
    with open(sys.argv[1] + ".part", "w") as out:
        out.write(" ".join(map(str, pids)))
    os.replace(sys.argv[1] + ".part", sys.argv[1])  # whole, or not there
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its (dead) parent to be reaped counts as gone
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="kill -9 and /proc are Linux's")
def test_pool_workers_exit_when_their_parent_is_killed(tmp_path):
    pids_file = tmp_path / "pids"
    parent = subprocess.Popen([sys.executable, "-c", WORKER_PIDS, str(pids_file)])
    try:
        deadline = time.monotonic() + 120
        while not (pids_file.exists() and pids_file.read_text()):
            assert time.monotonic() < deadline, "the pool never started"
            assert parent.poll() is None, "the parent exited early"
            time.sleep(0.2)
        workers = [int(p) for p in pids_file.read_text().split()]
        assert workers and all(_alive(p) for p in workers)
        children = _children(parent.pid)  # the workers and multiprocessing's resource tracker
        assert set(workers) <= children
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in children), "the pool's processes outlived their parent"


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid``, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(") ", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found
