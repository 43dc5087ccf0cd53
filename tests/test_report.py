import base64
import io
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from cxsim.cli import main
from cxsim.economics import versus_baseline
from cxsim.experiment import describe_comparison, execute, replicate_seeds, specs_for
from cxsim.parameters import EconomicsParameters
from cxsim.report import build_report
from cxsim.scenario import Scenario
from cxsim.stats import mean_interval
from cxsim.store import Store
from tests.conftest import SCENARIOS

SMALL = ["--set", "customers.count=600", "--set", "scenario.weeks=52"]
SECTIONS = (
    "The question",
    "Headline",
    "The scenarios and what differs between them",
    "Outcomes",
    "Differences against the baseline",
    "Money over the horizon",
    "Figures",
    "Assumptions and parameters",
    "Provenance",
    "What the model cannot tell you",
)


@pytest.fixture(scope="module")
def comparison_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("report") / "runs.db"
    args = ["compare", str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "transformation.toml")]
    assert (
        main([*args, "--reps", "3", "--store", str(store), "--workers", "1", "--quiet", *SMALL])
        == 0
    )
    return store


def test_the_report_has_every_section_valid_figures_and_csv_tables(comparison_store, tmp_path):
    report = build_report(comparison_store, tmp_path)
    text = report.read_text()
    for section in SECTIONS:
        assert f">{section}<" in text, section
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) >= 4
    for data in images:
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            image.verify()
    assert "ROI" in text and "transformation" in text
    assert "sets no [economics] of its own" in text  # the shipped scenarios use defaults
    for name in ("outcomes.csv", "differences.csv", "economics.csv"):
        assert (tmp_path / name).exists()


def test_the_report_numbers_are_the_store_numbers(comparison_store, tmp_path):
    build_report(comparison_store, tmp_path)
    outcomes = pd.read_csv(tmp_path / "outcomes.csv")
    with Store(comparison_store, writable=False) as store:
        comparison = store.recall("comparison")
        seeds = replicate_seeds(comparison["seed"], comparison["reps"])
        base = comparison["scenarios"][0]
        finals = store.finals(base["model_hash"], seeds)
    row = outcomes[(outcomes.scenario == base["name"]) & (outcomes.metric == "retention")]
    assert row["mean"].iloc[0] == pytest.approx(finals["retention"].mean())


def test_cli_report_and_a_store_without_a_comparison(comparison_store, tmp_path, capsys):
    assert main(["report", str(comparison_store), "--out", str(tmp_path / "r")]) == 0
    assert "report.html" in capsys.readouterr().out
    empty = tmp_path / "empty.db"
    Store(empty).close()
    assert main(["report", str(empty), "--out", str(tmp_path / "e")]) == 2
    assert "it holds no comparison" in capsys.readouterr().err


def test_a_single_replication_report_says_it_has_no_interval(tmp_path):
    scenarios = [
        Scenario.load(
            SCENARIOS / "siloed.toml", overrides={"customers.count": 400, "scenario.weeks": 8}
        ),
        Scenario.load(
            SCENARIOS / "collaborative.toml",
            overrides={"customers.count": 400, "scenario.weeks": 8},
        ),
    ]
    store_path = tmp_path / "one.db"
    with Store(store_path) as store:
        execute(specs_for(scenarios, replicate_seeds(0, 1)), store, progress=False)
        store.remember("comparison", describe_comparison(scenarios, seed=0, reps=1))
    text = build_report(store_path, tmp_path / "out").read_text()
    assert "no interval can be estimated" in text


def test_the_roi_interval_covers_the_true_return_on_a_synthetic_case():
    """Known answer: the programme costs 100 a week for 10 weeks and gains 150 a week
    over 20 weeks, so ROI = (3000 - 1000) / 1000 = 2; shared noise cancels in pairs."""
    rng = np.random.default_rng(0)
    params = EconomicsParameters(discount_rate=0.0)
    weeks, covered, experiments = 20, 0, 200
    for _ in range(experiments):
        rois = []
        for _ in range(10):
            shared = rng.normal(1000, 200, weeks)
            cost = np.r_[np.full(10, 100.0), np.zeros(10)]
            gain = 150.0 + rng.normal(0, 30, weeks)
            base = {"profit": shared, "programme_cost": np.zeros(weeks)}
            treated = {"profit": shared + gain - cost, "programme_cost": cost}
            rois.append(versus_baseline(treated, base, params).roi)
        interval = mean_interval(rois)
        covered += interval.low <= 2.0 <= interval.high
    assert covered / experiments >= 0.9


@pytest.mark.slow
def test_the_demo_writes_a_report(tmp_path, capsys):
    assert main(["demo", "--reps", "2", "--out", str(tmp_path), "--workers", "1"]) == 0
    assert "report:" in capsys.readouterr().out
    text = (tmp_path / "report.html").read_text()
    assert "collaborative" in text and "transformation" in text


def test_an_experiment_report_has_its_points_and_sobol_bars(tmp_path, capsys):
    spec = tmp_path / "exp.toml"
    spec.write_text(
        f'[experiment]\nname = "tiny"\nscenarios = ["{SCENARIOS / "siloed.toml"}"]\n'
        'replications = 2\noutcomes = ["trust"]\n[design]\ntype = "sobol"\nsamples = 8\n'
        '[[parameters]]\npath = "trust.loss"\nrange = [0.1, 0.3]\n'
        '[[parameters]]\npath = "trust.gain"\nrange = [0.02, 0.1]\n'
        '[[parameters]]\npath = "customers.count"\nvalues = [300]\n'
        '[[parameters]]\npath = "scenario.weeks"\nvalues = [3]\n'
    )
    assert main(["report", str(spec), "--out", str(tmp_path / "early")]) == 2
    assert "run cxsim sweep first" in capsys.readouterr().err
    assert main(["sweep", str(spec), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["report", str(spec), "--out", str(tmp_path / "r")]) == 0
    text = (tmp_path / "r" / "report.html").read_text()
    assert ">Design points<" in text and ">Sensitivity<" in text
    assert (tmp_path / "r" / "points.csv").exists() and (
        tmp_path / "r" / "sensitivity.csv"
    ).exists()
