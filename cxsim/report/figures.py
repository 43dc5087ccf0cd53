"""Figures a client can read without explanation, each saved as PNG and SVG.

Every figure function takes plain data (arrays, frames, models), draws one matplotlib
figure, writes ``NAME.png`` and ``NAME.svg`` into a directory and returns the two paths.
Intervals are 95% t-intervals over replications. Figures are made with matplotlib's
object interface, not pyplot, so importing this module changes no backend and leaves a
notebook's plotting as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import matplotlib
import matplotlib.patches
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from cxsim.analysis.stats import t_interval
from cxsim.core.metrics import METRICS

__all__ = [
    "acceptability_curves",
    "calibration_fit",
    "collaboration_map",
    "discovery_box",
    "final_outcomes",
    "roi_distribution",
    "sensitivity_bars",
    "time_series_bands",
    "value_of_information",
]

P = ParamSpec("P")
R = TypeVar("R")

COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6")
UNITS = {m.name: m.unit for m in METRICS}
TITLES = {
    "trust": "Customer trust",
    "repurchase_rate": "Repurchase at renewal",
    "morale": "Employee morale",
    "profit": "Profit per week",
    "retention": "Customers retained",
    "churn_rate": "Annual churn",
    "nps": "Net promoter score",
    "turnover_rate": "Annual employee turnover",
}


def _title(metric: str) -> str:
    return TITLES.get(metric, metric.replace("_", " ").capitalize())


def _plain_text(draw: Callable[P, R]) -> Callable[P, R]:
    """Draw with text taken literally: a scenario named "$5 a seat" is not mathematics."""

    @functools.wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> R:
        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return drawn


def _figure(rows: int = 1, columns: int = 1, **options: Any) -> tuple[Figure, Any]:
    """A figure of its own (no pyplot state) and its axes, as ``plt.subplots`` gives."""
    layout = options.pop("layout", None)
    figure = Figure(figsize=options.pop("figsize", None), layout=layout)
    return figure, figure.subplots(rows, columns, **options)


def _save(figure: Figure, out_dir: Path, name: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
    figure.savefig(png, dpi=150, bbox_inches="tight")
    figure.savefig(svg, bbox_inches="tight")
    return png, svg


def _band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and 95% interval over the first axis (replications)."""
    if len(values) < 2:
        mean = values.mean(axis=0)
        return mean, mean, mean
    mean, half = t_interval(values)
    return mean, mean - half, mean + half


@_plain_text
def time_series_bands(
    weekly: Mapping[str, Mapping[str, np.ndarray]],
    out_dir: str | Path,
    metrics: Sequence[str] = ("trust", "repurchase_rate", "morale", "profit"),
    name: str = "over_time",
) -> tuple[Path, Path]:
    """Metrics over time, one line per scenario with its 95% band.

    Args:
        weekly: Per scenario, metric -> array of replications x weeks.
        out_dir: Directory for the files.
        metrics: Up to four metrics, one panel each.
        name: File name without extension.
    """
    columns = 2
    rows = int(np.ceil(len(metrics) / columns))
    figure, axes = _figure(rows, columns, figsize=(11, 3.6 * rows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        for colour, (scenario, series) in zip(COLOURS, weekly.items(), strict=False):
            values = np.asarray(series[metric], dtype=float)
            mean, low, high = _band(values)
            weeks = np.arange(1, values.shape[1] + 1)
            ax.plot(weeks, mean, color=colour, label=scenario, linewidth=1.8)
            ax.fill_between(weeks, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.set_title(_title(metric))
        ax.set_xlabel("week")
        ax.set_ylabel(UNITS.get(metric, ""))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="best", fontsize=9)
    figure.suptitle("Over time (lines: mean of replications; bands: 95% interval)")
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def final_outcomes(
    finals: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    metrics: Sequence[str] = ("retention", "trust", "morale", "profit"),
    name: str = "final_outcomes",
) -> tuple[Path, Path]:
    """Outcomes at the horizon, scenarios side by side with 95% intervals."""
    figure, axes = _figure(1, len(metrics), figsize=(3.2 * len(metrics), 3.8), squeeze=False)
    names = list(finals)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        for i, (scenario, colour) in enumerate(zip(names, COLOURS, strict=False)):
            values = finals[scenario][metric].to_numpy()[None, :].T
            mean, low, high = (float(x[0]) for x in _band(values))
            ax.errorbar(
                i,
                mean,
                yerr=[[mean - low], [high - mean]],
                fmt="o",
                color=colour,
                capsize=5,
                markersize=7,
            )
        ax.set_xticks(range(len(names)), names, rotation=20, ha="right", fontsize=9)
        ax.set_title(_title(metric))
        ax.set_ylabel(UNITS.get(metric, ""))
        ax.grid(alpha=0.3, axis="y")
    figure.suptitle("At the horizon (points: mean; bars: 95% interval)")
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def roi_distribution(
    rois: Sequence[float], out_dir: str | Path, scenario: str, name: str = "roi"
) -> tuple[Path, Path]:
    """The return on the programme across replications, with its mean and interval."""
    values = np.asarray(rois, dtype=float) * 100.0
    figure, ax = _figure(figsize=(10, 4))
    ax.hist(values, bins=min(30, max(5, len(values) // 3)), color=COLOURS[0], alpha=0.75)
    mean, low, high = (float(x[0]) for x in _band(values[:, None]))
    ax.axvline(mean, color="black", linewidth=1.5, label=f"mean {mean:.0f}%")
    ax.axvspan(low, high, color="grey", alpha=0.25, label=f"95% interval [{low:.0f}%, {high:.0f}%]")
    ax.set_xlabel("return on the programme (%)")
    ax.set_ylabel("replications")
    ax.set_title(f"ROI of {scenario} over the baseline")
    ax.legend(fontsize=9)
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def collaboration_map(
    networks: Mapping[str, Mapping[str, Any]], out_dir: str | Path, name: str = "collaboration_map"
) -> tuple[Path, Path]:
    """Department-to-department internal trust (colour) and handoff volume (numbers).

    Args:
        networks: Per label, the collaboration network at the horizon as a run records
            it (:meth:`cxsim.core.simulation.RunResult.network`): ``departments``,
            ``internal_trust`` and ``handoffs`` (department x department) and ``weeks``;
            with ``runs``, the matrices are means over that many replications.
        out_dir: Directory for the files.
        name: File name without extension.
    """
    figure, axes = _figure(
        1, len(networks), figsize=(6.4 * len(networks), 5.4), squeeze=False, layout="constrained"
    )
    image = None
    for ax, (label, network) in zip(axes.flat, networks.items(), strict=True):
        trust = np.asarray(network["internal_trust"], dtype=float)
        handoffs = np.asarray(network["handoffs"], dtype=float)
        volume = handoffs + handoffs.T
        weeks = max(int(network["weeks"]), 1)
        image = ax.imshow(trust, vmin=0, vmax=1, cmap="RdYlGn")
        names = list(network["departments"])
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), names)
        for i in range(len(names)):
            for j in range(len(names)):
                if i != j:
                    ax.text(
                        j, i, f"{volume[i, j] / weeks:.0f}", ha="center", va="center", fontsize=8
                    )
        runs = network.get("runs")
        over = f" (mean of {runs} runs)" if runs and runs > 1 else ""
        ax.set_title(f"{label}: internal trust after {weeks} weeks{over}")
    figure.colorbar(image, ax=list(axes.flat), shrink=0.8, label="internal trust (0-1)")
    figure.text(
        0.5, 0.01, "numbers: handoffs per week between the two departments", ha="center", fontsize=9
    )
    return _save(figure, Path(out_dir), name)


@_plain_text
def sensitivity_bars(
    sensitivity: pd.DataFrame, out_dir: str | Path, name: str = "sensitivity"
) -> tuple[Path, Path]:
    """Sobol first- and total-order indices per parameter, one panel per outcome."""
    outcomes = list(dict.fromkeys(sensitivity["outcome"]))
    figure, axes = _figure(
        1, len(outcomes), figsize=(4.2 * len(outcomes), 3.8), squeeze=False, sharey=True
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=True):
        rows = sensitivity[sensitivity["outcome"] == outcome]
        y = np.arange(len(rows))
        for offset, order, colour in ((-0.18, "first", COLOURS[1]), (0.18, "total", COLOURS[0])):
            value = rows[f"{order}_order"].to_numpy()
            low, high = rows[f"{order}_low"].to_numpy(), rows[f"{order}_high"].to_numpy()
            ax.barh(y + offset, value, height=0.34, color=colour, label=f"{order} order")
            ax.errorbar(
                value,
                y + offset,
                xerr=[np.maximum(value - low, 0), np.maximum(high - value, 0)],
                fmt="none",
                color="black",
                capsize=2,
            )
        ax.set_yticks(y, rows["parameter"], fontsize=8)
        ax.set_title(_title(outcome))
        ax.set_xlim(left=min(0.0, float(np.nanmin(rows["first_low"]))))
        ax.grid(alpha=0.3, axis="x")
    axes.flat[0].legend(fontsize=8)
    figure.suptitle("Sobol sensitivity indices (bars: estimate; lines: 95% bootstrap interval)")
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def calibration_fit(fit: pd.DataFrame, out_dir: str | Path, name: str = "calibration_fit"):
    """Simulated against observed for each target, in the target's tolerances.

    Args:
        fit: The fit table of a calibration (target, observed, tolerance, simulated,
            low, high, met).
        out_dir: Directory for the files.
        name: File name without extension.
    """
    rows = len(fit)
    figure, ax = _figure(figsize=(8, 1.0 + 0.6 * rows))
    y = np.arange(rows)[::-1]
    scale = fit["tolerance"].to_numpy()
    gap = (fit["simulated"].to_numpy() - fit["observed"].to_numpy()) / scale
    low = (fit["low"].to_numpy() - fit["observed"].to_numpy()) / scale
    high = (fit["high"].to_numpy() - fit["observed"].to_numpy()) / scale
    allowance = np.where(fit["scale_is"] == "standard error", 1.96, 1.0)
    for yi, a in zip(y, allowance, strict=True):
        ax.fill_betweenx([yi - 0.3, yi + 0.3], -a, a, color="#d9d9d9", linewidth=0)
    colours = [COLOURS[2] if met else COLOURS[1] for met in fit["met"]]
    xerr = np.vstack([gap - low, high - gap])
    ax.errorbar(gap, y, xerr=xerr, fmt="none", ecolor="#404040", capsize=4)
    ax.scatter(gap, y, color=colours, zorder=3, s=40)
    ax.axvline(0, color="#404040", linewidth=0.8)
    labels = [
        f"{t}\nobserved {o:.4g}, simulated {s:.4g}"
        for t, o, s in zip(fit["target"], fit["observed"], fit["simulated"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("simulated minus observed, in tolerances (grey: within tolerance)")
    ax.set_title("Calibration fit on fresh seeds (points: mean; bars: 95% interval)")
    ax.grid(alpha=0.3, axis="x")
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def acceptability_curves(
    curves: Mapping[str, Mapping[str, Any]], out_dir: str | Path, name: str = "acceptability"
) -> tuple[Path, Path]:
    """The chance each scenario's return (or gain) exceeds a threshold, over thresholds."""
    figure, ax = _figure(figsize=(8, 4))
    for (scenario, curve), colour in zip(curves.items(), COLOURS, strict=False):
        thresholds = np.asarray(curve["thresholds"], dtype=float)
        label = scenario
        if curve["of"] == "roi":
            thresholds = thresholds * 100.0
        else:
            thresholds = thresholds / 1e6
        ax.plot(thresholds, curve["probability"], color=colour, linewidth=2, label=label)
    first = next(iter(curves.values()))
    ax.set_xlabel(
        "return on the programme (%)" if first["of"] == "roi" else "gain over the baseline (M)"
    )
    ax.set_ylabel("chance of exceeding it")
    ax.set_ylim(0, 1.02)
    ax.axvline(0, color="grey", linewidth=1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title("Acceptability: how likely the option clears each threshold")
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def value_of_information(
    evpi: float,
    evppi: Mapping[str, float],
    out_dir: str | Path,
    scenario: str,
    name: str = "value_of_information",
) -> tuple[Path, Path]:
    """What knowing each uncertain constant before deciding is worth, and knowing all."""
    order = sorted(evppi, key=evppi.get)
    values = [evppi[path] / 1e6 for path in order]
    figure, ax = _figure(figsize=(8, 0.45 * len(order) + 1.6))
    y = np.arange(len(order))
    ax.barh(y, values, color=COLOURS[0])
    ax.axvline(evpi / 1e6, color="black", linestyle="--", linewidth=1.2, label="knowing all (EVPI)")
    ax.set_yticks(y, order, fontsize=8)
    ax.set_xlabel("value of knowing it before deciding (M, over the horizon)")
    ax.set_title(f"What to measure first: {scenario} against the baseline")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)


@_plain_text
def discovery_box(
    draws: pd.DataFrame,
    flips: np.ndarray,
    limits: Mapping[str, Sequence[float]],
    axes_paths: tuple[str, str],
    out_dir: str | Path,
    scenario: str,
    name: str | None = None,
    flips_to: str = "loses",
) -> tuple[Path, Path]:
    """The draws over two constants, those where the answer flips, and PRIM's box.

    Args:
        draws: The uncertain constants, one row per draw.
        flips: Per draw, whether the answer is against the usual one.
        limits: The PRIM box's limits per constant.
        axes_paths: The two constants to plot.
        out_dir: Directory the figure is written to.
        scenario: The scenario's name, for the title.
        name: File name without suffix; ``where_it_loses`` or ``where_it_pays``.
        flips_to: ``"loses"`` (the scenario usually pays) or ``"pays"``.

    Returns:
        The PNG and SVG paths.
    """
    x_path, y_path = axes_paths
    verb, other = ("loses money", "it gains") if flips_to == "loses" else ("pays", "it loses money")
    name = name or f"where_it_{flips_to}"
    figure, ax = _figure(figsize=(6.5, 5))
    flips = np.asarray(flips, dtype=bool)
    x, y = draws[x_path].to_numpy(), draws[y_path].to_numpy()
    ax.scatter(x[~flips], y[~flips], s=12, color=COLOURS[1], alpha=0.6, label=other)
    ax.scatter(x[flips], y[flips], s=14, color=COLOURS[3], alpha=0.8, label=f"it {verb}")
    x_low, x_high = limits.get(x_path, (x.min(), x.max()))
    y_low, y_high = limits.get(y_path, (y.min(), y.max()))
    ax.add_patch(
        matplotlib.patches.Rectangle(
            (x_low, y_low),
            x_high - x_low,
            y_high - y_low,
            fill=False,
            linewidth=2,
            edgecolor="black",
            label=f"where it {flips_to} (PRIM box)",
        )
    )
    ax.set_xlabel(x_path)
    ax.set_ylabel(y_path)
    ax.set_title(f"Where {scenario} {verb}")
    ax.legend(fontsize=8)
    figure.tight_layout()
    return _save(figure, Path(out_dir), name)
