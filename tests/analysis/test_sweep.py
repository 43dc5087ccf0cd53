import json

import numpy as np
import pytest

from cxsim.analysis.store import Store
from cxsim.analysis.sweep import Experiment, run_sweep, summarise
from cxsim.app.cli import main
from cxsim.validation.errors import InputError
from tests.conftest import ROOT, SCENARIOS

SILOED = str(SCENARIOS / "siloed.toml")
TINY = {"scenario.weeks": 3, "customers.count": 500, "warm_up.weeks": 0}


def experiment(parameters, design=None, **head):
    data = {
        "experiment": {"scenarios": [SILOED], "replications": 2, "outcomes": ["trust"], **head},
        "parameters": parameters,
    }
    if design:
        data["design"] = design
    return Experiment.from_dict(data, source="exp.toml")


def tiny_parameters():
    return [{"path": path, "values": [value]} for path, value in TINY.items()]


def test_shipped_experiments_load():
    schemes = Experiment.load(ROOT / "experiments" / "incentive_schemes.toml")
    assert len(schemes.points_) == 14 and schemes.design == "full_factorial"
    sensitivity = Experiment.load(ROOT / "experiments" / "sensitivity.toml")
    assert len(sensitivity.points_) == 64 * (10 + 2) and sensitivity.design == "sobol"
    assert len(sensitivity.scenarios) == 2  # the baseline and the collaborative advantage


def test_full_factorial_crosses_values_and_range_levels():
    e = experiment(
        [
            {"path": "structure.type", "values": ["silo", "cx_council"]},
            {"path": "trust.loss", "range": [0.1, 0.3], "levels": 2},
        ]
    )
    assert e.points_ == [
        {"structure.type": "silo", "trust.loss": 0.15},
        {"structure.type": "silo", "trust.loss": 0.25},
        {"structure.type": "cx_council", "trust.loss": 0.15},
        {"structure.type": "cx_council", "trust.loss": 0.25},
    ]


def test_latin_hypercube_stays_in_range_and_integer_ranges_give_integers():
    e = experiment(
        [
            {"path": "trust.loss", "range": [0.1, 0.3]},
            {"path": "departments.support.headcount", "range": [60, 100]},
        ],
        design={"type": "latin_hypercube", "samples": 20},
    )
    losses = [p["trust.loss"] for p in e.points_]
    heads = [p["departments.support.headcount"] for p in e.points_]
    assert len(e.points_) == 20 and min(losses) >= 0.1 and max(losses) <= 0.3
    assert all(isinstance(h, int) and 60 <= h <= 100 for h in heads)
    # a Latin hypercube puts one point in each of the 20 strata
    assert sorted(int((x - 0.1) / 0.2 * 20) for x in losses) == list(range(20))


def test_distributions_map_quantiles():
    e = experiment(
        [{"path": "trust.loss", "distribution": {"type": "normal", "mean": 0.2, "sd": 0.01}}],
        design={"type": "latin_hypercube", "samples": 200},
    )
    values = np.array([p["trust.loss"] for p in e.points_])
    assert abs(values.mean() - 0.2) < 0.002 and abs(values.std() - 0.01) < 0.002


def test_sobol_design_is_a_saltelli_matrix():
    e = experiment(
        [{"path": "trust.loss", "range": [0.1, 0.3]}, {"path": "trust.gain", "range": [0.02, 0.1]}],
        design={"type": "sobol", "samples": 8},
    )
    points = e.points_
    assert len(points) == 8 * 4
    a, b, ab0, ab1 = (points[i * 8 : (i + 1) * 8] for i in range(4))
    for i in range(8):
        assert ab0[i] == {"trust.loss": b[i]["trust.loss"], "trust.gain": a[i]["trust.gain"]}
        assert ab1[i] == {"trust.loss": a[i]["trust.loss"], "trust.gain": b[i]["trust.gain"]}


def test_a_sweep_runs_resumes_and_estimates_sobol_indices(tmp_path):
    e = experiment(
        [*tiny_parameters(), {"path": "handoffs.base_failure", "range": [0.1, 0.9]}],
        design={"type": "sobol", "samples": 8},
    )
    with Store(tmp_path / "sweep.db") as store:
        first = run_sweep(e, store, progress=False)
        again = run_sweep(e, store, progress=False)
    # Saltelli: samples x (parameters + 2), the three one-valued ones included
    assert first.runs["done"] == 8 * 6 * 2 and again.runs == {"skipped": 96, "done": 0, "failed": 0}
    assert first.table.equals(again.table)
    assert first.sensitivity.equals(again.sensitivity)  # the bootstrap is seeded too
    assert set(first.table.columns) >= {"point", "trust", "trust_ci_low", "trust_ci_high"}
    assert set(first.sensitivity["parameter"]) <= {p.path for p in e.parameters}


def test_a_sobol_design_over_two_scenarios_decomposes_their_paired_difference(tmp_path):
    from cxsim.analysis.sweep import _sobol_estimates

    collaborative = str(SCENARIOS / "collaborative.toml")
    e = experiment(
        [*tiny_parameters(), {"path": "handoffs.base_failure", "range": [0.1, 0.9]}],
        design={"type": "sobol", "samples": 8},
        scenarios=[SILOED, collaborative],
        replications=1,
    )
    with Store(tmp_path / "sweep.db") as store:
        result = run_sweep(e, store, progress=False)
    silo, pods = (scenario.name for scenario in e.scenarios)
    label = f"trust: {pods} - {silo}"
    assert set(result.sensitivity["outcome"]) == {"trust", label}
    # the difference's indices are those of the per-point differences, paired by seed
    table = result.table
    difference = (
        table[table["scenario"] == pods]["trust"].to_numpy()
        - table[table["scenario"] == silo]["trust"].to_numpy()
    )
    n, d = 8, len(e.parameters)
    expected = _sobol_estimates(
        difference[:n], difference[n : 2 * n], difference[2 * n :].reshape(d, n)
    )
    rows = result.sensitivity[result.sensitivity["outcome"] == label]
    assert np.allclose(rows["first_order"], expected[:d], equal_nan=True)
    assert np.allclose(rows["total_order"], expected[d:], equal_nan=True)


def test_cli_sweep_writes_a_table(tmp_path, capsys):
    spec = tmp_path / "exp.toml"
    spec.write_text(
        f'[experiment]\nscenarios = ["{SILOED}"]\nreplications = 2\noutcomes = ["trust"]\n'
        '[[parameters]]\npath = "scenario.weeks"\nvalues = [2, 3]\n'
        '[[parameters]]\npath = "customers.count"\nvalues = [300]\n'
        '[[parameters]]\npath = "warm_up.weeks"\nvalues = [0]\n'
    )
    out = tmp_path / "points.csv"
    assert main(["sweep", str(spec), "--workers", "1", "--quiet", "--out", str(out)]) == 0
    assert "2 design points" in capsys.readouterr().out
    assert out.exists() and (tmp_path / "exp.db").exists()


COLLABORATIVE = str(SCENARIOS / "collaborative.toml")
UNCERTAIN_EXPERIMENT = f"""
[experiment]
scenarios = ["{SILOED}", "{COLLABORATIVE}"]
replications = 2
outcomes = ["trust", "profit", "churn_rate"]
[[parameters]]
path = "cases.cross_functional_share"
values = [0.2, 0.8]
[[parameters]]
path = "scenario.weeks"
values = [3]
[[parameters]]
path = "customers.count"
values = [400]
[[parameters]]
path = "warm_up.weeks"
values = [0]
[uncertainty]
default = "declared"
"trust.loss" = {{ distribution = "uniform", low = 0.1, high = 0.3 }}
"""


def test_a_sweep_under_uncertainty_runs_every_point_on_the_same_draws(tmp_path):
    spec = tmp_path / "exp.toml"
    spec.write_text(UNCERTAIN_EXPERIMENT)
    e = Experiment.load(spec)
    draws = e.uncertain(4)
    # the design sets what it varies; the rest of what is uncertain is drawn
    assert "cases.cross_functional_share" not in draws.uncertainty.paths
    assert "trust.loss" in draws.uncertainty.paths
    assert "cross_functional.coordination_cost" in draws.uncertainty.paths  # pods in play
    with Store(tmp_path / "runs.db") as store:
        result = run_sweep(e, store, progress=False, draws=draws)
        assert result.runs == {"skipped": 0, "done": 16, "failed": 0}  # 2 x 2 points x 4
        again = run_sweep(e, store, progress=False, draws=draws)
        assert again.runs["done"] == 0 and again.runs["skipped"] == 16
        runs = store.runs()
        # draw r runs with the same constants and seed at every point and scenario
        for _, rows in runs.groupby("replicate"):
            assert rows["seed"].nunique() == 1
            losses = {
                store.scenario(h, s)["trust"]["loss"]
                for h, s in zip(rows["scenario_hash"], rows["seed"], strict=True)
            }
            assert len(losses) == 1
    table = result.table.set_index(["scenario", "point"])
    pods = table.loc[("collaborative", 0)]
    assert pods["replicates_used"] == 4
    assert 0 <= pods["profit_p_better"] <= 1 and 0 <= pods["churn_rate_p_better"] <= 1
    assert pods["trust_p5"] <= pods["trust"] <= pods["trust_p95"]
    assert pods["trust_p5"] < pods["trust_p95"]  # the draws differ
    assert np.isnan(table.loc[("siloed-baseline", 0)].get("profit_p_better", np.nan))
    # the report recomputes the same table from the store and the experiment file alone
    with Store(tmp_path / "runs.db", writable=False) as store:
        alone = summarise(e, store)
    assert alone.table.equals(result.table)


def test_a_bad_uncertainty_table_in_an_experiment_names_the_file(tmp_path):
    spec = tmp_path / "exp.toml"
    spec.write_text(UNCERTAIN_EXPERIMENT.replace('default = "declared"', 'default = "all"'))
    with pytest.raises(InputError) as caught:
        Experiment.load(spec)
    assert str(caught.value).startswith(f'{spec}: [uncertainty].default: expected "declared"')


def test_cli_sweep_under_uncertainty(tmp_path, capsys):
    spec = tmp_path / "exp.toml"
    spec.write_text(UNCERTAIN_EXPERIMENT)
    args = ["sweep", str(spec), "--workers", "1", "--quiet", "--uncertainty", "--draws", "3"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["uncertainty"]["draws"] == 3
    assert "trust.loss" in report["uncertainty"]["table"]
    assert all("profit_p5" in point for point in report["points"])
    assert main(args) == 0
    assert "3 draws of" in capsys.readouterr().out
    assert main(["report", str(spec), "--out", str(tmp_path / "report")]) == 0
    page = (tmp_path / "report" / "report.html").read_text()
    assert "draws of the uncertain constants" in page and "profit_p_better" in page
    assert main(["sweep", str(spec), "--draws", "3"]) == 2
    assert "--uncertainty: expected the flag" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "path", "expected"),
    [
        ({"experiment": {"scenarios": [SILOED]}}, "parameters", "at least one [[parameters]]"),
        ({"experiment": {"scenarios": [SILOED]}, "parameters": []}, "parameters", "at least one"),
        (
            {"experiment": {"scenarios": []}, "parameters": [{}]},
            "experiment.scenarios",
            "non-empty",
        ),
        (
            {"experiment": {"scenarios": [SILOED], "replications": 0}, "parameters": [{}]},
            "experiment.replications",
            "an integer between 1 and 1,000,000",
        ),
        (
            {"experiment": {"scenarios": [SILOED]}, "design": {"type": "grid"}, "parameters": [{}]},
            "design.type",
            "one of 'full_factorial', 'latin_hypercube', 'sobol'",
        ),
        (
            {"experiment": {"scenarios": [SILOED]}, "parameters": [{"path": "trust.loss"}]},
            "parameters.0",
            "exactly one of values, range or distribution",
        ),
        (
            {"experiment": {"scenarios": [SILOED]}, "parameters": [{"path": "a", "values": []}]},
            "parameters.0.values",
            "a non-empty list",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [{"path": "trust.loss", "range": [0.3, 0.1]}],
            },
            "parameters.0.range",
            "low < high",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [{"path": "trust.los", "values": [0.1]}],
            },
            "parameters.0",
            "values valid at trust.los",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "design": {"type": "sobol", "samples": 6},
                "parameters": [
                    {"path": "trust.loss", "range": [0.1, 0.3]},
                    {"path": "trust.gain", "range": [0.02, 0.1]},
                ],
            },
            "design.samples",
            "a power of two",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "design": {"type": "sobol", "samples": 8},
                "parameters": [{"path": "trust.loss", "range": [0.1, 0.3]}],
            },
            "parameters",
            "at least two parameters",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [
                    {"path": "trust.loss", "values": [0.1]},
                    {"path": "trust.loss", "values": [0.2]},
                ],
            },
            "parameters.1.path",
            "a path no other parameter varies",
        ),
        (
            {"experiment": {"scenarios": [SILOED], "outcomes": ["happiness"]}, "parameters": [{}]},
            "experiment.outcomes.0",
            "one of trust",
        ),
        (
            {"experiment": {"scenarios": [SILOED], "name": 3}, "parameters": [{}]},
            "experiment.name",
            "a string, or omitted",
        ),
        (
            {"experiment": {"scenarios": [SILOED]}, "parameters": [{"values": [1]}]},
            "parameters.0.path",
            "a dotted path such as trust.loss",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [{"path": "trust.loss", "range": [0.1, "high"]}],
            },
            "parameters.0.range.1",
            "a finite number",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [{"path": "trust.loss", "distribution": {"type": "normal"}}],
            },
            "parameters.0.distribution.mean",
            "a finite number",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [
                    {
                        "path": "trust.loss",
                        "distribution": {"type": "normal", "mean": 0.2, "sd": 0.1, "mode": 0},
                    }
                ],
            },
            "parameters.0.distribution.mode",
            "one of the known keys (type, mean, sd)",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [
                    {
                        "path": "trust.loss",
                        "distribution": {"type": "lognormal", "mean_log": 1000, "sd_log": 1},
                    }
                ],
            },
            "parameters.0.distribution",
            "valid lognormal parameters",
        ),
        (
            {
                "experiment": {"scenarios": [SILOED]},
                "parameters": [{"path": "departments.99.headcount", "range": [10, 20]}],
            },
            "parameters.0",
            "values valid at departments.99.headcount (an index or a name among",
        ),
    ],
)
def test_bad_experiments_name_the_path(data, path, expected):
    with pytest.raises(InputError) as error:
        Experiment.from_dict(data, source="exp.toml")
    assert error.value.path == path and expected in error.value.expected


def test_the_name_defaults_to_the_file_and_any_seed_toml_can_write_is_taken():
    e = experiment([{"path": "customers.count", "values": [300]}], seed=2**63 - 1)
    assert e.seed == 2**63 - 1 and e.name == "exp"


def test_cli_bad_experiment_exits_2(tmp_path, capsys):
    spec = tmp_path / "empty.toml"
    spec.write_text(f'[experiment]\nscenarios = ["{SILOED}"]\n')
    assert main(["sweep", str(spec)]) == 2
    assert f"{spec}: parameters: expected at least one" in capsys.readouterr().err
    assert main(["sweep", str(tmp_path / "none.toml")]) == 2
    assert "expected an existing experiment file" in capsys.readouterr().err


def test_a_killed_sweep_resumes_without_redoing_finished_runs(tmp_path):
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    spec = tmp_path / "exp.toml"
    spec.write_text(
        f'[experiment]\nscenarios = ["{SILOED}"]\nreplications = 6\noutcomes = ["trust"]\n'
        '[[parameters]]\npath = "scenario.weeks"\nvalues = [8, 9, 10]\n'
        '[[parameters]]\npath = "customers.count"\nvalues = [1500]\n'
        '[[parameters]]\npath = "warm_up.weeks"\nvalues = [0]\n'
    )
    store = tmp_path / "exp.db"
    command = [sys.executable, "-m", "cxsim", "sweep", str(spec), "--workers", "1", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stored() -> int:
        try:
            with sqlite3.connect(store) as db:
                return db.execute("select count(*) from runs").fetchone()[0]
        except sqlite3.OperationalError:
            return 0

    deadline = time.monotonic() + 120
    while stored() < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = stored()
    assert 3 <= finished < 18, "the sweep should be killed part-way"

    with Store(store) as results:
        assert results.status()["pending"] == 18 - finished
    e = Experiment.load(spec)
    with Store(store) as results:
        resumed = run_sweep(e, results, progress=False)
    assert resumed.runs == {"skipped": finished, "done": 18 - finished, "failed": 0}
    with Store(tmp_path / "fresh.db") as results:
        fresh = run_sweep(e, results, progress=False)
    assert resumed.table.equals(fresh.table)


def test_a_failed_run_leaves_its_replicate_out_at_every_point(tmp_path):
    import sqlite3

    from cxsim.analysis.sweep import summarise

    spec = tmp_path / "exp.toml"
    spec.write_text(
        f'[experiment]\nscenarios = ["{SILOED}"]\nreplications = 3\noutcomes = ["trust"]\n'
        '[[parameters]]\npath = "trust.loss"\nvalues = [0.1, 0.3]\n'
        '[[parameters]]\npath = "customers.count"\nvalues = [300]\n'
        '[[parameters]]\npath = "scenario.weeks"\nvalues = [3]\n'
        '[[parameters]]\npath = "warm_up.weeks"\nvalues = [0]\n'
    )
    e = Experiment.load(spec)
    with Store(tmp_path / "exp.db") as store:
        run_sweep(e, store, progress=False)
    (_, second), (_, first) = e.scenarios_for_points()[1], e.scenarios_for_points()[0]
    db = sqlite3.connect(tmp_path / "exp.db")
    with db:  # replicate 1 of the second point failed
        db.execute(
            "update runs set status = 'failed', final = null where scenario_hash = ? "
            "and replicate = 1",
            (second.model_hash(),),
        )
    db.close()
    with Store(tmp_path / "exp.db") as store:
        table = summarise(e, store).table.set_index("point")
        first_runs = store.finals(first.model_hash())
    assert list(table["runs"]) == [3, 2]
    assert list(table["replicates_used"]) == [2, 2]
    # by hand: the first point's mean over replicates 0 and 2, not over all three
    assert table.loc[0, "trust"] == pytest.approx(first_runs.loc[[0, 2], "trust"].mean())
    assert table.loc[0, "trust"] != pytest.approx(first_runs["trust"].mean())
