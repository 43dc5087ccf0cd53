"""The report a consultant hands over: one self-contained HTML file, and its tables as CSV.

Built from a results store written by ``cxsim compare`` (or ``cxsim demo``): every
number in it is computed from the runs in that store, with the seeds, versions and
replications that produced them. The report works from the store's data alone: it
imports no module and opens no file the store names, so a store received from someone
else is as safe to report as a CSV file.

Runs pair by replicate (the seed both scenarios ran with), never by position: a failed
run removes only its own pair from a comparison.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxsim.analysis.experiment import replicate_seeds
from cxsim.analysis.stats import compare
from cxsim.analysis.store import Store
from cxsim.analysis.uncertain import (
    load_uncertain_runs,
    paired_differences,
    summarise_uncertainty,
)
from cxsim.config.files import output_directory
from cxsim.core.metrics import METRICS
from cxsim.core.parameters import EconomicsParameters
from cxsim.report.decision import amount, decision_summary
from cxsim.report.figures import acceptability_curves, discovery_box, value_of_information
from cxsim.report.money import interval_text, money_by_run, money_table
from cxsim.validation.declare import build
from cxsim.validation.errors import InputError, shown
from cxsim.validation.limits import MAX_RUNS

__all__ = ["build_experiment_report", "build_report"]

HEADLINE_METRICS = ("retention", "trust", "morale", "profit")
MAX_COMPARED = 100
"""The most scenarios a comparison's report describes."""
LIMITS = (
    "The organization, its customers and every constant are a model: the defaults come "
    "from published research and are calibrated to published ranges (annual churn, "
    "employee turnover, first-contact resolution), not to this client's data.",
    "The intervals of the tables show the spread of the simulation's own randomness over "
    "the replications; they do not include uncertainty in the constants themselves. The "
    "decision (cxsim compare --uncertainty) does, for the constants that declare a "
    "plausible range; the others are held at their defaults.",
    "Customers decide independently except through referrals; competitors, prices and "
    "the market are not modelled.",
    "Programme costs are the costs entered in the scenario; the time programmes take from "
    "work is simulated, their invoices are not.",
)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        out = {}
        for i, value in enumerate(data):
            out.update(_flatten(value, f"{prefix}{value.get('name', i)}."))
        return out
    return {prefix.rstrip("."): data}


@dataclass(frozen=True)
class StoredScenario:
    """A scenario as its comparison's store keeps it: plain tables, nothing to import.

    Attributes:
        name: Its name in the comparison.
        model_hash: What its runs are stored under.
        tables: The whole scenario as TOML-ready tables, defaults included.
        economics_given: Whether its file set an ``[economics]`` table (None: the store
            does not say).
    """

    name: str
    model_hash: str
    tables: dict[str, Any]
    economics_given: bool | None

    @property
    def description(self) -> str:
        """What the scenario represents."""
        return str(self.tables.get("scenario", {}).get("description", ""))

    @property
    def weeks(self) -> int:
        """Its horizon."""
        return int(self.tables.get("scenario", {}).get("weeks", 0))

    @property
    def economics(self) -> EconomicsParameters:
        """Its economics, validated as the model validates them."""
        return build(EconomicsParameters, self.tables.get("economics", {}), "economics")


def _what_differs(base: StoredScenario, other: StoredScenario) -> list[tuple[str, Any, Any]]:
    plain_a, plain_b = dict(base.tables), dict(other.tables)
    for plain in (plain_a, plain_b):  # programmes get a table of their own
        plain.pop("interventions", None)
    a, b = _flatten(plain_a), _flatten(plain_b)
    skip = ("scenario.name", "scenario.description")
    return [
        (path, a.get(path, "-"), b.get(path, "-"))
        for path in sorted(set(a) | set(b))
        if path not in skip and a.get(path) != b.get(path)
    ]


def _programme(scenario: StoredScenario) -> pd.DataFrame:
    """One row per intervention: what it is, when it runs and what it costs."""
    rows = []
    for table in scenario.tables.get("interventions", []):
        stop = table.get("stop")
        rows.append(
            {
                "programme": table.get("name") or table.get("type"),
                "type": table.get("type"),
                "weeks": f"{table.get('start', 0)}-{scenario.weeks if stop is None else stop}",
                "cost per week": f"{float(table.get('cost_per_week', 0.0)):,.0f}",
                "one-off cost": f"{float(table.get('one_off_cost', 0.0)):,.0f}",
            }
        )
    return pd.DataFrame(rows)


def _headline(name: str, diffs: pd.DataFrame, money: pd.DataFrame, reps: int) -> str:
    retention = diffs[(diffs.scenario == name) & (diffs.metric == "retention")]
    parts = []
    if len(retention):
        r = retention.iloc[0]
        if reps >= 2:
            parts.append(
                f"{r['mean'] * 100:+.1f} points retention [{r.ci_low * 100:+.1f}, "
                f"{r.ci_high * 100:+.1f}]"
            )
        else:
            parts.append(f"{r['mean'] * 100:+.1f} points retention (no interval: one replication)")
    own = money[(money.scenario == name) & money["paired"].eq(True)]
    if own.empty:
        parts.append("no run paired with a baseline run, so no return")
    elif own["programme_cost"].fillna(0).max() > 0:
        parts.append(f"ROI {interval_text(own['roi'].dropna().to_numpy(), 100, 0)}%")
        paid = own["payback_week"].dropna()
        if len(paid):
            parts.append(
                f"payback week {int(np.median(paid))} (median; {len(paid)} of {len(own)} "
                "replications paid back)"
            )
        else:
            parts.append("no payback within the horizon")
    else:
        parts.append(
            f"incremental profit {interval_text(own['incremental_profit'].to_numpy(), 1, 0)} "
            "over the horizon (no programme cost, so no ROI)"
        )
    return f"<b>{html.escape(name)}</b>: " + ", ".join(html.escape(p) for p in parts)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=_number, border=0, na_rep="-")


def _image(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


CSS = """
body { font-family: Georgia, serif; max-width: 60rem; margin: 2rem auto; color: #222;
       line-height: 1.45; padding: 0 1rem; }
h1, h2 { font-family: Helvetica, Arial, sans-serif; color: #1f4e79; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1.5rem; }
th, td { padding: 0.2rem 0.6rem; border-bottom: 1px solid #ddd; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
figure { margin: 1rem 0; page-break-inside: avoid; } img { max-width: 100%; }
figcaption { font-size: 0.85rem; color: #555; }
.headline { background: #eef4fa; padding: 0.8rem 1rem; border-left: 4px solid #1f4e79; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-before: auto; }
               table, figure { page-break-inside: avoid; } }
"""


def build_report(store_path: str | Path, out_dir: str | Path, older: bool = False) -> Path:
    """Write ``report.html`` and its CSV tables for the comparison a store holds.

    Args:
        store_path: A results store written by ``cxsim compare``.
        out_dir: Directory for ``report.html``, ``figures/`` and the CSV tables.
        older: Whether runs made by older cxsim code may stand in for runs this code
            has not made (the report then says how many did).

    Returns:
        The path of ``report.html``.

    Raises:
        InputError: When the store holds no comparison or no finished runs of one of
            its scenarios, or the output directory cannot be written.
    """
    runs, out = _read_comparison(store_path, out_dir, older)
    _check_finished(runs, store_path, older)
    reps = _paired_replications(runs.finals, runs.baseline)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    summary, differences = _outcomes(runs.finals, runs.baseline, reps)
    money = money_by_run(runs.weekly, {s.name: s.economics for s in runs.scenarios}, runs.baseline)
    summary.to_csv(out / "outcomes.csv", index=False)
    differences.to_csv(out / "differences.csv", index=False)
    money.to_csv(out / "economics.csv", index=False)
    images = _figures(runs, money, figures)
    decision, decision_images = _decision(store_path, runs.baseline, out, figures)

    borrowed = sum(runs.stand_ins.values()) if older else 0
    older_notice = [_older_runs_notice(borrowed)] if borrowed else []
    # the one-replication notice stands before the headline when the older-runs notice is
    # shown and after it otherwise, where reports have always put it
    one_notice = [_one_replication_notice()] if reps < 2 else []
    parts = [
        f"<title>cxsim report: {html.escape(runs.baseline)} compared</title>",
        f"<style>{CSS}</style>",
        "<h1>What collaboration is worth</h1>",
        *decision,
        "<h2>The question</h2>",
        *older_notice,
        _question(runs),
        *(one_notice if borrowed else []),
        _headline_section(runs, differences, money, reps),
        *([] if borrowed else one_notice),
        *_scenarios_section(runs.scenarios, runs.baseline),
        *_results_section(summary, differences, money, runs.baseline),
        *_figures_section(decision_images + images),
        *_limits_section(),
        *_method_section(reps, runs.scenarios[0].tables.get("warm_up", {}), bool(decision)),
        *_appendix(summary, differences),
        *_assumptions_section(runs.scenarios),
        *_provenance_section(runs, store_path),
    ]
    return _write_page(out, parts)


def _decision(
    store_path: str | Path, baseline: str, out: Path, figures: Path
) -> tuple[list[str], list[tuple[Path, str]]]:
    """The one-screen decision and its figures, when the store holds draws of constants.

    Writes ``uncertainty.csv`` (each draw's constants and paired differences).
    """
    with Store(store_path, writable=False) as store:
        try:
            runs = load_uncertain_runs(store)
        except InputError as exc:
            notice = f"The store's draws of the uncertain constants cannot be read ({exc}); "
            return [f"<p><b>{html.escape(notice)}the decision is left out.</b></p>"], []
    if runs is None or runs.outcomes.empty:
        return [], []
    summary = summarise_uncertainty(runs)
    if not summary["scenarios"]:
        return [], []
    lines = decision_summary(summary, runs.baseline)
    parts = ["<h2>The decision</h2>", f"<p>{html.escape(lines[0])}</p>"]
    block: list[str] = []
    for line in lines[1:] + [""]:
        if line.strip():
            block.append(html.escape(line.strip()))
        elif block:
            parts.append(f"<h3>{block[0]}</h3><ul>")
            parts += [f"<li>{item}</li>" for item in block[1:]]
            parts.append("</ul>")
            block = []
    parts.append(
        "<p>Each draw runs every option with one set of the uncertain constants and one "
        "seed (see Method; docs/ODD.md section 11 for the ranges).</p>"
    )
    rows = []
    for name in summary["scenarios"]:
        difference = paired_differences(runs.outcomes, name, runs.baseline)
        rows.append(runs.draws.join(difference.add_prefix("difference_")).assign(scenario=name))
    pd.concat(rows).to_csv(out / "uncertainty.csv")
    images = []
    curves = {name: entry["acceptability"] for name, entry in summary["scenarios"].items()}
    png, _ = acceptability_curves(curves, figures)
    images.append((png, "The chance each option clears each threshold, over the draws."))
    name, entry = next(iter(summary["scenarios"].items()))
    if entry["evppi"]:
        png, _ = value_of_information(entry["evpi"], entry["evppi"], figures, name)
        images.append((png, "What knowing each constant before deciding is worth."))
    ranked = sorted(entry["evppi"], key=entry["evppi"].get, reverse=True)
    if entry["boxes"] and len(runs.draws.columns) >= 2:
        limits = entry["boxes"][0]["limits"]
        pair = (list(limits) + [p for p in ranked if p not in limits])[:2]
        gain = paired_differences(runs.outcomes, name, runs.baseline)[summary["money"]]
        flips_to = entry["flips_to"]
        flips = (gain < 0) if flips_to == "loses" else (gain > 0)
        png, _ = discovery_box(
            runs.draws.loc[gain.index],
            flips.to_numpy(),
            limits,
            tuple(pair),
            figures,
            name,
            flips_to=flips_to,
        )
        verb = "loses money" if flips_to == "loses" else "pays"
        images.append((png, f"Where the option {verb}, over its two most telling constants."))
    return parts, images


@dataclass(frozen=True)
class _ComparisonRuns:
    """What a report reads from a comparison's store, read once.

    Attributes:
        seed: The experiment seed.
        seeds: The replicate seeds, in replicate order.
        scenarios: The compared scenarios, the baseline first.
        baseline: The baseline's name.
        finals: Per scenario, the final metrics of its finished runs by replicate.
        weekly: Per scenario, each metric's weekly series: replicates x weeks.
        networks: Per scenario, the collaboration network of each finished run.
        stand_ins: Per scenario, how many seeds have finished runs of older code only.
        versions: The package versions the first stored run recorded.
    """

    seed: int
    seeds: list[int]
    scenarios: list[StoredScenario]
    baseline: str
    finals: dict[str, pd.DataFrame]
    weekly: dict[str, dict[str, pd.DataFrame]]
    networks: dict[str, dict[int, dict[str, Any]]]
    stand_ins: dict[str, int]
    versions: Any


def _read_comparison(
    store_path: str | Path, out_dir: str | Path, older: bool
) -> tuple[_ComparisonRuns, Path]:
    """Read and check a store's comparison and its runs; make the output directory.

    Raises:
        InputError: When the store does not exist, holds no comparison or a damaged
            one, or the output directory cannot be written.
    """
    if not Path(store_path).is_file():
        raise InputError("", "an existing results store", file=str(store_path))
    with Store(store_path, writable=False) as store:
        comparison = store.recall("comparison")
        if not isinstance(comparison, dict) or not comparison.get("scenarios"):
            raise InputError(
                "",
                "a store written by cxsim compare (it holds no comparison)",
                file=str(store_path),
            )
        try:
            seeds, scenarios, baseline = _stored_comparison(comparison)
        except (KeyError, TypeError, ValueError, InputError) as exc:
            raise InputError(
                "",
                f"a store written by cxsim compare (its comparison is damaged: {shown(str(exc))})",
                file=str(store_path),
            ) from None
        out = output_directory(out_dir, "--out")
        finals = {s.name: store.finals(s.model_hash, seeds, older) for s in scenarios}
        weekly = {s.name: store.weekly(s.model_hash, seeds, older) for s in scenarios}
        networks = {s.name: store.networks(s.model_hash, seeds, older) for s in scenarios}
        stand_ins = {s.name: store.older_runs(s.model_hash, seeds) for s in scenarios}
        stored = store.runs()
    runs = _ComparisonRuns(
        seed=comparison["seed"],
        seeds=seeds,
        scenarios=scenarios,
        baseline=baseline,
        finals=finals,
        weekly=weekly,
        networks=networks,
        stand_ins=stand_ins,
        versions=stored["provenance"].iloc[0] if len(stored) else "{}",
    )
    return runs, out


def _check_finished(runs: _ComparisonRuns, store_path: str | Path, older: bool) -> None:
    """Refuse a comparison one of whose scenarios has no finished run to report.

    Raises:
        InputError: Naming the first such scenario, and any runs of older code stored.
    """
    empty = [name for name, frame in runs.finals.items() if len(frame) == 0]
    if empty:
        waiting = runs.stand_ins[empty[0]]
        hint = (
            f"; {waiting} runs of older cxsim code are stored: run cxsim compare again, or "
            "cxsim report --older-runs to report them"
            if waiting and not older
            else ""
        )
        raise InputError(
            "",
            f"finished runs of every scenario (none of {empty[0]}{hint})",
            file=str(store_path),
        )


def _paired_replications(finals: Mapping[str, pd.DataFrame], baseline: str) -> int:
    """The fewest replicates a scenario shares with the baseline: the pairs of a difference."""
    base_runs = finals[baseline].index
    return min(
        (len(f.index.intersection(base_runs)) for n, f in finals.items() if n != baseline),
        default=len(base_runs),
    )


def _outcomes(
    finals: Mapping[str, pd.DataFrame], baseline: str, reps: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each scenario's final metrics and their paired differences against the baseline.

    With two paired replications or more, means and differences come with 95% intervals
    and p-values; with fewer, as plain means.
    """
    if reps >= 2:
        result = compare(finals, baseline=baseline)
        differences = pd.DataFrame(result["differences"])
        summary = pd.DataFrame(
            [
                {"scenario": s["name"], "metric": m, **v}
                for s in result["scenarios"]
                for m, v in s["metrics"].items()
            ]
        )
    else:
        summary = pd.DataFrame(
            [
                {"scenario": n, "metric": m, "mean": float(f[m].mean())}
                for n, f in finals.items()
                for m in f.columns
            ]
        )
        differences = pd.DataFrame(
            [
                {
                    "scenario": n,
                    "metric": m,
                    "mean": float(_paired(f, finals[baseline], m).mean()),
                }
                for n, f in finals.items()
                if n != baseline
                for m in f.columns
            ]
        )
    return summary, differences


def _figures(runs: _ComparisonRuns, money: pd.DataFrame, folder: Path) -> list[tuple[Path, str]]:
    """Draw the report's figures into ``folder``: each file with its caption."""
    from cxsim.report import figures as plots

    images = [
        (
            plots.time_series_bands(runs.weekly, folder)[0],
            "Trust, repurchase, morale and profit over time",
        ),
        (
            plots.final_outcomes(runs.finals, folder)[0],
            "Outcomes at the horizon, with 95% intervals",
        ),
    ]
    for scenario in runs.scenarios:
        rois = money[(money.scenario == scenario.name)]["roi"].dropna() if "roi" in money else []
        if len(rois) >= 2:
            path, _ = plots.roi_distribution(rois, folder, scenario.name, f"roi_{len(images)}")
            images.append((path, f"Return on the programme: {scenario.name}"))
    networks = runs.networks
    mapped = {
        s.name: _mean_network(networks[s.name]) for s in runs.scenarios[:2] if networks[s.name]
    }
    if mapped:
        images.append(
            (plots.collaboration_map(mapped, folder)[0], "Collaboration between departments")
        )
    return images


def _older_runs_notice(borrowed: int) -> str:
    """Say that some runs reported were made by older cxsim code."""
    return (
        f"<p><b>{borrowed} of the runs reported were made by older cxsim code "
        "(cxsim report --older-runs): the model has changed since. Run cxsim compare "
        "again with the same store to replace them.</b></p>"
    )


def _one_replication_notice() -> str:
    """Say that no interval can be estimated from one replication."""
    return (
        "<p><b>Only one replication per scenario: no interval can be estimated. Run "
        "cxsim compare with --reps 2 or more.</b></p>"
    )


def _question(runs: _ComparisonRuns) -> str:
    """The question the comparison answers, and how many replications answer it."""
    return (
        f"<p>Against the baseline <b>{html.escape(runs.baseline)}</b>, what do the other "
        "scenarios do to customer trust, retention, employee morale and profit over "
        f"{runs.scenarios[0].weeks} weeks, and what is that worth? "
        f"{_replications(runs.finals, len(runs.seeds))} "
        "with the same seeds (common random numbers), so differences are paired "
        "replicate by replicate.</p>"
    )


def _headline_section(
    runs: _ComparisonRuns, differences: pd.DataFrame, money: pd.DataFrame, reps: int
) -> str:
    """One line per compared scenario: retention gained, and its return or profit."""
    return (
        "<h2>Headline</h2><div class='headline'>"
        + "<br>".join(_headline(s.name, differences, money, reps) for s in runs.scenarios[1:])
        + "</div>"
    )


def _scenarios_section(scenarios: list[StoredScenario], baseline: str) -> list[str]:
    """What each scenario represents, its settings against the baseline, its programme."""
    parts = ["<h2>The scenarios and what differs between them</h2>"]
    for scenario in scenarios:
        parts.append(
            f"<p><b>{html.escape(scenario.name)}</b>: {html.escape(scenario.description)}</p>"
        )
    for scenario in scenarios[1:]:
        rows = _what_differs(scenarios[0], scenario)
        frame = pd.DataFrame(rows, columns=["setting", baseline, scenario.name]).astype(str)
        parts.append(f"<h3>{html.escape(scenario.name)} against the baseline</h3>")
        if len(frame):
            parts.append(_table(frame))
        if scenario.tables.get("interventions"):
            parts += ["<p>Its change programme:</p>", _table(_programme(scenario))]
    return parts


def _results_section(
    summary: pd.DataFrame, differences: pd.DataFrame, money: pd.DataFrame, baseline: str
) -> list[str]:
    """The outcomes at the horizon, the differences against the baseline, the money."""
    return [
        "<h2>Outcomes</h2><p>Mean of the replications and its 95% interval, at the last week.</p>",
        _table(_readable(summary[summary.metric.isin(HEADLINE_METRICS + ("churn_rate", "nps"))])),
        "<h2>Differences against the baseline</h2><p>Paired difference and its 95% interval "
        "(every metric, with p-values and bootstrap intervals: the appendix and "
        "<code>differences.csv</code>).</p>",
        _table(_readable(differences[differences.metric.isin(HEADLINE_METRICS)], change=True)),
        "<h2>Money over the horizon</h2>",
        _table(money_table(money, baseline)),
    ]


UNITS = {m.name: m.unit for m in METRICS}


def _readable(frame: pd.DataFrame, change: bool = False) -> pd.DataFrame:
    """Means with their 95% intervals as people write them: 61.0% [60.9%, 61.1%]."""
    rows = []
    for row in frame.to_dict(orient="records"):
        unit = UNITS.get(row["metric"], "")
        text = amount(row["metric"], row["mean"], change, unit)
        if "ci_low" in row and row["ci_low"] == row["ci_low"]:
            low = amount(row["metric"], row["ci_low"], change, unit)
            high = amount(row["metric"], row["ci_high"], change, unit)
            text += f" [{low}, {high}]"
        rows.append(
            {
                "scenario": row["scenario"],
                "metric": row["metric"].replace("_", " "),
                "difference" if change else "value": text,
            }
        )
    return pd.DataFrame(rows)


def _method_section(reps: int, warm_up: Mapping[str, Any], uncertain: bool) -> list[str]:
    """How the numbers were made, for the reader who checks."""
    weeks = warm_up.get("weeks", 0) if isinstance(warm_up, Mapping) else 0
    settled = (
        f"each option began, week 0, from an organization first settled for {weeks} "
        "unreported weeks (docs/ODD.md 5; options that describe a change from the baseline "
        "settle as the baseline, from the same seed, so they start from the same one)"
        if weeks
        else "each option started from the model's starting values, unsettled"
    )
    parts = [
        "<h2>Method</h2>",
        f"<p><b>Paired replications.</b> Every option ran {reps} times, replicate <i>r</i> "
        "of each with the same seed, so that they met the same customers, problems and "
        f"luck (common random numbers); {settled}. A difference is the mean of the paired "
        "differences, with a Student-t 95% interval; the appendix adds the paired "
        "t-test's p-value and a bootstrap interval. These intervals measure the "
        "simulation's luck only: the model's constants are held at their defaults.</p>",
    ]
    if uncertain:
        parts.append(
            "<p><b>Under uncertainty.</b> What we don't know about the organization is drawn: "
            "each uncertain constant from its plausible distribution (docs/ODD.md 11), by a "
            "seeded Latin hypercube (or Sobol design, as the comparison asked); every option runs "
            "on each draw with the same constants "
            "and seed (probabilistic sensitivity analysis). The chance an option is better "
            "is the share of draws where its paired difference is. The spread's share that "
            "is what we don't know is one minus the variance of the paired difference at "
            "fixed constants (the replications above) over its variance across draws. The "
            "expected value of perfect information (EVPI) is the mean, over draws, of the "
            "best option's value less the value of the option best on average; of one "
            "constant alone (EVPPI), the same after a smoothing spline of the net benefit "
            "on that constant (Strong, Oakley & Brennan 2014). Where the answer flips (an "
            "option that usually pays loses money in some draws, or one that usually loses "
            "pays in some), PRIM (Friedman & Fisher 1999) peels the draws to the box of "
            "constants in which those draws concentrate: its coverage is the share of all "
            "such draws inside it, its density the share of draws inside it that flip. It "
            "describes a region only from five such draws or more.</p>"
        )
    return parts


def _appendix(summary: pd.DataFrame, differences: pd.DataFrame) -> list[str]:
    """Every metric's figures as computed: means, intervals, p-values, bootstrap."""
    return [
        "<h2>Appendix: full tables</h2>",
        "<p>Every metric at the last week, in its own units (docs/ODD.md 7; "
        "<code>cxsim metrics</code>). Also in <code>outcomes.csv</code> and "
        "<code>differences.csv</code>.</p>",
        "<h3>Outcomes</h3>",
        _table(summary),
        "<h3>Paired differences against the baseline (p-value of the paired t-test)</h3>",
        _table(differences),
    ]


def _figures_section(images: list[tuple[Path, str]]) -> list[str]:
    """The figures, embedded in the page."""
    return ["<h2>Figures</h2>", *(_image(path, caption) for path, caption in images)]


def _assumptions_section(scenarios: list[StoredScenario]) -> list[str]:
    """Which economics the money figures use: the baseline's, and any defaults."""
    return [
        "<h2>Assumptions and parameters</h2>",
        *_economics_notes(scenarios),
        "<p>Economics of the baseline (every other model constant is listed with its source "
        "in the cxsim documentation, docs/ODD.md):</p>",
        _table(
            pd.DataFrame(
                sorted(_flatten(scenarios[0].tables.get("economics", {})).items()),
                columns=["parameter", "value"],
            ).astype(str)
        ),
    ]


def _provenance_section(runs: _ComparisonRuns, store_path: str | Path) -> list[str]:
    """Where the numbers come from: the store, the seeds and the versions."""
    seeds = runs.seeds
    return [
        "<h2>Provenance</h2>",
        f"<p>Store: {html.escape(str(store_path))}; experiment seed {runs.seed}; "
        f"{len(seeds)} replications planned; replicate seeds "
        f"{html.escape(', '.join(map(str, seeds[:5])))}"
        f"{' ...' if len(seeds) > 5 else ''}; versions {html.escape(str(runs.versions))}.</p>",
    ]


def _limits_section() -> list[str]:
    """What the model cannot tell the reader."""
    return [
        "<h2>What the model cannot tell you</h2><ul>",
        *(f"<li>{html.escape(limit)}</li>" for limit in LIMITS),
        "</ul>",
    ]


def _write_page(out: Path, parts: list[str]) -> Path:
    """Write ``report.html`` into ``out`` from its parts; return its path."""
    report = out / "report.html"
    report.write_text("<!doctype html><meta charset='utf-8'>" + "\n".join(parts), "utf-8")
    return report


def _stored_comparison(
    comparison: dict[str, Any],
) -> tuple[list[int], list[StoredScenario], str]:
    """The seeds, scenarios and baseline a store's comparison describes, checked.

    A store may come from anyone: every value is checked for type and size before any
    is used.

    Raises:
        ValueError: Saying what is wrong.
    """
    seed, reps = comparison["seed"], comparison["reps"]
    for name, value, high in (("seed", seed, 2**63 - 1), ("reps", reps, MAX_RUNS)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            raise ValueError(f"{name} is not an integer between 0 and {high}")
    entries = comparison["scenarios"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_COMPARED:
        raise ValueError(f"scenarios is not a list of 1 to {MAX_COMPARED}")
    scenarios = []
    for entry in entries:
        name, digest, tables = entry["name"], entry["model_hash"], entry["scenario"]
        if not (isinstance(name, str) and isinstance(digest, str) and isinstance(tables, dict)):
            raise ValueError("a scenario has no name, hash or tables")
        if not name or not name.isprintable() or len(name) > 200:
            raise ValueError("a scenario's name is not one line of text")
        given = entry.get("economics_given")
        scenario = StoredScenario(name, digest, tables, given if isinstance(given, bool) else None)
        if not isinstance(tables.get("scenario", {}), dict):
            raise ValueError(f"{name}'s [scenario] is not a table")
        scenario.economics  # noqa: B018  (checked before any work)
        interventions = tables.get("interventions", [])
        if not isinstance(interventions, list) or not all(
            isinstance(i, dict) for i in interventions
        ):
            raise ValueError(f"{name}'s interventions are not tables")
        _programme(scenario)
        scenarios.append(scenario)
    names = [s.name for s in scenarios]
    if len(set(names)) < len(names):
        raise ValueError("two scenarios have the same name")
    baseline = comparison["baseline"]
    if baseline != names[0]:
        raise ValueError("the baseline is not its first scenario")
    if len({s.weeks for s in scenarios}) > 1 or scenarios[0].weeks < 1:
        raise ValueError("its scenarios do not share one horizon")
    return replicate_seeds(seed, reps), scenarios, baseline


def _paired(frame: pd.DataFrame, base: pd.DataFrame, metric: str) -> pd.Series:
    """A scenario's metric minus the baseline's, replicate by replicate."""
    common = frame.index.intersection(base.index)
    return frame.loc[common, metric] - base.loc[common, metric]


def _replications(finals: Mapping[str, pd.DataFrame], planned: int) -> str:
    """How many replications each scenario has, and which are missing."""
    missing = {name: planned - len(frame) for name, frame in finals.items() if len(frame) < planned}
    if not missing:
        return f"Each scenario ran {planned} replications"
    gaps = "; ".join(
        f"{html.escape(name)} is missing {n} (failed or not run; see cxsim status)"
        for name, n in missing.items()
    )
    return (
        f"Each scenario was to run {planned} replications ({gaps}: a missing run removes "
        "only its own pair from each comparison)"
    )


def _mean_network(networks: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """The collaboration network averaged over a scenario's replications."""
    first = next(iter(networks.values()))
    return {
        "departments": first["departments"],
        "weeks": first["weeks"],
        "internal_trust": np.mean([n["internal_trust"] for n in networks.values()], axis=0),
        "handoffs": np.mean([n["handoffs"] for n in networks.values()], axis=0),
        "runs": len(networks),
    }


def _economics_notes(scenarios: list[StoredScenario]) -> list[str]:
    """Say plainly which scenarios set no economics of their own (defaults are used)."""
    notes = []
    for scenario in scenarios:
        if scenario.economics_given is False:
            notes.append(
                f"<p><b>{html.escape(scenario.name)} sets no [economics] of its own</b>: its "
                "money figures use cxsim's default margin, salaries, costs and discount rate "
                "below, which describe no particular company. Set them in the scenario "
                "before quoting any amount.</p>"
            )
        elif scenario.economics_given is None:
            notes.append(
                f"<p>{html.escape(scenario.name)}: this store does not record whether its "
                "scenario set [economics] of its own; the values used are listed below.</p>"
            )
    return notes


def build_experiment_report(
    experiment_path: str | Path,
    out_dir: str | Path,
    store_path: str | Path | None = None,
    older: bool = False,
) -> Path:
    """Write ``report.html`` and ``points.csv`` for a sweep from the runs its store holds.

    Args:
        experiment_path: The experiment file.
        out_dir: Output directory.
        store_path: The sweep's store (by default the experiment file with ``.db``).
        older: Whether runs made by older cxsim code may stand in for missing ones.
    """
    from cxsim.analysis.sweep import Experiment, summarise
    from cxsim.report import figures as plots

    experiment = Experiment.load(experiment_path)
    store_path = Path(store_path or Path(experiment_path).with_suffix(".db"))
    if not store_path.exists():
        raise InputError(
            "", "a store with the sweep's runs (run cxsim sweep first)", file=str(store_path)
        )
    out = output_directory(out_dir, "--out")
    with Store(store_path, writable=False) as store:
        result = summarise(experiment, store, older=older)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    result.table.to_csv(out / "points.csv", index=False)
    missing = int((result.table["runs"] == 0).sum())
    columns = ["scenario", *[p.path for p in experiment.parameters], "runs", *experiment.outcomes]
    columns += [c for c in result.table.columns if c.endswith("_p_better")]
    parts = [
        f"<title>cxsim report: {html.escape(experiment.name)}</title>",
        f"<style>{CSS}</style>",
        f"<h1>{html.escape(experiment.name)}</h1>",
        "<h2>The question</h2>",
        f"<p>{html.escape(experiment.description or 'A sweep over the parameters below.')}</p>",
        "<h2>The design</h2>",
        f"<p>{html.escape(experiment.design)} design, {len(experiment.points_)} points, "
        f"{experiment.replications} replications each with the same seeds (common random "
        f"numbers); base scenario(s): "
        f"{html.escape(', '.join(s.name for s in experiment.scenarios))}.</p>",
    ]
    if any(c.endswith("_p5") for c in result.table.columns):
        parts.append(
            "<p>Each point ran on draws of the uncertain constants (cxsim sweep "
            "--uncertainty), the same draws at every point: its outcomes are means over "
            "what we don't know, <code>points.csv</code> has their 5-95% ranges, and "
            "<i>OUTCOME_p_better</i> is the chance a scenario does better than the first "
            "at the same point.</p>"
        )
    if missing:
        parts.append(
            f"<p><b>{missing} of {len(result.table)} design points have no finished runs "
            "yet: run cxsim sweep to finish the experiment.</b></p>"
        )
    parts += ["<h2>Design points</h2>", _table(result.table[columns])]
    if result.sensitivity is not None and len(result.sensitivity):
        result.sensitivity.to_csv(out / "sensitivity.csv", index=False)
        path, _ = plots.sensitivity_bars(result.sensitivity, figures)
        parts += [
            "<h2>Sensitivity</h2><p>Sobol first- and total-order indices with 95% bootstrap "
            "intervals.</p>",
            _table(result.sensitivity),
            _image(path, "Sobol sensitivity indices"),
        ]
    parts += [
        "<h2>Provenance</h2>",
        f"<p>Experiment {html.escape(str(experiment_path))}, seed {experiment.seed}; store "
        f"{html.escape(str(store_path))}.</p>",
        *_limits_section(),
    ]
    return _write_page(out, parts)
