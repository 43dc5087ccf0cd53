import pytest

from cxsim.analysis.calibration import (
    Calibration,
    FreeParameter,
    from_table,
    load_calibration,
    make_target,
    parse_free,
    parse_target,
)
from cxsim.validation.errors import InputError
from tests.conftest import SCENARIOS, small


def test_target_syntax():
    t = parse_target("churn_rate=0.18+-0.02")
    assert (t.metric, t.observed, t.scale, t.window) == ("churn_rate", 0.18, 0.02, None)
    t = parse_target("turnover_rate@53:104=0.3")
    assert t.window == (53, 104) and t.label == "turnover_rate@53:104"
    assert t.scale == pytest.approx(0.03)  # 10% of the value by default
    assert parse_target("nps=0").scale == 1.0  # at least 1 for a metric not in 0-1
    assert parse_target("trust=0.05").scale == 0.01  # at least 0.01 for a 0-1 metric
    assert parse_target("nps=12±3").scale == 3.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "churn_rate=-0.1",
            "--target churn_rate=-0.1: expected an observed churn_rate >= 0, got -0.1",
        ),
        ("nps=140", "--target nps=140: expected an observed nps between -100 and 100, got 140.0"),
        ("happiness=3", "--target happiness=3: expected a metric, one of "),
        ("churn_rate=0.2+-0", "expected a tolerance or standard error > 0, got 0.0"),
        ("churn_rate", "expected METRIC=VALUE"),
        ("churn_rate=lots", "expected numbers in METRIC=VALUE+-TOLERANCE"),
        ("churn_rate@9:3=0.2", "expected a window of weeks FIRST:LAST"),
    ],
)
def test_impossible_or_malformed_targets_are_refused(text, message):
    with pytest.raises(InputError) as error:
        parse_target(text)
    assert message in str(error.value)


def test_free_syntax_and_bounds():
    p = parse_free("repurchase.intercept=-2:0.5")
    assert (p.path, p.low, p.high) == ("repurchase.intercept", -2.0, 0.5)
    assert p.from_unit(0.5) == pytest.approx(-0.75)
    assert p.to_unit(9) == 1.0
    with pytest.raises(InputError, match="expected finite bounds LOW < HIGH"):
        parse_free("trust.gain=0.5:0.1")
    with pytest.raises(InputError, match="expected dotted.path=LOW:HIGH"):
        parse_free("trust.gain")


def calibration(free, targets=None, **options):
    targets = targets or [parse_target("churn_rate=0.2")]
    return Calibration(small(), targets, free, **options)


def test_unknown_path_and_bounds_outside_the_declared_range_are_refused():
    with pytest.raises(InputError) as error:
        calibration([parse_free("trust.nonsense=0:1")])
    assert str(error.value).startswith("--free trust.nonsense=0:1: expected a path the scenario")
    with pytest.raises(InputError) as error:
        calibration([parse_free("handoffs.base_failure=0.2:1.5")])
    assert (
        "expected bounds valid at handoffs.base_failure (a finite number between 0 and 1)"
        in str(error.value)
    )
    with pytest.raises(InputError, match="numeric scenario value"):
        calibration([parse_free("structure.type=0:1")])


def test_budget_reps_window_and_duplicates_are_checked():
    free = [parse_free("trust.gain=0.05:0.3")]
    with pytest.raises(InputError, match="calibration.budget: expected at least 4 evaluations"):
        calibration(free, budget=3)
    with pytest.raises(InputError, match="calibration.reps: expected at least 2"):
        calibration(free, reps=1)
    with pytest.raises(InputError, match="weeks within the horizon"):
        calibration(free, targets=[parse_target("trust@10:60=0.5")])
    with pytest.raises(InputError, match="each target once"):
        calibration(free, targets=[parse_target("trust=0.5"), parse_target("trust=0.6")])
    with pytest.raises(InputError, match="at least one free parameter"):
        calibration([])


def test_integer_paths_are_fitted_as_integers():
    c = calibration([parse_free("departments.support.headcount=5:20")])
    assert c.free[0].integer
    assert c.free[0].from_unit(0.33) == 10


def test_starting_values_are_the_scenarios_clipped_into_bounds():
    c = calibration([FreeParameter("turnover.base_quit", 0.02, 0.04, where="x")])
    assert c.starting_values() == {"turnover.base_quit": 0.02}  # 0.01 lies below the range


def test_calibration_table_in_an_experiment_file(tmp_path):
    spec = tmp_path / "fit.toml"
    spec.write_text(
        f'[calibration]\nscenario = "{SCENARIOS / "siloed.toml"}"\nreps = 4\nbudget = 20\n'
        '[[calibration.targets]]\nmetric = "churn_rate"\nobserved = 0.2\ntolerance = 0.02\n'
        '[[calibration.targets]]\nmetric = "turnover_rate"\nobserved = 0.3\n'
        "standard_error = 0.01\nwindow = [53, 104]\n"
        '[[calibration.free]]\npath = "repurchase.intercept"\nlow = -2.5\nhigh = 0\n'
    )
    c = load_calibration(spec)
    assert (c.reps, c.budget) == (4, 20)
    second = c.targets[1]
    assert second.standard_error and second.window == (53, 104)
    assert second.allowance == pytest.approx(0.0196)
    spec.write_text(spec.read_text().replace("observed = 0.2", "observed = -0.2"))
    with pytest.raises(InputError) as error:
        load_calibration(spec)
    assert str(error.value) == (
        f"{spec}: calibration.targets.0: expected an observed churn_rate >= 0, got -0.2"
    )


def test_make_target_names_where_it_came_from():
    with pytest.raises(InputError, match="^here: expected"):
        make_target("nps", 101, None, None, False, "here")


@pytest.mark.parametrize("path", ["scenario.weeks=20:40", "interventions.0.start=1:5"])
def test_horizon_and_programme_windows_are_not_fitted(path):
    with pytest.raises(InputError, match="expected a model parameter; the horizon"):
        calibration([parse_free(path)])


def test_negative_seed_is_refused():
    with pytest.raises(InputError, match="calibration.seed: expected a whole number >= 0"):
        calibration([parse_free("trust.gain=0.05:0.3")], seed=-1)


def _table(**changes):
    table = {
        "scenario": str(SCENARIOS / "siloed.toml"),
        "targets": [{"metric": "churn_rate", "observed": 0.2}],
        "free": [{"path": "trust.gain", "low": 0.05, "high": 0.3}],
    }
    return {**table, **changes}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (3, "calibration: expected a table, got 3"),
        (_table(iterations=3), "calibration.iterations: expected one of the known keys (budget, "),
        (_table(scenario=3), "calibration.scenario: expected a scenario file"),
        (_table(reps=-1), "calibration.reps: expected an integer between 0 and 1,000,000, got -1"),
        (_table(method="bfgs"), "calibration.method: expected one of 'nelder-mead', 'powell'"),
        (_table(targets={}), "calibration.targets: expected a list of [[calibration.targets]]"),
        (_table(targets=[{"metric": "trust"}]), "calibration.targets.0.observed: expected a"),
        (
            _table(targets=[{"metric": "trust", "observed": 0.5, "window": [3]}]),
            "calibration.targets.0.window: expected two weeks [first, last], got [3]",
        ),
        (
            _table(targets=[{"metric": "trust", "observed": 0.5, "tolerance": 0}]),
            "calibration.targets.0.tolerance: expected a finite number > 0",
        ),
        (
            _table(
                targets=[{"metric": "trust", "observed": 0.5, "tolerance": 1, "standard_error": 1}]
            ),
            "calibration.targets.0: expected a tolerance or a standard error, not both",
        ),
        (
            _table(free=[{"path": "trust.gain", "low": 0.05}]),
            "calibration.free.0.high: expected a finite number",
        ),
        (
            _table(free=[{"path": "trust.gain", "low": 0.3, "high": 0.05}]),
            "calibration.free.0: expected finite bounds LOW < HIGH",
        ),
    ],
)
def test_bad_calibration_tables_name_the_field(tmp_path, table, message):
    with pytest.raises(InputError) as error:
        from_table(table, tmp_path, "fit.toml", None)
    assert str(error.value).startswith(message)
