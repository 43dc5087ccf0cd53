import numpy as np
import pytest

from cxsim import run
from cxsim.analysis.economics import (
    annual_retention,
    break_even_interval,
    break_even_margin,
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
    base = {
        "profit": [100.0, 100.0, 100.0],
        "revenue": [200.0, 200.0, 200.0],
        "programme_cost": [0.0, 0.0, 0.0],
    }
    scenario = {
        "profit": [40.0, 120.0, 160.0],
        "revenue": [200.0, 260.0, 300.0],
        "programme_cost": [50.0, 10.0, 0.0],
    }
    v = versus_baseline(
        scenario, base, EconomicsParameters(discount_rate=0.0, margin_per_customer_week=18.0)
    )
    assert v.incremental_profit == pytest.approx(20.0)  # -60 + 20 + 60
    assert v.programme_cost == pytest.approx(60.0)
    assert v.roi == pytest.approx((80.0 - 60.0) / 60.0)  # gain before programme 80
    assert v.payback_week == 3
    assert v.incremental_npv == pytest.approx(20.0)
    # 160 more revenue at a margin of 18 and 140 more cost: even at 18 x 140 / 160
    assert v.incremental_revenue == pytest.approx(160.0)
    assert v.break_even_margin == pytest.approx(15.75)


def test_break_even_margin_is_where_the_extra_profit_vanishes():
    # revenue scales with the margin, costs do not: at the break-even the gain is zero
    revenue_gain, cost_gain, margin = 2.4e6, 3.1e6, 18.0
    even = break_even_margin(revenue_gain, cost_gain, margin)
    assert revenue_gain * even / margin - cost_gain == pytest.approx(0.0, abs=1e-6)
    assert revenue_gain * (even + 1) / margin - cost_gain > 0  # more margin, more profit
    assert break_even_margin(0.0, 5.0, margin) is None  # no revenue moves: no margin decides


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


def test_break_even_interval_holds_the_margin_of_paired_replications():
    # 1.0-1.3 M more revenue at a margin of 18 and 0.8-1.0 M more cost: 18 x 3.6 / 4.6
    revenue = [1.0e6, 1.1e6, 1.2e6, 1.3e6]
    cost = [0.8e6, 0.85e6, 0.9e6, 1.05e6]
    even = break_even_interval(revenue, cost, 18.0)
    assert even.mean == pytest.approx(18.0 * 3.6 / 4.6)
    assert even.low < even.mean < even.high
    # at the interval's ends the paired extra profit's interval just reaches zero
    extra = np.asarray(revenue) * even.high / 18.0 - np.asarray(cost)
    mean, half = extra.mean(), extra.std(ddof=1) / 2 * 3.182446  # t(0.975, 3)
    assert mean - half == pytest.approx(0.0, abs=1.0)
    # revenue that moves either way by chance leaves no margin deciding
    assert break_even_interval([1e5, -1e5, 2e5, -2e5], [0.0] * 4, 18.0) is None
