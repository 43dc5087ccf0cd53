"""Known-answer tests of scenario discovery (PRIM)."""

import numpy as np
import pandas as pd
import pytest

from cxsim.analysis.discovery import Box, describe, find_boxes, peel


def _draws(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "share": rng.uniform(0.05, 0.9, n),
            "pod_size": rng.uniform(4, 40, n),
            "trust_loss": rng.uniform(0.1, 0.3, n),
            "noise": rng.uniform(0, 1, n),
        }
    )


def test_prim_recovers_a_planted_box():
    """Failures planted where share < 0.25 and pod_size > 20, plus 3% scattered at random."""
    inputs = _draws(4000, 1)
    rng = np.random.default_rng(2)
    planted = (inputs["share"] < 0.25) & (inputs["pod_size"] > 20)
    cases = planted.to_numpy() | (rng.uniform(size=len(inputs)) < 0.03)
    boxes = find_boxes(inputs, cases, threshold=0.95)
    box = boxes[0]
    assert set(box.limits) == {"share", "pod_size"}  # the unrelated constants are dropped
    assert box.limits["share"][1] == pytest.approx(0.25, abs=0.03)
    assert box.limits["pod_size"][0] == pytest.approx(20, abs=1.5)
    assert box.limits["share"][0] == inputs["share"].min()  # one-sided restrictions
    assert box.limits["pod_size"][1] == inputs["pod_size"].max()
    assert box.density >= 0.95 and box.coverage >= 0.8  # the scattered 3% lie outside
    inside = box.contains(inputs)
    assert box.mass == pytest.approx(inside.mean())
    assert box.density == pytest.approx(cases[inside].mean())
    assert box.coverage == pytest.approx(cases[inside].sum() / cases.sum())
    ranges = {name: (inputs[name].min(), inputs[name].max()) for name in inputs}
    words = describe(box, ranges, {"share": "the share crossing departments"})
    assert words == (
        f"the share crossing departments is at most {box.limits['share'][1]:.3g}"
        f" and pod_size is at least {box.limits['pod_size'][0]:.3g}"
    )
    assert "0.254" in words and "20.3" in words


def test_covering_finds_a_second_box_after_the_first():
    inputs = _draws(6000, 3)
    first = (inputs["share"] < 0.2).to_numpy()
    second = ((inputs["trust_loss"] > 0.27) & (inputs["share"] > 0.5)).to_numpy()
    boxes = find_boxes(inputs, first | second, threshold=0.9)
    assert len(boxes) >= 2
    assert set(boxes[0].limits) == {"share"}
    assert set(boxes[1].limits) == {"trust_loss", "share"}
    assert sum(b.coverage for b in boxes[:2]) > 0.85


def test_no_box_is_reported_where_failures_are_scattered_at_random():
    inputs = _draws(3000, 4)
    cases = np.random.default_rng(5).uniform(size=3000) < 0.2
    boxes = find_boxes(inputs, cases)
    assert all(b.density < 0.5 for b in boxes)


def test_the_peeling_trajectory_narrows_and_stops_at_the_smallest_mass():
    inputs = _draws(2000, 6)
    cases = (inputs["noise"] > 0.5).to_numpy()
    trajectory = peel(inputs, cases, peel_alpha=0.1, mass_min=0.05)
    assert len(trajectory) > 3
    lows = np.array([low for low, _ in trajectory])
    assert (np.diff(lows, axis=0) >= 0).all()  # limits only close in
    assert trajectory[-1][0][3] == pytest.approx(0.5, abs=0.05)


def test_a_box_describes_a_two_sided_limit():
    box = Box(limits={"x": (0.2, 0.4)}, coverage=1.0, density=1.0, mass=0.2)
    assert describe(box, {"x": (0.0, 1.0)}, {}) == "x is between 0.2 and 0.4"
