"""One run: reproducible bit for bit, on this Python and Mesa and on another."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cxsim import Scenario, run
from cxsim.core.simulation import run_settled, settles_alike
from cxsim.validation.errors import InputError
from tests.conftest import SCENARIOS, small

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


def _settling(overrides: dict | None = None, interventions: list | None = None) -> Scenario:
    """A small organization that settles for 30 weeks (quits and hires included)."""
    data = small(weeks=12).to_dict()
    data["warm_up"]["weeks"] = 30
    data["interventions"] = interventions or []
    return Scenario.from_dict(data, overrides=overrides)


SETTLED_AS_SILO = {"warm_up.structure": "silo", "warm_up.incentives": "individual_throughput"}
PODS = {"structure.type": "cross_functional", "incentives.type": "team_recognition"}
PROGRAMME = [
    {"type": "restructure", "name": "pods", "start": 2, "stop": 6, "structure": "cross_functional"},
    {"type": "training", "name": "academy", "start": 3, "stop": 8},
]


def test_scenarios_that_settle_alike_share_a_warm_up_and_give_the_runs_alone_bit_for_bit():
    scenarios = [
        _settling(),
        _settling(PODS | SETTLED_AS_SILO),
        _settling(interventions=PROGRAMME),
    ]
    assert all(settles_alike(scenarios[0], s) for s in scenarios)
    shared = list(run_settled(scenarios, seed=4))
    assert [r.scenario for r in shared] == scenarios
    for together, scenario in zip(shared, scenarios, strict=True):
        alone = run(scenario, seed=4)
        assert together.metrics.equals(alone.metrics)
        assert together.departments.equals(alone.departments)
        assert together.final() == alone.final()
        assert together.network() == alone.network()
    # the three did not all run alike: the shared copies are independent
    assert shared[0].final() != shared[1].final() != shared[2].final()


def test_scenarios_that_settle_apart_do_not_share_a_warm_up():
    base = _settling()
    assert not settles_alike(base, _settling({"trust.loss": 0.2}))
    assert not settles_alike(base, _settling(PODS))  # pods from the start settle as pods
    assert not settles_alike(base, _settling({"departments.support.headcount": 10}))
    with pytest.raises(InputError, match="settle alike"):
        list(run_settled([base, _settling(PODS)], seed=1))
