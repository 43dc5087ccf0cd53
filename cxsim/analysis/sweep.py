"""Sweeps: experiments that vary parameters over a design, with sensitivity indices.

An experiment file names its base scenario(s), the parameters to vary (any dotted path;
a list of values, a range, or a distribution), the design, the replications and the
outcomes::

    [experiment]
    name = "incentive-schemes"
    description = "Every incentive scheme under both structures."
    scenarios = ["../scenarios/siloed.toml"]    # relative to this file
    replications = 8
    seed = 0
    outcomes = ["trust", "retention", "morale", "profit"]

    [design]
    type = "full_factorial"      # or "latin_hypercube", "sobol"
    samples = 64                 # points of a Latin hypercube, base samples of Sobol

    [[parameters]]
    path = "incentives.type"
    values = ["individual_throughput", "team_recognition"]

    [[parameters]]
    path = "trust.loss"
    range = [0.1, 0.3]           # uniform; or distribution = {type = "normal", ...}

Designs come from ``scipy.stats.qmc``; Sobol indices (first and total order, with
bootstrap intervals) from ``scipy.stats.sobol_indices`` on the Saltelli design, with each
design point's outcome averaged over its replications. Every design point runs over the
same replicate seeds (common random numbers). With more than one scenario, a Sobol design
also decomposes each further scenario's paired difference from the first (for example
what a collaborative structure's advantage over the silo depends on).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from cxsim.analysis.stats import t_interval
from cxsim.config.dotted import value_at
from cxsim.config.files import read_toml
from cxsim.config.scenario import Scenario, load_entry
from cxsim.config.uncertainty import Uncertainty, read_uncertainty
from cxsim.core.metrics import metric_names
from cxsim.validation.declare import build, param
from cxsim.validation.errors import InputError
from cxsim.validation.limits import MAX_DESIGN_POINTS, MAX_RUNS, MAX_SCENARIO_ENTRIES

__all__ = [
    "DESIGNS",
    "Experiment",
    "Parameter",
    "SweepDraws",
    "SweepResult",
    "run_sweep",
    "summarise",
]

DESIGNS = ("full_factorial", "latin_hypercube", "sobol")
DISTRIBUTIONS = {
    "normal": (("mean", "sd"), lambda p: stats.norm(p["mean"], p["sd"])),
    "lognormal": (
        ("mean_log", "sd_log"),
        lambda p: stats.lognorm(s=p["sd_log"], scale=math.exp(p["mean_log"])),
    ),
    "triangular": (
        ("low", "mode", "high"),
        lambda p: stats.triang(
            (p["mode"] - p["low"]) / (p["high"] - p["low"]), p["low"], p["high"] - p["low"]
        ),
    ),
}


LARGEST_SEED = 2**63 - 1
"""The largest seed an experiment may have: the largest integer TOML can write."""


@dataclass(kw_only=True)
class ExperimentHeader:
    """The ``[experiment]`` table."""

    name: str | None = param(None, help="name in results (omitted: the file's name)")
    description: str = param("", help="what the experiment asks")
    scenarios: list[str] = param(
        expected="a non-empty list of scenario files",
        help="the base scenario files (a relative path is from the experiment file)",
    )
    replications: int = param(
        5, ge=1, le=MAX_RUNS, help="runs of every design point, on the same replicate seeds"
    )
    seed: int = param(0, ge=0, le=LARGEST_SEED, help="seed the replicate seeds derive from")
    outcomes: list[str] = param(
        metric_names(), expected="a non-empty list of metrics", help="the metrics summarised"
    )


@dataclass(kw_only=True)
class DesignTable:
    """The ``[design]`` table."""

    type: str = param("full_factorial", choices=DESIGNS, help="how design points are chosen")
    samples: int = param(
        16,
        ge=1,
        le=MAX_DESIGN_POINTS,
        help="points of a Latin hypercube, base samples of a Sobol design",
    )


@dataclass(kw_only=True)
class DistributionTable:
    """A parameter's ``distribution``: its type and that type's parameters."""

    type: str = param(choices=tuple(DISTRIBUTIONS), help="the distribution")
    mean: float | None = param(None, help="normal: mean")
    sd: float | None = param(None, help="normal: standard deviation")
    mean_log: float | None = param(None, help="lognormal: mean of the logarithm")
    sd_log: float | None = param(None, help="lognormal: standard deviation of the logarithm")
    low: float | None = param(None, help="triangular: lowest value")
    mode: float | None = param(None, help="triangular: most likely value")
    high: float | None = param(None, help="triangular: highest value")


@dataclass(kw_only=True)
class ParameterEntry:
    """One ``[[parameters]]`` table: a path, and exactly one of values, range or distribution."""

    path: str = param(expected="a dotted path such as trust.loss", help="the value varied")
    values: list[Any] | None = param(
        None, expected="a non-empty list of values", help="discrete values, taken in turn"
    )
    range: list[float] | None = param(None, expected="[low, high]", help="uniform from low to high")
    distribution: DistributionTable | None = param(None, help="values drawn by quantile")
    levels: int = param(
        3,
        ge=1,
        le=MAX_DESIGN_POINTS,
        help="values a range or distribution takes in a full factorial design",
    )


@dataclass(kw_only=True)
class ExperimentFile:
    """An experiment file's tables.

    Its ``[[parameters]]`` are :class:`ParameterEntry` tables, built once the experiment
    and its design have been checked (so that their errors are reported first).
    """

    experiment: ExperimentHeader = param(help="what is run, how often, and what is measured")
    design: DesignTable = param(DesignTable(), help="how design points are chosen")
    parameters: list[Any] = param(
        expected="at least one [[parameters]] table to vary", help="the values varied"
    )


@dataclass
class Parameter:
    """One varied parameter: discrete values, or a continuous range or distribution."""

    path: str
    values: list[Any] | None = None
    low: float | None = None
    high: float | None = None
    distribution: Any = None
    levels: int = 3
    integer: bool = False

    @property
    def continuous(self) -> bool:
        """Whether the parameter is sampled from a range or distribution."""
        return self.values is None

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of the unit interval to values of the parameter."""
        if self.values is not None:
            index = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in index]
        if self.distribution is not None:
            x = self.distribution.ppf(np.clip(u, 1e-9, 1 - 1e-9))
        else:
            x = self.low + u * (self.high - self.low)
        return [int(round(v)) for v in x] if self.integer else [float(v) for v in x]

    def grid(self) -> list[Any]:
        """Values for a full factorial design."""
        if self.values is not None:
            return list(self.values)
        return self.from_unit((np.arange(self.levels) + 0.5) / self.levels)


@dataclass
class Experiment:
    """A validated experiment definition."""

    name: str
    description: str
    scenarios: list[Scenario]
    replications: int
    seed: int
    outcomes: list[str]
    design: str
    samples: int
    parameters: list[Parameter]
    source: str | None = None
    uncertainty: dict[str, Any] | None = None
    points_: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> Experiment:
        """Read and validate an experiment file.

        Raises:
            InputError: Naming the file and the dotted path of what is wrong.
        """
        path = Path(path)
        data = read_toml(path, "experiment")
        try:
            return cls.from_dict(data, base_dir=path.parent, source=str(path))
        except InputError as exc:
            raise (exc if exc.file else exc.in_file(str(path))) from None

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], base_dir: Path = Path("."), source: str | None = None
    ) -> Experiment:
        """Validate an experiment given as nested dicts."""
        data = dict(data)
        # what sweep --uncertainty draws (cxsim.config.uncertainty), read once the
        # scenarios are known
        uncertainty = data.pop("uncertainty", None)
        tables = build(ExperimentFile, data)
        head, design = tables.experiment, tables.design
        _check_header(head)
        scenarios = [
            load_entry(name, base_dir, f"experiment.scenarios.{i}")
            for i, name in enumerate(head.scenarios)
        ]
        if not tables.parameters:
            raise InputError("parameters", "at least one [[parameters]] table to vary", [])
        parameters = [_parameter(p, f"parameters.{i}") for i, p in enumerate(tables.parameters)]
        defaults = scenarios[0].to_dict()
        for parameter in parameters:  # a continuous value for an integer field is rounded
            if parameter.continuous and isinstance(
                value_at(defaults, parameter.path, default=None), int
            ):
                parameter.integer = True
        paths = [p.path for p in parameters]
        for i, dotted in enumerate(paths):
            if dotted in paths[:i]:
                raise InputError(f"parameters.{i}.path", "a path no other parameter varies", dotted)
        _check_design(design, parameters, head.replications, len(scenarios))
        experiment = cls(
            name=head.name if head.name is not None else Path(source or "experiment").stem,
            description=head.description,
            scenarios=scenarios,
            replications=head.replications,
            seed=head.seed,
            outcomes=head.outcomes,
            design=design.type,
            samples=design.samples,
            parameters=parameters,
            source=source,
            uncertainty=uncertainty,
        )
        experiment.points_ = experiment.points()
        experiment._check_values()
        if uncertainty is not None:
            read_uncertainty(uncertainty, scenarios)
        return experiment

    def uncertain(self, draws: int, design: str = "latin_hypercube") -> SweepDraws:
        """The draws of what is uncertain that every design point runs on.

        The experiment's ``[uncertainty]`` table (or the declared distributions), less the
        paths the design varies: the design sets those.

        Args:
            draws: Vectors of constants; draw *r* runs with replicate seed *r*.
            design: ``latin_hypercube`` or ``sobol``.
        """
        uncertainty = read_uncertainty(self.uncertainty, self.scenarios).without(
            p.path for p in self.parameters
        )
        return SweepDraws(uncertainty, uncertainty.draws(draws, self.seed, design), design)

    def runs_of_points(
        self, draws: SweepDraws | None = None
    ) -> list[tuple[int, Scenario, list[tuple[int, Scenario, int]]]]:
        """Each design point's runs: (point index, scenario, [(replicate, variant, seed)]).

        Without draws every replicate runs the point's scenario; with them, replicate *r*
        runs it on draw *r*'s constants.
        """
        from cxsim.analysis.experiment import replicate_seeds

        n = self.replications if draws is None else len(draws.constants)
        seeds = replicate_seeds(self.seed, n)
        runs = []
        for index, scenario in self.scenarios_for_points():
            if draws is None:
                variants = [(r, scenario, seed) for r, seed in enumerate(seeds)]
            else:
                variants = [
                    (r, draws.uncertainty.apply(scenario, draws.constants.iloc[r]), seed)
                    for r, seed in enumerate(seeds)
                ]
            runs.append((index, scenario, variants))
        return runs

    def _check_values(self) -> None:
        """Every value a parameter takes must make a valid scenario."""
        base = self.scenarios[0]
        for i, parameter in enumerate(self.parameters):
            used = [point[parameter.path] for point in self.points_]
            candidates = (
                parameter.values if parameter.values is not None else [min(used), max(used)]
            )
            for value in candidates:
                try:
                    base.with_overrides({parameter.path: value})
                except InputError as exc:
                    raise InputError(
                        f"parameters.{i}",
                        f"values valid at {parameter.path} ({exc.expected})",
                        value,
                    ) from None

    def points(self) -> list[dict[str, Any]]:
        """The design points: for Sobol, the rows of A, then B, then each AB_i."""
        d = len(self.parameters)
        if self.design == "full_factorial":
            grids = [p.grid() for p in self.parameters]
            return [
                {p.path: v for p, v in zip(self.parameters, combo, strict=True)}
                for combo in itertools.product(*grids)
            ]
        if self.design == "latin_hypercube":
            unit = qmc.LatinHypercube(d, rng=np.random.default_rng(self.seed)).random(self.samples)
            return self._rows(unit)
        a, b = self._sobol_matrices()
        rows = [a, b] + [np.where(np.arange(d) == i, b, a) for i in range(d)]
        return self._rows(np.vstack(rows))

    def _sobol_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        d = len(self.parameters)
        sample = qmc.Sobol(2 * d, rng=np.random.default_rng(self.seed)).random(self.samples)
        return sample[:, :d], sample[:, d:]

    def _rows(self, unit: np.ndarray) -> list[dict[str, Any]]:
        columns = [p.from_unit(unit[:, j]) for j, p in enumerate(self.parameters)]
        return [
            {p.path: column[i] for p, column in zip(self.parameters, columns, strict=True)}
            for i in range(len(unit))
        ]

    def scenarios_for_points(self) -> list[tuple[int, Scenario]]:
        """(point index, scenario) for every base scenario and design point."""
        built = []
        for base in self.scenarios:
            for index, point in enumerate(self.points_):
                scenario = base.with_overrides(point)
                scenario.name = f"{base.name}#{index}"
                built.append((index, scenario))
        return built


@dataclass(frozen=True)
class SweepDraws:
    """Draws of the uncertain constants a sweep runs each design point on.

    Attributes:
        uncertainty: What is uncertain (the design's own paths left out).
        constants: One row per draw (index ``draw``).
        design: How the draws are spread.
    """

    uncertainty: Uncertainty
    constants: pd.DataFrame
    design: str = "latin_hypercube"


@dataclass
class SweepResult:
    """What a sweep found: a row per design point, and Sobol indices when asked for."""

    table: pd.DataFrame
    sensitivity: pd.DataFrame | None
    runs: dict[str, int]


UNCERTAIN_SWEEP = "sweep_uncertainty"
"""The store's memory of the last sweep's draws (None: a sweep without uncertainty)."""


def run_sweep(
    experiment: Experiment,
    store,
    executor=None,
    progress: bool = True,
    draws: SweepDraws | None = None,
) -> SweepResult:
    """Run every design point over the experiment's replications, and summarise.

    Args:
        experiment: The experiment.
        store: Results store (runs already there are not run again).
        executor: Any ``concurrent.futures.Executor``, or None for this process.
        progress: Whether to draw a progress bar.
        draws: Run each point on these draws of the uncertain constants
            (:meth:`Experiment.uncertain`) instead of its replications.
    """
    from cxsim.analysis.experiment import RunSpec, execute

    specs = []
    for _, scenario, variants in experiment.runs_of_points(draws):
        plain: dict[int, tuple[dict[str, Any], str]] = {}  # each variant's dict and hash once
        for r, variant, seed in variants:
            data, digest = plain.setdefault(id(variant), (variant.to_dict(), variant.model_hash()))
            specs.append(RunSpec(data, scenario.name, digest, r, seed))
    specs.sort(key=lambda spec: spec.replicate)  # a replicate's runs together: shared warm-ups
    memory = None
    if draws is not None:
        memory = {"experiment": experiment.name, "draws": len(draws.constants)}
        memory["design"] = draws.design
    store.remember(UNCERTAIN_SWEEP, memory)
    counts = execute(specs, store, executor, progress)
    result = summarise(experiment, store, draws=draws)
    return SweepResult(table=result.table, sensitivity=result.sensitivity, runs=counts)


def summarise(
    experiment: Experiment, store, older: bool = False, draws: SweepDraws | None = None
) -> SweepResult:
    """The table of design points (and Sobol indices) from the runs a store holds.

    Only this code's runs count unless ``older`` lets runs of older code stand in. Each
    point's means are over the replicates every point has finished, so that points stay
    paired by seed when a run failed (``replicates_used``; ``runs`` counts them all).

    On draws of the uncertain constants (``draws``, or the draws the store remembers of
    this experiment's last sweep) each outcome also has its 5-95% range over the draws,
    and each scenario after the first the chance, draw by draw at the same point, that it
    does better than the first (``OUTCOME_p_better``).
    """
    if draws is None:
        remembered = store.recall(UNCERTAIN_SWEEP)
        if remembered and remembered.get("experiment") == experiment.name:
            draws = experiment.uncertain(int(remembered["draws"]), remembered["design"])
    points = [
        (index, scenario, _finals_of(store, variants, older))
        for index, scenario, variants in experiment.runs_of_points(draws)
    ]
    # every point is averaged over the same replicates (common random numbers): a run
    # that failed at one point leaves its replicate out at every point
    ran = [finals.index for _, _, finals in points if len(finals)]
    common = functools.reduce(lambda a, b: a.intersection(b), ran) if ran else None
    rows, kept = [], {}
    for index, scenario, finals in points:
        row: dict[str, Any] = {"scenario": scenario.name.split("#")[0], "point": index}
        row.update(experiment.points_[index])
        row["runs"] = len(finals)
        if common is not None and len(common):
            finals = finals.loc[finals.index.intersection(common)]
        row["replicates_used"] = len(finals)
        kept[(row["scenario"], index)] = finals
        for outcome in experiment.outcomes:
            values = finals[outcome].to_numpy() if len(finals) else np.array([])
            row[outcome] = float(values.mean()) if len(values) else float("nan")
            if len(values) >= 2:
                half = float(t_interval(values)[1])
                row[f"{outcome}_ci_low"] = row[outcome] - half
                row[f"{outcome}_ci_high"] = row[outcome] + half
                if draws is not None:
                    row[f"{outcome}_p5"], row[f"{outcome}_p95"] = np.quantile(values, [0.05, 0.95])
        rows.append(row)
    if draws is not None:
        _chance_better(rows, kept, experiment)
    table = pd.DataFrame(rows)
    sensitivity = _sobol(experiment, table) if experiment.design == "sobol" else None
    return SweepResult(table=table, sensitivity=sensitivity, runs={})


def _finals_of(store, variants: list[tuple[int, Scenario, int]], older: bool) -> pd.DataFrame:
    """Final metrics of a point's runs, indexed by replicate."""
    if len({id(variant) for _, variant, _ in variants}) == 1:  # one scenario, every seed
        digest = variants[0][1].model_hash()
        return store.finals(digest, [seed for _, _, seed in variants], older)
    frames = [store.finals(v.model_hash(), [seed], older) for _, v, seed in variants]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames).sort_index() if frames else pd.DataFrame()


def _chance_better(rows: list[dict[str, Any]], kept: dict, experiment: Experiment) -> None:
    """Each later scenario's chance of beating the first at the same point, by draw."""
    from cxsim.analysis.uncertain import LARGER_IS_WORSE

    first = experiment.scenarios[0].name
    for row in rows:
        if row["scenario"] == first:
            continue
        mine, theirs = kept[(row["scenario"], row["point"])], kept.get((first, row["point"]))
        if theirs is None or not len(mine) or not len(theirs):
            continue
        common = mine.index.intersection(theirs.index)
        for outcome in experiment.outcomes:
            difference = mine.loc[common, outcome] - theirs.loc[common, outcome]
            sign = -1.0 if outcome in LARGER_IS_WORSE else 1.0
            row[f"{outcome}_p_better"] = float((sign * difference > 0).mean())


def _sobol_estimates(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> np.ndarray:
    """First- then total-order indices (Saltelli 2010, ``scipy.stats.sobol_indices``)."""
    result = stats.sobol_indices(
        func={"f_A": f_a[None, :], "f_B": f_b[None, :], "f_AB": f_ab[:, None, :]}, n=len(f_a)
    )
    return np.concatenate([np.ravel(result.first_order), np.ravel(result.total_order)])


def _resampled_estimates(f_a, f_b, f_ab, idx: np.ndarray) -> np.ndarray:
    return _sobol_estimates(f_a[idx], f_b[idx], f_ab[:, idx])


def _sobol_outputs(experiment: Experiment, table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each output to decompose, over the design points in order.

    The first scenario's outcomes by name; each further scenario's paired difference
    from the first at the same point, as ``"outcome: scenario - first"``.
    """
    points = len(experiment.points_)
    base = experiment.scenarios[0].name
    outputs = {}
    for outcome in experiment.outcomes:
        # rows come scenario by scenario, each over the points in order
        y = table[outcome].to_numpy().reshape(len(experiment.scenarios), points)
        outputs[outcome] = y[0]
        for scenario, other in zip(experiment.scenarios[1:], y[1:], strict=True):
            outputs[f"{outcome}: {scenario.name} - {base}"] = other - y[0]
    return outputs


def _sobol(experiment: Experiment, table: pd.DataFrame) -> pd.DataFrame:
    """First- and total-order Sobol indices with 95% bootstrap intervals.

    The bootstrap resamples the base samples with a generator seeded by the experiment
    seed, so a resumed sweep reports the same intervals as an uninterrupted one.
    """
    n, d = experiment.samples, len(experiment.parameters)
    rows = []
    for outcome, y in _sobol_outputs(experiment, table).items():
        f_a, f_b = y[:n], y[n : 2 * n]
        f_ab = y[2 * n :].reshape(d, n)
        if np.isnan(y).any() or np.var(np.concatenate([f_a, f_b])) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimate = _sobol_estimates(f_a, f_b, f_ab)
            boot = stats.bootstrap(
                (np.arange(n),),
                functools.partial(_resampled_estimates, f_a, f_b, f_ab),
                vectorized=False,
                n_resamples=500,
                confidence_level=0.95,
                method="percentile",
                rng=np.random.default_rng(experiment.seed),
            )
        low, high = boot.confidence_interval
        for j, parameter in enumerate(experiment.parameters):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": parameter.path,
                    "first_order": float(estimate[j]),
                    "first_low": float(low[j]),
                    "first_high": float(high[j]),
                    "total_order": float(estimate[d + j]),
                    "total_low": float(low[d + j]),
                    "total_high": float(high[d + j]),
                }
            )
    return pd.DataFrame(rows)


def _check_header(head: ExperimentHeader) -> None:
    """What the declaration cannot say: lists not empty, and outcomes that are metrics."""
    if not head.scenarios:
        raise InputError("experiment.scenarios", "a non-empty list of scenario files", [])
    if len(head.scenarios) > MAX_SCENARIO_ENTRIES:
        raise InputError(
            "experiment.scenarios",
            f"at most {MAX_SCENARIO_ENTRIES} scenario files",
            f"{len(head.scenarios):,} of them",
        )
    if not head.outcomes:
        raise InputError("experiment.outcomes", "a non-empty list of metrics", [])
    for i, outcome in enumerate(head.outcomes):
        if outcome not in metric_names():
            raise InputError(
                f"experiment.outcomes.{i}", "one of " + ", ".join(metric_names()), outcome
            )


def _check_design(
    design: DesignTable, parameters: Sequence[Parameter], replications: int, bases: int
) -> None:
    """A Sobol design's own needs, and a design small enough to make."""
    if design.type == "sobol":
        if len(parameters) < 2:
            raise InputError("parameters", "at least two parameters for a Sobol design")
        if design.samples < 8 or design.samples & (design.samples - 1):
            raise InputError(
                "design.samples", "a power of two, at least 8, for a Sobol design", design.samples
            )
    _check_size(design.type, design.samples, parameters, replications, bases)


def design_points(kind: str, samples: int, parameters: Sequence[Parameter]) -> int:
    """How many points a design has, counted before any is made."""
    if kind == "full_factorial":
        return math.prod(len(p.values) if p.values is not None else p.levels for p in parameters)
    if kind == "sobol":
        return samples * (len(parameters) + 2)
    return samples


def _check_size(
    kind: str, samples: int, parameters: Sequence[Parameter], replications: int, bases: int
) -> None:
    """Refuse a design too large to make, before a single point is made."""
    points = design_points(kind, samples, parameters)
    if points > MAX_DESIGN_POINTS:
        where = "parameters" if kind == "full_factorial" else "design.samples"
        raise InputError(
            where,
            f"a design of at most {MAX_DESIGN_POINTS:,} points (this {kind} design has {points:,})",
        )
    runs = points * replications * bases
    if runs > MAX_RUNS:
        raise InputError(
            "experiment.replications",
            f"at most {MAX_RUNS:,} runs in all (design points x replications x scenarios "
            f"= {runs:,})",
            replications,
        )


def _parameter(spec: Any, path: str) -> Parameter:
    entry = build(ParameterEntry, spec, path)
    if not entry.path:
        raise InputError(f"{path}.path", "a dotted path such as trust.loss", entry.path)
    ways = [k for k in ("values", "range", "distribution") if getattr(entry, k) is not None]
    if len(ways) != 1:
        raise InputError(path, "exactly one of values, range or distribution", ways or None)
    if entry.values is not None:
        if not entry.values:
            raise InputError(f"{path}.values", "a non-empty list of values", entry.values)
        return Parameter(entry.path, values=entry.values, levels=entry.levels)
    if entry.range is not None:
        bounds = spec["range"]  # as written: whole numbers make an integer range
        if len(entry.range) != 2:
            raise InputError(f"{path}.range", "[low, high]", bounds)
        low, high = entry.range
        if not low < high:
            raise InputError(f"{path}.range", "low < high", bounds)
        integer = all(isinstance(b, int) and not isinstance(b, bool) for b in bounds)
        return Parameter(entry.path, low=low, high=high, levels=entry.levels, integer=integer)
    distribution = _distribution(entry.distribution, f"{path}.distribution")
    return Parameter(entry.path, distribution=distribution, levels=entry.levels)


def _distribution(table: DistributionTable, path: str) -> Any:
    """The frozen SciPy distribution a ``distribution`` table describes."""
    kind = table.type
    names, make = DISTRIBUTIONS[kind]
    for key in (f.name for f in dataclasses.fields(table) if f.name != "type"):
        if getattr(table, key) is not None and key not in names:
            raise InputError(
                f"{path}.{key}", "one of the known keys (" + ", ".join(("type", *names)) + ")"
            )
    for name in names:
        if getattr(table, name) is None:
            raise InputError(f"{path}.{name}", "a finite number")
    values = {name: getattr(table, name) for name in names}
    try:
        distribution = make(values)
        low, middle, high = distribution.ppf([0.01, 0.5, 0.99])
    except (ValueError, ArithmeticError) as exc:  # ArithmeticError: exp() of a large mean_log
        raise InputError(path, f"valid {kind} parameters ({exc})") from None
    if not (np.isfinite([low, middle, high]).all() and low < high):
        raise InputError(path, f"valid {kind} parameters", {"type": kind, **values})
    return distribution
