import numpy as np
import pytest

from cxsim import run
from cxsim.analysis.economics import (
    annual_retention,
    clv,
    npv,
    payback_week,
    roi,
    run_economics,
    versus_baseline,
    weekly_rate,
)
from cxsim.core.parameters import EconomicsParameters
from tests.conftest import small


def test_weekly_rate_compounds_to_the_annual_rate():
    assert (1 + weekly_rate(0.08)) ** 52 == pytest.approx(1.08)


def test_npv_by_hand():
    # 100 a week for two weeks at a weekly rate w: 100/(1+w) + 100/(1+w)^2
    w = weekly_rate(0.10)
    assert npv([100.0, 100.0], 0.10) == pytest.approx(100 / (1 + w) + 100 / (1 + w) ** 2)
    assert npv([100.0, 100.0], 0.0) == 200.0


def test_clv_by_hand():
    # m = 1000 a year, r = 0.8, d = 0.1: 1000 * 0.8 / (1 + 0.1 - 0.8) = 2666.67
    assert clv(1000.0, 0.8, 0.1) == pytest.approx(2666.6667, rel=1e-6)
    assert annual_retention(0.64, 104) == pytest.approx(0.8)


def test_roi_by_hand():
    assert roi(gain=150.0, programme_cost=100.0) == pytest.approx(0.5)
    assert roi(gain=50.0, programme_cost=100.0) == pytest.approx(-0.5)
    assert roi(gain=50.0, programme_cost=0.0) is None


def test_payback_is_the_week_from_which_the_cumulative_stays_positive():
    assert payback_week([-100, 30, 30, 30, 30]) == 5  # cumulative -100,-70,-40,-10,20
    assert payback_week([-100, 200, -150, 100]) == 4  # dips back below zero in week 3
    assert payback_week([5, 5]) == 1
    assert payback_week([-100, 10]) is None


def test_versus_baseline_by_hand():
    base = {"profit": [100.0, 100.0, 100.0], "programme_cost": [0.0, 0.0, 0.0]}
    scenario = {"profit": [40.0, 120.0, 160.0], "programme_cost": [50.0, 10.0, 0.0]}
    v = versus_baseline(scenario, base, EconomicsParameters(discount_rate=0.0))
    assert v.incremental_profit == pytest.approx(20.0)  # -60 + 20 + 60
    assert v.programme_cost == pytest.approx(60.0)
    assert v.roi == pytest.approx((80.0 - 60.0) / 60.0)  # gain before programme 80
    assert v.payback_week == 3
    assert v.incremental_npv == pytest.approx(20.0)


def test_run_economics_adds_up_the_model_weeks():
    result = run(small(weeks=6), seed=1)
    weekly = {name: result.metrics[name].to_numpy() for name in result.metrics.columns}
    money = run_economics(weekly, result.scenario.parameters.economics)
    assert money.revenue == pytest.approx(weekly["revenue"].sum())
    assert money.profit == pytest.approx(money.revenue - sum(money.costs.values()))
    assert money.clv > 0
    assert np.allclose(
        weekly["cost"],
        sum(
            weekly[k]
            for k in (
                "salary_cost",
                "incentive_cost",
                "leaver_cost",
                "acquisition_spend",
                "programme_cost",
            )
        ),
    )
