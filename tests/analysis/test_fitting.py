import numpy as np
import pytest

from cxsim.analysis.calibration import Calibration, FreeParameter, make_target, parse_target
from cxsim.analysis.experiment import open_executor
from cxsim.analysis.fitting import SimulatedMoments, calibrate, fit_table
from cxsim.analysis.store import Store
from tests.conftest import small

FREE = [
    FreeParameter("cases.problem_rate", 0.02, 0.2),
    FreeParameter("repurchase.intercept", -2.5, 0.0),
]
TRUTH = {"cases.problem_rate": 0.13, "repurchase.intercept": -1.2}
WINDOW = (27, 52)


def observed_at_truth(store: Store) -> list:
    """Targets an organization with the true values shows: 16 runs on other seeds."""
    probe = Calibration(
        small(weeks=52),
        [
            make_target("incidents_per_customer", 0.1, 0.01, WINDOW, False, "probe"),
            make_target("repurchase_rate", 0.5, 0.05, WINDOW, False, "probe"),
            make_target("churn_rate", 0.2, 0.02, WINDOW, False, "probe"),
        ],
        FREE,
        reps=16,
        seed=999,
    )
    means = SimulatedMoments(probe, store).moments(TRUTH).mean()
    return [
        make_target(
            t.metric, float(means[t.label]), 0.05 * float(means[t.label]), t.window, False, "t"
        )
        for t in probe.targets
    ]


@pytest.mark.slow
def test_recovers_known_parameters_from_other_starting_values(tmp_path):
    with Store(tmp_path / "runs.db") as store:
        targets = observed_at_truth(store)
        calibration = Calibration(small(weeks=52), targets, FREE, reps=6, budget=40, seed=1)
        start = calibration.starting_values()
        result = calibrate(calibration, store)
    for parameter in FREE:
        span = parameter.high - parameter.low
        # it starts well away from the truth...
        assert abs(start[parameter.path] - TRUTH[parameter.path]) > 0.15 * span
        # ...and ends within a tenth of the range of it
        assert abs(result.fitted[parameter.path] - TRUTH[parameter.path]) < 0.1 * span, (
            result.fitted
        )
    assert result.fit["met"].all(), result.fit
    assert list(result.identification["note"]) == ["identified", "identified"]
    assert result.warnings == []
    assert result.evaluations <= 40
    # incidents constrain the problem rate, and renewal's intercept cannot move them
    sensitivity = result.sensitivity.abs()
    assert sensitivity.loc["incidents_per_customer@27:52", "cases.problem_rate"] > 5
    assert sensitivity.loc["incidents_per_customer@27:52", "repurchase.intercept"] < 0.5
    assert sensitivity.loc["repurchase_rate@27:52", "repurchase.intercept"] > 2


def test_parameter_no_target_responds_to_is_reported_unidentified(tmp_path):
    free = [
        FreeParameter("cases.problem_rate", 0.02, 0.2),
        FreeParameter("economics.bonus_pool", 0.0, 200.0),  # money, not customers
    ]
    targets = [parse_target("incidents_per_customer=0.1+-0.01")]
    calibration = Calibration(small(weeks=12), targets, free, reps=3, budget=8)
    with Store(tmp_path / "runs.db") as store:
        result = calibrate(calibration, store)
    notes = dict(
        zip(result.identification["parameter"], result.identification["note"], strict=True)
    )
    assert notes["economics.bonus_pool"] == "no target responds to it: not identified"
    assert "economics.bonus_pool: no target responds to it: not identified" in result.warnings
    assert result.sensitivity.loc["incidents_per_customer", "economics.bonus_pool"] == 0.0


def test_unreachable_target_and_parameter_at_its_bound_are_warned_about(tmp_path):
    free = [FreeParameter("cases.problem_rate", 0.02, 0.05)]
    targets = [parse_target("incidents_per_customer=0.5+-0.01")]  # far above what 0.05 gives
    calibration = Calibration(small(weeks=8), targets, free, reps=3, budget=6)
    with Store(tmp_path / "runs.db") as store:
        result = calibrate(calibration, store)
    assert result.fitted["cases.problem_rate"] == pytest.approx(0.05)
    assert not result.fit["met"].any()
    assert any(w.startswith("cases.problem_rate ended at its upper bound") for w in result.warnings)
    assert any(w.startswith("not all targets can be met together") for w in result.warnings)


def test_a_second_calibration_reuses_the_stored_runs(tmp_path):
    free = [FreeParameter("cases.problem_rate", 0.02, 0.2)]
    targets = [parse_target("incidents_per_customer=0.09+-0.01")]
    calibration = Calibration(small(weeks=8), targets, free, reps=3, budget=8)
    with Store(tmp_path / "runs.db") as store:
        first = calibrate(calibration, store)
        stored = store.status()["done"]
        second = calibrate(calibration, store)
        assert store.status()["done"] == stored  # nothing run again
    assert first.fitted == second.fitted
    assert first.fit.equals(second.fit)


def test_runs_go_through_the_experiment_executors(tmp_path):
    free = [FreeParameter("cases.problem_rate", 0.02, 0.2)]
    targets = [parse_target("incidents_per_customer=0.09+-0.01")]
    calibration = Calibration(small(weeks=8), targets, free, reps=4, budget=6)
    with Store(tmp_path / "a.db") as store:
        alone = calibrate(calibration, store)
    with Store(tmp_path / "b.db") as store, open_executor("process", 2) as executor:
        pooled = calibrate(calibration, store, executor)
    assert alone.fitted == pooled.fitted
    assert alone.fit.equals(pooled.fit)


def test_fit_table_marks_what_is_met():
    import pandas as pd

    targets = [parse_target("trust=0.5+-0.1"), make_target("nps", 10, 2, None, True, "x")]
    moments = pd.DataFrame({"trust": [0.59, 0.65], "nps": [13.0, 13.4]})
    fit = fit_table(targets, moments)
    assert list(fit["met"]) == [False, True]  # 0.62 is 1.2 tolerances off; 13.2 within 1.96 SE
    assert fit["gap_in_tolerances"].to_numpy() == pytest.approx([1.2, 1.6])
    assert np.all(fit["low"] < fit["simulated"])


def test_identification_separates_what_the_targets_can_and_cannot_tell_apart():
    import pandas as pd

    from cxsim.analysis.fitting import identify

    free = [
        FreeParameter("cases.problem_rate", 0.02, 0.2),
        FreeParameter("trust.gain", 0.01, 0.3),
        FreeParameter("trust.loss", 0.01, 0.5),
        FreeParameter("economics.bonus_pool", 0.0, 100.0),
    ]
    targets = [parse_target(t) for t in ("incidents_per_customer=0.1", "trust=0.6", "nps=5")]
    calibration = Calibration(small(), targets, free, reps=2, budget=20)
    labels = [t.label for t in targets]
    sensitivity = pd.DataFrame(
        {
            "cases.problem_rate": [5.0, 0.0, 0.0],
            "trust.gain": [0.0, 2.0, 1.0],
            "trust.loss": [0.0, 2.0, 1.0],  # moves the targets exactly as trust.gain does
            "economics.bonus_pool": [0.05, -0.04, 0.0],  # within noise
        },
        index=labels,
    )
    noise = pd.DataFrame(0.05, index=labels, columns=sensitivity.columns)
    fitted = {p.path: p.from_unit(0.5) for p in free}
    table = identify(calibration, fitted, np.full(4, 0.5), sensitivity, noise)
    notes = dict(zip(table["parameter"], table["note"], strict=True))
    assert notes["cases.problem_rate"] == "identified"
    assert notes["trust.gain"] == "not identified: the targets cannot separate it from trust.loss"
    assert notes["trust.loss"] == "not identified: the targets cannot separate it from trust.gain"
    assert notes["economics.bonus_pool"] == "no target responds to it: not identified"
    problem_rate = table.set_index("parameter").loc["cases.problem_rate"]
    assert problem_rate["uncertainty_share_of_range"] == pytest.approx(0.2)  # 1/5
    assert problem_rate["most_informative_target"] == "incidents_per_customer"


def test_values_invalid_together_score_infinity_with_the_reason(tmp_path, monkeypatch):
    from cxsim.validation.errors import InputError

    free = [FreeParameter("cases.problem_rate", 0.02, 0.2)]
    calibration = Calibration(small(weeks=4), [parse_target("trust=0.6")], free, reps=2)
    with Store(tmp_path / "runs.db") as store:
        objective = SimulatedMoments(calibration, store)

        def refuse(values):
            raise InputError("journey.usage_mix", "stage weights with a positive sum")

        monkeypatch.setattr(objective, "scenario_at", refuse)
        assert objective([0.5]) == float("inf")
    (point,) = objective.history
    assert (
        point["problem"] == "invalid together: journey.usage_mix: stage weights with a positive sum"
    )
