"""Scenario discovery: where in the uncertain constants an option fails (PRIM).

The Patient Rule Induction Method (Friedman & Fisher 1999), used for scenario discovery
as Bryant & Lempert (2010) and the EMA Workbench use it: starting from the whole range
of every constant, it repeatedly peels off the slice (a share ``peel_alpha`` of the
remaining draws, at the low or high end of one constant) whose removal most raises the
share of cases of interest left in the box. Each step of this *peeling trajectory* is a
box, described by

* **coverage**: the share of all cases of interest that fall inside the box;
* **density**: the share of the draws inside the box that are cases of interest;
* **mass**: the share of all draws inside the box.

The box reported is the one of highest coverage whose density reaches ``threshold``
(else the densest with at least ``mass_min`` of the draws). A restriction is kept only
if it matters: the box without it would hold the same cases less densely, judged by a
one-sided binomial test (Bryant & Lempert's quasi-p-value) at ``significance``.
Further boxes are found the same way among the cases the earlier boxes leave out
(covering).

EMA Workbench's PRIM would bring scikit-learn, SALib, statsmodels, seaborn and
platypus-opt along with it; this is the same method in the few lines it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest

__all__ = ["Box", "describe", "find_boxes", "peel"]


@dataclass(frozen=True)
class Box:
    """A box over the uncertain constants.

    Attributes:
        limits: The restricted constants only, each with its (low, high) limits.
        coverage: Share of all cases of interest inside the box.
        density: Share of the draws inside the box that are cases of interest.
        mass: Share of all draws inside the box.
    """

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    mass: float

    def contains(self, inputs: pd.DataFrame) -> np.ndarray:
        """Whether each row of ``inputs`` lies inside the box."""
        inside = np.ones(len(inputs), dtype=bool)
        for name, (low, high) in self.limits.items():
            values = inputs[name].to_numpy(dtype=float)
            inside &= (values >= low) & (values <= high)
        return inside


def _validated(inputs: pd.DataFrame, cases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = inputs.to_numpy(dtype=float)
    y = np.asarray(cases, dtype=bool)
    if x.ndim != 2 or len(x) != len(y) or len(y) == 0:
        raise ValueError("inputs must be a table with one row per case")
    if not np.isfinite(x).all():
        raise ValueError("inputs must be finite")
    return x, y


def peel(
    inputs: pd.DataFrame, cases: np.ndarray, peel_alpha: float = 0.05, mass_min: float = 0.05
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The peeling trajectory: (low limits, high limits) of each box, whole range first.

    Args:
        inputs: The uncertain constants, one column each, one row per draw.
        cases: Whether each draw is a case of interest (the option failed there).
        peel_alpha: Share of the box's draws each peel removes.
        mass_min: Peeling stops before a box would hold less than this share of draws.
    """
    x, y = _validated(inputs, cases)
    low, high = x.min(axis=0), x.max(axis=0)
    inside = np.ones(len(y), dtype=bool)
    trajectory = [(low.copy(), high.copy())]
    while True:
        box_x, box_y = x[inside], y[inside]
        best = None
        for column in range(x.shape[1]):
            values = box_x[:, column]
            for side, cut in (
                (0, np.quantile(values, peel_alpha)),
                (1, np.quantile(values, 1 - peel_alpha)),
            ):
                keep = values > cut if side == 0 else values < cut
                kept = int(keep.sum())
                if kept == len(values) or kept < mass_min * len(y) or kept == 0:
                    continue
                density = box_y[keep].mean()
                if best is None or density > best[0]:
                    best = (density, column, side, cut)
        if best is None or best[0] <= box_y.mean():
            return trajectory
        _, column, side, cut = best
        if side == 0:
            inside &= x[:, column] > cut
            low[column] = x[inside, column].min()
        else:
            inside &= x[:, column] < cut
            high[column] = x[inside, column].max()
        trajectory.append((low.copy(), high.copy()))


def _inside(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return ((x >= low) & (x <= high)).all(axis=1)


def _significant(
    x: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray, significance: float
) -> tuple[np.ndarray, np.ndarray]:
    """Drop each restriction the box does not need (one-sided binomial test)."""
    full_low, full_high = x.min(axis=0), x.max(axis=0)
    low, high = low.copy(), high.copy()
    for column in range(x.shape[1]):
        if low[column] <= full_low[column] and high[column] >= full_high[column]:
            continue
        inside = _inside(x, low, high)
        wider_low, wider_high = low.copy(), high.copy()
        wider_low[column], wider_high[column] = full_low[column], full_high[column]
        wider = _inside(x, wider_low, wider_high)
        base = y[wider].mean()
        hits, draws = int(y[inside].sum()), int(inside.sum())
        if (
            base >= 1.0
            or binomtest(hits, draws, base, alternative="greater").pvalue >= significance
        ):
            low[column], high[column] = full_low[column], full_high[column]
    return low, high


def find_boxes(
    inputs: pd.DataFrame,
    cases: np.ndarray,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    significance: float = 0.05,
    max_boxes: int = 3,
) -> list[Box]:
    """Boxes describing where the cases of interest lie, most coverage first.

    Args:
        inputs: The uncertain constants, one column each, one row per draw.
        cases: Whether each draw is a case of interest.
        threshold: Density a box should reach.
        peel_alpha: Share of the box's draws each peel removes.
        mass_min: Smallest share of draws a box may hold.
        significance: Level at which a restriction must matter to be kept.
        max_boxes: Most boxes to find; covering stops earlier when a box finds nothing
            denser than the draws left.

    Returns:
        The boxes, with coverage and density over all the draws.
    """
    x, y = _validated(inputs, cases)
    names = list(inputs.columns)
    total = max(int(y.sum()), 1)
    remaining = np.ones(len(y), dtype=bool)
    boxes: list[Box] = []
    while len(boxes) < max_boxes and y[remaining].any():
        rest_x, rest_y = x[remaining], y[remaining]
        trajectory = peel(
            pd.DataFrame(rest_x, columns=names), rest_y, peel_alpha, mass_min * len(y) / len(rest_y)
        )
        stats = []
        for low, high in trajectory:
            inside = _inside(rest_x, low, high)
            stats.append((rest_y[inside].mean(), rest_y[inside].sum() / total))
        meeting = [i for i, (density, _) in enumerate(stats) if density >= threshold]
        chosen = meeting[0] if meeting else int(np.argmax([d for d, _ in stats]))
        if chosen == 0:  # no box is denser than the draws left
            break
        low, high = _significant(rest_x, rest_y, *trajectory[chosen], significance)
        full_low, full_high = rest_x.min(axis=0), rest_x.max(axis=0)
        limits = {
            names[c]: (float(low[c]), float(high[c]))
            for c in range(len(names))
            if low[c] > full_low[c] or high[c] < full_high[c]
        }
        if not limits:
            break
        inside_all = remaining & _inside(x, low, high)
        boxes.append(
            Box(
                limits=limits,
                coverage=float(y[inside_all].sum() / total),
                density=float(y[inside_all].mean()),
                mass=float(inside_all.mean()),
            )
        )
        remaining &= ~inside_all
    return boxes


def describe(box: Box, ranges: dict[str, tuple[float, float]], labels: dict[str, str]) -> str:
    """The box in words: "X is below 0.25 and Y is at least 20".

    Args:
        box: The box.
        ranges: Each constant's full range, to tell a one-sided limit from a two-sided one.
        labels: Each constant's name for people (its dotted path if missing).
    """
    parts = []
    for name, (low, high) in box.limits.items():
        full_low, full_high = ranges[name]
        label = labels.get(name, name)
        if low > full_low and high < full_high:
            parts.append(f"{label} is between {low:.3g} and {high:.3g}")
        elif low > full_low:
            parts.append(f"{label} is at least {low:.3g}")
        else:
            parts.append(f"{label} is at most {high:.3g}")
    return " and ".join(parts)
