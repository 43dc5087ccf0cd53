"""The results store: one SQLite file, one row per run, written when the run finishes.

A run is keyed by a hash of (scenario hash, seed, cxsim version), so an experiment run
again after an interruption skips every run already stored and executes only the
missing ones; the results are those of an uninterrupted experiment. A run that raised is
stored with its error and can be retried. No server is needed; the file is readable
with pandas in one line::

    pandas.read_sql("select * from runs", sqlite3.connect("results.db"))

Schema (table ``runs``): ``run_key`` (primary key), ``scenario_name``,
``scenario_hash``, ``replicate``, ``seed``, ``status`` (``done`` or ``failed``),
``error``, ``final`` (JSON: metric -> value at the horizon), ``weekly`` (JSON: metric ->
list of weekly values), ``scenario`` (JSON: the full scenario), ``provenance`` (JSON:
seed, scenario hash, cxsim, Mesa and NumPy versions), ``seconds``, ``finished`` (UTC,
ISO 8601). Table ``networks`` holds each finished run's collaboration at the horizon
(``run_key``, ``network``: JSON of the departments, their internal trust and the
handoffs between them), for the report's collaboration map. Table ``plan`` lists every
run an experiment asked for (``run_key``, ``scenario_name``, ``replicate``), so that runs
not yet done show as pending. Table ``meta`` holds the cxsim version that wrote the store.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxsim.core.provenance import package_versions
from cxsim.validation.errors import InputError

__all__ = ["RunRecord", "Store", "run_key"]

SCHEMA_VERSION = "1"

COLUMNS = (
    "run_key",
    "scenario_name",
    "scenario_hash",
    "replicate",
    "seed",
    "status",
    "error",
    "final",
    "weekly",
    "scenario",
    "provenance",
    "seconds",
    "finished",
)
"""Columns of the ``runs`` table, in the order of :meth:`RunRecord.row`."""

BUSY_SECONDS = 600.0
"""How long a connection waits for another process's write to finish before failing."""

_SCHEMA = """
create table if not exists meta (key text primary key, value text not null);
create table if not exists runs (
    run_key text primary key,
    scenario_name text not null,
    scenario_hash text not null,
    replicate integer not null,
    seed integer not null,
    status text not null check (status in ('done', 'failed')),
    error text,
    final text,
    weekly text,
    scenario text not null,
    provenance text not null,
    seconds real,
    finished text not null
);
create index if not exists runs_by_scenario on runs (scenario_hash, replicate);
create table if not exists networks (
    run_key text primary key,
    network text not null
);
create table if not exists plan (
    run_key text primary key,
    scenario_name text not null,
    replicate integer not null
);
"""


def _connect(path: Path, writable: bool) -> sqlite3.Connection:
    """Open the file; a store only read may sit where this user cannot write.

    A reader opens it read-only, and where even that fails (SQLite's write-ahead log
    needs a writable folder), as an unchanging file.
    """
    if writable:
        return sqlite3.connect(path, timeout=BUSY_SECONDS)
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_SECONDS)
        db.execute("select count(*) from sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=BUSY_SECONDS)


def _decoded(text: Any, what: str) -> Any:
    """A JSON column's value, or the error of a damaged store."""
    if not isinstance(text, str):
        raise sqlite3.DatabaseError(f"a run's {what} is missing")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise sqlite3.DatabaseError(f"a run's {what} is not JSON") from None
    if not isinstance(value, dict):
        raise sqlite3.DatabaseError(f"a run's {what} is not a table")
    return value


def run_key(scenario_hash: str, seed: int, version: str | None = None) -> str:
    """The identity of a run: its scenario, its seed and the cxsim version (and code).

    The version includes a fingerprint of cxsim's source, so a changed model never
    reuses runs stored by the old one.
    """
    if version is None:
        versions = package_versions()
        version = f"{versions['cxsim']}+{versions['cxsim_code']}"
    text = f"{scenario_hash}:{seed}:{version}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class RunRecord:
    """One finished run, as stored."""

    run_key: str
    scenario_name: str
    scenario_hash: str
    replicate: int
    seed: int
    status: str
    error: str | None
    final: dict[str, float] | None
    weekly: dict[str, list[float]] | None
    scenario: dict[str, Any]
    provenance: dict[str, Any]
    seconds: float
    network: dict[str, Any] | None = None

    def row(self) -> tuple:
        """The record as a row of the ``runs`` table."""
        return (
            self.run_key,
            self.scenario_name,
            self.scenario_hash,
            self.replicate,
            self.seed,
            self.status,
            self.error,
            None if self.final is None else json.dumps(self.final),
            None if self.weekly is None else json.dumps(self.weekly),
            json.dumps(self.scenario, sort_keys=True),
            json.dumps(self.provenance, sort_keys=True),
            self.seconds,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )


class Store:
    """A results store in one SQLite file.

    Args:
        path: The file; created (with its directory) when it does not exist.

    Raises:
        InputError: When the file is not a cxsim store, is corrupted, or was written by
            another cxsim version (its runs would not be comparable).
    """

    def __init__(self, path: str | Path, writable: bool = True) -> None:
        self.path = Path(path)
        version = package_versions()["cxsim"]
        if not str(path):
            raise InputError("--store", "a file name", str(path))
        if self.path.is_dir():
            raise InputError("--store", "a file, not a directory", str(self.path))
        if not self.path.parent.exists():
            raise InputError(
                "--store", f"a file in an existing directory ({self.path.parent})", str(path)
            )
        if not writable and not self.path.is_file():
            raise InputError("", "an existing results store", file=str(path))
        try:
            # readers and writers share the file: wait for a lock rather than fail
            self._db = _connect(self.path, writable)
            tables = {name for (name,) in self._db.execute("select name from sqlite_master")}
            if tables and "meta" not in tables:
                raise InputError(
                    "",
                    "a cxsim results store (this SQLite file holds other tables)",
                    file=str(self.path),
                )
            (check,) = self._db.execute("pragma quick_check").fetchone()
            if check != "ok":
                raise sqlite3.DatabaseError(check)
            if writable:
                # write-ahead log: a reader never blocks a run being written, nor it a reader
                self._db.execute("pragma journal_mode=wal")
                self._db.executescript(_SCHEMA)
            meta = (
                dict(self._db.execute("select key, value from meta").fetchall())
                if (writable or tables)
                else {}
            )
        except sqlite3.DatabaseError as exc:
            raise InputError(
                "", f"a cxsim results store (SQLite: {exc})", file=str(self.path)
            ) from None
        if not writable:  # reading: any version's runs can be listed and exported
            if "runs" not in tables:
                raise InputError("", "a cxsim results store (it holds no runs)", file=str(path))
            return
        if not meta:
            with self._db:  # two processes may create the store at once: the first wins
                self._db.executemany(
                    "insert or ignore into meta values (?, ?)",
                    [("cxsim_version", version), ("schema_version", SCHEMA_VERSION)],
                )
            meta = dict(self._db.execute("select key, value from meta").fetchall())
        if meta.get("cxsim_version") != version:
            raise InputError(
                "",
                f"a store written by cxsim {version} (this one was written by "
                f"{meta.get('cxsim_version')}; use a new --store file)",
                file=str(self.path),
            )

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def done_keys(self) -> set[str]:
        """Keys of the runs that finished without error."""
        rows = self._db.execute("select run_key from runs where status = 'done'")
        return {key for (key,) in rows}

    def record(self, records: Iterable[RunRecord]) -> None:
        """Store finished runs at once (a failed run is replaced when it is retried)."""
        records = list(records)
        with self._db:
            self._db.executemany(
                f"insert or replace into runs ({', '.join(COLUMNS)}) "
                f"values ({', '.join('?' * len(COLUMNS))})",
                [r.row() for r in records],
            )
            self._db.executemany(
                "insert or replace into networks values (?, ?)",
                [(r.run_key, json.dumps(r.network)) for r in records if r.network is not None],
            )

    def runs(self) -> pd.DataFrame:
        """Every stored run, one row each, with the final metrics as columns."""
        frame = pd.read_sql("select * from runs order by scenario_name, replicate", self._db)
        finals = [json.loads(f) if isinstance(f, str) else {} for f in frame["final"]]
        metrics = pd.DataFrame(finals, index=frame.index)
        dropped = [c for c in ("final", "weekly", "network") if c in frame]
        return pd.concat([frame.drop(columns=dropped), metrics], axis=1)

    def finals(
        self, scenario_hash: str, seeds: Iterable[int] | None = None, older: bool = False
    ) -> pd.DataFrame:
        """Final metrics of a scenario's finished runs, indexed by replicate.

        Only runs this code made count, unless ``older`` is given: runs of older cxsim
        code then stand in for the seeds this code has not run.

        Args:
            scenario_hash: The scenario.
            seeds: Only runs with these seeds (one experiment's replicates); all if None.
            older: Whether runs of older code may stand in for missing ones.
        """
        rows = self._one_per_seed(scenario_hash, "final", seeds, older)
        return pd.DataFrame(
            [_decoded(final, "final") for _, _, final in rows],
            index=pd.Index([r for r, _, _ in rows], name="replicate"),
        )

    def older_runs(self, scenario_hash: str, seeds: Iterable[int] | None = None) -> int:
        """How many seeds of a scenario have finished runs of older code only."""
        mine = {seed for _, seed, _ in self._one_per_seed(scenario_hash, "seed", seeds)}
        every = {seed for _, seed, _ in self._one_per_seed(scenario_hash, "seed", seeds, True)}
        return len(every - mine)

    def _one_per_seed(
        self,
        scenario_hash: str,
        column: str,
        seeds: Iterable[int] | None,
        older: bool = False,
    ) -> list[tuple[int, int, str]]:
        """(replicate, seed, column) of finished runs, one per seed, by replicate.

        This code's run of each seed; with ``older``, the latest run of older code for
        seeds this code has not run.
        """
        rows = self._db.execute(
            f"select run_key, replicate, seed, {column} from runs "
            "where scenario_hash = ? and status = 'done' order by rowid",
            (scenario_hash,),
        ).fetchall()
        wanted = None if seeds is None else set(seeds)
        chosen: dict[int, tuple[int, int, str]] = {}
        current: set[int] = set()
        for key, replicate, seed, value in rows:
            if wanted is not None and seed not in wanted:
                continue
            if key == run_key(scenario_hash, seed):
                chosen[seed] = (replicate, seed, value)
                current.add(seed)
            elif older and seed not in current:
                chosen[seed] = (replicate, seed, value)
        return sorted(chosen.values())

    def finished(self, scenario_hash: str, seed: int) -> dict[str, dict[str, Any]] | None:
        """This code's finished run of a scenario and seed, as plain data, or None.

        Its ``final`` metrics, ``weekly`` metrics (metric -> list of weeks) and
        ``scenario`` (as a plain dict), read in one query: what an analysis of many
        single runs (one per draw) needs without building a frame per run.
        """
        row = self._db.execute(
            "select final, weekly, scenario from runs where run_key = ? and status = 'done'",
            (run_key(scenario_hash, seed),),
        ).fetchone()
        if row is None:
            return None
        final, weekly, scenario = row
        return {
            "final": _decoded(final, "final"),
            "weekly": _decoded(weekly, "weekly"),
            "scenario": _decoded(scenario, "scenario"),
        }

    def scenario(self, scenario_hash: str, seed: int) -> dict[str, Any] | None:
        """The scenario (as a plain dict) of this code's run of a scenario and seed."""
        row = self._db.execute(
            "select scenario from runs where run_key = ?", (run_key(scenario_hash, seed),)
        ).fetchone()
        return None if row is None else _decoded(row[0], "scenario")

    def remember(self, key: str, value: Any) -> None:
        """Keep a JSON value in the store's ``meta`` table (what an experiment was)."""
        with self._db:
            self._db.execute(
                "insert or replace into meta values (?, ?)",
                (key, json.dumps(value, sort_keys=True)),
            )

    def recall(self, key: str) -> Any:
        """A value kept with :meth:`remember`, or None."""
        row = self._db.execute("select value from meta where key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except (TypeError, ValueError, RecursionError):
            raise sqlite3.DatabaseError(f"its {key} is not JSON") from None

    def plan(self, runs: Iterable[tuple[str, str, int]]) -> None:
        """Record runs an experiment will do: (run key, scenario name, replicate)."""
        with self._db:
            self._db.executemany("insert or ignore into plan values (?, ?, ?)", list(runs))

    def weekly(
        self, scenario_hash: str, seeds: Iterable[int] | None = None, older: bool = False
    ) -> dict[str, pd.DataFrame]:
        """Weekly metrics of a scenario's finished runs: metric -> replicates x weeks.

        Each frame is indexed by replicate, as :meth:`finals`, so that two scenarios'
        runs pair by replicate (their common seed), never by position; its columns are
        the weeks 1, 2, ...
        """
        rows = self._one_per_seed(scenario_hash, "weekly", seeds, older)
        if not rows:
            return {}
        index = pd.Index([r for r, _, _ in rows], name="replicate")
        series = [_decoded(w, "weekly") for _, _, w in rows]
        try:
            return {
                name: pd.DataFrame(
                    [np.asarray(s[name], dtype=float) for s in series],
                    index=index,
                    columns=pd.RangeIndex(1, len(series[0][name]) + 1, name="week"),
                )
                for name in series[0]
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise sqlite3.DatabaseError(f"weekly metrics of unequal shape ({exc})") from None

    def networks(
        self, scenario_hash: str, seeds: Iterable[int] | None = None, older: bool = False
    ) -> dict[int, dict[str, Any]]:
        """The collaboration network at the horizon of each finished run, by replicate.

        Each is ``{"departments": [...], "internal_trust": matrix, "handoffs": matrix,
        "weeks": n}``; runs stored without one are left out.
        """
        tables = {name for (name,) in self._db.execute("select name from sqlite_master")}
        if "networks" not in tables:  # a store written before runs kept their network
            return {}
        keys = {
            key: replicate
            for replicate, _, key in self._one_per_seed(scenario_hash, "run_key", seeds, older)
        }
        found = {}
        for key, value in self._db.execute("select run_key, network from networks"):
            if key in keys:
                found[keys[key]] = _decoded(value, "network")
        return dict(sorted(found.items()))

    def status(self) -> dict[str, int]:
        """Runs done (and of those, ``older``: made by other cxsim code), failed, pending."""
        done = self._db.execute(
            "select run_key, scenario_hash, seed from runs where status = 'done'"
        ).fetchall()
        older = sum(key != run_key(digest, seed) for key, digest, seed in done)
        (failed,) = self._db.execute("select count(*) from runs where status = 'failed'").fetchone()
        (pending,) = self._db.execute(
            "select count(*) from plan where run_key not in (select run_key from runs)"
        ).fetchone()
        return {"done": len(done), "older": older, "failed": failed, "pending": pending}

    def failures(self) -> list[tuple[str, int, str]]:
        """(scenario, replicate, error) of every failed run."""
        return self._db.execute(
            "select scenario_name, replicate, error from runs where status = 'failed'"
        ).fetchall()

    def export(self, path: str | Path) -> Path:
        """Write the runs table as CSV or Parquet, by the file's extension."""
        target = Path(path)
        if not target.parent.exists():
            raise InputError(
                "--export", f"a file in an existing directory ({target.parent})", str(path)
            )
        frame = self.runs()
        if target.suffix == ".parquet":
            try:
                frame.to_parquet(target)
            except ImportError:
                raise InputError(
                    "--export", 'pyarrow for Parquet files: pip install "cxsim[parquet]"'
                ) from None
        elif target.suffix == ".csv":
            frame.to_csv(target, index=False)
        else:
            raise InputError("--export", "a file ending in .csv or .parquet", str(path))
        return target
