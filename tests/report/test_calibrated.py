"""``cxsim calibrate`` end to end: the calibrated scenario, the fit report, the errors."""

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxsim.app.cli import main
from cxsim.config.scenario import Scenario
from cxsim.config.uncertainty import read_uncertainty
from tests.conftest import SMALL_DEPARTMENTS


@pytest.fixture
def scenario_file(tmp_path):
    departments = "\n".join(
        f'[[departments]]\nname = "{d["name"]}"\nheadcount = {d["headcount"]}\n'
        f"stages = {json.dumps(d['stages'])}\n"
        for d in SMALL_DEPARTMENTS
    )
    path = tmp_path / "ours.toml"
    path.write_text(
        '# our organization\n[scenario]\nname = "ours"\nweeks = 10\n\n'
        f"[customers]\ncount = 1500\n\n{departments}"
    )
    return path


def calibrate(tmp_path, scenario_file, *extra):
    args = [
        "calibrate",
        str(scenario_file),
        "--target",
        "incidents_per_customer=0.09+-0.01",
        "--target",
        "trust@5:10=0.6+-0.05",
        "--free",
        "cases.problem_rate=0.02:0.2",
        "--reps",
        "3",
        "--budget",
        "8",
        "--workers",
        "1",
        "--out",
        str(tmp_path / "fitted.toml"),
        "--report",
        str(tmp_path / "report"),
        "--store",
        str(tmp_path / "runs.db"),
        "--quiet",
        *extra,
    ]
    return main(args)


def test_writes_a_calibrated_scenario_that_loads_and_compares(tmp_path, scenario_file, capsys):
    assert calibrate(tmp_path, scenario_file) == 0
    out = capsys.readouterr().out
    assert "cases.problem_rate = " in out and "Targets met on 3 fresh seeds" in out
    carry = out.splitlines()[out.splitlines().index("Other scenarios take the same fit with:") + 1]
    assert carry.strip().startswith("--set cases.problem_rate=")
    text = (tmp_path / "fitted.toml").read_text()
    assert text.startswith("# Calibrated from ")
    assert "#   incidents_per_customer: observed 0.09 +- 0.01, simulated" in text
    fitted = tomllib.loads(text)["cases"]["problem_rate"]
    assert 0.02 <= fitted <= 0.2 and fitted != 0.08
    calibrated = Scenario.load(tmp_path / "fitted.toml")
    assert calibrated.parameters.cases.problem_rate == fitted
    assert calibrated.parameters.customers.count == 1500  # the rest as in the file
    assert calibrated.name == "ours-calibrated"
    # what the fit leaves unknown, as a narrowed distribution around the fitted value
    narrowed = tomllib.loads(text)["uncertainty"]["cases.problem_rate"]
    identification = pd.read_csv(tmp_path / "report" / "identification.csv")
    share = identification.set_index("parameter").loc["cases.problem_rate"]
    if np.isfinite(share["uncertainty_share_of_range"]):
        assert narrowed["distribution"] == "triangular"
        assert narrowed["mode"] == pytest.approx(fitted)
        assert narrowed["low"] <= narrowed["mode"] <= narrowed["high"]
        assert 0.02 <= narrowed["low"] and narrowed["high"] <= 0.2
        assert narrowed["high"] - narrowed["low"] < 0.18  # narrower than the range searched
    else:
        assert narrowed == {"distribution": "uniform", "low": 0.02, "high": 0.2}
    assert "cases.problem_rate" in read_uncertainty(calibrated.uncertainty).paths

    fit = pd.read_csv(tmp_path / "report" / "fit.csv")
    assert list(fit["target"]) == ["incidents_per_customer", "trust@5:10"]
    assert set(fit.columns) >= {"observed", "simulated", "low", "high", "met"}
    summary = json.loads((tmp_path / "report" / "calibration.json").read_text())
    assert summary["fitted"]["cases.problem_rate"] == pytest.approx(fitted, rel=1e-5)
    assert summary["seed"] == 0 and "numpy" in summary["versions"]
    for name in ("identification.csv", "sensitivity.csv", "history.csv", "calibration_fit.png"):
        assert (tmp_path / "report" / name).stat().st_size > 0

    # the calibrated baseline is a scenario like any other
    assert (
        main(
            [
                "compare",
                str(tmp_path / "fitted.toml"),
                str(scenario_file),
                "--reps",
                "2",
                "--workers",
                "1",
                "--quiet",
                "--json",
            ]
        )
        == 0
    )


def test_outputs_go_next_to_the_file_by_default(tmp_path, scenario_file, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    args = ["calibrate", str(scenario_file), "--target", "incidents_per_customer=0.09+-0.01"]
    args += ["--free", "cases.problem_rate=0.02:0.2", "--reps", "2", "--budget", "4"]
    assert main([*args, "--workers", "1", "--quiet"]) == 0
    stem = scenario_file.with_suffix("")
    assert Scenario.load(f"{stem}-calibrated.toml").name == "ours-calibrated"
    assert Path(f"{stem}-calibration", "calibration.json").is_file()
    assert Path(f"{stem}-calibration.db").is_file()
    assert not any(elsewhere.iterdir())  # nothing in the working directory


def test_from_a_calibration_table(tmp_path, scenario_file, capsys):
    spec = tmp_path / "fit.toml"
    spec.write_text(
        f'[calibration]\nscenario = "{scenario_file.name}"\nreps = 3\nbudget = 6\n'
        '[[calibration.targets]]\nmetric = "incidents_per_customer"\nobserved = 0.09\n'
        "tolerance = 0.01\n"
        '[[calibration.free]]\npath = "cases.problem_rate"\nlow = 0.02\nhigh = 0.2\n'
    )
    out = tmp_path / "from-table.toml"
    assert (
        main(
            [
                "calibrate",
                str(spec),
                "--quiet",
                "--workers",
                "1",
                "--json",
                "--out",
                str(out),
                "--report",
                str(tmp_path / "r"),
                "--store",
                str(tmp_path / "t.db"),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["reps"] == 3 and report["calibrated"] == str(out)
    assert Scenario.load(out).parameters.cases.problem_rate == pytest.approx(
        report["fitted"]["cases.problem_rate"], rel=1e-5
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--target", "churn_rate=-0.2"],
            "--target churn_rate=-0.2: expected an observed churn_rate >= 0",
        ),
        (
            ["--target", "nps=120"],
            "--target nps=120: expected an observed nps between -100 and 100",
        ),
        (
            ["--free", "trust.nosuch=0:1"],
            "--free trust.nosuch=0:1: expected a path the scenario has",
        ),
        (["--free", "nosuch.gain=0:1"], "expected a path the scenario has"),
        (["--free", "trust.gain=0.3:0.1"], "expected finite bounds LOW < HIGH"),
        (["--budget", "1"], "calibration.budget: expected at least"),
        (["--target", "trust@5:50=0.5"], "expected weeks within the horizon (1 to 10)"),
    ],
)
def test_bad_calibrations_exit_2_with_one_clear_line(
    tmp_path, scenario_file, extra, message, capsys
):
    assert calibrate(tmp_path, scenario_file, *extra) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_scenario_without_targets_says_what_is_missing(tmp_path, scenario_file, capsys):
    assert main(["calibrate", str(scenario_file), "--free", "trust.gain=0.05:0.3"]) == 2
    assert "calibration.targets: expected at least one target (--target M=V)" in (
        capsys.readouterr().err
    )
