import numpy as np
import pytest

from cxsim.core.metrics import METRICS, RollingCounts, metric_names
from cxsim.core.model import OrganizationModel
from tests.conftest import small

REQUIRED = [
    "trust",
    "csat",
    "nps",
    "customer_effort",
    "repurchase_rate",
    "retention",
    "churn_rate",
    "active_customers",
    "morale",
    "turnover_rate",
    "cross_dept_help_rate",
    "handoff_failure_rate",
    "first_contact_resolution",
    "incidents_per_customer",
    "revenue",
    "cost",
    "profit",
]


def test_every_required_metric_is_declared_with_unit_and_definition():
    assert metric_names()[: len(REQUIRED)] == REQUIRED
    assert all(m.unit and m.definition for m in METRICS)


def test_rolling_window_annualises_over_the_last_quarter():
    rolling = RollingCounts(weeks=13)
    for _ in range(20):
        rolling.add(events=1.0, exposure=100.0)
    assert len(rolling.weeks) == 13
    assert rolling.annualised("events", "exposure") == pytest.approx(0.52)
    assert rolling.ratio("events", "exposure", default=1.0) == pytest.approx(0.01)
    assert RollingCounts().ratio("a", "b", default=1.0) == 1.0


def test_every_metric_is_a_reporter_that_measures_the_week():
    model = OrganizationModel(small(), seed=3)
    assert set(model.datacollector.model_reporters) == {m.name for m in METRICS}
    model.step()
    latest = model.latest_metrics()
    for metric in METRICS:
        value = metric.measure(model.observation)
        assert value == latest[metric.name]
        assert metric.low <= value <= metric.high, metric.name
    week = model.observation
    assert latest["profit"] == latest["revenue"] - latest["cost"]
    assert latest["nps"] == 100.0 * (week.promoters - week.detractors) / week.active
    assert latest["morale"] == float(np.array([e.morale for e in model.employees]).mean())
    totals = week.work.totals
    assert totals["surveyed"] > 0 and 0 < totals["survey_satisfied"] < totals["surveyed"]
    assert latest["csat"] == totals["survey_satisfied"] / totals["surveyed"]  # top two boxes


def test_the_model_s_one_clock_is_mesa_s_step_count():
    model = OrganizationModel(small(), seed=3)
    assert model.week == model.steps == 0
    model.run(3)
    assert model.week == model.steps == 3
    assert list(model.departments_frame()["week"].unique()) == [1, 2, 3]
    assert model.employees == sorted(model.agents, key=lambda e: e.slot)
