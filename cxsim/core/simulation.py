"""One run of one scenario: the Python API behind ``cxsim run``."""

from __future__ import annotations

import copy
import itertools
import numbers
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import mesa
import pandas as pd

from cxsim.core.model import OrganizationModel, settled_setup
from cxsim.core.policies import Design
from cxsim.core.provenance import provenance
from cxsim.validation.errors import InputError

__all__ = ["RunResult", "release", "run", "run_settled", "settles_alike"]


@dataclass
class RunResult:
    """The outcome of one run.

    Attributes:
        scenario: The scenario that ran.
        seed: Its seed.
        weeks: Weeks simulated.
        metrics: Weekly metrics (index ``week``, one column per metric).
        departments: Weekly per-department figures.
        model: The model, for inspection.
        provenance: Seed, scenario hash and package versions.
    """

    scenario: Design
    seed: int
    weeks: int
    metrics: pd.DataFrame
    departments: pd.DataFrame
    model: OrganizationModel
    provenance: dict[str, Any]

    def final(self) -> dict[str, float]:
        """Metrics of the last week."""
        return {k: float(v) for k, v in self.metrics.iloc[-1].items()}

    def network(self) -> dict[str, Any]:
        """The departments' collaboration at the horizon, as plain data.

        Internal trust between each pair of departments and the handoffs between them
        over the run, the facts the report's collaboration map draws.
        """
        model = self.model
        return {
            "departments": list(model.department_names),
            "internal_trust": model.internal_trust.matrix.tolist(),
            "handoffs": model.handoff_volume_.tolist(),
            "weeks": int(model.week),
        }

    def over_time(self, every: int = 13) -> dict[str, Any]:
        """Metrics every ``every`` weeks (a quarter by default) and at the last week."""
        weeks = sorted({*range(every, self.weeks + 1, every), self.weeks})
        frame = self.metrics.loc[weeks]
        return {
            "weeks": weeks,
            "metrics": {name: [float(v) for v in frame[name]] for name in frame.columns},
        }

    def to_json(self) -> dict[str, Any]:
        """The run as the JSON object ``cxsim run --json`` prints."""
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "weeks": self.weeks,
            "metrics": self.final(),
            "interventions": [
                {
                    "name": i.name,
                    "type": i.type_name(),
                    "start": i.start,
                    "stop": self.weeks if i.stop is None else min(i.stop, self.weeks),
                }
                for i in self.scenario.interventions
            ],
            "over_time": self.over_time(),
            "provenance": self.provenance,
        }


def _checked(seed: Any, weeks: Any, scenario: Design) -> tuple[int, int]:
    """The seed and horizon of a run, checked."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InputError("seed", "a non-negative integer", seed)
    horizon = scenario.weeks if weeks is None else weeks
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 1:
        raise InputError("weeks", "an integer >= 1", horizon)
    return int(seed), int(horizon)


def _result(model: OrganizationModel, scenario: Design, seed: int, horizon: int) -> RunResult:
    """Run a begun model to its horizon and take its results."""
    model.run(horizon)
    return RunResult(
        scenario=scenario,
        seed=seed,
        weeks=horizon,
        metrics=model.metrics_frame(),
        departments=model.departments_frame(),
        model=model,
        provenance=provenance(scenario, seed, horizon),
    )


def run(scenario: Design, seed: int = 0, weeks: int | None = None) -> RunResult:
    """Run a scenario once.

    Args:
        scenario: The scenario (see :meth:`Scenario.load`).
        seed: Seed of the run; the same seed reproduces the run bit for bit.
        weeks: Horizon; the scenario's ``scenario.weeks`` by default.

    Returns:
        The run's metrics, per-department figures, model and provenance.

    Raises:
        InputError: For a negative seed or a horizon below one week.
    """
    seed, horizon = _checked(seed, weeks, scenario)
    return _result(OrganizationModel(scenario, seed=seed, horizon=horizon), scenario, seed, horizon)


def settles_alike(first: Design, second: Design) -> bool:
    """Whether two scenarios settle into the same organization from the same seed.

    They do when their departments, constants and starting setup
    (:func:`~cxsim.core.model.settled_setup`) are equal: what happens from week 0 on
    (their own structure, incentives, interventions and horizon) plays no part in the
    warm-up.
    """
    try:
        return bool(
            list(first.departments) == list(second.departments)
            and first.parameters == second.parameters
            and settled_setup(first) == settled_setup(second)
        )
    except Exception:  # components whose equality cannot be decided settle apart
        return False


def run_settled(
    scenarios: Sequence[Design], seed: int = 0, weeks: int | None = None
) -> Iterator[RunResult]:
    """Run scenarios that settle alike from one shared warm-up.

    The organization settles once; each scenario begins from a copy of it at week 0.
    Each result is the one :func:`run` gives, bit for bit, at a fraction of the cost
    when the warm-up is long (a comparison of a baseline with its change programmes
    settles every option as the baseline).

    Args:
        scenarios: Scenarios that settle alike (:func:`settles_alike`).
        seed: The seed of every run.
        weeks: Horizon; each scenario's ``scenario.weeks`` by default.

    Yields:
        The result of each scenario, in order, as it finishes.

    Raises:
        InputError: For a bad seed or horizon, or scenarios that settle apart.
    """
    scenarios = list(scenarios)
    for other in scenarios[1:]:
        if not settles_alike(scenarios[0], other):
            raise InputError(
                "scenarios", "scenarios that settle alike (see settles_alike)", other.name
            )
    checked = [_checked(seed, weeks, s) for s in scenarios]
    if not scenarios:
        return
    settled = OrganizationModel(scenarios[0], seed=checked[0][0], begin=False)
    for i, (scenario, (run_seed, horizon)) in enumerate(zip(scenarios, checked, strict=True)):
        model = settled if i == len(scenarios) - 1 else _copy(settled)
        model.begin(scenario, horizon)
        yield _result(model, scenario, run_seed, horizon)


def _copy(model: OrganizationModel) -> OrganizationModel:
    """An independent copy of a model, to carry on from where it stands."""
    twin = copy.deepcopy(model)
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):  # Mesa 3.3 numbers agents per model in a class attribute
        ids[twin] = itertools.count(max((a.unique_id for a in model.agents), default=0) + 1)
    return twin


def release(model: OrganizationModel) -> None:
    """Let a finished model be garbage-collected.

    Mesa 3.3 keeps a counter for every model in the class attribute ``Agent._ids``,
    which keeps the model (and its customers and agents) alive; a long sweep must drop
    it. Call this only when the model will not create more agents.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)
