"""The dashboard's figures, drawn from a :class:`~cxsim.app.workshop.Workshop` as it runs.

Each figure function returns a matplotlib :class:`~matplotlib.figure.Figure` made
without pyplot, so figures redrawn every few weeks are freed as soon as they are
rendered. :func:`draw_frame` renders all of them to PNG, with the headline numbers, as
one :class:`Frame`: everything the page shows for one week.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from cxsim.app.workshop import TREND_METRICS, Workshop
from cxsim.report.figures import COLOURS

__all__ = [
    "VIEWS",
    "Frame",
    "collaboration_figure",
    "draw_frame",
    "morale_figure",
    "trends_figure",
]

LINE_STYLES = ("-", "--")


def trends_figure(workshop: Workshop) -> Figure:
    """Trust, repurchase, morale, churn and profit week by week, one line per side."""
    figure = Figure(figsize=(9.0, 5.2), layout="constrained")
    axes = figure.subplots(2, 3).ravel()
    trends = workshop.trends()
    weeks = max(workshop.horizon, 1)
    for ax, (metric, title) in zip(axes, TREND_METRICS.items(), strict=False):
        for i, (label, frame) in enumerate(trends.items()):
            if len(frame):
                ax.plot(
                    frame.index,
                    frame[metric],
                    LINE_STYLES[i % 2],
                    color=COLOURS[i],
                    label=label,
                    linewidth=1.6,
                )
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, weeks)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    legend_ax = axes[-1]
    legend_ax.axis("off")
    handles = [
        legend_ax.plot([], [], LINE_STYLES[i % 2], color=COLOURS[i], label=label)[0]
        for i, label in enumerate(trends)
    ]
    legend_ax.legend(handles=handles, loc="center", fontsize=9, frameon=False)
    legend_ax.text(
        0.5, 0.15, f"week {workshop.week} of {workshop.horizon}", ha="center", fontsize=10
    )
    return figure


def collaboration_figure(workshop: Workshop) -> Figure:
    """The department-to-department collaboration network of each side.

    Edges are coloured and shaded by internal trust (both directions averaged) and
    drawn as wide as the handoff volume between the two departments so far. Departments
    keep the positions computed once for the session.
    """
    sides = list(workshop.organizations)
    figure = Figure(figsize=(4.6 * len(sides), 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(sides)))
    positions = workshop.positions
    names = workshop.department_names
    for ax, label in zip(axes, sides, strict=True):
        trust, volume = workshop.collaboration(label)
        mutual_trust = (trust + trust.T) / 2.0
        flow = volume + volume.T
        widest = flow.max() if flow.max() > 0 else 1.0
        n = len(names)
        for a in range(n):
            for b in range(a + 1, n):
                width = 0.5 + 7.5 * flow[a, b] / widest
                colour = _trust_colour(mutual_trust[a, b])
                ax.plot(*positions[[a, b]].T, color=colour, linewidth=width, alpha=0.85, zorder=1)
        ax.scatter(*positions.T, s=900, color="white", edgecolor="#404040", zorder=2)
        for (x, y), name in zip(positions, names, strict=True):
            ax.text(x, y, name, ha="center", va="center", fontsize=8, zorder=3)
        ax.set_title(label, fontsize=10)
        ax.set_xlim(positions[:, 0].min() - 0.35, positions[:, 0].max() + 0.35)
        ax.set_ylim(positions[:, 1].min() - 0.3, positions[:, 1].max() + 0.3)
        ax.axis("off")
    figure.suptitle(
        "colour: internal trust (red low, green high); width: handoffs",
        fontsize=9,
    )
    return figure


def _trust_colour(trust: float) -> tuple[float, float, float]:
    """Red for low internal trust through amber to green for high."""
    t = float(np.clip(trust, 0.0, 1.0))
    return (0.85 * (1 - t) + 0.1 * t, 0.25 * (1 - t) + 0.6 * t, 0.15)


def morale_figure(workshop: Workshop) -> Figure:
    """Mean morale per department, one bar per side."""
    morale = workshop.department_morale()
    figure = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = figure.subplots()
    n_sides = morale.shape[1]
    width = 0.8 / n_sides
    x = np.arange(len(morale))
    for i, label in enumerate(morale.columns):
        ax.bar(
            x + (i - (n_sides - 1) / 2) * width, morale[label], width, color=COLOURS[i], label=label
        )
    ax.set_xticks(x, morale.index, fontsize=8)
    ax.axhline(0, color="#404040", linewidth=0.8)
    ax.set_ylim(min(-0.2, float(morale.min().min()) - 0.05), 1.0)
    ax.set_ylabel("morale (engagement - strain)", fontsize=8)
    ax.set_title(f"Morale by department, week {workshop.week}", fontsize=10)
    ax.legend(fontsize=8, loc="upper right", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return figure


#: The figures of each frame, by view name, in the order the page lays them out.
VIEWS: dict[str, Callable[[Workshop], Figure]] = {
    "trends": trends_figure,
    "network": collaboration_figure,
    "morale": morale_figure,
}


@dataclass(frozen=True, eq=False)
class Frame:
    """What the page shows for one week of a workshop.

    Attributes:
        week: Weeks simulated when the frame was drawn.
        horizon: Weeks the session runs.
        latest: That week's outcomes per side (empty before the first week).
        images: Each view of :data:`VIEWS` as PNG bytes, by view name.
    """

    week: int
    horizon: int
    latest: Mapping[str, Mapping[str, float]]
    images: Mapping[str, bytes]


def draw_frame(workshop: Workshop) -> Frame:
    """Draw the headline numbers and every view of the workshop's current week.

    Args:
        workshop: The workshop, not stepped while it is drawn.

    Returns:
        The frame, independent of the workshop from then on.
    """
    images = {}
    for name, draw in VIEWS.items():
        buffer = io.BytesIO()
        draw(workshop).savefig(buffer, format="png")
        images[name] = buffer.getvalue()
    return Frame(
        week=workshop.week, horizon=workshop.horizon, latest=workshop.latest(), images=images
    )
