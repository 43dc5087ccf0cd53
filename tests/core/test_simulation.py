"""One run: reproducible bit for bit, on this Python and Mesa and on another."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import SCENARIOS

RUN = [
    "-m",
    "cxsim",
    "run",
    str(SCENARIOS / "transformation.toml"),
    "--seed",
    "11",
    "--weeks",
    "30",
    "--set",
    "customers.count=3000",
    "--json",
]
VERSIONS = (
    "import sys, mesa, numpy; print(sys.version.split()[0], mesa.__version__, numpy.__version__)"
)


def run_with(python: str) -> dict:
    done = subprocess.run([python, *RUN], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def versions_of(python: str) -> str:
    return subprocess.run(
        [python, "-c", VERSIONS], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_one_seed_reproduces_a_run_bit_for_bit():
    first, again = run_with(sys.executable), run_with(sys.executable)
    assert first["metrics"] == again["metrics"]
    assert first["over_time"] == again["over_time"]


@pytest.mark.skipif(
    not os.environ.get("CXSIM_REFERENCE_PYTHON"),
    reason="set CXSIM_REFERENCE_PYTHON to another interpreter with cxsim installed "
    "(.ci/run sets it when testing Python 3.12 and 3.13)",
)
def test_results_are_identical_under_another_python_and_mesa():
    reference = os.environ["CXSIM_REFERENCE_PYTHON"]
    here, there = run_with(sys.executable), run_with(reference)
    pair = f"{versions_of(sys.executable)} against {versions_of(reference)}"
    assert here["metrics"] == there["metrics"], pair
    assert here["over_time"] == there["over_time"], pair
    assert here["provenance"]["scenario_hash"] == there["provenance"]["scenario_hash"], pair
