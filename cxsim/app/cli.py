"""The ``cxsim`` command line.

Every command reports bad input as one line naming the file, the dotted path and what
was expected, and exits with code 2; it never shows a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from cxsim.config.files import output_directory, output_file
from cxsim.validation.errors import InputError, one_line, shown
from cxsim.validation.limits import MAX_RUNS, MAX_WORKERS

if TYPE_CHECKING:
    from cxsim.config.scenario import Scenario

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

__all__ = ["main"]

USAGE_ERROR = 2
DEFAULT_MAX_REPS = 1000
"""The replication budget of ``compare --precision`` unless ``--max-reps`` says otherwise."""


def _integer(low: int, high: int | None = None, expected: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number within bounds, refused in one line otherwise."""
    if not expected:
        expected = (
            f"an integer >= {low}" if high is None else f"an integer between {low} and {high}"
        )

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {shown(text)}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


def _half_width(text: str) -> float:
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite half-width > 0, got {shown(text)}")
    return value


def _weeks(text: str) -> int:
    """An argparse type: a horizon in weeks, 1 to the longest a scenario may run."""
    from cxsim.config.scenario import MAX_WEEKS  # loads Mesa: only when --weeks is given

    return _integer(1, MAX_WEEKS)(text)


SEED = _integer(0, 2**63 - 1, "a non-negative integer")
WORKERS = _integer(1, MAX_WORKERS, f"at least 1 and at most {MAX_WORKERS}")
REPLICATIONS = _integer(
    2, MAX_RUNS, f"at least 2 replications (an interval needs two) and at most {MAX_RUNS:,}"
)
DRAWS = _integer(2, MAX_RUNS, f"at least 2 draws and at most {MAX_RUNS:,}")
DEFAULT_DRAWS = 300
"""Draws of the uncertain constants of ``compare --uncertainty`` unless ``--draws`` says."""

HELD_CONSTANTS = (
    "These intervals are over replications (chance) with every constant at its value; "
    "what the constants themselves leave uncertain is not in them (add --uncertainty)."
)
"""The line under a comparison that ran without ``--uncertainty``."""

MONEY_LINES = ("incremental profit", "programme cost", "ROI %", "payback week", "break-even margin")
"""What a comparison prints of each scenario's money over the horizon, in this order."""

DEMO_DRAWS = 40
"""Draws of the demo: enough for the chance of paying off within a few points."""


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print the problem in one line, with where to read the usage, and exit 2."""
        self.exit(USAGE_ERROR, f"cxsim: error: {one_line(message)} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    """The ``cxsim`` parser, its subcommands in the order ``cxsim --help`` lists them."""
    parser = _Parser(
        prog="cxsim",
        description=(
            "Agent-based simulation of silo versus collaborative organizations: "
            "customer trust, repurchase, employee morale and what collaboration is worth."
        ),
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    for add_command in (
        _add_run,
        _add_validate,
        _add_components,
        _add_parameters,
        _add_compare,
        _add_sweep,
        _add_report,
        _add_demo,
        _add_calibrate,
        _add_app,
        _add_status,
        _add_metrics,
    ):
        add_command(commands)
    return parser


def _add_run(commands: Commands) -> None:
    """``cxsim run``: one scenario, one seed."""
    run = commands.add_parser(
        "run",
        help="run one scenario once and print its final metrics",
        description="Run one scenario once and print its final metrics.",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="scenario TOML file")
    run.add_argument("--seed", type=SEED, default=0, help="seed of the run (default 0)")
    run.add_argument("--weeks", type=_weeks, help="horizon in weeks (default: scenario.weeks)")
    _add_set(run)
    run.add_argument("--out", metavar="FILE.csv", help="write the weekly metrics as CSV")
    run.add_argument(
        "--departments", metavar="FILE.csv", help="write the weekly per-department figures"
    )
    _add_json(run)


def _add_validate(commands: Commands) -> None:
    """``cxsim validate``: check a scenario, experiment or calibration file."""
    validate = commands.add_parser(
        "validate",
        help="check a scenario or experiment file and print what it runs",
        description=(
            "Check a scenario file (and any --set overrides), or an experiment file (its "
            "scenarios, design and size), without running it."
        ),
    )
    validate.add_argument("scenario", metavar="FILE", help="scenario or experiment TOML file")
    _add_set(validate)


def _add_components(commands: Commands) -> None:
    """``cxsim components``: the registered structures, incentive schemes, interventions."""
    components = commands.add_parser(
        "components",
        help="list every structure, incentive scheme and intervention with its parameters",
        description="List every registered component with its parameters and defaults.",
    )
    components.add_argument("--json", action="store_true", help="print JSON")


def _add_parameters(commands: Commands) -> None:
    """``cxsim parameters``: the model's constants."""
    parameters = commands.add_parser(
        "parameters",
        help="list the model's constants with defaults, units and sources",
        description="List every model constant: default, unit, valid range and source.",
    )
    parameters.add_argument(
        "--markdown", action="store_true", help="print Markdown tables (as in docs/ODD.md)"
    )


def _add_compare(commands: Commands) -> None:
    """``cxsim compare``: paired replications of scenarios against the first."""
    compare = commands.add_parser(
        "compare",
        help="compare scenarios over paired replications (common random numbers)",
        description=(
            "Run every scenario over the same replicate seeds and compare each with the "
            "first (the baseline): means with 95% intervals, paired differences with "
            "intervals and p-values, and the variance reduction pairing achieved."
        ),
    )
    compare.add_argument("scenarios", metavar="SCENARIO", nargs="+", help="scenario files")
    _add_reps(compare, 30, "replications (default 30)")
    compare.add_argument("--seed", type=SEED, default=0, help="experiment seed (default 0)")
    _add_store(compare, "results store (SQLite); run again to resume")
    _add_executor(compare)
    compare.add_argument(
        "--precision",
        type=_half_width,
        metavar="H",
        help="add replications until each --metric difference has a 95%% half-width <= H",
    )
    compare.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="NAME",
        help="a metric --precision applies to (repeat for several)",
    )
    compare.add_argument(
        "--max-reps",
        type=REPLICATIONS,
        default=DEFAULT_MAX_REPS,
        help="replication budget for --precision",
    )
    compare.add_argument(
        "--uncertainty",
        action="store_true",
        help="also run every scenario on draws of the uncertain constants (the baseline's "
        "[uncertainty] table, or the declared distributions): the chance each pays, where "
        "the answer flips and what to measure first",
    )
    compare.add_argument(
        "--draws",
        type=DRAWS,
        default=None,
        help=f"draws of the uncertain constants (default {DEFAULT_DRAWS})",
    )
    compare.add_argument(
        "--design",
        choices=("latin_hypercube", "sobol"),
        default="latin_hypercube",
        help="how the draws are spread (default latin_hypercube)",
    )
    _add_set(compare)
    _add_json(compare)
    _add_quiet(compare, "no progress bar")


def _add_sweep(commands: Commands) -> None:
    """``cxsim sweep``: an experiment file's design points."""
    sweep = commands.add_parser(
        "sweep",
        help="run an experiment: parameters varied over a design, with sensitivity indices",
        description=(
            "Run an experiment file (experiments/*.toml): every design point over the same "
            "replicate seeds, resumable through its store."
        ),
    )
    sweep.add_argument("experiment", metavar="EXPERIMENT", help="experiment TOML file")
    _add_store(sweep, "results store (default: the experiment file with .db); run again to resume")
    _add_executor(sweep)
    sweep.add_argument("--out", metavar="FILE.csv", help="write the table of design points")
    sweep.add_argument(
        "--uncertainty",
        action="store_true",
        help="run every design point on draws of the uncertain constants (the experiment's "
        "[uncertainty] table, or the declared distributions) instead of its replications: "
        "each point's 5-95%% range and each scenario's chance of beating the first",
    )
    sweep.add_argument(
        "--draws",
        type=DRAWS,
        default=None,
        help="draws of the uncertain constants (default: the experiment's replications)",
    )
    sweep.add_argument(
        "--design",
        choices=("latin_hypercube", "sobol"),
        default="latin_hypercube",
        help="how the draws are spread (default latin_hypercube)",
    )
    _add_json(sweep)
    _add_quiet(sweep, "no progress bar")


def _add_report(commands: Commands) -> None:
    """``cxsim report``: the HTML report of a store or an experiment."""
    report = commands.add_parser(
        "report",
        help="write the HTML report of a comparison held in a results store",
        description="Write report.html (figures embedded) and its tables as CSV.",
    )
    report.add_argument(
        "store",
        metavar="STORE_OR_EXPERIMENT",
        help="a results store written by cxsim compare, or an experiment file (*.toml)",
    )
    report.add_argument("--out", metavar="DIR", default="cxsim-report", help="output directory")
    report.add_argument(
        "--older-runs",
        action="store_true",
        help="let runs made by older cxsim code stand in for runs this code has not made "
        "(the report says how many did)",
    )


def _add_demo(commands: Commands) -> None:
    """``cxsim demo``: the shipped scenarios compared, then the report."""
    demo = commands.add_parser(
        "demo",
        help="compare the siloed, collaborative and transformation scenarios and report",
        description=(
            "The main job: the siloed baseline against the collaborative and the "
            "transformation scenarios, paired replications and what each option earns "
            "over the horizon, then the decision under uncertainty and the report."
        ),
    )
    _add_reps(demo, 20, "replications (default 20)")
    demo.add_argument(
        "--draws",
        type=DRAWS,
        default=DEMO_DRAWS,
        help=f"draws of the uncertain constants (default {DEMO_DRAWS}; {DEFAULT_DRAWS} "
        "for a decision)",
    )
    demo.add_argument(
        "--no-uncertainty",
        dest="uncertainty",
        action="store_false",
        help="only the paired replications, at the scenarios' own constants",
    )
    demo.add_argument("--out", metavar="DIR", default="cxsim-demo", help="output directory")
    _add_workers(demo)
    demo.set_defaults(seed=0, design="latin_hypercube")
    _add_quiet(demo, "no progress bar")


def _add_calibrate(commands: Commands) -> None:
    """``cxsim calibrate``: fit a scenario's free parameters to observed KPIs."""
    calibrate = commands.add_parser(
        "calibrate",
        help="fit a scenario's baseline to the KPIs an organization observes",
        description=(
            "Fit free parameters of a scenario so that its baseline reproduces observed "
            "KPIs (method of simulated moments, common random numbers, a SciPy optimiser "
            "within bounds), re-check the fit on fresh seeds, and report how much each "
            "target constrains each parameter. FILE is a scenario, or an experiment file "
            "with a [calibration] table; --target and --free given here replace its own."
        ),
    )
    calibrate.add_argument("file", metavar="FILE", help="scenario or experiment TOML file")
    calibrate.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="M=V[+-TOL]",
        help="an observed KPI: churn_rate=0.18, nps=12+-3, or a window average "
        "turnover_rate@53:104=0.3 (default tolerance: 10%% of the value)",
    )
    calibrate.add_argument(
        "--free",
        action="append",
        default=[],
        metavar="PATH=LO:HI",
        help="a parameter to fit within bounds: repurchase.intercept=-2:0",
    )
    _add_reps(calibrate, None, "replications per point (default 8)")
    calibrate.add_argument(
        "--budget", type=_integer(1, MAX_RUNS), help="most points to evaluate (default 60)"
    )
    calibrate.add_argument("--seed", type=SEED, help="seed of the replicate seeds (default 0)")
    calibrate.add_argument(
        "--method", choices=("nelder-mead", "powell"), help="optimiser (default nelder-mead)"
    )
    calibrate.add_argument(
        "--out",
        metavar="CALIBRATED.toml",
        help="calibrated scenario (default FILE-calibrated.toml, next to FILE)",
    )
    calibrate.add_argument(
        "--report",
        metavar="DIR",
        help="fit report directory (default FILE-calibration/ next to FILE)",
    )
    _add_store(calibrate, "results store (default FILE-calibration.db next to FILE); resumes")
    _add_executor(calibrate)
    _add_set(calibrate)
    _add_json(calibrate)
    _add_quiet(calibrate, "no progress")


def _add_app(commands: Commands) -> None:
    """``cxsim app``: the interactive dashboard."""
    app = commands.add_parser(
        "app",
        help="open the interactive dashboard in a browser",
        description=(
            "Serve the interactive dashboard: set the structure, incentive scheme, main "
            "parameters and change programme, then step or play and watch trust, "
            "repurchase, morale, churn and profit respond, optionally two policies side "
            'by side under one seed. Needs pip install "cxsim[app]".'
        ),
    )
    app.add_argument(
        "scenario", metavar="SCENARIO", nargs="?", help="scenario TOML file (default: built-in)"
    )
    app.add_argument(
        "--port",
        type=_integer(0, 65535, "a port between 0 and 65535"),
        default=8765,
        help="port (default 8765; 0: any free)",
    )
    app.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1: this machine only)",
    )


def _add_status(commands: Commands) -> None:
    """``cxsim status``: the runs a store holds."""
    status = commands.add_parser(
        "status",
        help="show the runs a results store holds: done and failed",
        description="Show the runs a results store holds, and the errors of failed runs.",
    )
    status.add_argument("store", metavar="STORE", help="results store (SQLite)")
    status.add_argument("--export", metavar="FILE", help="write the runs as .csv or .parquet")


def _add_metrics(commands: Commands) -> None:
    """``cxsim metrics``: the weekly metrics and their units."""
    commands.add_parser(
        "metrics",
        help="list the metrics with their units and definitions",
        description="List the weekly metrics with their units and definitions.",
    )


def _add_reps(parser: argparse.ArgumentParser, default: int | None, help_text: str) -> None:
    """``--reps``: replications, at least two (checked by :data:`REPLICATIONS`)."""
    parser.add_argument("--reps", type=REPLICATIONS, default=default, help=help_text)


def _add_store(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--store``: the results store a command writes and resumes from."""
    parser.add_argument("--store", metavar="PATH", help=help_text)


def _add_workers(parser: argparse.ArgumentParser) -> None:
    """``--workers``: processes, 1 to the limit (checked by :data:`WORKERS`)."""
    parser.add_argument(
        "--workers",
        type=WORKERS,
        default=os.cpu_count() or 1,
        help="processes (default: all cores)",
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: one JSON object instead of the readable text."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _add_quiet(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--quiet``: no progress on stderr."""
    parser.add_argument("--quiet", action="store_true", help=help_text)


def _add_executor(parser: argparse.ArgumentParser) -> None:
    """``--workers``, ``--executor`` and ``--scheduler``: where a command's runs go."""
    _add_workers(parser)
    parser.add_argument(
        "--executor",
        choices=("process", "dask"),
        default="process",
        help="where runs go: a local process pool (default) or a Dask cluster",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else a local cluster)",
    )


def _add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="K=V",
        help="override any value by dotted path, e.g. --set customers.count=5000",
    )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set`` overrides, by dotted path."""
    from cxsim.config.scenario import parse_override

    return dict(parse_override(text) for text in args.overrides)


def _load(args: argparse.Namespace) -> Scenario:
    """The scenario file ``args.scenario`` with the ``--set`` overrides."""
    from cxsim.config.scenario import Scenario

    return Scenario.load(args.scenario, overrides=_overrides(args))


def _run(args: argparse.Namespace) -> int:
    from cxsim.core.metrics import METRICS
    from cxsim.core.simulation import run  # the model loads only when a run is asked for

    for flag, option in (("--out", args.out), ("--departments", args.departments)):
        if option:
            output_file(option, flag, (".csv",))
    scenario = _load(args)
    result = run(scenario, seed=args.seed, weeks=args.weeks)
    for flag, option, frame, index in (
        ("--out", args.out, result.metrics, True),
        ("--departments", args.departments, result.departments, False),
    ):
        if option:
            _write_csv(frame, option, index, flag)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
        return 0
    print(f"{scenario.name}: {scenario.description}".rstrip(": "))
    print(
        f"seed {result.seed}, {result.weeks} weeks, {scenario.headcount} employees, "
        f"{scenario.parameters.customers.count} customers at week 0, "
        f"structure {scenario.structure.type_name()}, "
        f"incentives {scenario.incentives.type_name()}"
    )
    for intervention in scenario.interventions:
        stop = result.weeks if intervention.stop is None else min(intervention.stop, result.weeks)
        print(
            f"  intervention {intervention.name} ({intervention.type_name()}), "
            f"weeks {intervention.start}-{stop}"
        )
    print()
    weeks = _report_weeks(result.weeks)
    width = max(len(m.name) for m in METRICS)
    header = "".join(f"{'week ' + str(w):>12}" for w in weeks)
    print(f"{'metric':<{width}}{header}  unit")
    for metric in METRICS:
        values = "".join(f"{_number(result.metrics.at[w, metric.name]):>12}" for w in weeks)
        print(f"{metric.name:<{width}}{values}  {metric.unit}")
    for option in (args.out, args.departments):
        if option:
            print(f"\nwrote {option}")
    return 0


def _report_weeks(horizon: int, columns: int = 4) -> list[int]:
    """Up to ``columns`` evenly spaced weeks ending at the horizon (26, 52, 78, 104)."""
    step = max(1, horizon // columns)
    weeks = sorted({horizon - i * step for i in range(columns) if horizon - i * step >= 1})
    return weeks


def _write_csv(frame: Any, path: str, index: bool, flag: str) -> None:
    target = output_file(path, flag, (".csv",))
    try:
        frame.to_csv(target, index=index)
    except OSError as exc:
        raise InputError(flag, f"a writable file ({exc.strerror})", path) from None


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.3g}"
    return f"{value:.3f}"


def _validate(args: argparse.Namespace) -> int:
    from cxsim.config.files import read_toml

    tables = read_toml(args.scenario, "scenario or experiment")
    if "experiment" in tables:
        return _validate_experiment(args)
    if "calibration" in tables:
        return _validate_calibration(args)
    scenario = _load(args)
    print(f"{args.scenario}: valid")
    print(f"  name        {scenario.name}")
    print(f"  weeks       {scenario.weeks}")
    print(f"  customers   {scenario.parameters.customers.count}")
    departments = ", ".join(f"{d.name} {d.headcount}" for d in scenario.departments)
    print(f"  departments {departments} ({scenario.headcount} employees)")
    print(f"  structure   {scenario.structure.type_name()}")
    print(f"  incentives  {scenario.incentives.type_name()}")
    for intervention in scenario.interventions:
        stop = scenario.weeks if intervention.stop is None else intervention.stop
        print(
            f"  intervention {intervention.name} ({intervention.type_name()}), "
            f"weeks {intervention.start}-{stop}"
        )
    print(f"  hash        {scenario.hash()}")
    return 0


def _validate_experiment(args: argparse.Namespace) -> int:
    from cxsim.analysis.sweep import Experiment

    if args.overrides:
        raise InputError("--set", "no overrides for an experiment file (set them in its file)")
    experiment = Experiment.load(args.scenario)
    points = len(experiment.points_)
    print(f"{args.scenario}: valid")
    print(f"  name         {experiment.name}")
    print(f"  scenarios    {', '.join(s.name for s in experiment.scenarios)}")
    print(f"  design       {experiment.design}, {points:,} points")
    print(f"  parameters   {', '.join(p.path for p in experiment.parameters)}")
    runs = points * experiment.replications * len(experiment.scenarios)
    print(f"  runs         {runs:,} ({experiment.replications} replications each)")
    return 0


def _validate_calibration(args: argparse.Namespace) -> int:
    from cxsim.analysis.calibration import load_calibration

    if args.overrides:
        raise InputError("--set", "no overrides for a calibration file (give them to calibrate)")
    calibration = load_calibration(args.scenario)
    print(f"{args.scenario}: valid")
    print(f"  scenario     {calibration.scenario.name}")
    print(f"  targets      {', '.join(t.label for t in calibration.targets)}")
    print(f"  free         {', '.join(p.path for p in calibration.free)}")
    print(f"  budget       {calibration.budget} points of {calibration.reps} replications")
    return 0


def _components(args: argparse.Namespace) -> int:
    from cxsim.components.incentives import IncentiveScheme
    from cxsim.components.interventions import Intervention
    from cxsim.components.registry import registered
    from cxsim.components.structures import Structure

    kinds = (
        ("structure", Structure),
        ("incentives", IncentiveScheme),
        ("interventions", Intervention),
    )
    listing: dict[str, Any] = {}
    for kind, base in kinds:
        listing[kind] = {
            name: {
                "summary": cls.summary(),
                "parameters": [
                    {
                        "name": spec.name,
                        "default": spec.default,
                        "expected": spec.expected,
                        "unit": spec.unit,
                    }
                    for spec in cls.parameters()
                ],
            }
            for name, cls in registered(base.kind).items()
        }
    if args.json:
        print(json.dumps(listing, indent=2, default=str))
        return 0
    for kind, entries in listing.items():
        print(f"{kind}:")
        if not entries:
            print("  (none registered)")
        for name, entry in entries.items():
            print(f"  {name} - {entry['summary']}")
            for spec in entry["parameters"]:
                unit = f" [{spec['unit']}]" if spec["unit"] else ""
                print(f"      {spec['name']} = {spec['default']!r}{unit}  ({spec['expected']})")
        print()
    return 0


def _parameters(args: argparse.Namespace) -> int:
    from cxsim.config.reference import model_tables, plain_listing

    print(model_tables() if args.markdown else plain_listing(), end="")
    return 0


def _metrics(args: argparse.Namespace) -> int:
    from cxsim.core.metrics import METRICS

    width = max(len(m.name) for m in METRICS)
    for metric in METRICS:
        print(f"{metric.name:<{width}}  [{metric.unit}]  {metric.definition}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    import tempfile

    from cxsim.analysis.experiment import NotEnoughRuns, compare_scenarios, open_executor
    from cxsim.analysis.store import Store
    from cxsim.config.scenario import Scenario
    from cxsim.core.metrics import metric_names

    if not args.uncertainty and (args.draws is not None or args.design != "latin_hypercube"):
        raise InputError("--uncertainty", "the flag when --draws or --design is given")
    if args.precision is None and (args.metric or args.max_reps != DEFAULT_MAX_REPS):
        raise InputError("--precision", "a target half-width when --metric or --max-reps is given")
    if args.precision is not None:
        if not args.metric:
            raise InputError("--metric", "the metrics --precision applies to (--metric trust)")
        if args.max_reps < args.reps:
            raise InputError("--max-reps", f"at least --reps ({args.reps})", args.max_reps)
    for metric in args.metric:
        if metric not in metric_names():
            raise InputError("--metric", "one of " + ", ".join(metric_names()), metric)
    overrides = _overrides(args)
    scenarios = [Scenario.load(path, overrides=overrides) for path in args.scenarios]
    if len(scenarios) < 2:
        raise InputError("SCENARIO", "a baseline and at least one scenario to compare with it")
    horizons = {scenario.weeks for scenario in scenarios}
    if len(horizons) > 1:
        raise InputError(
            "SCENARIO",
            "scenarios with the same horizon (scenario.weeks: "
            + ", ".join(f"{p} {s.weeks}" for p, s in zip(args.scenarios, scenarios, strict=True))
            + ")",
        )
    seen: dict[str, str] = {}
    for path, scenario in zip(args.scenarios, scenarios, strict=True):
        if scenario.model_hash() in seen:
            raise InputError(
                "SCENARIO",
                f"scenarios that differ ({path} runs the same as {seen[scenario.model_hash()]})",
            )
        seen[scenario.model_hash()] = path
    names = [s.name for s in scenarios]
    if len(set(names)) < len(names):
        scenarios = _unique_names(scenarios)
    with tempfile.TemporaryDirectory() as scratch:
        path = args.store if args.store is not None else str(Path(scratch) / "runs.db")
        with (
            Store(path) as store,
            open_executor(args.executor, args.workers, args.scheduler) as executor,
        ):
            try:
                report = compare_scenarios(
                    scenarios,
                    store,
                    executor,
                    reps=args.reps,
                    seed=args.seed,
                    precision=args.precision,
                    metrics=args.metric,
                    max_reps=args.max_reps,
                    progress=not args.quiet,
                )
            except NotEnoughRuns as exc:
                raise InputError(
                    "--reps", f"scenarios whose runs succeed ({exc}; see cxsim status)"
                ) from None
            report["money"] = _money_over_horizon(scenarios, report, store, args.seed)
            if args.uncertainty:
                report["uncertainty"] = _under_uncertainty(args, scenarios, report, store, executor)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    _print_comparison(report)
    _print_money(report, scenarios[0].weeks)
    if args.uncertainty:
        from cxsim.report.decision import decision_summary

        print()
        print("\n".join(decision_summary(report["uncertainty"], report["baseline"])))
    else:
        print(f"\n{HELD_CONSTANTS}")
    return 0


def _money_over_horizon(
    scenarios: list[Scenario], report: dict, store, seed: int
) -> list[dict[str, str]]:
    """Each scenario's money over the horizon against the baseline, from its stored runs."""
    from cxsim.analysis.experiment import replicate_seeds
    from cxsim.report.money import money_by_run, money_table

    seeds = replicate_seeds(seed, report["reps"])
    weekly = {s.name: store.weekly(s.model_hash(), seeds) for s in scenarios}
    economics = {s.name: s.parameters.economics for s in scenarios}
    table = money_table(money_by_run(weekly, economics, report["baseline"]), report["baseline"])
    return table.fillna("").to_dict("records")


def _print_money(report: dict[str, Any], weeks: int) -> None:
    """Print what each scenario earns over the horizon against the baseline."""
    print(
        f"\nOver the {weeks} weeks, against {report['baseline']} (means with 95% intervals "
        f"over the {report['reps']} paired replications):"
    )
    for row in report["money"]:
        if row["scenario"] == report["baseline"]:
            continue
        print(f"{row['scenario']}")
        for key in MONEY_LINES:
            if row.get(key):
                print(f"  {key:<19} {row[key]}")


def _under_uncertainty(
    args: argparse.Namespace, scenarios: list[Scenario], report: dict, store, executor
) -> dict[str, Any]:
    """Run the scenarios on draws of the uncertain constants; summarise against the first.

    The comparison's own replicates measure the simulation's noise (the store has them).
    """
    from cxsim.analysis.experiment import replicate_seeds
    from cxsim.analysis.uncertain import run_under_uncertainty, summarise_uncertainty
    from cxsim.config.uncertainty import read_uncertainty

    tables = [s.uncertainty for s in scenarios if s.uncertainty is not None]
    if any(table != tables[0] for table in tables[1:]):
        raise InputError(
            "[uncertainty]", "the same table in every scenario that has one (or only in the first)"
        )
    uncertainty = read_uncertainty(tables[0] if tables else None, scenarios)
    # a constant given with --set is held at that value, not drawn
    uncertainty = uncertainty.without(_overrides(args) if hasattr(args, "overrides") else ())
    if not uncertainty.paths:
        raise InputError("[uncertainty]", "at least one uncertain constant for --uncertainty")
    runs = run_under_uncertainty(
        scenarios,
        uncertainty,
        store,
        executor,
        draws=args.draws or DEFAULT_DRAWS,
        seed=args.seed,
        design=args.design,
        noise_seeds=replicate_seeds(args.seed, report["reps"]),
        progress=not args.quiet,
    )
    return summarise_uncertainty(runs)


def _unique_names(scenarios: list[Scenario]) -> list[Scenario]:
    """Number scenarios whose names collide: name, name (2), ..."""
    renamed, used = [], set()
    for scenario in scenarios:
        name, count = scenario.name, 1
        while name in used:
            count += 1
            name = f"{scenario.name} ({count})"
        used.add(name)
        renamed.append(dataclasses.replace(scenario, name=name))
    return renamed


def _print_comparison(report: dict[str, Any]) -> None:
    from cxsim.core.metrics import METRICS

    scenarios = {s["name"]: s["metrics"] for s in report["scenarios"]}
    baseline = report["baseline"]
    runs = report["runs"]
    print(
        f"{len(scenarios)} scenarios x {report['reps']} paired replications "
        f"({runs['done']} run now, {runs['skipped']} from the store, {runs['failed']} failed); "
        f"baseline {baseline}"
    )
    width = max(len(m.name) for m in METRICS)
    by_scenario: dict[str, list[dict]] = {}
    for d in report["differences"]:
        by_scenario.setdefault(d["scenario"], []).append(d)
    if "precision" in report:
        p = report["precision"]
        state = "reached" if p["reached"] else "NOT reached (replication budget spent)"
        widths = ", ".join(f"{m} {w:.4g}" for m, w in p["half_widths"].items())
        print(f"precision {p['target']:g} {state}: half-widths {widths}")
    for name, rows in by_scenario.items():
        print(f"\n{name} - {baseline}")
        print(
            f"{'metric':<{width}}  {'baseline':>12}  {'scenario':>12}  "
            f"{'difference [95% interval]':>36}  {'p':>7}  var.red."
        )
        for d in rows:
            metric = d["metric"]
            base_mean = scenarios[baseline][metric]["mean"]
            mean = scenarios[name][metric]["mean"]
            interval = f"{_number(d['mean'])} [{_number(d['ci_low'])}, {_number(d['ci_high'])}]"
            reduction = report["variance_reduction"][name][metric]
            gain = "-" if reduction is None else f"x{reduction:.1f}"
            print(
                f"{metric:<{width}}  {_number(base_mean):>12}  {_number(mean):>12}  "
                f"{interval:>36}  {d['p_value']:>7.3g}  {gain}"
            )


def _sweep(args: argparse.Namespace) -> int:
    from cxsim.analysis.experiment import open_executor
    from cxsim.analysis.store import Store
    from cxsim.analysis.sweep import Experiment, run_sweep

    if args.out:
        output_file(args.out, "--out", (".csv",))
    if not args.uncertainty and (args.draws is not None or args.design != "latin_hypercube"):
        raise InputError("--uncertainty", "the flag when --draws or --design is given")
    experiment = Experiment.load(args.experiment)
    draws = None
    if args.uncertainty:
        try:
            draws = experiment.uncertain(args.draws or experiment.replications, args.design)
        except InputError as exc:
            raise exc.in_file(args.experiment) if not exc.file else exc from None
        if not draws.uncertainty.paths:
            raise InputError(
                "[uncertainty]", "at least one uncertain constant the design does not vary"
            )
    store_path = (
        args.store if args.store is not None else str(Path(args.experiment).with_suffix(".db"))
    )
    with (
        Store(store_path) as store,
        open_executor(args.executor, args.workers, args.scheduler) as executor,
    ):
        result = run_sweep(experiment, store, executor, progress=not args.quiet, draws=draws)
    if args.out:
        _write_csv(result.table, args.out, False, "--out")
    if args.json:
        report = {
            "experiment": experiment.name,
            "design": experiment.design,
            "replications": experiment.replications,
            "runs": result.runs,
            "points": result.table.to_dict(orient="records"),
            "sensitivity": None
            if result.sensitivity is None
            else result.sensitivity.to_dict(orient="records"),
        }
        if draws is not None:
            report["uncertainty"] = {
                "draws": len(draws.constants),
                "design": draws.design,
                "table": draws.uncertainty.to_table(),
            }
        print(json.dumps(report, indent=2, default=str))
        return 0
    runs = result.runs
    each = (
        f"{experiment.replications} replications"
        if draws is None
        else f"{len(draws.constants)} draws of {len(draws.uncertainty.paths)} uncertain constants"
    )
    print(
        f"{experiment.name}: {len(experiment.points_)} design points ({experiment.design}) x "
        f"{each}; {runs['done']} runs now, "
        f"{runs['skipped']} from {store_path}, {runs['failed']} failed"
    )
    columns = ["scenario", *[p.path for p in experiment.parameters], *experiment.outcomes]
    columns += [c for c in result.table.columns if c.endswith("_p_better")]
    with pd_options():
        print(result.table[columns].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        if result.sensitivity is not None and len(result.sensitivity):
            print("\nSobol indices (95% bootstrap intervals):")
            print(result.sensitivity.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def pd_options():
    """Print whole tables."""
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_rows", 500)


def _report(args: argparse.Namespace) -> int:
    from cxsim.report.html import build_experiment_report, build_report

    output_directory(args.out, "--out", create=False)
    if args.store.endswith(".toml"):
        report = build_experiment_report(args.store, args.out, older=args.older_runs)
    else:
        report = build_report(args.store, args.out, older=args.older_runs)
    print(f"wrote {report}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from cxsim.analysis.experiment import compare_scenarios, open_executor
    from cxsim.analysis.store import Store
    from cxsim.config.scenario import Scenario
    from cxsim.report.html import build_report

    here = Path(__file__).resolve().parents[2] / "scenarios"  # the repository's scenarios
    if not here.is_dir():
        raise InputError("demo", f"the shipped scenarios in {here} (install from the repository)")
    out = output_directory(args.out, "--out")
    scenarios = [
        Scenario.load(here / name)
        for name in ("siloed.toml", "collaborative.toml", "transformation.toml")
    ]
    with Store(out / "results.db") as store, open_executor("process", args.workers) as executor:
        comparison = compare_scenarios(
            scenarios, store, executor, reps=args.reps, seed=args.seed, progress=not args.quiet
        )
        comparison["money"] = _money_over_horizon(scenarios, comparison, store, args.seed)
        if args.uncertainty:
            decision = _under_uncertainty(args, scenarios, comparison, store, executor)
    report = build_report(out / "results.db", out)
    _print_money(comparison, scenarios[0].weeks)
    print()
    if args.uncertainty:
        from cxsim.report.decision import decision_summary

        print("\n".join(decision_summary(decision, comparison["baseline"])))
        print()
    print(f"report: {report.resolve()}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from cxsim.analysis.calibration import Calibration, load_calibration, parse_free, parse_target
    from cxsim.analysis.experiment import open_executor
    from cxsim.analysis.fitting import calibrate
    from cxsim.analysis.store import Store
    from cxsim.config.files import read_toml
    from cxsim.config.scenario import Scenario
    from cxsim.report.calibrated import describe_fit, summary, write_report, write_scenario

    overrides = _overrides(args)
    targets = [parse_target(text) for text in args.target]
    free = [parse_free(text) for text in args.free]
    given = {
        k: v
        for k, v in {
            "reps": args.reps,
            "budget": args.budget,
            "seed": args.seed,
            "method": args.method,
        }.items()
        if v is not None
    }
    if "calibration" in read_toml(args.file, "scenario or experiment"):
        base = load_calibration(args.file)
        scenario = base.scenario.with_overrides(overrides) if overrides else base.scenario
        calibration = Calibration(
            scenario,
            targets or base.targets,
            free or base.free,
            **{"reps": base.reps, "budget": base.budget, "seed": base.seed, "method": base.method}
            | given,
            source=args.file,
            overrides=overrides,
        )
    else:
        scenario = Scenario.load(args.file, overrides=overrides)
        calibration = Calibration(
            scenario, targets, free, **given, source=args.file, overrides=overrides
        )
    stem = Path(args.file).with_suffix("")  # outputs go next to FILE, as a sweep's store does
    out = args.out or f"{stem}-calibrated.toml"
    report_dir = args.report or f"{stem}-calibration"
    store_path = args.store or f"{stem}-calibration.db"
    output_file(out, "--out", (".toml",))
    output_directory(report_dir, "--report", create=False)

    def progress(line: str) -> None:
        if not args.quiet:
            print(f"\r{line:<70}", end="", file=sys.stderr, flush=True)

    with (
        Store(store_path) as store,
        open_executor(args.executor, args.workers, args.scheduler) as executor,
    ):
        result = calibrate(calibration, store, executor, on_progress=progress)
    if not args.quiet:
        print(file=sys.stderr)
    scenario_file = write_scenario(result, out)
    files = write_report(result, report_dir)
    if args.json:
        print(json.dumps({**summary(result), "calibrated": str(scenario_file)}, indent=2))
    else:
        print("\n".join(describe_fit(result)))
        print(f"wrote {scenario_file} and {files['fit'].parent}/ (fit.csv, calibration_fit.png)")
    return 0


def _app(args: argparse.Namespace) -> int:
    from cxsim.app.dashboard.serve import serve

    return serve(args.scenario, host=args.host, port=args.port)


def _status(args: argparse.Namespace) -> int:
    from cxsim.analysis.store import Store

    if not Path(args.store).exists():
        raise InputError("", "an existing results store", file=args.store)
    if args.export:
        output_file(args.export, "--export", (".csv", ".parquet"))
    with Store(args.store, writable=False) as store:
        counts = store.status()
        older = (
            f" ({counts['older']} of them by older cxsim code: compare, sweep and calibrate "
            "run those again; cxsim report --older-runs reads them)"
            if counts["older"]
            else ""
        )
        print(
            f"{args.store}: {counts['done']} done{older}, {counts['failed']} failed, "
            f"{counts['pending']} pending"
        )
        for scenario, replicate, error in store.failures():
            print(f"  failed: {one_line(scenario)} replicate {replicate}: {one_line(error)}")
        if args.export:
            print(f"wrote {store.export(args.export)}")
    return 0


COMMANDS = {
    "run": _run,
    "validate": _validate,
    "components": _components,
    "parameters": _parameters,
    "metrics": _metrics,
    "compare": _compare,
    "sweep": _sweep,
    "status": _status,
    "report": _report,
    "demo": _demo,
    "app": _app,
    "calibrate": _calibrate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for usage and input errors)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as done:  # --help, or a usage error already printed in one line
        return done.code if isinstance(done.code, int) else USAGE_ERROR
    try:
        return COMMANDS[args.command](args)
    except InputError as error:
        print(f"cxsim: error: {one_line(error)}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("cxsim: interrupted", file=sys.stderr)
        return 130
    except sqlite3.DatabaseError as error:  # a store damaged while in use
        print(f"cxsim: error: the results store is damaged ({error})", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # output piped into a reader that stopped early (| head)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
