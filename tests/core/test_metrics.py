import pytest

from cxsim.core.metrics import METRICS, RollingCounts, metric_names

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
