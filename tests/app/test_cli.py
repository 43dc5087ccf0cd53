import json
import subprocess
import sys

import pandas as pd
import pytest

from cxsim.analysis.store import Store
from cxsim.app.cli import main
from cxsim.core.metrics import metric_names
from tests.conftest import ROOT, SCENARIOS

SILOED = str(SCENARIOS / "siloed.toml")
SMALL = ["--set", "customers.count=800", "--weeks", "4"]


def test_run_json_prints_one_object_with_every_metric(capsys):
    assert main(["run", SILOED, "--seed", "3", "--json", *SMALL]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "siloed-baseline" and out["seed"] == 3 and out["weeks"] == 4
    assert list(out["metrics"]) == metric_names()
    provenance = out["provenance"]
    assert provenance["seed"] == 3 and len(provenance["scenario_hash"]) == 16
    assert {"cxsim", "mesa", "numpy"} <= set(provenance["versions"])


def test_run_prints_a_readable_table_and_writes_csv(tmp_path, capsys):
    out_file = tmp_path / "weekly.csv"
    departments = tmp_path / "departments.csv"
    args = ["run", SILOED, *SMALL, "--out", str(out_file), "--departments", str(departments)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "first_contact_resolution" in text and "week 4" in text
    frame = pd.read_csv(out_file, index_col="week")
    assert list(frame.index) == [1, 2, 3, 4] and list(frame.columns) == metric_names()
    assert set(pd.read_csv(departments)["department"]) == {
        "marketing",
        "sales",
        "onboarding",
        "product",
        "support",
        "billing",
    }


def test_same_seed_same_numbers(capsys):
    main(["run", SILOED, "--seed", "5", "--json", *SMALL])
    first = json.loads(capsys.readouterr().out)["metrics"]
    main(["run", SILOED, "--seed", "5", "--json", *SMALL])
    assert json.loads(capsys.readouterr().out)["metrics"] == first


def test_validate_and_components_and_parameters(capsys):
    assert main(["validate", SILOED]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["components", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert "balanced_scorecard" in listing["incentives"] and "silo" in listing["structure"]
    weights = {
        p["name"]: p["default"] for p in listing["incentives"]["balanced_scorecard"]["parameters"]
    }
    assert (
        weights["action_plan_weight"] > weights["negative_theme_weight"] > weights["survey_weight"]
    )
    assert main(["components"]) == 0
    assert "cross_functional" in capsys.readouterr().out
    assert main(["parameters"]) == 0
    assert "[trust]" in capsys.readouterr().out
    assert main(["metrics"]) == 0
    assert "churn_rate" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.toml"], "missing.toml: expected an existing scenario file"),
        (["run", SILOED, "--set", "customers.count=0"], "customers.count: expected an integer"),
        (["run", SILOED, "--set", "structure.type=matrix"], "structure.type: expected one of"),
        (["run", SILOED, "--set", "nonsense"], "expected dotted.path=value"),
        (["run", SILOED, "--seed", "-1"], "--seed: expected a non-negative integer"),
        (["run", SILOED, "--weeks", "0"], "--weeks: expected an integer between 1 and 5200"),
        (["run", SILOED, "--weeks", "99999"], "--weeks: expected an integer between 1 and 5200"),
        (["run", SILOED, "--set", "acquisition.base_rate=inf"], "expected a finite number"),
        (["run", SILOED, "--set", "structure.type=:X"], "package.module:Class"),
        (["run", SILOED, "--set", "departments.support.headcount=0"], "(via --set)"),
        (["validate", SILOED, "--set", "trust.gain=2"], "trust.gain: expected a finite number"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_file_content_names_file_and_path(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[scenario]\nname = "x"\n[incentives]\ntype = "individual_throughput"\nstrength = "high"\n'
    )
    assert main(["validate", str(bad)]) == 2
    assert (
        f"{bad}: incentives.strength: expected a finite number >= 0, got 'high'"
        in capsys.readouterr().err
    )


def test_output_to_a_directory_names_the_option(tmp_path, capsys):
    for flag in ("--out", "--departments"):
        assert main(["run", SILOED, *SMALL, flag, str(tmp_path)]) == 2
        assert f"{flag}: expected a file name, not a directory" in capsys.readouterr().err


def test_a_file_that_is_not_utf8_is_named(tmp_path, capsys):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[scenario]\nname = "caf\xe9"\n'.encode("latin-1"))
    assert main(["validate", str(bad)]) == 2
    assert "expected a UTF-8 encoded TOML file" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == "cxsim: error: the following arguments are required: SCENARIO (see cxsim run --help)\n"
    )


def test_installed_command_exits_2_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "cxsim", "run", SILOED, "--set", "customers.count=-5"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "customers.count" in result.stderr


def test_help_everywhere(capsys):
    commands = ["run", "validate", "components", "parameters", "metrics", "compare", "sweep"]
    commands += ["report", "demo", "calibrate", "status"]
    for command in ([], *([c] for c in commands)):
        assert main([*command, "--help"]) == 0
        text = capsys.readouterr().out
        assert "%%" not in text and "usage: cxsim" in text  # percent signs render once


def test_validate_reads_experiment_and_calibration_files(capsys):
    assert main(["validate", str(ROOT / "experiments" / "sensitivity.toml")]) == 0
    out = capsys.readouterr().out
    # 64 base samples x (10 constants + 2), each under two scenarios
    assert "sobol, 768 points" in out and "3,072 (2 replications each)" in out
    assert main(["validate", str(ROOT / "experiments" / "calibrate_baseline.toml")]) == 0
    assert "targets      churn_rate" in capsys.readouterr().out


LOADS_NOTHING_HEAVY = """
import sys
from cxsim.app.cli import main
if sys.argv[1:]:
    assert main(sys.argv[1:]) == 0
heavy = ("mesa", "matplotlib", "pandas", "cxsim.core.model", "cxsim.config.scenario")
bad = [m for m in sys.modules if m in heavy or m.startswith(("cxsim.analysis", "cxsim.report"))]
assert not bad, bad
"""


@pytest.mark.parametrize("args", [[], ["--help"], ["run", "--help"], ["compare", "--help"]])
def test_the_command_line_loads_the_model_only_for_a_command_that_needs_it(args):
    """Importing the command line, or asking it for help, loads no Mesa, model or plots."""
    result = subprocess.run(
        [sys.executable, "-c", LOADS_NOTHING_HEAVY, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_the_installed_command_prints_its_help():
    result = subprocess.run(
        [sys.executable, "-m", "cxsim", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: cxsim") and "calibrate" in result.stdout


def test_weeks_is_checked_when_given_and_only_then(capsys):
    assert main(["run", SILOED, "--weeks", "5201"]) == 2
    assert "--weeks: expected an integer between 1 and 5200, got 5201" in capsys.readouterr().err


UNCERTAIN_TINY = [
    "--set",
    "customers.count=600",
    "--set",
    "scenario.weeks=6",
    "--set",
    "warm_up.weeks=0",
    "--quiet",
]


def test_compare_under_uncertainty_reports_the_decision_measures(tmp_path, capsys):
    store = tmp_path / "runs.db"
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    args = ["compare", siloed, collaborative, "--reps", "2", "--store", str(store)]
    args += ["--uncertainty", "--draws", "6", *UNCERTAIN_TINY]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    uncertainty = report["uncertainty"]
    assert uncertainty["draws"] == 6
    pods = uncertainty["scenarios"]["collaborative"]
    assert set(pods) >= {"p_better", "parameter_share", "evpi", "evppi", "boxes"}
    assert 0 <= pods["p_better"]["profit_total"] <= 1
    assert set(pods["evppi"]) == set(uncertainty["ranges"])  # every declared constant
    assert "cross_functional.coordination_cost" in pods["evppi"]  # the pods' own costs too
    assert all(value >= 0 for value in pods["evppi"].values()) and pods["evpi"] >= 0
    # 2 x 2 comparison runs, 6 x 2 draws; the comparison's runs measure the noise
    assert main(["status", str(store)]) == 0
    assert "16 done, 0 failed" in capsys.readouterr().out
    # the summary in words, from the store alone this time
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Under uncertainty: 6 draws" in out and "What to measure first" in out
    assert "Chance it earns more two-year profit than siloed-baseline" in out
    assert "not in them (add --uncertainty)" not in out


def test_a_comparison_without_uncertainty_says_what_its_intervals_leave_out(capsys):
    """Intervals over replications are chance alone: the printed comparison says so."""
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    assert main(["compare", siloed, collaborative, "--reps", "2", *UNCERTAIN_TINY]) == 0
    out = capsys.readouterr().out
    assert "difference [95% interval]" in out
    assert out.rstrip().endswith("not in them (add --uncertainty).")


def test_a_comparison_says_what_each_scenario_earns_over_its_horizon(tmp_path, capsys):
    """Money over the horizon, summed from the stored weeks, under the outcomes."""
    store = tmp_path / "runs.db"
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    args = ["compare", siloed, collaborative, "--reps", "3", "--store", str(store)]
    assert main([*args, *UNCERTAIN_TINY, "--json"]) == 0
    money = {row["scenario"]: row for row in json.loads(capsys.readouterr().out)["money"]}
    with Store(store, writable=False) as runs:
        hashes = runs.runs().groupby("scenario_name")["scenario_hash"].first()
        profit = {
            name: runs.weekly(hashes[name])["profit"].sum(axis=1)
            for name in ("siloed-baseline", "collaborative")
        }
    gain = (profit["collaborative"] - profit["siloed-baseline"]).mean()
    assert money["collaborative"]["incremental profit"].startswith(f"{gain:,.0f} [")
    even = money["collaborative"]["break-even margin"]  # six weeks: often within chance
    assert "a customer-week (the scenario's: 18)" in even or even.startswith("none: the revenue")
    assert main([*args, *UNCERTAIN_TINY]) == 0  # from the store, in words
    out = capsys.readouterr().out
    assert "Over the 6 weeks, against siloed-baseline" in out
    assert "  break-even margin" in out and "  incremental profit" in out


def test_a_constant_set_on_the_command_line_is_held_not_drawn(tmp_path, capsys):
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    args = ["compare", siloed, collaborative, "--reps", "2", "--uncertainty", "--draws", "3"]
    held = ["--set", "trust.loss=0.2", "--set", "cross_functional.coordination_cost=0.1"]
    assert main([*args, *UNCERTAIN_TINY, "--set", "trust.loss=0.2", "--json"]) == 0
    ranges = json.loads(capsys.readouterr().out)["uncertainty"]["ranges"]
    assert "trust.loss" not in ranges and "handoffs.base_failure" in ranges
    # a component's constant is not a path of the scenario: --set refuses it
    assert main([*args, *UNCERTAIN_TINY, *held]) == 2
    assert "cross_functional" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--draws", "10"], "--uncertainty: expected the flag when --draws or --design is given"),
        (["--uncertainty", "--draws", "1"], "argument --draws: expected at least 2 draws"),
    ],
)
def test_compare_under_uncertainty_refuses_bad_flags(extra, message, capsys):
    siloed, collaborative = str(SCENARIOS / "siloed.toml"), str(SCENARIOS / "collaborative.toml")
    assert main(["compare", siloed, collaborative, *extra]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_the_demo_ends_with_the_decision_and_its_report(tmp_path, capsys):
    """The main job at full size, cut to two replications and three draws."""
    out = tmp_path / "demo"
    args = ["demo", "--reps", "2", "--draws", "3", "--out", str(out), "--workers", "2"]
    assert main([*args, "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "Under uncertainty: 3 draws" in text
    assert "collaborative against siloed-baseline" in text
    assert "transformation against siloed-baseline" in text
    assert "What to measure first" in text and "report: " in text
    # what each option earns over the horizon, from the paired replications, before the
    # decision under uncertainty
    money = text.index("Over the 104 weeks, against siloed-baseline")
    assert money < text.index("Under uncertainty") and "break-even margin" in text[money:]
    page = (out / "report.html").read_text()
    assert ">The decision<" in page and ">Method<" in page
    assert (out / "uncertainty.csv").exists()
