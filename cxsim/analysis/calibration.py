"""What a calibration fits: observed targets, free parameters with bounds, and its budget.

A calibration comes from the command line (``--target``, ``--free``) or from a
``[calibration]`` table in an experiment file; both are validated here, so a target no
organization can show (churn below zero, NPS above 100) or a path the scenario does not
have is refused with the file, the field and what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxsim.config.dotted import value_at
from cxsim.config.files import read_toml
from cxsim.config.scenario import Scenario, load_entry
from cxsim.core.metrics import METRICS
from cxsim.validation.declare import build, param
from cxsim.validation.errors import InputError
from cxsim.validation.limits import MAX_RUNS

__all__ = [
    "METHODS",
    "Calibration",
    "FreeParameter",
    "Target",
    "parse_free",
    "parse_target",
]

METHODS = ("nelder-mead", "powell")
#: Tables whose values define the targets' weeks, so they are never fitted.
FIXED_TABLES = ("scenario", "interventions")
_BOUNDS = {m.name: (m.low, m.high) for m in METRICS}
#: The smallest default tolerance: one unit for counts, scores and money, else 0.01.
_FLOOR = {
    m.name: 1.0 if m.unit in ("-100 to 100", "customers") or m.unit.startswith("currency") else 0.01
    for m in METRICS
}
_TARGET = re.compile(
    r"^(?P<metric>\w+)(@(?P<start>\d+):(?P<stop>\d+))?=(?P<value>[^+±]+)"
    r"((\+-|±)(?P<tolerance>.+))?$"
)


@dataclass(frozen=True)
class Target:
    """One observed KPI the model should reproduce.

    Attributes:
        metric: A model metric (``cxsim metrics`` lists them).
        observed: The value observed in the organization.
        scale: The tolerance or standard error that scales the distance.
        window: Weeks ``(first, last)`` to average over, both included; ``None`` for the
            final week.
        standard_error: Whether ``scale`` is a standard error (a fit within 1.96 of
            them counts as met) rather than a tolerance (met within one of them).
    """

    metric: str
    observed: float
    scale: float
    window: tuple[int, int] | None = None
    standard_error: bool = False
    where: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """The target as written on the command line, without its value."""
        if self.window is None:
            return self.metric
        return f"{self.metric}@{self.window[0]}:{self.window[1]}"

    @property
    def allowance(self) -> float:
        """How far the simulated mean may be from the observed value and still meet it."""
        return 1.96 * self.scale if self.standard_error else self.scale


@dataclass(frozen=True)
class FreeParameter:
    """A scenario value the calibration may change, within bounds."""

    path: str
    low: float
    high: float
    integer: bool = False
    where: str = field(default="", compare=False)

    def from_unit(self, u: float) -> float | int:
        """The value at position ``u`` in [0, 1] of the range."""
        value = self.low + float(min(max(u, 0.0), 1.0)) * (self.high - self.low)
        return int(round(value)) if self.integer else value

    def to_unit(self, value: float) -> float:
        """Where a value sits in the range, clipped into [0, 1]."""
        return min(max((float(value) - self.low) / (self.high - self.low), 0.0), 1.0)


@dataclass
class Calibration:
    """A validated calibration.

    Attributes:
        scenario: The scenario whose baseline is fitted.
        targets: The observed KPIs.
        free: The parameters fitted, with their bounds.
        reps: Replications per evaluation (the same seeds at every point).
        budget: Most evaluations the optimiser may use.
        seed: Seed of the replicate seeds; fresh seeds for the re-check derive from it.
        method: The SciPy optimiser (``nelder-mead`` or ``powell``).
        source: The experiment file, if the calibration came from one.
        overrides: Values set on the command line (``--set``) before fitting; the
            calibrated scenario keeps them.
    """

    scenario: Scenario
    targets: list[Target]
    free: list[FreeParameter]
    reps: int = 8
    budget: int = 60
    seed: int = 0
    method: str = "nelder-mead"
    source: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check the whole calibration against its scenario.

        Raises:
            InputError: For an impossible target, a window past the horizon, an unknown or
                non-numeric path, bounds outside what the path accepts, or a bad budget.
        """
        if not self.targets:
            raise InputError("calibration.targets", "at least one target (--target M=V)")
        if not self.free:
            raise InputError("calibration.free", "at least one free parameter (--free P=LO:HI)")
        if self.reps < 2:
            raise InputError("calibration.reps", "at least 2 replications", self.reps)
        if self.budget < 2 * len(self.free) + 2:
            raise InputError(
                "calibration.budget",
                f"at least {2 * len(self.free) + 2} evaluations for {len(self.free)} "
                "free parameters",
                self.budget,
            )
        if self.seed < 0:
            raise InputError("calibration.seed", "a whole number >= 0", self.seed)
        if self.method not in METHODS:
            raise InputError("calibration.method", "one of " + ", ".join(METHODS), self.method)
        seen = set()
        for i, target in enumerate(self.targets):
            where = target.where or f"calibration.targets.{i}"
            if target.label in seen:
                raise InputError(where, "each target once", target.label)
            seen.add(target.label)
            if target.window is not None and target.window[1] > self.scenario.weeks:
                raise InputError(
                    where,
                    f"weeks within the horizon (1 to {self.scenario.weeks})",
                    list(target.window),
                )
        paths = [p.path for p in self.free]
        for i, parameter in enumerate(self.free):
            if parameter.path in paths[:i]:
                raise InputError(
                    parameter.where or f"calibration.free.{i}", "each path once", parameter.path
                )
            self._check_free(parameter, i)

    def _check_free(self, parameter: FreeParameter, index: int) -> None:
        where = parameter.where or f"calibration.free.{index}"
        if parameter.path.split(".")[0] in FIXED_TABLES:
            raise InputError(
                where,
                "a model parameter; the horizon and the programme's windows define what "
                "the targets mean and stay as the scenario sets them",
                parameter.path,
            )
        try:
            current = value_at(self.scenario.to_dict(), parameter.path)
        except InputError as exc:
            raise InputError(where, exc.expected, parameter.path) from None
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise InputError(where, "the dotted path of a numeric scenario value", parameter.path)
        for bound in (parameter.low, parameter.high):
            value = int(round(bound)) if isinstance(current, int) else bound
            try:
                self.scenario.with_overrides({parameter.path: value})
            except InputError as exc:
                raise InputError(
                    where, f"bounds valid at {parameter.path} ({exc.expected})", bound
                ) from None
        if isinstance(current, int):
            object.__setattr__(parameter, "integer", True)

    def starting_values(self) -> dict[str, float]:
        """Where the search starts: the scenario's own values, clipped into the bounds."""
        defaults = self.scenario.to_dict()
        values = {}
        for parameter in self.free:
            value = value_at(defaults, parameter.path)
            values[parameter.path] = parameter.from_unit(parameter.to_unit(value))
        return values


def parse_target(text: str, where: str | None = None) -> Target:
    """Read ``METRIC[@FIRST:LAST]=VALUE[+-TOLERANCE]`` from the command line.

    Without a tolerance, it is 10% of the observed value, and at least 1 for NPS,
    customer counts and money, 0.01 for shares, rates and morale.
    """
    where = where or f"--target {text}"
    match = _TARGET.match(text.replace(" ", ""))
    if not match:
        raise InputError(where, "METRIC=VALUE, METRIC=VALUE+-TOLERANCE or METRIC@W1:W2=VALUE", text)
    window = None
    if match["start"] is not None:
        window = (int(match["start"]), int(match["stop"]))
    tolerance = match["tolerance"]
    return make_target(
        match["metric"],
        _float(match["value"], where, text),
        None if tolerance is None else _float(tolerance, where, text),
        window,
        standard_error=False,
        where=where,
    )


def make_target(
    metric: str,
    observed: float,
    scale: float | None,
    window: tuple[int, int] | None,
    standard_error: bool,
    where: str,
) -> Target:
    """Validate one target: a known metric, a value it can take, a positive scale."""
    if metric not in _BOUNDS:
        raise InputError(
            where, "a metric, one of " + ", ".join(sorted(_BOUNDS)) + " (cxsim metrics)", metric
        )
    low, high = _BOUNDS[metric]
    if not math.isfinite(observed) or not low <= observed <= high:
        span = f"between {low:g} and {high:g}" if math.isfinite(high) else f">= {low:g}"
        if not math.isfinite(low):
            span = "a finite number"
        raise InputError(where, f"an observed {metric} {span}", observed)
    if scale is None:
        scale = max(0.1 * abs(observed), _FLOOR[metric])
    if not math.isfinite(scale) or scale <= 0:
        raise InputError(where, "a tolerance or standard error > 0", scale)
    if window is not None and not 1 <= window[0] <= window[1]:
        raise InputError(where, "a window of weeks FIRST:LAST with 1 <= FIRST <= LAST", window)
    return Target(metric, float(observed), float(scale), window, standard_error, where)


def parse_free(text: str, where: str | None = None) -> FreeParameter:
    """Read ``dotted.path=LOW:HIGH`` from the command line."""
    where = where or f"--free {text}"
    path, sep, bounds = text.partition("=")
    low_text, colon, high_text = bounds.partition(":")
    if not sep or not colon or not path.strip():
        raise InputError(where, "dotted.path=LOW:HIGH", text)
    return make_free(
        path.strip(), _float(low_text, where, text), _float(high_text, where, text), where
    )


def make_free(path: str, low: float, high: float, where: str) -> FreeParameter:
    """Validate one free parameter's bounds (the path is checked against the scenario)."""
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise InputError(where, "finite bounds LOW < HIGH", f"{low:g}:{high:g}")
    return FreeParameter(path, float(low), float(high), where=where)


def _float(text: str, where: str, whole: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(where, "numbers in METRIC=VALUE+-TOLERANCE or P=LOW:HIGH", whole) from None


@dataclass(kw_only=True)
class TargetTable:
    """One ``[[calibration.targets]]`` table."""

    metric: str = param(expected="a metric (cxsim metrics lists them)", help="the KPI")
    observed: float = param(help="the value observed in the organization")
    tolerance: float | None = param(
        None, gt=0, help="how far the fit may be and still meet it (default: 10% of observed)"
    )
    standard_error: float | None = param(
        None, gt=0, help="the observation's standard error, instead of a tolerance"
    )
    window: list[int] | None = param(
        None,
        ge=1,
        expected="two weeks [first, last]",
        help="weeks to average over, both included (omitted: the final week)",
    )


@dataclass(kw_only=True)
class FreeTable:
    """One ``[[calibration.free]]`` table."""

    path: str = param(expected="a dotted path", help="the scenario value fitted")
    low: float = param(help="lowest value the fit may take")
    high: float = param(help="highest value the fit may take")


@dataclass(kw_only=True)
class CalibrationTable:
    """The ``[calibration]`` table of an experiment file."""

    scenario: str | None = param(
        None,
        expected="a scenario file (*.toml)",
        help="the scenario fitted (relative to this file), unless given on the command line",
    )
    targets: list[TargetTable] = param(
        [], expected="a list of [[calibration.targets]] tables", help="the observed KPIs"
    )
    free: list[FreeTable] = param(
        [], expected="a list of [[calibration.free]] tables", help="the values fitted"
    )
    reps: int = param(Calibration.reps, ge=0, le=MAX_RUNS, help="replications per evaluation")
    budget: int = param(
        Calibration.budget, ge=0, le=MAX_RUNS, help="most evaluations the optimiser may use"
    )
    seed: int = param(Calibration.seed, ge=0, le=MAX_RUNS, help="seed of the replicate seeds")
    method: str = param(Calibration.method, choices=METHODS, help="the SciPy optimiser")


def from_table(
    table: Mapping[str, Any], base_dir: Path, source: str | None, scenario: Scenario | None
) -> Calibration:
    """Validate a ``[calibration]`` table of an experiment file.

    Args:
        table: The table.
        base_dir: Directory the scenario path is relative to.
        source: The file, for messages.
        scenario: A scenario given on the command line instead of ``scenario = ...``.
    """
    given = build(CalibrationTable, table, "calibration")
    if scenario is None:
        scenario = load_entry(given.scenario, base_dir, "calibration.scenario")
    targets = [_target(t, f"calibration.targets.{i}") for i, t in enumerate(given.targets)]
    free = [
        make_free(f.path, f.low, f.high, f"calibration.free.{i}") for i, f in enumerate(given.free)
    ]
    return Calibration(
        scenario,
        targets,
        free,
        reps=given.reps,
        budget=given.budget,
        seed=given.seed,
        method=given.method,
        source=source,
    )


def _target(table: TargetTable, where: str) -> Target:
    """A target from its table: a tolerance or a standard error, and a window of two weeks."""
    if table.tolerance is not None and table.standard_error is not None:
        raise InputError(where, "a tolerance or a standard error, not both")
    if table.window is not None and len(table.window) != 2:
        raise InputError(f"{where}.window", "two weeks [first, last]", table.window)
    return make_target(
        table.metric,
        table.observed,
        table.tolerance if table.standard_error is None else table.standard_error,
        None if table.window is None else (table.window[0], table.window[1]),
        standard_error=table.standard_error is not None,
        where=where,
    )


def load_calibration(path: str | Path, scenario: Scenario | None = None) -> Calibration:
    """Read the ``[calibration]`` table of an experiment file."""
    path = Path(path)
    data = read_toml(path, "experiment")
    if "calibration" not in data:
        raise InputError("calibration", "a [calibration] table", file=str(path))
    try:
        return from_table(data["calibration"], path.parent, str(path), scenario)
    except InputError as exc:
        raise (exc if exc.file else exc.in_file(str(path))) from None
