"""Method of simulated moments: fit free parameters so the model reproduces observed KPIs.

The distance between the model and the organization is the mean, over targets, of the
squared gap between the simulated mean and the observed value, each gap measured in
the target's tolerance (or standard error). Every evaluation runs the same replicate
seeds (common random numbers), so two nearby parameter values differ by their effect
and not by luck, and the distance is smooth enough for a derivative-free optimiser from
SciPy, searching within the bounds. The best values are then re-checked on fresh seeds,
and a local sensitivity at the fit says how much each target constrains each parameter.

Runs go through :func:`cxsim.analysis.experiment.execute`, so they use the experiment executors
and are kept in a results store: a calibration run again resumes without redoing them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from cxsim.analysis.calibration import Calibration, Target
from cxsim.analysis.experiment import execute, replicate_seeds, specs_for
from cxsim.analysis.stats import mean_interval
from cxsim.analysis.store import Store
from cxsim.config.scenario import Scenario
from cxsim.validation.errors import InputError

__all__ = ["CalibrationResult", "SimulatedMoments", "calibrate"]

#: A fitted value closer than this share of its range to a bound is reported as at it.
AT_BOUND = 0.01
#: Step of the local sensitivity, as a share of each parameter's range.
SENSITIVITY_STEP = 0.1
#: A parameter the targets pin down no better than this share of its range is weak.
WEAK = 0.25
#: Two parameters whose fitted values correlate beyond this cannot be told apart.
CONFOUNDED = 0.9


class FailedEvaluation(RuntimeError):
    """Runs at a parameter point failed; the point cannot be scored."""


@dataclass
class SimulatedMoments:
    """The simulated targets at a parameter point, and their distance to the observed.

    Args:
        calibration: What is fitted.
        store: Where runs are kept (and found again).
        executor: Where runs go (None: this process).
    """

    calibration: Calibration
    store: Store
    executor: Executor | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seeds = replicate_seeds(self.calibration.seed, self.calibration.reps)
        self._cache: dict[tuple, float] = {}
        self.calls = 0

    def scenario_at(self, values: dict[str, Any]) -> Scenario:
        """The scenario with the free parameters set to ``values``."""
        return self.calibration.scenario.with_overrides(values)

    def values_at(self, unit: Sequence[float]) -> dict[str, Any]:
        """Parameter values at a point of the unit cube."""
        return {p.path: p.from_unit(u) for p, u in zip(self.calibration.free, unit, strict=True)}

    def moments(self, values: dict[str, Any], seeds: Sequence[int] | None = None) -> pd.DataFrame:
        """Each target's simulated value per replication (rows) at ``values``.

        Raises:
            FailedEvaluation: When a run failed (its error is in the store).
        """
        seeds = list(self.seeds if seeds is None else seeds)
        scenario = self.scenario_at(values)
        specs = specs_for([scenario], seeds)
        execute(specs, self.store, self.executor, progress=False, batch=1)
        digest = scenario.model_hash()
        finals = self.store.finals(digest, seeds)
        if len(finals) < len(seeds):
            raise FailedEvaluation(
                f"{len(seeds) - len(finals)} of {len(seeds)} runs failed at {values} "
                f"(their errors: cxsim status {self.store.path})"
            )
        weekly = None
        columns = {}
        for target in self.calibration.targets:
            if target.window is None:
                columns[target.label] = finals[target.metric].to_numpy(dtype=float)
            else:
                if weekly is None:
                    weekly = self.store.weekly(digest, seeds)
                first, last = target.window
                window = weekly[target.metric].loc[finals.index, first:last]
                columns[target.label] = window.to_numpy(dtype=float).mean(axis=1)
        return pd.DataFrame(columns)

    def distance(self, moments: pd.DataFrame) -> float:
        """Mean squared gap between simulated means and observed values, in scales."""
        gaps = [(moments[t.label].mean() - t.observed) / t.scale for t in self.calibration.targets]
        return float(np.mean(np.square(gaps)))

    def __call__(self, unit: Sequence[float]) -> float:
        """The objective the optimiser sees: distance at a point of the unit cube."""
        values = self.values_at(unit)
        key = tuple(values[p.path] for p in self.calibration.free)
        self.calls += 1
        if key not in self._cache:
            problem = ""
            try:
                distance = self.distance(self.moments(values))
            except FailedEvaluation as exc:
                distance, problem = float("inf"), str(exc)
            except InputError as exc:  # values valid alone but not together
                distance, problem = float("inf"), f"invalid together: {exc.path}: {exc.expected}"
            self._cache[key] = distance
            self.history.append({**values, "distance": distance, "problem": problem})
        return self._cache[key]


@dataclass
class CalibrationResult:
    """What a calibration found and how well it fits.

    Attributes:
        calibration: What was fitted.
        fitted: The best values found, by dotted path.
        distance: The distance at them, on the calibration seeds.
        evaluations: Parameter points evaluated.
        fit: One row per target: observed, simulated mean and 95% interval on fresh
            seeds, the gap in tolerances, and whether it is met.
        sensitivity: Change of each target (rows, in its tolerances) over each free
            parameter's full range (columns), at the fit.
        sensitivity_noise: The standard error of each sensitivity entry.
        identification: One row per free parameter: fitted value, how closely the
            targets pin it down, the target that constrains it most, and a note.
        history: Every point evaluated with its distance, in order.
        warnings: Plain sentences: parameters at a bound, targets not met, parameters
            the targets cannot tell apart.
        check_seeds: The fresh seeds of the re-check.
    """

    calibration: Calibration
    fitted: dict[str, Any]
    distance: float
    evaluations: int
    fit: pd.DataFrame
    sensitivity: pd.DataFrame
    sensitivity_noise: pd.DataFrame
    identification: pd.DataFrame
    history: pd.DataFrame
    warnings: list[str]
    check_seeds: list[int]
    message: str = ""


def calibrate(
    calibration: Calibration,
    store: Store,
    executor: Executor | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> CalibrationResult:
    """Fit the free parameters to the targets.

    Args:
        calibration: The targets, free parameters and budget.
        store: Results store; runs already there are reused.
        executor: Where runs go (None: this process).
        on_progress: Called with a line saying how far the calibration has got.

    Returns:
        The fitted values, the fit on fresh seeds and the identifiability report.

    Raises:
        InputError: When no point of the search could be scored, or runs at the fitted
            values fail (the store keeps their errors).
    """
    say = on_progress or (lambda line: None)
    objective = SimulatedMoments(calibration, store, executor)
    free = calibration.free
    start = calibration.starting_values()
    x0 = np.array([p.to_unit(start[p.path]) for p in free])
    best = {"x": x0, "f": float("inf")}

    def tracked(unit: np.ndarray) -> float:
        value = objective(unit)
        if value < best["f"]:
            best.update(x=np.array(unit, dtype=float), f=value)
        say(
            f"search: {objective.calls}/{calibration.budget} evaluations, "
            f"best distance {best['f']:.4g}"
        )
        return value

    bounds = [(0.0, 1.0)] * len(free)
    if calibration.method == "nelder-mead":
        options = {"initial_simplex": _initial_simplex(x0), "xatol": 0.005, "fatol": 0.01}
        method = "Nelder-Mead"
    else:
        options = {"xtol": 0.005, "ftol": 0.001}
        method = "Powell"
    outcome = optimize.minimize(
        tracked, x0, method=method, bounds=bounds, options={"maxfev": calibration.budget, **options}
    )
    if not np.isfinite(best["f"]):
        problems = sorted({h["problem"] for h in objective.history if h["problem"]})
        raise InputError(
            "calibration.free",
            "bounds within which the model runs (" + "; ".join(problems[:3]) + ")",
        )
    fitted = objective.values_at(best["x"])
    reps = calibration.reps
    check_seeds = replicate_seeds(calibration.seed, 2 * reps)[reps:]
    try:
        say(f"re-check on {reps} fresh seeds")
        fit = fit_table(calibration.targets, objective.moments(fitted, check_seeds))
        say("local sensitivity at the fit")
        sensitivity, noise = local_sensitivity(objective, best["x"])
    except FailedEvaluation as exc:
        raise InputError("calibration", f"runs that succeed at the fitted values ({exc})") from None
    identification = identify(calibration, fitted, best["x"], sensitivity, noise)
    warnings = _warnings(calibration, fitted, fit, identification)
    if not outcome.success:
        warnings.insert(
            0,
            f"the optimiser stopped before converging ({outcome.message}): "
            "raise the budget, or start from the fitted scenario",
        )
    return CalibrationResult(
        calibration=calibration,
        fitted=fitted,
        distance=best["f"],
        evaluations=len(objective.history),
        fit=fit,
        sensitivity=sensitivity,
        sensitivity_noise=noise,
        identification=identification,
        history=pd.DataFrame(objective.history),
        warnings=warnings,
        check_seeds=check_seeds,
        message=str(outcome.message),
    )


def _initial_simplex(x0: np.ndarray) -> np.ndarray:
    """A simplex a quarter of each range wide, stepping toward the interior."""
    simplex = [x0]
    for j in range(len(x0)):
        vertex = x0.copy()
        vertex[j] += 0.25 if x0[j] <= 0.5 else -0.25
        simplex.append(vertex)
    return np.array(simplex)


def fit_table(targets: Sequence[Target], moments: pd.DataFrame) -> pd.DataFrame:
    """Observed against simulated (mean and 95% interval over replications) per target."""
    rows = []
    for target in targets:
        interval = mean_interval(moments[target.label])
        gap = (interval.mean - target.observed) / target.scale
        rows.append(
            {
                "target": target.label,
                "observed": target.observed,
                "tolerance": target.scale,
                "scale_is": "standard error" if target.standard_error else "tolerance",
                "simulated": interval.mean,
                "low": interval.low,
                "high": interval.high,
                "gap_in_tolerances": gap,
                "met": abs(interval.mean - target.observed) <= target.allowance,
            }
        )
    return pd.DataFrame(rows)


def local_sensitivity(
    objective: SimulatedMoments, unit: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Central differences of every target in each parameter at the fit, on the same seeds.

    Each entry is how far the target moves, in its tolerances, when the parameter goes
    across its whole range (at the local slope). The step is a tenth of the range (at
    least one whole unit for an integer parameter), one-sided at a bound.

    Returns:
        ``(sensitivity, noise)``: the entries, and the standard error of each from the
        replications' paired differences (common seeds), so that an entry within about
        two of them of zero is noise, not a response.
    """
    calibration = objective.calibration
    scales = np.array([t.scale for t in calibration.targets])
    labels = [t.label for t in calibration.targets]
    columns, errors = {}, {}
    for j, parameter in enumerate(calibration.free):
        step = SENSITIVITY_STEP
        if parameter.integer:
            step = max(step, 1.0 / (parameter.high - parameter.low))
        low, high = unit.copy(), unit.copy()
        low[j] = max(0.0, unit[j] - step)
        high[j] = min(1.0, unit[j] + step)
        down_values, up_values = objective.values_at(low), objective.values_at(high)
        span = parameter.to_unit(up_values[parameter.path]) - parameter.to_unit(
            down_values[parameter.path]
        )
        if span <= 0:
            columns[parameter.path] = errors[parameter.path] = np.full(len(labels), np.nan)
            continue
        difference = (
            objective.moments(up_values).to_numpy() - objective.moments(down_values).to_numpy()
        )
        spread = difference.std(axis=0, ddof=1) / np.sqrt(len(difference))
        columns[parameter.path] = difference.mean(axis=0) / (span * scales)
        errors[parameter.path] = spread / (span * scales)
    return pd.DataFrame(columns, index=labels), pd.DataFrame(errors, index=labels)


def identify(
    calibration: Calibration,
    fitted: dict[str, Any],
    unit: np.ndarray,
    sensitivity: pd.DataFrame,
    noise: pd.DataFrame,
) -> pd.DataFrame:
    """How well the targets pin down each parameter, from the local sensitivity.

    Entries within two standard errors of zero count as no response. With each target
    known to within its tolerance, the parameters' uncertainty is approximately the
    inverse of ``SᵀS`` (S: the sensitivity matrix): its diagonal gives each parameter's
    uncertainty as a share of its range, and its correlations say which parameters the
    targets cannot tell apart. A direction of parameters that moves no target (a null
    direction of S) leaves the parameters it involves unresolved.
    """
    raw = sensitivity.to_numpy(dtype=float)
    assessable = ~np.isnan(raw).all(axis=0)
    s = np.where(np.abs(raw) > 2 * np.nan_to_num(noise.to_numpy(dtype=float)), raw, 0.0)
    s = np.nan_to_num(s)
    k = s.shape[1]
    _, singular, vt = np.linalg.svd(s, full_matrices=True)
    largest = singular.max() if singular.size else 0.0
    rank = int((singular > 1e-6 * largest).sum()) if largest > 0 else 0
    null = vt[rank:] if rank < k else np.zeros((0, k))
    projector = null.T @ null  # onto the directions no target sees (basis-free)
    unresolved = np.diag(projector) > 0.01
    covariance = np.linalg.pinv(s.T @ s)
    spread = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(spread, spread)
    names = [p.path for p in calibration.free]
    rows = []
    for j, parameter in enumerate(calibration.free):
        column = np.abs(s[:, j])
        responds = column.max() > 0
        partners = [
            names[m]
            for m in range(k)
            if m != j
            and not unresolved[j]
            and not unresolved[m]
            and np.isfinite(correlation[j, m])
            and abs(correlation[j, m]) > CONFOUNDED
        ]
        if not assessable[j]:
            note = "range too narrow to assess"
        elif not responds:
            note = "no target responds to it: not identified"
        elif unresolved[j]:
            together = [
                names[m]
                for m in range(k)
                if m != j and np.abs(s[:, m]).max() > 0 and abs(projector[j, m]) > 0.01
            ]
            note = "not identified: the targets cannot separate it from " + (
                ", ".join(together) or "the others"
            )
        elif partners:
            note = "confounded with " + ", ".join(partners)
        elif spread[j] > WEAK:
            note = "weakly identified"
        else:
            note = "identified"
        rows.append(
            {
                "parameter": parameter.path,
                "low": parameter.low,
                "high": parameter.high,
                "fitted": fitted[parameter.path],
                "position": float(unit[j]),
                "uncertainty_share_of_range": float(spread[j])
                if responds and not unresolved[j]
                else np.inf,
                "most_informative_target": sensitivity.index[int(column.argmax())]
                if responds
                else "none",
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def _warnings(
    calibration: Calibration,
    fitted: dict[str, Any],
    fit: pd.DataFrame,
    identification: pd.DataFrame,
) -> list[str]:
    out = []
    for parameter in calibration.free:
        u = parameter.to_unit(fitted[parameter.path])
        if u <= AT_BOUND or u >= 1 - AT_BOUND:
            side = "lower" if u <= AT_BOUND else "upper"
            out.append(
                f"{parameter.path} ended at its {side} bound "
                f"({fitted[parameter.path]:g}): widen the range, or the targets ask for "
                "more than this parameter can give"
            )
    unmet = fit[~fit["met"]]
    if len(unmet):
        out.append(
            "not all targets can be met together: "
            + ", ".join(
                f"{row.target} (simulated {row.simulated:.4g}, observed {row.observed:.4g})"
                for row in unmet.itertuples()
            )
        )
    for row in identification.itertuples():
        if row.note != "identified":
            out.append(f"{row.parameter}: {row.note}")
    return out
