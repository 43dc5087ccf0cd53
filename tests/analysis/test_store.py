import json
import sqlite3

import pandas as pd
import pytest

from cxsim.analysis.store import RunRecord, Store, run_key
from cxsim.validation.errors import InputError


def record(key="k1", status="done", replicate=0, final=None):
    return RunRecord(
        run_key=key,
        scenario_name="s",
        scenario_hash="h",
        replicate=replicate,
        seed=7,
        status=status,
        error=None if status == "done" else "ValueError: boom",
        final={"trust": 0.5} if final is None and status == "done" else final,
        weekly={"trust": [0.5, 0.5]} if status == "done" else None,
        scenario={"scenario": {"name": "s"}},
        provenance={"seed": 7, "versions": {"cxsim": "x"}},
        seconds=0.1,
    )


def test_runs_are_stored_once_and_read_back(tmp_path):
    path = tmp_path / "runs.db"
    with Store(path) as store:
        store.record([record(run_key("h", 7), replicate=0)])
        store.record([record("b", status="failed", replicate=1)])
        assert store.done_keys() == {run_key("h", 7)}
        assert store.status() == {"done": 1, "older": 0, "failed": 1, "pending": 0}
        store.plan([(run_key("h", 7), "s", 0), ("b", "s", 1), ("c", "s", 2)])
        assert store.status() == {"done": 1, "older": 0, "failed": 1, "pending": 1}
        assert store.failures() == [("s", 1, "ValueError: boom")]
        assert list(store.finals("h")["trust"]) == [0.5]
    # one line of pandas reads it
    frame = pd.read_sql("select * from runs", sqlite3.connect(path))
    assert len(frame) == 2 and json.loads(frame.loc[0, "provenance"])["seed"] == 7


def test_one_finished_run_reads_back_as_plain_data(tmp_path):
    with Store(tmp_path / "runs.db") as store:
        store.record([record(run_key("h", 7))])
        run = store.finished("h", 7)
        assert run == {
            "final": {"trust": 0.5},
            "weekly": {"trust": [0.5, 0.5]},
            "scenario": {"scenario": {"name": "s"}},
        }
        assert store.finished("h", 8) is None  # another seed: not run
        store.record([record(run_key("g", 7), status="failed")])
        assert store.finished("g", 7) is None  # failed runs are not results


def test_a_retried_failure_replaces_the_failed_row(tmp_path):
    with Store(tmp_path / "runs.db") as store:
        store.record([record(run_key("h", 7), status="failed")])
        store.record([record(run_key("h", 7))])
        assert store.status() == {"done": 1, "older": 0, "failed": 0, "pending": 0}


def test_run_keys_depend_on_scenario_seed_and_version():
    assert run_key("h", 1, "0.1") == run_key("h", 1, "0.1")
    assert (
        len(
            {
                run_key("h", 1, "0.1"),
                run_key("h", 2, "0.1"),
                run_key("g", 1, "0.1"),
                run_key("h", 1, "0.2"),
            }
        )
        == 4
    )


def test_export_to_csv(tmp_path):
    with Store(tmp_path / "runs.db") as store:
        store.record([record("a")])
        target = store.export(tmp_path / "runs.csv")
        with pytest.raises(InputError, match=r"\.csv or \.parquet"):
            store.export(tmp_path / "runs.xlsx")
    assert pd.read_csv(target)["trust"].tolist() == [0.5]


def test_a_corrupted_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(InputError, match="a cxsim results store"):
        Store(bad)


def test_a_store_from_another_version_is_refused_and_kept(tmp_path):
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.record([record("a")])
    db = sqlite3.connect(path)
    with db:
        db.execute("update meta set value = '0.0.1' where key = 'cxsim_version'")
    db.close()
    with pytest.raises(InputError, match="written by 0.0.1"):
        Store(path)
    assert sqlite3.connect(path).execute("select count(*) from runs").fetchone() == (1,)


def test_runs_of_older_code_are_read_only_when_asked_for(tmp_path):
    current = run_key("h", 7)
    with Store(tmp_path / "runs.db") as store:
        store.record([record("old-code", final={"trust": 0.1})])
        assert store.finals("h", [7]).empty  # strict: this code's runs only
        assert store.weekly("h", [7]) == {}
        assert store.older_runs("h", [7]) == 1
        assert store.status() == {"done": 1, "older": 1, "failed": 0, "pending": 0}
        assert list(store.finals("h", [7], older=True)["trust"]) == [0.1]  # asked for
        store.record([record(current, final={"trust": 0.9})])
        store.record([record("older-still", final={"trust": 0.2})])
        assert list(store.finals("h", [7])["trust"]) == [0.9]
        assert list(store.finals("h", [7], older=True)["trust"]) == [0.9]  # this code's first
        assert store.older_runs("h", [7]) == 0
        assert store.weekly("h", [7])["trust"].shape == (1, 2)


def test_a_reader_holding_the_store_does_not_stop_a_run_being_written(tmp_path):
    path = tmp_path / "runs.db"
    Store(path).close()
    reader = sqlite3.connect(path)
    reader.execute("begin")
    assert reader.execute("select count(*) from runs").fetchone() == (0,)  # holds a snapshot
    try:
        with Store(path) as store:
            store.record([record(run_key("h", 7))])  # would wait, then fail, without WAL
            assert store.status()["done"] == 1
        assert reader.execute("select count(*) from runs").fetchone() == (0,)  # its snapshot
    finally:
        reader.rollback()
        reader.close()
    with Store(path, writable=False) as store:
        assert store.status()["done"] == 1


def test_a_writer_waits_for_another_writer_instead_of_failing(tmp_path):
    import threading
    import time

    path = tmp_path / "runs.db"
    Store(path).close()
    other = sqlite3.connect(path, check_same_thread=False)
    other.execute("begin immediate")  # another process in the middle of writing
    threading.Timer(1.5, other.commit).start()
    started = time.monotonic()
    with Store(path) as store:
        store.record([record(run_key("h", 7))])
        assert store.status()["done"] == 1
    assert time.monotonic() - started >= 1.0  # it waited for the lock, then wrote
    other.close()
