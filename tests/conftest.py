"""Shared fixtures: small scenarios that run in a fraction of a second."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxsim import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

SMALL_DEPARTMENTS = [
    {"name": "marketing", "headcount": 2, "stages": ["awareness"]},
    {"name": "sales", "headcount": 3, "stages": ["purchase", "renewal"]},
    {"name": "onboarding", "headcount": 2, "stages": ["onboarding"]},
    {"name": "product", "headcount": 8, "stages": ["usage"]},
    {"name": "support", "headcount": 9, "stages": ["support"]},
    {"name": "billing", "headcount": 4, "stages": ["billing"]},
]


def small(overrides: dict | None = None, weeks: int = 20, customers: int = 2000) -> Scenario:
    """A tenth of the default organization: 28 employees, 2,000 customers, no warm-up.

    Tests of mechanisms start from the starting values; tests of the organization at
    rest use the shipped scenarios, which settle first (``[warm_up]``).
    """
    data = {
        "scenario": {"name": "small", "weeks": weeks},
        "customers": {"count": customers},
        "departments": SMALL_DEPARTMENTS,
        "warm_up": {"weeks": 0},
    }
    return Scenario.from_dict(data, overrides=overrides)


@pytest.fixture
def small_scenario() -> Scenario:
    return small()
