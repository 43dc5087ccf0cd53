import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import numpy as np
import pandas as pd
from PIL import Image

from cxsim import run
from cxsim.report.figures import (
    collaboration_map,
    discovery_box,
    final_outcomes,
    roi_distribution,
    sensitivity_bars,
    time_series_bands,
)
from tests.conftest import small


def assert_images(paths):
    png, svg = paths
    with Image.open(png) as image:
        image.verify()
        assert image.format == "PNG"
    assert ElementTree.parse(svg).getroot().tag.endswith("svg")


def weekly(level, reps=4, weeks=10, seed=0):
    rng = np.random.default_rng(seed)
    return {
        m: level + rng.normal(0, 0.01, (reps, weeks))
        for m in ("trust", "repurchase_rate", "morale", "profit")
    }


def test_time_series_with_bands(tmp_path):
    paths = time_series_bands({"silo": weekly(0.6), "pods": weekly(0.7, seed=1)}, tmp_path)
    assert_images(paths)


def test_final_outcomes_side_by_side(tmp_path):
    finals = {
        name: pd.DataFrame({m: level + np.arange(5) * 0.01 for m in ("retention", "trust")})
        for name, level in (("silo", 0.6), ("pods", 0.7))
    }
    assert_images(final_outcomes(finals, tmp_path, metrics=("retention", "trust")))


def test_roi_distribution(tmp_path):
    assert_images(roi_distribution(np.random.default_rng(0).normal(0.4, 0.1, 50), tmp_path, "x"))


def test_discovery_box_names_the_answer_it_draws(tmp_path):
    rng = np.random.default_rng(0)
    draws = pd.DataFrame({"share": rng.uniform(0, 1, 60), "trust.loss": rng.uniform(0, 1, 60)})
    pays = draws["share"].to_numpy() > 0.7
    limits = {"share": (0.7, 1.0)}
    paths = discovery_box(
        draws, pays, limits, ("share", "trust.loss"), tmp_path, "pods", flips_to="pays"
    )
    assert paths[0].name == "where_it_pays.png"
    assert_images(paths)
    svg = paths[1].read_text()
    assert "Where pods pays" in svg and "where it pays (PRIM box)" in svg
    paths = discovery_box(draws, ~pays, limits, ("share", "trust.loss"), tmp_path, "pods")
    assert paths[0].name == "where_it_loses.png"
    assert "Where pods loses money" in paths[1].read_text()


def test_collaboration_map_of_a_silo_and_pods(tmp_path):
    networks = {}
    for label, structure in (("silo", "silo"), ("pods", "cross_functional")):
        networks[label] = run(small({"structure.type": structure}, weeks=6), seed=1).network()
    assert np.sum(networks["silo"]["handoffs"]) > 0
    assert networks["silo"]["weeks"] == 6 and len(networks["silo"]["departments"]) == 6
    assert_images(collaboration_map(networks, tmp_path))


def test_sensitivity_bars(tmp_path):
    frame = pd.DataFrame(
        {
            "outcome": ["trust", "trust", "retention", "retention"],
            "parameter": ["a", "b", "a", "b"],
            "first_order": [0.5, 0.2, 0.1, 0.7],
            "first_low": [0.3, 0.0, -0.1, 0.5],
            "first_high": [0.7, 0.4, 0.3, 0.9],
            "total_order": [0.6, 0.3, 0.2, 0.8],
            "total_low": [0.4, 0.1, 0.1, 0.6],
            "total_high": [0.8, 0.5, 0.3, 1.0],
        }
    )
    assert_images(sensitivity_bars(frame, tmp_path))


def test_names_with_dollar_signs_are_drawn_as_written(tmp_path):
    """matplotlib would read "$5} $6" as broken mathematics and "$5 to $10" as italics."""
    series = {"Budget $5} $6": weekly(0.6), "$5 to $10 per seat": weekly(0.7, seed=1)}
    png, svg = time_series_bands(series, tmp_path)
    assert_images((png, svg))
    assert "$5 to $10 per seat" in svg.read_text()


NO_BACKEND_CHANGE = """
import sys
import matplotlib
backend = dict.__getitem__(matplotlib.rcParams, "backend")
from cxsim.report.figures import final_outcomes
import pandas as pd
final_outcomes({"a": pd.DataFrame({"trust": [0.5, 0.6]})}, sys.argv[1], metrics=("trust",))
assert "matplotlib.pyplot" not in sys.modules
assert dict.__getitem__(matplotlib.rcParams, "backend") == backend
"""


def test_figures_leave_the_matplotlib_backend_and_pyplot_alone(tmp_path):
    """A notebook importing cxsim keeps its own backend: the figures never touch pyplot."""
    result = subprocess.run(
        [sys.executable, "-c", NO_BACKEND_CHANGE, str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
